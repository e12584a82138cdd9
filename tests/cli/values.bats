#!/usr/bin/env bats
# Values as people and spreadsheets write them (SPEC 3.3): dates such as
# 2026/3/5 and 2026年3月5日, numbers with thousands separators, full-width
# digits and a currency sign, in every place a value is read (options,
# --set, --where, import cells, custom fields); their bad twins; phones
# with a trunk prefix (SPEC 4); and names from outside (CRM_USER, an import
# file's name) that must not put invalid UTF-8 into the output.

load helper

setup() {
	common_setup
	init_db
	cd "$BATS_TEST_TMPDIR"
	crm-field add customer credit --type money
	crm-field add customer score --type decimal
	crm-field add customer seats --type int
	crm-field add customer since --type date
}

# The date error, which lists every form a date is read in.
DATE_FORMS="expected YYYY-MM-DD, YYYY/MM/DD or YYYY年MM月DD日 (a month or day of one digit too), today, yesterday, tomorrow, or -N followed by d, w, m or y"
SEPARATOR="a thousands separator out of place: expected groups of three digits, as in 6,000.00"

# ---- numbers and dates where they are read ---------------------------------

@test "options and --set read spreadsheet numbers and dates" {
	run --separate-stderr crm-product add --sku A --name Apple \
		--price '¥6,000.00' --stock '１，２００'
	assert_success
	assert_output 1
	run crm-product show A -H -o price,stock -f tsv
	assert_output "$(printf '6000.00\t1200')"
	run --separate-stderr crm-customer add --name Ann --set 'credit=€ 1,234.5' \
		--set 'score=１２．５' --set 'seats=1,000' --set since=2026/3/5
	assert_success
	run crm-customer show 1 -H -o credit,score,seats,since -f tsv
	assert_output "$(printf '1234.50\t12.5\t1000\t2026-03-05')"
	crm-customer update 1 --set 'since=2026年3月5日' --set 'credit=-$1,000'
	run crm-customer show 1 -H -o credit,since -f tsv
	assert_output "$(printf -- '-1000.00\t2026-03-05')"
	crm-customer add --name Bob >/dev/null
	crm-activity add --kind task --subject Call --customer 1 --due-at '2026-3-5 9:05' >/dev/null
	crm-activity add --kind task --subject Mail --customer 1 --due-at '2026年3月5日 19:30' >/dev/null
	run crm-activity list -H -o due_at -f tsv
	assert_output "$(printf '2026-03-05T09:05:00Z\n2026-03-05T19:30:00Z')"
}

@test "order lines and stock changes read quantities and prices the same way" {
	crm-product add --sku A --name Apple --price 10 --stock 5000 >/dev/null
	crm-customer add --name Ann >/dev/null
	run --separate-stderr crm-order add --customer 1 --line 'A:１２:¥1,000.50'
	assert_success
	run crm-order show 1 -H -o total -f tsv
	assert_output 12006.00
	crm-order add --customer 1 --line 'A:1,000' >/dev/null
	run crm-product stock A '+１２'
	assert_output 4000
	run crm-product stock A '+1,000'
	assert_output 5000
	run --separate-stderr crm-product stock A '-１２'
	assert_success
	assert_output 4988
}

@test "--where reads its value as the field does" {
	crm-customer add --name Ann --set credit=6000 --set since=2026-03-05 \
		--set seats=1200 >/dev/null
	crm-customer add --name Bob --set credit=5 --set since=2026-03-06 >/dev/null
	run crm-customer list -H -o name --where 'credit>=￥5,999.99'
	assert_output Ann
	run crm-customer list -H -o name --where 'since=2026/3/5'
	assert_output Ann
	run crm-customer list -H -o name --where 'since>2026年3月5日'
	assert_output Bob
	run crm-customer list -H -o name --where 'seats=1,200'
	assert_output Ann
}

@test "an import reads spreadsheet cells; what it stores imports again unchanged" {
	printf '%s\n' 'name,email,credit,score,seats,since' \
		'Ann,a@x.com,"¥6,000.00",１２．５,"1,000",2026/3/5' \
		'Bob,b@x.com,"$ -1,234.50","6,000.25",１２,2026年12月31日' \
		'Cy,c@x.com,£7,-0.5,0,2026-1-9' >sheet.csv
	run --separate-stderr crm-import customers sheet.csv
	assert_success
	run crm-customer list -H -o name,credit,score,seats,since -f tsv
	assert_output "$(printf '%s\n' 'Ann	6000.00	12.5	1000	2026-03-05' \
		'Bob	-1234.50	6000.25	12	2026-12-31' \
		'Cy	7.00	-0.5	0	2026-01-09')"
	crm-customer list -o name,email,credit,score,seats,since -f tsv >again.tsv
	run --separate-stderr crm-import customers again.tsv
	assert_success
	assert_stderr "crm-import: customers: 3 read, 0 inserted, 0 updated, 3 unchanged, 0 rejected, 0 repeated; batch 2"
}

