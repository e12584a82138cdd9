#!/usr/bin/env bats
# Output details every binary shares (SPEC 3.4): local time in a table,
# the width of a table and of a chart, show that never cuts, a closed pipe,
# other encodings and a byte-order mark.

load helper

setup() {
	common_setup
	init_db
}

# The widest line of standard input, in display columns (a CJK character
# is two), counted by python3, not by crm.
widest() {
	python3 -c '
import sys, unicodedata
w = 0
for line in sys.stdin.read().split("\n"):
    n = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
    w = max(w, n)
print(w)'
}

long_customers() {
	local long
	long=$(printf 'x%.0s' $(seq 1 150))
	crm-customer add --name '北京长城贸易有限责任公司华东分公司第一销售部' \
		--email first.customer.with.a.long.address@example.com \
		--phone +8613800000000 --city 上海市浦东新区 --segment enterprise \
		--address "$long" >/dev/null
	crm-customer add --name 'Ada Lovelace' --email ada@example.com \
		--city London >/dev/null
}

# ---- times ------------------------------------------------------------------

@test "a table shows times in local time; tsv, csv and json keep UTC" {
	long_customers
	pin_times 2026-01-02T20:04:05Z
	export TZ=Asia/Shanghai
	run crm-customer list -f table -o id,created_at
	assert_success
	assert_line --index 1 --regexp '^ *1  2026-01-03 04:04:05$'
	run crm-customer list -f tsv -o id,created_at --where id=1
	assert_output "$(printf 'id\tcreated_at\n1\t2026-01-02T20:04:05Z')"
	run crm-customer list -f csv -H -o id,created_at --where id=1
	assert_output "1,2026-01-02T20:04:05Z"
	run crm-customer list -f json -o id,created_at --where id=1
	assert_output '{"id":1,"created_at":"2026-01-02T20:04:05Z"}'
	run crm-customer show 1 -f table -o created_at,updated_at
	assert_output "$(printf 'created_at  2026-01-03 04:04:05\nupdated_at  2026-01-03 04:04:05')"
}

@test "a table leaves dates as they are, whatever TZ" {
	crm-customer add --name Ada >/dev/null
	crm-deal add --title Big --customer 1 --amount 10 --expected-close 2026-12-31 >/dev/null
	TZ=America/Los_Angeles run crm-deal list -f table -o id,expected_close
	assert_line --index 1 --regexp '^ *1  2026-12-31$'
}

@test "a customer's timeline shows its times in local time in a table" {
	crm-customer add --name Ada >/dev/null
	crm-product add --sku P1 --name Pen --price 2 --stock 5 >/dev/null
	crm-order add --customer 1 --line P1:1 --ordered-at 2026-03-05T23:30:00Z >/dev/null
	TZ=Asia/Shanghai run crm-customer timeline 1 -f table
	assert_success
	assert_line --index 1 --regexp '^2026-03-06 07:30:00  order'
	TZ=Asia/Shanghai run crm-customer timeline 1 -f tsv -H
	assert_line --index 0 --regexp $'^2026-03-05T23:30:00Z\torder'
}

# ---- width ------------------------------------------------------------------

@test "every line of a table fits COLUMNS, cut with an ellipsis" {
	long_customers
	for c in 40 60 80 25; do
		run env COLUMNS=$c crm-customer list -f table -o all
		assert_success
		[ "$(printf '%s\n' "$output" | widest)" -le "$c" ]
		assert_output --partial '…'
	done
	run env COLUMNS=40 crm-customer list -f table
	assert_line --index 1 --regexp '^ *1  北'
	assert_line --index 2 --regexp '^ *2  Ada'
}

@test "a table that fits is not cut" {
	long_customers
	run env COLUMNS=200 crm-customer list -f table -o id,name,city
	assert_success
	refute_output --partial '…'
	assert_line --index 1 --regexp '^ *1  北京长城贸易有限责任公司华东分公司第一销售部  上海市浦东新区$'
}

@test "show never cuts a value, however narrow COLUMNS" {
	long_customers
	long=$(printf 'x%.0s' $(seq 1 150))
	run env COLUMNS=20 crm-customer show 1 -f table
	assert_success
	assert_line "address      $long"
	assert_line 'name         北京长城贸易有限责任公司华东分公司第一销售部'
	assert_line 'email        first.customer.with.a.long.address@example.com'
	refute_output --partial '…'
}

@test "a report's chart fits COLUMNS with its table" {
	crm-customer add --name '北京长城贸易有限责任公司华东分公司第一销售部' >/dev/null
	crm-customer add --name 'Ada Lovelace' >/dev/null
	crm-product add --sku P1 --name Pen --price 1234567.89 --stock 100 >/dev/null
	crm-order add --customer 1 --line P1:3 --ordered-at 2026-11-02 >/dev/null
	crm-order add --customer 2 --line P1:1 --ordered-at 2026-11-03 >/dev/null
	for c in 40 30 20; do
		run env COLUMNS=$c crm-report customers -f table --chart
		assert_success
		assert_output --partial '█'
		[ "$(printf '%s\n' "$output" | widest)" -le "$c" ]
	done
}

