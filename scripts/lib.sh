# shellcheck shell=bash
# Sourced by the scripts: where the kernel source and objects live.
#
# tam_arch: the architecture the kernel and guest are built for, from
# $ARCH as the kernel spells it: x86_64 (the default; x86 and amd64 too)
# or arm64 (aarch64 too).  Prints x86_64 or arm64; fails with a message
# for anything else.
tam_arch() {
	case ${ARCH:-x86_64} in
	x86_64 | x86 | amd64) echo x86_64 ;;
	arm64 | aarch64) echo arm64 ;;
	*) echo "ARCH=$ARCH: tamalloc builds for x86_64 (the default) or arm64" >&2; return 1 ;;
	esac
}

# kernel_paths FLAVOR sets ksrc (the source tree), kname (what names it in
# messages), karch ($(tam_arch)), obj (the object folder of FLAVOR: min,
# debug, distro) and kimage (the kernel image the build leaves in it).  The
# tree is $KSRC when that is set, else Debian's linux-source-$KVER (one of
# $kvers; $kver_default when unset) as scripts/ksource unpacks it in
# $build/linux-$KVER.  Objects: $build/obj-$KVER-FLAVOR, or for KSRC
# $build/obj-FLAVOR- with a suffix naming the tree; for arm64 -arm64 comes
# before FLAVOR (obj-6.12-arm64-min), so one tree serves both.
kernel_paths() {
	local a=
	karch=$(tam_arch) || return 1
	[ "$karch" = x86_64 ] || a=$karch-
	if [ -n "${KSRC:-}" ]; then
		ksrc=$(cd "$KSRC" 2>/dev/null && pwd) ||
			{ echo "KSRC=$KSRC: no such folder" >&2; return 1; }
		kname=$ksrc
		obj=$build/obj-$a$1-$(printf %s "$ksrc" | md5sum | cut -c1-8)
	else
		kname=linux-${KVER:-$kver_default}
		ksrc=$build/$kname
		obj=$build/obj-${KVER:-$kver_default}-$a$1
	fi
	case $karch in
	arm64) kimage=$obj/arch/arm64/boot/Image ;;
	*) kimage=$obj/arch/x86/boot/bzImage ;;
	esac
}

# The machine's cache, shared by every clone and build folder of this
# user: $TAM_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/tamalloc.  It holds
# only what cannot go stale unnoticed: the compiler cache (ccache hashes
# every input of a compile), downloaded packages (named by their version)
# and the Debian image's base (named by its package list and archive,
# and rebuilt when older than tam_cache_days).  TAM_CACHE=/some/empty/dir
# measures a bare machine; `rm -rf` of the folder is always safe.
tam_cache=${TAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tamalloc}
tam_cache_days=14

# ccache_env: export the settings under which kernel objects hit across
# object folders and fresh clones (scripts/kbuild, scripts/kdeb):
#   - base_dir: a clone's build folder, so that the absolute paths on a
#     compile's command line (O=, the source tree, -I) become relative to
#     the object folder, the same in every clone;
#   - hash_dir off: with -g the working folder would be hashed otherwise;
#   - sloppiness: kbuild writes generated headers (autoconf.h, ...) just
#     before the compiles that include them, which would turn direct mode
#     off for the whole build; their contents are still hashed;
#     time_macros: __DATE__ and __TIME__ appear in no object we build
#     (init/version.c takes the time as a -D from compile.h, which is
#     hashed).
# The cache lives in $tam_cache/ccache; 10 GiB hold the seven kernels of
# make test several times over.
ccache_env() {
	export CCACHE_DIR=$tam_cache/ccache CCACHE_BASEDIR=$build CCACHE_NOHASHDIR=1 \
		CCACHE_SLOPPINESS=include_file_mtime,include_file_ctime,time_macros \
		CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-10G}
	mkdir -p "$CCACHE_DIR"
}

# ccache_stats: this cache's counters as "hits misses" (direct and
# preprocessed hits; misses), for the hit rate of one run (tests/run).
ccache_stats() {
	ccache_env
	ccache --print-stats 2>/dev/null | awk '
		$1 == "direct_cache_hit" || $1 == "preprocessed_cache_hit" { h += $2 }
		$1 == "cache_miss" { m += $2 }
		END { print h + 0, m + 0 }'
}

