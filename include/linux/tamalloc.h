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
static_assert(offsetof(struct tam_vm_stat, vm_size_bytes) == 8);
static_assert(offsetof(struct tam_vm_stat, comm) == 32);
static_assert(sizeof(struct tam_vm_stat) == 48);

/*
 * mem_stats() copies min(size, sizeof) bytes: fields are only appended, so
 * every published size is a prefix of the current layout.  Appending a
 * field means a new TAM_MEM_STATS_SIZE_VERn here and in the UAPI header.
 */
static_assert(offsetof(struct tam_mem_stats, nr_processes) ==
	      TAM_MEM_STATS_SIZE_VER0 - sizeof(__u64));
static_assert(sizeof(struct tam_mem_stats) == TAM_MEM_STATS_SIZE_VER0);

#endif /* _LINUX_TAMALLOC_H */
