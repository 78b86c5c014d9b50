/* SPDX-License-Identifier: MIT */
/* The natural-history protocol on a population: what growth factor alone achieves, the
 * figures the population is calibrated to (Gertz 2010) and validated against. */
#include "population_private.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <string.h>

/*
 * The protocol (Gertz MA et al., BMT 2010;45:1396: 1,775 mobilizations, mostly growth factor
 * alone): G-CSF alone; from day 5, an apheresis each day once the morning count has reached
 * 10/uL ("failed to mobilize": never reached 10/uL, no collection), at 3 x TBV (the top of
 * the standard 2-3 x TBV, Nadler's blood volume), until 5 x10^6/kg ("optimal") or day 8.
 * The daily apheresis once started, whatever the count, and day 8 as the last day are our
 * reading of "until the goal of 5 or day 8" [interp].
 */
#define NH_FIRST_DAY 5
#define NH_LAST_DAY 8
#define NH_START_COUNT 10.0
#define NH_TBV 3.0
#define NH_GOAL 5.0
#define NH_MINIMUM 2.0
#define NH_SESSIONS (NH_LAST_DAY - NH_FIRST_DAY + 1)

enum { OPTIMAL, LOW, POOR, FAILED };

/* What the sessions of the run measured: their pre-counts, CE2s, the fits' sums. */
struct sessions {
    double *pre, *ce2, *ratio45, *first;
    size_t n, nce, nratio, nfirst;
    double sx, sy, sxx, sxy, syy, m; /* ln pre-count (x) and ln product (y) */
    double px, py, pxx, pxy, pyy, pm; /* pre-count x volume / kg and product */
};

static void
keep(struct sessions *s, double seen, double litres, double kg, double y)
{
    double x = seen * litres / kg;

    s->pre[s->n++] = seen;
    if (seen > 0.0)
        s->ce2[s->nce++] = y / x;
    s->px += x, s->py += y, s->pxx += x * x, s->pxy += x * y, s->pyy += y * y, s->pm++;
    if (seen > 0.0 && y > 0.0) {
        double lx = log(seen), ly = log(y);
        s->sx += lx, s->sy += ly, s->sxx += lx * lx, s->sxy += lx * ly, s->syy += ly * ly;
        s->m++;
    }
}

/* One patient through the protocol: the outcome class. */
static int
patient(const pbsc_population *pop, const struct pbsc_patient *pt, gsl_rng *r,
        struct sessions *s)
{
    const pbsc_person *p = &pt->person;
    double tbv, count = pbsc_world_first_count(pop, pt, PBSC_REGIMEN_GCSF), got = 0.0, ce;
    double wbc = pt->wbc, seen4 = pbsc_world_measure(pop, pt, r, 4, wbc, count);
    long day;
    int started = 0;

    if (pbsc_tbv_nadler(p->height_cm, p->weight_kg, p->sex, &tbv, NULL) != PBSC_OK)
        tbv = 0.070 * p->weight_kg; /* not reached: the draws are within Nadler's ranges */
    count = pbsc_world_next(pop, pt, 4, 4, 0, PBSC_DRUG_NONE, 0, count);
    for (day = NH_FIRST_DAY; day <= NH_LAST_DAY && got < NH_GOAL; day++) {
        double seen = pbsc_world_measure(pop, pt, r, day, wbc, count);
        if (day == NH_FIRST_DAY && seen4 > 0.0)
            s->ratio45[s->nratio++] = seen / seen4;
        if (!started && seen >= NH_START_COUNT)
            s->first[s->nfirst++] = seen;
        started |= seen >= NH_START_COUNT;
        if (started) {
            double y = pbsc_world_yield(pop, pt, day, count, NH_TBV * tbv, wbc, &ce);
            keep(s, seen, NH_TBV * tbv, p->weight_kg, y);
            got += y;
        }
        count = pbsc_world_next(pop, pt, day, 4, started, PBSC_DRUG_NONE, 0, count);
    }
    return !started ? FAILED : got >= NH_GOAL ? OPTIMAL : got >= NH_MINIMUM ? LOW : POOR;
}

static double
median(double *x, size_t n)
{
    if (n == 0)
        return NAN;
    gsl_sort(x, 1, n);
    return gsl_stats_median_from_sorted_data(x, 1, n);
}

