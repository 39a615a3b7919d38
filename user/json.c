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

char *tam_json_quote(char *dst, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	char *o = dst;
	size_t len;

	*o++ = '"';
	while (*p) {
		if (*p >= 0x80) {
			len = utf8_len(p);
			if (len) {
				memcpy(o, p, len);
				o += len;
				p += len;
			} else {
				memcpy(o, "\xef\xbf\xbd", 3);
				o += 3;
				p++;
			}
			continue;
		}
		if (*p >= 0x20 && *p != '"' && *p != '\\') {
			*o++ = (char)*p++;
			continue;
		}
		*o++ = '\\';
		switch (*p) {
		case '"':
		case '\\':
			*o++ = (char)*p;
			break;
		case '\b':
			*o++ = 'b';
			break;
		case '\f':
			*o++ = 'f';
			break;
		case '\n':
			*o++ = 'n';
			break;
		case '\r':
			*o++ = 'r';
			break;
		case '\t':
			*o++ = 't';
			break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[*p >> 4];
			o[4] = hex[*p & 15];
			o += 5;
		}
		p++;
	}
	*o++ = '"';
	*o = '\0';
	return o;
}