# ---- a closed pipe ----------------------------------------------------------

# More rows than a pipe holds, so that the writer meets the closed pipe.
many_rows() {
	python3 -c '
print("name,email,address")
for i in range(2000):
    print("Customer %d,c%d@example.com,%s" % (i, i, "a long street " * 10))
' > "$BATS_TEST_TMPDIR/many.csv"
	crm-import customers -q "$BATS_TEST_TMPDIR/many.csv"
}

@test "output into a closed pipe ends quietly with status 0" {
	many_rows
	for f in tsv csv json table; do
		run bash -c "set -o pipefail; crm-customer list -o all -f $f 2>'$BATS_TEST_TMPDIR/err' | head -1"
		assert_success
		assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ''
	done
	run bash -c "set -o pipefail; crm customer list 2>'$BATS_TEST_TMPDIR/err' | head -1"
	assert_success
	assert_output $'id\tname\tkind\temail\tphone\tcity\tsegment'
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ''
}

@test "a closed pipe after a show, a report, a chart, a dry-run plan" {
	many_rows
	crm-product add --sku P1 --name Pen --price 2 --stock 100000 >/dev/null
	for i in $(seq 1 40); do
		crm-order add --customer "$i" --line P1:1 >/dev/null
	done
	for c in "crm-customer show -" "crm-report customers" \
	    "crm-report customers -f table --chart" "crm-import log" \
	    "crm-customer search Customer" \
	    "crm-import customers -q --dry-run $BATS_TEST_TMPDIR/many.csv"; do
		# The ids from a file: seq in the pipe would be killed by
		# SIGPIPE itself once the command stops reading.
		seq 1 2000 >"$BATS_TEST_TMPDIR/ids"
		run bash -c "set -o pipefail; $c <'$BATS_TEST_TMPDIR/ids' 2>'$BATS_TEST_TMPDIR/err' | head -1"
		assert_success
		assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ''
	done
}

# ---- encodings and a byte-order mark -----------------------------------------

chinese() {
	crm-customer add --name 张伟 --email zhang@example.cn --city 北京 >/dev/null
	crm-customer add --name 'Zoë Café' --city Zürich >/dev/null
}

@test "--encoding GB18030 writes what UTF-8 writes, in GB18030, in every format" {
	chinese
	for f in csv tsv json table; do
		utf8=$(crm-customer list -f $f)
		run bash -c "set -o pipefail; crm-customer list -f $f --encoding GB18030 | iconv -f GB18030 -t UTF-8"
		assert_success
		assert_output "$utf8"
		# Not UTF-8 on the way: 张 is D5C5 in GB18030.
		crm-customer list -f $f --encoding GB18030 | od -An -tx1 | tr -d ' \n' | grep -q d5c5
	done
	run bash -c "crm-customer show 1 --encoding gbk | iconv -f GBK -t UTF-8"
	assert_output --partial '张伟'
}

@test "--bom starts the output with a byte-order mark, once" {
	chinese
	run bash -c "crm-customer list -f csv --bom | head -c 5 | od -An -tx1"
	assert_output ' ef bb bf 69 64'
	[ "$(crm-customer list -f csv --bom | grep -c $'\xef\xbb\xbf')" = 1 ]
	# In the encoding written: U+FEFF is 84 31 95 33 in GB18030.
	run bash -c "crm-customer list -f csv --bom --encoding GB18030 | head -c 6 | od -An -tx1"
	assert_output ' 84 31 95 33 69 64'
	# UTF-16 has a mark of its own, written once.
	run bash -c "crm-customer list -f csv -o id --bom --encoding UTF-16 | od -An -tx1 | tr -d ' \n'"
	assert_output --regexp '^(fffe|feff)[0-9a-f]*$'
	refute_output --regexp '^(fffefffe|fefffeff)'
	# Two writers on stdout, one mark: an order and its lines.
	crm-product add --sku P1 --name Pen --price 2 --stock 5 >/dev/null
	crm-order add --customer 1 --line P1:1 >/dev/null
	[ "$(crm-order show 1 -f csv --bom | grep -c $'\xef\xbb\xbf')" = 1 ]
}

@test "a character the encoding cannot hold: one line and 65, nothing dropped" {
	chinese
	run --separate-stderr crm-customer list -f csv -o name --encoding LATIN1 --where id=1
	assert_failure 65
	assert_stderr "crm-customer: cannot write '张' (U+5F20) in LATIN1: the encoding has no such character"
	refute_output --partial 'ng'
	# What it can hold it writes: ë is EB in Latin-1.
	run bash -c "crm-customer list -f csv -H -o name --encoding latin-1 --where id=2 | od -An -tx1"
	assert_success
	assert_output ' 5a 6f eb 20 43 61 66 e9 0a'
}

@test "an unknown encoding is a usage error, before the database is read" {
	run --separate-stderr crm-customer list --encoding KLINGON -d "$BATS_TEST_TMPDIR/none.db"
	assert_error_re 64 "crm-customer: unknown encoding 'KLINGON': .*"
	run --separate-stderr crm-report customers --encoding
	assert_failure 64
}

