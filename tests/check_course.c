/* SPDX-License-Identifier: MIT */
/* Tests of the mobilization course: initializers, validation of the person and of each day,
 * warnings, accessors, and that a failed call leaves everything as it was. */
#include <string.h>

#include "pbsc_test.h"

/* A pointer no call may write over: *course keeps it when pbsc_course_new fails. */
static pbsc_course *const untouched = (pbsc_course *)(void *)&untouched;

/* A person with every field given (pbsc_person has a frozen layout). */
#define PERSON(w, h, sx, age, crcl, rk)                                                            \
    {                                                                                              \
        (w), (h), (sx), (age), (crcl), (rk)                                                        \
    }

/* A day: day number, cd34, wbc, plt, plerixafor_mg, processed_l, collected. */
#define DAY(d, cd34, wbc, plt, plx, proc, coll)                                                    \
    {                                                                                              \
        (d), (cd34), (wbc), (plt), (plx), (proc), (coll)                                           \
    }

/* The same value, where NAN equals NAN. */
static int
same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static pbsc_course *
new_course(pbsc_regimen regimen)
{
    pbsc_person p;
    pbsc_course *c = NULL;

    pbsc_person_init(&p);
    p.weight_kg = 70.0;
    ck_assert_int_eq(pbsc_course_new(&p, regimen, 5.0, 2.0, &c, NULL), PBSC_OK);
    ck_assert_ptr_nonnull(c);
    return c;
}

static void
add_ok(pbsc_course *c, pbsc_day d)
{
    pbsc_diag diag;
    int rc;

    pbsc_diag_clear(&diag);
    rc = pbsc_course_add(c, &d, &diag);
    ck_assert_msg(rc == PBSC_OK, "day %ld: %s (%s: %s)", d.day, pbsc_strerror(rc), diag.field,
                  diag.text);
}

/* ---- initializers ------------------------------------------------------------------------ */

START_TEST(person_init_sets_every_field)
{
    pbsc_person p;

    memset(&p, 0x5a, sizeof p);
    pbsc_person_init(&p);
    ck_assert(isnan(p.weight_kg));
    ck_assert(isnan(p.height_cm));
    ck_assert_int_eq(p.sex, PBSC_SEX_UNKNOWN);
    ck_assert(isnan(p.age_years));
    ck_assert(isnan(p.crcl_ml_min));
    ck_assert(isnan(p.recipient_kg));
    pbsc_person_init(NULL); /* a no-op, not a crash */
}
END_TEST

START_TEST(day_init_sets_every_field)
{
    pbsc_day d;

    memset(&d, 0x5a, sizeof d);
    pbsc_day_init(&d);
    ck_assert_int_eq(d.day, 0);
    ck_assert(isnan(d.cd34));
    ck_assert(isnan(d.wbc));
    ck_assert(isnan(d.plt));
    ck_assert(isnan(d.plerixafor_mg));
    ck_assert(isnan(d.processed_l));
    ck_assert(isnan(d.collected));
    pbsc_day_init(NULL);
}
END_TEST

/* ---- pbsc_course_new ------------------------------------------------------------------- */

START_TEST(new_accepts_valid_inputs)
{
    /* Every optional field unknown; every field at the edges of its range; the goal and
     * minimum NAN (the policy's defaults) or equal. */
    static const pbsc_person people[] = {
        PERSON(70.0, NAN, PBSC_SEX_UNKNOWN, NAN, NAN, NAN),
        PERSON(2.0, 30.0, PBSC_SEX_FEMALE, 0.0, 0.0, 2.0),
        PERSON(350.0, 250.0, PBSC_SEX_MALE, 120.0, 300.0, 350.0),
    };
    static const double goals[][2] = {{5.0, 2.0}, {NAN, NAN},     {NAN, 2.0},
                                      {5.0, NAN}, {100.0, 100.0}, {0.001, 0.001}};
    static const pbsc_regimen regimens[] = {PBSC_REGIMEN_GCSF, PBSC_REGIMEN_CHEMO_GCSF,
                                            PBSC_REGIMEN_UPFRONT};
    size_t i, g, r;

    for (i = 0; i < sizeof people / sizeof people[0]; i++)
        for (g = 0; g < sizeof goals / sizeof goals[0]; g++)
            for (r = 0; r < sizeof regimens / sizeof regimens[0]; r++) {
                pbsc_course *c = NULL;
                pbsc_diag diag;
                int rc;

                pbsc_diag_clear(&diag);
                rc = pbsc_course_new(&people[i], regimens[r], goals[g][0], goals[g][1], &c, &diag);
                ck_assert_msg(rc == PBSC_OK, "person %zu goal %zu regimen %zu: %s (%s)", i, g, r,
                              pbsc_strerror(rc), diag.field);
                ck_assert_ptr_nonnull(c);
                ck_assert_uint_eq(pbsc_course_length(c), 0);
                ck_assert_ptr_null(pbsc_course_day(c, 0));
                ck_assert_uint_eq(pbsc_course_warnings(c), 0u);
                pbsc_course_free(c);
            }
}
END_TEST

