#!/usr/bin/env bats
# What crm-import reads (CSV as it is, UTF-16, JSON Lines, hostile
# headers) and the rejects file it writes back.

load helper

setup() {
	common_setup
	init_db
	cd "$BATS_TEST_TMPDIR"
}

@test "rejects hold each field exactly as in the file, spaces included" {
	printf '%s\n' 'name,email,phone' \
		' Ann , ann@x.com ,13800138000' \
		'Bob, Bob@ ,13800138001' \
		'  "Cy Q"  ,cy@,13800138002' >c.csv
	run --separate-stderr crm-import customers c.csv --rejects rej.csv
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 3: email: invalid email 'Bob@': expected local@domain.tld"
	{
		printf '%s\n' 'name,email,phone,_line,_error'
		printf '%s\n' "Bob, Bob@ ,13800138001,3,email: invalid email 'Bob@': expected local@domain.tld"
		printf '%s\n' "Cy Q,cy@,13800138002,4,email: invalid email 'cy@': expected local@domain.tld"
	} >want.csv
	cmp rej.csv want.csv
	# the values themselves are still trimmed by the rules
	run crm-customer list -H -o name,email
	assert_output "$(printf 'Ann\tann@x.com')"
}

@test "a record that cannot be split: a plain reason, kept whole in the rejects" {
	printf '%s\r\n' 'name,email' 'Ann,ann@x.com' 'Bob,b"ob@x.com' \
		'"Cy"q,cy@x.com' 'Dee,dee@x.com' 'Eve,"eve@x.com' >c.csv
	run --separate-stderr crm-import customers c.csv --rejects rej.csv
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 3: quote inside an unquoted field"
	assert_equal "${stderr_lines[1]}" "crm-import: line 4: text after the closing quote of a field"
	assert_equal "${stderr_lines[2]}" "crm-import: line 6: unterminated quoted field"
	assert_equal "${stderr_lines[3]}" "crm-import: customers: 5 read, 2 inserted, 0 updated, 0 unchanged, 3 rejected, 0 repeated; batch 1"
	{
		printf '%s\n' 'name,email,_line,_error'
		printf '%s\n' '"Bob,b""ob@x.com",,3,quote inside an unquoted field'
		printf '%s\n' '"""Cy""q,cy@x.com",,4,text after the closing quote of a field'
		printf '%s\n' '"Eve,""eve@x.com",,6,unterminated quoted field'
	} >want.csv
	cmp rej.csv want.csv
	run crm-customer list -H -o name
	assert_output "$(printf 'Ann\nDee')"
	# Fixed where it stands (the record split into its columns), the
	# rejects file imports as it is.
	sed -i 's/^"Bob,b""ob@x.com",/Bob,bob@x.com/; s/^"""Cy""q,cy@x.com",/Cy,cy@x.com/; s/^"Eve,""eve@x.com",/Eve,eve@x.com/' rej.csv
	run --separate-stderr crm-import customers rej.csv
	assert_success
	assert_stderr "crm-import: customers: 3 read, 3 inserted, 0 updated, 0 unchanged, 0 rejected, 0 repeated; batch 2"
}

utf16le() {
	iconv -f UTF-8 -t UTF-16LE
}

@test "Excel's Unicode Text (UTF-16LE with BOM, tabs) imports without --encoding" {
	{ printf '\xff\xfe'; printf 'Name\tEmail\tCity\r\n张三\tzs@x.com\t"Paris, ""FR"""\r\n' | utf16le; } >u.txt
	run --separate-stderr crm-import customers u.txt
	assert_success
	assert_stderr "crm-import: customers: 1 read, 1 inserted, 0 updated, 0 unchanged, 0 rejected, 0 repeated; batch 1"
	run crm-customer list -H -o name,email,city
	assert_output "$(printf '张三\tzs@x.com\tParis, "FR"')"
	run --separate-stderr crm-import customers u.txt --encoding UTF-16
	assert_success
	assert_stderr "crm-import: customers: 1 read, 0 inserted, 0 updated, 1 unchanged, 0 rejected, 0 repeated; batch 2"
}

