// SPDX-License-Identifier: GPL-2.0
/*
 * tambench, 1. Allocation: the median latency of one call of each allocator
 * of compare.h at sizes from 4 KiB to 1 GiB, and the VmRSS and commit
 * charge the first call adds.
 */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compare.h"
#include "tambench.h"
#include "util.h"

/* glibc's initial mmap threshold, pinned so every call behaves the same. */
#define MMAP_THRESHOLD	(128 * 1024)

struct cell {
	int err;
	unsigned int reps;
	uint64_t median_ns;
	long long rss_kib, charge_kib;	/* at the first call */
};

/*
 * In a child: each of the n methods' first-call deltas, then the timed
 * repetitions with the methods taking turns, so that a slow stretch of the
 * emulator slows all of them alike and their ratio stays fair.  times holds
 * r->want entries per method.
 */
static void alloc_cells(const enum tam_allocator *ms, unsigned int n, size_t size,
			const struct reps *r, struct cell *c, uint64_t *times)
{
	struct tam_sample before, after;
	size_t warm = size < MMAP_THRESHOLD ? 4096 : MMAP_THRESHOLD;
	unsigned int k, reps = 0;
	uint64_t start, t0;
	void *p;

	errno = 0;
	/* The first sample sets up what sampling needs (stdio buffers). */
	if (!mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) ||
	    tam_sample_self(&before))
		goto fail;
	for (k = 0; k < n; k++) {
		long long charge0, charge1;

		/* Fault in the code the measurement runs (heap or mmap path). */
		p = tam_alloc(ms[k], warm);
		if (!p)
			goto fail;
		tam_free(ms[k], p, warm);
		/* The smaps reads bracket the VmRSS samples, whose delta
		 * then holds the call alone. */
		if ((charge0 = tam_self_charge_kib()) < 0 || tam_sample_self(&before))
			goto fail;
		p = tam_alloc(ms[k], size);
		if (!p || tam_sample_self(&after) ||
		    (charge1 = tam_self_charge_kib()) < 0)
			goto fail;
		tam_free(ms[k], p, size);
		c[k].rss_kib = ((long long)after.rss - (long long)before.rss) / 1024;
		c[k].charge_kib = charge1 - charge0;
	}

	start = now_ns();
	while (reps < r->want &&
	       (reps < r->min || now_ns() - start < r->budget_ns)) {
		for (k = 0; k < n; k++) {
			t0 = now_ns();
			p = tam_alloc(ms[k], size);
			times[k * r->want + reps] = now_ns() - t0;
			if (!p)
				goto fail;
			tam_free(ms[k], p, size);
		}
		reps++;
	}
	for (k = 0; k < n; k++) {
		c[k].reps = reps;
		c[k].median_ns = median(times + k * r->want, reps);
	}
	return;
fail:
	for (k = 0; k < n; k++)
		c[k].err = errno ? errno : EIO;
}

/*
 * Run the cells of the n methods in ms in one fresh process, so that no
 * cell inherits another's heap; results in out[ms[k]].
 */
static void run_cells(const enum tam_allocator *ms, unsigned int n, size_t size,
		      const struct reps *r, struct cell *out)
{
	size_t bytes = n * (sizeof(*out) + r->want * sizeof(uint64_t));
	unsigned int k;
	struct cell *c;
	int status;
	pid_t pid;

	c = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED) {
		for (k = 0; k < n; k++)
			out[ms[k]] = (struct cell){ .err = errno };
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		alloc_cells(ms, n, size, r, c, (uint64_t *)(c + n));
		_exit(0);
	}
	status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		for (k = 0; k < n; k++)
			c[k].err = c[k].err ? c[k].err : ECHILD;
	for (k = 0; k < n; k++)
		out[ms[k]] = c[k];
	munmap(c, bytes);
}

/* The four allocators, in the tables' column order. */
static const enum tam_allocator shown[] = {
	TAM_TAMALLOC, TAM_MMAP, TAM_CALLOC, TAM_MALLOC_MEMSET,
};
#define NR_SHOWN	(sizeof(shown) / sizeof(shown[0]))

/* The two tables' columns: size, one per allocator, the ratio. */
static const struct tam_md_col md_cols[] = {
	{ 7, true }, { 18, false }, { 18, false }, { 18, false }, { 18, false },
	{ 13, false },
};

