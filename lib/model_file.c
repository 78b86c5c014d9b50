/* SPDX-License-Identifier: MIT */
/* The model file (pbsc-model(5)): its key table, parser and writer. The model itself, its
 * defaults and their sources are lib/model.c; the fit record's keys lib/model_fit.c. */
#include "pbsc_private.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ---- the model file -------------------------------------------------------------------- */

enum mkind { M_STR, M_NUM, M_RATIOS, M_BOOL };

struct mkey {
    const char *name;
    enum mkind kind;
    size_t offset; /* into pbsc_model */
    size_t size;   /* M_STR */
};

#define MSTR(n, f)                                                                                 \
    {                                                                                              \
        n, M_STR, offsetof(pbsc_model, f), sizeof(((pbsc_model *)0)->f)                            \
    }
#define MNUM(n, f)                                                                                 \
    {                                                                                              \
        n, M_NUM, offsetof(pbsc_model, p.f), 0                                                     \
    }

static const struct mkey mkeys[] = {
    MSTR("id", id),
    MSTR("version", version),
    {"fitted", M_BOOL, offsetof(pbsc_model, fitted), 0},
    MSTR("ce_id", ce_id),
    MSTR("ce_device", ce_device),
    MSTR("ce_setting", ce_setting),
    MSTR("ce_source", ce_source),
    MNUM("ce_median", ce.median),
    MNUM("ce_sigma", ce.sigma),
    MNUM("ce_wbc_slope", ce_wbc_slope),
    MNUM("ce_wbc_ref", ce_wbc_ref),
    MNUM("ce_hct_slope", ce_hct_slope),
    MNUM("ce_hct_ref", ce_hct_ref),
    {"gcsf_ratio", M_RATIOS, offsetof(pbsc_model, p.gcsf_ratio), 0},
    MNUM("gcsf_sigma", gcsf_sigma),
    MNUM("chemo_ratio", chemo_ratio),
    MNUM("chemo_sigma", chemo_sigma),
    MNUM("apheresis_ratio", apheresis_ratio),
    MNUM("apheresis_sigma", apheresis_sigma),
    MNUM("plerixafor_fold", plerixafor_fold),
    MNUM("plerixafor_sigma", plerixafor_sigma),
    MNUM("plerixafor2_fold", plerixafor2_fold),
    MNUM("plerixafor2_sigma", plerixafor2_sigma),
    MNUM("motixafortide_fold", motixafortide_fold),
    MNUM("motixafortide_sigma", motixafortide_sigma),
    /* the yield model v2 (pbsc_yield_project(3)); the reference before its slope */
    MNUM("count_ref", count_ref),
    MNUM("count_ref_donor", count_ref_donor),
    MNUM("count_slope", count_slope),
    MNUM("count_slope_donor", count_slope_donor),
    MNUM("ce_volume_ref", ce_volume_ref),
    MNUM("ce_volume_slope", ce_volume_slope),
};

#define NMKEYS (sizeof mkeys / sizeof mkeys[0])
#define MODEL_VERSION "1"

struct mparse {
    pbsc_model *m;
    unsigned char seen[NMKEYS];
    unsigned fit_seen; /* the fit record's keys (lib/model_fit.c) */
    int versioned;
};

/* Splits the next whitespace-separated word off [*v, *v + *n). */
static int
next_word(const char **v, size_t *n, const char **w, size_t *wn)
{
    while (*n > 0 && (**v == ' ' || **v == '\t'))
        (*v)++, (*n)--;
    *w = *v;
    while (*n > 0 && **v != ' ' && **v != '\t')
        (*v)++, (*n)--;
    *wn = (size_t)(*v - *w);
    return *wn > 0;
}

static int
bad_number(const char *key, const char *w, size_t wn, pbsc_diag *diag)
{
    return pbsc_fail(diag, PBSC_E_PARSE, key, NAN, "%s: '%.*s' is not a number", key,
                     (int)(wn > 30 ? 30 : wn), w);
}

