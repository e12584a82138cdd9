#!/usr/bin/env bats
# crm-report: customers, sales and products over a range of days.  The
# figures below are worked out by hand from the orders of shop().

load helper

setup() {
	common_setup
	init_db
}

# Three customers, four products, six orders (one of them cancelled):
#
#   order  customer    placed (UTC)          lines             total
#   1      1 Zhang     2026-12-31T10:00:00Z  A:2 B:1           13.00
#   2      1 Zhang     2027-01-01T23:59:59Z  A:1                1.50
#   3      2 李四      2027-01-04T00:00:00Z  B:3               30.00
#   4      2 李四      2026-12-01T09:00:00Z  A:1 (cancelled)    1.50
#   5      3 Wang      2026-12-20T08:00:00Z  A:1 at 0.01        0.01
#   6      3 Wang      2026-12-16T12:00:00Z  C:1 at 0.02        0.02
#
# ISO weeks: 12-16 and 12-20 are in 2026-W51, 12-31 and 01-01 in
# 2026-W53, 01-04 in 2027-W01; 2026-W52 has no order.
shop() {
	crm-customer add --name 'Zhang San' --email zs@example.com \
		--city Beijing --segment retail >/dev/null
	crm-customer add --name '李四' --email ls@example.com \
		--city Shanghai --segment wholesale >/dev/null
	crm-customer add --name 'Wang Wu' --email ww@example.com \
		--segment retail >/dev/null
	crm-product add --sku A --name Apple --price 1.50 --stock 100 >/dev/null
	crm-product add --sku B --name Box --price 10 --stock 50 >/dev/null
	crm-product add --sku C --name Cup --price 0.35 --stock 10 >/dev/null
	crm-product add --sku D --name Dust --price 1 --stock 5 >/dev/null
	crm-order add --customer 1 --line A:2 --line B:1 \
		--ordered-at 2026-12-31T10:00:00Z >/dev/null
	crm-order add --customer 1 --line A:1 \
		--ordered-at 2027-01-01T23:59:59Z >/dev/null
	crm-order add --customer 2 --line B:3 --ordered-at 2027-01-04 >/dev/null
	crm-order add --customer 2 --line A:1 \
		--ordered-at 2026-12-01T09:00:00Z >/dev/null
	crm-order cancel 4
	crm-order add --customer 3 --line A:1:0.01 \
		--ordered-at 2026-12-20T08:00:00Z >/dev/null
	crm-order add --customer 3 --line C:1:0.02 \
		--ordered-at 2026-12-16T12:00:00Z >/dev/null
}

# Tab-separated lines from arguments, one a line.
tsv() {
	printf '%s\n' "$@" | tr '|' '\t'
}

@test "an empty database: each report writes its header and exits 0" {
	run crm-report customers
	assert_success
	assert_output "$(tsv 'id|name|email|orders|total|avg_order|first_order|last_order')"
	run crm-report sales --by week
	assert_success
	assert_output "$(tsv 'period|orders|units|revenue|avg_order')"
	run crm-report sales --group city
	assert_success
	assert_output "$(tsv 'city|orders|units|revenue|avg_order')"
	run crm-report products --chart -f table
	assert_success
	assert_output 'sku  name  units  revenue  orders  stock'
}

@test "customers: totals by customer, cancelled orders left out, averages rounded" {
	shop
	before=$(dump_db)
	run crm-report customers
	assert_success
	# Wang: 0.03 over 2 orders is 0.015, rounded half away from zero.
	assert_output "$(tsv \
		'id|name|email|orders|total|avg_order|first_order|last_order' \
		'2|李四|ls@example.com|1|30.00|30.00|2027-01-04T00:00:00Z|2027-01-04T00:00:00Z' \
		'1|Zhang San|zs@example.com|2|14.50|7.25|2026-12-31T10:00:00Z|2027-01-01T23:59:59Z' \
		'3|Wang Wu|ww@example.com|2|0.03|0.02|2026-12-16T12:00:00Z|2026-12-20T08:00:00Z')"
	# A report never writes.
	assert_unchanged "$before"
}

