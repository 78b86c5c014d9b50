#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks decision records (pbsc-record(5)) with Python's own JSON parser, independently of
the library: every member where the page puts it, with the type it gives; the hashes of the
course, of each row, of a site policy's text and of a model's text recomputed from the
bytes; and, given pbsc-decide --format=json output of the same run, that the record's
decision is the one the program printed.

Usage: record_check.py RECORD.json[:DECIDE.json]...
Exit 0 when every check passes, 1 with the failures on stdout.
"""
import json
import math
import re
import sys

FNV_BASIS = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3

TOP = ["format", "version", "library", "policy", "model", "course", "decision"]
PERSON = ["weight_kg", "height_cm", "sex", "age_years", "crcl_ml_min", "recipient_kg", "band",
          "diagnosis", "transplants"]
ROW = ["day", "cd34", "wbc", "plt", "hct", "processed_l", "collected_e6_per_kg",
       "plerixafor_mg", "motixafortide_mg", "hash"]
TONIGHT = ["drug", "mg", "number", "apheresis_day", "salvage", "basis"]
PROJECTION = ["median", "lower", "upper", "level", "dose", "p_dose", "volume_l", "tbv_l",
              "sigma"]
DECISION = ["day", "moment", "action", "rule", "reason", "decided_day", "decided_moment",
            "tonight", "cd34", "wbc", "threshold", "goal", "minimum", "collected", "remaining",
            "aphereses", "plerixafor_doses", "volume_l", "projection", "warnings",
            "p_goal_without", "p_goal_with", "blood_volume", "tbv_l", "policy_id",
            "policy_version", "policy_hash", "library_version", "model_id", "model_version",
            "model_fitted", "model_hash", "ce_id", "ce_median", "ce_sigma"]
WARNINGS = ["plerixafor-before-day-4", "crcl-unknown", "off-label-dose", "day-gap",
            "after-stop", "dose-not-given", "dose-unadvised", "apheresis-unadvised", "child",
            "age-unknown-per-kg-dose", "ce-held", "tbv-weight-only", "diagnosis-unknown"]
BANDS = ["adult", "child", "neonate", "auto", "nadler"]
ACTIONS = ["wait", "collect", "plerixafor", "stop-goal", "stop-minimum", "stop-failed",
           "need-count", "outside-policy", "continue"]

failures = []


def fail(where, text):
    failures.append(f"{where}: {text}")


def fnv(data):
    h = FNV_BASIS
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def keys(where, obj, want):
    if not isinstance(obj, dict):
        fail(where, "not an object")
        return False
    got = [k for k in obj if not k.endswith("_hex")]
    if got != want:
        fail(where, f"members {got}, want {want}")
        return False
    return True


def number(where, v, nullable=True):
    if v is None and nullable:
        return
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        fail(where, f"{v!r} is not a finite number")


def integer(where, v):
    if isinstance(v, bool) or not isinstance(v, int):
        fail(where, f"{v!r} is not an integer")


def text_bytes(obj):
    """A text member's exact bytes: the _hex twin, else the string's UTF-8."""
    if "text_hex" in obj:
        return bytes.fromhex(obj["text_hex"])
    return obj["text"].encode("utf-8")


def check_text_hash(where, obj, id_line):
    """The hash is of the text without its first line (the writer's comment)."""
    data = text_bytes(obj)
    if not data.startswith(b"# "):
        fail(where, "text does not start with the writer's comment line")
        return
    body = data[data.index(b"\n") + 1:]
    if fnv(body) != obj["hash"]:
        fail(where, f"hash {obj['hash']} is not FNV-1a 64 of the text ({fnv(body)})")
    if id_line not in body.decode("utf-8", "replace").split("\n"):
        fail(where, f"the text has no line '{id_line}'")


def check_policy(p):
    if not keys("policy", p, ["kind", "id", "version", "hash"] +
                (["text"] if p.get("kind") == "site" else [])):
        return
    if p["kind"] not in ("preset", "site"):
        fail("policy.kind", p["kind"])
    if p["kind"] == "site":
        check_text_hash("policy", p, "id = " + p["id"])


def check_model(m):
    if not keys("model", m, ["kind", "id", "version", "fitted", "hash"] +
                (["text"] if m.get("kind") == "file" else [])):
        return
    if not isinstance(m["fitted"], bool):
        fail("model.fitted", "not a boolean")
    if m["kind"] == "file":
        check_text_hash("model", m, "id = " + m["id"])
    elif m["kind"] != "defaults" or m["id"] != "defaults":
        fail("model", "kind or id not 'defaults'")


def check_hashes(raw):
    """Each hash is FNV-1a 64 of the object's bytes from '{' to the ',' before "hash"."""
    head = re.search(rb'"course":(\{"regimen":.*?),"hash":"([0-9a-f]{16})"', raw)
    if head is None or fnv(head.group(1)) != head.group(2).decode():
        fail("course.hash", "not the hash of the course's head")
    rows = re.findall(rb'(\{"day":[^{}]*?),"hash":"([0-9a-f]{16})"\}', raw)
    for i, (body, h) in enumerate(rows):
        if fnv(body) != h.decode():
            fail(f"course.days[{i}].hash", "not the hash of the row")
    return len(rows)


def check_course(c, raw):
    if not keys("course", c, ["regimen", "goal", "minimum", "person", "hash", "days"]):
        return
    if c["regimen"] not in ("gcsf", "chemo", "upfront"):
        fail("course.regimen", c["regimen"])
    number("course.goal", c["goal"])
    number("course.minimum", c["minimum"])
    if keys("course.person", c["person"], PERSON):
        p = c["person"]
        number("person.weight_kg", p["weight_kg"], nullable=False)
        for k in ("height_cm", "age_years", "crcl_ml_min", "recipient_kg"):
            number(f"person.{k}", p[k])
        if p["band"] not in BANDS or p["sex"] not in ("unknown", "male", "female"):
            fail("person", "band or sex not a known name")
        integer("person.transplants", p["transplants"])
    last = 0
    for i, row in enumerate(c["days"]):
        where = f"course.days[{i}]"
        if not keys(where, row, ROW):
            continue
        integer(where + ".day", row["day"])
        if row["day"] <= last:
            fail(where, "days do not increase")
        last = row["day"]
        for k in ROW[1:-1]:
            number(f"{where}.{k}", row[k])
    if check_hashes(raw) != len(c["days"]):
        fail("course.days", "a row's bytes are not as pbsc-record(5) lays them out")
    return last


def check_decision(d, last_day):
    if not keys("decision", d, DECISION):
        return
    if d["day"] != last_day:
        fail("decision.day", f"{d['day']}, the last row is day {last_day}")
    if d["action"] not in ACTIONS or d["moment"] not in ("morning", "evening"):
        fail("decision", "action or moment not a known name")
    keys("decision.tonight", d["tonight"], TONIGHT)
    keys("decision.projection", d["projection"], PROJECTION)
    w = d["warnings"]
    if keys("decision.warnings", w, ["bits", "names"]):
        want = [WARNINGS[b] for b in range(len(WARNINGS)) if w["bits"] >> b & 1]
        if w["names"] != want:
            fail("decision.warnings", f"names {w['names']} for bits {w['bits']}")
    for k in ("cd34", "wbc", "threshold", "goal", "minimum", "collected", "remaining",
              "volume_l", "p_goal_without", "p_goal_with", "tbv_l", "ce_median", "ce_sigma"):
        number(f"decision.{k}", d[k])
    for k in ("day", "decided_day", "aphereses", "plerixafor_doses"):
        integer(f"decision.{k}", d[k])


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-5 * max(abs(a), abs(b), 1e-9)


def check_against_program(rec, prog):
    """The record's decision and inputs are those pbsc-decide printed (its JSON rounds)."""
    d, p = rec["decision"], prog["decision"]
    for k in DECISION:
        if k in ("tonight", "projection", "warnings"):
            continue
        a, b = d[k], p.get(k)
        same = close(a, b) if isinstance(a, (int, float)) and not isinstance(a, bool) else a == b
        if not same:
            fail(f"decision.{k}", f"record {a!r}, pbsc-decide printed {b!r}")
    if p["tonight"] is not None and not close(d["tonight"]["mg"], p["tonight"]["mg"]):
        fail("decision.tonight.mg", "not the dose printed")
    if p["projection"] is not None and not close(d["projection"]["median"],
                                                 p["projection"]["median"]):
        fail("decision.projection.median", "not the median printed")
    if sorted(d["warnings"]["names"]) != sorted(p["warnings"]):
        fail("decision.warnings", f"{d['warnings']['names']}, printed {p['warnings']}")
    if rec["policy"]["id"] != prog["policy"]["id"] or rec["library"] != prog["library_version"]:
        fail("policy", "not the policy or library printed")
    for k in ("weight_kg", "recipient_kg", "age_years"):
        if not close(rec["course"]["person"][k], prog["person"][k]):
            fail(f"course.person.{k}", "not the person printed")
    if not close(rec["course"]["goal"], prog["goal"]):
        fail("course.goal", "not the goal printed")


def check_file(path, decided):
    with open(path, "rb") as f:
        raw = f.read()
    if not raw.endswith(b"}\n") or raw.count(b"\n") != 1:
        fail(path, "not one line ending with a newline")
    rec = json.loads(raw.decode("utf-8"))  # strict UTF-8: a record is valid UTF-8
    if not keys("record", rec, TOP):
        return
    if rec["format"] != "pbsc-record" or rec["version"] != 1:
        fail("record", "format or version")
    check_policy(rec["policy"])
    check_model(rec["model"])
    last = check_course(rec["course"], raw)
    check_decision(rec["decision"], last)
    if decided:
        with open(decided, encoding="utf-8") as f:
            check_against_program(rec, json.load(f))


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().split("\n\n")[1])
        return 2
    bad = 0
    for arg in argv[1:]:
        path, _, decided = arg.partition(":")
        del failures[:]
        check_file(path, decided)
        for line in failures:
            print(f"{path}: {line}")
        bad += len(failures) > 0
    print(f"record_check.py: {len(argv) - 1 - bad} records pass, {bad} fail")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
