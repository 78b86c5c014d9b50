#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Reads what pbsc-hl7 writes with an independent HL7 v2 parser (python-hl7, Debian's
# python3-hl7) and checks that every field lands where pbsc_hl7_advice(3) says.
#
#   hl7_check.py parse FILE                     any reply: parses, MSH as documented
#   hl7_check.py advice FILE DECISION.json DAY1 [DAY:MOMENT]
#                                               the advice against pbsc-decide's decision
#                                               (--format=json) of the same course, or its
#                                               point DAY:MOMENT
#   hl7_check.py ack FILE CONTROL_ID CODE FIELD an ACK: MSA-1 CODE (AE/AR), MSA-2 the refused
#                                               message's id, ERR-2 naming FIELD ("-": none)
# Exit 0 when it holds, 1 with the reason on stderr.
import datetime
import json
import re
import sys

import hl7


def fail(why):
    sys.stderr.write("hl7_check: %s\n" % why)
    sys.exit(1)


def want(what, got, expected):
    if got != expected:
        fail("%s: %r, want %r" % (what, got, expected))


def read(path):
    with open(path, newline="") as f:  # keep the CRs: they end the segments
        text = f.read()
    if not text.endswith("\r") or "\n" in text:
        fail("%s: segments must end with CR, and no LF" % path)
    return hl7.parse(text)


def check_msh(m, kind):
    msh = m.segment("MSH")
    want("MSH-1", str(msh[1]), "|")
    want("MSH-2", str(msh[2]), "^~\\&")
    want("MSH-3", str(msh[3]), "PBSC")
    want("MSH-9", str(msh[9]), kind)
    if not re.fullmatch(r"PBSC[0-9a-f]{16}", str(msh[10])):
        fail("MSH-10 %r is not PBSC and 16 hex digits" % str(msh[10]))
    want("MSH-11", str(msh[11]), "P")
    want("MSH-12", str(msh[12]), "2.5.1")
    if not re.fullmatch(r"\d{12}(\d\d)?", str(msh[7])):
        fail("MSH-7 %r is not YYYYMMDDHHMM[SS]" % str(msh[7]))


def results(m):
    """OBX-3.1 -> the OBX segment; each code once."""
    out = {}
    for i, s in enumerate(m.segments("OBX"), 1):
        want("OBX-1 of result %d" % i, str(s[1]), str(i))
        code = str(s[3][0][0])
        if code in out:
            fail("%s twice" % code)
        if str(s[3][0][2]) != "L":
            fail("%s: OBX-3.3 %r, want L" % (code, str(s[3][0][2])))
        out[code] = s
    return out


def number(obx, code, value, decimals, unit):
    if value is None:
        if code in obx:
            fail("%s written, the decision has none" % code)
        return
    if code not in obx:
        fail("%s missing" % code)
    s = obx[code]
    want(code + " OBX-2", str(s[2]), "NM")
    want(code + " OBX-5", str(s[5]), "%.*f" % (decimals, value))
    want(code + " OBX-6.1", str(s[6][0][0]), unit)
    want(code + " OBX-6.3", str(s[6][0][2]), "UCUM")


def text(m, obx, code, value):
    want(code + " OBX-2", str(obx[code][2]), "ST")
    want(code + " OBX-5", m.unescape(str(obx[code][5])), value)


