#!/usr/bin/env bats
# crm-deal: stages, probabilities by stage or by hand, closed_at, and the
# errors that change nothing.

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name 'Zhang San' --email zs@example.com >/dev/null
}

@test "a deal's probability follows its stage" {
	run crm-deal add --customer zs@example.com --title 'Tea for 100' --amount 2500
	assert_success
	assert_output 1
	for s in lead:10 qualified:25 proposal:50 negotiation:75 won:100 lost:0; do
		run crm-deal stage 1 "${s%%:*}"
		assert_success
		assert_output ''
		assert_equal "$(crm-deal show 1 -H -f tsv -o stage,probability)" \
			"$(printf '%s\t%s' "${s%%:*}" "${s##*:}")"
	done
}

@test "a probability set by hand stays until set by hand again" {
	crm-deal add --customer 1 --title T --stage proposal --probability 33 >/dev/null
	run crm-deal list -H -o stage,probability,manual_probability
	assert_output "$(printf 'proposal\t33\tyes')"
	crm-deal stage 1 negotiation
	crm-deal stage 1 won
	assert_equal "$(crm-deal show 1 -H -o probability)" 33
	crm-deal update 1 --probability 80
	assert_equal "$(crm-deal show 1 -H -o probability)" 80
	# Empty gives it back to the stage.
	crm-deal update 1 --probability ''
	run crm-deal show 1 -H -o stage,probability,manual_probability
	assert_output "$(printf 'won\t100\tno')"
}

@test "won and lost set closed_at; an open stage clears it" {
	crm-deal add --customer 1 --title T >/dev/null
	assert_equal "$(crm-deal show 1 -H -o closed_at)" ''
	crm-deal stage 1 won
	run crm-deal show 1 -H -o closed_at
	assert_output --regexp '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$'
	crm-deal update 1 --closed-at '2026-11-20 10:00'
	assert_equal "$(crm-deal show 1 -H -o closed_at)" 2026-11-20T10:00:00Z
	# Another change keeps it.
	crm-deal update 1 --title 'T2'
	assert_equal "$(crm-deal show 1 -H -o closed_at)" 2026-11-20T10:00:00Z
	crm-deal stage 1 lost
	run crm-deal show 1 -H -o closed_at
	refute_output 2026-11-20T10:00:00Z
	crm-deal stage 1 negotiation
	assert_equal "$(crm-deal show 1 -H -o closed_at)" ''
	crm-deal add --customer 1 --title W --stage won --closed-at 2026-10-01 >/dev/null
	assert_equal "$(crm-deal show 2 -H -o closed_at)" 2026-10-01T00:00:00Z
}

@test "bad deals are refused with one line, nothing changed" {
	crm-deal add --customer 1 --title T --ref D-1 >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-deal add --customer 1 --title X --stage maybe
	assert_error 65 "crm-deal: stage: invalid value 'maybe': expected one of lead, qualified, proposal, negotiation, won, lost"
	run --separate-stderr crm-deal stage 1 maybe
	assert_error 65 "crm-deal: stage: invalid value 'maybe': expected one of lead, qualified, proposal, negotiation, won, lost"
	run --separate-stderr crm-deal add --customer 1 --title X --probability 101
	assert_error 65 "crm-deal: probability: number '101' out of range 0 to 100"
	run --separate-stderr crm-deal update 1 --probability -1
	assert_error 65 "crm-deal: probability: number '-1' out of range 0 to 100"
	run --separate-stderr crm-deal add --customer 1 --title X --amount -5
	assert_error 65 "crm-deal: amount: invalid amount '-5': must not be negative"
	run --separate-stderr crm-deal add --customer 1 --title X --amount 1.005
	assert_error 65 "crm-deal: amount: invalid amount '1.005': more than two fraction digits"
	run --separate-stderr crm-deal add --customer 99 --title X
	assert_error 65 "crm-deal: customer: no customer '99'"
	run --separate-stderr crm-deal add --customer 1
	assert_error 65 "crm-deal: title is required"
	run --separate-stderr crm-deal add --customer 1 --title X --ref D-1
	assert_error 65 "crm-deal: ref 'D-1' already belongs to deal 1"
	run --separate-stderr crm-deal update 1 --closed-at 2026-01-01
	assert_error 65 "crm-deal: deal 1 is lead: closed_at is only for won or lost deals"
	run --separate-stderr crm-deal stage 2 won
	assert_error 1 "crm-deal: no deal '2'"
	run --separate-stderr crm-deal stage 1
	assert_error 64 "crm-deal: stage needs DEAL and STAGE; see 'crm-deal stage --help'"
	assert_unchanged "$before"
}

@test "deals by ref, from stdin, and a customer with deals is not deleted" {
	crm-deal add --customer 1 --title A --ref D-1 >/dev/null
	crm-deal add --customer 1 --title B --ref D-2 >/dev/null
	crm-deal stage D-2 qualified
	run crm-deal list --where stage=lead -H -o ref
	assert_output D-1
	crm-deal list -H -o id | crm-deal update - --owner ann
	run crm-deal list -H -o owner
	assert_output "$(printf 'ann\nann')"
	run --separate-stderr crm-customer delete 1
	assert_error 65 "crm-customer: customer 1 is referred to by 2 deals; use --cascade to delete them too"
	run crm-deal delete D-1
	assert_success
	assert_equal "$(crm-deal list -H -o ref)" D-2
}

@test "stage with an empty value is refused, not a reset to lead" {
	crm-deal add --customer 1 --title T --stage proposal >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-deal stage 1 ''
	assert_error 65 "crm-deal: stage: invalid value '': expected one of lead, qualified, proposal, negotiation, won, lost"
	assert_unchanged "$before"
	assert_equal "$(crm-deal show 1 -H -o stage,probability)" "$(printf 'proposal\t50')"
}

@test "a deal named twice in one delete is deleted once" {
	crm-deal add --customer 1 --title A --ref D-1 >/dev/null
	crm-deal add --customer 1 --title B --ref D-2 >/dev/null
	crm-deal add --customer 1 --title C --ref D-3 >/dev/null
	run --separate-stderr crm-deal delete 1 D-1
	assert_success
	assert_equal "$stderr" ''
	printf '2\n3\n2\n' | crm-deal delete -
	assert_equal "$(crm-deal list -H -o id)" ''
	# One that does not exist still fails the whole delete.
	id=$(crm-deal add --customer 1 --title E --ref D-5)
	before=$(dump_db)
	run --separate-stderr crm-deal delete "$id" D-5 9
	assert_error 1 "crm-deal: no deal '9'"
	assert_unchanged "$before"
}
