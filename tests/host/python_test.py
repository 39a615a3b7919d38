# SPDX-License-Identifier: GPL-2.0
"""The Python module tamalloc against tamstat -J and /proc.

Runs wherever the module imports: on the host, whose kernel lacks the
syscalls (the library's /proc and mmap fallback; tests/host/python_test.sh
runs it on the build), and in the Debian guest, which has them
(tests/distro/run-distro-tests, on the module tamalloc-tools installed).
Prints TAP ending in a kselftest "# Totals:" line.

Environment: TAMSTAT (default: tamstat on PATH), TAM_PYI (the type stub;
default: tamalloc.pyi beside the module), TAM_LEAK_CALLS (default 100000).
"""
import ast
import codecs
import ctypes
import errno
import gc
import inspect
import json
import os
import pydoc
import shutil
import subprocess
import sys
import threading
import time

import tamalloc

PAGE = os.sysconf("SC_PAGE_SIZE")
TAMSTAT = os.environ.get("TAMSTAT") or shutil.which("tamstat") or "tamstat"
n = npass = nfail = nskip = 0


def result(ok, desc, *notes):
    global n, npass, nfail
    n += 1
    if ok:
        npass += 1
        print(f"ok {n} - {desc}")
    else:
        nfail += 1
        print(f"not ok {n} - {desc}")
    for note in notes:
        for line in str(note).splitlines():
            print(f"# {line}")
    sys.stdout.flush()


def skip(reason):
    global n, nskip
    n += 1
    nskip += 1
    print(f"ok {n} # SKIP {reason}")


def test(desc):
    """Decorator: run the function now; a raised exception is a failure."""
    def run(fn):
        try:
            ok = fn()
            notes = ()
            if isinstance(ok, tuple):
                ok, *notes = ok
        except Exception as e:  # noqa: BLE001 -- any exception fails the test
            ok, notes = False, (f"{type(e).__name__}: {e}",)
        if ok is not None:
            result(bool(ok), desc, *notes)
        return fn
    return run


