#!/usr/bin/env bats

load helper

setup() {
	common_setup
	init_db
	cd "$BATS_TEST_TMPDIR"
}

customers_csv() {
	printf '%s\r\n' \
		'姓名,邮箱,电话,地址,城市' \
		'张三,ZS@Example.com,138 0013 8000,"北京市' \
		'朝阳区",北京' \
		'李四,bad@,123,x,上海' \
		'"王五",ww@x.com,,"a ""quoted"" addr",广州' >"$1"
}

@test "customers import: Chinese headers, BOM, CRLF, multi-line fields, rejects with _line" {
	{ printf '\xef\xbb\xbf'; customers_csv /dev/stdout; } >c.csv
	run --separate-stderr crm-import customers c.csv --rejects rej.csv
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 4: email: invalid email 'bad@': expected local@domain.tld"
	assert_equal "${stderr_lines[1]}" "crm-import: customers: 3 read, 2 inserted, 0 updated, 0 unchanged, 1 rejected, 0 repeated; batch 1"
	run crm-customer list -H -o name,email,phone,address,city
	assert_output "$(printf '张三\tzs@example.com\t13800138000\t北京市\\n朝阳区\t北京\n王五\tww@x.com\t\ta "quoted" addr\t广州')"
	run cat rej.csv
	assert_output "$(printf '姓名,邮箱,电话,地址,城市,_line,_error\n李四,bad@,123,x,上海,4,email: invalid email '"'"'bad@'"'"': expected local@domain.tld')"
}

@test "the same file twice changes nothing; a fixed rejects file imports as it is" {
	customers_csv c.csv
	crm-import customers c.csv -q --rejects rej.csv || true
	before=$(dump_db | grep -v import_)
	run --separate-stderr crm-import customers c.csv
	assert_failure 65
	assert_equal "${stderr_lines[1]}" "crm-import: customers: 3 read, 0 inserted, 0 updated, 2 unchanged, 1 rejected, 0 repeated; batch 2"
	assert_equal "$(dump_db | grep -v import_)" "$before"
	sed -i 's/bad@,123/ls@x.com,12345/' rej.csv
	run --separate-stderr crm-import customers rej.csv
	assert_success
	assert_stderr "crm-import: customers: 1 read, 1 inserted, 0 updated, 0 unchanged, 0 rejected, 0 repeated; batch 3"
}

@test "a key repeated in the file: the last row wins, counted, and a rerun writes nothing" {
	printf 'name,email\nFirst,a@x.com\nOther,b@x.com\nLast, A@X.com \n' >c.csv
	run --separate-stderr crm-import customers c.csv
	assert_success
	assert_stderr "crm-import: customers: 3 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected, 1 repeated; batch 1"
	run crm-customer list -H -o name,email
	assert_output "$(printf 'Other\tb@x.com\nLast\ta@x.com')"
	run --separate-stderr crm-import customers c.csv
	assert_stderr "crm-import: customers: 3 read, 0 inserted, 0 updated, 2 unchanged, 0 rejected, 1 repeated; batch 2"
	# Three rows of one key, lines counted across a quoted line break:
	# both earlier rows lose to the last.
	printf 'name,email,address\nA1,c@x.com,"1 Road\nTown"\nB,d@x.com,\nA2,C@x.com,\nA3,c@x.com,\n' >three.csv
	crm-import customers three.csv --dry-run -q >plan.tsv
	run cut -f1,2,4 plan.tsv
	assert_output "$(printf 'line\taction\treason\n2\tskip\trepeated key: line 6 wins\n4\tinsert\t\n5\tskip\trepeated key: line 6 wins\n6\tinsert\t')"
}

