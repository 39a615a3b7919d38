#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The module and tamstat beside the incumbents, at N idle processes.

    python3 bench.py [N] [RUNS]        (make bench: in the Debian guest)

Starts N idle processes, then times, taking turns run by run so that a slow
stretch of the emulator falls on both sides alike, RUNS times each (default
7) and prints the medians as Markdown:

  - tamalloc.vm_stats(fields=("rss", "vms")) against
    [p.memory_info() for p in psutil.process_iter()]: the same figures
    (rss and vms of every process) as a script gets them;
  - tamstat -o pid,command,reserved,committed against
    ps -eo pid,comm,vsz,rss: whole commands, output to /dev/null.

The last two lines are the ratios psutil/tamalloc and ps/tamstat.
"""
import os
import signal
import statistics
import subprocess
import sys
import time

import psutil
import tamalloc

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 7


def start_idle(n):
    """n children that pause until killed: fork without exec, so each costs
    a few pages (what tambench --procs does in C)."""
    pids = []
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            while True:
                signal.pause()
        pids.append(pid)
    return pids


def with_tamalloc():
    return [(p.rss, p.vms) for p in tamalloc.vm_stats(fields=("rss", "vms"))]


def with_psutil():
    out = []
    for p in psutil.process_iter():
        try:
            m = p.memory_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        out.append((m.rss, m.vms))
    return out


def command(argv):
    def run():
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
    return run


def turns(pairs):
    """Each function once per run, in turn; the median seconds of each."""
    times = {name: [] for name, _ in pairs}
    for _ in range(RUNS):
        for name, fn in pairs:
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(t) for name, t in times.items()}


children = start_idle(N)
try:
    procs = len(tamalloc.vm_stats(fields=()))
    counted = (len(with_tamalloc()), len(with_psutil()))
    # One warm-up each: psutil builds its Process objects on its first
    # pass (process_iter keeps them), the page cache holds the binaries.
    with_tamalloc(), with_psutil()
    py = turns([("tamalloc", with_tamalloc), ("psutil", with_psutil)])
    cmds = turns([("tamstat", command(["tamstat", "-o", "pid,command,reserved,committed"])),
                  ("ps", command(["ps", "-eo", "pid,comm,vsz,rss"]))])
finally:
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    for pid in children:
        os.waitpid(pid, 0)

print(f"### Python and tamstat beside psutil and ps: N = {N} idle processes "
      f"({procs} in all), source {tamalloc.source()}, medians of {RUNS}")
print()
print("| what | the incumbent | ours | incumbent / ours |")
print("|---|---|---|---|")
print(f"| rss and vms of every process from Python ({counted[0]} rows, psutil {counted[1]}) | "
      f"`[p.memory_info() for p in psutil.process_iter()]` {py['psutil'] * 1e3:.1f} ms | "
      f"`tamalloc.vm_stats(fields=('rss', 'vms'))` {py['tamalloc'] * 1e3:.1f} ms | "
      f"{py['psutil'] / py['tamalloc']:.1f}x |")
print(f"| pid, command, VmSize, VmRSS of every process, whole command | "
      f"`ps -eo pid,comm,vsz,rss` {cmds['ps'] * 1e3:.1f} ms | "
      f"`tamstat -o pid,command,reserved,committed` {cmds['tamstat'] * 1e3:.1f} ms | "
      f"{cmds['ps'] / cmds['tamstat']:.1f}x |")
print()
print(f"psutil / tamalloc.vm_stats: {py['psutil'] / py['tamalloc']:.1f}x")
print(f"ps / tamstat: {cmds['ps'] / cmds['tamstat']:.1f}x")
