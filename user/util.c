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

int tam_parse_list(const char *list,
		   int (*item)(const char *tok, size_t len, void *arg),
		   void *arg)
{
	const char *p = list, *end;
	int ret;

	for (;;) {
		end = strchrnul(p, ',');
		ret = item(p, (size_t)(end - p), arg);
		if (ret || !*end)
			return ret;
		p = end + 1;
	}
}

char *tam_format_size(char *p, uint64_t bytes, enum tam_unit unit,
		      unsigned int flags)
{
	static const char sfx[] = "KMGTPE";
	double v = (double)bytes;
	int i = -1;

	switch (unit) {
	case TAM_UNIT_BYTES:
		p = tam_put_u64(p, bytes);
		break;
	case TAM_UNIT_KIB:
		p = tam_put_u64(p, (bytes >> 10) + ((bytes & 1023) >= 512));
		break;
	case TAM_UNIT_MIB:
		return tam_format_fixed(bytes / 1048576.0, 2, p, TAM_SIZE_MAX);
	case TAM_UNIT_GIB:
		return tam_format_fixed(bytes / 1073741824.0, 2, p, TAM_SIZE_MAX);
	case TAM_UNIT_HUMAN:
		while (v >= 1024 && i < (int)sizeof(sfx) - 2) {
			v /= 1024;
			i++;
		}
		if (i < 0) {
			p = tam_put_u64(p, bytes);
		} else {
			p = tam_format_fixed(v, 1, p, TAM_SIZE_MAX - 5);
			/* "32.0M" reads better as "32M" */
			if (p[-2] == '.' && p[-1] == '0')
				p -= 2;
		}
		if (flags & TAM_SIZE_IEC)
			*p++ = ' ';
		*p++ = i < 0 ? 'B' : sfx[i];
		if ((flags & TAM_SIZE_IEC) && i >= 0)
			p = stpcpy(p, "iB");
		break;
	}
	*p = '\0';
	return p;
}

void tam_md_table(FILE *f, const char *const *cells, size_t nrows,
		  size_t ncols, const struct tam_md_col *cols)
{
	int width[16] = { 0 }, w;
	size_t r, c;

	if (ncols > sizeof(width) / sizeof(width[0]))
		ncols = sizeof(width) / sizeof(width[0]);
	for (c = 0; c < ncols; c++) {
		width[c] = cols ? cols[c].width : 0;
		for (r = 0; r < nrows; r++) {
			w = (int)strlen(cells[r * ncols + c]);
			if (w > width[c])
				width[c] = w;
		}
	}
	for (r = 0; r < nrows; r++) {
		for (c = 0; c < ncols; c++)
			fprintf(f, !r || !cols || cols[c].left ? "| %-*s " : "| %*s ",
				width[c], cells[r * ncols + c]);
		fputs("|\n", f);
		if (r)
			continue;
		for (c = 0; c < ncols; c++) {
			fputc('|', f);
			for (w = 0; w < width[c] + 2; w++)
				fputc('-', f);
		}
		fputs("|\n", f);
	}
}
