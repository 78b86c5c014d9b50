/* SPDX-License-Identifier: MIT */
/* make bench: the cost of a chance of success at its default accuracy (10,000 draws, SE at
 * most 0.005: +/- 1 point at 95%) next to the 2 ms target, of a count forecast, and of a
 * "forecast" decision (pbsc_decide with the model); heap allocations per call. A
 * benchmark, never a test: it asserts nothing. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>

#include "bench.h"
#include "pbsc.h"

#define NA ((double)NAN) /* "not measured", as a double */
#define ROUNDS 5
#define ESTIMATES 200    /* per round */
#define FORECASTS 500000 /* per round */
#define DECISIONS 100    /* per round */

/* A 5-day course on G-CSF alone, 75 kg, goal 5, minimum 2: day 5 is decided. */
static const double rows[][3] = {
    /* day, cd34, wbc */
    {1, NA, 6.0}, {2, NA, 9.5}, {3, NA, 14.0}, {4, 9.0, 21.0}, {5, 16.0, 28.0},
};

static pbsc_course *
build(void)
{
    pbsc_person person;
    pbsc_course *course;
    size_t i;

    pbsc_person_init(&person);
    person.weight_kg = 75.0;
    if (pbsc_course_new(&person, PBSC_REGIMEN_GCSF, 5.0, 2.0, &course, NULL) != PBSC_OK)
        return NULL;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        long day = (long)rows[i][0];
        /* the morning's count creates the row, even when not measured */
        if (pbsc_course_set(course, day, PBSC_Q_CD34_UL, rows[i][1], NULL) != PBSC_OK ||
            pbsc_course_set(course, day, PBSC_Q_WBC, rows[i][2], NULL) != PBSC_OK) {
            pbsc_course_free(course);
            return NULL;
        }
    }
    return course;
}

/* Median ns per pbsc_success_estimate of one option, and allocations per call. */
static int
bench_estimate(const pbsc_course *course, const pbsc_model *model, pbsc_option option, double *ns,
               double *allocs_per_call, pbsc_success *last)
{
    pbsc_success_params sp;
    double t[ROUNDS], t0;
    unsigned long allocs = 0, a0;
    int r, k;

    pbsc_success_params_init(&sp);
    for (r = 0; r < ROUNDS; r++) {
        a0 = ALLOCATIONS();
        t0 = now_ns();
        for (k = 0; k < ESTIMATES; k++) {
            if (pbsc_success_estimate(course, model, 5, option, &sp, last, NULL) != PBSC_OK)
                return 1;
            sink = last->p_goal;
        }
        t[r] = (now_ns() - t0) / ESTIMATES;
        allocs += ALLOCATIONS() - a0;
    }
    *ns = median_of(t, ROUNDS);
    *allocs_per_call = (double)allocs / ((double)ESTIMATES * ROUNDS);
    return 0;
}

int
main(void)
{
    static const char *const names[] = {"continue G-CSF", "collect today", "plerixafor tonight",
                                        "motixafortide tonight", "collect + plerixafor"};
    pbsc_course *course = build();
    pbsc_model *model = NULL;
    const pbsc_policy *policy;
    pbsc_success s;
    pbsc_count_forecast f;
    pbsc_decision d;
    double t[ROUNDS], t0, ns, per_call;
    unsigned long allocs = 0, a0;
    int r, k, o;

    if (course == NULL || pbsc_model_new(&model, NULL) != PBSC_OK ||
        pbsc_policy_find("forecast", &policy, NULL) != PBSC_OK)
        return 1;
    pbsc_decision_init(&d);

    printf("pbsc_success_estimate, 5-day course, day 5 (16/uL), 10,000 draws (target 2 ms):\n");
    for (o = PBSC_OPTION_GCSF; o <= PBSC_OPTION_COLLECT_PLERIXAFOR; o++) {
        if (bench_estimate(course, model, (pbsc_option)o, &ns, &per_call, &s) != 0)
            return 1;
        printf("  %-22s %7.3f ms/call  (P(goal) %.3f, SE %.4f, %.2f aphereses; "
               "%.3g allocations/call)\n",
               names[o], ns / 1e6, s.p_goal, s.se, s.aphereses, per_call);
    }

    for (r = 0; r < ROUNDS; r++) {
        a0 = ALLOCATIONS();
        t0 = now_ns();
        for (k = 0; k < FORECASTS; k++) {
            pbsc_option o2 = (pbsc_option)(k % 5);
            if (pbsc_forecast_count(course, model, 5, o2, 0.90, &f, NULL) != PBSC_OK)
                return 1;
            sink = f.upper;
        }
        t[r] = (now_ns() - t0) / FORECASTS;
        allocs += ALLOCATIONS() - a0;
    }
    printf("pbsc_forecast_count (each option in turn, 90%% interval): %.1f ns/call  "
           "(%.3g allocations/call)\n",
           median_of(t, ROUNDS), (double)allocs / ((double)FORECASTS * ROUNDS));

    allocs = 0;
    for (r = 0; r < ROUNDS; r++) {
        a0 = ALLOCATIONS();
        t0 = now_ns();
        for (k = 0; k < DECISIONS; k++) {
            if (pbsc_decide(course, policy, model, 5, PBSC_MORNING, &d, NULL) != PBSC_OK)
                return 1;
            sink = d.p_goal_without;
        }
        t[r] = (now_ns() - t0) / DECISIONS;
        allocs += ALLOCATIONS() - a0;
    }
    printf("pbsc_decide, preset forecast, day 5 morning (%s, rule %s; two estimates): "
           "%.3f ms/decision  (%.3g allocations/call)\n",
           pbsc_action_name(d.action), d.rule, median_of(t, ROUNDS) / 1e6,
           (double)allocs / ((double)DECISIONS * ROUNDS));
    /* the counter works: printf's stdout buffer was one allocation */
    printf("(allocations counted in the whole run: %lu)\n", ALLOCATIONS());
    pbsc_model_free(model);
    pbsc_course_free(course);
    return 0;
}
