// SPDX-License-Identifier: GPL-2.0
/*
 * tamstat: reserved and committed memory of the system and of each process,
 * read through vm_stats(2)/mem_stats(2) or /proc (libtamalloc decides how)
 * and printed as a table or raw columns with libsmartcols, or as JSON with
 * json.h (see there why not with libsmartcols).
 *
 * Every sample is written to a memory buffer first and only then to stdout,
 * so an error never leaves half a table or half a JSON document behind.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/sysinfo.h>

#include <libsmartcols/libsmartcols.h>

#include "json.h"
#include "tamalloc.h"
#include "util.h"

/* Exit statuses, documented in man/tamstat.1. */
#define EXIT_RUNTIME	1	/* statistics or output failed */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_NOPROC	3	/* a -p process does not exist */

#define MAX_OUTPUT_COLS	64

enum kind { K_INT, K_TEXT, K_SIZE, K_PCT };

enum {
	COL_PID, COL_COMMAND, COL_RESERVED, COL_COMMITTED, COL_COMMIT_PCT,
	COL_RAM_PCT, COL_OOM_SCORE, COL_OOM_ADJ, NR_COLS
};

static const struct colinfo {
	const char *name;
	enum kind kind;
	double whint;
	const char *help;
} cols[NR_COLS] = {
	[COL_PID]	 = { "PID", K_INT, 5, "process id" },
	[COL_COMMAND]	 = { "COMMAND", K_TEXT, 15, "command name (comm)" },
	[COL_RESERVED]	 = { "RESERVED", K_SIZE, 8, "reserved memory (VmSize)" },
	[COL_COMMITTED]	 = { "COMMITTED", K_SIZE, 8, "committed memory (VmRSS)" },
	[COL_COMMIT_PCT] = { "COMMIT%", K_PCT, 5, "COMMITTED as % of RESERVED" },
	[COL_RAM_PCT]	 = { "RAM%", K_PCT, 5, "COMMITTED as % of total RAM" },
	[COL_OOM_SCORE]	 = { "OOM_SCORE", K_INT, 5, "OOM killer score (0-2000)" },
	[COL_OOM_ADJ]	 = { "OOM_ADJ", K_INT, 5, "oom_score_adj (-1000-1000)" },
};

enum unit { U_BYTES, U_KIB, U_MIB, U_GIB, U_HUMAN };
static const char *const unit_names[] = { "bytes", "KiB", "MiB", "GiB", "human" };

enum source { SRC_AUTO, SRC_SYSCALL, SRC_PROC };

struct opts {
	pid_t *pids;
	size_t nr_pids;
	int out_cols[MAX_OUTPUT_COLS];
	size_t nr_out_cols;
	int system_only;
	int sort_col;		/* -1: by PID, in /proc or -p order */
	int reverse;
	long top;		/* 0: every row */
	enum unit unit;
	int noheadings, raw, json, prom;
	double interval;	/* 0: one sample */
	long count;		/* 0: until interrupted */
	enum source source;
	int summary;		/* print the system summary */
	int table;		/* print the process table */
};

/*
 * The system summary: one row per field of struct tam_mem_stats, with what
 * it is (--prometheus's HELP text).
 */
