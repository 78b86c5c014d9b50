/* SPDX-License-Identifier: MIT */
/* Helpers shared by the Check suites: relative-tolerance asserts and a main() per suite. */
#ifndef PBSC_TEST_H
#define PBSC_TEST_H

#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>

#include "pbsc.h"

/* |got - want| <= rel x |want| (or <= rel when want is 0). */
#define ck_assert_rel(got, want, rel)                                                              \
    do {                                                                                           \
        double g_ = (got), w_ = (want), r_ = (rel);                                                \
        double tol_ = w_ == 0.0 ? r_ : r_ * fabs(w_);                                              \
        ck_assert_msg(fabs(g_ - w_) <= tol_, "%s = %.12g, want %.12g (rel %g)", #got, g_, w_, r_); \
    } while (0)

/* A call fails with want_ and fills the `pbsc_diag diag` in scope, naming field_. */
#define ck_assert_fails(call, want_, field_)                                                       \
    do {                                                                                           \
        int rc_;                                                                                   \
        pbsc_diag_clear(&diag);                                                                    \
        rc_ = (call);                                                                              \
        ck_assert_msg(rc_ == (want_), "%s returned %d (%s), want %d", #call, rc_,                  \
                      pbsc_strerror(rc_), (want_));                                                \
        ck_assert_int_eq(diag.status, (want_));                                                    \
        ck_assert_str_eq(diag.field, (field_));                                                    \
        ck_assert_msg(diag.text[0] != '\0', "empty diagnostic text");                              \
    } while (0)

/* strtod in the C locale: a suite runs in the environment's locale (pbsc_test_run), and what
 * it reads back was written with '.' (by the library, or a program's own formatter). */
static inline double
pbsc_test_strtod_c(const char *s, char **end)
{
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0), old;
    double v;

    ck_assert_msg(c != (locale_t)0, "newlocale(C) failed");
    old = uselocale(c);
    v = strtod(s, end);
    uselocale(old);
    freelocale(c);
    return v;
}

/* "Not measured" in the row tables. */
#define NA ((double)NAN)
/* A row of a course table for a day with nothing recorded (the day exists, e.g. the first
 * G-CSF days before the count). */
#define EMPTY_DAY(d)                                                                               \
    {                                                                                              \
        (d), NA, NA, NA, NA, NA                                                                    \
    }
#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* One row of a course table: the morning's count and WBC, that day's apheresis (litres
 * processed, product x10^6/kg) and that evening's plerixafor (mg). NA = not recorded. */
struct pbsc_test_row {
    long day;
    double cd34, wbc, mg, litres, collected;
};

/* A person of `kg` with creatinine clearance `crcl` (NAN = unknown), the rest unknown. */
static inline pbsc_person
pbsc_test_person(double kg, double crcl)
{
    pbsc_person p;

    pbsc_person_init(&p);
    p.weight_kg = kg;
    p.crcl_ml_min = crcl;
    return p;
}

/* Sets one measure of a row, unless NA (a row is created by its first measure or by the
 * day's count, even when NA). */
static inline void
pbsc_test_set(pbsc_course *c, long day, pbsc_quantity q, double v)
{
    pbsc_diag diag;
    int rc = pbsc_course_set(c, day, q, v, &diag);

    ck_assert_msg(rc == PBSC_OK, "day %ld quantity %d: %s", day, (int)q, diag.text);
}

/* The one course builder of the suites: a course from a row table (the caller frees it). */
static inline pbsc_course *
pbsc_test_course(const pbsc_person *pe, pbsc_regimen regimen, double goal, double minimum,
                 const struct pbsc_test_row *rows, size_t n)
{
    pbsc_course *c = NULL;
    pbsc_diag diag;
    size_t i;

    ck_assert_msg(pbsc_course_new(pe, regimen, goal, minimum, &c, &diag) == PBSC_OK, "%s",
                  diag.text);
    for (i = 0; i < n; i++) {
        const struct pbsc_test_row *r = &rows[i];
        pbsc_test_set(c, r->day, PBSC_Q_CD34_UL, r->cd34);
        if (!isnan(r->wbc))
            pbsc_test_set(c, r->day, PBSC_Q_WBC, r->wbc);
        if (!isnan(r->mg))
            pbsc_test_set(c, r->day, PBSC_Q_PLERIXAFOR_MG, r->mg);
        if (!isnan(r->litres))
            pbsc_test_set(c, r->day, PBSC_Q_VOLUME_L, r->litres);
        if (!isnan(r->collected))
            pbsc_test_set(c, r->day, PBSC_Q_COLLECTED, r->collected);
    }
    return c;
}

/* A decision ready to be filled (size set). */
static inline pbsc_decision
pbsc_test_decision(void)
{
    pbsc_decision d;

    pbsc_decision_init(&d);
    return d;
}

/* Runs a suite in the locale of the environment (LC_ALL=de_DE.UTF-8 make check: .ci/run
 * does), as a host program that calls setlocale(LC_ALL, "") would. */
static inline int
pbsc_test_run(Suite *s)
{
    SRunner *sr;
    int failed;

    setlocale(LC_ALL, "");
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif /* PBSC_TEST_H */
