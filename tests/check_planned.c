/* SPDX-License-Identifier: MIT */
/* The planned schedules (issue 14; pbsc-rules(7), pbsc-sources(7)): planned plerixafor
 * (dipersio2009-nhl, -mm), motixafortide (genesis2023), the NMDP donor presets and
 * single-dose pegfilgrastim, each as a table of boundary rows; and the policy-file keys that
 * carry them (planned_drug, planned_day, planned_every, planned_doses, collect_above,
 * split_sessions). */
#include <stdio.h>
#include <string.h>

#include "pbsc_test.h"
#include "decide_test.h"

/* Conventions: tests/decide_test.h (70 kg, CrCl 90: plerixafor 0.24 x 70 = 16.8 mg). */
#define MOTI (1.25 * KG) /* motixafortide 1.25 mg/kg x 70 kg = 87.5 mg */
#define UP PBSC_REGIMEN_UPFRONT
#define PEG PBSC_REGIMEN_PEGFILGRASTIM

/* A course of the standard person (or a donor for a 70 kg recipient when `donor`), with
 * motixafortide given on the evenings of the days in `moti` (0-terminated). */
static pbsc_course *
course(pbsc_regimen regimen, int donor, double goal, double minimum, const row *rows,
       size_t n, const long *moti)
{
    pbsc_person p = pbsc_test_person(KG, CRCL);
    pbsc_course *c;

    if (donor)
        p.recipient_kg = KG;
    c = keep(pbsc_test_course(&p, regimen, goal, minimum, rows, n));
    for (; moti != NULL && *moti != 0; moti++)
        pbsc_test_set(c, *moti, PBSC_Q_MOTIXAFORTIDE_MG, MOTI);
    return c;
}

/* One row of a decision table: the course's last day is decided at `moment`. */
struct expect {
    const char *why;
    pbsc_action action;
    const char *rule;
    pbsc_drug drug; /* tonight's; NONE: no dose */
    double mg;
    int number;
};

static void
check_row(const pbsc_policy *p, const pbsc_course *c, long day, pbsc_moment m,
          const struct expect *e)
{
    pbsc_decision d = decide_p(p, c, day, m);

    ck_assert_msg(d.action == e->action && strcmp(d.rule, e->rule) == 0,
                  "%s: day %ld %s: %s/%s (%s), want %s/%s", e->why, day, pbsc_moment_name(m),
                  pbsc_action_name(d.action), d.rule, d.reason, pbsc_action_name(e->action),
                  e->rule);
    if (e->drug == PBSC_DRUG_NONE) {
        assert_no_dose(&d);
        return;
    }
    ck_assert_msg(d.tonight.drug == e->drug, "%s: drug %s", e->why, pbsc_drug_name(d.tonight.drug));
    ck_assert_rel(d.tonight.mg, e->mg, 1e-12);
    ck_assert_int_eq(d.tonight.number, e->number);
    ck_assert_int_eq(d.tonight.apheresis_day, day + 1);
    ck_assert_int_eq(d.tonight.salvage, 0);
    ck_assert_int_eq(d.tonight.basis, PBSC_DOSE_PER_KG);
}

#define PLX PBSC_DRUG_PLERIXAFOR
#define MTX PBSC_DRUG_MOTIXAFORTIDE
#define NONE PBSC_DRUG_NONE

/* ---- 1. planned plerixafor (DiPersio 2009) ------------------------------------------- */

/* Days 1-3, then day 4's morning count; the planned dose on day 4's evening (mg), and
 * apheresis days 5.. with their products y5..y8 (NA: none). */
static pbsc_course *
dipersio_course(pbsc_regimen regimen, int donor, double goal, double d4, double dose4,
                double y5, double y6, double y7, double y8)
{
    const double ys[] = {y5, y6, y7, y8};
    row rows[8] = {EMPTY_DAY(1), EMPTY_DAY(2), EMPTY_DAY(3), {4, d4, NA, dose4, NA, NA}};
    size_t n = 4, i, m = 0;

    while (m < 4 && !isnan(ys[m]))
        m++;
    for (i = 0; i < m; i++) {
        row r = {(long)(5 + i), 20, NA, NA, 14.7, ys[i]};
        if (i + 1 < m) /* the dose that prepared the next apheresis, as planned */
            r.mg = MG;
        rows[n++] = r;
    }
    return course(regimen, donor, goal, 2.0, rows, n, NULL);
}

