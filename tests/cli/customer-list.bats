#!/usr/bin/env bats
# crm-customer list: the output formats (SPEC 3.4) and selecting records
# (SPEC 3.5).

load helper

setup() {
	common_setup
	init_db
}

# Three customers to select from; used inside the tests that need them.
three() {
	crm-customer add --name 'Ada Lovelace' --email ada@example.com --phone '138-0013-8000' \
		--city London --segment vip --kind person >/dev/null
	crm-customer add --name 'Bob Builder' --city Paris --segment retail --kind company >/dev/null
	crm-customer add --name '张伟' --email zhang@example.cn --city 北京 --kind person >/dev/null
}

# ---- formats ------------------------------------------------------------

@test "tsv is the default into a pipe: a header line, then one record per line" {
	three
	run --separate-stderr crm-customer list
	assert_success
	assert_stderr ''
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 --regexp $'^id\tname\t'
	assert_line --index 1 --regexp $'^1\tAda Lovelace\t'
	assert_line --index 3 --regexp $'^3\t张伟\t'
	run crm-customer list -f tsv
	assert_output "$(crm-customer list)"
}

@test "tsv writes tab, newline, carriage return and backslash as \\t \\n \\r \\\\" {
	crm-customer add --name 'C:\dir\new' --address $'line 1\nline\t2\\' >/dev/null
	crm-customer add --name 'CR' >/dev/null
	db_sql "UPDATE customers SET address = 'a$(printf '\r')b' WHERE id = 2"
	run crm-customer list -f tsv -o id,name,address
	assert_success
	assert_output "$(printf '%s\n' 'id	name	address' \
		'1	C:\\dir\\new	line 1\nline\t2\\' \
		'2	CR	a\rb')"
}

@test "csv quotes as RFC 4180: commas, quotes, newlines and CR in quotes, LF line ends" {
	crm-customer add --name 'Acme, Inc.' --segment 'say "hi"' --address $'1 Main St\nLondon' >/dev/null
	crm-customer add --name 'Plain' --city Rome >/dev/null
	db_sql "UPDATE customers SET address = 'a$(printf '\r')b' WHERE id = 2"
	crm-customer list -f csv -o id,name,segment,address,city >"$BATS_TEST_TMPDIR/out.csv"
	printf '%s\n' 'id,name,segment,address,city' \
		'1,"Acme, Inc.","say ""hi""","1 Main St' 'London",' \
		'2,Plain,,"a'$'\r''b",Rome' >"$BATS_TEST_TMPDIR/want.csv"
	cmp "$BATS_TEST_TMPDIR/out.csv" "$BATS_TEST_TMPDIR/want.csv" ||
		fail "$(diff <(od -c "$BATS_TEST_TMPDIR/want.csv") <(od -c "$BATS_TEST_TMPDIR/out.csv"))"
	# And a CSV reader reads back what was stored.
	run python3 -c 'import csv, sys; print(list(csv.reader(open(sys.argv[1], newline=""))))' \
		"$BATS_TEST_TMPDIR/out.csv"
	assert_output "[['id', 'name', 'segment', 'address', 'city'], ['1', 'Acme, Inc.', 'say \"hi\"', '1 Main St\\nLondon', ''], ['2', 'Plain', '', 'a\\rb', 'Rome']]"
}

@test "json: one object per line, numbers as numbers, null for empty, strings escaped" {
	crm-customer add --name 'Say "hi" \o/' --address $'a\nb\tc' --city London >/dev/null
	crm-customer add --name '张伟' >/dev/null
	run --separate-stderr crm-customer list -f json -o id,name,address,city,email
	assert_success
	assert_stderr ''
	assert_output "$(printf '%s\n' \
		'{"id":1,"name":"Say \"hi\" \\o/","address":"a\nb\tc","city":"London","email":null}' \
		'{"id":2,"name":"张伟","address":null,"city":null,"email":null}')"
	# Every line is a JSON object on its own.
	crm-customer list -f json -o all >"$BATS_TEST_TMPDIR/out.json"
	run python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    print(type(o["id"]).__name__, o["name"], o["email"])
' "$BATS_TEST_TMPDIR/out.json"
	assert_success
	assert_output "$(printf 'int Say "hi" \\o/ None\nint 张伟 None')"
}

