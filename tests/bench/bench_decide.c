/* SPDX-License-Identifier: MIT */
/* make bench: nanoseconds per decision point at the end of a 10-day course (each decision
 * walks the course from day 1, both moments of every harvest day), per replay of the whole
 * course, and the heap allocations made per call. A benchmark, never a test: it asserts
 * nothing (targets: under 1 us and 0 allocations per decision point, a replay under 10 us). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>

#include "pbsc.h"
#include "bench.h"

#define CALLS 200000
#define REPLAYS 50000
#define ROUNDS 5
#define NA ((double)NAN)

/* One day of a course: the morning's count and WBC, the day's apheresis, the evening's
 * plerixafor. */
struct row {
    long day;
    double cd34, wbc, litres, product, mg;
};

/*
 * jit2011, 75 kg, goal 5, minimum 2 (plerixafor 0.24 mg/kg = 18 mg). The preset collects
 * from day 5 but stops at its 4th apheresis (max_sessions 4, as every preset), so:
 * - "harvest": G-CSF days 1-6 (days 5-6 CD34 < 15 with WBC <= 10: continue), plerixafor on
 *   the evening of day 6 (WBC > 10), aphereses days 7-10 with the next doses on the evenings
 *   of days 7-9. Day 10's morning is the longest path (collect.after_plerixafor: history,
 *   projection, volume); its evening sees the 4th apheresis and stops. The walk to day 10
 *   passes the evenings of days 7-9.
 * - "daily": aphereses every day from day 5 (a good mobilizer with small products): the
 *   evening of day 8 stops (4 aphereses), days 9-10 repeat that stop (rule "stopped"; their
 *   aphereses after the stop raise a warning). The walk passes the evenings of days 5-8.
 */
static const struct row harvest[] = {
    {1, NA, 6.0, NA, NA, NA},   {2, NA, 7.0, NA, NA, NA},    {3, NA, 8.0, NA, NA, NA},
    {4, NA, 8.5, NA, NA, NA},   {5, 9.0, 9.0, NA, NA, NA},   {6, 12.0, 11.0, NA, NA, 18.0},
    {7, 31.0, 14.0, 15.0, 1.4, 18.0}, {8, 27.0, 15.0, 15.0, 1.2, 18.0},
    {9, 24.0, 15.5, 15.0, 1.1, 18.0}, {10, 20.0, 16.0, 15.0, 0.9, NA},
};
static const struct row daily[] = {
    {1, NA, 6.0, NA, NA, NA},   {2, NA, 14.0, NA, NA, NA},   {3, NA, 22.0, NA, NA, NA},
    {4, 12.0, 28.0, NA, NA, NA}, {5, 19.0, 32.0, 15.0, 1.3, NA}, {6, 16.0, 30.0, 15.0, 1.2, NA},
    {7, 15.0, 29.0, 15.0, 1.1, NA}, {8, 18.0, 28.0, 15.0, 0.9, NA}, {9, 14.0, 27.0, 15.0, 0.7, NA},
    {10, 13.0, 26.0, 15.0, 0.6, NA},
};

static pbsc_course *
build(const struct row *rows, size_t n)
{
    pbsc_course *course;
    pbsc_person person;
    size_t i;
    int rc = PBSC_OK;

    pbsc_person_init(&person);
    person.weight_kg = 75.0;
    if (pbsc_course_new(&person, PBSC_REGIMEN_GCSF, 5.0, 2.0, &course, NULL) != PBSC_OK)
        return NULL;
    for (i = 0; i < n && rc == PBSC_OK; i++) {
        const struct row *r = &rows[i];
        /* the morning's count creates the row, even when not measured */
        rc = pbsc_course_set(course, r->day, PBSC_Q_CD34_UL, r->cd34, NULL);
        if (rc == PBSC_OK)
            rc = pbsc_course_set(course, r->day, PBSC_Q_WBC, r->wbc, NULL);
        if (rc == PBSC_OK && !isnan(r->litres))
            rc = pbsc_course_set(course, r->day, PBSC_Q_VOLUME_L, r->litres, NULL);
        if (rc == PBSC_OK && !isnan(r->product))
            rc = pbsc_course_set(course, r->day, PBSC_Q_COLLECTED, r->product, NULL);
        if (rc == PBSC_OK && !isnan(r->mg))
            rc = pbsc_course_set(course, r->day, PBSC_Q_PLERIXAFOR_MG, r->mg, NULL);
    }
    if (rc != PBSC_OK) {
        pbsc_course_free(course);
        return NULL;
    }
    return course;
}

