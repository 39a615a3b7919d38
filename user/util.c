// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
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

char *tam_put_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

char *tam_format_fixed(double v, unsigned int prec, char *buf, size_t size)
{
	static const uint64_t pow10[] = { 1, 10, 100, 1000 };
	uint64_t bits, mant, t, q, rem, half, unit;
	unsigned int exp, shift, i;
	char *p, frac[3];

	/*
	 * v is mant / 2^shift exactly; v * 10^prec rounded is then integer
	 * arithmetic.  Negative, huge, NaN and infinite values, and a buffer
	 * too small for the longest result, go to snprintf.
	 */
	memcpy(&bits, &v, sizeof(bits));
	exp = (unsigned int)(bits >> 52 & 0x7ff);
	mant = bits & ((UINT64_C(1) << 52) - 1);
	if ((bits >> 63) || exp >= 1075 || prec > 3 || size < 26) {
		snprintf(buf, size, "%.*f", (int)prec, v);
		return buf + strlen(buf);
	}
	if (exp) {
		mant |= UINT64_C(1) << 52;
		shift = 1075 - exp;
	} else {
		shift = 1074;
	}
	unit = pow10[prec];
	t = mant * unit;			/* < 2^53 * 1000 < 2^63 */
	if (shift >= 64) {
		q = 0;				/* v * unit < 2^-1 */
	} else {
		q = t >> shift;
		rem = t & ((UINT64_C(1) << shift) - 1);
		half = UINT64_C(1) << (shift - 1);
		if (rem > half || (rem == half && (q & 1)))
			q++;
	}
	/* Digits by constant divisions: an emulator pays dearly for div. */
	for (i = prec; i; i--) {
		frac[i - 1] = (char)('0' + q % 10);
		q /= 10;
	}
	p = tam_put_u64(buf, q);
	if (prec) {
		*p++ = '.';
		memcpy(p, frac, prec);
		p += prec;
	}
	*p = '\0';
	return p;
}
