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
 *
 * TAM_VM_FIELDS(F) calls F(bit, field, status) for each 64-bit figure of
 * struct tam_vm_stat: its TAM_VM_* bit, its field and the
 * /proc/PID/status key it equals in KiB (NULL: not a status line, the
 * oom_score from /proc/PID/oom_score).  oom_score_adj, an int, is left out.
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

#define TAM_VM_FIELDS(F)						\
	F(TAM_VM_SIZE, vm_size_bytes, "VmSize")				\
	F(TAM_VM_RSS, rss_bytes, "VmRSS")				\
	F(TAM_VM_OOM_SCORE, oom_score, NULL)				\
	F(TAM_VM_RSS_ANON, rss_anon_bytes, "RssAnon")			\
	F(TAM_VM_RSS_FILE, rss_file_bytes, "RssFile")			\
	F(TAM_VM_RSS_SHMEM, rss_shmem_bytes, "RssShmem")		\
	F(TAM_VM_SWAP, swap_bytes, "VmSwap")				\
	F(TAM_VM_HWM, hwm_bytes, "VmHWM")

#endif /* TAM_MEMFIELDS_H */
