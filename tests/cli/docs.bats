#!/usr/bin/env bats
# The docs kept honest (STYLE 24): each man page's SYNOPSIS is its binary's
# --help usage, mandoc finds nothing to warn about, every verb, option and
# value the completion helper knows is in the page (and every option the
# page lists is one the binary takes), and the bash, zsh and fish
# completions complete from the helper.  tests/cli/examples.bats runs the
# pages' EXAMPLES.

load helper

ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
}

# The binaries of the Makefile's BINS.
bins() {
	sed -n 's/^BINS *= *//p' "$ROOT/Makefile" | tr ' ' '\n' | grep .
}

# The binaries that have a man page (section 1).
documented() {
	local b
	for b in $(bins); do
		[ -f "$ROOT/man/$b.1" ] && echo "$b"
	done
	return 0
}

# A page rendered as plain text, wide enough that no line wraps.
render() {
	mandoc -Tascii -O width=1000 "$1" | sed 's/.\x08//g'
}

# The SYNOPSIS of binary $1's page: one line per block (a block starts
# with the binary's name), spaces squeezed.
synopsis() {
	render "$ROOT/man/$1.1" |
		sed -n '/^SYNOPSIS$/,/^[A-Z]/{/^[A-Z]/d;p;}' |
		awk -v b="$1" '
			{ sub(/^ +/, ""); gsub(/ +/, " ") }
			$0 == "" { next }
			$1 == b { if (line != "") print line; line = $0; next }
			{ line = line " " $0 }
			END { if (line != "") print line }'
}

# The usage lines of binary $1's --help (or of "$1 VERB --help"), without
# "usage:", spaces squeezed.
usage() {
	"$@" --help | awk '
		/^usage:/ { on = 1; sub(/^usage:/, "") }
		on && /^$/ { exit }
		on { sub(/^ +/, ""); gsub(/ +/, " "); print }'
}

# Words the page's mdoc source names in a tag list: ".It Cm WORD ...".
tags() {
	sed -n 's/^\.It Cm \([^ ]*\).*/\1/p' "$1"
}

@test "every binary has a man page, and crm has crm.7" {
	[ -f "$ROOT/man/crm.7" ]
	missing=""
	for b in $(bins); do
		[ -f "$ROOT/man/$b.1" ] || missing="$missing $b"
	done
	[ -n "$(documented)" ]
	# Pages still to be written are reported, not failed, so that a new
	# binary can land before its page; the other checks cover each page
	# from the moment it exists.
	if [ -n "$missing" ]; then
		skip "no man page yet for:$missing"
	fi
}

@test "each usage line of --help is the man page's SYNOPSIS block" {
	problems=""
	for b in $(documented); do
		man=$(synopsis "$b")
		help=$(usage "$b")
		if [ "$man" != "$help" ]; then
			problems+=$'\n'"$b: SYNOPSIS and --help differ:"
			problems+=$'\n'"$(diff <(echo "$help") <(echo "$man"))"
		fi
	done
	assert_equal "$problems" ""
}

@test "each verb has one SYNOPSIS block, equal to its own --help usage" {
	problems=""
	for b in $(documented); do
		[ "$b" = crm ] && continue
		man=$(synopsis "$b")
		verbs=$("$b" --completion-helper)
		[ -n "$verbs" ] || problems+=$'\n'"$b: the helper lists no verbs"
		for v in $verbs; do
			block="" n=0
			while read -r line; do
				if [[ $line == "$b $v" || $line == "$b $v "* ]]; then
					block=$line
					n=$((n + 1))
				fi
			done <<<"$man"
			help=$(usage "$b" "$v")
			[ "$n" -eq 1 ] ||
				problems+=$'\n'"$b $v: $n SYNOPSIS blocks"
			[ "$block" = "$help" ] ||
				problems+=$'\n'"$b $v: '$block' is not '$help'"
		done
		# No block for a verb the binary does not have.
		while read -r _ v _; do
			[[ $'\n'$verbs$'\n' == *$'\n'"$v"$'\n'* ]] ||
				problems+=$'\n'"$b: SYNOPSIS has unknown verb '$v'"
		done <<<"$man"
	done
	assert_equal "$problems" ""
}

