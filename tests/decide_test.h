/* SPDX-License-Identifier: MIT */
/* Helpers shared by the decision suites (tests/check_decide.c, tests/check_presets.c). */
#ifndef PBSC_DECIDE_TEST_H
#define PBSC_DECIDE_TEST_H

#include <stddef.h>
#include <string.h>

#include "pbsc_test.h"

/*
 * Conventions of these suites. The person is 70 kg, height, sex and age unknown (TBV
 * 70 mL/kg = 4.9 L, session cap 3 x TBV = 14.7 L), CrCl 90 mL/min (normal renal function, so
 * no dose warning) unless a test says otherwise; the model is the literature one (model
 * NULL), whose CE is generic-auto (median 0.46, sigma 0.5108088028). One session at the cap
 * then projects a median of
 *   cd34 x 14.7 L x 0.46 / 70 kg = cd34 x 0.0966 x10^6/kg (PER_CD34)
 * and a plerixafor dose is 0.24 mg/kg x 70 kg = 16.8 mg (MG). MO and EV are the two decision
 * points of a day. The person is a myeloma patient (std_person()), in the diagnosis scope of
 * every preset, so no decision carries PBSC_W_DIAGNOSIS_UNKNOWN; tests/check_scope.c tests
 * the scope.
 */
#define KG 70.0
#define CRCL 90.0
#define MG (0.24 * KG)              /* 16.8 mg */
#define PER_CD34 (14.7 * 0.46 / KG) /* x10^6/kg per cell/uL for one capped session */
#define MO PBSC_MORNING
#define EV PBSC_EVENING

typedef struct pbsc_test_row row;

/* Courses made by a test, freed by the fixture's teardown. */
#define MAX_COURSES 256
static pbsc_course *made[MAX_COURSES];
static size_t nmade;

static inline void
teardown(void)
{
    while (nmade > 0)
        pbsc_course_free(made[--nmade]);
}

static inline pbsc_course *
keep(pbsc_course *c)
{
    ck_assert(nmade < MAX_COURSES);
    made[nmade++] = c;
    return c;
}

/* A myeloma patient of `kg` with creatinine clearance `crcl`, the rest unknown. */
static inline pbsc_person
std_person(double kg, double crcl)
{
    pbsc_person p = pbsc_test_person(kg, crcl);

    p.diagnosis = PBSC_DX_MYELOMA;
    return p;
}

/* The standard person (70 kg, CrCl 90) on G-CSF alone, freed by the teardown. */
static inline pbsc_course *
gcsf(double goal, double minimum, const row *rows, size_t n)
{
    pbsc_person p = std_person(KG, CRCL);

    return keep(pbsc_test_course(&p, PBSC_REGIMEN_GCSF, goal, minimum, rows, n));
}

static inline const pbsc_policy *
policy(const char *id)
{
    const pbsc_policy *p = NULL;

    ck_assert_msg(pbsc_policy_find(id, &p, NULL) == PBSC_OK, "no preset %s", id);
    return p;
}

static inline pbsc_policy *
parse(const char *text)
{
    pbsc_policy *p = NULL;
    pbsc_diag diag;

    ck_assert_msg(pbsc_policy_parse(text, strlen(text), &p, &diag) == PBSC_OK, "line %ld: %s",
                  diag.line, diag.text);
    return p;
}

static inline pbsc_policy_info
policy_info(const pbsc_policy *p)
{
    pbsc_policy_info info;

    pbsc_policy_info_init(&info);
    ck_assert_int_eq(pbsc_policy_info_get(p, &info), PBSC_OK);
    return info;
}

/* One decision point under policy p and model m (NULL: the literature model). */
static inline pbsc_decision
decide_m(const pbsc_policy *p, const pbsc_model *m, const pbsc_course *c, long day,
         pbsc_moment moment)
{
    pbsc_decision d = pbsc_test_decision();
    pbsc_diag diag;
    int rc;

    pbsc_diag_clear(&diag);
    rc = pbsc_decide(c, p, m, day, moment, &d, &diag);
    ck_assert_msg(rc == PBSC_OK, "pbsc_decide(day %ld %s): %s: %s", day, pbsc_moment_name(moment),
                  pbsc_strerror(rc), diag.text);
    ck_assert_int_eq(d.day, day > 0 ? day : d.day);
    ck_assert_int_eq(d.moment, moment);
    return d;
}

static inline pbsc_decision
decide_p(const pbsc_policy *p, const pbsc_course *c, long day, pbsc_moment moment)
{
    return decide_m(p, NULL, c, day, moment);
}

static inline pbsc_decision
decide(const char *id, const pbsc_course *c, long day, pbsc_moment moment)
{
    return decide_m(policy(id), NULL, c, day, moment);
}

/* Every point of a course, in order (each morning, the evening of each apheresis); the
 * number of points. */
static inline size_t
replay_m(const pbsc_policy *p, const pbsc_model *m, const pbsc_course *c, pbsc_decision *out,
         size_t cap)
{
    pbsc_diag diag;
    size_t n = 0;
    int rc;

    out[0] = pbsc_test_decision();
    rc = pbsc_replay(c, p, m, out, cap, &n, &diag);
    ck_assert_msg(rc == PBSC_OK, "replay: %s", diag.text);
    return n;
}

/* The action and the rule id. */
#define ck_assert_decision(d, act, rule_)                                                          \
    do {                                                                                           \
        ck_assert_msg((d).action == (act) && strcmp((d).rule, (rule_)) == 0,                       \
                      "day %ld %s: %s/%s (%s), want %s/%s", (d).day, pbsc_moment_name((d).moment), \
                      pbsc_action_name((d).action), (d).rule, (d).reason, pbsc_action_name(act),   \
                      (rule_));                                                                    \
    } while (0)

/* A decision with no session today: volume and projection are NAN. */
static inline void
assert_no_session(const pbsc_decision *d)
{
    ck_assert_msg(isnan(d->volume_l), "%s: volume %g", d->rule, d->volume_l);
    ck_assert(
        isnan(d->projection.median) && isnan(d->projection.lower) && isnan(d->projection.upper) &&
        isnan(d->projection.dose) && isnan(d->projection.p_dose) && isnan(d->projection.volume_l) &&
        isnan(d->projection.tbv_l) && isnan(d->projection.sigma) && isnan(d->projection.level));
}

/* No dose tonight: drug none, mg NAN, the rest 0. */
static inline void
assert_no_dose(const pbsc_decision *d)
{
    ck_assert_msg(d->tonight.drug == PBSC_DRUG_NONE, "day %ld %s %s: tonight %s %g mg", d->day,
                  pbsc_moment_name(d->moment), d->rule, pbsc_drug_name(d->tonight.drug),
                  d->tonight.mg);
    ck_assert(isnan(d->tonight.mg));
    ck_assert_int_eq(d->tonight.number, 0);
    ck_assert_int_eq(d->tonight.apheresis_day, 0);
    ck_assert_int_eq(d->tonight.salvage, 0);
    ck_assert_int_eq(d->tonight.basis, PBSC_DOSE_NONE);
}

#endif