@test "json has no header line, with or without -H" {
	crm-customer add --name Ada >/dev/null
	run crm-customer list -f json -o id,name
	assert_output '{"id":1,"name":"Ada"}'
	run crm-customer list -f json -o id,name -H
	assert_output '{"id":1,"name":"Ada"}'
}

@test "table aligns columns by display width, CJK two columns, numbers to the right" {
	crm-customer add --name 'Ada Lovelace' --city London >/dev/null
	crm-customer add --name '张伟' --city 北京 >/dev/null
	for i in $(seq 3 10); do crm-customer add --name "N$i" >/dev/null; done
	run crm-customer list -f table -o id,name,city --where 'id<3' --where 'id>=1'
	assert_success
	assert_output "$(printf '%s\n' \
		'id  name          city' \
		' 1  Ada Lovelace  London' \
		' 2  张伟          北京')"
	run crm-customer list -f table -o id,name --where 'id>=9'
	assert_output "$(printf '%s\n' \
		'id  name' \
		' 9  N9' \
		'10  N10')"
}

@test "table cuts long values with … to fit the terminal's width" {
	crm-customer add --name 'A very long company name indeed Limited' --city Shanghai >/dev/null
	crm-customer add --name '上海浦东发展银行股份有限公司' --city 上海 >/dev/null
	COLUMNS=40 run crm-customer list -f table -o id,name,city
	assert_success
	assert_output "$(printf '%s\n' \
		'id  name                        city' \
		' 1  A very long company name …  Shanghai' \
		' 2  上海浦东发展银行股份有限…   上海')"
}

@test "-H drops the header line in tsv, csv and table" {
	crm-customer add --name Ada --city London >/dev/null
	run crm-customer list -H -f tsv -o id,name,city
	assert_output "1	Ada	London"
	run crm-customer list -H -f csv -o id,name,city
	assert_output "1,Ada,London"
	run crm-customer list --no-header -f table -o id,name,city
	assert_output "1  Ada  London"
}

@test "-o writes the fields asked for, in that order" {
	three
	run crm-customer list -o city,id,email
	assert_success
	assert_output "$(printf '%s\n' 'city	id	email' 'London	1	ada@example.com' 'Paris	2	' '北京	3	zhang@example.cn')"
	run crm-customer list --fields=segment,name -H --where id=1
	assert_output "vip	Ada Lovelace"
}

@test "-o all writes every field, the ones --help lists, in that order" {
	crm-customer add --name Ada --ref R-1 --country UK >/dev/null
	run crm-customer list -o all
	assert_success
	fields=$(crm-customer list --help | sed -n 's/^Fields: //p')
	assert_line --index 0 "$(tr ' ' '\t' <<<"$fields")"
	assert_line --index 1 --regexp $'^1\tAda\tperson\t\t\t\t\tUK\t\tR-1\ttester\t'
	assert_equal "$(awk -F'\t' '{ print NF }' <<<"$output" | sort -u)" "$(wc -w <<<"$fields")"
}

@test "table is the default when stdout is a terminal" {
	command -v script >/dev/null || skip "no script(1) for a terminal"
	crm-customer add --name 'Ada Lovelace' >/dev/null
	crm-customer add --name 'Bob' >/dev/null
	run bash -c "script -qec 'crm-customer list -o id,name' /dev/null </dev/null | tr -d '\r'"
	assert_success
	assert_output "$(printf '%s\n' 'id  name' ' 1  Ada Lovelace' ' 2  Bob')"
	run bash -c "CRM_FORMAT=csv script -qec 'crm-customer list -o id,name' /dev/null </dev/null | tr -d '\r'"
	assert_output "$(printf '%s\n' 'id,name' '1,Ada Lovelace' '2,Bob')"
}

@test "CRM_FORMAT chooses the format; -f wins over it" {
	crm-customer add --name Ada >/dev/null
	CRM_FORMAT=json run crm-customer list -o id,name
	assert_output '{"id":1,"name":"Ada"}'
	CRM_FORMAT=csv run crm-customer list -o id,name
	assert_output "$(printf 'id,name\n1,Ada')"
	CRM_FORMAT=json run crm-customer list -o id,name -f tsv
	assert_output "$(printf 'id\tname\n1\tAda')"
}

