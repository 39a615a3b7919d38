#!/usr/bin/env bash
# Self-tests of the harness: the overlay and scripts/vm-run.  TAP output.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
# shellcheck source=tests/tap.sh
. "$top/tests/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {	# DESCRIPTION COMMAND...
	local desc=$1 rc
	shift
	"$@" >"$tmp/out" 2>&1
	rc=$?
	result $rc "$desc"
	[ $rc = 0 ] || sed 's/^/#   /' "$tmp/out" | tail -n 20
}

# --- overlay, on small trees holding only the files it reads and touches,
# one for each kernel tree (KSRC, or each of Debian's that is unpacked)
# shellcheck source=scripts/lib.sh
. "$top/scripts/lib.sh"
mini=$tmp/mini
make_mini() {
	rm -rf "$mini"
	mkdir -p "$mini"
	(cd "$ksrc" && cp --parents Makefile kernel/fork.c fs/proc/task_mmu.c mm/oom_kill.c scripts/unifdef.c "$mini/")
	(cd "$ksrc/.tamalloc/pristine" && find . -type f) | while read -r f; do
		mkdir -p "$mini/$(dirname "$f")"
		cp "$ksrc/.tamalloc/pristine/$f" "$mini/$f"
	done
}
# same_as_tree: every overlay file of $mini is as in the built tree.
same_as_tree() {
	overlay_files_for "$ksrc" | while read -r f; do
		cmp "$mini/${f%.patch}" "$ksrc/${f%.patch}" || exit 1
	done
}
overlay_matches_tree() {
	make_mini
	"$top/scripts/overlay" "$mini" >/dev/null && same_as_tree
}
overlay_is_idempotent() {
	local before after
	before=$(cd "$mini" && find . -type f -not -path './.tamalloc/*' -exec md5sum {} + | sort)
	[ -z "$("$top/scripts/overlay" "$mini")" ] || { echo "second run changed files"; return 1; }
	after=$(cd "$mini" && find . -type f -not -path './.tamalloc/*' -exec md5sum {} + | sort)
	[ "$before" = "$after" ]
}
overlay_recovers_patched_tree() {
	# A tree patched by this overlay, without its state folder.
	rm -rf "$mini/.tamalloc"
	"$top/scripts/overlay" "$mini" >/dev/null && overlay_is_idempotent && same_as_tree
}
# The overlay as the last landed version before the kernel matrix shipped
# it (6.12 only, two-argument tamalloc), applied by hand with patch -p1:
# the overlay must take that copy out, not patch the tree twice.
old_rev=ebbcd9c
overlay_updates_old_copy() {
	local f
	make_mini
	git -C "$top" ls-tree -r --name-only "$old_rev" -- arch include init kernel |
	while read -r f; do
		case $f in
		*.patch) git -C "$top" show "$old_rev:$f" | (cd "$mini" && patch -p1 -s -F 0) || exit 1 ;;
		*) mkdir -p "$mini/$(dirname "$f")" && git -C "$top" show "$old_rev:$f" >"$mini/$f" || exit 1 ;;
		esac
	done || return 1
	grep -q 'unsigned int flags);' "$mini/include/linux/syscalls.h" || { echo "old copy not applied"; return 1; }
	"$top/scripts/overlay" "$mini" >/dev/null && same_as_tree && overlay_is_idempotent
}
overlay_rejects_bad_patch() {
	local copy=$tmp/copy out
	rm -rf "$copy"
	mkdir -p "$copy"
	cp -r "$top/scripts" "$top/kernel" "$top/include" "$top/arch" "$top/init" "$copy/"
	# Change the first context line of a patch: it must no longer apply.
	awk '!done && /^ [^ ]/ { print " obj-$(CONFIG_NO_SUCH) += nothing.o"; done = 1; next } { print }' \
		"$top/kernel/Makefile.patch" >"$copy/kernel/Makefile.patch"
	make_mini
	if out=$("$copy/scripts/overlay" "$mini" 2>&1); then
		echo "a patch with wrong context applied"; return 1
	fi
	echo "$out" | grep -q 'kernel/Makefile.patch does not apply'
}
overlay_rejects_other_versions() {
	local out v
	make_mini
	for v in "5 15" "6 0" "7 4" "8 0"; do
		sed -i -e "s/^VERSION = .*/VERSION = ${v% *}/" -e "s/^PATCHLEVEL = .*/PATCHLEVEL = ${v#* }/" "$mini/Makefile"
		if out=$("$top/scripts/overlay" "$mini" 2>&1); then
			echo "Linux $v accepted"; return 1
		fi
		echo "$out" | grep -q "supports $tree_min to $tree_max" || { echo "$out"; return 1; }
		[ ! -d "$mini/.tamalloc" ] || { echo "Linux $v: the tree was changed"; return 1; }
	done
	out=$("$top/scripts/overlay" "$tmp" 2>&1) && return 1
	echo "$out" | grep -q 'is not a Linux source tree'
}
# A tree whose task_mem() reads VmRSS in a way the overlay does not know:
# it must stop with a message naming the reason, and change no file.
overlay_stops_on_unknown_vmrss() {
	local out before after
	make_mini
	sed -i -E 's/get_mm_counter(_sum)?\(mm, MM_ANONPAGES\)/get_mm_anon_somehow(mm)/' "$mini/fs/proc/task_mmu.c"
	grep -q 'get_mm_anon_somehow(mm)' "$mini/fs/proc/task_mmu.c" || { echo "task_mem() not rewritten"; return 1; }
	before=$(cd "$mini" && find . -type f -not -path './.tamalloc/*' -exec md5sum {} + | sort)
	if out=$("$top/scripts/overlay" "$mini" 2>&1); then
		echo "overlay went on"; return 1
	fi
	after=$(cd "$mini" && find . -type f -not -path './.tamalloc/*' -exec md5sum {} + | sort)
	echo "$out"
	echo "$out" | grep -q 'cannot tell how .*task_mmu.c reads VmRSS' && [ "$before" = "$after" ]
}
mkpatch_applies() {
	make_mini
	if [ "$1" = ksrc ]; then
		"$top/scripts/mkpatch" >"$tmp/all.patch" || return 1
	else
		KVER=$1 "$top/scripts/mkpatch" >"$tmp/all.patch" || return 1
	fi
	grep -q "Made for Linux $(tree_version "$ksrc")" "$tmp/all.patch" || return 1
	(cd "$mini" && patch -p1 -s -F 0 <"$tmp/all.patch") && same_as_tree
}
if [ -n "${KSRC:-}" ]; then trees=(ksrc); else read -ra trees <<<"$kvers"; fi
for t in "${trees[@]}"; do
	if [ "$t" = ksrc ]; then kernel_paths min; else KVER=$t kernel_paths min; fi
	if [ ! -d "$ksrc/.tamalloc/pristine" ]; then
		result 1 "$kname: not overlaid (run make kernel KVER=$t)"
		continue
	fi
	v=$(tree_version "$ksrc")
	check "overlay reproduces the build tree ($v)" overlay_matches_tree
	check "overlay is idempotent ($v)" overlay_is_idempotent
	check "overlay recovers a tree patched without state ($v)" overlay_recovers_patched_tree
	check "overlay names a patch that does not apply ($v)" overlay_rejects_bad_patch
	check "overlay stops on a task_mem() whose VmRSS read it does not know ($v)" overlay_stops_on_unknown_vmrss
	check "scripts/mkpatch gives one patch that makes the same tree ($v)" mkpatch_applies "$t"
