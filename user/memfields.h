/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fields of struct tam_mem_stats, listed once: the /proc side of the
 * library reads the meminfo keys from it, tamstat prints its summary, JSON
 * and Prometheus figures from it.  Not installed: a private header of the
 * library and the tools.
 *
 * TAM_MEM_FIELDS(F) calls F(field, meminfo, name, help) for each field, in
 * the order tamstat prints them: field of struct tam_mem_stats, the
 * /proc/meminfo key it equals (NULL: a sum over the processes, from the
 * process walk), tamstat's name for it (summary rows, JSON "field",
 * tamalloc_system_NAME_bytes) and what it is (the Prometheus HELP text).
 * nr_processes is not a size and is left out.
 */
#ifndef TAM_MEMFIELDS_H
#define TAM_MEMFIELDS_H

#define TAM_MEM_FIELDS(F)						\
	F(total_bytes, "MemTotal", "total",				\
	  "Total usable RAM (MemTotal).")				\
	F(free_bytes, "MemFree", "free",				\
	  "Free RAM (MemFree).")					\
	F(buffers_bytes, "Buffers", "buffers",				\
	  "Block device buffers (Buffers).")				\
	F(cached_bytes, "Cached", "cached",				\
	  "Page cache without swap cache (Cached).")			\
	F(available_bytes, "MemAvailable", "available",			\
	  "RAM available without swapping (MemAvailable).")		\
	F(vm_size_bytes, NULL, "reserved",				\
	  "Sum of reserved memory (VmSize) of the processes counted.")	\
	F(rss_bytes, NULL, "committed",					\
	  "Sum of committed memory (VmRSS) of the processes counted.")	\
	F(committed_as_bytes, "Committed_AS", "commit_charge",		\
	  "Memory the kernel promised (Committed_AS).")			\
	F(commit_limit_bytes, "CommitLimit", "commit_limit",		\
	  "Limit of the commit charge in overcommit mode 2 (CommitLimit).") \
	F(swap_total_bytes, "SwapTotal", "swap_total",			\
	  "Total swap space (SwapTotal).")				\
	F(swap_free_bytes, "SwapFree", "swap_free",			\
	  "Unused swap space (SwapFree).")

#endif /* TAM_MEMFIELDS_H */
