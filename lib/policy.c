/* SPDX-License-Identifier: MIT */
/* The site policy file (pbsc-policy(5)): its key table, parser and writer. The presets are
 * lib/presets.c; a policy's info and the identity check lib/policy_identity.c. */
#include "pbsc_private.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

PBSC_API void
pbsc_policy_free(pbsc_policy *policy)
{
    if (policy != NULL && policy->allocated)
        pbsc_dealloc(policy);
}

/* ---- the key table: one row per policy-file key ---------------------------------------- */

enum kind {
    K_STRING,
    K_REGIMENS,
    K_SCOPE,
    K_DIAGNOSES,
    K_NUMBER,
    K_DAY,
    K_COUNT,
    K_BOOL,
    K_DRUG
};

struct key {
    const char *name;
    enum kind kind;
    size_t offset;
    size_t size;   /* K_STRING: the buffer */
    double lo, hi; /* K_NUMBER, K_DAY, K_COUNT: the accepted range, closed */
    int optional;  /* NAN (numbers) or 0 (days) allowed, written "none" */
    int required;  /* must appear in a site file */
    int later;     /* added after 0.1, default 0: the writer omits it at 0, so the text (and
                      the hash) of a policy that does not use it is what it was before */
};

/* The keys of the fields from planned_drug on were added after presets had pinned hashes:
 * they are written only when they differ from the site default, so a policy that does not
 * use them keeps the text, and the hash, it had. */
#define APPENDED(k) ((k)->offset >= offsetof(pbsc_policy, planned_drug))

#define STR(f, req)                                                                                \
    {                                                                                              \
#f, K_STRING, offsetof(pbsc_policy, f), sizeof(((pbsc_policy *)0)->f), 0, 0, 0, req, 0     \
    }
#define NUM(f, lo, hi, opt)                                                                        \
    {                                                                                              \
#f, K_NUMBER, offsetof(pbsc_policy, f), 0, lo, hi, opt, 0, 0                               \
    }
#define DAY(f, opt, req)                                                                           \
    {                                                                                              \
#f, K_DAY, offsetof(pbsc_policy, f), 0, 1, 366, opt, req, 0                                \
    }
#define CNT(f, lo, hi)                                                                             \
    {                                                                                              \
#f, K_COUNT, offsetof(pbsc_policy, f), 0, lo, hi, 0, 0, 0                                  \
    }
#define BOOL(f)                                                                                    \
    {                                                                                              \
#f, K_BOOL, offsetof(pbsc_policy, f), 0, 0, 1, 0, 0, 0                                     \
    }
#define LATER_BOOL(f)                                                                              \
    {                                                                                              \
#f, K_BOOL, offsetof(pbsc_policy, f), 0, 0, 1, 0, 0, 1                                     \
    }

static const struct key keys[] = {
    STR(id, 1),
    STR(version, 1),
    STR(name, 0),
    STR(source, 1),
    STR(provenance, 0),
    {"regimens", K_REGIMENS, offsetof(pbsc_policy, regimens), 0, 0, 0, 0, 1, 0},
    {"scope", K_SCOPE, offsetof(pbsc_policy, scope), 0, 0, 0, 0, 0, 0},
    {"diagnoses", K_DIAGNOSES, offsetof(pbsc_policy, diagnoses), 0, 0, 0, 0, 0, 1},
    NUM(goal, 0.1, 100, 1),
    NUM(minimum, 0.1, 100, 1),
    DAY(assess_day, 0, 1),
    DAY(assess_last_day, 1, 0),
    DAY(collect_day, 0, 1),
    NUM(recovery_wbc, 0, 500, 0),
    LATER_BOOL(collect_at_recovery),
    NUM(plerixafor_below, 0, 5000, 1),
    BOOL(plerixafor_inclusive),
    NUM(plerixafor_below_multi, 0, 5000, 1),
    NUM(multi_goal_above, 0, 100, 1),
    LATER_BOOL(multi_transplants),
    NUM(plerixafor_wbc_above, 0, 500, 1),
    NUM(undefined_below, 0, 5000, 1),
    NUM(band_low, 0, 5000, 1),
    NUM(band_high, 0, 5000, 1),
    CNT(band_days, 0, 14),
    NUM(band_plerixafor_below, 0, 5000, 1),
    NUM(y1_salvage_below, 0, 100, 1),
    NUM(yd_salvage_below, 0, 100, 1),
    NUM(fail_after_plerixafor_below, 0, 5000, 1),
    BOOL(fail_gitmo),
    CNT(max_plerixafor_doses, 0, 10),
    CNT(max_sessions, 1, 20),
    DAY(max_day, 0, 0),
    NUM(session_tbv_multiple, 0.1, PBSC_SESSION_TBV_CEILING, 0),
    NUM(session_litres, 0.1, 60, 1),
    NUM(volume_probability, 0.01, 0.99, 0),
    NUM(level, 0.01, 0.99, 0),
    BOOL(plerixafor_fixed_dose),
    BOOL(forecast),
    NUM(forecast_p_below, 0.01, 0.99, 0),
    NUM(forecast_min_yield, 0, 100, 0),
    NUM(forecast_min_gain, 0, 1, 0),
    NUM(forecast_futile_below, 0, 0.5, 0),
    CNT(forecast_draws, 100, 1000000),
    CNT(forecast_seed, 0, 2147483647),
    /* the planned schedules (lib/planned.c) and the count and volume rules of the
     * pegfilgrastim and NMDP presets: appended, written only when set */
    {"planned_drug", K_DRUG, offsetof(pbsc_policy, planned_drug), 0, 0, 0, 0, 0, 0},
    DAY(planned_day, 1, 0),
    CNT(planned_every, 1, 20),
    CNT(planned_doses, 0, 10),
    NUM(collect_above, 0, 5000, 1),
    CNT(split_sessions, 1, 20),
};

