#!/usr/bin/env bats
# crm-import: references by natural key (REF.FIELD columns), rows and files
# without a key, and keys that change hands inside one file.

load helper

setup() {
	common_setup
	init_db
	cd "$BATS_TEST_TMPDIR"
	# Ids that are not the keys' order: customer 1 is c@, 2 is a@, ...
	crm-customer add --name C --email c@x.com --ref 2 >/dev/null
	crm-customer add --name A --email a@x.com --ref R1 >/dev/null
	crm-customer add --name B --email b@x.com >/dev/null
}

# The records, without the log of import batches (every run is one); the
# schema aside, whose triggers a run may make again in another order.
records() {
	dump_db | grep '^INSERT INTO' | grep -v '^INSERT INTO import_batches'
}

@test "customer.email and customer.ref columns name the customer by that key alone" {
	cat > k.csv <<-'CSV'
	customer.email,name
	A@X.com,Kim
	b@x.com,Lee
	CSV
	run --separate-stderr crm-import contacts k.csv
	assert_success
	# A ref of digits is a ref here, never an id: "2" is customer 1's.
	printf 'customer.ref,name\n2,Max\nR1,Ann\n' > r.csv
	run --separate-stderr crm-import contacts r.csv
	assert_success
	run crm-contact list -H -o name,customer,customer.email --sort id
	assert_output "$(printf 'Kim\t2\ta@x.com\nLee\t3\tb@x.com\nMax\t1\tc@x.com\nAnn\t2\ta@x.com')"
	# The plain column takes a value that is plainly a key too.
	printf 'customer,name\nb@x.com,Zoe\nR1,Uma\n' > p.csv
	run --separate-stderr crm-import contacts p.csv
	assert_success
	run crm-contact list -H -o name,customer.email --where name~u --sort name
	assert_output "$(printf 'Uma\ta@x.com')"
	run crm-contact list -H -o customer --where name=Zoe
	assert_output 3
}

@test "a key that names no record, or several, rejects the row naming column and value" {
	crm-customer add --name B --email b2@x.com >/dev/null
	printf 'customer.email,name\nnobody@x.com,Kim\nnot-an-email,Lee\na@x.com,Ann\n' > k.csv
	run --separate-stderr crm-import contacts k.csv --rejects rej.csv
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 2: customer.email: no customer with email 'nobody@x.com'"
	assert_equal "${stderr_lines[1]}" "crm-import: line 3: customer.email: no customer with email 'not-an-email'"
	run crm-contact list -H -o name,customer.email
	assert_output "$(printf 'Ann\ta@x.com')"
	# the rejects file keeps the key as it came
	run cat rej.csv
	assert_line --index 1 "nobody@x.com,Kim,2,customer.email: no customer with email 'nobody@x.com'"
	# a name is no key: two customers called B
	printf 'customer.name,name\nB,Kim\n' > n.csv
	run --separate-stderr crm-import contacts n.csv
	assert_failure 65
	assert_stderr_line "crm-import: line 2: customer.name: 'B' names more than one customer"
}

@test "REF.FIELD columns that cannot be are refused before anything is written" {
	before=$(dump_db)
	printf 'customer.nosuch,name\nx,Kim\n' > k.csv
	run --separate-stderr crm-import contacts k.csv
	assert_failure 64
	assert_stderr --regexp "^crm-import: unknown column 'customer.nosuch': customer refers to a customer \(known: customer.id, customer.name, .*customer.email, .*customer.ref"
	printf 'customer,customer.email,name\n2,a@x.com,Kim\n' > k.csv
	run --separate-stderr crm-import contacts k.csv
	assert_error 64 "crm-import: columns 'customer' and 'customer.email' both give customer"
	printf 'name.first,email\nA,z@x.com\n' > k.csv
	run --separate-stderr crm-import customers k.csv
	assert_failure 64
	assert_stderr --regexp "^crm-import: unknown column 'name.first'"
	printf 'order_ref,customer.email,product.name,quantity\nO1,a@x.com,P,1\n' > o.csv
	run --separate-stderr crm-import orders o.csv
	assert_error 64 "crm-import: unknown column 'product.name': product refers to a product (known: product.sku)"
	assert_unchanged "$before"
}