@test "mandoc -Tlint -Wwarning finds nothing in any page" {
	for page in "$ROOT"/man/*.[1-9]; do
		run mandoc -Tlint -Wwarning "$page"
		assert_success
		assert_output ''
	done
}

@test "the pages are mdoc with the sections a user looks for" {
	for page in "$ROOT"/man/*.[1-9]; do
		for sh in NAME DESCRIPTION ENVIRONMENT 'EXIT STATUS' EXAMPLES \
		    'SEE ALSO'; do
			grep -qx ".Sh $sh" "$page" ||
				fail "$page: no section $sh"
		done
		if [[ $page == *.1 ]]; then
			grep -qx '.Sh SYNOPSIS' "$page" ||
				fail "$page: no SYNOPSIS"
		fi
	done
}

# The words of file $2 (one a line) that file $1 lacks as words.
lacking() {
	comm -13 <(grep -owF -f "$2" "$1" | sort -u) <(sort -u "$2")
}

@test "every verb, option, value and field of the helper is in the page" {
	problems=""
	for b in $(documented); do
		[ "$b" = crm ] && continue
		page="$ROOT/man/$b.1"
		render "$page" > text
		tags "$page" | sort -u > tags
		"$b" --completion-helper > verbs
		: > opts
		: > vals
		: > fields
		# The values of each option, asked once, of the first verb
		# that has it.
		unset seen
		declare -A seen
		while read -r v; do
			"$b" --completion-helper "$v" > o
			while read -r opt; do
				[ -z "${seen[$opt]:-}" ] || continue
				seen[$opt]=1
				echo "$opt" >> opts
				"$b" --completion-helper "$v" "$opt" > vs
				cat vs >> vals
				[ "$opt" != --fields ] ||
					grep -vx all vs >> fields || true
			done < o
		done < verbs
		sed -i 's/=$//' vals
		# REF.FIELD (customer.email) is a field of the referenced
		# record, which crm(7) describes: the reference is in the page.
		sed -i 's/^\([a-z_]*\)\.[a-z_]*$/\1/' vals fields
		for w in $(comm -13 tags <(sort -u verbs)); do
			problems+=$'\n'"$b: verb $w is not in the list of verbs"
		done
		for w in $(lacking text opts); do
			problems+=$'\n'"$b: option $w is not in the page"
		done
		for w in $(lacking text vals); do
			problems+=$'\n'"$b: value $w is not in the page"
		done
		for w in $(comm -13 tags <(sort -u fields)); do
			problems+=$'\n'"$b: field $w is not in the FIELDS list"
		done
	done
	assert_equal "$problems" ""
}

@test "every option the page lists is one the binary takes" {
	problems=""
	for b in $(documented); do
		[ "$b" = crm ] && continue
		for v in $("$b" --completion-helper); do
			"$b" --completion-helper "$v"
		done | sort -u > opts
		# ".It Fl x Ar X , Fl \-long Ar X": the long names; a
		# placeholder ("\- Ns Ar FIELD") is no option of its own.
		for o in $(sed -n 's/^\.It Fl .*Fl \\-\([a-z][a-z0-9-]*\).*/--\1/p;
		    s/^\.It Fl \\-\([a-z][a-z0-9-]*\).*/--\1/p' \
		    "$ROOT/man/$b.1" | sort -u); do
			grep -qx -- "$o" opts ||
				problems+=$'\n'"$b: the page lists $o, which no verb takes"
		done
	done
	assert_equal "$problems" ""
}

