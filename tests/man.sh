#!/bin/sh
# SPDX-License-Identifier: MIT
# The man pages: mandoc lint, one page per PBSC_API function, every page installed.
#
# Environment (from AM_TESTS_ENVIRONMENT): top_srcdir, MANDOC; GROFF (default: groff on PATH).
# Exit 0 when every check passes, 1 otherwise, 77 (skip) when mandoc is not available.
#
# 1. Every page under man/ that is not an alias passes `mandoc -Tlint -Wwarning` silently
#    (the tree ships no aliases: they are installed as links; a .so page would still be checked).
#    An alias page is the one line `.so manN/page.N` (mandoc always warns that .so is
#    fragile, so aliases are not linted): its target must exist and be a real page.
# 2. Every function declared PBSC_API in include/pbsc.h is listed with .Nm in the NAME
#    section of a page under man/man3 (its own, or the page `make install` links it to).
# 3. Every page under man/man1, man/man3, man/man5 and man/man7 is listed in Makefile.am, and every
#    page Makefile.am lists exists.
# 4. Every page renders under groff as man(1) renders it: `groff -man -Tutf8 -ww -z` prints no
#    warning, and no line of the page rendered in 80 columns (`groff -man -Tutf8 -rLL=78n`,
#    what man-db does for MANWIDTH=80) is wider than 80 characters. When man-db's man(1) is
#    installed, `MANWIDTH=80 man -l PAGE` must print nothing on stderr and no line wider than 80
#    either. Without groff these checks are skipped with a note (bootstrap installs groff-base).

set -u

: "${top_srcdir:=.}"
: "${MANDOC:=}"
: "${GROFF:=groff}"

me=man.sh

