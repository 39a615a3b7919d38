// SPDX-License-Identifier: GPL-2.0
/*
 * tamdemo: show that tamalloc() memory is reserved at once but committed
 * only page by page as it is written; --compare puts malloc and calloc
 * beside it.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compare.h"
#include "tamalloc.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: tamdemo [-s SIZE] [-d USEC] [-e SIZE]\n"
"       tamdemo --compare [-s SIZE] [-d USEC] [-e SIZE] [--csv FILE]\n"
"Allocate SIZE bytes with tamalloc(), check that they read as zero, then\n"
"write one page at a time and print VmSize, VmRSS, Committed_AS and the\n"
"OOM score as the pages become resident.\n"
"\n"
"  -s, --size SIZE    bytes to allocate (suffix K, M, G; default 32M)\n"
"  -d, --delay USEC   pause after each written page (default 200)\n"
"  -e, --every SIZE   print a row after this many written bytes\n"
"                     (default SIZE/16)\n"
"  -c, --compare      run the same scenario with malloc, calloc and\n"
"                     tamalloc, each in its own process, and print a table\n"
"                     of what each showed: zero-filled memory (also after a\n"
"                     block was dirtied, freed and allocated again), VmSize,\n"
"                     VmRSS and Committed_AS right after the call\n"
"  -o, --csv FILE     with --compare: write the samples (allocator, step,\n"
"                     touched bytes, VmSize, VmRSS, Committed_AS, oom_score)\n"
"                     as CSV to FILE, '-' for standard output\n"
"  -h, --help         show this help\n"
"\n"
"Exit status: 0 if the memory read as zero and VmSize stayed flat while it\n"
"was written (--compare: if tamalloc showed all four properties), 1 if not,\n"
"2 for a usage error.\n");
}

/* A size in KiB, in a field of width w. */
static void kib(int w, uint64_t bytes)
{
	char buf[TAM_SIZE_MAX];

	tam_format_size(buf, bytes, TAM_UNIT_KIB, 0);
	printf("%*s KiB ", w, buf);
}

/* The demo's samples as they come: row 0 first, with what came before it. */
struct demo {
	struct tam_cmp_row first, last;
};

static int print_row(struct tam_cmp_result *r, const struct tam_cmp_row *row,
		     void *arg)
{
	struct demo *d = arg;

	if (!row->touched) {
		printf("tamdemo: tamalloc(%" PRIu64 ") = %p via %s\n", r->size,
		       r->block, tam_kernel_support() ? "the tamalloc syscall" :
		       "mmap(MAP_NORESERVE) (kernel lacks tamalloc)");
		printf("tamdemo: right after the call: VmSize %+lld KiB, VmRSS %+lld KiB, Committed_AS %+lld KiB\n",
		       (long long)(r->after.vm - r->before.vm) / 1024,
		       (long long)(r->after.rss - r->before.rss) / 1024,
		       (long long)(r->after.charge - r->before.charge) / 1024);
		printf("tamdemo: read all %" PRIu64 " bytes: %s; VmRSS %+lld KiB after reading\n",
		       r->size, r->nonzero_fresh ? "NOT all zero" : "every byte is 0",
		       (long long)(row->s.rss - r->after.rss) / 1024);
		printf("%14s %14s %14s %16s %9s\n", "touched", "VmSize", "VmRSS",
		       "Committed_AS", "oom_score");
		d->first = *row;
	}
	kib(10, row->touched);
	kib(10, row->s.vm);
	kib(10, row->s.rss);
	kib(12, row->s.charge);
	printf("%9" PRIu64 "\n", row->s.oom);
	d->last = *row;
	return 0;
}

/*
 * The scenario with tamalloc alone, in this process, each sample printed
 * as it is taken: the same samples as --compare's.
 */
static int demo(uint64_t size, uint64_t every, long delay)
{
	struct tam_cmp_result r = { .alloc = TAM_TAMALLOC, .size = size };
	const struct tam_sample *a, *b;
	struct demo d = { 0 };
	int bad;

	tam_scenario(&r, every, delay, print_row, &d);
	if (r.err) {
		if (!strcmp(r.failed, "allocating"))
			fprintf(stderr, "tamdemo: tamalloc(%" PRIu64 "): %s\n", size,
				strerror(r.err));
		else
			fprintf(stderr, "tamdemo: %s: %s\n", r.failed,
				strerror(r.err));
		return 1;
	}
	a = &d.first.s;
	b = &d.last.s;
	printf("tamdemo: while writing %" PRIu64 " KiB: VmSize %+lld KiB, VmRSS %+lld KiB, Committed_AS %+lld KiB\n",
	       size >> 10, (long long)(b->vm - a->vm) / 1024,
	       (long long)(b->rss - a->rss) / 1024,
	       (long long)(b->charge - a->charge) / 1024);
	bad = r.nonzero_fresh || r.nonzero_reused;
	if (r.nonzero_reused)
		printf("tamdemo: %" PRIu64 " bytes not 0 in a block allocated again\n",
		       r.nonzero_reused);
	if (b->vm != a->vm) {
		printf("tamdemo: VmSize moved while pages were written\n");
		bad = 1;
	}
	return bad;
}

