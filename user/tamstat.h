/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tamstat, split by concern as util-linux splits lsblk:
 *
 *   tamstat.c         options, the sample loop: source -> rows -> output
 *   tamstat-cols.c    the column tables (processes and summary): names,
 *                     widths, help, kinds and the getters; cells, sorting
 *   tamstat-output.c  the outputs: table (libsmartcols), JSON, Prometheus
 *
 * The figures come from the library (tam_snapshot(), which picks the syscalls
 * or /proc); tamstat only chooses which rows and columns to show.
 */
#ifndef TAMSTAT_H
#define TAMSTAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "tamalloc.h"
#include "util.h"

/* Exit statuses, documented in man/tamstat.1. */
#define EXIT_RUNTIME	1	/* statistics or output failed */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_NOPROC	3	/* a -p process does not exist */

#define MAX_OUTPUT_COLS	64

/* What a column holds: how it is formatted, aligned, typed in JSON, sorted. */
enum kind {
	K_INT,		/* a whole number; JSON number */
	K_TEXT,		/* text, left-aligned; JSON string */
	K_SIZE,		/* bytes, in the chosen unit; JSON number unless -h */
	K_PCT,		/* a percentage, one decimal; JSON number */
};

/* A cell's value, as a column's getter gives it. */
struct val {
	int64_t i;		/* K_INT */
	uint64_t u;		/* K_SIZE: bytes; K_PCT: the part */
	uint64_t whole;		/* K_PCT: what u is a percentage of */
	const char *s;		/* K_TEXT: below CELL_MAX bytes */
};

/* Column flags. */
#define COL_SYSTEM	0x1	/* reads the system totals (total RAM) */
#define COL_EXTRA	0x2	/* only with -o, not in the default output */

/*
 * One column, as lsblk's infos[]: its heading (in lower case its -o and
 * --sort name and its JSON key), libsmartcols width hint, kind, flags, help
 * text and getter.  A getter reads one row (a struct tam_vm_stat for processes,
 * a struct summary_field for the summary) and the system totals.
 */
struct column {
	const char *name;
	double whint;
	enum kind kind;
	unsigned int flags;
	const char *help;
	void (*get)(const void *row, const struct tam_mem_stats *sys,
		    struct val *v);
};

extern const struct column proc_cols[];
extern const size_t nr_proc_cols;
extern const struct column summary_cols[];
extern const size_t nr_summary_cols;

/* A row of the system summary: a size field of struct tam_mem_stats. */
struct summary_field {
	const char *name;	/* tamstat's name: "total" ... "commit_limit" */
	size_t off;		/* in struct tam_mem_stats */
	const char *help;	/* what it is (Prometheus HELP) */
};

extern const struct summary_field summary_fields[];
extern const size_t nr_summary_fields;

uint64_t summary_value(const struct tam_mem_stats *sys,
		       const struct summary_field *f);

/* The options, set once by the command line. */
struct tamstat {
	pid_t *pids;
	size_t nr_pids;
	int out_cols[MAX_OUTPUT_COLS];	/* indices into proc_cols[] */
	size_t nr_out_cols;
	const struct column *sort;	/* NULL: pid order, or the -p order */
	bool reverse;
	long top;			/* 0: every row */
	enum tam_unit unit;
	bool noheadings, raw, json, prom;
	double interval;		/* 0: one sample */
	long count;			/* 0: until interrupted */
	enum tam_source source;
	bool cached;			/* --cached: TAM_SNAP_CACHED */
	bool summary;			/* print the system summary */
	bool table;			/* print the process table */
};

/* One sample as the outputs see it. */
struct view {
	const struct tamstat *ts;
	const struct tam_snapshot *snap;
	const void **rows;	/* struct tam_vm_stat: sorted, cut to --top */
	size_t nr_rows;
};

/* tamstat-cols.c */

/* Index of the column called name[0..len) (any case) in proc_cols, or -1. */
int column_by_name(const char *name, size_t len);

/* The longest cell text, with its NUL. */
#define CELL_MAX	TAM_SIZE_MAX

/* Format v (of column c's kind) at p, NUL-terminated; returns the end. */
char *format_cell(const struct column *c, const struct val *v,
		  enum tam_unit unit, char *p);

/* Whether column c is a JSON number in this unit (else a string). */
bool json_number(const struct column *c, enum tam_unit unit);

/* Sort rows by column c, smallest first, ties by pid. */
void sort_rows(const void **rows, size_t n,
	       const struct column *c, const struct tam_mem_stats *sys);

/* tamstat-output.c: 0, or -1 with errno. */
int put_table(const struct view *v, FILE *out);
int put_json(const struct view *v, FILE *out);
int put_prometheus(const struct view *v, FILE *out);

#endif /* TAMSTAT_H */
