/* SPDX-License-Identifier: MIT */
/* The AUC of calibration's report (lib/auc.c, compiled into this test) against hand counts of
 * (poor, not poor) pairs: a pair scores 1 when the poor one is higher, 1/2 on a tie. A mutant
 * that counted ties as 0 or 1 survived the calibration suite before this test. */
#include "pbsc_private.h"
#include "pbsc_test.h"

static double
auc_of(const double *p, const int *poor, size_t n)
{
    pbsc_scored s[16];
    size_t i;

    ck_assert(n <= 16);
    for (i = 0; i < n; i++) {
        s[i].p = p[i];
        s[i].poor = poor[i];
    }
    return pbsc_auc(s, n);
}

START_TEST(hand_counts_with_ties)
{
    /* poor {0.8, 0.5}, not {0.5, 0.2}: 1 + 1 + 1/2 + 1 = 3.5 of 4 pairs */
    static const double p1[] = {0.5, 0.8, 0.2, 0.5};
    static const int y1[] = {0, 1, 0, 1};
    /* poor {0.3, 0.3, 0.7}, not {0.3, 0.7, 0.1}: each 0.3 scores 1/2 + 0 + 1, the 0.7
     * 1 + 1/2 + 1: 1.5 + 1.5 + 2.5 = 5.5 of 9 */
    static const double p2[] = {0.3, 0.7, 0.3, 0.1, 0.7, 0.3};
    static const int y2[] = {1, 0, 0, 0, 1, 1};
    /* every score tied: 1/2 */
    static const double p3[] = {0.4, 0.4, 0.4, 0.4, 0.4};
    static const int y3[] = {1, 0, 0, 1, 0};
    /* separated: 1, and reversed: 0 */
    static const double p4[] = {0.9, 0.1, 0.8, 0.2};
    static const int y4[] = {1, 0, 1, 0}, y5[] = {0, 1, 0, 1};

    ck_assert(auc_of(p1, y1, 4) == 3.5 / 4.0);
    ck_assert_rel(auc_of(p2, y2, 6), 5.5 / 9.0, 1e-15);
    ck_assert(auc_of(p3, y3, 5) == 0.5);
    ck_assert(auc_of(p4, y4, 4) == 1.0);
    ck_assert(auc_of(p4, y5, 4) == 0.0);
}
END_TEST

START_TEST(one_outcome_is_nan)
{
    static const double p[] = {0.2, 0.4, 0.6};
    static const int none[] = {0, 0, 0}, all[] = {1, 1, 1};

    ck_assert(isnan(auc_of(p, none, 3)));
    ck_assert(isnan(auc_of(p, all, 3)));
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("auc");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, hand_counts_with_ties);
    tcase_add_test(tc, one_outcome_is_nan);
    suite_add_tcase(s, tc);
    return pbsc_test_run(s);
}