@test "customers: ties by id, --top, and json numbers" {
	shop
	crm-customer add --name Zed --email z@example.com >/dev/null
	crm-order add --customer 4 --line B:3 --ordered-at 2027-01-02 >/dev/null
	run crm-report customers --top 2 -H -f csv
	assert_success
	assert_output "$(printf '%s\n' \
		'2,李四,ls@example.com,1,30.00,30.00,2027-01-04T00:00:00Z,2027-01-04T00:00:00Z' \
		'4,Zed,z@example.com,1,30.00,30.00,2027-01-02T00:00:00Z,2027-01-02T00:00:00Z')"
	run crm-report customers --top 1 -f json
	assert_output '{"id":2,"name":"李四","email":"ls@example.com","orders":1,"total":30.00,"avg_order":30.00,"first_order":"2027-01-04T00:00:00Z","last_order":"2027-01-04T00:00:00Z"}'
}

@test "customers --where filters on the customer" {
	shop
	run crm-report customers --where 'city~bei' -H
	assert_success
	assert_output "$(tsv '1|Zhang San|zs@example.com|2|14.50|7.25|2026-12-31T10:00:00Z|2027-01-01T23:59:59Z')"
	run crm-report customers --where city= --where segment=retail -H
	assert_output "$(tsv '3|Wang Wu|ww@example.com|2|0.03|0.02|2026-12-16T12:00:00Z|2026-12-20T08:00:00Z')"
	run crm-report customers --where 'segment!=retail' -H
	assert_output "$(tsv '2|李四|ls@example.com|1|30.00|30.00|2027-01-04T00:00:00Z|2027-01-04T00:00:00Z')"
	run crm-report customers --where 'name=Nobody'
	assert_success
	assert_output "$(tsv 'id|name|email|orders|total|avg_order|first_order|last_order')"
}

@test "sales by ISO week: the year's week 53 across new year, an empty week as zeros" {
	shop
	run crm-report sales --by week
	assert_success
	assert_output "$(tsv 'period|orders|units|revenue|avg_order' \
		'2026-W51|2|2|0.03|0.02' \
		'2026-W52|0|0|0.00|0.00' \
		'2026-W53|2|4|14.50|7.25' \
		'2027-W01|1|3|30.00|30.00')"
}

@test "sales by month, quarter and year; month is the default" {
	shop
	# 2026-12 would be 4 orders and 14.53 with the cancelled one.
	run crm-report sales --by month -H
	assert_output "$(tsv '2026-12|3|5|13.03|4.34' '2027-01|2|4|31.50|15.75')"
	run crm-report sales -H
	assert_output "$(tsv '2026-12|3|5|13.03|4.34' '2027-01|2|4|31.50|15.75')"
	run crm-report sales --by quarter -H
	assert_output "$(tsv '2026-Q4|3|5|13.03|4.34' '2027-Q1|2|4|31.50|15.75')"
	run crm-report sales --by year -H
	assert_output "$(tsv '2026|3|5|13.03|4.34' '2027|2|4|31.50|15.75')"
}

@test "sales by day: from the first day with orders to the last, gaps as zeros" {
	shop
	run crm-report sales --by day --from 2026-12-25 --to 2027-01-04 -H
	assert_success
	assert_output "$(tsv \
		'2026-12-31|1|3|13.00|13.00' \
		'2027-01-01|1|1|1.50|1.50' \
		'2027-01-02|0|0|0.00|0.00' \
		'2027-01-03|0|0|0.00|0.00' \
		'2027-01-04|1|3|30.00|30.00')"
}

@test "empty months between two orders are written as zeros" {
	crm-customer add --name A --email a@example.com >/dev/null
	crm-product add --sku P --name P --price 2.50 --stock 9 >/dev/null
	crm-order add --customer 1 --line P:1 --ordered-at 2026-09-30T23:00:00Z >/dev/null
	crm-order add --customer 1 --line P:2 --ordered-at 2027-01-01 >/dev/null
	run crm-report sales --by month -H
	assert_output "$(tsv '2026-09|1|1|2.50|2.50' '2026-10|0|0|0.00|0.00' \
		'2026-11|0|0|0.00|0.00' '2026-12|0|0|0.00|0.00' \
		'2027-01|1|2|5.00|5.00')"
	run crm-report sales --by quarter -H
	assert_output "$(tsv '2026-Q3|1|1|2.50|2.50' '2026-Q4|0|0|0.00|0.00' \
		'2027-Q1|1|2|5.00|5.00')"
}