@test "created_at of a file is kept for the records it adds, never changed after" {
	printf 'name,email,created_at\nA,a@x.com,2020-05-01 08:00\nB,b@x.com,\n' >c.csv
	run --separate-stderr crm-import customers c.csv
	assert_success
	assert_equal "$(crm-customer show a@x.com -H -o created_at)" 2020-05-01T08:00:00Z
	run crm-customer show b@x.com -H -o created_at
	assert_output --regexp '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$'
	refute_output --partial 2020-
	# A record that exists keeps its own.
	printf 'name,email,created_at\nA,a@x.com,2021-01-01\n' | crm-import customers - -q
	assert_equal "$(crm-customer show a@x.com -H -o created_at)" 2020-05-01T08:00:00Z
	# A list of crm is a file crm-import reads back, times and all.
	crm-customer list -f csv -o id,name,email,created_at,updated_at >all.csv
	CRM_DB="$BATS_TEST_TMPDIR/copy.db" crm-admin init -q
	CRM_DB="$BATS_TEST_TMPDIR/copy.db" crm-import customers all.csv -q
	assert_equal "$(CRM_DB="$BATS_TEST_TMPDIR/copy.db" crm-customer list -H -o email,created_at)" \
		"$(crm-customer list -H -o email,created_at)"
	# Not in the future, and a time.
	printf 'name,email,created_at\nC,c@x.com,2999-01-01\nD,d@x.com,soon\n' >bad.csv
	run --separate-stderr crm-import customers bad.csv
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 2: created_at: 2999-01-01T00:00:00Z is in the future"
	assert_equal "${stderr_lines[1]}" "crm-import: line 3: created_at: invalid time 'soon': expected now, or a date (YYYY-MM-DD, YYYY/MM/DD, YYYY年MM月DD日, a month or day of one digit too; today, yesterday, tomorrow, -Nd, -Nw, -Nm, -Ny) optionally followed by T or a space and H:MM[:SS][Z|+HH:MM]"
	printf 'name,email,created_at,Created At\nC,c@x.com,2020-01-01,2020-01-02\n' >two.csv
	run --separate-stderr crm-import customers two.csv
	assert_error 64 "crm-import: columns 'created_at' and 'Created At' both give created_at"
}

@test "rows without a key are matched on all their values: a rerun adds nothing" {
	printf 'name,email,phone,city,kind\n王芳,,138 0013 8000,北京,\n王芳,,,上海,company\nKeyed,k@x.com,,,\n' >c.csv
	run --separate-stderr crm-import customers c.csv
	assert_success
	assert_stderr "crm-import: customers: 3 read, 3 inserted, 0 updated, 0 unchanged, 0 rejected, 0 repeated; batch 1"
	before=$(dump_db | grep -v import_)
	# The same rows, spelt as the cleaning rules make them equal.
	printf 'name,email,phone,city,kind\n 王芳,,13800138000,北京,person\n王芳,,,上海,COMPANY\nKeyed,k@x.com,,,\n' >again.csv
	run --separate-stderr crm-import customers again.csv
	assert_success
	assert_stderr "crm-import: customers: 3 read, 0 inserted, 0 updated, 3 unchanged, 0 rejected, 0 repeated; batch 2"
	assert_equal "$(dump_db | grep -v import_)" "$before"
	# One value differs: another customer of the same name.
	printf 'name,email,city\n王芳,,广州\n' >other.csv
	run --separate-stderr crm-import customers other.csv
	assert_stderr "crm-import: customers: 1 read, 1 inserted, 0 updated, 0 unchanged, 0 rejected, 0 repeated; batch 3"
	# --mode insert refuses a row a record already holds.
	run --separate-stderr crm-import customers --mode insert other.csv
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 2: customer 4 holds these values already"
}

@test "dry run prints the plan, writes nothing, exits 65 on a rejected row" {
	printf 'name,email\nA,a@x.com\n' | crm-import customers - -q
	printf 'name,email\nA2,a@x.com\nB,b@x.com\nC,c@\nA2,a@x.com\n' >c.csv
	before=$(dump_db)
	run --separate-stderr crm-import customers c.csv --dry-run -q
	assert_failure 65
	assert_output "$(printf 'line\taction\tkey\treason\n2\tskip\ta@x.com\trepeated key: line 5 wins\n3\tinsert\tb@x.com\t\n4\treject\tc@\temail: invalid email '"'"'c@'"'"': expected local@domain.tld\n5\tupdate\ta@x.com\t')"
	assert_unchanged "$before"
}

@test "modes: insert rejects existing keys, update rejects unknown ones" {
	printf 'name,email\nA,a@x.com\n' | crm-import customers - -q
	printf 'name,email\nA2,a@x.com\nB,b@x.com\n' >c.csv
	run --separate-stderr crm-import customers c.csv --mode insert
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 2: email 'a@x.com' exists already (customer 1)"
	printf 'name,email\nA3,a@x.com\nD,d@x.com\n' >u.csv
	run --separate-stderr crm-import customers u.csv --mode update
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 3: no customer with email 'd@x.com' to update"
	run crm-customer list -H -o name,email
	assert_output "$(printf 'A3\ta@x.com\nB\tb@x.com')"
	run --separate-stderr crm-import customers c.csv --mode sideways
	assert_failure 64
}

