/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory figures of the calling process, the allocators the tools put side
 * by side, and the allocate-then-touch scenario that tamdemo runs with
 * tamalloc (and `tamdemo --compare` with malloc, calloc and tamalloc).
 * Shared by tamdemo, tambench and tests/guest/compare_test.c.
 */
#ifndef TAM_COMPARE_H
#define TAM_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * One reading: VmSize, VmRSS (bytes) and oom_score of this process, and the
 * system's Committed_AS (bytes).
 */
struct tam_sample {
	uint64_t vm, rss, charge, oom;
};

/* Fill s through tam_vm_stats() and tam_mem_stats().  0, or -1/errno. */
int tam_sample_self(struct tam_sample *s);

/*
 * This process's own commit charge in KiB (its mappings that smaps marks
 * "ac"), exact where Committed_AS is system-wide; -1 without smaps.
 */
long long tam_self_charge_kib(void);

/*
 * The allocators: the first TAM_NR_ALLOCATORS are the ones tamdemo --compare
 * puts side by side; tambench also measures the last two.
 */
enum tam_allocator {
	TAM_MALLOC, TAM_CALLOC, TAM_TAMALLOC,
	TAM_NR_ALLOCATORS,
	TAM_MMAP = TAM_NR_ALLOCATORS,	/* mmap(MAP_NORESERVE), tamalloc's twin */
	TAM_MALLOC_MEMSET,		/* malloc, then memset of the block */
	TAM_NR_METHODS,
};

extern const char *const tam_allocator_names[TAM_NR_METHODS];

/* Allocate size bytes with alloc; NULL with errno on failure. */
void *tam_alloc(enum tam_allocator alloc, size_t size);

/* Free what tam_alloc(alloc, size) returned. */
void tam_free(enum tam_allocator alloc, void *p, size_t size);

/* A reading after the first `touched` bytes were written. */
struct tam_cmp_row {
	uint64_t touched;
	struct tam_sample s;
};

/*
 * What one child measured.  before/after: right before and right after the
 * allocation; nonzero_fresh: non-zero bytes of the new block; nonzero_reused:
 * non-zero bytes of a block of the same size allocated again after the
 * first one was filled with a pattern and freed.
 */
struct tam_cmp_result {
	enum tam_allocator alloc;
	uint64_t size;
	size_t mapped;			/* bytes of this shared mapping */
	void *block;			/* the block, while it is written */
	int err;			/* errno of a failure, 0 if none */
	const char *failed;		/* what failed */
	struct tam_sample before, after;
	/*
	 * The child's own commit charge (tam_self_charge_kib()) right before
	 * and right after the allocation: exact, where before/after.charge
	 * is the system's Committed_AS, which every other process moves too.
	 */
	long long own_charge_before_kib, own_charge_after_kib;
	uint64_t nonzero_fresh, nonzero_reused;
	size_t nrows;
	struct tam_cmp_row rows[];
};

/*
 * The scenario, in this process, for r->alloc and r->size: allocate the
 * block (r->before and r->after bracket the call), count its non-zero
 * bytes, write it a page at a time (pausing delay_us after each), free it,
 * allocate it again and count the non-zero bytes.  It takes a sample right
 * after reading the block (touched 0), after each page that reaches or
 * passes a multiple of every, and after the last page, and hands each to
 * on_row(r, row, arg), which returns 0 to go on.  malloc and calloc run with
 * glibc told to serve blocks from the heap and never to trim it (mallopt
 * M_MMAP_MAX 0, M_TRIM_THRESHOLD -1), so the second block reuses the first
 * one's memory.  A failure is in r->err and r->failed.
 */
void tam_scenario(struct tam_cmp_result *r, uint64_t every, long delay_us,
		  int (*on_row)(struct tam_cmp_result *r,
				const struct tam_cmp_row *row, void *arg),
		  void *arg);

/*
 * Run tam_scenario() for alloc in a child process, its samples kept in
 * ->rows.  Returns a result to release with tam_compare_free(), or NULL with
 * errno set when the child could not be run; a failure inside the child is
 * in ->err and ->failed.
 */
struct tam_cmp_result *tam_compare_run(enum tam_allocator alloc, uint64_t size,
				       uint64_t every, long delay_us);
void tam_compare_free(struct tam_cmp_result *r);

/* The verdicts of the comparison table, each with the figure behind it. */
struct tam_verdict {
	bool zeroed;		/* no non-zero byte, fresh or reused */
	bool vm_immediate;	/* VmSize grew by size at the call */
	bool rss_lazy;		/* VmRSS grew by under a tenth of size */
	bool no_charge;		/* Committed_AS grew by under half of size */
	uint64_t nonzero;	/* nonzero_fresh + nonzero_reused */
	long long vm_kib, rss_kib, charge_kib;	/* deltas at the call */
};

void tam_compare_verdict(const struct tam_cmp_result *r, struct tam_verdict *v);

/* Print the table for results[TAM_NR_ALLOCATORS] as Markdown. */
void tam_compare_table(FILE *f, struct tam_cmp_result *const results[]);

/* Write the time series of every result as CSV, with a header line. */
void tam_compare_csv(FILE *f, struct tam_cmp_result *const results[]);

#endif /* TAM_COMPARE_H */