@test "ISO weeks belong to the year of their Thursday" {
	crm-customer add --name A --email a@example.com >/dev/null
	crm-product add --sku P --name P --price 1 --stock 9 >/dev/null
	# Sunday 2025-12-28 ends 2025-W52; Monday 2025-12-29 starts 2026-W01.
	crm-order add --customer 1 --line P:1 --ordered-at 2025-12-28T23:59:59Z >/dev/null
	crm-order add --customer 1 --line P:2 --ordered-at 2025-12-29 >/dev/null
	run crm-report sales --by week -H
	assert_output "$(tsv '2025-W52|1|1|1.00|1.00' '2026-W01|1|2|2.00|2.00')"
}

@test "--from and --to are whole UTC days, both included" {
	shop
	run crm-report sales --by day --from 2027-01-01 --to 2027-01-01 -H
	assert_output "$(tsv '2027-01-01|1|1|1.50|1.50')"
	run crm-report sales --by day --to 2026-12-31 -H -f csv
	assert_output "$(printf '%s\n' 2026-12-16,1,1,0.02,0.02 \
		2026-12-17,0,0,0.00,0.00 2026-12-18,0,0,0.00,0.00 \
		2026-12-19,0,0,0.00,0.00 2026-12-20,1,1,0.01,0.01 \
		2026-12-21,0,0,0.00,0.00 2026-12-22,0,0,0.00,0.00 \
		2026-12-23,0,0,0.00,0.00 2026-12-24,0,0,0.00,0.00 \
		2026-12-25,0,0,0.00,0.00 2026-12-26,0,0,0.00,0.00 \
		2026-12-27,0,0,0.00,0.00 2026-12-28,0,0,0.00,0.00 \
		2026-12-29,0,0,0.00,0.00 2026-12-30,0,0,0.00,0.00 \
		2026-12-31,1,3,13.00,13.00)"
	# 07:30 in Beijing on New Year's Day is still 2026-12-31 in UTC.
	crm-order add --customer 2 --line C:1 \
		--ordered-at '2027-01-01 07:30+08:00' >/dev/null
	run crm-report customers --from 2026/12/31 --to 2026-12-31 -H
	assert_output "$(tsv \
		'1|Zhang San|zs@example.com|1|13.00|13.00|2026-12-31T10:00:00Z|2026-12-31T10:00:00Z' \
		'2|李四|ls@example.com|1|0.35|0.35|2026-12-31T23:30:00Z|2026-12-31T23:30:00Z')"
}

@test "--period and relative dates follow CRM_TODAY" {
	shop
	CRM_TODAY=2027-01-22 run crm-report sales --period last-month -H
	assert_output "$(tsv '2026-12|3|5|13.03|4.34')"
	CRM_TODAY=2027-01-22 run crm-report sales --period this-month -H
	assert_output "$(tsv '2027-01|2|4|31.50|15.75')"
	CRM_TODAY=2027-03-31 run crm-report sales --period this-quarter --by quarter -H
	assert_output "$(tsv '2027-Q1|2|4|31.50|15.75')"
	CRM_TODAY=2027-04-01 run crm-report sales --period last-quarter --by quarter -H
	assert_output "$(tsv '2027-Q1|2|4|31.50|15.75')"
	CRM_TODAY=2027-02-15 run crm-report sales --period last-quarter --by quarter -H
	assert_output "$(tsv '2026-Q4|3|5|13.03|4.34')"
	CRM_TODAY=2027-06-30 run crm-report customers --period last-year -H -f csv
	assert_output "$(printf '%s\n' \
		'1,Zhang San,zs@example.com,1,13.00,13.00,2026-12-31T10:00:00Z,2026-12-31T10:00:00Z' \
		'3,Wang Wu,ww@example.com,2,0.03,0.02,2026-12-16T12:00:00Z,2026-12-20T08:00:00Z')"
	CRM_TODAY=2027-06-30 run crm-report sales --period this-year --by year -H
	assert_output "$(tsv '2027|2|4|31.50|15.75')"
	# 2027-01-22 less 30 days is 2026-12-23.
	CRM_TODAY=2027-01-22 run crm-report sales --from -30d --to today -H
	assert_output "$(tsv '2026-12|1|3|13.00|13.00' '2027-01|2|4|31.50|15.75')"
}