@test "--strict and --max-rejects commit nothing when passed" {
	printf 'name,email\nA,a@x.com\nB,b@\nC,c@\n' >c.csv
	before=$(dump_db)
	run --separate-stderr crm-import customers c.csv --strict -q
	assert_failure 65
	assert_stderr "crm-import: customers: more than 0 rows rejected: nothing written"
	run --separate-stderr crm-import customers c.csv --max-rejects 1 -q
	assert_failure 65
	assert_unchanged "$before"
	run --separate-stderr crm-import customers c.csv --max-rejects 2 -q
	assert_failure 65
	run crm-customer list -H -o name
	assert_output A
}

@test "header problems stop before anything is written" {
	before=$(dump_db)
	printf 'name,fax\nA,1\n' >c.csv
	run --separate-stderr crm-import customers c.csv
	assert_error 64 "crm-import: unknown column 'fax' (known: name, kind, email, phone, address, city, country, segment, ref, owner); use --map or --ignore-unknown"
	assert_unchanged "$before"
	run --separate-stderr crm-import customers c.csv --ignore-unknown --mode insert -q
	assert_success
	printf 'Nom,Courriel\nA,a@x.com\n' >m.csv
	run --separate-stderr crm-import customers m.csv --map Nom=name --map Courriel=email -q
	assert_success
	before=$(dump_db)
	printf 'name,phone\nA,12345\n' >k.csv
	run --separate-stderr crm-import customers k.csv --mode update
	assert_error 64 "crm-import: no key column: --mode update finds customers by email or ref; add that column or name one with --key"
	printf 'email\na@x.com\n' >r.csv
	run --separate-stderr crm-import customers r.csv
	assert_error 64 "crm-import: no column for name, which every row needs"
	: >empty.csv
	run --separate-stderr crm-import customers empty.csv
	assert_error 65 "crm-import: no header line: the file is empty"
	run --separate-stderr crm-import customers nosuch.csv
	assert_error 66 "crm-import: cannot open 'nosuch.csv': No such file or directory"
	run --separate-stderr crm-import customers c.csv --encoding NOPE
	assert_error 64 "crm-import: unknown encoding 'NOPE'"
	head -c 300 /bin/sh >bin.csv
	run --separate-stderr crm-import customers bin.csv
	assert_failure 65
	assert_unchanged "$before"
}

@test "a header only imports nothing and succeeds" {
	printf 'name,email\n' >c.csv
	run --separate-stderr crm-import customers c.csv
	assert_success
	assert_stderr "crm-import: customers: 0 read, 0 inserted, 0 updated, 0 unchanged, 0 rejected, 0 repeated; batch 1"
}

@test "rows with too few or too many fields, and a broken quote, cost one row each" {
	printf 'name,email\nA,a@x.com\nB\nC,c@x.com,extra\nD,"d@x.com\nE,e@x.com\n' >c.csv
	run --separate-stderr crm-import customers c.csv --rejects rej.csv
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 3: 1 fields, but the header has 2"
	assert_equal "${stderr_lines[1]}" "crm-import: line 4: 3 fields, but the header has 2"
	assert_equal "${#stderr_lines[@]}" 4
	run crm-customer list -H -o name
	assert_output "$(printf 'A\nE')"
}

@test "GB18030 exports import with --encoding, and not without" {
	printf '姓名,邮箱,手机,城市\n张三,zs@x.com,１３８００１３８０００,北京\n' |
		iconv -f UTF-8 -t GB18030 >g.csv
	run --separate-stderr crm-import customers g.csv
	assert_error 65 "crm-import: line 1: the header is not UTF-8 text; if the file is in another encoding, name it with --encoding (GB18030, GBK, LATIN1...)"
	run crm-import customers g.csv --encoding GB18030 -q
	assert_success
	run crm-customer list -H -o name,phone,city
	assert_output "$(printf '张三\t13800138000\t北京')"
}

