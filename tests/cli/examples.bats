#!/usr/bin/env bats
# The examples a reader copies work: the README's shell blocks and the
# EXAMPLES of every man page run, in order, each document on a database of
# its own, and every command must succeed, on whatever day it is run (no
# pinned CRM_TODAY here).
#
# What is run:
#   README.md   every block fenced ```sh; a block fenced ```sh norun (one
#               that builds the checkout) is left out.
#   man/*.[1-9] every .Bd -literal ... .Ed block and every .Dl line of the
#               section EXAMPLES, with the mdoc escapes undone; a crontab
#               line (five time fields, then a command) runs its command;
#               a block or .Dl right after the comment line .\" norun
#               (output shown, not commands) is left out.
# A command documented to fail ends with a comment "# exits N: why" on its
# last line: it must exit with status N.
#
# What the documents take for granted is set up here, in plain sight:
#   tests/cli/examples/DOC.setup  (DOC being README.md, crm-order.1, ...)
#       run first, in the document's folder: the database a page's
#       examples work on, and the files they import.  A document without
#       one starts with CRM_DB naming no file yet.
#   tests/cli/examples/bin/       stand-ins for mail(1) (keeps the message
#       in ~/mail) and ssh(1) (runs "cat FILE" on host H as a cat of
#       ~/hosts/H/FILE).
# HOME is the document's folder, and a path under /tmp/ or /srv/ in an
# example means the same path under ~/root/.

load helper

ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
EXAMPLES="$BATS_TEST_DIRNAME/examples"

setup() {
	common_setup
	unset CRM_TODAY
	cd "$BATS_TEST_TMPDIR"
}

# The commands of document $1, as lines of shell, in order, each after its
# line number in the document and a tab.
extract() {
	case "$1" in
	*.md)
		awk '
			/^```sh *$/ { on = 1; next }
			/^```/ { on = 0; next }
			on { print NR "\t" $0 }' "$1" ;;
	*)
		awk '
			/^\.Sh / { ex = ($0 == ".Sh EXAMPLES"); next }
			!ex { next }
			/^\.\\" norun$/ { skip = 1; next }
			/^\.Bd -literal/ { on = !skip; skip = 0; next }
			/^\.Ed/ { on = 0; next }
			on { print NR "\t" $0; next }
			/^\.Dl / && skip { skip = 0; next }
			/^\.Dl / { sub(/^\.Dl /, ""); print NR "\t" $0 }' "$1" |
		sed -e 's/\\e/\\/g' -e 's/\\-/-/g' -e 's/\\&//g' \
		    -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' -e 's/\\ / /g'
		;;
	esac
}

