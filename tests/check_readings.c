/* SPDX-License-Identifier: MIT */
/* The presets as their sources state them, where an input or a schedule is missing
 * (pbsc-rules(7), pbsc-sources(7)): GITMO's ">= 2 lines" and its harvest criterion per
 * planned transplant, mayo2013-p2's "several transplants" from the planned transplants,
 * uk2018's count recovery without a recorded nadir and its collection on the day of the
 * qualifying count, and the policy keys behind them. Row-by-row boundary tables. */
#include <stdio.h>
#include <string.h>

#include "pbsc_test.h"
#include "decide_test.h"

#define W PBSC_ACTION_WAIT
#define C PBSC_ACTION_COLLECT
#define P PBSC_ACTION_PLERIXAFOR
#define NEED PBSC_ACTION_NEED_COUNT
#define FAIL PBSC_ACTION_STOP_FAILED

/* The standard patient with `transplants` planned (0 = not given). */
static const pbsc_course *
planned(int transplants, pbsc_regimen regimen, double goal, const row *rows, size_t n)
{
    pbsc_person pe = std_person(KG, CRCL);

    pe.transplants = transplants;
    return keep(pbsc_test_course(&pe, regimen, goal, goal >= 8 ? 4 : 2, rows, n));
}

/* ---- GITMO: the harvest criterion per planned transplant ------------------------------ */

/*
 * Three aphereses on days 5-7 of a[0..2] x10^6/kg (PB CD34 25, so the peak criterion never
 * holds), classified on day 8 (the day 8 row has a fourth apheresis of a[3] when given).
 * Threshold 2.0 x transplants; transplants not given: 2 for a goal >= 8, else 1 [interp].
 */
static const struct hcase {
    int transplants;
    double goal;
    double a[4];
    pbsc_gitmo want;
    const char *criterion; /* a substring, or NULL */
} hcases[] = {
    /* one transplant: 0.5 + 0.5 + 0.99 = 1.99 < 2.0; 2.0 is not below */
    {1, 5, {0.5, 0.5, 0.99, NA}, PBSC_GITMO_PROVEN, "< 2.0 x10^6 CD34+/kg (2.0 per planned "
                                                    "transplant, 1 planned) in no more than 3"},
    {1, 5, {0.5, 0.5, 1.0, NA}, PBSC_GITMO_NOT_POOR, NULL},
    /* two transplants: 1.0 + 1.0 + 1.99 = 3.99 < 4.0; 4.0 is not below */
    {2, 5, {1.0, 1.0, 1.99, NA}, PBSC_GITMO_PROVEN, "< 4.0 x10^6 CD34+/kg (2.0 per planned "
                                                    "transplant, 2 planned)"},
    {2, 5, {1.0, 1.0, 2.0, NA}, PBSC_GITMO_NOT_POOR, NULL},
    /* 2.5 in three: a single-transplant threshold would have passed it */
    {2, 10, {1.0, 1.0, 0.5, NA}, PBSC_GITMO_PROVEN, "2 planned"},
    {1, 10, {1.0, 1.0, 0.5, NA}, PBSC_GITMO_NOT_POOR, NULL}, /* given: the goal is not read */
    /* not given: the goal in force, 2 from 8 x10^6/kg (tandem8, tandem10), else 1 */
    {0, 5, {1.0, 1.0, 0.5, NA}, PBSC_GITMO_NOT_POOR, NULL},
    {0, 7.99, {1.0, 1.0, 0.5, NA}, PBSC_GITMO_NOT_POOR, NULL},
    {0, 8, {1.0, 1.0, 0.5, NA}, PBSC_GITMO_PROVEN, "2 planned"},
    {0, 10, {1.0, 1.0, 1.99, NA}, PBSC_GITMO_PROVEN, "2 planned"},
    {0, 10, {1.0, 1.0, 2.0, NA}, PBSC_GITMO_NOT_POOR, NULL},
    /* no more than three: a fourth apheresis does not lift the first three's 1.99 */
    {1, 5, {0.5, 0.5, 0.99, 3.0}, PBSC_GITMO_PROVEN, "in no more than 3 aphereses"},
    /* fewer than three: undecided, so not met, even far below */
    {1, 5, {0.1, 0.1, NA, NA}, PBSC_GITMO_NOT_POOR, NULL},
    {2, 5, {0.1, NA, NA, NA}, PBSC_GITMO_NOT_POOR, NULL}};