@test "--bom and --encoding are options of every output, reports too" {
	chinese
	crm-product add --sku P1 --name 钢笔 --price 2 --stock 5 >/dev/null
	crm-order add --customer 1 --line P1:1 --ordered-at 2026-11-02 >/dev/null
	run bash -c "set -o pipefail; crm-report customers --from 2026-11-01 -f csv --encoding GB18030 | iconv -f GB18030 -t UTF-8"
	assert_success
	assert_output "$(crm-report customers --from 2026-11-01 -f csv)"
	run bash -c "set -o pipefail; crm-report products -f table --chart --encoding GB18030 | iconv -f GB18030 -t UTF-8"
	assert_success
	assert_output "$(crm-report products -f table --chart)"
	for bv in customer:list order:show product:list report:customers \
	    import:log field:list admin:stats campaign:list; do
		run crm-${bv%:*} --completion-helper "${bv#*:}"
		assert_line -- --bom
		assert_line -- --encoding
	done
}

@test "an import's rejects file comes back in the input's encoding" {
	printf 'name,email,city\n张伟,zhang@example.cn,北京\n李娜,bad-email,上海\n' |
		iconv -t GB18030 > "$BATS_TEST_TMPDIR/in.csv"
	run crm-import customers -q --encoding GB18030 --rejects "$BATS_TEST_TMPDIR/rej.csv" "$BATS_TEST_TMPDIR/in.csv"
	assert_failure 65
	run iconv -f GB18030 -t UTF-8 "$BATS_TEST_TMPDIR/rej.csv"
	assert_success
	assert_line --index 1 --regexp '^李娜,bad-email,上海,3,'
	# 李 is C0EE in GB18030; no UTF-8 E69D8E.
	od -An -tx1 "$BATS_TEST_TMPDIR/rej.csv" | tr -d ' \n' | grep -q c0ee
	! od -An -tx1 "$BATS_TEST_TMPDIR/rej.csv" | tr -d ' \n' | grep -q e69d8e
}

# ---- a record's parts in JSON ------------------------------------------------

@test "crm-order show -f json holds its lines as an array in the order's object" {
	crm-customer add --name Ada >/dev/null
	crm-product add --sku P1 --name '钢笔 "fine"' --price 2.50 --stock 50 >/dev/null
	crm-product add --sku P2 --name Ink --price 10 --stock 50 >/dev/null
	crm-order add --customer 1 --line P1:2 --line P2:1 >/dev/null
	crm-order add --customer 1 --line P2:3 >/dev/null
	run crm-order show 1 2 -f json
	assert_success
	assert_equal "${#lines[@]}" 2
	run python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    print(o["id"], o["total"], [(l["sku"], l["name"], l["quantity"], l["unit_price"], l["amount"]) for l in o["lines"]])
' <<<"$output"
	assert_success
	assert_line --index 0 "1 15.0 [('P1', '钢笔 \"fine\"', 2, 2.5, 5.0), ('P2', 'Ink', 1, 10.0, 10.0)]"
	assert_line --index 1 "2 30.0 [('P2', 'Ink', 3, 10.0, 30.0)]"
	# The same objects crm-order lines writes, in the order's array.
	run bash -c "crm-order show 1 -f json | python3 -c 'import json,sys; [print(json.dumps(l, ensure_ascii=False, separators=(\",\", \":\"))) for l in json.load(sys.stdin)[\"lines\"]]'"
	assert_output "$(crm-order lines 1 -f json | python3 -c 'import json,sys; [print(json.dumps(json.loads(l), ensure_ascii=False, separators=(",", ":"))) for l in sys.stdin]')"
	# tsv and csv stay one row of fields.
	run crm-order show 1 -f tsv
	refute_output --partial lines
}

@test "a campaign's show -f json holds what its table shows, the member count too" {
	crm-customer add --name Ada >/dev/null
	crm-customer add --name Bob >/dev/null
	crm-campaign add --name Spring >/dev/null
	crm-campaign member add Spring 1 2 >/dev/null
	run crm-campaign show 1 -f json
	assert_success
	assert_output --partial '"members":2'
	table=$(crm-campaign show 1 -f table | awk '{print $1}' | sort | tr '\n' ' ')
	keys=$(crm-campaign show 1 -f json | python3 -c 'import json,sys; print(" ".join(sorted(json.loads(sys.stdin.read())))+" ")')
	assert_equal "$table" "$keys"
}

@test "a report's times are local in a table, UTC in tsv" {
	crm-customer add --name Ada >/dev/null
	crm-product add --sku P1 --name Pen --price 2 --stock 5 >/dev/null
	crm-order add --customer 1 --line P1:1 --ordered-at 2026-03-05T23:30:00Z >/dev/null
	export TZ=Asia/Shanghai COLUMNS=120
	run crm-report customers -f table --from 2026-03-01
	assert_line --index 1 --regexp '2026-03-06 07:30:00  2026-03-06 07:30:00$'
	run crm-report customers -f tsv -H --from 2026-03-01
	assert_output --regexp $'\t2026-03-05T23:30:00Z\t2026-03-05T23:30:00Z$'
}
