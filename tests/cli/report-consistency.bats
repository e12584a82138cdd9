#!/usr/bin/env bats
# The reports against a computation from scratch.  The reports read what
# is kept to make them fast (each order's stored total, the indexes of
# orders); every write path - add, status, cancel, import, re-import,
# revert, merge, delete --cascade, price changes - must keep that in step
# with the order lines.  After a mix of such writes every report, in
# every range, filter and format, is compared to the cent with the same
# figures worked out by the sqlite3 shell over the order lines alone
# (quantity times unit price), the orders and the customers, reading the
# tables without their indexes.  On PostgreSQL the shop is made on the
# server, the reports run there, and the tables are copied out into an
# SQLite file (crm-admin copy, which counts them at both ends) for the
# computation.

load helper

setup() {
	common_setup
	init_db
	cd "$BATS_TEST_TMPDIR"
}

# ---- the computation from scratch ------------------------------------------

# The SQL below is built in variables, without a subshell: a check makes
# some 150 queries, and a fork costs more than a query on a busy machine.

# Cents as money text into M, and the rounded mean of cents over n orders
# into M too (half away from zero; every figure here is positive).
money() {
	printf -v M "printf('%%d.%%02d', (%s) / 100, (%s) %% 100)" "$1" "$1"
}
mean() {
	money "(2 * ($1) + ($2)) / (2 * ($2))"
	printf -v M "CASE WHEN (%s) = 0 THEN '0.00' ELSE %s END" "$2" "$M"
}

# The orders a report counts, as the common table "sel" (id, customer,
# day, ordered_at, amount, units), into SEL, for the range FROM..TO (whole
# days, empty for open) and customers meeting WHERE (SQL over "c").  The
# amounts and units come from the order lines, never from orders.total.
sel_sql() {
	local from=${1:-0000-01-01} to=${2:-9999-12-31} where=${3:-1}

	SEL="WITH lt AS (
	SELECT \"order\" AS id, sum(quantity * unit_price) AS amount,
	       sum(quantity) AS units
	FROM order_lines NOT INDEXED
	GROUP BY \"order\"),
sel AS (
	SELECT o.id, o.customer, date(o.ordered_at) AS day,
	       o.ordered_at, lt.amount, lt.units
	FROM orders AS o NOT INDEXED
	JOIN lt ON lt.id = o.id
	JOIN customers AS c NOT INDEXED ON c.id = o.customer
	WHERE o.status <> 'cancelled'
	  AND date(o.ordered_at) BETWEEN '$from' AND '$to'
	  AND ($where))"
}

# The label of the period of kind BY holding day d, into LABEL (ISO
# weeks: the year and week of the day's Thursday).
label_sql() {
	local th="date(d, '-' || ((strftime('%w', d) + 6) % 7) || ' days', '+3 days')"

	case $1 in
	day) LABEL="d" ;;
	week) LABEL="strftime('%Y', $th) || '-W' ||
		printf('%02d', (strftime('%j', $th) - 1) / 7 + 1)" ;;
	month) LABEL="substr(d, 1, 7)" ;;
	quarter) LABEL="substr(d, 1, 4) || '-Q' ||
		((substr(d, 6, 2) - 1) / 3 + 1)" ;;
	year) LABEL="substr(d, 1, 4)" ;;
	esac
}

# expected_sql KIND FROM TO WHERE TOP ARG: into SQL, the query whose rows
# (no header) a report should print.  KIND is customers, products,
# sales-by (ARG the period) or sales-group (ARG the customer field).
expected_sql() {
	local kind=$1 from=$2 to=$3 where=$4 top=${5:--1} arg=$6 total avg

	sel_sql "$from" "$to" "$where"
	SQL=$SEL
	case $kind in
	customers)
		money 'sum(s.amount)'; total=$M
		mean 'sum(s.amount)' 'count(*)'; avg=$M
		SQL+="
SELECT c.id, c.name, c.email, count(*), $total,
       $avg, min(s.ordered_at),
       max(s.ordered_at)
FROM sel AS s JOIN customers AS c NOT INDEXED ON c.id = s.customer
GROUP BY c.id
ORDER BY sum(s.amount) DESC, c.id
LIMIT $top" ;;
	products)
		money 'sum(l.quantity * l.unit_price)'
		SQL+="
