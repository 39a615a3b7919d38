# shellcheck shell=bash
# Sourced by the scripts: where the kernel source and objects live.
#
# kernel_paths FLAVOR sets ksrc (the source tree: $KSRC, or Debian's source
# unpacked in $build/linux-6.12) and obj (the object folder of FLAVOR, min
# or debug: $build/obj-FLAVOR, with a suffix naming $KSRC when it is set).
kernel_paths() {
	if [ -n "${KSRC:-}" ]; then
		ksrc=$(cd "$KSRC" && pwd) || return 1
		obj=$build/obj-$1-$(printf %s "$ksrc" | md5sum | cut -c1-8)
	else
		ksrc=$build/linux-6.12
		obj=$build/obj-$1
	fi
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
