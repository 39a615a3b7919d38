// SPDX-License-Identifier: GPL-2.0
/*
 * tamstat's outputs, each driven by the column tables of tamstat-cols.c:
 * tables and raw columns through libsmartcols, JSON written here with json.h
 * (see there why not with libsmartcols), and the Prometheus text format.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols/libsmartcols.h>

#include "json.h"
#include "tamstat.h"

static const char *const unit_names[] = {
	[TAM_UNIT_BYTES] = "bytes", [TAM_UNIT_KIB] = "KiB",
	[TAM_UNIT_MIB] = "MiB", [TAM_UNIT_GIB] = "GiB",
	[TAM_UNIT_HUMAN] = "human",
};

/* The columns of one table or JSON array, and its rows. */
struct grid {
	const struct column *cols;
	const int *idx;			/* cols[idx[c]]; NULL: cols[c] */
	size_t ncols;
	const void *const *rows;
	size_t nrows;
	const struct tam_mem_stats *sys;
};

static const struct column *grid_col(const struct grid *g, size_t c)
{
	return g->idx ? &g->cols[g->idx[c]] : &g->cols[c];
}

/* Cell c of row r at p; returns its end. */
static char *grid_cell(const struct grid *g, size_t r, size_t c,
		       enum tam_unit unit, char *p)
{
	const struct column *col = grid_col(g, c);
	struct val v = { 0 };

	col->get(g->rows[r], g->sys, &v);
	return format_cell(col, &v, unit, p);
}

/* ---- tables ---------------------------------------------------------- */

/* g as a libsmartcols table into out, with its final newline. */
static int put_grid(const struct tamstat *ts, const struct grid *g, FILE *out)
{
	struct libscols_table *tb = scols_new_table();
	const struct column *col;
	struct libscols_line *ln;
	char buf[CELL_MAX], *s = NULL;
	int ret = -1;
	size_t r, c, len;

	/* One column goes out unpadded, so that "-o x -n" is a bare value. */
	if (!tb || scols_table_enable_raw(tb, ts->raw || g->ncols == 1) ||
	    scols_table_enable_noheadings(tb, ts->noheadings))
		goto out;
	for (c = 0; c < g->ncols; c++) {
		col = grid_col(g, c);
		if (!scols_table_new_column(tb, col->name, col->whint,
					    col->kind == K_TEXT ? 0 : SCOLS_FL_RIGHT))
			goto out;
	}
	for (r = 0; r < g->nrows; r++) {
		ln = scols_table_new_line(tb, NULL);
		if (!ln)
			goto out;
		for (c = 0; c < g->ncols; c++) {
			grid_cell(g, r, c, ts->unit, buf);
			if (scols_line_set_data(ln, c, buf))
				goto out;
		}
	}
	if (scols_print_table_to_string(tb, &s) || !s)
		goto out;
	len = strlen(s);
	fwrite(s, 1, len, out);
	if (len && s[len - 1] != '\n')
		fputc('\n', out);
	ret = 0;
out:
	free(s);
	scols_unref_table(tb);
	return ret;
}

/* The summary's rows: one per field of summary_fields[]. */
static void summary_rows(const void **rows)
{
	size_t i;

	for (i = 0; i < nr_summary_fields; i++)
		rows[i] = &summary_fields[i];
}

int put_table(const struct view *v, FILE *out)
{
	const struct tamstat *ts = v->ts;
	const struct tam_mem_stats *sys = &v->snap->system;
	const void *frows[nr_summary_fields];

	errno = 0;
	if (ts->summary) {
		struct grid g = { summary_cols, NULL, nr_summary_cols, frows,
				  nr_summary_fields, sys };

		if (!ts->noheadings && !ts->raw)
			fprintf(out, "source: %s   processes: %" PRIu64 "   unit: %s\n",
				tam_source_name(v->snap->source),
				(uint64_t)sys->nr_processes, unit_names[ts->unit]);
		summary_rows(frows);
		if (put_grid(ts, &g, out))
			return -1;
	}
	if (ts->summary && ts->table)
		fputc('\n', out);
	if (ts->table) {
		struct grid g = { proc_cols, ts->out_cols, ts->nr_out_cols,
				  v->rows, v->nr_rows, sys };

		if (put_grid(ts, &g, out))
			return -1;
	}
	return 0;
}

