#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tambench --quick on the host (the library's fallbacks): it runs, prints
# every table with a row per size and per process count, shows tamalloc and
# mmap lazy and uncharged, and rejects bad options.  It never judges a time.
# Prints TAP ending in a kselftest "# Totals:" line.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
tambench=${TAMBENCH:-$build/host/bin/tambench}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# shellcheck source=tests/tap.sh
. "$top/tests/tap.sh"

[ -x "$tambench" ] || { echo "1..0 # SKIP $tambench not built"; exit 0; }

"$tambench" --quick --procs 10,100 >"$out" 2>&1
rc=$?
[ $rc = 0 ] && tail -1 "$out" | grep -q '^tambench: done in [0-9]* s$'
result $? "tambench --quick --procs 10,100: exit 0 and the closing line (status $rc)"

# Allocation: a row per size, four times and a ratio.
rows=$(grep -cE '^\| [0-9]+ [KMG]iB +(\| +[0-9.]+ [mun]?s \([0-9]+\) +){4}\| +[0-9]+\.[0-9]{2} \|$' "$out")
[ "$rows" = 6 ]
result $? "allocation: 6 sizes with four medians and a tamalloc/mmap ratio ($rows)"
# The first call's deltas: tamalloc and mmap make nothing resident and
# charge nothing, at every size.
lazy=$(grep -cE '^\| [0-9]+ [KMG]iB +\| +\+0 / \+0 \| +\+0 / \+0 \|' "$out")
[ "$lazy" = 6 ]
result $? "tamalloc and mmap: +0 KiB VmRSS and commit charge at the first call ($lazy of 6)"
# Statistics: a row per N, with at least N processes counted.
for want in 10 100; do
	awk -v n="$want" -F'|' '$2 + 0 == n && $3 + 0 >= n { ok = 1 } END { exit !ok }' "$out"
	result $? "statistics: a row for N=$want counting at least $want processes"
done

for args in "--procs 0" "--procs x" "--procs 1,,2" "--procs 1," "--procs 100001" "--bogus" "extra"; do
	# shellcheck disable=SC2086
	"$tambench" $args >/dev/null 2>&1
	rc=$?
	[ $rc = 2 ]
	result $? "tambench $args: usage error, exit 2 (status $rc)"
done

tap_done