@test "sales --group: a row per value of a customer field, the empty one too" {
	shop
	run crm-report sales --group city
	assert_success
	assert_output "$(tsv 'city|orders|units|revenue|avg_order' \
		'Shanghai|1|3|30.00|30.00' 'Beijing|2|4|14.50|7.25' \
		'|2|2|0.03|0.02')"
	# 14.53 over 4 orders is 3.6325.
	run crm-report sales --group segment -H
	assert_output "$(tsv 'wholesale|1|3|30.00|30.00' 'retail|4|6|14.53|3.63')"
	run crm-report sales --group city --top 2 -H --where 'segment=retail'
	assert_output "$(tsv 'Beijing|2|4|14.50|7.25' '|2|2|0.03|0.02')"
	run crm-report sales --group city --from 2027-01-01 -f json
	assert_output "$(printf '%s\n' \
		'{"city":"Shanghai","orders":1,"units":3,"revenue":30.00,"avg_order":30.00}' \
		'{"city":"Beijing","orders":1,"units":1,"revenue":1.50,"avg_order":1.50}')"
}

@test "products: units, revenue and orders per product sold, by revenue" {
	shop
	run crm-report products
	assert_success
	# D sold nothing; the cancelled order's A is neither counted nor
	# taken from stock.
	assert_output "$(tsv 'sku|name|units|revenue|orders|stock' \
		'B|Box|4|40.00|2|46' 'A|Apple|4|4.51|3|96' 'C|Cup|1|0.02|1|9')"
	run crm-report products --where segment=retail -H
	assert_output "$(tsv 'B|Box|1|10.00|1|46' 'A|Apple|4|4.51|3|96' \
		'C|Cup|1|0.02|1|9')"
	run crm-report products --top 1 -f json
	assert_output '{"sku":"B","name":"Box","units":4,"revenue":40.00,"orders":2,"stock":46}'
	run crm-report products --from 2027-01-02 -H
	assert_output "$(tsv 'B|Box|3|30.00|1|46')"
}

@test "--chart draws bars under the table, scaled to COLUMNS; not in tsv" {
	shop
	COLUMNS=40 run crm-report customers --chart -f table -H
	assert_success
	# 40 columns: label 9, figure 5 and two gaps of 2 leave 22 cells for
	# the largest bar; 14.50 / 30.00 * 22 * 8 = 85 eighths = 10 full
	# blocks and 5/8; 0.03 still shows an eighth.  The table comes
	# first, three rows and a blank line.
	assert_equal "${#lines[@]}" 6
	run sed '1,/^$/d' <<<"$output"
	assert_output - <<'EOF'
李四       30.00  ██████████████████████
Zhang San  14.50  ██████████▋
Wang Wu     0.03  ▏
EOF
	# 60 columns: 8 + 5 + 2 + 2 leave 43 cells; 14.50 / 30.00 * 43 * 8
	# = 166 eighths = 20 full blocks and 6/8; the empty city's label.
	COLUMNS=60 run crm-report sales --group city --chart -f table
	assert_output - <<'EOF'
city      orders  units  revenue  avg_order
Shanghai       1      3    30.00      30.00
Beijing        2      4    14.50       7.25
               2      2     0.03       0.02

Shanghai  30.00  ███████████████████████████████████████████
Beijing   14.50  ████████████████████▊
(empty)    0.03  ▏
EOF
	run crm-report customers --chart
	assert_output "$(crm-report customers)"
	run crm-report customers --chart -f json
	assert_output "$(crm-report customers -f json)"
}

