/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON strings and Prometheus label values from arbitrary bytes, for
 * tamstat -J and --prometheus.
 *
 * tamstat prints tables with libsmartcols, but writes JSON itself: with
 * libsmartcols (or json-c) the JSON text of 1000 processes costs 15-17
 * million instructions, more than reading them all through /proc, which
 * would hide the vm_stats(2) speed-up.  What JSON needs from a library is
 * its string escaping: that is here, in one place, and tests/host/lib_test.c
 * checks it byte by byte.
 */
#ifndef TAM_JSON_H
#define TAM_JSON_H

#include <string.h>

/* Room tam_json_quote() may need for s: every byte escaped, and quotes. */
#define TAM_JSON_QUOTED_MAX(len)	(6 * (len) + 3)

/*
 * Write s at dst as a JSON string, NUL-terminated: quoted, with '"', '\\'
 * and every control character (U+0000-U+001F) escaped, and each byte that
 * is not part of valid UTF-8 (stray continuation bytes, overlong forms,
 * UTF-16 surrogates, code points past U+10FFFF, a sequence cut short)
 * replaced by U+FFFD.  The result is valid UTF-8 JSON (RFC 8259) for any
 * input.  dst needs TAM_JSON_QUOTED_MAX(strlen(s)) bytes; returns the end
 * of the text (the NUL).
 */
char *tam_json_quote(char *dst, const char *s);

/* Room tam_prom_quote() may need for s. */
#define TAM_PROM_QUOTED_MAX(len)	(3 * (len) + 3)

/*
 * Write s at dst as a Prometheus text-format (0.0.4) label value,
 * NUL-terminated: quoted, with '\\', '"' and line feed escaped as the format
 * requires, and invalid UTF-8 replaced by U+FFFD as above (the format's
 * label values are UTF-8).  dst needs TAM_PROM_QUOTED_MAX(strlen(s))
 * bytes; returns the end of the text (the NUL).
 */
char *tam_prom_quote(char *dst, const char *s);

#endif /* TAM_JSON_H */