START_TEST(dipersio_table)
{
    const pbsc_policy *nhl = policy("dipersio2009-nhl"), *mm = policy("dipersio2009-mm");
    const pbsc_course *c;
    struct expect e;

    /* before the planned day: G-CSF alone */
    c = dipersio_course(UP, 0, 5, NA, NA, NA, NA, NA, NA);
    e = (struct expect){"day 3", PBSC_ACTION_WAIT, "wait.gcsf", NONE, 0, 0};
    check_row(nhl, c, 3, MO, &e);
    /* day 4, whatever the count (none, 0, 200/uL): the first dose, 0.24 x 70 = 16.8 mg */
    e = (struct expect){"day 4 no count", PBSC_ACTION_PLERIXAFOR, "planned.dose", PLX, MG, 1};
    check_row(nhl, c, 4, MO, &e);
    check_row(mm, c, 4, MO, &e);
    c = dipersio_course(UP, 0, 5, 0, NA, NA, NA, NA, NA);
    check_row(nhl, c, 4, MO, &e);
    c = dipersio_course(UP, 0, 5, 200, NA, NA, NA, NA, NA);
    check_row(nhl, c, 4, MO, &e);
    /* the evening of day 4 (no apheresis): the morning's advice stands */
    check_row(nhl, c, 4, EV, &e);
    /* day 5 without the planned dose on day 4: the schedule was not followed */
    {
        const row rows[] = {EMPTY_DAY(4), {5, 20, NA, NA, NA, NA}};
        c = course(UP, 0, 5, 2, rows, NROWS(rows), NULL);
        e = (struct expect){"no dose day 4", PBSC_ACTION_OUTSIDE_POLICY, "outside.deviation",
                            NONE, 0, 0};
        check_row(nhl, c, 5, MO, &e);
    }
    /* day 5 after the dose: collect */
    {
        const row rows[] = {{4, 8, NA, MG, NA, NA}, {5, 20, NA, NA, NA, NA}};
        c = course(UP, 0, 5, 2, rows, NROWS(rows), NULL);
        e = (struct expect){"day 5", PBSC_ACTION_COLLECT, "collect.after_plerixafor", NONE, 0, 0};
        check_row(nhl, c, 5, MO, &e);
    }
    /* day 5's evening: the goal's edge (reached within 0.001): 4.998 goes on with dose 2,
     * 4.999 stops; the myeloma preset's goal is 6 (the course gives none: the policy's) */
    c = dipersio_course(UP, 0, 5, 8, MG, 4.998, NA, NA, NA);
    e = (struct expect){"4.998 of 5", PBSC_ACTION_CONTINUE, "planned.next", PLX, MG, 2};
    check_row(nhl, c, 5, EV, &e);
    c = dipersio_course(UP, 0, 5, 8, MG, 4.999, NA, NA, NA);
    e = (struct expect){"4.999 of 5", PBSC_ACTION_STOP_GOAL, "stop.goal", NONE, 0, 0};
    check_row(nhl, c, 5, EV, &e);
    c = dipersio_course(UP, 0, NA, 8, MG, 5.998, NA, NA, NA);
    e = (struct expect){"mm 5.998 of 6", PBSC_ACTION_CONTINUE, "planned.next", PLX, MG, 2};
    check_row(mm, c, 5, EV, &e);
    c = dipersio_course(UP, 0, NA, 8, MG, 5.999, NA, NA, NA);
    e = (struct expect){"mm 5.999 of 6", PBSC_ACTION_STOP_GOAL, "stop.goal", NONE, 0, 0};
    check_row(mm, c, 5, EV, &e);
    /* the third apheresis (doses on days 4, 5, 6): the fourth and last dose tonight */
    c = dipersio_course(UP, 0, 5, 8, MG, 1.0, 1.0, 1.0, NA);
    e = (struct expect){"day 7, 3 doses", PBSC_ACTION_CONTINUE, "planned.next", PLX, MG, 4};
    check_row(nhl, c, 7, EV, &e);
    /* the fourth apheresis (day 8): the last; 4 x 1.0 >= the minimum 2 */
    c = dipersio_course(UP, 0, 5, 8, MG, 1.0, 1.0, 1.0, 1.0);
    e = (struct expect){"day 8", PBSC_ACTION_STOP_MINIMUM, "stop.sessions", NONE, 0, 0};
    check_row(nhl, c, 8, EV, &e);
    /* 4 x 0.4 = 1.6 < 2: failed */
    c = dipersio_course(UP, 0, 5, 8, MG, 0.4, 0.4, 0.4, 0.4);
    e = (struct expect){"day 8 short", PBSC_ACTION_STOP_FAILED, "stop.sessions", NONE, 0, 0};
    check_row(nhl, c, 8, EV, &e);
    /* scope and regimen: a donor, a G-CSF-alone course, chemo-mobilization */
    e = (struct expect){"donor", PBSC_ACTION_OUTSIDE_POLICY, "outside.scope", NONE, 0, 0};
    check_row(nhl, dipersio_course(UP, 1, 5, 8, NA, NA, NA, NA, NA), 4, MO, &e);
    e = (struct expect){"gcsf", PBSC_ACTION_OUTSIDE_POLICY, "outside.regimen", NONE, 0, 0};
    check_row(nhl, dipersio_course(PBSC_REGIMEN_GCSF, 0, 5, 8, NA, NA, NA, NA, NA), 4, MO, &e);
    check_row(mm, dipersio_course(PBSC_REGIMEN_CHEMO_GCSF, 0, 5, 8, NA, NA, NA, NA, NA), 4, MO,
              &e);
}
END_TEST