@test "TSV reads back what crm writes, escapes included" {
	crm-customer add --name 'A\b' --email a@x.com --address 'line1
line2	tab' >/dev/null
	crm-customer list -f tsv -o name,email,address >out.tsv
	crm-customer delete 1
	run crm-import customers out.tsv -q
	assert_success
	run crm-customer list -f json -o name,address
	assert_output '{"name":"A\\b","address":"line1\nline2\ttab"}'
}

@test "SQL-looking text and a 10 MB field are stored as they are" {
	big=$(head -c 10000000 /dev/zero | tr '\0' 'x')
	printf 'name,email,address\n"x'"'"'); DROP TABLE customers; --",a@x.com,%s\n' "$big" >c.csv
	run crm-import customers c.csv -q
	assert_success
	run crm-customer list -H -o name
	assert_output "x'); DROP TABLE customers; --"
	assert_equal "$(db_sql 'SELECT length(address) FROM customers')" 10000000
}

@test "log lists batches; revert undoes inserts and updates, refusing changed records" {
	printf 'name,email\nA,a@x.com\nB,b@x.com\n' | crm-import customers - -q
	printf 'name,email\nA2,a@x.com\nC,c@x.com\n' >second.csv
	crm-import customers second.csv -q
	run crm-import log -H
	assert_line --index 1 --regexp "^2	20[0-9-]+T[0-9:]+Z	tester	customers	second.csv	2	1	1	0	0	$"
	run crm-import revert 2
	assert_success
	run crm-customer list -H -o name,email
	assert_output "$(printf 'A\ta@x.com\nB\tb@x.com')"
	run --separate-stderr crm-import revert 2
	assert_failure 65
	# A change in the same second as the import is seen too.
	crm-customer update b@x.com --name B2
	before=$(dump_db)
	run --separate-stderr crm-import revert 1
	assert_error 65 "crm-import: cannot revert batch 1: 1 record changed since: customer 2 (changed)"
	assert_unchanged "$before"
	run --separate-stderr crm-import revert 9
	assert_error 1 "crm-import: no batch 9"
}

@test "revert keeps the search index in step with what it puts back" {
	printf 'name,email\nAlpha,a@x.com\nBeta,b@x.com\n' | crm-import customers - -q
	printf 'name,email\nOmega,a@x.com\nGamma,c@x.com\n' | crm-import customers - -q
	run crm-customer search omega -H -o name
	assert_output Omega
	crm-import revert 2 -q
	run crm-customer search alpha -H -o name
	assert_output Alpha
	for gone in omega mega gamma amm; do
		run crm-customer search "$gone" -H -o name
		assert_failure 1
	done
	crm-import revert 1 -q
	run crm-customer search alpha -H -o name
	assert_failure 1
	# The triggers are back: a customer added now is found.
	crm-customer add --name Delta -q
	run crm-customer search delta -H -o name
	assert_output Delta
}

@test "a first import into an empty table: its rows found, and what is written after it" {
	printf 'name,email,city\n张伟,zw@x.com,北京\nAlpha,a@x.com,\n' |
		crm-import customers - -q
	run crm-customer search 张伟 -H -o email
	assert_output zw@x.com
	run crm-customer search 北 -H -o email
	assert_output zw@x.com
	# What a first import set aside while it wrote is back.
	crm-customer add --name 张伟伟 --email zww@x.com -q
	printf 'name,email\nBeta,b@x.com\n' | crm-import customers - -q
	run crm-customer search 张伟 -H -o email
	assert_output "$(printf 'zw@x.com\nzww@x.com')"
	run crm-customer search beta -H -o email
	assert_output b@x.com
	crm-customer update 1 --name 李娜 -q
	run crm-customer search 张伟 -H -o email
	assert_output zww@x.com
	run crm-admin check
	assert_success
}

