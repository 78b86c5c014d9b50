/* SPDX-License-Identifier: MIT */
/* Tests of unit conversions and plausibility ranges. */
#include <float.h>
#include <string.h>

#include "pbsc_test.h"

START_TEST(lb_to_kg_exact)
{
    double kg = -1.0;

    /* 1 lb = 0.45359237 kg exactly (international pound, 1959). */
    ck_assert_int_eq(pbsc_lb_to_kg(100.0, &kg, NULL), PBSC_OK);
    ck_assert_rel(kg, 45.359237, 1e-15);
    ck_assert_int_eq(pbsc_lb_to_kg(220.0, &kg, NULL), PBSC_OK);
    ck_assert_rel(kg, 99.7903214, 1e-15);
}
END_TEST

START_TEST(lb_to_kg_errors)
{
    pbsc_diag diag;
    double kg = 12345.0;

    ck_assert_fails(pbsc_lb_to_kg(150.0, NULL, &diag), PBSC_E_INVAL, "kg");
    ck_assert_fails(pbsc_lb_to_kg(NAN, &kg, &diag), PBSC_E_MISSING, "weight_lb");
    ck_assert_fails(pbsc_lb_to_kg(INFINITY, &kg, &diag), PBSC_E_NOTFINITE, "weight_lb");
    ck_assert_fails(pbsc_lb_to_kg(-INFINITY, &kg, &diag), PBSC_E_NOTFINITE, "weight_lb");
    ck_assert_fails(pbsc_lb_to_kg(-150.0, &kg, &diag), PBSC_E_NEGATIVE, "weight_lb");
    /* 4 lb = 1.81 kg < 2 kg; 800 lb = 362.9 kg > 350 kg */
    ck_assert_fails(pbsc_lb_to_kg(4.0, &kg, &diag), PBSC_E_RANGE, "weight_lb");
    ck_assert_fails(pbsc_lb_to_kg(800.0, &kg, &diag), PBSC_E_RANGE, "weight_lb");
    ck_assert(diag.value == 800.0);                 /* the value as given, in lb */
    ck_assert(strstr(diag.text, "362.87") != NULL); /* and its kg in the text */
    ck_assert(kg == 12345.0);                       /* untouched on every error */
}
END_TEST

START_TEST(cd34_units)
{
    double v = -1.0;

    /* 1 cell/uL = 1 x10^6/L = 1 x10^3/mL = 1000 cells/mL = 0.001 x10^6/mL */
    ck_assert_int_eq(pbsc_cd34_convert(15.0, PBSC_CD34_PER_UL, &v, NULL), PBSC_OK);
    ck_assert(v == 15.0);
    ck_assert_int_eq(pbsc_cd34_convert(15.0, PBSC_CD34_E6_PER_L, &v, NULL), PBSC_OK);
    ck_assert(v == 15.0);
    ck_assert_int_eq(pbsc_cd34_convert(15.0, PBSC_CD34_E3_PER_ML, &v, NULL), PBSC_OK);
    ck_assert(v == 15.0);
    ck_assert_int_eq(pbsc_cd34_convert(15000.0, PBSC_CD34_PER_ML, &v, NULL), PBSC_OK);
    ck_assert_rel(v, 15.0, 1e-15);
    /* Chen 2012's "0.015/ml" (x10^6/mL) is 15/uL (pbsc-sources(7)) */
    ck_assert_int_eq(pbsc_cd34_convert(0.015, PBSC_CD34_E6_PER_ML, &v, NULL), PBSC_OK);
    ck_assert_rel(v, 15.0, 1e-14);
    ck_assert_int_eq(pbsc_cd34_convert(0.0, PBSC_CD34_PER_ML, &v, NULL), PBSC_OK);
    ck_assert(v == 0.0);
}
END_TEST

