#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Writes examples/data/hl7/NAME.hl7 from examples/data/NAME.csv: the course as the ORU^R01
# messages a laboratory would send (one each morning with the counts, one each evening with
# the apheresis product and the plerixafor given), each file in a different dialect so the
# examples exercise what pbsc_hl7_read(3) accepts. Day 1 is 2026-12-01 (pbsc-hl7 --day1
# 20261201); the codes outside LOINC are examples/data/site.codes. Run from the top of the
# tree: python3 tests/hl7/make-examples.py
import csv
import datetime

DAY1 = datetime.date(2026, 12, 1)
# name: (version, encoding characters, segment end, MLLP, CD34 style, weight kg, note style)
DIALECTS = {
    "good-mobilizer": ("2.5.1", "^~\\&", "\r", False, "spm", 72, None),
    "salvage": ("2.3", "^~\\&", "\r\n", False, "obr15", 72, "hexbreak"),
    "poor-preemptive": ("2.7", "^~\\&#", "\r", True, "spm", 72, None),
    "failed": ("2.4", "^~\\&", "\n", False, "obr15", 72, None),
    "chemo": ("2.5.1", "^~\\&", "\r", False, "local", 72, None),
    "tandem-goal10": ("2.6", "^~\\&", "\r", False, "spm", 72, None),
    "donor": ("2.8", "^~\\&", "\r", False, "spm", 80, None),
    "child": ("2.5.1", "^~\\&", "\r", False, "spm", 20, "double"),
}
CD34_UNIT = {"salvage": "cells/uL", "tandem-goal10": "/uL"}


def rows(name):
    with open(f"examples/data/{name}.csv") as f:
        lines = [l for l in f if not l.startswith("#")]
    return list(csv.DictReader(lines))


def msh(v, enc, ctrl, when):
    return f"MSH|{enc}|LAB|CITYHOSP|PBSC|CITYHOSP|{when}||ORU^R01^ORU_R01|{ctrl}|P|{v}"


def morning(name, d, r, weight):
    v, enc, _, _, style, _, note = DIALECTS[name]
    date = (DAY1 + datetime.timedelta(days=d - 1)).strftime("%Y%m%d")
    seg = [msh(v, enc, f"{name[:4].upper()}{d:02d}M", date + "0730"),
           "PID|1||MRN4711^^^CITYHOSP^MR~99-0042^^^STATE^SS||DOE^JANE"]
    obr15 = "BLD&Whole blood&HL70070" if style == "obr15" else ""
    seg.append(f"OBR|1|ORD{d:02d}|FIL{d:02d}|CBC^Morning counts^L|||{date}0630"
               + "|" * 8 + obr15)
    n = 0
    if d == 1:
        n += 1
        seg.append(f"OBX|{n}|NM|29463-7^Body weight^LN||{weight}|kg^kilogram^UCUM|||||F|||{date}0630")
    for col, code, unit in (("cd34", None, None), ("wbc", "6690-2^Leukocytes^LN", "10*9/L"),
                            ("plt", "777-3^Platelets^LN", "10*9/L"), ("hct", "4544-3^Hematocrit^LN", "%")):
        val = r.get(col, "")
        if not val:
            continue
        n += 1
        if col == "cd34":
            unit = CD34_UNIT.get(name, "/uL")
            code = ("ABCD34^CD34 blood^L^74838-4^CD34 cells^LN" if style == "local"
                    else "74838-4^CD34 cells^LN")
        seg.append(f"OBX|{n}|NM|{code}||{val}|{unit}^^UCUM|||||F|||{date}0630")
    if note == "hexbreak" and r.get("cd34"):
        seg.append("NTE|1|L|Flow cytometry, ISHAGE single platform.\\X0D\\\\X0A\\Sample 2 h old.")
    if note == "double" and r.get("cd34"):
        seg.append("NTE|1|L|Counted twice\\E\\.br\\E\\(gated \\E\\T\\E\\ reviewed)")
    if style == "spm" and r.get("cd34"):
        seg.append("SPM|1|||BLD^Whole blood^HL70487")
    return seg


def evening(name, d, r):
    v, enc, *_ = DIALECTS[name]
    date = (DAY1 + datetime.timedelta(days=d - 1)).strftime("%Y%m%d")
    seg = [msh(v, enc, f"{name[:4].upper()}{d:02d}E", date + "1900"),
           "PID|1||MRN4711^^^CITYHOSP^MR", f"OBR|1|APH{d:02d}||APH^Apheresis day^L|||{date}1800"]
    n = 0
    for col, code, unit in (("collected_e6_per_kg", "78002-3^CD34 dose^LN", "10*6/kg"),
                            ("processed_l", "APVOL^Processed blood volume^L", "L"),
                            ("plerixafor_mg", "PLXMG^Plerixafor given^L", "mg")):
        val = r.get(col, "")
        if val:
            n += 1
            seg.append(f"OBX|{n}|NM|{code}||{val}|{unit}^^UCUM|||||F|||{date}1800")
    return seg if n else None


def main():
    for name, (v, enc, end, mllp, style, weight, note) in DIALECTS.items():
        out = []
        for r in rows(name):
            d = int(r["day"])
            for seg in (morning(name, d, r, weight), evening(name, d, r)):
                if seg is None:
                    continue
                text = end.join(seg) + end
                out.append("\x0b" + text + "\x1c\r" if mllp else text)
        with open(f"examples/data/hl7/{name}.hl7", "w", newline="") as f:
            f.write("".join(out))


main()
