#!/usr/bin/env bats
# crm: the dispatcher (SPEC 2): "crm NOUN VERB ..." runs "crm-NOUN VERB ...".

load helper

setup() {
	common_setup
}

@test "crm customer list runs crm-customer list with its options" {
	init_db
	crm-customer add --name Ada --email ada@example.com >/dev/null
	crm-customer add --name Bob >/dev/null
	run --separate-stderr crm customer list -H -o id,name,email --where 'name=Bob'
	assert_success
	assert_output "2	Bob	"
	assert_stderr ''
	run crm customer list -f json -o id,name
	assert_success
	assert_output "$(crm-customer list -f json -o id,name)"
}

@test "crm customer add writes like crm-customer add and prints the id" {
	init_db
	run --separate-stderr crm customer add --name Ada
	assert_success
	assert_output 1
	assert_stderr ''
	run crm-customer list -H -o id,name
	assert_output "1	Ada"
}

@test "crm passes on the exit status and the messages of the command it runs" {
	init_db
	run --separate-stderr crm customer show 99
	assert_error 1 "crm-customer: no customer '99'"
	run --separate-stderr crm customer add --email nobody@example.com
	assert_error 65 "crm-customer: name is required"
	run --separate-stderr crm customer frob
	assert_failure 64
	assert_output ''
	assert_stderr_line --index 0 "crm-customer: unknown verb 'frob'; verbs: add, show, list, update, delete, search, dupes, merge, timeline"
}

@test "crm admin init runs crm-admin init" {
	run --separate-stderr crm admin init -q
	assert_success
	assert_output ''
	[ "$(db_sql 'SELECT count(*) FROM contacts')" = 0 ]
	run crm contact list -H
	assert_success
	assert_output ''
}

@test "crm finds the crm-NOUN next to it when PATH does not have it" {
	init_db
	crm-customer add --name Ada >/dev/null
	run env PATH=/usr/bin:/bin "$BUILD_DIR/crm" customer list -H -o id,name
	assert_success
	assert_output "1	Ada"
}

@test "crm reads from stdin for the command it runs" {
	init_db
	crm-customer add --name Ada >/dev/null
	crm-customer add --name Bob >/dev/null
	run crm customer show - -f tsv -H -o id,name <<<'2'
	assert_success
	assert_output "2	Bob"
}

@test "crm help prints the usage to stdout and exits 0, like crm --help" {
	run --separate-stderr crm help
	assert_success
	assert_stderr ''
	assert_line --index 0 'usage: crm NOUN VERB [OPTION...] [ARG...]'
	assert_line '       crm help [NOUN]'
	assert_line '       crm --version'
	assert_line --regexp '^  admin +the database'
	assert_line --regexp '^  customer +customers'
	assert_line --regexp '^  contact +the people at a customer'
	help=$output
	run crm --help
	assert_success
	assert_output "$help"
	run crm -h
	assert_success
	assert_output "$help"
}

@test "crm help NOUN shows that noun's verbs, as crm-NOUN --help" {
	run --separate-stderr crm help customer
	assert_success
	assert_stderr ''
	assert_output "$(crm-customer --help)"
	assert_line '  merge      Merge customers into KEEP: what refers to them moves to KEEP'
	run crm help contact
	assert_success
	assert_output "$(crm-contact --help)"
	run crm help admin
	assert_success
	assert_output "$(crm-admin --help)"
	[ ! -e "$CRM_DB" ]
}

@test "crm help of an unknown noun exits 64" {
	run --separate-stderr crm help nope
	assert_error 64 "crm: 'nope' is not a crm command; see 'crm --help'"
}

@test "crm --version prints the version, the same as the commands'" {
	run --separate-stderr crm --version
	assert_success
	assert_stderr ''
	assert_output --regexp '^crm \(crm\) [0-9]+\.[0-9]+\.[0-9]+$'
	version=${output#crm (crm) }
	run crm-customer --version
	assert_line --index 0 "crm-customer (crm) $version"
	run crm -V
	assert_success
	assert_output "crm (crm) $version"
}

@test "crm with an unknown noun exits 64 and names it" {
	init_db
	run --separate-stderr crm nope list
	assert_error 64 "crm: 'nope' is not a crm command; see 'crm --help'"
}

@test "crm refuses a noun that is a path" {
	run --separate-stderr crm ../../../bin/true
	assert_error 64 "crm: '../../../bin/true' is not a crm command"
}

@test "crm with an unknown option exits 64" {
	run --separate-stderr crm --frob
	assert_error 64 "crm: unknown option '--frob'; see 'crm --help'"
}

@test "crm without arguments prints the usage to stderr and exits 64" {
	run --separate-stderr crm
	assert_failure 64
	assert_output ''
	assert_stderr "$(crm --help)"
}

@test "crm NOUN without a verb is crm-NOUN without a verb: 64" {
	run --separate-stderr crm customer
	assert_failure 64
	assert_output ''
	assert_stderr --partial "crm-customer"
}