START_TEST(gitmo_harvest_table)
{
    const struct hcase *k = &hcases[_i];
    row rows[5] = {EMPTY_DAY(4)};
    const pbsc_course *c;
    pbsc_gitmo g = (pbsc_gitmo)-1;
    const char *why = NULL;
    pbsc_diag diag;
    long d;

    for (d = 5; d <= 8; d++) {
        double y = k->a[d - 5];
        row r = {d, 25, NA, NA, isnan(y) ? NA : 14.7, y};
        rows[d - 4] = r;
    }
    c = planned(k->transplants, PBSC_REGIMEN_GCSF, k->goal, rows, 5);
    ck_assert_int_eq(pbsc_gitmo_classify(c, NULL, 8, &g, &why, &diag), PBSC_OK);
    ck_assert_msg(g == k->want, "case %d: class %d (%s), want %d", _i, (int)g, why, (int)k->want);
    if (k->criterion != NULL)
        ck_assert_msg(strstr(why, k->criterion) != NULL, "case %d: %s", _i, why);
}
END_TEST

/* The engine's fail.gitmo reads the goal in force: a course without its own goal takes the
 * policy's (8 here), so 1.0 + 1.0 + 1.99 = 3.99 < 4.0 fails it on the third evening. */
START_TEST(gitmo_harvest_through_the_engine)
{
    static const char text[] = "id = site-gitmo2\nversion = 1\nsource = check_readings.c\n"
                               "regimens = gcsf\ngoal = 8\nminimum = 4\nassess_day = 5\n"
                               "collect_day = 5\nplerixafor_below = 10\nfail_gitmo = yes\n"
                               "max_plerixafor_doses = 0\n";
    const row rows[] = {EMPTY_DAY(4), {5, 25, NA, NA, 14.7, 1.0}, {6, 25, NA, NA, 14.7, 1.0},
                        {7, 25, NA, NA, 14.7, 1.99}};
    pbsc_policy *p = parse(text);
    pbsc_person pe = std_person(KG, CRCL);
    const pbsc_course *c = keep(pbsc_test_course(&pe, PBSC_REGIMEN_GCSF, NA, NA, rows, 4));
    pbsc_decision d = decide_p(p, c, 7, EV);

    ck_assert_decision(d, FAIL, "fail.gitmo");
    ck_assert_msg(strstr(d.reason, "2 planned") != NULL, "%s", d.reason);
    pe.transplants = 1; /* given: 3.99 >= 2.0, the course goes on */
    c = keep(pbsc_test_course(&pe, PBSC_REGIMEN_GCSF, NA, NA, rows, 4));
    d = decide_p(p, c, 7, EV);
    ck_assert_decision(d, PBSC_ACTION_CONTINUE, "continue.tomorrow");
    pbsc_policy_free(p);
}
END_TEST

/* ---- GITMO: predicted, ">= 2 lines" and "age > 65" ------------------------------------ */

/* Two of: >= 2 lines (the caller's lines_two_or_more: exactly two previous lines is 1),
 * refractory disease, marrow involvement, age above 65. -1 unknown counts as no. */
static const struct pcase {
    int lines, refractory, marrow;
    double age;
    pbsc_gitmo want;
} pcases[] = {
    {1, 1, -1, NA, PBSC_GITMO_PREDICTED}, /* exactly two lines and refractory */
    {1, -1, 1, NA, PBSC_GITMO_PREDICTED},
    {1, -1, -1, 65.01, PBSC_GITMO_PREDICTED},
    {1, -1, -1, 65, PBSC_GITMO_NOT_POOR}, /* 65 is not above 65 */
    {1, 0, 0, NA, PBSC_GITMO_NOT_POOR},   /* one of four */
    {0, 1, -1, 66, PBSC_GITMO_PREDICTED},
    {0, -1, -1, 90, PBSC_GITMO_NOT_POOR},  /* the age alone */
    {-1, 1, 1, NA, PBSC_GITMO_PREDICTED}};

