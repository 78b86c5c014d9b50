/* SPDX-License-Identifier: MIT */
/* Calibration: the fit of a site model from a site's history of aphereses: the CE and the
 * ratio after an apheresis here, the risk model in lib/calibrate_risk.c, least squares in
 * lib/linalg.c, the history in lib/history.c; what the data cannot give (constant columns,
 * spreads below their floor) is named by lib/calibrate_checks.c. */
#include "calibrate_private.h"

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

#define LEVEL 0.90    /* the interval whose coverage is reported */
#define CE_COLUMNS 3  /* the intercept, ln(WBC / ref), Hct - ref */

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
            pbsc_dependent_column(c->x, c->n, c->p, NO_FOLD, c->a) == c->p)
            return;
    }
}

/* Least squares on the sessions outside fold `hold`: coefficients and the residual SD with
 * n - p degrees of freedom (the sessions number at least 24 > p). */
static void
ce_fit(struct ce *c, size_t hold, double *coef, double *sigma)
{
    size_t nt = pbsc_gather(c->x, c->y, c->n, c->p, hold, c->a, c->b), i, j;
    double rss = 0.0;

    pbsc_qr_solve(c->a, c->b, nt, c->p, coef);
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
        (rc = pbsc_calib_fit_risk(history, m, &rep, diag)) != PBSC_OK) {
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