@test "crm(1) lists the nouns of crm --help; crm(7) every binary" {
	for n in $(crm --help | sed -n '/^Nouns:/,/^$/s/^  \([a-z-]*\) .*/\1/p'); do
		grep -qx ".It Cm $n" "$ROOT/man/crm.1" ||
			fail "crm.1 does not list the noun $n"
	done
	for b in $(bins); do
		grep -qx ".It Xr $b 1" "$ROOT/man/crm.7" ||
			fail "crm.7 does not list $b"
	done
}

@test "every EXIT STATUS entry is a code of crm(7)'s table" {
	codes=$(sed -n 's/^\.It \([0-9][0-9]*\) Ta .*/\1/p' "$ROOT/man/crm.7")
	[ -n "$codes" ]
	for page in "$ROOT"/man/*.1; do
		for c in $(sed -n '/^\.Sh EXIT STATUS/,/^\.Sh/s/^\.It \([0-9][0-9]*\)$/\1/p' "$page"); do
			grep -qx "$c" <<<"$codes" ||
				fail "$page: exit status $c is not in crm.7"
		done
	done
}

# ---- completions ---------------------------------------------------------


@test "bash: the completion is registered for crm and every crm-* binary" {
	# Even sourced before the binaries are on PATH.
	run env PATH=/usr/bin:/bin bash --norc --noprofile -c \
		'source "$1"; complete -p' bash "$ROOT/completions/crm.bash"
	assert_success
	for b in $(bins); do
		assert_line "complete -o bashdefault -o default -F _crm_complete $b"
	done
}

@test "bash: crm-customer completes a verb, an option and an enum value" {
	run bash_complete crm-customer up
	assert_success
	assert_output update

	run bash_complete crm-customer ''
	assert_output "$(crm-customer --completion-helper)"

	run bash_complete crm-customer add --ki
	assert_output --kind

	run bash_complete crm-customer add --kind ''
	assert_output "$(printf 'person\ncompany')"

	run bash_complete crm-customer add --kind co
	assert_output company
}

@test "bash: values of --format, --fields lists, --sort, --where and --set" {
	# bash cuts "--format=cs" into "--format" "=" "cs" and replaces only
	# what follows the "=".
	run bash_complete crm-customer list --format = cs
	assert_output csv
	run bash_complete crm-customer list -f j
	assert_output json
	run bash_complete crm-customer list -o id,na
	assert_output id,name
	run bash_complete crm-customer list --sort -na
	assert_output -- -name
	run bash_complete crm-customer list --where kind = co
	assert_output company
	run bash_complete crm-customer add --set ki
	assert_output kind=
	run bash_complete crm-contact add --em
	assert_output --email
}

@test "bash: crm completes nouns and hands the rest to crm-NOUN" {
	run bash_complete crm cust
	assert_output customer
	run bash_complete crm help con
	assert_output contact
	run bash_complete crm customer add --kind p
	assert_output person
	run bash_complete crm admin st
	assert_output stats
}

@test "bash: operands complete: a stage, a status, a rating, a sub-verb, a field" {
	export CRM_DB="$BATS_TEST_TMPDIR/crm.db"
	crm-admin init -q
	crm-field add deal region --type enum --values north,south
	run bash_complete crm-deal stage 1 ''
	assert_output "$(printf 'lead\nqualified\nproposal\nnegotiation\nwon\nlost')"
	run bash_complete crm-deal stage -d "$CRM_DB" 1 w
	assert_output won
	run bash_complete crm-ticket status T-1 res
	assert_output resolved
	run bash_complete crm-ticket rate 1 ''
	assert_output "$(printf '1\n2\n3\n4\n5')"
	run bash_complete crm-campaign member ''
	assert_output "$(printf 'add\nupdate\nlist\nremove')"
	run bash_complete crm-campaign member --status sent a
	assert_output add
	run bash_complete crm-field add de
	assert_output deal
	run bash_complete crm-field drop --force deal ''
	assert_output region
	# add makes a field: its name is new, none to offer; but --values
	# adds to an enum field and --index alone indexes any field
	crm-field add deal note --type text
	run bash_complete crm-field add deal ''
	assert_output ''
	run bash_complete crm-field add --type text deal ''
	assert_output ''
	run bash_complete crm-field add --values east deal ''
	assert_output region
	run bash_complete crm-field add deal --index ''
	assert_output "$(printf 'region\nnote')"
	run bash_complete crm deal stage 1 lo
	assert_output lost
	# No values: an id, past the last operand, after --, an option's value.
	run bash_complete crm-deal show ''
	assert_output ''
	run bash_complete crm-deal stage 1 won ''
	assert_output ''
	run bash_complete crm-deal stage -- 1 ''
	assert_output ''
	run bash_complete crm-deal stage -d ''
	assert_output ''
}

# Complete LINE (the cursor at its end) in fish with completions/crm.fish.
fish_complete() {
	HOME="$BATS_TEST_TMPDIR" XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config" \
	XDG_DATA_HOME="$BATS_TEST_TMPDIR/data" fish --no-config -c '
		source $argv[1]/completions/crm.fish
		complete -C $argv[2]' "$ROOT" "$1" | cut -f1
}

@test "fish: crm-customer completes a verb, an option and an enum value" {
	command -v fish || skip "fish is not installed"
	run fish_complete 'crm-customer up'
	assert_output update
	run fish_complete 'crm-customer add --ki'
	assert_output --kind
	run fish_complete 'crm-customer add --kind '
	assert_output "$(printf 'company\nperson')"
	run fish_complete 'crm-customer list --format=c'
	assert_output --format=csv
	# a field of a list comes with the comma that may follow it, so
	# that fish adds no space after it
	run fish_complete 'crm-customer list -o id,na'
	assert_output "$(printf 'id,name\nid,name,')"
	run fish_complete 'crm-customer list --where na'
	assert_output "$(printf 'name\nname=')"
	run fish_complete 'crm customer list --where kind=p'
	assert_output kind=person
	run fish_complete 'crm cust'
	assert_output customer
}

@test "fish: operands complete: a stage, a sub-verb, a custom field" {
	command -v fish || skip "fish is not installed"
	export CRM_DB="$BATS_TEST_TMPDIR/crm.db"
	crm-admin init -q
	crm-field add deal region --type enum --values north,south
	run fish_complete 'crm-deal stage 1 w'
	assert_output won
	run fish_complete 'crm-campaign member u'
	assert_output update
	run fish_complete 'crm-field drop deal '
	assert_output region
	crm-field add deal note --type text
	run fish_complete 'crm-field add deal regi'
	assert_output ''
	run fish_complete 'crm-field add --values=east deal '
	assert_output region
	run fish_complete 'crm-field add --index deal n'
	assert_output note
	run fish_complete 'crm deal stage 1 lo'
	assert_output lost
}

# Complete each LINE given in one interactive zsh (run under zpty) with
# completions/_crm; prints "> LINE" and then its matches, one a line.
zsh_complete() {
	cat > "$BATS_TEST_TMPDIR/zcomp.zsh" <<'EOF'
zmodload zsh/zpty || exit 2
dir=$1 fpathdir=$2
shift 2
out=$dir/zcomp
wait_for() {
	local i
	for i in {1..200}; do
		[[ -e $1 ]] && return 0
		sleep 0.05
	done
	return 1
}
zpty z env ZCOMP_OUT=$out ZCOMP_FPATH=$fpathdir zsh -f -i
# compinit -D: no dump file is written anywhere.
zpty -w z 'fpath=($ZCOMP_FPATH $fpath); autoload -Uz compinit; compinit -u -D'
# Record every match as it is added, with what compset moved aside.
zpty -w z 'compadd() {
	if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
		builtin compadd "$@"; return
	fi
	local -a hits; local h
	builtin compadd -A hits "$@"
	for h in $hits; print -r -- "$IPREFIX$h" >> $ZCOMP_OUT
	builtin compadd "$@"
}'
zpty -w z '_zcomp() { _main_complete 2>> $ZCOMP_OUT.err; print > $ZCOMP_OUT.done; compstate[insert]=; compstate[list]=; }'
zpty -w z 'zle -C zcomp complete-word _zcomp; bindkey "^I" zcomp; print > $ZCOMP_OUT.ready'
wait_for $out.ready || { print -u2 "zcomp: zsh did not start"; zpty -d z; exit 1; }
for line; do
	rm -f $out $out.done
	# ^U empties what the line before left.
	zpty -w -n z $'\025'"$line"$'\t'
	if ! wait_for $out.done; then
		print -u2 "zcomp: nothing was completed for '$line'"
		zpty -d z
		exit 1
	fi
	print -r -- "> $line"
	[[ -e $out ]] && sort -u $out
done
zpty -d z
[[ -s $out.err ]] && cat $out.err >&2
rm -f $out $out.*(N)
EOF
	zsh -f "$BATS_TEST_TMPDIR/zcomp.zsh" "$BATS_TEST_TMPDIR" \
		"$ROOT/completions" "$@"
}

@test "zsh: one #compdef line for crm and every crm-* binary" {
	run head -1 "$ROOT/completions/_crm"
	assert_output "#compdef $(bins | tr '\n' ' ')-p crm-*"
}

@test "fish: the completion is registered for crm and every crm-* binary" {
	command -v fish || skip "fish is not installed"
	run env PATH=/usr/bin:/bin fish --no-config -c \
		'source $argv[1]; complete' \
		"$ROOT/completions/crm.fish"
	assert_success
	for b in $(bins); do
		assert_line --partial "complete --no-files $b "
	done
}

@test "zsh: crm-customer completes a verb, an option and an enum value" {
	command -v zsh || skip "zsh is not installed"
	run zsh_complete 'crm-customer up' 'crm-customer add --ki' \
		'crm-customer add --kind ' 'crm-customer list --format=c' \
		'crm-customer list -o id,na' 'crm customer list --where kind=p' \
		'crm cust' 'crm help con'
	assert_success
	assert_output - <<'EOF'
> crm-customer up
update
> crm-customer add --ki
--kind
> crm-customer add --kind 
company
person
> crm-customer list --format=c
--format=csv
> crm-customer list -o id,na
id,name
> crm customer list --where kind=p
kind=person
> crm cust
customer
> crm help con
contact
EOF
}

@test "the completions name no verb, option or value themselves" {
	# They ask --completion-helper; a word of the helper's in a
	# completion file would be a list kept by hand.
	for f in crm.bash _crm crm.fish; do
		# (Binary names aside: crm-customer is not "customer".)
		code=$(grep -v '^[[:space:]]*#' "$ROOT/completions/$f" |
			sed -E 's/crm-[a-z]+//g')
		for w in --cascade --where --kind --format person company \
		    csv json dupes merge customer; do
			if grep -qw -- "$w" <<<"$code"; then
				fail "completions/$f names '$w'"
			fi
		done
	done
}

@test "zsh: operands complete: a stage, a sub-verb, a custom field" {
	command -v zsh || skip "zsh is not installed"
	export CRM_DB="$BATS_TEST_TMPDIR/crm.db"
	crm-admin init -q
	crm-field add deal region --type enum --values north,south
	crm-field add deal note --type text
	run zsh_complete 'crm-deal stage 1 w' 'crm-campaign member u' \
		'crm-field drop deal n' 'crm deal stage 1 lo' \
		'crm-field add deal regi' 'crm-field add --values=east deal ' \
		'crm-field add --index deal n'
	assert_success
	assert_output - <<'EOF'
> crm-deal stage 1 w
won
> crm-campaign member u
update
> crm-field drop deal n
note
> crm deal stage 1 lo
lost
> crm-field add deal regi
> crm-field add --values=east deal 
region
> crm-field add --index deal n
note
EOF
}