case $MANDOC in
"") ;;
*/*) ;;
*) MANDOC=$(command -v "$MANDOC" 2>/dev/null || :) ;;
esac
if [ -z "$MANDOC" ] || [ ! -f "$MANDOC" ] || [ ! -x "$MANDOC" ]; then
    echo "$me: SKIP: mandoc not found (MANDOC='${MANDOC}')"
    exit 77
fi

man=$top_srcdir/man
header=$top_srcdir/include/pbsc.h
makefile=$top_srcdir/Makefile.am
for f in "$man" "$header" "$makefile"; do
    if [ ! -r "$f" ]; then
        echo "$me: FAIL: cannot read $f"
        exit 1
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbsc-man.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

status=0

fail() {
    echo "$me: FAIL: $*"
    status=1
}

# The target of an alias page ("man3/pbsc_strerror.3"), or nothing for a real page.
so_target() {
    sed -n '1s/^\.so[[:space:]][[:space:]]*\([^[:space:]]*\)[[:space:]]*$/\1/p' "$1"
}

# The names a page lists with .Nm in its NAME section, one a line.
name_section() {
    awk '/^\.Sh[[:space:]]/ { in_name = ($2 == "NAME") ; next }
         in_name && /^\.Nm[[:space:]]/ { print $2 }' "$1"
}

# Pages, as paths relative to man/ ("man3/pbsc.3").
(cd "$man" && find man1 man3 man5 man7 -type f -name '*.[0-9]' 2>/dev/null) \
    | LC_ALL=C sort >"$tmp/pages"
if [ ! -s "$tmp/pages" ]; then
    fail "no man pages under $man"
    exit 1
fi

# ---- 1. lint ------------------------------------------------------------------------------
nlint=0
nalias=0
while read -r page; do
    target=$(so_target "$man/$page")
    if [ -n "$target" ]; then
        nalias=$((nalias + 1))
        if [ "$(wc -l <"$man/$page" | tr -d ' ')" != 1 ]; then
            fail "$page: an alias page must be the one line '.so $target'"
        fi
        case $target in
        man[0-9]/*.[0-9]) ;;
        *) fail "$page: .so target '$target' is not of the form manN/page.N" ;;
        esac
        if [ ! -f "$man/$target" ]; then
            fail "$page: .so target $target does not exist"
        elif [ -n "$(so_target "$man/$target")" ]; then
            fail "$page: .so target $target is itself an alias"
        fi
        continue
    fi
    nlint=$((nlint + 1))
    # Run from man/ so any .so inside a page resolves the way man(1) resolves it.
    (cd "$man" && "$MANDOC" -Tlint -Wwarning "$page") >"$tmp/lint" 2>&1
    rc=$?
    if [ -s "$tmp/lint" ] || [ "$rc" -ne 0 ]; then
        fail "$page: mandoc -Tlint -Wwarning (exit $rc):"
        sed 's/^/  /' "$tmp/lint"
    fi
    # The title line must name the file: .Dt PBSC_RANGE 3 for man3/pbsc_range.3.
    base=${page##*/}
    want_title=${base%.*}
    want_sec=${base##*.}
    dt=$(awk '/^\.Dt[[:space:]]/ { print tolower($2), $3; exit }' "$man/$page")
    if [ "$dt" != "$want_title $want_sec" ]; then
        fail "$page: .Dt '$dt' (lowercased) does not match the file name"
    fi
    if [ "${page%%/*}" != "man$want_sec" ]; then
        fail "$page: section $want_sec page in ${page%%/*}"
    fi
done <"$tmp/pages"

# ---- 2. coverage --------------------------------------------------------------------------
# A declaration starts on a line beginning with PBSC_API and runs to its first '(': the
# function's name is the word right before it.
awk '
    /^PBSC_API[[:space:]]/ { decl = ""; open = 1 }
    open {
        decl = decl " " $0
        if (index(decl, "(") > 0) {
            decl = substr(decl, 1, index(decl, "(") - 1)
            sub(/[[:space:]]+$/, "", decl)
            if (match(decl, /[A-Za-z_][A-Za-z0-9_]*$/))
                print substr(decl, RSTART, RLENGTH)
            open = 0
        } else if (index(decl, ";") > 0) {
            open = 0
        }
    }' "$header" | LC_ALL=C sort -u >"$tmp/functions"
if [ ! -s "$tmp/functions" ]; then
    fail "no PBSC_API function found in $header"
fi
# Every name the NAME sections list: the main pages, and the links installed for the others
# (Makefile.am's install-data-hook makes man3/<name>.3 a link to its page).
for page in "$man"/man3/*.3; do
    [ -n "$(so_target "$page")" ] || name_section "$page"
done | LC_ALL=C sort -u >"$tmp/names"
nfunc=0
while read -r fn; do
    nfunc=$((nfunc + 1))
    if ! grep -qx "$fn" "$tmp/names"; then
        fail "$fn: no page lists it in its NAME section (.Nm)"
    fi
done <"$tmp/functions"

# ---- 3. installed -------------------------------------------------------------------------
# Every word of Makefile.am that names a page: man/manN/page.N.
sed 's/\\$//' "$makefile" | tr -s '[:blank:]' '\n' | grep '^man/man[0-9]/.*\.[0-9]$' \
    | sed 's:^man/::' | LC_ALL=C sort -u >"$tmp/listed"
LC_ALL=C comm -23 "$tmp/pages" "$tmp/listed" >"$tmp/diff"
while read -r page; do
    fail "man/$page is not listed in Makefile.am (it would not be installed)"
done <"$tmp/diff"
LC_ALL=C comm -13 "$tmp/pages" "$tmp/listed" >"$tmp/diff"
while read -r page; do
    fail "Makefile.am lists man/$page, which does not exist"
done <"$tmp/diff"

# ---- 4. groff and man(1) ------------------------------------------------------------------
# The longest line of a rendering, in characters: UTF-8 continuation bytes are not counted.
too_wide() {
    LC_ALL=C tr -d '\200-\277' <"$1" | awk -v p="$2" -v how="$3" '
        length($0) > 80 { printf "%s: %s: line %d is %d columns wide:\n  %s\n", p, how, NR, length($0), $0; bad = 1 }
        END { exit bad }'
}
ngroff=0
nman=0
GROFF=$(command -v "$GROFF" 2>/dev/null || :)
MAN=
if command -v man >/dev/null 2>&1 && man --version 2>/dev/null | grep -q '^man '; then
    MAN=$(command -v man)
fi
if [ -z "$GROFF" ]; then
    echo "$me: note: groff not found: the groff and man(1) rendering checks are skipped"
else
    while read -r page; do
        [ -z "$(so_target "$man/$page")" ] || continue
        ngroff=$((ngroff + 1))
        (cd "$man" && "$GROFF" -man -Tutf8 -ww -z "$page") >"$tmp/groff" 2>&1
        rc=$?
        if [ -s "$tmp/groff" ] || [ "$rc" -ne 0 ]; then
            fail "$page: groff -man -Tutf8 -ww -z (exit $rc):"
            sed 's/^/  /' "$tmp/groff"
        fi
        # -P-cbou: plain text, no SGR, bold or underline sequences to count.
        (cd "$man" && "$GROFF" -man -Tutf8 -P-cbou -rLL=78n -rLT=78n "$page") \
            >"$tmp/render" 2>/dev/null
        too_wide "$tmp/render" "$page" "groff -rLL=78n" >"$tmp/wide" ||
            fail "$(cat "$tmp/wide")"
        if [ -n "$MAN" ]; then
            nman=$((nman + 1))
            (cd "$man" && MANWIDTH=80 MANPAGER=cat PAGER=cat MAN_KEEP_FORMATTING= \
                "$MAN" -l "$page") >"$tmp/render" 2>"$tmp/manerr"
            rc=$?
            if [ -s "$tmp/manerr" ] || [ "$rc" -ne 0 ]; then
                fail "$page: MANWIDTH=80 man -l (exit $rc):"
                sed 's/^/  /' "$tmp/manerr"
            fi
            too_wide "$tmp/render" "$page" "MANWIDTH=80 man -l" >"$tmp/wide" ||
                fail "$(cat "$tmp/wide")"
        fi
    done <"$tmp/pages"
fi

if [ "$status" -eq 0 ]; then
    echo "$me: $nlint pages lint clean, $nalias aliases resolve," \
        "$nfunc PBSC_API functions documented, all pages installed;" \
        "$ngroff render under groff without warnings in 80 columns ($nman checked by man -l too)"
fi
exit "$status"