@test "products, orders grouped by order_ref, and the inventory sync" {
	printf 'sku,name,price,stock\nA,Apple,1.50,10\nB,Box,12,5\nC,Cherry,0.10,0\n' >p.csv
	crm-import products p.csv -q
	printf 'name,email\nZS,zs@x.com\n' | crm-import customers - -q
	printf '%s\n' 'order_ref,customer,sku,quantity,unit_price,ordered_at,status' \
		'W1,zs@x.com,A,2,,2026-11-01 10:00,paid' 'W1,zs@x.com,B,1,11.99,,' \
		'W2,zs@x.com,A,1,,2026-11-02,' 'W2,zs@x.com,NOPE,1,,,' >o.csv
	run --separate-stderr crm-import orders o.csv --take-stock
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 4: order 'W2' rejected whole: line 5: no product with sku 'NOPE'"
	assert_equal "${stderr_lines[2]}" "crm-import: orders: 4 read, 2 inserted, 0 updated, 0 unchanged, 2 rejected, 0 repeated; batch 3"
	run crm-order list -H -o ref,status,ordered_at,total
	assert_output "$(printf 'W1\tpaid\t2026-11-01T10:00:00Z\t14.99')"
	run crm-product list -H -o sku,stock
	assert_output "$(printf 'A\t8\nB\t4\nC\t0')"
	run --separate-stderr crm-import orders o.csv --take-stock -q
	assert_equal "$(crm-product list -H -o stock | tr '\n' ' ')" "8 4 0 "
	printf 'sku\tstock\nA\t100\nZZ\t3\n' >inv.tsv
	run --separate-stderr crm-import inventory inv.tsv --missing zero
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 3: no product with sku 'ZZ'"
	run crm-product list -H -o sku,stock
	assert_output "$(printf 'A\t100\nB\t0\nC\t0')"
	run crm-import revert 5
	assert_success
	run crm-import revert 4
	assert_success
	run crm-import revert 3
	assert_success
	run crm-product list -H -o sku,stock
	assert_output "$(printf 'A\t10\nB\t5\nC\t0')"
	run crm-order list -H
	assert_output ''
}

@test "an order whose line the database refuses leaves nothing, the next order goes in" {
	printf 'sku,name,price,stock\nA,Apple,1,10\nB,Box,2,10\n' | crm-import products - -q
	printf 'name,email\nZS,zs@x.com\n' | crm-import customers - -q
	# A rule only the database knows: the order row and its first line
	# are written before the second line is refused.
	if on_pg; then
		db_sql "CREATE FUNCTION no_sevens() RETURNS trigger
			LANGUAGE plpgsql AS \$\$ BEGIN
			IF NEW.quantity = 7 THEN RAISE EXCEPTION 'no sevens'
				USING ERRCODE = 'check_violation'; END IF;
			RETURN NEW; END \$\$;
			CREATE TRIGGER no_sevens BEFORE INSERT ON order_lines
			FOR EACH ROW EXECUTE FUNCTION no_sevens()"
	else
		sqlite3 "$CRM_DB" "CREATE TRIGGER no_sevens BEFORE INSERT ON order_lines
			WHEN NEW.quantity = 7 BEGIN SELECT RAISE(ABORT, 'no sevens'); END"
	fi
	printf '%s\n' 'order_ref,customer,sku,quantity' 'W1,zs@x.com,A,1' \
		'W1,zs@x.com,B,7' 'W2,zs@x.com,B,2' >o.csv
	run --separate-stderr crm-import orders o.csv
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 2: cannot add order line: no sevens"
	run crm-order list -H -o ref,total
	assert_output "$(printf 'W2\t4.00')"
	assert_equal "$(db_sql 'SELECT count(*) FROM order_lines')" 1
	run crm-import revert 3
	assert_success
	assert_equal "$(db_sql 'SELECT count(*) FROM orders')" 0
}

@test "a broken row between two rows of one order splits it, the same way on both passes" {
	printf 'sku,name,price,stock\nA,Apple,1,10\nB,Box,2,10\n' | crm-import products - -q
	printf 'name,email\nZS,zs@x.com\n' | crm-import customers - -q
	printf '%s\n' 'order_ref,customer,sku,quantity' 'W1,zs@x.com,A,1' \
		'W1,broken' 'W1,zs@x.com,B,2' >o.csv
	crm-import orders o.csv --dry-run -q >plan.tsv || true
	run cut -f1,2,4 plan.tsv
	assert_output "$(printf 'line\taction\treason\n2\tskip\trepeated key: line 4 wins\n3\treject\t2 fields, but the header has 4\n4\tinsert\t')"
	run --separate-stderr crm-import orders o.csv
	assert_failure 65
	run crm-order show W1 -H -o total
	assert_output 4.00
	# Run again, the file changes nothing.
	run --separate-stderr crm-import orders o.csv
	assert_stderr_line "crm-import: orders: 3 read, 0 inserted, 0 updated, 1 unchanged, 1 rejected, 1 repeated; batch 4"
}

