#!/usr/bin/env bats
# crm-field: custom fields (SPEC 4 "Custom fields"), and custom fields in
# every place a built-in field goes: --set, show, list, --where, --sort,
# the formats, import, reports, merge, completion.

load helper

setup() {
	common_setup
	init_db
	cd "$BATS_TEST_TMPDIR"
}

# The three fields of the issue, and three more types.
fields() {
	crm-field add customer industry --type enum --values retail,wholesale,tech
	crm-field add customer credit_limit --type money
	crm-field add customer contract_end --type date
	crm-field add customer score --type decimal
	crm-field add customer seats --type int
	crm-field add customer vip --type bool
}

# Three customers with values in them.
three() {
	crm-customer add --name Ann --set industry=retail --set credit_limit=1000.50 \
		--set contract_end=2027-01-31 --set score=10 --set seats=9 --set vip=yes >/dev/null
	crm-customer add --name Bob --set industry=Tech --set credit-limit=50 \
		--set contract_end=2026/12/01 --set score=9.5 --set seats=10 --set vip=no >/dev/null
	crm-customer add --name Cy >/dev/null
}

# ---- crm-field ----------------------------------------------------------

@test "add and list: every type, in the order added, in every format" {
	fields
	crm-field add contact birthday --type date
	crm-field add product colour --type text --index
	crm-field add orders channel --type enum --values web,shop
	run --separate-stderr crm-field list
	assert_success
	assert_stderr ''
	assert_output "$(printf '%s\n' \
		$'entity\tname\ttype\tvalues\tindexed' \
		$'contact\tbirthday\tdate\t\tno' \
		$'customer\tindustry\tenum\tretail,wholesale,tech\tyes' \
		$'customer\tcredit_limit\tmoney\t\tno' \
		$'customer\tcontract_end\tdate\t\tno' \
		$'customer\tscore\tdecimal\t\tno' \
		$'customer\tseats\tint\t\tno' \
		$'customer\tvip\tbool\t\tno' \
		$'order\tchannel\tenum\tweb,shop\tyes' \
		$'product\tcolour\ttext\t\tyes')"
	run crm-field list product -f json
	assert_output '{"entity":"product","name":"colour","type":"text","values":null,"indexed":true}'
	run crm-field list products -f csv -H
	assert_output 'product,colour,text,,yes'
}

@test "add writes nothing on success, and makes a column with an index for an enum" {
	run --separate-stderr crm-field add customer industry --type enum --values a,b
	assert_success
	assert_output ''
	assert_stderr ''
	run db_column customers industry
	assert_output industry
	run db_index customers cf_customers_industry
	assert_output cf_customers_industry
	run --separate-stderr crm-field add customer size --type int -v
	assert_stderr "crm-field: customer field 'size' added"
}

@test "enum values can be added later, at the end; values it has are no error" {
	crm-field add customer industry --type enum --values retail,tech
	crm-field add customer industry --values services,Tech,energy
	run crm-field list customer -H
	assert_output $'customer\tindustry\tenum\tretail,tech,services,energy\tyes'
	crm-customer add --name A --set industry=energy
	run crm-customer show 1 -o industry -f tsv -H
	assert_output energy
}

@test "a list of one entity's fields; no fields is an empty list" {
	run crm-field list customer
	assert_success
	assert_output $'entity\tname\ttype\tvalues\tindexed'
}

# ---- bad definitions: one line, the SPEC's code, nothing changed ---------

@test "names: built-in, reserved, malformed and too long names are refused (65)" {
	before=$(dump_db)
	run --separate-stderr crm-field add customer email --type text
	assert_error 65 "crm-field: invalid field name 'email': customer has a built-in field of that name"
	run --separate-stderr crm-field add customer orders --type int
	assert_error 65 "crm-field: invalid field name 'orders': customer has a built-in field of that name"
	run --separate-stderr crm-field add customer rowid --type text
	assert_error 65 "crm-field: invalid field name 'rowid': the name is reserved"
	run --separate-stderr crm-field add customer all --type text
	assert_error 65 "crm-field: invalid field name 'all': the name is reserved"
	for bad in Industry 1st credit-limit 'credit limit' '_x' 'a"b' 'x;DROP TABLE customers' '行业' ''; do
		run --separate-stderr crm-field add customer "$bad" --type text
		assert_error 65 "crm-field: invalid field name '$bad': it must start with a letter a-z and hold only a-z, 0-9 and _"
	done
	run --separate-stderr crm-field add customer "a$(printf 'b%.0s' {1..40})" --type text
	assert_failure 65
	assert_stderr --regexp "longer than 40 characters"
	assert_unchanged "$before"
}