#define NKEYS (sizeof keys / sizeof keys[0])

/* The regimens' words are pbsc_regimen_name()'s (lib/course.c). */
#define MAX_REGIMENS 16
static const char *const scope_names[] = {"autologous", "donor"};
/* pbsc_diagnosis_name() of each bit; "unknown" is no scope (NULL: never matched). */
static const char *const diagnosis_names[PBSC_DX_COUNT] = {NULL, "MM", "NHL", "HL",
                                                           "AL", "ST", "other"};
static const char *const drug_names[] = {"none", "plerixafor", "motixafortide"};

static double *
num_at(pbsc_policy *p, const struct key *k)
{
    return (double *)(void *)((char *)p + k->offset);
}

static long *
long_at(pbsc_policy *p, const struct key *k)
{
    return (long *)(void *)((char *)p + k->offset);
}

static int *
int_at(pbsc_policy *p, const struct key *k)
{
    return (int *)(void *)((char *)p + k->offset);
}

/* ---- checks shared by the parser and the tests ----------------------------------------- */

static const struct key *
find_key(const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < NKEYS; i++)
        if (strlen(keys[i].name) == len && strncmp(keys[i].name, name, len) == 0)
            return &keys[i];
    return NULL;
}

/* An extra-day band needs all four of its keys, low <= high: names the first one wrong. */
static int
check_band(const pbsc_policy *p, pbsc_diag *diag)
{
    static const char why[] = "an extra-day band needs band_low <= band_high, band_days >= 1 "
                              "and band_plerixafor_below";

    if (isnan(p->band_low))
        return pbsc_fail(diag, PBSC_E_CONFLICT, "band_low", NAN, "band_low is missing: %s", why);
    if (isnan(p->band_high))
        return pbsc_fail(diag, PBSC_E_CONFLICT, "band_high", NAN, "band_high is missing: %s", why);
    if (p->band_days < 1)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "band_days", (double)p->band_days,
                         "band_days %ld: %s", p->band_days, why);
    if (isnan(p->band_plerixafor_below))
        return pbsc_fail(diag, PBSC_E_CONFLICT, "band_plerixafor_below", NAN,
                         "band_plerixafor_below is missing: %s", why);
    if (p->band_low > p->band_high)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "band_low", p->band_low,
                         "band_low %g is above band_high %g", p->band_low, p->band_high);
    /* the extra days follow the window's last day: an open window has none */
    if (p->assess_last_day == 0)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "assess_last_day", NAN,
                         "an extra-day band needs a last assessment day (assess_last_day)");
    return PBSC_OK;
}

