#!/usr/bin/env bats
# crm-admin backup, verify, restore, keygen (SPEC 9): a backup is whole,
# checked, encrypted when asked, and restores onto either backend.

load helper

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	unset CRM_BACKUP_PASSPHRASE TMPDIR
}

# A database with a record of every kind, custom fields and an import.
fill() {
	crm-admin init -q
	crm-field add customer industry --type enum --values retail,tech -q
	crm-field add customer credit --type money -q
	crm-customer add --name '张三丰' --email zhang@example.com --city 北京 \
		--set industry=retail --set credit=1000.50 -q >/dev/null
	printf 'name,email,city\nAlice,alice@example.com,上海\nBob,bob@example.com,上海\n' >c.csv
	crm-import customers c.csv -q
	printf 'name,email,city\nCarol,carol@example.com,广州\n' >d.csv
	crm-import customers d.csv -q
	crm-contact add --customer zhang@example.com --name '李四' -q >/dev/null
	crm-product add --sku TEA-01 --name 龙井茶 --price 128.00 --stock 40 -q >/dev/null
	crm-campaign add --name Spring --channel email --starts-on 2026-03-01 -q >/dev/null
	crm-customer list --where city=上海 -H -o id | crm-campaign member add Spring - -q
	crm-order add --customer zhang@example.com --ref WEB-1 --campaign Spring \
		--line TEA-01:2 -q >/dev/null
	crm-deal add --customer zhang@example.com --title Tea --amount 500 -q >/dev/null
	crm-ticket add --customer zhang@example.com --subject '发票' --ref HD-7 -q >/dev/null
	crm-activity add --kind call --subject '已回电' --ticket HD-7 -q >/dev/null
}

# What every binary shows of a database (-d $1), on either backend.
listing() {
	local n
	for n in customer contact product order deal ticket activity campaign; do
		echo "== $n"
		crm-$n list -d "$1" -f tsv -o all
	done
	echo "== fields"
	crm-field list -d "$1" -f tsv
	echo "== batches"
	crm-import log -d "$1" -f tsv
}

# A database restored and its source show the same.
assert_same_listing() {
	local a b
	a=$(listing "$1")
	b=$(listing "$2")
	if [ "$a" != "$b" ]; then
		diff <(echo "$a") <(echo "$b") | batslib_decorate 'listings differ' | fail
	fi
}

@test "a backup restores into a new database with every record, field and batch" {
	fill
	run --separate-stderr crm-admin backup b.crmbak
	assert_success
	assert_output ''
	[ "$(stat -c %a b.crmbak)" = 600 ]
	head -n 1 b.crmbak | grep -qx 'crm-backup 1'
	grep -aqx "schema $(db_version)" b.crmbak
	grep -aqx 'encryption none' b.crmbak
	grep -aq '^counts .*customers=4 ' b.crmbak
	run --separate-stderr crm-admin verify b.crmbak
	assert_success
	assert_stderr --regexp "^crm-admin: verified 'b.crmbak': schema [0-9]+, made 20[0-9-]+T[0-9:]+Z from (sqlite|postgresql) "
	run --separate-stderr crm-admin restore -d new.db b.crmbak
	assert_success
	assert_same_listing "$CRM_DB" new.db
	# the restored import log can still revert a batch
	run crm-import revert 2 -d new.db -q
	assert_success
	run crm-customer list -d new.db -H -o name --where city=广州
	assert_output ''
}

@test "restore --force puts the database back exactly as it was" {
	fill
	before=$(dump_db)
	crm-admin backup b.crmbak -q
	crm-customer add --name Later -q >/dev/null
	crm-field add customer extra --type text -q
	run --separate-stderr crm-admin restore b.crmbak
	assert_error 73 "crm-admin: '$CRM_DB' holds records; --force replaces them with the backup's"
	[ "$(crm-customer list -H -o name | grep -c Later)" = 1 ]
	run --separate-stderr crm-admin restore --force b.crmbak -q
	assert_success
	assert_unchanged "$before"
	run crm-admin check -q
	assert_success
}