@test "types, values and entities: usage errors (64), bad lists (65), nothing changed" {
	before=$(dump_db)
	run --separate-stderr crm-field add customer x --type float
	assert_error 64 "crm-field: invalid --type 'float': expected one of text int decimal money date bool enum"
	run --separate-stderr crm-field add customer x
	assert_error 64 "crm-field: a new field needs --type: one of text int decimal money date bool enum"
	run --separate-stderr crm-field add customer x --type enum
	assert_error 64 "crm-field: an enum field needs --values a,b,c"
	run --separate-stderr crm-field add customer x --type int --values 1,2
	assert_error 64 "crm-field: --values goes with --type enum"
	run --separate-stderr crm-field add customer x --type enum --values a,,b
	assert_error 65 "crm-field: invalid --values 'a,,b': an empty value"
	run --separate-stderr crm-field add customer x --type enum --values a,B,b
	assert_error 65 "crm-field: invalid --values 'a,B,b': 'b' twice"
	run --separate-stderr crm-field add client x --type text
	assert_error 64 "crm-field: unknown entity 'client'; entities: customer, contact, product, order, campaign, deal, ticket, activity; see 'crm-field add --help'"
	run --separate-stderr crm-field add customer
	assert_error 64 "crm-field: give ENTITY and NAME; see 'crm-field add --help'"
	run --separate-stderr crm-field frob
	assert_failure 64
	assert_unchanged "$before"
}

@test "a field that exists is refused (65); an enum says how to add values" {
	fields
	before=$(dump_db)
	run --separate-stderr crm-field add customer seats --type int
	assert_error 65 "crm-field: customer already has a field 'seats' (int); --index alone indexes it"
	run --separate-stderr crm-field add customer industry --type text
	assert_error 65 "crm-field: customer already has a field 'industry' (enum); --values adds values to it"
	run --separate-stderr crm-field add customer seats --values a
	assert_error 65 "crm-field: customer already has a field 'seats' (int); --index alone indexes it"
	run --separate-stderr crm-field add customer seats --type text --index
	assert_error 65 "crm-field: customer already has a field 'seats' (int); --index alone indexes it"
	assert_unchanged "$before"
}

@test "--index alone on a field that exists indexes it" {
	crm-field add customer contract_end --type date
	crm-customer add --name A --set contract_end=2027-01-01 >/dev/null
	run --separate-stderr crm-field add customer contract_end --index -v
	assert_success
	assert_stderr "crm-field: customer field 'contract_end' indexed"
	run crm-field list customer -H
	assert_output $'customer\tcontract_end\tdate\t\tyes'
	run db_index customers cf_customers_contract_end
	assert_output cf_customers_contract_end
	crm-field add customer contract_end --index
	run crm-customer list -H -o name --where 'contract_end>2026-12-31'
	assert_output A
}

@test "drop: refused while values exist (65, nothing changed), --force drops them" {
	fields
	three
	before=$(dump_db)
	run --separate-stderr crm-field drop customer industry
	assert_error 65 "crm-field: customer field 'industry' holds a value in 2 customers; --force drops it with them"
	assert_unchanged "$before"
	run --separate-stderr crm-field drop customer industry --force
	assert_success
	assert_stderr "crm-field: customer field 'industry' dropped with its values in 2 customers"
	run db_column customers industry
	assert_output ''
	run db_sql "SELECT count(*) FROM custom_field_values"
	assert_output 0
	run --separate-stderr crm-customer list --where industry=retail
	assert_failure 64
	assert_stderr --regexp "^crm-customer: unknown field 'industry' for customer; known: .*credit_limit"
}

@test "drop: an empty field goes without --force; an unknown one is a usage error" {
	crm-field add customer note --type text
	crm-customer add --name A >/dev/null
	run --separate-stderr crm-field drop customer note
	assert_success
	assert_stderr ''
	run crm-field list customer -H
	assert_output ''
	run --separate-stderr crm-field drop customer note
	assert_error 64 "crm-field: no custom field 'note' for customer; its custom fields: none"
	run --separate-stderr crm-field drop customer email
	assert_error 64 "crm-field: no custom field 'email' for customer; its custom fields: none"
	# The name can be used again, with another type.
	crm-field add customer note --type int
	crm-customer update 1 --set note=5
	run crm-customer show 1 -o note -H
	assert_output 5
}

