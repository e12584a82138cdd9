#!/usr/bin/env bats
# crm-customer update: one transaction over every id (SPEC 3.6).

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name 'Ada Lovelace' --email ada@example.com --city London >/dev/null
	crm-customer add --name 'Bob Builder' --email bob@example.com --city Paris >/dev/null
	crm-customer add --name '张伟' >/dev/null
	pin_times
}

@test "update changes the fields given, prints nothing and moves updated_at" {
	run --separate-stderr crm-customer update 1 --city Cambridge --segment vip
	assert_success
	assert_output ''
	assert_stderr ''
	run crm-customer list -H -o id,name,email,city,segment
	assert_output "$(printf '%s\n' '1	Ada Lovelace	ada@example.com	Cambridge	vip' \
		'2	Bob Builder	bob@example.com	Paris	' '3	张伟			')"
	assert_equal "$(db_value customers created_at 1)" 2026-01-02T03:04:05Z
	assert_regex "$(db_value customers updated_at 1)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
	[ "$(db_value customers updated_at 1)" != 2026-01-02T03:04:05Z ]
	assert_equal "$(db_value customers updated_at 2)" 2026-01-02T03:04:05Z
}

@test "update with the values a customer has already changes nothing" {
	before=$(dump_db)
	run --separate-stderr crm-customer update 1 --city London -v
	assert_success
	assert_output ''
	assert_stderr "crm-customer: customer 1 unchanged"
	assert_unchanged "$before"
}

@test "update -v says which customers changed" {
	run --separate-stderr crm-customer update 1 2 --city Paris -v
	assert_success
	assert_output ''
	assert_stderr "$(printf 'crm-customer: customer 1 updated\ncrm-customer: customer 2 unchanged')"
}

@test "update takes --set FIELD=VALUE too" {
	run crm-customer update 3 --set city=北京 --set kind=company
	assert_success
	run crm-customer list -H -o id,kind,city --where id=3
	assert_output "3	company	北京"
}

@test "update names customers by id or email, several at once" {
	run crm-customer update BOB@example.com 3 --segment retail
	assert_success
	assert_output ''
	run crm-customer list -H -o id,segment
	assert_output "$(printf '1\t\n2\tretail\n3\tretail')"
}

@test "update - reads the ids from stdin, so list pipes into update" {
	run bash -c "crm-customer list -H --where 'email!=' | crm-customer update - --segment mailed"
	assert_success
	assert_output ''
	run crm-customer list -H -o id,segment
	assert_output "$(printf '1\tmailed\n2\tmailed\n3\t')"
}

@test "update with an empty value clears an optional field" {
	run crm-customer update 1 --email '' --city ''
	assert_success
	run crm-customer list -f json -o id,email,city --where id=1
	assert_output '{"id":1,"email":null,"city":null}'
}

@test "update with nothing to set exits 64 and changes nothing" {
	before=$(dump_db)
	run --separate-stderr crm-customer update 1
	assert_error 64 "crm-customer: nothing to update: give --FIELD VALUE or --set FIELD=VALUE; see 'crm-customer update --help'"
	assert_unchanged "$before"
}

@test "update without an id exits 64 and changes nothing" {
	before=$(dump_db)
	run --separate-stderr crm-customer update --city Rome
	assert_error 64 "crm-customer: no ID|EMAIL|REF...|- given; see 'crm-customer update --help'"
	assert_unchanged "$before"
}

@test "if one of several ids is unknown, nothing changes" {
	before=$(dump_db)
	run --separate-stderr crm-customer update 1 99 2 --segment gold
	assert_error 1 "crm-customer: no customer '99'"
	assert_unchanged "$before"
}

@test "if the update fails for one of several customers, nothing changes" {
	# Customer 3 takes the ref, then customer 1 may not have it too: the
	# update of customer 3 must not stay.
	before=$(dump_db)
	run --separate-stderr crm-customer update 3 1 --ref ERP-1
	assert_error 65 "crm-customer: ref 'ERP-1' already belongs to customer 3"
	assert_unchanged "$before"
}

@test "an update refused from stdin's ids changes nothing" {
	before=$(dump_db)
	run --separate-stderr crm-customer update - --segment x <<<"$(printf '1\n2\nnobody@example.com')"
	assert_error 1 "crm-customer: no customer 'nobody@example.com'"
	assert_unchanged "$before"
}

@test "update refuses to empty the name: 65, nothing changed" {
	before=$(dump_db)
	run --separate-stderr crm-customer update 1 --name '  '
	assert_error 65 "crm-customer: name is required, it must not be empty"
	assert_unchanged "$before"
}

@test "update refuses a bad value: 65, nothing changed" {
	before=$(dump_db)
	run --separate-stderr crm-customer update 1 --phone 12
	assert_error 65 "crm-customer: phone: invalid phone '12': 2 digits, expected 5 to 20"
	run --separate-stderr crm-customer update 1 --kind robot
	assert_error 65 "crm-customer: kind: invalid value 'robot': expected one of person, company"
	assert_unchanged "$before"
}

@test "update may keep a customer's own email in another case" {
	run crm-customer update 1 --email ADA@EXAMPLE.COM --city Bath
	assert_success
	run crm-customer list -H -o id,email,city --where id=1
	assert_output "1	ada@example.com	Bath"
}

@test "update of a field that cannot be set, or unknown, exits 64" {
	before=$(dump_db)
	run --separate-stderr crm-customer update 1 --set id=9
	assert_error 64 "crm-customer: field 'id' cannot be set"
	run --separate-stderr crm-customer update 1 --set updated_at=2020-01-01
	assert_error 64 "crm-customer: field 'updated_at' cannot be set"
	run --separate-stderr crm-customer update 1 --set colour=red
	assert_error 64 "crm-customer: unknown field 'colour' for customer; known: $(known_fields customer)"
	run --separate-stderr crm-customer update 1 --colour red
	assert_error 64 "crm-customer: unknown option '--colour'; see 'crm-customer update --help'"
	assert_unchanged "$before"
}

@test "a bad value for several customers is one message, not one per customer" {
	before=$(dump_db)
	run --separate-stderr crm-customer update 1 2 3 --phone 12
	assert_error 65 "crm-customer: phone: invalid phone '12': 2 digits, expected 5 to 20"
	assert_unchanged "$before"
}
