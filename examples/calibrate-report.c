/* SPDX-License-Identifier: MIT */
/* pbsc-calibrate's report: text and JSON (split from examples/pbsc-calibrate.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"

/* NAN is a float constant; DNAN keeps the arithmetic double (-Wdouble-promotion). */
#define DNAN ((double)NAN)

/* ---- the report -------------------------------------------------------------------- */

#define F(buf, dec, v) cli_fmt(buf, sizeof buf, dec, v)

/* Whether the fit used WBC (Hct): pbsc_calibrate() leaves a slope it did not fit at 0, and a
 * fitted one is never exactly 0. */
static int
wbc_fitted(const result *r)
{
    return r->rep.ce_wbc_slope != 0.0;
}

static int
hct_fitted(const result *r)
{
    return r->rep.ce_hct_slope != 0.0;
}

/* "not recorded", or recorded and not fitted: the library's CE note says why (one value,
 * too few sessions, collinear), on the "CE fit" line. */
static void
not_fitted(cli_table *t, const char *column, size_t rows)
{
    if (rows == 0)
        cli_table_cell(t, "not recorded (no %s values)", column);
    else
        cli_table_cell(t, "not fitted (recorded in %lu sessions): see CE fit", (unsigned long)rows);
}

/* A part's note as its own line, when the library left one. */
static void
note_row(cli_table *t, const char *label, const char *note)
{
    if (note == NULL || note[0] == '\0')
        return;
    cli_table_cell(t, "%s", label);
    cli_table_cell(t, "%s", note);
}

static const char *
floored_text(const result *r, unsigned part)
{
    return (r->info.floored & part) != 0 ? ", raised to its floor" : "";
}

/* The model file as the report names it, or NULL when none was written. */
const char *
calibrate_model_file(const result *r)
{
    return r->o->output != NULL && strcmp(r->o->output, "-") != 0 ? r->o->output : NULL;
}

const char *
calibrate_population_file(const result *r)
{
    const char *w = r->o->write_population;

    return w != NULL && strcmp(w, "-") != 0 ? w : NULL;
}

