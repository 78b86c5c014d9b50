/* SPDX-License-Identifier: MIT */
/* What a history cannot give a fit, named: a column that takes one value, a regressor left
 * out and why, a spread below its floor (raised to it), a risk model that cannot be fitted.
 * Each finding is a clause of its part's note (pbsc_model_info(3), pbsc-model(5)). */
#include "calibrate_private.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/*
 * The floor of the CE spread, sigma of ln CE2. No source gives a minimum between-session
 * spread. The smallest among the sources the library cites (lib/ce.c, pbsc-sources(7))
 * is that of the Spectra Optia CMNC in healthy donors, in a controlled crossover: CE2 62.4%
 * (SD 11.6) (Transfusion 2016;56:2824, PMID 27589225), moment-matched to a log-normal as
 * lib/ce.c does: sigma = sqrt(ln(1 + (11.6 / 62.4)^2)) = 0.1843207634 [interp] (the
 * optia-cmnc-donor preset). Routine collections in patients vary at least as much as healthy
 * donors in a trial, so a fitted spread below it says more about the history (copied rows, a
 * product computed rather than counted) than about the device; it is raised to the floor and
 * the note says so. Conservative: an interval built on a fitted CE is never narrower than
 * one built on the tightest published series. tests/check_calibrate.c recomputes it.
 */
#define CE_SIGMA_FLOOR 0.1843207634

/* Two values this close are one value: the rounding of one quantity computed from different
 * numbers. Relative for a recorded value; absolute for a logarithm, a sum of logs whose
 * rounding does not shrink with it (ln CE2 of 1 is 0 give or take 1e-16). */
#define SAME 1e-12

static int
same(double x, double first)
{
    return fabs(x - first) <= SAME * fmax(fabs(x), fabs(first));
}

static int
same_log(double x, double first)
{
    return fabs(x - first) <= SAME;
}

/* Drops blanks at the end of the note: a model file trims them, and must read it back. */
static void
trim(char *note)
{
    size_t n = strlen(note);

    while (n > 0 && (note[n - 1] == ' ' || note[n - 1] == '\t'))
        note[--n] = '\0';
}

void
pbsc_calib_note(char *note, const char *fmt, ...)
{
    char clause[PBSC_NOTE_SIZE];
    size_t len = strlen(note), sep = len > 0 ? 2 : 0;
    va_list ap;

    va_start(ap, fmt);
    pbsc_vfmt(clause, sizeof clause, fmt, ap);
    va_end(ap);
    if (len + sep + strlen(clause) < PBSC_NOTE_SIZE)
        pbsc_fmt(note + len, PBSC_NOTE_SIZE - len, "%s%s", sep ? "; " : "", clause);
    else if (len + 5 < PBSC_NOTE_SIZE && (len < 3 || strcmp(note + len - 3, "...") != 0))
        pbsc_fmt(note + len, PBSC_NOTE_SIZE - len, "%s...", sep ? "; " : "");
    trim(note);
}

/* ---- CE: the regressors and the spread --------------------------------------------------- */

/* A CE regressor over the sessions with a product: how many record it (a WBC above 0: ln WBC
 * needs it), its first value, and whether it takes only that one. */
struct column {
    size_t n;
    double first;
    int constant;
};

static void
scan(const pbsc_history *h, int hct, struct column *c, size_t *both, size_t *sessions)
{
    size_t i;

    memset(c, 0, sizeof *c);
    c->constant = 1;
    *both = *sessions = 0;
    for (i = 0; i < h->n; i++) {
        const pbsc_history_row *r = &h->rows[i];
        int w = !isnan(r->wbc) && r->wbc > 0.0, t = !isnan(r->hct);
        double v = hct ? r->hct : r->wbc;
        if (!(r->collected > 0.0))
            continue;
        ++*sessions;
        *both += (size_t)(w && t);
        if (!(hct ? t : w))
            continue;
        if (c->n++ == 0)
            c->first = v;
        else if (!same(v, c->first))
            c->constant = 0;
    }
}

/* lib/calibrate.c's ce_choose() tries both slopes, ln WBC alone, Hct alone, none: the reason
 * a regressor is not in the design it chose follows that order. */
void
pbsc_calib_ce_regressors(const pbsc_history *h, int wbc, int hct, char *note)
{
    static const char *const name[2] = {"wbc", "hct"};
    const int used[2] = {wbc, hct};
    const size_t one = MIN_CE_ROWS + ROWS_PER_REGRESSOR, two = one + ROWS_PER_REGRESSOR;
    size_t both, sessions;
    struct column c;
    int j;

    for (j = 0; j < 2; j++) {
        scan(h, j, &c, &both, &sessions);
        if (used[j] || c.n == 0) /* used, or not recorded at all: nothing to explain */
            continue;
        if (c.constant)
            pbsc_calib_note(note, "%s takes one value (%g) in %s %zu sessions%s: no slope", name[j],
                            c.first, c.n == sessions ? "all" : "the", c.n,
                            c.n == sessions ? "" : " that record it");
        else if (c.n < one)
            pbsc_calib_note(note, "%zu sessions record %s%s: a slope needs %zu", c.n, name[j],
                            j == 0 ? " above 0" : "", one);
        else if (j == 1 && wbc && both < two)
            pbsc_calib_note(note,
                            "%zu sessions record both wbc and hct: two slopes need %zu; "
                            "ln WBC kept",
                            both, two);
        else if (j == 1 && wbc)
            pbsc_calib_note(note,
                            "hct is collinear with ln wbc over the %zu sessions that "
                            "record both: ln WBC kept",
                            both);
        else
            pbsc_calib_note(note, "%s varies too little over its %zu sessions for a slope", name[j],
                            c.n);
    }
}