/* ---- 2. motixafortide (GENESIS; the US label) ----------------------------------------- */

/* Day 4 (count 9, motixafortide that evening), apheresis days 5.. with products y5..y8,
 * the second dose on the evening of day `second` (0: none). */
static pbsc_course *
genesis_course(int donor, double goal, double y5, double y6, double y7, double y8, long second)
{
    const double ys[] = {y5, y6, y7, y8};
    row rows[8] = {EMPTY_DAY(1), EMPTY_DAY(2), EMPTY_DAY(3), {4, 9, NA, NA, NA, NA}};
    long moti[] = {4, second, 0};
    size_t n = 4, i;

    for (i = 0; i < 4 && !isnan(ys[i]); i++) {
        row r = {(long)(5 + i), 30, NA, NA, 14.7, ys[i]};
        rows[n++] = r;
    }
    return course(UP, donor, goal, 2.0, rows, n, moti);
}

START_TEST(genesis_table)
{
    const pbsc_policy *g = policy("genesis2023");
    const pbsc_course *c;
    struct expect e;

    /* day 4: motixafortide 1.25 mg/kg x 70 kg = 87.5 mg, whatever the count */
    {
        const row rows[] = {EMPTY_DAY(3), {4, 250, NA, NA, NA, NA}};
        c = course(UP, 0, 6, 2, rows, NROWS(rows), NULL);
        e = (struct expect){"day 4", PBSC_ACTION_PLERIXAFOR, "planned.dose", MTX, MOTI, 1};
        check_row(g, c, 4, MO, &e);
        e.why = "day 3";
        e.action = PBSC_ACTION_WAIT, e.rule = "wait.gcsf", e.drug = NONE;
        check_row(g, c, 3, MO, &e);
    }
    /* no cap: 200 kg gets 1.25 x 200 = 250 mg (above plerixafor's 40 mg, which never binds
     * here); the renal function is not read */
    {
        pbsc_person p = pbsc_test_person(200, 20);
        const row rows[] = {{4, 9, NA, NA, NA, NA}};
        pbsc_decision d;
        c = keep(pbsc_test_course(&p, UP, 6, 2, rows, NROWS(rows)));
        d = decide_p(g, c, 4, MO);
        ck_assert_int_eq(d.tonight.drug, MTX);
        ck_assert_rel(d.tonight.mg, 250.0, 1e-12);
        ck_assert_uint_eq(d.warnings & (PBSC_W_OFF_LABEL_DOSE | PBSC_W_CRCL_UNKNOWN), 0);
    }
    /* day 5: collect after it */
    c = genesis_course(0, 6, NA, NA, NA, NA, 0);
    {
        const row rows[] = {{5, 30, NA, NA, NA, NA}};
        long moti[] = {4, 0};
        c = course(UP, 0, 6, 2, rows, NROWS(rows), moti);
        e = (struct expect){"day 5", PBSC_ACTION_COLLECT, "collect.after_motixafortide", NONE, 0,
                            0};
        check_row(g, c, 5, MO, &e);
    }
    /* day 5's evening: no dose before the second apheresis */
    c = genesis_course(0, 6, 2.0, NA, NA, NA, 0);
    e = (struct expect){"day 5 2.0", PBSC_ACTION_CONTINUE, "continue.tomorrow", NONE, 0, 0};
    check_row(g, c, 5, EV, &e);
    /* day 6: collect again (the dose of day 4 is spent) */
    c = genesis_course(0, 6, 2.0, 2.0, NA, NA, 0);
    e = (struct expect){"day 6", PBSC_ACTION_COLLECT, "collect.continue", NONE, 0, 0};
    check_row(g, c, 6, MO, &e);
    /* day 6's evening, before a third apheresis: the second dose, unless the goal is in
     * (2.0 + 3.998 = 5.998 goes on, 2.0 + 3.999 = 5.999 is within 0.001 of 6) */
    c = genesis_course(0, 6, 2.0, 3.998, NA, NA, 0);
    e = (struct expect){"5.998 of 6", PBSC_ACTION_CONTINUE, "planned.next", MTX, MOTI, 2};
    check_row(g, c, 6, EV, &e);
    c = genesis_course(0, 6, 2.0, 3.999, NA, NA, 0);
    e = (struct expect){"5.999 of 6", PBSC_ACTION_STOP_GOAL, "stop.goal", NONE, 0, 0};
    check_row(g, c, 6, EV, &e);
    /* day 7 after the second dose; its evening: no third dose (two at most) */
    c = genesis_course(0, 6, 2.0, 2.0, NA, NA, 6);
    {
        pbsc_course *c7 = (pbsc_course *)c;
        pbsc_test_set(c7, 7, PBSC_Q_CD34_UL, 25);
        e = (struct expect){"day 7", PBSC_ACTION_COLLECT, "collect.after_motixafortide", NONE, 0,
                            0};
        check_row(g, c7, 7, MO, &e);
    }
    c = genesis_course(0, 6, 2.0, 2.0, 1.0, NA, 6);
    e = (struct expect){"day 7 5.0", PBSC_ACTION_CONTINUE, "continue.tomorrow", NONE, 0, 0};
    check_row(g, c, 7, EV, &e);
    /* the fourth apheresis is the last: 2 + 2 + 1 + 0.5 = 5.5 >= 2 */
    c = genesis_course(0, 6, 2.0, 2.0, 1.0, 0.5, 6);
    e = (struct expect){"day 8", PBSC_ACTION_STOP_MINIMUM, "stop.sessions", NONE, 0, 0};
    check_row(g, c, 8, EV, &e);
    /* never plerixafor: a first yield of 0.1 has no salvage */
    c = genesis_course(0, 6, 0.1, NA, NA, NA, 0);
    e = (struct expect){"y1 0.1", PBSC_ACTION_CONTINUE, "continue.tomorrow", NONE, 0, 0};
    check_row(g, c, 5, EV, &e);
    /* never for a donor */
    e = (struct expect){"donor", PBSC_ACTION_OUTSIDE_POLICY, "outside.scope", NONE, 0, 0};
    check_row(g, genesis_course(1, 6, NA, NA, NA, NA, 0), 4, MO, &e);
}
END_TEST

