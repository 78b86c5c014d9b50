/* SPDX-License-Identifier: MIT */
/* The virtual population: its parameters with their sources, and its text file
 * (pbsc-population(5)). The draws are lib/world.c; the simulator lib/simulate.c. */
#include "population_private.h"

#include <stddef.h>
#include <string.h>

/*
 * The defaults (pbsc-population(5) and pbsc-sources(7) state each). [ours] marks a value no
 * source gives; [interp] a reading of ours of a published figure.
 * - day5_median, day5_sigma: the log-normal day-5 count under G-CSF alone, FITTED to the
 *   four outcome shares of 1,775 growth-factor mobilizations (Gertz MA et al., BMT 2010;
 *   45:1396) by tests/bench/calibrate_population.c (make calibrate-population), with the
 *   spread between patients of the count's fall after an apheresis (apheresis_sigma), for
 *   which no figure was found;
 * - G-CSF day ratios: healthy-donor means 60.7, 128, 107/uL on days 4, 5, 6 (Transfus Med
 *   1997;7:19): 128/60.7 from day 4 to 5, 107/128 after [interp]; their spread split into a
 *   patient effect (0.2) and a daily one (0.25) [ours];
 * - the morning after an apheresis: no published figure (PB CD34 falls ~30% in the first
 *   hour of a procedure, PMID 12375664): 0.7 [interp], the decision model's own assumption
 *   (pbsc_yield_sessions(3)), so that the world and the model differ only where a source
 *   or a fit says so; its spread between patients FITTED (apheresis_sigma, above);
 * - plerixafor: median 3.1-fold (range 1-8) after a first dose, 1.2 (0.3-6.5) after a later
 *   one (PMID 22080963), the range read as the central 95% [interp]; motixafortide 7.5-fold
 *   (GENESIS lead-in; Crees, Nat Med 2023;29:869) with the first plerixafor dose's spread
 *   [interp];
 * - CE2: median 53% at WBC < 20 x10^9/L, 40% at >= 20 (Gidron A et al., BMT 2005;35:243),
 *   total log spread 0.5108 from Gidron's range 7-145% read as the central 95% [interp],
 *   split 0.35 between patients, 0.37 between sessions [ours]; held within 7-145%;
 * - the yield's log-log slope on the count: 0.8595 (Humpe A et al., Transfusion 2000;40:1363,
 *   105 autologous collections) around 20/uL, between the pre-apheresis medians 19/uL
 *   (Gidron 2005) and 21/uL (Mehta J et al., BMT 2001;28:597) [interp];
 * - WBC at the count: median 20 x10^9/L, Gidron's split read as near the median [interp],
 *   log spread 0.4 [ours]; Hct 33 +/- 4 % [ours];
 * - counting: 75,000 CD45+ events per count (ISHAGE protocol) [interp];
 * - weight, height, sex, age of adult autologous patients [ours: no source read];
 * - chemotherapy + G-CSF: the WBC recovers above 1 x10^9/L on median day 10 after
 *   cyclophosphamide and etoposide, a practice figure for which no primary source was read
 *   [interp], spread 1.5 days [ours]; the count at recovery as G-CSF alone's day 4 times chemo_factor
 *   1 [ours: no figure read];
 * - single-dose pegfilgrastim (day 1 = the dose, no daily G-CSF): CD34 peaking on day 5 in
 *   donors (Kroschinsky F et al., Haematologica 2005;90:1665), patients counted 4 days after
 *   the dose (Blood 2004;104(11):5000): G-CSF alone's trajectory, its day-5 peak and the same
 *   fall, times pegfilgrastim_factor, 1 [interp: no source compares the level with daily
 *   G-CSF's].
 */
struct pkey {
    const char *name;
    size_t offset;
    double min, max;
    double value;
};

#define P(n, lo, hi, v) {#n, offsetof(struct pbsc_pop_params, n), lo, hi, v}

