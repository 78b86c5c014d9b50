/* SPDX-License-Identifier: MIT */
/* Tests of the mobilization course: the person (size tag, validation, blood-volume band), each
 * day measure set by quantity key (validation, amendment, "not measured", day order),
 * warnings, accessors, and that a failed call leaves everything as it was. */
#include <string.h>

#include "pbsc_test.h"

/* A pointer no call may write over: *course keeps it when pbsc_course_new fails. */
static pbsc_course *const untouched = (pbsc_course *)(void *)&untouched;

/* The fields of a person a table gives (pbsc_person itself is size-tagged: see person()). */
struct pfields {
    double weight_kg, height_cm;
    int sex;
    double age_years, crcl_ml_min, recipient_kg;
    int band;
};

#define PERSON(w, h, sx, age, crcl, rk)                                                            \
    {                                                                                              \
        (w), (h), (sx), (age), (crcl), (rk), PBSC_BAND_AUTO                                        \
    }
#define PERSON_BAND(w, h, sx, age, band)                                                           \
    {                                                                                              \
        (w), (h), (sx), (age), NAN, NAN, (band)                                                    \
    }

static pbsc_person
person(const struct pfields *f)
{
    pbsc_person p;

    pbsc_person_init(&p);
    p.weight_kg = f->weight_kg;
    p.height_cm = f->height_cm;
    p.sex = (pbsc_sex)f->sex;
    p.age_years = f->age_years;
    p.crcl_ml_min = f->crcl_ml_min;
    p.recipient_kg = f->recipient_kg;
    p.band = (pbsc_band)f->band;
    return p;
}

/* The same value, where NAN equals NAN. */
static int
same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* The eight measures of a day, in the order of struct snapshot. */
static const pbsc_quantity measures[] = {
    PBSC_Q_CD34_UL,  PBSC_Q_WBC,       PBSC_Q_PLT,           PBSC_Q_HCT,
    PBSC_Q_VOLUME_L, PBSC_Q_COLLECTED, PBSC_Q_PLERIXAFOR_MG, PBSC_Q_MOTIXAFORTIDE_MG,
};
#define NMEASURES NROWS(measures)

static pbsc_course *
new_course(pbsc_regimen regimen)
{
    pbsc_person p = pbsc_test_person(70.0, NAN);
    pbsc_course *c = NULL;

    ck_assert_int_eq(pbsc_course_new(&p, regimen, 5.0, 2.0, &c, NULL), PBSC_OK);
    ck_assert_ptr_nonnull(c);
    return c;
}

static double
get(const pbsc_course *c, long day, pbsc_quantity q)
{
    pbsc_diag diag;
    double v = -12345.0;
    int rc = pbsc_course_get(c, day, q, &v, &diag);

    ck_assert_msg(rc == PBSC_OK, "get day %ld quantity %d: %s", day, (int)q, diag.text);
    return v;
}

/* Everything the course says, through the API: its days, every measure and its warnings. */
struct snapshot {
    size_t n;
    long day[8];
    double v[8][NMEASURES];
    unsigned warnings;
};

static void
snap(const pbsc_course *c, struct snapshot *s)
{
    size_t i, q;

    memset(s, 0, sizeof *s);
    s->n = pbsc_course_length(c);
    ck_assert_uint_le(s->n, 8);
    for (i = 0; i < s->n; i++) {
        s->day[i] = pbsc_course_day(c, i);
        for (q = 0; q < NMEASURES; q++)
            s->v[i][q] = get(c, s->day[i], measures[q]);
    }
    s->warnings = pbsc_course_warnings(c);
}

static void
assert_same_snapshot(const struct snapshot *a, const struct snapshot *b)
{
    size_t i, q;

    ck_assert_uint_eq(a->n, b->n);
    ck_assert_uint_eq(a->warnings, b->warnings);
    for (i = 0; i < a->n; i++) {
        ck_assert_int_eq(a->day[i], b->day[i]);
        for (q = 0; q < NMEASURES; q++)
            ck_assert_msg(same(a->v[i][q], b->v[i][q]), "day %ld quantity %d: %g, was %g",
                          a->day[i], (int)measures[q], b->v[i][q], a->v[i][q]);
    }
}

/* ---- initializers ------------------------------------------------------------------------ */

START_TEST(person_init_sets_every_field)
{
    pbsc_person p;

    memset(&p, 0x5a, sizeof p);
    pbsc_person_init(&p);
    ck_assert_uint_eq(p.size, sizeof(pbsc_person));
    ck_assert(isnan(p.weight_kg));
    ck_assert(isnan(p.height_cm));
    ck_assert_int_eq(p.sex, PBSC_SEX_UNKNOWN);
    ck_assert(isnan(p.age_years));
    ck_assert(isnan(p.crcl_ml_min));
    ck_assert(isnan(p.recipient_kg));
    ck_assert_int_eq(p.band, PBSC_BAND_AUTO);
    pbsc_person_init(NULL); /* a no-op, not a crash */
}
END_TEST

/* A row made by one measure has every other measure "not measured". */
START_TEST(new_row_is_not_measured)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_GCSF);
    size_t q;

    pbsc_test_set(c, 5, PBSC_Q_HCT, 31.0);
    ck_assert_uint_eq(pbsc_course_length(c), 1);
    ck_assert_int_eq(pbsc_course_day(c, 0), 5);
    for (q = 0; q < NMEASURES; q++) {
        double v = get(c, 5, measures[q]);
        if (measures[q] == PBSC_Q_HCT)
            ck_assert(v == 31.0);
        else
            ck_assert_msg(isnan(v), "quantity %d: %g", (int)measures[q], v);
    }
    /* setting NAN creates the row too, all of it not measured */
    pbsc_test_set(c, 6, PBSC_Q_CD34_UL, NA);
    ck_assert_uint_eq(pbsc_course_length(c), 2);
    for (q = 0; q < NMEASURES; q++)
        ck_assert(isnan(get(c, 6, measures[q])));
    pbsc_course_free(c);
}
END_TEST

/* ---- pbsc_course_new ------------------------------------------------------------------- */

START_TEST(new_accepts_valid_inputs)
{
    /* Every optional field unknown; every field at the edges of its range; the goal and
     * minimum NAN (the policy's defaults) or equal; every band a person may ask for. */
    static const struct pfields people[] = {
        PERSON(70.0, NAN, PBSC_SEX_UNKNOWN, NAN, NAN, NAN),
        PERSON(2.0, 30.0, PBSC_SEX_FEMALE, 0.0, 0.0, 2.0),
        PERSON(350.0, 250.0, PBSC_SEX_MALE, 120.0, 300.0, 350.0),
        PERSON_BAND(70.0, NAN, PBSC_SEX_UNKNOWN, NAN, PBSC_BAND_ADULT),
        PERSON_BAND(30.0, NAN, PBSC_SEX_UNKNOWN, 40.0, PBSC_BAND_CHILD),
        PERSON_BAND(3.5, NAN, PBSC_SEX_UNKNOWN, NAN, PBSC_BAND_NEONATE),
        PERSON_BAND(70.0, 170.0, PBSC_SEX_MALE, NAN, PBSC_BAND_NADLER),
    };
    static const double goals[][2] = {{5.0, 2.0}, {NAN, NAN},     {NAN, 2.0},
                                      {5.0, NAN}, {100.0, 100.0}, {0.001, 0.001}};
    static const pbsc_regimen regimens[] = {PBSC_REGIMEN_GCSF, PBSC_REGIMEN_CHEMO_GCSF,
                                            PBSC_REGIMEN_UPFRONT};
    size_t i, g, r;

    for (i = 0; i < NROWS(people); i++)
        for (g = 0; g < NROWS(goals); g++)
            for (r = 0; r < NROWS(regimens); r++) {
                pbsc_person p = person(&people[i]);
                pbsc_course *c = NULL;
                pbsc_diag diag;
                int rc;

                pbsc_diag_clear(&diag);
                rc = pbsc_course_new(&p, regimens[r], goals[g][0], goals[g][1], &c, &diag);
                ck_assert_msg(rc == PBSC_OK, "person %zu goal %zu regimen %zu: %s (%s)", i, g, r,
                              pbsc_strerror(rc), diag.field);
                ck_assert_ptr_nonnull(c);
                ck_assert_uint_eq(pbsc_course_length(c), 0);
                ck_assert_int_eq(pbsc_course_day(c, 0), 0);
                ck_assert_uint_eq(pbsc_course_warnings(c), 0u);
                pbsc_course_free(c);
            }
}
END_TEST

