#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Python module as built (build/host/python), on the host kernel, which
# lacks the syscalls: tests/host/python_test.py through Debian's python3,
# against the tamstat of the same build.  The Debian guest runs the same
# file on the installed module, through the syscalls
# (tests/distro/run-distro-tests).  Prints TAP ending in a kselftest
# "# Totals:" line.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
mod=$(find "$build/host/python" -maxdepth 1 -name 'tamalloc.*.so' 2>/dev/null | head -n 1)
if [ -z "$mod" ] || [ ! -x "$build/host/bin/tamstat" ]; then
	echo "1..0 # SKIP the module or tamstat is not built (make host)"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
	exit 0
fi
PYTHONPATH=$(dirname "$mod") TAMSTAT=$build/host/bin/tamstat TAM_PYI=$top/python/tamalloc.pyi \
	exec /usr/bin/python3 "$top/tests/host/python_test.py"
