#!/usr/bin/env bats

load helper

setup() {
	common_setup
	init_db
}

@test "product add checks price and sku; list shows money with two digits" {
	run crm-product add --sku A-1 --name Apple --price 1.5 --stock 10
	assert_success
	assert_output 1
	run crm-product list -H
	assert_output "$(printf '1\tA-1\tApple\t1.50\t10\tyes')"
	run --separate-stderr crm-product add --sku A-2 --name Pear --price 1.005
	assert_error 65 "crm-product: price: invalid amount '1.005': more than two fraction digits"
	run --separate-stderr crm-product add --sku A-1 --name Other --price 1
	assert_error 65 "crm-product: sku 'A-1' already belongs to product 1"
	run --separate-stderr crm-product add --name Pear --price 1
	assert_error 65 "crm-product: sku is required"
	run --separate-stderr crm-product add --sku P --name Pear --price -1
	assert_error 65 "crm-product: price: invalid amount '-1': must not be negative"
	run --separate-stderr crm-product add --sku P --name Pear --price 1 --stock -1
	assert_error 65 "crm-product: stock: number '-1' out of range 0 to 1000000000000"
}

@test "product stock adds, takes and sets, never below zero" {
	crm-product add --sku A-1 --name Apple --price 1 --stock 5 >/dev/null
	run crm-product stock A-1 +3
	assert_success
	assert_output 8
	run crm-product stock A-1 -8
	assert_output 0
	run crm-product stock 1 =12
	assert_output 12
	before=$(dump_db)
	run --separate-stderr crm-product stock A-1 -13
	assert_error 65 "crm-product: stock of 'A-1' cannot go below zero: 12 in stock, 13 taken"
	assert_unchanged "$before"
	run --separate-stderr crm-product stock A-1 13
	assert_error 64 "crm-product: invalid stock change '13': expected +N, -N or =N; see 'crm-product stock --help'"
	run --separate-stderr crm-product stock A-1 -1.5
	assert_failure 64
	run --separate-stderr crm-product stock NOPE +1
	assert_error 1 "crm-product: no product 'NOPE'"
}

@test "an ordered product cannot be deleted, even with --cascade" {
	crm-customer add --name C >/dev/null
	crm-product add --sku A-1 --name Apple --price 1 --stock 5 >/dev/null
	crm-product add --sku B-1 --name Spare --price 1 >/dev/null
	crm-order add --customer 1 --line A-1:1 >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-product delete A-1 --cascade
	assert_error 65 "crm-product: product 1 is referred to by 1 order line, which --cascade does not delete"
	assert_unchanged "$before"
	run crm-product delete B-1
	assert_success
	run crm-product update A-1 --active no
	assert_success
	run --separate-stderr crm-order add --customer 1 --line A-1:1
	assert_error 65 "crm-order: line 'A-1:1': product 'A-1' is not active"
}