# kmake_args: the arguments that name the architecture and toolchain on
# every make of a kernel tree, for $karch (kernel_paths).  arm64 is
# cross-built with clang and LLVM 19 (scripts/deps): Debian 12's
# gcc-aarch64-linux-gnu cannot be installed beside gcc-multilib, and 7.x
# needs LLVM 17 or newer.
llvm_suffix=-19
# User space for arm64, the same way: clang against Debian's cross libc
# (libc6-dev-arm64-cross, libgcc-12-dev-arm64-cross), linked with lld, and
# LLVM's binutils (the host's ar and nm know x86 objects only).
arm64_cc="clang$llvm_suffix --target=aarch64-linux-gnu"
arm64_ldflags=-fuse-ld=lld
arm64_ar=llvm-ar$llvm_suffix
# Both compile through ccache (ccache_env), as Debian's /usr/lib/ccache
# names the compilers; TAM_CCACHE=0 builds without it.
kmake_args() {
	local cc=/usr/lib/ccache/
	[ "${TAM_CCACHE:-1}" != 0 ] && [ -x "${cc}gcc" ] || cc=
	case $karch in
	arm64) echo "ARCH=arm64 LLVM=$llvm_suffix CC=${cc}clang$llvm_suffix" ;;
	*) echo "ARCH=x86_64 CC=${cc}gcc" ;;
	esac
}

# copy_programs DEST DIR...: the executable files of each DIR (not below
# it), flat into DEST: the guest's /usr/local/bin, in the initramfs and in
# the Debian guest's test archive.
copy_programs() {
	local dest=$1 dir
	shift
	for dir in "$@"; do
		[ -d "$dir" ] || continue
		find "$dir" -maxdepth 1 -type f -perm -u+x -exec cp {} "$dest/" \;
	done
}

# pack_cpio DIR: DIR as a newc cpio archive on stdout, the form an
# initramfs takes: files in a stable order, all owned by root.
pack_cpio() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
}

# kbuild_lock: wait for, then hold until this shell exits, the lock that
# lets one kernel build at a time run in $build (on file descriptor 9).
kbuild_lock() {
	mkdir -p "$build"
	exec 9>"$build/.kbuild.lock"
	flock 9
}

# debian_uri [security]: the machine's Debian archive address (or its
# security archive's), as its apt sources name it.
debian_uri() {
	local want=/debian uri
	[ "${1:-}" = security ] && want=/debian-security
	uri=$(awk -v w="$want" '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ w "/?$") { print $i; exit } }' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
	[ -n "$uri" ] || uri=$(awk -v w="$want" '$1 ~ /^deb/ && $2 ~ w "/?$" { print $2; exit }' \
		/etc/apt/sources.list 2>/dev/null)
	echo "${uri:-http://deb.debian.org$want}"
}

# private_apt DIR SOURCE-LINE...: set the array `apt` to an apt-get that
# reads only the given sources.list lines, with its lists and cache under
# DIR.  The machine's own apt configuration and state are left alone (no
# suite is added to the system's lists), and nothing is installed: the
# callers use `download` and `source --download-only`.
private_apt() {
	local dir=$1
	shift
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	printf '%s\n' "$@" >"$dir/sources.list"
	apt=(apt-get -q -o Dir::Etc::SourceList="$dir/sources.list"
	     -o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists="$dir/lists"
	     -o Dir::Cache="$dir/cache" -o APT::Sandbox::User="$(id -un)")
}

# The kernel versions the overlay supports, oldest and newest; Debian's
# trees of them that the harness fetches (scripts/ksource), and the one it
# uses when KVER is not set.
tree_min=6.1 tree_max=7.3
kvers="6.1 6.12 7.3" kver_default=6.12
# The trees whose arm64 kernel make test boots (tests/run: guest-arm64-KVER).
arm64_kvers="6.12 7.3"

# overlay_files: the overlay's files, one path a line relative to the
# repository: the kernel files copied into a tree and the PATH.patch diffs
# of kernel files, from the folders that mirror the kernel's, and the
# patches in scripts/ (scripts/syscall.tbl.patch: the kernel's scripts/
# folder is also the name of the repository's own).
overlay_files() {
	(cd "$top" && for d in arch fs include init kernel lib mm; do
		if [ -d "$d" ]; then find "$d" -type f; fi
	done
	find scripts -maxdepth 1 -name '*.patch' -type f) | LC_ALL=C sort
}

# overlay_files_for KSRC: the overlay's files that apply to the tree KSRC,
# by what the tree itself is, not its version number.  How arm64 numbers
# its syscalls is the one difference:
#   - a tree with scripts/syscall.tbl (6.11 on) generates arm64's table
#     from it: scripts/syscall.tbl.patch adds the entries under a private
#     ABI, which arch/arm64/kernel/Makefile.syscalls.patch lists for arm64
#     (as memfd_secret's), so the other generic architectures leave them out;
#   - a tree without it (6.1 to 6.10) takes arm64's numbers from
#     include/uapi/asm-generic/unistd.h, with a hand-set __NR_syscalls:
#     arch/arm64/include/uapi/asm/unistd.h.patch adds them after that
#     header's include, for arm64 alone.
# And how the tree reads an mm's counters:
#   - a tree whose /proc sums them exactly (rss_sums_exact) gets
#     lib/percpu_counter.c.patch, include/linux/percpu_counter.h.patch
#     and include/linux/mm.h.patch: percpu_counter_sum_many() and
#     get_mm_counters_sum() take those sums in one walk over the CPUs
#     (kernel/tamalloc.c: TAM_PROC_RSS_SUM);
#   - a tree whose oom_badness() sums them exactly (oom_sums_exact) gets
#     mm/oom_kill.c.patch and include/linux/oom.h.patch, which factor
#     oom_badness_pages() out of it (TAM_OOM_BADNESS_PAGES).
# An older tree keeps its own.
# scripts/overlay, scripts/mkpatch and tests/harness.sh all ask this.
overlay_files_for() {
	local generic=0 oom=0 rss=0
	[ -f "$1/scripts/syscall.tbl" ] && generic=1
	oom_sums_exact "$1" && oom=1
	rss_sums_exact "$1" && rss=1
	overlay_files | while read -r f; do
		case $generic:$oom:$rss:$f in
		0:?:?:scripts/syscall.tbl.patch | 0:?:?:arch/arm64/kernel/Makefile.syscalls.patch) ;;
		1:?:?:arch/arm64/include/uapi/asm/unistd.h.patch) ;;
		?:0:?:mm/oom_kill.c.patch | ?:0:?:include/linux/oom.h.patch) ;;
		?:?:0:lib/percpu_counter.c.patch | ?:?:0:include/linux/percpu_counter.h.patch | ?:?:0:include/linux/mm.h.patch) ;;
		*) echo "$f" ;;
		esac
	done
}

