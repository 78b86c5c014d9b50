/* SPDX-License-Identifier: MIT */
/* Tests of pbsc_population_calibrate(): recovery of a known world from a history written here
 * (not by the library's world), exact hand-made histories, every minimum at its boundary, the
 * states and notes, and every error path. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "pbsc_test.h"

/* ---- a history written from a known world ------------------------------------------------ */

/* The truth: per patient u ~ N(0, 0.5^2) on the log ratio after an apheresis (median 0.6),
 * each morning's e ~ N(0, 0.3^2); CE2 median 0.55 at WBC < 20, 0.42 at >= 20, patient effect
 * N(0, 0.3^2), session N(0, 0.25^2); product = CE x L x 20 x (C / 20)^0.8 / kg; WBC per
 * patient log-normal (median 18, 0.5), Hct N(32, 3^2), weight N(75, 15^2) held >= 40 kg.
 * Counts are measured as the library assumes (ISHAGE: Poisson behind 75,000 CD45+ events at
 * the WBC, at most 100 uL), the next morning's count is the next session's pre-count. */
#define T_RATIO 0.6
#define T_PATIENT 0.5
#define T_DAY 0.3
#define T_CE_LOW 0.55
#define T_CE_HIGH 0.42
#define T_CE_PATIENT 0.3
#define T_CE_SESSION 0.25
#define T_SLOPE 0.8
#define T_WBC 18.0
#define T_WBC_SIGMA 0.5

static double
measure(gsl_rng *r, double count, double wbc)
{
    double ul = fmin(75000.0 / (wbc * 1000.0), 100.0);
    unsigned n = gsl_ran_poisson(r, count * ul);

    return (n > 0 ? n : 1) / ul;
}

static void
add_patient(gsl_rng *r, pbsc_history *h, long id)
{
    double u = gsl_ran_gaussian(r, T_PATIENT), wbc = T_WBC * exp(gsl_ran_gaussian(r, T_WBC_SIGMA));
    double cep = gsl_ran_gaussian(r, T_CE_PATIENT), hct = 32.0 + gsl_ran_gaussian(r, 3.0);
    double kg = fmax(40.0, 75.0 + gsl_ran_gaussian(r, 15.0));
    double c = 25.0 * exp(gsl_ran_gaussian(r, 0.6)), m = measure(r, c, wbc);
    int j;

    for (j = 0; j < 3; j++) {
        pbsc_history_row row;
        double ce = (wbc < 20.0 ? T_CE_LOW : T_CE_HIGH) *
                    exp(cep + gsl_ran_gaussian(r, T_CE_SESSION));
        double next = c * T_RATIO * exp(u + gsl_ran_gaussian(r, T_DAY)), mn = measure(r, next, wbc);
        pbsc_history_row_init(&row);
        row.patient = id;
        row.cd34 = m;
        row.processed_l = 15.0;
        row.weight_kg = kg;
        row.wbc = wbc;
        row.hct = hct;
        row.collected = ce * 15.0 * 20.0 * pow(c / 20.0, T_SLOPE) / kg;
        row.next_cd34 = mn;
        ck_assert_int_eq(pbsc_history_add(h, &row, NULL, NULL), PBSC_OK);
        c = next, m = mn;
    }
}

static size_t
key_index(const char *key)
{
    size_t i;

    for (i = 0; i < pbsc_population_keys(); i++)
        if (strcmp(pbsc_population_key(i), key) == 0)
            return i;
    ck_abort_msg("no key %s", key);
    return 0;
}

static double
value_of(const pbsc_population *p, const char *key)
{
    double v = NAN;

    ck_assert_int_eq(pbsc_population_get(p, key, &v, NULL), PBSC_OK);
    return v;
}

static int
state_of(const pbsc_population_fit *f, const char *key)
{
    return f->state[key_index(key)];
}

static void
note_has(const pbsc_population_fit *f, const char *key, const char *text)
{
    char buf[400];

    ck_assert_int_gt(pbsc_population_fit_note(f, key_index(key), buf, sizeof buf), 0);
    ck_assert_msg(strstr(buf, text) != NULL, "%s: '%s' lacks '%s'", key, buf, text);
}

