/* SPDX-License-Identifier: MIT */
/* Shared by the calibration modules: the history (lib/history.c), the fit (lib/calibrate.c)
 * and the checks that name what the data cannot give (lib/calibrate_checks.c). */
#ifndef PBSC_CALIBRATE_PRIVATE_H
#define PBSC_CALIBRATE_PRIVATE_H

#include "pbsc_private.h"

#define MAX_COVARIATES (PBSC_MAX_TERMS - 1)

struct pbsc_history {
    size_t k;                      /* covariates per row */
    char name[MAX_COVARIATES][32]; /* their names */
    pbsc_history_row *rows;
    double *x; /* n x k covariate values, row-major */
    size_t n, cap;
};

/* The minimums; lib/calibrate.c says why, pbsc_calibrate(3) states them. */
#define MIN_CE_ROWS 30
#define ROWS_PER_REGRESSOR 10
#define MIN_RATIO_ROWS 20
#define EVENTS_PER_COVARIATE 10

/* Appends one clause to a part's note ("; " between clauses), never past PBSC_NOTE_SIZE and
 * never ending in a blank (a model file would not read it back). */
void pbsc_calib_note(char *note, const char *fmt, ...) PBSC_PRINTF(2, 3);

/* Why each of ln WBC and Hct that the CE design does not use (wbc, hct: the ones it does)
 * was left out: taking one value, too few sessions, or collinear with the other. */
void pbsc_calib_ce_regressors(const pbsc_history *h, int wbc, int hct, char *note);

/* The CE spread the model keeps: the fitted sigma of the n values y = ln CE2, or the floor
 * when it is below; says so in the note, with a CE that is the same in every session. */
double pbsc_calib_ce_sigma(const double *y, size_t n, double sigma, struct pbsc_model_fit *fit);
/* The floor itself (cross-validation applies it too). */
double pbsc_calib_ce_floor(void);

/* The same for the ratio after an apheresis, x = ln(next_cd34 / cd34) over the sessions with
 * next_cd34 > 0, floored at the counting error of its two counts. */
int pbsc_calib_ratio_sigma(const pbsc_history *h, double *sigma, struct pbsc_model_fit *fit,
                           pbsc_diag *diag);

/* Whether the risk model can be fitted to the m patients `row` (events of them poor): 1, or
 * 0 with the note naming each reason (no covariates, a constant outcome or covariate, too few
 * events). */
int pbsc_calib_risk_ready(const pbsc_history *h, const size_t *row, size_t m, size_t events,
                          char *note);

/* Cross-validation folds, shared by the CE fit and the risk model. */
#define FOLDS 5       /* cross-validation: row (or patient) i is in fold i mod 5 */
#define NO_FOLD FOLDS /* "hold no fold out": i % FOLDS never equals it */

/* Least squares (lib/linalg.c): x = argmin |A x - b| by Householder QR, a (n x p) and b
 * overwritten, returning the smallest |R_jj| over the largest (0: rank deficient); the rows of
 * X and y outside fold `hold` gathered into a and b (their count returned); the first column
 * of X (rows outside `hold`) that depends on the columns before it, or p when none does (q: n
 * x p work). */
#define SINGULAR 1e-12 /* a pivot below this x the largest counts as 0 */
double pbsc_qr_solve(double *a, double *b, size_t n, size_t p, double *x);
size_t pbsc_gather(const double *X, const double *y, size_t n, size_t p, size_t hold,
                   double *a, double *b);
size_t pbsc_dependent_column(const double *X, size_t n, size_t p, size_t hold, double *q);

/* The risk model of a history (lib/calibrate_risk.c): fitted into m with its report, or left
 * out with the reason in m's risk note; PBSC_OK unless memory runs out. */
int pbsc_calib_fit_risk(const pbsc_history *h, pbsc_model *m, pbsc_fit_report *rep,
                        pbsc_diag *diag);

#endif /* PBSC_CALIBRATE_PRIVATE_H */
