#!/usr/bin/env bats
# crm-activity: kinds, links, tasks due by a day, done.

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name A --email a@example.com >/dev/null
	crm-customer add --name B --email b@example.com >/dev/null
	crm-contact add --customer 2 --name 'Wang Wu' >/dev/null
}

@test "activities take their customer from the contact, deal or ticket" {
	crm-deal add --customer 1 --title D --ref D-1 >/dev/null
	crm-ticket add --customer 2 --subject T >/dev/null
	run crm-activity add --kind call --subject 'called back' --contact 1
	assert_output 1
	crm-activity add --kind email --subject quote --deal D-1 >/dev/null
	crm-activity add --kind meeting --subject visit --ticket 1 --customer b@example.com >/dev/null
	crm-activity add --kind note --subject 'just a note' >/dev/null
	run crm-activity list -H -o id,kind,customer,contact,deal,ticket
	assert_output "$(printf '1\tcall\t2\t1\t\t\n2\temail\t1\t\t1\t\n3\tmeeting\t2\t\t\t1\n4\tnote\t\t\t\t')"
}

@test "the open tasks due by a day, earliest first" {
	crm-activity add --kind task --subject later --customer 1 --due-at '2026-11-30 09:00' >/dev/null
	crm-activity add --kind task --subject today --customer 1 --due-at '2026-11-22 17:00' >/dev/null
	crm-activity add --kind task --subject overdue --customer 2 --due-at 2026-11-20 >/dev/null
	crm-activity add --kind task --subject 'done already' --customer 2 --due-at 2026-11-21 --done yes >/dev/null
	crm-activity add --kind call --subject call --customer 2 >/dev/null
	crm-activity add --kind task --subject 'no date' --customer 2 >/dev/null
	run crm-activity list --due today -H -o subject,due_at
	assert_success
	assert_output "$(printf 'overdue\t2026-11-20T00:00:00Z\ntoday\t2026-11-22T17:00:00Z')"
	run crm-activity list --due 2026-11-30 -H -o id
	assert_output "$(printf '3\n2\n1')"
	run crm-activity list --due yesterday -H -o id --where customer=1
	assert_output ''
	crm-activity done 3
	run crm-activity list --due today -H -o subject
	assert_output today
	# In another zone the day ends at another time.
	run env TZ=Asia/Shanghai crm-activity list --due today -H -o subject
	assert_output ''
}

@test "done and due_at belong to tasks; bad activities change nothing" {
	crm-activity add --kind call --subject c --customer 1 >/dev/null
	crm-activity add --kind task --subject t --customer 1 >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-activity done 1
	assert_error 65 "crm-activity: activity 1 is a call: only a task can be done"
	run --separate-stderr crm-activity add --kind note --subject n --done yes
	assert_error 65 "crm-activity: a new activity is a note: only a task can be done"
	run --separate-stderr crm-activity add --kind meeting --subject n --due-at tomorrow
	assert_error 65 "crm-activity: a new activity is a meeting: only a task has due_at"
	run --separate-stderr crm-activity add --kind visit --subject n
	assert_error 65 "crm-activity: kind: invalid value 'visit': expected one of call, email, meeting, note, task"
	run --separate-stderr crm-activity add --subject n
	assert_error 65 "crm-activity: kind is required"
	run --separate-stderr crm-activity add --kind call --subject n --contact 1 --customer 1
	assert_error 65 "crm-activity: contact 1 belongs to customer 2, not to customer 1"
	run --separate-stderr crm-activity add --kind call --subject n --deal 5
	assert_error 65 "crm-activity: deal: no deal '5'"
	run --separate-stderr crm-activity done 2 1
	assert_error 65 "crm-activity: activity 1 is a call: only a task can be done"
	run --separate-stderr crm-activity list --due someday
	assert_error 64 "crm-activity: --due: invalid date 'someday': expected YYYY-MM-DD, YYYY/MM/DD or YYYY年MM月DD日 (a month or day of one digit too), today, yesterday, tomorrow, or -N followed by d, w, m or y; see 'crm-activity list --help'"
	assert_unchanged "$before"
	run crm-activity done 2
	assert_success
	assert_equal "$(crm-activity show 2 -H -o done)" yes
}

@test "a deal, ticket or contact given to another customer takes its activities" {
	crm-deal add --customer 1 --title D >/dev/null
	crm-ticket add --customer 1 --subject T >/dev/null
	crm-activity add --kind call --subject 'on the deal' --deal 1 >/dev/null
	crm-activity add --kind note --subject 'on the ticket' --ticket 1 >/dev/null
	crm-activity add --kind email --subject 'to Wang' --contact 1 >/dev/null
	crm-deal update 1 --customer b@example.com
	crm-ticket update 1 --customer 2
	crm-contact update 1 --customer 1
	assert_equal "$(crm-activity list -H -o id,customer | tr '\t\n' ':,')" "1:2,2:2,3:1,"
	# So they can still be changed, and the timeline of B has them.
	crm-activity update 1 --subject 'deal call'
	run bash -c 'crm-customer timeline 2 -H | cut -f2 | sort | tr "\n" ,'
	assert_output 'call,deal,note,ticket,'
	# An activity also about a record of the old customer cannot follow.
	crm-activity add --kind meeting --subject both --deal 1 --ticket 1 >/dev/null
	crm-contact add --customer 2 --name Li >/dev/null
	crm-activity add --kind call --subject 'deal and Li' --deal 1 --contact 2 >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-deal update 1 --customer 1
	assert_error 65 "crm-deal: deal 1 cannot go to customer 1: its activity 5 is also about contact 2 of customer 2"
	assert_unchanged "$before"
}

@test "a task due 'tomorrow 10:00', as the page's example has it" {
	run crm-activity add --kind task --subject 'send the quote' --customer 1 --due-at 'tomorrow 10:00'
	assert_success
	assert_equal "$(crm-activity show 1 -H -o due_at)" 2026-11-23T10:00:00Z
	TZ=Asia/Shanghai crm-activity update 1 --due-at '-1d 09:30'
	assert_equal "$(crm-activity show 1 -H -o due_at)" 2026-11-21T01:30:00Z
	before=$(dump_db)
	run --separate-stderr crm-activity update 1 --due-at 'tomorrow 25:00'
	assert_error 65 "crm-activity: due_at: invalid time 'tomorrow 25:00': no such time of day"
	run --separate-stderr crm-activity update 1 --due-at 'soon 10:00'
	assert_error 65 "crm-activity: due_at: invalid time 'soon 10:00': expected now, or a date (YYYY-MM-DD, YYYY/MM/DD, YYYY年MM月DD日, a month or day of one digit too; today, yesterday, tomorrow, -Nd, -Nw, -Nm, -Ny) optionally followed by T or a space and H:MM[:SS][Z|+HH:MM]"
	assert_unchanged "$before"
}