/* 600 patients x 3 sessions: SEs about 0.5 / sqrt(600) = 0.02 for the patient spread, 0.3 /
 * sqrt(1200) = 0.009 for the day's, 0.55 x 0.3 / sqrt(300 x 3) x ... about 3% for a CE median;
 * the tolerances are about three SEs. */
START_TEST(recovers_known_world)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    pbsc_history *h = NULL;
    pbsc_population *p = NULL;
    pbsc_population_fit f;
    long i;

    gsl_rng_set(r, 20261206);
    ck_assert_int_eq(pbsc_history_new(NULL, 0, &h, NULL), PBSC_OK);
    for (i = 0; i < 600; i++)
        add_patient(r, h, i);
    ck_assert_int_eq(pbsc_population_new(&p, NULL), PBSC_OK);
    pbsc_population_fit_init(&f);
    ck_assert_int_eq(pbsc_population_calibrate(h, p, &f, NULL), PBSC_OK);
    ck_assert_uint_eq(f.sessions, 1800);
    ck_assert_uint_eq(f.patients, 600);
    ck_assert_msg(fabs(value_of(p, "apheresis_ratio") / T_RATIO - 1) < 0.05, "ratio %g",
                  value_of(p, "apheresis_ratio"));
    ck_assert_msg(fabs(value_of(p, "apheresis_sigma") - T_PATIENT) < 0.06, "patient %g",
                  value_of(p, "apheresis_sigma"));
    ck_assert_msg(fabs(value_of(p, "day_sigma") - T_DAY) < 0.04, "day %g",
                  value_of(p, "day_sigma"));
    ck_assert_msg(fabs(value_of(p, "ce_low_wbc") / T_CE_LOW - 1) < 0.08, "low %g",
                  value_of(p, "ce_low_wbc"));
    ck_assert_msg(fabs(value_of(p, "ce_high_wbc") / T_CE_HIGH - 1) < 0.08, "high %g",
                  value_of(p, "ce_high_wbc"));
    ck_assert_msg(fabs(value_of(p, "ce_patient_sigma") - T_CE_PATIENT) < 0.05, "cep %g",
                  value_of(p, "ce_patient_sigma"));
    ck_assert_msg(fabs(value_of(p, "ce_session_sigma") - T_CE_SESSION) < 0.04, "ces %g",
                  value_of(p, "ce_session_sigma"));
    ck_assert_msg(fabs(value_of(p, "yield_slope") - T_SLOPE) < 0.06, "slope %g",
                  value_of(p, "yield_slope"));
    ck_assert_msg(fabs(value_of(p, "wbc_median") / T_WBC - 1) < 0.08, "wbc %g",
                  value_of(p, "wbc_median"));
    ck_assert_msg(fabs(value_of(p, "wbc_sigma") - T_WBC_SIGMA) < 0.05, "wbc sigma %g",
                  value_of(p, "wbc_sigma"));
    ck_assert_msg(fabs(value_of(p, "hct_mean") - 32.0) < 0.5, "hct %g", value_of(p, "hct_mean"));
    ck_assert_msg(fabs(value_of(p, "weight_mean") - 75.0) < 2.0, "kg %g",
                  value_of(p, "weight_mean"));
    ck_assert_int_eq(state_of(&f, "ce_low_wbc"), PBSC_POPFIT_SET);
    ck_assert_int_eq(state_of(&f, "yield_slope"), PBSC_POPFIT_SET);
    /* what a history of aphereses cannot give is kept, and says why */
    ck_assert_int_eq(state_of(&f, "day5_median"), PBSC_POPFIT_CANNOT);
    ck_assert_double_eq(value_of(p, "day5_median"), 22.22); /* the default, kept */
    note_has(&f, "day5_median", "collected patients' counts only");
    note_has(&f, "plerixafor_fold", "records no doses");
    note_has(&f, "apheresis_sigma", "patients with two sessions or more");
    ck_assert_str_eq(pbsc_population_hash(p), pbsc_population_hash(p));
    gsl_rng_free(r);
    pbsc_history_free(h);
    pbsc_population_free(p);
}
END_TEST

/* ---- exact histories ------------------------------------------------------------------------ */

