#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tamstat on the host, whose kernel lacks the syscalls: option parsing, every
# error path and its exit status, units and percentages against /proc, and
# JSON that a strict parser accepts whatever the process names contain.
# Prints TAP ending in a kselftest "# Totals:" line.
#
#   tests/host/tamstat_test.sh      (TAMSTAT=path overrides the binary)
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
tamstat=${TAMSTAT:-$build/host/bin/tamstat}
work=$(mktemp -d)
pids=()
cleanup() {
	[ ${#pids[@]} = 0 ] || kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=tests/tap.sh
. "$top/tests/tap.sh"
# check DESC CMD...: CMD succeeds.
check() {
	local desc=$1
	shift
	"$@"
	result $? "$desc"
}
# run ARGS...: tamstat's stdout, stderr and status in $out, $err, $rc.
run() {
	"$tamstat" "$@" >"$work/out" 2>"$work/err"
	rc=$?
	out=$(cat "$work/out")
	err=$(cat "$work/err")
}
# expect_exit CODE ARGS...: status CODE, a "tamstat: " message, no output.
expect_exit() {
	local code=$1
	shift
	run "$@"
	if [ "$rc" = "$code" ] && [ -z "$out" ] && [[ $err == tamstat:\ * ]]; then
		result 0 "exit $code: tamstat $*"
	else
		result 1 "exit $code: tamstat $*"
		echo "# got status $rc, stdout '$out', stderr '$err'"
	fi
}
# json_ok: $work/out is one JSON document, decoded as strict UTF-8.
json_ok() {
	python3 -c 'import json, sys
json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))' "$work/out"
}
# spawn NAME: run sleep under NAME (comm is the name's first 15 bytes).
spawn() {
	ln -sf "$(command -v sleep)" "$work/$1"
	"$work/$1" 300 &
	pids+=($!)
	child=$!
	# Wait for the exec, so that comm is the new name.
	while [ "$(readlink "/proc/$child/exe")" = "$(readlink /proc/$$/exe)" ]; do
		sleep 0.01
	done
}
status_kb() {
	awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"
}

[ -x "$tamstat" ] || { echo "1..0 # SKIP $tamstat not built"; exit 0; }

# --- help and usage errors -------------------------------------------------
run --help
[ "$rc" = 0 ] && [[ $out == Usage:* ]] && [ -z "$err" ]
result $? "--help prints usage on stdout, exit 0"
missing=
for c in PID COMMAND RESERVED COMMITTED COMMIT% RAM% OOM_SCORE OOM_ADJ; do
	grep -q "^  $c " <<<"$out" || missing+=" $c"
done
[ -z "$missing" ]
result $? "--help lists every column${missing:+ (missing$missing)}"

for args in "-x" "--bogus" "-p" "-p abc" "-p 0" "-p -1" "-p 1,,2" "-p 1," \
	    "-p ,1" "-p 99999999999" "-p 1x" "-p +1" "-p 1,+2" "-o" "-o foo" "-o pid,,command" \
	    "-o pid,foo" "--sort" "--sort foo" "--top 0" "--top x" "-s 0" \
	    "-s abc" "-s -1" "-s nan" "-s inf" "-c 0" "-c x" "--source" \
	    "--source foo" "extra" "--system -p 1" "--system -o pid" \
	    "--system --sort pid" "--system --top 1" "--system -r" "--system --cached"; do
	# shellcheck disable=SC2086
	expect_exit 2 $args
done
expect_exit 2 -p ""
expect_exit 2 -p " 1"
expect_exit 2 -o ""
expect_exit 2 --sort ""
run -x
grep -q "Try 'tamstat --help'" <<<"$err"
result $? "usage errors point to --help"

# --- missing processes, runtime failures -----------------------------------
sleep 0 &
gone=$!
wait $gone
expect_exit 3 -p "$gone"
expect_exit 3 -p "$$,$gone"
expect_exit 3 -p "$gone" -J
expect_exit 3 -p "$gone" -o committed -b -n
run -p "$gone"
grep -q "no such process: $gone" <<<"$err"
result $? "a missing process is named on stderr"

# Syscall 1000 answers ENOSYS on a kernel without tamalloc.
if ! python3 -c 'import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
sys.exit(libc.syscall(1000, 0, 0) != -1 or ctypes.get_errno() != 38)'; then
	skip "--source syscall fails on a kernel without the syscalls (this kernel has them)"
else
	expect_exit 1 --source syscall
	expect_exit 1 --source syscall -p $$ -J
fi
"$tamstat" >/dev/full 2>"$work/err"
rc=$?
[ "$rc" = 1 ] && grep -q "write error" "$work/err"
result $? "exit 1 when stdout cannot be written"

# --- values against /proc ----------------------------------------------------
spawn quiet
quiet=$child
echo 500 >"/proc/$quiet/oom_score_adj"
vm=$(status_kb "$quiet" VmSize) rss=$(status_kb "$quiet" VmRSS)
total=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)

