/* SPDX-License-Identifier: MIT */
/* Calibration: the fit of a site model from a site's history of aphereses (GSL). The history
 * is lib/history.c; what the data cannot give (constant columns, spreads below their floor)
 * is named by lib/calibrate_checks.c. */
#include "calibrate_private.h"

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the fit --------------------------------------------------------------------------- */

/*
 * Minimums (pbsc_calibrate(3) states each):
 * - CE: 30 sessions. What makes a yield interval honest is the spread sigma of ln CE, and the
 *   standard error of an SD estimated from n rows is about sigma / sqrt(2 (n - 1)): at 30 rows
 *   that is +/-13% of sigma (1 / sqrt(58)), so a nominal 90% interval built on it covers
 *   between about 85% and 94% one SE either side. Fewer rows make that range wider than an
 *   interval can honestly claim.
 * - each regressor of ln CE beyond the intercept (ln WBC, Hct): 10 more rows, the common rule
 *   of thumb of about 10 observations per estimated parameter in a linear regression (Harrell
 *   FE, Regression Modeling Strategies, Springer): 40 rows for one slope, 50 for two.
 * - the post-apheresis ratio: 20 sessions with a next-morning count (its sigma then known to
 *   +/-16%, 1 / sqrt(38)); with fewer the literature default is kept. It replaces a default
 *   that is itself a conservative guess (lib/model.c), so it needs less than CE does.
 * - the risk model: 10 events per covariate, the events counted in the smaller of the poor
 *   and not-poor classes (Peduzzi P et al., J Clin Epidemiol 1996;49:1373-9); with fewer
 *   there is no risk model.
 */
/* (MIN_CE_ROWS, ROWS_PER_REGRESSOR, MIN_RATIO_ROWS, EVENTS_PER_COVARIATE: calibrate_private.h) */

#define FOLDS 5       /* cross-validation: row (or patient) i is in fold i mod 5 */
#define NO_FOLD FOLDS /* "hold no fold out": i % FOLDS never equals it */
#define LEVEL 0.90    /* the interval whose coverage is reported */
#define CE_COLUMNS 3  /* the intercept, ln(WBC / ref), Hct - ref */
#define MAX_ITERATIONS 50
#define LL_TOLERANCE 1e-10 /* converged: the log-likelihood moved less than this */
#define BETA_LIMIT 30.0    /* a standardized coefficient beyond it diverges (odds x e^30/SD) */
#define STEP_LIMIT 1e-3    /* a step this large while the likelihood stays flat: diverging */
#define MAX_HALVINGS 30
#define SINGULAR 1e-12 /* a pivot below this x the largest counts as 0 */
#define DEPENDENT 1e-7 /* a column whose part independent of the others is this short */

/*
 * x = argmin |A x - b|, least squares by Householder QR. The reflections are GSL's
 * (gsl_linalg_householder_transform, gsl_linalg_householder_hv): plain loops that allocate
 * nothing, so an allocation failure cannot reach GSL's aborting error handler. The
 * higher-level solvers would: gsl_multifit_linear's workspace, gsl_linalg_SV_decomp (its
 * bidiagonalization, GSL 2.7) and gsl_linalg_QR_decomp (before GSL 2.7) all allocate inside
 * GSL, past pbsc_alloc() and past a failure test. (tests/bench/bench_calibrate counts the
 * allocations of a fit: the library's own 7 and qsort's 3, whose failure glibc absorbs.)
 * a (n x p, row-major, n >= p >= 1) and b (n) are overwritten. A column whose |R_jj| is at
 * most SINGULAR x the largest depends on the columns before it: its coefficient is 0 (a basic
 * solution). Returns the smallest |R_jj| over the largest (0: rank deficient).
 */
static double
qr_solve(double *a, double *b, size_t n, size_t p, double *x)
{
    gsl_matrix_view A = gsl_matrix_view_array(a, n, p);
    gsl_vector_view B = gsl_vector_view_array(b, n);
    double big = 0.0, small = INFINITY;
    size_t j, l;

    for (j = 0; j < p; j++) {
        gsl_vector_view v = gsl_matrix_subcolumn(&A.matrix, j, j, n - j);
        gsl_vector_view c = gsl_vector_subvector(&B.vector, j, n - j);
        double tau = gsl_linalg_householder_transform(&v.vector); /* v[0] becomes R_jj */

        for (l = j + 1; l < p; l++) {
            gsl_vector_view d = gsl_matrix_subcolumn(&A.matrix, l, j, n - j);
            gsl_linalg_householder_hv(tau, &v.vector, &d.vector);
        }
        gsl_linalg_householder_hv(tau, &v.vector, &c.vector);
        big = fmax(big, fabs(a[j * p + j]));
    }
    for (j = p; j-- > 0;) {
        double r = a[j * p + j], sum = b[j];
        if (!(fabs(r) > SINGULAR * big)) {
            x[j] = 0.0;
            small = 0.0;
            continue;
        }
        for (l = j + 1; l < p; l++)
            sum -= a[j * p + l] * x[l];
        x[j] = sum / r;
        small = fmin(small, fabs(r));
    }
    return big > 0.0 ? small / big : 0.0;
}

