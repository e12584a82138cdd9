#!/usr/bin/env bats
# crm-customer show: customers by id or email, from the command line or
# from stdin (SPEC 3.4, 3.5, 3.7).

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name 'Ada Lovelace' --email ada@example.com --city London >/dev/null
	crm-customer add --name 'Bob Builder' --city Paris >/dev/null
	crm-customer add --name '张伟' --email zhang@example.cn >/dev/null
}

@test "show by id prints every field" {
	pin_times
	run --separate-stderr crm-customer show 1 -f tsv
	assert_success
	assert_stderr ''
	fields=$(crm-customer show --help | sed -n 's/^Fields: //p')
	assert_line --index 0 "$(tr ' ' '\t' <<<"$fields")"
	assert_line --index 1 --regexp $'^1\tAda Lovelace\tperson\tada@example.com\t\t\tLondon\t\t\t\ttester\t2026-01-02T03:04:05Z\t2026-01-02T03:04:05Z(\t|$)'
	assert_equal "${#lines[@]}" 2
}

@test "show in a table prints one field per line" {
	pin_times
	run crm-customer show 1 -f table -o id,name,email,created_at
	assert_success
	assert_output "$(printf '%s\n' \
		'id          1' \
		'name        Ada Lovelace' \
		'email       ada@example.com' \
		'created_at  2026-01-02 03:04:05')"
}

@test "show several ids, in the order given, in one output" {
	run crm-customer show 3 1 -f tsv -o id,name
	assert_success
	assert_output "$(printf 'id\tname\n3\t张伟\n1\tAda Lovelace')"
	run crm-customer show 1 2 -f json -o id,name
	assert_output "$(printf '%s\n' '{"id":1,"name":"Ada Lovelace"}' '{"id":2,"name":"Bob Builder"}')"
	run crm-customer show 1 2 -f table -o id,name
	assert_output "$(printf '%s\n' 'id    1' 'name  Ada Lovelace' '' 'id    2' 'name  Bob Builder')"
}

@test "show by email, in any case" {
	run crm-customer show ADA@Example.COM -f tsv -H -o id,name
	assert_success
	assert_output "1	Ada Lovelace"
	run crm-customer show ' zhang@example.cn' -f tsv -H -o id,email
	assert_success
	assert_output "3	zhang@example.cn"
}

@test "show of an unknown id exits 1 with one line and nothing on stdout" {
	run --separate-stderr crm-customer show 99
	assert_error 1 "crm-customer: no customer '99'"
	run --separate-stderr crm-customer show nobody@example.com
	assert_error 1 "crm-customer: no customer 'nobody@example.com'"
	run --separate-stderr crm-customer show Ada
	assert_error 1 "crm-customer: no customer 'Ada'"
}

@test "show of known and unknown ids shows the known ones and exits 1" {
	run --separate-stderr crm-customer show 1 99 2 -f tsv -o id,name
	assert_failure 1
	assert_output "$(printf 'id\tname\n1\tAda Lovelace\n2\tBob Builder')"
	assert_stderr "crm-customer: no customer '99'"
}

@test "show - reads ids from stdin, one per line" {
	run crm-customer show - -f tsv -H -o id,name <<<"$(printf '2\n\n3\n')"
	assert_success
	assert_output "$(printf '2\tBob Builder\n3\t张伟')"
}

@test "show - takes the first tab-separated column, so list -H pipes into show" {
	run bash -c "crm-customer list -H --where 'city!=' | crm-customer show - -f tsv -H -o id,city"
	assert_success
	assert_output "$(printf '1\tLondon\n2\tParis')"
	run crm-customer show - -f tsv -H -o id,name <<<"$(printf '3\tanything\there\nada@example.com\tx')"
	assert_success
	assert_output "$(printf '3\t张伟\n1\tAda Lovelace')"
}

@test "show - skips the header line of a list piped in with its header" {
	run bash -c "crm-customer list --where 'id>=2' | crm-customer show - -f tsv -H -o id"
	assert_success
	assert_output "$(printf '2\n3')"
}

@test "show - skips blank lines before the header of a list piped in" {
	run crm-customer show - -f tsv -H -o id <<<"$(printf '\n\r\nid\tname\n\n2\tBob\n3')"
	assert_success
	assert_output "$(printf '2\n3')"
	run crm-customer show - -f tsv -H -o id <<<"$(printf '\n\nemail\nzhang@example.cn')"
	assert_success
	assert_output 3
}

@test "show - with an unknown id among stdin's exits 1 and shows the others" {
	run --separate-stderr crm-customer show - -f tsv -H -o id <<<"$(printf '1\n42\n3')"
	assert_failure 1
	assert_output "$(printf '1\n3')"
	assert_stderr "crm-customer: no customer '42'"
}

@test "show mixes ids on the command line and from stdin" {
	run crm-customer show 3 - -f tsv -H -o id <<<"1"
	assert_success
	assert_output "$(printf '3\n1')"
}

@test "show without an id exits 64" {
	run --separate-stderr crm-customer show
	assert_error 64 "crm-customer: no ID|EMAIL|REF...|- given; see 'crm-customer show --help'"
}

@test "show -o with an unknown field exits 64 and lists the known fields" {
	run --separate-stderr crm-customer show 1 -o id,colour
	assert_error 64 "crm-customer: unknown field 'colour' for customer; known: $(known_fields customer)"
}

@test "show -H drops the header" {
	run crm-customer show 2 -f csv -H -o name,city
	assert_success
	assert_output "Bob Builder,Paris"
}

@test "an id with blanks after it is the id, as one with blanks before it" {
	run crm-customer show -f tsv -H -o id -- ' 2' '2 '
	assert_success
	assert_output "$(printf '2\n2')"
	run crm-customer show - -f tsv -H -o id <<<"$(printf '3 \n1\r\n')"
	assert_success
	assert_output "$(printf '3\n1')"
	run --separate-stderr crm-customer show -o id -- '2 x'
	assert_error 1 "crm-customer: no customer '2 x'"
}

@test "show - skips the header of a list of emails or refs piped in" {
	crm-customer update 2 --ref B-2
	run crm-customer show - -f tsv -H -o id <<<"$(crm-customer list -o email -f tsv --where 'email!=')"
	assert_success
	assert_output "$(printf '1\n3')"
	run crm-customer show - -f tsv -H -o id <<<"$(crm-customer list -o ref -f tsv --where 'ref!=')"
	assert_success
	assert_output 2
}
