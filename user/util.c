// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

int tam_parse_size(const char *s, uint64_t *out)
{
	static const char *const units[] = { "K", "M", "G", "T" };
	unsigned long long v;
	unsigned int shift = 0, i;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			if (toupper(*end) != units[i][0])
				continue;
			if (!end[1] || !strcasecmp(end + 1, "iB") ||
			    !strcasecmp(end + 1, "B"))
				shift = 10 * (i + 1);
			break;
		}
		if (!shift)
			return -1;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

int tam_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