/* A planned mobilizer: a drug, its day before the first apheresis day, doses, no donor. */
static int
check_planned(const pbsc_policy *p, pbsc_diag *diag)
{
    if (p->planned_drug == PBSC_DRUG_NONE) {
        if (p->planned_day != 0 || p->planned_doses != 0)
            return pbsc_fail(diag, PBSC_E_CONFLICT, "planned_drug", NAN,
                             "planned_day and planned_doses need a planned_drug");
        return PBSC_OK;
    }
    if (p->scope & PBSC_SCOPE_DONOR) /* neither drug is licensed for healthy donors */
        return pbsc_fail(diag, PBSC_E_CONFLICT, "planned_drug", NAN,
                         "a policy for healthy donors cannot plan %s",
                         drug_names[p->planned_drug]);
    if (p->planned_day == 0 || p->planned_day >= p->collect_day)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "planned_day", (double)p->planned_day,
                         "planned_day must be set and before collect_day %ld", p->collect_day);
    if (p->planned_doses < 1)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "planned_doses", (double)p->planned_doses,
                         "planned_doses must be at least 1");
    if (p->planned_drug == PBSC_DRUG_PLERIXAFOR && p->planned_doses > p->max_plerixafor_doses)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "planned_doses", (double)p->planned_doses,
                         "planned_doses %ld is above max_plerixafor_doses %ld", p->planned_doses,
                         p->max_plerixafor_doses);
    if (p->forecast)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "forecast", NAN,
                         "the model-based engine does not run a planned schedule");
    return PBSC_OK;
}

/* Relations between fields that no single key can check. */
static int
check_relations(const pbsc_policy *p, pbsc_diag *diag)
{
    int band = !isnan(p->band_low) || !isnan(p->band_high) || p->band_days > 0 ||
               !isnan(p->band_plerixafor_below);
    int rc;

    if (p->regimens == 0)
        return pbsc_fail(diag, PBSC_E_MISSING, "regimens", NAN, "no regimen is covered");
    /* plerixafor is not licensed for healthy donors (EMA and US labels; pbsc-sources(7)) */
    if ((p->scope & PBSC_SCOPE_DONOR) && p->max_plerixafor_doses > 0)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "max_plerixafor_doses",
                         (double)p->max_plerixafor_doses,
                         "a policy for healthy donors cannot give plerixafor (not licensed "
                         "for them): set max_plerixafor_doses = 0");
    if ((p->scope & PBSC_SCOPE_DONOR) && p->forecast)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "forecast", NAN,
                         "the model-based engine weighs plerixafor: it is for autologous "
                         "patients only");
    if (p->assess_last_day != 0 && p->assess_last_day < p->assess_day)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "assess_last_day", (double)p->assess_last_day,
                         "assess_last_day %ld is before assess_day %ld", p->assess_last_day,
                         p->assess_day);
    if (p->collect_day < p->assess_day)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "collect_day", (double)p->collect_day,
                         "collect_day %ld is before assess_day %ld", p->collect_day, p->assess_day);
    if (p->max_day < p->collect_day)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "max_day", (double)p->max_day,
                         "max_day %ld is before collect_day %ld", p->max_day, p->collect_day);
    if (p->minimum > p->goal)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "minimum", p->minimum,
                         "minimum %g is above goal %g", p->minimum, p->goal);
    if (!isnan(p->multi_goal_above) && p->multi_transplants)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "multi_transplants", NAN,
                         "multi_goal_above and multi_transplants exclude each other: the "
                         "plerixafor_below_multi threshold is read from one of them");
    if (isnan(p->plerixafor_below_multi) !=
        (isnan(p->multi_goal_above) && !p->multi_transplants)) {
        const char *missing =
            isnan(p->plerixafor_below_multi) ? "plerixafor_below_multi" : "multi_goal_above";
        return pbsc_fail(diag, PBSC_E_CONFLICT, missing, NAN,
                         "%s is missing: plerixafor_below_multi goes with multi_goal_above or "
                         "multi_transplants",
                         missing);
    }
    if (band && (rc = check_band(p, diag)) != PBSC_OK)
        return rc;
    return check_planned(p, diag);
}

/* ---- the parser ------------------------------------------------------------------------ */