/* ---- JSON ------------------------------------------------------------- */

/* The member name of column col: its name in lower case, quoted, a colon. */
static char *json_key(char *p, const struct column *col)
{
	const char *s;

	*p++ = '"';
	for (s = col->name; *s; s++)
		*p++ = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
	return stpcpy(p, "\": ");
}

/*
 * g as the JSON array name: one line per row, each built in a buffer and
 * written at once.  A column given twice is one member: JSON names are
 * unique.  0, or -1 with errno (ENOMEM).
 */
static int json_array(FILE *out, const char *name, const struct grid *g,
		      enum tam_unit unit)
{
	char buf[CELL_MAX], *line, *p;
	int jcols[MAX_OUTPUT_COLS];
	const struct column *col;
	size_t r, c, k, nj = 0, max = 16;
	struct val v;

	for (c = 0; c < g->ncols && nj < MAX_OUTPUT_COLS; c++) {
		col = grid_col(g, c);
		for (k = 0; k < nj && &g->cols[jcols[k]] != col; k++)
			;
		if (k < nj)
			continue;
		jcols[nj++] = (int)(col - g->cols);
		max += 6 + strlen(col->name) + TAM_JSON_QUOTED_MAX(CELL_MAX);
	}
	line = malloc(max);
	if (!line)
		return -1;
	fprintf(out, ",\n   \"%s\": [", name);
	for (r = 0; r < g->nrows; r++) {
		p = stpcpy(line, r ? ",\n      {" : "\n      {");
		for (k = 0; k < nj; k++) {
			col = &g->cols[jcols[k]];
			if (k)
				p = stpcpy(p, ", ");
			p = json_key(p, col);
			memset(&v, 0, sizeof(v));
			col->get(g->rows[r], g->sys, &v);
			if (col->kind == K_TEXT) {
				p = tam_json_quote(p, v.s);
			} else if (json_number(col, unit)) {
				p = format_cell(col, &v, unit, p);
			} else {
				format_cell(col, &v, unit, buf);
				p = tam_json_quote(p, buf);
			}
		}
		*p++ = '}';
		fwrite(line, 1, p - line, out);
	}
	fputs(g->nrows ? "\n   ]" : "]", out);
	free(line);
	return 0;
}

/* The JSON document of a sample (man/tamstat.1, JSON OUTPUT). */
int put_json(const struct view *v, FILE *out)
{
	const struct tamstat *ts = v->ts;
	const struct tam_mem_stats *sys = &v->snap->system;
	const void *frows[nr_summary_fields];

	fprintf(out, "{\n   \"source\": \"%s\",\n   \"unit\": \"%s\"",
		tam_source_name(v->snap->source), unit_names[ts->unit]);
	if (ts->summary) {
		struct grid g = { summary_cols, NULL, nr_summary_cols, frows,
				  nr_summary_fields, sys };

		fprintf(out, ",\n   \"nr_processes\": %" PRIu64,
			(uint64_t)sys->nr_processes);
		summary_rows(frows);
		if (json_array(out, "system", &g, ts->unit))
			return -1;
	}
	if (ts->table) {
		struct grid g = { proc_cols, ts->out_cols, ts->nr_out_cols,
				  v->rows, v->nr_rows, sys };

		if (json_array(out, "processes", &g, ts->unit))
			return -1;
	}
	fputs("\n}\n", out);
	return 0;
}

/* ---- Prometheus -------------------------------------------------------- */

