/* SPDX-License-Identifier: MIT */
/* Tests of the collection-efficiency presets: each recomputed from its published figures. */
#include <gsl/gsl_cdf.h>
#include <string.h>

#include "pbsc_test.h"

/* Log-normal moment matching from a mean and an SD. */
static void
from_mean_sd(double mean, double sd, double *median, double *sigma)
{
    double cv2 = (sd / mean) * (sd / mean);

    *sigma = sqrt(log(1.0 + cv2));
    *median = mean / sqrt(1.0 + cv2);
}

/* sigma from a median, a range and n (Blom's expected extreme of n normal draws). */
static double
sigma_from_range(double lo, double hi, double n)
{
    return log(hi / lo) / (2.0 * gsl_cdf_ugaussian_Pinv((n - 0.375) / (n + 0.25)));
}

static const pbsc_ce_model *
preset(const char *id)
{
    const pbsc_ce_model *m = NULL;

    ck_assert_int_eq(pbsc_ce_find(id, &m, NULL), PBSC_OK);
    ck_assert_str_eq(m->id, id);
    return m;
}

START_TEST(presets_from_sources)
{
    double med, sig, gidron = sigma_from_range(0.07, 1.45, 415);
    const pbsc_ce_model *m;

    /* Gidron 2005: median 46% (7-145%), n = 415 */
    m = preset("generic-auto");
    ck_assert_rel(m->median, 0.46, 1e-12);
    ck_assert_rel(m->sigma, gidron, 1e-9);
    ck_assert_ptr_eq(pbsc_ce_default(), m);
    /* Transfusion 2016: Optia CMNC 62.4% (SD 11.6), COBE Spectra MNC 48.4% (SD 11.2) */
    from_mean_sd(0.624, 0.116, &med, &sig);
    m = preset("optia-cmnc-donor");
    ck_assert_rel(m->median, med, 1e-9);
    ck_assert_rel(m->sigma, sig, 1e-9);
    from_mean_sd(0.484, 0.112, &med, &sig);
    m = preset("cobe-spectra-mnc-donor");
    ck_assert_rel(m->median, med, 1e-9);
    ck_assert_rel(m->sigma, sig, 1e-9);
    /* Transfusion 2022: Optia cMNC patients median 46.8% */
    m = preset("optia-cmnc-patient");
    ck_assert_rel(m->median, 0.468, 1e-12);
    ck_assert_rel(m->sigma, gidron, 1e-9);
    /* J Clin Apher 2021: Optia cMNC 28.8%, Amicus 33.1% (autologous) */
    m = preset("optia-cmnc-auto");
    ck_assert_rel(m->median, 0.288, 1e-12);
    m = preset("amicus-auto");
    ck_assert_rel(m->median, 0.331, 1e-12);
    /* Sarkodee-Adoo 2003: mean 0.59, SD 0.27 */
    from_mean_sd(0.59, 0.27, &med, &sig);
    m = preset("cobe-spectra-lvl");
    ck_assert_rel(m->median, med, 1e-9);
    ck_assert_rel(m->sigma, sig, 1e-9);
    /* Mehta 2001: median 30.3% (1.7-87.5%), n = 177 */
    m = preset("cs3000-lvl");
    ck_assert_rel(m->median, 0.303, 1e-12);
    ck_assert_rel(m->sigma, sigma_from_range(0.017, 0.875, 177), 1e-9);
    /* Kayser 2023: 0.30 conservative minimum */
    m = preset("minimum");
    ck_assert_rel(m->median, 0.30, 1e-12);
    ck_assert_rel(m->sigma, gidron, 1e-9);
}
END_TEST

START_TEST(presets_well_formed)
{
    size_t i, j;

    ck_assert_uint_eq(pbsc_ce_count(), 9);
    for (i = 0; i < pbsc_ce_count(); i++) {
        const pbsc_ce_model *m = pbsc_ce_get(i), *found = NULL;

        ck_assert_ptr_nonnull(m);
        ck_assert_int_eq(pbsc_check(PBSC_Q_CE, m->median, NULL), PBSC_OK);
        ck_assert_int_eq(pbsc_check(PBSC_Q_CE_SIGMA, m->sigma, NULL), PBSC_OK);
        ck_assert(m->sigma > 0.15); /* a distribution, never a constant */
        ck_assert(strlen(m->source) > 20 && strlen(m->device) > 0 && strlen(m->setting) > 0);
        ck_assert_str_eq(m->version, "1");
        ck_assert_int_eq(pbsc_ce_find(m->id, &found, NULL), PBSC_OK);
        ck_assert_ptr_eq(found, m);
        for (j = 0; j < i; j++)
            ck_assert_str_ne(m->id, pbsc_ce_get(j)->id);
    }
    ck_assert_ptr_null(pbsc_ce_get(pbsc_ce_count()));
}
END_TEST

START_TEST(find_errors)
{
    pbsc_diag diag;
    const pbsc_ce_model *m = NULL;

    ck_assert_fails(pbsc_ce_find("optia", &m, &diag), PBSC_E_UNKNOWN, "device");
    ck_assert_fails(pbsc_ce_find(NULL, &m, &diag), PBSC_E_INVAL, "id");
    ck_assert_fails(pbsc_ce_find("minimum", NULL, &diag), PBSC_E_INVAL, "model");
    ck_assert_ptr_null(m);
}
END_TEST

START_TEST(user_model)
{
    pbsc_diag diag;
    pbsc_ce_model m, keep;

    ck_assert_int_eq(pbsc_ce_user(0.4, 0.0, &m, NULL), PBSC_OK);
    ck_assert_str_eq(m.id, "user");
    ck_assert(m.median == 0.4 && m.sigma == 0.0);
    ck_assert_int_eq(pbsc_ce_user(1.5, 2.0, &m, NULL), PBSC_OK); /* both upper bounds */
    keep = m;
    ck_assert_fails(pbsc_ce_user(0.4, 0.3, NULL, &diag), PBSC_E_INVAL, "model");
    ck_assert_fails(pbsc_ce_user(NAN, 0.3, &m, &diag), PBSC_E_MISSING, "ce_median");
    ck_assert_fails(pbsc_ce_user(0.0, 0.3, &m, &diag), PBSC_E_RANGE, "ce_median");
    ck_assert_fails(pbsc_ce_user(1.51, 0.3, &m, &diag), PBSC_E_RANGE, "ce_median");
    ck_assert_fails(pbsc_ce_user(-0.4, 0.3, &m, &diag), PBSC_E_NEGATIVE, "ce_median");
    ck_assert_fails(pbsc_ce_user(0.4, NAN, &m, &diag), PBSC_E_MISSING, "ce_sigma");
    ck_assert_fails(pbsc_ce_user(0.4, -0.1, &m, &diag), PBSC_E_NEGATIVE, "ce_sigma");
    ck_assert_fails(pbsc_ce_user(0.4, 2.01, &m, &diag), PBSC_E_RANGE, "ce_sigma");
    ck_assert_fails(pbsc_ce_user(0.4, INFINITY, &m, &diag), PBSC_E_NOTFINITE, "ce_sigma");
    ck_assert(memcmp(&m, &keep, sizeof m) == 0);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("ce");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, presets_from_sources);
    tcase_add_test(tc, presets_well_formed);
    tcase_add_test(tc, find_errors);
    tcase_add_test(tc, user_model);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pbsc_test_run(suite());
}
