#!/bin/sh
# SPDX-License-Identifier: MIT
# pbsc-simulate on a small cohort: its JSON read by python3's json (tests/simulate_check.py:
# shares that sum to 1, the standard-error formulas, every course ended, the population's
# natural history within 3 points of the published shares); the same output whatever
# --threads and for the same seed, another for another seed; every point decided by the
# incremental walk equal to pbsc_decide's (--verify); and the errors' exit statuses.
#
# Environment (set by `make check`): top_srcdir, top_builddir, EXEEXT.

set -u

here=$(dirname "$0")
top_srcdir=${top_srcdir:-$here/..}
top_builddir=${top_builddir:-.}
EXEEXT=${EXEEXT:-}

srcdir=$(cd "$top_srcdir" && pwd) || exit 99
builddir=$(cd "$top_builddir" && pwd) || exit 99
prog=$builddir/examples/pbsc-simulate$EXEEXT
check=$srcdir/tests/simulate_check.py
[ -x "$prog" ] || {
    echo "simulate.sh: $prog: not built" >&2
    exit 99
}
command -v python3 >/dev/null 2>&1 || {
    echo "simulate.sh: python3 not found (bootstrap installs it)" >&2
    exit 99
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbsc-simulate.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' HUP INT TERM

fail=0
pass() { echo "PASS: $1"; }
bad() {
    echo "FAIL: $1"
    fail=1
}

# A small cohort: every rule-based preset and the forecast policy, 300 patients.
run() {
    "$prog" --patients 300 --seed 7 --format=json "$@"
}

run --threads 1 >"$tmp/t1.json" 2>"$tmp/err" || bad "run (threads 1): $(cat "$tmp/err")"
run --threads 2 >"$tmp/t2.json" 2>"$tmp/err" || bad "run (threads 2): $(cat "$tmp/err")"
run --threads 1 >"$tmp/again.json" 2>"$tmp/err" || bad "run again: $(cat "$tmp/err")"
"$prog" --patients 300 --seed 8 --format=json >"$tmp/other.json" 2>"$tmp/err" ||
    bad "run (seed 8): $(cat "$tmp/err")"

if python3 "$check" sim "$tmp/t1.json" 300; then pass "invariants"; else bad "invariants"; fi
if cmp -s "$tmp/t1.json" "$tmp/t2.json"; then pass "threads 1 = threads 2"; else
    bad "threads 1 and 2 differ"; fi
if cmp -s "$tmp/t1.json" "$tmp/again.json"; then pass "same seed, same output"; else
    bad "the same seed gave two outputs"; fi
if cmp -s "$tmp/t1.json" "$tmp/other.json"; then bad "seeds 7 and 8 gave the same output"
else pass "another seed, another output"; fi

# --policy all: the presets whose scope takes autologous patients, whose regimens cover the
# regimen and whose diagnoses admit the diagnosis (not given: a scoped preset runs); one line
# on standard error per reason names those left out; a preset named runs whatever its scope.
donors="donor-d5, nmdp-donor, nmdp-donor-2day, pegfilgrastim-donor"
gcsf="chen2012,mayo2013-p1,mayo2013-p2,d5-2012,jit2011,uk2018,tandem2013,d5-20-2022,forecast"
all_case() { # NAME WANT-IDS WANT-STDERR ARGS...
    name=$1 want=$2 want_err=$3
    shift 3
    if ! "$prog" --patients 20 --format=json "$@" >"$tmp/all.json" 2>"$tmp/err"; then
        bad "all $name: $(cat "$tmp/err")"
    elif ! python3 "$check" policies "$tmp/all.json" "$want"; then
        bad "all $name: the policies"
    elif [ "$(cat "$tmp/err")" != "$want_err" ]; then
        bad "all $name: stderr '$(cat "$tmp/err")'"
    else
        pass "all $name"
    fi
}
all_case gcsf "$gcsf" "pbsc-simulate: left out (scope): $donors
pbsc-simulate: left out (regimen gcsf): dipersio2009-nhl, dipersio2009-mm, \
genesis2023, pegfilgrastim" --policy all
all_case pegfilgrastim pegfilgrastim "pbsc-simulate: left out (scope): $donors
pbsc-simulate: left out (regimen pegfilgrastim): chen2012, mayo2013-p1, \
mayo2013-p2, d5-2012, jit2011, uk2018, tandem2013, d5-20-2022, forecast, dipersio2009-nhl, \
dipersio2009-mm, genesis2023" --regimen pegfilgrastim
all_case "upfront NHL" forecast,dipersio2009-nhl "pbsc-simulate: left out (scope): $donors
pbsc-simulate: left out (regimen upfront): chen2012, mayo2013-p1, mayo2013-p2, \
d5-2012, jit2011, uk2018, tandem2013, d5-20-2022, pegfilgrastim
pbsc-simulate: left out (diagnosis NHL): dipersio2009-mm, genesis2023" \
    --regimen upfront --diagnosis NHL
all_case "named donor preset" "chen2012,donor-d5" "" --policy chen2012 --policy donor-d5

# The walk against pbsc_decide at every point: every preset on 200 patients of each regimen
# (some 6,000 courses), the forecast policy on 30.
for regimen in gcsf chemo upfront; do
    if "$prog" --patients 200 --regimen "$regimen" --verify --format=tsv \
        --policy chen2012 --policy mayo2013-p1 --policy mayo2013-p2 --policy d5-2012 \
        --policy jit2011 --policy uk2018 --policy tandem2013 --policy d5-20-2022 \
        --policy donor-d5 >/dev/null 2>"$tmp/err"; then
        pass "verify $regimen"
    else
        bad "verify $regimen: $(cat "$tmp/err")"
    fi
done
if "$prog" --patients 200 --regimen pegfilgrastim --verify --format=tsv --policy pegfilgrastim \
    --policy pegfilgrastim-donor --policy uk2018 >/dev/null 2>"$tmp/err"; then
    pass "verify pegfilgrastim"; else bad "verify pegfilgrastim: $(cat "$tmp/err")"; fi
if "$prog" --patients 30 --policy forecast --verify >/dev/null 2>"$tmp/err"; then
    pass "verify forecast"; else bad "verify forecast: $(cat "$tmp/err")"; fi

# The validation report: the fitted shares within 3 points of Gertz 2010.
"$prog" --validate --patients 50000 --format=json >"$tmp/v.json" 2>"$tmp/err" ||
    bad "validate: $(cat "$tmp/err")"
if python3 "$check" validate "$tmp/v.json"; then pass "validate"; else bad "validate"; fi

# The population file round-trips: written, read back, written again the same.
"$prog" --write-population >"$tmp/p1" && "$prog" --population "$tmp/p1" --write-population \
    >"$tmp/p2" && cmp -s "$tmp/p1" "$tmp/p2" && pass "population file" ||
    bad "population file round trip"

# A site's population from its history (pbsc-calibrate --write-population) is read back as
# written: its key lines, and the validation runs on it.
calibrate=$builddir/examples/pbsc-calibrate$EXEEXT
if (cd "$srcdir" && "$calibrate" --write-population - examples/data/history.csv) \
    >"$tmp/site.pop" 2>"$tmp/err" &&
    "$prog" --population "$tmp/site.pop" --write-population >"$tmp/site2.pop" &&
    grep -v '^#' "$tmp/site.pop" | sed 's/^id = .*/id/' >"$tmp/k1" &&
    grep -v '^#' "$tmp/site2.pop" | sed 's/^id = .*/id/' >"$tmp/k2" && cmp -s "$tmp/k1" "$tmp/k2" &&
    grep -q '^apheresis_ratio = 0.845' "$tmp/site.pop" &&
    grep -q '^# day5_median: cannot: kept' "$tmp/site.pop"; then
    pass "site population file round trip"
else
    bad "site population file: $(cat "$tmp/err")"
fi
"$prog" --validate --population "$tmp/site.pop" --patients 2000 >"$tmp/out" 2>"$tmp/err" &&
    grep -q "^G-CSF alone" "$tmp/out" && pass "validation on a site population" ||
    bad "validation on a site population: $(cat "$tmp/err")"

# Errors: exit 2 for usage, 1 for bad input, and nothing on standard output.
expect() {
    want=$1
    shift
    "$prog" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" = "$want" ] && [ ! -s "$tmp/out" ] && [ -s "$tmp/err" ]; then
        pass "exit $want: $*"
    else
        bad "exit $got (want $want): $*: $(cat "$tmp/err")"
    fi
}
expect 2 --patients 0
expect 2 --threads 65
expect 2 --regimen weekly
expect 2 --diagnosis myeloma
expect 2 --transplants 3
expect 2 --validate --policy chen2012
expect 1 --policy no-such-policy
expect 1 --target no-such-target
expect 1 --population "$tmp/missing"
printf 'pbsc-population = 1\nday5_sigma = -1\n' >"$tmp/badpop"
expect 1 --population "$tmp/badpop"
expect 1 --patients 10 --goal 2 --minimum 5

exit $fail