/* ---- the diagnosis scope: the NHL trial, the myeloma trial, motixafortide (myeloma) --- */

START_TEST(diagnosis_table)
{
    static const struct {
        const char *id;
        pbsc_diagnosis dx;
        int outside; /* 1: outside.diagnosis; 0: planned.dose */
    } rows[] = {
        {"dipersio2009-nhl", PBSC_DX_NHL, 0},     {"dipersio2009-nhl", PBSC_DX_MYELOMA, 1},
        {"dipersio2009-nhl", PBSC_DX_HODGKIN, 1}, {"dipersio2009-nhl", PBSC_DX_UNKNOWN, 0},
        {"dipersio2009-mm", PBSC_DX_MYELOMA, 0},  {"dipersio2009-mm", PBSC_DX_NHL, 1},
        {"dipersio2009-mm", PBSC_DX_AMYLOIDOSIS, 1}, {"dipersio2009-mm", PBSC_DX_UNKNOWN, 0},
        {"genesis2023", PBSC_DX_MYELOMA, 0},      {"genesis2023", PBSC_DX_NHL, 1},
        {"genesis2023", PBSC_DX_AMYLOIDOSIS, 1},  {"genesis2023", PBSC_DX_OTHER, 1},
        {"genesis2023", PBSC_DX_UNKNOWN, 0},
    };
    const row r[] = {{4, 9, NA, NA, NA, NA}};
    size_t i;

    for (i = 0; i < NROWS(rows); i++) {
        pbsc_person p = pbsc_test_person(KG, CRCL);
        pbsc_decision d;
        p.diagnosis = rows[i].dx;
        d = decide(rows[i].id, keep(pbsc_test_course(&p, UP, 6, 2, r, 1)), 4, MO);
        if (rows[i].outside) {
            ck_assert_decision(d, PBSC_ACTION_OUTSIDE_POLICY, "outside.diagnosis");
            assert_no_dose(&d);
        } else {
            ck_assert_decision(d, PBSC_ACTION_PLERIXAFOR, "planned.dose");
        }
        /* the warning exactly when the diagnosis is not given */
        ck_assert_msg(((d.warnings & PBSC_W_DIAGNOSIS_UNKNOWN) != 0) ==
                          (rows[i].dx == PBSC_DX_UNKNOWN),
                      "%s %s: warnings 0x%x", rows[i].id, pbsc_diagnosis_name(rows[i].dx),
                      d.warnings);
    }
}
END_TEST

/* ---- 3. the NMDP donor presets -------------------------------------------------------- */

/* A donor (70 kg, recipient 70 kg): day 5's count, day 5 and day 6 products. */
static pbsc_course *
nmdp_course(int donor, double d5, double y5, double y6)
{
    row rows[] = {EMPTY_DAY(4), {5, d5, NA, NA, 14.7, y5}, {6, 40, NA, NA, 14.7, y6}};
    size_t n = isnan(y5) ? 2 : isnan(y6) ? 2 : 3;

    if (isnan(y5))
        rows[1].litres = NA;
    return course(PBSC_REGIMEN_GCSF, donor, 4, 2, rows, n, NULL);
}

