/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the tamalloc command-line tools. */
#ifndef TAM_UTIL_H
#define TAM_UTIL_H

#include <stddef.h>
#include <stdint.h>

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

#endif /* TAM_UTIL_H */