run -p "$quiet" -o committed -b -n
[ "$rc" = 0 ] && [ "$out" = "$((rss * 1024))" ]
result $? "-p PID -o committed -b -n is the bare VmRSS in bytes ($out)"

run --source proc -p "$quiet" -o pid,command,reserved,committed,oom_score,oom_adj --kib --raw -n
want="$quiet quiet $vm $rss $(cat "/proc/$quiet/oom_score") 500"
[ "$out" = "$want" ]
result $? "--source proc matches /proc for a child ('$out' = '$want')"
# --cached asks the syscall for the counters as cached; /proc shows what
# it shows, so through /proc the figures are the same.
run --cached --source proc -p "$quiet" -o pid,command,reserved,committed,oom_score,oom_adj --kib --raw -n
[ "$rc" = 0 ] && [ "$out" = "$want" ]
result $? "--cached --source proc: the same figures ('$out')"

# The extra columns, each its /proc/PID/status line.
want=$(for k in RssAnon RssFile RssShmem VmSwap VmHWM; do status_kb "$quiet" $k; done | tr '\n' ' ')
run -p "$quiet" -o anon,file,shmem,swap,hwm --kib --raw -n
[ "$rc" = 0 ] && [ "$out " = "$want" ]
result $? "-o anon,file,shmem,swap,hwm: RssAnon RssFile RssShmem VmSwap VmHWM of /proc ('$out' = '$want')"
run -J -p "$quiet" -o anon,swap,hwm -b
[ "$rc" = 0 ] && python3 -c 'import json, sys
r = json.loads(sys.argv[1])["processes"][0]
want = [int(x) * 1024 for x in sys.argv[2].split()]
sys.exit(0 if [r["anon"], r["swap"], r["hwm"]] == [want[0], want[3], want[4]] else 1)' "$out" "$want"
result $? "-J -o anon,swap,hwm: the same figures, in bytes"

run -p "$quiet" -o reserved,committed -b --raw -n
[ "$out" = "$((vm * 1024)) $((rss * 1024))" ]
result $? "-b: bytes = kB * 1024"
run -p "$quiet" -o reserved,committed --kib --raw -n
[ "$out" = "$vm $rss" ]
result $? "--kib: the /proc kB values"
# MiB is the default unit.
for unit in "--mib 1024" "--gib 1048576" " 1024"; do
	run -p "$quiet" -o reserved,committed ${unit% *} --raw -n
	want=$(awk -v a="$vm" -v b="$rss" -v d="${unit#* }" \
		'BEGIN { printf "%.2f %.2f", a / d, b / d }')
	[ "$out" = "$want" ]
	opt=${unit% *}
	result $? "${opt:-no unit option}: kB / ${unit#* } with two decimals ('$out' = '$want')"