static int
parse_number(const struct key *k, const char *v, size_t n, double *out, pbsc_diag *diag)
{
    char buf[64];
    double x;

    if (!pbsc_kv_copy(buf, sizeof buf, v, n))
        return pbsc_fail(diag, PBSC_E_PARSE, k->name, NAN, "%s: value too long", k->name);
    if (strcmp(buf, "none") == 0) {
        if (!k->optional)
            return pbsc_fail(diag, PBSC_E_PARSE, k->name, NAN, "%s cannot be none", k->name);
        *out = k->kind == K_NUMBER ? (double)NAN : 0.0;
        return PBSC_OK;
    }
    if (!pbsc_kv_number(buf, strlen(buf), &x))
        return pbsc_fail(diag, PBSC_E_PARSE, k->name, NAN, "%s: '%s' is not a number", k->name,
                         buf);
    if (k->kind != K_NUMBER && x != floor(x))
        return pbsc_fail(diag, PBSC_E_PARSE, k->name, x, "%s: '%s' is not a whole number", k->name,
                         buf);
    if (x < k->lo || x > k->hi)
        return pbsc_fail(diag, PBSC_E_RANGE, k->name, x, "%s %g is outside [%g, %g]", k->name, x,
                         k->lo, k->hi);
    *out = x;
    return PBSC_OK;
}

/* A comma- or blank-separated list of words from names[0..count-1] (a NULL name is never
 * matched), as bits; `choices` names them in the diagnostic. */
static int
parse_words(const char *key, const char *const *names, size_t count, const char *choices,
            const char *v, size_t n, unsigned *out, pbsc_diag *diag)
{
    unsigned bits = 0;
    size_t i = 0;

    while (i < n) {
        size_t start, end, r;
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        start = i;
        while (i < n && v[i] != ',' && v[i] != ' ' && v[i] != '\t')
            i++;
        end = i;
        if (end == start)
            break;
        for (r = 0; r < count; r++)
            if (names[r] != NULL && strlen(names[r]) == end - start &&
                strncmp(names[r], v + start, end - start) == 0)
                break;
        if (r == count)
            return pbsc_fail(diag, PBSC_E_PARSE, key, NAN, "%s: '%.*s' is not %s", key,
                             (int)(end - start > 20 ? 20 : end - start), v + start, choices);
        bits |= 1u << r;
    }
    if (bits == 0)
        return pbsc_fail(diag, PBSC_E_PARSE, key, NAN, "%s: empty list", key);
    *out = bits;
    return PBSC_OK;
}

static int
parse_bool(const char *v, size_t n, int *out, const char *name, pbsc_diag *diag)
{
    static const char *const yes[] = {"yes", "true", "1"}, *const no[] = {"no", "false", "0"};
    size_t i;

    for (i = 0; i < 3; i++) {
        if (strlen(yes[i]) == n && strncmp(yes[i], v, n) == 0)
            return *out = 1, PBSC_OK;
        if (strlen(no[i]) == n && strncmp(no[i], v, n) == 0)
            return *out = 0, PBSC_OK;
    }
    return pbsc_fail(diag, PBSC_E_PARSE, name, NAN, "%s: '%.*s' is not yes or no", name,
                     (int)(n > 20 ? 20 : n), v);
}

/* One word of drug_names. */
static int
parse_drug(const struct key *k, const char *v, size_t n, pbsc_drug *out, pbsc_diag *diag)
{
    unsigned bits;
    int rc = parse_words(k->name, drug_names, 3, "none, plerixafor or motixafortide", v, n, &bits,
                         diag);

    if (rc != PBSC_OK)
        return rc;
    if ((bits & (bits - 1)) != 0)
        return pbsc_fail(diag, PBSC_E_PARSE, k->name, NAN, "%s: one drug, not a list", k->name);
    *out = bits == 4u ? PBSC_DRUG_MOTIXAFORTIDE : bits == 2u ? PBSC_DRUG_PLERIXAFOR
                                                             : PBSC_DRUG_NONE;
    return PBSC_OK;
}

/* `regimens`: a list of pbsc_regimen_name()s. */
static int
parse_regimens(const char *v, size_t n, unsigned *out, pbsc_diag *diag)
{
    const char *names[MAX_REGIMENS];
    char words[64];
    size_t count = 0;

    while (count < MAX_REGIMENS &&
           (names[count] = pbsc_regimen_name((pbsc_regimen)count)) != NULL)
        count++;
    pbsc_regimen_words(words, sizeof words);
    return parse_words("regimens", names, count, words, v, n, out, diag);
}

