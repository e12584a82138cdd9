#!/usr/bin/env bats
# crm-customer add (SPEC 3.4, 3.6, 4).  The rules of each field's values
# are in customer-rules.bats.

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

@test "each add prints its own id on stdout and nothing on stderr, even with -v" {
	run --separate-stderr crm-customer add --name Ada
	assert_success
	assert_output 1
	assert_stderr ''
	id=$(crm-customer add --name Bob -v 2>/dev/null)
	assert_equal "$id" 2
	run crm-customer list -H -o id,name
	assert_output "$(printf '1\tAda\n2\tBob')"
}

@test "add stores every field given as an option" {
	run crm-customer add --name 'Acme Ltd' --kind company --email info@acme.example \
		--phone '+44 20 7946 0958' --address $'1 Main St\nLondon' --city London \
		--country UK --segment wholesale --ref ERP-7 --owner alice
	assert_success
	assert_output 1
	run crm-customer list -f json -o id,name,kind,email,phone,address,city,country,segment,ref,owner
	assert_success
	assert_output '{"id":1,"name":"Acme Ltd","kind":"company","email":"info@acme.example","phone":"+442079460958","address":"1 Main St\nLondon","city":"London","country":"UK","segment":"wholesale","ref":"ERP-7","owner":"alice"}'
}

@test "--set FIELD=VALUE sets a field like its option; the last value given wins" {
	run crm-customer add --set name=Ada --set city=Rome --set city=Paris --set kind=company
	assert_success
	assert_output 1
	run crm-customer add --name First --name Second
	assert_success
	assert_output 2
	run crm-customer list -H -o id,name,kind,city
	assert_output "$(printf '1\tAda\tcompany\tParis\n2\tSecond\tperson\t')"
}

@test "add fills kind person, owner \$CRM_USER and equal UTC times" {
	crm-customer add --name Ada >/dev/null
	run crm-customer list -H -o kind,owner,email,segment
	assert_output "$(printf 'person\ttester\t\t')"
	created=$(db_value customers created_at 1)
	updated=$(db_value customers updated_at 1)
	assert_regex "$created" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
	assert_equal "$updated" "$created"
	run crm-customer list -H -o created_at
	assert_output "$created"
}

@test "owner falls back to the login name when CRM_USER is unset or empty" {
	unset CRM_USER
	LOGNAME=alice crm-customer add --name Ada >/dev/null
	CRM_USER='' LOGNAME=bob crm-customer add --name Bob >/dev/null
	CRM_USER=carol crm-customer add --name Carl --owner dave >/dev/null
	run crm-customer list -H -o id,owner
	assert_output "$(printf '1\talice\n2\tbob\n3\tdave')"
}

@test "add without a name exits 65 and adds nothing" {
	before=$(dump_db)
	run --separate-stderr crm-customer add --email ada@example.com
	assert_error 65 "crm-customer: name is required"
	assert_unchanged "$before"
}

@test "add with an empty name exits 65 and adds nothing" {
	before=$(dump_db)
	run --separate-stderr crm-customer add --name '' --city Rome
	assert_error 65 "crm-customer: name is required, it must not be empty"
	run --separate-stderr crm-customer add --set 'name=   '
	assert_error 65 "crm-customer: name is required, it must not be empty"
	assert_unchanged "$before"
}

@test "an empty optional value is no value: empty in tsv, null in json" {
	run crm-customer add --name Ada --email '' --city '' --phone ' '
	assert_success
	run crm-customer list -f json -o id,email,phone,city
	assert_output '{"id":1,"email":null,"phone":null,"city":null}'
	# Many customers may have no email: empty is not a duplicate.
	run crm-customer add --name Bob --email ''
	assert_success
	assert_output 2
}

@test "add refuses a ref another customer has, 65, nothing added" {
	crm-customer add --name Ada --ref ERP-1 >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-customer add --name Bob --ref ERP-1
	assert_error 65 "crm-customer: ref 'ERP-1' already belongs to customer 1"
	assert_unchanged "$before"
}

@test "add takes no operands" {
	before=$(dump_db)
	run --separate-stderr crm-customer add --name Ada extra
	assert_error 64 "crm-customer: unexpected argument 'extra'; see 'crm-customer add --help'"
	assert_unchanged "$before"
}

@test "--set of an unknown field exits 64 and lists the known ones" {
	before=$(dump_db)
	run --separate-stderr crm-customer add --name Ada --set colour=red
	assert_error 64 "crm-customer: unknown field 'colour' for customer; known: $(known_fields customer)"
	assert_unchanged "$before"
}

@test "--set of a field that cannot be set, or without =, exits 64" {
	before=$(dump_db)
	run --separate-stderr crm-customer add --name Ada --set id=7
	assert_error 64 "crm-customer: field 'id' cannot be set"
	run --separate-stderr crm-customer add --name Ada --set created_at=2020-01-01
	assert_error 64 "crm-customer: field 'created_at' cannot be set"
	run --separate-stderr crm-customer add --name Ada --set city
	assert_error 64 "crm-customer: invalid --set 'city': expected FIELD=VALUE"
	run --separate-stderr crm-customer add --name Ada --set =Rome
	assert_error 64 "crm-customer: invalid --set '=Rome': expected FIELD=VALUE"
	assert_unchanged "$before"
}

@test "an option without its value exits 64" {
	before=$(dump_db)
	run --separate-stderr crm-customer add --name
	assert_error 64 "crm-customer: option '--name' needs a value; see 'crm-customer add --help'"
	assert_unchanged "$before"
}

@test "options may come before the verb and -d names the database" {
	crm-admin init -q -d "$BATS_TEST_TMPDIR/other.db"
	run crm-customer -d "$BATS_TEST_TMPDIR/other.db" add --name Ada
	assert_success
	assert_output 1
	run crm-customer add --name Bob --db "$BATS_TEST_TMPDIR/other.db"
	assert_success
	assert_output 2
	run crm-customer list -H -o id
	assert_success
	assert_output ''
}

@test "add --help lists every field option, the required one marked" {
	run --separate-stderr crm-customer add --help
	assert_success
	assert_stderr ''
	assert_line --index 0 'usage: crm-customer add [-d DB] [--FIELD VALUE]... [--set FIELD=VALUE]...'
	assert_line --regexp '^      --name [A-Z]+ +\* '
	assert_line --regexp '^      --kind person\|company( +person or company \(default person\))?$'
	assert_line --regexp ' person or company \(default person\)$'
	for f in email phone address city country segment ref owner; do
		assert_line --regexp "^      --$f [^ ]+ +[^* ]"
	done
}
