/* SPDX-License-Identifier: MIT */
/* Tests of the blood-volume module: Nadler and the mL/kg bands. */
#include "pbsc_test.h"

START_TEST(nadler_checks)
{
    double v = 0.0;

    /* Nadler's formulas checked (pbsc-sources(7)). Male 1.80 m, 80 kg:
     * 0.3669 x 1.8^3 (5.832) = 2.1397608; 0.03219 x 80 = 2.5752; + 0.6041 -> 5.3190608 L */
    ck_assert_int_eq(pbsc_tbv_nadler(180.0, 80.0, PBSC_SEX_MALE, &v, NULL), PBSC_OK);
    ck_assert_rel(v, 5.3190608, 1e-12);
    ck_assert(fabs(v - 5.3) < 0.05);
    /* Female 1.60 m, 60 kg: 0.3561 x 4.096 = 1.4585856; 0.03308 x 60 = 1.9848;
     * + 0.1833 -> 3.6266856 L */
    ck_assert_int_eq(pbsc_tbv_nadler(160.0, 60.0, PBSC_SEX_FEMALE, &v, NULL), PBSC_OK);
    ck_assert_rel(v, 3.6266856, 1e-12);
    ck_assert(fabs(v - 3.6) < 0.05);
}
END_TEST

START_TEST(nadler_monotone)
{
    double a, b;
    int sex;

    for (sex = PBSC_SEX_MALE; sex <= PBSC_SEX_FEMALE; sex++) {
        ck_assert_int_eq(pbsc_tbv_nadler(170.0, 70.0, (pbsc_sex)sex, &a, NULL), PBSC_OK);
        ck_assert_int_eq(pbsc_tbv_nadler(171.0, 70.0, (pbsc_sex)sex, &b, NULL), PBSC_OK);
        ck_assert(b > a);
        ck_assert_int_eq(pbsc_tbv_nadler(170.0, 71.0, (pbsc_sex)sex, &b, NULL), PBSC_OK);
        ck_assert(b > a);
    }
}
END_TEST

START_TEST(nadler_errors)
{
    pbsc_diag diag;
    double v = 42.0;

    ck_assert_fails(pbsc_tbv_nadler(170, 70, PBSC_SEX_MALE, NULL, &diag), PBSC_E_INVAL, "litres");
    ck_assert_fails(pbsc_tbv_nadler(NAN, 70, PBSC_SEX_MALE, &v, &diag), PBSC_E_MISSING,
                    "height_cm");
    ck_assert_fails(pbsc_tbv_nadler(170, NAN, PBSC_SEX_MALE, &v, &diag), PBSC_E_MISSING,
                    "weight_kg");
    ck_assert_fails(pbsc_tbv_nadler(170, 70, PBSC_SEX_UNKNOWN, &v, &diag), PBSC_E_MISSING, "sex");
    ck_assert_fails(pbsc_tbv_nadler(170, 70, (pbsc_sex)7, &v, &diag), PBSC_E_INVAL, "sex");
    ck_assert_fails(pbsc_tbv_nadler(1.70, 70, PBSC_SEX_MALE, &v, &diag), PBSC_E_RANGE,
                    "height_cm"); /* metres instead of cm */
    ck_assert_fails(pbsc_tbv_nadler(170, 1.5, PBSC_SEX_FEMALE, &v, &diag), PBSC_E_RANGE,
                    "weight_kg");
    ck_assert_fails(pbsc_tbv_nadler(-170, 70, PBSC_SEX_FEMALE, &v, &diag), PBSC_E_NEGATIVE,
                    "height_cm");
    ck_assert_fails(pbsc_tbv_nadler(170, INFINITY, PBSC_SEX_FEMALE, &v, &diag), PBSC_E_NOTFINITE,
                    "weight_kg");
    ck_assert(v == 42.0);
}
END_TEST

START_TEST(per_kg_bands)
{
    double v;

    /* 70 mL/kg adult, 85 prepubertal, 100 neonate (pbsc-sources(7)) */
    ck_assert_int_eq(pbsc_tbv_per_kg(80.0, PBSC_BAND_ADULT, &v, NULL), PBSC_OK);
    ck_assert_rel(v, 5.6, 1e-14);
    ck_assert_int_eq(pbsc_tbv_per_kg(20.0, PBSC_BAND_CHILD, &v, NULL), PBSC_OK);
    ck_assert_rel(v, 1.7, 1e-14);
    ck_assert_int_eq(pbsc_tbv_per_kg(3.5, PBSC_BAND_NEONATE, &v, NULL), PBSC_OK);
    ck_assert_rel(v, 0.35, 1e-14);
}
END_TEST

START_TEST(per_kg_errors)
{
    pbsc_diag diag;
    double v = 9.0;

    ck_assert_fails(pbsc_tbv_per_kg(70, PBSC_BAND_ADULT, NULL, &diag), PBSC_E_INVAL, "litres");
    ck_assert_fails(pbsc_tbv_per_kg(70, (pbsc_band)3, &v, &diag), PBSC_E_INVAL, "band");
    ck_assert_fails(pbsc_tbv_per_kg(70, (pbsc_band)-1, &v, &diag), PBSC_E_INVAL, "band");
    ck_assert_fails(pbsc_tbv_per_kg(NAN, PBSC_BAND_ADULT, &v, &diag), PBSC_E_MISSING, "weight_kg");
    ck_assert_fails(pbsc_tbv_per_kg(351, PBSC_BAND_ADULT, &v, &diag), PBSC_E_RANGE, "weight_kg");
    ck_assert_fails(pbsc_tbv_per_kg(-1, PBSC_BAND_CHILD, &v, &diag), PBSC_E_NEGATIVE, "weight_kg");
    ck_assert(v == 9.0);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("volume");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, nadler_checks);
    tcase_add_test(tc, nadler_monotone);
    tcase_add_test(tc, nadler_errors);
    tcase_add_test(tc, per_kg_bands);
    tcase_add_test(tc, per_kg_errors);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pbsc_test_run(suite());
}