# rss_sums_exact KSRC: how KSRC's task_mem() reads the RSS counters for
# /proc/PID/status: status 0 if with get_mm_counter_sum() (v6.16, commit
# 82241a83cd15; 6.12.39, 6.6.99), 1 if with get_mm_counter(), 2 if neither
# (a tree the overlay does not know).
rss_sums_exact() {
	local task_mem
	task_mem=$(awk '/^void task_mem\(/ { on = 1 } on { print } on && /^}/ { exit }' \
		"$1/fs/proc/task_mmu.c" 2>/dev/null)
	if grep -q 'get_mm_counter_sum(mm, MM_ANONPAGES)' <<<"$task_mem"; then
		return 0
	elif grep -q 'get_mm_counter(mm, MM_ANONPAGES)' <<<"$task_mem"; then
		return 1
	fi
	return 2
}

# oom_sums_exact KSRC: true if KSRC's oom_badness() reads the RSS counters
# with get_mm_rss_sum(), an exact sum over the CPUs (v7.0, upstream's "mm:
# Fix OOM killer inaccuracy on large many-core systems"), as it still does
# once mm/oom_kill.c.patch is applied.
oom_sums_exact() {
	grep -q 'get_mm_rss_sum(p->mm)' "$1/mm/oom_kill.c" 2>/dev/null
}

# tree_version KSRC: print KSRC's kernel version (6.12.118), or fail with a
# message when KSRC is not a kernel tree or its version is outside
# $tree_min..$tree_max.
tree_version() {
	local v p s
	[ -f "$1/Makefile" ] && [ -f "$1/kernel/fork.c" ] || {
		echo "$1 is not a Linux source tree (no Makefile and kernel/fork.c)" >&2
		return 1
	}
	v=$(sed -n 's/^VERSION = //p' "$1/Makefile" | head -n 1)
	p=$(sed -n 's/^PATCHLEVEL = //p' "$1/Makefile" | head -n 1)
	s=$(sed -n 's/^SUBLEVEL = //p' "$1/Makefile" | head -n 1)
	case $v.$p in
	*[!0-9.]*|.*|*.) echo "$1/Makefile names no kernel version" >&2; return 1 ;;
	esac
	if ! version_in_range "$v.$p"; then
		echo "$1 is Linux $v.$p.${s:-0}: tamalloc supports $tree_min to $tree_max" >&2
		return 1
	fi
	echo "$v.$p.${s:-0}"
}

# version_in_range X.Y: true if $tree_min <= X.Y <= $tree_max.
version_in_range() {
	[ "$(printf '%s\n' "$tree_min" "$1" "$tree_max" | sort -V | sed -n 2p)" = "$1" ]
}

