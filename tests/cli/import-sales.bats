#!/usr/bin/env bats
# crm-import deals, tickets, activities and campaign-members: the generic
# importer, matched on ref (members: campaign and customer).

load helper

setup() {
	common_setup
	init_db
	cd "$BATS_TEST_TMPDIR"
	crm-customer add --name A --email a@example.com --ref C-1 >/dev/null
	crm-customer add --name B --email b@example.com >/dev/null
	crm-campaign add --name Spring --starts-on 2026-03-01 >/dev/null
}

@test "deals import by ref, twice changes nothing, rows with bad values are rejected" {
	cat > deals.csv <<-'CSV'
	ref,customer,title,amount,stage,probability
	D1,a@example.com,Tea,100.00,proposal,
	D2,C-1,Cups,5,won,
	D3,99,Bad customer,1,lead,
	D4,1,Bad stage,1,maybe,
	D5,1,Bad probability,1,lead,200
	D6,1,Negative,-1,lead,
	CSV
	run --separate-stderr crm-import deals deals.csv --rejects rej.csv
	assert_failure 65
	assert_stderr_line "crm-import: line 4: customer: no customer '99'"
	assert_stderr_line "crm-import: line 5: stage: invalid value 'maybe': expected one of lead, qualified, proposal, negotiation, won, lost"
	assert_stderr_line "crm-import: line 6: probability: number '200' out of range 0 to 100"
	assert_stderr_line "crm-import: line 7: amount: invalid amount '-1': must not be negative"
	assert_stderr_line "crm-import: deals: 6 read, 2 inserted, 0 updated, 0 unchanged, 4 rejected, 0 repeated; batch 1"
	run crm-deal list -H -o ref,customer,stage,probability,manual_probability
	assert_output "$(printf 'D1\t1\tproposal\t50\tno\nD2\t1\twon\t100\tno')"
	assert_equal "$(wc -l < rej.csv)" 5
	before=$(dump_db | grep -v import_)
	run --separate-stderr crm-import deals deals.csv
	assert_stderr_line "crm-import: deals: 6 read, 0 inserted, 0 updated, 2 unchanged, 4 rejected, 0 repeated; batch 2"
	assert_equal "$(dump_db | grep -v import_)" "$before"
	printf 'ref,stage\nD1,negotiation\n' | crm-import deals --mode update - 2>/dev/null
	assert_equal "$(crm-deal show D1 -H -o stage,probability)" "$(printf 'negotiation\t75')"
	run crm-import revert 3
	assert_success
	assert_equal "$(crm-deal show D1 -H -o stage,probability)" "$(printf 'proposal\t50')"
}

@test "tickets and activities import with their rules" {
	cat > tickets.csv <<-'CSV'
	ref,customer,subject,status,priority,resolved_at,rating
	T1,1,Open one,open,high,,
	T2,b@example.com,Done one,closed,,2026-11-20 10:00,4
	T3,1,Rated open,open,,,3
	CSV
	run --separate-stderr crm-import tickets tickets.csv
	assert_failure 65
	assert_stderr_line "crm-import: line 4: a new ticket is open: a rating only on a resolved or closed ticket"
	run crm-ticket list -H -o ref,status,priority,rating
	assert_output "$(printf 'T1\topen\thigh\t\nT2\tclosed\tnormal\t4')"
	assert_equal "$(crm-ticket show T2 -H -o resolved_at)" 2026-11-20T10:00:00Z
	cat > acts.tsv <<-'TSV'
	ref	kind	subject	customer	ticket	due_at	done
	A1	task	call back	1		2026-11-23	no
	A2	call	called		T2		
	A3	call	bad			2026-11-23	
	TSV
	run --separate-stderr crm-import activities acts.tsv
	assert_failure 65
	assert_stderr_line "crm-import: line 4: a new activity is a call: only a task has due_at"
	run crm-activity list -H -o ref,kind,customer,ticket,due_at
	assert_output "$(printf 'A1\ttask\t1\t\t2026-11-23T00:00:00Z\nA2\tcall\t2\t2\t')"
	printf 'kind,subject\nnote,no ref\n' > notes.csv
	run --separate-stderr crm-import activities notes.csv --mode update
	assert_error 64 "crm-import: no key column: --mode update finds activities by ref; add that column or name one with --key"
	run --separate-stderr crm-import activities notes.csv --mode insert
	assert_success
}