struct new_case {
    pbsc_person person;
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
    {PERSON(70.0, NAN, (pbsc_sex)3, NAN, NAN, NAN), 0, 5, 2, PBSC_E_INVAL, "sex", NAN},
    {PERSON(70.0, NAN, (pbsc_sex)-1, NAN, NAN, NAN), 0, 5, 2, PBSC_E_INVAL, "sex", NAN},
    {OK_PERSON, 3, 5, 2, PBSC_E_INVAL, "regimen", NAN},
    {OK_PERSON, -1, 5, 2, PBSC_E_INVAL, "regimen", NAN},
    /* goal and minimum: doses in (0, 100] x10^6/kg */
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
    pbsc_course *c = untouched;
    pbsc_diag diag;

    ck_assert_fails(
        pbsc_course_new(&t->person, (pbsc_regimen)t->regimen, t->goal, t->minimum, &c, &diag),
        t->rc, t->field);
    ck_assert_ptr_eq(c, untouched);
    ck_assert_msg(same(diag.value, t->value), "row %d: diag.value %g, want %g", _i, diag.value,
                  t->value);
    ck_assert_int_eq(diag.day, -1);
    ck_assert_int_eq(diag.line, -1);
    /* without a diagnostic: the same status, still nothing written */
    ck_assert_int_eq(
        pbsc_course_new(&t->person, (pbsc_regimen)t->regimen, t->goal, t->minimum, &c, NULL),
        t->rc);
    ck_assert_ptr_eq(c, untouched);
}
END_TEST

START_TEST(new_null_arguments)
{
    pbsc_person p;
    pbsc_course *c = untouched;
    pbsc_diag diag;

    pbsc_person_init(&p);
    p.weight_kg = 70.0;
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

/* ---- pbsc_course_add: one error per row ------------------------------------------------- */

struct add_case {
    pbsc_day day;
    int rc;
    const char *field;
    double value; /* the offending value, NAN if none */
};

/* The course each row is added to: days 2, 3 and 4 (day 1 is not in it, so adding day 1 is
 * out of order without being a duplicate). */
static pbsc_course *
base_course(void)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_GCSF);

    add_ok(c, (pbsc_day)DAY(2, NAN, 12.0, 250.0, NAN, NAN, NAN));
    add_ok(c, (pbsc_day)DAY(3, NAN, 25.0, 240.0, NAN, NAN, NAN));
    add_ok(c, (pbsc_day)DAY(4, 8.0, 38.0, 230.0, 17.0, NAN, NAN));
    return c;
}

