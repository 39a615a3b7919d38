// SPDX-License-Identifier: GPL-2.0
/*
 * The verdicts of `tamdemo --compare` on the patched kernel, through the
 * code tamdemo runs (user/compare.c): calloc and tamalloc memory reads as
 * zero while malloc's reused block does not, VmSize grows at the call for
 * all three, VmRSS does not for tamalloc, and in overcommit mode 0 tamalloc
 * is not charged to Committed_AS while a plain private mmap is.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "common.h"
#include "compare.h"

#define SIZE		(16 * MiB)
#define EVERY		(1 * MiB)

FIXTURE(compare) {
	struct saved_sysctl overcommit;
	struct tam_cmp_result *r[TAM_NR_ALLOCATORS];
	struct tam_verdict v[TAM_NR_ALLOCATORS];
};

FIXTURE_SETUP(compare)
{
	int a;

	SKIP_UNLESS_ROOT("vm.overcommit_memory");
	ASSERT_EQ(0, sysctl_set(&self->overcommit, OVERCOMMIT, 0));
	for (a = 0; a < TAM_NR_ALLOCATORS; a++) {
		self->r[a] = tam_compare_run(a, SIZE, EVERY, 0);
		ASSERT_NE(NULL, self->r[a]) TH_LOG("%s: %s",
			tam_allocator_names[a], strerror(errno));
		ASSERT_EQ(0, self->r[a]->err) TH_LOG("%s: %s: %s",
			tam_allocator_names[a], self->r[a]->failed,
			strerror(self->r[a]->err));
		tam_compare_verdict(self->r[a], &self->v[a]);
	}
}

FIXTURE_TEARDOWN(compare)
{
	int a;

	sysctl_restore(&self->overcommit);
	for (a = 0; a < TAM_NR_ALLOCATORS; a++)
		tam_compare_free(self->r[a]);
}

TEST_F(compare, calloc_and_tamalloc_are_zero_initialised)
{
	int a;

	for (a = TAM_CALLOC; a <= TAM_TAMALLOC; a++) {
		EXPECT_EQ(0, self->r[a]->nonzero_fresh) TH_LOG("%s", tam_allocator_names[a]);
		EXPECT_EQ(0, self->r[a]->nonzero_reused) TH_LOG("%s", tam_allocator_names[a]);
		EXPECT_TRUE(self->v[a].zeroed);
	}
}

/* The scenario's premise: the second malloc reuses the dirtied block. */
TEST_F(compare, malloc_reused_block_holds_old_bytes)
{
	EXPECT_GT(self->r[TAM_MALLOC]->nonzero_reused, SIZE / 2);
	EXPECT_FALSE(self->v[TAM_MALLOC].zeroed);
}

TEST_F(compare, vmsize_grows_at_the_call_for_all)
{
	int a;

	for (a = 0; a < TAM_NR_ALLOCATORS; a++) {
		EXPECT_GE(self->v[a].vm_kib, (long long)(SIZE / KiB))
			TH_LOG("%s", tam_allocator_names[a]);
		EXPECT_TRUE(self->v[a].vm_immediate);
	}
}

TEST_F(compare, tamalloc_vmrss_grows_only_as_written)
{
	const struct tam_cmp_result *r = self->r[TAM_TAMALLOC];
	const struct tam_cmp_row *first = &r->rows[0], *last;

	EXPECT_TRUE(self->v[TAM_TAMALLOC].rss_lazy);
	EXPECT_LT(self->v[TAM_TAMALLOC].rss_kib, 64);
	/* A row right after the call, one per MiB written, one at the end. */
	ASSERT_EQ(SIZE / EVERY + 1, r->nrows);
	last = &r->rows[r->nrows - 1];
	EXPECT_EQ(0, first->touched);
	EXPECT_EQ(SIZE, last->touched);
	EXPECT_EQ(first->s.vm, last->s.vm);
	EXPECT_GE(last->s.rss - first->s.rss, SIZE);
}

/*
 * The charges are the process's own (its "ac" mappings in smaps), exact
 * whatever the rest of the system does meanwhile (the Debian guest's
 * services move Committed_AS by themselves).
 */
TEST_F(compare, tamalloc_not_charged_while_plain_mmap_is)
{
	const struct tam_cmp_result *t = self->r[TAM_TAMALLOC];
	long long before, after;
	void *p;
	int a;

	EXPECT_TRUE(self->v[TAM_TAMALLOC].no_charge);
	ASSERT_GE(t->own_charge_before_kib, 0);
	EXPECT_EQ(t->own_charge_before_kib, t->own_charge_after_kib);
	/* malloc and calloc extend the heap with brk, which is charged. */
	for (a = TAM_MALLOC; a <= TAM_CALLOC; a++)
		EXPECT_GE(self->r[a]->own_charge_after_kib -
			  self->r[a]->own_charge_before_kib, (long long)(SIZE / KiB))
			TH_LOG("%s", tam_allocator_names[a]);

	/* The control: the same mapping without MAP_NORESERVE is charged. */
	before = tam_self_charge_kib();
	p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	after = tam_self_charge_kib();
	munmap(p, SIZE);
	ASSERT_GE(before, 0);
	EXPECT_EQ((long long)(SIZE / KiB), after - before);
}

TEST_F(compare, csv_has_a_header_and_a_row_per_sample)
{
	size_t len = 0, rows = 0, lines = 0, commas;
	char *buf = NULL, *line, *save;
	FILE *f;
	int a, ret;

	f = open_memstream(&buf, &len);
	ASSERT_NE(NULL, f);
	tam_compare_csv(f, self->r);
	ret = fclose(f);
	ASSERT_EQ(0, ret);
	for (a = 0; a < TAM_NR_ALLOCATORS; a++)
		rows += self->r[a]->nrows;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), lines++) {
		if (!lines)
			EXPECT_STREQ("allocator,step,touched_bytes,vmsize_bytes,vmrss_bytes,committed_as_bytes,oom_score",
				     line);
		for (commas = 0; *line; line++)
			commas += *line == ',';
		EXPECT_EQ(6, commas);
	}
	EXPECT_EQ(rows + 1, lines);
	free(buf);
}

TEST_HARNESS_MAIN
