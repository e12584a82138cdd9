#!/usr/bin/env bats
# crm-customer merge KEEP OTHER...: what refers to OTHER moves to KEEP,
# OTHER is removed (SPEC 4), all in one transaction (SPEC 3.6).

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name 'Ada Lovelace' --email ada@example.com --city London >/dev/null
	crm-customer add --name 'A. Lovelace' --email ada.l@example.org --phone 13800138000 \
		--city Cambridge --segment vip --ref ERP-2 --address $'1 Main St\nCambridge' >/dev/null
	crm-customer add --name 'Ada L' --country UK >/dev/null
	crm-contact add --customer 2 --name 'Two One' >/dev/null
	crm-contact add --customer 2 --name 'Two Two' >/dev/null
	crm-contact add --customer 3 --name 'Three One' >/dev/null
	crm-contact add --customer 1 --name 'One One' >/dev/null
}

@test "merge moves the contacts to KEEP and removes OTHER" {
	run --separate-stderr crm-customer merge 1 2
	assert_success
	assert_output ''
	assert_stderr "crm-customer: customer 2 merged into 1, moved 2 contacts"
	run crm-contact list -H -o id,customer,name
	assert_output "$(printf '1\t1\tTwo One\n2\t1\tTwo Two\n3\t3\tThree One\n4\t1\tOne One')"
	run crm-customer list -H -o id
	assert_output "$(printf '1\n3')"
	run --separate-stderr crm-customer show 2
	assert_error 1 "crm-customer: no customer '2'"
}

@test "merge fills KEEP's empty fields from OTHER and keeps KEEP's own" {
	run crm-customer merge -q 1 2
	assert_success
	run crm-customer list -f json -o id,name,email,phone,address,city,segment,ref --where id=1
	assert_output '{"id":1,"name":"Ada Lovelace","email":"ada@example.com","phone":"13800138000","address":"1 Main St\nCambridge","city":"London","segment":"vip","ref":"ERP-2"}'
}

@test "merge moves OTHER's unique email to a KEEP that has none" {
	run crm-customer merge -q 3 2
	assert_success
	run crm-customer list -H -o id,name,email,ref,country --where id=3
	assert_output "3	Ada L	ada.l@example.org	ERP-2	UK"
	run crm-customer show -H -o id ada.l@example.org
	assert_output 3
}

@test "merge of several OTHERs into KEEP" {
	run --separate-stderr crm-customer merge 1 2 3
	assert_success
	assert_output ''
	assert_stderr "$(printf 'crm-customer: customer 2 merged into 1, moved 2 contacts\ncrm-customer: customer 3 merged into 1, moved 1 contact')"
	run crm-customer list -H -o id,country,phone
	assert_output "1	UK	13800138000"
	run crm-contact list -H -o customer
	assert_output "$(printf '1\n1\n1\n1')"
}

@test "merge names customers by id or email" {
	run crm-customer merge -q ADA@example.com ada.l@example.org
	assert_success
	run crm-customer list -H -o id
	assert_output "$(printf '1\n3')"
}

@test "merge - reads the OTHERs from stdin" {
	run crm-customer merge -q 1 - <<<"$(printf '2\n3')"
	assert_success
	assert_output ''
	run crm-customer list -H -o id
	assert_output 1
}

@test "merge of a customer with nothing referring to it says so without a count" {
	crm-customer add --name Lonely >/dev/null
	run --separate-stderr crm-customer merge 1 4
	assert_success
	assert_stderr "crm-customer: customer 4 merged into 1"
}

@test "if one OTHER is unknown, nothing is merged" {
	before=$(dump_db)
	run --separate-stderr crm-customer merge 1 2 99
	assert_failure 1
	assert_output ''
	assert_stderr_line "crm-customer: no customer '99'"
	assert_unchanged "$before"
}

@test "a merge that fails does not claim to have merged anything" {
	before=$(dump_db)
	run --separate-stderr crm-customer merge 1 2 99
	assert_error 1 "crm-customer: no customer '99'"
	assert_unchanged "$before"
}

@test "an unknown KEEP exits 1 and changes nothing" {
	before=$(dump_db)
	run --separate-stderr crm-customer merge 99 2
	assert_error 1 "crm-customer: no customer '99'"
	assert_unchanged "$before"
}

@test "a customer cannot be merged into itself: 65, nothing changed" {
	before=$(dump_db)
	run --separate-stderr crm-customer merge 1 1
	assert_error 65 "crm-customer: cannot merge customer 1 into itself"
	run --separate-stderr crm-customer merge -q 1 ada@example.com
	assert_error 65 "crm-customer: cannot merge customer 1 into itself"
	assert_unchanged "$before"
}

@test "merge needs KEEP and at least one OTHER: 64" {
	before=$(dump_db)
	run --separate-stderr crm-customer merge 1
	assert_error 64 "crm-customer: merge needs KEEP and at least one OTHER; see 'crm-customer merge --help'"
	run --separate-stderr crm-customer merge
	assert_error 64 "crm-customer: merge needs KEEP and at least one OTHER; see 'crm-customer merge --help'"
	assert_unchanged "$before"
}

@test "merge moves the orders of OTHER to KEEP" {
	command -v crm-order >/dev/null || skip "no crm-order built"
	crm-product add --sku A --name Apple --price 1.00 --stock 5 >/dev/null
	crm-order add --customer 2 --line A:1 >/dev/null
	run crm-customer merge -q 1 2
	assert_success
	run crm-order list -H -o id,customer
	assert_output "1	1"
}