/*
 * A risk term's numbers: a coefficient per SD within +-RISK_BETA_LIMIT (calibration calls a
 * fit beyond it diverging: lib/calibrate.c BETA_LIMIT), a finite mean and a scale in
 * (0, RISK_SCALE_MAX]. Numerical sanity, not clinical limits; pbsc_model_risk() still refuses
 * a linear predictor that is not finite, so no value gives PBSC_OK with NaN.
 */
#define RISK_BETA_LIMIT 30.0
#define RISK_SCALE_MAX 1e6

static int
check_term(const char *name, const double x[3], pbsc_diag *diag)
{
    char a[32];

    if (!(fabs(x[0]) <= RISK_BETA_LIMIT))
        return pbsc_fail(diag, PBSC_E_RANGE, "risk", x[0],
                         "risk: %s's coefficient %s is outside [-30, 30] per SD", name,
                         pbsc_num(a, x[0]));
    if (!(x[2] > 0.0 && x[2] <= RISK_SCALE_MAX))
        return pbsc_fail(diag, PBSC_E_RANGE, "risk", x[2],
                         "risk: %s's scale %s is outside (0, 1e6]", name, pbsc_num(a, x[2]));
    return PBSC_OK;
}

/* `risk = NAME COEFFICIENT MEAN SCALE`, the intercept first. */
static int
parse_risk(pbsc_model *m, const char *v, size_t n, pbsc_diag *diag)
{
    const char *w;
    size_t wn, t = m->terms;
    double x[3];
    int i, rc;

    if (t == PBSC_MAX_TERMS)
        return pbsc_fail(diag, PBSC_E_RANGE, "risk", NAN, "more than %d risk terms",
                         PBSC_MAX_TERMS);
    if (!next_word(&v, &n, &w, &wn) || !pbsc_kv_copy(m->name[t], sizeof m->name[t], w, wn))
        return pbsc_fail(diag, PBSC_E_PARSE, "risk", NAN,
                         "risk: a name (up to 31 characters) "
                         "comes first");
    if ((t == 0) != (strcmp(m->name[t], "intercept") == 0))
        return pbsc_fail(diag, PBSC_E_PARSE, "risk", NAN,
                         "risk: 'intercept' is the first term, and only the first");
    for (i = 0; i < 3; i++) {
        if (!next_word(&v, &n, &w, &wn) || !pbsc_kv_number(w, wn, &x[i]))
            return bad_number("risk", w, wn, diag);
    }
    if (next_word(&v, &n, &w, &wn))
        return pbsc_fail(diag, PBSC_E_PARSE, "risk", NAN, "risk: more than 4 fields");
    if ((rc = check_term(m->name[t], x, diag)) != PBSC_OK)
        return rc;
    m->coef[t] = x[0];
    m->mean[t] = x[1];
    m->scale[t] = x[2];
    m->terms = t + 1;
    return PBSC_OK;
}

static int
parse_ratios(double *r, const char *key, const char *v, size_t n, pbsc_diag *diag)
{
    const char *w;
    size_t wn;
    int d;

    for (d = 0; d < PBSC_GCSF_DAYS; d++) {
        if (!next_word(&v, &n, &w, &wn))
            return pbsc_fail(diag, PBSC_E_PARSE, key, NAN, "%s: %d numbers are needed", key,
                             PBSC_GCSF_DAYS);
        if (!pbsc_kv_number(w, wn, &r[d]))
            return bad_number(key, w, wn, diag);
    }
    if (next_word(&v, &n, &w, &wn))
        return pbsc_fail(diag, PBSC_E_PARSE, key, NAN, "%s: more than %d numbers", key,
                         PBSC_GCSF_DAYS);
    return PBSC_OK;
}

/* The CE strings may be empty: pbsc_model_format writes an empty one as "ce_id = ". */
static int
is_string_key(const char *k, size_t kn)
{
    size_t i;

    for (i = 0; i < NMKEYS; i++)
        if (mkeys[i].kind == M_STR && strlen(mkeys[i].name) == kn &&
            strncmp(mkeys[i].name, k, kn) == 0)
            return 1;
    return 0;
}

