/* SPDX-License-Identifier: MIT */
/* What a population fit did to each key, and why a key was kept (pbsc_population_fit_note). */
#include "popfit_private.h"

#include <math.h>
#include <string.h>

/* What each key kept as it was needs, when a history of aphereses cannot give it. */
/* A text for the keys a name matches (prefix()): one table shape for both lookups below. */
struct keytext {
    const char *key;
    const char *text;
};

static const struct keytext cannot[] = {
    {"day5_", "it needs the day-5 count of every patient; a history of aphereses holds the "
              "collected patients' counts only, on days it does not record"},
    {"gcsf_ratio45", "it needs counts on days without an apheresis; the history records the "
                     "next morning only after one"},
    {"gcsf_ratio_later", "it needs counts on days without an apheresis; the history records "
                         "the next morning only after one"},
    {"patient_sigma", "it needs counts on days without an apheresis; the history records the "
                      "next morning only after one"},
    {"plerixafor_", "it needs counts before and after a dose; the history records no doses"},
    {"plerixafor2_", "it needs counts before and after a dose; the history records no doses"},
    {"motixafortide_", "it needs counts before and after a dose; the history records no doses"},
    {"recovery_", "it needs the regimen and the white count's recovery; the history records "
                  "neither"},
    {"chemo_", "it needs the regimen and the white count's recovery; the history records "
               "neither"},
    {"pegfilgrastim_", "it needs the regimen; the history records none"},
    {"ce_wbc_split", "a bound or reference of the world, not a figure a history estimates"},
    {"ce_min", "a bound or reference of the world, not a figure a history estimates"},
    {"ce_max", "a bound or reference of the world, not a figure a history estimates"},
    {"yield_ref", "a bound or reference of the world, not a figure a history estimates"},
    {"events", "the cytometer's protocol; the history records no events"},
    {"weight_min", "a bound or reference of the world, not a figure a history estimates"},
    {"weight_max", "a bound or reference of the world, not a figure a history estimates"},
    {"age_min", "a bound or reference of the world, not a figure a history estimates"},
    {"age_max", "a bound or reference of the world, not a figure a history estimates"},
    {"male_share", "the history's covariates are the site's own names and codes: sex is not "
                   "one the library reads"},
    {"height_", "the history records no height"},
    {"age_", "the history's covariates are the site's own names and codes: age is not one the "
             "library reads"},
};

/* The column a fitted key needs, named when no row has it. */
static const struct keytext needs[] = {
    {"apheresis_ratio", "next_cd34"}, {"apheresis_sigma", "next_cd34"},
    {"day_sigma", "next_cd34"},       {"wbc_", "wbc"},
    {"hct_", "hct"},                  {"ce_", "collected"},
    {"yield_slope", "collected"},     {"weight_", "weight_kg"},
};

static int
prefix(const char *key, const char *p)
{
    size_t n = strlen(p);

    return p[n - 1] == '_' ? strncmp(key, p, n) == 0 : strcmp(key, p) == 0;
}

/* What a fitted key's count counts. */
static const char *
unit(const char *key)
{
    if (strcmp(key, "apheresis_sigma") == 0 || strcmp(key, "day_sigma") == 0 ||
        strcmp(key, "ce_patient_sigma") == 0 || strcmp(key, "ce_session_sigma") == 0)
        return "patients with two sessions or more";
    if (prefix(key, "wbc_") || prefix(key, "hct_") || prefix(key, "weight_"))
        return "patients";
    if (strcmp(key, "apheresis_ratio") == 0)
        return "sessions with next_cd34";
    return "sessions";
}

static size_t
index_of(const char *key)
{
    size_t i, n = pbsc_population_keys();

    for (i = 0; i < n && i < PBSC_POPULATION_KEYS_MAX; i++)
        if (strcmp(pbsc_population_key(i), key) == 0)
            return i;
    return PBSC_POPULATION_KEYS_MAX;
}

static void
mark(struct popfit *f, const char *key, int state, double estimate, double se, size_t used,
     size_t needed)
{
    size_t i = index_of(key);

    if (i == PBSC_POPULATION_KEYS_MAX)
        return;
    f->out.state[i] = (unsigned char)state;
    f->out.estimate[i] = estimate;
    f->out.se[i] = se;
    f->out.used[i] = used;
    f->out.needed[i] = needed;
}

