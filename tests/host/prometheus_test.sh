#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tamstat --prometheus on the host (the library's /proc fallback): the text
# passes promtool's check and prometheus_client's parser, for hostile
# command names too (quotes, backslashes, a newline, invalid UTF-8), and its
# values are those of tamstat -J for the same quiet processes.
# Prints TAP ending in a kselftest "# Totals:" line.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
tamstat=${TAMSTAT:-$build/host/bin/tamstat}
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$work"' EXIT

# shellcheck source=tests/tap.sh
. "$top/tests/tap.sh"

[ -x "$tamstat" ] || { echo "1..0 # SKIP $tamstat not built"; exit 0; }

# Sleepers under hostile names: comm is the first 15 bytes of the file name.
names=('quo"te' 'back\slash' $'new\nline' $'bad\xff\xfeutf8' 'plain')
for name in "${names[@]}"; do
	ln -s "$(command -v sleep)" "$work/$name"
	"$work/$name" 300 &
	pids+=($!)
done
for p in "${pids[@]}"; do
	while [ "$(readlink "/proc/$p/exe")" = "$(readlink /proc/$$/exe)" ]; do sleep 0.01; done
done
list=$(IFS=,; echo "${pids[*]}")

"$tamstat" --prometheus >"$work/all.prom" 2>"$work/err"
rc=$?
[ $rc = 0 ] && [ ! -s "$work/err" ] && grep -q '^tamalloc_system_total_bytes [0-9]*$' "$work/all.prom"
result $? "tamstat --prometheus: exit $rc, the system families"
"$tamstat" --prometheus -p "$list" >"$work/pids.prom" 2>"$work/err"
rc=$?
[ $rc = 0 ] && [ ! -s "$work/err" ]
result $? "tamstat --prometheus -p PIDS: exit $rc"

for f in all pids; do
	promtool check metrics <"$work/$f.prom" >"$work/lint" 2>&1
	rc=$?
	result $rc "promtool check metrics ($f): status $rc$(tr '\n' ' ' <"$work/lint" | cut -c1-200)"
done

"$tamstat" -J -b -p "$list" >"$work/pids.json"
# Debian's python3, which python3-prometheus-client is for (PATH may
# name another one first).
/usr/bin/python3 - "$work" "${pids[@]}" <<'PY' >"$work/check" 2>&1
import json, sys
from prometheus_client.parser import text_string_to_metric_families

work, pids = sys.argv[1], sys.argv[2:]
text = open(work + "/pids.prom", "rb").read().decode("utf-8")
fams = {f.name: f for f in text_string_to_metric_families(text)}
js = json.load(open(work + "/pids.json", encoding="utf-8"))["processes"]
want = {str(p["pid"]): p for p in js}
bad = []
for name in ("tamalloc_system_total_bytes", "tamalloc_system_processes",
             "tamalloc_source_info", "tamalloc_command_processes",
             "tamalloc_command_committed_bytes", "tamalloc_process_committed_bytes"):
    if name not in fams or fams[name].type not in ("gauge", "info"):
        bad.append("family " + name)
for s in fams["tamalloc_process_committed_bytes"].samples:
    p = want[s.labels["pid"]]
    if s.labels["command"] != p["command"] or s.value != p["committed"]:
        bad.append("pid %s: %r %r" % (s.labels["pid"], s.labels, s.value))
for s in fams["tamalloc_process_reserved_bytes"].samples:
    if s.value != want[s.labels["pid"]]["reserved"]:
        bad.append("reserved of " + s.labels["pid"])
for s in fams["tamalloc_process_oom_score"].samples:
    if s.value != want[s.labels["pid"]]["oom_score"]:
        bad.append("oom_score of " + s.labels["pid"])
# Per command: each hostile name is one process, with its own figures.
cmds = {s.labels["command"]: s.value for s in fams["tamalloc_command_committed_bytes"].samples}
for p in js:
    if cmds.get(p["command"]) != p["committed"]:
        bad.append("command %r" % p["command"])
expect = {'quo"te', 'back\\slash', 'new\nline', 'bad\ufffd\ufffdutf8', 'plain'}
if set(cmds) != expect:
    bad.append("commands %r" % sorted(cmds))
print("; ".join(bad) or "%d pids, %d commands as -J gives them" % (len(want), len(cmds)))
sys.exit(1 if bad else 0)
PY
result $? "prometheus_client parses it and every value is tamstat -J's: $(cat "$work/check")"

# Source info and usage errors.
grep -q '^tamalloc_source_info{source="proc"} 1$' "$work/all.prom"
result $? "source info: proc on a kernel without the syscalls"
for args in "-J" "--system" "-o pid" "--sort pid" "-r" "--top 1"; do
	# shellcheck disable=SC2086
	"$tamstat" --prometheus $args >"$work/out" 2>"$work/err"
	rc=$?
	[ $rc = 2 ] && [ ! -s "$work/out" ] && grep -q '^tamstat: ' "$work/err"
	result $? "--prometheus $args: usage error, exit 2 (status $rc)"
done

tap_done