struct new_case {
    struct pfields person;
    int regimen;
    double goal, minimum;
    int rc;
    const char *field;
    double value; /* the offending value the diagnostic reports, NAN if none */
};

#define OK_PERSON PERSON(70.0, NAN, PBSC_SEX_UNKNOWN, NAN, NAN, NAN)

static const struct new_case new_cases[] = {
    /* the weight of the person apheresed: required, 2-350 kg */
    {PERSON(NAN, 170.0, PBSC_SEX_MALE, 50.0, 90.0, NAN), 0, 5, 2, PBSC_E_MISSING, "weight_kg", NAN},
    {PERSON(-70.0, NAN, 0, NAN, NAN, NAN), 0, 5, 2, PBSC_E_NEGATIVE, "weight_kg", -70.0},
    {PERSON(0.0, NAN, 0, NAN, NAN, NAN), 0, 5, 2, PBSC_E_RANGE, "weight_kg", 0.0},
    {PERSON(1.9, NAN, 0, NAN, NAN, NAN), 0, 5, 2, PBSC_E_RANGE, "weight_kg", 1.9},
    {PERSON(351.0, NAN, 0, NAN, NAN, NAN), 0, 5, 2, PBSC_E_RANGE, "weight_kg", 351.0},
    {PERSON(INFINITY, NAN, 0, NAN, NAN, NAN), 0, 5, 2, PBSC_E_NOTFINITE, "weight_kg", INFINITY},
    /* height 30-250 cm */
    {PERSON(70.0, 29.9, 0, NAN, NAN, NAN), 0, 5, 2, PBSC_E_RANGE, "height_cm", 29.9},
    {PERSON(70.0, 250.5, 0, NAN, NAN, NAN), 0, 5, 2, PBSC_E_RANGE, "height_cm", 250.5},
    {PERSON(70.0, -170.0, 0, NAN, NAN, NAN), 0, 5, 2, PBSC_E_NEGATIVE, "height_cm", -170.0},
    {PERSON(70.0, -INFINITY, 0, NAN, NAN, NAN), 0, 5, 2, PBSC_E_NOTFINITE, "height_cm", -INFINITY},
    /* age 0-120 years */
    {PERSON(70.0, NAN, 0, 121.0, NAN, NAN), 0, 5, 2, PBSC_E_RANGE, "age_years", 121.0},
    {PERSON(70.0, NAN, 0, -1.0, NAN, NAN), 0, 5, 2, PBSC_E_NEGATIVE, "age_years", -1.0},
    {PERSON(70.0, NAN, 0, INFINITY, NAN, NAN), 0, 5, 2, PBSC_E_NOTFINITE, "age_years", INFINITY},
    /* creatinine clearance 0-300 mL/min */
    {PERSON(70.0, NAN, 0, NAN, 301.0, NAN), 0, 5, 2, PBSC_E_RANGE, "crcl_ml_min", 301.0},
    {PERSON(70.0, NAN, 0, NAN, -10.0, NAN), 0, 5, 2, PBSC_E_NEGATIVE, "crcl_ml_min", -10.0},
    {PERSON(70.0, NAN, 0, NAN, INFINITY, NAN), 0, 5, 2, PBSC_E_NOTFINITE, "crcl_ml_min", INFINITY},
    /* the recipient's weight: the weight range, under its own name */
    {PERSON(70.0, NAN, 0, NAN, NAN, 1.0), 0, 5, 2, PBSC_E_RANGE, "recipient_kg", 1.0},
    {PERSON(70.0, NAN, 0, NAN, NAN, 400.0), 0, 5, 2, PBSC_E_RANGE, "recipient_kg", 400.0},
    {PERSON(70.0, NAN, 0, NAN, NAN, -20.0), 0, 5, 2, PBSC_E_NEGATIVE, "recipient_kg", -20.0},
    {PERSON(70.0, NAN, 0, NAN, NAN, INFINITY), 0, 5, 2, PBSC_E_NOTFINITE, "recipient_kg", INFINITY},
    /* enum codes out of range */
    {PERSON(70.0, NAN, 3, NAN, NAN, NAN), 0, 5, 2, PBSC_E_INVAL, "sex", NAN},
    {PERSON(70.0, NAN, -1, NAN, NAN, NAN), 0, 5, 2, PBSC_E_INVAL, "sex", NAN},
    {OK_PERSON, 4, 5, 2, PBSC_E_INVAL, "regimen", NAN}, /* 3 is pegfilgrastim */
    {OK_PERSON, -1, 5, 2, PBSC_E_INVAL, "regimen", NAN},
    /* the blood-volume band: a known code; Nadler's needs the height and the sex */
    {PERSON_BAND(70.0, NAN, 0, NAN, 5), 0, 5, 2, PBSC_E_INVAL, "band", NAN},
    {PERSON_BAND(70.0, NAN, 0, NAN, -1), 0, 5, 2, PBSC_E_INVAL, "band", NAN},
    {PERSON_BAND(70.0, NAN, PBSC_SEX_FEMALE, NAN, PBSC_BAND_NADLER), 0, 5, 2, PBSC_E_MISSING,
     "height_cm", NAN},
    {PERSON_BAND(70.0, 165.0, PBSC_SEX_UNKNOWN, NAN, PBSC_BAND_NADLER), 0, 5, 2, PBSC_E_MISSING,
     "sex", NAN},
    {PERSON_BAND(70.0, NAN, PBSC_SEX_UNKNOWN, NAN, PBSC_BAND_NADLER), 0, 5, 2, PBSC_E_MISSING,
     "height_cm", NAN},
    /* goal and minimum: doses in [0.001, 100] x10^6/kg */
    {OK_PERSON, 0, 0.0, NAN, PBSC_E_RANGE, "goal", 0.0},
    {OK_PERSON, 0, 100.5, 2.0, PBSC_E_RANGE, "goal", 100.5},
    {OK_PERSON, 0, -5.0, 2.0, PBSC_E_NEGATIVE, "goal", -5.0},
    {OK_PERSON, 0, INFINITY, 2.0, PBSC_E_NOTFINITE, "goal", INFINITY},
    {OK_PERSON, 0, 5.0, 0.0, PBSC_E_RANGE, "minimum", 0.0},
    {OK_PERSON, 0, NAN, 101.0, PBSC_E_RANGE, "minimum", 101.0},
    {OK_PERSON, 0, 5.0, -2.0, PBSC_E_NEGATIVE, "minimum", -2.0},
    {OK_PERSON, 0, 5.0, INFINITY, PBSC_E_NOTFINITE, "minimum", INFINITY},
    /* the minimum above the goal */
    {OK_PERSON, 0, 5.0, 6.0, PBSC_E_CONFLICT, "minimum", 6.0},
    {OK_PERSON, 0, 2.0, 2.0000001, PBSC_E_CONFLICT, "minimum", 2.0000001},
};

START_TEST(new_rejects)
{
    const struct new_case *t = &new_cases[_i];
    pbsc_person p = person(&t->person);
    pbsc_course *c = untouched;
    pbsc_diag diag;

    ck_assert_fails(pbsc_course_new(&p, (pbsc_regimen)t->regimen, t->goal, t->minimum, &c, &diag),
                    t->rc, t->field);
    ck_assert_ptr_eq(c, untouched);
    ck_assert_msg(same(diag.value, t->value), "row %d: diag.value %g, want %g", _i, diag.value,
                  t->value);
    ck_assert_int_eq(diag.day, -1);
    ck_assert_int_eq(diag.line, -1);
    /* without a diagnostic: the same status, still nothing written */
    ck_assert_int_eq(pbsc_course_new(&p, (pbsc_regimen)t->regimen, t->goal, t->minimum, &c, NULL),
                     t->rc);
    ck_assert_ptr_eq(c, untouched);
}
END_TEST

