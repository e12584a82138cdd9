#!/usr/bin/env bats
# crm-customer dupes: "List pairs of probable duplicates with the reason"
# (--help): each pair once, the lower id first.

load helper

setup() {
	common_setup
	init_db
}

@test "dupes with no customers prints only the header and exits 0" {
	run --separate-stderr crm-customer dupes
	assert_success
	assert_stderr ''
	assert_output "$(printf 'id\tother\treason\tname\tother_name')"
}

@test "customers that differ are no duplicates" {
	crm-customer add --name Ada --email ada@example.com --phone 13800138000 >/dev/null
	crm-customer add --name Adam --email adam@example.com --phone 13800138001 >/dev/null
	crm-customer add --name 'Ada Lovelace' --email ada@example.org >/dev/null
	run crm-customer dupes -H
	assert_success
	assert_output ''
}

@test "the same name in another case, spacing or punctuation is a duplicate" {
	crm-customer add --name 'Ada Lovelace' >/dev/null
	crm-customer add --name 'ada  lovelace.' >/dev/null
	crm-customer add --name 'Bob' >/dev/null
	run crm-customer dupes -H
	assert_success
	assert_output "1	2	name	Ada Lovelace	ada  lovelace."
}

@test "Chinese names with a space or in full width are duplicates" {
	crm-customer add --name '张伟' >/dev/null
	crm-customer add --name '张 伟' >/dev/null
	crm-customer add --name 'ＡＣＭＥ' >/dev/null
	crm-customer add --name 'Acme' >/dev/null
	run crm-customer dupes -H
	assert_success
	assert_output "$(printf '1\t2\tname\t张伟\t张 伟\n3\t4\tname\tＡＣＭＥ\tAcme')"
}

@test "gmail addresses with dots or a +tag are the same address" {
	crm-customer add --name A --email ada.lovelace@gmail.com >/dev/null
	crm-customer add --name B --email adalovelace+crm@googlemail.com >/dev/null
	crm-customer add --name C --email ada.lovelace@example.com >/dev/null
	run crm-customer dupes -H -f csv
	assert_success
	assert_output "1,2,email,A,B"
}

@test "the same phone with and without the country code is a duplicate" {
	crm-customer add --name A --phone '+86 138 0013 8000' >/dev/null
	crm-customer add --name B --phone '138-0013-8000' >/dev/null
	crm-customer add --name C --phone '138-0013-8001' >/dev/null
	run crm-customer dupes -H
	assert_success
	assert_output "1	2	phone	A	B"
}

@test "a pair alike in several ways is one line with every reason" {
	crm-customer add --name 'Ada Lovelace' --email ada@example.com >/dev/null
	crm-customer add --name 'ADA LOVELACE' --email ada+x@example.com --phone 12345678 >/dev/null
	crm-customer add --name Other --phone 12345678 >/dev/null
	run crm-customer dupes -H
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 --regexp $'^1\t2\t(email,name|name,email)\tAda Lovelace\tADA LOVELACE$'
	assert_line --index 1 $'2\t3\tphone\tADA LOVELACE\tOther'
}

@test "three alike are three pairs, each once, lower id first" {
	crm-customer add --name 'Wang Fang' >/dev/null
	crm-customer add --name 'Unrelated' >/dev/null
	crm-customer add --name 'wang fang' >/dev/null
	crm-customer add --name 'WANG-FANG' >/dev/null
	run crm-customer dupes -H
	assert_success
	assert_equal "$(cut -f1-3 <<<"$output")" "$(printf '1\t3\tname\n1\t4\tname\n3\t4\tname')"
}

@test "dupes in json: ids as numbers" {
	crm-customer add --name 'Ada' >/dev/null
	crm-customer add --name 'ada' >/dev/null
	run crm-customer dupes -f json
	assert_success
	assert_output '{"id":1,"other":2,"reason":"name","name":"Ada","other_name":"ada"}'
}

@test "a merged pair is no longer a duplicate" {
	crm-customer add --name 'Ada' >/dev/null
	crm-customer add --name 'ada' >/dev/null
	crm-customer merge -q 1 2
	run crm-customer dupes -H
	assert_success
	assert_output ''
}

@test "dupes takes no operands" {
	run --separate-stderr crm-customer dupes 1
	assert_error 64 "crm-customer: unexpected argument '1'; see 'crm-customer dupes --help'"
}