static const struct pkey pkeys[] = {
    P(day5_median, 0.1, 1000.0, 22.22),
    P(day5_sigma, 0.05, 3.0, 0.764),
    P(gcsf_ratio45, 0.1, 20.0, 128.0 / 60.7),
    P(gcsf_ratio_later, 0.1, 20.0, 107.0 / 128.0),
    P(patient_sigma, 0.0, 2.0, 0.2),
    P(day_sigma, 0.0, 2.0, 0.25),
    P(apheresis_ratio, 0.05, 5.0, PBSC_APHERESIS_RATIO),
    P(plerixafor_fold, 0.1, 50.0, 3.1),
    P(plerixafor_sigma, 0.0, 3.0, 0.5304795245),
    P(plerixafor2_fold, 0.1, 50.0, 1.2),
    P(plerixafor2_sigma, 0.0, 3.0, 0.7846508868),
    P(motixafortide_fold, 0.1, 50.0, 7.5),
    P(motixafortide_sigma, 0.0, 3.0, 0.5304795245),
    P(ce_low_wbc, 0.01, 1.5, 0.53),
    P(ce_high_wbc, 0.01, 1.5, 0.40),
    P(ce_wbc_split, 0.1, 500.0, 20.0),
    P(ce_patient_sigma, 0.0, 3.0, 0.35),
    P(ce_session_sigma, 0.0, 3.0, 0.37),
    P(ce_min, 0.01, 1.5, 0.07),
    P(ce_max, 0.01, 1.5, 1.45),
    P(yield_slope, 0.1, 2.0, 0.8595),
    P(yield_ref, 0.1, 1000.0, 20.0),
    P(wbc_median, 0.5, 300.0, 20.0),
    P(wbc_sigma, 0.0, 3.0, 0.4),
    P(hct_mean, 10.0, 60.0, 33.0),
    P(hct_sd, 0.0, 20.0, 4.0),
    P(events, 1000.0, 1e7, 75000.0),
    P(weight_mean, 20.0, 250.0, 80.0),
    P(weight_sd, 0.0, 100.0, 17.0),
    P(weight_min, 20.0, 250.0, 40.0),
    P(weight_max, 20.0, 250.0, 160.0),
    P(male_share, 0.0, 1.0, 0.6),
    P(height_male, 120.0, 220.0, 176.0),
    P(height_female, 120.0, 220.0, 163.0),
    P(height_sd, 0.0, 30.0, 7.0),
    P(age_mean, 18.0, 100.0, 58.0),
    P(age_sd, 0.0, 50.0, 10.0),
    P(age_min, 18.0, 100.0, 18.0),
    P(age_max, 18.0, 100.0, 75.0),
    P(recovery_day, 2.0, 25.0, 10.0),
    P(recovery_sd, 0.0, 10.0, 1.5),
    P(chemo_factor, 0.01, 100.0, 1.0),
    P(pegfilgrastim_factor, 0.01, 100.0, 1.0),
    P(apheresis_sigma, 0.0, 2.0, 0.9485), /* appended after 0.1.0's first draft */
};

/* Every key has its place in a pbsc_population_fit (a key past it would not compile). */
typedef char pbsc_keys_fit[sizeof pkeys / sizeof pkeys[0] <= PBSC_POPULATION_KEYS_MAX ? 1 : -1];

#define NPKEYS (sizeof pkeys / sizeof pkeys[0])
#define POP_VERSION "1"

typedef char pbsc_every_param_has_a_key[NPKEYS == PBSC_POP_NPARAMS ? 1 : -1];

static double *
slot(pbsc_population *pop, size_t i)
{
    return (double *)(void *)((char *)&pop->p + pkeys[i].offset);
}

static double
value(const pbsc_population *pop, size_t i)
{
    return *(const double *)(const void *)((const char *)&pop->p + pkeys[i].offset);
}

static size_t
find_key(const char *k, size_t kn)
{
    size_t i;

    for (i = 0; i < NPKEYS; i++)
        if (strlen(pkeys[i].name) == kn && strncmp(pkeys[i].name, k, kn) == 0)
            break;
    return i;
}

/* The pairs that must be ordered. */
static int
check_pairs(const pbsc_population *pop, pbsc_diag *diag)
{
    const struct pbsc_pop_params *p = &pop->p;

    if (p->ce_min > p->ce_max)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "ce_min", p->ce_min,
                         "ce_min %g is above ce_max %g", p->ce_min, p->ce_max);
    if (p->weight_min > p->weight_max)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "weight_min", p->weight_min,
                         "weight_min %g is above weight_max %g", p->weight_min, p->weight_max);
    if (p->age_min > p->age_max)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "age_min", p->age_min,
                         "age_min %g is above age_max %g", p->age_min, p->age_max);
    return PBSC_OK;
}

static int
check_value(size_t i, double x, pbsc_diag *diag)
{
    if (isnan(x))
        return pbsc_fail(diag, PBSC_E_MISSING, pkeys[i].name, x, "%s is NAN", pkeys[i].name);
    if (!isfinite(x))
        return pbsc_fail(diag, PBSC_E_NOTFINITE, pkeys[i].name, x, "%s is infinite",
                         pkeys[i].name);
    if (x < pkeys[i].min || x > pkeys[i].max)
        return pbsc_fail(diag, PBSC_E_RANGE, pkeys[i].name, x, "%s %g is outside [%g, %g]",
                         pkeys[i].name, x, pkeys[i].min, pkeys[i].max);
    return PBSC_OK;
}