# The script that runs the lines of standard input: each command must
# succeed, or exit with the status its "# exits N" comment says.  A
# command ends on a line that does not end in \, |, && or ||, and that
# closes every while, until, for, if, case and { it opened.
script() {
	cat <<'EOF'
set -eo pipefail
trap 'echo "examples: line $__at: exit $?: $BASH_COMMAND" >&2' ERR
__exits() {
	if [ "$1" -ne "$2" ]; then
		echo "examples: line $__at: exit $1, documented to exit $2: $3" >&2
		exit 99
	fi
}
EOF
	awk '
		function flush(  want, c) {
			if (cmd == "")
				return
			if (match(last, /#[ \t]*exits [0-9]+/)) {
				want = substr(last, RSTART, RLENGTH)
				sub(/.* /, "", want)
				c = cmd
				gsub(/\047/, "\047\\\047\047", c)
				printf "if %s\nthen __exits 0 %s \047%s\047\n", cmd, want, c
				printf "else __exits $? %s \047%s\047; fi\n", want, c
			} else
				print cmd
			cmd = ""
		}
		{
			n = $0
			sub(/\t.*/, "", n)
			line = substr($0, length(n) + 2)
			if (cmd == "")
				print "__at=" n
			# a crontab line: its command
			if (cmd == "" && line ~ /^[0-9*][0-9*,\/-]*[ \t]+[0-9*][0-9*,\/-]*[ \t]+[0-9*][0-9*,\/-]*[ \t]+[0-9*][0-9*,\/-]*[ \t]+[0-9*][0-9*,\/a-z-]*[ \t]+[a-z]/)
				for (i = 0; i < 5; i++)
					sub(/^[^ \t]+[ \t]+/, "", line)
			cmd = cmd == "" ? line : cmd "\n" line
			last = line
			code = line
			sub(/(^|[ \t]+)#.*$/, "", code)
			# a compound command (while, if, case, { }) ends where
			# its last keyword does
			gsub(/\047[^\047]*\047|"[^"]*"/, "", code)
			nw = split(code, w, /[ \t;|&()]+/)
			for (i = 1; i <= nw; i++)
				if (w[i] ~ /^(do|then|case|\{)$/)
					depth++
				else if (w[i] ~ /^(done|fi|esac|\})$/)
					depth--
			if (depth == 0 && code !~ /(\\|\||&&)[ \t]*$/)
				flush()
		}
		END { flush() }' |
	sed -E "s#(^|[[:space:]=<>\"'])/(tmp|srv)/#\1\$HOME/root/\2/#g"
}

# Run document $1's examples in a folder of their own; on failure, say
# which command failed and what it wrote on standard error.
run_doc() {
	local doc=$1 name dir
	name=$(basename "$doc")
	dir="$BATS_TEST_TMPDIR/run/$name"
	rm -rf "$dir"
	mkdir -p "$dir/root/tmp" "$dir/root/srv"
	extract "$doc" | script > "$dir.sh"
	(
		cd "$dir" || exit 1
		export HOME="$dir" CRM_DB="$dir/crm.db"
		export PATH="$EXAMPLES/bin:$PATH"
		if [ -f "$EXAMPLES/$name.setup" ]; then
			bash -eo pipefail "$EXAMPLES/$name.setup" ||
				{ echo "examples: $name.setup failed" >&2; exit 1; }
		fi
		bash "$dir.sh" > "$dir.out"
	) 2> "$dir.err"
}

# The documents that have examples.
documents() {
	echo "$ROOT/README.md"
	ls "$ROOT"/man/*.[1-9]
}

@test "every example of the README and the man pages works" {
	problems=""
	for doc in $(documents); do
		[ -n "$(extract "$doc")" ] || continue
		if ! run_doc "$doc"; then
			problems+=$'\n'"$(basename "$doc"):"
			problems+=$'\n'"$(tail -5 "$BATS_TEST_TMPDIR/run/$(basename "$doc").err")"
		fi
	done
	assert_equal "$problems" ""
}

@test "every page has examples to run" {
	for doc in $(documents); do
		[ -n "$(extract "$doc")" ] || fail "$doc: no example found"
	done
}

@test "a broken example, or a refusal that is not one, fails the run" {
	mkdir -p man
	cat > man/t.1 <<'EOF'
.Sh EXAMPLES
.Bd -literal -offset indent
crm-admin init
crm-customer add --name A \e
	--city 北京
crm-customer show 99                 # exits 1: no such customer
.Ed
.Dl crm-customer list --where city=北京 \-H \-o name
EOF
	run run_doc man/t.1
	assert_success
	assert_equal "$(cat run/t.1.out)" "$(printf '1\nA')"
	# a command that fails
	echo '.Dl crm-customer show 7' >> man/t.1
	run run_doc man/t.1
	assert_failure
	assert_equal "$(tail -1 run/t.1.err)" "examples: line 9: exit 1: crm-customer show 7"
	# a refusal that exits with another status
	sed -i 's/# exits 1:/# exits 65:/' man/t.1
	run run_doc man/t.1
	assert_failure
	assert_equal "$(grep -c 'documented to exit 65' run/t.1.err)" 1
	# one documented to fail that succeeds
	sed -i -e 's/show 99 /show 1 /' -e '$d' man/t.1
	run run_doc man/t.1
	assert_failure
	assert_equal "$(grep -c 'exit 0, documented to exit 65' run/t.1.err)" 1
	# a block marked norun is not run
	printf '%s\n' '.Sh EXAMPLES' '.Dl crm-admin init' '.\" norun' \
		'.Bd -literal' 'id  name' '.Ed' '.\" norun' '.Dl 1  A' > man/t.1
	run run_doc man/t.1
	assert_success
	# a command inside a pipe fails too
	printf '%s\n' '```sh' 'crm-admin init' 'crm-customer show 5 | cat' \
		'```' > t.md
	run run_doc t.md
	assert_failure
}
