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

#ifdef __GLIBC__
/* Count heap allocations made by anyone in the process (the library included). */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static unsigned long allocations;
void *malloc(size_t n);
void *calloc(size_t n, size_t m);
void *realloc(void *p, size_t n);
void *
malloc(size_t n)
{
    allocations++;
    return __libc_malloc(n);
}
void *
calloc(size_t n, size_t m)
{
    allocations++;
    return __libc_calloc(n, m);
}
void *
realloc(void *p, size_t n)
{
    allocations++;
    return __libc_realloc(p, n);
}
#define ALLOCATIONS() allocations
#else
#define ALLOCATIONS() 0UL
#endif

#define CALLS 2000000
#define ROUNDS 5

static volatile double sink;

static double
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The same quantities as pbsc_yield_project(), with no validation and no indirection. */
static void
inlined(double cd34, double litres, double kg, double ce_median, double ce_sigma,
        double wbc_counted_ul, double level, double dose, double out[4])
{
    double median = cd34 * litres * ce_median / kg;
    double sigma = sqrt(ce_sigma * ce_sigma + 1.0 / (cd34 * wbc_counted_ul));
    double spread = exp(gsl_cdf_ugaussian_Qinv((1.0 - level) / 2.0) * sigma);

    out[0] = median;
    out[1] = median / spread;
    out[2] = median * spread;
    out[3] = gsl_cdf_ugaussian_Q(log(dose / median) / sigma);
}

static double
median_of(double *v, int n)
{
    int i, j;

    for (i = 1; i < n; i++)
        for (j = i; j > 0 && v[j] < v[j - 1]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
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
