/* SPDX-License-Identifier: MIT */
/* The diagnosis scope of a policy (pbsc-rules(7) outside.diagnosis, pbsc-policy(5)
 * `diagnoses`): each scoped preset row by row over every diagnosis, the unknown diagnosis
 * decided with a warning, the policy-file key, its writer and pbsc_policy_info. */
#include <stdio.h>
#include <string.h>

#include "pbsc_test.h"
#include "decide_test.h"

#define BIT(d) (1u << (unsigned)(d))

/*
 * One course, PB CD34 10/uL on days 4 and 5, no dose: chen2012 asked on day 4 (10 in
 * [5, 15] -> plerixafor tonight), d5-20-2022 on day 5 (10 < 20 -> plerixafor tonight),
 * with the diagnosis of the row.
 */
static const struct dxcase {
    const char *policy;
    long day;
    pbsc_diagnosis dx;
    pbsc_action action;
    const char *rule;
    unsigned warnings;
} dxcases[] = {
    /* chen2012: "lymphoma or plasma-cell dyscrasias" = NHL, HL, MM, AL */
    {"chen2012", 4, PBSC_DX_UNKNOWN, PBSC_ACTION_PLERIXAFOR, "assess.plerixafor",
     PBSC_W_DIAGNOSIS_UNKNOWN},
    {"chen2012", 4, PBSC_DX_MYELOMA, PBSC_ACTION_PLERIXAFOR, "assess.plerixafor", 0},
    {"chen2012", 4, PBSC_DX_NHL, PBSC_ACTION_PLERIXAFOR, "assess.plerixafor", 0},
    {"chen2012", 4, PBSC_DX_HODGKIN, PBSC_ACTION_PLERIXAFOR, "assess.plerixafor", 0},
    {"chen2012", 4, PBSC_DX_AMYLOIDOSIS, PBSC_ACTION_PLERIXAFOR, "assess.plerixafor", 0},
    {"chen2012", 4, PBSC_DX_SOLID, PBSC_ACTION_OUTSIDE_POLICY, "outside.diagnosis", 0},
    {"chen2012", 4, PBSC_DX_OTHER, PBSC_ACTION_OUTSIDE_POLICY, "outside.diagnosis", 0},
    /* d5-20-2022: "myeloma or amyloidosis" = MM, AL */
    {"d5-20-2022", 5, PBSC_DX_UNKNOWN, PBSC_ACTION_PLERIXAFOR, "assess.plerixafor",
     PBSC_W_DIAGNOSIS_UNKNOWN},
    {"d5-20-2022", 5, PBSC_DX_MYELOMA, PBSC_ACTION_PLERIXAFOR, "assess.plerixafor", 0},
    {"d5-20-2022", 5, PBSC_DX_AMYLOIDOSIS, PBSC_ACTION_PLERIXAFOR, "assess.plerixafor", 0},
    {"d5-20-2022", 5, PBSC_DX_NHL, PBSC_ACTION_OUTSIDE_POLICY, "outside.diagnosis", 0},
    {"d5-20-2022", 5, PBSC_DX_HODGKIN, PBSC_ACTION_OUTSIDE_POLICY, "outside.diagnosis", 0},
    {"d5-20-2022", 5, PBSC_DX_SOLID, PBSC_ACTION_OUTSIDE_POLICY, "outside.diagnosis", 0},
    {"d5-20-2022", 5, PBSC_DX_OTHER, PBSC_ACTION_OUTSIDE_POLICY, "outside.diagnosis", 0},
    /* a preset whose source states no scope reads no diagnosis: no warning, no outside
     * (mayo2013-p1: 10/uL passes its < 10) */
    {"mayo2013-p1", 4, PBSC_DX_UNKNOWN, PBSC_ACTION_WAIT, "assess.collect_tomorrow", 0},
    {"mayo2013-p1", 4, PBSC_DX_SOLID, PBSC_ACTION_WAIT, "assess.collect_tomorrow", 0}};

/* The patient (70 kg, CrCl 90) with diagnosis dx; the rows up to `day`. */
static const pbsc_course *
dx_course(pbsc_diagnosis dx, long day)
{
    row rows[] = {EMPTY_DAY(1), EMPTY_DAY(2), EMPTY_DAY(3), {4, 10, NA, NA, NA, NA},
                  {5, 10, NA, NA, NA, NA}};
    pbsc_person pe = pbsc_test_person(KG, CRCL);

    pe.diagnosis = dx;
    return keep(pbsc_test_course(&pe, PBSC_REGIMEN_GCSF, 5, 2, rows, (size_t)day));
}

