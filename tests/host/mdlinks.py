#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the relative links of Markdown files: every one must resolve.

    tests/host/mdlinks.py FILE.md...

A link [text](target) or ![alt](target), or a reference definition
[label]: target, whose target has no scheme (http:, mailto:, ...) must name
a file or folder that exists, relative to the Markdown file, and its
#anchor, if any, a heading of the Markdown file it names (or of the same
file for a bare #anchor), by GitHub's rule: lower case, punctuation but
- and _ dropped, spaces as -, and -1, -2 ... after a repeated heading.
Code blocks and code spans are not read.  Prints one line per broken link,
FILE:LINE: TARGET: WHY, and exits 1 if there was one.
"""
import os
import re
import sys
import urllib.parse

LINK = re.compile(r'!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)')
REFDEF = re.compile(r'^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$')
SCHEME = re.compile(r'^[a-zA-Z][a-zA-Z0-9+.-]*:')
HEADING = re.compile(r'^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$')
ANCHOR_TAG = re.compile(r'<a\s+(?:name|id)="([^"]+)"')


def strip_code(lines):
    """The lines with fenced blocks blanked and code spans removed."""
    out, fence = [], None
    for line in lines:
        m = re.match(r'^\s{0,3}(`{3,}|~{3,})', line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append('')
            continue
        if m:
            fence = m.group(1)
            out.append('')
            continue
        out.append(re.sub(r'(`+)(?:(?!\1).)+?\1', '', line))
    return out


def slug(text):
    """GitHub's anchor for a heading's text."""
    text = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', text)   # links: their text
    text = re.sub(r'<[^>]+>', '', text)                        # inline HTML
    text = text.strip().lower()
    text = ''.join(c for c in text if c.isalnum() or c in ' -_')
    return text.replace(' ', '-')


_anchors = {}


def anchors(path):
    if path not in _anchors:
        seen, found = {}, set()
        with open(path, encoding='utf-8') as f:
            lines = f.read().splitlines()
        fence = None
        for line in lines:
            m = re.match(r'^\s{0,3}(`{3,}|~{3,})', line)
            if fence:
                if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                    fence = None
                continue
            if m:
                fence = m.group(1)
                continue
            for a in ANCHOR_TAG.findall(line):
                found.add(a)
            h = HEADING.match(line)
            if not h:
                continue
            s = slug(h.group(2))
            n = seen.get(s, 0)
            seen[s] = n + 1
            found.add(s if n == 0 else f'{s}-{n}')
        _anchors[path] = found
    return _anchors[path]


def check(md):
    bad = []
    with open(md, encoding='utf-8') as f:
        lines = strip_code(f.read().splitlines())
    base = os.path.dirname(md)
    for no, line in enumerate(lines, 1):
        targets = LINK.findall(line)
        m = REFDEF.match(line)
        if m:
            targets.append(m.group(1))
        for t in targets:
            if SCHEME.match(t) or t.startswith('//'):
                continue
            path, _, frag = t.partition('#')
            path = urllib.parse.unquote(path)
            dest = os.path.normpath(os.path.join(base, path)) if path else md
            if not os.path.exists(dest):
                bad.append(f'{md}:{no}: {t}: no such file {dest}')
                continue
            if frag:
                if os.path.isdir(dest) or not dest.endswith('.md'):
                    bad.append(f'{md}:{no}: {t}: an anchor in a file that is not Markdown')
                elif urllib.parse.unquote(frag) not in anchors(dest):
                    bad.append(f'{md}:{no}: {t}: no heading #{frag} in {dest}')
    return bad


def main():
    if len(sys.argv) < 2:
        sys.exit('usage: tests/host/mdlinks.py FILE.md...')
    bad = []
    for md in sys.argv[1:]:
        bad += check(md)
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