done
run -p "$quiet" -o reserved,committed -h --raw -n
want=$(awk -v a="$vm" -v b="$rss" 'function h(k, u) {
		u = "K"; if (k >= 1024) { k /= 1024; u = "M" }
		if (k >= 1024) { k /= 1024; u = "G" }
		s = sprintf("%.1f", k); sub(/\.0$/, "", s); return s u }
	BEGIN { printf "%s %s", h(a), h(b) }')
[ "$out" = "$want" ]
result $? "-h: human sizes ('$out' = '$want')"
run -p "$quiet" -o commit%,ram% --raw -n
want=$(awk -v a="$vm" -v b="$rss" -v t="$total" \
	'BEGIN { printf "%.1f %.1f", b * 1024 * 100 / (a * 1024), b * 1024 * 100 / (t * 1024) }')
[ "$out" = "$want" ]
result $? "COMMIT% and RAM%: one decimal ('$out' = '$want')"
run -p "$quiet" -o PiD,Command,ram% --raw -n
[ "$rc" = 0 ] && [[ $out == "$quiet quiet "* ]]
result $? "column names are case-insensitive"
run -p "$quiet" -b -h --kib -o committed -n
[ "$out" = "$rss" ]
result $? "the last unit option wins"
# -p reads the named processes only, even with RAM% (which needs total RAM,
# not mem_stats's walk over every process).
if command -v strace >/dev/null; then
	strace -f -qq -e trace=openat -o "$work/trace" "$tamstat" --source proc -p "$quiet,$$" >/dev/null
	opened=$(grep -c '"status"' "$work/trace")
	[ "$opened" = 2 ]
	result $? "-p with two PIDs and RAM%: two status files read ($opened)"
	# The default output's summary sums come from the table's walk: no
	# process directory is opened twice.
	strace -f -qq -e trace=openat -o "$work/trace" "$tamstat" --source proc -J >/dev/null
	twice=$(grep -oE 'openat\([0-9]+, "[0-9]+",' "$work/trace" | sort | uniq -d | wc -l)
	dirs=$(grep -cE 'openat\([0-9]+, "[0-9]+",' "$work/trace")
	[ "$dirs" -gt 1 ] && [ "$twice" = 0 ]
	result $? "summary and table: one /proc walk ($dirs process directories, $twice opened twice)"
else
	skip "strace not installed: run scripts/deps"
fi

