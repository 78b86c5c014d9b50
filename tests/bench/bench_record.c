/* SPDX-License-Identifier: MIT */
/* make bench: microseconds per decision record of a 10-day course written
 * (pbsc_record_format) and replayed (pbsc_record_replay: parsed by jansson, course, policy
 * and model rebuilt, decided again, compared), with the heap allocations of each. A
 * benchmark, never a test: it asserts nothing (target: write + replay under 20 us). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pbsc.h"
#include "bench.h"

#define CALLS 5000
#define ROUNDS 5
#define NA ((double)NAN)

/* The "harvest" course of bench_decide.c: jit2011, 75 kg, goal 5, minimum 2; G-CSF days
 * 1-6, plerixafor from the evening of day 6, aphereses days 7-10. Day 10's morning collects
 * (a projection, a volume: every member of the decision is set). */
static const struct {
    long day;
    double cd34, wbc, litres, product, mg;
} rows[] = {
    {1, NA, 6.0, NA, NA, NA},   {2, NA, 7.0, NA, NA, NA},    {3, NA, 8.0, NA, NA, NA},
    {4, NA, 8.5, NA, NA, NA},   {5, 9.0, 9.0, NA, NA, NA},   {6, 12.0, 11.0, NA, NA, 18.0},
    {7, 31.0, 14.0, 15.0, 1.4, 18.0}, {8, 27.0, 15.0, 15.0, 1.2, 18.0},
    {9, 24.0, 15.5, 15.0, 1.1, 18.0}, {10, 20.0, 16.0, 15.0, 0.9, NA},
};

static pbsc_course *
build(void)
{
    pbsc_course *c;
    pbsc_person p;
    size_t i;
    int rc;

    pbsc_person_init(&p);
    p.weight_kg = 75.0;
    p.crcl_ml_min = 90.0;
    if (pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, NULL) != PBSC_OK)
        return NULL;
    for (i = 0, rc = PBSC_OK; i < sizeof rows / sizeof rows[0] && rc == PBSC_OK; i++) {
        rc = pbsc_course_set(c, rows[i].day, PBSC_Q_CD34_UL, rows[i].cd34, NULL);
        if (rc == PBSC_OK)
            rc = pbsc_course_set(c, rows[i].day, PBSC_Q_WBC, rows[i].wbc, NULL);
        if (rc == PBSC_OK && !isnan(rows[i].litres))
            rc = pbsc_course_set(c, rows[i].day, PBSC_Q_VOLUME_L, rows[i].litres, NULL);
        if (rc == PBSC_OK && !isnan(rows[i].product))
            rc = pbsc_course_set(c, rows[i].day, PBSC_Q_COLLECTED, rows[i].product, NULL);
        if (rc == PBSC_OK && !isnan(rows[i].mg))
            rc = pbsc_course_set(c, rows[i].day, PBSC_Q_PLERIXAFOR_MG, rows[i].mg, NULL);
    }
    if (rc != PBSC_OK) {
        pbsc_course_free(c);
        return NULL;
    }
    return c;
}

/* One timed step: 0 write, 1 replay, 2 both. */
static int
step(int what, const pbsc_course *c, const pbsc_policy *p, const pbsc_decision *d, char *buf,
     size_t size, pbsc_record_check *check)
{
    if (what != 1 && pbsc_record_format(c, p, NULL, d, buf, size, NULL) != PBSC_OK)
        return 1;
    if (what != 0 && (pbsc_record_replay(buf, strlen(buf), check, NULL) != PBSC_OK ||
                      !check->same))
        return 1;
    return 0;
}

static int
bench(int what, const pbsc_course *c, const pbsc_policy *p, const pbsc_decision *d, char *buf,
      size_t size)
{
    static const char *const names[] = {"pbsc_record_format", "pbsc_record_replay",
                                        "format + replay"};
    pbsc_record_check check;
    double ns[ROUNDS], t0;
    unsigned long allocs = 0, a0;
    int r, k;

    pbsc_record_check_init(&check);
    for (r = 0; r < ROUNDS; r++) {
        a0 = ALLOCATIONS();
        t0 = now_ns();
        for (k = 0; k < CALLS; k++)
            if (step(what, c, p, d, buf, size, &check) != 0)
                return 1;
        ns[r] = (now_ns() - t0) / CALLS;
        allocs += ALLOCATIONS() - a0;
    }
    printf("  %-20s %7.2f us/call, %.3g allocations/call\n", names[what],
           median_of(ns, ROUNDS) / 1000.0, (double)allocs / ((double)CALLS * ROUNDS));
    return 0;
}

int
main(void)
{
    const pbsc_policy *policy;
    pbsc_course *course = build();
    pbsc_decision d;
    static char buf[16384];
    size_t need = 0;
    int w;

    pbsc_decision_init(&d);
    if (course == NULL || pbsc_policy_find("jit2011", &policy, NULL) != PBSC_OK ||
        pbsc_decide(course, policy, NULL, 10, PBSC_MORNING, &d, NULL) != PBSC_OK ||
        pbsc_record_format(course, policy, NULL, &d, buf, sizeof buf, &need) != PBSC_OK)
        return 1;
    printf("decision record of day 10 (%s by %s), jit2011, 10-day course, model NULL, %zu "
           "bytes (target: write + replay < 20 us):\n",
           pbsc_action_name(d.action), d.rule, need - 1);
    for (w = 0; w < 3; w++)
        if (bench(w, course, policy, &d, buf, sizeof buf) != 0)
            return 1;
    pbsc_course_free(course);
    return 0;
}
