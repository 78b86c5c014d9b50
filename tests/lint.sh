#!/bin/sh
# SPDX-License-Identifier: MIT
# Rules of the library's source a compiler does not check:
#   - numbers are formatted and parsed only through lib/cnum.c (pbsc_fmt, pbsc_vfmt,
#     pbsc_strtod), so the host's LC_NUMERIC never reaches a file, a reason or a hash;
#   - the library never changes the process locale (no setlocale) and never uses the
#     locale-dependent <ctype.h> classifiers.
# Environment: top_srcdir. Exit 0 when clean, 1 with the offending lines.

set -u
: "${top_srcdir:=.}"

bad=$(grep -nE '\b(v?s?n?printf|strto[dfl]d?|ato[fil]|sscanf|setlocale|is(alpha|digit|space|alnum|upper|lower|punct|xdigit)|to(lower|upper))[[:space:]]*\(' \
    "$top_srcdir"/lib/*.c "$top_srcdir"/lib/*.h | grep -v '^[^:]*/lib/cnum\.c:' |
    grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/?\*|//)')
if [ -n "$bad" ]; then
    echo "lint.sh: FAIL: locale-dependent calls outside lib/cnum.c:"
    echo "$bad"
    exit 1
fi
echo "lint.sh: PASS"