@test "an unknown format exits 64, from -f or from CRM_FORMAT" {
	crm-customer add --name Ada >/dev/null
	run --separate-stderr crm-customer list -f xml
	assert_error 64 "crm-customer: unknown format 'xml': expected table, tsv, csv or json"
	CRM_FORMAT=yaml run --separate-stderr crm-customer list
	assert_error 64 "crm-customer: unknown format 'yaml': expected table, tsv, csv or json"
}

@test "a list with no rows exits 0 and prints only the header" {
	run --separate-stderr crm-customer list -o id,name
	assert_success
	assert_stderr ''
	assert_output "$(printf 'id\tname')"
	run crm-customer list -o id,name -f csv
	assert_success
	assert_output 'id,name'
	run crm-customer list -o id,name -f table
	assert_success
	assert_output 'id  name'
	run crm-customer list -o id,name -f json
	assert_success
	assert_output ''
	crm-customer add --name Ada >/dev/null
	run crm-customer list -o id,name --where name=Bob -H
	assert_success
	assert_output ''
}

# ---- --where --------------------------------------------------------------

@test "--where with = != < <= > >= on a number" {
	three
	for case in '=2:2' '!=2:1 3' '<2:1' '<=2:1 2' '>2:3' '>=2:2 3'; do
		run crm-customer list -H -o id --where "id${case%%:*}"
		assert_success
		assert_equal "$(tr '\n' ' ' <<<"$output")" "${case#*:} "
	done
}

@test "--where with < and > on text compares the text" {
	three
	run crm-customer list -H -o id --where 'name<Bob'
	assert_output 1
	run crm-customer list -H -o id --where 'name>=Bob' --where 'kind=company'
	assert_output 2
	run crm-customer list -H -o id --where 'city>M' --sort id
	assert_output "$(printf '2\n3')"
}

@test "--where FIELD OP VALUE may have spaces around the operator" {
	three
	run crm-customer list -H -o id --where 'city = 北京'
	assert_success
	assert_output 3
	run crm-customer list -H -o id --where 'name = Bob Builder'
	assert_output 2
}

@test "--where ~ is a case-insensitive substring" {
	three
	run crm-customer list -H -o id --where 'name~LOVE'
	assert_success
	assert_output 1
	run crm-customer list -H -o id --where 'email~EXAMPLE'
	assert_output "$(printf '1\n3')"
	run crm-customer list -H -o id --where 'name~伟'
	assert_output 3
	run crm-customer list -H -o id --where 'name~xyz'
	assert_success
	assert_output ''
}

@test "--where ~ matches full-width letters and ASCII alike" {
	three
	crm-customer add --name 'ＡＢＣ　Ｔｒａｄｉｎｇ' >/dev/null
	run crm-customer list -H -o id --where 'name~ｌｏｖｅ'
	assert_success
	assert_output 1
	run crm-customer list -H -o id --where 'name~abc trad'
	assert_output 4
}

@test "--where FIELD= matches an empty field, FIELD!= a field with a value" {
	three
	run crm-customer list -H -o id --where 'email='
	assert_success
	assert_output 2
	run crm-customer list -H -o id --where 'email!='
	assert_output "$(printf '1\n3')"
	run crm-customer list -H -o id --where 'segment=' --where 'phone='
	assert_output 3
}

@test "several --where must all hold" {
	three
	run crm-customer list -H -o id --where 'kind=person' --where 'city~on'
	assert_success
	assert_output 1
	run crm-customer list -H -o id --where 'kind=person' --where 'city=Paris'
	assert_success
	assert_output ''
}

@test "--where values are cleaned like input: email case, phone punctuation" {
	three
	run crm-customer list -H -o id --where 'email=ADA@Example.COM'
	assert_output 1
	run crm-customer list -H -o id --where 'phone=138 0013 8000'
	assert_output 1
	run crm-customer list -H -o id --where 'kind=COMPANY'
	assert_output 2
}

@test "--where on an unknown field exits 64 and lists the known fields" {
	three
	run --separate-stderr crm-customer list --where 'colour=red'
	assert_error 64 "crm-customer: unknown field 'colour' for customer; known: $(known_fields customer)"
}