run --system --kib --raw -n
want=$(awk '$1 == "MemTotal:" { t = $2 } $1 == "CommitLimit:" { l = $2 }
	END { printf "total %d 100.0 commit_limit %d %.1f", t, l, l * 100 / t }' /proc/meminfo)
[ "$(awk '$1 == "total" || $1 == "commit_limit"' <<<"$out" | tr '\n' ' ' | sed 's/ $//')" = "$want" ]
result $? "--system: MemTotal and CommitLimit with % of RAM"

# --- the summary against /proc/meminfo ----------------------------------------------
# Every summary figure that has a /proc/meminfo line, in the table, the JSON
# and the Prometheus outputs, against /proc/meminfo read just before and
# just after tamstat.  Up to 20 tries for a window where the two reads
# agree (the figure must then equal them); on a host that never holds
# still (guests of other suites) the figure must lie between the two
# reads, widened by their difference: a swapped or mislabelled field is
# off by far more than that.  Committed_AS counts the reader's own charge,
# which is cat's in the reads and tamstat's in the figure (tens of MiB for
# an ASan build, tests/san.sh): 64 MiB more room there, still far below
# CommitLimit, the figure it could be swapped with.
summary_keys="total:MemTotal free:MemFree buffers:Buffers cached:Cached available:MemAvailable commit_charge:Committed_AS commit_limit:CommitLimit swap_total:SwapTotal swap_free:SwapFree"
meminfo_b() {	# FILE KEY: KEY's value in bytes (mawk's printf stops at 2^31)
	local kb
	kb=$(awk -v k="$2:" '$1 == k { print $2 }' "$1")
	[ -n "$kb" ] && echo $((kb * 1024))
}
# summary_matches FORMAT: FORMAT is table, json or prometheus.
summary_matches() {
	local fmt=$1 try pair name key v a b lo hi d bad=0 held=0
	local -a args
	case $fmt in
	table) args=(--system -b --raw -n) ;;
	json) args=(--system -J -b) ;;
	prometheus) args=(--prometheus) ;;
	esac
	for try in $(seq 20); do
		cat /proc/meminfo >"$work/m1"
		"$tamstat" "${args[@]}" >"$work/sum" 2>&1 || { echo "# tamstat ${args[*]} failed"; return 1; }
		cat /proc/meminfo >"$work/m2"
		held=1
		for pair in $summary_keys; do
			[ "$(meminfo_b "$work/m1" "${pair#*:}")" = "$(meminfo_b "$work/m2" "${pair#*:}")" ] || { held=0; break; }
		done
		[ $held = 1 ] && break
	done
	for pair in $summary_keys; do
		name=${pair%%:*} key=${pair#*:}
		case $fmt in
		table) v=$(awk -v n="$name" '$1 == n { print $2 }' "$work/sum") ;;
		json) v=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(*[f["size"] for f in d["system"] if f["field"] == sys.argv[2]])' "$work/sum" "$name") ;;
		prometheus) v=$(awk -v m="tamalloc_system_${name}_bytes" '$1 == m { print $2 }' "$work/sum") ;;
		esac
		a=$(meminfo_b "$work/m1" "$key") b=$(meminfo_b "$work/m2" "$key")
		if [ "$a" -le "$b" ]; then lo=$a hi=$b; else lo=$b hi=$a; fi
		d=$((hi - lo))
		[ "$key" != Committed_AS ] || d=$((d + (64 << 20)))
		if [ -z "$v" ] || [ "$v" -lt $((lo - d)) ] || [ "$v" -gt $((hi + d)) ]; then
			echo "# $fmt: $name = '$v', /proc/meminfo $key $a then $b"
			bad=1
		fi
	done
	echo "# $fmt: $( [ $held = 1 ] && echo "held still after $try tries" || echo "never held still: bracketed")"
	return $bad
}
for fmt in table json prometheus; do
	summary_matches "$fmt"
	result $? "the $fmt summary: total, free, buffers, cached, available, commit_charge, commit_limit, swap_total, swap_free as /proc/meminfo has them"
done

# --- layout --------------------------------------------------------------------
run
fields=$(awk 'NR > 2 && NF == 3 { print $1 }' <<<"$out" | head -11 | tr '\n' ' ')
[ "$rc" = 0 ] && [ "$fields" = "total free buffers cached available reserved committed commit_charge commit_limit swap_total swap_free " ]
result $? "default: the summary rows in order"
grep -q "^source: proc " <<<"$out"
result $? "default: the summary names the source (proc on this kernel)"
grep -Eq "^ *PID +COMMAND +RESERVED +COMMITTED +COMMIT% +RAM% +OOM_SCORE +OOM_ADJ$" <<<"$out"
result $? "default: the process table with every column"
run --system
! grep -q PID <<<"$out" && grep -q "^commit_limit " <<<"$out"
result $? "--system: the summary only"
run -p "$quiet,$$"
[ "$(wc -l <<<"$out")" = 3 ] && ! grep -q "^source:" <<<"$out"
result $? "-p: a header and one line per process, no summary"
run -p "$quiet,$$" -n
[ "$(wc -l <<<"$out")" = 2 ] && ! grep -q PID <<<"$out"
result $? "-n: no headings"

