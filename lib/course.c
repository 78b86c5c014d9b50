/* SPDX-License-Identifier: MIT */
/* The mobilization course: the person, the regimen, the goal and the days, validated as the
 * LIS sets each measure (and amends it). */
#include "pbsc_private.h"

#include <stddef.h>
#include <string.h>

/* The 1.0 layout of pbsc_person ends with `band`: smaller sizes are refused. */
#define PERSON_MIN (offsetof(pbsc_person, band) + sizeof(pbsc_band))

/* A neonate: the first 28 days of life (the WHO's definition of the neonatal period). */
#define NEONATE_YEARS (28.0 / 365.25)
#define ADULT_YEARS 18.0 /* the age of the plerixafor label's adult dosing (EU paediatric
                            extension: children 1 to < 18 years) */

PBSC_API void
pbsc_person_init_sized(pbsc_person *person, size_t size)
{
    pbsc_person full;

    memset(&full, 0, sizeof full);
    full.weight_kg = NAN;
    full.height_cm = NAN;
    full.sex = PBSC_SEX_UNKNOWN;
    full.age_years = NAN;
    full.crcl_ml_min = NAN;
    full.recipient_kg = NAN;
    full.band = PBSC_BAND_AUTO;
    pbsc_sized_init(person, size, &full, sizeof full);
}

void
pbsc_sized_init(void *p, size_t size, const void *full, size_t full_size)
{
    if (p == NULL || size < sizeof(size_t))
        return;
    memset(p, 0, size);
    memcpy(p, full, size < full_size ? size : full_size);
    *(size_t *)p = size;
}

int
pbsc_sized_in(void *full, size_t full_size, const void *in, size_t min)
{
    size_t n = *(const size_t *)in;

    if (n < min)
        return PBSC_E_INVAL;
    memcpy((char *)full + sizeof(size_t), (const char *)in + sizeof(size_t),
           (n < full_size ? n : full_size) - sizeof(size_t));
    return PBSC_OK;
}

int
pbsc_sized_out(void *out, const void *full, size_t full_size, size_t min)
{
    size_t n = *(const size_t *)out;

    if (n < min)
        return PBSC_E_INVAL;
    memcpy((char *)out + sizeof(size_t), (const char *)full + sizeof(size_t),
           (n < full_size ? n : full_size) - sizeof(size_t));
    return PBSC_OK;
}

int
pbsc_person_child(const pbsc_person *p)
{
    return p->age_years < ADULT_YEARS; /* false when the age is unknown */
}

/* "Per planned transplant" (GITMO) and "several transplants" (Mayo) read the person's
 * transplants; not given, the goal says it: the two-transplant targets (tandem8, tandem10;
 * pbsc_target_find(3)) have goals of 8 and 10, the single one (auto5) 5 [interp]. */
int
pbsc_transplants(const pbsc_course *c, double goal)
{
    if (c->person.transplants > 0)
        return c->person.transplants;
    return goal >= PBSC_TWO_TRANSPLANT_GOAL ? 2 : 1;
}