# kcsan_split LOG OURS OTHER: the console LOG without its KCSAN reports,
# on stdout.  Each report is a block between two rules of '=' whose first
# line is "BUG: KCSAN: ...": a block that names tamalloc's code (the
# syscalls and the helpers the patch adds, by function name in its first
# line or in a stack frame, "name+0x...") is appended whole to OURS, any
# other's first line to OTHER.  A name counts only as a whole symbol: the
# report's "Comm: vm_stats_test" line names the task, not the code, and
# a race in the scheduler met while vm_stats_test ran is not ours.
# Lines outside reports pass through unchanged.
kcsan_ours='[a-z0-9_]*sys_(tamalloc|vm_stats|mem_stats)|tam_[a-z0-9_]+|find_ge_pids|proc_pid_status_access|(__)?percpu_counter_sum(4|_many)|get_mm_counters_sum|oom_badness_pages'
kcsan_split() {
	awk -v ours="$kcsan_ours" -v o="$2" -v x="$3" '
		function rule(l) { return index(l, "==================================================") > 0 }
		# A frame "name+0x1/0x2" or the first line "data-race in a / b".
		function names_ours(l) {
			return l ~ ("(^|[^A-Za-z0-9_])(" ours ")\\+0x") ||
			       (l ~ /BUG: KCSAN:/ && l ~ ("[ /](" ours ")( |$)"))
		}
		function flush() {
			if (mine) print blk >o; else print head >x
			blk = ""; inblk = 0; mine = 0
		}
		inblk { blk = blk "\n" $0; if (names_ours($0)) mine = 1; if (rule($0)) flush(); next }
		/BUG: KCSAN:/ && pend != "" { inblk = 1; blk = pend "\n" $0; head = $0; mine = names_ours($0); pend = ""; next }
		{ if (pend != "") print pend; pend = "" }
		rule($0) { pend = $0; next }
		{ print }
		END { if (inblk) flush(); if (pend != "") print pend }' "$1"
}

# fmt_secs N: N seconds as M:SS.
fmt_secs() {
	printf '%d:%02d' $(($1 / 60)) $(($1 % 60))
}

# step LABEL LOG [EXPECT PATTERN] -- CMD...: run one long step of the
# harness with its output in LOG, and show what it is doing on stderr.
#   - On a terminal, one line updated in place every second: LABEL, the
#     lines of LOG that match PATTERN (grep -E) so far of EXPECT (kbuild's
#     objects; EXPECT may be "~N" for an estimate, or empty when unknown),
#     the time taken and, with EXPECT, an estimate of the time left.
#   - Elsewhere (CI, a log file), one plain line when the step starts and
#     one when it ends, with its time: no escape sequences.
#   - V=1: LOG is also streamed in full.
# A failed step prints the last lines of LOG and its path; the status is
# CMD's.  Sets step_lines to the count of PATTERN lines at the end.
step() {
	local label=$1 log=$2 expect= pat= start=$SECONDS rc=0 pid n el left line
	shift 2
	if [ "$1" != -- ]; then expect=$1 pat=$2; shift 2; fi
	shift
	mkdir -p "$(dirname "$log")"
	step_lines=0
	if [ "${V:-0}" = 1 ]; then
		echo "$label" >&2
		"$@" 2>&1 | tee "$log" >&2
		rc=${PIPESTATUS[0]}
	elif [ -t 2 ] && [ "${TERM:-dumb}" != dumb ]; then
		"$@" >"$log" 2>&1 </dev/null &
		pid=$!
		while kill -0 "$pid" 2>/dev/null; do
			el=$((SECONDS - start)) line="$label"
			if [ -n "$pat" ]; then
				n=$(grep -cE "$pat" "$log" 2>/dev/null) || n=0
				line="$line: $n${expect:+/${expect#\~}}"
				# Time left at the pace so far, once a twentieth is done.
				if [ -n "$expect" ] && [ $((n * 20)) -ge "${expect#\~}" ] && [ "$n" -lt "${expect#\~}" ]; then
					left=$((el * (${expect#\~} - n) / n))
					line="$line, $(fmt_secs "$el"), ${expect%%[0-9]*}$(fmt_secs "$left") left"
				else
					line="$line, $(fmt_secs "$el")"
				fi
			else
				line="$line: $(fmt_secs "$el")"
			fi
			printf '\r\033[K%s' "${line:0:$((${COLUMNS:-80} - 1))}" >&2
			sleep 1
		done
		wait "$pid" || rc=$?
		printf '\r\033[K' >&2
	else
		echo "$label ..." >&2
		"$@" >"$log" 2>&1 </dev/null || rc=$?
	fi
	[ -z "$pat" ] || step_lines=$(grep -cE "$pat" "$log") || step_lines=0
	if [ "$rc" = 0 ]; then
		echo "$label: done in $(fmt_secs $((SECONDS - start)))" >&2
	else
		echo "$label: FAILED (exit status $rc) after $(fmt_secs $((SECONDS - start))); last lines of $log:" >&2
		tail -n 25 "$log" | sed 's/^/  | /' >&2
	fi
	return "$rc"
}