/* Patient i (of n) with two sessions at the reference count 20/uL, 15 L, 75 kg, so that
 * collected = CE x 15 x 20 / 75 = 4 CE whatever the slope; WBC 10 (CE 0.5) or 30 (CE 0.4);
 * the next morning's count is `ratio` x 20 exactly. */
static void
exact_history(pbsc_history *h, size_t patients, size_t high, double ratio, int next)
{
    size_t i, j;

    for (i = 0; i < patients; i++)
        for (j = 0; j < 2; j++) {
            pbsc_history_row row;
            int hi = i < high;
            pbsc_history_row_init(&row);
            row.patient = (long)i;
            row.cd34 = 20.0;
            row.processed_l = 15.0;
            row.weight_kg = 75.0;
            row.wbc = hi ? 30.0 : 10.0;
            row.collected = 4.0 * (hi ? 0.4 : 0.5);
            if (next)
                row.next_cd34 = ratio * 20.0;
            ck_assert_int_eq(pbsc_history_add(h, &row, NULL, NULL), PBSC_OK);
        }
}

static void
fit_exact(size_t patients, size_t high, double ratio, int next, pbsc_population **p,
          pbsc_population_fit *f)
{
    pbsc_history *h = NULL;

    ck_assert_int_eq(pbsc_history_new(NULL, 0, &h, NULL), PBSC_OK);
    exact_history(h, patients, high, ratio, next);
    ck_assert_int_eq(pbsc_population_new(p, NULL), PBSC_OK);
    pbsc_population_fit_init(f);
    ck_assert_int_eq(pbsc_population_calibrate(h, *p, f, NULL), PBSC_OK);
    pbsc_history_free(h);
}

/* 15 patients x 2 = 30 sessions, 10 at WBC 30: the CE medians are exactly 0.5 and 0.4; no
 * spread between or within patients; the slope needs 40 sessions (30: kept, too few). */
START_TEST(exact_ce_medians)
{
    pbsc_population *p;
    pbsc_population_fit f;

    fit_exact(15, 5, 0.5, 1, &p, &f);
    ck_assert_double_eq_tol(value_of(p, "ce_low_wbc"), 0.5, 1e-12);
    ck_assert_double_eq_tol(value_of(p, "ce_high_wbc"), 0.4, 1e-12);
    ck_assert_uint_eq(f.used[key_index("ce_low_wbc")], 20);
    ck_assert_uint_eq(f.used[key_index("ce_high_wbc")], 10);
    ck_assert_double_eq_tol(value_of(p, "ce_patient_sigma"), 0.0, 1e-9);
    ck_assert_double_eq_tol(value_of(p, "ce_session_sigma"), 0.0, 1e-9);
    ck_assert_int_eq(state_of(&f, "yield_slope"), PBSC_POPFIT_TOO_FEW);
    ck_assert_uint_eq(f.needed[key_index("yield_slope")], 40);
    note_has(&f, "yield_slope", "kept: it needs 40 sessions, the history gives 30");
    ck_assert_double_eq(value_of(p, "yield_slope"), 0.8595);
    /* 30 ratios of exactly 0.5 */
    ck_assert_double_eq_tol(value_of(p, "apheresis_ratio"), 0.5, 1e-12);
    ck_assert_double_eq_tol(value_of(p, "apheresis_sigma"), 0.0, 1e-9);
    ck_assert_double_eq_tol(value_of(p, "day_sigma"), 0.0, 1e-9);
    /* WBC per patient: 10 patients at 10, 5 at 30: exp((10 ln 10 + 5 ln 30) / 15) = 14.42 */
    ck_assert_int_eq(state_of(&f, "wbc_median"), PBSC_POPFIT_TOO_FEW);
    ck_assert_uint_eq(f.used[key_index("wbc_median")], 15);
    ck_assert_int_eq(state_of(&f, "hct_mean"), PBSC_POPFIT_NOT_RECORDED);
    note_has(&f, "hct_mean", "it needs hct, in no row");
    pbsc_population_free(p);
}
END_TEST

/* The boundaries: 29 sessions and 30 (CE), 9 sessions on a WBC side and 10 (pooled or
 * split), 19 ratios and 20, 9 patients with two sessions and 10 (the spreads). */
