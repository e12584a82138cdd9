#!/usr/bin/env bats
# crm-campaign: campaigns, members from pipes, orders credited, dates.

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name A --email a@example.com --city 上海 >/dev/null
	crm-customer add --name B --email b@example.com --city 上海 >/dev/null
	crm-customer add --name C --email c@example.com --city 北京 >/dev/null
	crm-campaign add --name Spring --channel email --starts-on 2026-03-01 \
		--ends-on 2026-03-31 --cost 100 >/dev/null
	crm-product add --sku TEA --name Tea --price 10 --stock 100 >/dev/null
}

@test "a customer list pipes into a campaign's members" {
	crm-customer list --where city=上海 | crm-campaign member add Spring -
	run crm-campaign member list Spring -H
	assert_output "$(printf '1\tA\ta@example.com\ttargeted\t\n2\tB\tb@example.com\ttargeted\t')"
	assert_equal "$(crm-campaign show Spring -H -o members)" 2
	crm-campaign member update Spring b@example.com --status responded --responded-at 2026-03-05
	crm-campaign member update 1 1 --status sent
	run crm-campaign member list 1 -H -f csv
	assert_output "$(printf '1,A,a@example.com,sent,\n2,B,b@example.com,responded,2026-03-05T00:00:00Z')"
	crm-campaign member remove Spring 1
	assert_equal "$(crm-campaign show 1 -H -o members)" 1
}

@test "a member added twice is reported, not duplicated" {
	crm-campaign member add Spring 1
	before=$(dump_db)
	run --separate-stderr crm-campaign member add Spring 2 1
	assert_error 65 "crm-campaign: customer 1 is already a member of campaign 1"
	assert_unchanged "$before"
	assert_equal "$(crm-campaign show 1 -H -o members)" 1
}

@test "dates before a campaign's start are refused" {
	crm-campaign member add Spring 1
	before=$(dump_db)
	run --separate-stderr crm-campaign member update Spring 1 --status responded --responded-at 2026-02-28
	assert_error 65 "crm-campaign: responded_at 2026-02-28T00:00:00Z is before campaign 1's start 2026-03-01"
	run --separate-stderr crm-order add --customer 1 --campaign Spring --ordered-at 2026-02-01 --line TEA:1
	assert_error 65 "crm-order: ordered_at 2026-02-01T00:00:00Z is before campaign 1's start 2026-03-01"
	run --separate-stderr crm-campaign add --name Bad --starts-on 2026-05-01 --ends-on 2026-04-01
	assert_error 65 "crm-campaign: a new campaign: ends_on 2026-04-01 is before starts_on 2026-05-01"
	run --separate-stderr crm-campaign member update Spring 1 --responded-at 2026-03-02
	assert_error 65 "crm-campaign: customer 1 of campaign 1 is targeted: responded_at only for members who responded or converted"
	assert_unchanged "$before"
	crm-order add --customer 1 --campaign Spring --ordered-at 2026-03-02 --line TEA:1 >/dev/null
	run --separate-stderr crm-campaign update Spring --starts-on 2026-03-10
	assert_error 65 "crm-campaign: campaign 1: order 1 of 2026-03-02T00:00:00Z is before starts_on 2026-03-10"
}

