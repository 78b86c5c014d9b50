/* SPDX-License-Identifier: MIT */
/* The population keys a site's history of aphereses identifies (pbsc_population_calibrate(3)):
 * the fall after an apheresis and its spread between patients and days, the CE law
 * and its spreads, the yield's count slope, WBC, Hct and weight. What it cannot identify, and
 * the notes, are lib/popfit_note.c. */
#include "popfit_private.h"

#include <math.h>
#include <string.h>

static int
rows_new(const pbsc_history *h, struct popfit_rows *s, pbsc_diag *diag)
{
    size_t i, j;

    memset(s, 0, sizeof *s);
    s->h = h;
    s->row = pbsc_alloc((h->n + 1) * sizeof *s->row);
    s->group = pbsc_alloc((h->n + 1) * sizeof *s->group);
    s->x = pbsc_alloc((h->n + 1) * sizeof *s->x);
    s->g = pbsc_alloc((h->n + 1) * sizeof *s->g);
    s->v = pbsc_alloc((h->n + 1) * sizeof *s->v);
    if (s->row == NULL || s->group == NULL || s->x == NULL || s->g == NULL || s->v == NULL)
        return pbsc_fail(diag, PBSC_E_NOMEM, "history", NAN, "out of memory");
    for (i = 0; i < h->n; i++) {
        long g = h->rows[i].patient >= 0 ? h->rows[i].patient : -1 - (long)i;
        if (!isnan(h->rows[i].recipient_kg))
            continue;
        /* insertion by patient, stable: the history is small and mostly sorted */
        for (j = s->n; j > 0 && s->group[j - 1] > g; j--) {
            s->row[j] = s->row[j - 1];
            s->group[j] = s->group[j - 1];
        }
        s->row[j] = i;
        s->group[j] = g;
        s->n++;
    }
    return PBSC_OK;
}

static void
rows_free(struct popfit_rows *s)
{
    pbsc_dealloc(s->row);
    pbsc_dealloc(s->group);
    pbsc_dealloc(s->x);
    pbsc_dealloc(s->g);
    pbsc_dealloc(s->v);
}

static size_t
patients(const struct popfit_rows *s)
{
    size_t i, k = 0;

    for (i = 0; i < s->n; i++)
        k += i == 0 || s->group[i] != s->group[i - 1];
    return k;
}

/* Mean and SD of x[0..n) (SD NAN for n < 2). */
void
popfit_mean_sd(const double *x, size_t n, double *mean, double *sd)
{
    double m = 0.0, q = 0.0, d;
    size_t i;

    for (i = 0; i < n; i++) {
        d = x[i] - m;
        m += d / (double)(i + 1);
        q += d * (x[i] - m);
    }
    *mean = n > 0 ? m : (double)NAN;
    *sd = n > 1 ? sqrt(q / (double)(n - 1)) : (double)NAN;
}

/*
 * The spread between patients as the mean product, about the grand mean, of two values of the
 * same patient (their covariance: the patient's effect is what they share), plus what a pair
 * shares by construction and negatively (v[k]: value k and k + 1 both hold one measured count,
 * the next morning of one session and the pre-count of the next, with opposite signs; 0 when
 * they do not). *total: the values' variance. *repeated: patients with two values or more.
 */
static void
pairwise(const double *x, const long *g, const double *v, size_t n, double *between,
         double *total, size_t *repeated)
{
    double grand, sd, sum = 0.0;
    size_t i, j, k, pairs = 0;

    popfit_mean_sd(x, n, &grand, &sd);
    *total = sd * sd;
    *repeated = 0;
    for (i = 0; i < n; i = j) {
        for (j = i; j < n && g[j] == g[i]; j++)
            for (k = i; k < j; k++, pairs++)
                sum += (x[k] - grand) * (x[j] - grand) + (k + 1 == j ? v[k] : 0.0);
        *repeated += j - i > 1;
    }
    *between = pairs > 0 ? sum / (double)pairs : (double)NAN;
}

/* Var ln(count) of a measured count (lib/yield.c's counting error, ISHAGE 1/N). */
double
popfit_count_var(double cd34, double wbc)
{
    pbsc_session s;
    double v = 0.0;

    pbsc_session_init(&s);
    s.cd34 = cd34;
    s.wbc = wbc;
    return pbsc_count_variance(&s, &v, NULL) == PBSC_OK ? v : 0.0;
}

/* The spreads of a grouped value: patient (between) and the rest (the variance left, less
 * `noise`, the counting error's mean variance in a value). */
void
popfit_spreads(struct popfit *f, const struct popfit_rows *s, size_t n, double noise,
               const char *patient_key, const char *rest_key)
{
    double between, total;
    size_t repeated;

    pairwise(s->x, s->g, s->v, n, &between, &total, &repeated);
    if (repeated < POPFIT_MIN_REPEATED) {
        popfit_short(f, patient_key, repeated, POPFIT_MIN_REPEATED);
        popfit_short(f, rest_key, repeated, POPFIT_MIN_REPEATED);
        return;
    }
    between = between > 0.0 ? between : 0.0;
    total -= between + noise;
    popfit_set(f, patient_key, sqrt(between), NAN, repeated);
    popfit_set(f, rest_key, sqrt(total > 0.0 ? total : 0.0), NAN, repeated);
}

/* The variance session i's ratio shares with the patient's next session's: its next morning's
 * count is that session's pre-count (the same number, the same counting error), or 0. */
static double
shared(const struct popfit_rows *s, size_t i)
{
    const pbsc_history_row *r = &s->h->rows[s->row[i]], *q;

    if (i + 1 >= s->n || s->group[i + 1] != s->group[i])
        return 0.0;
    q = &s->h->rows[s->row[i + 1]];
    return q->next_cd34 > 0.0 && q->cd34 > 0.0 && q->cd34 == r->next_cd34
               ? popfit_count_var(q->cd34, r->wbc)
               : 0.0;
}

