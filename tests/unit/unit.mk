# Unit tests of lib/, one cmocka program each (tests/unit/NAME.c).
UNIT_TESTS =
