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

/*
 * Copy the UTF-8 sequence at p (lead byte >= 0x80) to *o, or U+FFFD if it
 * is not valid; advance *o and return how many bytes of p were used.
 */
static size_t put_utf8(char **o, const unsigned char *p)
{
	size_t len = utf8_len(p);

	if (!len) {
		memcpy(*o, "\xef\xbf\xbd", 3);
		*o += 3;
		return 1;
	}
	memcpy(*o, p, len);
	*o += len;
	return len;
}

/*
 * dst = s quoted: valid UTF-8 copied (or U+FFFD), each ASCII byte written
 * by ascii(), which returns the end of what it wrote.
 */
static char *quote(char *dst, const char *s,
		   char *(*ascii)(char *o, unsigned char c))
{
	const unsigned char *p = (const unsigned char *)s;
	char *o = dst;

	*o++ = '"';
	while (*p) {
		if (*p >= 0x80)
			p += put_utf8(&o, p);
		else
			o = ascii(o, *p++);
	}
	*o++ = '"';
	*o = '\0';
	return o;
}

/* JSON: '"', '\\' and every control character escaped. */
static char *json_ascii(char *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	if (c >= 0x20 && c != '"' && c != '\\') {
		*o++ = (char)c;
		return o;
	}
	*o++ = '\\';
	switch (c) {
	case '"':
	case '\\':
		*o++ = (char)c;
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
		o[3] = hex[c >> 4];
		o[4] = hex[c & 15];
		o += 5;
	}
	return o;
}

/* Prometheus label values: '\\', '"' and line feed escaped. */
static char *prom_ascii(char *o, unsigned char c)
{
	if (c == '\\' || c == '"' || c == '\n') {
		*o++ = '\\';
		*o++ = c == '\n' ? 'n' : (char)c;
	} else {
		*o++ = (char)c;
	}
	return o;
}

char *tam_json_quote(char *dst, const char *s)
{
	return quote(dst, s, json_ascii);
}

char *tam_prom_quote(char *dst, const char *s)
{
	return quote(dst, s, prom_ascii);
}