START_TEST(nmdp_table)
{
    const pbsc_policy *one = policy("nmdp-donor"), *two = policy("nmdp-donor-2day");
    struct expect e;
    const double counts[] = {0.5, 4, 200};
    size_t i;

    /* day 5, whatever the count: collect */
    for (i = 0; i < NROWS(counts); i++) {
        e = (struct expect){"day 5", PBSC_ACTION_COLLECT, "assess.collect", NONE, 0, 0};
        check_row(one, nmdp_course(1, counts[i], NA, NA), 5, MO, &e);
        check_row(two, nmdp_course(1, counts[i], NA, NA), 5, MO, &e);
    }
    /* one large-volume apheresis: a low count processes the cap, 5.3 x 4.9 L = 25.97 L; the
     * 2-day preset's cap is 3 x 4.9 = 14.7 L */
    {
        pbsc_decision d1 = decide_p(one, nmdp_course(1, 0.5, NA, NA), 5, MO);
        pbsc_decision d2 = decide_p(two, nmdp_course(1, 0.5, NA, NA), 5, MO);
        ck_assert_rel(d1.volume_l, 5.3 * 4.9, 1e-12);
        ck_assert_rel(d2.volume_l, 3.0 * 4.9, 1e-12);
    }
    /* two smaller aphereses: day 5 aims at half the remaining 4. At 200/uL neither is
     * capped, and the volume for a dose at a given probability is proportional to the dose:
     * donor-d5's day-5 volume (aiming at 4) is twice the 2-day preset's (aiming at 2) */
    {
        pbsc_decision d2 = decide_p(two, nmdp_course(1, 200, NA, NA), 5, MO);
        pbsc_decision d5 = decide_p(policy("donor-d5"), nmdp_course(1, 200, NA, NA), 5, MO);
        ck_assert_rel(d5.volume_l, 2.0 * d2.volume_l, 1e-9);
        ck_assert_rel(d2.projection.dose, 2.0, 1e-12);
        ck_assert(d5.volume_l < 14.7);
    }
    /* the evening of day 5: one session only (short: stop; the minimum 2 decides how) */
    e = (struct expect){"1.999", PBSC_ACTION_STOP_MINIMUM, "stop.sessions", NONE, 0, 0};
    check_row(one, nmdp_course(1, 40, 1.999, NA), 5, EV, &e);
    e = (struct expect){"1.998", PBSC_ACTION_STOP_FAILED, "stop.sessions", NONE, 0, 0};
    check_row(one, nmdp_course(1, 40, 1.998, NA), 5, EV, &e);
    e = (struct expect){"3.999", PBSC_ACTION_STOP_GOAL, "stop.goal", NONE, 0, 0};
    check_row(one, nmdp_course(1, 40, 3.999, NA), 5, EV, &e);
    /* the 2-day preset goes on to day 6, which aims at all that remains, and stops there */
    e = (struct expect){"2-day 2.0", PBSC_ACTION_CONTINUE, "continue.tomorrow", NONE, 0, 0};
    check_row(two, nmdp_course(1, 40, 2.0, NA), 5, EV, &e);
    {
        row rows[] = {{5, 40, NA, NA, 14.7, 2.0}, {6, 200, NA, NA, NA, NA}};
        pbsc_decision d = decide_p(two, course(PBSC_REGIMEN_GCSF, 1, 4, 2, rows, 2, NULL), 6, MO);
        ck_assert_decision(d, PBSC_ACTION_COLLECT, "collect.continue");
        ck_assert_rel(d.projection.dose, 2.0, 1e-12); /* 4 - 2 = 2, all of it */
    }
    e = (struct expect){"2-day day 6", PBSC_ACTION_STOP_MINIMUM, "stop.sessions", NONE, 0, 0};
    check_row(two, nmdp_course(1, 40, 2.0, 1.0), 6, EV, &e);
    /* a patient: outside */
    e = (struct expect){"patient", PBSC_ACTION_OUTSIDE_POLICY, "outside.scope", NONE, 0, 0};
    check_row(one, nmdp_course(0, 40, NA, NA), 5, MO, &e);
    check_row(two, nmdp_course(0, 40, NA, NA), 5, MO, &e);
}
END_TEST

/* ---- 4. single-dose pegfilgrastim ----------------------------------------------------- */