START_TEST(gitmo_predicted_table)
{
    const struct pcase *k = &pcases[_i];
    const row rows[] = {EMPTY_DAY(3), {4, 30, NA, NA, NA, NA}};
    pbsc_person pe = std_person(KG, CRCL);
    pbsc_gitmo g = (pbsc_gitmo)-1;
    const char *why = NULL;
    pbsc_risk r;

    pe.age_years = k->age;
    pbsc_risk_init(&r);
    r.lines_two_or_more = k->lines;
    r.refractory = k->refractory;
    r.marrow_involvement = k->marrow;
    ck_assert_int_eq(pbsc_gitmo_classify(keep(pbsc_test_course(&pe, PBSC_REGIMEN_GCSF, 5, 2,
                                                               rows, 2)),
                                         &r, 4, &g, &why, NULL),
                     PBSC_OK);
    ck_assert_msg(g == k->want, "case %d: %d (%s)", _i, (int)g, why);
    if (g == PBSC_GITMO_PREDICTED)
        ck_assert_str_eq(why, "two of: >= 2 lines, refractory disease, marrow involvement, "
                              "age > 65");
}
END_TEST

/* ---- mayo2013-p2: "several transplants" ----------------------------------------------- */

/* Day 4 PB CD34 cd34: plerixafor below 10 for one transplant, below 20 for two; not given,
 * 2 for a goal >= 8 [interp]. The goal of a single-transplant patient never moves it. */
static const struct mcase {
    int transplants;
    double goal, cd34;
    pbsc_action action;
    double threshold;
} mcases[] = {
    {1, 5, 9.99, P, 10},  {1, 5, 10, W, 10},  {1, 6, 19.99, W, 10}, {1, 10, 19.99, W, 10},
    {1, 10, 9.99, P, 10}, {2, 5, 19.99, P, 20}, {2, 5, 20, W, 20},  {2, 10, 19.99, P, 20},
    {0, 5, 19.99, W, 10}, {0, 6, 19.99, W, 10}, {0, 7.99, 19.99, W, 10},
    {0, 7.99, 9.99, P, 10}, {0, 8, 19.99, P, 20}, {0, 8, 20, W, 20}, {0, 10, 19.99, P, 20}};

START_TEST(mayo_p2_transplants_table)
{
    const struct mcase *k = &mcases[_i];
    const row rows[] = {EMPTY_DAY(3), {4, k->cd34, NA, NA, NA, NA}};
    pbsc_decision d = decide("mayo2013-p2", planned(k->transplants, PBSC_REGIMEN_GCSF, k->goal,
                                                    rows, 2),
                             4, MO);

    ck_assert_msg(d.action == k->action && d.threshold == k->threshold,
                  "case %d (transplants %d goal %g cd34 %g): %s/%s threshold %g, want %s %g", _i,
                  k->transplants, k->goal, k->cd34, pbsc_action_name(d.action), d.rule,
                  d.threshold, pbsc_action_name(k->action), k->threshold);
    ck_assert_str_eq(d.rule, k->action == P ? "assess.plerixafor" : "assess.collect_tomorrow");
}
END_TEST

/* ---- uk2018 after chemotherapy: recovery and the day of collection -------------------- */

/*
 * A chemotherapy course from day 6: wbc[] and cd34[] of days 6..12 (NA: not measured),
 * decided on the morning of `day`. Recovery: the first WBC > 1 after a recorded WBC <= 1;
 * with no WBC <= 1 recorded, the first PB CD34 >= 15 [interp]. A count >= 15 from recovery
 * on collects that day; < 15 on the recovery day: plerixafor, apheresis the next day.
 */