void
popfit_set(struct popfit *f, const char *key, double estimate, double se, size_t used)
{
    int ok = pbsc_population_set(f->pop, key, estimate, NULL) == PBSC_OK;

    mark(f, key, ok ? PBSC_POPFIT_SET : PBSC_POPFIT_OUT_OF_RANGE, estimate, se, used, 0);
}

void
popfit_pooled(struct popfit *f, const char *key, double estimate, size_t used)
{
    int ok = pbsc_population_set(f->pop, key, estimate, NULL) == PBSC_OK;

    mark(f, key, ok ? PBSC_POPFIT_POOLED : PBSC_POPFIT_OUT_OF_RANGE, estimate, NAN, used,
         POPFIT_MIN_SIDE);
}

void
popfit_short(struct popfit *f, const char *key, size_t used, size_t needed)
{
    mark(f, key, PBSC_POPFIT_TOO_FEW, NAN, NAN, used, needed);
}

void
popfit_absent(struct popfit *f, const char *key)
{
    mark(f, key, PBSC_POPFIT_NOT_RECORDED, NAN, NAN, 0, 0);
}

void
popfit_imprecise(struct popfit *f, const char *key, double estimate, double se, size_t used)
{
    mark(f, key, PBSC_POPFIT_IMPRECISE, estimate, se, used, 0);
}

PBSC_API const char *
pbsc_popfit_state_name(pbsc_popfit_state state)
{
    static const char *const names[] = {"set",     "pooled",   "cannot",      "not-recorded",
                                        "too-few", "imprecise", "out-of-range"};

    return (int)state >= 0 && state < PBSC_POPFIT_COUNT_ ? names[state] : NULL;
}

/* The text of the first entry of table (n entries) that matches key, or `otherwise`. */
static const char *
lookup(const struct keytext *table, size_t n, const char *key, const char *otherwise)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (prefix(key, table[i].key))
            return table[i].text;
    return otherwise;
}

static const char *
why_cannot(const char *key)
{
    return lookup(cannot, sizeof cannot / sizeof cannot[0], key,
                  "the history records nothing that identifies it");
}

static const char *
column(const char *key)
{
    return lookup(needs, sizeof needs / sizeof needs[0], key, "?");
}

PBSC_API int
pbsc_population_fit_note(const pbsc_population_fit *fit, size_t key, char *buffer, size_t size)
{
    const char *name = pbsc_population_key(key);
    size_t u;
    double e, se;

    if (fit == NULL || buffer == NULL || size == 0 || fit->size < sizeof *fit || name == NULL ||
        key >= PBSC_POPULATION_KEYS_MAX)
        return -1;
    u = fit->used[key], e = fit->estimate[key], se = fit->se[key];
    switch (fit->state[key]) {
    case PBSC_POPFIT_SET:
        return isnan(se) ? pbsc_fmt(buffer, size, "%.4g from %zu %s", e, u, unit(name))
                         : pbsc_fmt(buffer, size, "%.4g (SE %.2g) from %zu %s", e, se, u,
                                    unit(name));
    case PBSC_POPFIT_POOLED:
        return pbsc_fmt(buffer, size,
                        "%.4g from %zu sessions, one value for either WBC: fewer than %zu "
                        "sessions with a WBC on one side of ce_wbc_split",
                        e, u, fit->needed[key]);
    case PBSC_POPFIT_NOT_RECORDED:
        return pbsc_fmt(buffer, size, "kept: it needs %s, in no row", column(name));
    case PBSC_POPFIT_TOO_FEW:
        return pbsc_fmt(buffer, size, "kept: it needs %zu %s, the history gives %zu",
                        fit->needed[key], unit(name), u);
    case PBSC_POPFIT_IMPRECISE:
        return pbsc_fmt(buffer, size, "kept: %.4g from %zu %s, its SE %.2g above %g", e, u,
                        unit(name), se, POPFIT_SLOPE_SE_MAX);
    case PBSC_POPFIT_OUT_OF_RANGE:
        return pbsc_fmt(buffer, size, "kept: %.4g from %zu %s is outside the key's range", e,
                        u, unit(name));
    default:
        return pbsc_fmt(buffer, size, "kept: %s", why_cannot(name));
    }
}
