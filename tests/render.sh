#!/bin/sh
# SPDX-License-Identifier: MIT
# pbsc-decide's chart and report as a browser shows them: each example course's chart
# (--chart) and report (--format=html) rendered by headless Chromium, the chart and the
# report to PNG, the report printed to PDF; then tests/render_check.py checks that no PNG is
# blank (and each shows the chart's ink) and that each report is exactly one A4 page.
#
# .ci/run's chromium step runs it; it runs on its own too, from a built tree:
#   sh tests/render.sh [OUTDIR]
# OUTDIR (default _build/render) keeps the files. Environment: top_srcdir and top_builddir
# (default: this tree), CHROMIUM (default: chromium). Needs chromium, python3 and xmllint.
# Exit 0 when everything passes, 1 otherwise.

set -u

me=render.sh
here=$(dirname "$0")
srcdir=$(cd "${top_srcdir:-$here/..}" && pwd) || exit 1
builddir=$(cd "${top_builddir:-$srcdir}" && pwd) || exit 1
out=${1:-$builddir/_build/render}
chromium=${CHROMIUM:-chromium}
bin=$builddir/examples/pbsc-decide

for tool in "$chromium" python3 xmllint; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "$me: $tool not found" >&2
        exit 1
    }
done
[ -x "$bin" ] || {
    echo "$me: $bin: not built" >&2
    exit 1
}
mkdir -p "$out" || exit 1
out=$(cd "$out" && pwd)
rm -f "$out"/*.svg "$out"/*.html "$out"/*.png "$out"/*.pdf
profile=$(mktemp -d "${TMPDIR:-/tmp}/pbsc-render.XXXXXX") || exit 1
trap 'rm -rf "$profile"' EXIT
trap 'exit 1' HUP INT TERM

# The examples: NAME POLICY COURSE [EXTRA OPTION]; the course's own options are on its
# "# Options:" line; a COURSE ending in .in is read from standard input. salvage-day6 is
# salvage.csv as of the morning of day 6 (a collection advised, with its projection), the
# input of a golden test.
examples="poor-preemptive mayo2013-p2 examples/data/poor-preemptive.csv
good-mobilizer chen2012 examples/data/good-mobilizer.csv
salvage mayo2013-p2 examples/data/salvage.csv
salvage-day6 mayo2013-p2 tests/golden/decide-chart-stdin-collect-today.in --weight=72 --target=auto5
failed examples/data/site-sop.policy examples/data/failed.csv
chemo uk2018 examples/data/chemo.csv
tandem-goal10 mayo2013-p2 examples/data/tandem-goal10.csv
donor donor-d5 examples/data/donor.csv
child examples/data/site-sop.policy examples/data/child.csv"

# Headless Chromium, its own profile, a minute at most.
browse() {
    timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --no-first-run --user-data-dir="$profile" "$@" >>"$out/chromium.log" 2>&1
}

: >"$out/chromium.log"
failed=0
echo "$examples" | while read -r name policy course extra; do
    opts=$(sed -n 's/^# Options:[[:space:]]*//p' "$srcdir/$course" | sed 's/([^)]*)//g; s/;.*//')
    input=/dev/null
    case $course in *.in) input=$srcdir/$course course=- ;; esac
    # shellcheck disable=SC2086 # the options are words
    if ! (cd "$srcdir" && exec "$bin" --policy "$policy" $opts $extra --chart "$out/$name.svg" \
        --format=html "$course") <"$input" >"$out/$name.html"; then
        echo "FAIL: $name: pbsc-decide"
        exit 1
    fi
    xmllint --noout "$out/$name.svg" "$out/$name.html" || exit 1
    browse --window-size=600,836 --screenshot="$out/$name-chart.png" "file://$out/$name.svg" &&
        browse --window-size=1100,1400 --screenshot="$out/$name-report.png" \
            "file://$out/$name.html" &&
        browse --no-pdf-header-footer --print-to-pdf="$out/$name.pdf" "file://$out/$name.html" || {
        echo "FAIL: $name: chromium (see $out/chromium.log)"
        exit 1
    }
    echo "rendered: $name"
done || failed=1

if [ "$failed" = 0 ]; then
    check=$srcdir/tests/render_check.py
    python3 "$check" png --size 600x836 --colour 1f4e79 "$out"/*-chart.png || failed=1
    python3 "$check" png --size 1100x1400 --colour 1f4e79 "$out"/*-report.png || failed=1
    python3 "$check" pdf "$out"/*.pdf || failed=1
fi
if [ "$failed" = 0 ]; then
    echo "$me: every chart and report rendered, none blank, each report one A4 page ($out)"
else
    echo "$me: FAILED (files in $out)"
fi
exit "$failed"
