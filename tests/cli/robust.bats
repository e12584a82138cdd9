#!/usr/bin/env bats
# What crm does when the world is not kind: the rejects file of an import
# (written whole, or not at all), a file-size limit, the progress line on
# a terminal.

load helper

setup() {
	common_setup
	init_db
	cd "$BATS_TEST_TMPDIR"
	# two good rows, one bad
	printf 'name,email\nAda,ada@x.com\nBad,not-an-email\nBob,bob@x.com\n' >in.csv
	printf 'precious\n' >rej.csv
	SOCK=
}

teardown() {
	release_lock
	if [ -n "$SOCK" ]; then
		tmux -S "$SOCK" kill-server 2>/dev/null || true
	fi
}

# The one line of rejects that in.csv makes.
REJECT_ROW="Bad,not-an-email,3,email: invalid email 'not-an-email': expected local@domain.tld"

# No temporary file left in the folder.
assert_no_temporary() {
	run find "$BATS_TEST_TMPDIR" -maxdepth 1 -name '.*.??????'
	assert_output ''
}

@test "--rejects: a header error (64) leaves the file named as it was" {
	printf 'nme,email\nAda,ada@x.com\n' >bad.csv
	run --separate-stderr crm-import customers bad.csv --rejects rej.csv
	assert_failure 64
	assert_equal "$(cat rej.csv)" precious
	assert_no_temporary
}

@test "--rejects naming the input file exits 64, the input untouched, nothing imported" {
	before=$(dump_db)
	cp in.csv copy.csv
	run --separate-stderr crm-import customers in.csv --rejects in.csv
	assert_error 64 "crm-import: 'in.csv' is the input file; choose another file"
	cmp in.csv copy.csv
	# another name for the same file, and the input on stdin
	ln in.csv hard.csv
	run --separate-stderr crm-import customers hard.csv --rejects "$BATS_TEST_TMPDIR/./in.csv"
	assert_failure 64
	run --separate-stderr crm-import customers - --rejects in.csv <in.csv
	assert_error 64 "crm-import: 'in.csv' is the input file; choose another file"
	cmp in.csv copy.csv
	assert_unchanged "$before"
	assert_no_temporary
}

@test "--rejects naming the database exits 64, the database untouched" {
	sqlite_only
	before=$(dump_db)
	run --separate-stderr crm-import customers in.csv --rejects "$CRM_DB"
	assert_error 64 "crm-import: '$CRM_DB' is the database; choose another file"
	assert_unchanged "$before"
}

@test "--rejects on a symbolic link replaces the link, never the file it points to" {
	printf 'keep me\n' >target.csv
	ln -s target.csv link.csv
	run --separate-stderr crm-import customers in.csv --rejects link.csv
	assert_failure 65
	assert_equal "$(cat target.csv)" 'keep me'
	[ ! -L link.csv ]
	assert_equal "$(sed -n 2p link.csv)" "$REJECT_ROW"
}

@test "--rejects: a failed commit leaves the file named as it was" {
	before=$(dump_db)
	hold_lock 30
	export CRM_BUSY_TIMEOUT=100
	run --separate-stderr crm-import customers in.csv --rejects rej.csv
	release_lock
	assert_failure 75
	assert_equal "$(cat rej.csv)" precious
	assert_unchanged "$before"
	assert_no_temporary
}

@test "--rejects: --strict or --max-rejects that write nothing leave the file as it was" {
	run --separate-stderr crm-import customers in.csv --strict --rejects rej.csv
	assert_failure 65
	assert_equal "$(cat rej.csv)" precious
	run --separate-stderr crm-import customers in.csv --max-rejects 0 --rejects new.csv
	assert_failure 65
	[ ! -e new.csv ]
	assert_no_temporary
}

@test "--rejects with --dry-run writes the rows a real run would reject" {
	before=$(dump_db)
	run --separate-stderr crm-import customers in.csv --dry-run --rejects rej.csv
	assert_failure 65
	assert_equal "$(cat rej.csv)" "name,email,_line,_error
$REJECT_ROW"
	assert_unchanged "$before"
}