static int
set_value(pbsc_policy *p, const struct key *k, const char *v, size_t n, pbsc_diag *diag)
{
    double x;
    int rc;

    switch (k->kind) {
    case K_STRING:
        if (!pbsc_kv_copy((char *)p + k->offset, k->size, v, n))
            return pbsc_fail(diag, PBSC_E_RANGE, k->name, NAN, "%s: longer than %zu characters",
                             k->name, k->size - 1);
        return PBSC_OK;
    case K_REGIMENS:
        return parse_regimens(v, n, &p->regimens, diag);
    case K_DRUG:
        return parse_drug(k, v, n, (pbsc_drug *)(void *)((char *)p + k->offset), diag);
    case K_SCOPE:
        return parse_words("scope", scope_names, 2, "autologous or donor", v, n, &p->scope, diag);
    case K_DIAGNOSES: /* "any" (the default) or a list */
        if (n == 3 && strncmp(v, "any", 3) == 0)
            return p->diagnoses = 0, PBSC_OK;
        return parse_words("diagnoses", diagnosis_names, PBSC_DX_COUNT,
                           "any, or MM, NHL, HL, AL, ST, other", v, n, &p->diagnoses, diag);
    case K_BOOL:
        return parse_bool(v, n, int_at(p, k), k->name, diag);
    case K_NUMBER:
        return parse_number(k, v, n, num_at(p, k), diag);
    case K_DAY:
    case K_COUNT:
    default:
        if ((rc = parse_number(k, v, n, &x, diag)) == PBSC_OK)
            *long_at(p, k) = (long)x;
        return rc;
    }
}

struct parse {
    pbsc_policy *p;
    unsigned char seen[NKEYS];
};

/* One `key = value` line of a policy file. */
static int
parse_line(void *ctx, const char *k, size_t kn, const char *v, size_t vn, pbsc_diag *diag)
{
    struct parse *ps = ctx;
    const struct key *key = find_key(k, kn);

    if (key == NULL) {
        char name[32];
        pbsc_kv_copy(name, sizeof name, k, kn < sizeof name ? kn : sizeof name - 1);
        return pbsc_fail(diag, PBSC_E_UNKNOWN, name, NAN, "unknown key '%.*s'",
                         (int)(kn > 40 ? 40 : kn), k);
    }
    if (ps->seen[key - keys])
        return pbsc_fail(diag, PBSC_E_DUPLICATE, key->name, NAN, "%s is given twice", key->name);
    ps->seen[key - keys] = 1;
    if (vn == 0)
        return pbsc_fail(diag, PBSC_E_PARSE, key->name, NAN, "%s has no value", key->name);
    return set_value(ps->p, key, v, vn, diag);
}

static int
check_required(const unsigned char *seen, long lines, pbsc_diag *diag)
{
    size_t i;

    for (i = 0; i < NKEYS; i++) {
        if (keys[i].required && !seen[i]) {
            pbsc_fail(diag, PBSC_E_MISSING, keys[i].name, NAN, "%s is required", keys[i].name);
            if (diag != NULL)
                diag->line = lines;
            return PBSC_E_MISSING;
        }
    }
    return PBSC_OK;
}

PBSC_API int
pbsc_policy_parse(const char *text, size_t length, pbsc_policy **policy, pbsc_diag *diag)
{
    struct parse ps;
    long lines;
    int rc;

    if ((text == NULL && length > 0) || policy == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, text == NULL ? "text" : "policy", NAN,
                         "NULL argument");
    memset(&ps, 0, sizeof ps);
    ps.p = pbsc_alloc(sizeof *ps.p);
    if (ps.p == NULL)
        return pbsc_fail(diag, PBSC_E_NOMEM, "policy", NAN, "out of memory");
    *ps.p = *pbsc_policy_site_defaults();
    rc = pbsc_kv_parse(text, length, parse_line, &ps, &lines, diag);
    if (rc == PBSC_OK && (rc = check_required(ps.seen, lines, diag)) == PBSC_OK &&
        (rc = check_relations(ps.p, diag)) != PBSC_OK && diag != NULL)
        diag->line = lines;
    if (rc == PBSC_OK) {
        pbsc_policy_hash(ps.p, ps.p->hash);
        rc = pbsc_policy_check_identity(ps.p, text, length, diag);
    }
    if (rc != PBSC_OK) {
        pbsc_dealloc(ps.p);
        return rc;
    }
    *policy = ps.p;
    return PBSC_OK;
}