@test "orders take customer.email, customer.ref and product.sku, and a second run changes nothing" {
	crm-product add --sku 1 --name One --price 2.50 >/dev/null
	crm-product add --sku S2 --name Two --price 1 >/dev/null
	cat > o.csv <<-'CSV'
	order_ref,customer.email,product.sku,quantity,unit_price
	O1,b@x.com,1,2,
	O1,b@x.com,S2,1,3.00
	O2,zz@x.com,1,1,
	CSV
	run --separate-stderr crm-import orders o.csv
	assert_failure 65
	assert_stderr_line "crm-import: line 4: order 'O2' rejected whole: customer.email: no customer with email 'zz@x.com'"
	run crm-order list -H -o ref,customer,customer.email,total
	assert_output "$(printf 'O1\t3\tb@x.com\t8.00')"
	# the lines: SKU "1" is the SKU 1, not the product with id 1... which
	# here is the same; S2 is product 2
	run crm-order lines O1 -H
	assert_output "$(printf '1\t1\t1\tOne\t2\t2.50\t5.00\n1\t2\tS2\tTwo\t1\t3.00\t3.00')"
	before=$(records)
	run --separate-stderr crm-import orders o.csv
	assert_failure 65
	assert_stderr_line "crm-import: orders: 3 read, 0 inserted, 0 updated, 2 unchanged, 1 rejected, 0 repeated; batch 2"
	assert_equal "$(records)" "$before"
	printf 'order_ref,customer.ref,product.sku,quantity\nO3,2,S2,1\n' > r.csv
	crm-import orders r.csv -q
	run crm-order list -H -o ref,customer.email --where ref=O3
	assert_output "$(printf 'O3\tc@x.com')"
}

@test "campaign members and activities take campaign.name and contact.email" {
	crm-campaign add --name Spring --channel email >/dev/null
	crm-contact add --customer a@x.com --name Kim --email kim@x.com >/dev/null
	printf 'campaign.name,customer.email,status\nSpring,b@x.com,sent\n' > m.csv
	run --separate-stderr crm-import campaign-members m.csv
	assert_success
	run crm-campaign member list Spring -H
	assert_output "$(printf '3\tB\tb@x.com\tsent\t')"
	printf 'ref,kind,subject,contact.email\nA1,note,hello,KIM@x.com\n' > a.csv
	run --separate-stderr crm-import activities a.csv
	assert_success
	run crm-activity list -H -o ref,contact,contact.name,customer.email
	assert_output "$(printf 'A1\t1\tKim\ta@x.com')"
	run --separate-stderr crm-import campaign-members m.csv
	assert_success
	assert_stderr "crm-import: campaign members: 1 read, 0 inserted, 0 updated, 1 unchanged, 0 rejected, 0 repeated; batch 3"
}

@test "a file without a key column is matched on all its values: a second run changes nothing" {
	printf 'name,phone,city\nKeyless,12345,Paris\nOther,55555,\nOther,55555,\n' > n.csv
	run --separate-stderr crm-import customers n.csv
	assert_success
	assert_stderr "crm-import: customers: 3 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected, 1 repeated; batch 1"
	before=$(records)
	run --separate-stderr crm-import customers n.csv
	assert_success
	assert_stderr "crm-import: customers: 3 read, 0 inserted, 0 updated, 2 unchanged, 0 rejected, 1 repeated; batch 2"
	assert_equal "$(records)" "$before"
	# one value more is another record
	printf 'name,phone,city\nKeyless,12345,Lyon\n' > m.csv
	crm-import customers m.csv -q
	run crm-customer list -H -o name,city --where name=Keyless
	assert_output "$(printf 'Keyless\tParis\nKeyless\tLyon')"
	# insert refuses the rows a record holds already
	run --separate-stderr crm-import customers n.csv --mode insert
	assert_failure 65
	assert_stderr_line "crm-import: line 2: customer 4 holds these values already"
	# update has nothing to find records by
	before=$(dump_db)
	run --separate-stderr crm-import customers n.csv --mode update
	assert_error 64 "crm-import: no key column: --mode update finds customers by email or ref; add that column or name one with --key"
	assert_unchanged "$before"
}

