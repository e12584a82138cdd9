# Unit tests of lib/, one cmocka program each (tests/unit/NAME.c), built
# by the top-level Makefile into $(BUILD)/tests/NAME and run by make check.
UNIT_TESTS = test-archive test-buf test-custom test-db test-dupes test-entity test-err \
	test-out test-order test-query test-reader test-rules test-schema \
	test-search test-stmt test-text \
	test-value