@test "UTF-16 without a byte order mark: one line saying what to pass, nothing written" {
	printf 'name,email\nAnn,ann@x.com\n' | utf16le >u.csv
	before=$(dump_db)
	run --separate-stderr crm-import customers u.csv
	assert_error 65 "crm-import: the file looks like UTF-16LE without a byte order mark: name its encoding with --encoding UTF-16LE"
	assert_unchanged "$before"
	run --separate-stderr crm-import customers u.csv --encoding UTF-16LE
	assert_success
	assert_equal "$(crm-customer list -H -o email)" ann@x.com
}

@test "what list -f json writes imports again with --json, the same customers" {
	crm-customer add --name 'Jo "J" Lee' --email jo@x.com --phone '+86 138 0000 0000' --city 北京 >/dev/null
	crm-customer add --name 'Ann' --email ann@x.com --kind company --segment vip >/dev/null
	crm-product add --name Pen --sku P1 --price 12.50 --stock 3 >/dev/null
	crm-customer list -f json >c.json
	export OTHER="$BATS_TEST_TMPDIR/other.db"
	CRM_DB="$OTHER" crm-admin init -q
	run --separate-stderr bash -c 'crm-customer list -f json | CRM_DB="$OTHER" crm-import customers --json -'
	assert_success
	assert_stderr "crm-import: customers: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected, 0 repeated; batch 1"
	cols=name,kind,email,phone,city,segment
	assert_equal "$(CRM_DB="$OTHER" crm-customer list -f tsv -o $cols)" "$(crm-customer list -f tsv -o $cols)"
	# a .jsonl or .json name says JSON without --json; twice: unchanged
	cp c.json c.jsonl
	run --separate-stderr env CRM_DB="$OTHER" crm-import customers c.jsonl
	assert_success
	assert_stderr "crm-import: customers: 2 read, 0 inserted, 0 updated, 2 unchanged, 0 rejected, 0 repeated; batch 2"
	# money keeps its two digits: 12.50 is read as written
	crm-product list -f json >p.json
	run --separate-stderr env CRM_DB="$OTHER" crm-import products p.json
	assert_success
	assert_equal "$(CRM_DB="$OTHER" crm-product list -f json)" "$(crm-product list -f json)"
}

@test "a JSON line that is no object is rejected; the rejects are JSON Lines again" {
	{
		printf '%s\n' '{"name":"Ann","email":"ann@x.com","phone":null}'
		printf '%s\n' '[1,2]'
		printf '%s\n' '{"name":"Cut","email":"cut@x.com"'
		printf '{"name":"Bad\xff","email":"bad@x.com"}\n'
		printf '%s\n' '{"name":"Lin","email":"lin@x.com","phone":null,"tags":["a"]}'
		printf '%s\n' '{"email":"bob@","name":"Bob", "phone" : 13800138000 ,"_line":9}'
	} >c.jsonl
	run --separate-stderr crm-import customers c.jsonl --rejects rej.jsonl
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 2: not a JSON object but an array"
	assert_equal "${stderr_lines[1]}" "crm-import: line 3: the JSON object is not closed: the line is cut short"
	assert_equal "${stderr_lines[2]}" "crm-import: line 4: a JSON string that is not UTF-8 text"
	assert_equal "${stderr_lines[3]}" "crm-import: line 5: member 'tags' is not in the first object, the header"
	assert_equal "${stderr_lines[4]}" "crm-import: line 6: email: invalid email 'bob@': expected local@domain.tld"
	assert_equal "${stderr_lines[5]}" "crm-import: customers: 6 read, 1 inserted, 0 updated, 0 unchanged, 5 rejected, 0 repeated; batch 1"
	{
		printf '%s\n' '[1,2]'
		printf '%s\n' '{"name":"Cut","email":"cut@x.com"'
		printf '{"name":"Bad\xff","email":"bad@x.com"}\n'
		printf '%s\n' '{"name":"Lin","email":"lin@x.com","phone":null,"tags":["a"],"_line":5,"_error":"member '"'"'tags'"'"' is not in the first object, the header"}'
		printf '%s\n' '{"email":"bob@","name":"Bob","phone" : 13800138000,"_line":6,"_error":"email: invalid email '"'"'bob@'"'"': expected local@domain.tld"}'
	} >want.jsonl
	cmp rej.jsonl want.jsonl
	# Fixed, it imports as JSON again (an array is refused, named).
	sed -i '1,3d; s/bob@"/bob@x.com"/' rej.jsonl
	run --separate-stderr crm-import customers rej.jsonl --ignore-unknown
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 1: member 'tags' is an array: a value must be a string, a number, true, false or null"
	assert_equal "${stderr_lines[1]}" "crm-import: customers: 2 read, 1 inserted, 0 updated, 0 unchanged, 1 rejected, 0 repeated; batch 2"
	assert_equal "$(crm-customer list -H -o name,phone)" "$(printf 'Ann\t\nBob\t13800138000')"
}

