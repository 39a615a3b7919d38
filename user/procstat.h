/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside libtamalloc: what the /proc side (procstat.c) offers the rest of
 * the library.  Not installed, and hidden in the shared library.
 */
#ifndef TAM_PROCSTAT_H
#define TAM_PROCSTAT_H

#include <stddef.h>

#include "tamalloc.h"

/*
 * Every process with an mm, in one walk of /proc: the rows in *procs
 * (malloc'ed, the caller frees them) and their number in *nr.  With ms not
 * NULL, also the system totals as tam_mem_stats_proc() gives them, with the
 * sums and nr_processes taken from these rows.  0, or -1 with errno.
 */
__attribute__((visibility("hidden")))
int tam_proc_snapshot(struct tam_vm_stat **procs, size_t *nr,
		      struct tam_mem_stats *ms);

#endif /* TAM_PROCSTAT_H */
