#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make install and make uninstall into a scratch DESTDIR with
# PREFIX=/usr/local: the file list, what the binaries link with, the man
# pages, a program built through tamalloc.pc statically and dynamically,
# and an uninstall that removes exactly what install put there.  Then the
# .deb of make deb-tools: its contents and control files and, as root on a
# machine where none of its files exist yet, dpkg -i and dpkg -r.
# Prints TAP ending in a kselftest "# Totals:" line.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
version=$(cat "$top/VERSION")
pkg=tamalloc-tools
work=$(mktemp -d)
dest=$work/dest
prefix=/usr/local
installed=0
cleanup() {
	[ "$installed" = 0 ] || dpkg -r "$pkg" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=tests/tap.sh
. "$top/tests/tap.sh"

# mk ARGS...: the top-level make, without the flags of a make around us;
# the output in $work/make.log, its end shown on failure.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -C "$top" --no-print-directory BUILD="$build" "$@" >"$work/make.log" 2>&1 ||
		{ local rc=$?; tail -n 15 "$work/make.log" | sed 's/^/# /'; return $rc; }
}
# same DESC WANT GOT: the two lists are equal; else their diff as comments.
same() {
	if [ "$2" = "$3" ]; then
		result 0 "$1"
	else
		diff <(echo "$2") <(echo "$3") | sed 's/^/# /'
		result 1 "$1"
	fi
}
# files DIR: every file and link below DIR, relative to it, sorted.
files() { (cd "$1" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort); }
# The Python module's folder below PREFIX (Makefile.user: PYTHONDIR) and
# its file name, as Debian's python3 names them.
pyext=$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
pyver=$(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
pydir() { if [ "$1" = /usr ]; then echo usr/lib/python3/dist-packages; else echo "${1#/}/lib/python$pyver/dist-packages"; fi; }
# expected PREFIX LIBDIR MANSUFFIX: what make install puts below DESTDIR.
expected() {
	local p=${1#/} l=${2#/} m
	printf '%s\n' "$p/bin/tambench" "$p/bin/tamdemo" "$p/bin/tamstat" \
		"$p/include/tamalloc/linux/tamalloc.h" "$p/include/tamalloc/tamalloc.h" \
		"$l/libtamalloc.a" "$l/libtamalloc.so" "$l/libtamalloc.so.0" \
		"$l/libtamalloc.so.$version" "$l/pkgconfig/tamalloc.pc" \
		"$(pydir "$1")/tamalloc$pyext" "$(pydir "$1")/tamalloc.pyi" \
		"$p/share/bash-completion/completions/tamstat" \
		"$p/share/bash-completion/completions/tamdemo" \
		"$p/share/bash-completion/completions/tambench"
	for m in "$top"/man/*.[1-8]; do
		echo "$p/share/man/man${m##*.}/${m##*/}$3"
	done
}
# needs FILE LIB: FILE's dynamic section names LIB as NEEDED.
needs() { readelf -d "$1" 2>/dev/null | grep -q "(NEEDED) .*\[$2\]"; }

# A program using the library through tamalloc.pc: the fallback reads
# /proc on this kernel, so MemTotal must be /proc/meminfo's.
cat >"$work/prog.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <tamalloc.h>

int main(void)
{
	struct tam_mem_stats s;
	char *p = tamalloc(4096);

	if (!p || tam_mem_stats(&s) != 0) {
		perror("tamalloc");
		return 1;
	}
	memset(p, 1, 4096);
	tamfree(p, 4096);
	printf("MemTotal %llu kB, %llu processes\n",
	       (unsigned long long)s.total_bytes / 1024,
	       (unsigned long long)s.nr_processes);
	return 0;
}
EOF
memtotal=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
# build_run DESC DIR CC-ARGS...: prog built with CC-ARGS prints MemTotal
# (run with the libraries of DIR); the binary is $work/prog.
build_run() {
	local desc=$1 dir=$2 out
	shift 2
	rm -f "$work/prog"
	cc -Wall -Wextra -Werror -o "$work/prog" "$work/prog.c" "$@" 2>&1 | sed 's/^/# /'
	out=$(LD_LIBRARY_PATH=$dir "$work/prog" 2>&1)
	echo "$out" | grep -q "^MemTotal $memtotal kB, [1-9][0-9]* processes$"
	result $? "$desc: builds and prints /proc's MemTotal ($out)"
}

# Something of someone else's in the same folders, which uninstall keeps.
mkdir -p "$dest$prefix/bin" "$dest$prefix/share/man/man1"
touch "$dest$prefix/bin/keep-me" "$dest$prefix/share/man/man1/keep-me.1"
others=$(files "$dest")

mk install DESTDIR="$dest" PREFIX=$prefix
result $? "make install DESTDIR=... PREFIX=$prefix"
same "the installed files" "$(printf '%s\n' "$others" "$(expected $prefix $prefix/lib "")" | LC_ALL=C sort)" \
	"$(files "$dest")"
lib=$dest$prefix/lib
tamstat=$dest$prefix/bin/tamstat
needs "$tamstat" libsmartcols.so.1 && ! ldd "$tamstat" | grep -q 'not found'
result $? "tamstat is dynamically linked with libsmartcols.so.1, every library found"
readelf -d "$lib/libtamalloc.so.$version" | grep -q '(SONAME) .*\[libtamalloc\.so\.0\]'
result $? "libtamalloc.so.$version has SONAME libtamalloc.so.0"
[ "$(readlink "$lib/libtamalloc.so.0")" = "libtamalloc.so.$version" ] &&
	[ "$(readlink "$lib/libtamalloc.so")" = libtamalloc.so.0 ]
result $? "libtamalloc.so -> libtamalloc.so.0 -> libtamalloc.so.$version"
"$tamstat" --help >/dev/null && "$dest$prefix/bin/tamdemo" --help >/dev/null
result $? "the installed tamstat and tamdemo run"
for page in 1:tamstat 2:vm_stats; do
	sec=${page%:*} name=${page#*:}
	[ "$(man -M "$dest$prefix/share/man" -w "$sec" "$name" 2>&1)" = "$dest$prefix/share/man/man$sec/$name.$sec" ]
	result $? "man -M DESTDIR$prefix/share/man -w $sec $name"
done

# Debian's python3 imports the installed module (from DESTDIR here:
# PYTHONPATH stands for the dist-packages folder on its path) and its
# fallback gives this machine's MemTotal.
out=$(PYTHONPATH=$dest/$(pydir $prefix) /usr/bin/python3 -c 'import tamalloc
print(tamalloc.__file__, tamalloc.mem_stats().total // 1024)' 2>&1)
[ "$out" = "$dest/$(pydir $prefix)/tamalloc$pyext $memtotal" ]
result $? "python3 imports the installed tamalloc ($out)"
/usr/bin/python3 -c 'import sys; sys.exit("/" + sys.argv[1] not in sys.path)' "$(pydir $prefix)"
result $? "/$(pydir $prefix) is on Debian's python3 path"

pc() { PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest pkg-config "$@" tamalloc; }
flags=$(pc --cflags --libs | sed "s/ *$//")
[ "$flags" = "-I$dest$prefix/include/tamalloc -L$lib -ltamalloc" ] && [ "$(pc --modversion)" = "$version" ]
result $? "pkg-config --cflags --libs tamalloc ($flags), version $version"
# shellcheck disable=SC2046 # one word per flag
build_run "static with pkg-config --static" "" -static $(pc --cflags --libs --static)
! readelf -d "$work/prog" 2>/dev/null | grep -q NEEDED
result $? "the static program needs no shared library"
# shellcheck disable=SC2046
build_run "dynamic with pkg-config, LD_LIBRARY_PATH" "$lib" $(pc --cflags --libs)
needs "$work/prog" libtamalloc.so.0
result $? "the dynamic program needs libtamalloc.so.0"

mk uninstall DESTDIR="$dest" PREFIX=$prefix
result $? "make uninstall DESTDIR=... PREFIX=$prefix"
same "make uninstall leaves only the files that were there before" "$others" "$(files "$dest")"
[ ! -e "$dest$prefix/include/tamalloc" ]
result $? "make uninstall removes include/tamalloc"

# The package.
arch=$(dpkg --print-architecture)
libdir=/usr/lib/$(cc -print-multiarch)
deb=$build/deb/${pkg}_${version}_$arch.deb
mk deb-tools && [ -f "$deb" ]
result $? "make deb-tools writes ${deb#"$build"/}"
want=$(printf '%s\n' "$(expected /usr "$libdir" .gz)" usr/share/doc/$pkg/changelog.gz \
	usr/share/doc/$pkg/copyright usr/lib/$pkg/tamstat-textfile \
	lib/systemd/system/tamstat-textfile.service lib/systemd/system/tamstat-textfile.timer |
	LC_ALL=C sort)
# dpkg-deb -c: mode owner size date time path [-> target]; files and links.
contents=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' | LC_ALL=C sort)
same "dpkg-deb -c lists the files of make install PREFIX=/usr, man pages gzipped" "$want" "$contents"
[ "$(dpkg-deb -f "$deb" Package)" = $pkg ] && [ "$(dpkg-deb -f "$deb" Version)" = "$version" ]
result $? "control: Package $pkg, Version $version (VERSION)"
suggests=$(dpkg-deb -f "$deb" Suggests)
[ "$suggests" = "python3 (>= $pyver~), python3 (<< ${pyver%.*}.$((${pyver#*.} + 1))), bash-completion" ]
result $? "control: Suggests the python3 the module is built for, and bash-completion ($suggests)"
depends=$(dpkg-deb -f "$deb" Depends)
echo "$depends" | grep -q '^libc6 (>= [0-9.]*), libsmartcols1 (>= [0-9.]*)$'
result $? "control: Depends on libc6 and libsmartcols1 ($depends)"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./triggers | grep -qx 'activate-noawait ldconfig' &&
	dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./shlibs | grep -qx "libtamalloc 0 $pkg (>= $version)"
result $? "triggers: activate-noawait ldconfig; shlibs: libtamalloc 0"

# dpkg -i and -r change the machine: only as root, with the package not
# installed and none of its files there (nothing of anyone's is replaced).
why=
if [ "$(id -u)" != 0 ]; then
	why="not root"
elif dpkg-query -W -f='${Status}' $pkg 2>/dev/null | grep -qv 'not-installed'; then
	why="$pkg is installed or known to dpkg already"
else
	for f in $want; do
		if [ -e "/$f" ] || [ -L "/$f" ]; then why="/$f exists already" && break; fi
	done
fi
if [ -n "$why" ]; then
	skip "dpkg -i and dpkg -r of the package: $why"
else
	# The package's folders that are not there yet must go with it.
	newdirs=$(dpkg-deb -c "$deb" | awk '$1 ~ /^d/ { sub(/^\.\//, "/", $6); print $6 }' |
		while read -r d; do [ -e "$d" ] || echo "$d"; done)
	installed=1
	dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || sed 's/^/# /' "$work/dpkg.log"
	[ "$(dpkg-query -W -f='${Status}' $pkg 2>/dev/null)" = "install ok installed" ]
	result $? "dpkg -i installs $pkg"
	/usr/bin/tamstat --help >/dev/null
	result $? "/usr/bin/tamstat --help runs"
	out=$(cd / && /usr/bin/python3 -c 'import tamalloc; print(tamalloc.__file__, tamalloc.source())' 2>&1)
	[ "$out" = "/$(pydir /usr)/tamalloc$pyext $(/usr/bin/tamstat --system | sed -n 's/^source: \([a-z]*\).*/\1/p')" ]
	result $? "Debian's python3 imports the package's tamalloc, source as tamstat's ($out)"
	[ "$(man -w tamstat 2>&1)" = /usr/share/man/man1/tamstat.1.gz ]
	result $? "man -w tamstat finds /usr/share/man/man1/tamstat.1.gz"
	# No LD_LIBRARY_PATH: ldconfig ran (the trigger) and the soname resolves.
	# shellcheck disable=SC2046
	build_run "dynamic against the package's tamalloc.pc" "" $(pkg-config --cflags --libs tamalloc)
	dpkg -r $pkg >"$work/dpkg.log" 2>&1 || sed 's/^/# /' "$work/dpkg.log"
	[ "$(dpkg-query -W -f='${Status}' $pkg 2>/dev/null)" = "install ok installed" ] || installed=0
	left=$(for f in $want; do if [ -e "/$f" ] || [ -L "/$f" ]; then echo "/$f"; fi; done
		for d in $newdirs; do [ ! -e "$d" ] || echo "$d/"; done)
	[ "$installed" = 0 ] && [ -z "$left" ]
	result $? "dpkg -r removes $pkg and every file and folder it brought${left:+: left ${left//$'\n'/ }}"
	(cd / && /usr/bin/python3 -c 'import tamalloc' 2>&1) | grep -q "No module named 'tamalloc'"
	result $? "after dpkg -r, python3 finds no tamalloc"
fi

tap_done