done
check "overlay refuses trees outside $tree_min..$tree_max before changing them" overlay_rejects_other_versions
# The old copy is a 6.12 patch; it needs the 6.12 tree and the history.
KVER=6.12 kernel_paths min
if [ -n "${KSRC:-}" ]; then
	:
elif git -C "$top" cat-file -e "$old_rev^{commit}" 2>/dev/null; then
	check "overlay brings a hand-applied older copy up to date (6.12)" overlay_updates_old_copy
else
	skip "no history with $old_rev (shallow clone)"
fi
kernel_paths min

# --- make deb's config (scripts/kdeb --config: the config steps, no build)
kdeb_missing_config() {
	local rc=0
	KCONFIG=$tmp/no-such-config "$top/scripts/kdeb" --config 2>"$tmp/err" || rc=$?
	cat "$tmp/err"
	[ $rc != 0 ] && grep -q 'no-such-config: no such file' "$tmp/err"
}
kdeb_not_a_config() {
	local rc=0
	printf 'hello\n' >"$tmp/notes.txt"
	KCONFIG=$tmp/notes.txt "$top/scripts/kdeb" --config 2>"$tmp/err" || rc=$?
	cat "$tmp/err"
	[ $rc != 0 ] && grep -q 'is not a kernel config' "$tmp/err"
}
# docs/install.md's command for Debian's full config, with LSMOD= relative and on
# make's command line: localmodconfig must keep the listed modules only.
kdeb_localmod() {
	local dcfg cfg mods
	dcfg=$("$top/scripts/debian-config" 6.12) || return 1
	cfg=$(make -s -C "$top" deb-config KCONFIG="$dcfg" LOCALMOD=1 LSMOD=config/machine.lsmod | tail -n 1) || return 1
	mods=$(grep -c '=m$' "$cfg")
	echo "$cfg: $mods modules (Debian's config: $(grep -c '=m$' "$dcfg"))"
	grep -qx 'CONFIG_TAMALLOC_SYSCALLS=y' "$cfg" && grep -qx 'CONFIG_DEBUG_INFO_NONE=y' "$cfg" &&
		grep -qE '^CONFIG_VIRTIO_BLK=[ym]$' "$cfg" && grep -qE '^CONFIG_EXT4_FS=[ym]$' "$cfg" &&
		[ "$mods" -le 100 ]
}
check "make deb stops on a KCONFIG= that does not exist" kdeb_missing_config
check "make deb stops on a KCONFIG= that is not a kernel config" kdeb_not_a_config
if [ -z "${KSRC:-}" ]; then
	check "make deb-config LOCALMOD=1 LSMOD=FILE trims Debian's config to FILE's modules" kdeb_localmod
