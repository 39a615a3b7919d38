#!/usr/bin/env bash
# Lint every man page in man/: `groff -ww -man -z` and `mandoc -T lint`
# must both print nothing, so a page renders with no warning in either
# formatter.  Prints TAP (tests/tap.sh: "ok N - FILE" / "not ok N - FILE",
# with the formatters' messages as "# " lines, and the totals line); exits 1
# if any page failed.  groff and mandoc come from scripts/deps
# (groff-base, mandoc).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/tap.sh
. "$top/tests/tap.sh"

shopt -s nullglob
pages=("$top"/man/*.[0-9])

for tool in groff mandoc; do
	if ! command -v "$tool" >/dev/null; then
		echo "# $tool not found: run scripts/deps"
		missing=1
	fi
done

for page in "${pages[@]}"; do
	name=man/${page##*/}
	if [ -n "${missing:-}" ]; then
		out="groff or mandoc is missing"
	else
		# Both tools print nothing and exit 0 for a clean page.
		out=$(cd "$top" && groff -ww -man -z "$name" 2>&1) ||
			out+="${out:+$'\n'}groff exited with status $?"
		out2=$(cd "$top" && mandoc -T lint "$name" 2>&1) ||
			out2+="${out2:+$'\n'}mandoc exited with status $?"
		out+="${out:+${out2:+$'\n'}}$out2"
	fi
	[ -z "$out" ]
	result $? "$name"
	[ -z "$out" ] || sed 's/^/# /' <<<"$out"
done
tap_done
