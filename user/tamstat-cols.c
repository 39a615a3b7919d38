// SPDX-License-Identifier: GPL-2.0
/*
 * tamstat's columns: one table for the processes and one for the summary,
 * each row of which is all there is of a column (lsblk's infos[]).  The
 * column order is the default output order; -o and --sort find columns by
 * name; --help lists proc_cols[]; JSON keys are the names in lower case.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "memfields.h"
#include "tamstat.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- process columns: a getter each, from struct tam_vm_stat --------- */

/*
 * GETTER(T, name, expr): a getter that evaluates expr with st the row (a
 * const T *) and sys the system totals, setting the fields of *v that its
 * column's kind reads.
 */
#define GETTER(T, name, expr)						\
static void name(const void *row, const struct tam_mem_stats *sys,	\
		 struct val *v)						\
{									\
	const T *st = row;						\
									\
	(void)st;							\
	(void)sys;							\
	expr;								\
}

GETTER(struct tam_vm_stat, get_pid, v->i = st->pid)
GETTER(struct tam_vm_stat, get_command, v->s = st->comm)
GETTER(struct tam_vm_stat, get_reserved, v->u = st->vm_size_bytes)
GETTER(struct tam_vm_stat, get_committed, v->u = st->rss_bytes)
GETTER(struct tam_vm_stat, get_commit_pct,
       v->u = st->rss_bytes; v->whole = st->vm_size_bytes)
GETTER(struct tam_vm_stat, get_ram_pct,
       v->u = st->rss_bytes; v->whole = sys->total_bytes)
GETTER(struct tam_vm_stat, get_oom_score, v->i = (int64_t)st->oom_score)
GETTER(struct tam_vm_stat, get_oom_adj, v->i = st->oom_score_adj)
GETTER(struct tam_vm_stat, get_anon, v->u = st->rss_anon_bytes)
GETTER(struct tam_vm_stat, get_file, v->u = st->rss_file_bytes)
GETTER(struct tam_vm_stat, get_shmem, v->u = st->rss_shmem_bytes)
GETTER(struct tam_vm_stat, get_swap, v->u = st->swap_bytes)
GETTER(struct tam_vm_stat, get_hwm, v->u = st->hwm_bytes)

const struct column proc_cols[] = {
	{ "PID", 5, K_INT, 0, "process id", get_pid },
	{ "COMMAND", 15, K_TEXT, 0, "command name (comm)", get_command },
	{ "RESERVED", 8, K_SIZE, 0, "reserved memory (VmSize)", get_reserved },
	{ "COMMITTED", 8, K_SIZE, 0, "committed memory (VmRSS)", get_committed },
	{ "COMMIT%", 5, K_PCT, 0, "COMMITTED as % of RESERVED", get_commit_pct },
	{ "RAM%", 5, K_PCT, COL_SYSTEM, "COMMITTED as % of total RAM", get_ram_pct },
	{ "OOM_SCORE", 5, K_INT, 0, "OOM killer score (0-2000)", get_oom_score },
	{ "OOM_ADJ", 5, K_INT, 0, "oom_score_adj (-1000-1000)", get_oom_adj },
	{ "ANON", 8, K_SIZE, COL_EXTRA, "anonymous part of COMMITTED (RssAnon)", get_anon },
	{ "FILE", 8, K_SIZE, COL_EXTRA, "file-backed part of COMMITTED (RssFile)", get_file },
	{ "SHMEM", 8, K_SIZE, COL_EXTRA, "shared-memory part of COMMITTED (RssShmem)", get_shmem },
	{ "SWAP", 8, K_SIZE, COL_EXTRA, "swapped-out memory (VmSwap)", get_swap },
	{ "HWM", 8, K_SIZE, COL_EXTRA, "peak of COMMITTED (VmHWM)", get_hwm },
};
const size_t nr_proc_cols = ARRAY_SIZE(proc_cols);

/* ---- the summary: a row per size field of struct tam_mem_stats -------- */

#define FIELD(field, meminfo, name, help) \
	{ name, offsetof(struct tam_mem_stats, field), help },
