/* SPDX-License-Identifier: MIT */
/* Calibration's risk model: a logistic regression of poor mobilization on the history's
 * covariates, by Newton's method, with 5-fold cross-validated AUC and Brier score. The
 * minimum of 10 events per covariate and its source are in lib/calibrate.c. */
#include "calibrate_private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ITERATIONS 50
#define LL_TOLERANCE 1e-10 /* converged: the log-likelihood moved less than this */
#define BETA_LIMIT 30.0    /* a standardized coefficient beyond it diverges (odds x e^30/SD) */
#define STEP_LIMIT 1e-3    /* a step this large while the likelihood stays flat: diverging */
#define MAX_HALVINGS 30

/* ---- the risk of poor mobilization --------------------------------------------------------- */

struct risk {
    size_t k, p;      /* covariates; terms (the intercept and k covariates) */
    size_t m, events; /* patients; of them poor */
    size_t *row;      /* the history row standing for each patient */
    double *z, *y;    /* m x p standardized design, column 0 the intercept; outcomes */
    double *mean, *scale;
    double *pred; /* held-out probabilities */
    double *q;    /* m x p work */
    double *ws;   /* Newton's work: 3 p^2 + 6 p */
};

struct obs {
    long patient;
    size_t row;
};

static int
cmp_obs(const void *a, const void *b)
{
    const struct obs *x = a, *y = b;

    if (x->patient != y->patient)
        return x->patient < y->patient ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

static int
cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;

    return x < y ? -1 : x > y;
}

/* One observation per patient: the patient's first row that records `poor` (each row of
 * patient -1 a patient of its own), in history order, those with every covariate given. */
static void
risk_select(const pbsc_history *h, struct obs *o, struct risk *r)
{
    size_t i, j, n = 0, m = 0;

    for (i = 0; i < h->n; i++)
        if (h->rows[i].poor != -1) {
            o[n].patient = h->rows[i].patient;
            o[n++].row = i;
        }
    qsort(o, n, sizeof *o, cmp_obs);
    for (i = 0; i < n; i++)
        if (i == 0 || o[i].patient == -1 || o[i].patient != o[i - 1].patient)
            r->row[m++] = o[i].row;
    qsort(r->row, m, sizeof *r->row, cmp_size);
    for (i = 0, n = 0; i < m; i++) {
        const double *x = h->x + r->row[i] * h->k;
        for (j = 0; j < h->k && !isnan(x[j]); j++)
            ;
        if (j == h->k)
            r->row[n++] = r->row[i];
    }
    r->m = n;
    r->events = 0;
    for (i = 0; i < n; i++)
        r->events += (size_t)(h->rows[r->row[i]].poor == 1);
}

/* Mean and SD of each covariate; the standardized design. A covariate that takes one value
 * cannot be fitted: an error naming it, rather than a model silently without it. */
static int
risk_design(const pbsc_history *h, struct risk *r, pbsc_diag *diag)
{
    size_t i, j;

    for (j = 0; j < r->k; j++) {
        double mean = 0.0, m2 = 0.0, sd;
        for (i = 0; i < r->m; i++) {
            double x = h->x[r->row[i] * h->k + j], d = x - mean;
            mean += d / (double)(i + 1);
            m2 += d * (x - mean);
        }
        sd = sqrt(m2 / (double)(r->m - 1));
        if (!isfinite(mean) || !isfinite(sd))
            return pbsc_fail(diag, PBSC_E_RANGE, h->name[j], NAN,
                             "%s: values too large to standardize", h->name[j]);
        if (!(sd > 1e-12 * fabs(mean))) /* as good as one value (pbsc_calib_risk_ready) */
            return pbsc_fail(diag, PBSC_E_RANGE, h->name[j], mean,
                             "%s takes one value (%g) in all %zu patients", h->name[j], mean, r->m);
        if (sd > 1e6) /* a model file's scale is at most 1e6 (lib/model.c RISK_SCALE_MAX) */
            return pbsc_fail(diag, PBSC_E_RANGE, h->name[j], sd,
                             "%s: SD %g is above 1e6: give it in larger units", h->name[j], sd);
        r->mean[j] = mean;
        r->scale[j] = sd;
    }
    for (i = 0; i < r->m; i++) {
        const double *x = h->x + r->row[i] * h->k;
        double *z = r->z + i * r->p;
        z[0] = 1.0;
        for (j = 0; j < r->k; j++)
            z[j + 1] = (x[j] - r->mean[j]) / r->scale[j];
        r->y[i] = h->rows[r->row[i]].poor == 1 ? 1.0 : 0.0;
    }
    return PBSC_OK;
}

