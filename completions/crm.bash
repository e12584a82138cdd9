# bash completion for crm and every crm-NOUN binary.
#
# Nothing here names a verb, an option or a value: each binary answers a
# hidden --completion-helper from the same tables that parse its options
# and print its --help (as git answers --git-completion-helper):
#
#   crm-NOUN --completion-helper               its verbs, one a line
#   crm-NOUN --completion-helper VERB          the verb's long options
#   crm-NOUN --completion-helper VERB OPTION   the option's values
#   crm-NOUN --completion-helper VERB -- WORD...
#                                              the next operand's values,
#                                              after the words typed
#
# "crm NOUN ..." completes the nouns of 'crm --help' and then hands the rest
# of the line to crm-NOUN's helper.  Where the helper knows no values (a
# name, a file, an id) the shell's default completion takes over.
#
# Installed once per binary as bash-completion/completions/BINARY; sourcing
# it registers crm and every crm-* command on PATH.

# Run a program's completion helper; nothing on a failure.
_crm_ask()
{
	local prog=$1
	shift
	[[ $prog == "~/"* ]] && prog=$HOME/${prog#"~/"}
	"$prog" --completion-helper "$@" 2>/dev/null
}

# The nouns of the dispatcher: its 'Nouns:' section, and the words its
# usage lines offer ("help", "--version"); else the crm-* commands found.
_crm_nouns()
{
	local prog=$1 line out
	[[ $prog == "~/"* ]] && prog=$HOME/${prog#"~/"}
	out=$("$prog" --help 2>/dev/null | sed -n \
		-e 's/^usage: *crm \([a-z-][a-z-]*\).*/\1/p' \
		-e 's/^ *crm \([a-z-][a-z-]*\).*/\1/p' \
		-e '/^Nouns:/,/^$/s/^  \([a-z0-9][a-z0-9-]*\) .*/\1/p')
	if [[ -z $out ]]; then
		while IFS= read -r line; do
			printf '%s\n' "${line#crm-}"
		done < <(compgen -c crm- | sort -u)
		return
	fi
	printf '%s\n' "$out"
}

# COMP_WORDS with the words bash cut at '=' or ':' put together again:
# "--format", "=", "csv" is the one word "--format=csv".  Sets _crm_words
# and _crm_cword.
_crm_reassemble()
{
	local i j=-1 w join=0

	_crm_words=()
	_crm_cword=0
	for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		if ((j >= 1)) && [[ ( -n $w && -z ${w//[=:]/} ) || $join == 1 ]]
		then
			_crm_words[j]+=$w
			if [[ -n $w && -z ${w//[=:]/} ]]; then
				join=1
			else
				join=0
			fi
		else
			_crm_words[++j]=$w
			join=0
		fi
		((i == COMP_CWORD)) && _crm_cword=$j
	done
}

# Whether option $3 of verb $2 of program $1 takes a list of fields
# (FIELDS: "name,email") or an expression (EXPR: "name=Ada"), as its line
# in the verb's --help says: a field completed there is followed by more
# (a comma, an operator), not by a space.
_crm_open_ended()
{
	local prog=$1 verb=$2 opt=$3 line re
	[[ $prog == "~/"* ]] && prog=$HOME/${prog#"~/"}
	re='^ +(-[A-Za-z0-9], )?(--[a-z0-9-]+) ([A-Z_]+)'
	while IFS= read -r line; do
		[[ $line =~ $re ]] || continue
		[[ ${BASH_REMATCH[2]} == "$opt" ||
		   ${BASH_REMATCH[1]} == "$opt, " ]] || continue
		[[ ${BASH_REMATCH[3]} == FIELDS || ${BASH_REMATCH[3]} == EXPR ]]
		return
	done < <("$prog" "$verb" --help 2>/dev/null)
	return 1
}

# Add to COMPREPLY the words (one a line on stdin) that begin with $1.
# Feed it with < <(...), not a pipe, which would run it in a subshell.
_crm_offer()
{
	local cur=$1 w
	while IFS= read -r w; do
		[[ -n $w && $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
}

# Complete the words of crm-NOUN: $1 the program to ask, $2 the index of
# its name in _crm_words.
_crm_binary()
{
	local prog=$1 base=$2 cur prev verb="" vi i w opt pre val
	local -a verbs
	cur=${_crm_words[_crm_cword]}
	mapfile -t verbs < <(_crm_ask "$prog")
	((${#verbs[@]})) || return 0

	# The verb: the first word after the program's name that is one.
	for ((i = base + 1; i < _crm_cword; i++)); do
		for w in "${verbs[@]}"; do
			if [[ ${_crm_words[i]} == "$w" ]]; then
				verb=$w
				break 2
			fi
		done
	done
	if [[ -z $verb ]]; then
		[[ $cur == -* ]] ||
			_crm_offer "$cur" < <(printf '%s\n' "${verbs[@]}")
		return 0
	fi
	vi=$i
	for ((i = base + 1; i < _crm_cword; i++)); do
		[[ ${_crm_words[i]} == -- ]] && return 0
	done

	prev=""
	((_crm_cword > base + 1)) && prev=${_crm_words[_crm_cword - 1]}
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		pre=${cur%%=*}=
		val=${cur#*=}
	elif [[ $prev == -* && $prev != *=* && $prev != -- ]]; then
		opt=$prev
		pre=""
		val=$cur
	else
		opt=""
	fi
	if [[ -n $opt ]]; then
		local -a vals
		mapfile -t vals < <(_crm_ask "$prog" "$verb" "$opt")
		if ((${#vals[@]})); then
			# Lists: "a,b,c" and "-a,b" complete their last item.
			local item=${val##*,}
			pre+=${val%"$item"}
			if [[ $item == -* ]]; then
				pre+=-
				item=${item#-}
			fi
			# FIELD=VALUE, FIELD!=VALUE...: the field's own values.
			if [[ $item =~ ^([a-z0-9_-]+)([=!<>~]+)(.*)$ ]]; then
				pre+=${BASH_REMATCH[1]}${BASH_REMATCH[2]}
				item=${BASH_REMATCH[3]}
				mapfile -t vals < <(_crm_ask "$prog" "$verb" \
					"--${BASH_REMATCH[1]//_/-}")
			elif _crm_open_ended "$prog" "$verb" "$opt"; then
				# A field: a comma or an operator comes next.
				compopt -o nospace 2>/dev/null
			fi
			for w in "${vals[@]}"; do
				[[ $w == "$item"* ]] && COMPREPLY+=("$pre$w")
			done
			for w in "${COMPREPLY[@]}"; do
				[[ $w == *= ]] && compopt -o nospace 2>/dev/null
			done
			# readline replaces only what follows the last '=' or ':'.
			if [[ $cur == *[=:]* ]]; then
				pre=${cur%"${cur##*[=:]}"}
				COMPREPLY=("${COMPREPLY[@]#"$pre"}")
			fi
			return 0
		fi
	fi
	if [[ $cur == -* ]]; then
		_crm_offer "$cur" < <(_crm_ask "$prog" "$verb")
	else
		# An operand: a stage, a status, a sub-verb, an entity...
		_crm_offer "$cur" < <(_crm_ask "$prog" "$verb" -- \
			"${_crm_words[@]:vi+1:_crm_cword-vi-1}")
	fi
	return 0
}

_crm_complete()
{
	local _crm_words _crm_cword prog noun
	COMPREPLY=()
	_crm_reassemble
	prog=${_crm_words[0]}
	if [[ ${prog##*/} != crm ]]; then
		_crm_binary "$prog" 0
		return 0
	fi
	# crm NOUN ...: the nouns, "help NOUN", then crm-NOUN's own words.
	if ((_crm_cword == 1)); then
		_crm_offer "${_crm_words[1]}" < <(_crm_nouns "$prog")
		return 0
	fi
	noun=${_crm_words[1]}
	if [[ $noun == help ]]; then
		((_crm_cword == 2)) && _crm_offer "${_crm_words[2]}" \
			< <(_crm_nouns "$prog" | grep -v -e '^-' -e '^help$')
		return 0
	fi
	[[ $noun == -* || $noun == */* ]] && return 0
	if [[ $prog == */* && -x ${prog%/*}/crm-$noun ]]; then
		prog=${prog%/*}/crm-$noun
	else
		prog=crm-$noun
	fi
	_crm_binary "$prog" 1
	return 0
}

# The binaries make install puts beside this file (tests/cli/docs.bats
# keeps the list equal to the Makefile's), and any other crm-* on PATH.
_crm_binaries="crm crm-admin crm-customer crm-contact crm-product crm-order
	crm-deal crm-ticket crm-activity crm-campaign crm-field crm-import
	crm-report"
complete -o bashdefault -o default -F _crm_complete $_crm_binaries \
	$(compgen -c crm- | sort -u)
unset _crm_binaries