START_TEST(new_null_arguments)
{
    pbsc_person p = pbsc_test_person(70.0, NAN);
    pbsc_course *c = untouched;
    pbsc_diag diag;

    ck_assert_fails(pbsc_course_new(NULL, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, &diag), PBSC_E_INVAL,
                    "person");
    ck_assert_ptr_eq(c, untouched);
    ck_assert_fails(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, NULL, &diag), PBSC_E_INVAL,
                    "course");
    ck_assert_fails(pbsc_course_new(NULL, PBSC_REGIMEN_GCSF, 5.0, 2.0, NULL, &diag), PBSC_E_INVAL,
                    "person");
    ck_assert_int_eq(pbsc_course_new(NULL, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, NULL), PBSC_E_INVAL);
    ck_assert_ptr_eq(c, untouched);
}
END_TEST

/* The person's size tag: a struct not initialised by pbsc_person_init (size 0), or from an
 * older layout than 1.0, is refused naming "person"; a later, larger layout is accepted. */
START_TEST(new_person_size_tag)
{
    struct {
        pbsc_person p;
        double appended; /* a field a later version might add */
    } later;
    pbsc_person p = pbsc_test_person(70.0, NAN);
    pbsc_course *c = untouched;
    pbsc_diag diag;

    p.size = 0;
    ck_assert_fails(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, &diag), PBSC_E_INVAL,
                    "person");
    ck_assert(diag.value == 0.0);
    ck_assert_ptr_eq(c, untouched);
    p.size = offsetof(pbsc_person, band); /* without the band: before 1.0 */
    ck_assert_fails(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, &diag), PBSC_E_INVAL,
                    "person");
    ck_assert_ptr_eq(c, untouched);
    /* the size is checked before the fields: a person of size 0 with a bad weight is named
     * "person", not "weight_kg" */
    p.size = 0;
    p.weight_kg = -1.0;
    ck_assert_fails(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, &diag), PBSC_E_INVAL,
                    "person");
    ck_assert_ptr_eq(c, untouched);
    /* a later layout: the fields the library knows are read, the rest ignored */
    pbsc_person_init(&later.p);
    later.p.size = sizeof later;
    later.p.weight_kg = 64.0;
    later.appended = -1.0;
    ck_assert_int_eq(pbsc_course_new(&later.p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, NULL), PBSC_OK);
    ck_assert_ptr_ne(c, untouched);
    p = pbsc_test_person(1.0, 1.0);
    ck_assert_int_eq(pbsc_course_person(c, &p), PBSC_OK);
    ck_assert(p.weight_kg == 64.0 && isnan(p.crcl_ml_min));
    ck_assert_uint_eq(p.size, sizeof p);
    pbsc_course_free(c);
}
END_TEST

/* ---- pbsc_course_set: one error per row ------------------------------------------------- */

struct set_case {
    long day;
    int quantity;
    double v;
    int rc;
    const char *field;
    double value; /* the offending value the diagnostic reports, NAN if none */
};

/* The course each row is set on: days 2, 3 and 4, day 4 counted and dosed. */
static pbsc_course *
base_course(void)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_GCSF);

    pbsc_test_set(c, 2, PBSC_Q_WBC, 12.0);
    pbsc_test_set(c, 2, PBSC_Q_PLT, 250.0);
    pbsc_test_set(c, 3, PBSC_Q_WBC, 25.0);
    pbsc_test_set(c, 3, PBSC_Q_HCT, 36.0);
    pbsc_test_set(c, 4, PBSC_Q_CD34_UL, 8.0);
    pbsc_test_set(c, 4, PBSC_Q_WBC, 38.0);
    pbsc_test_set(c, 4, PBSC_Q_PLERIXAFOR_MG, 17.0);
    return c;
}

#define Q(x) PBSC_Q_##x
static const struct set_case set_cases[] = {
    /* the day number: 1-366 */
    {0, Q(CD34_UL), 30, PBSC_E_RANGE, "day", 0},
    {-1, Q(CD34_UL), 30, PBSC_E_NEGATIVE, "day", -1},
    {367, Q(CD34_UL), 30, PBSC_E_RANGE, "day", 367},
    {0, Q(WEIGHT_KG), 70, PBSC_E_RANGE, "day", 0}, /* the day is checked first */
    /* a quantity that is not a measure of a day */
    {5, Q(WEIGHT_KG), 70, PBSC_E_INVAL, "quantity", NAN},
    {5, Q(DOSE), 2, PBSC_E_INVAL, "quantity", NAN},
    {5, Q(DAY), 5, PBSC_E_INVAL, "quantity", NAN},
    {5, Q(CD34_PERCENT), 0.1, PBSC_E_INVAL, "quantity", NAN},
    {4, Q(TBV_MULTIPLE), 3, PBSC_E_INVAL, "quantity", NAN},
    {5, Q(COUNT_), 1, PBSC_E_INVAL, "quantity", NAN},
    {5, -1, 1, PBSC_E_INVAL, "quantity", NAN},
    {5, 1000, NAN, PBSC_E_INVAL, "quantity", NAN},
    /* PB CD34 0-5000/uL */
    {5, Q(CD34_UL), INFINITY, PBSC_E_NOTFINITE, "cd34", INFINITY},
    {5, Q(CD34_UL), -INFINITY, PBSC_E_NOTFINITE, "cd34", -INFINITY},
    {5, Q(CD34_UL), -1, PBSC_E_NEGATIVE, "cd34", -1},
    {5, Q(CD34_UL), 5000.5, PBSC_E_RANGE, "cd34", 5000.5},
    /* WBC 0-500 x10^9/L */
    {5, Q(WBC), INFINITY, PBSC_E_NOTFINITE, "wbc", INFINITY},
    {5, Q(WBC), -0.5, PBSC_E_NEGATIVE, "wbc", -0.5},
    {5, Q(WBC), 501, PBSC_E_RANGE, "wbc", 501},
    /* platelets 0-2000 x10^9/L */
    {5, Q(PLT), INFINITY, PBSC_E_NOTFINITE, "plt", INFINITY},
    {5, Q(PLT), -1, PBSC_E_NEGATIVE, "plt", -1},
    {5, Q(PLT), 2001, PBSC_E_RANGE, "plt", 2001},
    /* haematocrit (0, 100] % */
    {5, Q(HCT), 0, PBSC_E_RANGE, "hct", 0},
    {5, Q(HCT), 100.5, PBSC_E_RANGE, "hct", 100.5},
    {5, Q(HCT), -30, PBSC_E_NEGATIVE, "hct", -30},
    {5, Q(HCT), INFINITY, PBSC_E_NOTFINITE, "hct", INFINITY},
    /* plerixafor 0-40 mg a day (the label's maximum daily dose) */
    {5, Q(PLERIXAFOR_MG), INFINITY, PBSC_E_NOTFINITE, "plerixafor_mg", INFINITY},
    {5, Q(PLERIXAFOR_MG), -17, PBSC_E_NEGATIVE, "plerixafor_mg", -17},
    {5, Q(PLERIXAFOR_MG), 40.5, PBSC_E_RANGE, "plerixafor_mg", 40.5},
    {5, Q(PLERIXAFOR_MG), 240, PBSC_E_RANGE, "plerixafor_mg", 240},
    /* motixafortide 0-500 mg */
    {5, Q(MOTIXAFORTIDE_MG), INFINITY, PBSC_E_NOTFINITE, "motixafortide_mg", INFINITY},
    {5, Q(MOTIXAFORTIDE_MG), -80, PBSC_E_NEGATIVE, "motixafortide_mg", -80},
    {5, Q(MOTIXAFORTIDE_MG), 500.5, PBSC_E_RANGE, "motixafortide_mg", 500.5},
    /* volume processed (0, 60] L */
    {5, Q(VOLUME_L), INFINITY, PBSC_E_NOTFINITE, "volume_l", INFINITY},
    {5, Q(VOLUME_L), -15, PBSC_E_NEGATIVE, "volume_l", -15},
    {5, Q(VOLUME_L), 0, PBSC_E_RANGE, "volume_l", 0},
    {5, Q(VOLUME_L), 60.5, PBSC_E_RANGE, "volume_l", 60.5},
    /* product 0-100 x10^6/kg */
    {5, Q(COLLECTED), INFINITY, PBSC_E_NOTFINITE, "collected", INFINITY},
    {5, Q(COLLECTED), -0.1, PBSC_E_NEGATIVE, "collected", -0.1},
    {5, Q(COLLECTED), 100.5, PBSC_E_RANGE, "collected", 100.5},
    /* amending a day's value: the same checks, the old value kept */
    {4, Q(CD34_UL), -8, PBSC_E_NEGATIVE, "cd34", -8},
    {4, Q(PLERIXAFOR_MG), 41, PBSC_E_RANGE, "plerixafor_mg", 41},
    {2, Q(WBC), INFINITY, PBSC_E_NOTFINITE, "wbc", INFINITY},
    /* a bad value that would also set a warning (a gap, early plerixafor) sets none */
    {9, Q(CD34_UL), -1, PBSC_E_NEGATIVE, "cd34", -1},
    {1, Q(PLERIXAFOR_MG), 45, PBSC_E_RANGE, "plerixafor_mg", 45},
};
#undef Q