@test "a database holding no records takes a restore without --force" {
	fill
	crm-admin backup b.crmbak -q
	crm-admin init -q -d empty.db
	run --separate-stderr crm-admin restore -d empty.db b.crmbak -q
	assert_success
	assert_same_listing "$CRM_DB" empty.db
}

@test "a backup of one backend restores onto the other" {
	if ! on_pg; then
		skip "needs a PostgreSQL server"
	fi
	fill
	# server -> file
	crm-admin backup pg.crmbak -q
	crm-admin restore -d file.db pg.crmbak -q
	assert_same_listing "$CRM_DB" file.db
	# file -> server, over what the server holds
	crm-customer add -d file.db --name 'Only in the file' -q >/dev/null
	crm-admin backup -d file.db file.crmbak -q
	crm-admin restore --force file.crmbak -q
	assert_same_listing file.db "$CRM_DB"
	run crm-admin check -q
	assert_success
}

@test "backup never replaces a file without --force; a folder or a terminal is refused" {
	crm-admin init -q
	echo keep >b.crmbak
	run --separate-stderr crm-admin backup b.crmbak
	assert_error 73 "crm-admin: 'b.crmbak' exists; --force replaces it"
	[ "$(cat b.crmbak)" = keep ]
	run --separate-stderr crm-admin backup --force b.crmbak
	assert_success
	crm-admin verify b.crmbak -q
	run --separate-stderr crm-admin backup --dir nowhere
	assert_error 73 "crm-admin: 'nowhere' is not a folder"
	run --separate-stderr crm-admin backup
	assert_failure 64
	run --separate-stderr crm-admin backup --keep 2 b2.crmbak
	assert_failure 64
	assert_stderr --partial "crm-admin: --keep is for --dir"
	mkdir d
	for k in 0 -1 x ''; do
		run --separate-stderr crm-admin backup --dir d --keep "$k"
		assert_failure 64
	done
	[ -z "$(ls -A d)" ]
	run --separate-stderr crm-admin backup --dir d b3.crmbak
	assert_failure 64
	assert_stderr --partial "crm-admin: a FILE or --dir, not both"
	run script -qec 'crm-admin backup -' /dev/null
	assert_failure 64
	assert_output --partial "a backup is not for a terminal"
}

@test "backup - writes to a pipe, verify - and restore - read one" {
	fill
	run bash -c 'crm-admin backup - | crm-admin verify - -q'
	assert_success
	run bash -c 'crm-admin backup - | crm-admin restore -d piped.db - -q'
	assert_success
	assert_same_listing "$CRM_DB" piped.db
}

@test "a passphrase from a file or the environment; wrong 65, missing 64; never in the file" {
	fill
	printf 'correct horse battery\n' >pass
	printf 'wrong horse\n' >bad
	crm-admin backup --passphrase-file pass p.crmbak -q
	grep -aq '^encryption passphrase argon2id ' p.crmbak
	! grep -aq 'correct horse' p.crmbak
	run --separate-stderr crm-admin verify p.crmbak
	assert_failure 64
	assert_equal "${#stderr_lines[@]}" 1
	assert_stderr --partial 'passphrase'
	run --separate-stderr crm-admin verify --passphrase-file bad p.crmbak
	assert_failure 65
	assert_equal "${#stderr_lines[@]}" 1
	! grep -q horse <<<"$stderr"
	run --separate-stderr crm-admin verify --passphrase-file pass p.crmbak -q
	assert_success
	CRM_BACKUP_PASSPHRASE='correct horse battery' run --separate-stderr \
		crm-admin restore -d p.db p.crmbak -q
	assert_success
	assert_same_listing "$CRM_DB" p.db
	# the environment encrypts too
	CRM_BACKUP_PASSPHRASE=s3cret crm-admin backup e.crmbak -q
	grep -aq '^encryption passphrase' e.crmbak
	CRM_BACKUP_PASSPHRASE=s3cret run crm-admin verify e.crmbak -q
	assert_success
	# an empty passphrase file is refused, before anything is written
	: >empty
	run --separate-stderr crm-admin backup --passphrase-file empty x.crmbak
	assert_error 64 "crm-admin: 'empty' holds an empty passphrase"
	[ ! -e x.crmbak ]
	run --separate-stderr crm-admin backup --passphrase-file missing x.crmbak
	assert_failure 66
	[ ! -e x.crmbak ]
}

