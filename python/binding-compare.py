#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Why the module is a C extension and not a ctypes binding: the cost the
binding adds on top of the library call, measured.

    python/binding-compare.py BUILD/host/python BUILD/host/libtamalloc.so.VERSION

Times vm_stats() of every process three ways, taking turns, and keeps the
minimum of 40 runs of each (the /proc walk of the fallback is noisy on a
busy machine): the library call alone through ctypes (records left in the
buffer), the same plus a namedtuple per record (a ctypes binding), and the
C extension; then one bare call each way.  The difference to the call alone
is what the binding costs per process.  Start idle processes first for an
N worth measuring (for i in $(seq 1000); do sleep 600 & done).

    python/binding-compare.py PYDIR LIBTAMALLOC call|ctypes|ext K

runs one of the three K times and nothing else, for callgrind: user-space
instructions do not depend on the load, which timing the fallback's /proc
walk does (python/README.md).
"""
import collections
import ctypes
import os
import sys
import time

sys.path.insert(0, sys.argv[1])
import tamalloc  # noqa: E402

lib = ctypes.CDLL(sys.argv[2], use_errno=True)


class VmStat(ctypes.Structure):
    _fields_ = [("mask", ctypes.c_uint32), ("pid", ctypes.c_int32), ("comm", ctypes.c_char * 16),
                ("oom_score_adj", ctypes.c_int32), ("reserved", ctypes.c_uint32),
                ("oom_score", ctypes.c_uint64), ("vm_size_bytes", ctypes.c_uint64),
                ("rss_bytes", ctypes.c_uint64), ("rss_anon_bytes", ctypes.c_uint64),
                ("rss_file_bytes", ctypes.c_uint64), ("rss_shmem_bytes", ctypes.c_uint64),
                ("swap_bytes", ctypes.c_uint64), ("hwm_bytes", ctypes.c_uint64)]


assert ctypes.sizeof(VmStat) == 96
lib.tam_vm_stats.argtypes = [ctypes.c_int, ctypes.POINTER(VmStat), ctypes.c_size_t]
lib.tam_vm_stats.restype = ctypes.c_long
P = collections.namedtuple("P", "pid name vms rss rss_anon rss_file rss_shmem swap hwm oom_score oom_score_adj")
CAP = 1 << 16
buf = (VmStat * CAP)()


def call_only():
    return lib.tam_vm_stats(0, buf, CAP)


def with_ctypes():
    n = lib.tam_vm_stats(0, buf, CAP)
    if n < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return [P(s.pid, os.fsdecode(s.comm), s.vm_size_bytes, s.rss_bytes, s.rss_anon_bytes,
              s.rss_file_bytes, s.rss_shmem_bytes, s.swap_bytes, s.hwm_bytes, s.oom_score,
              s.oom_score_adj) for s in buf[:n]]


if len(sys.argv) > 4:
    fn = {"call": call_only, "ctypes": with_ctypes, "ext": tamalloc.vm_stats}[sys.argv[3]]
    for _ in range(int(sys.argv[4])):
        fn()
    sys.exit(0)

runs = {call_only: [], with_ctypes: [], tamalloc.vm_stats: []}
for _ in range(40):
    for f, times in runs.items():
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
a, b, c = (min(t) for t in runs.values())
n = call_only()
print(f"vm_stats() of {n} processes, source {tamalloc.source()}, minimum of 40:")
print(f"  library call alone  {a * 1e3:7.2f} ms")
print(f"  ctypes + namedtuple {b * 1e3:7.2f} ms   +{(b - a) * 1e6 / n:.2f} us a process")
print(f"  C extension         {c * 1e3:7.2f} ms   +{(c - a) * 1e6 / n:.2f} us a process")
k = 200000
for name, f in (("ctypes tam_kernel_support()", lib.tam_kernel_support), ("extension source()", tamalloc.source)):
    t = time.perf_counter()
    for _ in range(k):
        f()
    print(f"  one call, {name}: {(time.perf_counter() - t) / k * 1e9:.0f} ns")