# --- sorting -------------------------------------------------------------------
spawn sorta
a=$child
spawn sortb
b=$child
list="$quiet,$a,$b,$$"
run -p "$list" --sort pid -o pid -n
sort -n <<<"$out" | cmp -s - <(echo "$out")
result $? "--sort pid: ascending"
run -p "$list" --sort pid -r -o pid -n
sort -rn <<<"$out" | cmp -s - <(echo "$out")
result $? "--sort pid -r: descending"
run --sort committed -o committed -b -n
[ "$rc" = 0 ] && sort -n <<<"$out" | cmp -s - <(echo "$out")
result $? "--sort committed over every process"
run -p "$b,$quiet,$a,$$" --sort command -o command -n
want=$(printf '%s\n' "$(cat /proc/$$/comm)" quiet sorta sortb | LC_ALL=C sort)
[ "$out" = "$want" ]
result $? "--sort command: byte order ($(tr '\n' ' ' <<<"$out"))"
run --sort oom_score -r --top 3 -o oom_score -n
[ "$(wc -l <<<"$out")" = 3 ] && sort -rn <<<"$out" | cmp -s - <(echo "$out")
result $? "--sort oom_score -r --top 3: the three highest"
# --top alone: the biggest processes, largest first.  Among processes of
# this test's own (what else runs on the host, a guest of a suite beside
# this one, may commit more than any child here): one that commits 256 MiB
# and one 64 MiB, and two sleepers; --top 2 must give the two children,
# the larger first, in whatever order -p names them.
commit_child() {	# MIB FILE: a child that commits MIB MiB, ready when FILE says so
	python3 -c 'import sys, time
b = b"x" * (int(sys.argv[1]) << 20)
sys.stdout.write("ready\n")
sys.stdout.flush()
time.sleep(120)' "$1" >"$2" &
}
commit_child 256 "$work/big"
big=$!
commit_child 64 "$work/mid"
mid=$!
for _ in $(seq 100); do grep -q ready "$work/big" && grep -q ready "$work/mid" && break; sleep 0.1; done
run -p "$quiet,$mid,$a,$big" --top 2 -o pid,committed -b -n
kill "$big" "$mid"; wait "$big" "$mid" 2>/dev/null
[ "$rc" = 0 ] && [ "$(awk '{ print $1 }' <<<"$out" | tr '\n' ' ')" = "$big $mid " ]
result $? "--top 2 without --sort: the two that commit the most, largest first ($(echo $out))"
run --top 3 -o committed -b -n
[ "$rc" = 0 ] && [ "$(wc -l <<<"$out")" = 3 ] && sort -rn <<<"$out" | cmp -s - <(echo "$out")
result $? "--top 3 over every process: three, largest first ($(echo $out))"
run -p "$list" -o pid -n
[ "$(echo $out)" = "${list//,/ }" ]
result $? "-p without --sort keeps the given order"

# --- long options and --raw escaping --------------------------------------------
# Each long option gives what its short form gives (columns that hold
# still for a sleeping child), and --raw keeps one field per column by
# escaping a space in a command name as libsmartcols does (\x20).
spawn "two words"
spaced=$child
long_same() {	# "SHORT ARGS" "LONG ARGS": the same output and status 0
	local a b ra rb
	# shellcheck disable=SC2086
	a=$("$tamstat" $1 2>&1); ra=$?
	# shellcheck disable=SC2086
	b=$("$tamstat" $2 2>&1); rb=$?
	[ $ra = 0 ] && [ $rb = 0 ] && [ -n "$a" ] && [ "$a" = "$b" ] ||
		{ echo "# '$1' gave ($ra) '$a'"; echo "# '$2' gave ($rb) '$b'"; return 1; }
}
for pair in "-p $quiet -o pid,command:--pid $quiet --output pid,command" \
	    "-p $quiet,$spaced --sort pid -r -o pid:-p $quiet,$spaced --sort pid --reverse -o pid" \
	    "-p $quiet -o reserved -b -n:-p $quiet -o reserved --bytes --noheadings" \
	    "-p $quiet -o reserved -h -n:-p $quiet -o reserved --human -n" \
	    "-p $quiet -o pid,command -J:-p $quiet -o pid,command --json" \
	    "-p $quiet -o pid -n -s 0.05 -c 2:-p $quiet -o pid -n --interval 0.05 --count 2"; do
	long_same "${pair%%:*}" "${pair#*:}"
	result $? "long options: tamstat ${pair#*:} = tamstat ${pair%%:*}"
