// SPDX-License-Identifier: LGPL-2.1-or-later
/* libtamalloc: syscall wrappers with an mmap and /proc fallback. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "memfields.h"
#include "procstat.h"
#include "tamalloc.h"

/* The ABI's layouts, as include/linux/tamalloc.h asserts them in the kernel. */
_Static_assert(sizeof(struct tam_vm_stat) == TAM_VM_STAT_SIZE_VER0,
	       "struct tam_vm_stat layout");
_Static_assert(sizeof(struct tam_mem_stats) == TAM_MEM_STATS_SIZE_VER0,
	       "struct tam_mem_stats layout");

/* -1: not probed yet; 0: fallback; 1: kernel syscalls. */
static int support = -1;

int tam_kernel_support(void)
{
	int s = __atomic_load_n(&support, __ATOMIC_RELAXED);

	if (s < 0) {
#ifdef __NR_tamalloc
		int saved = errno;

		/*
		 * size 0 is EINVAL on a patched kernel, ENOSYS elsewhere.
		 * tamalloc(2) takes exactly one argument: the size.
		 */
		s = syscall(__NR_tamalloc, (size_t)0) == -1 && errno == EINVAL;
		errno = saved;
#else
		s = 0;
#endif
		__atomic_store_n(&support, s, __ATOMIC_RELAXED);
	}
	return s;
}

