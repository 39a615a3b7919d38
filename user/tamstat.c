// SPDX-License-Identifier: GPL-2.0
/*
 * tamstat: reserved and committed memory of the system and of each process.
 * This file: the options and the sample loop.  Each sample flows one way:
 * the library's snapshot (tam_snapshot() picks the syscalls or /proc), the
 * rows to show (sorted, cut to --top), then the columns of tamstat-cols.c
 * into one of the outputs of tamstat-output.c.
 *
 * Every sample is written to a memory buffer first and only then to stdout,
 * so an error never leaves half a table or half a JSON document behind.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tamstat.h"

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
"      --cached             RSS and swap as the kernel caches them: cheaper\n"
"                           with many CPUs, off by up to a batch (32 pages\n"
"                           or more) per CPU\n"
"      --help               show this help\n"
"\n"
"Columns:\n");
	for (i = 0; i < nr_proc_cols; i++)
		fprintf(f, "  %-10s %s\n", proc_cols[i].name, proc_cols[i].help);
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

static int add_column(const char *tok, size_t len, void *arg)
{
	struct tamstat *ts = arg;
	int col = column_by_name(tok, len);

	if (col < 0)
		return usage_error("unknown column '%.*s'", (int)len, tok);
	if (ts->nr_out_cols == MAX_OUTPUT_COLS)
		return usage_error("too many columns");
	ts->out_cols[ts->nr_out_cols++] = col;
	return 0;
}

static int parse_columns(const char *arg, struct tamstat *ts)
{
	ts->nr_out_cols = 0;
	return tam_parse_list(arg, add_column, ts);
}

static int add_pid(const char *tok, size_t len, void *arg)
{
	struct tamstat *ts = arg;
	char buf[32];
	pid_t *pids;
	long pid;

	/* Digits only: strtol would also take " 1" and "+1". */
	if (len >= sizeof(buf) || !len || tok[0] < '0' || tok[0] > '9')
		return -1;
	memcpy(buf, tok, len);
	buf[len] = '\0';
	if (tam_parse_long(buf, 1, INT_MAX, &pid))
		return -1;
	pids = realloc(ts->pids, (ts->nr_pids + 1) * sizeof(*pids));
	if (!pids) {
		perror("tamstat");
		return EXIT_RUNTIME;
	}
	ts->pids = pids;
	ts->pids[ts->nr_pids++] = (pid_t)pid;
	return 0;
}

static int parse_pids(const char *arg, struct tamstat *ts)
{
	int ret = tam_parse_list(arg, add_pid, ts);

	if (ret < 0)
		return usage_error("invalid PID list '%s' (want PID[,PID...], PIDs > 0)",
				   arg);
	return ret;
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

/* Whether the output needs the system totals for a column of its own. */
static bool needs_system(const struct tamstat *ts)
{
	size_t i;

	for (i = 0; i < ts->nr_out_cols; i++)
		if (proc_cols[ts->out_cols[i]].flags & COL_SYSTEM)
			return true;
	return false;
}

/*
 * One sample, rendered into out.  Returns 0 or an exit status; on failure
 * out holds nothing worth printing.
 */
static int sample(const struct tamstat *ts, FILE *out)
{
	unsigned int flags = ts->table ? TAM_SNAP_PROCS : 0;
	struct tam_snapshot snap;
	struct view v = { ts, &snap, NULL, 0 };
	int ret = EXIT_RUNTIME;
	size_t i;

	if (ts->cached)
		flags |= TAM_SNAP_CACHED;
	/* The summary needs mem_stats; RAM% alone only the total RAM. */
	if (ts->summary)
		flags |= TAM_SNAP_SYSTEM;
	else if (ts->table && needs_system(ts))
		flags |= TAM_SNAP_RAM;
	if (tam_snapshot(&snap, ts->source, flags, ts->pids, ts->nr_pids)) {
		if (errno == ENOSYS && ts->source == TAM_SOURCE_SYSCALL)
			fprintf(stderr, "tamstat: the running kernel has no vm_stats/mem_stats syscalls (try --source proc)\n");
		else
			fprintf(stderr, "tamstat: reading memory statistics: %s\n",
				strerror(errno));
		goto out;
	}
	if (snap.nr_missing) {
		for (i = 0; i < snap.nr_procs; i++)
			if (!snap.procs[i].pid)
				fprintf(stderr, "tamstat: no such process: %d\n",
					(int)ts->pids[i]);
		ret = EXIT_NOPROC;
		goto out;
	}
	/* The rows to show. */
	v.rows = malloc((snap.nr_procs ? snap.nr_procs : 1) * sizeof(*v.rows));
	if (!v.rows)
		goto fail;
	for (i = 0; i < snap.nr_procs; i++)
		v.rows[i] = &snap.procs[i];
	v.nr_rows = snap.nr_procs;
	if (ts->sort)
		sort_rows(v.rows, v.nr_rows, ts->sort, &snap.system);
	for (i = 0; ts->reverse && i < v.nr_rows / 2; i++) {
		const void *tmp = v.rows[i];

		v.rows[i] = v.rows[v.nr_rows - 1 - i];
		v.rows[v.nr_rows - 1 - i] = tmp;
	}
	if (ts->top && v.nr_rows > (size_t)ts->top)
		v.nr_rows = (size_t)ts->top;

	errno = 0;
	if (ts->json ? put_json(&v, out) :
	    ts->prom ? put_prometheus(&v, out) : put_table(&v, out))
		goto fail;
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "tamstat: formatting the output: %s\n",
		strerror(errno ? errno : ENOMEM));
out:
	free(v.rows);
	tam_snapshot_release(&snap);
	return ret;
}

