#!/bin/sh
# SPDX-License-Identifier: MIT
# Golden-output tests of the example programs: run each tests/golden/NAME.args, compare.
#
# NAME.args  one line: the arguments, split into words by the shell (no quoting, no globbing).
#            When the first word names a program (pbsc-*), that program runs; else pbsc-yield.
#            The program runs in $top_srcdir, so paths such as examples/data/x.csv work.
# NAME.in    optional: the program's standard input (default: /dev/null).
# NAME.out   "exit N" on the first line, then the expected standard output.
# NAME.err   optional, for N != 0 only: the expected standard error.
#
# A NAME.out whose output (after the exit line) starts with "{" is JSON: it must parse
# (python3 -m json.tool; skipped, with a note, when python3 is not installed). One that starts
# with "<?xml" (an SVG chart) or "<!DOCTYPE html" (a report) must be well-formed XML
# (xmllint --noout; skipped, with a note, when xmllint is not installed). One that starts with
# "MSH|" (pbsc-hl7's reply) must read with python-hl7 as documented (tests/hl7_check.py parse;
# skipped, with a note, without python3-hl7).
# The library version is written @VERSION@ in .out/.err, so a release does not touch them.
# PBSC_GOLDEN_UPDATE=1 rewrites .out (and .err for N != 0) from what the programs print now;
# review the diff before committing it. Arguments, if any, are the NAMEs to run.
# Environment (set by `make check`): top_srcdir, top_builddir, EXEEXT.

set -u

here=$(dirname "$0")
top_srcdir=${top_srcdir:-$here/..}
top_builddir=${top_builddir:-.}
EXEEXT=${EXEEXT:-}
update=${PBSC_GOLDEN_UPDATE:-0}

srcdir=$(cd "$top_srcdir" && pwd) || exit 99
builddir=$(cd "$top_builddir" && pwd) || exit 99
golden=$srcdir/tests/golden

# The version the build was configured with, from the generated header (not from a program
# under test, so a program printing the wrong version still fails).
version=$(sed -n 's/^#define PBSC_VERSION_STRING "\(.*\)"$/\1/p' \
    "$builddir/include/pbsc_version.h" 2>/dev/null)
if [ -z "$version" ]; then
    echo "golden.sh: cannot read PBSC_VERSION_STRING from $builddir/include/pbsc_version.h" >&2
    exit 99
fi
version_re=$(printf '%s\n' "$version" | sed 's/[][\.*^$/]/\\&/g')

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbsc-golden.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' HUP INT TERM

# The version, and an HL7 reply's control id (a hash of the message, which holds the
# version: pbsc_hl7_advice(3); tests/check_hl7_out pins the rule).
normalize() {
    sed -e "s/$version_re/@VERSION@/g" -e 's/PBSC[0-9a-f]\{16\}/PBSC@CONTROL@/g' "$1"
}

# run_case NAME: runs it, leaves $tmp/out (exit line + stdout) and $tmp/err; 0 = ran.
run_case() {
    case_name=$1
    line=
    IFS= read -r line <"$golden/$1.args" || [ -n "$line" ] || {
        echo "golden.sh: $1.args: empty" >&2
        return 1
    }
    set -f
    # shellcheck disable=SC2086 # word splitting is the point
    set -- $line
    set +f
    prog=pbsc-yield
    case ${1:-} in
    pbsc-*) prog=$1; shift ;;
    esac
    bin=$builddir/examples/$prog$EXEEXT
    if [ ! -x "$bin" ]; then
        echo "golden.sh: $bin: not built" >&2
        return 1
    fi
    input=/dev/null
    [ -f "$golden/$case_name.in" ] && input=$golden/$case_name.in
    (cd "$srcdir" && exec "$bin" "$@") <"$input" >"$tmp/stdout" 2>"$tmp/stderr"
    status=$?
    { echo "exit $status"; normalize "$tmp/stdout"; } >"$tmp/out"
    normalize "$tmp/stderr" >"$tmp/err"
    return 0
}

have_python3=0
if command -v python3 >/dev/null 2>&1; then
    have_python3=1
else
    echo "golden.sh: python3 not found: JSON outputs are not checked to parse"
fi

# json_ok FILE LABEL: 0 unless FILE (an "exit N" line, then the output) holds JSON that does
# not parse; prints why.
json_ok() {
    [ "$have_python3" = 1 ] || return 0
    [ "$(sed -n 2p "$1" | cut -c1)" = "{" ] || return 0
    sed 1d "$1" >"$tmp/json"
    if python3 -m json.tool "$tmp/json" >/dev/null 2>"$tmp/json.err"; then
        return 0
    fi
    echo "--- $2: not valid JSON: $(cat "$tmp/json.err")"
    return 1
}