START_TEST(diagnosis_table)
{
    const struct dxcase *k = &dxcases[_i];
    pbsc_decision d = decide(k->policy, dx_course(k->dx, k->day), k->day, MO);
    char want[64];

    ck_assert_msg(d.action == k->action && strcmp(d.rule, k->rule) == 0,
                  "case %d %s %s: %s/%s (%s), want %s/%s", _i, k->policy,
                  pbsc_diagnosis_name(k->dx), pbsc_action_name(d.action), d.rule, d.reason,
                  pbsc_action_name(k->action), k->rule);
    ck_assert_msg(d.warnings == k->warnings, "case %d: warnings %#x, want %#x", _i, d.warnings,
                  k->warnings);
    if (k->action == PBSC_ACTION_OUTSIDE_POLICY) {
        /* the reason names the diagnosis and the scope */
        snprintf(want, sizeof want, "diagnosis is %s", pbsc_diagnosis_name(k->dx));
        ck_assert_msg(strstr(d.reason, want) != NULL, "case %d: %s", _i, d.reason);
        ck_assert_msg(strstr(d.reason, strcmp(k->policy, "chen2012") == 0 ? "NHL, HL"
                                                                          : "covers MM, AL") !=
                          NULL,
                      "case %d: %s", _i, d.reason);
        assert_no_dose(&d);
        assert_no_session(&d);
    }
    /* the evening of the same day, without a harvest, repeats the morning */
    ck_assert_str_eq(decide(k->policy, dx_course(k->dx, k->day), k->day, EV).rule,
                     k->rule);
}
END_TEST

/* A donor's course is outside an autologous preset's scope before its diagnoses are read. */
START_TEST(donor_before_diagnosis)
{
    row rows[] = {EMPTY_DAY(3), {4, 10, NA, NA, NA, NA}};
    pbsc_person pe = pbsc_test_person(KG, CRCL);
    pbsc_decision d;

    pe.recipient_kg = 60;
    pe.diagnosis = PBSC_DX_OTHER;
    d = decide("chen2012", keep(pbsc_test_course(&pe, PBSC_REGIMEN_GCSF, 5, 2, rows, 2)), 4, MO);
    ck_assert_decision(d, PBSC_ACTION_OUTSIDE_POLICY, "outside.scope");
    ck_assert_uint_eq(d.warnings & PBSC_W_DIAGNOSIS_UNKNOWN, 0);
}
END_TEST

/* pbsc_policy_info.diagnoses of every preset: the two whose source states a scope. */
START_TEST(info_of_presets)
{
    size_t i;

    for (i = 0; i < pbsc_policy_count(); i++) {
        pbsc_policy_info info = policy_info(pbsc_policy_get(i));
        unsigned want = 0;

        if (strcmp(info.id, "chen2012") == 0)
            want = BIT(PBSC_DX_NHL) | BIT(PBSC_DX_HODGKIN) | BIT(PBSC_DX_MYELOMA) |
                   BIT(PBSC_DX_AMYLOIDOSIS);
        else if (strcmp(info.id, "d5-20-2022") == 0)
            want = BIT(PBSC_DX_MYELOMA) | BIT(PBSC_DX_AMYLOIDOSIS);
        else if (strcmp(info.id, "dipersio2009-nhl") == 0) /* the planned schedules */
            want = BIT(PBSC_DX_NHL);
        else if (strcmp(info.id, "dipersio2009-mm") == 0 || strcmp(info.id, "genesis2023") == 0)
            want = BIT(PBSC_DX_MYELOMA);
        ck_assert_msg(info.diagnoses == want, "%s: diagnoses %#x, want %#x", info.id,
                      info.diagnoses, want);
    }
}
END_TEST

/* An info struct of the 1.0 layout (ending at `hash`) is filled without `diagnoses`. */
START_TEST(info_old_layout)
{
    struct {
        pbsc_policy_info info;
        unsigned guard;
    } old;
    size_t size = offsetof(pbsc_policy_info, diagnoses);

    memset(&old, 0xAB, sizeof old);
    pbsc_policy_info_init_sized(&old.info, size);
    ck_assert_int_eq(pbsc_policy_info_get(policy("chen2012"), &old.info), PBSC_OK);
    ck_assert_str_eq(old.info.id, "chen2012");
    ck_assert_uint_eq(old.info.size, size);
    ck_assert_uint_eq(old.info.diagnoses, 0xABABABABu); /* not written */
}
END_TEST

#define HEAD "id = s\nversion = 1\nsource = t\nregimens = gcsf\nassess_day = 4\ncollect_day = 5\n"

