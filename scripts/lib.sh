# shellcheck shell=bash
# Sourced by the scripts: where the kernel source and objects live.
#
# kernel_paths FLAVOR sets ksrc (the source tree), kname (what names it in
# messages) and obj (the object folder of FLAVOR: min, debug, distro).  The tree
# is $KSRC when that is set, else Debian's linux-source-$KVER (one of
# $kvers; $kver_default when unset) as scripts/ksource unpacks it in
# $build/linux-$KVER.  Objects: $build/obj-$KVER-FLAVOR, or for KSRC
# $build/obj-FLAVOR- with a suffix naming the tree.
kernel_paths() {
	if [ -n "${KSRC:-}" ]; then
		ksrc=$(cd "$KSRC" 2>/dev/null && pwd) ||
			{ echo "KSRC=$KSRC: no such folder" >&2; return 1; }
		kname=$ksrc
		obj=$build/obj-$1-$(printf %s "$ksrc" | md5sum | cut -c1-8)
	else
		kname=linux-${KVER:-$kver_default}
		ksrc=$build/$kname
		obj=$build/obj-${KVER:-$kver_default}-$1
	fi
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

# overlay_files: the overlay's files, one path a line relative to the
# repository: the kernel files copied into a tree and the PATH.patch diffs
# of kernel files, from the folders that mirror the kernel's.
overlay_files() {
	(cd "$top" && for d in arch fs include init kernel mm; do
		if [ -d "$d" ]; then find "$d" -type f; fi
	done | LC_ALL=C sort)
}

# tree_version KSRC: print KSRC's kernel version (6.12.117), or fail with a
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
