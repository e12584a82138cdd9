#!/usr/bin/env bats
# crm-contact: the people at a customer (SPEC 4: customer*, name*, email,
# phone, title).

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name 'Acme Ltd' --email info@acme.example --kind company >/dev/null
	crm-customer add --name '华为' --email contact@huawei.example >/dev/null
}

# ---- add ----------------------------------------------------------------

@test "add names the customer by id and prints only the new id" {
	run --separate-stderr crm-contact add --customer 1 --name 'Li Lei' --email LI@Acme.Example \
		--phone '+86 138-0013-8000' --title CTO
	assert_success
	assert_output 1
	assert_stderr ''
	run crm-contact list -f json -o all
	assert_output --regexp '^\{"id":1,"customer":1,"name":"Li Lei","email":"li@acme.example","phone":"\+8613800138000","title":"CTO","created_at":"[0-9T:-]+Z","updated_at":"[0-9T:-]+Z"\}$'
}

@test "add names the customer by email, in any case" {
	run crm-contact add --customer CONTACT@Huawei.example --name 韩梅梅
	assert_success
	assert_output 1
	run crm-contact list -H -o id,customer,name
	assert_output "1	2	韩梅梅"
}

@test "add with a customer that does not exist exits 65 and adds nothing" {
	before=$(dump_db)
	run --separate-stderr crm-contact add --customer 99 --name X
	assert_error 65 "crm-contact: customer: no customer '99'"
	run --separate-stderr crm-contact add --customer nobody@example.com --name X
	assert_error 65 "crm-contact: customer: no customer 'nobody@example.com'"
	run --separate-stderr crm-contact add --customer 'Acme Ltd' --name X
	assert_error 65 "crm-contact: customer: no customer 'Acme Ltd'"
	assert_unchanged "$before"
}

@test "add without a customer or a name exits 65 and adds nothing" {
	before=$(dump_db)
	run --separate-stderr crm-contact add --name X
	assert_error 65 "crm-contact: customer is required"
	run --separate-stderr crm-contact add --customer 1
	assert_error 65 "crm-contact: name is required"
	run --separate-stderr crm-contact add --customer 1 --name ' '
	assert_error 65 "crm-contact: name is required, it must not be empty"
	assert_unchanged "$before"
}

@test "a contact's email and phone follow the rules of SPEC 4" {
	before=$(dump_db)
	run --separate-stderr crm-contact add --customer 1 --name X --email 'li@'
	assert_error 65 "crm-contact: email: invalid email 'li@': expected local@domain.tld"
	run --separate-stderr crm-contact add --customer 1 --name X --phone 123
	assert_error 65 "crm-contact: phone: invalid phone '123': 3 digits, expected 5 to 20"
	run --separate-stderr crm-contact add --customer 1 --name $'X\001'
	assert_error 65 "crm-contact: name: control character U+0001 not allowed"
	assert_unchanged "$before"
	run crm-contact add --customer 1 --name X --phone '１３８００１３８０００'
	assert_success
	run crm-contact list -H -o phone
	assert_output 13800138000
}

@test "two contacts may share an email" {
	crm-contact add --customer 1 --name A --email same@example.com >/dev/null
	run crm-contact add --customer 2 --name B --email SAME@example.com
	assert_success
	assert_output 2
}

@test "contact add takes no operands and no unknown options: 64" {
	before=$(dump_db)
	run --separate-stderr crm-contact add --customer 1 --name X extra
	assert_error 64 "crm-contact: unexpected argument 'extra'; see 'crm-contact add --help'"
	run --separate-stderr crm-contact add --customer 1 --name X --city Rome
	assert_error 64 "crm-contact: unknown option '--city'; see 'crm-contact add --help'"
	assert_unchanged "$before"
}

# ---- list, show ---------------------------------------------------------

@test "list writes the customer as its id; json as a number" {
	crm-contact add --customer 2 --name 韩梅梅 --title 经理 >/dev/null
	crm-contact add --customer 1 --name 'Li Lei' >/dev/null
	run crm-contact list -o id,customer,name,title
	assert_success
	assert_output "$(printf 'id\tcustomer\tname\ttitle\n1\t2\t韩梅梅\t经理\n2\t1\tLi Lei\t')"
	run crm-contact list -f json -o id,customer,title
	assert_output "$(printf '%s\n' '{"id":1,"customer":2,"title":"经理"}' '{"id":2,"customer":1,"title":null}')"
}

@test "list --where customer= takes the customer by id or email" {
	crm-contact add --customer 1 --name A >/dev/null
	crm-contact add --customer 2 --name B >/dev/null
	crm-contact add --customer 1 --name C >/dev/null
	run crm-contact list -H -o id --where customer=1
	assert_output "$(printf '1\n3')"
	run crm-contact list -H -o id --where customer=contact@huawei.example
	assert_output 2
	run crm-contact list -H -o id,name --where 'name~c' --sort -id
	assert_output "3	C"
}

@test "list --where on a customer with no contacts is an empty list, exit 0" {
	crm-contact add --customer 1 --name A >/dev/null
	run --separate-stderr crm-contact list -H --where customer=99
	assert_success
	assert_output ''
	assert_stderr ''
}