int
pbsc_person_tbv(const pbsc_person *p, double *litres, pbsc_band *band, pbsc_diag *diag)
{
    pbsc_band b = p->band;
    int nadler_ok = !isnan(p->height_cm) && p->sex != PBSC_SEX_UNKNOWN;

    if (b == PBSC_BAND_AUTO) {
        /* Nadler was fitted on adults (Surgery 1962;51:224): a child gets a mL/kg band */
        if (p->age_years < NEONATE_YEARS)
            b = PBSC_BAND_NEONATE;
        else if (pbsc_person_child(p))
            b = PBSC_BAND_CHILD;
        else
            b = nadler_ok ? PBSC_BAND_NADLER : PBSC_BAND_ADULT;
    } else if (b == PBSC_BAND_ADULT && nadler_ok) {
        b = PBSC_BAND_NADLER;
    }
    *band = b;
    if (b == PBSC_BAND_NADLER)
        return pbsc_tbv_nadler(p->height_cm, p->weight_kg, p->sex, litres, diag);
    return pbsc_tbv_per_kg(p->weight_kg, b, litres, diag);
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
    if ((int)p->band < PBSC_BAND_ADULT || p->band > PBSC_BAND_NADLER)
        return pbsc_fail(diag, PBSC_E_INVAL, "band", NAN, "unknown blood-volume band %d",
                         (int)p->band);
    if (p->band == PBSC_BAND_NADLER && (isnan(p->height_cm) || p->sex == PBSC_SEX_UNKNOWN))
        return pbsc_fail(diag, PBSC_E_MISSING, isnan(p->height_cm) ? "height_cm" : "sex", NAN,
                         "the Nadler band needs the height and the sex");
    if ((int)p->diagnosis < PBSC_DX_UNKNOWN || p->diagnosis >= PBSC_DX_COUNT)
        return pbsc_fail(diag, PBSC_E_INVAL, "diagnosis", NAN, "unknown diagnosis code %d",
                         (int)p->diagnosis);
    if (p->transplants < 0 || p->transplants > 2)
        return pbsc_fail(diag, PBSC_E_RANGE, "transplants", (double)p->transplants,
                         "transplants %d: 1 or 2 planned (0 = not given)", p->transplants);
    return PBSC_OK;
}