START_TEST(cd34_convert_errors)
{
    pbsc_diag diag;
    double v = 777.0;

    ck_assert_fails(pbsc_cd34_convert(1.0, PBSC_CD34_PER_UL, NULL, &diag), PBSC_E_INVAL,
                    "cells_ul");
    ck_assert_fails(pbsc_cd34_convert(1.0, (pbsc_cd34_unit)99, &v, &diag), PBSC_E_INVAL, "unit");
    ck_assert_fails(pbsc_cd34_convert(1.0, (pbsc_cd34_unit)-1, &v, &diag), PBSC_E_INVAL, "unit");
    ck_assert_fails(pbsc_cd34_convert(NAN, PBSC_CD34_PER_UL, &v, &diag), PBSC_E_MISSING, "cd34");
    ck_assert_fails(pbsc_cd34_convert(INFINITY, PBSC_CD34_PER_ML, &v, &diag), PBSC_E_NOTFINITE,
                    "cd34");
    ck_assert_fails(pbsc_cd34_convert(-0.5, PBSC_CD34_PER_UL, &v, &diag), PBSC_E_NEGATIVE, "cd34");
    /* 5000/uL is the top of the range; 6 x10^6/mL = 6000/uL is above it */
    ck_assert_fails(pbsc_cd34_convert(6.0, PBSC_CD34_E6_PER_ML, &v, &diag), PBSC_E_RANGE, "cd34");
    ck_assert(diag.value == 6.0);
    ck_assert_fails(pbsc_cd34_convert(5000.5, PBSC_CD34_PER_UL, &v, &diag), PBSC_E_RANGE, "cd34");
    /* 1e308 x10^6/mL overflows on conversion: out of range, not "infinite" */
    ck_assert_fails(pbsc_cd34_convert(1e308, PBSC_CD34_E6_PER_ML, &v, &diag), PBSC_E_RANGE, "cd34");
    ck_assert(v == 777.0);
    ck_assert_int_eq(pbsc_cd34_convert(5000.0, PBSC_CD34_PER_UL, &v, NULL), PBSC_OK);
}
END_TEST

START_TEST(cd34_from_percent)
{
    pbsc_diag diag;
    double v = -1.0;

    /* 0.1% of 20 x10^9/L: 0.001 x 20,000/uL = 20/uL */
    ck_assert_int_eq(pbsc_cd34_from_percent(0.1, 20.0, &v, NULL), PBSC_OK);
    ck_assert_rel(v, 20.0, 1e-14);
    /* 0.05% of 35 x10^9/L = 17.5/uL */
    ck_assert_int_eq(pbsc_cd34_from_percent(0.05, 35.0, &v, NULL), PBSC_OK);
    ck_assert_rel(v, 17.5, 1e-14);
    v = 3.0;
    ck_assert_fails(pbsc_cd34_from_percent(0.1, 20.0, NULL, &diag), PBSC_E_INVAL, "cells_ul");
    ck_assert_fails(pbsc_cd34_from_percent(NAN, 20.0, &v, &diag), PBSC_E_MISSING, "cd34_percent");
    ck_assert_fails(pbsc_cd34_from_percent(0.1, NAN, &v, &diag), PBSC_E_MISSING, "wbc");
    ck_assert_fails(pbsc_cd34_from_percent(101.0, 20.0, &v, &diag), PBSC_E_RANGE, "cd34_percent");
    ck_assert_fails(pbsc_cd34_from_percent(0.1, -2.0, &v, &diag), PBSC_E_NEGATIVE, "wbc");
    ck_assert_fails(pbsc_cd34_from_percent(0.1, 501.0, &v, &diag), PBSC_E_RANGE, "wbc");
    /* 2% of 300 x10^9/L = 6000/uL, above the CD34 range */
    ck_assert_fails(pbsc_cd34_from_percent(2.0, 300.0, &v, &diag), PBSC_E_RANGE, "cd34");
    ck_assert(v == 3.0);
}
END_TEST

