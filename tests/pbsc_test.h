/* SPDX-License-Identifier: MIT */
/* Helpers shared by the Check suites: relative-tolerance asserts and a main() per suite. */
#ifndef PBSC_TEST_H
#define PBSC_TEST_H

#include <check.h>
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

static inline int
pbsc_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif /* PBSC_TEST_H */