@test "keygen and --recipient: the writer cannot read its backup, the secret key can" {
	fill
	run --separate-stderr crm-admin keygen key
	assert_success
	[[ $output =~ ^crmpk1[0-9a-f]{64}$ ]]
	[ "$(stat -c %a key)" = 600 ]
	[ "$(cat key.pub)" = "$output" ]
	grep -Eqx 'crmsk1[0-9a-f]{64}' key
	run --separate-stderr crm-admin keygen key
	assert_failure 73
	crm-admin keygen other -q >/dev/null
	crm-admin backup --recipient key.pub r1.crmbak -q
	crm-admin backup --recipient "$(cat key.pub)" r2.crmbak -q
	grep -aq "^encryption recipient x25519 to=${output#crmpk1}" r1.crmbak ||
		grep -aq "^encryption recipient" r1.crmbak
	run --separate-stderr crm-admin verify r1.crmbak
	assert_failure 64
	run --separate-stderr crm-admin verify --secret-key other r1.crmbak
	assert_failure 65
	run --separate-stderr crm-admin verify --secret-key key r1.crmbak -q
	assert_success
	run --separate-stderr crm-admin restore --secret-key key -d r.db r2.crmbak -q
	assert_success
	assert_same_listing "$CRM_DB" r.db
	run --separate-stderr crm-admin backup --recipient crmpk1zz bad.crmbak
	assert_failure 64
	run --separate-stderr crm-admin backup --recipient key.pub --passphrase-file key x.crmbak
	assert_error 64 "crm-admin: a backup is for a passphrase or for a recipient, not both"
}

@test "a changed, cut or lengthened backup fails verify with 65, and restore touches nothing" {
	crm-admin init -q
	crm-customer add --name A -q >/dev/null
	crm-admin backup b.crmbak -q
	size=$(stat -c %s b.crmbak)
	before=$(dump_db)
	for off in 0 5 20 60 $((size / 3)) $((size / 2)) $((size - 40)) $((size - 1)); do
		cp b.crmbak t.crmbak
		printf '\x5a' | dd of=t.crmbak bs=1 seek="$off" conv=notrunc status=none
		cmp -s b.crmbak t.crmbak || {
			run --separate-stderr crm-admin verify t.crmbak
			[ "$status" -eq 65 ] || [ "$status" -eq 78 ] ||
				fail "a byte changed at $off: exit $status"
			assert_equal "${#stderr_lines[@]}" 1
		}
	done
	for len in 0 10 100 $((size / 2)) $((size - 1)); do
		head -c "$len" b.crmbak >t.crmbak
		run --separate-stderr crm-admin verify t.crmbak
		[ "$status" -eq 65 ] || fail "cut to $len: exit $status"
	done
	cp b.crmbak t.crmbak
	printf x >>t.crmbak
	run --separate-stderr crm-admin verify t.crmbak
	assert_failure 65
	printf '\x5a' | dd of=t.crmbak bs=1 seek=$((size / 2)) conv=notrunc status=none
	run --separate-stderr crm-admin restore --force t.crmbak
	assert_failure 65
	assert_unchanged "$before"
	run --separate-stderr crm-admin verify missing.crmbak
	assert_failure 66
	echo 'not a backup' >text
	run --separate-stderr crm-admin verify text
	assert_failure 65
}

@test "a backup of a newer schema: 78 on restore; a newer database: 78 on backup" {
	crm-admin init -q
	crm-admin backup b.crmbak -q
	v=$(db_version)
	sed "0,/^schema $v\$/s//schema 99/" b.crmbak >n.crmbak
	run --separate-stderr crm-admin restore -d n.db n.crmbak
	assert_failure 78
	assert_stderr --partial 'schema 99'
	[ ! -e n.db ]
	db_version 99
	run --separate-stderr crm-admin backup x.crmbak
	assert_failure 78
	[ ! -e x.crmbak ]
}