@test "bad campaigns and members are refused, nothing changed" {
	before=$(dump_db)
	run --separate-stderr crm-campaign add --name X --channel fax
	assert_error 65 "crm-campaign: channel: invalid value 'fax': expected one of email, sms, phone, event, ads, social, other"
	run --separate-stderr crm-campaign add --name X --status running
	assert_error 65 "crm-campaign: status: invalid value 'running': expected one of planned, active, completed"
	run --separate-stderr crm-campaign add --name X --cost -1
	assert_error 65 "crm-campaign: cost: invalid amount '-1': must not be negative"
	run --separate-stderr crm-campaign add --name Spring
	assert_error 65 "crm-campaign: name 'Spring' already belongs to campaign 1"
	run --separate-stderr crm-campaign member add Spring 1 nobody@example.com
	assert_error 65 "crm-campaign: customer: no customer 'nobody@example.com'"
	run --separate-stderr crm-campaign member add Spring 1 --status maybe
	assert_error 65 "crm-campaign: status: invalid value 'maybe': expected one of targeted, sent, responded, converted"
	run --separate-stderr crm-campaign member add Autumn 1
	assert_error 1 "crm-campaign: no campaign 'Autumn'"
	run --separate-stderr crm-campaign member remove Spring 1
	assert_error 1 "crm-campaign: customer 1 is not a member of campaign 1"
	run --separate-stderr crm-campaign member update Spring 1
	assert_error 64 "crm-campaign: nothing to update: give --status or --responded-at; see 'crm-campaign member --help'"
	run --separate-stderr crm-campaign member join Spring 1
	assert_error 64 "crm-campaign: unknown member verb 'join': expected add, update, list or remove; see 'crm-campaign member --help'"
	run --separate-stderr crm-order add --customer 1 --campaign Autumn --line TEA:1
	assert_error 65 "crm-order: campaign: no campaign 'Autumn'"
	assert_unchanged "$before"
}

@test "an operand of digits only is an id: a name of digits only is refused" {
	before=$(dump_db)
	run --separate-stderr crm-campaign add --name 2024
	assert_error 65 "crm-campaign: name: '2024' is digits only, which reads as a campaign id; add a word"
	run --separate-stderr crm-campaign add --set 'name= 7 '
	assert_error 65 "crm-campaign: name: '7' is digits only, which reads as a campaign id; add a word"
	run --separate-stderr crm-campaign update Spring --name 1
	assert_error 65 "crm-campaign: name: '1' is digits only, which reads as a campaign id; add a word"
	assert_unchanged "$before"
	run crm-campaign add --name 'Spring 2024'
	assert_success
	assert_output 2
	run crm-campaign show 2 'Spring 2024' -H -o id,name
	assert_output "$(printf '2\tSpring 2024\n2\tSpring 2024')"
	run --separate-stderr crm-campaign show 2024
	assert_error 1 "crm-campaign: no campaign '2024'"
}

@test "a campaign with orders is kept; its members go with --cascade" {
	crm-campaign member add Spring 1 2
	crm-order add --customer 1 --campaign Spring --ordered-at 2026-03-02 --line TEA:1 >/dev/null
	crm-campaign add --name Quiet >/dev/null
	crm-campaign member add Quiet 3
	run --separate-stderr crm-campaign delete Spring --cascade
	assert_error 65 "crm-campaign: campaign 1 is referred to by 1 order, which --cascade does not delete"
	run --separate-stderr crm-campaign delete Quiet
	assert_error 65 "crm-campaign: campaign 2 is referred to by 1 campaign member; use --cascade to delete them too"
	run --separate-stderr crm-campaign delete Quiet --cascade
	assert_success
	assert_stderr "crm-campaign: campaign 2 deleted with 1 campaign member"
}

@test "a merge keeps one membership" {
	crm-campaign member add Spring 1 2 --status sent
	run --separate-stderr crm-customer merge 1 2
	assert_success
	run crm-campaign member list Spring -H
	assert_output "$(printf '1\tA\ta@example.com\tsent\t')"
}

@test "a campaign's member list pipes into another campaign's members" {
	crm-campaign add --name Autumn >/dev/null
	crm-campaign member add Spring 1 2
	crm-campaign member list Spring -f tsv | crm-campaign member add Autumn -
	assert_equal "$(crm-campaign member list Autumn -H -f tsv | cut -f1 | tr '\n' ,)" "1,2,"
	crm-campaign member list Autumn -f tsv | crm-campaign member update Autumn - --status sent
	assert_equal "$(crm-campaign member list Autumn -H -f tsv | cut -f4 | tr '\n' ,)" "sent,sent,"
	crm-campaign member list Spring -f tsv | crm-campaign member remove Autumn -
	assert_equal "$(crm-campaign member list Autumn -H -f tsv)" ''
}