#define ROW(name, field, help) { name, offsetof(struct tam_mem_stats, field), help }
static const struct {
	const char *name;
	size_t off;
	const char *help;
} summary_rows[] = {
	ROW("total", total_bytes, "Total usable RAM (MemTotal)."),
	ROW("free", free_bytes, "Free RAM (MemFree)."),
	ROW("buffers", buffers_bytes, "Block device buffers (Buffers)."),
	ROW("cached", cached_bytes, "Page cache without swap cache (Cached)."),
	ROW("available", available_bytes, "RAM available without swapping (MemAvailable)."),
	ROW("reserved", vm_size_bytes, "Sum of reserved memory (VmSize) of the processes counted."),
	ROW("committed", rss_bytes, "Sum of committed memory (VmRSS) of the processes counted."),
	ROW("commit_charge", committed_as_bytes, "Memory the kernel promised (Committed_AS)."),
	ROW("commit_limit", commit_limit_bytes, "Limit of the commit charge in overcommit mode 2 (CommitLimit)."),
};
#undef ROW

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
"Usage: tamstat [options]\n"
"Show reserved (VmSize) and committed (VmRSS) memory of the system and of\n"
"every process, from the vm_stats/mem_stats syscalls or from /proc.\n"
"\n"
"  -p, --pid PID[,PID...]   only these processes (no system summary)\n"
"      --system             only the system summary\n"
"  -o, --output COLUMNS     process columns to print, comma separated\n"
"      --sort COLUMN        sort processes by COLUMN, smallest first\n"
"  -r, --reverse            reverse the sort order\n"
"      --top N              only the first N processes after sorting (without\n"
"                           --sort: the N that commit the most, largest first)\n"
"  -b, --bytes              sizes in bytes\n"
"      --kib, --mib, --gib  sizes in KiB, MiB (the default) or GiB\n"
"  -h, --human              human-readable sizes (1.5M, 2G)\n"
"  -n, --noheadings         no column headings and no summary title\n"
"      --raw                raw output: one space between columns\n"
"  -J, --json               JSON output\n"
"      --prometheus         Prometheus text format (system figures and, per\n"
"                           command, sums; per process only with -p)\n"
"  -s, --interval SECONDS   print a new sample every SECONDS (e.g. 0.5)\n"
"  -c, --count COUNT        stop after COUNT samples (interval default 1 s)\n"
"      --source SOURCE      syscall or proc (default: syscall when the\n"
"                           kernel has it, else proc)\n"
"      --help               show this help\n"
"\n"
"Columns:\n");
	for (i = 0; i < NR_COLS; i++)
		fprintf(f, "  %-10s %s\n", cols[i].name, cols[i].help);
	fprintf(f,
"\n"
"Exit status: 0 success, 1 runtime failure, 2 usage error, 3 no such process.\n"
"See tamstat(1).\n");
}

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("tamstat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'tamstat --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

static int column_by_name(const char *name, size_t len)
{
	int i;

	for (i = 0; i < NR_COLS; i++)
		if (strlen(cols[i].name) == len &&
		    !strncasecmp(cols[i].name, name, len))
			return i;
	return -1;
}

static int parse_columns(const char *arg, struct opts *o)
{
	const char *p = arg, *end;
	int col;

	o->nr_out_cols = 0;
	for (;;) {
		end = strchrnul(p, ',');
		col = column_by_name(p, end - p);
		if (col < 0)
			return usage_error("unknown column '%.*s' in '%s'",
					   (int)(end - p), p, arg);
		if (o->nr_out_cols == MAX_OUTPUT_COLS)
			return usage_error("too many columns in '%s'", arg);
		o->out_cols[o->nr_out_cols++] = col;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

static int parse_pids(const char *arg, struct opts *o)
{
	char tok[32];
	const char *p = arg, *end;
	pid_t *pids;
	long pid;

	for (;;) {
		end = strchrnul(p, ',');
		if ((size_t)(end - p) >= sizeof(tok))
			goto bad;
		memcpy(tok, p, end - p);
		tok[end - p] = '\0';
		/* Digits only: strtol would also take " 1" and "+1". */
		if (tok[0] < '0' || tok[0] > '9' ||
		    tam_parse_long(tok, 1, INT_MAX, &pid))
			goto bad;
		pids = realloc(o->pids, (o->nr_pids + 1) * sizeof(*pids));
		if (!pids) {
			perror("tamstat");
			return EXIT_RUNTIME;
		}
		o->pids = pids;
		o->pids[o->nr_pids++] = (pid_t)pid;
		if (!*end)
			return 0;
		p = end + 1;
	}
bad:
	return usage_error("invalid PID list '%s' (want PID[,PID...], PIDs > 0)",
			   arg);
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v <= 0 || v > 31536000)
		return -1;
	*out = v;
	return 0;
}

/*
 * The cell formatters write a NUL-terminated text of at most CELL_MAX bytes
 * at p and return its end (the NUL), so that JSON lines are built in place.
 */
#define CELL_MAX	32

/* Size b in unit u. */
static char *format_size(uint64_t b, enum unit u, char *p)
{
	static const char sfx[] = "KMGTPE";
	double v = b;
	int i = -1;

	switch (u) {
	case U_BYTES:
		p = tam_put_u64(p, b);
		break;
	case U_KIB:
		p = tam_put_u64(p, (b >> 10) + ((b & 1023) >= 512));
		break;
	case U_MIB:
		return tam_format_fixed(b / 1048576.0, 2, p, CELL_MAX);
	case U_GIB:
		return tam_format_fixed(b / 1073741824.0, 2, p, CELL_MAX);
	case U_HUMAN:
		while (v >= 1024 && i < (int)sizeof(sfx) - 2) {
			v /= 1024;
			i++;
		}
		if (i < 0) {
			p = tam_put_u64(p, b);
			*p++ = 'B';
			break;
		}
		p = tam_format_fixed(v, 1, p, CELL_MAX - 1);
		/* "32.0M" reads better as "32M" */
		if (p[-2] == '.' && p[-1] == '0')
			p -= 2;
		*p++ = sfx[i];
		break;
	}
	*p = '\0';
	return p;
}

static char *format_pct(uint64_t part, uint64_t whole, char *p)
{
	return tam_format_fixed(whole ? part * 100.0 / whole : 0.0, 1, p,
				CELL_MAX);
}

static char *format_int(int64_t v, char *p)
{
	if (v < 0) {
		*p++ = '-';
		p = tam_put_u64(p, -(uint64_t)v);
	} else {
		p = tam_put_u64(p, (uint64_t)v);
	}
	*p = '\0';
	return p;
}

/* Process column col as it goes into the table or JSON, at p. */
static char *format_cell(const struct opts *o, const struct tam_vm_stat *st,
			 int col, uint64_t ram, char *p)
{
	switch (col) {
	case COL_PID:
		return format_int(st->pid, p);
	case COL_COMMAND:
		return stpcpy(p, st->comm);	/* 15 bytes at most */
	case COL_RESERVED:
		return format_size(st->vm_size_bytes, o->unit, p);
	case COL_COMMITTED:
		return format_size(st->rss_bytes, o->unit, p);
	case COL_COMMIT_PCT:
		return format_pct(st->rss_bytes, st->vm_size_bytes, p);
	case COL_RAM_PCT:
		return format_pct(st->rss_bytes, ram, p);
	case COL_OOM_SCORE:
		return format_int((int64_t)st->oom_score, p);
	default:
		return format_int(st->oom_score_adj, p);
	}
}

/* qsort has no context argument: the sort column lives here. */
static int sort_col;

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

/* Ratios a/b and c/d compared exactly, without division. */
static int cmp_ratio(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	unsigned __int128 l = (unsigned __int128)a * (d ? d : 1);
	unsigned __int128 r = (unsigned __int128)c * (b ? b : 1);

	if (!b)
		l = 0;
	if (!d)
		r = 0;
	return (l > r) - (l < r);
}

static int cmp_stat(const void *pa, const void *pb)
{
	const struct tam_vm_stat *a = pa, *b = pb;
	int r = 0;

	switch (sort_col) {
	case COL_COMMAND:
		r = strcmp(a->comm, b->comm);
		break;
	case COL_RESERVED:
		r = cmp_u64(a->vm_size_bytes, b->vm_size_bytes);
		break;
	case COL_COMMITTED:
	case COL_RAM_PCT:
		r = cmp_u64(a->rss_bytes, b->rss_bytes);
		break;
	case COL_COMMIT_PCT:
		r = cmp_ratio(a->rss_bytes, a->vm_size_bytes,
			      b->rss_bytes, b->vm_size_bytes);
		break;
	case COL_OOM_SCORE:
		r = cmp_u64(a->oom_score, b->oom_score);
		break;
	case COL_OOM_ADJ:
		r = (a->oom_score_adj > b->oom_score_adj) -
		    (a->oom_score_adj < b->oom_score_adj);
		break;
	}
	return r ? r : (a->pid > b->pid) - (a->pid < b->pid);
}

static long get_vm_stats(const struct opts *o, pid_t pid,
			 struct tam_vm_stat *buf, size_t count)
{
	if (o->source == SRC_PROC)
		return tam_vm_stats_proc(pid, buf, count);
	return tam_vm_stats(pid, buf, count);
}

static int get_mem_stats(const struct opts *o, struct tam_mem_stats *ms)
{
	if (o->source == SRC_PROC)
		return tam_mem_stats_proc(ms);
	return tam_mem_stats(ms);
}

/* The processes to show, in *out (caller frees).  Count, or -exit status. */
static long get_processes(const struct opts *o, struct tam_vm_stat **out)
{
	struct tam_vm_stat *buf = NULL, *nbuf;
	size_t cap = 0, i;
	int missing = 0;
	long n;

	if (o->nr_pids) {
		buf = calloc(o->nr_pids, sizeof(*buf));
		if (!buf)
			goto fail;
		for (i = 0; i < o->nr_pids; i++) {
			if (get_vm_stats(o, o->pids[i], &buf[i], 1) == 1)
				continue;
			if (errno != ESRCH)
				goto fail;
			fprintf(stderr, "tamstat: no such process: %d\n",
				o->pids[i]);
			missing = 1;
		}
		if (missing) {
			free(buf);
			return -EXIT_NOPROC;
		}
		*out = buf;
		return (long)o->nr_pids;
	}
	/*
	 * Every process: grow the buffer until the list fits.  Start big
	 * enough for most systems, since with /proc each try is a full walk.
	 */
	for (n = 4096;;) {
		cap = (size_t)n + 64;
		nbuf = realloc(buf, cap * sizeof(*buf));
		if (!nbuf)
			goto fail;
		buf = nbuf;
		n = get_vm_stats(o, 0, buf, cap);
		if (n < 0)
			goto fail;
		if ((size_t)n <= cap)
			break;
	}
	*out = buf;
	return n;
fail:
	fprintf(stderr, "tamstat: reading process statistics: %s\n",
		strerror(errno));
	free(buf);
	return -EXIT_RUNTIME;
}

static struct libscols_table *new_table(const struct opts *o, size_t nr_cols)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return NULL;
	/* One column goes out unpadded, so that "-o x -n" is a bare value. */
	if (scols_table_enable_raw(tb, o->raw || nr_cols == 1) ||
	    scols_table_enable_noheadings(tb, o->noheadings)) {
		scols_unref_table(tb);
		return NULL;
	}
	return tb;
}

static int add_column(struct libscols_table *tb, const char *name,
		      enum kind kind, double whint)
{
	return scols_table_new_column(tb, name, whint,
				      kind == K_TEXT ? 0 : SCOLS_FL_RIGHT) ?
	       0 : -1;
}

static struct libscols_table *summary_table(const struct opts *o,
					    const struct tam_mem_stats *ms)
{
	struct libscols_table *tb = new_table(o, 3);
	struct libscols_line *ln;
	char buf[64];
	uint64_t v;
	size_t i;

	if (!tb || add_column(tb, "FIELD", K_TEXT, 13) ||
	    add_column(tb, "SIZE", K_SIZE, 10) ||
	    add_column(tb, "RAM%", K_PCT, 6))
		goto fail;
	for (i = 0; i < ARRAY_SIZE(summary_rows); i++) {
		memcpy(&v, (const char *)ms + summary_rows[i].off, sizeof(v));
		ln = scols_table_new_line(tb, NULL);
		if (!ln || scols_line_set_data(ln, 0, summary_rows[i].name))
			goto fail;
		format_size(v, o->unit, buf);
		if (scols_line_set_data(ln, 1, buf))
			goto fail;
		format_pct(v, ms->total_bytes, buf);
		if (scols_line_set_data(ln, 2, buf))
			goto fail;
	}
	return tb;
fail:
	scols_unref_table(tb);
	return NULL;
}

static struct libscols_table *process_table(const struct opts *o,
					    const struct tam_vm_stat *st,
					    size_t n, uint64_t ram)
{
	struct libscols_table *tb = new_table(o, o->nr_out_cols);
	struct libscols_line *ln;
	char buf[64];
	size_t i, c;
	int col;

	if (!tb)
		return NULL;
	for (c = 0; c < o->nr_out_cols; c++) {
		col = o->out_cols[c];
		if (add_column(tb, cols[col].name, cols[col].kind,
			       cols[col].whint))
			goto fail;
	}
	for (i = 0; i < n; i++) {
		ln = scols_table_new_line(tb, NULL);
		if (!ln)
			goto fail;
		for (c = 0; c < o->nr_out_cols; c++) {
			format_cell(o, &st[i], o->out_cols[c], ram, buf);
			if (scols_line_set_data(ln, c, buf))
				goto fail;
		}
	}
	return tb;
fail:
	scols_unref_table(tb);
	return NULL;
}

/* A table as text, with its final newline (libsmartcols leaves it out). */
static int put_table(struct libscols_table *tb, FILE *out)
{
	char *s = NULL;
	size_t len;

	if (scols_print_table_to_string(tb, &s) || !s) {
		free(s);
		return -1;
	}
	len = strlen(s);
	fwrite(s, 1, len, out);
	if (len && s[len - 1] != '\n')
		fputc('\n', out);
	free(s);
	return 0;
}

/* Whether the figures come from /proc: asked for, or no syscalls. */
static int uses_proc(const struct opts *o)
{
	return o->source == SRC_PROC || !tam_kernel_support();
}

static const char *source_name(const struct opts *o)
{
	return uses_proc(o) ? "proc" : "syscall";
}

/* Sizes are JSON numbers, except as human text ("1.5M"). */
static int json_number(const struct opts *o, enum kind kind)
{
	return kind == K_INT || kind == K_PCT ||
	       (kind == K_SIZE && o->unit != U_HUMAN);
}

/*
 * The JSON member of each column: its name in lower case and the colon,
 * in 16 bytes so that a fixed-size copy (two moves) can write any of them.
 */
static const struct {
	char text[16];
	size_t len;
} json_keys[NR_COLS] = {
#define KEY(c, name)	[c] = { "\"" name "\": ", sizeof("\"" name "\": ") - 1 }
	KEY(COL_PID, "pid"), KEY(COL_COMMAND, "command"),
	KEY(COL_RESERVED, "reserved"), KEY(COL_COMMITTED, "committed"),
	KEY(COL_COMMIT_PCT, "commit%"), KEY(COL_RAM_PCT, "ram%"),
	KEY(COL_OOM_SCORE, "oom_score"), KEY(COL_OOM_ADJ, "oom_adj"),
#undef KEY
};

/*
 * Process column col of st as a JSON value at p; returns the end.  Numbers
 * are formatted in place; text (the name, human sizes) goes through
 * tam_json_quote.
 */
static char *json_cell(const struct opts *o, const struct tam_vm_stat *st,
		       int col, uint64_t ram, char *p)
{
	char buf[CELL_MAX];

	if (col == COL_COMMAND)
		return tam_json_quote(p, st->comm);
	if (json_number(o, cols[col].kind))
		return format_cell(o, st, col, ram, p);
	format_cell(o, st, col, ram, buf);
	return tam_json_quote(p, buf);
}

/* A line holds the widest row: every column a quoted cell of CELL_MAX. */
#define JSON_ROW_MAX	(16 + NR_COLS * (2 + 16 + TAM_JSON_QUOTED_MAX(CELL_MAX)))

/*
 * The JSON document of a sample (man/tamstat.1, JSON OUTPUT): one line per
 * summary row and per process, each built in a buffer and written at once.
 */
static void put_json(const struct opts *o, const struct tam_mem_stats *ms,
		     const struct tam_vm_stat *st, size_t n, FILE *out)
{
	char buf[CELL_MAX], line[JSON_ROW_MAX], *p;
	bool seen[NR_COLS] = { false };
	int col, jcols[NR_COLS] = { 0 };
	size_t i, c, nj = 0;
	uint64_t v;

	fprintf(out, "{\n   \"source\": \"%s\",\n   \"unit\": \"%s\"",
		source_name(o), unit_names[o->unit]);
	if (o->summary) {
		fprintf(out, ",\n   \"nr_processes\": %" PRIu64 ",\n   \"system\": [",
			(uint64_t)ms->nr_processes);
		for (i = 0; i < ARRAY_SIZE(summary_rows); i++) {
			memcpy(&v, (const char *)ms + summary_rows[i].off,
			       sizeof(v));
			p = stpcpy(line, i ? ",\n      {\"field\": " :
					     "\n      {\"field\": ");
			p = tam_json_quote(p, summary_rows[i].name);
			p = stpcpy(p, ", \"size\": ");
			if (json_number(o, K_SIZE)) {
				p = format_size(v, o->unit, p);
			} else {
				format_size(v, o->unit, buf);
				p = tam_json_quote(p, buf);
			}
			p = stpcpy(p, ", \"ram%\": ");
			p = format_pct(v, ms->total_bytes, p);
			*p++ = '}';
			fwrite_unlocked(line, 1, p - line, out);
		}
		fputs("\n   ]", out);
	}
	if (o->table) {
		/* A column given twice is one member: JSON names are unique. */
		for (c = 0; c < o->nr_out_cols; c++) {
			col = o->out_cols[c];
			if (!seen[col])
				jcols[nj++] = col;
			seen[col] = true;
		}
		fputs(",\n   \"processes\": [", out);
		for (i = 0; i < n; i++) {
			p = line;
			if (i)
				*p++ = ',';
			memcpy(p, "\n      {", 8);
			p += 8;
			for (c = 0; c < nj; c++) {
				col = jcols[c];
				if (c) {
					memcpy(p, ", ", 2);
					p += 2;
				}
				memcpy(p, json_keys[col].text, 16);
				p += json_keys[col].len;
				p = json_cell(o, &st[i], col, ms->total_bytes, p);
			}
			*p++ = '}';
			fwrite_unlocked(line, 1, p - line, out);
		}
		fputs(n ? "\n   ]" : "]", out);
	}
	fputs("\n}\n", out);
}

/* A gauge family's HELP and TYPE lines. */
static void prom_family(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static int cmp_comm(const void *a, const void *b)
{
	const struct tam_vm_stat *x = a, *y = b;

	return strcmp(x->comm, y->comm);
}

/*
 * The Prometheus text exposition (format 0.0.4) of a sample: the system
 * figures, the source as an info metric, per command name the number of
 * processes, their sums and their highest OOM score, and with -p the
 * processes themselves (per-pid series only on request: a pid label makes
 * series without bound).  Base units, no timestamps.  st is sorted by
 * command here.  0, or -1 with errno (ENOMEM).
 */
static int put_prometheus(const struct opts *o, const struct tam_mem_stats *ms,
			  struct tam_vm_stat *st, size_t n, FILE *out)
{
	static const struct {
		const char *name, *help;
	} per_cmd[] = {
		{ "tamalloc_command_processes", "Processes with this command name." },
		{ "tamalloc_command_reserved_bytes", "Sum of their reserved memory (VmSize)." },
		{ "tamalloc_command_committed_bytes", "Sum of their committed memory (VmRSS)." },
		{ "tamalloc_command_oom_score_max", "Highest OOM score among them (0-2000)." },
	}, per_pid[] = {
		{ "tamalloc_process_reserved_bytes", "Reserved memory (VmSize) of a process given with -p." },
		{ "tamalloc_process_committed_bytes", "Committed memory (VmRSS) of a process given with -p." },
		{ "tamalloc_process_oom_score", "OOM score (0-2000) of a process given with -p." },
	};
	char label[TAM_PROM_QUOTED_MAX(sizeof(st->comm))];
	size_t i, j, k, f;
	uint64_t v[4];

	for (i = 0; i < ARRAY_SIZE(summary_rows); i++) {
		char name[64];

		memcpy(&v[0], (const char *)ms + summary_rows[i].off, sizeof(v[0]));
		snprintf(name, sizeof(name), "tamalloc_system_%s_bytes",
			 summary_rows[i].name);
		prom_family(out, name, summary_rows[i].help);
		fprintf(out, "%s %" PRIu64 "\n", name, v[0]);
	}
	prom_family(out, "tamalloc_system_processes",
		    "Processes counted in the reserved and committed sums.");
	fprintf(out, "tamalloc_system_processes %" PRIu64 "\n",
		(uint64_t)ms->nr_processes);
	prom_family(out, "tamalloc_source_info",
		    "Where tamstat read the figures: the syscalls or /proc.");
	fprintf(out, "tamalloc_source_info{source=\"%s\"} 1\n", source_name(o));

	qsort(st, n, sizeof(*st), cmp_comm);
	for (f = 0; f < ARRAY_SIZE(per_cmd); f++) {
		prom_family(out, per_cmd[f].name, per_cmd[f].help);
		for (i = 0; i < n; i = j) {
			memset(v, 0, sizeof(v));
			for (j = i; j < n && !strcmp(st[j].comm, st[i].comm); j++) {
				v[0]++;
				v[1] += st[j].vm_size_bytes;
				v[2] += st[j].rss_bytes;
				if (st[j].oom_score > v[3])
					v[3] = st[j].oom_score;
			}
			tam_prom_quote(label, st[i].comm);
			fprintf(out, "%s{command=%s} %" PRIu64 "\n",
				per_cmd[f].name, label, v[f]);
		}
	}
	if (!o->nr_pids)
		return ferror(out) ? -1 : 0;
	for (f = 0; f < ARRAY_SIZE(per_pid); f++) {
		prom_family(out, per_pid[f].name, per_pid[f].help);
		for (k = 0; k < n; k++) {
			v[0] = st[k].vm_size_bytes;
			v[1] = st[k].rss_bytes;
			v[2] = st[k].oom_score;
			tam_prom_quote(label, st[k].comm);
			fprintf(out, "%s{pid=\"%d\",command=%s} %" PRIu64 "\n",
				per_pid[f].name, (int)st[k].pid, label, v[f]);
		}
	}
	return ferror(out) ? -1 : 0;
}

static int needs_ram(const struct opts *o)
{
	size_t i;

	for (i = 0; i < o->nr_out_cols; i++)
		if (o->out_cols[i] == COL_RAM_PCT)
			return 1;
	return 0;
}

/*
 * With /proc, a summary next to the table of every process takes its sums
 * (reserved, committed, processes) from the table's walk rather than from
 * a walk of its own in tam_mem_stats_proc(): half the reads, and sums that
 * match the rows.  The syscalls are cheap enough to ask twice.
 */
static int sums_from_table(const struct opts *o)
{
	return o->summary && o->table && !o->nr_pids && uses_proc(o);
}

/*
 * The figures a sample needs besides the process table: those of
 * mem_stats for the summary; for RAM% alone only the total, which
 * sysinfo(2) gives as mem_stats(2) and /proc/meminfo do (totalram), without
 * their walk over every process: "tamstat -p PID" reads that process only.
 */
static int get_system(const struct opts *o, struct tam_mem_stats *ms)
{
	struct sysinfo si;

	if (sums_from_table(o))
		return tam_meminfo_proc(ms);
	if (o->summary)
		return get_mem_stats(o, ms);
	if (!needs_ram(o))
		return 0;
	if (sysinfo(&si))
		return -1;
	ms->total_bytes = (uint64_t)si.totalram * si.mem_unit;
	return 0;
}

static void sum_processes(const struct tam_vm_stat *st, long n,
			  struct tam_mem_stats *ms)
{
	long i;

	for (i = 0; i < n; i++) {
		ms->vm_size_bytes += st[i].vm_size_bytes;
		ms->rss_bytes += st[i].rss_bytes;
	}
	ms->nr_processes = n;
}

/*
 * One sample, rendered into out.  Returns 0 or an exit status; on failure
 * out holds nothing worth printing.
 */
static int sample(const struct opts *o, FILE *out)
{
	struct libscols_table *stb = NULL, *ptb = NULL;
	struct tam_vm_stat *st = NULL;
	struct tam_mem_stats ms = { 0 };
	int ret = EXIT_RUNTIME;
	long n = 0;

	if (get_system(o, &ms)) {
		fprintf(stderr, "tamstat: reading memory statistics: %s\n",
			strerror(errno));
		return EXIT_RUNTIME;
	}
	if (o->table) {
		n = get_processes(o, &st);
		if (n < 0)
			return (int)-n;
		if (sums_from_table(o))
			sum_processes(st, n, &ms);
		if (o->sort_col >= 0) {
			sort_col = o->sort_col;
			qsort(st, n, sizeof(*st), cmp_stat);
		}
		if (o->reverse) {
			struct tam_vm_stat tmp;
			long i;

			for (i = 0; i < n / 2; i++) {
				tmp = st[i];
				st[i] = st[n - 1 - i];
				st[n - 1 - i] = tmp;
			}
		}
		if (o->top && n > o->top)
			n = o->top;
	}
	if (o->json || o->prom) {
		if (o->json)
			put_json(o, &ms, st, n, out);
		else if (put_prometheus(o, &ms, st, n, out))
			goto fail;
		ret = 0;
		goto out;
	}

	errno = 0;
	if (o->summary && !o->noheadings && !o->raw)
		fprintf(out, "source: %s   processes: %" PRIu64 "   unit: %s\n",
			source_name(o), (uint64_t)ms.nr_processes,
			unit_names[o->unit]);
	if (o->summary) {
		stb = summary_table(o, &ms);
		if (!stb || put_table(stb, out))
			goto fail;
	}
	if (o->summary && o->table)
		fputc('\n', out);
	if (o->table) {
		ptb = process_table(o, st, n, ms.total_bytes);
		if (!ptb || put_table(ptb, out))
			goto fail;
	}
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "tamstat: formatting the output: %s\n",
		strerror(errno ? errno : ENOMEM));
out:
	scols_unref_table(stb);
	scols_unref_table(ptb);
	free(st);
	return ret;
}

/* Print one sample to stdout, all of it or nothing. */
static int print_sample(const struct opts *o, int first)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int ret;

	if (!out) {
		perror("tamstat");
		return EXIT_RUNTIME;
	}
	/* Samples of a table are separated by a blank line. */
	if (!first && !o->json && !o->noheadings)
		fputc('\n', out);
	ret = sample(o, out);
	if (fclose(out)) {
		perror("tamstat");
		ret = EXIT_RUNTIME;
	}
	if (!ret && (fwrite(buf, 1, len, stdout) != len || fflush(stdout))) {
		fprintf(stderr, "tamstat: write error: %s\n", strerror(errno));
		ret = EXIT_RUNTIME;
	}
	free(buf);
	return ret;
}

