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
#define CE_COLUMNS 5  /* the intercept, ln(C / C_ref), ln(V / V_ref), ln(WBC / ref), Hct - ref */

/*
 * The yield model v2's slopes (pbsc_yield_project(3)) are fitted with the CE: ln CE2 =
 * ln(collected x kg / (C x V)) = ln CE_ref + (b - 1) ln(C / C_ref) + s ln(V / V_ref) + ...,
 * C_ref the model's (a donor's for a donor's row: the CE median keeps its meaning at it),
 * V_ref the geometric mean volume of the sessions fitted. A slope is fitted when the rows
 * allow one more regressor (the minimums above) and its standard error is at most
 * SLOPE_SE_MAX: 0.1, the gap between the published patient and donor count slopes (0.8595
 * and 0.7559, Humpe A et al., Transfusion 2000;40:1363), so that a fitted slope can at least
 * tell them apart [ours]; else the model's default stays and the CE note says why. A slope
 * not fitted is taken as the default in ln CE2, so the fitted median is CE2 at C_ref.
 */
#define SLOPE_SE_MAX 0.1

/* ---- CE: ln CE2 on ln WBC and Hct --------------------------------------------------------- */

struct ce {
    size_t n;       /* sessions used */
    size_t p;       /* columns: the intercept, then ln(C / C_ref), ln(V / V_ref), ln(WBC / ref)
                       and Hct - ref, those used */
    int cnt, vol;   /* the count and volume slopes are fitted */
    int wbc, hct;   /* the regressors used */
    const pbsc_model_params *mp; /* the model's defaults: C_ref and the default slopes */
    double ref_vol; /* geometric mean volume of the sessions used */
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

/* ln(C / C_ref) of a row, C_ref the model's for a patient or a donor; and the default
 * count slope of that row. */
static double
ln_count(const struct ce *c, const pbsc_history_row *r, double *slope)
{
    int donor = !isnan(r->recipient_kg);

    *slope = donor ? c->mp->count_slope_donor : c->mp->count_slope;
    return log(r->cd34) - log(donor ? c->mp->count_ref_donor : c->mp->count_ref);
}

/* The design on the sessions that have every regressor asked for (c->cnt and c->vol as set),
 * the volume, WBC and Hct centred on their means; a count slope not fitted is the default's
 * in y. */
static void
ce_design(const pbsc_history *h, struct ce *c, int wbc, int hct)
{
    double sum_w = 0.0, sum_h = 0.0, sum_v = 0.0, b;
    size_t i, n = 0;

    for (i = 0; i < h->n; i++) {
        const pbsc_history_row *r = &h->rows[i];
        if (!has_regressors(r, wbc, hct))
            continue;
        c->row[n++] = i;
        sum_w += wbc ? log(r->wbc) : 0.0;
        sum_h += hct ? r->hct : 0.0;
        sum_v += log(r->processed_l);
    }
    c->n = n;
    c->wbc = wbc;
    c->hct = hct;
    c->p = 1 + (size_t)c->cnt + (size_t)c->vol + (size_t)wbc + (size_t)hct;
    if (n == 0)
        return;
    c->ref_wbc = wbc ? exp(sum_w / (double)n) : (double)NAN;
    c->ref_hct = hct ? sum_h / (double)n : (double)NAN;
    c->ref_vol = exp(sum_v / (double)n);
    for (i = 0; i < n; i++) {
        const pbsc_history_row *r = &h->rows[c->row[i]];
        double *x = c->x + i * c->p, lc = ln_count(c, r, &b);
        *x++ = 1.0;
        if (c->cnt)
            *x++ = lc;
        if (c->vol)
            *x++ = log(r->processed_l) - sum_v / (double)n;
        if (wbc)
            *x++ = log(r->wbc) - sum_w / (double)n;
        if (hct)
            *x = r->hct - c->ref_hct;
        c->y[i] = ln_ce(r) - (c->cnt ? 0.0 : (b - 1.0) * lc);
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
        int k = tries[t][0] + tries[t][1] + c->cnt + c->vol;
        ce_design(h, c, tries[t][0], tries[t][1]);
        if (k == c->cnt + c->vol)
            return; /* the caller made sure of the sessions for these */
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

/* The standard error of coefficient j of the fit on every session, sigma its residual SD:
 * sigma / sqrt(the residual sum of squares of column j on the other columns) (the
 * Frisch-Waugh-Lovell theorem); infinite for a column the others explain. */
static double
coef_se(struct ce *c, size_t j, double sigma)
{
    double coef[CE_COLUMNS], rss = 0.0;
    size_t i, k, q;

    for (i = 0; i < c->n; i++) {
        for (k = 0, q = 0; k < c->p; k++)
            if (k != j)
                c->a[i * (c->p - 1) + q++] = c->x[i * c->p + k];
        c->b[i] = c->x[i * c->p + j];
    }
    pbsc_qr_solve(c->a, c->b, c->n, c->p - 1, coef);
    for (i = 0; i < c->n; i++) {
        double e = c->x[i * c->p + j];
        for (k = 0, q = 0; k < c->p; k++)
            if (k != j)
                e -= coef[q++] * c->x[i * c->p + k];
        rss += e * e;
    }
    return rss > 0.0 ? sigma / sqrt(rss) : (double)INFINITY;
}

/* Adds the count slope (which 0) or the CE volume slope (1) to the design when the rows
 * allow one more regressor, its column varies and is not collinear, its SE is at most
 * SLOPE_SE_MAX and the slope within the model's range (lib/model.c); else the design stays
 * without it and the note says why. */
static void
try_slope(const pbsc_history *h, struct ce *c, int which, char *note)
{
    static const char *const name[2] = {"count_slope", "ce_volume_slope"};
    static const char *const column[2] = {"ln cd34", "ln processed_l"};
    double coef[CE_COLUMNS], sigma, se, v;
    size_t j, need;

    *(which == 0 ? &c->cnt : &c->vol) = 1;
    ce_design(h, c, c->wbc, c->hct);
    j = which == 0 ? 1 : 1 + (size_t)c->cnt;
    need = MIN_CE_ROWS + ROWS_PER_REGRESSOR * (c->p - 1);
    if (c->n < need) {
        pbsc_calib_note(note, "%s not fitted: %zu sessions, %zu needed", name[which], c->n, need);
    } else if (pbsc_dependent_column(c->x, c->n, c->p, NO_FOLD, c->a) != c->p) {
        pbsc_calib_note(note, "%s not fitted: %s has no spread of its own", name[which],
                        column[which]);
    } else {
        ce_fit(c, NO_FOLD, coef, &sigma);
        se = coef_se(c, j, sigma);
        v = which == 0 ? 1.0 + coef[j] : coef[j];
        if (!(se <= SLOPE_SE_MAX))
            pbsc_calib_note(note, "%s not fitted: SE %.2g > %g (too little spread in %s)",
                            name[which], se, SLOPE_SE_MAX, column[which]);
        else if (which == 0 ? !(v > 0.0 && v <= 2.0) : !(v >= -0.9 && v <= 1.0))
            pbsc_calib_note(note, "%s not fitted: %.3g is outside its range", name[which], v);
        else
            return;
    }
    *(which == 0 ? &c->cnt : &c->vol) = 0;
    ce_design(h, c, c->wbc, c->hct);
}

/* The CE part of params from a fit (the slopes of regressors not used stay as they are; one
 * count slope for the patients and the donors of the history). */
static void
ce_params(const struct ce *c, const double *coef, double sigma, pbsc_model_params *p)
{
    size_t j = 1;

    p->ce.median = exp(coef[0]);
    p->ce.sigma = sigma;
    if (c->cnt) {
        p->count_slope = p->count_slope_donor = 1.0 + coef[j++];
    }
    if (c->vol) {
        p->ce_volume_slope = coef[j++];
        p->ce_volume_ref = c->ref_vol;
    }
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
    pbsc_model_shape(fm, &s);
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
    static const char *const shape[2][2] = {
        {"", "; slope on ln volume"}, {"; slope on ln count", "; slopes on ln count and volume"}};
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
    pbsc_fmt(m->ce_source, sizeof m->ce_source, "pbsc_calibrate: %zu sessions, ln CE %s%s",
             c->n, on[c->wbc][c->hct], shape[c->cnt][c->vol]);
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
    c.mp = &m->p;
    ce_choose(h, &c);
    pbsc_calib_ce_regressors(h, c.wbc, c.hct, m->fit.note[PBSC_NOTE_CE]);
    try_slope(h, &c, 0, m->fit.note[PBSC_NOTE_CE]);
    try_slope(h, &c, 1, m->fit.note[PBSC_NOTE_CE]);
    ce_fit(&c, NO_FOLD, c.coef, &c.sigma);
    c.sigma = pbsc_calib_ce_sigma(c.y, c.n, c.sigma, &m->fit);
    if ((rc = ce_store(h, &c, m, diag)) != PBSC_OK ||
        (rc = ce_coverage(h, &c, &rep->coverage_cv, diag)) != PBSC_OK)
        goto done;
    rep->sessions = c.n;
    rep->ce_median = m->p.ce.median;
    rep->ce_sigma = m->p.ce.sigma;
    rep->ce_wbc_slope = c.wbc ? m->p.ce_wbc_slope : 0.0;
    rep->ce_hct_slope = c.hct ? m->p.ce_hct_slope : 0.0;
    m->fit.parts |= (c.cnt ? PBSC_PART_COUNT_SLOPE : 0u) | (c.vol ? PBSC_PART_CE_VOLUME : 0u);
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