START_TEST(minimums)
{
    pbsc_population *p;
    pbsc_population_fit f;
    pbsc_history *h = NULL;

    /* 14 patients + 1 session = 29 sessions: CE too few */
    ck_assert_int_eq(pbsc_history_new(NULL, 0, &h, NULL), PBSC_OK);
    exact_history(h, 14, 5, 0.5, 0);
    ck_assert_int_eq(pbsc_population_new(&p, NULL), PBSC_OK);
    {
        pbsc_history_row row;
        pbsc_history_row_init(&row);
        row.cd34 = 20.0, row.processed_l = 15.0, row.weight_kg = 75.0, row.collected = 2.0;
        ck_assert_int_eq(pbsc_history_add(h, &row, NULL, NULL), PBSC_OK);
    }
    pbsc_population_fit_init(&f);
    ck_assert_int_eq(pbsc_population_calibrate(h, p, &f, NULL), PBSC_OK);
    ck_assert_uint_eq(f.sessions, 29);
    ck_assert_uint_eq(f.patients, 15);
    ck_assert_int_eq(state_of(&f, "ce_low_wbc"), PBSC_POPFIT_TOO_FEW);
    ck_assert_double_eq(value_of(p, "ce_low_wbc"), 0.53);
    ck_assert_int_eq(state_of(&f, "apheresis_ratio"), PBSC_POPFIT_NOT_RECORDED);
    note_has(&f, "apheresis_ratio", "next_cd34");
    pbsc_history_free(h);
    pbsc_population_free(p);
    /* 15 patients, 4 high (8 sessions under 10): one pooled CE, (22 x 0.5 ... in logs) */
    fit_exact(15, 4, 0.5, 1, &p, &f);
    ck_assert_int_eq(state_of(&f, "ce_low_wbc"), PBSC_POPFIT_POOLED);
    ck_assert_int_eq(state_of(&f, "ce_high_wbc"), PBSC_POPFIT_POOLED);
    /* exp((22 ln 0.5 + 8 ln 0.4) / 30) = 0.4708 */
    ck_assert_double_eq_tol(value_of(p, "ce_high_wbc"), exp((22 * log(0.5) + 8 * log(0.4)) / 30),
                            1e-12);
    note_has(&f, "ce_low_wbc", "one value for either WBC");
    pbsc_population_free(p);
    /* ratios: 9 patients x 2 = 18 < 20; 10 patients = 20: set; spreads need 10 repeated */
    fit_exact(9, 0, 0.5, 1, &p, &f);
    ck_assert_int_eq(state_of(&f, "apheresis_ratio"), PBSC_POPFIT_TOO_FEW);
    ck_assert_uint_eq(f.used[key_index("apheresis_ratio")], 18);
    pbsc_population_free(p);
    fit_exact(10, 0, 0.5, 1, &p, &f);
    ck_assert_int_eq(state_of(&f, "apheresis_ratio"), PBSC_POPFIT_SET);
    ck_assert_int_eq(state_of(&f, "apheresis_sigma"), PBSC_POPFIT_SET);
    ck_assert_uint_eq(f.used[key_index("apheresis_sigma")], 10);
    pbsc_population_free(p);
}
END_TEST

/* Ratios of 6 are outside apheresis_ratio's range (0.05-5): kept at 0.7, said so. */
START_TEST(out_of_range_kept)
{
    pbsc_population *p;
    pbsc_population_fit f;

    fit_exact(15, 5, 6.0, 1, &p, &f);
    ck_assert_int_eq(state_of(&f, "apheresis_ratio"), PBSC_POPFIT_OUT_OF_RANGE);
    ck_assert_double_eq(value_of(p, "apheresis_ratio"), 0.7);
    ck_assert_double_eq_tol(f.estimate[key_index("apheresis_ratio")], 6.0, 1e-12);
    note_has(&f, "apheresis_ratio", "outside the key's range");
    pbsc_population_free(p);
}
END_TEST

/* 40 sessions whose counts span only 19-21/uL and whose yields scatter: the slope's SE is far
 * above 0.1 and the default stays. */