#define N NAN
static const struct add_case add_cases[] = {
    /* the day number */
    {DAY(4, 30, N, N, N, N, N), PBSC_E_DUPLICATE, "day", 4},
    {DAY(1, 30, N, N, N, N, N), PBSC_E_ORDER, "day", 1},
    {DAY(0, 30, N, N, N, N, N), PBSC_E_RANGE, "day", 0},
    {DAY(-1, 30, N, N, N, N, N), PBSC_E_NEGATIVE, "day", -1},
    {DAY(367, 30, N, N, N, N, N), PBSC_E_RANGE, "day", 367},
    /* PB CD34 0-5000/uL */
    {DAY(5, INFINITY, N, N, N, N, N), PBSC_E_NOTFINITE, "cd34", INFINITY},
    {DAY(5, -INFINITY, N, N, N, N, N), PBSC_E_NOTFINITE, "cd34", -INFINITY},
    {DAY(5, -1, N, N, N, N, N), PBSC_E_NEGATIVE, "cd34", -1},
    {DAY(5, 5000.5, N, N, N, N, N), PBSC_E_RANGE, "cd34", 5000.5},
    /* WBC 0-500 x10^9/L */
    {DAY(5, 30, INFINITY, N, N, N, N), PBSC_E_NOTFINITE, "wbc", INFINITY},
    {DAY(5, 30, -0.5, N, N, N, N), PBSC_E_NEGATIVE, "wbc", -0.5},
    {DAY(5, 30, 501, N, N, N, N), PBSC_E_RANGE, "wbc", 501},
    /* platelets 0-2000 x10^9/L */
    {DAY(5, 30, 40, INFINITY, N, N, N), PBSC_E_NOTFINITE, "plt", INFINITY},
    {DAY(5, 30, 40, -1, N, N, N), PBSC_E_NEGATIVE, "plt", -1},
    {DAY(5, 30, 40, 2001, N, N, N), PBSC_E_RANGE, "plt", 2001},
    /* plerixafor 0-40 mg a day (the label's maximum daily dose) */
    {DAY(5, 30, N, N, INFINITY, N, N), PBSC_E_NOTFINITE, "plerixafor_mg", INFINITY},
    {DAY(5, 30, N, N, -17, N, N), PBSC_E_NEGATIVE, "plerixafor_mg", -17},
    {DAY(5, 30, N, N, 40.5, N, N), PBSC_E_RANGE, "plerixafor_mg", 40.5},
    {DAY(5, 30, N, N, 240, N, N), PBSC_E_RANGE, "plerixafor_mg", 240},
    /* volume processed (0, 60] L */
    {DAY(5, 30, N, N, N, INFINITY, 2), PBSC_E_NOTFINITE, "processed_l", INFINITY},
    {DAY(5, 30, N, N, N, -15, 2), PBSC_E_NEGATIVE, "processed_l", -15},
    {DAY(5, 30, N, N, N, 0, 2), PBSC_E_RANGE, "processed_l", 0},
    {DAY(5, 30, N, N, N, 60.5, 2), PBSC_E_RANGE, "processed_l", 60.5},
    /* product 0-100 x10^6/kg */
    {DAY(5, 30, N, N, N, 15, INFINITY), PBSC_E_NOTFINITE, "collected", INFINITY},
    {DAY(5, 30, N, N, N, 15, -0.1), PBSC_E_NEGATIVE, "collected", -0.1},
    {DAY(5, 30, N, N, N, 15, 100.5), PBSC_E_RANGE, "collected", 100.5},
    /* an apheresis needs that morning's PB CD34 */
    {DAY(5, N, 40, 200, N, 15, 2.5), PBSC_E_MISSING, "cd34", N},
    {DAY(5, N, N, N, N, 15, N), PBSC_E_MISSING, "cd34", N},
    {DAY(5, N, N, N, N, N, 2.5), PBSC_E_MISSING, "cd34", N},
    /* a bad row that would also set a warning (a gap, early plerixafor) sets none */
    {DAY(9, -1, N, N, 17, N, N), PBSC_E_NEGATIVE, "cd34", -1},
};
#undef N