/* Print one sample to stdout, all of it or nothing. */
static int print_sample(const struct tamstat *ts, bool first)
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
	if (!first && !ts->json && !ts->noheadings)
		fputc('\n', out);
	ret = sample(ts, out);
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
	OPT_RAW, OPT_SOURCE, OPT_CACHED, OPT_HELP, OPT_PROM,
};

static int parse_args(int argc, char **argv, struct tamstat *ts)
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
		{ "cached", no_argument, NULL, OPT_CACHED },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	bool has_output = false, system_only = false;
	int c, col, ret;

	ts->unit = TAM_UNIT_MIB;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:o:rbhnJs:c:", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'p':
			ret = parse_pids(optarg, ts);
			if (ret)
				return ret;
			break;
		case OPT_SYSTEM:
			system_only = true;
			break;
		case 'o':
			ret = parse_columns(optarg, ts);
			if (ret)
				return ret;
			has_output = true;
			break;
		case OPT_SORT:
			col = column_by_name(optarg, strlen(optarg));
			if (col < 0)
				return usage_error("unknown sort column '%s'",
						   optarg);
			ts->sort = &proc_cols[col];
			break;
		case 'r':
			ts->reverse = true;
			break;
		case OPT_TOP:
			if (tam_parse_long(optarg, 1, LONG_MAX, &ts->top))
				return usage_error("invalid --top '%s' (want N >= 1)",
						   optarg);
			break;
		case 'b':
			ts->unit = TAM_UNIT_BYTES;
			break;
		case OPT_KIB:
			ts->unit = TAM_UNIT_KIB;
			break;
		case OPT_MIB:
			ts->unit = TAM_UNIT_MIB;
			break;
		case OPT_GIB:
			ts->unit = TAM_UNIT_GIB;
			break;
		case 'h':
			ts->unit = TAM_UNIT_HUMAN;
			break;
		case 'n':
			ts->noheadings = true;
			break;
		case OPT_RAW:
			ts->raw = true;
			break;
		case 'J':
			ts->json = true;
			break;
		case OPT_PROM:
			ts->prom = true;
			break;
		case 's':
			if (parse_seconds(optarg, &ts->interval))
				return usage_error("invalid interval '%s' (want seconds > 0)",
						   optarg);
			break;
		case 'c':
			if (tam_parse_long(optarg, 1, LONG_MAX, &ts->count))
				return usage_error("invalid count '%s' (want N >= 1)",
						   optarg);
			break;
		case OPT_SOURCE:
			if (!strcmp(optarg, "syscall"))
				ts->source = TAM_SOURCE_SYSCALL;
			else if (!strcmp(optarg, "proc"))
				ts->source = TAM_SOURCE_PROC;
			else
				return usage_error("invalid source '%s' (want syscall or proc)",
						   optarg);
			break;
		case OPT_CACHED:
			ts->cached = true;
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
	if (system_only && (ts->nr_pids || has_output || ts->sort ||
			       ts->reverse || ts->top || ts->cached))
		return usage_error("--system does not go with -p, -o, --sort, -r, --top or --cached");
	if (ts->prom && (ts->json || system_only || has_output ||
			ts->sort || ts->reverse || ts->top))
		return usage_error("--prometheus does not go with -J, --system, -o, --sort, -r or --top");
	if (ts->count && !ts->interval)
		ts->interval = 1;
	/* --top alone means the biggest processes, as top(1) shows them. */
	if (ts->top && !ts->sort) {
		ts->sort = &proc_cols[column_by_name("COMMITTED", 9)];
		ts->reverse = !ts->reverse;
	}
	/* By default every column but the extra ones, in table order. */
	for (col = 0; !has_output && col < (int)nr_proc_cols; col++)
		if (!(proc_cols[col].flags & COL_EXTRA))
			ts->out_cols[ts->nr_out_cols++] = col;
	ts->table = !system_only;
	ts->summary = system_only || (!ts->nr_pids && !has_output) || ts->prom;
	return 0;
}

int main(int argc, char **argv)
{
	struct tamstat ts = { 0 };
	struct timespec next;
	long i;
	int ret;

	/* LC_CTYPE only: LC_NUMERIC would turn "1.50" into "1,50" in JSON. */
	setlocale(LC_CTYPE, "");
	ret = parse_args(argc, argv, &ts);
	if (ret) {
		free(ts.pids);
		return ret < 0 ? 0 : ret;
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; !ret && (!ts.interval || !ts.count || i < ts.count); i++) {
		if (i)
			sleep_until(&next, ts.interval);
		ret = print_sample(&ts, !i);
		if (!ts.interval)
			break;
	}
	free(ts.pids);
	return ret;
}