/* A gauge family's HELP and TYPE lines. */
static void prom_family(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static int cmp_comm(const void *a, const void *b)
{
	const struct tam_vm_stat *x = *(const struct tam_vm_stat *const *)a;
	const struct tam_vm_stat *y = *(const struct tam_vm_stat *const *)b;

	return strcmp(x->comm, y->comm);
}

/*
 * The Prometheus text exposition (format 0.0.4) of a sample: the system
 * figures, the source as an info metric, per command name the number of
 * processes, their sums and their highest OOM score, and with -p the
 * processes themselves (per-pid series only on request: a pid label makes
 * series without bound).  Base units, no timestamps.  The rows go by
 * command name.  0, or -1 with errno (ENOMEM).
 */
int put_prometheus(const struct view *v, FILE *out)
{
	static const struct {
		const char *name, *help;
	} per_cmd[] = {
		{ "tamalloc_command_processes", "Processes with this command name." },
		{ "tamalloc_command_reserved_bytes", "Sum of their reserved memory (VmSize)." },
		{ "tamalloc_command_committed_bytes", "Sum of their committed memory (VmRSS)." },
		{ "tamalloc_command_oom_score_max", "Highest OOM score among them (0-2000)." },
		{ "tamalloc_command_swap_bytes", "Sum of their swapped-out memory (VmSwap)." },
	}, per_pid[] = {
		{ "tamalloc_process_reserved_bytes", "Reserved memory (VmSize) of a process given with -p." },
		{ "tamalloc_process_committed_bytes", "Committed memory (VmRSS) of a process given with -p." },
		{ "tamalloc_process_oom_score", "OOM score (0-2000) of a process given with -p." },
		{ "tamalloc_process_swap_bytes", "Swapped-out memory (VmSwap) of a process given with -p." },
		{ "tamalloc_process_peak_committed_bytes", "Peak committed memory (VmHWM) of a process given with -p." },
	};
	const struct tam_mem_stats *sys = &v->snap->system;
	const struct tam_vm_stat *s, *t, **st;
	char label[TAM_PROM_QUOTED_MAX(sizeof(s->comm))], name[64];
	size_t i, j, f, n = v->nr_rows;
	uint64_t val[5];

	for (i = 0; i < nr_summary_fields; i++) {
		snprintf(name, sizeof(name), "tamalloc_system_%s_bytes",
			 summary_fields[i].name);
		prom_family(out, name, summary_fields[i].help);
		fprintf(out, "%s %" PRIu64 "\n", name,
			summary_value(sys, &summary_fields[i]));
	}
	prom_family(out, "tamalloc_system_processes",
		    "Processes counted in the reserved and committed sums.");
	fprintf(out, "tamalloc_system_processes %" PRIu64 "\n",
		(uint64_t)sys->nr_processes);
	prom_family(out, "tamalloc_source_info",
		    "Where tamstat read the figures: the syscalls or /proc.");
	fprintf(out, "tamalloc_source_info{source=\"%s\"} 1\n",
		tam_source_name(v->snap->source));

	st = malloc((n ? n : 1) * sizeof(*st));
	if (!st)
		return -1;
	for (i = 0; i < n; i++)
		st[i] = v->rows[i];
	qsort(st, n, sizeof(*st), cmp_comm);
	for (f = 0; f < sizeof(per_cmd) / sizeof(per_cmd[0]); f++) {
		prom_family(out, per_cmd[f].name, per_cmd[f].help);
		for (i = 0; i < n; i = j) {
			memset(val, 0, sizeof(val));
			for (j = i; j < n && !strcmp(st[j]->comm, st[i]->comm); j++) {
				t = st[j];
				val[0]++;
				val[1] += t->vm_size_bytes;
				val[2] += t->rss_bytes;
				if (t->oom_score > val[3])
					val[3] = t->oom_score;
				val[4] += t->swap_bytes;
			}
			tam_prom_quote(label, st[i]->comm);
			fprintf(out, "%s{command=%s} %" PRIu64 "\n",
				per_cmd[f].name, label, val[f]);
		}
	}
	for (f = 0; v->ts->nr_pids && f < sizeof(per_pid) / sizeof(per_pid[0]); f++) {
		prom_family(out, per_pid[f].name, per_pid[f].help);
		for (i = 0; i < n; i++) {
			s = st[i];
			val[0] = s->vm_size_bytes;
			val[1] = s->rss_bytes;
			val[2] = s->oom_score;
			val[3] = s->swap_bytes;
			val[4] = s->hwm_bytes;
			tam_prom_quote(label, s->comm);
			fprintf(out, "%s{pid=\"%d\",command=%s} %" PRIu64 "\n",
				per_pid[f].name, (int)s->pid, label, val[f]);
		}
	}
	free(st);
	return 0;
}
