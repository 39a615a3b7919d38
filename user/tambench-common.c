// SPDX-License-Identifier: GPL-2.0
/*
 * What tambench's parts share (tambench.h): the options they read, the
 * clock, medians and the formats of times and ratios.  tambench.c (options
 * and main) calls the two parts, tambench-alloc.c and tambench-stats.c;
 * all three use this file, and this file uses none of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tambench.h"

bool quick;
bool use_syscalls;

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t median(uint64_t *v, unsigned int n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

const char *fmt_ns(char *buf, size_t len, uint64_t ns)
{
	/* Three significant digits at least: 2.41 ms, 24.1 ms, 241.3 ms. */
	if (ns < 10000)
		snprintf(buf, len, "%.2f us", ns / 1e3);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < 10000000)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else if (ns < 10000000000ULL)
		snprintf(buf, len, "%.1f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.1f s", ns / 1e9);
	return buf;
}

const char *fmt_ratio(char *buf, size_t len, uint64_t num, uint64_t den)
{
	if (!num || !den)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, num >= 10 * den ? "%.0fx" : "%.1fx",
			 (double)num / den);
	return buf;
}