/* The morning after an apheresis: ln(next / count) = ln apheresis_ratio + a + e. */
static void
fit_ratio(struct popfit *f, struct popfit_rows *s)
{
    double mean, sd, noise = 0.0;
    size_t i, n = 0;

    for (i = 0; i < s->n; i++) {
        const pbsc_history_row *r = &s->h->rows[s->row[i]];
        if (!(r->next_cd34 > 0.0 && r->cd34 > 0.0)) /* a count of 0 has no log ratio */
            continue;
        s->x[n] = log(r->next_cd34) - log(r->cd34);
        s->g[n] = s->group[i];
        s->v[n++] = shared(s, i);
        noise += popfit_count_var(r->cd34, r->wbc) + popfit_count_var(r->next_cd34, r->wbc);
    }
    if (n == 0) {
        popfit_absent(f, "apheresis_ratio");
        popfit_absent(f, "apheresis_sigma");
        popfit_absent(f, "day_sigma");
        return;
    }
    if (n < POPFIT_MIN_RATIO) {
        popfit_short(f, "apheresis_ratio", n, POPFIT_MIN_RATIO);
        popfit_short(f, "apheresis_sigma", n, POPFIT_MIN_RATIO);
        popfit_short(f, "day_sigma", n, POPFIT_MIN_RATIO);
        return;
    }
    popfit_mean_sd(s->x, n, &mean, &sd);
    popfit_set(f, "apheresis_ratio", exp(mean), exp(mean) * sd / sqrt((double)n), n);
    popfit_spreads(f, s, n, noise / (double)n, "apheresis_sigma", "day_sigma");
}

/* One value per patient of a row's column (its mean over the patient's rows), into s->x. */
static size_t
per_patient(struct popfit_rows *s, double (*column)(const pbsc_history_row *))
{
    size_t i, j, n = 0;

    for (i = 0; i < s->n; i = j) {
        double sum = 0.0;
        size_t m = 0;
        for (j = i; j < s->n && s->group[j] == s->group[i]; j++) {
            double v = column(&s->h->rows[s->row[j]]);
            if (!isnan(v))
                sum += v, m++;
        }
        if (m > 0)
            s->x[n++] = sum / (double)m;
    }
    return n;
}

static double
col_ln_wbc(const pbsc_history_row *r)
{
    return r->wbc > 0.0 ? log(r->wbc) : (double)NAN;
}

static double
col_hct(const pbsc_history_row *r)
{
    return r->hct;
}

static double
col_weight(const pbsc_history_row *r)
{
    return r->weight_kg;
}

/* A per-patient mean and SD: of the log (wbc_median = exp of the mean) or of the value. */
static void
fit_person(struct popfit *f, struct popfit_rows *s, double (*column)(const pbsc_history_row *),
           const char *centre, const char *spread, int logscale)
{
    size_t n = per_patient(s, column);
    double mean, sd;

    if (n == 0) {
        popfit_absent(f, centre);
        popfit_absent(f, spread);
        return;
    }
    if (n < POPFIT_MIN_PATIENTS) {
        popfit_short(f, centre, n, POPFIT_MIN_PATIENTS);
        popfit_short(f, spread, n, POPFIT_MIN_PATIENTS);
        return;
    }
    popfit_mean_sd(s->x, n, &mean, &sd);
    popfit_set(f, centre, logscale ? exp(mean) : mean,
               (logscale ? exp(mean) : 1.0) * sd / sqrt((double)n), n);
    popfit_set(f, spread, sd, sd / sqrt(2.0 * (double)(n - 1)), n);
}

PBSC_API void
pbsc_population_fit_init_sized(pbsc_population_fit *fit, size_t size)
{
    size_t i;

    if (fit == NULL || size < sizeof(pbsc_population_fit))
        return;
    memset(fit, 0, sizeof *fit);
    fit->size = size;
    for (i = 0; i < PBSC_POPULATION_KEYS_MAX; i++) {
        fit->state[i] = PBSC_POPFIT_CANNOT;
        fit->estimate[i] = fit->se[i] = NAN;
    }
}

PBSC_API int
pbsc_population_calibrate(const pbsc_history *history, pbsc_population *population,
                          pbsc_population_fit *fit, pbsc_diag *diag)
{
    struct popfit f;
    struct popfit_rows s;
    int rc;

    if (history == NULL || population == NULL || fit == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL,
                         history == NULL ? "history" : population == NULL ? "population" : "fit",
                         NAN, "NULL argument");
    if (fit->size < sizeof *fit)
        return pbsc_fail(diag, PBSC_E_INVAL, "fit", (double)fit->size,
                         "fit not initialised (pbsc_population_fit_init)");
    pbsc_population_fit_init_sized(&f.out, sizeof f.out);
    f.pop = population;
    if ((rc = rows_new(history, &s, diag)) != PBSC_OK) {
        rows_free(&s);
        return rc;
    }
    f.out.sessions = s.n;
    f.out.patients = patients(&s);
    fit_ratio(&f, &s);
    popfit_harvest(&f, &s);
    fit_person(&f, &s, col_ln_wbc, "wbc_median", "wbc_sigma", 1);
    fit_person(&f, &s, col_hct, "hct_mean", "hct_sd", 0);
    fit_person(&f, &s, col_weight, "weight_mean", "weight_sd", 0);
    rows_free(&s);
    f.out.size = fit->size;
    memcpy(fit, &f.out, sizeof f.out);
    return PBSC_OK;
}
