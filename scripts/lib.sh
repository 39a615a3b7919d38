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
