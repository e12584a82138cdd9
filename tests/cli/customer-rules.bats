#!/usr/bin/env bats
# The rules of SPEC 4 that touch customers, and the usage rules of SPEC 3.1.
# Each bad input: its exit status, exactly one line on stderr starting with
# "crm-customer: ", nothing on stdout, and the database unchanged.

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name Existing --email existing@example.com >/dev/null
}

# refuse CODE MESSAGE ARGS...: crm-customer ARGS... fails with CODE and
# exactly MESSAGE, changing nothing.
refuse() {
	local code=$1 msg=$2 before
	shift 2
	before=$(dump_db)
	run --separate-stderr crm-customer "$@"
	assert_error "$code" "$msg"
	assert_unchanged "$before"
}

# stored FIELD ARGS...: add a customer with ARGS and print FIELD as stored.
stored() {
	local field=$1 id
	shift
	id=$(crm-customer add "$@") || return 1
	db_sql "SELECT $field FROM customers WHERE id = $id"
}

# ---- email ------------------------------------------------------------------

@test "malformed emails are refused with 65" {
	while IFS='|' read -r email why; do
		refuse 65 "crm-customer: email: invalid email '$email': $why" \
			add --name Ada --email "$email"
	done <<-'EOF'
	a@|expected local@domain.tld
	@example.com|expected local@domain.tld
	ada|expected local@domain.tld
	ada@example|expected local@domain.tld
	ada@@example.com|expected local@domain.tld
	a@b@example.com|expected local@domain.tld
	ada@example.c|expected local@domain.tld
	ada@.example.com|expected local@domain.tld
	ada@example..com|expected local@domain.tld
	ada.@example.com|expected local@domain.tld
	.ada@example.com|expected local@domain.tld
	ada@-example.com|expected local@domain.tld
	ada lovelace@example.com|character ' ' not allowed
	ada,l@example.com|character ',' not allowed
	<ada>@example.com|character '<' not allowed
	ada@example.c0m|bad top-level domain
	EOF
}

@test "an email's domain label may not end with a hyphen" {
	refuse 65 "crm-customer: email: invalid email 'ada@example-.com': a domain label starts or ends with '-'" \
		add --name Ada --email ada@example-.com
}

@test "update refuses a malformed email the same way" {
	refuse 65 "crm-customer: email: invalid email 'a@': expected local@domain.tld" \
		update 1 --email a@
}

@test "emails are trimmed and lowercased" {
	run stored email --name A --email '  Ada.Lovelace@Example.COM	'
	assert_success
	assert_output ada.lovelace@example.com
	run stored email --name B --email 'X+tag@Sub.Example.co.uk'
	assert_output x+tag@sub.example.co.uk
}

@test "email is unique without regard to case, across add and update" {
	refuse 65 "crm-customer: email 'existing@example.com' already belongs to customer 1" \
		add --name Other --email EXISTING@Example.com
	crm-customer add --name Other >/dev/null
	refuse 65 "crm-customer: email 'existing@example.com' already belongs to customer 1" \
		update 2 --email ' Existing@example.COM'
}

# ---- phone ------------------------------------------------------------------

@test "phones with too few or too many digits are refused with 65" {
	refuse 65 "crm-customer: phone: invalid phone '1234': 4 digits, expected 5 to 20" \
		add --name A --phone 1234
	refuse 65 "crm-customer: phone: invalid phone '(01) 2-3': 4 digits, expected 5 to 20" \
		add --name A --phone '(01) 2-3'
	refuse 65 "crm-customer: phone: invalid phone '１２３４': 4 digits, expected 5 to 20" \
		add --name A --phone '１２３４'
	refuse 65 "crm-customer: phone: invalid phone '123456789012345678901': 21 digits, expected 5 to 20" \
		add --name A --phone 123456789012345678901
	refuse 65 "crm-customer: phone: invalid phone '+': 0 digits, expected 5 to 20" \
		add --name A --phone +
}