const struct summary_field summary_fields[] = { TAM_MEM_FIELDS(FIELD) };
#undef FIELD
const size_t nr_summary_fields = ARRAY_SIZE(summary_fields);

uint64_t summary_value(const struct tam_mem_stats *sys,
		       const struct summary_field *f)
{
	uint64_t v;

	memcpy(&v, (const char *)sys + f->off, sizeof(v));
	return v;
}

GETTER(struct summary_field, get_field, v->s = st->name)
GETTER(struct summary_field, get_size, v->u = summary_value(sys, st))
GETTER(struct summary_field, get_size_pct,
       v->u = summary_value(sys, st); v->whole = sys->total_bytes)

const struct column summary_cols[] = {
	{ "FIELD", 13, K_TEXT, 0, "figure", get_field },
	{ "SIZE", 10, K_SIZE, 0, "its size", get_size },
	{ "RAM%", 6, K_PCT, COL_SYSTEM, "its size as % of total RAM", get_size_pct },
};
const size_t nr_summary_cols = ARRAY_SIZE(summary_cols);

/* ---- cells and sorting, by kind ---------------------------------------- */

int column_by_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < nr_proc_cols; i++)
		if (strlen(proc_cols[i].name) == len &&
		    !strncasecmp(proc_cols[i].name, name, len))
			return (int)i;
	return -1;
}

/*
 * Numbers are written with tam_put_u64() and tam_format_fixed(), not printf:
 * callgrind on the host counts 9.4 million instructions for the 7000
 * numbers of 1000 processes with snprintf, 1.1 million with these: the
 * 8 million saved are milliseconds of a real machine's CPU per sample.
 */
char *format_cell(const struct column *c, const struct val *v,
		  enum tam_unit unit, char *p)
{
	switch (c->kind) {
	case K_INT:
		if (v->i < 0)
			*p++ = '-';
		p = tam_put_u64(p, v->i < 0 ? -(uint64_t)v->i : (uint64_t)v->i);
		*p = '\0';
		return p;
	case K_TEXT:
		return stpcpy(p, v->s);		/* 15 bytes at most */
	case K_SIZE:
		return tam_format_size(p, v->u, unit, 0);
	default:
		return tam_format_fixed(v->whole ? v->u * 100.0 / v->whole : 0.0,
					1, p, CELL_MAX);
	}
}

bool json_number(const struct column *c, enum tam_unit unit)
{
	return c->kind == K_INT || c->kind == K_PCT ||
	       (c->kind == K_SIZE && unit != TAM_UNIT_HUMAN);
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

/* Ratios a/b and c/d compared exactly, without division (x/0 counts 0). */
static int cmp_ratio(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	unsigned __int128 l = b ? (unsigned __int128)a * (d ? d : 1) : 0;
	unsigned __int128 r = d ? (unsigned __int128)c * (b ? b : 1) : 0;

	return (l > r) - (l < r);
}

/* What qsort_r() passes the comparison: the column and the system totals. */
struct sort_by {
	const struct column *col;
	const struct tam_mem_stats *sys;
};

static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct tam_vm_stat *a = *(const void *const *)pa;
	const struct tam_vm_stat *b = *(const void *const *)pb;
	const struct sort_by *by = arg;
	const struct column *c = by->col;
	struct val x = { 0 }, y = { 0 };
	int r;

	c->get(a, by->sys, &x);
	c->get(b, by->sys, &y);
	switch (c->kind) {
	case K_INT:
		r = (x.i > y.i) - (x.i < y.i);
		break;
	case K_TEXT:
		r = strcmp(x.s, y.s);
		break;
	case K_SIZE:
		r = cmp_u64(x.u, y.u);
		break;
	default:
		r = cmp_ratio(x.u, x.whole, y.u, y.whole);
		break;
	}
	return r ? r : (a->pid > b->pid) - (a->pid < b->pid);
}

void sort_rows(const void **rows, size_t n,
	       const struct column *c, const struct tam_mem_stats *sys)
{
	struct sort_by by = { c, sys };

	qsort_r(rows, n, sizeof(*rows), cmp_rows, &by);
}