static int
model_line(void *ctx, const char *k, size_t kn, const char *v, size_t vn, pbsc_diag *diag)
{
    struct mparse *mp = ctx;
    char *base = (char *)mp->m;
    size_t i;
    int rc;

    if (!mp->versioned) {
        if (kn != 10 || strncmp(k, "pbsc-model", kn) != 0)
            return pbsc_fail(diag, PBSC_E_PARSE, "pbsc-model", NAN,
                             "the first line must be 'pbsc-model = " MODEL_VERSION "'");
        if (vn != 1 || *v != MODEL_VERSION[0])
            return pbsc_fail(diag, PBSC_E_PARSE, "pbsc-model", NAN,
                             "model file version '%.*s' is not supported (this library reads "
                             "version " MODEL_VERSION ")",
                             (int)(vn > 10 ? 10 : vn), v);
        mp->versioned = 1;
        return PBSC_OK;
    }
    if (vn == 0 && !is_string_key(k, kn)) {
        char name[32];
        pbsc_kv_copy(name, sizeof name, k, kn < sizeof name ? kn : sizeof name - 1);
        return pbsc_fail(diag, PBSC_E_PARSE, name, NAN, "%s has no value", name);
    }
    if (kn == 4 && strncmp(k, "risk", 4) == 0)
        return parse_risk(mp->m, v, vn, diag);
    if (pbsc_model_fit_line(mp->m, k, kn, v, vn, &mp->fit_seen, &rc, diag))
        return rc;
    for (i = 0; i < NMKEYS; i++)
        if (strlen(mkeys[i].name) == kn && strncmp(mkeys[i].name, k, kn) == 0)
            break;
    if (i == NMKEYS) {
        char name[32];
        pbsc_kv_copy(name, sizeof name, k, kn < sizeof name ? kn : sizeof name - 1);
        return pbsc_fail(diag, PBSC_E_UNKNOWN, name, NAN, "unknown key '%s'", name);
    }
    if (mp->seen[i])
        return pbsc_fail(diag, PBSC_E_DUPLICATE, mkeys[i].name, NAN, "%s is given twice",
                         mkeys[i].name);
    mp->seen[i] = 1;
    switch (mkeys[i].kind) {
    case M_STR:
        if (!pbsc_kv_copy(base + mkeys[i].offset, mkeys[i].size, v, vn))
            return pbsc_fail(diag, PBSC_E_RANGE, mkeys[i].name, NAN, "%s: too long", mkeys[i].name);
        return PBSC_OK;
    case M_BOOL:
        if ((vn == 3 && strncmp(v, "yes", 3) == 0) || (vn == 2 && strncmp(v, "no", 2) == 0)) {
            *(int *)(void *)(base + mkeys[i].offset) = vn == 3;
            return PBSC_OK;
        }
        return pbsc_fail(diag, PBSC_E_PARSE, mkeys[i].name, NAN, "%s: '%.*s' is not yes or no",
                         mkeys[i].name, (int)(vn > 20 ? 20 : vn), v);
    case M_RATIOS:
        rc = parse_ratios((double *)(void *)(base + mkeys[i].offset), mkeys[i].name, v, vn, diag);
        if (rc != PBSC_OK)
            return rc;
        break;
    case M_NUM:
    default:
        if (!pbsc_kv_number(v, vn, (double *)(void *)(base + mkeys[i].offset)))
            return bad_number(mkeys[i].name, v, vn, diag);
        break;
    }
    /* every other value is valid (a default, or a line already checked): a range error is
     * this line's */
    return pbsc_model_check(&mp->m->p, diag);
}