START_TEST(set_rejects)
{
    const struct set_case *t = &set_cases[_i];
    pbsc_course *c = base_course();
    struct snapshot before, after;
    pbsc_diag diag;

    snap(c, &before);
    ck_assert_uint_eq(before.n, 3);
    ck_assert_uint_eq(before.warnings, 0u); /* a dose on day 4 is not early */
    ck_assert_fails(pbsc_course_set(c, t->day, (pbsc_quantity)t->quantity, t->v, &diag), t->rc,
                    t->field);
    /* the diagnostic names the day as well as the field */
    ck_assert_int_eq(diag.day, t->day);
    ck_assert_int_eq(diag.line, -1);
    ck_assert_msg(same(diag.value, t->value), "row %d: diag.value %g, want %g", _i, diag.value,
                  t->value);
    ck_assert_int_eq(pbsc_course_set(c, t->day, (pbsc_quantity)t->quantity, t->v, NULL), t->rc);
    /* the course is as it was: days, every stored measure, warnings */
    snap(c, &after);
    assert_same_snapshot(&before, &after);
    /* and it still takes a good value */
    pbsc_test_set(c, 5, PBSC_Q_CD34_UL, 30.0);
    ck_assert_uint_eq(pbsc_course_length(c), 4);
    pbsc_course_free(c);
}
END_TEST

START_TEST(set_accepts_edges_and_not_measured)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_GCSF);
    static const struct {
        pbsc_quantity q;
        double lo, hi;
    } edges[] = {
        {PBSC_Q_CD34_UL, 0.0, 5000.0},     {PBSC_Q_WBC, 0.0, 500.0},
        {PBSC_Q_PLT, 0.0, 2000.0},         {PBSC_Q_HCT, 1e-9, 100.0},
        {PBSC_Q_VOLUME_L, 1e-3, 60.0},     {PBSC_Q_COLLECTED, 0.0, 100.0},
        {PBSC_Q_PLERIXAFOR_MG, 0.0, 40.0}, {PBSC_Q_MOTIXAFORTIDE_MG, 0.0, 500.0},
    };
    size_t i;

    /* NAN is "not measured" for every measure of a day */
    for (i = 0; i < NMEASURES; i++)
        pbsc_test_set(c, 1, measures[i], NA);
    /* the lower edges on day 2, the upper on day 3 (the first and last day too) */
    for (i = 0; i < NROWS(edges); i++) {
        pbsc_test_set(c, 2, edges[i].q, edges[i].lo);
        pbsc_test_set(c, 3, edges[i].q, edges[i].hi);
    }
    pbsc_test_set(c, 366, PBSC_Q_CD34_UL, 20.0);
    ck_assert_uint_eq(pbsc_course_length(c), 4);
    for (i = 0; i < NROWS(edges); i++) {
        ck_assert(get(c, 2, edges[i].q) == edges[i].lo);
        ck_assert(get(c, 3, edges[i].q) == edges[i].hi);
        ck_assert(isnan(get(c, 1, edges[i].q)));
    }
    ck_assert_int_eq(pbsc_course_day(c, 3), 366);
    /* PBSC_W_DAY_GAP (3 -> 366); 40 mg on the evening of day 3 is early (the day-2 doses of
     * 0 mg are none) */
    ck_assert_uint_eq(pbsc_course_warnings(c), PBSC_W_DAY_GAP | PBSC_W_PLERIXAFOR_EARLY);
    pbsc_course_free(c);
}
END_TEST

START_TEST(set_null_arguments)
{
    pbsc_diag diag;

    ck_assert_fails(pbsc_course_set(NULL, 1, PBSC_Q_CD34_UL, 10.0, &diag), PBSC_E_INVAL, "course");
    ck_assert_int_eq(pbsc_course_set(NULL, 1, PBSC_Q_CD34_UL, 10.0, NULL), PBSC_E_INVAL);
}
END_TEST

/* Setting a measure again amends it: a corrected count, the afternoon's product. */
START_TEST(set_amends)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_GCSF);
    pbsc_diag diag;

    pbsc_test_set(c, 5, PBSC_Q_CD34_UL, 20.0);
    pbsc_test_set(c, 5, PBSC_Q_WBC, 30.0);
    pbsc_test_set(c, 5, PBSC_Q_CD34_UL, 25.0); /* the lab corrects the count */
    ck_assert_uint_eq(pbsc_course_length(c), 1);
    ck_assert(get(c, 5, PBSC_Q_CD34_UL) == 25.0);
    ck_assert(get(c, 5, PBSC_Q_WBC) == 30.0); /* the other measures stay */
    /* the afternoon: the volume processed, then the product, then its corrected count */
    pbsc_test_set(c, 5, PBSC_Q_VOLUME_L, 15.0);
    pbsc_test_set(c, 5, PBSC_Q_COLLECTED, 2.4);
    pbsc_test_set(c, 5, PBSC_Q_COLLECTED, 2.1);
    ck_assert(get(c, 5, PBSC_Q_COLLECTED) == 2.1);
    ck_assert(get(c, 5, PBSC_Q_VOLUME_L) == 15.0);
    ck_assert(get(c, 5, PBSC_Q_CD34_UL) == 25.0);
    ck_assert_uint_eq(pbsc_course_length(c), 1);
    /* an amendment is validated as the first value was, with the same diagnostic, and the
     * value stays */
    ck_assert_fails(pbsc_course_set(c, 5, PBSC_Q_COLLECTED, 120.0, &diag), PBSC_E_RANGE,
                    "collected");
    ck_assert_int_eq(diag.day, 5);
    ck_assert(diag.value == 120.0);
    ck_assert(get(c, 5, PBSC_Q_COLLECTED) == 2.1);
    ck_assert_fails(pbsc_course_set(c, 5, PBSC_Q_CD34_UL, -25.0, &diag), PBSC_E_NEGATIVE, "cd34");
    ck_assert_int_eq(diag.day, 5);
    ck_assert(get(c, 5, PBSC_Q_CD34_UL) == 25.0);
    /* NAN clears a measure: the row stays, the value is "not measured" */
    pbsc_test_set(c, 5, PBSC_Q_WBC, NA);
    ck_assert(isnan(get(c, 5, PBSC_Q_WBC)));
    ck_assert(get(c, 5, PBSC_Q_CD34_UL) == 25.0);
    ck_assert_uint_eq(pbsc_course_length(c), 1);
    pbsc_test_set(c, 5, PBSC_Q_WBC, 31.0); /* and can be given again */
    ck_assert(get(c, 5, PBSC_Q_WBC) == 31.0);
    pbsc_course_free(c);
}
END_TEST

/* Any order of days is accepted: the rows end up in day order, each with its own values. */
START_TEST(set_sorts_days)
{
    static const long order[] = {7, 3, 5, 1, 6, 2, 4};
    pbsc_course *c = new_course(PBSC_REGIMEN_GCSF);
    size_t i;

    for (i = 0; i < NROWS(order); i++) {
        pbsc_test_set(c, order[i], PBSC_Q_CD34_UL, 10.0 * (double)order[i]);
        pbsc_test_set(c, order[i], PBSC_Q_WBC, (double)order[i] + 0.5);
    }
    ck_assert_uint_eq(pbsc_course_length(c), 7);
    for (i = 0; i < 7; i++) {
        long day = pbsc_course_day(c, i);
        ck_assert_int_eq(day, (long)i + 1);
        ck_assert(get(c, day, PBSC_Q_CD34_UL) == 10.0 * (double)day);
        ck_assert(get(c, day, PBSC_Q_WBC) == (double)day + 0.5);
    }
    /* days filled in before and after, far apart */
    pbsc_test_set(c, 40, PBSC_Q_PLT, 100.0);
    pbsc_test_set(c, 20, PBSC_Q_PLT, 120.0);
    ck_assert_int_eq(pbsc_course_day(c, 7), 20);
    ck_assert_int_eq(pbsc_course_day(c, 8), 40);
    ck_assert(get(c, 40, PBSC_Q_PLT) == 100.0 && get(c, 20, PBSC_Q_PLT) == 120.0);
    ck_assert(get(c, 7, PBSC_Q_CD34_UL) == 70.0);
    pbsc_course_free(c);
}
END_TEST

