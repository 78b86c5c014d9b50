#!/bin/sh
# SPDX-License-Identifier: MIT
# pbsc-decide's chart (--chart FILE) and report (--format=html) are well-formed and
# self-contained, for every example course, and for every course a golden test decides
# (which runs each example course under every preset).
#
# For each output: xmllint --noout (well-formed XML: the report is written as XHTML-clean
# HTML on purpose); no script, no link, no external reference (the only URLs are the SVG
# and XHTML namespaces); the SVG has its <title> and <desc>, the report its A4 @page rule.
# Each example's chart is drawn twice, to a file and to standard output (--chart -), and
# must be the same bytes.
#
# Environment (from AM_TESTS_ENVIRONMENT): top_srcdir, top_builddir, EXEEXT.
# Exit 0 when every check passes, 1 otherwise, 77 (skip) when xmllint is not installed
# (./bootstrap installs it: Debian's libxml2-utils).

set -u

me=chart.sh
here=$(dirname "$0")
top_srcdir=${top_srcdir:-$here/..}
top_builddir=${top_builddir:-.}
EXEEXT=${EXEEXT:-}

if ! command -v xmllint >/dev/null 2>&1; then
    echo "$me: SKIP: xmllint not found (Debian: apt-get install libxml2-utils; ./bootstrap does)"
    exit 77
fi
srcdir=$(cd "$top_srcdir" && pwd) || exit 1
builddir=$(cd "$top_builddir" && pwd) || exit 1
bin=$builddir/examples/pbsc-decide$EXEEXT
if [ ! -x "$bin" ]; then
    echo "$me: FAIL: $bin: not built"
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbsc-chart.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

pass=0
fail=0

failed() {
    echo "FAIL: $*"
    fail=$((fail + 1))
}

# check FILE KIND LABEL: KIND svg or html; 0 when every check passes (failures printed).
check() {
    ok=0
    if ! xmllint --noout "$1" 2>"$tmp/xmllint.err"; then
        failed "$3: not well-formed: $(head -n 3 "$tmp/xmllint.err")"
        return 1
    fi
    if grep -Eiq '<script|<link|<img|<iframe|<object|@import|url\(|href=|src=' "$1"; then
        failed "$3: a script or an external reference"
        ok=1
    fi
    if grep -Eo '(https?|ftp|file)://[^"<> ]*' "$1" |
        grep -Ev '^http://www\.w3\.org/(2000/svg|1999/xhtml)$' | grep -q .; then
        failed "$3: a URL other than the SVG and XHTML namespaces"
        ok=1
    fi
    if ! grep -q '<title id="pbsc-chart-title">' "$1" || ! grep -q '<desc id="pbsc-chart-desc">' "$1"; then
        failed "$3: no <title> or <desc> in the chart"
        ok=1
    fi
    if [ "$2" = html ] && ! grep -q '@page { size: A4;' "$1"; then
        failed "$3: no A4 @page rule"
        ok=1
    fi
    return $ok
}

# run LABEL INPUT ARGS...: the chart and the report of one course, from one run; 0 = both
# pass.
run() {
    label=$1 input=$2
    shift 2
    if ! (cd "$srcdir" && exec "$bin" "$@" --chart "$tmp/a.svg" --format=html) <"$input" \
        >"$tmp/a.html" 2>"$tmp/err"; then
        failed "$label: failed: $(cat "$tmp/err")"
        return 1
    fi
    check "$tmp/a.svg" svg "$label (svg)" && check "$tmp/a.html" html "$label (html)" || return 1
    pass=$((pass + 1))
}

# The options an example course states on its "# Options:" line, without the remarks in
# parentheses, up to a ';'.
options_of() {
    sed -n 's/^# Options:[[:space:]]*//p' "$1" | sed 's/([^)]*)//g; s/;.*//' | head -n 1
}

# Every example course with the options it states, under a policy that covers it (the
# goldens below run each under every preset), drawn twice: the same bytes.
for course in "$srcdir"/examples/data/*.csv; do
    name=${course##*/}
    opts=$(options_of "$course")
    [ -n "$opts" ] || continue # history.csv: a site history, not a course
    case $name in
    chemo.csv) policy=uk2018 ;;
    donor.csv) policy=donor-d5 ;;
    *) policy=examples/data/site-sop.policy ;;
    esac
    # shellcheck disable=SC2086 # the options are words
    run "examples/data/$name --policy $policy" /dev/null --policy "$policy" $opts \
        "examples/data/$name" || continue
    cp "$tmp/a.svg" "$tmp/first.svg"
    # shellcheck disable=SC2086
    (cd "$srcdir" && exec "$bin" --policy "$policy" $opts --chart - "examples/data/$name") \
        >"$tmp/again.svg" 2>/dev/null
    if cmp -s "$tmp/first.svg" "$tmp/again.svg"; then
        pass=$((pass + 1))
    else
        failed "examples/data/$name: two charts of the same course differ"
    fi
done

# Every course a golden test decides: pbsc-decide cases that exit 0, with their input.
for args in "$srcdir"/tests/golden/decide-*.args; do
    case_name=${args##*/}
    case_name=${case_name%.args}
    out=${args%.args}.out
    [ "$(head -n 1 "$out" 2>/dev/null)" = "exit 0" ] || continue
    line=$(head -n 1 "$args")
    case $line in
    *--list-policies* | *--help* | *--version* | *--chart* | *--format=html*) continue ;;
    esac
    input=/dev/null
    [ -f "${args%.args}.in" ] && input=${args%.args}.in
    set -f
    # shellcheck disable=SC2086 # word splitting is the point, as in golden.sh
    set -- $line
    set +f
    [ "${1:-}" = pbsc-decide ] && shift
    run "golden $case_name" "$input" "$@"
done

echo "$me: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