PBSC_API int
pbsc_model_parse(const char *text, size_t length, pbsc_model **model, pbsc_diag *diag)
{
    struct mparse mp;
    long lines;
    int rc;

    if ((text == NULL && length > 0) || model == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, text == NULL ? "text" : "model", NAN, "NULL argument");
    memset(&mp, 0, sizeof mp);
    if ((rc = pbsc_model_new(&mp.m, diag)) != PBSC_OK)
        return rc;
    rc = pbsc_kv_parse(text, length, model_line, &mp, &lines, diag);
    if (rc == PBSC_OK && !mp.versioned)
        rc = pbsc_fail(diag, PBSC_E_MISSING, "pbsc-model", NAN,
                       "not a model file: no 'pbsc-model = " MODEL_VERSION "' line");
    if (rc == PBSC_OK) {
        pbsc_model_own_strings(mp.m);
        rc = pbsc_model_check(&mp.m->p, diag);
        if (rc == PBSC_OK)
            rc = pbsc_model_fit_check(mp.m, diag);
        if (!mp.seen[0]) /* a file that does not name itself is not the literature model */
            pbsc_fmt(mp.m->id, sizeof mp.m->id, "site");
        if (!mp.seen[1])
            mp.m->version[0] = '\0';
        pbsc_model_rehash(mp.m);
        /* "defaults" names the literature model: a file cannot borrow it for others */
        if (rc == PBSC_OK && strcmp(mp.m->id, "defaults") == 0 &&
            strcmp(mp.m->hash, pbsc_model_default()->hash) != 0)
            rc = pbsc_fail(diag, PBSC_E_CONFLICT, "id", NAN,
                           "id 'defaults' names the literature model, and this file's values "
                           "differ from it: give the model its own id");
    }
    if (rc != PBSC_OK) {
        if (diag != NULL && diag->line < 0)
            diag->line = lines;
        pbsc_model_free(mp.m);
        return rc;
    }
    *model = mp.m;
    return PBSC_OK;
}

PBSC_API int
pbsc_model_read(const char *path, pbsc_model **model, pbsc_diag *diag)
{
    char *text;
    size_t n;
    int rc;

    if (path == NULL || model == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, path == NULL ? "path" : "model", NAN, "NULL argument");
    if ((rc = pbsc_kv_read_file(path, &text, &n, diag)) != PBSC_OK)
        return rc;
    rc = pbsc_model_parse(text, n, model, diag);
    pbsc_dealloc(text);
    return rc;
}

/* ---- the writer ------------------------------------------------------------------------ */

/* Numbers as the shortest decimal that reads back exactly. */
void
pbsc_model_into(const void *obj, pbsc_out *o)
{
    const pbsc_model *m = obj;
    const char *base = (const char *)m;
    size_t i;
    int d;

    if (!o->hashing) /* the hash is of the model, not of the library that wrote it */
        pbsc_put(o, "# pbsc-model(5) file written by libpbsc %s\n", pbsc_version_string());
    pbsc_put(o, "pbsc-model = " MODEL_VERSION "\n");
    for (i = 0; i < NMKEYS; i++) {
        const struct mkey *k = &mkeys[i];
        pbsc_put(o, "%s =", k->name);
        if (k->kind == M_BOOL)
            pbsc_put(o, " %s", *(const int *)(const void *)(base + k->offset) ? "yes" : "no");
        else if (k->kind == M_STR)
            pbsc_put(o, " %s", base + k->offset);
        else if (k->kind == M_NUM) {
            pbsc_put(o, " ");
            pbsc_put_number(o, *(const double *)(const void *)(base + k->offset));
        } else
            for (d = 0; d < PBSC_GCSF_DAYS; d++) {
                pbsc_put(o, " ");
                pbsc_put_number(o, m->p.gcsf_ratio[d]);
            }
        pbsc_put(o, "\n");
        if (k->offset == offsetof(pbsc_model, fitted))
            pbsc_model_fit_put(m, o); /* after `fitted`, only the keys that are set */
    }
    for (i = 0; i < m->terms; i++) {
        pbsc_put(o, "risk = %s ", m->name[i]);
        pbsc_put_number(o, m->coef[i]);
        pbsc_put(o, " ");
        pbsc_put_number(o, m->mean[i]);
        pbsc_put(o, " ");
        pbsc_put_number(o, m->scale[i]);
        pbsc_put(o, "\n");
    }
}

PBSC_API int
pbsc_model_format(const pbsc_model *model, char *buffer, size_t size, size_t *needed)
{
    return pbsc_format(pbsc_model_into, model, buffer, size, needed);
}