def advice(path, decision_path, day1, point=None):
    m = read(path)
    check_msh(m, "ORU^R01^ORU_R01")
    with open(decision_path) as f:
        doc = json.load(f)
    d = doc["decision"]
    if point is not None:
        day, moment = point.split(":")
        d = [x for x in doc["days"] if x["day"] == int(day)][0][moment]
    obx = results(m)
    date = (datetime.datetime.strptime(day1, "%Y%m%d").date()
            + datetime.timedelta(days=d["day"] - 1)).strftime("%Y%m%d")
    for code, s in obx.items():
        want(code + " OBX-11", str(s[11]), "F")
        want(code + " OBX-14", str(s[14]), date)
    want("OBR-4.1", str(m.segment("OBR")[4][0][0]), "PBSCADV")
    want("OBR-7", str(m.segment("OBR")[7]), date)
    want("OBR-25", str(m.segment("OBR")[25]), "F")
    act = obx["PBSCACT"]
    want("PBSCACT OBX-2", str(act[2]), "CWE")
    want("PBSCACT OBX-5.1", str(act[5][0][0]), d["action"])
    want("PBSCACT OBX-5.3", str(act[5][0][2]), "L")
    number(obx, "PBSCDAY", d["day"], 0, "d")
    text(m, obx, "PBSCMOM", d["moment"])
    text(m, obx, "PBSCRUL", d["rule"])
    text(m, obx, "PBSCPOL", d["policy_id"])
    text(m, obx, "PBSCPOV", d["policy_version"])
    text(m, obx, "PBSCPOH", d["policy_hash"])
    text(m, obx, "PBSCMOD", d["model_id"])
    text(m, obx, "PBSCMOH", d["model_hash"])
    text(m, obx, "PBSCLIB", d["library_version"])
    number(obx, "PBSCVOL", d["volume_l"], 1, "L")
    p = d["projection"] or {}
    number(obx, "PBSCYLD", p.get("median"), 2, "10*6/kg")
    number(obx, "PBSCYLO", p.get("lower"), 2, "10*6/kg")
    number(obx, "PBSCYHI", p.get("upper"), 2, "10*6/kg")
    t = d["tonight"]
    if t is not None:
        text(m, obx, "PBSCDRG", t["drug"])
    number(obx, "PBSCMG", t["mg"] if t else None, 1, "mg")
    number(obx, "PBSCCOL", d["collected"], 2, "10*6/kg")
    number(obx, "PBSCGOL", d["goal"], 2, "10*6/kg")
    if d["warnings"]:
        got = [str(r[0][0]) for r in obx["PBSCWRN"][5]]
        want("PBSCWRN repetitions", got, d["warnings"])
    elif "PBSCWRN" in obx:
        fail("PBSCWRN without warnings")
    want("NTE-3", m.unescape(str(m.segment("NTE")[3])), d["reason"])


def ack(path, control, code, field):
    m = read(path)
    check_msh(m, "ACK^R01^ACK")
    want("MSA-1", str(m.segment("MSA")[1]), code)
    want("MSA-2", m.unescape(str(m.segment("MSA")[2])), control)
    err = m.segment("ERR")
    loc = str(err[2])
    if field == "-":
        want("ERR-2", loc, "")
    else:
        seg, num = field.split("-")
        if not re.fullmatch(r"%s\^\d+\^%s" % (seg, num), loc):
            fail("ERR-2 %r does not name %s" % (loc, field))
    if not re.fullmatch(r"\d{3}", str(err[3][0][0])) or str(err[3][0][2]) != "HL70357":
        fail("ERR-3 %r is not a code of HL7 table 0357" % str(err[3]))
    want("ERR-4", str(err[4]), "E")
    if not m.unescape(str(err[8])):
        fail("ERR-8: no text")


def parse(path):
    m = read(path)
    kind = str(m.segment("MSH")[9])
    check_msh(m, kind if kind in ("ORU^R01^ORU_R01", "ACK^R01^ACK") else "ORU^R01^ORU_R01")
    if kind == "ORU^R01^ORU_R01":
        results(m)
        m.segment("NTE")
    else:
        m.segment("MSA")
        m.segment("ERR")


def main(argv):
    if len(argv) == 3 and argv[1] == "parse":
        parse(argv[2])
    elif len(argv) in (5, 6) and argv[1] == "advice":
        advice(*argv[2:])
    elif len(argv) == 6 and argv[1] == "ack":
        ack(argv[2], argv[3], argv[4], argv[5])
    else:
        fail("usage: see the comment at the top")


main(sys.argv)