def status(key, pid="self"):
    """A kB line of /proc/PID/status, in bytes."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def kernel_has_syscalls():
    """Asked without the module: tamalloc(0) is EINVAL there, ENOSYS elsewhere."""
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.syscall(ctypes.c_long(1000), ctypes.c_size_t(0)) == -1 and ctypes.get_errno() == errno.EINVAL


def tamstat(*args):
    out = subprocess.run([TAMSTAT, "-J", "-b", *args], capture_output=True, check=True).stdout
    return json.loads(out.decode("utf-8"))


# tamstat -J's key for each field of vm_stat_result.
JSON_KEY = {"pid": "pid", "name": "command", "vms": "reserved", "rss": "committed",
            "rss_anon": "anon", "rss_file": "file", "rss_shmem": "shmem", "swap": "swap",
            "hwm": "hwm", "oom_score": "oom_score", "oom_score_adj": "oom_adj"}
COLUMNS = ",".join(JSON_KEY.values())
TAM_VM = {"vms": 0x1, "rss": 0x2, "oom_score": 0x4, "oom_score_adj": 0x8, "rss_anon": 0x10,
          "rss_file": 0x20, "rss_shmem": 0x40, "swap": 0x80, "hwm": 0x100}


def as_json(p):
    """A vm_stat_result as tamstat -J prints its row (the name as tamstat
    escapes it: each byte of invalid UTF-8 becomes U+FFFD)."""
    row = {JSON_KEY[f]: getattr(p, f) for f in p._fields}
    row["command"] = os.fsencode(p.name).decode("utf-8", "perbyte")
    return row


codecs.register_error("perbyte", lambda e: ("\ufffd", e.start + 1))


def spawn_sleeper(name="pytest-sleep"):
    """A child that holds still: sleep under another name, with comm set."""
    link = os.path.join(WORK, name)
    if not os.path.exists(link):
        os.symlink(shutil.which("sleep"), link)
    child = subprocess.Popen([link, "300"])
    for _ in range(500):
        with open(f"/proc/{child.pid}/comm", "rb") as f:
            if f.read().rstrip(b"\n") == os.fsencode(name)[:15]:
                break
        time.sleep(0.01)
    return child


WORK = subprocess.run(["mktemp", "-d"], capture_output=True, text=True, check=True).stdout.strip()
children = []

# --- the module, its source ---------------------------------------------------
has = kernel_has_syscalls()
want_source = "syscall" if has else "proc"


@test(f"source() is '{want_source}', as the kernel has the syscalls or not, and as tamstat says")
def _():
    got = tamalloc.source()
    return got == want_source and tamstat("--system")["source"] == got, f"source() = {got!r}"


# --- one process: every field against tamstat -J, in a hold-still window --------
quiet = spawn_sleeper()
children.append(quiet)
with open(f"/proc/{quiet.pid}/oom_score_adj", "w") as f:
    try:
        f.write("500")
    except OSError:
        pass  # as a user: raising it is allowed, but need not work


def held_still(read, compare, tries=20):
    """read() twice around compare(); up to `tries` times until the two
    reads agree.  Returns (held, first read, what compare returned, second
    read)."""
    for _ in range(tries):
        a = read()
        c = compare()
        b = read()
        if a == b:
            break
    return a == b, a, c, b


@test("vm_stats(pid) of a sleeping child: every field equals tamstat -J -p PID -o (all columns)")
def _():
    held, mine, theirs, _ = held_still(lambda: tamalloc.vm_stats(quiet.pid),
                                    lambda: tamstat("-p", str(quiet.pid), "-o", COLUMNS)["processes"][0])
    return held and as_json(mine) == theirs, f"module {as_json(mine)}", f"tamstat {theirs}"


@test("vm_stats(pid) of the child against /proc/PID/status: VmSize, VmRSS, RssAnon, RssFile, RssShmem, VmSwap, VmHWM, oom_score, oom_score_adj")
def _():
    p = tamalloc.vm_stats(quiet.pid)
    want = {"vms": status("VmSize", quiet.pid), "rss": status("VmRSS", quiet.pid),
            "rss_anon": status("RssAnon", quiet.pid), "rss_file": status("RssFile", quiet.pid),
            "rss_shmem": status("RssShmem", quiet.pid), "swap": status("VmSwap", quiet.pid),
            "hwm": status("VmHWM", quiet.pid),
            "oom_score": int(open(f"/proc/{quiet.pid}/oom_score").read()),
            "oom_score_adj": int(open(f"/proc/{quiet.pid}/oom_score_adj").read())}
    got = {k: getattr(p, k) for k in want}
    return (got == want and p.pid == quiet.pid and p.name == "pytest-sleep" and
            p.mask == 0x1ff), f"got {got}", f"/proc {want}", f"mask {p.mask:#x}"


try:
    import psutil
except ImportError:
    psutil = None
if psutil is None:
    skip("psutil's figures beside ours: python3-psutil not installed here")
else:
    @test("the fields named as psutil's mean what psutil's do: pid, name, rss, vms of the child = psutil.Process(pid)'s")
    def _():
        ps = psutil.Process(quiet.pid)
        held, mine, theirs, _ = held_still(
            lambda: tamalloc.vm_stats(quiet.pid),
            lambda: (ps.pid, ps.name(), ps.memory_info().rss, ps.memory_info().vms))
        return held and (mine.pid, mine.name, mine.rss, mine.vms) == theirs, f"{mine}", f"psutil {theirs}"


# --- every process: equal to tamstat -J for each that held still ----------------
@test("vm_stats(): every process that held still equals its tamstat -J row, field by field")
def _():
    me = os.getpid()
    for _ in range(10):
        before = {p.pid: p for p in tamalloc.vm_stats()}
        rows = {r["pid"]: r for r in tamstat("-o", COLUMNS)["processes"]}
        after = {p.pid: p for p in tamalloc.vm_stats()}
        still = [pid for pid in before if pid != me and after.get(pid) == before[pid]]
        bad = [(as_json(before[pid]), rows.get(pid)) for pid in still if as_json(before[pid]) != rows.get(pid)]
        if len(still) >= len(before) // 2:
            break
    notes = [f"{len(before)} processes, {len(still)} held still, {len(bad)} differ from tamstat"]
    notes += [f"module {a}\ntamstat {b}" for a, b in bad[:5]]
    return len(still) >= 3 and quiet.pid in still and not bad, *notes


@test("vm_stats() lists every process in pid order, this one and the child among them")
def _():
    pids = [p.pid for p in tamalloc.vm_stats()]
    return pids == sorted(pids) and os.getpid() in pids and quiet.pid in pids, f"{len(pids)} pids"


@test("vm_stats(thread id) is its process")
def _():
    tid, ready, done = [], threading.Event(), threading.Event()

    def body():
        tid.append(threading.get_native_id())
        ready.set()
        done.wait()
    t = threading.Thread(target=body)
    t.start()
    ready.wait()
    try:
        p = tamalloc.vm_stats(tid[0])
    finally:
        done.set()
        t.join()
    return tid[0] != os.getpid() and p.pid == os.getpid(), f"tid {tid[0]} -> pid {p.pid}"


# --- fields= ---------------------------------------------------------------------
@test("vm_stats(fields=('rss', 'vms')): pid and name filled, the rest None, mask has the two bits")
def _():
    rows = tamalloc.vm_stats(fields=("rss", "vms"))
    one = tamalloc.vm_stats(quiet.pid, fields=["rss", "vms"])
    full = tamalloc.vm_stats(quiet.pid)
    others = [f for f in one._fields if f not in ("pid", "name", "rss", "vms")]
    ok = all(getattr(p, f) is None for p in rows + [one] for f in others)
    ok = ok and all(p.mask == 0x3 and isinstance(p.rss, int) and p.name for p in rows)
    ok = ok and (one.pid, one.name, one.rss, one.vms) == (full.pid, full.name, full.rss, full.vms)
    return ok, f"{one}"


@test("vm_stats(fields=...) of each field alone: that field, and only its mask bit")
def _():
    bad = []
    for f, bit in TAM_VM.items():
        p = tamalloc.vm_stats(quiet.pid, fields=(f,))
        if p.mask != bit or getattr(p, f) is None or \
                any(getattr(p, g) is not None for g in TAM_VM if g != f):
            bad.append(f"{f}: {p} mask {p.mask:#x}")
    return not bad, *bad


@test("vm_stats(fields=()): pid and name only, mask 0")
def _():
    p = tamalloc.vm_stats(quiet.pid, fields=())
    return p.pid == quiet.pid and p.name == "pytest-sleep" and p.mask == 0 and \
        all(getattr(p, f) is None for f in TAM_VM), f"{p}"


# --- errors ------------------------------------------------------------------------
def raises(exc, fn, *args, **kw):
    try:
        fn(*args, **kw)
    except exc as e:
        return True, f"{type(e).__name__}: {e} (errno {getattr(e, 'errno', None)})"
    except BaseException as e:  # noqa: BLE001
        return False, f"{type(e).__name__}: {e}"
    return False, "no exception"


@test("vm_stats(sync=False): the same processes and sizes, RSS within the counters' batch per CPU")
def _():
    a = tamalloc.vm_stats(quiet.pid, sync=False)
    b = tamalloc.vm_stats(quiet.pid)
    cpus = os.cpu_count()
    # Three counters, each short by less than max(32, 2 * CPUs) pages per CPU.
    bound = 3 * cpus * max(32, 2 * cpus) * 4096
    pids = [p.pid for p in tamalloc.vm_stats(fields=(), sync=False)]
    return a.pid == b.pid and a.vms == b.vms and a.mask == b.mask and \
        abs(a.rss - b.rss) < bound and quiet.pid in pids, f"{a} / {b}"


@test("vm_stats(sync=...) is keyword-only")
def _():
    return raises(TypeError, tamalloc.vm_stats, 0, None, False)


gone = subprocess.Popen(["true"])
gone.wait()
ok, note = raises(ProcessLookupError, tamalloc.vm_stats, gone.pid)
result(ok, "vm_stats(pid of a process that exited) raises ProcessLookupError", note)


@test("ProcessLookupError is an OSError with errno ESRCH")
def _():
    try:
        tamalloc.vm_stats(gone.pid)
    except OSError as e:
        return type(e) is ProcessLookupError and e.errno == errno.ESRCH, f"{e!r}"
    return False, "no exception"


@test("vm_stats(-1): OSError with errno EINVAL")
def _():
    try:
        tamalloc.vm_stats(-1)
    except OSError as e:
        return type(e) is OSError and e.errno == errno.EINVAL, f"{e!r}"
    return False, "no exception"


for desc, exc, kw in [("an unknown field: ValueError", ValueError, {"fields": ("rss", "bogus")}),
                      ("a string for fields: TypeError", TypeError, {"fields": "rss"}),
                      ("a non-str field name: TypeError", TypeError, {"fields": (1,)}),
                      ("a pid that is not an int: TypeError", TypeError, {"pid": "1"}),
                      ("a pid beyond int: OverflowError", OverflowError, {"pid": 1 << 40})]:
    ok, note = raises(exc, tamalloc.vm_stats, **kw)
    result(ok, f"vm_stats({', '.join(f'{k}={v!r}' for k, v in kw.items())}): {desc}", note)

for size, err in [(0, errno.EINVAL), (1 << 62, errno.ENOMEM)]:
    try:
        tamalloc.tamalloc(size)
        result(False, f"tamalloc({size}): OSError errno {errno.errorcode[err]}", "no exception")
    except OSError as e:
        result(e.errno == err and type(e) is OSError,
               f"tamalloc({size}): OSError errno {errno.errorcode[err]}", f"{e!r}")
ok, note = raises(ValueError, tamalloc.tamalloc, -1)
result(ok, "tamalloc(-1): ValueError", note)


@test("tamalloc(64 MiB) under RLIMIT_AS of 32 MiB more than now: OSError ENOMEM (in a child)")
def _():
    code = ("import resource, tamalloc\n"
            "vm = int([l for l in open('/proc/self/status') if l.startswith('VmSize')][0].split()[1]) * 1024\n"
            "resource.setrlimit(resource.RLIMIT_AS, (vm + (32 << 20), vm + (32 << 20)))\n"
            "try:\n"
            "    tamalloc.tamalloc(64 << 20)\n"
            "except OSError as e:\n"
            "    print(e.errno)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return out.stdout.strip() == str(errno.ENOMEM), f"child printed {out.stdout.strip()!r} {out.stderr.strip()[-200:]}"


if has:
    # EPERM: /proc lists the process but refuses its files (hidepid=noaccess
    # in a private mount namespace), asked as an unprivileged user.
    @test("vm_stats(1) as uid 65534 under a /proc with hidepid=noaccess: PermissionError (EPERM)")
    def _():
        code = ("import os, tamalloc\nos.setgroups([]); os.setgid(65534); os.setuid(65534)\n"
                "try:\n    tamalloc.vm_stats(1)\nexcept OSError as e:\n    print(type(e).__name__, e.errno)\n")
        if os.getuid() != 0 or not shutil.which("unshare"):
            return None
        out = subprocess.run(["unshare", "-m", "sh", "-c",
                              "mount -t proc -o hidepid=noaccess proc /proc && exec \"$@\"", "sh",
                              sys.executable, "-c", code], capture_output=True, text=True)
        return out.stdout.strip() == f"PermissionError {errno.EPERM}", f"{out.stdout.strip()!r} {out.stderr.strip()[-300:]}"
    if os.getuid() != 0:
        skip("PermissionError: needs root to mount a /proc with hidepid=noaccess")
else:
    skip("PermissionError (EPERM) needs the syscalls: the /proc fallback reports a hidden process as ESRCH")


# --- mem_stats ------------------------------------------------------------------------
MEMINFO = {"total": "MemTotal", "free": "MemFree", "buffers": "Buffers", "cached": "Cached",
           "available": "MemAvailable", "commit_charge": "Committed_AS", "commit_limit": "CommitLimit",
           "swap_total": "SwapTotal", "swap_free": "SwapFree"}


def meminfo():
    with open("/proc/meminfo") as f:
        d = {l.split(":")[0]: int(l.split()[1]) * 1024 for l in f}
    return {k: d[v] for k, v in MEMINFO.items()}


@test("mem_stats(): the /proc/meminfo figures equal tamstat -J --system's, in a hold-still window")
def _():
    def compare():
        m = tamalloc.mem_stats()
        t = {r["field"]: r["size"] for r in tamstat("--system")["system"]}
        return m, t
    held, mi, (m, t), mi2 = held_still(meminfo, compare)
    bad = []
    for k in MEMINFO:
        if held and k == "commit_charge":
            # It counts the reader's own charge: tamstat's is another
            # process's, within 64 MiB (tests/host/tamstat_test.sh).
            ok = getattr(m, k) == mi[k] and abs(t[k] - mi[k]) <= (64 << 20)
        elif held:
            ok = getattr(m, k) == t[k] == mi[k]
        else:
            # Never held still (builds beside us): both within the two
            # readings, widened by how far they moved (as tamstat_test's
            # summary check), and 64 MiB more for commit_charge, which
            # counts each reader's own charge.  A swapped field is off by
            # far more.
            lo, hi = min(mi[k], mi2[k]), max(mi[k], mi2[k])
            d = hi - lo + (64 << 20 if k == "commit_charge" else 0)
            ok = all(lo - d <= v <= hi + d for v in (getattr(m, k), t[k]))
        if not ok:
            bad.append(f"{k}: module {getattr(m, k)}, tamstat {t[k]}, /proc/meminfo {mi[k]}")
    return not bad, f"{'held still' if held else 'never held still: bracketed'}", *bad


@test("mem_stats(): reserved, committed, processes are the sums of vm_stats() rows (bracketed by a call before and after; committed within the per-CPU slack mem_stats(2) documents; up to 20 tries for a window where the process list holds still)")
def _():
    # mem_stats(2) reads each process's resident-page counters without
    # summing them over the CPUs: each may be off by max(32, 2 * CPUs)
    # pages per CPU for each of its three counters (its man page).  The
    # /proc fallback sums VmRSS itself: exact there.
    cpus = os.cpu_count()
    for tries in range(1, 21):
        a = tamalloc.vm_stats()
        m = tamalloc.mem_stats()
        b = tamalloc.vm_stats()
        slack = (len(b) * 3 * max(32, 2 * cpus) * cpus * PAGE) if tamalloc.source() == "syscall" else 0
        bad = []
        for k, f in (("reserved", "vms"), ("committed", "rss")):
            sa, sb = sum(getattr(p, f) for p in a), sum(getattr(p, f) for p in b)
            d = abs(sa - sb) + (slack if k == "committed" else 0)
            if not min(sa, sb) - d <= getattr(m, k) <= max(sa, sb) + d:
                bad.append(f"{k}: {getattr(m, k)} not between {sa} and {sb}")
        if not min(len(a), len(b)) - 2 <= m.processes <= max(len(a), len(b)) + 2:
            bad.append(f"processes {m.processes}, vm_stats() {len(a)} then {len(b)}")
        # A process that grew and shrank again between the three calls
        # leaves the sums outside the bracket: only a window where the
        # list held still counts.
        if [p.pid for p in a] == [p.pid for p in b] and not bad:
            break
    return not bad and m.mask == 0xf, f"{m} (try {tries})", *bad


@test("mem_stats() total equals /proc/meminfo MemTotal, and commit_limit CommitLimit")
def _():
    m = tamalloc.mem_stats()
    mi = meminfo()
    return m.total == mi["total"] and m.commit_limit == mi["commit_limit"], f"{m.total} {m.commit_limit}"


# --- tamalloc(): the Region ------------------------------------------------------------
libc = ctypes.CDLL(None, use_errno=True)
PR_SET_THP_DISABLE = 41
# 4 KiB steps: with THP a write may make a whole 2 MiB page resident.
libc.prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)
SIZE = 32 << 20


def mapped(addr):
    with open("/proc/self/maps") as f:
        return any(int(l.split("-")[0], 16) == addr for l in f)


@test("tamalloc(32 MiB): VmSize +32 MiB at once, VmRSS +0 (within 1 MiB of Python's own), every byte reads 0, VmRSS still +0 after reading")
def _():
    vm0, rss0 = status("VmSize"), status("VmRSS")
    r = tamalloc.tamalloc(SIZE)
    zero = tamalloc.tamalloc(SIZE)
    vm1, rss1 = status("VmSize"), status("VmRSS")
    with memoryview(r) as a, memoryview(zero) as b:
        # memoryview == memoryview of one format compares with memcmp:
        # both read, neither is written.
        equal = a == b and a[0] == 0 and a[SIZE - 1] == 0
    rss2 = status("VmRSS")
    r.close()
    zero.close()
    notes = f"VmSize {vm0}->{vm1}, VmRSS {rss0}->{rss1}->{rss2} (after reading)"
    return (len(r) == SIZE and vm1 - vm0 == 2 * SIZE and rss1 - rss0 < (1 << 20) and equal and
            rss2 - rss0 < (1 << 20)), notes


@test("writing one byte in every other page of 32 MiB: VmRSS +16 MiB (to 1 MiB), VmSize unchanged; vm_stats(self) agrees with /proc")
def _():
    with tamalloc.tamalloc(SIZE) as r:
        vm0, rss0 = status("VmSize"), status("VmRSS")
        with memoryview(r) as m:
            for off in range(0, SIZE, 2 * PAGE):
                m[off] = 0x5a
        vm1, rss1 = status("VmSize"), status("VmRSS")
        p = tamalloc.vm_stats(os.getpid(), fields=("rss", "vms"))
        vm2, rss2 = status("VmSize"), status("VmRSS")
    grew = rss1 - rss0
    return (vm1 == vm0 and abs(grew - SIZE // 2) < (1 << 20) and vm1 <= p.vms <= max(vm1, vm2) and
            min(rss1, rss2) <= p.rss <= max(rss1, rss2)), \
        f"VmRSS +{grew >> 10} KiB, VmSize {vm0}->{vm1}; vm_stats(self) rss {p.rss} vms {p.vms}"


@test("close() unmaps: VmSize -32 MiB, the mapping gone from /proc/self/maps, closed is True, a second close() does nothing")
def _():
    r = tamalloc.tamalloc(SIZE)
    addr = r.address
    vm0, was = status("VmSize"), mapped(addr)
    r.close()
    vm1 = status("VmSize")
    r.close()
    return was and not mapped(addr) and vm0 - vm1 == SIZE and r.closed, f"VmSize {vm0}->{vm1}, repr {r!r}"


@test("with tamalloc(...) as r: unmapped at the end of the block, even when it raises")
def _():
    try:
        with tamalloc.tamalloc(SIZE) as r:
            addr = r.address
            raise KeyError("inside")
    except KeyError:
        pass
    return r.closed and not mapped(addr)


@test("garbage collection unmaps: del of the last reference, and a reference cycle collected by gc")
def _():
    r = tamalloc.tamalloc(SIZE)
    a = r.address
    del r
    cyc = [tamalloc.tamalloc(SIZE)]
    cyc.append(cyc)
    b = cyc[0].address
    del cyc
    gc.collect()
    return not mapped(a) and not mapped(b)


@test("close() while a memoryview exists: BufferError, still mapped; after release() it closes")
def _():
    r = tamalloc.tamalloc(PAGE)
    m = memoryview(r)
    ok, note = raises(BufferError, r.close)
    still = mapped(r.address) and not r.closed
    m.release()
    r.close()
    return ok and still and r.closed, note


@test("a closed Region: memoryview() and address raise ValueError, len() stays")
def _():
    r = tamalloc.tamalloc(PAGE)
    r.close()
    return raises(ValueError, memoryview, r)[0] and raises(ValueError, getattr, r, "address")[0] and len(r) == PAGE


@test("the buffer is writable bytes: memoryview format 'B', readonly False, ctypes at r.address sees the writes")
def _():
    with tamalloc.tamalloc(PAGE + 1) as r:
        with memoryview(r) as m:
            m[:5] = b"hello"
            m[PAGE] = 7
            ok = m.format == "B" and not m.readonly and m.nbytes == PAGE + 1 and m.contiguous
        ok = ok and ctypes.string_at(r.address, 5) == b"hello" and bytes(r)[PAGE] == 7
    return ok


try:
    import numpy
except ImportError:
    numpy = None
if numpy is None:
    skip("numpy.frombuffer(Region): python3-numpy not installed here")
else:
    @test("numpy.frombuffer(Region): all zero, writable, and closing waits for the array to go")
    def _():
        r = tamalloc.tamalloc(SIZE)
        a = numpy.frombuffer(r, dtype=numpy.uint64)
        zero = not a.any() and a.size == SIZE // 8
        a[::512] = 1
        busy = raises(BufferError, r.close)[0]
        total = int(a.sum())
        del a
        r.close()
        return zero and busy and total == SIZE // 8 // 512 and r.closed, f"sum {total}"


# --- documentation, the stub -------------------------------------------------------
@test("help(tamalloc) reads like the man pages: SYNOPSIS, DESCRIPTION, ERRORS, EXAMPLE, SEE ALSO, every function with its signature")
def _():
    text = pydoc.render_doc(tamalloc, renderer=pydoc.plaintext)
    need = ["SYNOPSIS", "DESCRIPTION", "ERRORS", "EXAMPLE", "SEE ALSO", "vm_stats(pid=0, fields=None)",
            "mem_stats()", "source()", "tamalloc(size, /)", "ProcessLookupError", "PermissionError",
            "class Region", "class vm_stat_result", "class mem_stats_result", "vm_stats(2)"]
    missing = [s for s in need if s not in text]
    return not missing, *(f"missing {s!r}" for s in missing)


@test("every function, class, field and method has a docstring; inspect.signature() works for each function")
def _():
    bad = []
    for name in ("vm_stats", "mem_stats", "source", "tamalloc"):
        fn = getattr(tamalloc, name)
        if not (fn.__doc__ or "").strip():
            bad.append(name)
        inspect.signature(fn)
    for cls in (tamalloc.vm_stat_result, tamalloc.mem_stats_result, tamalloc.Region):
        for attr, v in vars(cls).items():
            if not attr.startswith("_") and not (getattr(v, "__doc__", "") or "").strip():
                bad.append(f"{cls.__name__}.{attr}")
    return not bad, *bad


def stub_path():
    path = os.environ.get("TAM_PYI") or os.path.join(os.path.dirname(tamalloc.__file__), "tamalloc.pyi")
    return path


@test("the type stub names exactly the module's public names, the fields of both results and Region's members")
def _():
    tree = ast.parse(open(stub_path()).read())
    top = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top[node.name] = node
        elif isinstance(node, ast.AnnAssign):
            top[node.target.id] = node
        elif isinstance(node, ast.Assign):
            top[node.targets[0].id] = node
    public = {k for k in vars(tamalloc) if not k.startswith("_")} | {"__version__"}
    stub = {k for k in top if k != "FieldName"}
    bad = [f"module has, stub lacks: {sorted(public - stub)}"] if public - stub else []
    bad += [f"stub has, module lacks: {sorted(stub - public)}"] if stub - public else []
    for cls, want in ((tamalloc.vm_stat_result, [*tamalloc.vm_stat_result._fields, "mask"]),
                      (tamalloc.mem_stats_result, [*tamalloc.mem_stats_result._fields, "mask"])):
        props = [f.name for f in top[cls.__name__].body
                 if isinstance(f, ast.FunctionDef) and f.decorator_list]
        if props != want:
            bad.append(f"{cls.__name__}: stub {props}, module {want}")
    members = {f.name for f in top["Region"].body if isinstance(f, ast.FunctionDef)}
    want = {k for k in vars(tamalloc.Region) if not k.startswith("_")} | {"__enter__", "__exit__", "__len__"}
    if not want <= members:
        bad.append(f"Region: stub lacks {sorted(want - members)}")
    field_names = ast.literal_eval(ast.unparse(top["FieldName"].value.slice)) if "FieldName" in top else ()
    if tuple(field_names) != tamalloc.vm_stat_result._fields:
        bad.append(f"FieldName {field_names}")
    return not bad, stub_path(), *bad


# --- leaks: 100,000 calls, RSS flat ---------------------------------------------------------
CALLS = int(os.environ.get("TAM_LEAK_CALLS", "100000"))


def rss_after(fn, calls):
    for _ in range(calls):
        fn()
    gc.collect()
    return status("VmRSS")


def leak_check(desc, fn, calls, warm=1000):
    rss0 = rss_after(fn, warm)
    t = time.monotonic()
    rss1 = rss_after(fn, calls)
    secs = time.monotonic() - t
    # A leak of 32 bytes a call (one int object) is 3 MiB over 100,000 calls.
    result(rss1 - rss0 <= (256 << 10), f"{desc}: {calls} calls, VmRSS {rss0 >> 10} -> {rss1 >> 10} KiB",
           f"{secs:.1f} s")


me = os.getpid()


def errors():
    try:
        tamalloc.vm_stats(gone.pid)
    except ProcessLookupError:
        pass
    try:
        tamalloc.vm_stats(fields=("bogus",))
    except ValueError:
        pass


def region():
    with tamalloc.tamalloc(PAGE) as r:
        with memoryview(r) as m:
            m[0] = 1


leak_check("vm_stats(self) and vm_stats(self, fields=('rss',))",
           lambda: (tamalloc.vm_stats(me), tamalloc.vm_stats(me, fields=("rss",))), CALLS // 2)
leak_check("tamalloc(4096), a memoryview written, close()", region, CALLS)
leak_check("errors: ProcessLookupError and ValueError", errors, CALLS // 2)
leak_check("source()", tamalloc.source, CALLS)
# A walk of every process costs milliseconds through /proc: fewer calls.
walks = max(CALLS // 1000, 20)
leak_check("vm_stats() of every process and mem_stats()",
           lambda: (tamalloc.vm_stats(), tamalloc.mem_stats()), walks, warm=20)

for c in children:
    c.kill()
    c.wait()
shutil.rmtree(WORK, ignore_errors=True)
print(f"1..{n}")
print(f"# Totals: pass:{npass} fail:{nfail} xfail:0 xpass:0 skip:{nskip} error:0")
sys.exit(1 if nfail else 0)
