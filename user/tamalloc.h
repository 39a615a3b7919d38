/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libtamalloc: user-space side of tamalloc(2), vm_stats(2) and mem_stats(2).
 *
 * Every function works on any Linux kernel: when the kernel lacks the
 * syscalls (ENOSYS), tamalloc() maps memory with the same flags through
 * mmap(2) and the statistics are read from /proc.  tam_kernel_support()
 * tells which path is in use.
 */
#ifndef TAMALLOC_H
#define TAMALLOC_H

#include <stddef.h>
#include <sys/types.h>
#include <linux/tamalloc.h>

/*
 * Syscall numbers: see include/uapi/linux/tamalloc.h for why 1000.  The
 * tamalloc syscall takes one argument, syscall(__NR_tamalloc, size), and no
 * flags; vm_stats and mem_stats take a flags argument that must be 0.
 */
#if !defined(__NR_tamalloc) && \
	(defined(__x86_64__) && !defined(__ILP32__) || defined(__i386__) || \
	 defined(__aarch64__) && !defined(__ILP32__))
#define __NR_tamalloc	1000
#define __NR_vm_stats	1001
#define __NR_mem_stats	1002
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Map size bytes (rounded up to pages) of zero-filled private anonymous
 * memory, reserved but not committed.  Returns NULL with errno set on
 * failure, like malloc(): EINVAL for size 0, ENOMEM when it does not fit.
 */
void *tamalloc(size_t size);

/* Release memory from tamalloc(); size as passed to it.  0 or -1/errno. */
int tamfree(void *ptr, size_t size);

/* 1 if the running kernel has the tamalloc syscalls, 0 if not. */
int tam_kernel_support(void);

/*
 * Per-process statistics.  pid > 0: that process (a thread id means its
 * process), returns 1 and fills buf[0] when count >= 1.  pid == 0: every
 * process with an mm, fills at most count entries and returns how many there
 * were.  -1 with errno (EINVAL, ESRCH, EFAULT, ENOMEM) on failure.
 */
long tam_vm_stats(pid_t pid, struct tam_vm_stat *buf, size_t count);

/*
 * The same, for the TAM_VM_* fields of mask only (vm_stats(2)'s @mask):
 * the others are 0 and their bits clear in each record's mask, through the
 * syscall (which then skips their work: the OOM score is the costly one)
 * and through /proc alike.  EINVAL for TAM_VM__RESERVED.
 */
long tam_vm_stats_mask(pid_t pid, struct tam_vm_stat *buf, size_t count,
		       unsigned int mask);

/*
 * The same with vm_stats(2)'s @flags: TAM_VM_DONT_SYNC reads the RSS and
 * swap counters as cached, at a cost per process that does not grow with
 * the number of CPUs (the /proc fallback reads what /proc shows whatever
 * the flags).  EINVAL for any other bit.
 */
long tam_vm_stats_flags(pid_t pid, struct tam_vm_stat *buf, size_t count,
			unsigned int mask, unsigned int flags);

/* System totals.  0, or -1 with errno. */
int tam_mem_stats(struct tam_mem_stats *out);

/* The same, always computed from /proc (what the fallback does). */
long tam_vm_stats_proc(pid_t pid, struct tam_vm_stat *buf, size_t count);
int tam_mem_stats_proc(struct tam_mem_stats *out);

/* Where statistics come from. */
enum tam_source {
	TAM_SOURCE_AUTO,	/* the syscalls when the kernel has them, else /proc */
	TAM_SOURCE_SYSCALL,	/* vm_stats(2) and mem_stats(2) */
	TAM_SOURCE_PROC,	/* /proc, as tam_vm_stats_proc() reads it */
};

/* "syscall" or "proc" ("auto" for TAM_SOURCE_AUTO). */
const char *tam_source_name(enum tam_source src);

/* What tam_snapshot() reads (flags). */
#define TAM_SNAP_PROCS	0x1	/* the processes */
#define TAM_SNAP_SYSTEM	0x2	/* all of struct tam_mem_stats */
#define TAM_SNAP_RAM	0x4	/* only its total_bytes (no process walk) */
#define TAM_SNAP_CACHED	0x8	/* RSS and swap as cached (TAM_VM_DONT_SYNC) */

/* The figures of one moment, from one source. */
struct tam_snapshot {
	enum tam_source source;		/* TAM_SOURCE_SYSCALL or _PROC: used */
	struct tam_mem_stats system;	/* TAM_SNAP_SYSTEM or _RAM; else 0 */
	struct tam_vm_stat *procs;	/* TAM_SNAP_PROCS: the rows */
	size_t nr_procs;
	size_t nr_missing;		/* rows of given pids that do not exist */
};

/*
 * Read the figures flags asks for from want: TAM_SOURCE_AUTO takes the
 * syscalls when the kernel has them and /proc otherwise, and snap->source
 * says which; TAM_SOURCE_SYSCALL on a kernel without them fails with
 * ENOSYS.  The processes are every process with an mm, in pid order
 * (nr_pids 0), or the nr_pids processes of pids, in that order: the row of
 * one that does not exist has pid 0 and counts in nr_missing.  With /proc,
 * TAM_SNAP_PROCS | TAM_SNAP_SYSTEM over every process walks /proc once and
 * takes the sums of the system figures from the rows.  0, or -1 with errno;
 * release a snapshot with tam_snapshot_release() either way.
 */
int tam_snapshot(struct tam_snapshot *snap, enum tam_source want,
		 unsigned int flags, const pid_t *pids, size_t nr_pids);
void tam_snapshot_release(struct tam_snapshot *snap);

#ifdef __cplusplus
}
#endif

#endif /* TAMALLOC_H */