PBSC_API int
pbsc_population_new(pbsc_population **pop, pbsc_diag *diag)
{
    pbsc_population *p;
    size_t i;

    if (pop == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "population", NAN, "NULL argument");
    p = pbsc_alloc(sizeof *p);
    if (p == NULL)
        return pbsc_fail(diag, PBSC_E_NOMEM, "population", NAN, "out of memory");
    memset(p, 0, sizeof *p);
    for (i = 0; i < NPKEYS; i++)
        *slot(p, i) = pkeys[i].value;
    pbsc_fmt(p->id, sizeof p->id, "defaults");
    pbsc_fmt(p->version, sizeof p->version, POP_VERSION);
    pbsc_population_rehash(p);
    *pop = p;
    return PBSC_OK;
}

PBSC_API void
pbsc_population_free(pbsc_population *pop)
{
    pbsc_dealloc(pop);
}

PBSC_API int
pbsc_population_get(const pbsc_population *pop, const char *key, double *out, pbsc_diag *diag)
{
    size_t i;

    if (pop == NULL || key == NULL || out == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL,
                         pop == NULL ? "population" : key == NULL ? "key" : "value", NAN,
                         "NULL argument");
    if ((i = find_key(key, strlen(key))) == NPKEYS)
        return pbsc_fail(diag, PBSC_E_UNKNOWN, "key", NAN, "no population key '%.60s'", key);
    *out = value(pop, i);
    return PBSC_OK;
}

PBSC_API int
pbsc_population_set(pbsc_population *pop, const char *key, double x, pbsc_diag *diag)
{
    double old;
    size_t i;
    int rc;

    if (pop == NULL || key == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, pop == NULL ? "population" : "key", NAN,
                         "NULL argument");
    if ((i = find_key(key, strlen(key))) == NPKEYS)
        return pbsc_fail(diag, PBSC_E_UNKNOWN, "key", NAN, "no population key '%.60s'", key);
    if ((rc = check_value(i, x, diag)) != PBSC_OK)
        return rc;
    old = value(pop, i);
    *slot(pop, i) = x;
    if ((rc = check_pairs(pop, diag)) != PBSC_OK) {
        *slot(pop, i) = old;
        return rc;
    }
    pbsc_fmt(pop->id, sizeof pop->id, "site");
    pbsc_population_rehash(pop);
    return PBSC_OK;
}

PBSC_API size_t
pbsc_population_keys(void)
{
    return NPKEYS;
}

PBSC_API const char *
pbsc_population_key(size_t i)
{
    return i < NPKEYS ? pkeys[i].name : NULL;
}

/* ---- the file ------------------------------------------------------------------------ */

struct pparse {
    pbsc_population *pop;
    unsigned char seen[NPKEYS + 2]; /* the keys, then id and version */
    int versioned;
};

static int
string_key(struct pparse *pp, size_t which, char *buf, size_t size, const char *k,
           const char *v, size_t vn, pbsc_diag *diag)
{
    if (pp->seen[NPKEYS + which]++)
        return pbsc_fail(diag, PBSC_E_DUPLICATE, k, NAN, "%s is given twice", k);
    if (vn == 0 || !pbsc_kv_copy(buf, size, v, vn))
        return pbsc_fail(diag, PBSC_E_RANGE, k, NAN, "%s: empty or longer than %zu bytes", k,
                         size - 1);
    return PBSC_OK;
}