START_TEST(add_rejects)
{
    const struct add_case *t = &add_cases[_i];
    pbsc_course *c = base_course();
    pbsc_day before[3], d = t->day;
    unsigned warnings = pbsc_course_warnings(c);
    pbsc_diag diag;
    size_t i;

    for (i = 0; i < 3; i++)
        before[i] = *pbsc_course_day(c, i);
    ck_assert_fails(pbsc_course_add(c, &d, &diag), t->rc, t->field);
    ck_assert_int_eq(diag.day, t->day.day);
    ck_assert_int_eq(diag.line, -1);
    ck_assert_msg(same(diag.value, t->value), "row %d: diag.value %g, want %g", _i, diag.value,
                  t->value);
    ck_assert_int_eq(pbsc_course_add(c, &d, NULL), t->rc);
    /* the course is as it was: length, every stored row, warnings */
    ck_assert_uint_eq(pbsc_course_length(c), 3);
    for (i = 0; i < 3; i++)
        ck_assert_msg(memcmp(pbsc_course_day(c, i), &before[i], sizeof before[i]) == 0,
                      "row %zu changed", i);
    ck_assert_ptr_null(pbsc_course_day(c, 3));
    ck_assert_uint_eq(pbsc_course_warnings(c), warnings);
    /* and it still takes a good row */
    add_ok(c, (pbsc_day)DAY(5, 30.0, NAN, NAN, NAN, 15.0, 2.5));
    ck_assert_uint_eq(pbsc_course_length(c), 4);
    pbsc_course_free(c);
}
END_TEST

START_TEST(add_accepts_edges_and_not_measured)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_GCSF);
    const pbsc_day *r;

    /* NAN is "not measured" for every measurement of a day */
    add_ok(c, (pbsc_day)DAY(1, NAN, NAN, NAN, NAN, NAN, NAN));
    /* the lower edges: a zero count, no plerixafor, a product of 0 */
    add_ok(c, (pbsc_day)DAY(2, 0.0, 0.0, 0.0, 0.0, 1e-3, 0.0));
    /* the upper edges */
    add_ok(c, (pbsc_day)DAY(3, 5000.0, 500.0, 2000.0, 40.0, 60.0, 100.0));
    add_ok(c, (pbsc_day)DAY(366, 20.0, NAN, NAN, NAN, NAN, NAN));
    ck_assert_uint_eq(pbsc_course_length(c), 4);
    r = pbsc_course_day(c, 2);
    ck_assert_int_eq(r->day, 3);
    ck_assert(r->cd34 == 5000.0 && r->wbc == 500.0 && r->plt == 2000.0);
    ck_assert(r->plerixafor_mg == 40.0 && r->processed_l == 60.0 && r->collected == 100.0);
    ck_assert_int_eq(pbsc_course_day(c, 3)->day, 366);
    pbsc_course_free(c);
}
END_TEST

START_TEST(add_null_arguments)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_GCSF);
    pbsc_day d;
    pbsc_diag diag;

    pbsc_day_init(&d);
    d.day = 1;
    ck_assert_fails(pbsc_course_add(NULL, &d, &diag), PBSC_E_INVAL, "course");
    ck_assert_fails(pbsc_course_add(c, NULL, &diag), PBSC_E_INVAL, "day");
    ck_assert_fails(pbsc_course_add(NULL, NULL, &diag), PBSC_E_INVAL, "course");
    ck_assert_int_eq(pbsc_course_add(c, NULL, NULL), PBSC_E_INVAL);
    ck_assert_uint_eq(pbsc_course_length(c), 0);
    pbsc_course_free(c);
}
END_TEST

/* ---- warnings -------------------------------------------------------------------------- */

