/* SPDX-License-Identifier: MIT */
/* The site model: count dynamics, CE and the risk of poor mobilization; its literature
 * defaults, its checks, and its text file (pbsc-model(5)). */
#include "pbsc_private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/*
 * Literature defaults (pbsc_model_new(3) states each):
 * - CE2: the generic-auto preset (Gidron 2005), no WBC or Hct dependence (slopes 0; the
 *   references, 20 x10^9/L (Gidron's WBC split) and 35 %, have no effect while slopes are 0);
 * - G-CSF alone, day d to d+1: healthy-donor means 60.7, 128, 107/uL on days 4, 5, 6
 *   (Transfus Med 1997;7:19) give 128/60.7 = 2.1087 (day 4 to 5) and 107/128 = 0.8359
 *   (day 5 to 6), the fall assumed to go on at that rate [interp]; before day 4 no figure was
 *   found: ratio 1 (no rise predicted, the conservative side) [ours];
 * - plerixafor: median 3.1-fold (range 1-8) after a first dose, 1.2 (0.3-6.5) after a second
 *   (PMID 22080963); the range taken as the central 95% [interp]: sigma = ln(8/1) / 3.92 =
 *   0.5305 and ln(6.5/0.3) / 3.92 = 0.7847; motixafortide median 7.5-fold (GENESIS lead-in),
 *   no spread read: the first plerixafor dose's [interp];
 * - the morning after an apheresis: no published figure was found; PB CD34 can
 *   fall ~30% in the first hour (PMID 12375664): median 0.7 [interp, conservative];
 * - the yield model v2 (lib/pbsc_private.h gives the sources): the yield's log-log slope on
 *   the pre-count 0.8595 (patients) and 0.7559 (donors) around 19/uL and 128/uL; CE does not
 *   fall with the volume (slope 0, no reference) until a site's history says it does;
 * - every spread no source gives (G-CSF, chemotherapy, after apheresis): sigma 0.5, wide on
 *   purpose (a 95% ratio range of x0.37 to x2.7) [ours]; a site fits its own.
 */
/* One list for both constants below (a const object is not a constant initializer in C). */
#define DEFAULT_PARAMS \
    { \
    .size = sizeof(pbsc_model_params), \
    .ce = {"generic-auto", "1", "mixed devices", "autologous patients", 0.46, 0.5108088028, \
    "Gidron A et al., BMT 2005;35:243"}, \
    .ce_wbc_slope = 0.0, \
    .ce_wbc_ref = 20.0, \
    .ce_hct_slope = 0.0, \
    .ce_hct_ref = 35.0, \
    .gcsf_ratio = {1.0, 1.0, 1.0, 2.1087314662, 0.8359375, 0.8359375, 0.8359375, 0.8359375}, \
    .gcsf_sigma = 0.5, \
    .chemo_ratio = 1.0, \
    .chemo_sigma = 0.5, \
    .apheresis_ratio = PBSC_APHERESIS_RATIO, \
    .apheresis_sigma = 0.5, \
    .plerixafor_fold = 3.1, \
    .plerixafor_sigma = 0.5304795245, \
    .plerixafor2_fold = 1.2, \
    .plerixafor2_sigma = 0.7846508868, \
    .motixafortide_fold = 7.5, \
    .motixafortide_sigma = 0.5304795245, \
    .count_ref = PBSC_COUNT_REF, \
    .count_ref_donor = PBSC_COUNT_REF_DONOR, \
    .count_slope = PBSC_COUNT_SLOPE, \
    .count_slope_donor = PBSC_COUNT_SLOPE_DONOR, \
    .ce_volume_slope = 0.0, \
    .ce_volume_ref = 0.0 \
    }
static const pbsc_model_params defaults = DEFAULT_PARAMS;

/* Points the params' CE strings at the model's own copies. */
void
pbsc_model_own_strings(pbsc_model *m)
{
    m->p.ce.id = m->ce_id;
    m->p.ce.version = "";
    m->p.ce.device = m->ce_device;
    m->p.ce.setting = m->ce_setting;
    m->p.ce.source = m->ce_source;
}

/* Copies ce's strings into m (through a copy: they may be m's own, from pbsc_model_get). */
static void
set_strings(pbsc_model *m, const pbsc_ce_model *ce)
{
    pbsc_model tmp;

    pbsc_fmt(tmp.ce_id, sizeof tmp.ce_id, "%s", ce->id != NULL ? ce->id : "");
    pbsc_fmt(tmp.ce_device, sizeof tmp.ce_device, "%s", ce->device != NULL ? ce->device : "");
    pbsc_fmt(tmp.ce_setting, sizeof tmp.ce_setting, "%s", ce->setting != NULL ? ce->setting : "");
    pbsc_fmt(tmp.ce_source, sizeof tmp.ce_source, "%s", ce->source != NULL ? ce->source : "");
    memcpy(m->ce_id, tmp.ce_id, sizeof m->ce_id);
    memcpy(m->ce_device, tmp.ce_device, sizeof m->ce_device);
    memcpy(m->ce_setting, tmp.ce_setting, sizeof m->ce_setting);
    memcpy(m->ce_source, tmp.ce_source, sizeof m->ce_source);
    pbsc_model_own_strings(m);
}

/* The 1.0 layouts end with motixafortide_sigma and hash. */
#define PARAMS_MIN (offsetof(pbsc_model_params, motixafortide_sigma) + sizeof(double))
#define INFO_MIN (offsetof(pbsc_model_info, hash) + sizeof(const char *))

void
pbsc_model_rehash(pbsc_model *m)
{
    pbsc_hash_text(pbsc_model_into, m, m->hash);
}

/* The literature model as a constant, for decisions without a site model (no work per
 * call). Its hash is pbsc_model_rehash()'s of these values; tests/check_model.c recomputes
 * it, so a changed default cannot keep a stale hash. */
#define DEFAULTS_HASH "3073dd1b1412e3b0"
static const pbsc_model default_model = {
    .p = DEFAULT_PARAMS,
    .id = "defaults",
    .version = "1",
    .fitted = 0,
    .hash = DEFAULTS_HASH,
    .ce_id = "generic-auto",
    .ce_device = "mixed devices",
    .ce_setting = "autologous patients",
    .ce_source = "Gidron A et al., BMT 2005;35:243",
};

const pbsc_model *
pbsc_model_default(void)
{
    return &default_model;
}

void
pbsc_model_defaults(pbsc_model *m)
{
    *m = default_model;
    pbsc_model_own_strings(m);
}

PBSC_API void
pbsc_model_params_init_sized(pbsc_model_params *params, size_t size)
{
    pbsc_sized_init(params, size, &defaults, sizeof defaults);
}

PBSC_API void
pbsc_model_info_init_sized(pbsc_model_info *info, size_t size)
{
    pbsc_model_info full;

    memset(&full, 0, sizeof full);
    pbsc_sized_init(info, size, &full, sizeof full);
}

PBSC_API int
pbsc_model_info_get(const pbsc_model *model, pbsc_model_info *info)
{
    pbsc_model_info full;

    if (model == NULL || info == NULL)
        return PBSC_E_INVAL;
    pbsc_model_info_init(&full);
    full.id = model->id;
    full.version = model->version;
    full.fitted = model->fitted;
    full.hash = model->hash;
    full.fitted_parts = model->fit.parts;
    full.floored = model->fit.floored;
    full.ce_note = model->fit.note[PBSC_NOTE_CE];
    full.apheresis_note = model->fit.note[PBSC_NOTE_APHERESIS];
    full.risk_note = model->fit.note[PBSC_NOTE_RISK];
    return pbsc_sized_out(info, &full, sizeof full, INFO_MIN);
}

PBSC_API int
pbsc_model_new(pbsc_model **model, pbsc_diag *diag)
{
    pbsc_model *m;

    if (model == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "model", NAN, "NULL argument");
    m = pbsc_alloc(sizeof *m);
    if (m == NULL)
        return pbsc_fail(diag, PBSC_E_NOMEM, "model", NAN, "out of memory");
    pbsc_model_defaults(m);
    *model = m;
    return PBSC_OK;
}

PBSC_API void
pbsc_model_free(pbsc_model *model)
{
    pbsc_dealloc(model);
}

PBSC_API int
pbsc_model_get(const pbsc_model *model, pbsc_model_params *params)
{
    if (model == NULL || params == NULL)
        return PBSC_E_INVAL;
    return pbsc_sized_out(params, &model->p, sizeof model->p, PARAMS_MIN);
}

/* A ratio or fold: finite, in (0, 100]; its sigma in [0, 3]. Input sanity, not clinical. */
static int
check_lognormal(double median, double sigma, const char *m_name, const char *s_name,
                pbsc_diag *diag)
{
    if (!(median > 0.0 && median <= 100.0))
        return pbsc_fail(diag, isnan(median) ? PBSC_E_MISSING : PBSC_E_RANGE, m_name, median,
                         "%s %g is outside (0, 100]", m_name, median);
    if (!(sigma >= 0.0 && sigma <= 3.0))
        return pbsc_fail(diag, isnan(sigma) ? PBSC_E_MISSING : PBSC_E_RANGE, s_name, sigma,
                         "%s %g is outside [0, 3]", s_name, sigma);
    return PBSC_OK;
}

static int
check_slope(double slope, double ref, const char *s_name, const char *r_name, double ref_max,
            pbsc_diag *diag)
{
    if (!(slope >= -10.0 && slope <= 10.0))
        return pbsc_fail(diag, isnan(slope) ? PBSC_E_MISSING : PBSC_E_RANGE, s_name, slope,
                         "%s %g is outside [-10, 10]", s_name, slope);
    if (!(ref > 0.0 && ref <= ref_max))
        return pbsc_fail(diag, isnan(ref) ? PBSC_E_MISSING : PBSC_E_RANGE, r_name, ref,
                         "%s %g is outside (0, %g]", r_name, ref, ref_max);
    return PBSC_OK;
}

/* A value within [lo, hi] (lo excluded when open): input sanity, as pbsc_session_shape(). */
static int
check_in(double v, double lo, int open, double hi, const char *name, pbsc_diag *diag)
{
    if ((open ? v > lo : v >= lo) && v <= hi)
        return PBSC_OK;
    return pbsc_fail(diag, isnan(v) ? PBSC_E_MISSING : PBSC_E_RANGE, name, v,
                     "%s %g is outside %c%g, %g]", name, v, open ? '(' : '[', lo, hi);
}

/* The yield model v2's parameters: the ranges pbsc_yield_project(3) states; a volume slope
 * needs its reference, and a reference of 0 means none. */
static int
check_shape(const pbsc_model_params *p, pbsc_diag *diag)
{
    int rc;

    if ((rc = check_in(p->count_ref, 0.0, 1, 5000.0, "count_ref", diag)) != PBSC_OK ||
        (rc = check_in(p->count_ref_donor, 0.0, 1, 5000.0, "count_ref_donor", diag)) != PBSC_OK ||
        (rc = check_in(p->count_slope, 0.0, 1, 2.0, "count_slope", diag)) != PBSC_OK ||
        (rc = check_in(p->count_slope_donor, 0.0, 1, 2.0, "count_slope_donor", diag)) !=
            PBSC_OK ||
        (rc = check_in(p->ce_volume_slope, -0.9, 0, 1.0, "ce_volume_slope", diag)) != PBSC_OK ||
        (rc = check_in(p->ce_volume_ref, 0.0, 0, 60.0, "ce_volume_ref", diag)) != PBSC_OK)
        return rc;
    if (p->ce_volume_slope != 0.0 && p->ce_volume_ref == 0.0)
        return pbsc_fail(diag, PBSC_E_MISSING, "ce_volume_ref", 0.0,
                         "ce_volume_slope %g needs a ce_volume_ref above 0 L", p->ce_volume_slope);
    return PBSC_OK;
}

int
pbsc_model_check(const pbsc_model_params *p, pbsc_diag *diag)
{
    char name[24], a[32], b[32];
    int rc, d;

    if ((rc = pbsc_need(PBSC_Q_CE, p->ce.median, "ce_median", diag)) != PBSC_OK)
        return rc;
    if (p->ce.median < PBSC_CE_MIN) /* used as is, never raised behind the file's back */
        return pbsc_fail(diag, PBSC_E_RANGE, "ce_median", p->ce.median,
                         "ce_median %s is below %s, the smallest CE the model uses",
                         pbsc_num(a, p->ce.median), pbsc_num(b, PBSC_CE_MIN));
    if ((rc = pbsc_need(PBSC_Q_CE_SIGMA, p->ce.sigma, "ce_sigma", diag)) != PBSC_OK ||
        (rc = check_slope(p->ce_wbc_slope, p->ce_wbc_ref, "ce_wbc_slope", "ce_wbc_ref", 500.0,
                          diag)) != PBSC_OK ||
        (rc = check_slope(p->ce_hct_slope, p->ce_hct_ref, "ce_hct_slope", "ce_hct_ref", 100.0,
                          diag)) != PBSC_OK)
        return rc;
    for (d = 0; d < PBSC_GCSF_DAYS; d++) {
        pbsc_fmt(name, sizeof name, "gcsf_ratio[%d]", d);
        if ((rc = check_lognormal(p->gcsf_ratio[d], p->gcsf_sigma, name, "gcsf_sigma", diag)) !=
            PBSC_OK)
            return rc;
    }
    if ((rc = check_lognormal(p->chemo_ratio, p->chemo_sigma, "chemo_ratio", "chemo_sigma",
                              diag)) != PBSC_OK ||
        (rc = check_lognormal(p->apheresis_ratio, p->apheresis_sigma, "apheresis_ratio",
                              "apheresis_sigma", diag)) != PBSC_OK ||
        (rc = check_lognormal(p->plerixafor_fold, p->plerixafor_sigma, "plerixafor_fold",
                              "plerixafor_sigma", diag)) != PBSC_OK ||
        (rc = check_lognormal(p->plerixafor2_fold, p->plerixafor2_sigma, "plerixafor2_fold",
                              "plerixafor2_sigma", diag)) != PBSC_OK)
        return rc;
    if ((rc = check_lognormal(p->motixafortide_fold, p->motixafortide_sigma,
                              "motixafortide_fold", "motixafortide_sigma", diag)) != PBSC_OK)
        return rc;
    return check_shape(p, diag);
}

/* The session's yield model v2 from the model: the donor's reference and slope when the
 * session has a recipient. */
void
pbsc_model_shape(const pbsc_model *m, pbsc_session *s)
{
    int donor = !isnan(s->recipient_kg);

    s->count_ref = donor ? m->p.count_ref_donor : m->p.count_ref;
    s->count_slope = donor ? m->p.count_slope_donor : m->p.count_slope;
    s->volume_slope = m->p.ce_volume_slope;
    s->volume_ref = m->p.ce_volume_slope != 0.0 ? m->p.ce_volume_ref : (double)NAN;
    s->count_ratio = m->p.apheresis_ratio;
}

/* A CE string goes on one line of a model file: no line breaks, no blanks at its ends. */
static int
check_strings(const pbsc_ce_model *ce, pbsc_diag *diag)
{
    const char *const v[] = {ce->id, ce->device, ce->setting, ce->source};
    static const char *const names[] = {"ce_id", "ce_device", "ce_setting", "ce_source"};
    size_t i;

    for (i = 0; i < 4; i++) {
        size_t n = v[i] != NULL ? strlen(v[i]) : 0;
        if (v[i] != NULL && strpbrk(v[i], "\r\n") != NULL)
            return pbsc_fail(diag, PBSC_E_RANGE, names[i], NAN, "%s has a line break", names[i]);
        /* the file trims blanks around a value: they would not read back */
        if (n > 0 && (strchr(" \t", v[i][0]) != NULL || strchr(" \t", v[i][n - 1]) != NULL))
            return pbsc_fail(diag, PBSC_E_RANGE, names[i], NAN, "%s begins or ends with a blank",
                             names[i]);
    }
    return PBSC_OK;
}

PBSC_API int
pbsc_model_set(pbsc_model *model, const pbsc_model_params *params, pbsc_diag *diag)
{
    pbsc_model_params full = defaults;
    int rc;

    if (model == NULL || params == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, model == NULL ? "model" : "params", NAN,
                         "NULL argument");
    if (pbsc_sized_in(&full, sizeof full, params, PARAMS_MIN) != PBSC_OK)
        return pbsc_fail(diag, PBSC_E_INVAL, "params", (double)params->size,
                         "params->size %zu: initialise it with pbsc_model_params_init()",
                         params->size);
    if ((rc = pbsc_model_check(&full, diag)) != PBSC_OK ||
        (rc = check_strings(&full.ce, diag)) != PBSC_OK)
        return rc;
    model->p = full;
    model->p.size = sizeof model->p;
    set_strings(model, &full.ce); /* copies: the caller's strings need not outlive it */
    pbsc_model_rehash(model);
    /* changed parameters are no longer the literature model: never recorded as "defaults" */
    if (strcmp(model->id, "defaults") == 0 && strcmp(model->hash, DEFAULTS_HASH) != 0) {
        pbsc_fmt(model->id, sizeof model->id, "user");
        model->version[0] = '\0';
        pbsc_model_rehash(model); /* the id is part of the text */
    }
    return PBSC_OK;
}

PBSC_API int
pbsc_model_from_ce(const pbsc_ce_model *ce, pbsc_model **model, pbsc_diag *diag)
{
    pbsc_model_params p = defaults;
    pbsc_model *m = NULL;
    int rc;

    if (ce == NULL || model == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, ce == NULL ? "ce" : "model", NAN, "NULL argument");
    if ((rc = pbsc_model_new(&m, diag)) != PBSC_OK)
        return rc;
    p.ce = *ce;
    if ((rc = pbsc_model_set(m, &p, diag)) != PBSC_OK) {
        pbsc_model_free(m);
        return rc;
    }
    /* the literature model with this CE: named after the CE preset it carries */
    pbsc_fmt(m->id, sizeof m->id, "ce:%.28s", ce->id != NULL ? ce->id : "");
    pbsc_fmt(m->version, sizeof m->version, "%.15s",
             ce->version != NULL && ce->version[0] != '\0' ? ce->version : "1");
    pbsc_model_rehash(m);
    *model = m;
    return PBSC_OK;
}

/* CE at this WBC and Hct: ln median shifts by the slopes; NAN inputs use the references.
 * *held (if not NULL) tells whether the shifted median was held within the CE range. */
int
pbsc_model_ce_held(const pbsc_model *model, double wbc, double hct, pbsc_ce_model *ce, int *held,
                   pbsc_diag *diag)
{
    const pbsc_model_params *p;
    double shift = 0.0, median;
    int rc;

    if (model == NULL || ce == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, model == NULL ? "model" : "ce", NAN, "NULL argument");
    if ((rc = pbsc_optional(PBSC_Q_WBC, wbc, NULL, diag)) != PBSC_OK)
        return rc;
    if (!isnan(hct) && !(hct > 0.0 && hct <= 100.0))
        return pbsc_fail(diag, isinf(hct) ? PBSC_E_NOTFINITE : PBSC_E_RANGE, "hct", hct,
                         "hct %g %% is outside (0, 100]", hct);
    p = &model->p;
    if (!isnan(wbc) && wbc > 0.0 && p->ce_wbc_slope != 0.0)
        shift += p->ce_wbc_slope * log(wbc / p->ce_wbc_ref);
    if (!isnan(hct) && p->ce_hct_slope != 0.0)
        shift += p->ce_hct_slope * (hct - p->ce_hct_ref);
    median = p->ce.median * exp(shift);
    /* a fitted slope extrapolated far from the site's data stays within the CE range; the
     * caller learns it (decisions set PBSC_W_CE_HELD) */
    if (held != NULL)
        *held = !(median >= PBSC_CE_MIN && median <= PBSC_CE_MAX);
    median = fmin(fmax(median, PBSC_CE_MIN), PBSC_CE_MAX);
    *ce = p->ce;
    ce->median = median;
    return PBSC_OK;
}

PBSC_API int
pbsc_model_ce(const pbsc_model *model, double wbc, double hct, pbsc_ce_model *ce, pbsc_diag *diag)
{
    return pbsc_model_ce_held(model, wbc, hct, ce, NULL, diag);
}

PBSC_API size_t
pbsc_model_covariates(const pbsc_model *model)
{
    return model == NULL ? 0 : model->terms;
}

PBSC_API const char *
pbsc_model_covariate(const pbsc_model *model, size_t i, double *coefficient, double *mean,
                     double *scale)
{
    if (model == NULL || i >= model->terms)
        return NULL;
    if (coefficient != NULL)
        *coefficient = model->coef[i];
    if (mean != NULL)
        *mean = model->mean[i];
    if (scale != NULL)
        *scale = model->scale[i];
    return model->name[i];
}

/* P(poor) = 1 / (1 + exp(-(b0 + sum b_i (x_i - mean_i) / scale_i))). */
PBSC_API int
pbsc_model_risk(const pbsc_model *model, const double *values, size_t count, double *probability,
                pbsc_diag *diag)
{
    double eta;
    size_t i;

    if (model == NULL || probability == NULL || (values == NULL && count > 0))
        return pbsc_fail(diag, PBSC_E_INVAL, model == NULL ? "model" : "values", NAN,
                         "NULL argument");
    if (model->terms == 0)
        return pbsc_fail(diag, PBSC_E_MISSING, "risk", NAN, "the model has no risk model");
    if (count != model->terms - 1)
        return pbsc_fail(diag, PBSC_E_INVAL, "count", (double)count,
                         "the risk model has %zu covariates, %zu values given", model->terms - 1,
                         count);
    eta = model->coef[0];
    for (i = 1; i < model->terms; i++) {
        double x = values[i - 1];
        if (isnan(x))
            return pbsc_fail(diag, PBSC_E_MISSING, model->name[i], x, "%s is not given",
                             model->name[i]);
        if (isinf(x))
            return pbsc_fail(diag, PBSC_E_NOTFINITE, model->name[i], x, "%s is infinite",
                             model->name[i]);
        eta += model->coef[i] * (x - model->mean[i]) / model->scale[i];
    }
    if (!isfinite(eta))
        return pbsc_fail(diag, PBSC_E_RANGE, "risk", eta,
                         "the risk model's linear predictor is not finite at these values "
                         "(a value far outside the model's scale)");
    *probability = 1.0 / (1.0 + exp(-eta));
    return PBSC_OK;
}