void bench_alloc(void)
{
	static const struct {
		uint64_t size;
		struct reps reps;
	} sizes[] = {
		{ 4 * KiB, { 2000, 50, 2000000000 } },
		{ 64 * KiB, { 1000, 50, 2000000000 } },
		{ 1 * MiB, { 300, 20, 2000000000 } },
		{ 16 * MiB, { 100, 5, 2000000000 } },
		{ 256 * MiB, { 20, 5, 5000000000ULL } },
		{ 1 * GiB, { 10, 5, 10000000000ULL } },
	};
#define NSIZES	(sizeof(sizes) / sizeof(sizes[0]))
	/* tamalloc and mmap take turns in one process: their ratio is the point. */
	static const enum tam_allocator pair[] = { TAM_TAMALLOC, TAM_MMAP };
	static const enum tam_allocator heap[] = { TAM_CALLOC, TAM_MALLOC_MEMSET };
	struct cell cells[NSIZES][TAM_NR_METHODS];
	char text[2][NSIZES + 1][NR_SHOWN + 2][TAM_SIZE_MAX];
	const char *cell[2][(NSIZES + 1) * (NR_SHOWN + 2)];
	bool calloc_lazy = false;
	unsigned int i, m, t;
	struct reps r;

	printf("## Allocation\n\n"
	       "Median latency of one call (malloc+memset: the call and the memset), each\n"
	       "allocation freed before the next.  tamalloc and mmap run in one fresh\n"
	       "process, taking turns call by call; calloc and malloc+memset each in\n"
	       "their own.  glibc's mmap threshold pinned at its default 128 KiB.\n"
	       "tamalloc: %s.\n\n",
	       use_syscalls ? "the syscall" : "the library's mmap fallback (no syscall in this kernel)");
	for (t = 0; t < 2; t++) {
		snprintf(text[t][0][0], TAM_SIZE_MAX, "size");
		for (m = 0; m < NR_SHOWN; m++)
			snprintf(text[t][0][m + 1], TAM_SIZE_MAX, "%s",
				 tam_allocator_names[shown[m]]);
		snprintf(text[t][0][NR_SHOWN + 1], TAM_SIZE_MAX, "tamalloc/mmap");
	}
	for (i = 0; i < NSIZES; i++) {
		r = sizes[i].reps;
		if (quick) {
			r.want = r.want / 10 > r.min ? r.want / 10 : r.min;
			r.budget_ns /= 10;
		}
		run_cells(pair, 2, sizes[i].size, &r, cells[i]);
		run_cells(&heap[0], 1, sizes[i].size, &r, cells[i]);
		run_cells(&heap[1], 1, sizes[i].size, &r, cells[i]);
		for (t = 0; t < 2; t++)
			tam_format_size(text[t][i + 1][0], sizes[i].size,
					TAM_UNIT_HUMAN, TAM_SIZE_IEC);
		for (m = 0; m < NR_SHOWN; m++) {
			const struct cell *c = &cells[i][shown[m]];
			char ns[16];

			if (c->err)
				snprintf(text[0][i + 1][m + 1], TAM_SIZE_MAX, "%.15s",
					 strerror(c->err));
			else
				snprintf(text[0][i + 1][m + 1], TAM_SIZE_MAX, "%s (%u)",
					 fmt_ns(ns, sizeof(ns), c->median_ns), c->reps);
			if (c->err)
				snprintf(text[1][i + 1][m + 1], TAM_SIZE_MAX, "-");
			else
				snprintf(text[1][i + 1][m + 1], TAM_SIZE_MAX, "%+lld / %+lld",
					 c->rss_kib, c->charge_kib);
		}
		if (cells[i][TAM_TAMALLOC].err || cells[i][TAM_MMAP].err)
			snprintf(text[0][i + 1][NR_SHOWN + 1], TAM_SIZE_MAX, "-");
		else
			snprintf(text[0][i + 1][NR_SHOWN + 1], TAM_SIZE_MAX, "%.2f",
				 (double)cells[i][TAM_TAMALLOC].median_ns /
				 cells[i][TAM_MMAP].median_ns);
	}
	/* The second table has no ratio column: one cell fewer a row. */
	for (i = 0; i <= NSIZES; i++)
		for (m = 0; m < NR_SHOWN + 2; m++) {
			cell[0][i * (NR_SHOWN + 2) + m] = text[0][i][m];
			if (m < NR_SHOWN + 1)
				cell[1][i * (NR_SHOWN + 1) + m] = text[1][i][m];
		}
	tam_md_table(stdout, cell[0], NSIZES + 1, NR_SHOWN + 2, md_cols);
	printf("\n(repetitions in parentheses)\n\n"
	       "VmRSS and commit charge change right after the first call, in KiB\n"
	       "(the charge: the process's mappings that smaps marks \"ac\", which is\n"
	       "what it adds to Committed_AS):\n\n");
	tam_md_table(stdout, cell[1], NSIZES + 1, NR_SHOWN + 1, md_cols);
	printf("\n(VmRSS / commit charge)\n");
	for (i = 0; i < NSIZES; i++) {
		const struct cell *c = &cells[i][TAM_CALLOC];

		if (!c->err && sizes[i].size > MMAP_THRESHOLD && !calloc_lazy &&
		    c->rss_kib * (long long)KiB < (long long)sizes[i].size / 10) {
			calloc_lazy = true;
			printf("\ncalloc is lazy too from %s up: glibc serves blocks of %d KiB and more\n"
			       "with mmap and does not clear pages fresh from the kernel, so VmRSS\n"
			       "does not grow at the call; unlike tamalloc it is charged to\n"
			       "Committed_AS (%+lld KiB at %s).\n",
			       text[0][i + 1][0], MMAP_THRESHOLD / 1024,
			       c->charge_kib, text[0][i + 1][0]);
		}
	}
	printf("\n");
#undef NSIZES
}