# ---- values: --set, show, list, formats ----------------------------------

@test "--set on add and update; show and list -o all write them after the built-in fields" {
	fields
	three
	run crm-customer show 1 -f tsv -o name,industry,credit_limit,contract_end,score,seats,vip
	assert_output "$(printf 'name\tindustry\tcredit_limit\tcontract_end\tscore\tseats\tvip\nAnn\tretail\t1000.50\t2027-01-31\t10\t9\tyes')"
	run crm-customer list -H -o all -f tsv --where name=Bob
	assert_output --regexp $'\tBob\t.*\ttech\t50.00\t2026-12-01\t9.5\t10\tno$'
	run crm-customer list -o all -f tsv
	assert_line --index 0 --regexp $'\tlast_order\tindustry\tcredit_limit\tcontract_end\tscore\tseats\tvip$'
	crm-customer update 2 --set industry=wholesale --set seats= --set credit_limit=-20
	run crm-customer show 2 -f tsv -H -o industry,seats,credit_limit
	assert_output $'wholesale\t\t-20.00'
	# The default list columns stay the built-in ones.
	run crm-customer list -H -f tsv --where name=Ann
	refute_output --partial retail
}

@test "json writes numbers and money as numbers, bools as true/false, empty as null" {
	fields
	three
	run crm-customer show 1 -f json -o industry,credit_limit,contract_end,score,seats,vip
	assert_output '{"industry":"retail","credit_limit":1000.50,"contract_end":"2027-01-31","score":10,"seats":9,"vip":true}'
	run crm-customer show 3 -f json -o industry,credit_limit,vip
	assert_output '{"industry":null,"credit_limit":null,"vip":null}'
	run crm-customer show 1 -f csv -o name,industry,credit_limit
	assert_output "$(printf 'name,industry,credit_limit\nAnn,retail,1000.50')"
	# A decimal is stored as a JSON number, however it was typed.
	crm-customer update 3 --set score=+.5
	crm-customer update 2 --set score=007.
	run crm-customer list -f json -o score --where score!=
	assert_output "$(printf '{"score":10}\n{"score":7}\n{"score":0.5}')"
	run python3 -c 'import json, sys; [json.loads(l) for l in sys.stdin]' <<<"$(crm-customer list -f json -o all)"
	assert_success
}

@test "a value of the wrong type is refused for each type (65), nothing changed" {
	fields
	three
	before=$(dump_db)
	run --separate-stderr crm-customer add --name X --set seats=abc
	assert_error 65 "crm-customer: seats: invalid number 'abc': expected a whole number, like 1234 or 6,000"
	run --separate-stderr crm-customer update 1 --set seats=1.5
	assert_error 65 "crm-customer: seats: invalid number '1.5': expected a whole number, like 1234 or 6,000"
	run --separate-stderr crm-customer add --name X --set contract_end=2026-02-30
	assert_failure 65
	assert_stderr --regexp "^crm-customer: contract_end: invalid date '2026-02-30'"
	run --separate-stderr crm-customer update 1 --set vip=maybe
	assert_failure 65
	assert_stderr --regexp "^crm-customer: vip: invalid boolean 'maybe'"
	run --separate-stderr crm-customer add --name X --set credit_limit=1.234
	assert_error 65 "crm-customer: credit_limit: invalid amount '1.234': more than two fraction digits"
	run --separate-stderr crm-customer update 1 2 --set industry=energy
	assert_error 65 "crm-customer: industry: invalid value 'energy': expected one of retail, wholesale, tech"
	run --separate-stderr crm-customer add --name X --set score=1,5
	assert_failure 65
	assert_stderr --regexp "^crm-customer: score: invalid number '1,5'"
	run --separate-stderr crm-customer add --name X --set nope=1
	assert_failure 64
	assert_stderr --regexp "^crm-customer: unknown field 'nope' for customer; known: id, .*, industry, credit_limit, contract_end, score, seats, vip$"
	assert_unchanged "$before"
}

@test "a custom field of one entity is unknown to another" {
	crm-field add product colour --type text
	run --separate-stderr crm-customer add --name X --set colour=red
	assert_failure 64
	id=$(crm-product add --sku S1 --name P --price 1 --set colour=' red ')
	run crm-product show "$id" -o colour -H
	assert_output red
}

# ---- --where and --sort --------------------------------------------------