/* An apheresis recorded without that morning's count is accepted (1.0: it was PBSC_E_MISSING);
 * the morning's decision asks for the count instead. */
START_TEST(apheresis_without_count)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_GCSF);
    const pbsc_policy *pol;
    pbsc_decision d = pbsc_test_decision();

    pbsc_test_set(c, 4, PBSC_Q_CD34_UL, 25.0);
    pbsc_test_set(c, 5, PBSC_Q_VOLUME_L, 15.0);
    pbsc_test_set(c, 5, PBSC_Q_COLLECTED, 2.5);
    ck_assert_uint_eq(pbsc_course_length(c), 2);
    ck_assert(isnan(get(c, 5, PBSC_Q_CD34_UL)));
    ck_assert(get(c, 5, PBSC_Q_COLLECTED) == 2.5);
    /* mayo2013-p1 assesses days 4 and 5: day 5's count is the one it reads */
    ck_assert_int_eq(pbsc_policy_find("mayo2013-p1", &pol, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_decide(c, pol, NULL, 5, PBSC_MORNING, &d, NULL), PBSC_OK);
    ck_assert_int_eq(d.action, PBSC_ACTION_NEED_COUNT);
    ck_assert_str_eq(d.rule, "need.cd34");
    /* the count arrives late: the row is amended, the morning decided */
    pbsc_test_set(c, 5, PBSC_Q_CD34_UL, 30.0);
    d = pbsc_test_decision();
    ck_assert_int_eq(pbsc_decide(c, pol, NULL, 5, PBSC_MORNING, &d, NULL), PBSC_OK);
    ck_assert_int_eq(d.action, PBSC_ACTION_COLLECT);
    ck_assert(d.cd34 == 30.0);
    pbsc_course_free(c);
}
END_TEST

/* ---- pbsc_course_get -------------------------------------------------------------------- */

START_TEST(get_errors)
{
    pbsc_course *c = base_course();
    pbsc_diag diag;
    double v = 42.0;

    /* a day with no row */
    ck_assert_fails(pbsc_course_get(c, 5, PBSC_Q_CD34_UL, &v, &diag), PBSC_E_NODATA, "day");
    ck_assert_int_eq(diag.day, 5);
    ck_assert(diag.value == 5.0);
    ck_assert_fails(pbsc_course_get(c, 1, PBSC_Q_WBC, &v, &diag), PBSC_E_NODATA, "day");
    ck_assert_int_eq(diag.day, 1);
    ck_assert_fails(pbsc_course_get(c, 0, PBSC_Q_WBC, &v, &diag), PBSC_E_NODATA, "day");
    ck_assert_int_eq(pbsc_course_get(c, 5, PBSC_Q_CD34_UL, &v, NULL), PBSC_E_NODATA);
    /* not a day measure */
    ck_assert_fails(pbsc_course_get(c, 4, PBSC_Q_WEIGHT_KG, &v, &diag), PBSC_E_INVAL, "quantity");
    ck_assert_fails(pbsc_course_get(c, 4, PBSC_Q_COUNT_, &v, &diag), PBSC_E_INVAL, "quantity");
    /* NULL arguments */
    ck_assert_fails(pbsc_course_get(NULL, 4, PBSC_Q_CD34_UL, &v, &diag), PBSC_E_INVAL, "course");
    ck_assert_fails(pbsc_course_get(c, 4, PBSC_Q_CD34_UL, NULL, &diag), PBSC_E_INVAL, "value");
    ck_assert(v == 42.0); /* never written on failure */
    /* a day of an empty course */
    {
        pbsc_course *e = new_course(PBSC_REGIMEN_GCSF);
        ck_assert_fails(pbsc_course_get(e, 1, PBSC_Q_CD34_UL, &v, &diag), PBSC_E_NODATA, "day");
        pbsc_course_free(e);
    }
    ck_assert(v == 42.0);
    /* what was set comes back */
    ck_assert_int_eq(pbsc_course_get(c, 4, PBSC_Q_PLERIXAFOR_MG, &v, NULL), PBSC_OK);
    ck_assert(v == 17.0);
    ck_assert_int_eq(pbsc_course_get(c, 3, PBSC_Q_HCT, &v, NULL), PBSC_OK);
    ck_assert(v == 36.0);
    ck_assert_int_eq(pbsc_course_get(c, 3, PBSC_Q_CD34_UL, &v, NULL), PBSC_OK);
    ck_assert(isnan(v));
    pbsc_course_free(c);
}
END_TEST

/* ---- warnings -------------------------------------------------------------------------- */

START_TEST(warning_plerixafor_early)
{
    pbsc_course *c;

    /* G-CSF alone: plerixafor on the evening of day 3 is accepted, and flagged */
    c = new_course(PBSC_REGIMEN_GCSF);
    pbsc_test_set(c, 3, PBSC_Q_CD34_UL, 5.0);
    pbsc_test_set(c, 3, PBSC_Q_PLERIXAFOR_MG, 17.0);
    ck_assert_uint_eq(pbsc_course_length(c), 1);
    ck_assert_uint_eq(pbsc_course_warnings(c), PBSC_W_PLERIXAFOR_EARLY);
    pbsc_test_set(c, 4, PBSC_Q_CD34_UL, 25.0);
    pbsc_test_set(c, 4, PBSC_Q_VOLUME_L, 18.0);
    pbsc_test_set(c, 4, PBSC_Q_COLLECTED, 2.0);
    ck_assert_uint_eq(pbsc_course_warnings(c), PBSC_W_PLERIXAFOR_EARLY); /* it stays */
    /* the dose amended away (it was not given): the warning goes with it */
    pbsc_test_set(c, 3, PBSC_Q_PLERIXAFOR_MG, 0.0);
    ck_assert_uint_eq(pbsc_course_warnings(c), 0u);
    pbsc_test_set(c, 3, PBSC_Q_PLERIXAFOR_MG, 17.0);
    ck_assert_uint_eq(pbsc_course_warnings(c), PBSC_W_PLERIXAFOR_EARLY);
    pbsc_test_set(c, 3, PBSC_Q_PLERIXAFOR_MG, NA);
    ck_assert_uint_eq(pbsc_course_warnings(c), 0u);
    pbsc_course_free(c);
    /* upfront plerixafor is G-CSF too: day 3 is early there as well */
    c = new_course(PBSC_REGIMEN_UPFRONT);
    pbsc_test_set(c, 3, PBSC_Q_PLERIXAFOR_MG, 17.0);
    ck_assert_uint_eq(pbsc_course_warnings(c), PBSC_W_PLERIXAFOR_EARLY);
    pbsc_course_free(c);
    /* motixafortide is a dose too */
    c = new_course(PBSC_REGIMEN_GCSF);
    pbsc_test_set(c, 2, PBSC_Q_MOTIXAFORTIDE_MG, 87.5);
    ck_assert_uint_eq(pbsc_course_warnings(c), PBSC_W_PLERIXAFOR_EARLY);
    pbsc_course_free(c);
    /* day 4, the label's day: no warning; nor a zero or absent dose before it */
    c = new_course(PBSC_REGIMEN_GCSF);
    pbsc_test_set(c, 1, PBSC_Q_PLERIXAFOR_MG, 0.0);
    pbsc_test_set(c, 2, PBSC_Q_CD34_UL, NA);
    pbsc_test_set(c, 3, PBSC_Q_PLERIXAFOR_MG, 0.0);
    pbsc_test_set(c, 3, PBSC_Q_MOTIXAFORTIDE_MG, 0.0);
    pbsc_test_set(c, 4, PBSC_Q_CD34_UL, 8.0);
    pbsc_test_set(c, 4, PBSC_Q_PLERIXAFOR_MG, 17.0);
    ck_assert_uint_eq(pbsc_course_warnings(c), 0u);
    pbsc_course_free(c);
    /* chemotherapy counts days from chemotherapy, not G-CSF: never early */
    c = new_course(PBSC_REGIMEN_CHEMO_GCSF);
    pbsc_test_set(c, 3, PBSC_Q_CD34_UL, 5.0);
    pbsc_test_set(c, 3, PBSC_Q_PLERIXAFOR_MG, 17.0);
    ck_assert_uint_eq(pbsc_course_warnings(c), 0u);
    pbsc_course_free(c);
}
END_TEST

