#!/usr/bin/env bats

load helper

setup() {
	common_setup
	init_db
}

@test "add prints only the new id" {
	run crm-customer add --name 'Ada Lovelace' --email ada@example.com
	assert_success
	assert_output 1
}

@test "add cleans the email and refuses a duplicate that differs in case" {
	crm-customer add --name Ada --email ' Ada@Example.COM '
	run crm-customer list -o email -H
	assert_output ada@example.com
	before=$(dump_db)
	run crm-customer add --name Other --email ADA@example.com
	assert_failure 65
	assert_output "crm-customer: email 'ada@example.com' already belongs to customer 1"
	[ "$(dump_db)" = "$before" ]
}
