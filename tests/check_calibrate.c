/* SPDX-License-Identifier: MIT */
/* Tests of calibration: recovery of known parameters from a simulated history, the minimums,
 * every error of the history and of the fit, and the fitted model's round trip. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <string.h>

#include "pbsc_test.h"

/* GSL's default error handler (abort) is deliberately left on in this whole suite: no input
 * may reach it (STYLE.md, "Errors"): constant, collinear and separating data included. */

/* ---- a simulated history ----------------------------------------------------------------- */

/* The truth the recovery test simulates (the brief's parameters):
 * ln CE2 = ln 0.5 - 0.3 ln(WBC / 20) + 0.02 (Hct - 30) + N(0, 0.35^2),
 * WBC log-uniform on 5-60 x10^9/L, Hct uniform on 22-40 %, PB CD34 log-normal with median
 * 30/uL (sigma 0.5), next morning's count cd34 x exp(N(ln 0.7, 0.3^2)), and a logistic risk
 * logit P(poor) = -1 + 0.8 z1 - 0.5 z2 with z1, z2 standard normal per patient, recorded as
 * age = 55 + 10 z1 and plt = 200 + 60 z2 so that the fit must undo its own standardization. */
#define CE_MEDIAN 0.5
#define CE_SIGMA 0.35
#define WBC_SLOPE (-0.3)
#define WBC_REF 20.0
#define HCT_SLOPE 0.02
#define HCT_REF 30.0
#define RATIO 0.7
#define RATIO_SIGMA 0.3
#define B0 (-1.0)
#define B1 0.8
#define B2 (-0.5)
#define AGE_MEAN 55.0
#define AGE_SD 10.0
#define PLT_MEAN 200.0
#define PLT_SD 60.0

static const char *const names[] = {"age", "plt"};

/* What the generator records: the first `wbc` sessions have WBC, and so on; covariates: 0-2;
 * poor: from the logistic model (events < 0) or exactly the first `events` patients. */
struct gen {
    unsigned long seed;
    size_t sessions, patients;
    size_t wbc, hct, next;
    size_t k;
    long events;
};

/* The simulated patients' z values and true risks, and the sessions as added, for the test's
 * own reference numbers. */
#define MAX_SESSIONS 2000
struct truth {
    double z1[1000], z2[1000], p[1000];
    int poor[1000];
    pbsc_history_row row[MAX_SESSIONS];
};

static pbsc_history *
simulate(const struct gen *g, struct truth *t)
{
    static struct truth scratch;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    pbsc_history *h = NULL;
    size_t i;

    if (t == NULL)
        t = &scratch;
    ck_assert(g->patients <= 1000 && g->sessions <= MAX_SESSIONS);
    gsl_rng_set(rng, g->seed);
    ck_assert_int_eq(pbsc_history_new(names, g->k, &h, NULL), PBSC_OK);
    for (i = 0; i < g->patients; i++) {
        t->z1[i] = gsl_ran_gaussian(rng, 1.0);
        t->z2[i] = gsl_ran_gaussian(rng, 1.0);
        t->p[i] = 1.0 / (1.0 + exp(-(B0 + B1 * t->z1[i] + B2 * t->z2[i])));
        t->poor[i] = g->events < 0 ? gsl_rng_uniform(rng) < t->p[i] : (long)i < g->events;
    }
    for (i = 0; i < g->sessions; i++) {
        size_t pt = i * g->patients / g->sessions; /* 3-4 consecutive sessions a patient */
        double cov[2] = {AGE_MEAN + AGE_SD * t->z1[pt], PLT_MEAN + PLT_SD * t->z2[pt]};
        double wbc = exp(log(5.0) + gsl_rng_uniform(rng) * log(12.0));
        double hct = 22.0 + 18.0 * gsl_rng_uniform(rng);
        double ln_ce = log(CE_MEDIAN) + WBC_SLOPE * log(wbc / WBC_REF) +
                       HCT_SLOPE * (hct - HCT_REF) + gsl_ran_gaussian(rng, CE_SIGMA);
        pbsc_history_row r;
        pbsc_diag diag;

        pbsc_history_row_init(&r);
        r.patient = (long)pt;
        r.cd34 = 30.0 * exp(gsl_ran_gaussian(rng, 0.5));
        r.processed_l = 8.0 + 17.0 * gsl_rng_uniform(rng);
        r.weight_kg = 50.0 + 50.0 * gsl_rng_uniform(rng);
        if (i % 5 == 0) /* an allogeneic donor now and then: the dose is per recipient kg */
            r.recipient_kg = 40.0 + 50.0 * gsl_rng_uniform(rng);
        r.collected = r.cd34 * r.processed_l * exp(ln_ce) /
                      (isnan(r.recipient_kg) ? r.weight_kg : r.recipient_kg);
        r.wbc = i < g->wbc ? wbc : (double)NAN;
        r.hct = i < g->hct ? hct : (double)NAN;
        r.next_cd34 =
            i < g->next ? r.cd34 * RATIO * exp(gsl_ran_gaussian(rng, RATIO_SIGMA)) : (double)NAN;
        r.poor = t->poor[pt];
        ck_assert_msg(pbsc_history_add(h, &r, cov, &diag) == PBSC_OK, "row %zu: %s", i, diag.text);
        t->row[i] = r;
    }
    gsl_rng_free(rng);
    return h;
}

/* The inverse of a symmetric positive definite 3 x 3 matrix, by cofactors. */
static void
inverse3(double a[3][3], double inv[3][3])
{
    double det;
    int i, j;

    inv[0][0] = a[1][1] * a[2][2] - a[1][2] * a[2][1];
    inv[0][1] = a[0][2] * a[2][1] - a[0][1] * a[2][2];
    inv[0][2] = a[0][1] * a[1][2] - a[0][2] * a[1][1];
    inv[1][1] = a[0][0] * a[2][2] - a[0][2] * a[2][0];
    inv[1][2] = a[0][2] * a[1][0] - a[0][0] * a[1][2];
    inv[2][2] = a[0][0] * a[1][1] - a[0][1] * a[1][0];
    inv[1][0] = inv[0][1];
    inv[2][0] = inv[0][2];
    inv[2][1] = inv[1][2];
    det = a[0][0] * inv[0][0] + a[0][1] * inv[1][0] + a[0][2] * inv[2][0];
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            inv[i][j] /= det;
}

/* Adds w x v v' to a. */
static void
accumulate(double a[3][3], const double v[3], double w)
{
    int i, j;

    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            a[i][j] += w * v[i] * v[j];
}

/* Mann-Whitney AUC by all pairs, ties 1/2: the test's own, independent of the library's. */
static double
auc_pairs(const double *p, const int *poor, size_t n)
{
    double wins = 0.0, pairs = 0.0;
    size_t i, j;

    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            if (poor[i] && !poor[j]) {
                wins += p[i] > p[j] ? 1.0 : p[i] == p[j] ? 0.5 : 0.0;
                pairs += 1.0;
            }
    return wins / pairs;
}

/* A model's identity and fit record (its notes are borrowed from the model). */
static pbsc_model_info
info_of(const pbsc_model *m)
{
    pbsc_model_info info;

    pbsc_model_info_init(&info);
    ck_assert_int_eq(pbsc_model_info_get(m, &info), PBSC_OK);
    return info;
}

#define ck_assert_note(note, text)                                                                 \
    ck_assert_msg((note) != NULL && strstr((note), (text)) != NULL, "note '%s' lacks '%s'",        \
                  (note) != NULL ? (note) : "(null)", (text))

/* The floor of the CE spread from its published source, as lib/calibrate_checks.c states it:
 * Spectra Optia CMNC in healthy donors, CE2 62.4% (SD 11.6) (Transfusion 2016;56:2824),
 * moment-matched to a log-normal: sigma = sqrt(ln(1 + (11.6 / 62.4)^2)) = 0.18432. */
static double
ce_floor(void)
{
    return sqrt(log1p((11.6 / 62.4) * (11.6 / 62.4)));
}

/* ---- recovery ------------------------------------------------------------------------------ */

static const struct gen recovery_gen = {20261126UL, 2000, 600, 2000, 2000, 2000, 2, -1};