static int
pop_line(void *ctx, const char *k, size_t kn, const char *v, size_t vn, pbsc_diag *diag)
{
    struct pparse *pp = ctx;
    char name[32];
    double x;
    size_t i;
    int rc;

    pbsc_kv_copy(name, sizeof name, k, kn < sizeof name ? kn : sizeof name - 1);
    if (!pp->versioned) {
        if (strcmp(name, "pbsc-population") != 0)
            return pbsc_fail(diag, PBSC_E_PARSE, "pbsc-population", NAN,
                             "the first line must be 'pbsc-population = " POP_VERSION "'");
        if (vn != 1 || *v != POP_VERSION[0])
            return pbsc_fail(diag, PBSC_E_PARSE, "pbsc-population", NAN,
                             "population file version '%.*s' is not supported (this library "
                             "reads version " POP_VERSION ")",
                             (int)(vn > 10 ? 10 : vn), v);
        pp->versioned = 1;
        return PBSC_OK;
    }
    if (strcmp(name, "id") == 0)
        return string_key(pp, 0, pp->pop->id, sizeof pp->pop->id, "id", v, vn, diag);
    if (strcmp(name, "version") == 0)
        return string_key(pp, 1, pp->pop->version, sizeof pp->pop->version, "version", v, vn,
                          diag);
    if ((i = find_key(k, kn)) == NPKEYS)
        return pbsc_fail(diag, PBSC_E_UNKNOWN, name, NAN, "unknown key '%s'", name);
    if (pp->seen[i]++)
        return pbsc_fail(diag, PBSC_E_DUPLICATE, name, NAN, "%s is given twice", name);
    if (!pbsc_kv_number(v, vn, &x))
        return pbsc_fail(diag, PBSC_E_PARSE, name, NAN, "%s: '%.*s' is not a number", name,
                         (int)(vn > 20 ? 20 : vn), v);
    if ((rc = check_value(i, x, diag)) != PBSC_OK)
        return rc;
    *slot(pp->pop, i) = x;
    return PBSC_OK;
}

PBSC_API int
pbsc_population_parse(const char *text, size_t length, pbsc_population **pop, pbsc_diag *diag)
{
    struct pparse pp;
    long lines;
    int rc;

    if ((text == NULL && length > 0) || pop == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, pop == NULL ? "population" : "text", NAN,
                         "NULL argument");
    memset(&pp, 0, sizeof pp);
    if ((rc = pbsc_population_new(&pp.pop, diag)) != PBSC_OK)
        return rc;
    pp.pop->id[0] = pp.pop->version[0] = '\0';
    rc = pbsc_kv_parse(text, length, pop_line, &pp, &lines, diag);
    if (rc == PBSC_OK && !pp.versioned)
        rc = pbsc_fail(diag, PBSC_E_MISSING, "pbsc-population", NAN,
                       "not a population file: no 'pbsc-population = " POP_VERSION "' line");
    else if (rc == PBSC_OK)
        rc = check_pairs(pp.pop, diag);
    if (rc != PBSC_OK && diag != NULL && diag->line < 0) /* the whole file's: its last line */
        diag->line = lines;
    if (rc != PBSC_OK) {
        pbsc_population_free(pp.pop);
        return rc;
    }
    if (!pp.seen[NPKEYS])
        pbsc_fmt(pp.pop->id, sizeof pp.pop->id, "site");
    pbsc_population_rehash(pp.pop);
    *pop = pp.pop;
    return PBSC_OK;
}

PBSC_API int
pbsc_population_read(const char *path, pbsc_population **pop, pbsc_diag *diag)
{
    char *text;
    size_t n;
    int rc;

    if (path == NULL || pop == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, path == NULL ? "path" : "population", NAN,
                         "NULL argument");
    if ((rc = pbsc_kv_read_file(path, &text, &n, diag)) != PBSC_OK)
        return rc;
    rc = pbsc_population_parse(text, n, pop, diag);
    pbsc_dealloc(text);
    return rc;
}

static void
pop_into(const void *obj, pbsc_out *o)
{
    const pbsc_population *pop = obj;
    size_t i;

    if (!o->hashing)
        pbsc_put(o, "# pbsc-population(5) file written by libpbsc %s\n", pbsc_version_string());
    pbsc_put(o, "pbsc-population = " POP_VERSION "\n");
    /* the hash is of the numbers: a renamed copy is the same population */
    if (!o->hashing && pop->id[0] != '\0')
        pbsc_put(o, "id = %s\n", pop->id);
    if (!o->hashing && pop->version[0] != '\0')
        pbsc_put(o, "version = %s\n", pop->version);
    for (i = 0; i < NPKEYS; i++) {
        pbsc_put(o, "%s = ", pkeys[i].name);
        pbsc_put_number(o, value(pop, i));
        pbsc_put(o, "\n");
    }
}

void
pbsc_population_rehash(pbsc_population *pop)
{
    pbsc_hash_text(pop_into, pop, pop->hash);
}

PBSC_API int
pbsc_population_format(const pbsc_population *pop, char *buffer, size_t size, size_t *needed)
{
    return pbsc_format(pop_into, pop, buffer, size, needed);
}

PBSC_API const char *
pbsc_population_hash(const pbsc_population *pop)
{
    return pop == NULL ? "" : pop->hash;
}