@test "--where with every operator, compared by type" {
	fields
	three
	crm-customer add --name Dee --set score=100 --set seats=-2 --set credit_limit=9.99 --set contract_end=2026-12-31 >/dev/null
	w() { crm-customer list -H -o name "$@" | paste -sd, -; }
	# int: numbers, not text ("10" > "9")
	assert_equal "$(w --where 'seats>9')" Bob
	assert_equal "$(w --where 'seats<=9')" Ann,Dee
	assert_equal "$(w --where 'seats!=10')" Ann,Cy,Dee
	# decimal: as numbers too ("100" > "9.5")
	assert_equal "$(w --where 'score>9.6')" Ann,Dee
	assert_equal "$(w --where 'score=10.00')" Ann
	assert_equal "$(w --where 'score<10')" Bob
	assert_equal "$(w --where 'score~.5')" Bob
	# money
	assert_equal "$(w --where 'credit_limit>=50')" Ann,Bob
	assert_equal "$(w --where 'credit_limit<50.00')" Dee
	# dates, in any form crm reads
	assert_equal "$(w --where 'contract_end<2027/01/01')" Bob,Dee
	assert_equal "$(w --where 'contract_end>=2027-01-31')" Ann
	# bool
	assert_equal "$(w --where vip=yes)" Ann
	assert_equal "$(w --where vip=false)" Bob
	# enum: in any case; ~ is a substring
	assert_equal "$(w --where industry=TECH)" Bob
	assert_equal "$(w --where 'industry~ret')" Ann
	# empty and not empty
	assert_equal "$(w --where industry=)" Cy,Dee
	assert_equal "$(w --where industry!=)" Ann,Bob
	# all must hold
	assert_equal "$(w --where 'seats>0' --where 'credit_limit<100')" Bob
}

@test "--where: a value its type cannot hold and an unknown field are usage errors" {
	fields
	run --separate-stderr crm-customer list --where 'seats>abc'
	assert_failure 64
	assert_stderr --regexp "^crm-customer: invalid filter 'seats>abc': seats: invalid number"
	run --separate-stderr crm-customer list --where 'industry=energy'
	assert_failure 64
	assert_stderr --regexp "^crm-customer: invalid filter 'industry=energy'"
	run --separate-stderr crm-customer list --where 'vip~y'
	assert_error 64 "crm-customer: invalid filter 'vip~y': ~ needs a text field, vip is bool"
	run --separate-stderr crm-customer list --where 'nope=1'
	assert_failure 64
	assert_stderr --regexp "known: .*industry"
}

@test "--sort orders by type: numbers as numbers, dates as dates" {
	fields
	three
	crm-customer add --name Dee --set score=100 --set seats=-2 --set contract_end=2026-12-31 >/dev/null
	s() { crm-customer list -H -o name --sort "$1" | paste -sd, -; }
	assert_equal "$(s score)" Cy,Bob,Ann,Dee
	assert_equal "$(s -score)" Dee,Ann,Bob,Cy
	assert_equal "$(s seats)" Cy,Dee,Ann,Bob
	assert_equal "$(s -contract_end,name)" Ann,Dee,Bob,Cy
	assert_equal "$(s industry,-name)" Dee,Cy,Ann,Bob
}

# ---- import, revert, report, merge ---------------------------------------

@test "import: columns matched by name; a bad value rejects its row" {
	fields
	printf '%s\n' 'Name,Email,Industry,Credit Limit,contract-end,SCORE' \
		'X,x@e.com,Retail,100,2027-01-01,1.5' \
		'Y,y@e.com,bogus,5,,' \
		'Z,z@e.com,tech,1.999,,' \
		'W,w@e.com,,,,' >c.csv
	run --separate-stderr crm-import customers c.csv --rejects rej.csv
	assert_failure 65
	assert_equal "${stderr_lines[0]}" "crm-import: line 3: industry: invalid value 'bogus': expected one of retail, wholesale, tech"
	assert_equal "${stderr_lines[1]}" "crm-import: line 4: credit_limit: invalid amount '1.999': more than two fraction digits"
	run crm-customer list -H -o name,industry,credit_limit,contract_end,score
	assert_output "$(printf 'X\tretail\t100.00\t2027-01-01\t1.5\nW\t\t\t\t')"
	run cat rej.csv
	assert_line --index 0 'Name,Email,Industry,Credit Limit,contract-end,SCORE,_line,_error'
	# An unknown column still stops the file, and names the custom fields.
	printf 'name,colour\nA,red\n' >d.csv
	run --separate-stderr crm-import customers d.csv
	assert_failure 64
	assert_stderr --regexp "^crm-import: unknown column 'colour' \(known: .*, industry, credit_limit, contract_end, score, seats, vip\)"
}

