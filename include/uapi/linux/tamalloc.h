/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tamalloc(2), vm_stats(2) and mem_stats(2): lazily zeroed allocations and
 * reserved/committed memory statistics.
 *
 * Syscall numbers (x86_64, i386 and arm64 alike):
 *
 *	1000  tamalloc(size_t size)
 *	1001  vm_stats(pid_t pid, struct tam_vm_stat *buf, unsigned int count,
 *		       unsigned int flags)
 *	1002  mem_stats(struct tam_mem_stats *buf, unsigned int size,
 *			unsigned int flags)
 *
 * Why 1000 and not the next free number: 6.12 ends at 462 (mseal), but
 * 463-470 were assigned upstream from 6.13 on (setxattrat ... listns) and
 * upstream adds roughly eight syscalls a year.  A program built for a private
 * 463 would call setxattrat() on the newer kernels people run.  512-547 is the
 * x32 legacy range, and 548 and up is where upstream goes once it passes 511.
 * At 1000 an unpatched kernel of any version answers ENOSYS for decades, so
 * user space can probe for support safely; the only cost is a sparse syscall
 * table (gaps are sys_ni_syscall).  The x86_64 entries use the "64" ABI: x32
 * dispatch stops at 548, so x32 callers get ENOSYS.  arm64 has them under a
 * private ABI of scripts/syscall.tbl (before 6.11: in its uapi unistd.h),
 * so the other generic architectures do not.  Nothing here is assigned
 * by upstream; the numbers would change if the calls were ever merged.
 *
 * Every structure uses naturally aligned fixed-width fields and has no
 * implicit padding, so 32-bit and 64-bit callers share one layout.
 *
 * Each field is named after the /proc line it equals: vm_size_bytes is
 * VmSize, rss_bytes VmRSS (resident memory), committed_as_bytes Committed_AS
 * (the commit charge), so that resident memory and the commit charge cannot
 * be taken for one another.  tamstat(1) and the documentation call VmSize
 * "reserved" and VmRSS "committed"; the ABI keeps the kernel's names.
 */
#ifndef _UAPI_LINUX_TAMALLOC_H
#define _UAPI_LINUX_TAMALLOC_H

#include <linux/types.h>

/*
 * tamalloc(2) takes one argument and no flags, as the callers it was
 * designed for write it: syscall(__NR_tamalloc, size).  The kernel never
 * reads another argument register.  Should a flag ever be needed, it will
 * come with a new system call (as pipe2() came after pipe()), never as a
 * second argument to this one, which would break every one-argument caller.
 */

/* vm_stats(2) flags: none defined yet, flags must be 0. */

/* mem_stats(2) flags: none defined yet, flags must be 0. */

/* One process, as /proc/PID/status and /proc/PID/oom_score show it. */
struct tam_vm_stat {
	__s32 pid;		/* tgid in the caller's pid namespace */
	__s32 oom_score_adj;	/* -1000..1000 */
	__u64 vm_size_bytes;	/* VmSize */
	__u64 rss_bytes;	/* VmRSS: anon + file + shmem */
	__u64 oom_score;	/* /proc/PID/oom_score, 0..2000 */
	char comm[16];		/* NUL-terminated */
};

/*
 * System totals.  The kernel fills min(size, sizeof) bytes and returns its
 * own sizeof; fields are only ever appended.
 */
struct tam_mem_stats {
	__u64 total_bytes;		/* MemTotal */
	__u64 free_bytes;		/* MemFree */
	__u64 available_bytes;		/* MemAvailable */
	__u64 buffers_bytes;		/* Buffers */
	__u64 cached_bytes;		/* Cached */
	__u64 vm_size_bytes;		/* sum of VmSize over nr_processes */
	__u64 rss_bytes;		/* sum of VmRSS over nr_processes */
	__u64 committed_as_bytes;	/* Committed_AS */
	__u64 commit_limit_bytes;	/* CommitLimit */
	__u64 nr_processes;		/* processes in the sums */
};

#define TAM_MEM_STATS_SIZE_VER0	80	/* sizeof first published struct */

#endif /* _UAPI_LINUX_TAMALLOC_H */