START_TEST(warning_day_gap)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_GCSF);

    pbsc_test_set(c, 4, PBSC_Q_CD34_UL, 20.0); /* starting late is no gap */
    pbsc_test_set(c, 5, PBSC_Q_CD34_UL, 25.0);
    ck_assert_uint_eq(pbsc_course_warnings(c), 0u);
    pbsc_test_set(c, 7, PBSC_Q_CD34_UL, 30.0); /* day 6 is missing */
    ck_assert_uint_eq(pbsc_course_length(c), 3);
    ck_assert_uint_eq(pbsc_course_warnings(c), PBSC_W_DAY_GAP);
    /* day 6 filled in later: the gap is gone */
    pbsc_test_set(c, 6, PBSC_Q_WBC, 31.0);
    ck_assert_uint_eq(pbsc_course_length(c), 4);
    ck_assert_uint_eq(pbsc_course_warnings(c), 0u);
    /* a row before the first day: a gap again (2 -> 4), then filled */
    pbsc_test_set(c, 2, PBSC_Q_WBC, 10.0);
    ck_assert_uint_eq(pbsc_course_warnings(c), PBSC_W_DAY_GAP);
    pbsc_test_set(c, 3, PBSC_Q_WBC, NA); /* an empty row fills a gap as well */
    ck_assert_uint_eq(pbsc_course_warnings(c), 0u);
    pbsc_course_free(c);

    /* two warnings together */
    c = new_course(PBSC_REGIMEN_GCSF);
    pbsc_test_set(c, 2, PBSC_Q_PLERIXAFOR_MG, 17.0);
    pbsc_test_set(c, 4, PBSC_Q_CD34_UL, NA);
    ck_assert_uint_eq(pbsc_course_warnings(c), PBSC_W_PLERIXAFOR_EARLY | PBSC_W_DAY_GAP);
    pbsc_course_free(c);
    ck_assert_uint_eq(pbsc_course_warnings(NULL), 0u);
}
END_TEST

START_TEST(warning_names)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {
        {PBSC_W_PLERIXAFOR_EARLY, "plerixafor-before-day-4"},
        {PBSC_W_CRCL_UNKNOWN, "crcl-unknown"},
        {PBSC_W_OFF_LABEL_DOSE, "off-label-dose"},
        {PBSC_W_DAY_GAP, "day-gap"},
        {PBSC_W_AFTER_STOP, "after-stop"},
        {PBSC_W_DOSE_NOT_GIVEN, "dose-not-given"},
        {PBSC_W_DOSE_UNADVISED, "dose-unadvised"},
        {PBSC_W_APHERESIS_UNADVISED, "apheresis-unadvised"},
        {PBSC_W_CHILD, "child"},
        {PBSC_W_AGE_UNKNOWN, "age-unknown-per-kg-dose"},
        {PBSC_W_CE_HELD, "ce-held"},
        {PBSC_W_TBV_WEIGHT_ONLY, "tbv-weight-only"},
        {PBSC_W_DIAGNOSIS_UNKNOWN, "diagnosis-unknown"},
    };
    static const unsigned unknown[] = {0u,
                                       0x2000u,
                                       0x80000000u,
                                       ~0u,
                                       PBSC_W_DAY_GAP | PBSC_W_CRCL_UNKNOWN,
                                       PBSC_W_CHILD | PBSC_W_AGE_UNKNOWN};
    size_t i, j;

    /* the bits are the thirteen lowest, each named once */
    for (i = 0; i < NROWS(names); i++) {
        ck_assert_uint_eq(names[i].bit, 1u << i);
        ck_assert_str_eq(pbsc_warning_name(names[i].bit), names[i].name);
        for (j = 0; j < i; j++)
            ck_assert_str_ne(pbsc_warning_name(names[i].bit), pbsc_warning_name(names[j].bit));
    }
    /* not one known bit: total, never NULL */
    for (i = 0; i < NROWS(unknown); i++)
        ck_assert_str_eq(pbsc_warning_name(unknown[i]), "unknown-warning");
}
END_TEST

/* ---- accessors ------------------------------------------------------------------------- */

START_TEST(accessors_bounds)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_GCSF);

    ck_assert_uint_eq(pbsc_course_length(NULL), 0);
    ck_assert_int_eq(pbsc_course_day(NULL, 0), 0);
    ck_assert_int_eq(pbsc_course_day(c, 0), 0);
    pbsc_test_set(c, 3, PBSC_Q_WBC, 10.0);
    pbsc_test_set(c, 8, PBSC_Q_WBC, 20.0);
    ck_assert_uint_eq(pbsc_course_length(c), 2);
    /* the day number of row i, not i + 1 */
    ck_assert_int_eq(pbsc_course_day(c, 0), 3);
    ck_assert_int_eq(pbsc_course_day(c, 1), 8);
    ck_assert_int_eq(pbsc_course_day(c, 2), 0);
    ck_assert_int_eq(pbsc_course_day(c, (size_t)-1), 0);
    pbsc_course_free(c);
    pbsc_course_free(NULL); /* a no-op */
}
END_TEST

/* pbsc_course_person gives back the person as given, in the caller's size. */
START_TEST(person_round_trip)
{
    pbsc_person p, got;
    pbsc_course *c = NULL;

    pbsc_person_init(&p);
    p.weight_kg = 82.5;
    p.height_cm = 181.0;
    p.sex = PBSC_SEX_MALE;
    p.age_years = 34.0;
    p.crcl_ml_min = 95.0;
    p.recipient_kg = 23.0;
    p.band = PBSC_BAND_NADLER;
    p.diagnosis = PBSC_DX_AMYLOIDOSIS;
    p.transplants = 2;
    ck_assert_int_eq(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 4.0, 2.0, &c, NULL), PBSC_OK);
    p.weight_kg = 60.0; /* the course keeps its own copy */
    memset(&got, 0x5a, sizeof got);
    got.size = sizeof got;
    ck_assert_int_eq(pbsc_course_person(c, &got), PBSC_OK);
    ck_assert_uint_eq(got.size, sizeof got);
    ck_assert(got.weight_kg == 82.5 && got.height_cm == 181.0 && got.age_years == 34.0);
    ck_assert(got.crcl_ml_min == 95.0 && got.recipient_kg == 23.0);
    ck_assert_int_eq(got.sex, PBSC_SEX_MALE);
    ck_assert_int_eq(got.band, PBSC_BAND_NADLER);
    ck_assert_int_eq(got.diagnosis, PBSC_DX_AMYLOIDOSIS);
    ck_assert_int_eq(got.transplants, 2);
    /* a size-0 (uninitialised) person is refused and left alone */
    memset(&got, 0, sizeof got);
    got.weight_kg = -3.0;
    ck_assert_int_eq(pbsc_course_person(c, &got), PBSC_E_INVAL);
    ck_assert(got.weight_kg == -3.0 && got.size == 0);
    ck_assert_int_eq(pbsc_course_person(NULL, &got), PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_course_person(c, NULL), PBSC_E_INVAL);
    pbsc_course_free(c);
    /* the defaults come back as such */
    p = pbsc_test_person(70.0, NAN);
    ck_assert_int_eq(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, NULL), PBSC_OK);
    pbsc_person_init(&got);
    ck_assert_int_eq(pbsc_course_person(c, &got), PBSC_OK);
    ck_assert(got.weight_kg == 70.0 && isnan(got.height_cm) && isnan(got.recipient_kg));
    ck_assert_int_eq(got.band, PBSC_BAND_AUTO);
    ck_assert_int_eq(got.diagnosis, PBSC_DX_UNKNOWN);
    ck_assert_int_eq(got.transplants, 0);
    pbsc_course_free(c);
}
END_TEST

