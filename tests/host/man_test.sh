#!/usr/bin/env bash
# Lint every man page in man/: `groff -ww -man -z` and `mandoc -T lint`
# must both print nothing, so a page renders with no warning in either
# formatter.  Prints TAP ("ok N - FILE" / "not ok N - FILE", with the
# formatters' messages as "# " lines) and a kselftest-style totals line;
# exits 1 if any page failed.  groff and mandoc come from scripts/deps
# (groff-base, mandoc).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0 n=0

shopt -s nullglob
pages=("$top"/man/*.[0-9])
echo "TAP version 13"
echo "1..${#pages[@]}"

for tool in groff mandoc; do
	if ! command -v "$tool" >/dev/null; then
		echo "# $tool not found: run scripts/deps"
		missing=1
	fi
done

for page in "${pages[@]}"; do
	n=$((n + 1))
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
	if [ -z "$out" ]; then
		echo "ok $n - $name"
		pass=$((pass + 1))
	else
		echo "not ok $n - $name"
		sed 's/^/# /' <<<"$out"
		fail=$((fail + 1))
	fi
done

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