/* Copies the rows of X (n x p) and y outside fold `hold` to a and b; returns their count. */
static size_t
gather(const double *X, const double *y, size_t n, size_t p, size_t hold, double *a, double *b)
{
    size_t i, r = 0;

    for (i = 0; i < n; i++) {
        if (i % FOLDS == hold)
            continue;
        memcpy(a + r * p, X + i * p, p * sizeof *a);
        if (b != NULL)
            b[r] = y[i];
        r++;
    }
    return r;
}

static double
column_norm(const double *q, size_t r, size_t p, size_t j)
{
    double s = 0.0;
    size_t i;

    for (i = 0; i < r; i++)
        s += q[i * p + j] * q[i * p + j];
    return sqrt(s);
}

/* The first column of X (n x p; the rows outside fold `hold`) that is a linear combination
 * of the columns before it, to within DEPENDENT of its length (a constant column is one of
 * the intercept's); p if there is none. Modified Gram-Schmidt on q (n x p doubles). */
static size_t
dependent_column(const double *X, size_t n, size_t p, size_t hold, double *q)
{
    size_t r = gather(X, NULL, n, p, hold, q, NULL), i, j, l;

    for (j = 0; j < p; j++) {
        double before = column_norm(q, r, p, j), after;

        for (l = 0; l < j; l++) {
            double d = 0.0;
            for (i = 0; i < r; i++)
                d += q[i * p + l] * q[i * p + j];
            for (i = 0; i < r; i++)
                q[i * p + j] -= d * q[i * p + l];
        }
        after = column_norm(q, r, p, j);
        if (!(after > DEPENDENT * before))
            return j;
        for (i = 0; i < r; i++)
            q[i * p + j] /= after;
    }
    return p;
}

/* ---- CE: ln CE2 on ln WBC and Hct --------------------------------------------------------- */

struct ce {
    size_t n;       /* sessions used */
    size_t p;       /* columns: the intercept, then ln(WBC / ref) and/or Hct - ref */
    int wbc, hct;   /* the regressors used */
    double ref_wbc; /* geometric mean WBC of the sessions used (exp of mean ln WBC) */
    double ref_hct; /* mean Hct of the sessions used */
    size_t *row;    /* the history row of each session used */
    double *x, *y;  /* n x p design; ln CE2 */
    double *a, *b;  /* work: n x p, n */
    double coef[CE_COLUMNS];
    double sigma;
    size_t zero; /* sessions with nothing collected: ln CE undefined */
};

/* ln CE2 = ln(collected x recipient kg / (cd34 x litres)), as a sum of logs: finite for every
 * row pbsc_history_add() accepts with collected > 0, however small cd34 or the volume. */
static double
ln_ce(const pbsc_history_row *r)
{
    double kg = isnan(r->recipient_kg) ? r->weight_kg : r->recipient_kg;

    return log(r->collected) + log(kg) - log(r->cd34) - log(r->processed_l);
}

/* A WBC of 0 cannot enter ln WBC: such a row counts as one without WBC. */
static int
has_regressors(const pbsc_history_row *r, int wbc, int hct)
{
    return r->collected > 0.0 && (!wbc || (!isnan(r->wbc) && r->wbc > 0.0)) &&
           (!hct || !isnan(r->hct));
}

