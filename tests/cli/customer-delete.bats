#!/usr/bin/env bats
# crm-customer delete: refuses a customer others refer to, --cascade, one
# transaction over every id (SPEC 3.6).

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name Ada --email ada@example.com >/dev/null
	crm-customer add --name Bob >/dev/null
	crm-customer add --name Cy >/dev/null
	crm-contact add --customer 1 --name 'Ada One' >/dev/null
	crm-contact add --customer 1 --name 'Ada Two' >/dev/null
	crm-contact add --customer 2 --name 'Bob One' >/dev/null
}

@test "delete removes a customer nothing refers to and prints nothing" {
	run --separate-stderr crm-customer delete 3
	assert_success
	assert_output ''
	assert_stderr ''
	run crm-customer list -H -o id
	assert_output "$(printf '1\n2')"
	run --separate-stderr crm-customer show 3
	assert_error 1 "crm-customer: no customer '3'"
}

@test "delete names customers by id or email" {
	run crm-customer delete ADA@example.com 3 --cascade -q
	assert_success
	assert_output ''
	run crm-customer list -H -o id
	assert_output 2
}

@test "delete refuses a customer with contacts, says what refers to it, exits 65" {
	before=$(dump_db)
	run --separate-stderr crm-customer delete 1
	assert_error 65 "crm-customer: customer 1 is referred to by 2 contacts; use --cascade to delete them too"
	run --separate-stderr crm-customer delete 2
	assert_error 65 "crm-customer: customer 2 is referred to by 1 contact; use --cascade to delete them too"
	assert_unchanged "$before"
}

@test "if one of several customers is refused, none is deleted" {
	before=$(dump_db)
	run --separate-stderr crm-customer delete 3 1
	assert_error 65 "crm-customer: customer 1 is referred to by 2 contacts; use --cascade to delete them too"
	assert_unchanged "$before"
}

@test "if one of several ids is unknown, none is deleted" {
	before=$(dump_db)
	run --separate-stderr crm-customer delete 3 99
	assert_error 1 "crm-customer: no customer '99'"
	run --separate-stderr crm-customer delete - <<<"$(printf '3\nnobody@example.com')"
	assert_error 1 "crm-customer: no customer 'nobody@example.com'"
	assert_unchanged "$before"
}

@test "--cascade deletes the contacts too and says how many on stderr" {
	run --separate-stderr crm-customer delete 1 --cascade
	assert_success
	assert_output ''
	assert_stderr "crm-customer: customer 1 deleted with 2 contacts"
	run crm-contact list -H -o id,customer,name
	assert_output "3	2	Bob One"
	run crm-customer list -H -o id
	assert_output "$(printf '2\n3')"
}

@test "--cascade over several customers says how many for each" {
	run --separate-stderr crm-customer delete 1 2 3 --cascade
	assert_success
	assert_output ''
	assert_stderr "$(printf 'crm-customer: customer 1 deleted with 2 contacts\ncrm-customer: customer 2 deleted with 1 contact')"
	run crm-contact list -H
	assert_output ''
	run crm-customer list -H
	assert_output ''
}

@test "--cascade -q deletes quietly" {
	run --separate-stderr crm-customer delete 1 --cascade -q
	assert_success
	assert_output ''
	assert_stderr ''
	run crm-contact list -H -o id
	assert_output 3
}

@test "a --cascade that fails on a later id deletes nothing" {
	before=$(dump_db)
	run --separate-stderr crm-customer delete 1 99 --cascade
	assert_failure 1
	assert_output ''
	assert_stderr_line "crm-customer: no customer '99'"
	assert_unchanged "$before"
}

@test "a --cascade that fails on a later id does not claim to have deleted anything" {
	before=$(dump_db)
	run --separate-stderr crm-customer delete 1 99 --cascade
	assert_error 1 "crm-customer: no customer '99'"
	assert_unchanged "$before"
}

@test "delete - reads ids from stdin, so list pipes into delete" {
	run --separate-stderr bash -c "crm-customer list -H --where 'name~b' | crm-customer delete - --cascade"
	assert_success
	assert_output ''
	assert_stderr "crm-customer: customer 2 deleted with 1 contact"
	run crm-customer list -H -o id,name
	assert_output "$(printf '1\tAda\n3\tCy')"
}

@test "delete of a deleted customer exits 1" {
	crm-customer delete 3
	run --separate-stderr crm-customer delete 3
	assert_error 1 "crm-customer: no customer '3'"
}

@test "delete without an id exits 64" {
	before=$(dump_db)
	run --separate-stderr crm-customer delete
	assert_error 64 "crm-customer: no ID|EMAIL|REF...|- given; see 'crm-customer delete --help'"
	run --separate-stderr crm-customer delete 3 --force
	assert_error 64 "crm-customer: unknown option '--force'; see 'crm-customer delete --help'"
	assert_unchanged "$before"
}

@test "delete refuses a customer with orders and names them" {
	command -v crm-order >/dev/null || skip "no crm-order built"
	crm-product add --sku A --name Apple --price 1.00 --stock 5 >/dev/null
	crm-order add --customer 3 --line A:1 >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-customer delete 3
	assert_error 65 "crm-customer: customer 3 is referred to by 1 order; use --cascade to delete them too"
	assert_unchanged "$before"
}