else
	skip "Debian's 6.12 config with localmodconfig: KSRC= is another tree"
fi

# --- progress display (scripts/lib.sh: step)
# A fake build: three kbuild-style lines, a second apart.
printf '%s\n' 'for i in 1 2 3; do echo "  CC      obj$i.o"; sleep 1; done' >"$tmp/fake-build"
# On a terminal (script(1) gives the step one): a line updated in place,
# with the count of expected objects, then the end line.
step_on_terminal() {
	printf '%s\n' ". '$top/scripts/lib.sh'" \
		"step '  BUILD   demo' '$tmp/step.log' 3 '^  [A-Z]+ ' -- sh '$tmp/fake-build'" >"$tmp/tty-step"
	TERM=xterm script -qec "bash $tmp/tty-step" /dev/null >"$tmp/tty.out" || return 1
	cat -v "$tmp/tty.out"
	grep -q $'\r\e\\[K  BUILD   demo: [12]/3, 0:0' "$tmp/tty.out" &&
		grep -q 'BUILD   demo: done in 0:0[0-9]' "$tmp/tty.out"
}
# Not a terminal: a plain start line and end line, no escape sequences.
step_in_log() {
	(. "$top/scripts/lib.sh"; step "  BUILD   demo" "$tmp/step.log" 3 '^  [A-Z]+ ' -- sh "$tmp/fake-build") >"$tmp/plain.out" 2>&1 || return 1
	cat "$tmp/plain.out"
	! grep -q $'\e' "$tmp/plain.out" && [ "$(wc -l <"$tmp/plain.out")" = 2 ] &&
		grep -qx '  BUILD   demo \.\.\.' "$tmp/plain.out" && grep -q '^  BUILD   demo: done in 0:0[0-9]$' "$tmp/plain.out"
}
# A failed step shows the compiler's error and where the log is.
step_shows_error() {
	local rc=0
	printf 'int main(void) { return undeclared_thing; }\n' >"$tmp/broken.c"
	(. "$top/scripts/lib.sh"; step "  BUILD   broken" "$tmp/broken.log" -- cc -c -o "$tmp/broken.o" "$tmp/broken.c") >"$tmp/fail.out" 2>&1 || rc=$?
	cat "$tmp/fail.out"
	[ $rc != 0 ] && grep -q "FAILED (exit status $rc).*$tmp/broken.log" "$tmp/fail.out" &&
		grep -q "undeclared_thing.*undeclared" "$tmp/fail.out"
}
check "a step updates one line in place on a terminal" step_on_terminal
check "a step prints plain start and end lines into a log" step_in_log
check "a failed step shows the last lines of its log and the log's path" step_shows_error

