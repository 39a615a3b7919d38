#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bash completion of tamstat, tamdemo and tambench (completions/tamalloc) as
# a user gets it: make install's install-completion lays it out in a
# scratch DESTDIR with PREFIX=/usr (install_test.sh checks that make install
# has it too), and bash-completion's own loader (Debian's bash-completion,
# from scripts/deps) finds it there through XDG_DATA_DIRS for each of the
# three names.  Then completions are asked of it as bash asks them
# (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT) and compared with what each
# tool's --help lists, with /proc's pids and with files.  Completion is
# shell code that does not touch the kernel, so the host is where it is
# tested; the Debian guest has no bash-completion package.  Prints TAP
# ending in a kselftest "# Totals:" line.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
bc=/usr/share/bash-completion/bash_completion
work=$(mktemp -d)
sleeper=
cleanup() {
	[ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=tests/tap.sh
. "$top/tests/tap.sh"

if [ ! -f "$bc" ]; then
	skip "bash-completion is not installed (scripts/deps)"
	tap_done
	exit
fi
if [ ! -x "$build/host/bin/tamstat" ]; then
	skip "the tools are not built (make host)"
	tap_done
	exit
fi

# install-completion: the part of make install that lays out the completion
# (make install itself rewrites build/host/tamalloc.pc, which
# install_test.sh may be installing beside this test).
dest=$work/dest
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$top" --no-print-directory -f Makefile.user \
	O="$build/host" install-completion DESTDIR="$dest" PREFIX=/usr >"$work/make.log" 2>&1
result $? "make install-completion DESTDIR=... PREFIX=/usr" || sed 's/^/# /' "$work/make.log"
comps=$dest/usr/share/bash-completion/completions
[ -f "$comps/tamstat" ] && [ "$(readlink "$comps/tamdemo")" = tamstat ] &&
	[ "$(readlink "$comps/tambench")" = tamstat ]
result $? "completions/tamstat installed, tamdemo and tambench linking to it"

# ask WORDS...: in a fresh bash with bash-completion loaded, what completing
# the last word gives, one per line, sorted; the words as bash splits them
# (--pid=1 is "--pid" "=" "1").  The completion is loaded by bash-completion's
# __load_completion from XDG_DATA_DIRS, which names the DESTDIR only.
# shellcheck disable=SC2016 # the script is for the inner bash
ask() {
	(cd "$work/cwd" && env -i PATH="$PATH" HOME="$work" XDG_DATA_DIRS="$dest/usr/share" \
		BASH_COMPLETION_USER_DIR="$work/none" bash --norc --noprofile -c '
. "$1"
shift
__load_completion "$1" || { echo "no completion loaded for $1"; exit 1; }
spec=$(complete -p "$1") || exit 1
func=${spec#*-F }
func=${func%% *}
shopt -s extdebug
src=$(declare -F "$func")
shopt -u extdebug
[ "${src##* }" = "$XDG_DATA_DIRS/bash-completion/completions/$1" ] ||
	{ echo "$func comes from ${src##* }"; exit 1; }
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
# The line as typed: words apart, but "=" joins an option to its value.
COMP_LINE=$1
for ((i = 1; i < $#; i++)); do
	w=${COMP_WORDS[i]}
	if [ "$w" = = ] || [ "${COMP_WORDS[i - 1]}" = = ]; then COMP_LINE+=$w; else COMP_LINE+=" $w"; fi
done
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
# compopt works only while bash runs a completion: record what it was asked.
compopt() { echo "$*" >>"$HOME/compopt"; }
"$func" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' ask "$bc" "$@")
}
mkdir -p "$work/cwd"
# same DESC WANT GOT: the two lists are equal; else their diff as comments.
same() {
	if [ "$2" = "$3" ]; then
		result 0 "$1"
	else
		diff <(echo "$2") <(echo "$3") | head -n 20 | sed 's/^/# /'
		result 1 "$1"
	fi
}
# options TOOL: the options its --help lists, sorted.
options() {
	"$build/host/bin/$1" --help | grep -oE '(^|[ ,])--?[a-zA-Z][-a-zA-Z]*' |
		sed 's/^[ ,]//' | LC_ALL=C sort -u
}
lines() { printf '%s\n' "$@" | LC_ALL=C sort; }

for tool in tamstat tamdemo tambench; do
	same "$tool -<TAB>: every option of $tool --help, nothing else" "$(options $tool)" "$(ask $tool -)"
done
same "tamstat --so<TAB>: --sort --source" "$(lines --sort --source)" "$(ask tamstat --so)"

# Columns: what tamstat --help lists under "Columns:", in lower case.
columns=$("$build/host/bin/tamstat" --help | sed -n '/^Columns:/,/^$/p' | awk 'NF > 1 { print tolower($1) }' |
	LC_ALL=C sort)
[ "$(wc -l <<<"$columns")" -ge 8 ]
result $? "tamstat --help lists $(wc -l <<<"$columns") columns"
same "tamstat -o <TAB>: every column" "$columns" "$(ask tamstat -o '')"
same "tamstat --output <TAB>: every column" "$columns" "$(ask tamstat --output '')"
same "tamstat --sort <TAB>: every column" "$columns" "$(ask tamstat --sort '')"
same "tamstat -o pid,com<TAB>: the last name of the list" "$(lines pid,command pid,commit% pid,committed)" \
	"$(ask tamstat -o pid,com)"
rm -f "$work/compopt"
same "tamstat -o pid,command,<TAB>: the columns not listed yet" \
	"$(grep -vxE 'pid|command' <<<"$columns" | sed 's/^/pid,command,/')" "$(ask tamstat -o pid,command,)"
[ "$(cat "$work/compopt" 2>/dev/null)" = "-o nospace" ]
result $? "tamstat -o LIST<TAB>: no space after the name, so that a comma may follow"
same "tamstat -o PID,OOM<TAB>: names are case-insensitive" "$(lines PID,oom_adj PID,oom_score)" \
	"$(ask tamstat -o PID,OOM)"
same "tamstat --sort oom<TAB>" "$(lines oom_adj oom_score)" "$(ask tamstat --sort oom)"
same "tamstat --source <TAB>: syscall proc" "$(lines proc syscall)" "$(ask tamstat --source '')"
same "tamstat --source=s<TAB> (split at =): syscall" "syscall" "$(ask tamstat --source = s)"
same "tamstat --top <TAB>: nothing (a number)" "" "$(ask tamstat --top '')"

# Process ids: a sleeping child's among them; a list completes its last.
sleep 300 &
sleeper=$!
got=$(ask tamstat -p '')
bad=$(grep -cvxE '[0-9]+' <<<"$got")
missing=0
for p in $$ $sleeper 1; do grep -qx "$p" <<<"$got" || missing=$((missing + 1)); done
[ "$bad" = 0 ] && [ $missing = 0 ] && [ "$(wc -l <<<"$got")" -ge 3 ]
result $? "tamstat -p <TAB>: process ids only ($(wc -l <<<"$got")), this shell's, the child's and 1 among them"
same "tamstat -p $sleeper<TAB>: that pid (and longer ones)" \
	"$(for d in /proc/"$sleeper"*; do [[ ${d#/proc/} =~ ^[0-9]+$ ]] && echo "${d#/proc/}"; done | LC_ALL=C sort)" \
	"$(ask tamstat -p "$sleeper")"
got=$(ask tamstat --pid "$$,$sleeper")
grep -qx "$$,$sleeper" <<<"$got" && ! grep -qv "^$$,$sleeper" <<<"$got"
result $? "tamstat --pid $$,$sleeper<TAB>: the last pid of the list, with the list before it"
got=$(ask tamstat -p "$sleeper,")
! grep -qx "$sleeper,$sleeper" <<<"$got" && grep -qx "$sleeper,1" <<<"$got"
result $? "tamstat -p $sleeper,<TAB>: the other pids, not $sleeper again"
got=$(ask tamstat --pid = "$sleeper")
grep -qx "$sleeper" <<<"$got"
result $? "tamstat --pid=$sleeper<TAB> (split at =)"

# tamdemo --csv: a file or -; tambench -p takes numbers, not pids.
touch "$work/cwd/samples.csv" "$work/cwd/other.txt"
same "tamdemo --csv <TAB>: the files here and -" "$(lines - other.txt samples.csv)" "$(ask tamdemo --csv '')"
same "tamdemo -o sa<TAB>" "samples.csv" "$(ask tamdemo -o sa)"
same "tamdemo -s <TAB>: nothing (a size)" "" "$(ask tamdemo -s '')"
same "tambench -p <TAB>: nothing (numbers of processes, not pids)" "" "$(ask tambench -p '')"

tap_done
