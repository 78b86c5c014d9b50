/* SPDX-License-Identifier: MIT */
/* The GITMO proven / predicted poor-mobilizer classifier (Olivieri A et al., BMT
 * 2012;47:342-51; pbsc-sources(7)). */
#include "pbsc_private.h"

#include <math.h>

/* The thresholds of the GITMO definition. */
#define PEAK_CD34 20.0 /* peak PB CD34 below 20/uL ... */
#define GCSF_DAYS 6    /* ... after 6 days of G-CSF, */
#define CHEMO_DAYS 20  /* ... or up to day 20 after chemotherapy + G-CSF */
#define APHERESES 3    /* < 2.0 x10^6/kg per planned transplant in no more than 3 aphereses */
#define APHERESIS_DOSE 2.0
#define AGE_YEARS 65.0 /* age "> 65" (also printed "older than 65"): above 65 [interp] */

PBSC_API void
pbsc_risk_init(pbsc_risk *risk)
{
    if (risk == NULL)
        return;
    risk->failed_collection = -1;
    risk->extensive_radiotherapy = -1;
    risk->marrow_toxic_therapy = -1;
    risk->lines_two_or_more = -1;
    risk->refractory = -1;
    risk->marrow_involvement = -1;
}

static int
is_apheresis(const pbsc_row *d)
{
    return !isnan(d->processed_l) || !isnan(d->collected);
}

/* GITMO's peak criterion on rows 0..last: the G-CSF peak (counts after a plerixafor dose do
 * not count) below 20/uL once the horizon day is reached; the criterion's text, or NULL. */
const char *
pbsc_gitmo_peak(const pbsc_course *c, size_t last)
{
    long horizon = c->regimen == PBSC_REGIMEN_CHEMO_GCSF ? CHEMO_DAYS : GCSF_DAYS;
    double peak = -1.0;
    size_t i;

    for (i = 0; i <= last; i++) {
        const pbsc_row *d = &c->days[i];
        if (d->day <= horizon && !isnan(d->cd34))
            peak = fmax(peak, d->cd34);
        if (PBSC_ROW_DOSE(d))
            break;
    }
    if (c->days[last].day >= horizon && peak >= 0.0 && peak < PEAK_CD34)
        return c->regimen == PBSC_REGIMEN_CHEMO_GCSF
                   ? "peak PB CD34 < 20/uL up to day 20 after chemotherapy + G-CSF"
                   : "peak PB CD34 < 20/uL after 6 days of G-CSF";
    return NULL;
}

/* GITMO's harvest criterion on the aphereses of rows 0..n-1: under 2.0 x10^6/kg per planned
 * transplant (pbsc_transplants() at the goal in force, NAN: none) in no more than 3
 * aphereses, read as the sum of the first 3; undecided before the third, and while one of
 * the three products is not counted [interp]. The text, or NULL. */
const char *
pbsc_gitmo_harvest(const pbsc_course *c, size_t n, double goal)
{
    int transplants = pbsc_transplants(c, goal);
    double sum = 0.0;
    size_t i, aphereses = 0;

    for (i = 0; i < n && aphereses < APHERESES; i++) {
        const pbsc_row *d = &c->days[i];
        if (!is_apheresis(d))
            continue;
        if (isnan(d->collected))
            return NULL;
        aphereses++;
        sum += d->collected;
    }
    if (aphereses < APHERESES || sum >= APHERESIS_DOSE * transplants)
        return NULL;
    return transplants == 1 ? "< 2.0 x10^6 CD34+/kg (2.0 per planned transplant, 1 planned) "
                              "in no more than 3 aphereses"
                            : "< 4.0 x10^6 CD34+/kg (2.0 per planned transplant, 2 planned) "
                              "in no more than 3 aphereses";
}

static const char *
predicted(const pbsc_course *c, const pbsc_risk *r)
{
    int two = 0;

    if (r->failed_collection == 1)
        return "a failed earlier collection";
    if (r->extensive_radiotherapy == 1 || r->marrow_toxic_therapy == 1)
        return "extensive radiotherapy or full courses of marrow-toxic therapy";
    two += r->lines_two_or_more == 1;
    two += r->refractory == 1;
    two += r->marrow_involvement == 1;
    two += c->person.age_years > AGE_YEARS;
    if (two >= 2)
        return "two of: >= 2 lines, refractory disease, marrow involvement, age > 65";
    return NULL;
}

static int
check_risk(const pbsc_risk *r, pbsc_diag *diag)
{
    const int v[] = {r->failed_collection,    r->extensive_radiotherapy,
                     r->marrow_toxic_therapy, r->lines_two_or_more,
                     r->refractory,           r->marrow_involvement};
    static const char *const names[] = {"failed_collection",    "extensive_radiotherapy",
                                        "marrow_toxic_therapy", "lines_two_or_more",
                                        "refractory",           "marrow_involvement"};
    size_t i;

    for (i = 0; i < sizeof v / sizeof v[0]; i++)
        if (v[i] < -1 || v[i] > 1)
            return pbsc_fail(diag, PBSC_E_INVAL, names[i], (double)v[i],
                             "%s must be -1 (unknown), 0 or 1", names[i]);
    return PBSC_OK;
}

PBSC_API int
pbsc_gitmo_classify(const pbsc_course *course, const pbsc_risk *risk, long day, pbsc_gitmo *result,
                    const char **criterion, pbsc_diag *diag)
{
    pbsc_risk none;
    const char *why;
    size_t last;
    int rc;

    if (course == NULL || result == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, course == NULL ? "course" : "result", NAN,
                         "NULL argument");
    if (risk == NULL) {
        pbsc_risk_init(&none);
        risk = &none;
    }
    if ((rc = check_risk(risk, diag)) != PBSC_OK)
        return rc;
    if ((rc = pbsc_course_index(course, day, &last, diag)) != PBSC_OK)
        return rc;
    why = pbsc_gitmo_peak(course, last);
    if (why == NULL)
        why = pbsc_gitmo_harvest(course, last + 1, course->goal);
    if (why != NULL) {
        *result = PBSC_GITMO_PROVEN;
    } else if ((why = predicted(course, risk)) != NULL) {
        *result = PBSC_GITMO_PREDICTED;
    } else {
        *result = PBSC_GITMO_NOT_POOR;
        why = "no criterion met";
    }
    if (criterion != NULL)
        *criterion = why;
    return PBSC_OK;
}
