// SPDX-License-Identifier: GPL-2.0
/*
 * The malloc / calloc / tamalloc comparison of `tamdemo --compare`: one
 * child process per allocator, results in a shared mapping.
 */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compare.h"
#include "tamalloc.h"

#define PATTERN	0xa5

const char *const tam_allocator_names[TAM_NR_ALLOCATORS] = {
	[TAM_MALLOC] = "malloc",
	[TAM_CALLOC] = "calloc",
	[TAM_TAMALLOC] = "tamalloc",
};

int tam_sample_self(struct tam_sample *s)
{
	struct tam_vm_stat st;
	struct tam_mem_stats ms;

	if (tam_vm_stats(getpid(), &st, 1) != 1 || tam_mem_stats(&ms))
		return -1;
	s->vm = st.vm_size_bytes;
	s->rss = st.rss_bytes;
	s->oom = st.oom_score;
	s->charge = ms.committed_as_bytes;
	return 0;
}

static void *cmp_alloc(enum tam_allocator alloc, size_t size)
{
	switch (alloc) {
	case TAM_MALLOC:
		return malloc(size);
	case TAM_CALLOC:
		return calloc(1, size);
	default:
		return tamalloc(size);
	}
}

static void cmp_free(enum tam_allocator alloc, void *p, size_t size)
{
	if (alloc == TAM_TAMALLOC)
		tamfree(p, size);
	else
		free(p);
}

/* Non-zero bytes in p[0..len), a word at a time where it can. */
static uint64_t nonzero_bytes(const unsigned char *p, size_t len)
{
	uint64_t n = 0;
	size_t i = 0, j;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (!w)
			continue;
		for (j = 0; j < 8; j++)
			n += p[i + j] != 0;
	}
	for (; i < len; i++)
		n += p[i] != 0;
	return n;
}

/* Size of the shared result area for this size and sampling interval. */
static size_t result_bytes(uint64_t size, uint64_t every, size_t *nrows)
{
	uint64_t page = sysconf(_SC_PAGESIZE), pages = (size + page - 1) / page;
	uint64_t steps = size / every < pages ? size / every : pages;

	*nrows = steps + 2;
	return sizeof(struct tam_cmp_result) + *nrows * sizeof(struct tam_cmp_row);
}

/* In the child: sample into the next row. */
static int record(struct tam_cmp_result *r, uint64_t touched)
{
	struct tam_cmp_row *row = &r->rows[r->nrows];

	row->touched = touched;
	if (tam_sample_self(&row->s))
		return -1;
	r->nrows++;
	return 0;
}

/* In the child.  Records a failure in r->err and r->failed. */
static void scenario(struct tam_cmp_result *r, uint64_t every, long delay_us)
{
	struct timespec ts = { delay_us / 1000000, delay_us % 1000000 * 1000 };
	size_t page = sysconf(_SC_PAGESIZE), size = r->size, off, len;
	uint64_t next = every;
	unsigned char *p;

	if (r->alloc != TAM_TAMALLOC &&
	    (!mallopt(M_MMAP_MAX, 0) || !mallopt(M_TRIM_THRESHOLD, -1))) {
		r->failed = "mallopt";
		goto fail;
	}
	/*
	 * A forked child faults in the code and data it uses: go through the
	 * calls once with a small block so that the deltas show the block.
	 */
	r->failed = "warming up";
	p = cmp_alloc(r->alloc, page);
	if (!p || tam_sample_self(&r->before))
		goto fail;
	r->nonzero_fresh = nonzero_bytes(p, page);
	cmp_free(r->alloc, p, page);
	r->failed = "reading memory statistics";
	if (tam_sample_self(&r->before))
		goto fail;
	p = cmp_alloc(r->alloc, size);
	if (!p) {
		r->failed = "allocating";
		goto fail;
	}
	if (tam_sample_self(&r->after))
		goto fail;
	r->nonzero_fresh = nonzero_bytes(p, size);
	if (record(r, 0))
		goto fail;
	/* Write page by page; a row after every `every` bytes and at the end. */
	for (off = 0; off < size; off += len) {
		len = size - off < page ? size - off : page;
		memset(p + off, PATTERN, len);
		if (delay_us)
			nanosleep(&ts, NULL);
		if (off + len >= next || off + len == size) {
			if (record(r, off + len))
				goto fail;
			while (next <= off + len)
				next += every;
		}
	}
	cmp_free(r->alloc, p, size);
	p = cmp_alloc(r->alloc, size);
	if (!p) {
		r->failed = "allocating again";
		goto fail;
	}
	r->nonzero_reused = nonzero_bytes(p, size);
	cmp_free(r->alloc, p, size);
	r->failed = NULL;
	return;
fail:
	r->err = errno ? errno : EIO;
}