/* The design on the sessions that have every regressor asked for, centred on their means. */
static void
ce_design(const pbsc_history *h, struct ce *c, int wbc, int hct)
{
    double sum_w = 0.0, sum_h = 0.0;
    size_t i, n = 0;

    for (i = 0; i < h->n; i++) {
        const pbsc_history_row *r = &h->rows[i];
        if (!has_regressors(r, wbc, hct))
            continue;
        c->row[n++] = i;
        sum_w += wbc ? log(r->wbc) : 0.0;
        sum_h += hct ? r->hct : 0.0;
    }
    c->n = n;
    c->wbc = wbc;
    c->hct = hct;
    c->p = 1 + (size_t)wbc + (size_t)hct;
    if (n == 0)
        return;
    c->ref_wbc = wbc ? exp(sum_w / (double)n) : (double)NAN;
    c->ref_hct = hct ? sum_h / (double)n : (double)NAN;
    for (i = 0; i < n; i++) {
        const pbsc_history_row *r = &h->rows[c->row[i]];
        double *x = c->x + i * c->p;
        *x++ = 1.0;
        if (wbc)
            *x++ = log(r->wbc) - sum_w / (double)n;
        if (hct)
            *x = r->hct - c->ref_hct;
        c->y[i] = ln_ce(r);
    }
}

/* The richest design the data allow: both regressors, else ln WBC (the stronger documented
 * determinant: Ford, Transfusion 1998), else Hct, else none; a regressor needs its rows (see the
 * minimums) and must not be constant or collinear with the other. */
static void
ce_choose(const pbsc_history *h, struct ce *c)
{
    static const int tries[4][2] = {{1, 1}, {1, 0}, {0, 1}, {0, 0}};
    size_t t;

    for (t = 0; t < 4; t++) {
        int k = tries[t][0] + tries[t][1];
        ce_design(h, c, tries[t][0], tries[t][1]);
        if (k == 0)
            return; /* the caller made sure of MIN_CE_ROWS sessions */
        if (c->n >= MIN_CE_ROWS + ROWS_PER_REGRESSOR * (size_t)k &&
            dependent_column(c->x, c->n, c->p, NO_FOLD, c->a) == c->p)
            return;
    }
}

/* Least squares on the sessions outside fold `hold`: coefficients and the residual SD with
 * n - p degrees of freedom (the sessions number at least 24 > p). */
static void
ce_fit(struct ce *c, size_t hold, double *coef, double *sigma)
{
    size_t nt = gather(c->x, c->y, c->n, c->p, hold, c->a, c->b), i, j;
    double rss = 0.0;

    qr_solve(c->a, c->b, nt, c->p, coef);
    for (i = 0; i < c->n; i++) {
        double e = c->y[i];
        if (i % FOLDS == hold)
            continue;
        for (j = 0; j < c->p; j++)
            e -= coef[j] * c->x[i * c->p + j];
        rss += e * e;
    }
    *sigma = sqrt(rss / (double)(nt - c->p));
}

/* The CE part of params from a fit (the slopes of regressors not used stay as they are). */
static void
ce_params(const struct ce *c, const double *coef, double sigma, pbsc_model_params *p)
{
    size_t j = 1;

    p->ce.median = exp(coef[0]);
    p->ce.sigma = sigma;
    if (c->wbc) {
        p->ce_wbc_slope = coef[j++];
        p->ce_wbc_ref = c->ref_wbc;
    }
    if (c->hct) {
        p->ce_hct_slope = coef[j];
        p->ce_hct_ref = c->ref_hct;
    }
}

/* Whether a held-out session's yield lies in the 90% interval pbsc_yield_project() gives it
 * with the CE of the model fitted without it: the library's own interval, counting error of
 * the pre-count included (lib/yield.c). */
static int
inside_interval(const pbsc_model *fm, const pbsc_history_row *r, int *inside, pbsc_diag *diag)
{
    pbsc_ce_model ce;
    pbsc_session s;
    pbsc_projection pr;
    int rc;

    if ((rc = pbsc_model_ce(fm, r->wbc, r->hct, &ce, diag)) != PBSC_OK)
        return rc;
    pbsc_session_init(&s);
    s.cd34 = r->cd34;
    s.weight_kg = r->weight_kg;
    s.recipient_kg = r->recipient_kg;
    s.volume_l = r->processed_l;
    s.wbc = r->wbc;
    if ((rc = pbsc_yield_project_recorded(&s, &ce, LEVEL, NAN, &pr, diag)) != PBSC_OK)
        return rc;
    *inside = pr.lower <= r->collected && r->collected <= pr.upper;
    return PBSC_OK;
}