/* Every quantity: on the bounds, just inside and just outside, NAN, inf, negative. */
START_TEST(range_table)
{
    pbsc_diag diag;
    int q;

    for (q = 0; q < PBSC_Q_COUNT_; q++) {
        const pbsc_limits *l = NULL;
        double below, above;

        ck_assert_int_eq(pbsc_range((pbsc_quantity)q, &l), PBSC_OK);
        ck_assert_ptr_nonnull(l);
        ck_assert_ptr_nonnull(l->name);
        ck_assert_ptr_nonnull(l->unit);
        ck_assert(l->min < l->max);
        below = nextafter(l->min, -DBL_MAX);
        above = nextafter(l->max, DBL_MAX);
        ck_assert_int_eq(pbsc_check((pbsc_quantity)q, l->min, NULL),
                         l->min_open ? PBSC_E_RANGE : PBSC_OK);
        ck_assert_int_eq(pbsc_check((pbsc_quantity)q, l->max, NULL),
                         l->max_open ? PBSC_E_RANGE : PBSC_OK);
        ck_assert_int_eq(pbsc_check((pbsc_quantity)q, nextafter(l->min, DBL_MAX), NULL), PBSC_OK);
        ck_assert_int_eq(pbsc_check((pbsc_quantity)q, nextafter(l->max, -DBL_MAX), NULL), PBSC_OK);
        ck_assert_int_eq(pbsc_check((pbsc_quantity)q, below, NULL),
                         below < 0.0 && l->min >= 0.0 ? PBSC_E_NEGATIVE : PBSC_E_RANGE);
        ck_assert_fails(pbsc_check((pbsc_quantity)q, above, &diag), PBSC_E_RANGE, l->name);
        ck_assert_fails(pbsc_check((pbsc_quantity)q, NAN, &diag), PBSC_E_MISSING, l->name);
        ck_assert_fails(pbsc_check((pbsc_quantity)q, INFINITY, &diag), PBSC_E_NOTFINITE, l->name);
        ck_assert_fails(pbsc_check((pbsc_quantity)q, -1.0, &diag), PBSC_E_NEGATIVE, l->name);
    }
}
END_TEST

START_TEST(range_documented_values)
{
    const pbsc_limits *l;

    /* pbsc-sources(7), Plausible ranges: weight 2-350 kg, PB CD34 0-5000/uL, CE in (0, 1.5] */
    ck_assert_int_eq(pbsc_range(PBSC_Q_WEIGHT_KG, &l), PBSC_OK);
    ck_assert(l->min == 2.0 && l->max == 350.0 && !l->min_open && !l->max_open);
    ck_assert_int_eq(pbsc_range(PBSC_Q_CD34_UL, &l), PBSC_OK);
    ck_assert(l->min == 0.0 && l->max == 5000.0 && !l->min_open && !l->max_open);
    ck_assert_int_eq(pbsc_range(PBSC_Q_CE, &l), PBSC_OK);
    ck_assert(l->min == 0.0 && l->max == 1.5 && l->min_open && !l->max_open);
    ck_assert_int_eq(pbsc_range(PBSC_Q_LEVEL, &l), PBSC_OK);
    ck_assert(l->min == 0.0 && l->max == 1.0 && l->min_open && l->max_open);
}
END_TEST

START_TEST(range_errors)
{
    pbsc_diag diag;
    const pbsc_limits *l = NULL;

    ck_assert_int_eq(pbsc_range(PBSC_Q_COUNT_, &l), PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_range((pbsc_quantity)-1, &l), PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_range(PBSC_Q_CE, NULL), PBSC_E_INVAL);
    ck_assert_ptr_null(l);
    ck_assert_fails(pbsc_check(PBSC_Q_COUNT_, 1.0, &diag), PBSC_E_INVAL, "quantity");
    ck_assert_fails(pbsc_check((pbsc_quantity)-3, 1.0, &diag), PBSC_E_INVAL, "quantity");
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, lb_to_kg_exact);
    tcase_add_test(tc, lb_to_kg_errors);
    tcase_add_test(tc, cd34_units);
    tcase_add_test(tc, cd34_convert_errors);
    tcase_add_test(tc, cd34_from_percent);
    tcase_add_test(tc, range_table);
    tcase_add_test(tc, range_documented_values);
    tcase_add_test(tc, range_errors);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pbsc_test_run(suite());
}