START_TEST(imprecise_slope_kept)
{
    pbsc_history *h = NULL;
    pbsc_population *p = NULL;
    pbsc_population_fit f;
    size_t i;

    ck_assert_int_eq(pbsc_history_new(NULL, 0, &h, NULL), PBSC_OK);
    for (i = 0; i < 40; i++) {
        pbsc_history_row row;
        pbsc_history_row_init(&row);
        row.cd34 = 19.0 + (double)(i % 3);
        row.processed_l = 15.0;
        row.weight_kg = 75.0;
        row.collected = 1.0 + (double)((i * 7) % 5);
        ck_assert_int_eq(pbsc_history_add(h, &row, NULL, NULL), PBSC_OK);
    }
    ck_assert_int_eq(pbsc_population_new(&p, NULL), PBSC_OK);
    pbsc_population_fit_init(&f);
    ck_assert_int_eq(pbsc_population_calibrate(h, p, &f, NULL), PBSC_OK);
    ck_assert_int_eq(state_of(&f, "yield_slope"), PBSC_POPFIT_IMPRECISE);
    ck_assert(f.se[key_index("yield_slope")] > 0.1);
    ck_assert_double_eq(value_of(p, "yield_slope"), 0.8595);
    note_has(&f, "yield_slope", "above 0.1");
    /* no patient ids: every row a patient, no spread can be split */
    ck_assert_uint_eq(f.patients, 40);
    ck_assert_int_eq(state_of(&f, "ce_patient_sigma"), PBSC_POPFIT_TOO_FEW);
    pbsc_history_free(h);
    pbsc_population_free(p);
}
END_TEST

/* A donor's rows are not the autologous population's: nothing is read, nothing changes. */
START_TEST(donor_rows_left_out)
{
    pbsc_history *h = NULL;
    pbsc_population *p = NULL;
    pbsc_population_fit f;
    char before[17];
    size_t i;

    ck_assert_int_eq(pbsc_history_new(NULL, 0, &h, NULL), PBSC_OK);
    for (i = 0; i < 50; i++) {
        pbsc_history_row row;
        pbsc_history_row_init(&row);
        row.cd34 = 100.0, row.processed_l = 15.0, row.weight_kg = 75.0;
        row.recipient_kg = 60.0, row.collected = 5.0, row.next_cd34 = 80.0, row.wbc = 40.0;
        ck_assert_int_eq(pbsc_history_add(h, &row, NULL, NULL), PBSC_OK);
    }
    ck_assert_int_eq(pbsc_population_new(&p, NULL), PBSC_OK);
    memcpy(before, pbsc_population_hash(p), sizeof before);
    pbsc_population_fit_init(&f);
    ck_assert_int_eq(pbsc_population_calibrate(h, p, &f, NULL), PBSC_OK);
    ck_assert_uint_eq(f.sessions, 0);
    ck_assert_str_eq(pbsc_population_hash(p), before);
    ck_assert_int_eq(state_of(&f, "apheresis_ratio"), PBSC_POPFIT_NOT_RECORDED);
    ck_assert_int_eq(state_of(&f, "ce_low_wbc"), PBSC_POPFIT_TOO_FEW);
    pbsc_history_free(h);
    pbsc_population_free(p);
}
END_TEST

/* A next morning's count of 0 (no CD34+ cell counted; a pre-count of 0 pbsc_history_add()
 * refuses) and a product of 0 have no log: such sessions are left out of the ratios and the
 * CE, and every estimate stays finite. */
