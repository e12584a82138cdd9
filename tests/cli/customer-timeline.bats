#!/usr/bin/env bats
# crm-customer timeline: a customer's history in time order.

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name A --email a@example.com >/dev/null
	crm-customer add --name B --email b@example.com >/dev/null
}

@test "orders, deals, tickets, activities and campaigns in time order" {
	crm-product add --sku TEA --name Tea --price 12.5 --stock 10 >/dev/null
	crm-campaign add --name Spring --starts-on 2026-03-01 >/dev/null
	crm-order add --customer 1 --ref W-1 --line TEA:2 --ordered-at 2026-03-04 --campaign Spring >/dev/null
	crm-order add --customer 2 --ref W-2 --line TEA:1 --ordered-at 2026-03-04 >/dev/null
	crm-deal add --customer 1 --title 'Big deal' --amount 900 >/dev/null
	crm-ticket add --customer 1 --subject 'Late' >/dev/null
	crm-activity add --kind call --subject 'called' --customer 1 --occurred-at '2026-03-02 09:00' >/dev/null
	crm-activity add --kind task --subject 'follow up' --customer 1 --occurred-at '2026-03-05' --due-at 2026-03-06 >/dev/null
	crm-campaign member add Spring 1 --status responded --responded-at 2026-03-03
	db_sql "UPDATE deals SET created_at = '2026-03-01T08:00:00Z';
		UPDATE tickets SET created_at = '2026-03-07T00:00:00Z'"
	run crm-customer timeline a@example.com
	assert_success
	assert_output "$(printf 'at\tkind\tid\twhat\tstatus\tamount
2026-03-01T08:00:00Z\tdeal\t1\tBig deal\tlead\t900.00
2026-03-02T09:00:00Z\tcall\t1\tcalled\t\t
2026-03-03T00:00:00Z\tcampaign\t1\tSpring\tresponded\t
2026-03-04T00:00:00Z\torder\t1\tW-1\tpending\t25.00
2026-03-05T00:00:00Z\ttask\t2\tfollow up\topen\t
2026-03-07T00:00:00Z\tticket\t1\tLate\topen\t')"
	run crm-customer timeline 2 -H -f csv
	assert_output "2026-03-04T00:00:00Z,order,2,W-2,pending,12.50"
}

@test "a customer without history, and one that does not exist" {
	run crm-customer timeline 2
	assert_success
	assert_output "$(printf 'at\tkind\tid\twhat\tstatus\tamount')"
	# Not found writes nothing on stdout, not even the header, as show.
	run --separate-stderr crm-customer timeline nobody@example.com
	assert_error 1 "crm-customer: no customer 'nobody@example.com'"
	run --separate-stderr crm-customer timeline -f csv 99
	assert_error 1 "crm-customer: no customer '99'"
	run --separate-stderr crm-customer timeline 1 2
	assert_error 64 "crm-customer: timeline needs one CUSTOMER; see 'crm-customer timeline --help'"
}