void *tamalloc(size_t size)
{
	void *p;

	if (tam_kernel_support()) {
#ifdef __NR_tamalloc
		long addr = syscall(__NR_tamalloc, size);

		return addr == -1 ? NULL : (void *)addr;
#endif
	}
	if (size == 0) {
		errno = EINVAL;
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

int tamfree(void *ptr, size_t size)
{
	if (!ptr)
		return 0;
	return munmap(ptr, size);
}

long tam_vm_stats(pid_t pid, struct tam_vm_stat *buf, size_t count)
{
	return tam_vm_stats_mask(pid, buf, count, TAM_VM_ALL);
}

#define TAM_FIELD_BIT(bit, field, key) bit |
_Static_assert((TAM_VM_FIELDS(TAM_FIELD_BIT) TAM_VM_OOM_SCORE_ADJ) == TAM_VM_ALL,
	       "memfields.h: TAM_VM_FIELDS lacks a field of TAM_VM_ALL");
#undef TAM_FIELD_BIT

/* What /proc gave of st, less the fields outside mask (zeroed, bit cleared). */
static void keep_fields(struct tam_vm_stat *st, unsigned int mask)
{
#define TAM_U64_FIELD(bit, field, key) \
		{ bit, offsetof(struct tam_vm_stat, field) },
	static const struct {
		unsigned int bit;
		size_t off;
	} u64s[] = { TAM_VM_FIELDS(TAM_U64_FIELD) };
#undef TAM_U64_FIELD
	size_t i;

	for (i = 0; i < sizeof(u64s) / sizeof(u64s[0]); i++)
		if (!(mask & u64s[i].bit))
			memset((char *)st + u64s[i].off, 0, sizeof(uint64_t));
	if (!(mask & TAM_VM_OOM_SCORE_ADJ))
		st->oom_score_adj = 0;
	st->mask &= mask;
}

long tam_vm_stats_flags(pid_t pid, struct tam_vm_stat *buf, size_t count,
			unsigned int mask, unsigned int flags)
{
	long n, i;

	if ((mask & TAM_VM__RESERVED) || (flags & ~TAM_VM_DONT_SYNC)) {
		errno = EINVAL;
		return -1;
	}
#ifdef __NR_vm_stats
	if (tam_kernel_support())
		return syscall(__NR_vm_stats, pid, buf,
			       count > UINT_MAX ? UINT_MAX : (unsigned int)count,
			       (unsigned int)sizeof(*buf), mask, flags);
#endif
	n = tam_vm_stats_proc(pid, buf, count);
	for (i = 0; i < n && (size_t)i < count; i++)
		keep_fields(&buf[i], mask);
	return n;
}

long tam_vm_stats_mask(pid_t pid, struct tam_vm_stat *buf, size_t count,
		       unsigned int mask)
{
	return tam_vm_stats_flags(pid, buf, count, mask, 0);
}

int tam_mem_stats(struct tam_mem_stats *out)
{
#ifdef __NR_mem_stats
	if (tam_kernel_support())
		return syscall(__NR_mem_stats, out, (unsigned int)sizeof(*out),
			       TAM_MEM_ALL, 0U) < 0 ? -1 : 0;
#endif
	return tam_mem_stats_proc(out);
}

const char *tam_source_name(enum tam_source src)
{
	switch (src) {
	case TAM_SOURCE_SYSCALL:
		return "syscall";
	case TAM_SOURCE_PROC:
		return "proc";
	default:
		return "auto";
	}
}

/* The one place a source is chosen. */
static int resolve(enum tam_source want, enum tam_source *src)
{
	if (want == TAM_SOURCE_PROC) {
		*src = TAM_SOURCE_PROC;
		return 0;
	}
	if (tam_kernel_support()) {
		*src = TAM_SOURCE_SYSCALL;
		return 0;
	}
	if (want == TAM_SOURCE_SYSCALL) {
		errno = ENOSYS;
		return -1;
	}
	*src = TAM_SOURCE_PROC;
	return 0;
}

/*
 * Once resolved, SYSCALL means the kernel has them: tam_vm_stats_flags()
 * uses them, with TAM_VM_DONT_SYNC for TAM_SNAP_CACHED.
 */
static long vm_stats_from(enum tam_source src, unsigned int flags, pid_t pid,
			  struct tam_vm_stat *buf, size_t count)
{
	if (src == TAM_SOURCE_PROC)
		return tam_vm_stats_proc(pid, buf, count);
	return tam_vm_stats_flags(pid, buf, count, TAM_VM_ALL,
				  flags & TAM_SNAP_CACHED ? TAM_VM_DONT_SYNC : 0);
}

/* Every process through vm_stats(0): grow the buffer until the list fits. */
static int all_processes(struct tam_snapshot *snap, unsigned int flags)
{
	struct tam_vm_stat *buf = NULL, *nbuf;
	size_t cap;
	long n;

	for (n = 4096;;) {
		cap = (size_t)n + 64;
		nbuf = realloc(buf, cap * sizeof(*buf));
		if (!nbuf) {
			free(buf);
			return -1;
		}
		buf = nbuf;
		n = vm_stats_from(snap->source, flags, 0, buf, cap);
		if (n < 0) {
			free(buf);
			return -1;
		}
		if ((size_t)n <= cap)
			break;
	}
	snap->procs = buf;
	snap->nr_procs = (size_t)n;
	return 0;
}

static int given_processes(struct tam_snapshot *snap, unsigned int flags,
			   const pid_t *pids, size_t nr_pids)
{
	size_t i;

	snap->procs = calloc(nr_pids, sizeof(*snap->procs));
	if (!snap->procs)
		return -1;
	snap->nr_procs = nr_pids;
	for (i = 0; i < nr_pids; i++) {
		if (vm_stats_from(snap->source, flags, pids[i],
				  &snap->procs[i], 1) == 1)
			continue;
		if (errno != ESRCH)
			return -1;
		memset(&snap->procs[i], 0, sizeof(snap->procs[i]));
		snap->nr_missing++;
	}
	return 0;
}

int tam_snapshot(struct tam_snapshot *snap, enum tam_source want,
		 unsigned int flags, const pid_t *pids, size_t nr_pids)
{
	struct sysinfo si;

	memset(snap, 0, sizeof(*snap));
	if (resolve(want, &snap->source))
		return -1;
	if (snap->source == TAM_SOURCE_PROC && (flags & TAM_SNAP_PROCS) &&
	    !nr_pids)
		return tam_proc_snapshot(&snap->procs, &snap->nr_procs,
					 flags & TAM_SNAP_SYSTEM ?
					 &snap->system : NULL);
	if (flags & TAM_SNAP_SYSTEM) {
		if (snap->source == TAM_SOURCE_PROC ?
		    tam_mem_stats_proc(&snap->system) :
		    tam_mem_stats(&snap->system))
			return -1;
	} else if (flags & TAM_SNAP_RAM) {
		/* totalram: what mem_stats(2) and MemTotal give, without a walk. */
		if (sysinfo(&si))
			return -1;
		snap->system.total_bytes = (uint64_t)si.totalram * si.mem_unit;
	}
	if (!(flags & TAM_SNAP_PROCS))
		return 0;
	return nr_pids ? given_processes(snap, flags, pids, nr_pids) :
			 all_processes(snap, flags);
}

void tam_snapshot_release(struct tam_snapshot *snap)
{
	free(snap->procs);
	snap->procs = NULL;
	snap->nr_procs = snap->nr_missing = 0;
}
