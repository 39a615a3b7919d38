// SPDX-License-Identifier: GPL-2.0
/*
 * tambench: how fast tamalloc(2), vm_stats(2) and mem_stats(2) are next to
 * what they replace, measured in one run on one machine.  It reports
 * medians and ratios; it never judges them.
 *
 *   1. Allocation (tambench-alloc.c): tamalloc() against mmap(MAP_NORESERVE),
 *      calloc and malloc+memset, from 4 KiB to 1 GiB: latency, and the VmRSS
 *      and Committed_AS each call causes.
 *   2. Statistics with N idle processes (tambench-stats.c): vm_stats(0)
 *      against the /proc walk ps and top do and against ps itself;
 *      mem_stats() against /proc/meminfo plus that walk.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tamalloc.h"
#include "tambench.h"
#include "util.h"

/*
 * Short calls need a high-resolution CLOCK_MONOTONIC.  Under qemu TCG the
 * guest kernel marks the TSC unstable and falls back to jiffies (4 ms steps)
 * unless booted with tsc=reliable, as scripts/vm-run does: say which it is.
 */
static void show_timer(void)
{
	struct timespec res;

	if (clock_getres(CLOCK_MONOTONIC, &res))
		res.tv_sec = res.tv_nsec = 0;
	printf("Timer: CLOCK_MONOTONIC, resolution %ld ns%s.\n\n", res.tv_nsec,
	       res.tv_sec || res.tv_nsec > 1000 ?
	       " (coarse: short times are meaningless; a guest under qemu TCG\n"
	       "needs tsc=reliable and tsc_early_khz=, as scripts/vm-run gives it)" : "");
}

/* --procs N[,N...]: up to 16 counts. */
struct procs {
	long *ns;
	unsigned int count;
};

static int add_procs(const char *tok, size_t len, void *arg)
{
	struct procs *pr = arg;
	char buf[16];

	if (len >= sizeof(buf) || pr->count == 16)
		goto bad;
	memcpy(buf, tok, len);
	buf[len] = '\0';
	if (tam_parse_long(buf, 1, MAX_PROCS, &pr->ns[pr->count]))
		goto bad;
	pr->count++;
	return 0;
bad:
	fprintf(stderr, "tambench: invalid process count '%.*s' in --procs (want N[,N...], 1-%d, at most 16)\n",
		(int)len, tok, MAX_PROCS);
	return 2;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: tambench [--alloc] [--stats] [--procs N[,N...]] [--quick]\n"
"Benchmark tamalloc(2) against mmap, calloc and malloc+memset, and\n"
"vm_stats(2) and mem_stats(2) against /proc and ps, and print Markdown tables\n"
"of medians and ratios.  Without --alloc or --stats, both.\n"
"\n"
"  -a, --alloc         allocation latency and memory, 4 KiB to 1 GiB\n"
"  -s, --stats         statistics with N idle processes\n"
"  -p, --procs LIST    the values of N, at most 100000 each (default\n"
"                      1000,4000,16000,32000)\n"
"  -q, --quick         a tenth of the repetitions (a smoke test)\n"
"  -h, --help          show this help\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alloc", no_argument, NULL, 'a' },
		{ "stats", no_argument, NULL, 's' },
		{ "procs", required_argument, NULL, 'p' },
		{ "quick", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long ns[16] = { 1000, 4000, 16000, 32000 };
	unsigned int count = 4;
	bool alloc = false, stats = false;
	struct procs pr = { ns, 0 };
	uint64_t t0;
	int c;

	while ((c = getopt_long(argc, argv, "asp:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			alloc = true;
			break;
		case 's':
			stats = true;
			break;
		case 'p':
			pr.count = 0;
			if (tam_parse_list(optarg, add_procs, &pr))
				return 2;
			count = pr.count;
			break;
		case 'q':
			quick = true;
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
		fprintf(stderr, "tambench: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!alloc && !stats)
		alloc = stats = true;
	setvbuf(stdout, NULL, _IOLBF, 0);
	use_syscalls = tam_kernel_support();
	t0 = now_ns();
	printf("# tambench%s: %s, %ld CPUs, %llu MiB RAM\n\n", quick ? " --quick" : "",
	       use_syscalls ? "tamalloc syscalls present" : "no tamalloc syscalls (library fallback)",
	       sysconf(_SC_NPROCESSORS_ONLN),
	       (unsigned long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE) / MiB);
	show_timer();
	if (alloc)
		bench_alloc();
	if (stats)
		bench_stats(ns, count);
	printf("\ntambench: done in %.0f s\n", (now_ns() - t0) / 1e9);
	return 0;
}
