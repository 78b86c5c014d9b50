/* SPDX-License-Identifier: MIT */
/* The mobilization course: the person, the regimen, the goal and the days, validated as the
 * LIS adds them. */
#include "pbsc_private.h"

#include <math.h>
#include <string.h>

PBSC_API void
pbsc_person_init(pbsc_person *person)
{
    if (person == NULL)
        return;
    person->weight_kg = NAN;
    person->height_cm = NAN;
    person->sex = PBSC_SEX_UNKNOWN;
    person->age_years = NAN;
    person->crcl_ml_min = NAN;
    person->recipient_kg = NAN;
}

PBSC_API void
pbsc_day_init(pbsc_day *day)
{
    if (day == NULL)
        return;
    day->day = 0;
    day->cd34 = NAN;
    day->wbc = NAN;
    day->plt = NAN;
    day->plerixafor_mg = NAN;
    day->processed_l = NAN;
    day->collected = NAN;
}

static int
check_person(const pbsc_person *p, pbsc_diag *diag)
{
    int rc;

    if ((rc = pbsc_need(PBSC_Q_WEIGHT_KG, p->weight_kg, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_HEIGHT_CM, p->height_cm, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_AGE_YEARS, p->age_years, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_CRCL, p->crcl_ml_min, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_WEIGHT_KG, p->recipient_kg, "recipient_kg", diag)) != PBSC_OK)
        return rc;
    if (p->sex != PBSC_SEX_UNKNOWN && p->sex != PBSC_SEX_MALE && p->sex != PBSC_SEX_FEMALE)
        return pbsc_fail(diag, PBSC_E_INVAL, "sex", NAN, "unknown sex code %d", (int)p->sex);
    return PBSC_OK;
}

PBSC_API int
pbsc_course_new(const pbsc_person *person, pbsc_regimen regimen, double goal, double minimum,
                pbsc_course **course, pbsc_diag *diag)
{
    pbsc_course *c;
    int rc;

    if (person == NULL || course == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, person == NULL ? "person" : "course", NAN,
                         "NULL argument");
    if ((rc = check_person(person, diag)) != PBSC_OK)
        return rc;
    if (regimen != PBSC_REGIMEN_GCSF && regimen != PBSC_REGIMEN_CHEMO_GCSF &&
        regimen != PBSC_REGIMEN_UPFRONT)
        return pbsc_fail(diag, PBSC_E_INVAL, "regimen", NAN, "unknown regimen %d", (int)regimen);
    if ((rc = pbsc_optional(PBSC_Q_DOSE, goal, "goal", diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_DOSE, minimum, "minimum", diag)) != PBSC_OK)
        return rc;
    if (minimum > goal) /* false when either is NAN */
        return pbsc_fail(diag, PBSC_E_CONFLICT, "minimum", minimum,
                         "minimum %g is above the goal %g x10^6/kg", minimum, goal);
    c = pbsc_alloc(sizeof *c);
    if (c == NULL)
        return pbsc_fail(diag, PBSC_E_NOMEM, "course", NAN, "out of memory");
    memset(c, 0, sizeof *c);
    c->person = *person;
    c->regimen = regimen;
    c->goal = goal;
    c->minimum = minimum;
    *course = c;
    return PBSC_OK;
}

PBSC_API void
pbsc_course_free(pbsc_course *course)
{
    if (course == NULL)
        return;
    pbsc_dealloc(course->days);
    pbsc_dealloc(course);
}

/* A failure about one day: the diagnostic names the day as well as the field. */
static int
day_fail(pbsc_diag *diag, int rc, long day)
{
    if (diag != NULL)
        diag->day = day;
    return rc;
}