START_TEST(pegfilgrastim_table)
{
    const pbsc_policy *pat = policy("pegfilgrastim"), *don = policy("pegfilgrastim-donor");
    struct expect e;

    /* patients: day 4 waits; day 5's count: 10 waits (not above 10), 10.001 collects; a
     * missing count is needed; a wait counts again on day 6 */
    {
        const row r4[] = {{4, 50, NA, NA, NA, NA}};
        e = (struct expect){"day 4", PBSC_ACTION_WAIT, "wait.gcsf", NONE, 0, 0};
        check_row(pat, course(PEG, 0, 5, 2, r4, 1, NULL), 4, MO, &e);
    }
    {
        const row a[] = {{5, 10, NA, NA, NA, NA}}, b[] = {{5, 10.001, NA, NA, NA, NA}},
                  m[] = {{5, NA, NA, NA, NA, NA}},
                  w[] = {{5, 10, NA, NA, NA, NA}, {6, 10.001, NA, NA, NA, NA}};
        pbsc_decision d = decide_p(pat, course(PEG, 0, 5, 2, a, 1, NULL), 5, MO);
        ck_assert_decision(d, PBSC_ACTION_WAIT, "assess.wait_count");
        ck_assert_rel(d.threshold, 10.0, 0);
        e = (struct expect){"10.001", PBSC_ACTION_COLLECT, "assess.collect", NONE, 0, 0};
        check_row(pat, course(PEG, 0, 5, 2, b, 1, NULL), 5, MO, &e);
        check_row(pat, course(PEG, 0, 5, 2, w, 2, NULL), 6, MO, &e);
        e = (struct expect){"no count", PBSC_ACTION_NEED_COUNT, "need.cd34", NONE, 0, 0};
        check_row(pat, course(PEG, 0, 5, 2, m, 1, NULL), 5, MO, &e);
    }
    /* after chemotherapy: from count recovery (WBC > 1 after <= 1), the same threshold */
    {
        const row r[] = {{9, NA, 0.5, NA, NA, NA}, {10, 10, 1.5, NA, NA, NA},
                         {11, 12, 3.0, NA, NA, NA}};
        const pbsc_course *c = course(PBSC_REGIMEN_CHEMO_GCSF, 0, 5, 2, r, 3, NULL);
        e = (struct expect){"chemo nadir", PBSC_ACTION_WAIT, "wait.recovery", NONE, 0, 0};
        check_row(pat, c, 9, MO, &e);
        e = (struct expect){"chemo 10", PBSC_ACTION_WAIT, "assess.wait_count", NONE, 0, 0};
        check_row(pat, c, 10, MO, &e);
        e = (struct expect){"chemo 12", PBSC_ACTION_COLLECT, "assess.collect", NONE, 0, 0};
        check_row(pat, c, 11, MO, &e);
    }
    /* no plerixafor: a first yield of 0.1 has no salvage */
    {
        const row r[] = {{5, 12, NA, NA, 14.7, 0.1}};
        e = (struct expect){"y1 0.1", PBSC_ACTION_CONTINUE, "continue.tomorrow", NONE, 0, 0};
        check_row(pat, course(PEG, 0, 5, 2, r, 1, NULL), 5, EV, &e);
    }
    /* G-CSF alone, a donor: outside */
    {
        const row r[] = {{5, 20, NA, NA, NA, NA}};
        e = (struct expect){"gcsf", PBSC_ACTION_OUTSIDE_POLICY, "outside.regimen", NONE, 0, 0};
        check_row(pat, course(PBSC_REGIMEN_GCSF, 0, 5, 2, r, 1, NULL), 5, MO, &e);
        check_row(don, course(PBSC_REGIMEN_GCSF, 1, 4, 2, r, 1, NULL), 5, MO, &e);
        e = (struct expect){"donor", PBSC_ACTION_OUTSIDE_POLICY, "outside.scope", NONE, 0, 0};
        check_row(pat, course(PEG, 1, 4, 2, r, 1, NULL), 5, MO, &e);
        check_row(don, course(PEG, 0, 5, 2, r, 1, NULL), 5, MO, &e);
    }
    /* the donor: day 5 whatever the count; a second apheresis if short; two at most */
    {
        const row lo[] = {{5, 0.5, NA, NA, NA, NA}}, hi[] = {{5, 300, NA, NA, NA, NA}};
        const row short1[] = {{5, 40, NA, NA, 14.7, 3.998}};
        const row two[] = {{5, 40, NA, NA, 14.7, 1.0}, {6, 30, NA, NA, 14.7, 0.5}};
        e = (struct expect){"donor day 5", PBSC_ACTION_COLLECT, "assess.collect", NONE, 0, 0};
        check_row(don, course(PEG, 1, 4, 2, lo, 1, NULL), 5, MO, &e);
        check_row(don, course(PEG, 1, 4, 2, hi, 1, NULL), 5, MO, &e);
        e = (struct expect){"3.998 of 4", PBSC_ACTION_CONTINUE, "continue.tomorrow", NONE, 0, 0};
        check_row(don, course(PEG, 1, 4, 2, short1, 1, NULL), 5, EV, &e);
        e = (struct expect){"1.5 < 2", PBSC_ACTION_STOP_FAILED, "stop.sessions", NONE, 0, 0};
        check_row(don, course(PEG, 1, 4, 2, two, 2, NULL), 6, EV, &e);
    }
}
END_TEST