static const struct rcase {
    double wbc[7], cd34[7];
    long day;
    pbsc_action action;
    const char *rule;
} rcases[] = {
    /* nadir recorded (0.8 on day 7), recovery day 9 (1.2) */
    {{2.0, 0.8, 1.0, 1.2, 3, 5, 8}, {NA, NA, NA, 15, NA, NA, NA}, 9, C, "assess.collect"},
    {{2.0, 0.8, 1.0, 1.2, 3, 5, 8}, {NA, NA, NA, 14.99, NA, NA, NA}, 9, P, "assess.plerixafor"},
    {{2.0, 0.8, 1.0, 1.2, 3, 5, 8}, {NA, NA, 80, 80, NA, NA, NA}, 8, W, "wait.recovery"},
    /* the nadir stays above 1.0: 1.3 on day 8 */
    {{2.0, 1.6, 1.3, 1.5, 3, 5, 8}, {NA, NA, NA, 14.99, 15, NA, NA}, 9, W, "wait.recovery"},
    {{2.0, 1.6, 1.3, 1.5, 3, 5, 8}, {NA, NA, NA, 14.99, 15, NA, NA}, 10, C, "assess.collect"},
    {{2.0, 1.6, 1.3, 1.5, 3, 5, 8}, {NA, NA, NA, 80, NA, NA, NA}, 9, C, "assess.collect"},
    /* the day after the qualifying count, no apheresis recorded: collect now */
    {{2.0, 1.6, 1.3, 1.5, 3, 5, 8}, {NA, NA, NA, 80, 70, NA, NA}, 10, C, "collect.start"},
    /* never a nadir, never 15: wait, to the policy's last day (a peak < 20 to day 20 is
     * GITMO's proven poor mobilizer) */
    {{2.0, 1.6, 1.3, 1.5, 3, 5, 8}, {NA, 5, 8, 10, 12, 14, 14.99}, 12, W, "wait.recovery"},
    /* a WBC <= 1 after the count has opened the window changes nothing */
    {{2.0, 1.6, 1.6, 0.9, 1.2, 5, 8}, {NA, NA, 16, 12, NA, NA, NA}, 9, C, "collect.start"},
    /* no WBC on a day before recovery: need it */
    {{2.0, 0.8, NA, 1.2, 3, 5, 8}, {NA, NA, NA, NA, NA, NA, NA}, 8, NEED, "need.wbc"}};

START_TEST(uk2018_recovery_table)
{
    const struct rcase *k = &rcases[_i];
    row rows[7];
    long d;
    pbsc_decision m;

    for (d = 6; d <= 12; d++) {
        row r = {d, k->cd34[d - 6], k->wbc[d - 6], NA, NA, NA};
        rows[d - 6] = r;
    }
    m = decide("uk2018", planned(1, PBSC_REGIMEN_CHEMO_GCSF, 5, rows, 7), k->day, MO);
    ck_assert_msg(m.action == k->action && strcmp(m.rule, k->rule) == 0,
                  "case %d day %ld: %s/%s (%s), want %s/%s", _i, k->day,
                  pbsc_action_name(m.action), m.rule, m.reason, pbsc_action_name(k->action),
                  k->rule);
    if (m.action == P)
        ck_assert_int_eq(m.tonight.apheresis_day, k->day + 1);
}
END_TEST

/* Under G-CSF alone uk2018 still collects on day 5 after its day-4 count. */
START_TEST(uk2018_gcsf_unchanged)
{
    const row rows[] = {EMPTY_DAY(3), {4, 15, NA, NA, NA, NA}, {5, 20, NA, NA, NA, NA}};

    ck_assert_decision(decide("uk2018", gcsf(5, 2, rows, 3), 4, MO), W,
                       "assess.collect_tomorrow");
    ck_assert_decision(decide("uk2018", gcsf(5, 2, rows, 3), 5, MO), C, "collect.start");
}
END_TEST

/* ---- the policy keys -------------------------------------------------------------------- */