/* 5-fold cross-validated coverage of the 90% yield interval. */
static int
ce_coverage(const pbsc_history *h, struct ce *c, double *coverage, pbsc_diag *diag)
{
    size_t f, i, inside = 0;
    int rc;

    for (f = 0; f < FOLDS; f++) {
        double coef[CE_COLUMNS], sigma;
        pbsc_model fm;

        ce_fit(c, f, coef, &sigma);
        if (!(sigma <= 2.0))
            return pbsc_fail(diag, PBSC_E_RANGE, "ce_sigma", sigma,
                             "cross-validation fold %zu: the residual SD of ln CE, %g, is above 2",
                             f, sigma);
        pbsc_model_defaults(&fm);
        ce_params(c, coef, fmax(sigma, pbsc_calib_ce_floor()), &fm.p); /* as the model will */
        for (i = f; i < c->n; i += FOLDS) {
            int in = 0;
            if ((rc = inside_interval(&fm, &h->rows[c->row[i]], &in, diag)) != PBSC_OK)
                return rc;
            inside += (size_t)in;
        }
    }
    *coverage = (double)inside / (double)c->n;
    return PBSC_OK;
}

/* The fitted CE into the model, checked (nothing is clamped), with its provenance. */
static int
ce_store(const pbsc_history *h, const struct ce *c, pbsc_model *m, pbsc_diag *diag)
{
    static const char *const on[2][2] = {{"alone (no WBC or Hct)", "on Hct"},
                                         {"on ln WBC", "on ln WBC and Hct"}};
    pbsc_model_params p = m->p;
    size_t lacking = h->n - c->zero - c->n;
    int rc;

    ce_params(c, c->coef, c->sigma, &p);
    if (!(p.ce.median > 0.0 && p.ce.median <= 1.5))
        return pbsc_fail(diag, PBSC_E_RANGE, "ce_median", p.ce.median,
                         "the fitted CE median %g is outside (0, 1.5]: are collected (x10^6/kg), "
                         "cd34 (/uL) and processed_l (L) in these units?",
                         p.ce.median);
    if (!(c->sigma <= 2.0))
        return pbsc_fail(diag, PBSC_E_RANGE, "ce_sigma", c->sigma,
                         "the residual SD of ln CE, %g, is above 2: the history's CE is too "
                         "scattered to model (check units and outliers)",
                         c->sigma);
    if ((rc = pbsc_model_check(&p, diag)) != PBSC_OK)
        return rc;
    m->p = p; /* its CE strings already point at the model's own, filled below */
    pbsc_fmt(m->ce_id, sizeof m->ce_id, "site");
    pbsc_fmt(m->ce_device, sizeof m->ce_device, "fitted");
    pbsc_fmt(m->ce_setting, sizeof m->ce_setting, "site history");
    pbsc_fmt(m->ce_source, sizeof m->ce_source, "pbsc_calibrate: %zu sessions, ln CE %s", c->n,
             on[c->wbc][c->hct]);
    if (c->zero > 0 || lacking > 0) {
        size_t len = strlen(m->ce_source);
        pbsc_fmt(m->ce_source + len, sizeof m->ce_source - len,
                 "; left out: %zu with collected 0, %zu without the regressors", c->zero, lacking);
    }
    return PBSC_OK;
}

static int
fit_ce(const pbsc_history *h, pbsc_model *m, pbsc_fit_report *rep, pbsc_diag *diag)
{
    struct ce c;
    double *mem;
    size_t i;
    int rc;

    memset(&c, 0, sizeof c);
    for (i = 0; i < h->n; i++)
        c.zero += h->rows[i].collected > 0.0 ? 0 : 1;
    if (h->n - c.zero < MIN_CE_ROWS)
        return pbsc_fail(diag, PBSC_E_TOOFEW, "history", (double)(h->n - c.zero),
                         "%zu sessions with a yield above 0: a CE fit needs %d, for its spread "
                         "to be known to +/-13%% (SE of an SD: sigma/sqrt(2(n-1)))",
                         h->n - c.zero, MIN_CE_ROWS);
    c.row = pbsc_alloc(h->n * sizeof *c.row);
    mem = pbsc_alloc(h->n * (2 * CE_COLUMNS + 2) * sizeof *mem);
    if (c.row == NULL || mem == NULL) {
        rc = pbsc_fail(diag, PBSC_E_NOMEM, "history", NAN, "out of memory");
        goto done;
    }
    c.x = mem;
    c.a = c.x + h->n * CE_COLUMNS;
    c.y = c.a + h->n * CE_COLUMNS;
    c.b = c.y + h->n;
    ce_choose(h, &c);
    ce_fit(&c, NO_FOLD, c.coef, &c.sigma);
    pbsc_calib_ce_regressors(h, c.wbc, c.hct, m->fit.note[PBSC_NOTE_CE]);
    c.sigma = pbsc_calib_ce_sigma(c.y, c.n, c.sigma, &m->fit);
    if ((rc = ce_store(h, &c, m, diag)) != PBSC_OK ||
        (rc = ce_coverage(h, &c, &rep->coverage_cv, diag)) != PBSC_OK)
        goto done;
    rep->sessions = c.n;
    rep->ce_median = m->p.ce.median;
    rep->ce_sigma = m->p.ce.sigma;
    rep->ce_wbc_slope = c.wbc ? m->p.ce_wbc_slope : 0.0;
    rep->ce_hct_slope = c.hct ? m->p.ce_hct_slope : 0.0;
done:
    pbsc_dealloc(c.row);
    pbsc_dealloc(mem);
    return rc;
}

