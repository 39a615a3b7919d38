// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include <string.h>

#include "json.h"

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	size_t len, i;
	uint32_t cp;

	if (*p >= 0xc2 && *p <= 0xdf) {
		len = 2;
		cp = *p & 0x1f;
	} else if (*p >= 0xe0 && *p <= 0xef) {
		len = 3;
		cp = *p & 0x0f;
	} else if (*p >= 0xf0 && *p <= 0xf4) {
		len = 4;
		cp = *p & 0x07;
	} else {
		return 0;
	}
	/* A NUL ends the loop here too: the string is not read past it. */
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

void tam_json_string(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t len;

	putc_unlocked('"', f);
	while (*p) {
		if (*p >= 0x80) {
			len = utf8_len(p);
			if (len) {
				fwrite_unlocked(p, 1, len, f);
				p += len;
			} else {
				fputs_unlocked("\xef\xbf\xbd", f);
				p++;
			}
			continue;
		}
		switch (*p) {
		case '"':
			fputs_unlocked("\\\"", f);
			break;
		case '\\':
			fputs_unlocked("\\\\", f);
			break;
		case '\b':
			fputs_unlocked("\\b", f);
			break;
		case '\f':
			fputs_unlocked("\\f", f);
			break;
		case '\n':
			fputs_unlocked("\\n", f);
			break;
		case '\r':
			fputs_unlocked("\\r", f);
			break;
		case '\t':
			fputs_unlocked("\\t", f);
			break;
		default:
			if (*p < 0x20) {
				fputs_unlocked("\\u00", f);
				putc_unlocked(hex[*p >> 4], f);
				putc_unlocked(hex[*p & 15], f);
			} else {
				putc_unlocked(*p, f);
			}
		}
		p++;
	}
	putc_unlocked('"', f);
}
