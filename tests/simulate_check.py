#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks of pbsc-simulate's JSON (tests/simulate.sh), read by python3's json module.

simulate_check.py sim FILE N: every policy's shares and means are consistent:
  minimum_reached + failure = 1, goal_reached <= minimum_reached, a share's SE is
  sqrt(p (1 - p) / N), the ends count N patients, means are >= 0.
simulate_check.py validate FILE: the four fitted shares within 3 points of Gertz 2010.
simulate_check.py policies FILE ID,ID,...: the policies run are exactly these, in this order.
"""
import json
import math
import sys

SHARES = ("goal_reached", "minimum_reached", "failure", "outside_policy", "plerixafor_share")
MEANS = ("doses_per_patient", "aphereses_per_patient", "days", "collected")


def fail(msg):
    print("simulate_check.py: " + msg)
    return 1


def check_sim(path, n):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    bad = 0
    if doc["patients"] != n:
        bad |= fail("patients %s, not %d" % (doc["patients"], n))
    for p in doc["policies"]:
        name = p["policy"]
        if p["patients"] != n or sum(p["ends"].values()) != n:
            bad |= fail("%s: the ends count %d patients" % (name, sum(p["ends"].values())))
        # %.6g in the JSON: 1e-5 absolute is well above its rounding
        if abs(p["minimum_reached"] + p["failure"] - 1.0) > 1e-5:
            bad |= fail("%s: minimum_reached + failure != 1" % name)
        if p["goal_reached"] > p["minimum_reached"] + 1e-9:
            bad |= fail("%s: goal_reached above minimum_reached" % name)
        for k in SHARES:
            v, se = p[k], p[k + "_se"]
            want = math.sqrt(v * (1.0 - v) / n)
            if not 0.0 <= v <= 1.0 or abs(se - want) > 1e-5 * max(1.0, want):
                bad |= fail("%s: %s %g, se %g, want se %g" % (name, k, v, se, want))
        for k in MEANS:
            if p[k] < 0 or p[k + "_se"] < 0:
                bad |= fail("%s: %s negative" % (name, k))
        # `all` runs only the presets that apply: none ends every course outside it
        if p["outside_policy"] >= 1.0:
            bad |= fail("%s: every course outside the policy" % name)
    return bad


def check_policies(path, ids):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    got = [p["policy"] for p in doc["policies"]]
    if got != ids:
        return fail("policies %s, want %s" % (",".join(got), ",".join(ids)))
    return 0


GERTZ = {"G-CSF alone: >= 5 x10^6/kg, %": 53, "G-CSF alone: 2-5 x10^6/kg, %": 25,
         "G-CSF alone: < 2 x10^6/kg, %": 10, "G-CSF alone: never 10/uL, no harvest, %": 12}


def check_validate(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    bad = 0
    seen = 0
    for row in doc["figures"]:
        if row["figure"] in GERTZ:
            seen += 1
            if row["published_low"] != GERTZ[row["figure"]]:
                bad |= fail("%s: published %g" % (row["figure"], row["published_low"]))
            if abs(row["predicted"] - GERTZ[row["figure"]]) > 3.0:
                bad |= fail("%s: predicted %g, more than 3 points from %g" %
                            (row["figure"], row["predicted"], GERTZ[row["figure"]]))
        if abs(row["gap"]) > 0 and row["published_low"] <= row["predicted"] <= row["published_high"]:
            bad |= fail("%s: a gap inside the range" % row["figure"])
    if seen != 4:
        bad |= fail("%d of Gertz's 4 shares in the report" % seen)
    return bad


def main(argv):
    if len(argv) >= 3 and argv[1] == "sim":
        return check_sim(argv[2], int(argv[3]))
    if len(argv) == 4 and argv[1] == "policies":
        return check_policies(argv[2], argv[3].split(","))
    if len(argv) == 3 and argv[1] == "validate":
        return check_validate(argv[2])
    return fail("usage: simulate_check.py sim FILE N | validate FILE")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