@test "a malformed filter exits 64 with one line" {
	three
	run --separate-stderr crm-customer list --where 'name'
	assert_error 64 "crm-customer: invalid filter 'name': expected FIELD OP VALUE with OP one of = != < <= > >= ~"
	run --separate-stderr crm-customer list --where '=Ada'
	assert_error 64 "crm-customer: invalid filter '=Ada': expected FIELD OP VALUE with OP one of = != < <= > >= ~"
	run --separate-stderr crm-customer list --where 'id<'
	assert_error 64 "crm-customer: invalid filter 'id<': only = and != take an empty value"
	run --separate-stderr crm-customer list --where 'id=abc'
	assert_error 64 "crm-customer: invalid filter 'id=abc': id: invalid number 'abc': expected a whole number, like 1234 or 6,000"
	run --separate-stderr crm-customer list --where 'kind=robot'
	assert_error 64 "crm-customer: invalid filter 'kind=robot': kind: invalid value 'robot': expected one of person, company"
}

@test "SQL in values is stored and matched as text" {
	name="Robert'); DROP TABLE customers;--"
	crm-customer add --name "$name" --city "x' OR '1'='1" >/dev/null
	crm-customer add --name Other --city Rome >/dev/null
	run crm-customer list -H -o id,name,city --where "name=$name"
	assert_success
	assert_output "1	$name	x' OR '1'='1"
	run crm-customer list -H -o id --where "city=x' OR '1'='1"
	assert_output 1
	run crm-customer list -H -o id --where "city~' OR '"
	assert_output 1
	run crm-customer list -H -o id --where 'name=" OR ""="'
	assert_success
	assert_output ''
	run crm-customer list -H -o id
	assert_output "$(printf '1\n2')"
}

@test "% and _ are plain characters in values and filters" {
	crm-customer add --name '50%_off' >/dev/null
	crm-customer add --name '50xxoff' >/dev/null
	crm-customer add --name 'a_b' >/dev/null
	crm-customer add --name 'axb' >/dev/null
	run crm-customer list -H -o id,name --where 'name~%'
	assert_output "1	50%_off"
	run crm-customer list -H -o id --where 'name~0%_o'
	assert_output 1
	run crm-customer list -H -o id --where 'name~_'
	assert_output "$(printf '1\n3')"
	run crm-customer list -H -o id --where 'name=a_b'
	assert_output 3
	run crm-customer list -H -o id --where 'name=50%'
	assert_output ''
}

# ---- --sort, --limit, --offset --------------------------------------------

@test "--sort orders by a field, - for descending, ties by id" {
	three
	crm-customer add --name 'Ada Lovelace' --city Bath >/dev/null
	run crm-customer list -H -o id --sort name
	assert_output "$(printf '1\n4\n2\n3')"
	run crm-customer list -H -o id --sort -name
	assert_output "$(printf '3\n2\n1\n4')"
	run crm-customer list -H -o id --sort -id
	assert_output "$(printf '4\n3\n2\n1')"
}

@test "--sort with several keys" {
	three
	crm-customer add --name 'Ada Lovelace' --city Bath >/dev/null
	run crm-customer list -H -o id --sort kind,-city
	assert_success
	assert_output "$(printf '2\n3\n1\n4')"
	run crm-customer list -H -o id,name,city --sort name,city
	assert_output "$(printf '4\tAda Lovelace\tBath\n1\tAda Lovelace\tLondon\n2\tBob Builder\tParis\n3\t张伟\t北京')"
}

@test "--sort on an unknown field exits 64 and lists the known fields" {
	three
	run --separate-stderr crm-customer list --sort name,-colour
	assert_error 64 "crm-customer: unknown field 'colour' for customer; known: $(known_fields customer)"
}

@test "--limit and --offset page through the records" {
	three
	run crm-customer list -H -o id --limit 2
	assert_output "$(printf '1\n2')"
	run crm-customer list -H -o id --limit 2 --offset 2
	assert_output 3
	run crm-customer list -H -o id --offset 1
	assert_output "$(printf '2\n3')"
	run crm-customer list -H -o id --sort -id --limit 1
	assert_output 3
	run crm-customer list -o id --limit 0
	assert_success
	assert_output id
	run crm-customer list -o id --offset 9
	assert_success
	assert_output id
}