SELECT p.sku, p.name, sum(l.quantity),
       $M,
       count(DISTINCT l.\"order\"), p.stock
FROM sel AS s
JOIN order_lines AS l NOT INDEXED ON l.\"order\" = s.id
JOIN products AS p NOT INDEXED ON p.id = l.product
GROUP BY p.id
ORDER BY sum(l.quantity * l.unit_price) DESC, p.sku
LIMIT $top" ;;
	sales-group)
		money 'sum(s.amount)'; total=$M
		mean 'sum(s.amount)' 'count(*)'; avg=$M
		SQL+="
SELECT c.$arg, count(*), sum(s.units), $total,
       $avg
FROM sel AS s JOIN customers AS c NOT INDEXED ON c.id = s.customer
GROUP BY c.$arg
ORDER BY sum(s.amount) DESC, c.$arg
LIMIT $top" ;;
	sales-by)
		# Every day from the first to the last with orders, each
		# labelled with its period; a period without orders is zeros.
		label_sql "$arg"
		money amount; total=$M
		mean amount n; avg=$M
		SQL+=",
days(d) AS (
	SELECT min(day) FROM sel
	UNION ALL
	SELECT date(d, '+1 day') FROM days
	WHERE d < (SELECT max(day) FROM sel)),
per AS (
	SELECT $LABEL AS label, min(d) AS first,
	       count(s.id) AS n, coalesce(sum(s.units), 0) AS units,
	       coalesce(sum(s.amount), 0) AS amount
	FROM days LEFT JOIN sel AS s ON s.day = days.d
	WHERE d IS NOT NULL
	GROUP BY label)
SELECT label, n, units, $total, $avg
FROM per
ORDER BY first" ;;
	esac
}

# ---- the comparison -------------------------------------------------------

# Files N.csv and N.json (crm-report's csv and json) as N, tsv without
# the header: the same text values (money kept as written), empty for
# null.  One python3 for them all: it takes a second to start.
to_tsv() {
	python3 -c '
import csv, json, sys
for path in sys.argv[1:]:
    base, fmt = path.rsplit(".", 1)
    with open(path, newline="") as f:
        if fmt == "csv":
            rows = list(csv.reader(f))[1:]
        else:
            rows = []
            for line in f:
                o = json.loads(line, parse_float=str)
                rows.append(["" if v is None else str(v) for v in o.values()])
    with open(base, "w") as out:
        for r in rows:
            out.write("\t".join(r) + "\n")
' "$@"
}

# same LABEL EXPECTED ACTUAL: print a diff and fail when they differ.
same() {
	if [ "$2" != "$3" ]; then
		echo "report differs from the computation: $1" >&2
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") >&2
		return 1
	fi
}

# The ranges (FROM|TO, whole days) and the customer conditions (crm's
# --where, and the same in SQL over "c") every report is run with.
RANGES=("|" "2026-12-01|2027-01-03" "2027-01-01|" "|2026-12-31"
	"2026-12-20|2026-12-20")
WHERES=(""
	"segment=retail|c.segment = 'retail'"
	"segment=|c.segment IS NULL"
	"city~EI|instr(lower(c.city), 'ei') > 0"
	"orders>=2|(SELECT count(*) FROM orders AS x NOT INDEXED WHERE x.customer = c.id AND x.status <> 'cancelled') >= 2"
	"order_total>20|(SELECT sum(l.quantity * l.unit_price) FROM orders AS x NOT INDEXED JOIN order_lines AS l NOT INDEXED ON l.\"order\" = x.id WHERE x.customer = c.id AND x.status <> 'cancelled') > 2000")