@test "past tickets keep their created_at, so the hours to resolve are theirs" {
	cat > past.csv <<-'CSV'
	ref,customer,subject,status,created_at,resolved_at
	P1,1,Old one,closed,2026-01-01 10:00,2026-01-02 10:00
	P2,2,Older,resolved,2025-12-01 08:00,2025-12-01 20:00
	CSV
	crm-import tickets past.csv -q
	run crm-report tickets -H
	assert_line --index 2 "$(printf 'resolved\t1\t0\t1\t12.0\t')"
	assert_line --index 3 "$(printf 'closed\t1\t0\t1\t24.0\t')"
}

@test "campaign members import on campaign and customer, the last row winning" {
	cat > members.csv <<-'CSV'
	campaign,customer,status,responded_at
	Spring,a@example.com,sent,
	Spring,2,responded,2026-03-03
	1,b@example.com,converted,2026-03-04
	Autumn,1,sent,
	Spring,C-1,targeted,2026-03-05
	CSV
	run --separate-stderr crm-import campaign-members members.csv
	assert_failure 65
	assert_stderr_line "crm-import: line 5: campaign: no campaign 'Autumn'"
	assert_stderr_line "crm-import: line 6: customer 1 of campaign 1 is targeted: responded_at only for members who responded or converted"
	assert_stderr_line "crm-import: campaign members: 5 read, 1 inserted, 0 updated, 0 unchanged, 2 rejected, 2 repeated; batch 1"
	run crm-campaign member list Spring -H
	assert_output "$(printf '2\tB\tb@example.com\tconverted\t2026-03-04T00:00:00Z')"
	printf 'campaign,customer,status,responded_at\nSpring,1,responded,2026-02-01\n' > early.csv
	run --separate-stderr crm-import campaign-members early.csv
	assert_error 65 "crm-import: line 2: responded_at 2026-02-01T00:00:00Z is before campaign 1's start 2026-03-01
crm-import: campaign members: 1 read, 0 inserted, 0 updated, 0 unchanged, 1 rejected, 0 repeated; batch 2"
	printf 'campaign,customer,status\nSpring,1,sent\nSpring,2,converted\n' > ok.csv
	run --separate-stderr crm-import campaign-members ok.csv
	assert_success
	assert_stderr "crm-import: campaign members: 2 read, 1 inserted, 0 updated, 1 unchanged, 0 rejected, 0 repeated; batch 3"
	run --separate-stderr crm-import campaign-members ok.csv --mode insert
	assert_failure 65
	assert_stderr_line --index 0 "crm-import: line 2: campaign+customer 'Spring/1' exists already (campaign member 2)"
}

@test "orders import the campaign they are credited to" {
	crm-product add --sku TEA --name Tea --price 2 --stock 10 >/dev/null
	cat > orders.csv <<-'CSV'
	order_ref,customer,sku,quantity,ordered_at,campaign
	W1,a@example.com,TEA,1,2026-03-02,Spring
	W2,a@example.com,TEA,1,2026-02-02,Spring
	CSV
	run --separate-stderr crm-import orders orders.csv
	assert_failure 65
	assert_stderr_line "crm-import: line 3: ordered_at 2026-02-02T00:00:00Z is before campaign 1's start 2026-03-01"
	run crm-order list -H -o ref,campaign
	assert_output "$(printf 'W1\t1')"
}

@test "a deal imported to another customer takes its activities, and back on revert" {
	crm-deal add --customer 2 --title Tea --ref D1 >/dev/null
	crm-activity add --kind call --subject 'about tea' --deal D1 >/dev/null
	printf 'ref,customer,title\nD1,a@example.com,Tea\n' | crm-import deals - 2>/dev/null
	assert_equal "$(crm-activity show 1 -H -o customer)" 1
	run crm-import revert 1
	assert_success
	assert_equal "$(crm-deal show D1 -H -o customer)" 2
	assert_equal "$(crm-activity show 1 -H -o customer)" 2
	run crm-activity update 1 --subject 'about the tea'
	assert_success
}