@test "--limit and --offset take whole numbers of 0 or more, else 64" {
	three
	run --separate-stderr crm-customer list --limit x
	assert_error 64 "crm-customer: invalid --limit 'x': expected a whole number of 0 or more; see 'crm-customer list --help'"
	run --separate-stderr crm-customer list --limit -1
	assert_error 64 "crm-customer: invalid --limit '-1': expected a whole number of 0 or more; see 'crm-customer list --help'"
	run --separate-stderr crm-customer list --offset 1.5
	assert_error 64 "crm-customer: invalid --offset '1.5': expected a whole number of 0 or more; see 'crm-customer list --help'"
	# a count is digits: none of the forms a field's value may take
	for n in '¥5' 1,000 '１' ' 2'; do
		run --separate-stderr crm-customer list --limit "$n"
		assert_error 64 "crm-customer: invalid --limit '$n': expected a whole number of 0 or more; see 'crm-customer list --help'"
	done
	run --separate-stderr crm-report customers --top ¥5
	assert_failure 64
	run --separate-stderr crm-import revert ¥1
	assert_failure 64
}

@test "-o with an unknown field exits 64 and lists the known fields" {
	three
	run --separate-stderr crm-customer list -o id,colour
	assert_error 64 "crm-customer: unknown field 'colour' for customer; known: $(known_fields customer)"
}

# ---- usage ------------------------------------------------------------------

@test "list takes no operands" {
	run --separate-stderr crm-customer list extra
	assert_error 64 "crm-customer: unexpected argument 'extra'; see 'crm-customer list --help'"
}

@test "options may follow the verb in any order" {
	three
	run crm-customer -H list --where id=2 -o id,name -f csv
	assert_success
	assert_output "2,Bob Builder"
}

# ---- a closed pipe ----------------------------------------------------------

many() {
	local long i
	long=$(printf '%02000d' 0)
	for i in $(seq 1 60); do
		crm-customer add --name "N$i" --address "$long" >/dev/null
	done
}

@test "output into a closed pipe ends quietly" {
	many
	for f in tsv csv json table; do
		run bash -c "crm-customer list -o all -f $f 2>'$BATS_TEST_TMPDIR/err' | head -1"
		assert_success
		assert_line --index 0 --regexp '^(id|\{"id":1,| *id )'
		assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ''
	done
}

@test "output into a closed pipe ends quietly when SIGPIPE is ignored" {
	many
	for f in tsv csv json table; do
		run bash -c "trap '' PIPE; crm-customer list -o all -f $f 2>'$BATS_TEST_TMPDIR/err' | head -1"
		assert_success
		assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ''
	done
}

# ---- many rows ---------------------------------------------------------

@test "a list of more rows than a server sends at once: every row, in order, and a copy of them" {
	# On PostgreSQL a listing reads 10,000 rows at a time (crm(7),
	# BACKENDS): 25,000 take three parts.
	seq 1 25000 | awk 'BEGIN { print "name,email" }
		{ printf "C%05d,c%d@x.com\n", $1, $1 }' >many.csv
	crm-import customers many.csv -q
	run --separate-stderr crm-customer list -H -o id,name
	assert_success
	assert_equal "${#lines[@]}" 25000
	assert_equal "${lines[0]}" "$(printf '1\tC00001')"
	assert_equal "${lines[10000]}" "$(printf '10001\tC10001')"
	assert_equal "${lines[24999]}" "$(printf '25000\tC25000')"
	assert_equal "$(printf '%s\n' "${lines[@]}" | cut -f1 | sort -n -c &&
		echo sorted)" sorted
	# A reader that stops early ends quietly, its snapshot with it.
	run bash -c 'crm-customer list -H -o id | head -n 2'
	assert_success
	assert_output "$(printf '1\n2')"
	# Every row at both ends of a copy.
	run --separate-stderr crm-admin copy "$CRM_DB" "$BATS_TEST_TMPDIR/copy.db"
	assert_success
	assert_line "$(printf 'customers\t25000')"
	run crm-customer -d "$BATS_TEST_TMPDIR/copy.db" list -H -o id,name
	assert_equal "${#lines[@]}" 25000
	assert_equal "${lines[24999]}" "$(printf '25000\tC25000')"
}