static void
text_history(cli_table *t, const result *r)
{
    const pbsc_fit_report *p = &r->rep;
    size_t rows = pbsc_history_length(r->in.history), i, used = 0;
    char list[512] = "none";

    cli_table_cell(t, "history");
    if (p->sessions == rows)
        cli_table_cell(t, "%lu sessions (%s)", (unsigned long)rows, r->in.path);
    else
        cli_table_cell(t, "%lu sessions, %lu used for CE (%s)", (unsigned long)rows,
                       (unsigned long)p->sessions, r->in.path);
    for (i = 0; i < r->in.ncov && used < sizeof list; i++) {
        int n = snprintf(list + used, sizeof list - used, "%s%s", i > 0 ? ", " : "", r->in.cov[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    cli_table_cell(t, "covariates");
    cli_table_cell(t, "%s", list);
    for (i = 0; i < r->in.ncat; i++) {
        char what[512];
        cat_describe(&r->in.cat[i], what, sizeof what);
        cli_table_cell(t, "coded %s", r->in.cat[i].name);
        cli_table_cell(t, "%s", what);
    }
}

/* "at WBC 25.0 x10^9/L, Hct 33.0 %": the references the median is at, for what was fitted. */
static void
references(const result *r, char *buf, size_t size)
{
    char a[64], b[64];

    if (wbc_fitted(r) && hct_fitted(r))
        snprintf(buf, size, " at WBC %s x10^9/L and Hct %s %%", F(a, 1, r->params.ce_wbc_ref),
                 F(b, 1, r->params.ce_hct_ref));
    else if (wbc_fitted(r))
        snprintf(buf, size, " at WBC %s x10^9/L", F(a, 1, r->params.ce_wbc_ref));
    else if (hct_fitted(r))
        snprintf(buf, size, " at Hct %s %%", F(b, 1, r->params.ce_hct_ref));
    else
        buf[0] = '\0';
}

static void
text_ce(cli_table *t, const result *r)
{
    const pbsc_fit_report *p = &r->rep;
    char a[64], b[64], ref[128];

    references(r, ref, sizeof ref);
    cli_table_cell(t, "CE model");
    cli_table_cell(t, "%s: CE2 median %s%s, sigma %s (SD of ln CE2%s)", r->params.ce.id,
                   F(a, 3, p->ce_median), ref, F(b, 3, p->ce_sigma), floored_text(r, PBSC_PART_CE));
    cli_table_cell(t, "CE and WBC");
    if (wbc_fitted(r))
        cli_table_cell(t, "slope %s (d ln CE2 / d ln WBC)", F(a, 3, p->ce_wbc_slope));
    else
        not_fitted(t, "wbc", r->in.wbc_rows);
    cli_table_cell(t, "CE and Hct");
    if (hct_fitted(r))
        cli_table_cell(t, "slope %s per Hct %% (d ln CE2 / d Hct)", F(a, 4, p->ce_hct_slope));
    else
        not_fitted(t, "hct", r->in.hct_rows);
    cli_table_cell(t, "yield and count");
    cli_table_cell(t, "slope %s (d ln yield / d ln PB CD34 around %s/uL)%s",
                   F(a, 4, r->params.count_slope), F(b, 0, r->params.count_ref),
                   r->info.fitted_parts & PBSC_PART_COUNT_SLOPE ? "" : ", the default: not fitted");
    cli_table_cell(t, "CE and volume");
    if (r->info.fitted_parts & PBSC_PART_CE_VOLUME)
        cli_table_cell(t, "slope %s (d ln CE2 / d ln litres around %s L)",
                       F(a, 3, r->params.ce_volume_slope), F(b, 1, r->params.ce_volume_ref));
    else
        cli_table_cell(t, "none: not fitted");
    note_row(t, "CE fit", r->info.ce_note);
    cli_table_cell(t, "yield intervals");
    if (isnan(p->coverage_cv))
        cli_table_cell(t, "coverage not computed");
    else
        cli_table_cell(t,
                       "%s%% of held-out yields inside their 90%% interval "
                       "(cross-validated)",
                       F(a, 1, 100.0 * p->coverage_cv));
}

static void
text_ratio(cli_table *t, const result *r)
{
    const pbsc_fit_report *p = &r->rep;
    char a[64], b[64];

    cli_table_cell(t, "after apheresis");
    if (isnan(p->apheresis_ratio))
        cli_table_cell(t,
                       "not fitted (%lu sessions with next_cd34): the model keeps %s, "
                       "sigma %s",
                       (unsigned long)p->ratio_sessions, F(a, 3, r->params.apheresis_ratio),
                       F(b, 3, r->params.apheresis_sigma));
    else
        cli_table_cell(t, "next morning's PB CD34 x %s (median), sigma %s%s, from %lu sessions",
                       F(a, 3, p->apheresis_ratio), F(b, 3, p->apheresis_sigma),
                       floored_text(r, PBSC_PART_APHERESIS), (unsigned long)p->ratio_sessions);
    note_row(t, "ratio fit", r->info.apheresis_note);
}

static void
text_risk(cli_table *t, const result *r)
{
    const pbsc_fit_report *p = &r->rep;
    char a[64], b[64], c[64];

    cli_table_cell(t, "poor mobilization");
    if (p->patients == 0)
        cli_table_cell(t, "no patient with the outcome (poor) and every covariate recorded");
    else
        cli_table_cell(t, "%lu poor of %lu patients (%s%%) with the outcome and every covariate",
                       (unsigned long)p->events, (unsigned long)p->patients,
                       F(a, 1, 100.0 * (double)p->events / (double)p->patients));
    cli_table_cell(t, "risk model");
    if (pbsc_model_covariates(r->model) == 0) { /* the library's note says why */
        cli_table_cell(t, "not fitted: %s", r->info.risk_note);
        return;
    }
    if (isnan(p->auc_cv))
        cli_table_cell(t, "AUC and Brier score not computed");
    else {
        double base = (double)p->events / (double)p->patients;

        cli_table_cell(t,
                       "AUC %s, Brier score %s (cross-validated; %s for the base rate "
                       "alone)",
                       F(a, 3, p->auc_cv), F(b, 3, p->brier_cv), F(c, 3, base * (1.0 - base)));
    }
}

static void
text_terms(cli_table *t, const result *r)
{
    size_t i, n = pbsc_model_covariates(r->model);
    char a[64], b[64], c[64];

    cli_table_cell(t, "risk term");
    cli_table_cell(t, "coefficient");
    cli_table_cell(t, "mean");
    cli_table_cell(t, "scale");
    for (i = 0; i < n; i++) {
        double coef, mean, scale;
        const char *name = pbsc_model_covariate(r->model, i, &coef, &mean, &scale);

        cli_table_cell(t, "%s", name);
        cli_table_cell(t, "%s", F(a, 3, coef));
        cli_table_cell(t, "%s", i == 0 ? "-" : F(b, 3, mean)); /* the intercept's are unused */
        cli_table_cell(t, "%s", i == 0 ? "-" : F(c, 3, scale));
    }
}

int
calibrate_print_text(const result *r)
{
    cli_table *t = cli_table_new(2), *terms = cli_table_new(4);
    int rc = -1;

    if (t != NULL && terms != NULL) {
        text_history(t, r);
        text_ce(t, r);
        text_ratio(t, r);
        text_risk(t, r);
        if (r->fitted_population && calpop_text(t, &r->pop, calibrate_population_file(r)) != 0)
            rc = -2; /* out of memory */
        cli_table_cell(t, "model file");
        if (calibrate_model_file(r) != NULL)
            cli_table_cell(t, "%s", calibrate_model_file(r));
        else
            cli_table_cell(t, "not written (-o FILE writes it)");
        cli_table_cell(t, "library");
        cli_table_cell(t, "libpbsc %s", pbsc_version_string());
        text_terms(terms, r);
    }
    if (rc == -1 && cli_table_ok(t) && cli_table_ok(terms)) {
        cli_table_print(t, stdout);
        if (pbsc_model_covariates(r->model) > 0) {
            printf("\nP(poor) = 1 / (1 + exp(-(intercept + sum of coefficient x (value - mean) "
                   "/ scale)))\n");
            cli_table_print(terms, stdout);
        }
        rc = 0;
    }
    cli_table_free(t);
    cli_table_free(terms);
    return rc;
}

/* "floored" (CE and ratio) and "note", null when the library left none. */
static void
json_note(cli_json *j, const result *r, unsigned part, const char *note)
{
    if (part != PBSC_PART_RISK)
        cli_json_bool_member(j, "floored", (r->info.floored & part) != 0);
    cli_json_string_member(j, "note", note != NULL && note[0] != '\0' ? note : NULL);
}

static void
json_risk(cli_json *j, const result *r)
{
    const pbsc_fit_report *p = &r->rep;
    size_t i, n = pbsc_model_covariates(r->model);

    cli_json_begin_object(j, "risk");
    cli_json_size_member(j, "patients", p->patients);
    cli_json_size_member(j, "events", p->events);
    cli_json_number_member(j, "auc_cv", n > 0 ? p->auc_cv : DNAN);
    cli_json_number_member(j, "brier_cv", n > 0 ? p->brier_cv : DNAN);
    cli_json_begin_array(j, "terms");
    for (i = 0; i < n; i++) {
        double coef, mean, scale;
        const char *name = pbsc_model_covariate(r->model, i, &coef, &mean, &scale);

        cli_json_begin_object(j, NULL);
        cli_json_string_member(j, "name", name);
        cli_json_number_member(j, "coefficient", coef);
        cli_json_number_member(j, "mean", mean);
        cli_json_number_member(j, "scale", scale);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
    cli_json_bool_member(j, "fitted", n > 0);
    json_note(j, r, PBSC_PART_RISK, r->info.risk_note);
    cli_json_end_object(j);
}

/* The categorical columns: each one's reference and its 0/1 covariates. */
static void
json_categorical(cli_json *j, const result *r)
{
    size_t k, i;

    cli_json_begin_array(j, "categorical");
    for (k = 0; k < r->in.ncat; k++) {
        const cat_column *c = &r->in.cat[k];
        cli_json_begin_object(j, NULL);
        cli_json_string_member(j, "column", c->name);
        cli_json_string_member(j, "reference",
                               c->reference < 0 ? NULL : cat_level_name(c, c->reference));
        cli_json_size_member(j, "reference_rows",
                             c->reference < 0 ? 0 : c->count[c->reference]);
        cli_json_size_member(j, "not_recorded", c->missing);
        cli_json_begin_array(j, "covariates");
        for (i = 0; i < c->nlevels; i++) {
            if (c->dummy[i][0] == '\0')
                continue;
            cli_json_begin_object(j, NULL);
            cli_json_string_member(j, "name", c->dummy[i]);
            cli_json_string_member(j, "level", cat_level_name(c, (int)i));
            cli_json_size_member(j, "rows", c->count[i]);
            cli_json_end_object(j);
        }
        cli_json_end_array(j);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

void
calibrate_print_json(const result *r)
{
    const pbsc_fit_report *p = &r->rep;
    int ratio = !isnan(p->apheresis_ratio);
    cli_json j;

    cli_json_init(&j, stdout);
    cli_json_begin_object(&j, NULL);
    cli_json_string_member(&j, "library_version", pbsc_version_string());
    cli_json_size_member(&j, "sessions", p->sessions);
    cli_json_begin_object(&j, "ce");
    cli_json_number_member(&j, "median", p->ce_median);
    cli_json_number_member(&j, "sigma", p->ce_sigma);
    cli_json_number_member(&j, "wbc_slope", wbc_fitted(r) ? p->ce_wbc_slope : DNAN);
    cli_json_number_member(&j, "wbc_ref", wbc_fitted(r) ? r->params.ce_wbc_ref : DNAN);
    cli_json_number_member(&j, "hct_slope", hct_fitted(r) ? p->ce_hct_slope : DNAN);
    cli_json_number_member(&j, "hct_ref", hct_fitted(r) ? r->params.ce_hct_ref : DNAN);
    cli_json_number_member(&j, "count_slope", r->params.count_slope);
    cli_json_number_member(&j, "count_ref", r->params.count_ref);
    cli_json_bool_member(&j, "count_slope_fitted",
                         (r->info.fitted_parts & PBSC_PART_COUNT_SLOPE) != 0);
    cli_json_number_member(&j, "volume_slope", r->params.ce_volume_slope);
    cli_json_number_member(&j, "volume_ref", (r->info.fitted_parts & PBSC_PART_CE_VOLUME)
                                                 ? r->params.ce_volume_ref
                                                 : DNAN);
    cli_json_bool_member(&j, "volume_slope_fitted",
                         (r->info.fitted_parts & PBSC_PART_CE_VOLUME) != 0);
    json_note(&j, r, PBSC_PART_CE, r->info.ce_note);
    cli_json_end_object(&j);
    cli_json_number_member(&j, "coverage_cv", p->coverage_cv);
    cli_json_begin_object(&j, "apheresis_ratio");
    cli_json_number_member(&j, "median", ratio ? p->apheresis_ratio : DNAN);
    cli_json_number_member(&j, "sigma", ratio ? p->apheresis_sigma : DNAN);
    cli_json_size_member(&j, "sessions", p->ratio_sessions);
    cli_json_bool_member(&j, "fitted", ratio);
    json_note(&j, r, PBSC_PART_APHERESIS, r->info.apheresis_note);
    cli_json_end_object(&j);
    json_categorical(&j, r);
    json_risk(&j, r);
    if (r->fitted_population)
        calpop_json(&j, &r->pop, calibrate_population_file(r));
    cli_json_string_member(&j, "model_file", calibrate_model_file(r));
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