done
run -p "$spaced" -o pid,command --raw -n
[ "$rc" = 0 ] && [ "$out" = "$spaced two\x20words" ]
result $? "--raw: a space in a command name is escaped, one field per column ('$out')"
run -p "$spaced" -o pid,command -n
[ "$rc" = 0 ] && [ "$(sed 's/^ *//; s/ *$//' <<<"$out")" = "$spaced two words" ]
result $? "the table keeps the space as it is ('$out')"

# --- watch mode ----------------------------------------------------------------
run -p "$quiet" -o committed -b -n -s 0.1 -c 3
[ "$rc" = 0 ] && [ "$(grep -c "^$((rss * 1024))$" <<<"$out")" = 3 ]
result $? "-s 0.1 -c 3: three samples"
start=$(date +%s%N)
run -p "$quiet" -o pid -n -c 2
elapsed=$((($(date +%s%N) - start) / 1000000))
[ "$(wc -l <<<"$out")" = 2 ] && [ "$elapsed" -ge 900 ]
result $? "-c without -s: one sample a second (${elapsed} ms for 2)"
run -p "$quiet" -s 0.05 -c 2
[ "$(grep -c PID <<<"$out")" = 2 ] && [ "$(grep -c '^$' <<<"$out")" = 1 ]
result $? "watch: a blank line between tables"
run -p "$quiet" -J -s 0.05 -c 3
python3 -c 'import json, sys
s = open(sys.argv[1], "rb").read().decode("utf-8")
d, i, n = json.JSONDecoder(), 0, 0
while s[i:].strip():
	o, j = d.raw_decode(s[i:].lstrip())
	i += len(s[i:]) - len(s[i:].lstrip()) + j
	assert o["processes"][0]["pid"] == int(sys.argv[2])
	n += 1
assert n == 3, n' "$work/out" "$quiet"
result $? "-J -s: one complete JSON document per sample"
spawn shortlived
short=$child
(sleep 0.5; kill "$short") &
"$tamstat" -p "$short" -o pid -n -s 0.2 >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" = 3 ] && [ "$(head -1 "$work/out")" = "$short" ] && grep -q "no such process" "$work/err"
result $? "watch: exit 3 once the process is gone"

# --- JSON ------------------------------------------------------------------------
for args in "" "--system" "-p $quiet" "-h" "-b" "--raw -n" "--gib --sort ram% -r --top 2"; do
	# shellcheck disable=SC2086
	run -J $args
	[ "$rc" = 0 ] && json_ok
	result $? "-J $args: valid JSON"
done
run -J -b -p "$quiet"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
p = d["processes"][0]
assert d["source"] == "proc" and d["unit"] == "bytes", d
assert "system" not in d and "nr_processes" not in d, d
assert p == {"pid": int(sys.argv[2]), "command": "quiet",
	     "reserved": int(sys.argv[3]) * 1024, "committed": int(sys.argv[4]) * 1024,
	     "commit%": p["commit%"], "ram%": p["ram%"],
	     "oom_score": p["oom_score"], "oom_adj": 500}, p
assert isinstance(p["commit%"], float) and isinstance(p["oom_score"], int), p' \
	"$work/out" "$quiet" "$vm" "$rss"
