/* SPDX-License-Identifier: MIT */
/* make bench: nanoseconds per yield projection next to a hand-inlined formula, and the
 * heap allocations made per call. A benchmark, never a test: it asserts nothing. */
#define _POSIX_C_SOURCE 200809L
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pbsc.h"
#include "bench.h"

#define CALLS 2000000
#define ROUNDS 5

/* The same quantities as pbsc_yield_project(), with no validation and no indirection: the
 * yield model v2 at its defaults for a patient (b 0.8595 around 19/uL, CE not falling with
 * the volume). */
#define B 0.8595
#define C_REF 19.0
static void
inlined(double cd34, double litres, double kg, double ce_median, double ce_sigma,
        double wbc_counted_ul, double level, double dose, double out[4])
{
    double median = C_REF * pow(cd34 / C_REF, B) * litres * ce_median / kg;
    double sigma = sqrt(ce_sigma * ce_sigma + B * B / (cd34 * wbc_counted_ul));
    double spread = exp(gsl_cdf_ugaussian_Qinv((1.0 - level) / 2.0) * sigma);

    out[0] = median;
    out[1] = median / spread;
    out[2] = median * spread;
    out[3] = gsl_cdf_ugaussian_Q(log(dose / median) / sigma);
}

int
main(void)
{
    const pbsc_ce_model *ce = pbsc_ce_default();
    double lib_ns[ROUNDS], hand_ns[ROUNDS], t0, out[4];
    unsigned long allocs = 0, a0;
    pbsc_session s;
    pbsc_projection p;
    int r, i;

    pbsc_session_init(&s);
    s.weight_kg = 70.0;
    s.volume_l = 15.0;
    for (r = 0; r < ROUNDS; r++) {
        a0 = ALLOCATIONS();
        t0 = now_ns();
        for (i = 0; i < CALLS; i++) {
            s.cd34 = 5.0 + (double)(i & 1023);
            if (pbsc_yield_project(&s, ce, 0.90, 5.0, &p, NULL) != PBSC_OK)
                return 1;
            sink = p.median + p.lower + p.upper + p.p_dose;
        }
        lib_ns[r] = (now_ns() - t0) / CALLS;
        allocs += ALLOCATIONS() - a0;
        t0 = now_ns();
        for (i = 0; i < CALLS; i++) {
            /* WBC unknown: 75,000 / 50,000 = 1.5 uL counted, as the library assumes */
            inlined(5.0 + (double)(i & 1023), 15.0, 70.0, ce->median, ce->sigma, 1.5, 0.90, 5.0,
                    out);
            sink = out[0] + out[1] + out[2] + out[3];
        }
        hand_ns[r] = (now_ns() - t0) / CALLS;
    }
    /* the two must agree, or the comparison means nothing */
    s.cd34 = 20.0;
    pbsc_yield_project(&s, ce, 0.90, 5.0, &p, NULL);
    inlined(20.0, 15.0, 70.0, ce->median, ce->sigma, 1.5, 0.90, 5.0, out);
    if (fabs(p.upper - out[2]) > 1e-12 * out[2] || fabs(p.p_dose - out[3]) > 1e-12) {
        fprintf(stderr, "bench: library and inlined formula disagree\n");
        return 1;
    }
    {
        double l = median_of(lib_ns, ROUNDS), h = median_of(hand_ns, ROUNDS);
        printf("pbsc_yield_project (median, 90%% interval, P(>= 5)): %.1f ns/call\n", l);
        printf("hand-inlined formula, same quantities:             %.1f ns/call\n", h);
        printf("ratio library / inlined:                           %.2f\n", l / h);
        printf("heap allocations per call:                         %.3g\n",
               (double)allocs / ((double)CALLS * ROUNDS));
        /* the counter works: printf's stdout buffer was one allocation */
        printf("(allocations counted in the whole run: %lu)\n", ALLOCATIONS());
    }
    return 0;
}