/* The diagnosis and the planned transplants: each value out of range refused by name. */
START_TEST(diagnosis_and_transplants)
{
    static const struct {
        int diagnosis, transplants, status;
        const char *field;
    } rows[] = {
        {PBSC_DX_UNKNOWN, 0, PBSC_OK, NULL},     {PBSC_DX_OTHER, 1, PBSC_OK, NULL},
        {PBSC_DX_MYELOMA, 2, PBSC_OK, NULL},     {-1, 0, PBSC_E_INVAL, "diagnosis"},
        {PBSC_DX_COUNT, 0, PBSC_E_INVAL, "diagnosis"},
        {PBSC_DX_NHL, 3, PBSC_E_RANGE, "transplants"},
        {PBSC_DX_NHL, -1, PBSC_E_RANGE, "transplants"},
    };
    static const char *const names[] = {"unknown", "MM", "NHL", "HL", "AL", "ST", "other"};
    pbsc_diagnosis d;
    pbsc_diag diag;
    size_t i;

    for (i = 0; i < NROWS(rows); i++) {
        pbsc_person p = pbsc_test_person(70.0, NAN);
        pbsc_course *c = NULL;

        p.diagnosis = (pbsc_diagnosis)rows[i].diagnosis;
        p.transplants = rows[i].transplants;
        ck_assert_int_eq(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, &diag),
                         rows[i].status);
        if (rows[i].field != NULL)
            ck_assert_str_eq(diag.field, rows[i].field);
        ck_assert((c != NULL) == (rows[i].status == PBSC_OK));
        pbsc_course_free(c);
    }
    for (i = 0; i < NROWS(names); i++) {
        ck_assert_str_eq(pbsc_diagnosis_name((pbsc_diagnosis)i), names[i]);
        ck_assert_int_eq(pbsc_diagnosis_find(names[i], &d, NULL), PBSC_OK);
        ck_assert_int_eq(d, (int)i);
    }
    ck_assert_int_eq(pbsc_diagnosis_find("mm", &d, NULL), PBSC_OK); /* any case */
    ck_assert_int_eq(d, PBSC_DX_MYELOMA);
    ck_assert_int_eq(pbsc_diagnosis_find("Other", &d, NULL), PBSC_OK);
    ck_assert_int_eq(d, PBSC_DX_OTHER);
    d = PBSC_DX_NHL;
    ck_assert_int_eq(pbsc_diagnosis_find("myeloma", &d, &diag), PBSC_E_UNKNOWN);
    ck_assert_str_eq(diag.field, "diagnosis");
    ck_assert_int_eq(d, PBSC_DX_NHL); /* untouched */
    ck_assert_int_eq(pbsc_diagnosis_find("M", &d, NULL), PBSC_E_UNKNOWN);
    ck_assert_int_eq(pbsc_diagnosis_find("MMX", &d, NULL), PBSC_E_UNKNOWN);
    ck_assert_int_eq(pbsc_diagnosis_find(NULL, &d, NULL), PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_diagnosis_find("MM", NULL, NULL), PBSC_E_INVAL);
    ck_assert_str_eq(pbsc_diagnosis_name(PBSC_DX_COUNT), "invalid");
    ck_assert_str_eq(pbsc_diagnosis_name((pbsc_diagnosis)-1), "invalid");
}
END_TEST

/* The regimens' words: each value in enum order (the policy file's and the record's words,
 * which must not change), out of range NULL, the course refusing what has no word. */
START_TEST(regimen_names)
{
    static const struct {
        pbsc_regimen regimen;
        const char *name;
    } rows[] = {{PBSC_REGIMEN_GCSF, "gcsf"},
                {PBSC_REGIMEN_CHEMO_GCSF, "chemo"},
                {PBSC_REGIMEN_UPFRONT, "upfront"},
                {PBSC_REGIMEN_PEGFILGRASTIM, "pegfilgrastim"}};
    pbsc_person p = pbsc_test_person(70.0, NAN);
    pbsc_course *c = NULL;
    pbsc_regimen r;
    pbsc_diag diag;
    size_t i;

    for (i = 0; i < NROWS(rows); i++) {
        ck_assert_int_eq(rows[i].regimen, (int)i); /* the table is in enum order */
        ck_assert_str_eq(pbsc_regimen_name(rows[i].regimen), rows[i].name);
        r = (pbsc_regimen)-1;
        ck_assert_int_eq(pbsc_regimen_find(rows[i].name, &r, &diag), PBSC_OK);
        ck_assert_int_eq(r, rows[i].regimen);
    }
    /* the first value past the last has no name: a program's list ends there */
    ck_assert_ptr_null(pbsc_regimen_name((pbsc_regimen)NROWS(rows)));
    ck_assert_ptr_null(pbsc_regimen_name((pbsc_regimen)-1));
    ck_assert_ptr_null(pbsc_regimen_name((pbsc_regimen)1000));
    ck_assert_int_eq(pbsc_regimen_find("PegFilgrastim", &r, NULL), PBSC_OK); /* any case */
    ck_assert_int_eq(r, PBSC_REGIMEN_PEGFILGRASTIM);
    r = PBSC_REGIMEN_UPFRONT;
    ck_assert_int_eq(pbsc_regimen_find("weekly", &r, &diag), PBSC_E_UNKNOWN);
    ck_assert_str_eq(diag.field, "regimen");
    ck_assert_ptr_nonnull(strstr(diag.text, "'weekly'"));
    ck_assert_ptr_nonnull(strstr(diag.text, "gcsf, chemo, upfront or pegfilgrastim"));
    ck_assert_int_eq(r, PBSC_REGIMEN_UPFRONT); /* untouched */
    ck_assert_int_eq(pbsc_regimen_find("gcs", &r, NULL), PBSC_E_UNKNOWN);   /* a prefix */
    ck_assert_int_eq(pbsc_regimen_find("gcsfx", &r, NULL), PBSC_E_UNKNOWN); /* longer */
    ck_assert_int_eq(pbsc_regimen_find("", &r, NULL), PBSC_E_UNKNOWN);
    ck_assert_int_eq(pbsc_regimen_find(NULL, &r, &diag), PBSC_E_INVAL);
    ck_assert_str_eq(diag.field, "name");
    ck_assert_int_eq(pbsc_regimen_find("gcsf", NULL, &diag), PBSC_E_INVAL);
    ck_assert_str_eq(diag.field, "regimen");
    ck_assert_int_eq(pbsc_course_new(&p, (pbsc_regimen)NROWS(rows), 5.0, 2.0, &c, &diag),
                     PBSC_E_INVAL);
    ck_assert_str_eq(diag.field, "regimen");
    ck_assert_ptr_null(c);
}
END_TEST

/* A course with a recipient weight is a healthy donor's. */
START_TEST(donor)
{
    pbsc_person p = pbsc_test_person(80.0, NAN);
    pbsc_course *c = NULL;

    ck_assert_int_eq(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_course_donor(c), 0);
    pbsc_course_free(c);
    p.recipient_kg = 20.0;
    ck_assert_int_eq(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_course_donor(c), 1);
    pbsc_course_free(c);
    p.recipient_kg = 80.0; /* the same weight as the donor: still a donor */
    ck_assert_int_eq(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_course_donor(c), 1);
    pbsc_course_free(c);
    ck_assert_int_eq(pbsc_course_donor(NULL), 0);
}
END_TEST

/* The person's blood volume, as a decision reports it: Nadler for an adult with height and
 * sex, the mL/kg band from the age otherwise (PBSC_BAND_AUTO), or the band asked for. */
