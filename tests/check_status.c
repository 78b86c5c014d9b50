/* SPDX-License-Identifier: MIT */
/* Tests of the status module and the version functions. */
#include <stdio.h>
#include <string.h>

#include "pbsc_test.h"

START_TEST(strerror_is_total)
{
    int codes[] = {PBSC_OK,         PBSC_E_INVAL,    PBSC_E_MISSING,   PBSC_E_NOTFINITE,
                   PBSC_E_NEGATIVE, PBSC_E_RANGE,    PBSC_E_UNKNOWN,   PBSC_E_UNREACHABLE,
                   PBSC_E_NOMEM,    PBSC_E_CONFLICT, PBSC_E_DUPLICATE, PBSC_E_ORDER,
                   PBSC_E_PARSE,    PBSC_E_IO,       PBSC_E_NODATA,    PBSC_E_TOOFEW};
    size_t i, j;

    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        ck_assert_ptr_nonnull(pbsc_strerror(codes[i]));
        ck_assert_str_ne(pbsc_strerror(codes[i]), "unknown status");
        for (j = 0; j < i; j++) /* every code has its own message */
            ck_assert_str_ne(pbsc_strerror(codes[i]), pbsc_strerror(codes[j]));
    }
    ck_assert_str_eq(pbsc_strerror(-1), "unknown status");
    ck_assert_str_eq(pbsc_strerror(10000), "unknown status");
    ck_assert_str_eq(pbsc_strerror(PBSC_E_TOOFEW + 1), "unknown status");
}
END_TEST

START_TEST(codes_are_stable)
{
    /* Values are part of the ABI: never renumbered. */
    ck_assert_int_eq(PBSC_OK, 0);
    ck_assert_int_eq(PBSC_E_INVAL, 1);
    ck_assert_int_eq(PBSC_E_MISSING, 2);
    ck_assert_int_eq(PBSC_E_NOTFINITE, 3);
    ck_assert_int_eq(PBSC_E_NEGATIVE, 4);
    ck_assert_int_eq(PBSC_E_RANGE, 5);
    ck_assert_int_eq(PBSC_E_UNKNOWN, 6);
    ck_assert_int_eq(PBSC_E_UNREACHABLE, 7);
    ck_assert_int_eq(PBSC_E_NOMEM, 8);
    ck_assert_int_eq(PBSC_E_CONFLICT, 9);
    ck_assert_int_eq(PBSC_E_DUPLICATE, 10);
    ck_assert_int_eq(PBSC_E_ORDER, 11);
    ck_assert_int_eq(PBSC_E_PARSE, 12);
    ck_assert_int_eq(PBSC_E_IO, 13);
    ck_assert_int_eq(PBSC_E_NODATA, 14);
    ck_assert_int_eq(PBSC_E_TOOFEW, 15);
}
END_TEST

START_TEST(diag_clear)
{
    pbsc_diag d;

    memset(&d, 0x5a, sizeof d);
    pbsc_diag_clear(&d);
    ck_assert_int_eq(d.status, PBSC_OK);
    ck_assert_str_eq(d.field, "");
    ck_assert_str_eq(d.text, "");
    ck_assert_int_eq(d.day, -1);
    ck_assert_int_eq(d.line, -1);
    ck_assert(isnan(d.value));
    pbsc_diag_clear(NULL); /* a no-op, not a crash */
}
END_TEST

START_TEST(version_agrees_with_header)
{
    char buf[32];

    ck_assert_str_eq(pbsc_version_string(), PBSC_VERSION_STRING);
    ck_assert_uint_eq(pbsc_version_number(), PBSC_VERSION_NUMBER);
    snprintf(buf, sizeof buf, "%d.%d.%d", PBSC_VERSION_MAJOR, PBSC_VERSION_MINOR,
             PBSC_VERSION_PATCH);
    ck_assert_str_eq(buf, PBSC_VERSION_STRING);
    ck_assert_uint_eq(pbsc_version_number(), ((unsigned long)PBSC_VERSION_MAJOR << 16) |
                                                 ((unsigned long)PBSC_VERSION_MINOR << 8) |
                                                 (unsigned long)PBSC_VERSION_PATCH);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, strerror_is_total);
    tcase_add_test(tc, codes_are_stable);
    tcase_add_test(tc, diag_clear);
    tcase_add_test(tc, version_agrees_with_header);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pbsc_test_run(suite());
}