START_TEST(recovers_ce)
{
    /*
     * Tolerances: 3 standard errors of each estimate, from the simulated design itself.
     * OLS: Cov(b) = sigma^2 (X'X)^-1 with X = (1, ln(WBC/20), Hct - 30), so b0 is ln CE at the
     * true references and its SE is read off the same matrix; SE of sigma-hat about
     * sigma / sqrt(2 (n - 3)) (normal errors). With 2000 sessions: SE(ln median) ~ 0.008,
     * SE(WBC slope) ~ 0.011, SE(Hct slope) ~ 0.0015, SE(sigma) ~ 0.0055.
     */
    static struct truth t;
    pbsc_history *h = simulate(&recovery_gen, &t);
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    pbsc_model_params p;
    pbsc_ce_model ce;
    double xtx[3][3] = {{0}}, inv[3][3];
    size_t i;

    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    pbsc_model_params_init(&p);
    ck_assert_int_eq(pbsc_model_get(m, &p), PBSC_OK);
    for (i = 0; i < recovery_gen.sessions; i++) {
        double v[3] = {1.0, log(t.row[i].wbc / WBC_REF), t.row[i].hct - HCT_REF};
        accumulate(xtx, v, 1.0);
    }
    inverse3(xtx, inv);
    ck_assert_uint_eq(rep.sessions, 2000);
    /* the median at the true references, from the fitted model's own CE function */
    ck_assert_int_eq(pbsc_model_ce(m, WBC_REF, HCT_REF, &ce, NULL), PBSC_OK);
    ck_assert(fabs(log(ce.median / CE_MEDIAN)) <= 3.0 * CE_SIGMA * sqrt(inv[0][0]));
    ck_assert(fabs(rep.ce_wbc_slope - WBC_SLOPE) <= 3.0 * CE_SIGMA * sqrt(inv[1][1]));
    ck_assert(fabs(rep.ce_hct_slope - HCT_SLOPE) <= 3.0 * CE_SIGMA * sqrt(inv[2][2]));
    ck_assert(fabs(rep.ce_sigma - CE_SIGMA) <= 3.0 * CE_SIGMA / sqrt(2.0 * (2000.0 - 3.0)));
    /* the report and the model agree; the references are the sessions' (geometric) means */
    ck_assert(rep.ce_median == p.ce.median && rep.ce_sigma == p.ce.sigma);
    ck_assert(rep.ce_wbc_slope == p.ce_wbc_slope && rep.ce_hct_slope == p.ce_hct_slope);
    ck_assert(p.ce_wbc_ref > 15.0 && p.ce_wbc_ref < 20.0); /* e^mean ln U(ln 5, ln 60) = 17.3 */
    ck_assert(p.ce_hct_ref > 30.0 && p.ce_hct_ref < 32.0); /* mean of U(22, 40) = 31 */
    ck_assert_str_eq(p.ce.id, "site");
    ck_assert_str_eq(p.ce.device, "fitted");
    ck_assert_str_eq(p.ce.setting, "site history");
    ck_assert_str_eq(p.ce.source, "pbsc_calibrate: 2000 sessions, ln CE on ln WBC and Hct; "
                                  "slopes on ln count and volume");
    /* the truth is proportional (b 1) with CE independent of the volume (s 0): 3 SE each,
     * SE = sigma / sqrt(sum (x - mean)^2), the regressors independent by construction; ln
     * cd34 ~ N(ln 30, 0.5^2) and ln V of U(8, 25) (SD 0.32) over 2000: SE 0.016 and 0.025 */
    ck_assert_msg(fabs(p.count_slope - 1.0) <= 3.0 * CE_SIGMA / (0.5 * sqrt(2000.0)),
                  "count slope %g", p.count_slope);
    ck_assert(p.count_slope_donor == p.count_slope); /* one slope for the history */
    ck_assert_msg(fabs(p.ce_volume_slope) <= 3.0 * CE_SIGMA / (0.32 * sqrt(2000.0)),
                  "volume slope %g", p.ce_volume_slope);
    ck_assert(p.ce_volume_ref > 14.0 && p.ce_volume_ref < 17.0); /* e^mean ln U(8, 25) = 15.3 */
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

START_TEST(recovers_ratio)
{
    /* ln(next / cd34) ~ N(ln 0.7, 0.3^2) on 2000 sessions: SE of the mean 0.3 / sqrt(2000)
     * = 0.0067, of the SD 0.3 / sqrt(2 x 1999) = 0.0047; 3 SE each. */
    pbsc_history *h = simulate(&recovery_gen, NULL);
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    pbsc_model_params p;

    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    pbsc_model_params_init(&p);
    ck_assert_int_eq(pbsc_model_get(m, &p), PBSC_OK);
    ck_assert_uint_eq(rep.ratio_sessions, 2000);
    ck_assert(fabs(log(rep.apheresis_ratio / RATIO)) <= 3.0 * RATIO_SIGMA / sqrt(2000.0));
    ck_assert(fabs(rep.apheresis_sigma - RATIO_SIGMA) <= 3.0 * RATIO_SIGMA / sqrt(2.0 * 1999.0));
    ck_assert(p.apheresis_ratio == rep.apheresis_ratio);
    ck_assert(p.apheresis_sigma == rep.apheresis_sigma);
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

START_TEST(recovers_risk)
{
    /*
     * The logistic coefficients on the recorded scale (age, plt): true b_age = 0.8 / 10,
     * b_plt = -0.5 / 60, intercept -1 - 0.08 x 55 + 0.5 / 60 x 200. Tolerance 3 SE, the SEs
     * from the inverse of the expected information sum p(1 - p) x x' over the 600 simulated
     * patients at the true p (here 0.67 for the intercept, 0.011 for age, 0.0017 for plt).
     */
    static struct truth t;
    pbsc_history *h = simulate(&recovery_gen, &t);
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    double info[3][3] = {{0}}, inv[3][3], b[3], mean[3], scale[3], want[3], auc_true, brier = 0.0;
    size_t i, events = 0;

    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    for (i = 0; i < 600; i++) {
        double x[3] = {1.0, AGE_MEAN + AGE_SD * t.z1[i], PLT_MEAN + PLT_SD * t.z2[i]};
        accumulate(info, x, t.p[i] * (1.0 - t.p[i]));
        events += (size_t)t.poor[i];
        brier += (t.p[i] - t.poor[i]) * (t.p[i] - t.poor[i]);
    }
    inverse3(info, inv);
    ck_assert_uint_eq(rep.patients, 600);
    ck_assert_uint_eq(rep.events, events);
    ck_assert_uint_eq(pbsc_model_covariates(m), 3);
    for (i = 0; i < 3; i++)
        ck_assert_str_eq(pbsc_model_covariate(m, i, &b[i], &mean[i], &scale[i]),
                         i == 0 ? "intercept" : names[i - 1]);
    ck_assert(mean[0] == 0.0 && scale[0] == 1.0);
    want[1] = B1 / AGE_SD;
    want[2] = B2 / PLT_SD;
    want[0] = B0 - want[1] * AGE_MEAN - want[2] * PLT_MEAN;
    {
        /* unstandardize: b_i / scale_i, and the intercept b0 - sum b_i mean_i / scale_i */
        double got[3] = {b[0] - b[1] * mean[1] / scale[1] - b[2] * mean[2] / scale[2],
                         b[1] / scale[1], b[2] / scale[2]};
        for (i = 0; i < 3; i++)
            ck_assert_msg(fabs(got[i] - want[i]) <= 3.0 * sqrt(inv[i][i]),
                          "term %zu: %g, want %g +/- %g", i, got[i], want[i],
                          3.0 * sqrt(inv[i][i]));
    }
    /* Cross-validated AUC near the true model's on the same patients: the two rank nearly the
     * same patients (the fitted coefficients are within ~0.1 of the truth), so their AUCs
     * differ by much less than the AUC's own SE (~0.02 with 600 patients): 0.03. The CV Brier
     * score likewise within 0.01 of the true model's. */
    auc_true = auc_pairs(t.p, t.poor, 600);
    ck_assert_msg(fabs(rep.auc_cv - auc_true) <= 0.03, "auc_cv %g, true model %g", rep.auc_cv,
                  auc_true);
    ck_assert_msg(fabs(rep.brier_cv - brier / 600.0) <= 0.01, "brier_cv %g, true model %g",
                  rep.brier_cv, brier / 600.0);
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

START_TEST(coverage_is_honest)
{
    /*
     * coverage_cv is the share of held-out yields inside the 90% interval that
     * pbsc_yield_project() gives them, and that interval adds the pre-count's counting error
     * (1/N) to the CE spread. The simulation has no counting error, so the interval is a
     * little wide on purpose: its expected coverage is the mean over sessions of
     * P(|N(0, 0.35^2)| <= z sigma_i) = 2 Phi(z sigma_i / 0.35) - 1, sigma_i the projection's.
     * The observed share lies within 3 binomial SE (sqrt(0.9 x 0.1 / 2000) = 0.0067) of it,
     * and within the brief's 0.90 +/- 0.03.
     */
    static struct truth t;
    pbsc_history *h = simulate(&recovery_gen, &t);
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    double expected = 0.0, z = gsl_cdf_ugaussian_Qinv(0.05);
    size_t i;

    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    for (i = 0; i < recovery_gen.sessions; i++) {
        const pbsc_history_row *r = &t.row[i];
        pbsc_session s;
        pbsc_projection pr;
        pbsc_ce_model ce;

        pbsc_session_init(&s);
        s.cd34 = r->cd34;
        /* sigma does not depend on the volume; a recorded volume may exceed 5.3 x a blood
         * volume from weight alone, which pbsc_yield_project refuses as a plan */
        s.tbv_multiple = 1.0;
        s.weight_kg = r->weight_kg;
        s.recipient_kg = r->recipient_kg;
        s.wbc = r->wbc;
        ck_assert_int_eq(pbsc_model_ce(m, r->wbc, r->hct, &ce, NULL), PBSC_OK);
        ck_assert_int_eq(pbsc_yield_project(&s, &ce, 0.90, NAN, &pr, NULL), PBSC_OK);
        expected += 2.0 * gsl_cdf_ugaussian_P(z * pr.sigma / CE_SIGMA) - 1.0;
    }
    expected /= (double)recovery_gen.sessions;
    ck_assert_msg(fabs(rep.coverage_cv - expected) <= 3.0 * sqrt(0.09 / 2000.0),
                  "coverage_cv %g, expected %g", rep.coverage_cv, expected);
    ck_assert_msg(fabs(rep.coverage_cv - 0.90) <= 0.03, "coverage_cv %g", rep.coverage_cv);
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

/*
 * A site history from a world written here, apart from the library's model: each session's
 * true PB CD34 log-normal (median 25/uL, SD of ln 0.8), counted as a Poisson number of CD34+
 * events in the blood the ISHAGE protocol reads (75,000 CD45+ events at the session's WBC,
 * log-uniform 5-60 x10^9/L: 75 / WBC uL, at most 100), the yield of the TRUE count
 * 0.45 x 19 x (C / 19)^0.8 x V x (V / 15)^-0.2 / kg, ln CE spread 0.35, V uniform 8-25 L,
 * 70-110 kg.
 * pbsc_calibrate() fits it (3,000 sessions), and the intervals pbsc_yield_project() gives
 * 20,000 new sessions of the same world, from their measured counts, must hold their
 * nominal share within 2 points at 50, 80 and 90% (binomial SE at most 0.35 points).
 */
struct world {
    double cd34, wbc, litres, kg, collected;
};

static void
world_session(gsl_rng *r, struct world *w)
{
    double truth, counted, events;

    do {
        truth = 25.0 * exp(gsl_ran_gaussian(r, 0.8));
        w->wbc = exp(log(5.0) + gsl_rng_uniform(r) * log(12.0));
        counted = fmin(75.0 / w->wbc, 100.0);
        events = (double)gsl_ran_poisson(r, truth * counted);
    } while (events == 0.0); /* a count of 0 has no yield to fit */
    w->cd34 = events / counted;
    w->litres = 8.0 + 17.0 * gsl_rng_uniform(r);
    w->kg = 70.0 + 40.0 * gsl_rng_uniform(r); /* 25 L is at most 5.1 x a 70 kg blood volume */
    w->collected = 0.45 * exp(gsl_ran_gaussian(r, 0.35)) * 19.0 * pow(truth / 19.0, 0.8) *
                   w->litres * pow(w->litres / 15.0, -0.2) / w->kg;
}

START_TEST(site_history_coverage)
{
    static const double levels[] = {0.5, 0.8, 0.9};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    pbsc_history *h = NULL;
    pbsc_model *m = NULL;
    pbsc_model_params p;
    pbsc_fit_report rep;
    size_t inside[3] = {0, 0, 0}, i, l;
    const size_t fresh = 20000;

    gsl_rng_set(r, 20261206);
    ck_assert_int_eq(pbsc_history_new(NULL, 0, &h, NULL), PBSC_OK);
    for (i = 0; i < 3000; i++) {
        struct world w;
        pbsc_history_row row;
        world_session(r, &w);
        pbsc_history_row_init(&row);
        row.cd34 = w.cd34;
        row.wbc = w.wbc;
        row.processed_l = w.litres;
        row.weight_kg = w.kg;
        row.collected = w.collected;
        ck_assert_int_eq(pbsc_history_add(h, &row, NULL, NULL), PBSC_OK);
    }
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    pbsc_model_params_init(&p);
    ck_assert_int_eq(pbsc_model_get(m, &p), PBSC_OK);
    /* the slopes are found (SE about 0.35 / (0.8 sqrt(3000)) = 0.008 for b, 0.02 for s; the
     * counting error attenuates b a little) */
    ck_assert_msg(fabs(p.count_slope - 0.8) <= 0.05, "count slope %g", p.count_slope);
    ck_assert_msg(fabs(p.ce_volume_slope + 0.2) <= 0.08, "volume slope %g", p.ce_volume_slope);
    ck_assert_uint_eq(info_of(m).fitted_parts & (PBSC_PART_COUNT_SLOPE | PBSC_PART_CE_VOLUME),
                      PBSC_PART_COUNT_SLOPE | PBSC_PART_CE_VOLUME);
    for (i = 0; i < fresh; i++) {
        struct world w;
        pbsc_session s;
        pbsc_ce_model ce;
        world_session(r, &w);
        pbsc_session_init(&s);
        s.cd34 = w.cd34;
        s.wbc = w.wbc;
        s.weight_kg = w.kg;
        s.volume_l = w.litres;
        s.count_ref = p.count_ref;
        s.count_slope = p.count_slope;
        s.volume_ref = p.ce_volume_ref;
        s.volume_slope = p.ce_volume_slope;
        ck_assert_int_eq(pbsc_model_ce(m, w.wbc, NAN, &ce, NULL), PBSC_OK);
        for (l = 0; l < NROWS(levels); l++) {
            pbsc_projection pr;
            ck_assert_int_eq(pbsc_yield_project(&s, &ce, levels[l], NAN, &pr, NULL), PBSC_OK);
            inside[l] += pr.lower <= w.collected && w.collected <= pr.upper;
        }
    }
    for (l = 0; l < NROWS(levels); l++) {
        double share = (double)inside[l] / (double)fresh;
        ck_assert_msg(fabs(share - levels[l]) <= 0.02, "level %g: %.4f", levels[l], share);
    }
    gsl_rng_free(r);
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

/* ---- the fitted model: round trip, its risk, determinism ------------------------------------ */

static char *
format_model(const pbsc_model *m)
{
    size_t need = 0;
    char *text;

    ck_assert_int_eq(pbsc_model_format(m, NULL, 0, &need), PBSC_OK);
    text = malloc(need);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(pbsc_model_format(m, text, need, NULL), PBSC_OK);
    return text;
}

START_TEST(round_trip)
{
    pbsc_history *h = simulate(&recovery_gen, NULL);
    pbsc_model *m = NULL, *back = NULL;
    pbsc_fit_report rep;
    char *text, *again;
    const double x[2] = {67.0, 150.0};
    double mine, b, mean, scale, p1 = 0.0, p2 = 0.0;
    size_t i;

    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    text = format_model(m);
    ck_assert_int_eq(pbsc_model_parse(text, strlen(text), &back, NULL), PBSC_OK);
    again = format_model(back);
    ck_assert_str_eq(text, again);
    /* every part fitted, nothing floored, nothing to say */
    ck_assert_uint_eq(info_of(m).fitted_parts, PBSC_PART_CE | PBSC_PART_APHERESIS |
                                                   PBSC_PART_RISK | PBSC_PART_COUNT_SLOPE |
                                                   PBSC_PART_CE_VOLUME);
    ck_assert_uint_eq(info_of(back).fitted_parts, info_of(m).fitted_parts);
    ck_assert_uint_eq(info_of(m).floored, 0);
    ck_assert_str_eq(info_of(m).ce_note, "");
    ck_assert_str_eq(info_of(m).apheresis_note, "");
    ck_assert_str_eq(info_of(m).risk_note, "");
    ck_assert_ptr_nonnull(strstr(text, "\nfitted = yes\nfitted_parts = ce apheresis risk "
                                       "count_slope ce_volume\nce_id"));
    /* the risk, by the documented formula from the model's own terms */
    pbsc_model_covariate(back, 0, &mine, NULL, NULL);
    for (i = 1; i < pbsc_model_covariates(back); i++) {
        pbsc_model_covariate(back, i, &b, &mean, &scale);
        mine += b * (x[i - 1] - mean) / scale;
    }
    mine = 1.0 / (1.0 + exp(-mine));
    ck_assert_int_eq(pbsc_model_risk(m, x, 2, &p1, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_model_risk(back, x, 2, &p2, NULL), PBSC_OK);
    ck_assert_rel(p1, mine, 1e-12);
    ck_assert(p1 == p2);
    free(text);
    free(again);
    pbsc_model_free(m);
    pbsc_model_free(back);
    pbsc_history_free(h);
}
END_TEST

START_TEST(deterministic)
{
    pbsc_history *h = simulate(&recovery_gen, NULL);
    pbsc_model *m1 = NULL, *m2 = NULL;
    pbsc_fit_report r1, r2;
    char *t1, *t2;

    memset(&r1, 0, sizeof r1);
    memset(&r2, 0, sizeof r2);
    ck_assert_int_eq(pbsc_calibrate(h, &m1, &r1, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_calibrate(h, &m2, &r2, NULL), PBSC_OK);
    ck_assert(memcmp(&r1, &r2, sizeof r1) == 0);
    t1 = format_model(m1);
    t2 = format_model(m2);
    ck_assert_str_eq(t1, t2);
    free(t1);
    free(t2);
    pbsc_model_free(m1);
    pbsc_model_free(m2);
    pbsc_history_free(h);
}
END_TEST

/* ---- minimums ----------------------------------------------------------------------------- */

/* Calls pbsc_calibrate expecting `want`; on failure, model and report must be untouched. */
static int
calibrate_untouched(const pbsc_history *h, pbsc_fit_report *rep, pbsc_model **m, pbsc_diag *diag)
{
    static pbsc_model *const sentinel = (pbsc_model *)&sentinel;
    pbsc_fit_report before;
    int rc;

    *m = sentinel;
    memset(rep, 0xA5, sizeof *rep);
    before = *rep;
    rc = pbsc_calibrate(h, m, rep, diag);
    if (rc != PBSC_OK) {
        ck_assert_ptr_eq(*m, sentinel);
        ck_assert(memcmp(rep, &before, sizeof before) == 0);
    }
    return rc;
}

START_TEST(ce_needs_30_sessions)
{
    struct gen g = {1, 29, 29, 0, 0, 0, 0, 0};
    pbsc_history *h = simulate(&g, NULL);
    pbsc_model *m;
    pbsc_fit_report rep;
    pbsc_diag diag;

    ck_assert_fails(calibrate_untouched(h, &rep, &m, &diag), PBSC_E_TOOFEW, "history");
    ck_assert(diag.value == 29.0);
    ck_assert_ptr_nonnull(strstr(diag.text, "30"));
    pbsc_history_free(h);
    g.sessions = g.patients = 30;
    h = simulate(&g, NULL);
    ck_assert_int_eq(calibrate_untouched(h, &rep, &m, &diag), PBSC_OK);
    ck_assert_uint_eq(rep.sessions, 30);
    ck_assert(rep.ce_wbc_slope == 0.0 && rep.ce_hct_slope == 0.0);
    ck_assert(isnan(rep.apheresis_ratio) && isnan(rep.apheresis_sigma));
    ck_assert(isnan(rep.auc_cv) && isnan(rep.brier_cv));
    ck_assert(rep.coverage_cv >= 0.0 && rep.coverage_cv <= 1.0);
    ck_assert_uint_eq(pbsc_model_covariates(m), 0);
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

START_TEST(zero_yields_left_out)
{
    /* 29 sessions with a yield and 10 with collected 0: ln CE of 0 does not exist, so 29 is
     * what counts; one more with a yield is enough, and the source says what was left out. */
    struct gen g = {2, 29, 29, 0, 0, 0, 0, 0};
    pbsc_history *h = simulate(&g, NULL);
    pbsc_history_row r;
    pbsc_model *m;
    pbsc_model_params p;
    pbsc_fit_report rep;
    pbsc_diag diag;
    int i;

    pbsc_history_row_init(&r);
    r.cd34 = 5.0;
    r.processed_l = 12.0;
    r.weight_kg = 70.0;
    r.collected = 0.0;
    for (i = 0; i < 10; i++)
        ck_assert_int_eq(pbsc_history_add(h, &r, NULL, NULL), PBSC_OK);
    ck_assert_fails(calibrate_untouched(h, &rep, &m, &diag), PBSC_E_TOOFEW, "history");
    r.collected = 1.0;
    ck_assert_int_eq(pbsc_history_add(h, &r, NULL, NULL), PBSC_OK);
    ck_assert_int_eq(calibrate_untouched(h, &rep, &m, &diag), PBSC_OK);
    ck_assert_uint_eq(rep.sessions, 30);
    pbsc_model_params_init(&p);
    ck_assert_int_eq(pbsc_model_get(m, &p), PBSC_OK);
    ck_assert_str_eq(p.ce.source, "pbsc_calibrate: 30 sessions, ln CE alone (no WBC or Hct); "
                                  "left out: 10 with collected 0, 0 without the regressors");
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

/* Fits 100 sessions with WBC on the first `wbc` and Hct on the first `hct`; p's strings are
 * the model's, so the CE source is copied to `source` before the model goes. */
static char source[160], ce_note[512];

static void
fit_recorded(size_t wbc, size_t hct, pbsc_fit_report *rep, pbsc_model_params *p)
{
    struct gen g = {3, 100, 100, wbc, hct, 0, 0, 0};
    pbsc_history *h = simulate(&g, NULL);
    pbsc_model *m = NULL;

    ck_assert_int_eq(pbsc_calibrate(h, &m, rep, NULL), PBSC_OK);
    pbsc_model_params_init(p);
    ck_assert_int_eq(pbsc_model_get(m, p), PBSC_OK);
    snprintf(source, sizeof source, "%s", p->ce.source);
    snprintf(ce_note, sizeof ce_note, "%s", info_of(m).ce_note);
    memset(&p->ce, 0, sizeof p->ce);
    pbsc_model_free(m);
    pbsc_history_free(h);
}

START_TEST(regressors_need_10_rows_each)
{
    pbsc_fit_report rep;
    pbsc_model_params p;

    /* WBC on 39 sessions: 30 + 10 are needed for a slope; the fit uses all 100 without it */
    fit_recorded(39, 0, &rep, &p);
    ck_assert_uint_eq(rep.sessions, 100);
    ck_assert(rep.ce_wbc_slope == 0.0 && p.ce_wbc_slope == 0.0 && p.ce_wbc_ref == 20.0);
    ck_assert_str_eq(ce_note, "39 sessions record wbc above 0: a slope needs 40; "
                              "ce_volume_slope not fitted: SE 0.14 > 0.1 (too little spread in "
                              "ln processed_l)");
    fit_recorded(40, 0, &rep, &p);
    /* the count and volume slopes come after: each one more regressor, 10 more rows */
    ck_assert_str_eq(ce_note, "count_slope not fitted: 40 sessions, 50 needed; ce_volume_slope "
                              "not fitted: 40 sessions, 50 needed");
    ck_assert_uint_eq(rep.sessions, 40);
    ck_assert(rep.ce_wbc_slope != 0.0 && rep.ce_wbc_slope == p.ce_wbc_slope);
    ck_assert(rep.ce_hct_slope == 0.0);
    /* both on 49: two slopes need 50; WBC alone is preferred to Hct alone */
    fit_recorded(49, 49, &rep, &p);
    ck_assert_uint_eq(rep.sessions, 49);
    ck_assert(rep.ce_wbc_slope != 0.0 && rep.ce_hct_slope == 0.0);
    ck_assert_str_eq(ce_note,
                     "49 sessions record both wbc and hct: two slopes need 50; ln WBC kept; "
                     "count_slope not fitted: 49 sessions, 50 needed; ce_volume_slope not "
                     "fitted: 49 sessions, 50 needed");
    fit_recorded(50, 50, &rep, &p);
    ck_assert_uint_eq(rep.sessions, 50);
    ck_assert(rep.ce_wbc_slope != 0.0 && rep.ce_hct_slope != 0.0);
    ck_assert_str_eq(source, "pbsc_calibrate: 50 sessions, ln CE on ln WBC and Hct; left out: 0 "
                             "with collected 0, 50 without the regressors");
    /* Hct alone */
    fit_recorded(0, 40, &rep, &p);
    ck_assert_uint_eq(rep.sessions, 40);
    ck_assert(rep.ce_wbc_slope == 0.0 && rep.ce_hct_slope != 0.0);
    fit_recorded(0, 39, &rep, &p);
    ck_assert(rep.ce_hct_slope == 0.0 && p.ce_hct_ref == 35.0);
    ck_assert_str_eq(ce_note, "39 sessions record hct: a slope needs 40; ce_volume_slope not "
                              "fitted: SE 0.14 > 0.1 (too little spread in ln processed_l)");
}
END_TEST

/* 60 sessions whose WBC and Hct come from wbc_of(i) and hct_of(i). */
static pbsc_history *
degenerate(double (*wbc_of)(int), double (*hct_of)(int))
{
    pbsc_history *h = NULL;
    int i;

    ck_assert_int_eq(pbsc_history_new(NULL, 0, &h, NULL), PBSC_OK);
    for (i = 0; i < 60; i++) {
        pbsc_history_row r;
        pbsc_history_row_init(&r);
        r.cd34 = 20.0 + i % 7;
        r.processed_l = 15.0;
        r.weight_kg = 70.0;
        r.collected = r.cd34 * 15.0 * 0.5 * exp(0.3 * sin(i)) / 70.0;
        r.wbc = wbc_of(i);
        r.hct = hct_of(i);
        ck_assert_int_eq(pbsc_history_add(h, &r, NULL, NULL), PBSC_OK);
    }
    return h;
}

static double
wbc_constant(int i)
{
    (void)i;
    return 20.0;
}

static double
wbc_varying(int i)
{
    return 5.0 + i;
}

static double
hct_of_wbc(int i)
{
    return 10.0 * log(wbc_varying(i)) - 5.0; /* exactly collinear with ln WBC */
}

static double
hct_varying(int i)
{
    return 25.0 + (i * 7) % 13;
}

static double
wbc_zero(int i)
{
    return i < 30 ? 0.0 : 5.0 + i;
}

/* a constant WBC, a count of 60 sessions too narrow for a slope, one volume */
#define WBC_CONSTANT_NOTE                                                                          \
    "wbc takes one value (20) in all 60 sessions: no slope; count_slope not fitted: SE 0.32 > "    \
    "0.1 (too little spread in ln cd34); ce_volume_slope not fitted: ln processed_l has no "      \
    "spread of its own"

START_TEST(degenerate_regressors_dropped)
{
    pbsc_history *h;
    pbsc_model *m = NULL;
    pbsc_fit_report rep;

    /* a constant WBC cannot have a slope: dropped, Hct kept */
    h = degenerate(wbc_constant, hct_varying);
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert(rep.ce_wbc_slope == 0.0 && rep.ce_hct_slope != 0.0);
    ck_assert_uint_eq(rep.sessions, 60);
    ck_assert_str_eq(info_of(m).ce_note, WBC_CONSTANT_NOTE);
    pbsc_model_free(m);
    pbsc_history_free(h);
    /* Hct a function of ln WBC: WBC kept, Hct dropped */
    h = degenerate(wbc_varying, hct_of_wbc);
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert(rep.ce_wbc_slope != 0.0 && rep.ce_hct_slope == 0.0);
    ck_assert_str_eq(info_of(m).ce_note,
                     "hct is collinear with ln wbc over the 60 sessions that record both: ln WBC "
                     "kept; count_slope not fitted: SE 0.32 > 0.1 (too little spread in ln "
                     "cd34); ce_volume_slope not fitted: ln processed_l has no spread of its own");
    pbsc_model_free(m);
    pbsc_history_free(h);
    /* both constant */
    h = degenerate(wbc_constant, wbc_constant);
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert(rep.ce_wbc_slope == 0.0 && rep.ce_hct_slope == 0.0);
    ck_assert_str_eq(info_of(m).ce_note,
                     "wbc takes one value (20) in all 60 sessions: no slope; hct takes one value "
                     "(20) in all 60 sessions: no slope; count_slope not fitted: SE 0.32 > 0.1 "
                     "(too little spread in ln cd34); ce_volume_slope not fitted: ln processed_l "
                     "has no spread of its own");
    pbsc_model_free(m);
    pbsc_history_free(h);
    /* a WBC of 0 has no log: those sessions count as without WBC (30 left: too few) */
    h = degenerate(wbc_zero, hct_varying);
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert(rep.ce_wbc_slope == 0.0 && rep.ce_hct_slope != 0.0);
    ck_assert_uint_eq(rep.sessions, 60);
    ck_assert_str_eq(info_of(m).ce_note,
                     "30 sessions record wbc above 0: a slope needs 40; count_slope not fitted: "
                     "SE 0.32 > 0.1 (too little spread in ln cd34); ce_volume_slope not fitted: "
                     "ln processed_l has no spread of its own");
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

START_TEST(ratio_needs_20_sessions)
{
    struct gen g = {4, 40, 40, 0, 0, 19, 0, 0};
    pbsc_history *h = simulate(&g, NULL);
    pbsc_history_row r;
    pbsc_model *m = NULL;
    pbsc_model_params p;
    pbsc_fit_report rep;

    /* a next-morning count of 0 has no log: it does not count */
    pbsc_history_row_init(&r);
    r.cd34 = 20.0;
    r.processed_l = 15.0;
    r.weight_kg = 70.0;
    r.collected = 2.0;
    r.next_cd34 = 0.0;
    ck_assert_int_eq(pbsc_history_add(h, &r, NULL, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert_uint_eq(rep.ratio_sessions, 19);
    ck_assert(isnan(rep.apheresis_ratio) && isnan(rep.apheresis_sigma));
    ck_assert_uint_eq(info_of(m).fitted_parts & PBSC_PART_APHERESIS, 0);
    ck_assert_str_eq(info_of(m).apheresis_note, "19 sessions with next_cd34: the ratio needs 20");
    pbsc_model_params_init(&p);
    ck_assert_int_eq(pbsc_model_get(m, &p), PBSC_OK);
    ck_assert(p.apheresis_ratio == 0.7 && p.apheresis_sigma == 0.5); /* the defaults */
    pbsc_model_free(m);
    pbsc_history_free(h);
    g.next = 20;
    h = simulate(&g, NULL);
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert_uint_eq(rep.ratio_sessions, 20);
    pbsc_model_params_init(&p);
    ck_assert_int_eq(pbsc_model_get(m, &p), PBSC_OK);
    ck_assert(p.apheresis_ratio == rep.apheresis_ratio && rep.apheresis_ratio != 0.7);
    ck_assert(rep.apheresis_sigma > 0.1 && rep.apheresis_sigma < 0.6);
    ck_assert_uint_eq(info_of(m).fitted_parts & ~PBSC_PART_COUNT_SLOPE,
                      PBSC_PART_CE | PBSC_PART_APHERESIS);
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

START_TEST(risk_needs_10_events_per_covariate)
{
    /* 2 covariates: 20 in the smaller class. 19 poor of 100 patients: no risk model; 20:
     * one; and by symmetry 19 not poor of 100 (81 poor): none. */
    struct gen g = {5, 100, 100, 0, 0, 0, 2, 19};
    pbsc_history *h = simulate(&g, NULL);
    pbsc_model *m = NULL;
    pbsc_fit_report rep;

    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert_uint_eq(rep.patients, 100);
    ck_assert_uint_eq(rep.events, 19);
    ck_assert(isnan(rep.auc_cv) && isnan(rep.brier_cv));
    ck_assert_uint_eq(pbsc_model_covariates(m), 0);
    ck_assert_str_eq(info_of(m).risk_note, "19 poor and 81 not poor: 2 covariates need 20 of each");
    pbsc_model_free(m);
    pbsc_history_free(h);
    g.events = 20;
    h = simulate(&g, NULL);
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert_uint_eq(rep.events, 20);
    ck_assert_uint_eq(pbsc_model_covariates(m), 3);
    ck_assert_uint_eq(info_of(m).fitted_parts & PBSC_PART_RISK, PBSC_PART_RISK);
    ck_assert_str_eq(info_of(m).risk_note, "");
    ck_assert(rep.auc_cv >= 0.0 && rep.auc_cv <= 1.0);
    ck_assert(rep.brier_cv > 0.0 && rep.brier_cv < 0.25);
    pbsc_model_free(m);
    pbsc_history_free(h);
    g.events = 81;
    h = simulate(&g, NULL);
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert_uint_eq(pbsc_model_covariates(m), 0);
    ck_assert_str_eq(info_of(m).risk_note, "81 poor and 19 not poor: 2 covariates need 20 of each");
    pbsc_model_free(m);
    pbsc_history_free(h);
    /* no covariates: no risk model, but the patients and events are counted */
    g.k = 0;
    g.events = 50;
    h = simulate(&g, NULL);
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert_uint_eq(rep.patients, 100);
    ck_assert_uint_eq(rep.events, 50);
    ck_assert_uint_eq(pbsc_model_covariates(m), 0);
    ck_assert_str_eq(info_of(m).risk_note, "the history has no covariates");
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

/* A row for the patient-selection tests: only patient, poor and the covariate matter. */
static void
add_patient_row(pbsc_history *h, long patient, int poor, double x)
{
    pbsc_history_row r;

    pbsc_history_row_init(&r);
    r.patient = patient;
    r.cd34 = 20.0;
    r.processed_l = 15.0;
    r.weight_kg = 70.0;
    r.collected = 2.0;
    r.poor = poor;
    ck_assert_int_eq(pbsc_history_add(h, &r, &x, NULL), PBSC_OK);
}

START_TEST(one_observation_per_patient)
{
    static const char *const one[] = {"age"};
    pbsc_history *h = NULL;
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    int i;

    ck_assert_int_eq(pbsc_history_new(one, 1, &h, NULL), PBSC_OK);
    /* patient 7: outcome first unrecorded, then poor, then (inconsistently) not poor: the
     * first recorded row counts, once */
    add_patient_row(h, 7, -1, 50.0);
    add_patient_row(h, 7, 1, 50.0);
    add_patient_row(h, 7, 0, 50.0);
    /* patient -1 rows: each its own patient */
    add_patient_row(h, -1, 1, 60.0);
    add_patient_row(h, -1, 1, 61.0);
    /* patient 8: a missing covariate leaves it out */
    add_patient_row(h, 8, 1, NAN);
    /* patient 9: no outcome at all */
    add_patient_row(h, 9, -1, 40.0);
    /* 30 patients of 1 row each, so that CE has its 30 sessions: 1 poor */
    for (i = 0; i < 30; i++)
        add_patient_row(h, 100 + i, i == 0, 40.0 + i);
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert_uint_eq(rep.patients, 33); /* 7, the two -1 rows, 100..129 */
    ck_assert_uint_eq(rep.events, 4);
    ck_assert_uint_eq(pbsc_model_covariates(m), 0); /* 4 events < 10 */
    ck_assert_str_eq(info_of(m).risk_note, "4 poor and 29 not poor: 1 covariate needs 10 of each");
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

/* 200 patients, one session each, covariates from x_of(i, j), poor from poor_of(i). */
static pbsc_history *
risk_history(double (*x_of)(int, int), int (*poor_of)(int))
{
    static const char *const two[] = {"lines", "plt"};
    pbsc_history *h = NULL;
    int i;

    ck_assert_int_eq(pbsc_history_new(two, 2, &h, NULL), PBSC_OK);
    for (i = 0; i < 200; i++) {
        pbsc_history_row r;
        double x[2] = {x_of(i, 0), x_of(i, 1)};
        pbsc_history_row_init(&r);
        r.patient = i;
        r.cd34 = 20.0 + i % 9;
        r.processed_l = 15.0;
        r.weight_kg = 70.0;
        r.collected = r.cd34 * 15.0 * 0.5 * exp(0.3 * sin(i)) / 70.0;
        r.poor = poor_of(i);
        ck_assert_int_eq(pbsc_history_add(h, &r, x, NULL), PBSC_OK);
    }
    return h;
}

static int
poor_third(int i)
{
    return i % 3 == 0;
}

static double
x_plain(int i, int j)
{
    return j == 0 ? (double)(i % 4) : 150.0 + (i * 37) % 101;
}

static double
x_constant_lines(int i, int j)
{
    return j == 0 ? 2.0 : x_plain(i, j);
}

/* plt in platelets per litre, not x10^9/L: an SD of ~1e11 that no model file can hold */
static double
x_huge_units(int i, int j)
{
    return j == 1 ? x_plain(i, j) * 1e9 : x_plain(i, j);
}

static double
x_collinear(int i, int j)
{
    return j == 0 ? (double)(i % 4) : 100.0 - 20.0 * (i % 4);
}

static double
x_separating(int i, int j)
{
    /* poor patients (i % 3 == 0) all have plt < 100, the others all > 150 */
    return j == 0 ? (double)(i % 4) : i % 3 == 0 ? 50.0 + i % 40 : 160.0 + i % 50;
}

static double
x_far_apart(int i, int j)
{
    /* two tight clusters far apart: the likelihood flattens (to 1e-10) before any coefficient
     * reaches 30, so only the still-long Newton step shows the divergence */
    return j == 0 ? (double)(i % 4) : i % 3 == 0 ? 10.0 + 0.01 * (i % 7) : 1000.0 + 0.01 * (i % 5);
}

static double
x_quasi(int i, int j)
{
    /* quasi-complete separation: poor patients have 2 or 3 lines, the others 0, 1 or 2 (the
     * classes meet only at 2) */
    if (j == 1)
        return x_plain(i, j);
    return i % 3 == 0 ? 2.0 + (i / 3) % 2 : (double)((i / 3) % 3);
}

/* 40 sessions of CE e^(ln median + spread x (+1, -1, ...)), WBC-free. */
static pbsc_history *
ce_history(double median, double spread)
{
    pbsc_history *h = NULL;
    int i;

    ck_assert_int_eq(pbsc_history_new(NULL, 0, &h, NULL), PBSC_OK);
    for (i = 0; i < 40; i++) {
        pbsc_history_row r;
        pbsc_history_row_init(&r);
        r.cd34 = 19.0; /* the reference count: CE2 there is the CE the model keeps */
        r.processed_l = 10.0;
        r.weight_kg = 190.0;
        r.collected = median * exp(i % 2 ? spread : -spread);
        ck_assert_int_eq(pbsc_history_add(h, &r, NULL, NULL), PBSC_OK);
    }
    return h;
}

START_TEST(ce_out_of_range)
{
    pbsc_history *h;
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    pbsc_diag diag;

    /* cd34 19 x 10 L / 190 kg = 1 x10^6/kg at CE 1: CE 1.5 is the limit, 1.6 is over (a spread
     * above the floor, 0.4, whose mean of logs rounds back to 1.5 exactly: the sigma is the
     * fitted one) */
    h = ce_history(1.5, 0.4);
    ck_assert_int_eq(calibrate_untouched(h, &rep, &m, &diag), PBSC_OK);
    ck_assert_rel(rep.ce_median, 1.5, 1e-12);
    ck_assert_rel(rep.ce_sigma, 0.4 * sqrt(40.0 / 39.0), 1e-9);
    pbsc_model_free(m);
    pbsc_history_free(h);
    h = ce_history(1.6, 0.1);
    ck_assert_fails(calibrate_untouched(h, &rep, &m, &diag), PBSC_E_RANGE, "ce_median");
    ck_assert_rel(diag.value, 1.6, 1e-12);
    pbsc_history_free(h);
    /* residual SD 2.1 x sqrt(40/39) > 2 */
    h = ce_history(0.05, 2.1);
    ck_assert_fails(calibrate_untouched(h, &rep, &m, &diag), PBSC_E_RANGE, "ce_sigma");
    pbsc_history_free(h);
}
END_TEST

/* ---- what a fit could not do, said ------------------------------------------------------ */

/* A risk fit that fails still returns the CE and the ratio: the call succeeds (its diagnostic
 * untouched), the model has no risk model and its note says which covariate and why, and the
 * CE is the one the same history gives when its risk model can be fitted. */
static void
risk_fails(double (*x_of)(int, int), const char *name, const char *why)
{
    pbsc_history *h = risk_history(x_plain, poor_third);
    pbsc_model *m = NULL;
    pbsc_fit_report rep, plain;
    pbsc_model_info info;
    pbsc_diag diag;

    ck_assert_int_eq(pbsc_calibrate(h, &m, &plain, NULL), PBSC_OK);
    ck_assert_uint_eq(pbsc_model_covariates(m), 3);
    pbsc_model_free(m);
    pbsc_history_free(h);
    h = risk_history(x_of, poor_third);
    pbsc_diag_clear(&diag);
    ck_assert_int_eq(calibrate_untouched(h, &rep, &m, &diag), PBSC_OK);
    ck_assert_int_eq(diag.status, PBSC_OK);
    ck_assert_str_eq(diag.text, "");
    info = info_of(m);
    ck_assert_uint_eq(pbsc_model_covariates(m), 0);
    ck_assert_uint_eq(info.fitted_parts, PBSC_PART_CE);
    ck_assert_note(info.risk_note, name);
    ck_assert_note(info.risk_note, why);
    ck_assert(isnan(rep.auc_cv) && isnan(rep.brier_cv));
    ck_assert_uint_eq(rep.patients, 200);
    ck_assert(rep.sessions == plain.sessions && rep.ce_median == plain.ce_median &&
              rep.ce_sigma == plain.ce_sigma && rep.coverage_cv == plain.coverage_cv);
    pbsc_model_free(m);
    pbsc_history_free(h);
}

START_TEST(risk_failure_keeps_ce)
{
    /* a covariate with one value cannot be fitted */
    risk_fails(x_constant_lines, "lines takes one value (2) in all 200 patients", "");
    /* plt a linear function of lines */
    risk_fails(x_collinear, "plt", "linear combination");
    /* plt separates poor from not poor: the coefficients diverge */
    risk_fails(x_separating, "plt", "separate");
    risk_fails(x_far_apart, "plt", "separate");
    /* quasi-complete separation by lines */
    risk_fails(x_quasi, "lines", "separate");
    /* a scale a model file refuses (above 1e6) is not written */
    risk_fails(x_huge_units, "plt", "above 1e6");
}
END_TEST

static int
poor_none(int i)
{
    (void)i;
    return 0;
}

static int
poor_all(int i)
{
    (void)i;
    return 1;
}

START_TEST(constant_outcome_named)
{
    /* every patient not poor, or every patient poor: the outcome takes one value, which is what
     * the note says (not that there are too few events) */
    pbsc_history *h = risk_history(x_plain, poor_none);
    pbsc_model *m = NULL;
    pbsc_fit_report rep;

    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert_uint_eq(pbsc_model_covariates(m), 0);
    ck_assert_str_eq(info_of(m).risk_note, "poor is 0 in all 200 patients: the outcome takes one "
                                           "value");
    pbsc_model_free(m);
    pbsc_history_free(h);
    h = risk_history(x_constant_lines, poor_all);
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert_uint_eq(rep.events, 200);
    ck_assert_str_eq(info_of(m).risk_note,
                     "poor is 1 in all 200 patients: the outcome takes one value; lines takes "
                     "one value (2) in all 200 patients");
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

/* 60 copies of one session, with a covariate: every column takes one value. */
static pbsc_history *
identical_history(void)
{
    static const char *const age[] = {"age"};
    pbsc_history *h = NULL;
    const double x = 50.0;
    int i;

    ck_assert_int_eq(pbsc_history_new(age, 1, &h, NULL), PBSC_OK);
    for (i = 0; i < 60; i++) {
        pbsc_history_row r;
        pbsc_history_row_init(&r);
        r.patient = i;
        r.cd34 = 20.0;
        r.processed_l = 15.0;
        r.weight_kg = 70.0;
        r.collected = 2.0;
        r.wbc = 12.0;
        r.hct = 30.0;
        r.next_cd34 = 14.0;
        r.poor = 0;
        ck_assert_int_eq(pbsc_history_add(h, &r, &x, NULL), PBSC_OK);
    }
    return h;
}

START_TEST(identical_rows)
{
    /*
     * The CE is fitted (its median is the one CE there is, 2 x 70 / (20 x 15)) and its spread
     * cannot be: sigma is raised to its floor, and the note names each column that takes one
     * value instead of blaming the number of rows. The ratio's floor is the counting error of
     * its two counts (lib/yield.c: 75,000 CD45+ events at WBC 12 x10^9/L are 75000 / 12000 =
     * 6.25 uL of blood, so 20/uL is 125 CD34+ events and 14/uL 87.5):
     * sqrt(1/125 + 1/87.5) = 0.13939.
     */
    pbsc_history *h = identical_history();
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    pbsc_model_params p;
    pbsc_model_info info;

    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    info = info_of(m);
    /* CE2 at the reference count: no slope can be fitted to one count, so the default's,
     * 0.466667 x (20/19)^(1 - 0.8595) = 0.470042 */
    ck_assert_rel(rep.ce_median, 2.0 * 70.0 / (20.0 * 15.0) * pow(20.0 / 19.0, 1.0 - 0.8595),
                  1e-12);
    ck_assert_rel(rep.ce_sigma, ce_floor(), 1e-9);
    ck_assert_rel(rep.apheresis_ratio, 0.7, 1e-12);
    ck_assert_rel(rep.apheresis_sigma, sqrt(1.0 / 125.0 + 1.0 / 87.5), 1e-12);
    pbsc_model_params_init(&p);
    ck_assert_int_eq(pbsc_model_get(m, &p), PBSC_OK);
    ck_assert(p.ce.sigma == rep.ce_sigma && p.apheresis_sigma == rep.apheresis_sigma);
    ck_assert_uint_eq(info.fitted_parts, PBSC_PART_CE | PBSC_PART_APHERESIS);
    ck_assert_uint_eq(info.floored, PBSC_PART_CE | PBSC_PART_APHERESIS);
    ck_assert_str_eq(info.ce_note,
                     "wbc takes one value (12) in all 60 sessions: no slope; hct takes one value "
                     "(30) in all 60 sessions: no slope; count_slope not fitted: ln cd34 has no "
                     "spread of its own; ce_volume_slope not fitted: ln processed_l has no "
                     "spread of its own; the CE (collected / expected) is the same in all 60 "
                     "sessions (0.470042): its spread cannot be fitted; sigma 1.01e-15 raised "
                     "to its floor 0.184 (the smallest published spread of ln CE2)");
    ck_assert_str_eq(info.apheresis_note,
                     "next_cd34 / cd34 is the same in all 60 sessions (0.7): its spread cannot be "
                     "fitted; sigma 0 raised to its floor 0.139 (the counting error of the two "
                     "counts)");
    ck_assert_str_eq(info.risk_note, "poor is 0 in all 60 patients: the outcome takes one value; "
                                     "age takes one value (50) in all 60 patients");
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

START_TEST(constant_wbc_named)
{
    /* WBC 20 in every session, Hct varying: the Hct slope is fitted, and the note says why
     * there is no WBC slope (one value), not that 60 sessions are too few */
    pbsc_history *h = degenerate(wbc_constant, hct_varying);
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    pbsc_model_info info;

    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    info = info_of(m);
    ck_assert(rep.ce_wbc_slope == 0.0 && rep.ce_hct_slope != 0.0);
    ck_assert_uint_eq(info.fitted_parts & PBSC_PART_CE, PBSC_PART_CE);
    ck_assert_uint_eq(info.floored, 0);
    ck_assert_str_eq(info.ce_note, WBC_CONSTANT_NOTE);
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

START_TEST(ce_spread_floored)
{
    /* ln CE2 = ln 0.5 +/- 0.1: residual SD 0.1 x sqrt(40/39) = 0.1013, below the floor: raised
     * to it and said; at +/- 0.19 (0.1924) it is above, and kept */
    pbsc_history *h = ce_history(0.5, 0.1);
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    pbsc_model_info info;

    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    info = info_of(m);
    ck_assert_rel(rep.ce_median, 0.5, 1e-12);
    ck_assert_rel(rep.ce_sigma, ce_floor(), 1e-9);
    ck_assert_uint_eq(info.floored, PBSC_PART_CE);
    ck_assert_str_eq(info.ce_note, "count_slope not fitted: ln cd34 has no spread of its own; "
                                   "ce_volume_slope not fitted: ln processed_l has no spread of "
                                   "its own; sigma 0.101 raised to its floor 0.184 (the smallest "
                                   "published spread of ln CE2)");
    ck_assert(rep.coverage_cv >= 0.0 && rep.coverage_cv <= 1.0);
    pbsc_model_free(m);
    pbsc_history_free(h);
    h = ce_history(0.5, 0.19);
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert_rel(rep.ce_sigma, 0.19 * sqrt(40.0 / 39.0), 1e-9);
    ck_assert_uint_eq(info_of(m).floored, 0);
    ck_assert_str_eq(info_of(m).ce_note, "count_slope not fitted: ln cd34 has no spread of its "
                                         "own; ce_volume_slope not fitted: ln processed_l has no "
                                         "spread of its own");
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

/* 40 sessions at PB CD34 20/uL and WBC 12, the next morning's count 16 x e^(+/-spread). */
static pbsc_history *
ratio_history(double cd34, double next, double spread)
{
    pbsc_history *h = NULL;
    int i;

    ck_assert_int_eq(pbsc_history_new(NULL, 0, &h, NULL), PBSC_OK);
    for (i = 0; i < 40; i++) {
        pbsc_history_row r;
        pbsc_history_row_init(&r);
        r.cd34 = cd34;
        r.processed_l = 15.0;
        r.weight_kg = 70.0;
        r.collected = cd34 * 15.0 * 0.5 * exp(0.3 * sin(i)) / 70.0;
        r.wbc = 12.0;
        r.next_cd34 = next * exp(i % 2 ? spread : -spread);
        ck_assert_int_eq(pbsc_history_add(h, &r, NULL, NULL), PBSC_OK);
    }
    return h;
}

START_TEST(ratio_spread_floored)
{
    /* ln(next / 20) = ln 0.8 +/- 0.02: SD 0.02 x sqrt(40/39), below the counting error of the
     * two counts. At WBC 12, 6.25 uL of blood is counted (lib/yield.c), so 20/uL is 125 events
     * and 16 e^(+/-0.02) is 100 e^(+/-0.02): the floor is the root of the mean of
     * 1/125 + 1/(100 e^(+/-0.02)) over the sessions. */
    pbsc_history *h = ratio_history(20.0, 16.0, 0.02);
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    double lowest = sqrt(1.0 / 125.0 + (exp(-0.02) + exp(0.02)) / 200.0);

    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert_rel(rep.apheresis_ratio, 0.8, 1e-12);
    ck_assert_rel(rep.apheresis_sigma, lowest, 1e-12);
    ck_assert_uint_eq(info_of(m).floored & PBSC_PART_APHERESIS, PBSC_PART_APHERESIS);
    ck_assert_str_eq(info_of(m).apheresis_note, "sigma 0.0203 raised to its floor 0.134 (the "
                                                "counting error of the two counts)");
    pbsc_model_free(m);
    pbsc_history_free(h);
    /* a spread of 0.3 is above it: kept */
    h = ratio_history(20.0, 16.0, 0.3);
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    ck_assert_rel(rep.apheresis_sigma, 0.3 * sqrt(40.0 / 39.0), 1e-12);
    ck_assert_uint_eq(info_of(m).floored, 0);
    ck_assert_str_eq(info_of(m).apheresis_note, "");
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

START_TEST(ratio_failure_keeps_default)
{
    /* next morning 150 times the count (a count in the wrong unit): a ratio outside (0, 100]
     * cannot be kept; the CE stands, the ratio keeps its default and the note says why */
    pbsc_history *h = ratio_history(1.0, 150.0, 0.1);
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    pbsc_model_params p;
    pbsc_diag diag;

    pbsc_diag_clear(&diag);
    ck_assert_int_eq(calibrate_untouched(h, &rep, &m, &diag), PBSC_OK);
    ck_assert_int_eq(diag.status, PBSC_OK);
    ck_assert_uint_eq(rep.ratio_sessions, 40);
    ck_assert(isnan(rep.apheresis_ratio) && isnan(rep.apheresis_sigma));
    pbsc_model_params_init(&p);
    ck_assert_int_eq(pbsc_model_get(m, &p), PBSC_OK);
    ck_assert(p.apheresis_ratio == 0.7 && p.apheresis_sigma == 0.5);
    ck_assert_uint_eq(info_of(m).fitted_parts, PBSC_PART_CE);
    ck_assert_uint_eq(info_of(m).floored, 0);
    ck_assert_note(info_of(m).apheresis_note, "apheresis_ratio 150 is outside (0, 100]");
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

/* ---- the fit record in the model file ----------------------------------------------------- */

/* Formats m, parses it back, formats again: the same text, hash and record. */
static void
record_round_trip(const pbsc_model *m, const char *expect)
{
    pbsc_model *back = NULL;
    pbsc_model_info a = info_of(m), b;
    char *text = format_model(m), *again;

    ck_assert_note(text, expect);
    ck_assert_int_eq(pbsc_model_parse(text, strlen(text), &back, NULL), PBSC_OK);
    again = format_model(back);
    ck_assert_str_eq(text, again);
    b = info_of(back);
    ck_assert_str_eq(a.hash, b.hash);
    ck_assert_uint_eq(a.fitted_parts, b.fitted_parts);
    ck_assert_uint_eq(a.floored, b.floored);
    ck_assert_str_eq(a.ce_note, b.ce_note);
    ck_assert_str_eq(a.apheresis_note, b.apheresis_note);
    ck_assert_str_eq(a.risk_note, b.risk_note);
    free(text);
    free(again);
    pbsc_model_free(back);
}

START_TEST(record_in_model_file)
{
    static const char legacy[] = "pbsc-model = 1\nfitted = yes\nce_sigma = 0.4\n";
    pbsc_history *h = identical_history();
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    char *text;

    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    record_round_trip(m, "\nfitted = yes\nfitted_parts = ce apheresis\n"
                         "floored = ce_sigma apheresis_sigma\nce_note = wbc takes one value");
    record_round_trip(m, "\napheresis_note = next_cd34 / cd34 is the same");
    record_round_trip(m, "\nrisk_note = poor is 0 in all 60 patients");
    pbsc_model_free(m);
    pbsc_history_free(h);
    h = risk_history(x_separating, poor_third);
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    record_round_trip(m, "\nfitted_parts = ce\n");
    record_round_trip(m, "\nrisk_note = risk model");
    pbsc_model_free(m);
    pbsc_history_free(h);
    /* a model without a record writes none of the keys: the defaults' text (and hash) and a
     * fitted file that does not record its parts stay as they were */
    ck_assert_int_eq(pbsc_model_new(&m, NULL), PBSC_OK);
    text = format_model(m);
    ck_assert_ptr_null(strstr(text, "fitted_parts"));
    ck_assert_ptr_null(strstr(text, "note"));
    ck_assert_uint_eq(info_of(m).fitted_parts, 0);
    ck_assert_str_eq(info_of(m).risk_note, "");
    free(text);
    pbsc_model_free(m);
    ck_assert_int_eq(pbsc_model_parse(legacy, strlen(legacy), &m, NULL), PBSC_OK);
    ck_assert_int_eq(info_of(m).fitted, 1);
    ck_assert_uint_eq(info_of(m).fitted_parts, 0);
    text = format_model(m);
    ck_assert_ptr_null(strstr(text, "fitted_parts"));
    free(text);
    pbsc_model_free(m);
}
END_TEST

/* A model file with a fit record that is not valid. */
struct bad_record {
    const char *text; /* after "pbsc-model = 1\nfitted = yes\n" */
    int status;
    const char *field;
};

static const struct bad_record bad_records[] = {
    {"fitted_parts = ce blood\n", PBSC_E_PARSE, "fitted_parts"},
    {"fitted_parts = ce ce\n", PBSC_E_PARSE, "fitted_parts"},
    {"fitted_parts =\n", PBSC_E_PARSE, "fitted_parts"},
    {"fitted_parts = ce\nfitted_parts = ce\n", PBSC_E_DUPLICATE, "fitted_parts"},
    {"fitted_parts = ce\nfloored = ce_median\n", PBSC_E_PARSE, "floored"},
    {"fitted_parts = ce\nfloored = ce_sigma ce_sigma\n", PBSC_E_PARSE, "floored"},
    {"fitted_parts = ce\nfloored = apheresis_sigma\n", PBSC_E_CONFLICT, "floored"},
    {"floored = ce_sigma\n", PBSC_E_CONFLICT, "floored"},
    {"ce_note = too few rows\n", PBSC_E_CONFLICT, "ce_note"},
    {"fitted_parts = ce\nrisk_note = x\nrisk_note = y\n", PBSC_E_DUPLICATE, "risk_note"},
    {"fitted_parts = ce\napheresis_note =\n", PBSC_E_PARSE, "apheresis_note"},
    {"fitted_parts = ce risk\n", PBSC_E_CONFLICT, "fitted_parts"},
    {"fitted_parts = ce\nrisk = intercept -1 0 1\n", PBSC_E_CONFLICT, "fitted_parts"},
};

START_TEST(record_errors)
{
    const struct bad_record *b = &bad_records[_i];
    char text[600];
    pbsc_model *m = NULL;
    pbsc_diag diag;

    snprintf(text, sizeof text, "pbsc-model = 1\nfitted = yes\n%s", b->text);
    ck_assert_fails(pbsc_model_parse(text, strlen(text), &m, &diag), b->status, b->field);
    ck_assert_ptr_null(m);
    ck_assert_msg(diag.line >= 2, "%s: line %ld", b->text, diag.line);
}
END_TEST

START_TEST(record_needs_fitted)
{
    /* parts fitted from a history in a model that says it was not fitted */
    static const char no[] = "pbsc-model = 1\nfitted = no\nfitted_parts = ce\n";
    static const char unset[] = "pbsc-model = 1\nfitted_parts = ce\n";
    pbsc_model *m = NULL;
    pbsc_diag diag;
    char text[680], note[600];

    ck_assert_fails(pbsc_model_parse(no, strlen(no), &m, &diag), PBSC_E_CONFLICT, "fitted_parts");
    ck_assert_fails(pbsc_model_parse(unset, strlen(unset), &m, &diag), PBSC_E_CONFLICT,
                    "fitted_parts");
    /* a note of 511 bytes fits; 512 does not */
    memset(note, 'x', 512);
    note[511] = '\0';
    snprintf(text, sizeof text, "pbsc-model = 1\nfitted = yes\nfitted_parts = ce\nce_note = %s\n",
             note);
    ck_assert_int_eq(pbsc_model_parse(text, strlen(text), &m, NULL), PBSC_OK);
    ck_assert_uint_eq(strlen(info_of(m).ce_note), 511);
    pbsc_model_free(m);
    m = NULL;
    note[511] = 'x';
    note[512] = '\0';
    snprintf(text, sizeof text, "pbsc-model = 1\nfitted = yes\nfitted_parts = ce\nce_note = %s\n",
             note);
    ck_assert_fails(pbsc_model_parse(text, strlen(text), &m, &diag), PBSC_E_RANGE, "ce_note");
    ck_assert_int_eq(diag.line, 4);
    ck_assert_ptr_null(m);
}
END_TEST

START_TEST(record_older_info_layout)
{
    /* a caller compiled before the record: its pbsc_model_info ends at `hash`, and the
     * library writes nothing past it */
    pbsc_history *h = identical_history();
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    pbsc_model_info info;

    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_OK);
    memset(&info, 0xA5, sizeof info);
    info.size = offsetof(pbsc_model_info, fitted_parts);
    ck_assert_int_eq(pbsc_model_info_get(m, &info), PBSC_OK);
    ck_assert_str_eq(info.id, "site");
    ck_assert_int_eq(info.fitted, 1);
    ck_assert_uint_eq(info.fitted_parts, 0xA5A5A5A5u);
    pbsc_model_free(m);
    pbsc_history_free(h);
}
END_TEST

/* ---- errors of the history and of the call -------------------------------------------------- */

START_TEST(history_new_errors)
{
    pbsc_history *h = NULL;
    pbsc_diag diag;
    const char *bad[] = {"age", NULL};
    const char *many[33];
    char longname[40];
    int i;

    ck_assert_fails(pbsc_history_new(names, 2, NULL, &diag), PBSC_E_INVAL, "history");
    ck_assert_fails(pbsc_history_new(NULL, 1, &h, &diag), PBSC_E_INVAL, "covariates");
    ck_assert_fails(pbsc_history_new(bad, 2, &h, &diag), PBSC_E_INVAL, "covariates");
    bad[1] = "";
    ck_assert_fails(pbsc_history_new(bad, 2, &h, &diag), PBSC_E_INVAL, "covariates");
    ck_assert(diag.value == 1.0);
    memset(longname, 'x', 32);
    longname[32] = '\0';
    bad[1] = longname; /* 32 characters: one too many */
    ck_assert_fails(pbsc_history_new(bad, 2, &h, &diag), PBSC_E_INVAL, "covariates");
    longname[31] = '\0'; /* 31: fits */
    ck_assert_int_eq(pbsc_history_new(bad, 2, &h, NULL), PBSC_OK);
    pbsc_history_free(h);
    h = NULL;
    bad[1] = "prior lines";
    ck_assert_fails(pbsc_history_new(bad, 2, &h, &diag), PBSC_E_INVAL, "covariates");
    bad[1] = "prior\tlines";
    ck_assert_fails(pbsc_history_new(bad, 2, &h, &diag), PBSC_E_INVAL, "covariates");
    bad[1] = "intercept";
    ck_assert_fails(pbsc_history_new(bad, 2, &h, &diag), PBSC_E_INVAL, "covariates");
    bad[1] = "age";
    ck_assert_fails(pbsc_history_new(bad, 2, &h, &diag), PBSC_E_DUPLICATE, "covariates");
    for (i = 0; i < 33; i++)
        many[i] = "x";
    ck_assert_fails(pbsc_history_new(many, 33, &h, &diag), PBSC_E_RANGE, "covariates");
    ck_assert_ptr_null(h);
    /* none at all is a history without covariates */
    ck_assert_int_eq(pbsc_history_new(NULL, 0, &h, NULL), PBSC_OK);
    ck_assert_uint_eq(pbsc_history_length(h), 0);
    pbsc_history_free(h);
    pbsc_history_free(NULL);
    ck_assert_uint_eq(pbsc_history_length(NULL), 0);
}
END_TEST

static pbsc_history_row
good_row(void)
{
    pbsc_history_row r;

    pbsc_history_row_init(&r);
    r.cd34 = 20.0;
    r.processed_l = 15.0;
    r.weight_kg = 70.0;
    r.collected = 2.0;
    return r;
}

/* Adding r fails with want naming field; the history keeps its length. */
#define ADD_FAILS(field_name, value, want, field)                                                  \
    do {                                                                                           \
        pbsc_history_row r_ = good_row();                                                          \
        r_.field_name = (value);                                                                   \
        ck_assert_fails(pbsc_history_add(h, &r_, x, &diag), (want), (field));                      \
        ck_assert_int_eq(diag.line, 1);                                                            \
        ck_assert_uint_eq(pbsc_history_length(h), 1);                                              \
    } while (0)

START_TEST(history_add_errors)
{
    pbsc_history *h = NULL;
    pbsc_history_row r = good_row(), init;
    pbsc_diag diag;
    double x[2] = {50.0, NAN}, bad[2] = {50.0, INFINITY};

    pbsc_history_row_init(&init);
    ck_assert(init.patient == -1 && init.poor == -1 && isnan(init.cd34) && isnan(init.hct));
    pbsc_history_row_init(NULL);
    ck_assert_int_eq(pbsc_history_new(names, 2, &h, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_history_add(h, &r, x, NULL), PBSC_OK); /* NAN covariate: allowed */
    ck_assert_fails(pbsc_history_add(NULL, &r, x, &diag), PBSC_E_INVAL, "history");
    ck_assert_fails(pbsc_history_add(h, NULL, x, &diag), PBSC_E_INVAL, "row");
    ck_assert_fails(pbsc_history_add(h, &r, NULL, &diag), PBSC_E_INVAL, "covariates");
    ck_assert_fails(pbsc_history_add(h, &r, bad, &diag), PBSC_E_NOTFINITE, "plt");
    ck_assert_int_eq(diag.line, 1);
    ADD_FAILS(cd34, NAN, PBSC_E_MISSING, "cd34");
    ADD_FAILS(cd34, INFINITY, PBSC_E_NOTFINITE, "cd34");
    ADD_FAILS(cd34, -1.0, PBSC_E_NEGATIVE, "cd34");
    ADD_FAILS(cd34, 5001.0, PBSC_E_RANGE, "cd34");
    ADD_FAILS(cd34, 0.0, PBSC_E_RANGE, "cd34");
    ADD_FAILS(processed_l, NAN, PBSC_E_MISSING, "processed_l");
    ADD_FAILS(processed_l, 0.0, PBSC_E_RANGE, "processed_l");
    ADD_FAILS(processed_l, 61.0, PBSC_E_RANGE, "processed_l");
    ADD_FAILS(weight_kg, NAN, PBSC_E_MISSING, "weight_kg");
    ADD_FAILS(weight_kg, 1.0, PBSC_E_RANGE, "weight_kg");
    ADD_FAILS(recipient_kg, 400.0, PBSC_E_RANGE, "recipient_kg");
    ADD_FAILS(recipient_kg, -INFINITY, PBSC_E_NOTFINITE, "recipient_kg");
    ADD_FAILS(collected, NAN, PBSC_E_MISSING, "collected");
    ADD_FAILS(collected, -0.5, PBSC_E_NEGATIVE, "collected");
    ADD_FAILS(collected, 101.0, PBSC_E_RANGE, "collected");
    ADD_FAILS(wbc, -1.0, PBSC_E_NEGATIVE, "wbc");
    ADD_FAILS(wbc, 501.0, PBSC_E_RANGE, "wbc");
    ADD_FAILS(wbc, INFINITY, PBSC_E_NOTFINITE, "wbc");
    ADD_FAILS(hct, 0.0, PBSC_E_RANGE, "hct");
    ADD_FAILS(hct, 101.0, PBSC_E_RANGE, "hct");
    ADD_FAILS(hct, -INFINITY, PBSC_E_NOTFINITE, "hct");
    ADD_FAILS(next_cd34, -1.0, PBSC_E_NEGATIVE, "next_cd34");
    ADD_FAILS(next_cd34, 6000.0, PBSC_E_RANGE, "next_cd34");
    ADD_FAILS(poor, 2, PBSC_E_INVAL, "poor");
    ADD_FAILS(poor, -2, PBSC_E_INVAL, "poor");
    ADD_FAILS(patient, -2, PBSC_E_INVAL, "patient");
    /* the edges that are allowed */
    r.hct = 100.0;
    r.collected = 0.0;
    r.next_cd34 = 0.0;
    r.wbc = 0.0;
    r.poor = 1;
    r.patient = 0;
    ck_assert_int_eq(pbsc_history_add(h, &r, x, NULL), PBSC_OK);
    ck_assert_uint_eq(pbsc_history_length(h), 2);
    pbsc_history_free(h);
}
END_TEST

START_TEST(calibrate_errors)
{
    pbsc_history *h = NULL;
    pbsc_model *m = NULL;
    pbsc_fit_report rep;
    pbsc_diag diag;

    ck_assert_int_eq(pbsc_history_new(NULL, 0, &h, NULL), PBSC_OK);
    ck_assert_fails(pbsc_calibrate(NULL, &m, &rep, &diag), PBSC_E_INVAL, "history");
    ck_assert_fails(pbsc_calibrate(h, NULL, &rep, &diag), PBSC_E_INVAL, "model");
    ck_assert_fails(pbsc_calibrate(h, &m, NULL, &diag), PBSC_E_INVAL, "report");
    /* an empty history is too few */
    ck_assert_fails(calibrate_untouched(h, &rep, &m, &diag), PBSC_E_TOOFEW, "history");
    ck_assert_int_eq(pbsc_calibrate(h, &m, &rep, NULL), PBSC_E_TOOFEW); /* no diag: fine */
    ck_assert_str_eq(pbsc_strerror(PBSC_E_TOOFEW), "too few rows to fit");
    pbsc_history_free(h);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("calibrate");
    TCase *fit = tcase_create("recovery");
    TCase *min = tcase_create("minimums");
    TCase *err = tcase_create("errors");
    TCase *honest = tcase_create("what it could not fit");

    tcase_add_test(fit, recovers_ce);
    tcase_add_test(fit, recovers_ratio);
    tcase_add_test(fit, recovers_risk);
    tcase_add_test(fit, coverage_is_honest);
    tcase_add_test(fit, site_history_coverage);
    tcase_add_test(fit, round_trip);
    tcase_add_test(fit, deterministic);
    tcase_add_test(min, ce_needs_30_sessions);
    tcase_add_test(min, zero_yields_left_out);
    tcase_add_test(min, regressors_need_10_rows_each);
    tcase_add_test(min, degenerate_regressors_dropped);
    tcase_add_test(min, ratio_needs_20_sessions);
    tcase_add_test(min, risk_needs_10_events_per_covariate);
    tcase_add_test(min, one_observation_per_patient);
    tcase_add_test(err, risk_failure_keeps_ce);
    tcase_add_test(err, ratio_failure_keeps_default);
    tcase_add_test(honest, identical_rows);
    tcase_add_test(honest, constant_wbc_named);
    tcase_add_test(honest, constant_outcome_named);
    tcase_add_test(honest, ce_spread_floored);
    tcase_add_test(honest, ratio_spread_floored);
    tcase_add_test(honest, record_in_model_file);
    tcase_add_loop_test(honest, record_errors, 0, (int)NROWS(bad_records));
    tcase_add_test(honest, record_needs_fitted);
    tcase_add_test(honest, record_older_info_layout);
    tcase_add_test(err, ce_out_of_range);
    tcase_add_test(err, history_new_errors);
    tcase_add_test(err, history_add_errors);
    tcase_add_test(err, calibrate_errors);
    suite_add_tcase(s, fit);
    suite_add_tcase(s, min);
    suite_add_tcase(s, err);
    suite_add_tcase(s, honest);
    return s;
}

int
main(void)
{
    return pbsc_test_run(suite());
}
