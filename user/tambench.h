/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tambench, split by concern: tambench.c (options and main), which calls
 * tambench-alloc.c (1. allocation) and tambench-stats.c (2. statistics with
 * N processes); tambench-common.c holds what the three share (the options
 * the parts read, the clock, medians and the formats of times and ratios).
 */
#ifndef TAMBENCH_H
#define TAMBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KiB	(1ULL << 10)
#define MiB	(1ULL << 20)
#define GiB	(1ULL << 30)

/* The most idle children --procs takes. */
#define MAX_PROCS	100000

extern bool quick;		/* --quick: a tenth of the repetitions */
extern bool use_syscalls;	/* the kernel has the tamalloc syscalls */

uint64_t now_ns(void);

/* The median of v[0..n), which it sorts; 0 for n 0. */
uint64_t median(uint64_t *v, unsigned int n);

/* "1.84 us", "12.3 ms": a duration, to three significant digits at least. */
const char *fmt_ns(char *buf, size_t len, uint64_t ns);

/* num/den as "12x" or "1.5x", "-" if either is 0. */
const char *fmt_ratio(char *buf, size_t len, uint64_t num, uint64_t den);

/* Repetitions wanted, cut short after the time budget once min are done. */
struct reps {
	unsigned int want, min;
	uint64_t budget_ns;
};

void bench_alloc(void);
void bench_stats(const long *ns, unsigned int count);

#endif /* TAMBENCH_H */
