#!/usr/bin/env bats

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name Racer >/dev/null
}


@test "20 processes racing for 10 units: exactly 10 win, none oversells" {
	crm-product add --sku S --name S --price 1 --stock 10 >/dev/null
	for i in $(seq 20); do
		( rc=0; crm-order add --customer 1 --line S:1 \
			>/dev/null 2>&1 || rc=$?
		  echo $rc >"$BATS_TEST_TMPDIR/rc.$i" ) &
	done
	wait
	run sh -c "cat '$BATS_TEST_TMPDIR'/rc.* | sort | uniq -c | tr -s ' '"
	assert_output "$(printf ' 10 0\n 10 65')"
	run crm-product list -H -o stock
	assert_output 0
	run sh -c 'crm-order list -H | wc -l'
	assert_output 10
}

@test "two-line orders racing one-line orders for the same SKUs" {
	crm-product add --sku S --name S --price 1 --stock 10 >/dev/null
	crm-product add --sku T --name T --price 1 --stock 10 >/dev/null
	for i in $(seq 10); do
		( rc=0; crm-order add --customer 1 --line S:1 --line T:1 \
			>/dev/null 2>&1 || rc=$?
		  echo $rc >"$BATS_TEST_TMPDIR/rc.two.$i" ) &
		( rc=0; crm-order add --customer 1 --line S:1 \
			>/dev/null 2>&1 || rc=$?
		  echo $rc >"$BATS_TEST_TMPDIR/rc.one.$i" ) &
	done
	wait
	run sh -c "cat '$BATS_TEST_TMPDIR'/rc.* | sort -u | tr '\n' ' '"
	assert_output '0 65 '
	assert_equal "$(ls "$BATS_TEST_TMPDIR"/rc.* | wc -l)" 20
	# Every unit taken is on exactly one order line, and none is missing.
	s=$(crm-product list -H -o stock --where sku=S)
	t=$(crm-product list -H -o stock --where sku=T)
	sold_s=$(db_sql "SELECT coalesce(sum(quantity),0) FROM order_lines WHERE product = 1")
	sold_t=$(db_sql "SELECT coalesce(sum(quantity),0) FROM order_lines WHERE product = 2")
	assert_equal "$((s + sold_s))" 10
	assert_equal "$((t + sold_t))" 10
	assert_equal "$s" 0
	wins=$(cat "$BATS_TEST_TMPDIR"/rc.* | grep -c '^0$')
	assert_equal "$(crm-order list -H | wc -l)" "$wins"
}