/* ---- 5. the forecast knows motixafortide and a planned course ------------------------ */

/* The literature model (pbsc_model_new(3)), made once. */
static const pbsc_model *
model(void)
{
    static pbsc_model *m;

    if (m == NULL)
        ck_assert_int_eq(pbsc_model_new(&m, NULL), PBSC_OK);
    return m;
}

static pbsc_count_forecast
count_after(const pbsc_course *c, long day, pbsc_option option)
{
    pbsc_count_forecast f;
    pbsc_diag diag;

    ck_assert_msg(pbsc_forecast_count(c, model(), day, option, 0.9, &f,
                                      &diag) == PBSC_OK,
                  "%s", diag.text);
    return f;
}

/* Tomorrow's median after motixafortide: 7.5-fold after the first dose (GENESIS lead-in);
 * after a second, no figure: the later plerixafor dose's 1.2 (PMID 22080963) [interp]. */
START_TEST(forecast_motixafortide_fold)
{
    const row r[] = {{4, 10, 30, NA, NA, NA}, {5, 40, 30, NA, 14.7, 2.0}, {6, 20, 30, NA, NA, NA}};
    long first[] = {0}, second[] = {5, 0};
    const pbsc_course *a = course(UP, 0, 6, 2, r, 1, first);
    const pbsc_course *b = course(UP, 0, 6, 2, r, 3, second);

    ck_assert_rel(count_after(a, 4, PBSC_OPTION_MOTIXAFORTIDE).median, 10 * 7.5, 1e-12);
    ck_assert_rel(count_after(b, 6, PBSC_OPTION_MOTIXAFORTIDE).median, 20 * 1.2, 1e-12);
    /* a plerixafor option after that motixafortide dose is still a first plerixafor dose */
    ck_assert_rel(count_after(b, 6, PBSC_OPTION_PLERIXAFOR).median, 20 * 3.1, 1e-12);
}
END_TEST

static pbsc_success
chance(const pbsc_course *c, long day, pbsc_option option, long max_doses)
{
    pbsc_success_params sp;
    pbsc_success out;
    pbsc_diag diag;

    pbsc_success_params_init(&sp);
    sp.max_plerixafor_doses = max_doses;
    sp.draws = 4000;
    ck_assert_msg(pbsc_success_estimate(c, model(), day, option, &sp, &out,
                                        &diag) == PBSC_OK,
                  "%s", diag.text);
    return out;
}

/* A course with plerixafor planned up front goes on dosing before each apheresis; the same
 * course under G-CSF alone doses no more (no salvage set). With the same draws (the same
 * seed), the planned course's chance is at least the other's, its doses more; with no dose
 * left (max 1, given), the two are the same course. Motixafortide: at most 2 doses. */
START_TEST(forecast_planned_course)
{
    const row r[] = {{4, 8, 30, MG, NA, NA}, {5, 15, 30, NA, NA, NA}};
    pbsc_person p = pbsc_test_person(KG, CRCL);
    const pbsc_course *up = keep(pbsc_test_course(&p, UP, 8, 2, r, 2));
    const pbsc_course *gc = keep(pbsc_test_course(&p, PBSC_REGIMEN_GCSF, 8, 2, r, 2));
    pbsc_success u = chance(up, 5, PBSC_OPTION_COLLECT, 4), g = chance(gc, 5, PBSC_OPTION_COLLECT, 4);
    long moti[] = {4, 0};
    const row rm[] = {{4, 8, 30, NA, NA, NA}, {5, 15, 30, NA, NA, NA}};
    pbsc_success m;

    ck_assert(u.p_goal >= g.p_goal);
    ck_assert(u.p_goal > g.p_goal + 0.05); /* the doses must matter */
    ck_assert(u.plerixafor_doses > 1.0 && g.plerixafor_doses == 1.0);
    ck_assert(u.plerixafor_doses <= 4.0);
    u = chance(up, 5, PBSC_OPTION_COLLECT, 1);
    g = chance(gc, 5, PBSC_OPTION_COLLECT, 1);
    ck_assert(u.p_goal == g.p_goal && u.plerixafor_doses == 1.0);
    m = chance(course(UP, 0, 8, 2, rm, 2, moti), 5, PBSC_OPTION_COLLECT, 4);
    ck_assert(m.plerixafor_doses > 1.0 && m.plerixafor_doses <= 2.0);
}
END_TEST

/* ---- 6. the policy-file keys ---------------------------------------------------------- */

#define BASE0 "id = site\nversion = 1\nsource = x\nassess_day = 4\ncollect_day = 5\n"
#define BASE BASE0 "regimens = upfront\n"