@test "--rejects takes the mode of the database (0600), not the umask's 0644" {
	sqlite_only
	umask 022
	assert_equal "$(stat -c %a "$CRM_DB")" 600
	run --separate-stderr crm-import customers in.csv --rejects new.csv
	assert_failure 65
	assert_equal "$(stat -c %a new.csv)" 600
	run --separate-stderr crm-import customers in.csv --rejects rej.csv
	assert_equal "$(stat -c %a rej.csv)" 600
	chmod 640 "$CRM_DB"
	run --separate-stderr crm-import customers in.csv --rejects other.csv
	assert_equal "$(stat -c %a other.csv)" 640
	assert_equal "$(sed -n 2p other.csv)" "$REJECT_ROW"
}

@test "--rejects: a folder, or a folder that does not exist, exits 73 before anything is written" {
	before=$(dump_db)
	mkdir dir
	run --separate-stderr crm-import customers in.csv --rejects dir
	assert_error 73 "crm-import: cannot create 'dir': it is a folder"
	run --separate-stderr crm-import customers in.csv --rejects no/such/r.csv
	assert_error 73 "crm-import: cannot create 'no/such/r.csv': No such file or directory"
	assert_unchanged "$before"
}

@test "--rejects /dev/stdout and a pipe are written directly" {
	run --separate-stderr crm-import customers in.csv --rejects /dev/stdout
	assert_failure 65
	assert_output "name,email,_line,_error
$REJECT_ROW"
	[ -L /dev/stdout ] || [ -c /dev/stdout ]
	mkfifo fifo
	cat fifo >got.csv &
	run --separate-stderr crm-import customers in.csv --rejects fifo
	wait
	assert_equal "$(sed -n 2p got.csv)" "$REJECT_ROW"
}

@test "an import killed by a signal leaves no temporary rejects file" {
	python3 -c "
import sys
print('name,email')
for i in range(400000):
    print(f'Bad {i},bad{i}')" >many.csv
	crm-import customers many.csv -q --rejects rej.csv &
	pid=$!
	for _ in $(seq 100); do
		[ -n "$(find . -maxdepth 1 -name '.rej.csv.??????')" ] && break
		sleep 0.05
	done
	kill -INT "$pid"
	wait "$pid" || true
	assert_equal "$(cat rej.csv)" precious
	assert_no_temporary
}

# ---- a file-size limit -------------------------------------------------------

@test "a file-size limit on the rejects file exits 74 with one line: database and file unchanged" {
	python3 -c "
print('name,email')
for i in range(3000):
    print(f'Bad {i},bad{i}')" >many.csv
	before=$(dump_db)
	run --separate-stderr bash -c 'ulimit -f 100; exec crm-import -q customers many.csv --rejects rej.csv'
	assert_error_re 74 "crm-import: cannot write .*rejects.*"
	assert_equal "$(cat rej.csv)" precious
	assert_unchanged "$before"
	assert_no_temporary
}

@test "a file-size limit on the database exits 74 with one line, nothing written" {
	sqlite_only
	python3 -c "
print('name,email')
for i in range(20000):
    print(f'Name {i},user{i}@example.com')" >big.csv
	crm-customer add --name Ada >/dev/null
	before=$(dump_db)
	run --separate-stderr bash -c 'ulimit -f 200; exec crm-import customers big.csv'
	assert_error_re 74 "crm-import: .*(I/O error|File too large).*"
	assert_unchanged "$before"
	run --separate-stderr bash -c 'ulimit -f 200; exec crm-customer list -o name -H'
	assert_success
	assert_output Ada
}

# ---- the progress line on a terminal ------------------------------------------

@test "on a terminal, messages clear the progress line: the screen ends with the rejects and the summary only" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	python3 -c "
print('name,email')
for i in range(150000):
    if i % 30000 == 29999:
        print(f'Bad {i},bad{i}')
    else:
        print(f'Name {i},u{i}@example.com')" >prog.csv
	SOCK="$BATS_TEST_TMPDIR/tmux"
	sock=$SOCK
	tmux -S "$sock" new-session -d -x 100 -y 30 \
		"env PATH='$PATH' CRM_DB='$CRM_DB' TERM=xterm PS1='$ ' bash --norc --noprofile"
	tmux -S "$sock" pipe-pane -o "cat >>'$BATS_TEST_TMPDIR/raw'"
	tmux -S "$sock" send-keys "clear; crm-import customers prog.csv; echo END-\$?" Enter
	for _ in $(seq 600); do
		tmux -S "$sock" capture-pane -p | grep -q '^END-' && break
		sleep 0.1
	done
	screen=$(tmux -S "$sock" capture-pane -p | sed '/^$/d')
	tmux -S "$sock" kill-server
	# the bar was drawn while it ran...
	grep -q 'rows/s' raw || fail "no progress line was drawn"
	# ...and none of it is left: each line is a reject, the summary
	# (wrapped at 100 columns), or the exit status
	run printf '%s\n' "$screen"
	assert_line --index 0 "crm-import: line 30001: email: invalid email 'bad29999': expected local@domain.tld"
	assert_line --index 4 "crm-import: line 150001: email: invalid email 'bad149999': expected local@domain.tld"
	assert_line --index 5 --regexp '^crm-import: customers: 150000 read, 149995 inserted, .*'
	assert_line END-65
	refute_output --partial 'rows/s'
	refute_output --regexp '[^[:cntrl:]]crm-import:'
}