/* Median ns per pbsc_decide() of day 10 at one moment, and allocations per call. */
static int
bench_point(const pbsc_course *course, const pbsc_policy *policy, pbsc_moment moment,
            const char *what)
{
    pbsc_decision d;
    double ns[ROUNDS], t0;
    unsigned long allocs = 0, a0;
    int r, k;

    pbsc_decision_init(&d);
    for (r = 0; r < ROUNDS; r++) {
        a0 = ALLOCATIONS();
        t0 = now_ns();
        for (k = 0; k < CALLS; k++) {
            if (pbsc_decide(course, policy, NULL, 10, moment, &d, NULL) != PBSC_OK)
                return 1;
            sink = d.remaining;
        }
        ns[r] = (now_ns() - t0) / CALLS;
        allocs += ALLOCATIONS() - a0;
    }
    printf("  pbsc_decide, day 10 %-7s (%s: %s, rule %s): %6.1f ns/call, %.3g allocations/call\n",
           pbsc_moment_name(moment), what, pbsc_action_name(d.action), d.rule,
           median_of(ns, ROUNDS), (double)allocs / ((double)CALLS * ROUNDS));
    return 0;
}

/* Median ns per pbsc_replay() of the whole course, and allocations per call. */
static int
bench_replay(const pbsc_course *course, const pbsc_policy *policy, const char *what)
{
    pbsc_decision d[32];
    double ns[ROUNDS], t0;
    unsigned long allocs = 0, a0;
    size_t count = 0;
    int r, k;

    pbsc_decision_init(&d[0]);
    for (r = 0; r < ROUNDS; r++) {
        a0 = ALLOCATIONS();
        t0 = now_ns();
        for (k = 0; k < REPLAYS; k++) {
            if (pbsc_replay(course, policy, NULL, d, 32, &count, NULL) != PBSC_OK)
                return 1;
            sink = d[count - 1].remaining;
        }
        ns[r] = (now_ns() - t0) / REPLAYS;
        allocs += ALLOCATIONS() - a0;
    }
    printf("  pbsc_replay, whole course (%s: %zu points):    %6.1f ns/call, %.3g allocations/call\n",
           what, count, median_of(ns, ROUNDS), (double)allocs / ((double)REPLAYS * ROUNDS));
    return 0;
}

int
main(void)
{
    const pbsc_policy *policy;
    pbsc_course *a = build(harvest, sizeof harvest / sizeof harvest[0]);
    pbsc_course *b = build(daily, sizeof daily / sizeof daily[0]);

    if (a == NULL || b == NULL || pbsc_policy_find("jit2011", &policy, NULL) != PBSC_OK)
        return 1;
    printf("pbsc_decide / pbsc_replay, jit2011, 10-day course, model NULL (targets: < 1 us and "
           "0 allocations per decision point, replay < 10 us):\n");
    if (bench_point(a, policy, PBSC_MORNING, "harvest days 7-10") != 0 ||
        bench_point(a, policy, PBSC_EVENING, "harvest days 7-10") != 0 ||
        bench_replay(a, policy, "harvest days 7-10") != 0 ||
        bench_point(b, policy, PBSC_MORNING, "daily from day 5") != 0 ||
        bench_point(b, policy, PBSC_EVENING, "daily from day 5") != 0 ||
        bench_replay(b, policy, "daily from day 5") != 0)
        return 1;
    /* the counter works: printf's stdout buffer was one allocation */
    printf("(allocations counted in the whole run: %lu)\n", ALLOCATIONS());
    pbsc_course_free(a);
    pbsc_course_free(b);
    return 0;
}