@test "bad options: exit 64 and one line" {
	shop
	before=$(dump_db)
	run --separate-stderr crm-report sales --by hour
	assert_error 64 "crm-report: invalid --by 'hour': expected day, week, month, quarter or year; see 'crm-report sales --help'"
	run --separate-stderr crm-report sales --group nope
	assert_error 64 "crm-report: unknown field 'nope' for customer; known: $(known_fields customer); see 'crm-report sales --help'"
	run --separate-stderr crm-report customers --from 2026-12-01 --to 2026-11-30
	assert_error 64 "crm-report: --from 2026-12-01 is after --to 2026-11-30; see 'crm-report customers --help'"
	run --separate-stderr crm-report products --from 2026-13-01
	assert_error 64 "crm-report: --from: invalid date '2026-13-01': no such month; see 'crm-report products --help'"
	run --separate-stderr crm-report products --to 'next friday'
	assert_error 64 "crm-report: --to: invalid date 'next friday': expected YYYY-MM-DD, YYYY/MM/DD or YYYY年MM月DD日 (a month or day of one digit too), today, yesterday, tomorrow, or -N followed by d, w, m or y; see 'crm-report products --help'"
	run --separate-stderr crm-report customers --top 0
	assert_error 64 "crm-report: invalid --top '0': expected a whole number of 1 or more; see 'crm-report customers --help'"
	run --separate-stderr crm-report customers --top -2
	assert_error 64 "crm-report: invalid --top '-2': expected a whole number of 1 or more; see 'crm-report customers --help'"
	run --separate-stderr crm-report products --top many
	assert_error 64 "crm-report: invalid --top 'many': expected a whole number of 1 or more; see 'crm-report products --help'"
	run --separate-stderr crm-report sales --period next-month
	assert_error 64 "crm-report: invalid --period 'next-month': expected this-month, last-month, this-quarter, last-quarter, this-year or last-year; see 'crm-report sales --help'"
	run --separate-stderr crm-report sales --period this-month --from 2026-01-01
	assert_error 64 "crm-report: --period does not go with --from or --to; see 'crm-report sales --help'"
	run --separate-stderr crm-report sales --by week --group city
	assert_error 64 "crm-report: give --by or --group, not both; see 'crm-report sales --help'"
	run --separate-stderr crm-report sales --by week --top 3
	assert_error 64 "crm-report: --top goes with --group: sales by period lists every period; see 'crm-report sales --help'"
	run --separate-stderr crm-report customers --where 'colour=red'
	assert_error 64 "crm-report: unknown field 'colour' for customer; known: $(known_fields customer); see 'crm-report customers --help'"
	run --separate-stderr crm-report customers --group city
	assert_error 64 "crm-report: unknown option '--group'; see 'crm-report customers --help'"
	run --separate-stderr crm-report customers 12
	assert_error 64 "crm-report: unexpected argument '12'; see 'crm-report customers --help'"
	run --separate-stderr crm-report forecast
	assert_error 64 "crm-report: unknown verb 'forecast'; verbs: customers, sales, products, pipeline, tickets, campaigns"
	CRM_TODAY=2027-02-30 run --separate-stderr crm-report sales --period this-month
	assert_error 64 "crm-report: invalid CRM_TODAY '2027-02-30': expected YYYY-MM-DD; see 'crm-report sales --help'"
	assert_unchanged "$before"
}

@test "a missing database is exit 66; --help needs none" {
	run --separate-stderr crm-report customers -d "$BATS_TEST_TMPDIR/none.db"
	assert_failure 66
	run crm-report sales --help -d "$BATS_TEST_TMPDIR/none.db"
	assert_success
	assert_line --index 0 'usage: crm-report sales [-H] [-f FORMAT] [-d DB] [--by day|week|month|quarter|year] [--chart] [--from DATE] [--group FIELD] [--period PERIOD] [--to DATE] [--top N] [--where EXPR]...'
	run crm report products --help
	assert_success
	assert_line --index 0 'usage: crm-report products [-H] [-f FORMAT] [-d DB] [--chart] [--from DATE] [--period PERIOD] [--to DATE] [--top N] [--where EXPR]...'
}