PBSC_API int
pbsc_course_new(const pbsc_person *person, pbsc_regimen regimen, double goal, double minimum,
                pbsc_course **course, pbsc_diag *diag)
{
    pbsc_person p;
    pbsc_course *c;
    int rc;

    if (person == NULL || course == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, person == NULL ? "person" : "course", NAN,
                         "NULL argument");
    pbsc_person_init(&p);
    if (pbsc_sized_in(&p, sizeof p, person, PERSON_MIN) != PBSC_OK)
        return pbsc_fail(diag, PBSC_E_INVAL, "person", (double)person->size,
                         "person->size %zu: initialise it with pbsc_person_init()", person->size);
    if ((rc = check_person(&p, diag)) != PBSC_OK)
        return rc;
    if (pbsc_regimen_name(regimen) == NULL)
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
    c->person = p;
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

/* The row member a day measure lives in, or NULL for a quantity that is not one. */
static double *
measure(pbsc_row *r, pbsc_quantity q)
{
    switch (q) {
    case PBSC_Q_CD34_UL:
        return &r->cd34;
    case PBSC_Q_WBC:
        return &r->wbc;
    case PBSC_Q_PLT:
        return &r->plt;
    case PBSC_Q_HCT:
        return &r->hct;
    case PBSC_Q_VOLUME_L:
        return &r->processed_l;
    case PBSC_Q_COLLECTED:
        return &r->collected;
    case PBSC_Q_PLERIXAFOR_MG:
        return &r->plerixafor_mg;
    case PBSC_Q_MOTIXAFORTIDE_MG:
        return &r->motixafortide_mg;
    default:
        return NULL;
    }
}

/* The index where `day` is or would go (rows stay in increasing day order). */
static size_t
slot(const pbsc_course *c, long day)
{
    size_t lo = 0, hi = c->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->days[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Inserts an empty row for `day` at index i. */
static int
insert_row(pbsc_course *c, size_t i, long day, pbsc_diag *diag)
{
    pbsc_row *r;

    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        pbsc_row *grown = pbsc_realloc(c->days, cap * sizeof *grown);

        if (grown == NULL)
            return pbsc_fail(diag, PBSC_E_NOMEM, "course", NAN, "out of memory");
        c->days = grown;
        c->cap = cap;
    }
    memmove(&c->days[i + 1], &c->days[i], (c->n - i) * sizeof *c->days);
    c->n++;
    r = &c->days[i];
    r->day = day;
    r->cd34 = r->wbc = r->plt = r->hct = NAN;
    r->processed_l = r->collected = r->plerixafor_mg = r->motixafortide_mg = NAN;
    return PBSC_OK;
}

/* The course's warnings, recomputed from its rows after every change (rows may be amended,
 * so a warning is never left behind by a corrected value). */
static void
rewarn(pbsc_course *c)
{
    size_t i;

    c->warnings = 0;
    for (i = 0; i < c->n; i++) {
        const pbsc_row *r = &c->days[i];
        /* plerixafor is labelled after 4 days of G-CSF (US label; pbsc-sources(7)): earlier is
         * possible, so accepted, but flagged */
        if (c->regimen != PBSC_REGIMEN_CHEMO_GCSF && PBSC_ROW_DOSE(r) && r->day < 4)
            c->warnings |= PBSC_W_PLERIXAFOR_EARLY;
        if (i > 0 && r->day > c->days[i - 1].day + 1)
            c->warnings |= PBSC_W_DAY_GAP;
    }
}

PBSC_API int
pbsc_course_set(pbsc_course *course, long day, pbsc_quantity quantity, double value,
                pbsc_diag *diag)
{
    pbsc_row scratch;
    size_t i;
    int rc;

    if (course == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "course", NAN, "NULL argument");
    if ((rc = pbsc_need(PBSC_Q_DAY, (double)day, NULL, diag)) != PBSC_OK)
        return day_fail(diag, rc, day);
    if (measure(&scratch, quantity) == NULL)
        return day_fail(diag,
                        pbsc_fail(diag, PBSC_E_INVAL, "quantity", NAN,
                                  "quantity %d is not a measure of a day", (int)quantity),
                        day);
    if ((rc = pbsc_optional(quantity, value, NULL, diag)) != PBSC_OK)
        return day_fail(diag, rc, day);
    i = slot(course, day);
    if ((i == course->n || course->days[i].day != day) &&
        (rc = insert_row(course, i, day, diag)) != PBSC_OK)
        return day_fail(diag, rc, day);
    *measure(&course->days[i], quantity) = value;
    rewarn(course);
    return PBSC_OK;
}

PBSC_API int
pbsc_course_get(const pbsc_course *course, long day, pbsc_quantity quantity, double *value,
                pbsc_diag *diag)
{
    pbsc_row scratch;
    size_t i;

    if (course == NULL || value == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, course == NULL ? "course" : "value", NAN,
                         "NULL argument");
    if (measure(&scratch, quantity) == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "quantity", NAN,
                         "quantity %d is not a measure of a day", (int)quantity);
    i = slot(course, day);
    if (i == course->n || course->days[i].day != day)
        return day_fail(diag,
                        pbsc_fail(diag, PBSC_E_NODATA, "day", (double)day,
                                  "the course has no row for day %ld", day),
                        day);
    *value = *measure((pbsc_row *)&course->days[i], quantity);
    return PBSC_OK;
}

PBSC_API size_t
pbsc_course_length(const pbsc_course *course)
{
    return course == NULL ? 0 : course->n;
}

PBSC_API long
pbsc_course_day(const pbsc_course *course, size_t i)
{
    return course == NULL || i >= course->n ? 0 : course->days[i].day;
}

PBSC_API int
pbsc_course_person(const pbsc_course *course, pbsc_person *person)
{
    if (course == NULL || person == NULL)
        return PBSC_E_INVAL;
    return pbsc_sized_out(person, &course->person, sizeof course->person, PERSON_MIN);
}

PBSC_API int
pbsc_course_donor(const pbsc_course *course)
{
    return course != NULL && !isnan(course->person.recipient_kg);
}

PBSC_API unsigned
pbsc_course_warnings(const pbsc_course *course)
{
    return course == NULL ? 0u : course->warnings;
}

PBSC_API const char *
pbsc_warning_name(unsigned warning)
{
    static const char *const names[] = {
        "plerixafor-before-day-4", "crcl-unknown",   "off-label-dose",
        "day-gap",                 "after-stop",     "dose-not-given",
        "dose-unadvised",          "apheresis-unadvised", "child",
        "age-unknown-per-kg-dose", "ce-held",        "tbv-weight-only",
        "diagnosis-unknown",
    };
    size_t i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (warning == 1u << i)
            return names[i];
    return "unknown-warning";
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
    i = slot(c, day);
    if (i < c->n && c->days[i].day == day) {
        *index = i;
        return PBSC_OK;
    }
    pbsc_fail(diag, PBSC_E_NODATA, "day", (double)day, "the course has no row for day %ld", day);
    if (diag != NULL)
        diag->day = day;
    return PBSC_E_NODATA;
}

/* In pbsc_diagnosis order: the short names programs and files use. */
static const char *const diagnosis_names[PBSC_DX_COUNT] = {"unknown", "MM", "NHL", "HL",
                                                           "AL",      "ST", "other"};

PBSC_API const char *
pbsc_diagnosis_name(pbsc_diagnosis diagnosis)
{
    if ((int)diagnosis < 0 || diagnosis >= PBSC_DX_COUNT)
        return "invalid";
    return diagnosis_names[diagnosis];
}

/* ASCII case-insensitive equality (the host's locale must not change what a name means). */
static int
same_name(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

PBSC_API int
pbsc_diagnosis_find(const char *name, pbsc_diagnosis *diagnosis, pbsc_diag *diag)
{
    int i;

    if (name == NULL || diagnosis == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, name == NULL ? "name" : "diagnosis", NAN,
                         "NULL argument");
    for (i = 0; i < PBSC_DX_COUNT; i++)
        if (same_name(name, diagnosis_names[i])) {
            *diagnosis = (pbsc_diagnosis)i;
            return PBSC_OK;
        }
    return pbsc_fail(diag, PBSC_E_UNKNOWN, "diagnosis", NAN,
                     "unknown diagnosis '%.40s' (MM, NHL, HL, AL, ST, other or unknown)", name);
}

/* In pbsc_regimen order: the one table of the regimens' words (the record, the policy file's
 * `regimens`, the programs' --regimen). */
static const char *const regimen_names[] = {"gcsf", "chemo", "upfront", "pegfilgrastim"};
#define NREGIMENS (sizeof regimen_names / sizeof regimen_names[0])

typedef char pbsc_every_regimen_has_a_name[NREGIMENS == PBSC_REGIMEN_PEGFILGRASTIM + 1 ? 1 : -1];

PBSC_API const char *
pbsc_regimen_name(pbsc_regimen regimen)
{
    if ((int)regimen < 0 || (size_t)regimen >= NREGIMENS)
        return NULL;
    return regimen_names[regimen];
}

/* The words for a message, from the table: "gcsf, chemo, upfront or pegfilgrastim". */
void
pbsc_regimen_words(char *buf, size_t size)
{
    size_t i, used = 0;

    buf[0] = '\0';
    for (i = 0; i < NREGIMENS && used < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == NREGIMENS ? " or " : ", ";
        used += strlen(buf + used);
        pbsc_fmt(buf + used, size - used, "%s%s", sep, regimen_names[i]);
    }
}

PBSC_API int
pbsc_regimen_find(const char *name, pbsc_regimen *regimen, pbsc_diag *diag)
{
    char words[64];
    size_t i;

    if (name == NULL || regimen == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, name == NULL ? "name" : "regimen", NAN,
                         "NULL argument");
    for (i = 0; i < NREGIMENS; i++)
        if (same_name(name, regimen_names[i])) {
            *regimen = (pbsc_regimen)i;
            return PBSC_OK;
        }
    pbsc_regimen_words(words, sizeof words);
    return pbsc_fail(diag, PBSC_E_UNKNOWN, "regimen", NAN, "unknown regimen '%.40s' (%s)", name,
                     words);
}
