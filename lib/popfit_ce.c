/* SPDX-License-Identifier: MIT */
/* The harvest law of the population from a site's history: the world's product is
 * CE x litres x ref x (count / ref)^slope / kg (pbsc-population(5)), so
 *   y = ln(collected x kg / litres) - ln ref = ln CE + slope x ln(count / ref),
 * ln CE = its median by WBC side + the patient's effect + the session's. */
#include "popfit_private.h"

#include <math.h>

static const pbsc_history_row *
usable(const struct popfit_rows *s, size_t i)
{
    const pbsc_history_row *r = &s->h->rows[s->row[i]];

    return r->collected > 0.0 && r->cd34 > 0.0 ? r : NULL;
}

static double
get(const pbsc_population *pop, const char *key)
{
    double v = NAN;

    (void)pbsc_population_get(pop, key, &v, NULL);
    return v;
}

/* 0: WBC under the split, 1: at or above, -1: not recorded. */
static int
side(const pbsc_history_row *r, double split)
{
    return !(r->wbc > 0.0) ? -1 : r->wbc >= split;
}

/* Least squares of y on ln(count / ref): the slope and its standard error. */
static void
slope_fit(const struct popfit_rows *s, double ref, size_t n, double *b, double *se)
{
    double mz = 0.0, my = 0.0, sxx = 0.0, sxy = 0.0, syy = 0.0, dz, dy;
    size_t i, k = 0;
    const pbsc_history_row *r;

    for (i = 0; i < s->n; i++)
        if ((r = usable(s, i)) != NULL) {
            dz = log(r->cd34 / ref) - mz;
            dy = log(r->collected * r->weight_kg / r->processed_l) - my;
            k++;
            mz += dz / (double)k;
            my += dy / (double)k;
            sxx += dz * (log(r->cd34 / ref) - mz);
            sxy += dz * (log(r->collected * r->weight_kg / r->processed_l) - my);
            syy += dy * (log(r->collected * r->weight_kg / r->processed_l) - my);
        }
    *b = sxx > 0.0 ? sxy / sxx : (double)NAN;
    *se = sxx > 0.0 && n > 2 ? sqrt((syy - *b * sxy) / (double)(n - 2) / sxx) : (double)NAN;
}

/* The count slope: set when 40 sessions give it to 0.1; the slope used after, either way. */
static double
fit_slope(struct popfit *f, const struct popfit_rows *s, double ref, size_t n)
{
    double b, se;

    if (n < POPFIT_MIN_SLOPE) {
        popfit_short(f, "yield_slope", n, POPFIT_MIN_SLOPE);
        return get(f->pop, "yield_slope");
    }
    slope_fit(s, ref, n, &b, &se);
    if (isnan(se) || se > POPFIT_SLOPE_SE_MAX) {
        popfit_imprecise(f, "yield_slope", b, se, n);
        return get(f->pop, "yield_slope");
    }
    popfit_set(f, "yield_slope", b, se, n);
    return get(f->pop, "yield_slope");
}

/* ln CE of each usable session into s->x (patients into s->g), the sums by WBC side. */
static size_t
ln_ce(struct popfit_rows *s, double ref, double b, double split, double sum[3], size_t cnt[3])
{
    const pbsc_history_row *r;
    size_t i, n = 0;
    int k;

    sum[0] = sum[1] = sum[2] = 0.0;
    cnt[0] = cnt[1] = cnt[2] = 0;
    for (i = 0; i < s->n; i++)
        if ((r = usable(s, i)) != NULL) {
            s->x[n] = log(r->collected * r->weight_kg / r->processed_l) - log(ref) -
                      b * log(r->cd34 / ref);
            s->g[n] = s->group[i];
            s->v[n] = 0.0;
            k = side(r, split) + 1;
            sum[k] += s->x[n];
            cnt[k]++;
            n++;
        }
    return n;
}

/* The medians by side (or pooled), then each session's ln CE centred on its median. */
static void
fit_medians(struct popfit *f, struct popfit_rows *s, size_t n, double split, const double sum[3],
            const size_t cnt[3])
{
    double m[3], all = (sum[0] + sum[1] + sum[2]) / (double)n;
    const pbsc_history_row *r;
    size_t i, j = 0;
    int k, split_ok = cnt[1] >= POPFIT_MIN_SIDE && cnt[2] >= POPFIT_MIN_SIDE;

    for (k = 0; k < 3; k++)
        m[k] = split_ok && k > 0 ? sum[k] / (double)cnt[k] : all;
    if (split_ok) {
        popfit_set(f, "ce_low_wbc", exp(m[1]), NAN, cnt[1]);
        popfit_set(f, "ce_high_wbc", exp(m[2]), NAN, cnt[2]);
    } else {
        popfit_pooled(f, "ce_low_wbc", exp(all), n);
        popfit_pooled(f, "ce_high_wbc", exp(all), n);
    }
    for (i = 0; i < s->n; i++)
        if ((r = usable(s, i)) != NULL)
            s->x[j++] -= m[side(r, split) + 1];
}

void
popfit_harvest(struct popfit *f, struct popfit_rows *s)
{
    static const char *const keys[] = {"ce_low_wbc", "ce_high_wbc", "ce_patient_sigma",
                                       "ce_session_sigma", "yield_slope"};
    double ref = get(f->pop, "yield_ref"), split = get(f->pop, "ce_wbc_split"), b, noise = 0.0;
    double sum[3];
    size_t cnt[3], i, n = 0;

    for (i = 0; i < s->n; i++)
        if (usable(s, i) != NULL) {
            const pbsc_history_row *r = usable(s, i);
            noise += popfit_count_var(r->cd34, r->wbc);
            n++;
        }
    if (n < POPFIT_MIN_CE) {
        for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
            popfit_short(f, keys[i], n, i == 4 ? POPFIT_MIN_SLOPE : POPFIT_MIN_CE);
        return;
    }
    b = fit_slope(f, s, ref, n);
    (void)ln_ce(s, ref, b, split, sum, cnt);
    fit_medians(f, s, n, split, sum, cnt);
    /* the measured count's error enters ln CE times the slope (the world uses the true
     * count): its variance comes off the within-patient spread */
    popfit_spreads(f, s, n, b * b * noise / (double)n, "ce_patient_sigma", "ce_session_sigma");
}