@test "list with no contacts prints only the header" {
	run --separate-stderr crm-contact list
	assert_success
	assert_stderr ''
	assert_equal "${#lines[@]}" 1
	assert_output --regexp $'^id\tcustomer\tname\t'
	run crm-contact list -o id,name -f csv
	assert_success
	assert_output 'id,name'
}

@test "list with an unknown field exits 64 and lists the known ones" {
	run --separate-stderr crm-contact list --where 'city=Rome'
	assert_error 64 "crm-contact: unknown field 'city' for contact; known: $(known_fields contact)"
	run --separate-stderr crm-contact list -o id,city
	assert_error 64 "crm-contact: unknown field 'city' for contact; known: $(known_fields contact)"
}

@test "tsv escapes a carriage return in a contact's title" {
	crm-contact add --customer 1 --name A --title x >/dev/null
	db_sql "UPDATE contacts SET title = 'a$(printf '\r')b\\c' WHERE id = 1"
	run crm-contact list -H -o id,title
	assert_output '1	a\rb\\c'
}

@test "show by id; several ids; ids from stdin" {
	crm-contact add --customer 1 --name A >/dev/null
	crm-contact add --customer 2 --name B >/dev/null
	run crm-contact show 2 -f tsv -H -o id,customer,name
	assert_success
	assert_output "2	2	B"
	run crm-contact show 2 1 -f tsv -H -o id
	assert_output "$(printf '2\n1')"
	run bash -c "crm-contact list -H | crm-contact show - -f csv -H -o id,name"
	assert_output "$(printf '1,A\n2,B')"
}

@test "show of an unknown contact exits 1 with one line" {
	crm-contact add --customer 1 --name A >/dev/null
	run --separate-stderr crm-contact show 9
	assert_error 1 "crm-contact: no contact '9'"
	run --separate-stderr crm-contact show 1 9 -f tsv -H -o id
	assert_failure 1
	assert_output 1
	assert_stderr "crm-contact: no contact '9'"
}

# ---- update -------------------------------------------------------------

@test "update changes fields and may move a contact to another customer" {
	crm-contact add --customer 1 --name A >/dev/null
	run --separate-stderr crm-contact update 1 --title CEO --customer contact@huawei.example
	assert_success
	assert_output ''
	assert_stderr ''
	run crm-contact list -H -o id,customer,name,title
	assert_output "1	2	A	CEO"
}

@test "update to a customer that does not exist exits 65 and changes nothing" {
	crm-contact add --customer 1 --name A >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-contact update 1 --customer 99
	assert_error 65 "crm-contact: customer: no customer '99'"
	run --separate-stderr crm-contact update 1 --customer ''
	assert_error 65 "crm-contact: customer is required, it must not be empty"
	assert_unchanged "$before"
}

@test "contact update over several ids is one transaction" {
	crm-contact add --customer 1 --name A >/dev/null
	crm-contact add --customer 1 --name B >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-contact update 1 2 7 --title Boss
	assert_error 1 "crm-contact: no contact '7'"
	assert_unchanged "$before"
	run crm-contact update - --title Boss <<<"$(printf '1\n2')"
	assert_success
	run crm-contact list -H -o id,title
	assert_output "$(printf '1\tBoss\n2\tBoss')"
}

@test "contact update with nothing to set exits 64" {
	crm-contact add --customer 1 --name A >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-contact update 1
	assert_error 64 "crm-contact: nothing to update: give --FIELD VALUE or --set FIELD=VALUE; see 'crm-contact update --help'"
	assert_unchanged "$before"
}

# ---- delete -------------------------------------------------------------

@test "delete removes contacts and leaves their customer" {
	crm-contact add --customer 1 --name A >/dev/null
	crm-contact add --customer 1 --name B >/dev/null
	run --separate-stderr crm-contact delete 1
	assert_success
	assert_output ''
	assert_stderr ''
	run crm-contact list -H -o id,name
	assert_output "2	B"
	run crm-customer list -H -o id
	assert_output "$(printf '1\n2')"
	run crm-customer delete 1
	assert_failure 65
}

@test "delete of an unknown contact among several deletes nothing, exits 1" {
	crm-contact add --customer 1 --name A >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-contact delete 1 5
	assert_error 1 "crm-contact: no contact '5'"
	assert_unchanged "$before"
}

@test "delete without an id exits 64" {
	run --separate-stderr crm-contact delete
	assert_error 64 "crm-contact: no ID...|- given; see 'crm-contact delete --help'"
}

# ---- usage --------------------------------------------------------------

@test "crm-contact: unknown verb 64, --help 0" {
	run --separate-stderr crm-contact search x
	assert_failure 64
	assert_output ''
	assert_stderr_line --index 0 "crm-contact: unknown verb 'search'; verbs: add, show, list, update, delete"
	run --separate-stderr crm-contact --help
	assert_success
	assert_stderr ''
	assert_line --index 0 'usage: crm-contact add [-d DB] [--FIELD VALUE]... [--set FIELD=VALUE]...'
	run crm-contact add --help
	assert_success
	assert_line --regexp '^      --customer [A-Z]+ +\* the customer \(id[ ,a-z]* email[ ,a-z]*\)$'
	assert_line --regexp '^      --name [A-Z]+ +\* '
}
