#!/bin/sh
# SPDX-License-Identifier: MIT
# pbsc-hl7 against an independent HL7 parser (python-hl7, tests/hl7_check.py): each example
# course sent as ORU^R01 messages (examples/data/hl7) must give the advice pbsc-decide gives
# for the same course as a CSV (examples/data), every field where pbsc_hl7_advice(3) says;
# each refused message an ACK naming it. Skipped (77) without a python3 that has hl7.
set -u

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
EXEEXT=${EXEEXT:-}
srcdir=$(cd "$top_srcdir" && pwd) || exit 99
builddir=$(cd "$top_builddir" && pwd) || exit 99
hl7=$builddir/examples/pbsc-hl7$EXEEXT
decide=$builddir/examples/pbsc-decide$EXEEXT

py=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import hl7' 2>/dev/null; then
        py=$p
        break
    fi
done
if [ -z "$py" ]; then
    echo "hl7.sh: skipped: no python3 with the hl7 module (Debian: python3-hl7)"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbsc-hl7.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() {
    echo "hl7.sh: FAIL: $*" >&2
    failed=1
}

# name | policy | the options both programs take | pbsc-decide's weight | the messages up to
# this MSH-7 (YYYYMMDDHHMM; empty: all) | the point pbsc-decide decides there (DAY:MOMENT;
# empty: its last)
cases='good-mobilizer|mayo2013-p2|--target auto5|72||
good-mobilizer|mayo2013-p2|--target auto5|72|202612050730|5:morning
salvage|mayo2013-p2|--target auto5|72||
salvage|uk2018|--target auto5|72|202612061900|6:evening
poor-preemptive|chen2012|--target auto5|72||
poor-preemptive|chen2012|--target auto5|72|202612040730|4:morning
failed|tandem2013|--target auto5|72||
chemo|uk2018|--target auto5 --regimen chemo|72||
chemo|uk2018|--target auto5 --regimen chemo|72|202612120730|12:morning
tandem-goal10|mayo2013-p2|--target tandem10|72||
donor|donor-d5|--target allo --recipient-weight 60|80||
donor|donor-d5|--target allo --recipient-weight 60|80|202612050730|5:morning
child|chen2012|--target auto5 --age 6|20||
child|chen2012|--target auto5 --age 6|20|202612040730|4:morning'

cd "$srcdir" || exit 99
while IFS='|' read -r name policy options weight cut point; do
    msgs=examples/data/hl7/$name.hl7
    label=$name${cut:+ up to $cut}
    if [ -n "$cut" ]; then
        "$py" - "$msgs" "$tmp/in.hl7" "$cut" <<'EOF' || exit 99
import sys
text = open(sys.argv[1], newline="").read()
parts = text.replace("\x0b", "").replace("\x1c\r", "").split("MSH|")[1:]
keep = [p for p in parts if int(p.split("|")[5]) <= int(sys.argv[3])]
open(sys.argv[2], "w", newline="").write("".join("MSH|" + p for p in keep))
EOF
        msgs=$tmp/in.hl7
    fi
    # shellcheck disable=SC2086 # the options are words
    "$decide" --policy "$policy" $options --weight "$weight" --format=json \
        "examples/data/$name.csv" >"$tmp/decision.json" || fail "$label: pbsc-decide"
    # shellcheck disable=SC2086
    if ! "$hl7" --day1 20261201 --codes examples/data/site.codes --policy "$policy" $options \
        --datetime 20261215093000 "$msgs" >"$tmp/advice.hl7" 2>"$tmp/err"; then
        fail "$label: pbsc-hl7: $(cat "$tmp/err")"
        continue
    fi
    if "$py" "$srcdir/tests/hl7_check.py" advice "$tmp/advice.hl7" "$tmp/decision.json" \
        20261201 $point; then
        echo "hl7.sh: $label: the advice is pbsc-decide's decision${point:+ of $point}"
    else
        fail "$label: the advice does not match pbsc-decide's decision"
    fi
done <<CASES
$cases
CASES

# The record of the advice (--record) replays to the same decision (pbsc-decide --replay).
rm -f "$tmp/record.json"
if "$hl7" --day1 20261201 --codes examples/data/site.codes --policy mayo2013-p2 \
    --target auto5 --datetime 20261215093000 --record "$tmp/record.json" \
    examples/data/hl7/salvage.hl7 >"$tmp/advice.hl7" 2>"$tmp/err" &&
    "$decide" --replay "$tmp/record.json" >"$tmp/replay.out" 2>&1; then
    echo "hl7.sh: salvage --record: replays to the same decision"
else
    fail "salvage --record: $(cat "$tmp/err" "$tmp/replay.out" 2>/dev/null)"
fi
"$py" - "$tmp/record.json" "$tmp/advice.hl7" <<'EOF' || fail "the record and the advice differ"
import json, sys
import hl7
rec = json.load(open(sys.argv[1]))
msg = hl7.parse(open(sys.argv[2], newline="").read())
act = [s for s in msg.segments("OBX") if str(s[3][0][0]) == "PBSCACT"][0]
assert str(act[5][0][0]) == rec["decision"]["action"], (str(act[5]), rec["decision"])
EOF

# refused ID CODE FIELD SEGMENT...: a message of these segments is refused with an ACK whose
# MSA-1 is CODE, MSA-2 the message's control id ID and ERR-2 names FIELD ("-": none).
refused() {
    id=$1 code=$2 field=$3
    shift 3
    printf '%s\r' "$@" >"$tmp/refused.hl7"
    if "$hl7" --day1 20261201 --policy mayo2013-p2 --target auto5 --weight 72 \
        --datetime 20261215093000 "$tmp/refused.hl7" >"$tmp/ack.hl7" 2>"$tmp/ack.err"; then
        fail "$id: accepted"
        return
    fi
    [ -s "$tmp/ack.err" ] || fail "$id: nothing on standard error"
    if "$py" "$srcdir/tests/hl7_check.py" ack "$tmp/ack.hl7" "$id" "$code" "$field"; then
        echo "hl7.sh: '$id': $code naming $field"
    else
        fail "$id: the ACK"
    fi
}

head='MSH|^~\&|LAB|CITY|PBSC|CITY|1||ORU^R01'
refused R1 AE OBX-6 "$head|R1|P|2.5.1" 'PID|1||M' 'OBR|1|||X|||20261204' \
    'OBX|1|NM|6690-2^^LN||7|K/uL|||||F'
refused R2 AR MSH-9 'MSH|^~\&|LAB|CITY|PBSC|CITY|1||ADT^A01|R2|P|2.5.1'
refused R3 AR MSH-12 "$head|R3|P|2.2"
refused 'R|4' AE OBX-5 "$head|R\\F\\4|P|2.5.1" 'PID|1||M' 'OBR|1|||X|||20261204' \
    'OBX|1|NM|6690-2^^LN||x|10*9/L|||||F'
refused R5 AE - "$head|R5|P|2.5.1" 'PID|1||M' 'OBR|1|||X|||20261204'
refused '' AR MSH-9 'MSH|^~\&|LAB'

exit "$failed"