/* --compare: the table, and the samples as CSV when csv is not NULL. */
static int compare(uint64_t size, uint64_t every, long delay, const char *csv)
{
	struct tam_cmp_result *res[TAM_NR_ALLOCATORS] = { NULL };
	bool to_stdout = csv && !strcmp(csv, "-");
	FILE *out = to_stdout ? stderr : stdout, *f = NULL;
	struct tam_verdict v[TAM_NR_ALLOCATORS];
	int a, ret = 1;

	if (csv && !to_stdout) {
		f = fopen(csv, "w");
		if (!f) {
			fprintf(stderr, "tamdemo: %s: %s\n", csv, strerror(errno));
			return 1;
		}
	}
	fprintf(out, "tamdemo: %" PRIu64 " bytes with malloc, calloc and tamalloc (%s), each in\n"
		"its own process: allocate, read every byte, write every page, free, allocate\n"
		"again and read every byte.  malloc and calloc use the glibc heap untrimmed\n"
		"(mallopt M_MMAP_MAX 0, M_TRIM_THRESHOLD -1), so the second block reuses the\n"
		"first one's written memory.  Deltas are from right before to right after\n"
		"the first call.\n\n",
		size, tam_kernel_support() ? "the syscall" : "mmap fallback");
	for (a = 0; a < TAM_NR_ALLOCATORS; a++) {
		res[a] = tam_compare_run(a, size, every, delay);
		if (!res[a]) {
			fprintf(stderr, "tamdemo: running the %s child: %s\n",
				tam_allocator_names[a], strerror(errno));
			goto out;
		}
		tam_compare_verdict(res[a], &v[a]);
	}
	tam_compare_table(out, res);
	fputc('\n', out);
	if (!res[TAM_MALLOC]->err && !v[TAM_MALLOC].zeroed)
		fprintf(out, "tamdemo: malloc's second block still held the bytes written into the first.\n");
	if (!res[TAM_CALLOC]->err && v[TAM_CALLOC].rss_lazy)
		fprintf(out, "tamdemo: calloc did not make its block resident either: glibc does not\n"
			"clear memory fresh from the kernel (it is zero already), only reused memory.\n");
	if (f || to_stdout) {
		tam_compare_csv(f ? f : stdout, res);
		if (f && fclose(f)) {
			f = NULL;
			fprintf(stderr, "tamdemo: %s: %s\n", csv, strerror(errno));
			goto out;
		}
		f = NULL;
	}
	ret = 0;
	for (a = 0; a < TAM_NR_ALLOCATORS; a++)
		if (res[a]->err)
			ret = 1;
	a = TAM_TAMALLOC;
	if (!(v[a].zeroed && v[a].vm_immediate && v[a].rss_lazy && v[a].no_charge))
		ret = 1;
out:
	if (f)
		fclose(f);
	for (a = 0; a < TAM_NR_ALLOCATORS; a++)
		tam_compare_free(res[a]);
	return ret;
}

int main(int argc, char **argv)
{
	static char outbuf[BUFSIZ];
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "delay", required_argument, NULL, 'd' },
		{ "every", required_argument, NULL, 'e' },
		{ "compare", no_argument, NULL, 'c' },
		{ "csv", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t size = 32 << 20, every = 0, page = sysconf(_SC_PAGESIZE);
	const char *csv = NULL;
	long delay = 200;
	int c, cmp = 0;

	while ((c = getopt_long(argc, argv, "s:d:e:co:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (tam_parse_size(optarg, &size) || !size) {
				fprintf(stderr, "tamdemo: invalid size '%s'\n", optarg);
				return 2;
			}
			break;
		case 'd':
			if (tam_parse_long(optarg, 0, 10000000, &delay)) {
				fprintf(stderr, "tamdemo: invalid delay '%s'\n", optarg);
				return 2;
			}
			break;
		case 'e':
			if (tam_parse_size(optarg, &every) || !every) {
				fprintf(stderr, "tamdemo: invalid interval '%s'\n", optarg);
				return 2;
			}
			break;
		case 'c':
			cmp = 1;
			break;
		case 'o':
			csv = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tamdemo: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (size > SIZE_MAX) {
		fprintf(stderr, "tamdemo: size too large for this machine\n");
		return 2;
	}
	if (csv && !cmp) {
		fprintf(stderr, "tamdemo: --csv needs --compare\n");
		return 2;
	}
	if (!every)
		every = size / 16 > page ? size / 16 : page;
	/*
	 * stdout's buffer is ours, not malloc's: with the dynamic glibc, the
	 * first row's printf would otherwise create the heap (+132 KiB of
	 * VmSize) between two samples of the scenario, and the demo would
	 * show VmSize moving while pages are written.
	 */
	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
	if (cmp)
		return compare(size, every, delay, csv);

	return demo(size, every, delay);
}