# ---- the bad twins -----------------------------------------------------------

@test "bad dates are refused with 65 naming why; in --where with 64" {
	crm-customer add --name Ann >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-customer update 1 --set since=2026/2/30
	assert_error 65 "crm-customer: since: invalid date '2026/2/30': no such day"
	run --separate-stderr crm-customer update 1 --set since=2026/13/1
	assert_error 65 "crm-customer: since: invalid date '2026/13/1': no such month"
	run --separate-stderr crm-customer update 1 --set 'since=2026年2月30日'
	assert_error 65 "crm-customer: since: invalid date '2026年2月30日': no such day"
	run --separate-stderr crm-customer update 1 --set since=2026/3/5x
	assert_error 65 "crm-customer: since: invalid date '2026/3/5x': $DATE_FORMS"
	run --separate-stderr crm-customer update 1 --set 'since=next friday'
	assert_error 65 "crm-customer: since: invalid date 'next friday': $DATE_FORMS"
	run --separate-stderr crm-customer list --where since=2026/2/30
	assert_error 64 "crm-customer: invalid filter 'since=2026/2/30': since: invalid date '2026/2/30': no such day"
	run --separate-stderr crm-customer list --where since=2026/13/1
	assert_error 64 "crm-customer: invalid filter 'since=2026/13/1': since: invalid date '2026/13/1': no such month"
	run --separate-stderr crm-activity add --kind task --subject X --due-at '2026/3/5 25:00'
	assert_error 65 "crm-activity: due_at: invalid time '2026/3/5 25:00': no such time of day"
	assert_unchanged "$before"
}

@test "numbers with a separator out of place, or no digits, are refused" {
	crm-customer add --name Ann >/dev/null
	before=$(dump_db)
	for v in '1,23.4' '1,,000' '12,34' '1,2345' ',123' '1.234,5'; do
		run --separate-stderr crm-customer update 1 --set "credit=$v"
		assert_error 65 "crm-customer: credit: invalid amount '$v': $SEPARATOR"
		run --separate-stderr crm-customer update 1 --set "score=$v"
		assert_error 65 "crm-customer: score: invalid number '$v': $SEPARATOR"
		run --separate-stderr crm-customer list --where "credit=$v"
		assert_error 64 "crm-customer: invalid filter 'credit=$v': credit: invalid amount '$v': $SEPARATOR"
	done
	run --separate-stderr crm-customer update 1 --set 'seats=1,,000'
	assert_error 65 "crm-customer: seats: invalid number '1,,000': $SEPARATOR"
	run --separate-stderr crm-customer update 1 --set 'credit=¥'
	assert_error 65 "crm-customer: credit: invalid amount '¥': expected a number like 1234.50, 6,000.00 or ¥6000"
	run --separate-stderr crm-customer list --where 'credit>¥'
	assert_error 64 "crm-customer: invalid filter 'credit>¥': credit: invalid amount '¥': expected a number like 1234.50, 6,000.00 or ¥6000"
	run --separate-stderr crm-customer update 1 --set 'seats=¥'
	assert_error 65 "crm-customer: seats: invalid number '¥': expected a whole number, like 1234 or 6,000"
	run --separate-stderr crm-customer update 1 --set 'credit=¥1,000.005'
	assert_error 65 "crm-customer: credit: invalid amount '¥1,000.005': more than two fraction digits"
	run --separate-stderr crm-product add --sku A --name A --price '-¥5'
	assert_error 65 "crm-product: price: invalid amount '-¥5': must not be negative"
	assert_unchanged "$before"
}

@test "an import rejects bad cells by line, keeps the good rows, and exits 65" {
	printf '%s\n' 'name,email,credit,since' 'Ann,a@x.com,"6,000.00",2026/3/5' \
		'Bob,b@x.com,"1,23.4",2026/3/5' 'Cy,c@x.com,¥,2026/3/5' \
		'Di,d@x.com,1,2026/2/30' 'Ed,e@x.com,"12,34",2026/13/1' >bad.csv
	run --separate-stderr crm-import customers bad.csv --rejects rej.csv
	assert_failure 65
	assert_stderr_line "crm-import: line 3: credit: invalid amount '1,23.4': $SEPARATOR"
	assert_stderr_line "crm-import: line 4: credit: invalid amount '¥': expected a number like 1234.50, 6,000.00 or ¥6000"
	assert_stderr_line "crm-import: line 5: since: invalid date '2026/2/30': no such day"
	assert_stderr_line "crm-import: line 6: credit: invalid amount '12,34': $SEPARATOR"
	run crm-customer list -H -o name,credit,since -f tsv
	assert_output "$(printf 'Ann\t6000.00\t2026-03-05')"
}