static int
check_day(const pbsc_course *c, const pbsc_day *d, pbsc_diag *diag)
{
    int rc;

    if ((rc = pbsc_need(PBSC_Q_DAY, (double)d->day, NULL, diag)) != PBSC_OK)
        return rc;
    if (c->n > 0 && d->day == c->days[c->n - 1].day)
        return pbsc_fail(diag, PBSC_E_DUPLICATE, "day", (double)d->day, "day %ld is given twice",
                         d->day);
    if (c->n > 0 && d->day < c->days[c->n - 1].day)
        return pbsc_fail(diag, PBSC_E_ORDER, "day", (double)d->day,
                         "day %ld comes after day %ld: days must increase", d->day,
                         c->days[c->n - 1].day);
    if ((rc = pbsc_optional(PBSC_Q_CD34_UL, d->cd34, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_WBC, d->wbc, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_PLT, d->plt, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_PLERIXAFOR_MG, d->plerixafor_mg, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_VOLUME_L, d->processed_l, "processed_l", diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_COLLECTED, d->collected, NULL, diag)) != PBSC_OK)
        return rc;
    if ((!isnan(d->processed_l) || !isnan(d->collected)) && isnan(d->cd34))
        return pbsc_fail(diag, PBSC_E_MISSING, "cd34", NAN,
                         "day %ld has an apheresis but no PB CD34 count that morning", d->day);
    return PBSC_OK;
}

PBSC_API int
pbsc_course_add(pbsc_course *course, const pbsc_day *day, pbsc_diag *diag)
{
    int rc;

    if (course == NULL || day == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, course == NULL ? "course" : "day", NAN,
                         "NULL argument");
    if ((rc = check_day(course, day, diag)) != PBSC_OK)
        return day_fail(diag, rc, day->day);
    if (course->n == course->cap) {
        size_t cap = course->cap ? 2 * course->cap : 16;
        pbsc_day *grown = pbsc_realloc(course->days, cap * sizeof *grown);

        if (grown == NULL)
            return day_fail(diag, pbsc_fail(diag, PBSC_E_NOMEM, "course", NAN, "out of memory"),
                            day->day);
        course->days = grown;
        course->cap = cap;
    }
    /* Plerixafor is labelled after 4 days of G-CSF (DOMAIN.md section 6): earlier is
     * possible, so accepted, but flagged. */
    if (course->regimen != PBSC_REGIMEN_CHEMO_GCSF && day->plerixafor_mg > 0.0 && day->day < 4)
        course->warnings |= PBSC_W_PLERIXAFOR_EARLY;
    if (course->n > 0 && day->day > course->days[course->n - 1].day + 1)
        course->warnings |= PBSC_W_DAY_GAP;
    course->days[course->n++] = *day;
    return PBSC_OK;
}

PBSC_API size_t
pbsc_course_length(const pbsc_course *course)
{
    return course == NULL ? 0 : course->n;
}

PBSC_API const pbsc_day *
pbsc_course_day(const pbsc_course *course, size_t i)
{
    return course == NULL || i >= course->n ? NULL : &course->days[i];
}

PBSC_API unsigned
pbsc_course_warnings(const pbsc_course *course)
{
    return course == NULL ? 0u : course->warnings;
}

PBSC_API const char *
pbsc_warning_name(unsigned warning)
{
    switch (warning) {
    case PBSC_W_PLERIXAFOR_EARLY:
        return "plerixafor-before-day-4";
    case PBSC_W_CRCL_UNKNOWN:
        return "crcl-unknown";
    case PBSC_W_OFF_LABEL_DOSE:
        return "off-label-dose";
    case PBSC_W_DAY_GAP:
        return "day-gap";
    default:
        return "unknown-warning";
    }
}

int
pbsc_course_index(const pbsc_course *c, long day, size_t *index, pbsc_diag *diag)
{
    size_t i;

    if (c->n == 0)
        return pbsc_fail(diag, PBSC_E_NODATA, "day", (double)day, "the course has no days");
    if (day <= 0) {
        *index = c->n - 1;
        return PBSC_OK;
    }
    for (i = 0; i < c->n; i++) {
        if (c->days[i].day == day) {
            *index = i;
            return PBSC_OK;
        }
    }
    pbsc_fail(diag, PBSC_E_NODATA, "day", (double)day, "the course has no row for day %ld", day);
    if (diag != NULL)
        diag->day = day;
    return PBSC_E_NODATA;
}
