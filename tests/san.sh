#!/usr/bin/env bash
# The host tests and tools again, built with AddressSanitizer (with its leak
# checker) and UndefinedBehaviorSanitizer (make host-san): each run must
# pass and print no sanitizer report.  TAP, with a "# Totals:" line.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
san=$build/host-san
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
# shellcheck source=tests/tap.sh
. "$top/tests/tap.sh"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run() {	# DESCRIPTION CMD...
	local desc=$1 rc
	shift
	"$@" >"$log" 2>&1
	rc=$?
	# A suite that skipped itself whole ("1..0 # SKIP ... not built")
	# ran nothing: that is a failure here, not a pass.
	if grep -qE '^1\.\.0 # SKIP' "$log"; then
		result 1 "$desc: skipped whole ($(grep -m1 -E '^1\.\.0 # SKIP' "$log"))"
	elif [ $rc = 0 ] && ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
		result 0 "$desc"
	else
		result 1 "$desc (status $rc)"
		grep -E -A12 'Sanitizer|runtime error:|not ok|Expected' "$log" | head -n 40 | sed 's/^/#   /'
	fi
}

# Every program must be there: a missing one is a failure, not a skip.
for b in "$san/bin/tamstat" "$san/bin/tamdemo" "$san/tests/host/lib_test"; do
	[ -x "$b" ] || result 1 "ASan+UBSan: ${b#"$build"/} not built (make host-san)"
done
for t in "$san"/tests/host/*_test; do
	[ -x "$t" ] || continue
	run "ASan+UBSan ${t##*/}" "$t"
done
# tamstat's own suite with the sanitized binary (valgrind cannot run it).
run "ASan+UBSan tamstat_test.sh" env TAMSTAT="$san/bin/tamstat" TAM_VALGRIND=0 \
	bash "$top/tests/host/tamstat_test.sh"
run "ASan+UBSan tamdemo" "$san/bin/tamdemo" -s 2M -d 0
run "ASan+UBSan tamdemo --help" "$san/bin/tamdemo" --help
run "ASan+UBSan tamdemo rejects a bad size" sh -c '! "$0" -s 12X 2>/dev/null' "$san/bin/tamdemo"

tap_done