static const struct {
    const char *text;
    int status;
    const char *field;
} bad[] = {
    {BASE "planned_drug = aspirin\n", PBSC_E_PARSE, "planned_drug"},
    {BASE "planned_drug = plerixafor, motixafortide\n", PBSC_E_PARSE, "planned_drug"},
    {BASE "planned_day = 4\n", PBSC_E_CONFLICT, "planned_drug"},
    {BASE "planned_drug = motixafortide\nplanned_doses = 2\n", PBSC_E_CONFLICT, "planned_day"},
    {BASE "planned_drug = motixafortide\nplanned_day = 5\nplanned_doses = 2\n", PBSC_E_CONFLICT,
     "planned_day"},
    {BASE "planned_drug = motixafortide\nplanned_day = 4\n", PBSC_E_CONFLICT, "planned_doses"},
    {BASE "planned_drug = plerixafor\nplanned_day = 4\nplanned_doses = 5\n", PBSC_E_CONFLICT,
     "planned_doses"},
    {BASE "scope = donor\nmax_plerixafor_doses = 0\nplanned_drug = motixafortide\n"
          "planned_day = 4\nplanned_doses = 1\n",
     PBSC_E_CONFLICT, "planned_drug"},
    {BASE "forecast = yes\nplanned_drug = plerixafor\nplanned_day = 4\nplanned_doses = 1\n",
     PBSC_E_CONFLICT, "forecast"},
    {BASE "planned_every = 0\n", PBSC_E_RANGE, "planned_every"},
    {BASE "planned_doses = 11\n", PBSC_E_RANGE, "planned_doses"},
    {BASE "split_sessions = 0\n", PBSC_E_RANGE, "split_sessions"},
    {BASE "collect_above = -1\n", PBSC_E_RANGE, "collect_above"},
    {BASE0 "regimens = insulin\n", PBSC_E_PARSE, "regimens"},
};

START_TEST(keys_rejected)
{
    pbsc_policy *p = NULL;
    pbsc_diag diag;
    const char *t = bad[_i].text;

    ck_assert_fails(pbsc_policy_parse(t, strlen(t), &p, &diag), bad[_i].status, bad[_i].field);
    ck_assert_ptr_null(p);
}
END_TEST

/* A site file with the keys decides as the preset it copies; the writer omits them when
 * they are the defaults (so a policy without them keeps its text and hash), and writes
 * them back when set. */
START_TEST(keys_round_trip)
{
    pbsc_policy *p = parse(BASE0 "regimens = gcsf, pegfilgrastim\ncollect_above = 10\n");
    char buf[4096];
    size_t n;
    const pbsc_course *c;
    pbsc_decision d;

    ck_assert_int_eq(pbsc_policy_format(p, buf, sizeof buf, &n), PBSC_OK);
    ck_assert_ptr_nonnull(strstr(buf, "\nregimens = gcsf, pegfilgrastim\n"));
    ck_assert_ptr_nonnull(strstr(buf, "\ncollect_above = 10\n"));
    ck_assert_ptr_null(strstr(buf, "planned_"));
    ck_assert_ptr_null(strstr(buf, "split_sessions"));
    pbsc_policy_free(p);
    p = parse(BASE "max_plerixafor_doses = 0\nmax_sessions = 4\nmax_day = 8\n"
                   "assess_last_day = 4\nplanned_drug = motixafortide\nplanned_day = 4\n"
                   "planned_every = 2\nplanned_doses = 2\nsplit_sessions = 3\n");
    ck_assert_int_eq(pbsc_policy_format(p, buf, sizeof buf, &n), PBSC_OK);
    ck_assert_ptr_nonnull(strstr(buf, "\nplanned_drug = motixafortide\nplanned_day = 4\n"
                                      "planned_every = 2\nplanned_doses = 2\n"));
    ck_assert_ptr_nonnull(strstr(buf, "\nsplit_sessions = 3\n"));
    c = genesis_course(0, 6, 2.0, 3.0, NA, NA, 0);
    d = decide_p(p, c, 6, EV);
    ck_assert_decision(d, PBSC_ACTION_CONTINUE, "planned.next");
    ck_assert_int_eq(d.tonight.drug, MTX);
    pbsc_policy_free(p);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("planned");
    TCase *t = tcase_create("schedules"), *k = tcase_create("keys");

    tcase_add_checked_fixture(t, NULL, teardown);
    tcase_add_test(t, dipersio_table);
    tcase_add_test(t, genesis_table);
    tcase_add_test(t, diagnosis_table);
    tcase_add_test(t, nmdp_table);
    tcase_add_test(t, pegfilgrastim_table);
    tcase_add_test(t, forecast_motixafortide_fold);
    tcase_add_test(t, forecast_planned_course);
    suite_add_tcase(s, t);
    tcase_add_checked_fixture(k, NULL, teardown);
    tcase_add_loop_test(k, keys_rejected, 0, (int)NROWS(bad));
    tcase_add_test(k, keys_round_trip);
    suite_add_tcase(s, k);
    return s;
}

int
main(void)
{
    return pbsc_test_run(suite());
}
