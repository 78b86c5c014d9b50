/* SPDX-License-Identifier: MIT */
/* make bench: nanoseconds per decision on a built 10-day course, and the heap allocations
 * made per decision. A benchmark, never a test: it asserts nothing. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>

#include "pbsc.h"
#include "bench.h"

#define CALLS 500000
#define ROUNDS 5

/* jit2011, goal 5: G-CSF days 1-8 (CD34 under 15 with WBC <= 10: continue), collection from
 * day 9; day 10 decides "collect.continue", the longest path (history, projection, volume). */
static const double rows[][5] = {
    /* day, cd34, wbc, processed_l, collected */
    {1, NAN, 6.0, NAN, NAN},   {2, NAN, 7.5, NAN, NAN},   {3, NAN, 8.0, NAN, NAN},
    {4, 4.0, 8.5, NAN, NAN},   {5, 8.0, 9.0, NAN, NAN},   {6, 11.0, 9.5, NAN, NAN},
    {7, 13.0, 9.8, NAN, NAN},  {8, 14.0, 10.0, NAN, NAN}, {9, 18.0, 11.0, 15.0, 2.1},
    {10, 21.0, 12.0, NAN, NAN},
};

int
main(void)
{
    const pbsc_policy *policy;
    pbsc_course *course;
    pbsc_person person;
    pbsc_decision d;
    double ns[ROUNDS], t0;
    unsigned long allocs = 0, a0;
    size_t i;
    int r, k;

    pbsc_person_init(&person);
    person.weight_kg = 75.0;
    if (pbsc_course_new(&person, PBSC_REGIMEN_GCSF, 5.0, 2.0, &course, NULL) != PBSC_OK ||
        pbsc_policy_find("jit2011", &policy, NULL) != PBSC_OK)
        return 1;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        pbsc_day day;
        pbsc_day_init(&day);
        day.day = (long)rows[i][0];
        day.cd34 = rows[i][1];
        day.wbc = rows[i][2];
        day.processed_l = rows[i][3];
        day.collected = rows[i][4];
        if (pbsc_course_add(course, &day, NULL) != PBSC_OK)
            return 1;
    }
    for (r = 0; r < ROUNDS; r++) {
        a0 = ALLOCATIONS();
        t0 = now_ns();
        for (k = 0; k < CALLS; k++) {
            if (pbsc_decide(course, policy, pbsc_ce_default(), 0, &d, NULL) != PBSC_OK)
                return 1;
            sink = d.volume_l;
        }
        ns[r] = (now_ns() - t0) / CALLS;
        allocs += ALLOCATIONS() - a0;
    }
    printf("pbsc_decide (10-day course, jit2011, day 10: %s, rule %s): %.1f ns/decision\n",
           pbsc_action_name(d.action), d.rule, median_of(ns, ROUNDS));
    printf("heap allocations per decision:                         %.3g\n",
           (double)allocs / ((double)CALLS * ROUNDS));
    pbsc_course_free(course);
    return 0;
}
