/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the tamalloc command-line tools. */
#ifndef TAM_UTIL_H
#define TAM_UTIL_H

#include <stdint.h>

/*
 * Parse a size: a whole number of bytes with an optional binary suffix
 * K, M, G or T (KiB, MiB, ... also accepted).  0 on success, -1 if s is not
 * a size or overflows.
 */
int tam_parse_size(const char *s, uint64_t *out);

/* Parse a whole number in [min, max].  0 on success, -1 otherwise. */
int tam_parse_long(const char *s, long min, long max, long *out);

#endif /* TAM_UTIL_H */
