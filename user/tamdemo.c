// SPDX-License-Identifier: GPL-2.0
/*
 * tamdemo: show that tamalloc() memory is reserved at once but committed
 * only page by page as it is written.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tamalloc.h"
#include "util.h"

#define KIB(b)	((unsigned long long)((b) >> 10))

struct sample {
	uint64_t vm, rss, oom, charge;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: tamdemo [-s SIZE] [-d USEC] [-e SIZE]\n"
"Allocate SIZE bytes with tamalloc(), check that they read as zero, then\n"
"write one page at a time and print VmSize, VmRSS, Committed_AS and the\n"
"OOM score as the pages become resident.\n"
"\n"
"  -s, --size SIZE    bytes to allocate (suffix K, M, G; default 32M)\n"
"  -d, --delay USEC   pause after each written page (default 200)\n"
"  -e, --every SIZE   print a row after this many written bytes\n"
"                     (default SIZE/16)\n"
"  -h, --help         show this help\n"
"\n"
"Exit status: 0 if the memory read as zero and VmSize stayed flat while it\n"
"was written, 1 if not, 2 for a usage error.\n");
}

static int sample(struct sample *s)
{
	struct tam_vm_stat st;
	struct tam_mem_stats ms;

	if (tam_vm_stats(getpid(), &st, 1) != 1 || tam_mem_stats(&ms))
		return -1;
	s->vm = st.reserved_bytes;
	s->rss = st.committed_bytes;
	s->oom = st.oom_score;
	s->charge = ms.commit_charge_bytes;
	return 0;
}

static void row(uint64_t touched, const struct sample *s)
{
	printf("%10llu KiB %10llu KiB %10llu KiB %12llu KiB %9" PRIu64 "\n",
	       KIB(touched), KIB(s->vm), KIB(s->rss), KIB(s->charge), s->oom);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "delay", required_argument, NULL, 'd' },
		{ "every", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t size = 32 << 20, every = 0, off, page = sysconf(_SC_PAGESIZE);
	struct sample before, after_read, s, start;
	long delay = 200;
	unsigned char *p;
	int c, bad = 0;

	while ((c = getopt_long(argc, argv, "s:d:e:h", opts, NULL)) != -1) {
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
	if (!every)
		every = size / 16 > page ? size / 16 : page;
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (sample(&before))
		goto stats_failed;
	p = tamalloc(size);
	if (!p) {
		fprintf(stderr, "tamdemo: tamalloc(%" PRIu64 "): %s\n", size,
			strerror(errno));
		return 1;
	}
	printf("tamdemo: tamalloc(%" PRIu64 ") = %p via %s\n", size, (void *)p,
	       tam_kernel_support() ? "the tamalloc syscall" :
				      "mmap(MAP_NORESERVE) (kernel lacks tamalloc)");
	if (sample(&start))
		goto stats_failed;
	printf("tamdemo: right after the call: VmSize %+lld KiB, VmRSS %+lld KiB, Committed_AS %+lld KiB\n",
	       (long long)(start.vm - before.vm) / 1024,
	       (long long)(start.rss - before.rss) / 1024,
	       (long long)(start.charge - before.charge) / 1024);

	for (off = 0; off < size; off++)
		if (p[off]) {
			printf("tamdemo: byte %" PRIu64 " reads %u, not 0\n", off, p[off]);
			bad = 1;
			break;
		}
	if (sample(&after_read))
		goto stats_failed;
	printf("tamdemo: read all %" PRIu64 " bytes: %s; VmRSS %+lld KiB after reading\n",
	       size, bad ? "NOT all zero" : "every byte is 0",
	       (long long)(after_read.rss - start.rss) / 1024);

	printf("%14s %14s %14s %16s %9s\n", "touched", "VmSize", "VmRSS",
	       "Committed_AS", "oom_score");
	row(0, &after_read);
	for (off = 0; off < size; off += page) {
		struct timespec ts = { delay / 1000000, delay % 1000000 * 1000 };

		p[off] = 1;
		if (delay)
			nanosleep(&ts, NULL);
		if ((off + page) % every == 0 || off + page >= size) {
			if (sample(&s))
				goto stats_failed;
			row(off + page < size ? off + page : size, &s);
		}
	}
	printf("tamdemo: while writing %llu KiB: VmSize %+lld KiB, VmRSS %+lld KiB, Committed_AS %+lld KiB\n",
	       KIB(size), (long long)(s.vm - after_read.vm) / 1024,
	       (long long)(s.rss - after_read.rss) / 1024,
	       (long long)(s.charge - after_read.charge) / 1024);
	if (s.vm != after_read.vm) {
		printf("tamdemo: VmSize moved while pages were written\n");
		bad = 1;
	}
	if (tamfree(p, size)) {
		perror("tamdemo: tamfree");
		return 1;
	}
	return bad;

stats_failed:
	fprintf(stderr, "tamdemo: reading memory statistics: %s\n", strerror(errno));
	return 1;
}
