#!/bin/sh
# SPDX-License-Identifier: MIT
# Decision records (pbsc-record(5)) as pbsc-decide writes them: for every example course
# under a rule preset, the model-based preset and the site policy file, and with the fitted
# site model, pbsc-decide --record writes a record that Python's own JSON parser reads and
# tests/record_check.py finds laid out as the page says (hashes recomputed from the bytes;
# the decision the one pbsc-decide --format=json printed); pbsc-decide --replay finds the
# same decision (exit 0); a record with a changed row, person, policy text or decision is
# named and exits 1; a record that cannot be replayed exits 2.
#
# Environment (set by `make check`): top_srcdir, top_builddir, EXEEXT. Skips (77) without
# python3.

set -u

here=$(dirname "$0")
top_srcdir=${top_srcdir:-$here/..}
top_builddir=${top_builddir:-.}
EXEEXT=${EXEEXT:-}

srcdir=$(cd "$top_srcdir" && pwd) || exit 99
builddir=$(cd "$top_builddir" && pwd) || exit 99
prog=$builddir/examples/pbsc-decide$EXEEXT
check=$srcdir/tests/record_check.py
data=$srcdir/examples/data
[ -x "$prog" ] || {
    echo "record.sh: $prog: not built" >&2
    exit 99
}
command -v python3 >/dev/null 2>&1 || {
    echo "record.sh: SKIP: no python3"
    exit 77
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbsc-record.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' HUP INT TERM

pass=0
fail=0

result() { # NAME STATUS [WHY]
    if [ "$2" -eq 0 ]; then
        pass=$((pass + 1))
    else
        echo "FAIL: $1${3:+: $3}"
        fail=$((fail + 1))
    fi
}

# Each course with the options its first lines give (examples/data/README).
courses='good-mobilizer:--weight 72 --target auto5
poor-preemptive:--weight 72 --target auto5
salvage:--weight 72 --target auto5
failed:--weight 72 --target auto5
chemo:--weight 72 --target auto5 --regimen chemo
tandem-goal10:--weight 72 --target tandem10 --diagnosis MM --transplants 2
donor:--weight 80 --recipient-weight 60 --target allo
child:--weight 20 --age 6 --target auto5'

# record NAME COURSE ARGS...: writes $tmp/NAME.json (and what pbsc-decide printed, to
# $tmp/NAME.out) and replays it; record_check.py reads them all at the end.
record() {
    name=$1 course=$2
    shift 2
    "$prog" "$@" --format=json --record "$tmp/$name.json" "$data/$course.csv" \
        >"$tmp/$name.out" 2>"$tmp/err" || {
        result "$name: pbsc-decide" 1 "$(cat "$tmp/err")"
        return 1
    }
    echo "$tmp/$name.json:$tmp/$name.out" >>"$tmp/records"
    "$prog" --replay "$tmp/$name.json" >"$tmp/replay" 2>&1
    result "$name: --replay" $? "$(cat "$tmp/replay")"
}

echo "$courses" | while IFS=: read -r course args; do
    # shellcheck disable=SC2086 # the options are words
    for policy in mayo2013-p2 forecast "$data/site-sop.policy"; do
        record "$course-$(basename "$policy" .policy)" "$course" --policy "$policy" $args
    done
    # shellcheck disable=SC2086
    record "$course-fitted" "$course" --policy uk2018 --model "$data/site.model" $args
    echo "$pass $fail" >"$tmp/counts"
done
read -r pass fail <"$tmp/counts"

# A mid-course point (--day): its record holds the rows up to that day only (record_check.py
# checks that the decision's day is the last row's).
record day5 salvage --policy mayo2013-p2 --weight 72 --target auto5 --day 5
grep -q '"decision":{"day":5,' "$tmp/day5.json"
result "--day 5: the decision of day 5" $?

# shellcheck disable=SC2046 # one argument a record; the fuzz seeds are pbsc-decide's too
python3 "$check" $(cat "$tmp/records") "$srcdir"/tests/fuzz/corpus/fuzz_record/*.json \
    >"$tmp/check" 2>&1
result "record_check.py" $? "$(cat "$tmp/check")"
tail -n 1 "$tmp/check"

# changed NAME SED-EXPRESSION WANT-EXIT WANT-TEXT: replays a changed copy of a record.
changed() {
    sed "$2" "$tmp/$base.json" >"$tmp/$1.json"
    if cmp -s "$tmp/$base.json" "$tmp/$1.json"; then
        result "$1" 1 "the sed expression changed nothing"
        return
    fi
    "$prog" --replay "$tmp/$1.json" >"$tmp/replay" 2>&1
    rc=$?
    [ $rc -eq "$3" ] && grep -q -- "$4" "$tmp/replay"
    result "$1: exit $rc, want $3 and '$4'" $? "$(cat "$tmp/replay")"
}

base=salvage-site-sop
changed row 's/"day":4,"cd34":18,/"day":4,"cd34":19,/' 1 \
    'different decision: course.days\[3\] (day 4)'
changed person 's/"weight_kg":72,/"weight_kg":73,/' 1 'different decision: course: '
changed policy-text 's/\\nplerixafor_below = 12\\n/\\nplerixafor_below = 11\\n/' 1 \
    'different decision: policy.text'
changed decision 's/"plerixafor_doses":2,/"plerixafor_doses":3,/' 1 \
    'different decision: plerixafor_doses: recorded 3, replayed 2'
base=salvage-fitted
changed model-text 's/\\nce_median = 0.45/\\nce_median = 0.46/' 1 'different decision: model.text'
base=salvage-mayo2013-p2
changed preset-hash 's/"hash":"3d951b3a581512e6"/"hash":"0000000000000000"/' 2 \
    'preset mayo2013-p2 is version 1, hash 3d951b3a581512e6'
changed unknown-member 's/"hct":null,/"hct":null,"platelets":1,/' 2 'platelets: not a member'
changed not-json 's/"format"/format/' 2 'line 1, column'
changed version 's/"version":1,/"version":2,/' 2 'version: out of range'

"$prog" --replay "$tmp/absent.json" >"$tmp/replay" 2>&1
result "--replay of a missing file: exit 2" $(($? != 2))
"$prog" --replay "$tmp/salvage-fitted.json" --weight 72 >"$tmp/replay" 2>&1
result "--replay with another option: exit 2" $(($? != 2))
"$prog" --policy mayo2013-p2 --weight 72 --target auto5 --record "$tmp/salvage-site-sop.json" \
    "$data/salvage.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q 'exists; --force' "$tmp/err"
result "--record over an existing file: refused, nothing printed" $? "$(cat "$tmp/err")"
"$prog" --policy mayo2013-p2 --weight 72 --target auto5 --record "$data/salvage.csv" \
    "$data/salvage.csv" >"$tmp/out" 2>&1
result "--record over the course: refused" $(($? != 1)) "$(cat "$tmp/out")"

echo "record.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