PBSC_API int
pbsc_policy_read(const char *path, pbsc_policy **policy, pbsc_diag *diag)
{
    char *text;
    size_t n;
    int rc;

    if (path == NULL || policy == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, path == NULL ? "path" : "policy", NAN,
                         "NULL argument");
    if ((rc = pbsc_kv_read_file(path, &text, &n, diag)) != PBSC_OK)
        return rc;
    rc = pbsc_policy_parse(text, n, policy, diag);
    pbsc_dealloc(text);
    return rc;
}

/* ---- the writer ------------------------------------------------------------------------ */

static void
put_value(pbsc_out *o, const pbsc_policy *p, const struct key *k)
{
    pbsc_policy *q = (pbsc_policy *)(void *)p; /* read only */
    unsigned r;
    const char *sep = "";

    switch (k->kind) {
    case K_STRING:
        pbsc_put(o, "%s", (const char *)p + k->offset);
        break;
    case K_DRUG:
        pbsc_put(o, "%s", drug_names[*(const pbsc_drug *)((const char *)p + k->offset)]);
        break;
    case K_REGIMENS:
        for (r = 0; pbsc_regimen_name((pbsc_regimen)r) != NULL; r++)
            if (p->regimens & (1u << r))
                pbsc_put(o, "%s%s", sep, pbsc_regimen_name((pbsc_regimen)r)), sep = ", ";
        break;
    case K_SCOPE:
        for (r = 0; r < 2; r++)
            if (p->scope & (1u << r))
                pbsc_put(o, "%s%s", sep, scope_names[r]), sep = ", ";
        break;
    case K_DIAGNOSES:
        for (r = 1; r < (unsigned)PBSC_DX_COUNT; r++)
            if (p->diagnoses & PBSC_DX_BIT(r))
                pbsc_put(o, "%s%s", sep, diagnosis_names[r]), sep = ", ";
        break;
    case K_BOOL:
        pbsc_put(o, "%s", *int_at(q, k) ? "yes" : "no");
        break;
    case K_NUMBER:
        if (isnan(*num_at(q, k)))
            pbsc_put(o, "none");
        else
            pbsc_put_number(o, *num_at(q, k));
        break;
    case K_DAY:
    case K_COUNT:
    default:
        if (k->optional && *long_at(q, k) == 0)
            pbsc_put(o, "none");
        else
            pbsc_put(o, "%ld", *long_at(q, k));
        break;
    }
}

/* An appended key's value is the site default's (NAN equals NAN). */
static int
at_default(const pbsc_policy *p, const struct key *k)
{
    pbsc_policy *q = (pbsc_policy *)(void *)p, *d = (pbsc_policy *)(void *)pbsc_policy_site_defaults();

    switch (k->kind) {
    case K_NUMBER:
        return isnan(*num_at(q, k)) ? isnan(*num_at(d, k)) : *num_at(q, k) == *num_at(d, k);
    case K_DRUG:
        return *(pbsc_drug *)(void *)((char *)q + k->offset) ==
               *(pbsc_drug *)(void *)((char *)d + k->offset);
    case K_DAY:
    case K_COUNT:
    default:
        return *long_at(q, k) == *long_at(d, k);
    }
}

static void
format_into(const void *obj, pbsc_out *o)
{
    const pbsc_policy *p = obj;
    size_t i;

    if (!o->hashing) /* the hash is of the policy, not of the library that wrote it */
        pbsc_put(o, "# pbsc-policy(5) file written by libpbsc %s\n", pbsc_version_string());
    for (i = 0; i < NKEYS; i++) {
        if (keys[i].kind == K_STRING && ((const char *)p + keys[i].offset)[0] == '\0')
            continue; /* an empty optional string: omitted, as a site file would */
        if (keys[i].later && (keys[i].kind == K_DIAGNOSES ? p->diagnoses == 0
                                                          : *int_at((pbsc_policy *)(void *)p,
                                                                    &keys[i]) == 0))
            continue; /* a later key at its default */
        if (APPENDED(&keys[i]) && at_default(p, &keys[i]))
            continue;
        pbsc_put(o, "%s = ", keys[i].name);
        put_value(o, p, &keys[i]);
        pbsc_put(o, "\n");
    }
}

void
pbsc_policy_hash(const pbsc_policy *p, char hex[17])
{
    pbsc_hash_text(format_into, p, hex);
}

PBSC_API int
pbsc_policy_format(const pbsc_policy *policy, char *buffer, size_t size, size_t *needed)
{
    return pbsc_format(format_into, policy, buffer, size, needed);
}