# add_case LABEL SQL: a check of check_reports.  Case N is LABEL; what
# crm printed is in act/N (or act/N.csv, act/N.json), written before
# add_case to "$ACT" (the next case's file); the query whose rows it must
# equal goes into the one script sqlite3 runs for them all, after a line
# "#case N", and its rows into exp/N.
CASES=()
add_case() {
	CASES+=("$1")
	printf "SELECT '#case %d';\n%s;\n" "$((${#CASES[@]} - 1))" "$2" \
		>> "$CHECK_DIR/all.sql"
	ACT=$CHECK_DIR/act/${#CASES[@]}
}

# check_reports [quick]: every report in every range and under every
# condition (not all pairs: each range alone, each condition alone, and
# one of both), then in each format, with --top and with --period; quick,
# each report once over every order.  Fails (after naming every
# difference) when a figure is off.  The reports run one by one; their
# expected rows come from one sqlite3 run, split by awk, and one diff -r
# finds the cases that differ.
check_reports() {
	local fail=0 quick=${1:-} range from to w expr sqlw kind arg top fmt i
	local -a args opts cases
	local -a kinds=("customers|" "products|" "sales-by|day" "sales-by|week"
		"sales-by|month" "sales-by|quarter" "sales-by|year"
		"sales-group|segment" "sales-group|city")

	CHECK_DIR=$(mktemp -d "$BATS_TEST_TMPDIR/check.XXXXXX")
	mkdir "$CHECK_DIR/act" "$CHECK_DIR/exp"
	CASES=()
	ACT=$CHECK_DIR/act/0
	# The database itself: indexes that agree with their tables, and
	# every order's stored total the sum of its lines.
	echo ok > "$ACT"
	add_case "integrity_check" "PRAGMA integrity_check"
	: > "$ACT"
	add_case "stored totals" "SELECT o.id, o.total,
		(SELECT sum(quantity * unit_price) FROM order_lines AS l
		 NOT INDEXED WHERE l.\"order\" = o.id) AS lines
		FROM orders AS o NOT INDEXED WHERE o.total IS NOT lines"
	: > "$ACT"
	add_case "stored units" "SELECT o.id, o.units,
		(SELECT sum(quantity) FROM order_lines AS l
		 NOT INDEXED WHERE l.\"order\" = o.id) AS lines
		FROM orders AS o NOT INDEXED WHERE o.units IS NOT lines"
	# Stock (the products report's last column): what shop() put in,
	# less what the lines of the orders that hold stock took.
	crm-product list -H -o sku,stock > "$ACT" || fail=1
	add_case "stock" "
		WITH put (sku, n) AS (VALUES ('A', 1000), ('B', 500),
			('C', 100), ('D', 50))
		SELECT p.sku, put.n - coalesce((SELECT sum(l.quantity)
			FROM order_lines AS l NOT INDEXED
			JOIN orders AS o NOT INDEXED ON o.id = l.\"order\"
			WHERE l.product = p.id AND o.stock_taken), 0)
		FROM products AS p NOT INDEXED JOIN put ON put.sku = p.sku
		ORDER BY p.id"
	# What customer show and list derive from the orders' index.
	crm-customer list -H -o id,orders,order_total,last_order \
		> "$ACT" || fail=1
	sel_sql
	money 'coalesce(sum(s.amount), 0)'
	add_case "customer list -o orders,order_total,last_order" "
		$SEL
		SELECT c.id, count(s.id),
		       $M,
		       max(s.ordered_at)
		FROM customers AS c NOT INDEXED
		LEFT JOIN sel AS s ON s.customer = c.id
		GROUP BY c.id ORDER BY c.id"

	for k in "${kinds[@]}"; do
		kind=${k%%|*} arg=${k#*|}
		case $kind in
		customers|products) args=("$kind") ;;
		sales-by) args=(sales --by "$arg") ;;
		sales-group) args=(sales --group "$arg") ;;
		esac
		cases=("|")
		if [ -z "$quick" ]; then
			for range in "${RANGES[@]:1}"; do
				cases+=("$range|")
			done
			for w in "${WHERES[@]:1}"; do
				cases+=("||$w")
			done
			cases+=("${RANGES[1]}|${WHERES[1]}")
		fi
		for c in "${cases[@]}"; do
			from=${c%%|*} c=${c#*|} to=${c%%|*} c=${c#*|}
			expr=${c%%|*} sqlw=${c#*|}
			[ -n "$expr" ] || sqlw=
			opts=()
			[ -z "$from" ] || opts+=(--from "$from")
			[ -z "$to" ] || opts+=(--to "$to")
			[ -z "$expr" ] || opts+=(--where "$expr")
			crm-report "${args[@]}" "${opts[@]}" -H > "$ACT" ||
				{ echo "crm-report ${args[*]} ${opts[*]}: exit $?" >&2; fail=1; }
			expected_sql "$kind" "$from" "$to" "${sqlw:-1}" -1 "$arg"
			add_case "${args[*]} ${opts[*]}" "$SQL"
		done
		[ -z "$quick" ] || continue
		# Each format that carries the figures, whole range.
		for fmt in csv json; do
			crm-report "${args[@]}" -f "$fmt" > "$ACT.$fmt" || fail=1
			expected_sql "$kind" "" "" 1 -1 "$arg"
			add_case "${args[*]} -f $fmt" "$SQL"
		done
		# --top where a report takes it; --period against its days
		# (CRM_TODAY is 2026-11-22).
		if [ "$kind" != sales-by ]; then
			for top in 1 2; do
				crm-report "${args[@]}" --top "$top" -H > "$ACT" ||
					fail=1
				expected_sql "$kind" "" "" 1 "$top" "$arg"
				add_case "${args[*]} --top $top" "$SQL"
			done
		fi
		crm-report "${args[@]}" --period last-month -H > "$ACT" || fail=1
		expected_sql "$kind" 2026-10-01 2026-10-31 1 -1 "$arg"
		add_case "${args[*]} --period last-month" "$SQL"
		crm-report "${args[@]}" --period this-year -H > "$ACT" || fail=1
		expected_sql "$kind" 2026-01-01 2026-12-31 1 -1 "$arg"
		add_case "${args[*]} --period this-year" "$SQL"
	done

	if [ -z "$quick" ]; then
		to_tsv "$CHECK_DIR"/act/*.csv "$CHECK_DIR"/act/*.json || fail=1
		rm -f "$CHECK_DIR"/act/*.csv "$CHECK_DIR"/act/*.json
	fi
	local db=$CRM_DB
	if on_pg; then
		db=$CHECK_DIR/copy.db
		crm-admin copy "$CRM_DB" "$db" >/dev/null || fail=1
	fi
	sqlite3 -bail -separator "$(printf '\t')" "$db" \
		< "$CHECK_DIR/all.sql" |
		awk -v dir="$CHECK_DIR/exp" '
			/^#case [0-9]+$/ { f = dir "/" $2; printf "" > f; next }
			{ print > f }' || fail=1
	# Each case that differs (or has no computation): its diff.
	for i in $(diff -rq "$CHECK_DIR/exp" "$CHECK_DIR/act" |
	    sed -n 's#^Files .*/exp/\([0-9]*\) and .*#\1#p;
		s#^Only in .*: \([0-9]*\)$#\1#p' | sort -un); do
		same "${CASES[i]}" "$(cat "$CHECK_DIR/exp/$i" 2>/dev/null)" \
			"$(cat "$CHECK_DIR/act/$i" 2>/dev/null)" || fail=1
		[ -f "$CHECK_DIR/exp/$i" ] ||
			{ echo "no computation for: ${CASES[i]}" >&2; fail=1; }
	done
	[ "$(ls "$CHECK_DIR/exp" | wc -l)" -eq "${#CASES[@]}" ] ||
		{ echo "sqlite3 answered $(ls "$CHECK_DIR/exp" | wc -l) of ${#CASES[@]} cases" >&2; fail=1; }
	return "$fail"
}

# ---- the writes -----------------------------------------------------------

# Customers, products and orders through the binaries: several lines an
# order, prices of their own, times with an offset and across the turn
# of the year (ISO week 53 of 2026), statuses moved, orders cancelled,
# and prices changed after the orders were taken.
make_shop() {
	crm-customer add --name 'Zhang San' --email zs@example.com \
		--city Beijing --segment retail >/dev/null
	crm-customer add --name '李四' --email ls@example.com \
		--city Shanghai --segment wholesale >/dev/null
	crm-customer add --name 'Wang Wu' --email ww@example.com \
		--segment retail >/dev/null
	crm-customer add --name 'Zhao Liu' --email zl@example.com \
		--city Chengdu >/dev/null
	crm-customer add --name 'No Orders' --email no@example.com >/dev/null
	crm-product add --sku A --name Apple --price 1.50 --stock 1000 >/dev/null
	crm-product add --sku B --name Box --price 10 --stock 500 >/dev/null
	crm-product add --sku C --name Cup --price 0.35 --stock 100 >/dev/null
	crm-product add --sku D --name Dust --price 1 --stock 50 >/dev/null
	crm-order add --customer 1 --line A:2 --line B:1 --line C:3 \
		--ordered-at 2026-12-31T10:00:00Z >/dev/null
	crm-order add --customer 1 --line A:1 \
		--ordered-at '2027-01-01 23:59:59' >/dev/null
	crm-order add --customer 2 --line B:3 --line A:7:1.33 \
		--ordered-at 2027-01-04 >/dev/null
	crm-order add --customer 2 --line A:1 \
		--ordered-at 2026-12-01T09:00:00Z >/dev/null
	crm-order add --customer 3 --line A:1:0.01 \
		--ordered-at '2026-12-20T08:00:00+08:00' >/dev/null
	crm-order add --customer 3 --line C:1:0.02 --line D:2 \
		--ordered-at 2026-12-16T12:00:00Z >/dev/null
	crm-order add --customer 4 --line D:5 --line B:2:9.99 \
		--ordered-at 2026-10-15T12:00:00Z >/dev/null
	crm-order add --customer 4 --line C:9 \
		--ordered-at 2026-10-31T23:59:59Z >/dev/null
	crm-order add --customer 1 --line B:1 --line D:1 \
		--ordered-at 2026-11-01T00:00:00Z >/dev/null
	crm-order cancel 4
	crm-order status 1 paid
	crm-order status 1 shipped
	crm-order status 3 paid
	crm-order status 9 cancelled
	crm-product update A --price 2.25 >/dev/null
	crm-product update B --price 0 >/dev/null
	crm-order add --customer 2 --line A:4 --line B:1 \
		--ordered-at 2027-01-04T18:30:00Z >/dev/null
}

# The shop is made once for the file (setup_file), and each test starts
# from a copy of it: some thirty commands fewer a test.
# On PostgreSQL the shop is a database of its own, the template of each
# test's.
SHOP_PG=t_report_consistency_shop
setup_file() {
	local db="$BATS_FILE_TMPDIR/shop.db"

	if on_pg; then
		dropdb -h "$CRM_TEST_PGHOST" -U crm --if-exists "$SHOP_PG"
		createdb -h "$CRM_TEST_PGHOST" -U crm "$SHOP_PG"
		db="postgresql:///$SHOP_PG?host=$CRM_TEST_PGHOST&user=crm"
	fi
	CRM_DB=$db CRM_USER=tester CRM_TODAY=2026-11-22 TZ=UTC \
		bash -c "$(declare -f make_shop); crm-admin init -q && make_shop"
	on_pg || sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
}

teardown_file() {
	if on_pg; then
		dropdb -h "$CRM_TEST_PGHOST" -U crm --if-exists "$SHOP_PG"
	fi
}

shop() {
	if on_pg; then
		dropdb -h "$CRM_TEST_PGHOST" -U crm --if-exists "$PGDB_NAME"
		createdb -h "$CRM_TEST_PGHOST" -U crm -T "$SHOP_PG" "$PGDB_NAME"
		return
	fi
	rm -f "$CRM_DB" "$CRM_DB-wal" "$CRM_DB-shm"
	cp "$BATS_FILE_TMPDIR/shop.db" "$CRM_DB"
}

@test "the check finds a stale stored total" {
	shop
	run check_reports quick
	assert_success
	db_sql "UPDATE orders SET total = total + 1 WHERE id = 3"
	run check_reports quick
	assert_failure
	assert_output --partial 'report differs from the computation: stored totals'
	assert_output --partial 'report differs from the computation: customers '
	assert_output --partial 'report differs from the computation: sales --by month'
	refute_output --partial 'stored units'
}

@test "the check finds stale stored units" {
	shop
	db_sql "UPDATE orders SET units = units - 1 WHERE id = 1"
	run check_reports quick
	assert_failure
	assert_output --partial 'report differs from the computation: stored units'
	assert_output --partial 'report differs from the computation: sales --by week'
	refute_output --partial 'stored totals'
}

@test "add, status, cancel and price changes keep every report exact" {
	shop
	check_reports
}

@test "a refused write leaves every report exact" {
	shop
	run crm-product delete --cascade A
	assert_failure 65
	run crm-order add --customer 1 --line A:1 --line D:999
	assert_failure 65
	run crm-order status 1 pending
	assert_failure 65
	run crm-order cancel 1
	assert_failure 65
	check_reports quick
}

# Orders by import: a first batch inserts orders (customers by email, in
# any case), a second one changes their lines, statuses and prices and
# adds one, and is reverted; a third one changes them again and stays.
@test "imports, re-imports and reverts keep every report exact" {
	shop
	printf '%s\n' 'name,email,city,segment' \
		'Qian Qi,qq@example.com,Beijing,wholesale' \
		'Sun Ba,sb@example.com,Hefei,' >c.csv
	crm-import customers c.csv -q
	printf '%s\n' 'order_ref,customer,sku,quantity,unit_price,ordered_at,status' \
		'W1,QQ@example.com,A,2,,2026-12-30 10:00,paid' \
		'W1,qq@example.com,B,1,11.99,,' \
		'W1,qq@example.com,C,4,,,' \
		'W2,sb@example.com,D,3,0.50,2027-01-02T01:00:00+08:00,' \
		'W3,zs@example.com,A,1,,2026-12-24,delivered' \
		'W4,ls@example.com,B,2,,2026-12-01,cancelled' >o1.csv
	crm-import orders o1.csv -q --take-stock
	check_reports quick
	printf '%s\n' 'order_ref,customer,sku,quantity,unit_price,ordered_at,status' \
		'W1,qq@example.com,A,5,,2026-12-30 10:00,paid' \
		'W2,sb@example.com,D,3,0.50,2027-01-02T01:00:00+08:00,cancelled' \
		'W3,zs@example.com,A,1,,2026-12-24,delivered' \
		'W3,zs@example.com,C,2,0.99,,' \
		'W4,ls@example.com,B,2,,2026-12-01,cancelled' \
		'W5,ww@example.com,B,7,3.21,2026-12-28,' >o2.csv
	crm-import orders o2.csv -q --take-stock
	check_reports quick
	batch=$(crm-import log -H | tail -n 1 | cut -f 1)
	run crm-import revert "$batch"
	assert_success
	check_reports quick
	# Without --take-stock: W1, which took stock, gets other lines
	# and gives back what its old ones took; a revert takes it again.
	sed 's/A,5,/A,6,1.01/; s/W5,ww/W5,zl/' o2.csv >o3.csv
	crm-import orders o3.csv -q
	check_reports quick
	assert_equal "$(crm-order list -H -o ref,stock_taken --where ref=W1)" \
		"$(printf 'W1\tno')"
	batch=$(crm-import log -H | tail -n 1 | cut -f 1)
	run crm-import revert "$batch"
	assert_success
	assert_equal "$(crm-order list -H -o ref,stock_taken --where ref=W1)" \
		"$(printf 'W1\tyes')"
	check_reports quick
	crm-import orders o3.csv -q
	check_reports quick
	crm-order cancel W1
	# The first customers batch is referred to by orders now.
	run crm-import revert 1
	assert_failure 65
	check_reports
}

@test "a reverted insert batch takes its orders out of every report" {
	shop
	printf '%s\n' 'order_ref,customer,sku,quantity,unit_price,ordered_at,status' \
		'X1,zs@example.com,A,2,,2026-12-30,paid' \
		'X1,zs@example.com,B,1,,,' \
		'X2,zl@example.com,C,4,0.05,2026-11-02,' >o.csv
	crm-import orders o.csv -q
	check_reports quick
	run crm-import revert 1
	assert_success
	check_reports quick
	assert_equal "$(db_sql "SELECT count(*) FROM orders WHERE ref LIKE 'X%'")" 0
}

@test "merge and delete --cascade keep every report exact" {
	shop
	run crm-customer merge 1 3
	assert_success
	check_reports quick
	run crm-customer delete 4
	assert_failure 65
	run crm-customer delete --cascade 4
	assert_success
	check_reports quick
	crm-order add --customer 2 --line C:1 --ordered-at 2026-12-31 >/dev/null
	run crm-customer merge 2 1
	assert_success
	check_reports
}