@test "an import waits for a busy database, then exits 75 with nothing written" {
	printf 'name,email\nA,a@x.com\n' >c.csv
	hold_lock 3
	CRM_BUSY_TIMEOUT=200 run --separate-stderr crm-import customers c.csv
	release_lock
	assert_failure 75
	run crm-customer list -H
	assert_output ''
}

@test "an order imported again as cancelled gives its stock back; without --take-stock stock stays" {
	printf 'sku,name,price,stock\nA,Apple,1,10\n1,One,1,10\n' | crm-import products - -q
	printf 'name,email\nZS,zs@x.com\n' | crm-import customers - -q
	printf 'order_ref,customer,sku,quantity,status\nW1,zs@x.com,A,3,paid\nW1,zs@x.com,1,2,paid\n' >o.csv
	crm-import orders o.csv --take-stock -q
	assert_equal "$(crm-product list -H -o sku,stock | tr '\t\n' ': ')" "A:7 1:8 "
	sed -i 's/paid/cancelled/' o.csv
	crm-import orders o.csv -q
	assert_equal "$(crm-product list -H -o sku,stock | tr '\t\n' ': ')" "A:7 1:8 "
	crm-import orders o.csv --take-stock -q
	assert_equal "$(crm-product list -H -o sku,stock | tr '\t\n' ': ')" "A:10 1:10 "
	run crm-order list -H -o ref,status
	assert_output "$(printf 'W1\tcancelled')"
	# The SKU "1" is the product whose SKU is 1, not product 1.
	printf 'sku,stock\n1,4\n' | crm-import inventory - -q
	assert_equal "$(crm-product list -H -o sku,stock | tr '\t\n' ': ')" "A:10 1:4 "
}

@test "--missing zero spares the products of rejected rows" {
	printf 'sku,name,price,stock\nA,Apple,1,10\nB,Box,1,5\nC,Cup,1,3\n' | crm-import products - -q
	printf 'sku,stock\nA,7\nB,lots\n' >inv.csv
	run --separate-stderr crm-import inventory inv.csv --missing zero -q
	assert_failure 65
	assert_equal "$(crm-product list -H -o sku,stock | tr '\t\n' ': ')" "A:7 B:5 C:0 "
}

@test "old Mac line ends (a bare CR): rejects carry the line an editor shows" {
	printf 'name,email\rAda,ada@x.com\rBad,bad@\r\rBob,bob@x.com\r' >mac.csv
	run --separate-stderr crm-import customers mac.csv --rejects rej.csv
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 3: email: invalid email 'bad@': expected local@domain.tld"
	assert_equal "${stderr_lines[1]}" "crm-import: customers: 3 read, 2 inserted, 0 updated, 0 unchanged, 1 rejected, 0 repeated; batch 1"
	run cat rej.csv
	assert_output "$(printf 'name,email,_line,_error\nBad,bad@,3,email: invalid email '"'"'bad@'"'"': expected local@domain.tld')"
}

@test "into an empty table, two new rows that share a unique value: the later is rejected, the rest written" {
	# On a server the new records go in pieces; a piece the database
	# refuses goes again row by row, to the same end as on SQLite.
	printf 'name,email,ref\nAnna,a@x.com,R1\nBert,b@x.com,R1\nCarla,c@x.com,R2\nDora,d@x.com,R2\nEmil,e@x.com,\n' > dup.csv
	run --separate-stderr crm-import customers dup.csv
	assert_failure 65
	assert_stderr "$(printf '%s\n' \
		"crm-import: line 3: ref 'R1' already belongs to customer 1" \
		"crm-import: line 5: ref 'R2' already belongs to customer 2" \
		"crm-import: customers: 5 read, 3 inserted, 0 updated, 0 unchanged, 2 rejected, 0 repeated; batch 1")"
	run crm-customer list -H -o id,name,ref
	assert_output "$(printf '1\tAnna\tR1\n2\tCarla\tR2\n3\tEmil\t')"
	run crm-customer search -H -o id carl
	assert_output 2
	run crm-customer add --name F
	assert_output 4
	run crm-admin check -q
	assert_success
	crm-import revert 1 -q
	run crm-customer list -H -o id
	assert_output 4
}
