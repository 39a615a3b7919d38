#!/usr/bin/env bash
# Self-tests of the harness: the overlay and scripts/vm-run.  TAP output.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
vmrun=$top/scripts/vm-run
n=0 fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {	# DESCRIPTION COMMAND...
	local desc=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/#   /' "$tmp/out" | tail -n 20
		fails=$((fails + 1))
	fi
}

# --- overlay, on a small tree holding only the files it touches
# shellcheck source=scripts/lib.sh
. "$top/scripts/lib.sh"
kernel_paths min
mini=$tmp/mini
make_mini() {
	rm -rf "$mini"
	mkdir -p "$mini/kernel"
	cp "$ksrc/Makefile" "$mini/"
	(cd "$ksrc/.tamalloc/pristine" && find . -type f) | while read -r f; do
		mkdir -p "$mini/$(dirname "$f")"
		cp "$ksrc/.tamalloc/pristine/$f" "$mini/$f"
	done
}
overlay_matches_tree() {
	make_mini
	"$top/scripts/overlay" "$mini" >/dev/null || return 1
	(cd "$ksrc/.tamalloc/pristine" && find . -type f) | while read -r f; do
		cmp "$mini/$f" "$ksrc/$f" || exit 1
	done
	cmp "$mini/kernel/tamalloc.c" "$top/kernel/tamalloc.c"
}
overlay_is_idempotent() {
	local before after
	before=$(cd "$mini" && find . -type f -not -path './.tamalloc/*' -exec md5sum {} + | sort)
	[ -z "$("$top/scripts/overlay" "$mini")" ] || { echo "second run changed files"; return 1; }
	after=$(cd "$mini" && find . -type f -not -path './.tamalloc/*' -exec md5sum {} + | sort)
	[ "$before" = "$after" ]
}
overlay_recovers_patched_tree() {
	# A tree patched before the state folder existed.
	rm -rf "$mini/.tamalloc"
	"$top/scripts/overlay" "$mini" >/dev/null && overlay_is_idempotent
}
overlay_rejects_bad_patch() {
	local copy=$tmp/copy out
	rm -rf "$copy"
	mkdir -p "$copy"
	cp -r "$top/scripts" "$top/kernel" "$top/include" "$top/arch" "$top/init" "$copy/"
	sed -i 's/^ obj-\$(CONFIG_VHOST_TASK)/ obj-$(CONFIG_NO_SUCH)/' "$copy/kernel/Makefile.patch"
	make_mini
	if out=$("$copy/scripts/overlay" "$mini" 2>&1); then
		echo "a patch with wrong context applied"; return 1
	fi
	echo "$out" | grep -q 'kernel/Makefile.patch does not apply'
}
mkpatch_applies() {
	make_mini
	"$top/scripts/mkpatch" >"$tmp/all.patch" || return 1
	(cd "$mini" && patch -p1 -s -F 0 <"$tmp/all.patch") || return 1
	(cd "$ksrc/.tamalloc/pristine" && find . -type f) | while read -r f; do
		cmp "$mini/$f" "$ksrc/$f" || exit 1
	done
	for f in kernel/tamalloc.c include/linux/tamalloc.h include/uapi/linux/tamalloc.h; do
		cmp "$mini/$f" "$top/$f" || return 1
	done
}
check "overlay reproduces the build tree" overlay_matches_tree
check "overlay is idempotent" overlay_is_idempotent
check "overlay recovers a tree patched without state" overlay_recovers_patched_tree
check "overlay names a patch that does not apply" overlay_rejects_bad_patch
check "scripts/mkpatch gives one patch that makes the same tree" mkpatch_applies

# --- vm-run
exit_status() { local rc=0; "$vmrun" -- sh -c 'exit 7' || rc=$?; [ $rc = 7 ]; }
output_exact() {
	"$vmrun" -- printf 'a b\n\tc\n' >"$tmp/o" || return 1
	printf 'a b\n\tc\n' | cmp - "$tmp/o"
}
args_quoted() {
	[ "$("$vmrun" -- sh -c 'echo "$#:$1"' argv0 'x  y' z)" = "2:x  y" ]
}
added_file() {
	echo "hello $$" >"$tmp/greeting.txt"
	[ "$("$vmrun" --add "$tmp/greeting.txt" -- cat /greeting.txt)" = "hello $$" ]
}
mem_and_cpus() {
	local out
	[ "$("$vmrun" -- nproc)" = 2 ] || { echo "default guest has not 2 CPUs"; return 1; }
	out=$("$vmrun" --mem 256M --cpus 1 -- sh -c 'grep MemTotal /proc/meminfo; nproc') || return 1
	echo "$out"
	echo "$out" | grep -q '^1$' && [ "$(echo "$out" | awk '/MemTotal/ {print $2}')" -lt 262144 ]
}
hang_times_out() {
	local rc=0 start=$SECONDS
	"$vmrun" --timeout 5 -- sleep 600 || rc=$?
	[ $rc = 124 ] && [ $((SECONDS - start)) -lt 60 ]
}
report_fails_run() {
	local rc=0
	"$vmrun" -- sh -c 'echo "WARNING: CPU: 0 PID: 1 at test/harness.c:1 fake+0x0" >/dev/kmsg' || rc=$?
	[ $rc = 125 ]
}
panic_fails_run() {
	local rc=0
	"$vmrun" -- sh -c 'echo c >/proc/sysrq-trigger; sleep 5' || rc=$?
	[ $rc = 125 ]
}
check "vm-run exits with the command's status" exit_status
check "vm-run streams output unchanged" output_exact
check "vm-run keeps arguments intact" args_quoted
check "vm-run --add puts a file in the guest" added_file
check "vm-run --mem and --cpus size the guest" mem_and_cpus
check "vm-run kills a hung guest (124)" hang_times_out
check "vm-run fails on a kernel WARNING (125)" report_fails_run
check "vm-run fails on a kernel panic (125)" panic_fails_run

echo "1..$n"
[ $fails = 0 ]