double
pbsc_calib_ce_floor(void)
{
    return CE_SIGMA_FLOOR;
}

double
pbsc_calib_ce_sigma(const double *y, size_t n, double sigma, struct pbsc_model_fit *fit)
{
    char *note = fit->note[PBSC_NOTE_CE];
    size_t i;

    for (i = 1; i < n && same_log(y[i], y[0]); i++)
        ;
    if (n > 0 && i == n)
        pbsc_calib_note(note,
                        "the CE (collected / expected) is the same in all %zu sessions "
                        "(%g): its spread cannot be fitted",
                        n, exp(y[0]));
    if (!(sigma < CE_SIGMA_FLOOR))
        return sigma;
    fit->floored |= PBSC_PART_CE;
    pbsc_calib_note(note,
                    "sigma %.3g raised to its floor %.3g (the smallest published spread "
                    "of ln CE2)",
                    sigma, CE_SIGMA_FLOOR);
    return CE_SIGMA_FLOOR;
}

/* ---- the ratio after an apheresis -------------------------------------------------------- */

/* Var ln(true count) of a count at this WBC: lib/yield.c's counting error (ISHAGE, 1/N). */
static int
count_variance(double cd34, double wbc, double *var, pbsc_diag *diag)
{
    pbsc_session s;

    pbsc_session_init(&s);
    s.cd34 = cd34;
    s.wbc = wbc;
    return pbsc_count_variance(&s, var, diag);
}

/*
 * The floor of the ratio's spread. ln(next_cd34 / cd34) is a difference of two counts, each
 * with the counting error lib/yield.c gives a count (1/N for N CD34+ events, ISHAGE), so its
 * measured spread cannot be below sqrt(1/N_today + 1/N_next): the floor is that, the
 * variances averaged over the sessions fitted. The next morning's count is taken at the
 * session's WBC (the history records no other) [interp]; without a WBC, lib/yield.c's
 * default, which errs wide. The literature gives no figure (pbsc-sources(7)).
 */
int
pbsc_calib_ratio_sigma(const pbsc_history *h, double *sigma, struct pbsc_model_fit *fit,
                       pbsc_diag *diag)
{
    char *note = fit->note[PBSC_NOTE_APHERESIS];
    double var = 0.0, first = 0.0, lowest;
    size_t i, n = 0;
    int constant = 1, rc;

    for (i = 0; i < h->n; i++) {
        const pbsc_history_row *r = &h->rows[i];
        double v1, v2, x;
        if (!(r->next_cd34 > 0.0))
            continue;
        if ((rc = count_variance(r->cd34, r->wbc, &v1, diag)) != PBSC_OK ||
            (rc = count_variance(r->next_cd34, r->wbc, &v2, diag)) != PBSC_OK)
            return rc;
        var += v1 + v2;
        x = log(r->next_cd34) - log(r->cd34);
        if (n++ == 0)
            first = x;
        else if (!same_log(x, first))
            constant = 0;
    }
    if (n == 0)
        return PBSC_OK;
    lowest = sqrt(var / (double)n);
    if (constant)
        pbsc_calib_note(note,
                        "next_cd34 / cd34 is the same in all %zu sessions (%g): its spread "
                        "cannot be fitted",
                        n, exp(first));
    if (!(*sigma < lowest))
        return PBSC_OK;
    fit->floored |= PBSC_PART_APHERESIS;
    pbsc_calib_note(note,
                    "sigma %.3g raised to its floor %.3g (the counting error of the two "
                    "counts)",
                    *sigma, lowest);
    *sigma = lowest;
    return PBSC_OK;
}

/* ---- the risk model ---------------------------------------------------------------------- */

int
pbsc_calib_risk_ready(const pbsc_history *h, const size_t *row, size_t m, size_t events, char *note)
{
    size_t i, j, need = EVENTS_PER_COVARIATE * h->k;

    if (h->k == 0) {
        pbsc_calib_note(note, "the history has no covariates");
        return 0;
    }
    if (m == 0) {
        pbsc_calib_note(note, "no patient records poor with every covariate");
        return 0;
    }
    if (events == 0 || events == m)
        pbsc_calib_note(note, "poor is %d in all %zu patients: the outcome takes one value",
                        events > 0, m);
    for (j = 0; j < h->k; j++) {
        double first = h->x[row[0] * h->k + j];
        for (i = 1; i < m && same(h->x[row[i] * h->k + j], first); i++)
            ;
        if (i == m)
            pbsc_calib_note(note, "%s takes one value (%g) in all %zu patients", h->name[j], first,
                            m);
    }
    /* 10 events per covariate in the smaller class (Peduzzi 1996, lib/calibrate.c) */
    if (events > 0 && events < m && (events < need || m - events < need))
        pbsc_calib_note(note, "%zu poor and %zu not poor: %zu covariate%s %zu of each", events,
                        m - events, h->k, h->k == 1 ? " needs" : "s need", need);
    return note[0] == '\0';
}