have_xmllint=0
if command -v xmllint >/dev/null 2>&1; then
    have_xmllint=1
else
    echo "golden.sh: xmllint not found: SVG and HTML outputs are not checked to be well-formed"
fi

# xml_ok FILE LABEL: 0 unless FILE (an "exit N" line, then the output) holds an SVG or HTML
# document that is not well-formed XML; prints why.
xml_ok() {
    [ "$have_xmllint" = 1 ] || return 0
    case $(sed -n 2p "$1") in
    "<?xml"* | "<!DOCTYPE html>") ;;
    *) return 0 ;;
    esac
    sed 1d "$1" >"$tmp/xml"
    if xmllint --noout "$tmp/xml" 2>"$tmp/xml.err"; then
        return 0
    fi
    echo "--- $2: not well-formed XML: $(head -n 3 "$tmp/xml.err")"
    return 1
}

hl7_python=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import hl7' 2>/dev/null; then
        hl7_python=$p
        break
    fi
done
[ -n "$hl7_python" ] ||
    echo "golden.sh: no python3 with hl7 (python3-hl7): HL7 outputs are not checked to parse"

# hl7_ok FILE LABEL: 0 unless FILE (a program's standard output, as written) is an HL7
# message (it starts with MSH|) that python-hl7 does not read as pbsc_hl7_advice(3) says.
hl7_ok() {
    [ -n "$hl7_python" ] || return 0
    [ "$(head -c 4 "$1")" = "MSH|" ] || return 0
    if "$hl7_python" "$srcdir/tests/hl7_check.py" parse "$1" 2>"$tmp/hl7.err"; then
        return 0
    fi
    echo "--- $2: not an HL7 reply as documented: $(cat "$tmp/hl7.err")"
    return 1
}

# compare EXPECTED ACTUAL LABEL: 0 when equal, else prints a unified diff.
compare() {
    if cmp -s "$1" "$2"; then
        return 0
    fi
    echo "--- $3: expected vs actual"
    diff -u "$1" "$2"
    return 1
}

if [ $# -eq 0 ]; then
    for f in "$golden"/*.args; do
        [ -f "$f" ] || continue
        n=${f##*/}
        set -- "$@" "${n%.args}"
    done
fi
if [ $# -eq 0 ]; then
    echo "golden.sh: no cases in $golden" >&2
    exit 99
fi

pass=0
fail=0
updated=0
for case_name in "$@"; do
    if ! run_case "$case_name"; then
        echo "FAIL: $case_name (could not run)"
        fail=$((fail + 1))
        continue
    fi
    code=$(sed -n '1s/^exit //p' "$tmp/out")
    if [ "$update" = 1 ]; then
        if ! json_ok "$tmp/out" "$case_name.out" || ! xml_ok "$tmp/out" "$case_name.out" ||
            ! hl7_ok "$tmp/stdout" "$case_name.out"; then
            echo "FAIL: $case_name (not updated)"
            fail=$((fail + 1))
            continue
        fi
        cp "$tmp/out" "$golden/$case_name.out" || exit 99
        if [ "$code" != 0 ]; then
            cp "$tmp/err" "$golden/$case_name.err" || exit 99
        else
            rm -f "$golden/$case_name.err"
        fi
        echo "UPDATED: $case_name (exit $code)"
        updated=$((updated + 1))
        continue
    fi
    ok=1
    if [ ! -f "$golden/$case_name.out" ]; then
        echo "--- $case_name: no $case_name.out (run with PBSC_GOLDEN_UPDATE=1)"
        ok=0
    else
        compare "$golden/$case_name.out" "$tmp/out" "$case_name.out" || ok=0
        json_ok "$golden/$case_name.out" "$case_name.out" || ok=0
        xml_ok "$golden/$case_name.out" "$case_name.out" || ok=0
        hl7_ok "$tmp/stdout" "$case_name.out" || ok=0
    fi
    if [ "$code" != 0 ] && [ -f "$golden/$case_name.err" ]; then
        compare "$golden/$case_name.err" "$tmp/err" "$case_name.err" || ok=0
    fi
    if [ $ok = 1 ]; then
        echo "PASS: $case_name"
        pass=$((pass + 1))
    else
        echo "FAIL: $case_name"
        fail=$((fail + 1))
    fi
done

if [ "$update" = 1 ]; then
    echo "golden.sh: $updated updated, $fail failed; review with git diff tests/golden"
else
    echo "golden.sh: $pass passed, $fail failed"
fi
[ $fail -eq 0 ]