#define HEAD "id = s\nversion = 1\nsource = t\nregimens = gcsf, chemo\nassess_day = 4\n" \
             "collect_day = 5\n"

static const struct kcase {
    const char *keys;
    int status;
    const char *field; /* of the failure */
    const char *written; /* a line the writer writes, or NULL: neither key is written */
} kcases[] = {
    {"plerixafor_below = 10\nplerixafor_below_multi = 20\nmulti_transplants = yes\n", PBSC_OK,
     NULL, "multi_transplants = yes\n"},
    {"plerixafor_below = 10\nplerixafor_below_multi = 20\nmulti_goal_above = 5\n", PBSC_OK,
     NULL, NULL},
    {"multi_transplants = no\ncollect_at_recovery = no\n", PBSC_OK, NULL, NULL},
    {"collect_at_recovery = yes\n", PBSC_OK, NULL, "collect_at_recovery = yes\n"},
    {"plerixafor_below_multi = 20\nmulti_goal_above = 5\nmulti_transplants = yes\n",
     PBSC_E_CONFLICT, "multi_transplants", NULL},
    {"multi_transplants = yes\n", PBSC_E_CONFLICT, "plerixafor_below_multi", NULL},
    {"plerixafor_below_multi = 20\n", PBSC_E_CONFLICT, "multi_goal_above", NULL},
    {"multi_transplants = maybe\n", PBSC_E_PARSE, "multi_transplants", NULL},
    {"collect_at_recovery = 2\n", PBSC_E_PARSE, "collect_at_recovery", NULL}};

START_TEST(key_table)
{
    const struct kcase *k = &kcases[_i];
    char text[512], out[4096];
    pbsc_policy *p = NULL;
    pbsc_diag diag;
    size_t need;
    int rc;

    snprintf(text, sizeof text, HEAD "%s", k->keys);
    pbsc_diag_clear(&diag);
    rc = pbsc_policy_parse(text, strlen(text), &p, &diag);
    ck_assert_msg(rc == k->status, "case %d: %d (%s)", _i, rc, diag.text);
    if (rc != PBSC_OK) {
        ck_assert_str_eq(diag.field, k->field);
        return;
    }
    ck_assert_int_eq(pbsc_policy_format(p, out, sizeof out, &need), PBSC_OK);
    if (k->written != NULL)
        ck_assert_msg(strstr(out, k->written) != NULL, "case %d:\n%s", _i, out);
    else
        ck_assert_msg(strstr(out, "multi_transplants") == NULL &&
                          strstr(out, "collect_at_recovery") == NULL,
                      "case %d:\n%s", _i, out);
    pbsc_policy_free(parse(out)); /* what it writes reads back */
    pbsc_policy_free(p);
}
END_TEST

static Suite *
readings_suite(void)
{
    Suite *s = suite_create("readings");
    TCase *g = tcase_create("gitmo"), *m = tcase_create("mayo"), *u = tcase_create("uk2018"),
          *k = tcase_create("keys");

    tcase_add_checked_fixture(g, NULL, teardown);
    tcase_add_loop_test(g, gitmo_harvest_table, 0, (int)NROWS(hcases));
    tcase_add_test(g, gitmo_harvest_through_the_engine);
    tcase_add_loop_test(g, gitmo_predicted_table, 0, (int)NROWS(pcases));
    suite_add_tcase(s, g);
    tcase_add_checked_fixture(m, NULL, teardown);
    tcase_add_loop_test(m, mayo_p2_transplants_table, 0, (int)NROWS(mcases));
    suite_add_tcase(s, m);
    tcase_add_checked_fixture(u, NULL, teardown);
    tcase_add_loop_test(u, uk2018_recovery_table, 0, (int)NROWS(rcases));
    tcase_add_test(u, uk2018_gcsf_unchanged);
    suite_add_tcase(s, u);
    tcase_add_loop_test(k, key_table, 0, (int)NROWS(kcases));
    suite_add_tcase(s, k);
    return s;
}

int
main(void)
{
    return pbsc_test_run(readings_suite());
}