@test "--json with --tsv or --delimiter is a usage error; a file of no object is 65" {
	printf '{"name":"A"}\n' >c.txt
	run --separate-stderr crm-import customers c.txt --json --tsv
	assert_error 64 "crm-import: --json reads JSON Lines, which have no --tsv or --delimiter; see 'crm-import customers --help'"
	printf '[{"name":"A","email":"a@x.com"}]\n' >a.json
	run --separate-stderr crm-import customers a.json
	assert_error 65 "crm-import: line 1: the header cannot be read: not a JSON object but an array"
}

@test "a header of 3,000 columns exits 64 at once, nothing written" {
	{ printf 'name,email'; for i in $(seq 3000); do printf ',c%d' "$i"; done; printf '\nA,a@x.com\n'; } >wide.csv
	before=$(dump_db)
	SECONDS=0
	run --separate-stderr crm-import customers wide.csv --ignore-unknown
	assert_error 64 "crm-import: line 1: the header has more than 2000 columns"
	[ "$SECONDS" -lt 5 ]
	assert_unchanged "$before"
	{ printf '{"name":"A"'; for i in $(seq 3000); do printf ',"c%d":1' "$i"; done; printf '}\n'; } >wide.json
	run --separate-stderr crm-import customers wide.json
	assert_error 64 "crm-import: line 1: the header has more than 2000 columns"
}

@test "1,900 unknown columns with --ignore-unknown still import" {
	{ printf 'name,email'; for i in $(seq 1900); do printf ',x%d' "$i"; done; printf '\nAnn,ann@x.com'; for i in $(seq 1900); do printf ',v'; done; printf '\n'; } >wide.csv
	run --separate-stderr crm-import customers wide.csv --ignore-unknown
	assert_success
	assert_stderr "crm-import: customers: 1 read, 1 inserted, 0 updated, 0 unchanged, 0 rejected, 0 repeated; batch 1"
}

@test "a long column name is echoed short, whole characters and …" {
	long=$(printf '名%.0s' $(seq 20000))
	printf 'name,email,%s\n' "$long" >c.csv
	run --separate-stderr crm-import customers c.csv
	assert_failure 64
	assert_output ''
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "${stderr_lines[0]}" "crm-import: unknown column '$(printf '名%.0s' $(seq 32))…' (known: name, kind, email, phone, address, city, country, segment, ref, owner); use --map or --ignore-unknown"
	printf 'name,email,%s,%s\n' "$long" "$long" >d.csv
	run --separate-stderr crm-import customers d.csv --map "$long=city"
	assert_error 64 "crm-import: columns '$(printf '名%.0s' $(seq 32))…' and '$(printf '名%.0s' $(seq 32))…' both give city"
}

@test "a Latin-1 file's rejects are Latin-1, and a reason the encoding lacks does not fail them" {
	# the date message names 年月日, which Latin-1 has not
	printf 'name,email,created_at\nJos\351,j@x.com,soon\n' >l1.csv
	run --separate-stderr crm-import customers --encoding LATIN1 l1.csv \
		--rejects rej.csv
	assert_failure 65
	run bash -c "iconv -f LATIN1 -t UTF-8 rej.csv | sed -n 2p"
	assert_success
	assert_output --regexp "^José,j@x.com,soon,2,\"created_at: invalid time 'soon': expected .*YYYY\?MM\?DD\?"
	run crm-customer list -H
	assert_output ''
}