START_TEST(blood_volume_band)
{
    static const struct {
        struct pfields p;
        pbsc_band band;
        double ml_per_kg; /* 0: Nadler */
    } cases[] = {
        {PERSON(70.0, NAN, PBSC_SEX_UNKNOWN, NAN, NAN, NAN), PBSC_BAND_ADULT, 70.0},
        {PERSON(70.0, 175.0, PBSC_SEX_UNKNOWN, 40.0, NAN, NAN), PBSC_BAND_ADULT, 70.0},
        {PERSON(70.0, 175.0, PBSC_SEX_MALE, 40.0, NAN, NAN), PBSC_BAND_NADLER, 0.0},
        {PERSON(70.0, 175.0, PBSC_SEX_MALE, NAN, NAN, NAN), PBSC_BAND_NADLER, 0.0},
        {PERSON(70.0, 175.0, PBSC_SEX_MALE, 18.0, NAN, NAN), PBSC_BAND_NADLER, 0.0},
        /* a child: 85 mL/kg, even with height and sex (Nadler was fitted on adults) */
        {PERSON(30.0, 135.0, PBSC_SEX_FEMALE, 9.0, NAN, NAN), PBSC_BAND_CHILD, 85.0},
        {PERSON(55.0, NAN, PBSC_SEX_UNKNOWN, 17.9, NAN, NAN), PBSC_BAND_CHILD, 85.0},
        /* a neonate (under 28 days): 100 mL/kg */
        {PERSON(3.5, NAN, PBSC_SEX_UNKNOWN, 14.0 / 365.25, NAN, NAN), PBSC_BAND_NEONATE, 100.0},
        {PERSON(4.0, NAN, PBSC_SEX_UNKNOWN, 0.0, NAN, NAN), PBSC_BAND_NEONATE, 100.0},
        /* a band asked for */
        {PERSON_BAND(60.0, NAN, PBSC_SEX_UNKNOWN, 40.0, PBSC_BAND_CHILD), PBSC_BAND_CHILD, 85.0},
        {PERSON_BAND(60.0, 160.0, PBSC_SEX_FEMALE, 40.0, PBSC_BAND_NADLER), PBSC_BAND_NADLER, 0.0},
        {PERSON_BAND(60.0, NAN, PBSC_SEX_UNKNOWN, 8.0, PBSC_BAND_ADULT), PBSC_BAND_ADULT, 70.0},
    };
    const pbsc_policy *pol;
    size_t i;

    ck_assert_int_eq(pbsc_policy_find("mayo2013-p1", &pol, NULL), PBSC_OK);
    for (i = 0; i < NROWS(cases); i++) {
        pbsc_person p = person(&cases[i].p);
        pbsc_decision d = pbsc_test_decision();
        pbsc_course *c = NULL;
        double want;

        ck_assert_int_eq(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, NULL), PBSC_OK);
        pbsc_test_set(c, 2, PBSC_Q_CD34_UL, NA);
        ck_assert_int_eq(pbsc_decide(c, pol, NULL, 2, PBSC_MORNING, &d, NULL), PBSC_OK);
        ck_assert_msg(d.blood_volume == cases[i].band, "case %zu: band %d, want %d", i,
                      (int)d.blood_volume, (int)cases[i].band);
        if (cases[i].ml_per_kg > 0.0)
            want = p.weight_kg * cases[i].ml_per_kg / 1000.0;
        else
            ck_assert_int_eq(pbsc_tbv_nadler(p.height_cm, p.weight_kg, p.sex, &want, NULL),
                             PBSC_OK);
        ck_assert_rel(d.tbv_l, want, 1e-12);
        pbsc_course_free(c);
    }
}
END_TEST

START_TEST(rows_are_copies)
{
    pbsc_course *c = NULL;
    pbsc_person p;

    /* the person is copied too: changing it after pbsc_course_new does not reach the course
     * (observed through the plerixafor dose, 0.24 mg/kg x 70 kg = 16.8 mg) */
    {
        const pbsc_policy *pol;
        pbsc_decision dec = pbsc_test_decision();

        p = pbsc_test_person(70.0, NAN);
        ck_assert_int_eq(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, NULL), PBSC_OK);
        p.weight_kg = 120.0;
        p.crcl_ml_min = 20.0;
        pbsc_test_set(c, 4, PBSC_Q_CD34_UL, 5.0);
        ck_assert_int_eq(pbsc_policy_find("mayo2013-p1", &pol, NULL), PBSC_OK);
        ck_assert_int_eq(pbsc_decide(c, pol, NULL, 4, PBSC_MORNING, &dec, NULL), PBSC_OK);
        ck_assert_int_eq(dec.action, PBSC_ACTION_PLERIXAFOR);
        ck_assert_int_eq(dec.tonight.drug, PBSC_DRUG_PLERIXAFOR);
        ck_assert_rel(dec.tonight.mg, 16.8, 1e-12);
        ck_assert_int_eq(dec.tonight.basis, PBSC_DOSE_PER_KG);
        ck_assert(dec.warnings & PBSC_W_CRCL_UNKNOWN); /* the course's CrCl: unknown */
    }
    pbsc_course_free(c);
}
END_TEST

static void
assert_rows(const pbsc_course *c, size_t n, long first)
{
    size_t i;

    ck_assert_uint_eq(pbsc_course_length(c), n);
    for (i = 0; i < n; i++) {
        long day = first + (long)i;
        ck_assert_int_eq(pbsc_course_day(c, i), day);
        ck_assert(get(c, day, PBSC_Q_CD34_UL) == (double)day);
        ck_assert(get(c, day, PBSC_Q_WBC) == (double)day / 10.0);
        ck_assert(get(c, day, PBSC_Q_PLT) == (double)day * 2.0);
        ck_assert(isnan(get(c, day, PBSC_Q_PLERIXAFOR_MG)) && isnan(get(c, day, PBSC_Q_VOLUME_L)) &&
                  isnan(get(c, day, PBSC_Q_COLLECTED)));
    }
}

START_TEST(grows_past_16_and_100_rows)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_CHEMO_GCSF);
    long day;

    for (day = 1; day <= 366; day++) {
        pbsc_test_set(c, day, PBSC_Q_CD34_UL, (double)day);
        pbsc_test_set(c, day, PBSC_Q_WBC, (double)day / 10.0);
        pbsc_test_set(c, day, PBSC_Q_PLT, (double)day * 2.0);
        ck_assert_uint_eq(pbsc_course_length(c), (size_t)day);
        /* every row survives every reallocation */
        if (day == 16 || day == 17 || day == 100 || day == 101 || day == 366)
            assert_rows(c, (size_t)day, 1);
    }
    ck_assert_int_eq(pbsc_course_day(c, 366), 0);
    ck_assert_uint_eq(pbsc_course_warnings(c), 0u);
    pbsc_course_free(c);

    /* backwards: each row goes in front of all the others, through the same growth */
    c = new_course(PBSC_REGIMEN_CHEMO_GCSF);
    for (day = 366; day >= 1; day--) {
        pbsc_test_set(c, day, PBSC_Q_PLT, (double)day * 2.0);
        pbsc_test_set(c, day, PBSC_Q_WBC, (double)day / 10.0);
        pbsc_test_set(c, day, PBSC_Q_CD34_UL, (double)day);
        if (day == 351 || day == 350 || day == 267 || day == 266)
            assert_rows(c, (size_t)(367 - day), day);
    }
    assert_rows(c, 366, 1);
    ck_assert_uint_eq(pbsc_course_warnings(c), 0u);
    pbsc_course_free(c);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("course");
    TCase *init = tcase_create("init");
    TCase *create = tcase_create("new");
    TCase *set = tcase_create("set");
    TCase *warn = tcase_create("warnings");
    TCase *access = tcase_create("accessors");

    tcase_add_test(init, person_init_sets_every_field);
    tcase_add_test(init, new_row_is_not_measured);
    suite_add_tcase(s, init);
    tcase_add_test(create, new_accepts_valid_inputs);
    tcase_add_loop_test(create, new_rejects, 0, (int)NROWS(new_cases));
    tcase_add_test(create, new_null_arguments);
    tcase_add_test(create, new_person_size_tag);
    suite_add_tcase(s, create);
    tcase_add_loop_test(set, set_rejects, 0, (int)NROWS(set_cases));
    tcase_add_test(set, set_accepts_edges_and_not_measured);
    tcase_add_test(set, set_null_arguments);
    tcase_add_test(set, set_amends);
    tcase_add_test(set, set_sorts_days);
    tcase_add_test(set, apheresis_without_count);
    tcase_add_test(set, get_errors);
    suite_add_tcase(s, set);
    tcase_add_test(warn, warning_plerixafor_early);
    tcase_add_test(warn, warning_day_gap);
    tcase_add_test(warn, warning_names);
    suite_add_tcase(s, warn);
    tcase_add_test(access, accessors_bounds);
    tcase_add_test(access, person_round_trip);
    tcase_add_test(access, diagnosis_and_transplants);
    tcase_add_test(access, regimen_names);
    tcase_add_test(access, donor);
    tcase_add_test(access, blood_volume_band);
    tcase_add_test(access, rows_are_copies);
    tcase_add_test(access, grows_past_16_and_100_rows);
    suite_add_tcase(s, access);
    return s;
}

int
main(void)
{
    return pbsc_test_run(suite());
}
