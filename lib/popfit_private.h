/* SPDX-License-Identifier: MIT */
/* Shared by the fit of a population to a site's history (lib/popfit.c, lib/popfit_ce.c,
 * lib/popfit_note.c; pbsc_population_calibrate(3)). */
#ifndef PBSC_POPFIT_PRIVATE_H
#define PBSC_POPFIT_PRIVATE_H

#include "calibrate_private.h"

/*
 * Minimums (pbsc_population_calibrate(3) states each; the same reasoning as pbsc_calibrate's,
 * lib/calibrate.c):
 * - the fall after an apheresis: MIN_RATIO_ROWS (20) sessions with a next-morning count;
 * - the CE law: MIN_CE_ROWS (30) sessions with a product; a CE median for each side of the
 *   world's WBC split: ROWS_PER_REGRESSOR (10) sessions on each side, else one pooled value;
 *   the count slope: 10 more sessions (40) and a standard error at most 0.1, as
 *   pbsc_calibrate's SLOPE_SE_MAX;
 * - a spread between patients (the mean covariance of two values of one patient) and within
 *   them: 10 patients with two sessions or more [ours:
 *   the ROWS_PER_REGRESSOR rule of thumb applied to the groups that carry the within-patient
 *   variance];
 * - a per-patient mean and SD (WBC, Hct, weight): MIN_CE_ROWS (30) patients, its SD then
 *   known to +/-13%.
 */
#define POPFIT_MIN_RATIO MIN_RATIO_ROWS
#define POPFIT_MIN_CE MIN_CE_ROWS
#define POPFIT_MIN_SIDE ROWS_PER_REGRESSOR
#define POPFIT_MIN_SLOPE (MIN_CE_ROWS + ROWS_PER_REGRESSOR)
#define POPFIT_SLOPE_SE_MAX 0.1
#define POPFIT_MIN_REPEATED 10
#define POPFIT_MIN_PATIENTS MIN_CE_ROWS

struct popfit {
    pbsc_population *pop;
    pbsc_population_fit out;
};

/* The sessions used: autologous rows (the population is autologous patients), sorted by
 * patient; a row without a patient is a patient of its own. */
struct popfit_rows {
    const pbsc_history *h;
    size_t *row;  /* history row of each session used */
    long *group;  /* its patient (rows without one: -1 - index, unique) */
    size_t n;
    double *x;    /* work: one value per session */
    long *g;      /* work: the patient of each value */
    double *v;    /* work: the variance value k shares with value k + 1 (pairwise, popfit.c) */
};

/* lib/popfit.c */
void popfit_mean_sd(const double *x, size_t n, double *mean, double *sd);
double popfit_count_var(double cd34, double wbc);
/* The spreads of the grouped values s->x[0..n) (groups s->g): between patients into
 * patient_key, within less `noise` (a variance) into rest_key. */
void popfit_spreads(struct popfit *f, const struct popfit_rows *s, size_t n, double noise,
                    const char *patient_key, const char *rest_key);

/* lib/popfit_ce.c: the CE law, its spreads and the yield's count slope. */
void popfit_harvest(struct popfit *f, struct popfit_rows *s);

/* lib/popfit_note.c: a key set from `used` rows (OUT_OF_RANGE when the population refuses
 * it), pooled, short of `needed`, not recorded, imprecise. */
void popfit_set(struct popfit *f, const char *key, double estimate, double se, size_t used);
void popfit_pooled(struct popfit *f, const char *key, double estimate, size_t used);
void popfit_short(struct popfit *f, const char *key, size_t used, size_t needed);
void popfit_absent(struct popfit *f, const char *key);
void popfit_imprecise(struct popfit *f, const char *key, double estimate, double se,
                      size_t used);

#endif /* PBSC_POPFIT_PRIVATE_H */