result $? "-J -b: numbers, source and unit"
run -J -b -p "$quiet" -o pid,committed,PID,pid
python3 -c 'import json, sys
pairs = json.load(open(sys.argv[1]), object_pairs_hook=lambda p: p)
row = dict(pairs)["processes"][0]
assert [k for k, v in row] == ["pid", "committed"], row' "$work/out"
result $? "-J -o with a column twice: one member each, in first-seen order"
run -J -b --source proc
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
p, s = d["processes"], {r["field"]: r["size"] for r in d["system"]}
assert d["nr_processes"] == len(p), (d["nr_processes"], len(p))
assert s["reserved"] == sum(r["reserved"] for r in p), s
assert s["committed"] == sum(r["committed"] for r in p), s' "$work/out"
result $? "--source proc: the summary's sums are the table's, exactly"
run -J -h --system
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["source"] == "proc" and d["unit"] == "human" and d["nr_processes"] > 0
assert [r["field"] for r in d["system"]][0] == "total"
assert all(isinstance(r["size"], str) for r in d["system"]), d' "$work/out"
result $? "-J -h --system: sizes as strings, nr_processes"

# Hostile names: each byte string becomes an executable's name (at most 15
# bytes reach comm).  \xc3 at byte 15 leaves half of a UTF-8 sequence.
names=(
	'q"uote' 'back\slash' $'new\nline' $'tab\tbed' $'ctl\x01\x1f' $'esc\x1b[31m'
	$'del\x7f' $'bad\xff\xfe' $'\xc0\xafover' $'\xed\xa0\x80surr' $'caf\xc3\xa9'
	$'\xf0\x9f\x98\x80emoji' $'abcdefghijklmn\xc3\xa9' '{"a":[1,]}' '-dash'
	'sp ace' "sing'le"
)
hostile=()
for name in "${names[@]}"; do
	spawn "$name"
	hostile+=("$child")
done
all=$(IFS=,; echo "${hostile[*]}")
for i in "${!names[@]}"; do
	pid=${hostile[$i]} name=${names[$i]}
	label=$(printf '%q' "$name")
	run -p "$pid" -J
	[ "$rc" = 0 ] && json_ok && python3 -c 'import codecs, json, sys
# Each byte that is not part of valid UTF-8 becomes one U+FFFD.
codecs.register_error("perbyte", lambda e: ("\ufffd", e.start + 1))
comm = open("/proc/%s/comm" % sys.argv[2], "rb").read()[:-1]
got = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
got = got["processes"][0]["command"]
assert got == comm.decode("utf-8", "perbyte"), (got, comm)' "$work/out" "$pid"
	result $? "-J command $label: valid JSON, the name or U+FFFD"
done
run -J -p "$all"
json_ok
result $? "-J with every hostile name in one document"
run -J
json_ok
result $? "-J over every process, hostile ones included"
for mode in "" "--raw" "-o command" "-o command --raw"; do
	# shellcheck disable=SC2086
	run -p "$all" -n $mode
	[ "$rc" = 0 ] && [ "$(wc -l <"$work/out")" = ${#hostile[@]} ] &&
		! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$work/out"
	result $? "table ${mode:-default}: one line per hostile name, no control bytes"
done
run -p "${hostile[0]}" -o command --raw -n
[ "$out" = 'q"uote' ]
result $? "--raw keeps printable names as they are"

# --- valgrind ----------------------------------------------------------------------
if [ "${TAM_VALGRIND:-1}" = 0 ]; then
	: # a sanitized binary (tests/san.sh): valgrind cannot run it
elif command -v valgrind >/dev/null; then
	for args in "" "-J" "-J -p $all" "--system -h" "-p $gone" "-o nope" \
		    "-p $quiet -s 0.01 -c 3 --sort committed"; do
		# shellcheck disable=SC2086
		valgrind -q --leak-check=full --errors-for-leak-kinds=all \
			--error-exitcode=99 "$tamstat" $args >/dev/null 2>"$work/vg"
		rc=$?
		[ "$rc" != 99 ] && ! grep -q "==[0-9]*==" "$work/vg"
		result $? "valgrind: tamstat $args: no errors or leaks (status $rc)"
	done
else
	skip "valgrind not installed"
fi

tap_done