@test "refs that move on between records are all written in one run, and a second run changes nothing" {
	# a@ takes b@'s R1... in the file's order each row's new ref is
	# still another's when it comes: a@ R1 -> R9, c@ 2 -> R1, b@ -> 2
	cat > s.csv <<-'CSV'
	name,email,ref
	C,c@x.com,R1
	B,b@x.com,2
	A,a@x.com,R9
	CSV
	run --separate-stderr crm-import customers s.csv --dry-run
	assert_success
	refute_output --partial reject
	assert_stderr "crm-import: customers: 3 read, 0 inserted, 3 updated, 0 unchanged, 0 rejected, 0 repeated; dry run, nothing written, would be batch 1"
	run --separate-stderr crm-import customers s.csv
	assert_success
	assert_stderr "crm-import: customers: 3 read, 0 inserted, 3 updated, 0 unchanged, 0 rejected, 0 repeated; batch 1"
	run crm-customer list -H -o email,ref --sort id
	assert_output "$(printf 'c@x.com\tR1\na@x.com\tR9\nb@x.com\t2')"
	before=$(records)
	run --separate-stderr crm-import customers s.csv
	assert_success
	assert_stderr "crm-import: customers: 3 read, 0 inserted, 0 updated, 3 unchanged, 0 rejected, 0 repeated; batch 2"
	assert_equal "$(records)" "$before"
	# undone as one batch
	crm-import revert 1 -q
	run crm-customer list -H -o email,ref --sort id
	assert_output "$(printf 'c@x.com\t2\na@x.com\tR1\nb@x.com\t')"
}

@test "two records that swap refs swap them, and a second run changes nothing" {
	printf 'name,email,ref\nC,c@x.com,R1\nA,a@x.com,2\n' > s.csv
	run --separate-stderr crm-import customers s.csv --dry-run
	assert_success
	refute_output --partial reject
	run --separate-stderr crm-import customers s.csv
	assert_success
	assert_stderr "crm-import: customers: 2 read, 0 inserted, 2 updated, 0 unchanged, 0 rejected, 0 repeated; batch 1"
	run crm-customer list -H -o email,ref --sort id
	assert_output "$(printf 'c@x.com\tR1\na@x.com\t2\nb@x.com\t')"
	before=$(records)
	run --separate-stderr crm-import customers s.csv
	assert_success
	assert_stderr "crm-import: customers: 2 read, 0 inserted, 0 updated, 2 unchanged, 0 rejected, 0 repeated; batch 2"
	assert_equal "$(records)" "$before"
	# the batch puts both back as they were
	crm-import revert 1 -q
	run crm-customer list -H -o email,ref --sort id
	assert_output "$(printf 'c@x.com\t2\na@x.com\tR1\nb@x.com\t')"
}

@test "a swap with a bad row is rejected whole, and no record loses its value" {
	# three refs going round; b@'s row has a bad phone
	crm-customer update b@x.com --ref R3 >/dev/null
	printf 'name,email,ref,phone\nC,c@x.com,R1,\nA, a@x.com ,R3,\nB,b@x.com,2,x\n' > s.csv
	before=$(records)
	run --separate-stderr crm-import customers s.csv --rejects rej.csv
	assert_failure 65
	# the rows that waited come back as they came, blanks included
	run grep -c '' rej.csv
	assert_output 4
	run grep -F 'A, a@x.com ,R3,,3,' rej.csv
	assert_success
	assert_stderr_line "crm-import: line 2: ref 'R1' already belongs to customer 2"
	assert_stderr_line "crm-import: line 4: ref '2' already belongs to customer 1"
	assert_stderr_line "crm-import: customers: 3 read, 0 inserted, 0 updated, 0 unchanged, 3 rejected, 0 repeated; batch 1"
	assert_equal "$(records)" "$before"
	run --separate-stderr crm-import customers s.csv
	assert_failure 65
	assert_equal "$(records)" "$before"
}
