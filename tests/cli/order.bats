#!/usr/bin/env bats

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name 'Zhang San' --email zs@example.com >/dev/null
	crm-product add --sku A --name Apple --price 1.50 --stock 10 >/dev/null
	crm-product add --sku B:2 --name Box --price 12 --stock 3 >/dev/null
	crm-product add --sku C --name Cherry --price 0.10 --stock 100 >/dev/null
}

stock() {
	crm-product list -H -o sku,stock | tr '\t\n' ':,'
}

@test "order add takes stock for every line and keeps an exact total" {
	run crm-order add --customer zs@example.com --ref WEB-1 \
		--line A:2 --line B:2:1:11.99 --line C:3
	assert_success
	assert_output 1
	run crm-order list -H -o id,ref,customer,status,total
	assert_output "$(printf '1\tWEB-1\t1\tpending\t15.29')"
	assert_equal "$(stock)" "A:8,B:2:2,C:97,"
	run crm-order lines WEB-1 -H
	assert_output "$(printf '1\t1\tA\tApple\t2\t1.50\t3.00\n1\t2\tB:2\tBox\t1\t11.99\t11.99\n1\t3\tC\tCherry\t3\t0.10\t0.30')"
	run crm-customer show 1 -H -o orders,order_total
	assert_output "$(printf '1\t15.29')"
}

@test "the same product on two lines takes stock once, summed" {
	run --separate-stderr crm-order add --customer 1 --line B:2:2 --line B:2:2
	assert_error 65 "crm-order: not enough stock of 'B:2': 3 in stock, 4 asked"
	run crm-order add --customer 1 --line B:2:2 --line B:2:1
	assert_success
	assert_equal "$(stock)" "A:10,B:2:0,C:100,"
}

@test "insufficient stock on the second of three lines changes nothing" {
	before=$(dump_db)
	run --separate-stderr crm-order add --customer 1 --line A:1 --line B:2:5 --line C:1
	assert_error 65 "crm-order: not enough stock of 'B:2': 3 in stock, 5 asked"
	assert_unchanged "$before"
}

@test "bad lines and customers are refused with one line, nothing changed" {
	before=$(dump_db)
	run --separate-stderr crm-order add --customer 1 --line A:0
	assert_error 65 "crm-order: line 'A:0': quantity must be a whole number from 1 to 1000000000"
	run --separate-stderr crm-order add --customer 1 --line A:-2
	assert_error 65 "crm-order: line 'A:-2': quantity must be a whole number from 1 to 1000000000"
	run --separate-stderr crm-order add --customer 1 --line A:1.5
	assert_error 65 "crm-order: line 'A:1.5': quantity must be a whole number from 1 to 1000000000"
	run --separate-stderr crm-order add --customer 1 --line A:99999999999999999999
	assert_error 65 "crm-order: line 'A:99999999999999999999': quantity must be a whole number from 1 to 1000000000"
	run --separate-stderr crm-order add --customer 1 --line A:1:1.001
	assert_error 65 "crm-order: line 'A:1:1.001': unit price: invalid amount '1.001': more than two fraction digits"
	run --separate-stderr crm-order add --customer 1 --line NOPE:1
	assert_error 65 "crm-order: line 'NOPE:1': no product 'NOPE'"
	run --separate-stderr crm-order add --customer 99 --line A:1
	assert_error 65 "crm-order: customer: no customer '99'"
	run --separate-stderr crm-order add --line A:1
	assert_error 65 "crm-order: customer is required"
	run --separate-stderr crm-order add --customer 1
	assert_error 64 "crm-order: an order needs at least one --line PRODUCT:QUANTITY[:UNIT_PRICE]; see 'crm-order add --help'"
	run --separate-stderr crm-order add --customer 1 --line A
	assert_error 64 "crm-order: invalid --line 'A': expected PRODUCT:QUANTITY[:UNIT_PRICE]"
	assert_unchanged "$before"
}

@test "a total beyond the largest amount is refused, not wrapped" {
	crm-product add --sku BIG --name Big --price 9999999999999.99 --stock 1000 >/dev/null
	run --separate-stderr crm-order add --customer 1 --line BIG:1000
	assert_error 65 "crm-order: order total too large: more than 10000000000000.00"
}

@test "the lifecycle moves only forward, and cancel returns stock" {
	crm-order add --customer 1 --ref R1 --line A:4 >/dev/null
	run crm-order status R1 paid
	assert_success
	run crm-order status R1 shipped
	assert_success
	before=$(dump_db)
	run --separate-stderr crm-order cancel R1
	assert_error 65 "crm-order: order 1 cannot move from shipped to cancelled"
	run --separate-stderr crm-order status R1 paid
	assert_error 65 "crm-order: order 1 cannot move from shipped to paid"
	run --separate-stderr crm-order status R1 lost
	assert_error 65 "crm-order: invalid value 'lost': expected one of pending, paid, shipped, delivered, cancelled"
	assert_unchanged "$before"
	run crm-order status R1 delivered
	assert_success
	crm-order add --customer 1 --ref R2 --line A:3 --line C:5 >/dev/null
	assert_equal "$(stock)" "A:3,B:2:3,C:95,"
	run crm-order cancel R2
	assert_success
	assert_equal "$(stock)" "A:6,B:2:3,C:100,"
	run --separate-stderr crm-order cancel R2
	assert_error 65 "crm-order: order 2 cannot move from cancelled to cancelled"
	run crm-order list -H -o ref,status
	assert_output "$(printf 'R1\tdelivered\nR2\tcancelled')"
	run crm-customer show 1 -H -o orders,order_total
	assert_output "$(printf '1\t6.00')"
}

@test "list filters orders by customer, status and total like any field" {
	crm-order add --customer 1 --line A:1 >/dev/null
	crm-order add --customer 1 --line C:10 >/dev/null
	crm-customer add --name Other >/dev/null
	crm-order add --customer 2 --line B:2:1 >/dev/null
	run crm-order list -H -o id --where customer=zs@example.com --where 'total>1.00'
	assert_output 1
	run crm-order list -H -o id --sort -total
	assert_output "$(printf '3\n1\n2')"
	run --separate-stderr crm-order list --where 'total>1.001'
	assert_failure 64
}

@test "a customer with orders is kept unless --cascade, which says what went" {
	crm-order add --customer 1 --line A:2 --line C:1 >/dev/null
	run --separate-stderr crm-customer delete 1
	assert_error 65 "crm-customer: customer 1 is referred to by 1 order; use --cascade to delete them too"
	run --separate-stderr crm-customer delete 1 --cascade
	assert_success
	assert_stderr "crm-customer: customer 1 deleted with 2 order lines, 1 order"
	run crm-order list -H
	assert_output ''
}

@test "merge moves orders to the customer kept" {
	crm-customer add --name 'Zhang San 2' >/dev/null
	crm-order add --customer 2 --line A:1 >/dev/null
	run crm-customer merge 1 2 -q
	assert_success
	run crm-order list -H -o customer
	assert_output 1
}