# --- vm-run, on x86_64 and, when its kernel and initramfs are built (make
# test builds them), on arm64: the same statuses, output and checks.
exit_status() { local rc=0; "${vmrun[@]}" -- sh -c 'exit 7' || rc=$?; [ $rc = 7 ]; }
output_exact() {
	"${vmrun[@]}" -- printf 'a b\n\tc\n' >"$tmp/o" || return 1
	printf 'a b\n\tc\n' | cmp - "$tmp/o"
}
args_quoted() {
	[ "$("${vmrun[@]}" -- sh -c 'echo "$#:$1"' argv0 'x  y' z)" = "2:x  y" ]
}
added_file() {
	echo "hello $$" >"$tmp/greeting.txt"
	[ "$("${vmrun[@]}" --add "$tmp/greeting.txt" -- cat /greeting.txt)" = "hello $$" ]
}
mem_and_cpus() {
	local out
	[ "$("${vmrun[@]}" -- nproc)" = 2 ] || { echo "default guest has not 2 CPUs"; return 1; }
	out=$("${vmrun[@]}" --mem 256M --cpus 1 -- sh -c 'grep MemTotal /proc/meminfo; nproc') || return 1
	echo "$out"
	echo "$out" | grep -q '^1$' && [ "$(echo "$out" | awk '/MemTotal/ {print $2}')" -lt 262144 ]
}
hang_times_out() {
	local rc=0 start=$SECONDS
	"${vmrun[@]}" --timeout 5 -- sleep 600 || rc=$?
	[ $rc = 124 ] && [ $((SECONDS - start)) -lt 60 ]
}
report_fails_run() {
	local rc=0
	"${vmrun[@]}" -- sh -c 'echo "WARNING: CPU: 0 PID: 1 at test/harness.c:1 fake+0x0" >/dev/kmsg' || rc=$?
	[ $rc = 125 ]
}
panic_fails_run() {
	local rc=0
	"${vmrun[@]}" -- sh -c 'echo c >/proc/sysrq-trigger; sleep 5' || rc=$?
	[ $rc = 125 ]
}
# --icount: the guest's clock is virtual time, counted in instructions, so
# an idle guest's sleep passes at once on the host (sleep=off): a minute of
# guest sleep, boot included, takes less than a minute of host time, which
# on real time it never could (the x86_64 boot alone busy-waits about 20 s
# of host time under -icount).
icount_clock() {
	local out start=$SECONDS
	out=$("${vmrun[@]}" --icount -- sh -c \
		'a=$(cut -d" " -f1 /proc/uptime); sleep 60; b=$(cut -d" " -f1 /proc/uptime); echo "$a $b"') || return 1
	echo "guest uptime before and after sleep 60: $out; host seconds: $((SECONDS - start))"
	awk -v o="$out" 'BEGIN { split(o, t, " "); exit !(t[2] - t[1] >= 60) }' &&
		[ $((SECONDS - start)) -lt 60 ]
}
vmrun_checks() {	# ARCH
	vmrun=("$top/scripts/vm-run" --arch "$1")
	sfx=
	[ "$1" = x86_64 ] || sfx=" ($1)"
	check "vm-run exits with the command's status$sfx" exit_status
	check "vm-run streams output unchanged$sfx" output_exact
	check "vm-run keeps arguments intact$sfx" args_quoted
	check "vm-run --add puts a file in the guest$sfx" added_file
	check "vm-run --mem and --cpus size the guest$sfx" mem_and_cpus
	check "vm-run kills a hung guest (124)$sfx" hang_times_out
	check "vm-run fails on a kernel WARNING (125)$sfx" report_fails_run
	check "vm-run fails on a kernel panic (125)$sfx" panic_fails_run
	check "vm-run --icount runs the guest on virtual time$sfx" icount_clock
}
# --- the build cache and make test's budget (scripts/lib.sh: ccache_env,
# scripts/budget), in a cache of the test's own
# A compile as kbuild makes it (absolute source and include paths, the
# macro prefix map, -g) in one clone's object folder, then in another
# clone's: the second must be answered from the cache.
ccache_across_clones() {
	local b h0 m0 h1 m1
	[ -x /usr/lib/ccache/gcc ] || { echo "no /usr/lib/ccache/gcc: run scripts/deps"; return 1; }
	for b in "$tmp/clone1/build" "$tmp/clone2/build"; do
		mkdir -p "$b/linux/include" "$b/obj"
		echo '#define TAM_ANSWER 42' >"$b/linux/include/answer.h"
		printf '#include "answer.h"\nint answer(void) { return TAM_ANSWER; }\nconst char *file(void) { return __FILE__; }\n' >"$b/linux/a.c"
	done
	read -r h0 m0 < <(tam_cache=$tmp/cache build=$tmp/clone1/build ccache_stats)
	for b in "$tmp/clone1/build" "$tmp/clone2/build"; do
		(cd "$b/obj" && tam_cache=$tmp/cache build=$b && ccache_env &&
			/usr/lib/ccache/gcc -I"$b/linux/include" -fmacro-prefix-map="$b/linux/=" -g -O2 \
				-c "$b/linux/a.c" -o a.o) || return 1
	done
	read -r h1 m1 < <(tam_cache=$tmp/cache build=$tmp/clone1/build ccache_stats)
	echo "hits $((h1 - h0)), misses $((m1 - m0))"
	[ $((h1 - h0)) = 1 ] && [ $((m1 - m0)) = 1 ]
}
check "ccache: a kernel-style compile in a second clone hits the first's cache" ccache_across_clones
# budget_says BEGIN END SUITE-SECS PATTERN: scripts/budget report on those
# marks ("epoch hits misses") prints a line matching PATTERN.
budget_says() {
	mkdir -p "$tmp/budget"
	echo "$1" >"$tmp/budget/build.begin"
	echo "$2" >"$tmp/budget/build.end"
	touch -d '1 minute ago' "$tmp/budget/build.begin"
	local out
	out=$("$top/scripts/budget" report "$tmp/budget" "$3" 75:30) || return 1
	echo "$out"
	grep -E "$4" <<<"$out" >/dev/null
}
check "budget: a bare run of 80 minutes is over the 75 by 5:00" budget_says \
	"1000 7 3" "4600 7 503" 1200 '^budget: OVER by 5:00: 80:00 of 75:00 \(bare'
check "budget: a warm run of 20 minutes is within 30, with the cache's hit rate" budget_says \
	"1000 0 0" "1600 490 10" 600 '^build 10:00 \(ccache answered 490 of 500 compiles \(98%\)\).*total 20:00'
check "budget: a warm run of 20 minutes is held to 30" budget_says \
	"1000 0 0" "1600 490 10" 600 '^budget: 20:00 of 30:00 \(warm cache'
no_marks() {
	local out
	rm -rf "$tmp/budget" && mkdir -p "$tmp/budget" &&
		out=$("$top/scripts/budget" report "$tmp/budget" 61 75:30) &&
		[ "$out" = 'build: not measured (tests/run without make test); suites 1:01' ] &&
		echo "1000 0 0" >"$tmp/budget/build.begin" && echo "1600 0 0" >"$tmp/budget/build.end" &&
		out=$("$top/scripts/budget" report - 61 75:30) &&
		[ "$out" = 'build: not measured (tests/run without make test); suites 1:01' ]
}
check "budget: tests/run alone does not claim a build time" no_marks

# --- tests/skips: a suite's skips against the list it is expected to have.
skips_say() {	# WANT-STATUS LOG-LINES...: tests/skips on a log of those lines
	local want=$1 rc=0
	shift
	printf '%s\n' "$@" >"$tmp/skips.log"
	printf 'demo\t2\t# SKIP needs root\tthe unprivileged pass\n' >"$tmp/skips.expected"
	"$top/tests/skips" demo "$tmp/skips.log" "$tmp/skips.expected" || rc=$?
	[ "$rc" = "$want" ]
}
check "skips: the listed skips, as many as listed, pass" skips_say 0 \
	"ok 1 a # SKIP needs root: x" "ok 2 b # SKIP needs root: y" "ok 3 c"
check "skips: one more of a listed kind fails" skips_say 1 \
	"ok 1 a # SKIP needs root: x" "ok 2 b # SKIP needs root: y" "ok 3 c # SKIP needs root: z"
check "skips: an unlisted skip fails (a missing test disk)" skips_say 1 \
	"ok 1 a # SKIP needs root: x" "ok 2 b # SKIP needs root: y" "ok 3 # SKIP no /dev/vdb"
check "skips: a whole program skipped (1..0) fails" skips_say 1 \
	"ok 1 a # SKIP needs root: x" "ok 2 b # SKIP needs root: y" "1..0 # SKIP not built"
check "skips: tests/expected-skips holds four fields a line" \
	awk -F'\t' '!/^#/ && NF != 4 { bad = 1; print "line " NR ": " NF " fields" } END { exit bad }' "$top/tests/expected-skips"

# The machine's firmware options are refused where they mean nothing,
# before anything boots (exit 2 and a message naming them).
machine_options() {
	local rc out
	for args in "--secure-boot" "--stop-at x" "--machine --bios --secure-boot"; do
		rc=0
		# shellcheck disable=SC2086
		out=$("$top/scripts/vm-run" $args -- true 2>&1) || rc=$?
		echo "vm-run $args: exit $rc: $(head -n 1 <<<"$out")"
		[ $rc = 2 ] && grep -q -- '--secure-boot' <<<"$out" || return 1
	done
}
check "vm-run refuses --secure-boot and --stop-at without --machine, --bios with --secure-boot" machine_options

# --- vm-run --kcsan's report filter (scripts/lib.sh: kcsan_split), on a
# console made of three real-shaped KCSAN reports: one in tamalloc's walk
# (its lines time-stamped, as a console with printk.time shows them), one
# in the scheduler, and one in the maple tree met while vm_stats_test ran
# (its "Comm:" line names the task, not our code).
kcsan_console() {
	local rule='=================================================================='
	cat <<-EOF
	[    1.0] tamvm: kcsan enabled
	[    1.1] $rule
	[    1.1] BUG: KCSAN: data-race in tam_read_mm / unmap_page_range
	[    1.1]
	[    1.1] read to 0xffff888003a1c1b8 of 8 bytes by task 61 on cpu 1:
	[    1.1]  tam_read_mm+0x4c/0x1e0
	[    1.1]  __do_sys_vm_stats+0x2f1/0x6a0
	[    1.1] $rule
	[    2.0] between the reports
	$rule
	BUG: KCSAN: data-race in update_curr / enqueue_entity
	
	write to 0xffff888007c2a0d0 of 8 bytes by task 12 on cpu 0:
	 update_curr+0x81/0x300
	$rule
	$rule
	BUG: KCSAN: data-race in call_rcu / mt_free_rcu
	
	write to 0xffff888004e0b2c8 of 8 bytes by task 70 on cpu 0:
	 mt_free_rcu+0x2c/0x50
	 rcu_core+0x3b1/0x6d0
	
	Reported by Kernel Concurrency Sanitizer on:
	CPU: 0 UID: 0 PID: 70 Comm: vm_stats_test Not tainted 6.12.118 #1
	Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014
	$rule
	[    3.0] tamvm: exit status 0
	EOF
}
kcsan_filter() {	# WHICH: ours (the report in our code goes to OURS) or other
	kcsan_console >"$tmp/kcsan.log"
	rm -f "$tmp/kcsan.ours" "$tmp/kcsan.other"
	kcsan_split "$tmp/kcsan.log" "$tmp/kcsan.ours" "$tmp/kcsan.other" >"$tmp/kcsan.clean"
	case $1 in
	ours)	grep -q 'BUG: KCSAN: data-race in tam_read_mm' "$tmp/kcsan.ours" &&
		grep -q '__do_sys_vm_stats' "$tmp/kcsan.ours" &&
		! grep -qE 'update_curr|mt_free_rcu' "$tmp/kcsan.ours" ;;
	other)	[ "$(cat "$tmp/kcsan.other")" = 'BUG: KCSAN: data-race in update_curr / enqueue_entity
BUG: KCSAN: data-race in call_rcu / mt_free_rcu' ] ;;
	clean)	! grep -qE 'KCSAN:|====|tam_read_mm|update_curr|Comm:' "$tmp/kcsan.clean" &&
		[ "$(grep -c tamvm "$tmp/kcsan.clean")" = 2 ] &&
		grep -q 'between the reports' "$tmp/kcsan.clean" ;;
	esac
}
check "kcsan: a report naming tamalloc's code is kept whole (it fails the run)" kcsan_filter ours
check "kcsan: a report elsewhere is listed by its first line, whatever task met it" kcsan_filter other
check "kcsan: the console keeps every other line and no report" kcsan_filter clean

vmrun_checks x86_64
if [ -f "$build/initramfs-arm64.cpio" ] && (ARCH=arm64 kernel_paths min && [ -f "$kimage" ]); then
	vmrun_checks arm64
else
	skip "vm-run on arm64: no arm64 kernel or initramfs (ARCH=arm64 make images)"
fi

tap_done