@test "import --mode update changes custom fields; revert puts them back" {
	fields
	three
	crm-customer update 1 --email ann@e.com
	before=$(crm-customer show 1 -f tsv -o all)
	printf 'email,industry,seats\nann@e.com,tech,\n' >u.csv
	crm-import customers --mode update u.csv -q
	run crm-customer show 1 -H -f tsv -o industry,seats
	assert_output $'tech\t'
	run --separate-stderr crm-import customers --mode update u.csv
	assert_stderr --partial '0 updated, 1 unchanged'
	# A field added since the import does not stop the revert.
	crm-field add customer note --type text
	crm-import revert 1 -q
	cols=$(printf '%s\n' "$before" | head -n 1 | tr '\t' ,)
	assert_equal "$(crm-customer show 1 -f tsv -o "$cols")" "$before"
	run crm-customer show 1 -H -f tsv -o industry,seats
	assert_output $'retail\t9'
}

@test "import orders: an order's custom field from its column" {
	crm-field add order channel --type enum --values web,shop
	crm-customer add --name A --email a@e.com >/dev/null
	crm-product add --sku S1 --name P --price 2 --stock 10 >/dev/null
	printf 'order_ref,customer,sku,quantity,channel\nW1,a@e.com,S1,2,Web\n' >o.csv
	crm-import orders o.csv -q
	run crm-order list -H -o ref,channel,total
	assert_output $'W1\tweb\t4.00'
}

@test "crm-report sales --group a custom field" {
	crm-field add customer industry --type enum --values retail,tech
	a=$(crm-customer add --name A --set industry=retail)
	b=$(crm-customer add --name B --set industry=tech)
	c=$(crm-customer add --name C)
	crm-product add --sku S1 --name P --price 10 --stock 100 >/dev/null
	crm-order add --customer "$a" --line S1:1 >/dev/null
	crm-order add --customer "$b" --line S1:3 >/dev/null
	crm-order add --customer "$b" --line S1:1 >/dev/null
	crm-order add --customer "$c" --line S1:2 >/dev/null
	run --separate-stderr crm-report sales --group industry -f tsv
	assert_success
	assert_output "$(printf 'industry\torders\tunits\trevenue\tavg_order\ntech\t2\t4\t40.00\t20.00\n\t1\t2\t20.00\t20.00\nretail\t1\t1\t10.00\t10.00')"
	run --separate-stderr crm-report sales --group industry --where industry=tech -H -f tsv
	assert_output $'tech\t2\t4\t40.00\t20.00'
}

@test "merge keeps the other's custom values where the kept one has none" {
	crm-field add customer industry --type enum --values retail,tech
	crm-field add customer seats --type int
	crm-customer add --name A --set seats=3 >/dev/null
	crm-customer add --name B --set industry=tech --set seats=7 >/dev/null
	crm-customer merge 1 2 -q
	run crm-customer show 1 -H -f tsv -o name,industry,seats
	assert_output $'A\ttech\t3'
}

@test "import: a row without a key is matched on its custom values too" {
	crm-field add customer industry --type enum --values retail,tech
	crm-field add customer seats --type int
	printf 'name,email,industry,seats\nAnn,,retail,3\nBob,,,\n' >k.csv
	# Into an empty table: the custom field's index is set aside and back.
	run --separate-stderr crm-import customers k.csv
	assert_stderr "crm-import: customers: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected, 0 repeated; batch 1"
	run db_index customers cf_customers_industry
	assert_output cf_customers_industry
	run --separate-stderr crm-import customers k.csv
	assert_stderr "crm-import: customers: 2 read, 0 inserted, 0 updated, 2 unchanged, 0 rejected, 0 repeated; batch 2"
	# The built-in values are Ann's, the custom ones are not: another Ann.
	printf 'name,email,industry,seats\nAnn,,tech,3\nAnn,,retail,\n' >d.csv
	run --separate-stderr crm-import customers d.csv
	assert_stderr "crm-import: customers: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected, 0 repeated; batch 3"
	run crm-customer list -H -f tsv -o name,industry,seats --sort id
	assert_output "$(printf 'Ann\tretail\t3\nBob\t\t\nAnn\ttech\t3\nAnn\tretail\t')"
}

