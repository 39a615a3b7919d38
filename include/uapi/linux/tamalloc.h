/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tamalloc(2), vm_stats(2) and mem_stats(2): lazily zeroed allocations and
 * reserved/committed memory statistics.
 *
 * Syscall numbers (x86_64, i386 and arm64 alike):
 *
 *	1000  tamalloc(size_t size)
 *	1001  vm_stats(pid_t pid, struct tam_vm_stat *buf, unsigned int count,
 *		       unsigned int size, unsigned int mask, unsigned int flags)
 *	1002  mem_stats(struct tam_mem_stats *buf, unsigned int size,
 *			unsigned int mask, unsigned int flags)
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

/*
 * How vm_stats(2) and mem_stats(2) grow, after statx(2), clone3(2) and
 * statmount(2):
 *
 *  - The caller says which fields it wants (@mask, TAM_VM_* or TAM_MEM_*
 *    bits) and how big its record is (@size).  The record's own mask field
 *    says which fields the kernel filled: a field it did not fill is zero.
 *    The kernel may fill fewer fields than asked (a process without an mm
 *    has no memory figures) and never more than fit in @size.
 *  - Bits the kernel does not know are ignored, as statx() ignores them, so
 *    a program built against a newer header runs on an older kernel and
 *    learns from the record's mask what it got; the top bit (*__RESERVED)
 *    is refused with EINVAL, kept for an extension of the mask itself.
 *  - The kernel writes min(@size, its own record size) bytes of a record
 *    and zeroes the rest of a larger one, so an old program on a newer
 *    kernel and a newer program on an old kernel both work.  @size must be
 *    at least the first published size (*_SIZE_VER0) and a multiple of 8
 *    (records of an array stay aligned); larger than a page is E2BIG.
 *  - Fields are only ever appended.  Reserved fields are 0 on output.
 *
 * The first layout (a 48-byte struct tam_vm_stat, vm_stats(pid, buf,
 * count, flags) and an 80-byte struct tam_mem_stats) is retired, not kept:
 * it had no users outside this project.  A caller written for it passes 0
 * where @size now is and gets EINVAL, never misread figures.
 */

/* vm_stats(2) fields (@mask, struct tam_vm_stat.mask). */
#define TAM_VM_SIZE		0x00000001U /* vm_size_bytes: VmSize */
#define TAM_VM_RSS		0x00000002U /* rss_bytes: VmRSS */
#define TAM_VM_OOM_SCORE	0x00000004U /* oom_score: /proc/PID/oom_score */
#define TAM_VM_OOM_SCORE_ADJ	0x00000008U /* oom_score_adj */
#define TAM_VM_RSS_ANON		0x00000010U /* rss_anon_bytes: RssAnon */
#define TAM_VM_RSS_FILE		0x00000020U /* rss_file_bytes: RssFile */
#define TAM_VM_RSS_SHMEM	0x00000040U /* rss_shmem_bytes: RssShmem */
#define TAM_VM_SWAP		0x00000080U /* swap_bytes: VmSwap */
#define TAM_VM_HWM		0x00000100U /* hwm_bytes: VmHWM */
/* The fields of the first layout. */
#define TAM_VM_BASIC		(TAM_VM_SIZE | TAM_VM_RSS | TAM_VM_OOM_SCORE | \
				 TAM_VM_OOM_SCORE_ADJ)
#define TAM_VM_ALL		0x000001ffU /* every field this header knows */
#define TAM_VM__RESERVED	0x80000000U /* refused: EINVAL */

/*
 * vm_stats(2) @flags; any other bit is refused (EINVAL).
 * TAM_VM_DONT_SYNC, after statx(2)'s AT_STATX_DONT_SYNC: the RSS and swap
 * figures (and, where oom_badness() sums them exactly, the OOM score) from
 * each counter's cached total instead of its exact sum over the CPUs, which
 * /proc/PID/status takes on kernels since 6.16 (and 6.12.39): a cost per
 * process that does not grow with the number of CPUs, for figures that may
 * lag /proc's by up to the counter's batch in pages per online CPU.
 */
#define TAM_VM_DONT_SYNC	0x00000001U

/*
 * One process, as /proc/PID/status and /proc/PID/oom_score show it.  pid
 * and comm are always filled, mask always says what else was.
 */
struct tam_vm_stat {
	__u32 mask;		/* TAM_VM_* fields filled */
	__s32 pid;		/* tgid in the caller's pid namespace */
	char comm[16];		/* NUL-terminated */
	__s32 oom_score_adj;	/* -1000..1000 */
	__u32 __reserved;	/* 0 */
	__u64 oom_score;	/* /proc/PID/oom_score, 0..2000 */
	__u64 vm_size_bytes;	/* VmSize */
	__u64 rss_bytes;	/* VmRSS: anon + file + shmem */
	__u64 rss_anon_bytes;	/* RssAnon */
	__u64 rss_file_bytes;	/* RssFile */
	__u64 rss_shmem_bytes;	/* RssShmem */
	__u64 swap_bytes;	/* VmSwap */
	__u64 hwm_bytes;	/* VmHWM: the peak of VmRSS */
};

#define TAM_VM_STAT_SIZE_VER0	96	/* sizeof first published struct */

/* mem_stats(2) field groups (@mask, struct tam_mem_stats.mask). */
#define TAM_MEM_RAM		0x00000001U /* total .. cached: MemTotal .. */
#define TAM_MEM_COMMIT		0x00000002U /* Committed_AS, CommitLimit */
#define TAM_MEM_SWAP		0x00000004U /* SwapTotal, SwapFree */
#define TAM_MEM_PROCESSES	0x00000008U /* the sums over the processes */
#define TAM_MEM_ALL		0x0000000fU /* every group this header knows */
#define TAM_MEM__RESERVED	0x80000000U /* refused: EINVAL */

/* mem_stats(2) flags: none defined yet, flags must be 0. */

/*
 * System totals.  Only TAM_MEM_PROCESSES walks the processes; the other
 * groups cost what reading /proc/meminfo costs.
 */
struct tam_mem_stats {
	__u32 mask;			/* TAM_MEM_* groups filled */
	__u32 __reserved;		/* 0 */
	__u64 total_bytes;		/* MemTotal		RAM */
	__u64 free_bytes;		/* MemFree		RAM */
	__u64 available_bytes;		/* MemAvailable		RAM */
	__u64 buffers_bytes;		/* Buffers		RAM */
	__u64 cached_bytes;		/* Cached		RAM */
	__u64 committed_as_bytes;	/* Committed_AS		COMMIT */
	__u64 commit_limit_bytes;	/* CommitLimit		COMMIT */
	__u64 swap_total_bytes;		/* SwapTotal		SWAP */
	__u64 swap_free_bytes;		/* SwapFree		SWAP */
	__u64 vm_size_bytes;		/* sum of VmSize	PROCESSES */
	__u64 rss_bytes;		/* sum of VmRSS		PROCESSES */
	__u64 nr_processes;		/* processes summed	PROCESSES */
};

#define TAM_MEM_STATS_SIZE_VER0	104	/* sizeof first published struct */

#endif /* _UAPI_LINUX_TAMALLOC_H */
