# fish completion for crm and every crm-NOUN binary.
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
# name, a file, an id) file names are offered.
#
# Installed once per binary as vendor_completions.d/BINARY.fish; loading it
# registers that binary, crm, and every crm-* command on PATH.

function __crm_ask --description 'Ask a crm binary its --completion-helper'
    command $argv[1] --completion-helper $argv[2..-1] 2>/dev/null
end

# "word<TAB>description" for the words of the Verbs: or Nouns: list of a
# binary's --help (two spaces, a word, spaces, a summary).
function __crm_described
    command $argv[1] --help 2>/dev/null |
        string replace -rf '^  ([a-z][a-z0-9-]*)  +(.*)$' '$1\t$2'
end

# The nouns of the dispatcher, with their summaries; else the crm-*
# commands found.
function __crm_nouns
    set -l nouns (__crm_described $argv[1])
    if test (count $nouns) -eq 0
        for f in $PATH/crm-*
            string replace -r '.*/crm-' '' -- $f
        end
        return
    end
    printf '%s\n' $nouns
end

# Whether option $argv[3] of verb $argv[2] of program $argv[1] takes a
# list of fields (FIELDS: "name,email") or an expression (EXPR:
# "name=Ada"), as its line in the verb's --help says: a field completed
# there is followed by more, not by a space.  Prints what comes next:
# ',' or '='.
function __crm_open_ended
    for line in (command $argv[1] $argv[2] --help 2>/dev/null)
        set -l m (string match -r -- '^ +((?:-[A-Za-z0-9], )?)(--[a-z0-9-]+) ([A-Z_]+)' $line)
        test (count $m) -eq 4; or continue
        test "$m[3]" = $argv[3]; or test "$m[2]" = "$argv[3], "; or continue
        switch $m[4]
            case FIELDS
                echo ,
            case EXPR
                echo =
            case '*'
                return 1
        end
        return 0
    end
    return 1
end

# Complete the words of crm-NOUN: $argv[1] the program to ask, the rest
# the words of its command line before the current one (its name first).
function __crm_binary
    set -l prog $argv[1]
    set -l words $argv[2..-1]
    set -l cur (commandline -ct)
    set -l verbs (__crm_ask $prog)
    test (count $verbs) -gt 0; or return

    set -l verb
    set -l i 2
    for w in $words[2..-1]
        if contains -- $w $verbs
            set verb $w
            break
        end
        set i (math $i + 1)
    end
    if test -z "$verb"
        string match -q -- '-*' $cur; and return
        set -l desc (__crm_described $prog)
        for v in $verbs
            set -l d (string match -- $v\t'*' $desc)
            if test -n "$d"
                printf '%s\n' $d[1]
            else
                printf '%s\n' $v
            end
        end
        return
    end
    contains -- -- $words[$i..-1]; and return

    set -l opt
    set -l pre ''
    set -l val $cur
    set -l prev $words[-1]
    if string match -q -r -- '^--[^=]+=' $cur
        set opt (string replace -r -- '=.*' '' $cur)
        set pre $opt=
        set val (string replace -r -- '^[^=]*=' '' $cur)
    else if test (count $words) -gt $i
        and string match -q -r -- '^-[^=]*$' $prev
        and test "$prev" != --
        set opt $prev
    end
    if test -n "$opt"
        set -l vals (__crm_ask $prog $verb $opt)
        if test (count $vals) -gt 0
            # Lists: "a,b,c" and "-a,b" complete their last item.
            set -l item (string replace -r -- '^.*,' '' $val)
            set pre $pre(string sub -l (math (string length -- $val) - (string length -- $item)) -- $val)
            if string match -q -- '-*' $item
                set pre $pre-
                set item (string sub -s 2 -- $item)
            end
            # FIELD=VALUE, FIELD!=VALUE...: the field's own values.
            set -l m (string match -r -- '^([a-z0-9_-]+)([=!<>~]+)(.*)$' $item)
            if test (count $m) -eq 4
                set pre $pre$m[2]$m[3]
                set vals (__crm_ask $prog $verb --(string replace -a _ - -- $m[2]))
            else if set -l next (__crm_open_ended $prog $verb $opt)
                # A field: a comma or an operator comes next.  fish adds
                # no space after a word that is only the common start of
                # two, so each field comes with what may follow it too.
                for v in $vals
                    printf '%s\n' $pre$v $pre$v$next
                end
                return
            end
            for v in $vals
                printf '%s%s\n' $pre $v
            end
            return
        end
    end
    if string match -q -- '-*' $cur
        __crm_ask $prog $verb
        return
    end
    # An operand: a stage, a status, a sub-verb, an entity...
    set -l vals (__crm_ask $prog $verb -- $words[(math $i + 1)..-1])
    if test (count $vals) -gt 0
        printf '%s\n' $vals
    else
        __fish_complete_path $cur
    end
end

function __crm_complete
    set -l words (commandline -opc)
    set -l prog $words[1]
    if not string match -q -r '(^|/)crm$' -- $prog
        __crm_binary $prog $words
        return
    end
    # crm NOUN ...: the nouns, "help NOUN", then crm-NOUN's own words.
    if test (count $words) -eq 1
        __crm_nouns $prog
        string replace -rf '^(usage:)? +crm ([a-z-]+).*' '$2' -- (command $prog --help 2>/dev/null)
        return
    end
    set -l noun $words[2]
    if test "$noun" = help
        test (count $words) -eq 2; and __crm_nouns $prog
        return
    end
    string match -q -r -- '^-|/' $noun; and return
    set -l dir (string replace -r -- '/[^/]*$' '' $prog)
    if test "$dir" != "$prog"; and test -x $dir/crm-$noun
        set prog $dir/crm-$noun
    else
        set prog crm-$noun
    end
    __crm_binary $prog $words[2..-1]
end

# The binaries make install puts beside this file (tests/cli/docs.bats
# keeps the list equal to the Makefile's), and any other crm-* on PATH.
set -l __crm_cmds crm crm-admin crm-customer crm-contact crm-product \
    crm-order crm-deal crm-ticket crm-activity crm-campaign crm-field \
    crm-import crm-report \
    (string replace -r '\.fish$' '' -- (basename (status filename)))
for f in $PATH/crm-*
    set -a __crm_cmds (string replace -r '.*/' '' -- $f)
end
for c in (printf '%s\n' $__crm_cmds | sort -u)
    complete -c $c -e
    complete -c $c -f -a '(__crm_complete)'
end