@test "deals, tickets, activities, campaigns: custom fields set, listed, filtered, their rules kept" {
	crm-customer add --name Z --email z@example.com >/dev/null
	crm-field add deal region --type enum --values north,south
	crm-field add deal budget --type money
	crm-field add ticket channel --type text
	crm-field add activity mood --type bool
	crm-field add campaign region --type text
	crm-deal add --customer 1 --title T --amount 100 --set region=North >/dev/null
	crm-deal add --customer 1 --title U --stage proposal --set budget=12.5 >/dev/null
	# An update of a deal runs its rules: the stage sets the probability.
	run --separate-stderr crm-deal update 1 --set region=south --stage negotiation
	assert_success
	assert_stderr ''
	run crm-deal list -H -f tsv -o id,title,stage,probability,region,budget
	assert_output "$(printf '1\tT\tnegotiation\t75\tsouth\t\n2\tU\tproposal\t50\t\t12.50')"
	run crm-deal list -H -o id --where region=south
	assert_output 1
	run crm-deal list -H -o id --where 'budget>=10'
	assert_output 2
	run crm-deal list -H -o id --sort -region
	assert_output "$(printf '1\n2')"
	crm-deal stage 2 won
	crm-deal update 2 --set budget=
	run crm-deal show 2 -f json -o stage,probability,budget
	assert_output '{"stage":"won","probability":100,"budget":null}'
	# A bad value changes nothing.
	run --separate-stderr crm-deal update 1 --set region=east --stage won
	assert_failure 65
	assert_stderr --partial "region: invalid value 'east'"
	assert_equal "$(crm-deal show 1 -H -f tsv -o stage,region)" $'negotiation\tsouth'
	# Tickets: the rules still refuse, a custom field is no way around them.
	crm-ticket add --customer 1 --subject S --set channel=phone >/dev/null
	run --separate-stderr crm-ticket update 1 --set channel=mail --rating 5
	assert_failure 65
	assert_equal "$(crm-ticket show 1 -H -o channel)" phone
	crm-ticket update 1 --set channel=mail --status resolved
	run crm-ticket list -H -f tsv -o id,status,channel --where channel=mail
	assert_output $'1\tresolved\tmail'
	crm-activity add --kind call --subject x --set mood=yes >/dev/null
	crm-activity update 1 --set mood=no
	run crm-activity list -H -o id,mood --where mood=no
	assert_output $'1\tno'
	crm-campaign add --name Spring --set region=east >/dev/null
	crm-campaign update Spring --set region=west
	run crm-campaign list -H -f tsv -o name,region --where region=west
	assert_output $'Spring\twest'
}

@test "import deals: custom columns, on insert and on update by ref" {
	crm-customer add --name Z --email z@example.com >/dev/null
	crm-field add deal region --type enum --values north,south
	printf 'customer,title,ref,region,stage\nz@example.com,T,D-1,North,lead\n' >d.csv
	crm-import deals d.csv -q
	printf 'customer,title,ref,region,stage\nz@example.com,T,D-1,south,won\n' >u.csv
	crm-import deals u.csv -q
	run crm-deal list -H -f tsv -o ref,stage,probability,region
	assert_output $'D-1\twon\t100\tsouth'
}

# ---- completion ----------------------------------------------------------

@test "completion: custom field names and enum values come from the database" {
	crm-field add customer industry --type enum --values retail,wholesale
	crm-field add customer vip --type bool
	run crm-customer --completion-helper list --where
	assert_line industry
	assert_line vip
	run crm-customer --completion-helper update --set
	assert_line industry=
	run crm-customer --completion-helper list --fields
	assert_line industry
	run crm-customer --completion-helper list --industry
	assert_output "$(printf 'retail\nwholesale')"
	run crm-customer --completion-helper list --vip
	assert_output "$(printf 'yes\nno')"
	run crm-field --completion-helper add --type
	assert_output "$(printf 'text\nint\ndecimal\nmoney\ndate\nbool\nenum')"
	# Without a database: the built-in fields, no error.
	CRM_DB=$BATS_TEST_TMPDIR/none.db run --separate-stderr crm-customer --completion-helper list --where
	assert_success
	assert_stderr ''
	refute_line industry
	assert_line segment
}

@test "bash: --where FIELD= completes a custom enum's values" {
	crm-field add customer industry --type enum --values retail,wholesale
	run bash_complete crm-customer list --where industry = wh
	assert_success
	assert_output wholesale
}

@test "crm field runs crm-field" {
	crm-field add customer seats --type int
	run crm field list -H customer
	assert_output $'customer\tseats\tint\t\tno'
}