@test "--dir names backups by time and --keep leaves the newest N and other files" {
	crm-admin init -q
	mkdir b
	touch b/notes.txt b/crm-old.crmbak
	for i in 1 2 3; do
		run --separate-stderr crm-admin backup --dir b --keep 2
		assert_success
		[[ $output =~ ^b/crm-[0-9]{8}T[0-9]{6}Z(-[0-9]+)?\.crmbak$ ]]
		crm-admin verify "$output" -q
		last=$output
	done
	run bash -c 'ls b | grep -E "^crm-[0-9]{8}T[0-9]{6}Z(-[0-9]+)?\.crmbak$" | wc -l'
	assert_output 2
	[ -e b/notes.txt ] && [ -e b/crm-old.crmbak ] && [ -e "$last" ]
	[ -z "$(ls -A b | grep '^\.')" ]
	# within one second, -2, -3 ...
	run bash -c 'for i in 1 2 3; do crm-admin backup --dir b -q; done | sort'
	assert_success
	[ "${#lines[@]}" = 3 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" = 3 ]
	[ "$(stat -c %a "${lines[0]}")" = 600 ]
}

@test "a backup while another process writes is whole and consistent" {
	fill
	( for i in $(seq 1 200); do
		crm-customer add --name "W$i" -q >/dev/null 2>&1 || true
	done ) &
	writer=$!
	sleep 0.3
	run --separate-stderr crm-admin backup w.crmbak
	wait "$writer"
	assert_success
	crm-admin verify w.crmbak -q
	crm-admin restore -d w.db w.crmbak -q
	run crm-admin check -d w.db -q
	assert_success
	n=$(crm-customer list -d w.db -H -o id | wc -l)
	grep -aq "^counts .*customers=$n " w.crmbak
}

@test "kill -9 during a backup never leaves a file that verifies as whole" {
	seq 1 20000 | awk 'BEGIN { print "name,email" }
		{ printf "C%05d,c%d@x.com\n", $1, $1 }' >many.csv
	crm-admin init -q
	crm-import customers many.csv -q
	for delay in 0.05 0.1 0.2 0.3 0.5; do
		rm -f k.crmbak
		crm-admin backup k.crmbak -q &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		if [ -e k.crmbak ]; then
			run crm-admin verify k.crmbak -q
			assert_success
		fi
	done
}

@test "kill -9 during a restore leaves the old database or the new one, whole" {
	seq 1 20000 | awk 'BEGIN { print "name,email" }
		{ printf "C%05d,c%d@x.com\n", $1, $1 }' >many.csv
	crm-admin init -q
	crm-import customers many.csv -q
	crm-admin backup new.crmbak -q
	crm-customer delete 1 2 3 -q >/dev/null
	old=$(crm-admin stats -H | awk -F '\t' '$1 == "customers" { print $2 }')
	for delay in 0.05 0.1 0.2 0.4 0.8; do
		crm-admin restore --force new.crmbak -q &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		n=$(crm-admin stats -H | awk -F '\t' '$1 == "customers" { print $2 }')
		[ "$n" = "$old" ] || [ "$n" = 20000 ] || fail "after $delay s: $n customers"
		run crm-admin check -q
		assert_success
		if [ "$n" = 20000 ]; then
			crm-customer delete 1 2 3 -q >/dev/null
		fi
	done
}

@test "verify --full runs the whole check; a restore into a new file is the backup's database" {
	fill
	crm-admin backup b.crmbak -q
	run --separate-stderr crm-admin verify --full b.crmbak
	assert_success
	crm-admin restore -d sub/dir/new.db b.crmbak -q
	[ "$(stat -c %a sub/dir/new.db)" = 600 ]
	run sqlite3 sub/dir/new.db 'PRAGMA journal_mode'
	assert_output wal
	[ -z "$(ls -A sub/dir | grep -v '^new\.db')" ]
	run crm-admin check -d sub/dir/new.db -q
	assert_success
}
