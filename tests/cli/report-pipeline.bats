#!/usr/bin/env bats
# crm-report pipeline, tickets and campaigns: exact to the cent.

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name A --email a@example.com --city 上海 >/dev/null
	crm-customer add --name B --email b@example.com --city 北京 >/dev/null
}

@test "pipeline: every stage in order, weighted exactly, lost weighs nothing" {
	for i in 1 2 3; do
		crm-deal add --customer 1 --title "small $i" --amount 0.05 >/dev/null
	done
	crm-deal add --customer 1 --title q --amount 33.33 --stage qualified >/dev/null
	crm-deal add --customer 2 --title n --amount 10.50 --stage negotiation --probability 33 >/dev/null
	crm-deal add --customer 2 --title w --amount 200 --stage won >/dev/null
	crm-deal add --customer 2 --title l --amount 50 --stage lost --probability 40 >/dev/null
	run crm-report pipeline
	assert_success
	assert_output "$(printf 'stage\tdeals\tamount\tweighted
lead\t3\t0.15\t0.02
qualified\t1\t33.33\t8.33
proposal\t0\t0.00\t0.00
negotiation\t1\t10.50\t3.47
won\t1\t200.00\t200.00
lost\t1\t50.00\t0.00')"
	run crm-report pipeline --where city=上海 -H
	assert_output "$(printf 'lead\t3\t0.15\t0.02
qualified\t1\t33.33\t8.33
proposal\t0\t0.00\t0.00
negotiation\t0\t0.00\t0.00
won\t0\t0.00\t0.00
lost\t0\t0.00\t0.00')"
}

@test "pipeline: the range picks deals by closing or expected day" {
	crm-deal add --customer 1 --title a --amount 100 --expected-close 2026-11-10 >/dev/null
	crm-deal add --customer 1 --title b --amount 200 --expected-close 2026-12-10 >/dev/null
	crm-deal add --customer 1 --title c --amount 300 --stage won --closed-at 2026-11-05 --expected-close 2026-12-01 >/dev/null
	crm-deal add --customer 1 --title d --amount 400 >/dev/null
	run crm-report pipeline --period this-month -H -f csv
	assert_output "lead,1,100.00,10.00
qualified,0,0.00,0.00
proposal,0,0.00,0.00
negotiation,0,0.00,0.00
won,1,300.00,300.00
lost,0,0.00,0.00"
	run crm-report pipeline --from 2026-12-01 -H -o x
	assert_failure 64
}

@test "tickets: open, resolved, median hours and average rating by status and priority" {
	crm-ticket add --customer 1 --subject t1 >/dev/null
	crm-ticket add --customer 1 --subject t2 --status pending --priority high >/dev/null
	crm-ticket add --customer 1 --subject t3 --status resolved --resolved-at 2026-11-01T10:00:00Z --rating 5 >/dev/null
	crm-ticket add --customer 2 --subject t4 --status closed --resolved-at 2026-11-02T01:30:00Z --rating 4 >/dev/null
	crm-ticket add --customer 2 --subject t5 --status resolved --priority high --resolved-at 2026-11-01T00:03:00Z >/dev/null
	crm-ticket add --customer 2 --subject t6 --status closed --priority urgent --resolved-at 2026-11-01T02:00:00Z --rating 3 >/dev/null
	db_sql "UPDATE tickets SET created_at = '2026-11-01T00:00:00Z'"
	run crm-report tickets
	assert_success
	assert_output "$(printf 'group\ttickets\topen\tresolved\tmedian_hours\tavg_rating
open\t1\t1\t0\t\t
pending\t1\t1\t0\t\t
resolved\t2\t0\t2\t5.0\t5.00
closed\t2\t0\t2\t13.8\t3.50')"
	run crm-report tickets --by priority -H
	assert_output "$(printf 'low\t0\t0\t0\t\t
normal\t3\t1\t2\t17.8\t4.50
high\t2\t1\t1\t0.1\t
urgent\t1\t0\t1\t2.0\t3.00')"
	run crm-report tickets --by priority --where city=北京 -H -f json
	assert_line --index 1 '{"group":"normal","tickets":1,"open":0,"resolved":1,"median_hours":25.5,"avg_rating":4.00}'
	db_sql "UPDATE tickets SET created_at = '2026-10-15T00:00:00Z' WHERE id = 1"
	run crm-report tickets --from 2026-11-01 -H
	assert_line --index 0 "$(printf 'open\t0\t0\t0\t\t')"
	run --separate-stderr crm-report tickets --by day
	assert_error 64 "crm-report: invalid --by 'day': expected status or priority; see 'crm-report tickets --help'"
}

@test "campaigns: rates over all members, revenue of orders not cancelled, cost once" {
	for i in 3 4; do crm-customer add --name "C$i" >/dev/null; done
	crm-product add --sku TEA --name Tea --price 0.01 --stock 100000 >/dev/null
	crm-campaign add --name Spring --starts-on 2026-03-01 --cost 100 >/dev/null
	crm-campaign add --name Free >/dev/null
	crm-campaign add --name Small --starts-on 2026-04-01 --cost 3 >/dev/null
	crm-campaign member add Spring 1 2 3 4
	crm-campaign member update Spring 2 --status sent
	crm-campaign member update Spring 3 --status responded
	crm-campaign member update Spring 4 --status converted
	crm-order add --customer 4 --campaign Spring --ordered-at 2026-03-05 --line TEA:3000 >/dev/null
	crm-order add --customer 3 --campaign Spring --ordered-at 2026-03-06 --line TEA:4555 >/dev/null
	crm-order add --customer 1 --campaign Spring --ordered-at 2026-03-07 --line TEA:1000 >/dev/null
	crm-order cancel 3
	crm-order add --customer 1 --campaign Small --ordered-at 2026-04-02 --line TEA:1000 >/dev/null
	crm-order add --customer 1 --line TEA:99 >/dev/null
	run crm-report campaigns
	assert_success
	assert_output "$(printf 'id\tname\tmembers\tresponded\tconverted\tresponse_rate\tconversion_rate\trevenue\tcost\troi
1\tSpring\t4\t2\t1\t0.5000\t0.2500\t75.55\t100.00\t-0.2445
2\tFree\t0\t0\t0\t\t\t0.00\t0.00\t
3\tSmall\t0\t0\t0\t\t\t10.00\t3.00\t2.3333')"
	run crm-report campaigns --from 2026-04-01 -H -o x
	assert_failure 64
	run crm-report campaigns --from 2026-04-01 -H
	assert_output "$(printf '3\tSmall\t0\t0\t0\t\t\t10.00\t3.00\t2.3333')"
	run crm-report campaigns --top 1 -H -f csv
	assert_output "1,Spring,4,2,1,0.5000,0.2500,75.55,100.00,-0.2445"
}
