/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel side of the tamalloc ABI (include/uapi/linux/tamalloc.h): the
 * layouts that 32-bit and 64-bit callers share, checked at build time in
 * every file that uses them.
 */
#ifndef _LINUX_TAMALLOC_H
#define _LINUX_TAMALLOC_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <uapi/linux/tamalloc.h>

/*
 * Naturally aligned fields and no implicit padding, so i386 (where a __u64
 * is 4-byte aligned) has the x86_64 layout and needs no compat entry.
 */
static_assert(offsetof(struct tam_vm_stat, comm) == 8);
static_assert(offsetof(struct tam_vm_stat, oom_score) == 32);
static_assert(sizeof(struct tam_vm_stat) % sizeof(__u64) == 0);
static_assert(offsetof(struct tam_mem_stats, total_bytes) == 8);

/*
 * The kernel copies min(size, sizeof) bytes: fields are only appended, so
 * every published size is a prefix of the current layout.  Appending a
 * field means a new TAM_*_SIZE_VERn here and in the UAPI header, and a bit
 * of its own in the mask.
 */
static_assert(offsetof(struct tam_vm_stat, hwm_bytes) ==
	      TAM_VM_STAT_SIZE_VER0 - sizeof(__u64));
static_assert(sizeof(struct tam_vm_stat) == TAM_VM_STAT_SIZE_VER0);
static_assert(offsetof(struct tam_mem_stats, nr_processes) ==
	      TAM_MEM_STATS_SIZE_VER0 - sizeof(__u64));
static_assert(sizeof(struct tam_mem_stats) == TAM_MEM_STATS_SIZE_VER0);

#endif /* _LINUX_TAMALLOC_H */
