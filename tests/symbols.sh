#!/bin/sh
# SPDX-License-Identifier: MIT
# The exported symbols of libpbsc.so, the version script and the PBSC_API header must agree.
#
# Environment (from AM_TESTS_ENVIRONMENT): top_srcdir, top_builddir, NM.
# Exit 0 when the three sets are equal and all start with pbsc_, 1 otherwise, 77 (skip) when
# no shared library was built.

set -u

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
: "${NM:=nm}"

map=$top_srcdir/lib/libpbsc.map
header=$top_srcdir/include/pbsc.h
libdir=$top_builddir/lib/.libs

# The real shared object: libtool records its soname in the .la file (dlname='libpbsc.so.0').
so=""
la=$top_builddir/lib/libpbsc.la
if [ -f "$la" ]; then
    dlname=$(sed -n "s/^dlname='\(.*\)'\$/\1/p" "$la")
    if [ -n "$dlname" ] && [ -f "$libdir/$dlname" ]; then
        so=$libdir/$dlname
    fi
fi
if [ -z "$so" ]; then
    for f in "$libdir"/libpbsc.so "$libdir"/libpbsc.so.*; do
        if [ -f "$f" ]; then
            so=$f
            break
        fi
    done
fi
if [ -z "$so" ]; then
    echo "symbols.sh: SKIP: no shared libpbsc in $libdir"
    exit 77
fi
for f in "$map" "$header"; do
    if [ ! -r "$f" ]; then
        echo "symbols.sh: FAIL: cannot read $f"
        exit 1
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbsc-symbols.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Version node names (PBSC_0 { ... };): nm -D lists them as absolute symbols; not exports.
sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_.]*\)[[:space:]]*{.*/\1/p' "$map" \
    | LC_ALL=C sort -u >"$tmp/nodes"

# 1. What the shared object exports: defined dynamic symbols, "@@PBSC_0" version suffix
#    dropped, absolute symbols (version nodes) and the version node names left out.
# shellcheck disable=SC2086 # NM may carry options ("nm -B").
if ! $NM -D --defined-only "$so" >"$tmp/nm.out"; then
    echo "symbols.sh: FAIL: $NM -D --defined-only $so failed"
    exit 1
fi
awk 'NF >= 2 { type = $(NF - 1); name = $NF;
               sub(/@.*/, "", name);
               if (type != "A" && type != "a" && name != "") print name }' "$tmp/nm.out" \
    | LC_ALL=C sort -u >"$tmp/all"
LC_ALL=C comm -23 "$tmp/all" "$tmp/nodes" >"$tmp/so"

# 2. The global: section of the version script (comments removed; names end with ';').
sed 's:/\*.*\*/::g; s:#.*$::' "$map" | awk '
    /local[[:space:]]*:/  { inglobal = 0 }
    /}/                   { inglobal = 0 }
    /global[[:space:]]*:/ { inglobal = 1; sub(/.*global[[:space:]]*:/, "") }
    inglobal {
        n = split($0, parts, ";")
        for (i = 1; i <= n; i++) {
            s = parts[i]; gsub(/[[:space:]]/, "", s)
            if (s != "") print s
        }
    }' | LC_ALL=C sort -u >"$tmp/map"

# 3. The header: a declaration starts on a line beginning with PBSC_API and runs to its first
#    '(' (a function: the name right before it) or ';' ("PBSC_API extern ..." data: the last
#    name before ';', '[' or '=').
awk '
    function emit(decl) {
        if (index(decl, "(") > 0)
            decl = substr(decl, 1, index(decl, "(") - 1)
        else if (decl ~ /(^|[[:space:]])extern[[:space:]]/)
            sub(/[[;=].*/, "", decl)
        else
            return
        sub(/[[:space:]]+$/, "", decl)
        if (match(decl, /[A-Za-z_][A-Za-z0-9_]*$/))
            print substr(decl, RSTART, RLENGTH)
    }
    /^PBSC_API[[:space:]]/ { decl = ""; open = 1 }
    open {
        decl = decl " " $0
        if (index(decl, "(") > 0 || index(decl, ";") > 0) { emit(decl); open = 0 }
    }' "$header" | LC_ALL=C sort -u >"$tmp/header"

status=0

# Reports the names in file $1 (called $2) that file $3 (called $4) lacks.
only_in() {
    LC_ALL=C comm -23 "$1" "$3" >"$tmp/diff"
    if [ -s "$tmp/diff" ]; then
        echo "symbols.sh: in $2 but not in $4:"
        sed 's/^/  /' "$tmp/diff"
        status=1
    fi
}

so_name="nm -D $(basename "$so")"
only_in "$tmp/so" "$so_name" "$tmp/map" "lib/libpbsc.map"
only_in "$tmp/map" "lib/libpbsc.map" "$tmp/so" "$so_name"
only_in "$tmp/header" "PBSC_API in include/pbsc.h" "$tmp/map" "lib/libpbsc.map"
only_in "$tmp/map" "lib/libpbsc.map" "$tmp/header" "PBSC_API in include/pbsc.h"

if grep -v '^pbsc_' "$tmp/so" >"$tmp/diff"; then
    echo "symbols.sh: exported without the pbsc_ prefix:"
    sed 's/^/  /' "$tmp/diff"
    status=1
fi

if [ ! -s "$tmp/so" ]; then
    echo "symbols.sh: FAIL: $so exports nothing"
    status=1
fi

if [ "$status" -eq 0 ]; then
    echo "symbols.sh: $(wc -l <"$tmp/so" | tr -d ' ') symbols agree ($so_name, map, header)"
fi
exit "$status"