/* ln(1 + e^x) without overflow. */
static double
softplus(double x)
{
    return x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* The log-likelihood at beta over the patients outside fold `hold`, its gradient g and the
 * information matrix H (minus the Hessian, X'WX). */
static double
logit_pass(const struct risk *r, size_t hold, const double *beta, double *g, double *H)
{
    size_t i, j, l, p = r->p;
    double ll = 0.0;

    memset(g, 0, p * sizeof *g);
    memset(H, 0, p * p * sizeof *H);
    for (i = 0; i < r->m; i++) {
        const double *z = r->z + i * p;
        double eta = 0.0, mu, w, d;
        if (i % FOLDS == hold)
            continue;
        for (j = 0; j < p; j++)
            eta += beta[j] * z[j];
        mu = 1.0 / (1.0 + exp(-eta));
        w = mu * (1.0 - mu);
        d = r->y[i] - mu;
        ll += r->y[i] * eta - softplus(eta);
        for (j = 0; j < p; j++) {
            g[j] += d * z[j];
            for (l = 0; l <= j; l++)
                H[j * p + l] += w * z[j] * z[l];
        }
    }
    for (j = 0; j < p; j++)
        for (l = 0; l < j; l++)
            H[l * p + j] = H[j * p + l];
    return ll;
}

static double
max_abs(const double *v, size_t n, size_t *at)
{
    double best = 0.0;
    size_t i;

    *at = 0;
    for (i = 0; i < n; i++)
        if (fabs(v[i]) > best) {
            best = fabs(v[i]);
            *at = i;
        }
    return best;
}

static const char *
term_name(const pbsc_history *h, size_t t)
{
    return t == 0 ? "intercept" : h->name[t - 1];
}

static void
fold_text(char *buf, size_t size, size_t hold)
{
    if (hold == NO_FOLD)
        buf[0] = '\0';
    else
        pbsc_fmt(buf, size, " (cross-validation fold %zu)", hold);
}

/* Diverging coefficients: the outcome is separated by the covariates (or they are not
 * identified). Names the term with the largest coefficient. */
static int
diverging(const pbsc_history *h, const double *beta, size_t p, size_t hold, pbsc_diag *diag)
{
    char where[40];
    size_t t;
    double b = max_abs(beta, p, &t);

    fold_text(where, sizeof where, hold);
    return pbsc_fail(diag, PBSC_E_RANGE, term_name(h, t), b,
                     "risk model%s: the coefficients diverge (%s: %g per SD): the covariates "
                     "separate poor from not poor; leave out or merge covariates",
                     where, term_name(h, t), beta[t]);
}

/*
 * Logistic regression by Newton's method (IRLS), the step solved by the QR of X'WX, halved
 * while it lowers the log-likelihood. Converged when the log-likelihood moves less than
 * LL_TOLERANCE; a coefficient beyond BETA_LIMIT, a step still longer than STEP_LIMIT once the
 * likelihood has stopped moving (it climbs an asymptote), or no convergence in MAX_ITERATIONS
 * mean separation.
 */
static int
logit_fit(const pbsc_history *h, const struct risk *r, size_t hold, double *beta, pbsc_diag *diag)
{
    size_t p = r->p, it, j, at, nt = 0;
    double *g = r->ws, *H = g + p, *a = H + p * p, *b = a + p * p, *delta = b + p;
    double *trial = delta + p, *g2 = trial + p, *H2 = g2 + p, ll, ll2 = 0.0, ybar = 0.0, t;
    char where[40];

    for (j = 0; j < r->m; j++)
        if (j % FOLDS != hold)
            ybar += r->y[j], nt++;
    ybar /= (double)nt;
    if (!(ybar > 0.0 && ybar < 1.0)) { /* only within a fold: the whole has both classes */
        fold_text(where, sizeof where, hold);
        return pbsc_fail(diag, PBSC_E_RANGE, "poor", ybar,
                         "risk model%s: the patients outside the fold are all %s", where,
                         ybar > 0.0 ? "poor" : "not poor");
    }
    memset(beta, 0, p * sizeof *beta);
    beta[0] = log(ybar / (1.0 - ybar));
    ll = logit_pass(r, hold, beta, g, H);
    for (it = 0; it < MAX_ITERATIONS; it++) {
        int halvings = 0;
        memcpy(a, H, p * p * sizeof *a);
        memcpy(b, g, p * sizeof *b);
        if (!(pbsc_qr_solve(a, b, p, p, delta) > SINGULAR)) {
            fold_text(where, sizeof where, hold);
            return pbsc_fail(diag, PBSC_E_RANGE, "risk", NAN,
                             "risk model%s: the information matrix is singular (separation, "
                             "or covariates that are nearly collinear)",
                             where);
        }
        for (t = 1.0;; t *= 0.5) {
            for (j = 0; j < p; j++)
                trial[j] = beta[j] + t * delta[j];
            ll2 = logit_pass(r, hold, trial, g2, H2);
            if (ll2 >= ll || ++halvings > MAX_HALVINGS)
                break;
        }
        if (!(ll2 >= ll)) /* no step gains: the maximum, to rounding */
            return max_abs(delta, p, &at) > STEP_LIMIT ? diverging(h, beta, p, hold, diag)
                                                       : PBSC_OK;
        memcpy(beta, trial, p * sizeof *beta);
        memcpy(g, g2, p * sizeof *g);
        memcpy(H, H2, p * p * sizeof *H);
        if (max_abs(beta, p, &at) > BETA_LIMIT)
            return diverging(h, beta, p, hold, diag);
        if (ll2 - ll < LL_TOLERANCE)
            return t * max_abs(delta, p, &at) > STEP_LIMIT ? diverging(h, beta, p, hold, diag)
                                                           : PBSC_OK;
        ll = ll2;
    }
    fold_text(where, sizeof where, hold);
    return pbsc_fail(diag, PBSC_E_RANGE, "risk", NAN,
                     "risk model%s: no convergence in %d iterations (separation?)", where,
                     MAX_ITERATIONS);
}

/* A covariate that is a combination of the others (or constant within a fold's patients). */
static int
risk_identified(const pbsc_history *h, struct risk *r, size_t hold, pbsc_diag *diag)
{
    size_t j = pbsc_dependent_column(r->z, r->m, r->p, hold, r->q);
    char where[40];

    if (j == r->p)
        return PBSC_OK;
    fold_text(where, sizeof where, hold);
    return pbsc_fail(diag, PBSC_E_RANGE, term_name(h, j), NAN,
                     "risk model%s: %s is constant or a linear combination of the covariates "
                     "before it; leave it out",
                     where, term_name(h, j));
}

/* Held-out probabilities from the model fitted on the other folds: AUC and Brier score. */
static int
risk_cv(const pbsc_history *h, struct risk *r, pbsc_scored *s, double *auc, double *brier,
        pbsc_diag *diag)
{
    double beta[PBSC_MAX_TERMS], sum = 0.0;
    size_t f, i, j;
    int rc;

    for (f = 0; f < FOLDS; f++) {
        if ((rc = risk_identified(h, r, f, diag)) != PBSC_OK ||
            (rc = logit_fit(h, r, f, beta, diag)) != PBSC_OK)
            return rc;
        for (i = f; i < r->m; i += FOLDS) {
            double eta = 0.0;
            for (j = 0; j < r->p; j++)
                eta += beta[j] * r->z[i * r->p + j];
            r->pred[i] = 1.0 / (1.0 + exp(-eta));
        }
    }
    for (i = 0; i < r->m; i++) {
        sum += (r->pred[i] - r->y[i]) * (r->pred[i] - r->y[i]);
        s[i].p = r->pred[i];
        s[i].poor = r->y[i] == 1.0;
    }
    *brier = sum / (double)r->m;
    *auc = pbsc_auc(s, r->m);
    return PBSC_OK;
}

/* Fits the risk model of the r->m patients selected; s: work for the AUC. */
static int
risk_fit(const pbsc_history *h, struct risk *r, pbsc_model *m, pbsc_scored *s,
         pbsc_fit_report *rep, pbsc_diag *diag)
{
    double beta[PBSC_MAX_TERMS];
    size_t j;
    int rc;

    if ((rc = risk_design(h, r, diag)) != PBSC_OK ||
        (rc = risk_identified(h, r, NO_FOLD, diag)) != PBSC_OK ||
        (rc = logit_fit(h, r, NO_FOLD, beta, diag)) != PBSC_OK ||
        (rc = risk_cv(h, r, s, &rep->auc_cv, &rep->brier_cv, diag)) != PBSC_OK)
        return rc;
    m->terms = r->p;
    pbsc_fmt(m->name[0], sizeof m->name[0], "intercept");
    m->coef[0] = beta[0];
    m->mean[0] = 0.0;
    m->scale[0] = 1.0;
    for (j = 1; j < r->p; j++) {
        pbsc_fmt(m->name[j], sizeof m->name[j], "%s", h->name[j - 1]);
        m->coef[j] = beta[j];
        m->mean[j] = r->mean[j - 1];
        m->scale[j] = r->scale[j - 1];
    }
    return PBSC_OK;
}

int
pbsc_calib_fit_risk(const pbsc_history *h, pbsc_model *m, pbsc_fit_report *rep, pbsc_diag *diag)
{
    struct risk r;
    struct obs *o = NULL;
    pbsc_scored *s = NULL;
    double *mem = NULL;
    size_t p = h->k + 1;
    pbsc_diag why;
    int rc = PBSC_OK;

    memset(&r, 0, sizeof r);
    r.k = h->k;
    r.p = p;
    rep->auc_cv = NAN;
    rep->brier_cv = NAN;
    o = pbsc_alloc(h->n * sizeof *o);
    r.row = pbsc_alloc(h->n * sizeof *r.row);
    if (o == NULL || r.row == NULL)
        goto nomem;
    risk_select(h, o, &r);
    rep->patients = r.m;
    rep->events = r.events;
    /* covariates, two outcomes, 10 events per covariate (Peduzzi 1996); else no risk model */
    if (!pbsc_calib_risk_ready(h, r.row, r.m, r.events, m->fit.note[PBSC_NOTE_RISK]))
        goto done;
    s = pbsc_alloc(r.m * sizeof *s);
    mem = pbsc_alloc((r.m * (2 * p + 2) + 2 * h->k + 3 * p * p + 6 * p) * sizeof *mem);
    if (s == NULL || mem == NULL)
        goto nomem;
    r.z = mem;
    r.q = r.z + r.m * p;
    r.y = r.q + r.m * p;
    r.pred = r.y + r.m;
    r.mean = r.pred + r.m;
    r.scale = r.mean + h->k;
    r.ws = r.scale + h->k;
    /* risk_fit allocates nothing: its every failure is the data's, and leaves no risk model,
     * the CE and the ratio standing and the note saying why */
    if (risk_fit(h, &r, m, s, rep, &why) != PBSC_OK) {
        pbsc_calib_note(m->fit.note[PBSC_NOTE_RISK], "%s", why.text);
        rep->auc_cv = NAN;
        rep->brier_cv = NAN;
    }
    goto done;
nomem:
    rc = pbsc_fail(diag, PBSC_E_NOMEM, "history", NAN, "out of memory");
done:
    pbsc_dealloc(o);
    pbsc_dealloc(s);
    pbsc_dealloc(r.row);
    pbsc_dealloc(mem);
    return rc;
}