static void
report(const struct sessions *s, const size_t k[4], size_t n, pbsc_natural *o)
{
    double *shares[4] = {&o->optimal, &o->low, &o->poor, &o->failed};
    double *ses[4] = {&o->optimal_se, &o->low_se, &o->poor_se, &o->failed_se};
    double vx = s->sxx - s->sx * s->sx / s->m, vxy = s->sxy - s->sx * s->sy / s->m;
    double qx = s->pxx - s->px * s->px / s->pm, qy = s->pyy - s->py * s->py / s->pm;
    double qxy = s->pxy - s->px * s->py / s->pm;
    int i;

    o->patients = n;
    for (i = 0; i < 4; i++) {
        *shares[i] = (double)k[i] / (double)n;
        *ses[i] = sqrt(*shares[i] * (1.0 - *shares[i]) / (double)n);
    }
    o->sessions = s->n;
    o->loglog_slope = s->m > 2 && vx > 0.0 ? vxy / vx : (double)NAN;
    o->r_linear = s->pm > 2 && qx > 0.0 && qy > 0.0 ? qxy / sqrt(qx * qy) : (double)NAN;
}

PBSC_API void
pbsc_natural_init_sized(pbsc_natural *natural, size_t size)
{
    pbsc_natural full;

    memset(&full, 0, sizeof full);
    full.size = sizeof full;
    full.optimal = full.low = full.poor = full.failed = NAN;
    full.optimal_se = full.low_se = full.poor_se = full.failed_se = NAN;
    full.precount_median = full.ce2_median = full.loglog_slope = NAN;
    full.r_linear = full.day45_ratio = full.first_precount_median = NAN;
    pbsc_sized_init(natural, size, &full, sizeof full);
}

/* the first layout ends with first_precount_median */
#define NATURAL_MIN (offsetof(pbsc_natural, first_precount_median) + sizeof(double))
#define MAX_PATIENTS 10000000

union rng_state {
    double align;
    unsigned long words[16];
};

PBSC_API int
pbsc_population_natural(const pbsc_population *pop, size_t patients, unsigned long seed,
                        pbsc_natural *out, pbsc_diag *diag)
{
    struct sessions s;
    struct pbsc_patient pt;
    union rng_state state;
    pbsc_natural o;
    size_t k[4] = {0, 0, 0, 0}, i;
    gsl_rng r;

    if (pop == NULL || out == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, pop == NULL ? "population" : "out", NAN,
                         "NULL argument");
    if (out->size < NATURAL_MIN)
        return pbsc_fail(diag, PBSC_E_INVAL, "out", (double)out->size,
                         "out->size %zu: initialise it with pbsc_natural_init()", out->size);
    if (patients < 2 || patients > MAX_PATIENTS)
        return pbsc_fail(diag, PBSC_E_RANGE, "patients", (double)patients,
                         "patients %zu is outside [2, %d]", patients, MAX_PATIENTS);
    memset(&s, 0, sizeof s);
    s.pre = pbsc_alloc(patients * NH_SESSIONS * sizeof *s.pre);
    s.ce2 = pbsc_alloc(patients * NH_SESSIONS * sizeof *s.ce2);
    s.ratio45 = pbsc_alloc(patients * sizeof *s.ratio45);
    s.first = pbsc_alloc(patients * sizeof *s.first);
    if (s.pre == NULL || s.ce2 == NULL || s.ratio45 == NULL || s.first == NULL) {
        pbsc_dealloc(s.pre), pbsc_dealloc(s.ce2), pbsc_dealloc(s.ratio45);
        pbsc_dealloc(s.first);
        return pbsc_fail(diag, PBSC_E_NOMEM, "patients", (double)patients, "out of memory");
    }
    r.type = gsl_rng_taus2;
    r.state = &state;
    for (i = 0; i < patients; i++) {
        pbsc_world_patient(pop, seed, i, &r, &pt);
        k[patient(pop, &pt, &r, &s)]++;
    }
    pbsc_natural_init(&o);
    report(&s, k, patients, &o);
    o.precount_median = median(s.pre, s.n);
    o.ce2_median = median(s.ce2, s.nce);
    o.day45_ratio = median(s.ratio45, s.nratio);
    o.first_precount_median = median(s.first, s.nfirst);
    pbsc_dealloc(s.pre), pbsc_dealloc(s.ce2), pbsc_dealloc(s.ratio45);
    pbsc_dealloc(s.first);
    return pbsc_sized_out(out, &o, sizeof o, NATURAL_MIN);
}
