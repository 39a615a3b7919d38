/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the tamalloc command-line tools. */
#ifndef TAM_UTIL_H
#define TAM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Parse a size: a whole number of bytes with an optional binary suffix
 * K, M, G or T (KiB, MiB, ... also accepted).  0 on success, -1 if s is not
 * a size or overflows.
 */
int tam_parse_size(const char *s, uint64_t *out);

/* Parse a whole number in [min, max].  0 on success, -1 otherwise. */
int tam_parse_long(const char *s, long min, long max, long *out);

/*
 * Write v in decimal at p, without a NUL; returns the end.  p needs room
 * for 20 bytes.
 */
char *tam_put_u64(char *p, uint64_t v);

/*
 * Write v with prec (0 to 3) decimals: the same text as snprintf(buf, size,
 * "%.*f", prec, v), ties rounded to even as glibc does, at a fraction of
 * the cost for v in [0, 2^52) (tamstat prints thousands of these).
 * Returns the end of the text (its NUL).
 */
char *tam_format_fixed(double v, unsigned int prec, char *buf, size_t size);

/*
 * Call item(tok, len, arg) for each item of a comma-separated list, an
 * empty one included (len 0), so that "1,,2" and "1," can be refused.
 * Stops at the first nonzero return and returns it; 0 at the end.
 */
int tam_parse_list(const char *list,
		   int (*item)(const char *tok, size_t len, void *arg),
		   void *arg);

/* The units of tam_format_size(). */
enum tam_unit { TAM_UNIT_BYTES, TAM_UNIT_KIB, TAM_UNIT_MIB, TAM_UNIT_GIB,
		TAM_UNIT_HUMAN };

/* Room tam_format_size() needs, with its NUL. */
#define TAM_SIZE_MAX	32

/* tam_format_size() flags: HUMAN with the unit's name ("1.5 KiB", "4 GiB"). */
#define TAM_SIZE_IEC	0x1

/*
 * Every size the tools print, as procps' scale_size() prints free(1)'s:
 * bytes in unit at p (TAM_SIZE_MAX bytes), NUL-terminated; returns the
 * end.  BYTES and KIB are whole numbers (KiB rounded to the nearest), MIB
 * and GIB have two decimals, HUMAN takes the largest binary unit the size
 * reaches, one decimal without a ".0", and the unit's letter: "512B",
 * "1.5K", "32M" (with TAM_SIZE_IEC: "512 B", "1.5 KiB", "32 MiB").
 */
char *tam_format_size(char *p, uint64_t bytes, enum tam_unit unit,
		      unsigned int flags);

/* A column of tam_md_table(): its least width, and its cells' alignment. */
struct tam_md_col {
	int width;
	bool left;		/* cells left-aligned (else right) */
};

/*
 * Print a Markdown table: cells[r * ncols + c] is row r's cell c, row 0 the
 * header (always left-aligned); every column is as wide as its widest cell
 * or its cols[c].width.  cols NULL: every column left-aligned.
 */
void tam_md_table(FILE *f, const char *const *cells, size_t nrows,
		  size_t ncols, const struct tam_md_col *cols);

#endif /* TAM_UTIL_H */
