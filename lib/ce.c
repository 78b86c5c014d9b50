/* SPDX-License-Identifier: MIT */
/* Collection-efficiency (CE2) models: log-normal distributions with their sources. */
#include "pbsc_private.h"

#include <math.h>
#include <string.h>

/*
 * How the published summaries became (median, sigma) of a log-normal [interp]:
 * - mean m and SD s: moment matching, cv = s/m, sigma = sqrt(ln(1 + cv^2)),
 *   median = m / sqrt(1 + cv^2);
 * - median and range (min, max) over n collections: the range taken as the expected extremes
 *   of n normal draws, sigma = ln(max/min) / (2 z), z = Phi^-1((n - 0.375)/(n + 0.25)) (Blom);
 * - a median alone: sigma borrowed from the generic autologous model (Gidron 2005, the widest
 *   multi-device patient series with a range), since most CE variance is unexplained noise
 *   (Ford, Transfusion 1998: R^2 0.29).
 * tests/check_ce.c recomputes every figure below from the published numbers.
 */
#define GIDRON_SIGMA 0.5108088028 /* ln(1.45/0.07) / (2 x 2.96669), n = 415 */

static const pbsc_ce_model presets[] = {
    {"generic-auto", "1", "mixed devices", "autologous patients", 0.46, GIDRON_SIGMA,
     "Gidron A et al., BMT 2005;35:243: CE2 median 46% (range 7-145%), 415 collections; "
     "sigma from the range [interp]"},
    {"optia-cmnc-donor", "1", "Spectra Optia CMNC", "healthy donors", 0.6134895904, 0.1843207634,
     "Transfusion 2016;56:2824 (PMID 27589225), crossover: CE2 62.4% (SD 11.6); "
     "moment-matched [interp]; a controlled trial, routine spread may be wider"},
    {"cobe-spectra-mnc-donor", "1", "COBE Spectra MNC", "healthy donors", 0.4715395727,
     0.2283938650,
     "Transfusion 2016;56:2824 (PMID 27589225), crossover: CE2 48.4% (SD 11.2); "
     "moment-matched [interp]; a controlled trial, routine spread may be wider"},
    {"optia-cmnc-patient", "1", "Spectra Optia cMNC", "patients", 0.468, GIDRON_SIGMA,
     "Transfusion 2022;62:1065: CE2 median 46.8% in patients (64.3% donors); "
     "no spread published, sigma of generic-auto [interp]"},
    {"optia-cmnc-auto", "1", "Spectra Optia cMNC", "autologous patients", 0.288, GIDRON_SIGMA,
     "J Clin Apher 2021, doi 10.1002/jca.21835: CE2 median 28.8%; "
     "no spread read, sigma of generic-auto [interp]"},
    {"amicus-auto", "1", "Fenwal Amicus", "autologous patients", 0.331, GIDRON_SIGMA,
     "J Clin Apher 2021, doi 10.1002/jca.21835: CE2 median 33.1%; "
     "no spread read, sigma of generic-auto [interp]"},
    {"cobe-spectra-lvl", "1", "COBE Spectra, large volume", "autologous patients", 0.5364916604,
     0.4360539403,
     "Sarkodee-Adoo C et al., BMT 2003: CE mean 0.59 (SD 0.27); moment-matched [interp]"},
    {"cs3000-lvl", "1", "Baxter CS-3000 Plus, large volume", "autologous patients", 0.303,
     0.7313417898,
     "Mehta J et al., BMT 2001;28:597: CE median 30.3% (range 1.7-87.5%), 177 collections; "
     "sigma from the range [interp]"},
    {"minimum", "1", "any", "conservative planning value", 0.30, GIDRON_SIGMA,
     "Kayser S et al., Transfus Med Hemother 2023 (PMID 37899994): CE 0.30 as a conservative "
     "minimum; sigma of generic-auto [interp]"},
};

#define NPRESETS (sizeof presets / sizeof presets[0])

PBSC_API size_t
pbsc_ce_count(void)
{
    return NPRESETS;
}

PBSC_API const pbsc_ce_model *
pbsc_ce_get(size_t i)
{
    return i < NPRESETS ? &presets[i] : NULL;
}

PBSC_API const pbsc_ce_model *
pbsc_ce_default(void)
{
    return &presets[0];
}

PBSC_API int
pbsc_ce_find(const char *id, const pbsc_ce_model **model, pbsc_diag *diag)
{
    size_t i;

    if (id == NULL || model == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, id == NULL ? "id" : "model", NAN, "NULL argument");
    for (i = 0; i < NPRESETS; i++) {
        if (strcmp(presets[i].id, id) == 0) {
            *model = &presets[i];
            return PBSC_OK;
        }
    }
    return pbsc_fail(diag, PBSC_E_UNKNOWN, "device", NAN, "no CE preset named '%.40s'", id);
}

PBSC_API int
pbsc_ce_user(double median, double sigma, pbsc_ce_model *model, pbsc_diag *diag)
{
    int rc;

    if (model == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "model", NAN, "output pointer is NULL");
    if ((rc = pbsc_need(PBSC_Q_CE, median, "ce_median", diag)) != PBSC_OK ||
        (rc = pbsc_need(PBSC_Q_CE_SIGMA, sigma, "ce_sigma", diag)) != PBSC_OK)
        return rc;
    model->id = "user";
    model->version = "";
    model->device = "user-defined";
    model->setting = "user-defined";
    model->median = median;
    model->sigma = sigma;
    model->source = "given by the caller";
    return PBSC_OK;
}