START_TEST(warning_plerixafor_early)
{
    pbsc_course *c;

    /* G-CSF alone: plerixafor on the evening of day 3 is accepted, and flagged */
    c = new_course(PBSC_REGIMEN_GCSF);
    add_ok(c, (pbsc_day)DAY(3, 5.0, NAN, NAN, 17.0, NAN, NAN));
    ck_assert_uint_eq(pbsc_course_length(c), 1);
    ck_assert_uint_eq(pbsc_course_warnings(c), PBSC_W_PLERIXAFOR_EARLY);
    add_ok(c, (pbsc_day)DAY(4, 25.0, NAN, NAN, NAN, 18.0, 2.0));
    ck_assert_uint_eq(pbsc_course_warnings(c), PBSC_W_PLERIXAFOR_EARLY); /* it stays */
    pbsc_course_free(c);
    /* upfront plerixafor is G-CSF too: day 3 is early there as well */
    c = new_course(PBSC_REGIMEN_UPFRONT);
    add_ok(c, (pbsc_day)DAY(3, 5.0, NAN, NAN, 17.0, NAN, NAN));
    ck_assert_uint_eq(pbsc_course_warnings(c), PBSC_W_PLERIXAFOR_EARLY);
    pbsc_course_free(c);
    /* day 4, the label's day: no warning; nor a zero or absent dose before it */
    c = new_course(PBSC_REGIMEN_GCSF);
    add_ok(c, (pbsc_day)DAY(1, NAN, NAN, NAN, 0.0, NAN, NAN));
    add_ok(c, (pbsc_day)DAY(2, NAN, NAN, NAN, NAN, NAN, NAN));
    add_ok(c, (pbsc_day)DAY(3, NAN, NAN, NAN, 0.0, NAN, NAN));
    add_ok(c, (pbsc_day)DAY(4, 8.0, NAN, NAN, 17.0, NAN, NAN));
    ck_assert_uint_eq(pbsc_course_warnings(c), 0u);
    pbsc_course_free(c);
    /* chemotherapy counts days from chemotherapy, not G-CSF: never early */
    c = new_course(PBSC_REGIMEN_CHEMO_GCSF);
    add_ok(c, (pbsc_day)DAY(3, 5.0, NAN, NAN, 17.0, NAN, NAN));
    ck_assert_uint_eq(pbsc_course_warnings(c), 0u);
    pbsc_course_free(c);
}
END_TEST

START_TEST(warning_day_gap)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_GCSF);

    add_ok(c, (pbsc_day)DAY(4, 20.0, NAN, NAN, NAN, NAN, NAN)); /* starting late is no gap */
    add_ok(c, (pbsc_day)DAY(5, 25.0, NAN, NAN, NAN, NAN, NAN));
    ck_assert_uint_eq(pbsc_course_warnings(c), 0u);
    add_ok(c, (pbsc_day)DAY(7, 30.0, NAN, NAN, NAN, NAN, NAN)); /* day 6 is missing */
    ck_assert_uint_eq(pbsc_course_length(c), 3);
    ck_assert_uint_eq(pbsc_course_warnings(c), PBSC_W_DAY_GAP);
    pbsc_course_free(c);

    c = new_course(PBSC_REGIMEN_GCSF);
    add_ok(c, (pbsc_day)DAY(2, NAN, NAN, NAN, 17.0, NAN, NAN));
    add_ok(c, (pbsc_day)DAY(4, NAN, NAN, NAN, NAN, NAN, NAN));
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
    };
    static const unsigned unknown[] = {0u, 0x10u, 0x80000000u, ~0u,
                                       PBSC_W_DAY_GAP | PBSC_W_CRCL_UNKNOWN};
    size_t i, j;

    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        ck_assert_str_eq(pbsc_warning_name(names[i].bit), names[i].name);
        for (j = 0; j < i; j++)
            ck_assert_str_ne(pbsc_warning_name(names[i].bit), pbsc_warning_name(names[j].bit));
    }
    /* not one bit: total, never NULL */
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        ck_assert_str_eq(pbsc_warning_name(unknown[i]), "unknown-warning");
}
END_TEST

/* ---- accessors ------------------------------------------------------------------------- */

START_TEST(accessors_bounds)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_GCSF);

    ck_assert_uint_eq(pbsc_course_length(NULL), 0);
    ck_assert_ptr_null(pbsc_course_day(NULL, 0));
    ck_assert_ptr_null(pbsc_course_day(c, 0));
    add_ok(c, (pbsc_day)DAY(1, NAN, 10.0, NAN, NAN, NAN, NAN));
    add_ok(c, (pbsc_day)DAY(2, NAN, 20.0, NAN, NAN, NAN, NAN));
    ck_assert_uint_eq(pbsc_course_length(c), 2);
    ck_assert_int_eq(pbsc_course_day(c, 0)->day, 1);
    ck_assert_int_eq(pbsc_course_day(c, 1)->day, 2);
    ck_assert_ptr_null(pbsc_course_day(c, 2));
    ck_assert_ptr_null(pbsc_course_day(c, (size_t)-1));
    pbsc_course_free(c);
    pbsc_course_free(NULL); /* a no-op */
}
END_TEST