@test "phones with letters or a + not in front are refused with 65" {
	for p in 'call 12345' '12345 ext 6' '12+34567' '++8612345' '12345#'; do
		refuse 65 "crm-customer: phone: invalid phone '$p': only digits, spaces, dashes, dots, brackets and a leading + allowed" \
			add --name A --phone "$p"
	done
}

@test "phones keep the digits and one leading +; 5 and 20 digits are fine" {
	run stored phone --name A --phone '+86 (138) 0013-8000'
	assert_output +8613800138000
	run stored phone --name B --phone '020.7946.0958'
	assert_output 02079460958
	run stored phone --name C --phone 12345
	assert_output 12345
	run stored phone --name D --phone 12345678901234567890
	assert_output 12345678901234567890
}

@test "full-width digits in a phone are made ASCII" {
	run stored phone --name A --phone '１３８００１３８０００'
	assert_success
	assert_output 13800138000
	run stored phone --name B --phone '＋８６　１３８－００１３－８０００'
	assert_success
	assert_output +8613800138000
}

# ---- text -------------------------------------------------------------------

@test "an empty or blank name is refused with 65" {
	refuse 65 "crm-customer: name is required, it must not be empty" add --name ''
	refuse 65 "crm-customer: name is required, it must not be empty" add --name '   '
	refuse 65 "crm-customer: name is required, it must not be empty" add --name $'\t \n'
	refuse 65 "crm-customer: name is required, it must not be empty" add --name '　'
	refuse 65 "crm-customer: name is required, it must not be empty" update 1 --name ' '
}

@test "control characters in a name are refused with 65" {
	refuse 65 "crm-customer: name: control character U+0001 not allowed" add --name $'Ada\001'
	refuse 65 "crm-customer: name: control character U+001B not allowed" add --name $'\e[31mAda'
	refuse 65 "crm-customer: name: control character U+007F not allowed" add --name $'Ada\177Lovelace'
	refuse 65 "crm-customer: name: control character U+0085 not allowed" add --name $'Ada\xc2\x85L'
	refuse 65 "crm-customer: name: control character U+0009 not allowed" add --name $'Ada\tLovelace'
	refuse 65 "crm-customer: name: control character U+000A not allowed" add --name $'Ada\nLovelace'
	refuse 65 "crm-customer: name: control character U+000D not allowed" update 1 --name $'Ada\rL'
}

@test "a one-line field refuses newlines and tabs" {
	refuse 65 "crm-customer: city: control character U+000A not allowed" add --name A --city $'Bei\njing'
	refuse 65 "crm-customer: segment: control character U+0009 not allowed" add --name A --segment $'a\tb'
}

@test "text that is not UTF-8 is refused with 65" {
	refuse 65 "crm-customer: name: invalid UTF-8 at byte 4" add --name $'Ada\xff'
	refuse 65 "crm-customer: city: invalid UTF-8 at byte 1" add --name A --city $'\xc4\xe3\xba\xc3'
}

@test "text is trimmed, also of full-width and no-break spaces" {
	run stored name --name '  Ada Lovelace  '
	assert_output 'Ada Lovelace'
	run stored city --name B --city '　北京　'
	assert_output 北京
	run stored segment --name C --segment $'\xc2\xa0vip\xc2\xa0'
	assert_output vip
}

@test "text is stored in Unicode NFC" {
	run stored name --name $'Jose\xcc\x81'
	assert_success
	assert_output 'José'
	assert_equal "$(db_hex "SELECT name FROM customers WHERE id = 2")" 4A6F73C3A9
	run stored city --name B --city $'Zu\xcc\x88rich'
	assert_equal "$(db_hex "SELECT city FROM customers WHERE id = 3")" 5AC3BC72696368
	# And what is found by the composed form was stored decomposed.
	run crm-customer list -H -o id --where 'name=José'
	assert_output 2
}