START_TEST(zero_counts_left_out)
{
    pbsc_history *h = NULL;
    pbsc_population *p = NULL;
    pbsc_population_fit f;
    size_t i;

    ck_assert_int_eq(pbsc_history_new(NULL, 0, &h, NULL), PBSC_OK);
    exact_history(h, 15, 5, 0.5, 1);
    for (i = 0; i < 10; i++) {
        pbsc_history_row row;
        pbsc_history_row_init(&row);
        row.patient = 100;
        row.cd34 = 20.0;
        row.next_cd34 = 0.0;
        row.processed_l = 15.0, row.weight_kg = 75.0, row.collected = 0.0;
        ck_assert_int_eq(pbsc_history_add(h, &row, NULL, NULL), PBSC_OK);
    }
    ck_assert_int_eq(pbsc_population_new(&p, NULL), PBSC_OK);
    pbsc_population_fit_init(&f);
    ck_assert_int_eq(pbsc_population_calibrate(h, p, &f, NULL), PBSC_OK);
    ck_assert_uint_eq(f.sessions, 40);
    ck_assert_uint_eq(f.used[key_index("apheresis_ratio")], 30); /* the 30 exact ones */
    ck_assert_double_eq_tol(value_of(p, "apheresis_ratio"), 0.5, 1e-12);
    ck_assert_double_eq_tol(value_of(p, "ce_low_wbc"), 0.5, 1e-12);
    ck_assert_double_eq_tol(value_of(p, "day_sigma"), 0.0, 1e-9);
    pbsc_history_free(h);
    pbsc_population_free(p);
}
END_TEST

START_TEST(errors)
{
    pbsc_history *h = NULL;
    pbsc_population *p = NULL;
    pbsc_population_fit f;
    pbsc_diag diag;
    char buf[64];
    int s;

    ck_assert_int_eq(pbsc_history_new(NULL, 0, &h, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_new(&p, NULL), PBSC_OK);
    pbsc_population_fit_init(&f);
    ck_assert_fails(pbsc_population_calibrate(NULL, p, &f, &diag), PBSC_E_INVAL, "history");
    ck_assert_fails(pbsc_population_calibrate(h, NULL, &f, &diag), PBSC_E_INVAL, "population");
    ck_assert_fails(pbsc_population_calibrate(h, p, NULL, &diag), PBSC_E_INVAL, "fit");
    f.size = 0;
    ck_assert_fails(pbsc_population_calibrate(h, p, &f, &diag), PBSC_E_INVAL, "fit");
    /* an empty history: every fitted key too few or not recorded, nothing changed */
    pbsc_population_fit_init(&f);
    ck_assert_int_eq(pbsc_population_calibrate(h, p, &f, NULL), PBSC_OK);
    ck_assert_uint_eq(f.sessions, 0);
    ck_assert_int_eq(pbsc_population_fit_note(NULL, 0, buf, sizeof buf), -1);
    ck_assert_int_eq(pbsc_population_fit_note(&f, 0, NULL, sizeof buf), -1);
    ck_assert_int_eq(pbsc_population_fit_note(&f, 0, buf, 0), -1);
    ck_assert_int_eq(pbsc_population_fit_note(&f, pbsc_population_keys(), buf, sizeof buf), -1);
    /* a note longer than the buffer: truncated, its full length returned */
    ck_assert_int_gt(pbsc_population_fit_note(&f, 0, buf, 8), 7);
    ck_assert_uint_eq(strlen(buf), 7);
    for (s = 0; s < PBSC_POPFIT_COUNT_; s++)
        ck_assert_ptr_nonnull(pbsc_popfit_state_name((pbsc_popfit_state)s));
    ck_assert_str_eq(pbsc_popfit_state_name(PBSC_POPFIT_NOT_RECORDED), "not-recorded");
    ck_assert_ptr_null(pbsc_popfit_state_name(PBSC_POPFIT_COUNT_));
    ck_assert_ptr_null(pbsc_popfit_state_name((pbsc_popfit_state)-1));
    /* init refuses a size smaller than its own */
    memset(&f, 0x5a, sizeof f);
    pbsc_population_fit_init_sized(&f, 8);
    ck_assert_uint_eq(f.size, (size_t)0x5a5a5a5a5a5a5a5aULL);
    pbsc_population_fit_init_sized(NULL, sizeof f);
    pbsc_history_free(h);
    pbsc_population_free(p);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("popfit");
    TCase *t = tcase_create("core");

    tcase_set_timeout(t, 60);
    tcase_add_test(t, recovers_known_world);
    tcase_add_test(t, exact_ce_medians);
    tcase_add_test(t, minimums);
    tcase_add_test(t, out_of_range_kept);
    tcase_add_test(t, imprecise_slope_kept);
    tcase_add_test(t, donor_rows_left_out);
    tcase_add_test(t, zero_counts_left_out);
    tcase_add_test(t, errors);
    suite_add_tcase(s, t);
    return pbsc_test_run(s);
}