# ---- completion in a real terminal -------------------------------------------

# Start an interactive SHELL (bash, zsh or fish) in a terminal (tmux),
# with crm's completion for it loaded, at a prompt '$ '.
start_shell() {
	local root
	root=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	command -v tmux >/dev/null || skip "tmux is not installed"
	command -v "$1" >/dev/null || skip "$1 is not installed"
	SOCK="$BATS_TEST_TMPDIR/tmux-$1"
	mkdir -p "$BATS_TEST_TMPDIR/home"
	tmux -S "$SOCK" new-session -d -x 150 -y 10 env PATH="$PATH" \
		CRM_DB="$CRM_DB" HOME="$BATS_TEST_TMPDIR/home" TERM=xterm \
		XDG_DATA_HOME="$BATS_TEST_TMPDIR/home" \
		XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/home" PS1='$ ' \
		"$1" $(case $1 in bash) echo --norc --noprofile -i ;;
			zsh) echo -f -i ;; fish) echo --no-config -i ;; esac)
	case $1 in
	bash) type_keys "source '$root/completions/crm.bash'" Enter ;;
	zsh) type_keys "fpath=('$root/completions' \$fpath); autoload -Uz compinit; compinit -u -D" Enter ;;
	fish) type_keys "set -g fish_autosuggestion_enabled 0; function fish_prompt; echo -n '\$ '; end; source '$root/completions/crm.fish'" Enter ;;
	esac
	type_keys 'clear' Enter
	wait_screen '^\$ *$'
}

# Wait (up to 10 s) until a line of the screen matches the regexp.
wait_screen() {
	local i
	for i in $(seq 100); do
		tmux -S "$SOCK" capture-pane -p | grep -q -e "$1" && return 0
		sleep 0.1
	done
	return 1
}

# Send text to the terminal; Enter and Tab as keys.
type_keys() {
	local k
	for k; do
		case $k in
		Enter|Tab) tmux -S "$SOCK" send-keys "$k" ;;
		*) tmux -S "$SOCK" send-keys -l -- "$k" ;;
		esac
	done
}

# Type WORD, a Tab, then AFTER: prints the command line as the screen
# shows it once the completion (something beyond WORD) has come.
complete_then() {
	type_keys $'\025' "$1" Tab
	wait_screen "^\\\$ $2" || true
	type_keys "$3"
	sleep 0.3
	tmux -S "$SOCK" capture-pane -p | grep '^\$ crm' | tail -1 | sed 's/ *$//'
}

check_field_completion() {
	start_shell "$1"
	run complete_then 'crm-customer list --where na' 'crm-customer list --where name' '=Ada'
	assert_output '$ crm-customer list --where name=Ada'
	run complete_then 'crm-customer list -o name,ema' 'crm-customer list -o name,email' ',ci'
	assert_output '$ crm-customer list -o name,email,ci'
	run complete_then 'crm-customer list --sort -crea' 'crm-customer list --sort -created_at' ',name'
	assert_output '$ crm-customer list --sort -created_at,name'
	# a value is whole: a space follows it
	run complete_then 'crm-customer list --where kind=comp' 'crm-customer list --where kind=company' '-H'
	assert_output '$ crm-customer list --where kind=company -H'
	run complete_then 'crm-customer list --format j' 'crm-customer list --format json' '-H'
	assert_output '$ crm-customer list --format json -H'
}

@test "bash: a field completed after --where, -o or --sort is followed by nothing, so '=' or ',' can come" {
	check_field_completion bash
}

@test "zsh: a field completed after --where, -o or --sort is followed by nothing, so '=' or ',' can come" {
	check_field_completion zsh
}

@test "fish: a field completed after --where, -o or --sort is followed by nothing, so '=' or ',' can come" {
	check_field_completion fish
}
