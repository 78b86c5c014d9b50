/* SPDX-License-Identifier: MIT */
/* Tests of the dose-target presets. */
#include <string.h>

#include "pbsc_test.h"

START_TEST(presets_match_domain)
{
    /* pbsc-sources(7), Dose targets, row by row: id, minimum, goal. */
    static const struct {
        const char *id;
        double minimum, goal;
    } want[] = {
        {"min2", 2.0, 2.0},      {"auto5", 2.0, 5.0}, {"tandem8", 4.0, 8.0},
        {"tandem10", 4.0, 10.0}, {"allo", 2.0, 4.0},
    };
    size_t i;

    ck_assert_uint_eq(pbsc_target_count(), sizeof want / sizeof want[0]);
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        const pbsc_target *t = NULL;

        ck_assert_int_eq(pbsc_target_find(want[i].id, &t, NULL), PBSC_OK);
        ck_assert_ptr_eq(t, pbsc_target_get(i));
        ck_assert(t->minimum == want[i].minimum);
        ck_assert(t->goal == want[i].goal);
        ck_assert(t->minimum <= t->goal);
        ck_assert(strlen(t->source) > 10);
        ck_assert(strlen(t->use) > 5);
        ck_assert_str_eq(t->version, "1");
    }
    ck_assert_ptr_null(pbsc_target_get(pbsc_target_count()));
    ck_assert_ptr_null(pbsc_target_get((size_t)-1));
}
END_TEST

START_TEST(find_errors)
{
    pbsc_diag diag;
    const pbsc_target *t = NULL;

    ck_assert_fails(pbsc_target_find("auto6", &t, &diag), PBSC_E_UNKNOWN, "target");
    ck_assert_fails(pbsc_target_find("AUTO5", &t, &diag), PBSC_E_UNKNOWN, "target");
    ck_assert_fails(pbsc_target_find("", &t, &diag), PBSC_E_UNKNOWN, "target");
    ck_assert_fails(pbsc_target_find(NULL, &t, &diag), PBSC_E_INVAL, "id");
    ck_assert_fails(pbsc_target_find("auto5", NULL, &diag), PBSC_E_INVAL, "target");
    ck_assert_ptr_null(t);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("target");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, presets_match_domain);
    tcase_add_test(tc, find_errors);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pbsc_test_run(suite());
}
