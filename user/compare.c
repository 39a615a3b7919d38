// SPDX-License-Identifier: GPL-2.0
/*
 * The malloc / calloc / tamalloc comparison of `tamdemo --compare`: one
 * child process per allocator, results in a shared mapping.
 */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compare.h"
#include "tamalloc.h"
#include "util.h"

#define PATTERN	0xa5

const char *const tam_allocator_names[TAM_NR_METHODS] = {
	[TAM_MALLOC] = "malloc",
	[TAM_CALLOC] = "calloc",
	[TAM_TAMALLOC] = "tamalloc",
	[TAM_MMAP] = "mmap(NORESERVE)",
	[TAM_MALLOC_MEMSET] = "malloc+memset",
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

/*
 * This process's commit charge in KiB: the size of its mappings that
 * /proc/self/smaps marks "ac" (VM_ACCOUNT), which is what it adds to
 * Committed_AS.  Committed_AS itself is system-wide (every other process
 * moves it) and read approximately from per-CPU counters, so a delta of
 * it says little about one call on a busy machine; this one is exact.
 * -1 if smaps cannot be read (CONFIG_PROC_PAGE_MONITOR off).
 */
long long tam_self_charge_kib(void)
{
	static char buf[8192];
	long long size = 0, sum = 0;
	char line[256];
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	/* A static buffer: reading must not grow the heap it measures. */
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Size:", 5))
			size = strtoll(line + 5, NULL, 10);
		else if (!strncmp(line, "VmFlags:", 8) && strstr(line, " ac"))
			sum += size;
	}
	fclose(f);
	return sum;
}

/* Through a volatile pointer, so that the compiler cannot make it calloc. */
static void *(*volatile memset_fn)(void *, int, size_t) = memset;

void *tam_alloc(enum tam_allocator alloc, size_t size)
{
	void *p;

	switch (alloc) {
	case TAM_MALLOC:
		return malloc(size);
	case TAM_CALLOC:
		return calloc(1, size);
	case TAM_TAMALLOC:
		return tamalloc(size);
	case TAM_MMAP:
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	default:
		p = malloc(size);
		if (p)
			memset_fn(p, 0, size);
		return p;
	}
}

void tam_free(enum tam_allocator alloc, void *p, size_t size)
{
	if (alloc == TAM_TAMALLOC || alloc == TAM_MMAP)
		munmap(p, size);
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

void tam_scenario(struct tam_cmp_result *r, uint64_t every, long delay_us,
		  int (*on_row)(struct tam_cmp_result *r,
				const struct tam_cmp_row *row, void *arg),
		  void *arg)
{
	struct timespec ts = { delay_us / 1000000, delay_us % 1000000 * 1000 };
	size_t page = sysconf(_SC_PAGESIZE), size = r->size, off, len;
	struct tam_cmp_row row;
	uint64_t next = every;
	unsigned char *p;

	errno = 0;
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
	p = tam_alloc(r->alloc, page);
	if (!p || tam_sample_self(&r->before))
		goto fail;
	r->nonzero_fresh = nonzero_bytes(p, page);
	tam_free(r->alloc, p, page);
	/*
	 * The own charge is read outside the samples that bracket the
	 * call: reading smaps faults pages in, which VmRSS would show.
	 * Once first, so that the heap already has room for fopen()'s FILE.
	 */
	tam_self_charge_kib();
	r->own_charge_before_kib = tam_self_charge_kib();
	r->failed = "reading memory statistics";
	if (tam_sample_self(&r->before))
		goto fail;
	p = tam_alloc(r->alloc, size);
	if (!p) {
		r->failed = "allocating";
		goto fail;
	}
	r->block = p;
	if (tam_sample_self(&r->after))
		goto fail_free;
	r->own_charge_after_kib = tam_self_charge_kib();
	r->nonzero_fresh = nonzero_bytes(p, size);
	row.touched = 0;
	if (tam_sample_self(&row.s) || on_row(r, &row, arg))
		goto fail_free;
	/* Write page by page; a row at each multiple of `every` and at the end. */
	for (off = 0; off < size; off += len) {
		len = size - off < page ? size - off : page;
		memset(p + off, PATTERN, len);
		if (delay_us)
			nanosleep(&ts, NULL);
		if (off + len < next && off + len < size)
			continue;
		row.touched = off + len;
		if (tam_sample_self(&row.s) || on_row(r, &row, arg))
			goto fail_free;
		while (next <= off + len)
			next += every;
	}
	r->block = NULL;
	tam_free(r->alloc, p, size);
	p = tam_alloc(r->alloc, size);
	if (!p) {
		r->failed = "allocating again";
		goto fail;
	}
	r->nonzero_reused = nonzero_bytes(p, size);
	tam_free(r->alloc, p, size);
	r->failed = NULL;
	return;
fail_free:
	r->block = NULL;
	tam_free(r->alloc, p, size);
fail:
	r->err = errno ? errno : EIO;
}

/* In the child: keep the sample in the next row. */
static int store_row(struct tam_cmp_result *r, const struct tam_cmp_row *row,
		     void *arg)
{
	(void)arg;
	r->rows[r->nrows++] = *row;
	return 0;
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
		tam_scenario(r, every, delay_us, store_row, NULL);
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

void tam_compare_table(FILE *f, struct tam_cmp_result *const results[])
{
	static const char *const rows[] = {
		"", "zero-initialised", "VmSize immediate", "VmRSS not immediate",
		"no commit charge",
	};
	char cells[5][TAM_NR_ALLOCATORS + 1][CELL];
	const char *text[5 * (TAM_NR_ALLOCATORS + 1)];
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
	for (i = 0; i < 5; i++)
		for (a = 0; a <= TAM_NR_ALLOCATORS; a++)
			text[i * (TAM_NR_ALLOCATORS + 1) + a] = cells[i][a];
	tam_md_table(f, text, 5, TAM_NR_ALLOCATORS + 1, NULL);
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
