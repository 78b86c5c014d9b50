/* SPDX-License-Identifier: MIT */
/* make bench: milliseconds per pbsc_calibrate() on 10,000 simulated sessions (WBC, Hct,
 * next-morning counts) of 3,000 patients with a 3-covariate risk model, and the heap
 * allocations per fit. A benchmark, never a test: it asserts nothing. */
#define _POSIX_C_SOURCE 200809L
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>

#include "bench.h"
#include "pbsc.h"

#define SESSIONS 10000
#define PATIENTS 3000
#define ROUNDS 5
#define TARGET_MS 100.0 /* issue 4: fit time for 10,000 history rows */

/* The brief's truth (tests/check_calibrate.c simulates the same): ln CE = ln 0.5
 * - 0.3 ln(WBC/20) + 0.02 (Hct - 30) + N(0, 0.35^2); logit P(poor) = -1 + 0.8 z1 - 0.5 z2
 * + 0.3 z3. */
static pbsc_history *
simulate(void)
{
    static const char *const names[] = {"age", "prior_lines", "plt"};
    static double z[PATIENTS][3];
    static int poor[PATIENTS];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    pbsc_history *h = NULL;
    size_t i, j;

    gsl_rng_set(rng, 4);
    if (pbsc_history_new(names, 3, &h, NULL) != PBSC_OK)
        return NULL;
    for (i = 0; i < PATIENTS; i++) {
        for (j = 0; j < 3; j++)
            z[i][j] = gsl_ran_gaussian(rng, 1.0);
        poor[i] = gsl_rng_uniform(rng) <
                  1.0 / (1.0 + exp(1.0 - 0.8 * z[i][0] + 0.5 * z[i][1] - 0.3 * z[i][2]));
    }
    for (i = 0; i < SESSIONS; i++) {
        size_t pt = i * PATIENTS / SESSIONS;
        double x[3] = {55.0 + 10.0 * z[pt][0], 2.0 + z[pt][1], 200.0 + 60.0 * z[pt][2]};
        pbsc_history_row r;

        pbsc_history_row_init(&r);
        r.patient = (long)pt;
        r.wbc = exp(log(5.0) + gsl_rng_uniform(rng) * log(12.0));
        r.hct = 22.0 + 18.0 * gsl_rng_uniform(rng);
        r.cd34 = 30.0 * exp(gsl_ran_gaussian(rng, 0.5));
        r.processed_l = 8.0 + 17.0 * gsl_rng_uniform(rng);
        r.weight_kg = 50.0 + 50.0 * gsl_rng_uniform(rng);
        r.collected = r.cd34 * r.processed_l / r.weight_kg *
                      exp(log(0.5) - 0.3 * log(r.wbc / 20.0) + 0.02 * (r.hct - 30.0) +
                          gsl_ran_gaussian(rng, 0.35));
        r.next_cd34 = r.cd34 * 0.7 * exp(gsl_ran_gaussian(rng, 0.3));
        r.poor = poor[pt];
        if (pbsc_history_add(h, &r, x, NULL) != PBSC_OK) {
            pbsc_history_free(h);
            h = NULL;
            break;
        }
    }
    gsl_rng_free(rng);
    return h;
}

int
main(void)
{
    pbsc_history *h = simulate();
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    pbsc_diag diag;
    double ms[ROUNDS], t0, per_fit;
    unsigned long allocs = 0, a0;
    int r;

    if (h == NULL)
        return 1;
    for (r = 0; r < ROUNDS; r++) {
        a0 = ALLOCATIONS();
        t0 = now_ns();
        if (pbsc_calibrate(h, &m, &rep, &diag) != PBSC_OK) {
            fprintf(stderr, "bench_calibrate: %s\n", diag.text);
            return 1;
        }
        ms[r] = (now_ns() - t0) / 1e6;
        allocs += ALLOCATIONS() - a0;
        sink = rep.ce_median;
        pbsc_model_free(m);
    }
    per_fit = median_of(ms, ROUNDS);
    printf("pbsc_calibrate (%d sessions, %d patients, 3 covariates): %.1f ms/fit "
           "(target < %.0f ms)\n",
           SESSIONS, PATIENTS, per_fit, TARGET_MS);
    printf("  fit: CE %.3f sigma %.3f, coverage_cv %.3f, AUC_cv %.3f, Brier_cv %.3f\n",
           rep.ce_median, rep.ce_sigma, rep.coverage_cv, rep.auc_cv, rep.brier_cv);
    printf("heap allocations per fit:                                  %.3g\n",
           (double)allocs / ROUNDS);
    pbsc_history_free(h);
    return 0;
}