/* The key: a list of names (comma or blank separated), "any"; each error named. */
static const struct kcase {
    const char *value;
    int status;
    unsigned bits;
    const char *written; /* NULL: the key is omitted (any) */
} kcases[] = {
    {"MM, AL", PBSC_OK, BIT(PBSC_DX_MYELOMA) | BIT(PBSC_DX_AMYLOIDOSIS), "diagnoses = MM, AL\n"},
    {"AL MM", PBSC_OK, BIT(PBSC_DX_MYELOMA) | BIT(PBSC_DX_AMYLOIDOSIS), "diagnoses = MM, AL\n"},
    {"NHL,HL,MM,AL", PBSC_OK,
     BIT(PBSC_DX_NHL) | BIT(PBSC_DX_HODGKIN) | BIT(PBSC_DX_MYELOMA) | BIT(PBSC_DX_AMYLOIDOSIS),
     "diagnoses = MM, NHL, HL, AL\n"},
    {"ST, other", PBSC_OK, BIT(PBSC_DX_SOLID) | BIT(PBSC_DX_OTHER), "diagnoses = ST, other\n"},
    {"any", PBSC_OK, 0, NULL},
    {"unknown", PBSC_E_PARSE, 0, NULL}, /* not knowing is no scope */
    {"mm", PBSC_E_PARSE, 0, NULL},      /* the names as written */
    {"MM, any", PBSC_E_PARSE, 0, NULL},
    {"myeloma", PBSC_E_PARSE, 0, NULL},
    {",", PBSC_E_PARSE, 0, NULL}};

START_TEST(key_table)
{
    const struct kcase *k = &kcases[_i];
    char text[256], out[4096];
    pbsc_policy *p = NULL;
    pbsc_diag diag;
    size_t need;
    int rc;

    snprintf(text, sizeof text, HEAD "diagnoses = %s\n", k->value);
    pbsc_diag_clear(&diag);
    rc = pbsc_policy_parse(text, strlen(text), &p, &diag);
    ck_assert_msg(rc == k->status, "'%s': %d (%s)", k->value, rc, diag.text);
    if (rc != PBSC_OK) {
        ck_assert_str_eq(diag.field, "diagnoses");
        ck_assert_int_eq(diag.line, 7);
        return;
    }
    ck_assert_uint_eq(policy_info(p).diagnoses, k->bits);
    ck_assert_int_eq(pbsc_policy_format(p, out, sizeof out, &need), PBSC_OK);
    if (k->written != NULL)
        ck_assert_msg(strstr(out, k->written) != NULL, "'%s' written as:\n%s", k->value, out);
    else
        ck_assert_msg(strstr(out, "diagnoses") == NULL, "'%s' written as:\n%s", k->value, out);
    pbsc_policy_free(p);
}
END_TEST

START_TEST(key_given_twice)
{
    static const char text[] = HEAD "diagnoses = MM\ndiagnoses = AL\n";
    pbsc_policy *p = NULL;
    pbsc_diag diag;

    ck_assert_fails(pbsc_policy_parse(text, strlen(text), &p, &diag), PBSC_E_DUPLICATE,
                    "diagnoses");
    ck_assert_int_eq(diag.line, 8);
}
END_TEST

/* A scoped preset's text parses back to a policy with the same scope and hash. */
START_TEST(preset_round_trip)
{
    static const char *const ids[] = {"chen2012", "d5-20-2022"};
    size_t i;

    for (i = 0; i < 2; i++) {
        const pbsc_policy *q = policy(ids[i]);
        char text[8192];
        size_t need;
        pbsc_policy *p;

        ck_assert_int_eq(pbsc_policy_format(q, text, sizeof text, &need), PBSC_OK);
        p = parse(text);
        ck_assert_uint_eq(policy_info(p).diagnoses, policy_info(q).diagnoses);
        ck_assert_str_eq(policy_info(p).hash, policy_info(q).hash);
        pbsc_policy_free(p);
    }
}
END_TEST

static Suite *
scope_suite(void)
{
    Suite *s = suite_create("scope");
    TCase *dx = tcase_create("diagnosis"), *key = tcase_create("key");

    tcase_add_checked_fixture(dx, NULL, teardown);
    tcase_add_loop_test(dx, diagnosis_table, 0, (int)NROWS(dxcases));
    tcase_add_test(dx, donor_before_diagnosis);
    tcase_add_test(dx, info_of_presets);
    tcase_add_test(dx, info_old_layout);
    suite_add_tcase(s, dx);
    tcase_add_loop_test(key, key_table, 0, (int)NROWS(kcases));
    tcase_add_test(key, key_given_twice);
    tcase_add_test(key, preset_round_trip);
    suite_add_tcase(s, key);
    return s;
}

int
main(void)
{
    return pbsc_test_run(scope_suite());
}
