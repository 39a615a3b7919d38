#!/usr/bin/env bash
# Every relative link of README.md and docs/*.md resolves: the file or
# folder it names exists and its #anchor is a heading there
# (tests/host/mdlinks.py, GitHub's anchor rule).  One TAP result per file,
# with the broken links as "# " lines; first, the checker must find the
# broken links of a file made to have them, so that a checker that finds
# nothing cannot pass unseen.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/tap.sh
. "$top/tests/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The checker against a file with one good and three broken links.
mkdir -p "$tmp/docs"
cat >"$tmp/docs/a.md" <<'EOF'
# A page

## Second heading, with `code`

[good](#second-heading-with-code) [good](../b.md#b-heading) [good](../b.md)
[no file](missing.md) [no heading](#nowhere) [no heading there](../b.md#nowhere)
`[in code](missing-too.md)`
EOF
printf '# B heading\n' >"$tmp/b.md"
out=$(cd "$tmp" && python3 "$top/tests/host/mdlinks.py" docs/a.md b.md)
rc=$?
[ $rc = 1 ] && [ "$(grep -c . <<<"$out")" = 3 ] &&
	grep -q 'missing.md: no such file' <<<"$out" && grep -q '#nowhere: no heading #nowhere in docs/a.md' <<<"$out" &&
	grep -q 'b.md#nowhere: no heading' <<<"$out"
result $? "mdlinks.py finds exactly the three broken links of a test file"
[ $rc = 1 ] && [ "$(grep -c . <<<"$out")" = 3 ] || sed 's/^/# /' <<<"$out"

cd "$top" || exit 1
shopt -s nullglob
for md in README.md docs/*.md; do
	out=$(python3 tests/host/mdlinks.py "$md")
	rc=$?
	result $rc "the relative links of $md resolve"
	[ $rc = 0 ] || sed 's/^/# /' <<<"$out"
done
tap_done
