#!/usr/bin/env bats
# Moving records from one database to another, as crm(7) and the README
# show it: references go by natural keys, since an id in the other
# database is another record.

load helper

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	export CRM_DB="$BATS_TEST_TMPDIR/old.db"
	crm-admin init -q
	crm-admin init -q -d new.db
}

# The source: ids with gaps, left by a delete and a merge.
old_records() {
	crm-customer add --name Gone --email gone@x.com >/dev/null	# 1
	crm-customer add --name Ada --email ada@x.com >/dev/null	# 2
	crm-customer add --name Bob --email bob@x.com --ref B-7 >/dev/null
	crm-customer add --name Bobby --email bobby@x.com >/dev/null	# 4
	crm-customer add --name Cy --email cy@x.com >/dev/null	# 5
	crm-customer delete gone@x.com
	crm-contact add --customer bobby@x.com --name 'Kim' >/dev/null
	crm-contact add --customer ada@x.com --name 'Lee' --email lee@x.com >/dev/null
	crm-contact add --customer cy@x.com --name 'Max' --title buyer >/dev/null
	crm-product add --sku TEA --name Tea --price 12.50 --stock 40 >/dev/null
	crm-product add --sku CUP --name Cup --price 3 --stock 9 >/dev/null
	crm-order add --customer bobby@x.com --ref W-1 --line TEA:2 \
		--line CUP:1:2.50 >/dev/null
	crm-order add --customer cy@x.com --ref W-2 --line CUP:3 >/dev/null
	crm-order add --customer ada@x.com --ref W-3 --line TEA:1 \
		--line TEA:1:10.00 >/dev/null
	crm-order status W-2 paid >/dev/null
	crm-customer merge bob@x.com bobby@x.com -q
}

# The target holds records of its own: other ids for the same keys.
new_records() {
	crm-customer add -d new.db --name Zed --email zed@x.com >/dev/null
	crm-customer add -d new.db --name Yan --email yan@x.com >/dev/null
	crm-customer add -d new.db --name Cy --email cy@x.com >/dev/null
	crm-product add -d new.db --sku MUG --name Mug --price 5 >/dev/null
	crm-contact add -d new.db --customer zed@x.com --name Zoe >/dev/null
}

@test "the documented move lands every contact and order at the customer with the same email" {
	old_records
	new_records
	# as in crm(7), EXAMPLES, and the README
	crm-customer list -d old.db -f tsv -o all |
		crm-import customers -d new.db --tsv -
	crm-contact list -d old.db -f tsv -o customer.email,name,email,phone,title |
		crm-import contacts -d new.db --tsv -
	crm-product list -d old.db -f tsv -o all |
		crm-import products -d new.db --tsv -
	tab=$(printf '\t')
	crm-order list -d old.db -f tsv -H -o id,ref,customer.email,ordered_at,status |
		sort -t "$tab" -k1,1 >orders.tsv
	crm-order list -d old.db -f tsv -H -o id |
		crm-order lines -d old.db -f tsv -H - |
		sort -s -t "$tab" -k1,1 >lines.tsv
	{
		printf 'order_ref\tcustomer.email\tordered_at\tstatus\tsku\tquantity\tunit_price\n'
		join -t "$tab" -o 1.2,1.3,1.4,1.5,2.3,2.5,2.6 orders.tsv lines.tsv
	} | crm-import orders -d new.db --tsv -

	# the ids differ on the two sides...
	run crm-contact list -d old.db -H -o name,customer --sort name
	assert_output "$(printf 'Kim\t3\nLee\t2\nMax\t5')"
	run crm-contact list -d new.db -H -o name,customer --sort name
	assert_output "$(printf 'Kim\t5\nLee\t4\nMax\t3\nZoe\t1')"
	# ...and every contact is at the customer with its email
	run crm-contact list -d new.db -H -o name,customer.email,email,title --where name!=Zoe --sort name
	assert_output "$(crm-contact list -d old.db -H -o name,customer.email,email,title --sort name)"
	assert_output "$(printf 'Kim\tbob@x.com\t\t\nLee\tada@x.com\tlee@x.com\t\nMax\tcy@x.com\t\tbuyer')"
	# every order too, with its lines, status and total
	run crm-order list -d new.db -H -o ref,customer.email,status,total,ordered_at --sort ref
	assert_output "$(crm-order list -d old.db -H -o ref,customer.email,status,total,ordered_at --sort ref)"
	assert_line --index 0 --regexp "^W-1${tab}bob@x.com${tab}pending${tab}27.50${tab}"
	for o in W-1 W-2 W-3; do
		assert_equal "$(crm-order lines -d new.db "$o" -H | cut -f3-)" \
			"$(crm-order lines -d old.db "$o" -H | cut -f3-)"
	done
	# the target's own records are as they were
	run crm-customer list -d new.db -H -o id,email --sort id
	assert_output "$(printf '1\tzed@x.com\n2\tyan@x.com\n3\tcy@x.com\n4\tada@x.com\n5\tbob@x.com')"
	run crm-product list -d new.db -H -o sku,price,stock --sort sku
	assert_output "$(printf 'CUP\t3.00\t5\nMUG\t5.00\t0\nTEA\t12.50\t36')"

	# moving again changes nothing
	before=$(sqlite3 new.db .dump | grep '^INSERT INTO' | grep -v import_batches)
	crm-contact list -d old.db -f tsv -o customer.email,name,email,phone,title |
		crm-import contacts -d new.db --tsv - -q
	{
		printf 'order_ref\tcustomer.email\tordered_at\tstatus\tsku\tquantity\tunit_price\n'
		join -t "$tab" -o 1.2,1.3,1.4,1.5,2.3,2.5,2.6 orders.tsv lines.tsv
	} | crm-import orders -d new.db --tsv - -q
	assert_equal "$(sqlite3 new.db .dump | grep '^INSERT INTO' | grep -v import_batches)" "$before"
}

@test "an id names a record of the database imported into; REF.FIELD the same record in both" {
	old_records
	new_records
	crm-customer list -d old.db -f tsv -o all |
		crm-import customers -d new.db --tsv - -q
	# with ids: Kim's customer 3 is Cy in new.db, Max's 5 is Bob
	crm-contact list -d old.db -f tsv -o customer,name |
		crm-import contacts -d new.db --tsv - -q
	run crm-contact list -d new.db -H -o name,customer.email --where name=Kim
	assert_output "$(printf 'Kim\tcy@x.com')"
	# by key, the same list lands right
	crm-contact list -d old.db -f tsv -o customer.email,name |
		crm-import contacts -d new.db --tsv - -q
	run crm-contact list -d new.db -H -o name,customer.email --where name=Kim --sort customer.email
	assert_output "$(printf 'Kim\tbob@x.com\nKim\tcy@x.com')"
}
