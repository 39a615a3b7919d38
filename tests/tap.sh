# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
# TAP for the shell tests, sourced: result, skip and tap_done, ending in the
# kselftest "# Totals:" line that tests/run adds up.
n=0 pass=0 fail=0 skip=0

# result STATUS DESC: one TAP line; STATUS 0 is a pass.
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		pass=$((pass + 1))
		echo "ok $n - $2"
	else
		fail=$((fail + 1))
		echo "not ok $n - $2"
	fi
}

# skip REASON: a test that could not run, counted as skipped, not passed.
skip() {
	n=$((n + 1)) skip=$((skip + 1))
	echo "ok $n # SKIP $1"
}

# tap_done: the plan and the totals; status 1 if anything failed.
tap_done() {
	echo "1..$n"
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
	[ "$fail" = 0 ]
}