/* ---- the morning after an apheresis ------------------------------------------------------ */

/* ln(next_cd34 / cd34) over the sessions with next_cd34 > 0 (a count of 0 has no log). */
static int
fit_ratio(const pbsc_history *h, pbsc_model *m, pbsc_fit_report *rep, pbsc_diag *diag)
{
    double mean = 0.0, m2 = 0.0;
    pbsc_model_params p = m->p;
    struct pbsc_model_fit fit = m->fit; /* the model's only if the ratio is kept */
    pbsc_diag why;
    size_t i, n = 0;
    int rc;

    for (i = 0; i < h->n; i++) {
        const pbsc_history_row *r = &h->rows[i];
        double x, d;
        if (!(r->next_cd34 > 0.0))
            continue;
        x = log(r->next_cd34) - log(r->cd34);
        d = x - mean; /* Welford: exact 0 for a constant ratio */
        mean += d / (double)++n;
        m2 += d * (x - mean);
    }
    rep->ratio_sessions = n;
    rep->apheresis_ratio = NAN;
    rep->apheresis_sigma = NAN;
    if (n < MIN_RATIO_ROWS) { /* the literature default stays */
        if (n > 0)
            pbsc_calib_note(m->fit.note[PBSC_NOTE_APHERESIS],
                            "%zu sessions with next_cd34: the ratio needs %d", n, MIN_RATIO_ROWS);
        return PBSC_OK;
    }
    p.apheresis_ratio = exp(mean);
    p.apheresis_sigma = sqrt(m2 / (double)(n - 1));
    if ((rc = pbsc_calib_ratio_sigma(h, &p.apheresis_sigma, &fit, diag)) != PBSC_OK)
        return rc;
    if (pbsc_model_check(&p, &why) != PBSC_OK) { /* the default stays, and the note says why */
        pbsc_calib_note(m->fit.note[PBSC_NOTE_APHERESIS], "%s", why.text);
        return PBSC_OK;
    }
    m->p = p;
    m->fit = fit;
    m->fit.parts |= PBSC_PART_APHERESIS;
    rep->apheresis_ratio = p.apheresis_ratio;
    rep->apheresis_sigma = p.apheresis_sigma;
    return PBSC_OK;
}

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
        if (!(qr_solve(a, b, p, p, delta) > SINGULAR)) {
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
    size_t j = dependent_column(r->z, r->m, r->p, hold, r->q);
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

static int
fit_risk(const pbsc_history *h, pbsc_model *m, pbsc_fit_report *rep, pbsc_diag *diag)
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

/* See pbsc_calibrate(3). The report and the model are the caller's only on success. */
PBSC_API int
pbsc_calibrate(const pbsc_history *history, pbsc_model **model, pbsc_fit_report *report,
               pbsc_diag *diag)
{
    pbsc_fit_report rep;
    pbsc_model *m = NULL;
    int rc;

    if (history == NULL || model == NULL || report == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL,
                         history == NULL ? "history"
                         : model == NULL ? "model"
                                         : "report",
                         NAN, "NULL argument");
    memset(&rep, 0, sizeof rep);
    if ((rc = pbsc_model_new(&m, diag)) != PBSC_OK)
        return rc;
    if ((rc = fit_ce(history, m, &rep, diag)) != PBSC_OK ||
        (rc = fit_ratio(history, m, &rep, diag)) != PBSC_OK ||
        (rc = fit_risk(history, m, &rep, diag)) != PBSC_OK) {
        pbsc_model_free(m);
        return rc;
    }
    /* the CE is always fitted (or the call fails); the others say so or have a note */
    m->fit.parts |= PBSC_PART_CE | (m->terms > 0 ? PBSC_PART_RISK : 0u);
    /* a fitted model names itself; the site gives it a version when it adopts it */
    pbsc_fmt(m->id, sizeof m->id, "site");
    m->version[0] = '\0';
    m->fitted = 1;
    pbsc_model_rehash(m);
    *model = m;
    *report = rep;
    return PBSC_OK;
}
