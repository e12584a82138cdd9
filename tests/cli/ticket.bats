#!/usr/bin/env bats
# crm-ticket: statuses, priorities, resolved_at and ratings.

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name 'Li Si' --email ls@example.com >/dev/null
}

@test "a ticket opens normal, resolves with a time, and is rated" {
	run crm-ticket add --customer ls@example.com --subject 'Broken lid' --ref HD-1
	assert_success
	assert_output 1
	run crm-ticket show HD-1 -H -o status,priority,resolved_at,rating
	assert_output "$(printf 'open\tnormal\t\t')"
	crm-ticket status HD-1 resolved
	run crm-ticket show 1 -H -o resolved_at
	assert_output --regexp '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$'
	at=$output
	crm-ticket rate HD-1 4
	crm-ticket status HD-1 closed
	run crm-ticket show 1 -H -o status,resolved_at,rating
	assert_output "$(printf 'closed\t%s\t4' "$at")"
}

@test "a ticket open again loses its resolved_at and rating" {
	crm-ticket add --customer 1 --subject S --status resolved --resolved-at 2026-11-01 --rating 5 >/dev/null
	run crm-ticket show 1 -H -o status,resolved_at,rating
	assert_output "$(printf 'resolved\t2026-11-01T00:00:00Z\t5')"
	crm-ticket status 1 pending
	run crm-ticket show 1 -H -o status,resolved_at,rating
	assert_output "$(printf 'pending\t\t')"
}

@test "bad tickets are refused with one line, nothing changed" {
	crm-ticket add --customer 1 --subject S >/dev/null
	before=$(dump_db)
	run --separate-stderr crm-ticket rate 1 4
	assert_error 65 "crm-ticket: ticket 1 is open: a rating only on a resolved or closed ticket"
	run --separate-stderr crm-ticket add --customer 1 --subject X --rating 3
	assert_error 65 "crm-ticket: a new ticket is open: a rating only on a resolved or closed ticket"
	run --separate-stderr crm-ticket update 1 --resolved-at 2026-11-01
	assert_error 65 "crm-ticket: ticket 1 is open: resolved_at only on a resolved or closed ticket"
	run --separate-stderr crm-ticket status 1 done
	assert_error 65 "crm-ticket: status: invalid value 'done': expected one of open, pending, resolved, closed"
	run --separate-stderr crm-ticket add --customer 1 --subject X --priority asap
	assert_error 65 "crm-ticket: priority: invalid value 'asap': expected one of low, normal, high, urgent"
	assert_unchanged "$before"
	crm-ticket status 1 resolved
	before=$(dump_db)
	run --separate-stderr crm-ticket rate 1 6
	assert_error 65 "crm-ticket: rating: number '6' out of range 1 to 5"
	run --separate-stderr crm-ticket rate 1 0
	assert_error 65 "crm-ticket: rating: number '0' out of range 1 to 5"
	run --separate-stderr crm-ticket add --customer nobody@example.com --subject X
	assert_error 65 "crm-ticket: customer: no customer 'nobody@example.com'"
	run --separate-stderr crm-ticket rate 7 4
	assert_error 1 "crm-ticket: no ticket '7'"
	run --separate-stderr crm-ticket rate 1
	assert_error 64 "crm-ticket: rate needs TICKET and a rating from 1 to 5; see 'crm-ticket rate --help'"
	assert_unchanged "$before"
}

@test "several tickets move in one transaction, or none does" {
	crm-ticket add --customer 1 --subject A >/dev/null
	crm-ticket add --customer 1 --subject B >/dev/null
	crm-ticket status 2 resolved
	crm-ticket rate 2 3
	before=$(dump_db)
	# 1 is open: rating both fails both.
	run --separate-stderr crm-ticket update 2 1 --rating 5
	assert_failure 65
	assert_unchanged "$before"
	crm-ticket list --where status=open -H -o id | crm-ticket update - --priority urgent
	assert_equal "$(crm-ticket list -H -o id,priority | tr '\t\n' ':,')" "1:urgent,2:normal,"
}

@test "status and rate with an empty value are refused, not a reset" {
	crm-ticket add --customer 1 --subject S --priority high >/dev/null
	crm-ticket status 1 resolved
	crm-ticket rate 1 4
	before=$(dump_db)
	run --separate-stderr crm-ticket rate 1 ''
	assert_error 65 "crm-ticket: rating: no value given: expected a whole number from 1 to 5"
	run --separate-stderr crm-ticket status 1 ''
	assert_error 65 "crm-ticket: status: invalid value '': expected one of open, pending, resolved, closed"
	run --separate-stderr crm-ticket status 1 ' '
	assert_error 65 "crm-ticket: status: invalid value ' ': expected one of open, pending, resolved, closed"
	assert_unchanged "$before"
	# update clears a rating, as an empty value does everywhere.
	crm-ticket update 1 --rating ''
	run crm-ticket show 1 -H -o status,rating
	assert_output "$(printf 'resolved\t')"
}