struct tam_cmp_result *tam_compare_run(enum tam_allocator alloc, uint64_t size,
				       uint64_t every, long delay_us)
{
	struct tam_cmp_result *r;
	size_t bytes, nrows;
	int status;
	pid_t pid;

	if (!size || !every || size > SIZE_MAX) {
		errno = EINVAL;
		return NULL;
	}
	bytes = result_bytes(size, every, &nrows);
	r = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		return NULL;
	r->alloc = alloc;
	r->size = size;
	r->mapped = bytes;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		munmap(r, bytes);
		return NULL;
	}
	if (pid == 0) {
		errno = 0;
		scenario(r, every, delay_us);
		_exit(0);
	}
	if ((waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	     WEXITSTATUS(status)) && !r->err) {
		r->failed = "running the child";
		r->err = ECHILD;
	}
	return r;
}

void tam_compare_free(struct tam_cmp_result *r)
{
	if (r)
		munmap(r, r->mapped);
}

void tam_compare_verdict(const struct tam_cmp_result *r, struct tam_verdict *v)
{
	uint64_t page = sysconf(_SC_PAGESIZE);
	uint64_t size_kib = (r->size + page - 1) / page * page / 1024;

	v->nonzero = r->nonzero_fresh + r->nonzero_reused;
	v->vm_kib = (long long)(r->after.vm - r->before.vm) / 1024;
	v->rss_kib = (long long)(r->after.rss - r->before.rss) / 1024;
	v->charge_kib = (long long)(r->after.charge - r->before.charge) / 1024;
	v->zeroed = !v->nonzero;
	v->vm_immediate = v->vm_kib >= (long long)size_kib;
	v->rss_lazy = v->rss_kib < (long long)size_kib / 10;
	v->no_charge = v->charge_kib < (long long)size_kib / 2;
}

#define CELL	96

/* Print rows of Markdown cells, every column padded to its widest cell. */
static void print_table(FILE *f, char (*cells)[TAM_NR_ALLOCATORS + 1][CELL],
			int nrows)
{
	int width[TAM_NR_ALLOCATORS + 1] = { 0 }, i, j, w;

	for (i = 0; i < nrows; i++)
		for (j = 0; j <= TAM_NR_ALLOCATORS; j++) {
			w = strlen(cells[i][j]);
			if (w > width[j])
				width[j] = w;
		}
	for (i = 0; i < nrows; i++) {
		for (j = 0; j <= TAM_NR_ALLOCATORS; j++)
			fprintf(f, "| %-*s ", width[j], cells[i][j]);
		fprintf(f, "|\n");
		if (i)
			continue;
		for (j = 0; j <= TAM_NR_ALLOCATORS; j++)
			for (w = -1; w <= width[j] + 1; w++)
				fputc(w < 0 ? '|' : '-', f);
		fprintf(f, "|\n");
	}
}

void tam_compare_table(FILE *f, struct tam_cmp_result *const results[])
{
	static const char *const rows[] = {
		"", "zero-initialised", "VmSize immediate", "VmRSS not immediate",
		"no commit charge",
	};
	char cells[5][TAM_NR_ALLOCATORS + 1][CELL];
	const struct tam_cmp_result *r;
	struct tam_verdict v;
	int i, a;

	for (i = 0; i < 5; i++)
		snprintf(cells[i][0], CELL, "%s", rows[i]);
	for (a = 0; a < TAM_NR_ALLOCATORS; a++) {
		r = results[a];
		snprintf(cells[0][a + 1], CELL, "%s", tam_allocator_names[a]);
		if (r->err) {
			for (i = 1; i < 5; i++)
				snprintf(cells[i][a + 1], CELL, "error: %s: %s",
					 r->failed, strerror(r->err));
			continue;
		}
		tam_compare_verdict(r, &v);
		snprintf(cells[1][a + 1], CELL,
			 "%s (non-zero bytes: %" PRIu64 " fresh, %" PRIu64 " reused)",
			 v.zeroed ? "yes" : "no", r->nonzero_fresh, r->nonzero_reused);
		snprintf(cells[2][a + 1], CELL, "%s (VmSize %+lld KiB)",
			 v.vm_immediate ? "yes" : "no", v.vm_kib);
		snprintf(cells[3][a + 1], CELL, "%s (VmRSS %+lld KiB)",
			 v.rss_lazy ? "yes" : "no", v.rss_kib);
		snprintf(cells[4][a + 1], CELL, "%s (Committed_AS %+lld KiB)",
			 v.no_charge ? "yes" : "no", v.charge_kib);
	}
	print_table(f, cells, 5);
}

void tam_compare_csv(FILE *f, struct tam_cmp_result *const results[])
{
	const struct tam_cmp_row *row;
	size_t i;
	int a;

	fprintf(f, "allocator,step,touched_bytes,vmsize_bytes,vmrss_bytes,committed_as_bytes,oom_score\n");
	for (a = 0; a < TAM_NR_ALLOCATORS; a++)
		for (i = 0; i < results[a]->nrows; i++) {
			row = &results[a]->rows[i];
			fprintf(f, "%s,%zu,%" PRIu64 ",%" PRIu64 ",%" PRIu64
				",%" PRIu64 ",%" PRIu64 "\n",
				tam_allocator_names[a], i, row->touched,
				row->s.vm, row->s.rss, row->s.charge, row->s.oom);
		}
}