START_TEST(rows_are_copies)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_GCSF);
    pbsc_day d = DAY(5, 30.0, 40.0, 200.0, NAN, 15.0, 2.5), kept = d;
    pbsc_person p;
    const pbsc_day *r;

    ck_assert_int_eq(pbsc_course_add(c, &d, NULL), PBSC_OK);
    r = pbsc_course_day(c, 0);
    ck_assert_ptr_ne(r, &d);
    /* the caller reuses its struct: the course keeps what was added */
    d.day = 6;
    d.cd34 = 1.0;
    d.collected = 99.0;
    ck_assert(memcmp(pbsc_course_day(c, 0), &kept, sizeof kept) == 0);
    pbsc_course_free(c);

    /* the person is copied too: changing it after pbsc_course_new does not reach the course
     * (observed through the plerixafor dose, 0.24 mg/kg x 70 kg = 16.8 mg) */
    {
        const pbsc_policy *pol;
        pbsc_decision dec;

        pbsc_person_init(&p);
        p.weight_kg = 70.0;
        ck_assert_int_eq(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, NULL), PBSC_OK);
        p.weight_kg = 120.0;
        p.crcl_ml_min = 20.0;
        add_ok(c, (pbsc_day)DAY(4, 5.0, NAN, NAN, NAN, NAN, NAN));
        ck_assert_int_eq(pbsc_policy_find("mayo2013-p1", &pol, NULL), PBSC_OK);
        ck_assert_int_eq(pbsc_decide(c, pol, pbsc_ce_default(), 4, &dec, NULL), PBSC_OK);
        ck_assert_int_eq(dec.action, PBSC_ACTION_PLERIXAFOR);
        ck_assert_rel(dec.plerixafor_mg, 16.8, 1e-12);
    }
    pbsc_course_free(c);
}
END_TEST

START_TEST(grows_past_16_and_100_rows)
{
    pbsc_course *c = new_course(PBSC_REGIMEN_CHEMO_GCSF);
    long day;
    size_t i;

    for (day = 1; day <= 366; day++) {
        pbsc_day d = DAY(day, (double)day, (double)day / 10.0, (double)day * 2.0, NAN, NAN, NAN);
        add_ok(c, d);
        ck_assert_uint_eq(pbsc_course_length(c), (size_t)day);
        if (day == 16 || day == 17 || day == 100 || day == 101 || day == 366) {
            /* every row survives every reallocation */
            for (i = 0; i < (size_t)day; i++) {
                const pbsc_day *r = pbsc_course_day(c, i);
                ck_assert_ptr_nonnull(r);
                ck_assert_int_eq(r->day, (long)i + 1);
                ck_assert(r->cd34 == (double)(i + 1));
                ck_assert(r->wbc == (double)(i + 1) / 10.0);
                ck_assert(r->plt == (double)(i + 1) * 2.0);
                ck_assert(isnan(r->plerixafor_mg) && isnan(r->processed_l) && isnan(r->collected));
            }
        }
    }
    ck_assert_ptr_null(pbsc_course_day(c, 366));
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
    TCase *add = tcase_create("add");
    TCase *warn = tcase_create("warnings");
    TCase *access = tcase_create("accessors");

    tcase_add_test(init, person_init_sets_every_field);
    tcase_add_test(init, day_init_sets_every_field);
    suite_add_tcase(s, init);
    tcase_add_test(create, new_accepts_valid_inputs);
    tcase_add_loop_test(create, new_rejects, 0, (int)(sizeof new_cases / sizeof new_cases[0]));
    tcase_add_test(create, new_null_arguments);
    suite_add_tcase(s, create);
    tcase_add_loop_test(add, add_rejects, 0, (int)(sizeof add_cases / sizeof add_cases[0]));
    tcase_add_test(add, add_accepts_edges_and_not_measured);
    tcase_add_test(add, add_null_arguments);
    suite_add_tcase(s, add);
    tcase_add_test(warn, warning_plerixafor_early);
    tcase_add_test(warn, warning_day_gap);
    tcase_add_test(warn, warning_names);
    suite_add_tcase(s, warn);
    tcase_add_test(access, accessors_bounds);
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