static void sleep_until(struct timespec *next, double interval)
{
	struct timespec now;

	next->tv_sec += (time_t)interval;
	next->tv_nsec += (long)((interval - (time_t)interval) * 1e9);
	if (next->tv_nsec >= 1000000000) {
		next->tv_sec++;
		next->tv_nsec -= 1000000000;
	}
	/* Behind schedule (a slow sample): start counting from now. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > next->tv_sec ||
	    (now.tv_sec == next->tv_sec && now.tv_nsec > next->tv_nsec))
		*next = now;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL) == EINTR)
		;
}

enum {
	OPT_SYSTEM = 256, OPT_SORT, OPT_TOP, OPT_KIB, OPT_MIB, OPT_GIB,
	OPT_RAW, OPT_SOURCE, OPT_HELP, OPT_PROM,
};

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "system", no_argument, NULL, OPT_SYSTEM },
		{ "output", required_argument, NULL, 'o' },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "reverse", no_argument, NULL, 'r' },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "bytes", no_argument, NULL, 'b' },
		{ "kib", no_argument, NULL, OPT_KIB },
		{ "mib", no_argument, NULL, OPT_MIB },
		{ "gib", no_argument, NULL, OPT_GIB },
		{ "human", no_argument, NULL, 'h' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "json", no_argument, NULL, 'J' },
		{ "prometheus", no_argument, NULL, OPT_PROM },
		{ "interval", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	int c, ret, has_output = 0;

	o->sort_col = -1;
	o->unit = U_MIB;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:o:rbhnJs:c:", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'p':
			ret = parse_pids(optarg, o);
			if (ret)
				return ret;
			break;
		case OPT_SYSTEM:
			o->system_only = 1;
			break;
		case 'o':
			ret = parse_columns(optarg, o);
			if (ret)
				return ret;
			has_output = 1;
			break;
		case OPT_SORT:
			o->sort_col = column_by_name(optarg, strlen(optarg));
			if (o->sort_col < 0)
				return usage_error("unknown sort column '%s'",
						   optarg);
			break;
		case 'r':
			o->reverse = 1;
			break;
		case OPT_TOP:
			if (tam_parse_long(optarg, 1, LONG_MAX, &o->top))
				return usage_error("invalid --top '%s' (want N >= 1)",
						   optarg);
			break;
		case 'b':
			o->unit = U_BYTES;
			break;
		case OPT_KIB:
			o->unit = U_KIB;
			break;
		case OPT_MIB:
			o->unit = U_MIB;
			break;
		case OPT_GIB:
			o->unit = U_GIB;
			break;
		case 'h':
			o->unit = U_HUMAN;
			break;
		case 'n':
			o->noheadings = 1;
			break;
		case OPT_RAW:
			o->raw = 1;
			break;
		case 'J':
			o->json = 1;
			break;
		case OPT_PROM:
			o->prom = 1;
			break;
		case 's':
			if (parse_seconds(optarg, &o->interval))
				return usage_error("invalid interval '%s' (want seconds > 0)",
						   optarg);
			break;
		case 'c':
			if (tam_parse_long(optarg, 1, LONG_MAX, &o->count))
				return usage_error("invalid count '%s' (want N >= 1)",
						   optarg);
			break;
		case OPT_SOURCE:
			if (!strcmp(optarg, "syscall"))
				o->source = SRC_SYSCALL;
			else if (!strcmp(optarg, "proc"))
				o->source = SRC_PROC;
			else
				return usage_error("invalid source '%s' (want syscall or proc)",
						   optarg);
			break;
		case OPT_HELP:
			usage(stdout);
			return -1;
		case ':':
			return usage_error("option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o->system_only && (o->nr_pids || has_output || o->sort_col >= 0 ||
			       o->reverse || o->top))
		return usage_error("--system does not go with -p, -o, --sort, -r or --top");
	if (o->prom && (o->json || o->system_only || has_output ||
			o->sort_col >= 0 || o->reverse || o->top))
		return usage_error("--prometheus does not go with -J, --system, -o, --sort, -r or --top");
	if (o->count && !o->interval)
		o->interval = 1;
	/* --top alone means the biggest processes, as top(1) shows them. */
	if (o->top && o->sort_col < 0) {
		o->sort_col = COL_COMMITTED;
		o->reverse = !o->reverse;
	}
	if (!has_output) {
		static const int def[] = {
			COL_PID, COL_COMMAND, COL_RESERVED, COL_COMMITTED,
			COL_COMMIT_PCT, COL_RAM_PCT, COL_OOM_SCORE, COL_OOM_ADJ,
		};

		memcpy(o->out_cols, def, sizeof(def));
		o->nr_out_cols = ARRAY_SIZE(def);
	}
	o->table = !o->system_only;
	o->summary = o->system_only || (!o->nr_pids && !has_output) || o->prom;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct timespec next;
	long i;
	int ret;

	/* LC_CTYPE only: LC_NUMERIC would turn "1.50" into "1,50" in JSON. */
	setlocale(LC_CTYPE, "");
	ret = parse_args(argc, argv, &o);
	if (ret) {
		free(o.pids);
		return ret < 0 ? 0 : ret;
	}
	if (o.source == SRC_SYSCALL && !tam_kernel_support()) {
		fprintf(stderr, "tamstat: the running kernel has no vm_stats/mem_stats syscalls (try --source proc)\n");
		free(o.pids);
		return EXIT_RUNTIME;
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; !ret && (!o.interval || !o.count || i < o.count); i++) {
		if (i)
			sleep_until(&next, o.interval);
		ret = print_sample(&o, !i);
		if (!o.interval)
			break;
	}
	free(o.pids);
	return ret;
}