@test "a multi-line address keeps its newlines and tabs; CRLF becomes LF" {
	run stored address --name A --address $'  1 Main St\r\nFloor 2\r\n\tRoom 3\rBack\n'
	assert_success
	assert_equal "$(db_hex "SELECT address FROM customers WHERE id = 2")" \
		"$(printf '1 Main St\nFloor 2\n\tRoom 3\nBack' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
	run crm-customer list -H -f tsv -o address --where id=2
	assert_output '1 Main St\nFloor 2\n\tRoom 3\nBack'
}

@test "an address refuses other control characters" {
	refuse 65 "crm-customer: address: control character U+0007 not allowed" add --name A --address $'a\ab'
}

# ---- enums ------------------------------------------------------------------

@test "a kind outside person and company is refused and the allowed ones listed" {
	refuse 65 "crm-customer: kind: invalid value 'robot': expected one of person, company" \
		add --name A --kind robot
	refuse 65 "crm-customer: kind: invalid value 'persons': expected one of person, company" \
		update 1 --kind persons
}

@test "a kind is read without regard to case and stored in lower case" {
	run stored kind --name A --kind COMPANY
	assert_output company
	run stored kind --name B --kind ' Person '
	assert_output person
}

# ---- usage (SPEC 3.1) -------------------------------------------------------

@test "an unknown option exits 64 with one line" {
	refuse 64 "crm-customer: unknown option '--colour'; see 'crm-customer add --help'" add --name A --colour red
	refuse 64 "crm-customer: unknown option '-z'; see 'crm-customer list --help'" list -z
	refuse 64 "crm-customer: unknown option '--where'; see 'crm-customer add --help'" add --name A --where id=1
	refuse 64 "crm-customer: unknown option '--cascade'; see 'crm-customer update --help'" update 1 --cascade --city X
}

@test "an unknown verb exits 64, names it and lists the verbs" {
	before=$(dump_db)
	run --separate-stderr crm-customer remove 1
	assert_failure 64
	assert_output ''
	assert_stderr_line --index 0 "crm-customer: unknown verb 'remove'; verbs: add, show, list, update, delete, search, dupes, merge, timeline"
	assert_unchanged "$before"
}

@test "a missing verb exits 64" {
	before=$(dump_db)
	run --separate-stderr crm-customer
	assert_failure 64
	assert_output ''
	assert_stderr_line --index 0 --regexp "^crm-customer: "
	run --separate-stderr crm-customer -H -o id
	assert_failure 64
	assert_output ''
	assert_unchanged "$before"
}

@test "a missing verb prints the usage to stderr" {
	synopsis=$(crm-customer --help | sed '/^$/q' | sed '$d')
	run --separate-stderr crm-customer
	assert_failure 64
	assert_output ''
	[[ "$stderr" == *"$synopsis"* ]] || fail "no usage on stderr: $stderr"
}

@test "--help prints the usage to stdout and exits 0, for the command and each verb" {
	run --separate-stderr crm-customer --help
	assert_success
	assert_stderr ''
	assert_line --index 0 'usage: crm-customer add [-d DB] [--FIELD VALUE]... [--set FIELD=VALUE]...'
	for verb in add show list update delete search dupes merge; do
		run --separate-stderr crm-customer "$verb" --help
		assert_success
		assert_stderr ''
		assert_line --index 0 --regexp "^usage: crm-customer $verb "
		run crm-customer "$verb" -h
		assert_success
		assert_line --index 0 --regexp "^usage: crm-customer $verb "
	done
}

@test "--help wins over bad input and changes nothing" {
	before=$(dump_db)
	run --separate-stderr crm-customer add --name '' --email a@ --help
	assert_success
	assert_line --index 0 --regexp '^usage: crm-customer add '
	assert_stderr ''
	assert_unchanged "$before"
}

@test "-- ends the options" {
	crm-customer add --name -- >/dev/null
	run crm-customer search -H -o id,name -- --
	assert_failure 64
	run crm-customer show -f tsv -H -o id,name -- 2
	assert_success
	assert_output "2	--"
}
