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
	crm-product add --sku A --name Apple --price 1 >/dev/null
	sqlite3 "$CRM_DB" "UPDATE products SET description = CAST(X'4265696AFF696E67' AS TEXT) WHERE id = 1"
	crm-product list -o sku,description -f json >out.jsonl
	iconv -f UTF-8 -t UTF-8 out.jsonl >/dev/null
	run jq -r .description out.jsonl
	assert_output $'Beij\xef\xbf\xbding'
}