# ---- decimals: what is stored reads again ------------------------------------

@test "a decimal is limited to 30 digits as stored: found by --where, re-imported unchanged" {
	run --separate-stderr crm-customer add --name Ann --email a@x.com \
		--set score=.05555555555922337203685477580
	assert_success
	run crm-customer show 1 -H -o score -f tsv
	assert_output 0.05555555555922337203685477580
	run --separate-stderr crm-customer list -H -o name --where 'score=0.05555555555922337203685477580'
	assert_success
	assert_output Ann
	run --separate-stderr crm-customer list -H -o name --where 'score=.05555555555922337203685477580'
	assert_output Ann
	# The limit is on what is stored: leading zeros do not count.
	run --separate-stderr crm-customer add --name Bob --email b@x.com \
		--set score=0000000000000000000000000000001.5
	assert_success
	run crm-customer list -H -o name --where score=1.5
	assert_output Bob
	crm-customer list -o name,email,score -f tsv >back.tsv
	run --separate-stderr crm-import customers back.tsv
	assert_success
	assert_stderr "crm-import: customers: 2 read, 0 inserted, 0 updated, 2 unchanged, 0 rejected, 0 repeated; batch 1"
}

@test "a decimal that would be stored in more than 30 digits is refused" {
	before=$(dump_db)
	run --separate-stderr crm-customer add --name Ann --set score=.055555555559223372036854775807
	assert_error 65 "crm-customer: score: invalid number '.055555555559223372036854775807': more than 30 digits"
	assert_unchanged "$before"
}

# ---- phones --------------------------------------------------------------------

@test "a (0) after the country code is the trunk prefix and is dropped" {
	id=$(crm-customer add --name A --phone '+86-(0)21-6275-1234')
	assert_equal "$(db_value customers phone "$id")" +862162751234
	id=$(crm-customer add --name B --phone '+44 (0)20 7946 0958')
	assert_equal "$(db_value customers phone "$id")" +442079460958
	id=$(crm-customer add --name C --phone '(0)21 6275 1234')
	assert_equal "$(db_value customers phone "$id")" 02162751234
	id=$(crm-customer add --name D --phone '+8621(0)62751234')
	assert_equal "$(db_value customers phone "$id")" +8621062751234
	run crm-customer list -H -o name --where 'phone=+86 (0)21 6275 1234'
	assert_output A
}

# ---- names from outside --------------------------------------------------------

@test "a CRM_USER that is not UTF-8 or holds a control character exits 64" {
	before=$(dump_db)
	CRM_USER=$'ad\xffa' run --separate-stderr crm-customer add --name Ann
	assert_error 64 "crm-customer: invalid CRM_USER: invalid UTF-8 at byte 3"
	CRM_USER=$'ada\nroot' run --separate-stderr crm-customer add --name Ann
	assert_error 64 "crm-customer: invalid CRM_USER: control character U+000A not allowed"
	CRM_USER=$'ada\e[31m' run --separate-stderr crm-customer list
	assert_error 64 "crm-customer: invalid CRM_USER: control character U+001B not allowed"
	printf 'name,email\nAnn,a@x.com\n' >c.csv
	CRM_USER=$'ad\xffa' run --separate-stderr crm-import customers c.csv
	assert_error 64 "crm-import: invalid CRM_USER: invalid UTF-8 at byte 3"
	assert_unchanged "$before"
	CRM_USER=张三 run --separate-stderr crm-import customers c.csv
	assert_success
	run bash -c 'crm-import log -H -f tsv | cut -f3'
	assert_output 张三
}

@test "an import file name that is not UTF-8 is logged with U+FFFD; json stays UTF-8" {
	name=$'客户\xd5\xc5.csv'
	printf 'name,email\nAnn,a@x.com\n' >"$name"
	run --separate-stderr crm-import customers "$name"
	assert_success
	run bash -c 'crm-import log -H -f tsv | cut -f5'
	assert_output $'客户\xef\xbf\xbd\xef\xbf\xbd.csv'
	crm-import log -f json >log.jsonl
	iconv -f UTF-8 -t UTF-8 log.jsonl >/dev/null
	run jq -r .file log.jsonl
	assert_output $'客户\xef\xbf\xbd\xef\xbf\xbd.csv'
}

@test "json output is valid UTF-8 even for bytes put in by other tools" {
	sqlite_only
	crm-product add --sku A --name Apple --price 1 >/dev/null
	sqlite3 "$CRM_DB" "UPDATE products SET description = CAST(X'4265696AFF696E67' AS TEXT) WHERE id = 1"
	crm-product list -o sku,description -f json >out.jsonl
	iconv -f UTF-8 -t UTF-8 out.jsonl >/dev/null
	run jq -r .description out.jsonl
	assert_output $'Beij\xef\xbf\xbding'
}
