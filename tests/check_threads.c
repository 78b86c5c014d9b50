/* SPDX-License-Identifier: MIT */
/* Threads: 8 threads deciding every point of a course (each day's morning and evening, one by
 * one and by a replay) under every shared const preset, one shared parsed policy and one
 * shared model, each on its own course, give results bit-identical to a serial run. .ci/run
 * also runs this suite under -fsanitize=thread. */
#include <pthread.h>
#include <string.h>

#include "pbsc_test.h"

#define THREADS 8
#define MAXPOL 20
#define MAXPOINTS 24

/* A poor mobilizer rescued by plerixafor, then three harvests: many rules fire on the way. */
static const struct pbsc_test_row rows[] = {
    {1, NA, 6.1, NA, NA, NA},       {2, NA, 14.0, NA, NA, NA},      {3, NA, 22.0, NA, NA, NA},
    {4, 8.0, 28.0, 17.3, NA, NA},   {5, 31.0, 35.0, NA, 15.0, 2.2}, {6, 24.0, 33.0, NA, 15.0, 1.6},
    {7, 18.0, 30.0, NA, 15.0, 0.4}, {8, 15.0, 29.0, NA, NA, NA},
};
#define NDAYS NROWS(rows)
#define NPOINTS (NDAYS + 3) /* every morning and the evenings of the three aphereses */

struct result {
    pbsc_decision point[MAXPOL][NDAYS][2]; /* pbsc_decide, day by day, both moments */
    pbsc_decision replay[MAXPOL][MAXPOINTS];
    size_t n[MAXPOL];
    pbsc_success s;
    int rc;
};

struct job {
    pbsc_course *course; /* the thread's own, built before it starts */
    struct result r;
};

static const pbsc_policy *site_policy; /* parsed once, shared read-only */
static const pbsc_model *site_model;   /* shared read-only */

static pbsc_course *
build(void)
{
    pbsc_person p = pbsc_test_person(72.0, NAN);

    return pbsc_test_course(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, rows, NDAYS);
}

/* Everything one thread does (no Check assertion: they are not thread-safe); also the serial
 * reference. */
static void *
work(void *arg)
{
    struct job *job = arg;
    struct result *r = &job->r;
    const pbsc_course *c = job->course;
    pbsc_success_params sp;
    size_t i, k, m;

    memset(r, 0, sizeof *r);
    for (k = 0; k <= pbsc_policy_count() && r->rc == PBSC_OK; k++) {
        const pbsc_policy *p = k < pbsc_policy_count() ? pbsc_policy_get(k) : site_policy;
        for (i = 0; i < NDAYS && r->rc == PBSC_OK; i++)
            for (m = 0; m < 2 && r->rc == PBSC_OK; m++) {
                pbsc_decision_init(&r->point[k][i][m]);
                r->rc = pbsc_decide(c, p, site_model, rows[i].day, (pbsc_moment)m,
                                    &r->point[k][i][m], NULL);
            }
        if (r->rc == PBSC_OK) {
            pbsc_decision_init(&r->replay[k][0]);
            r->rc = pbsc_replay(c, p, site_model, r->replay[k], MAXPOINTS, &r->n[k], NULL);
        }
    }
    pbsc_success_params_init(&sp);
    sp.draws = 2000;
    if (r->rc == PBSC_OK)
        r->rc = pbsc_success_estimate(c, site_model, 4, PBSC_OPTION_PLERIXAFOR, &sp, &r->s, NULL);
    return NULL;
}

START_TEST(parallel_equals_serial)
{
    static struct job serial, par[THREADS];
    pthread_t t[THREADS];
    pbsc_policy *pol;
    pbsc_model *model;
    const char *text = "id = site\nversion = 1\nsource = SOP\nregimens = gcsf\n"
                       "assess_day = 4\ncollect_day = 5\nplerixafor_below = 12\n"
                       "y1_salvage_below = 1.5\nyd_salvage_below = 0.5\n";
    const pbsc_decision *d;
    size_t k;
    int i;

    ck_assert(pbsc_policy_count() + 1 <= MAXPOL);
    ck_assert_int_eq(pbsc_policy_parse(text, strlen(text), &pol, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_model_from_ce(pbsc_ce_default(), &model, NULL), PBSC_OK);
    site_policy = pol;
    site_model = model;
    serial.course = build();
    for (i = 0; i < THREADS; i++)
        par[i].course = build();
    work(&serial);
    ck_assert_int_eq(serial.r.rc, PBSC_OK);
    for (i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &par[i]), 0);
    for (i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    for (i = 0; i < THREADS; i++) {
        ck_assert_int_eq(par[i].r.rc, PBSC_OK);
        ck_assert_msg(memcmp(&par[i].r, &serial.r, sizeof serial.r) == 0,
                      "thread %d differs from the serial run", i);
    }
    /* the run is not trivial: every point of the course, several distinct actions */
    for (k = 0; k <= pbsc_policy_count(); k++)
        ck_assert_uint_eq(serial.r.n[k], NPOINTS);
    d = serial.r.point[2][3]; /* mayo2013-p2, day 4: plerixafor tonight */
    ck_assert_str_eq(d[PBSC_MORNING].policy_id, "mayo2013-p2");
    ck_assert_int_eq(d[PBSC_MORNING].action, PBSC_ACTION_PLERIXAFOR);
    ck_assert_int_eq(d[PBSC_MORNING].tonight.drug, PBSC_DRUG_PLERIXAFOR);
    ck_assert_int_eq(d[PBSC_EVENING].action, PBSC_ACTION_PLERIXAFOR); /* no harvest: the same */
    ck_assert_int_eq(d[PBSC_EVENING].moment, PBSC_EVENING);
    d = serial.r.point[2][4]; /* day 5: collect after the dose, then the next dose */
    ck_assert_int_eq(d[PBSC_MORNING].action, PBSC_ACTION_COLLECT);
    ck_assert_int_eq(d[PBSC_EVENING].action, PBSC_ACTION_CONTINUE);
    ck_assert_str_eq(d[PBSC_MORNING].model_id, "ce:generic-auto");
    /* the replay's points are the day-by-day decisions: day 5's evening is its 6th point */
    ck_assert_str_eq(serial.r.replay[2][5].rule, d[PBSC_EVENING].rule);
    ck_assert_int_eq(serial.r.replay[2][5].day, 5);
    ck_assert_int_eq(serial.r.replay[2][5].moment, PBSC_EVENING);
    ck_assert(serial.r.s.p_goal > 0.0 && serial.r.s.p_goal < 1.0);
    /* the model-based preset ran its estimates */
    for (k = 0; k < pbsc_policy_count(); k++) {
        pbsc_policy_info in;
        pbsc_policy_info_init(&in);
        ck_assert_int_eq(pbsc_policy_info_get(pbsc_policy_get(k), &in), PBSC_OK);
        if (strcmp(in.id, "forecast") == 0)
            break;
    }
    d = serial.r.point[k][4];
    ck_assert_str_eq(d[PBSC_MORNING].policy_id, "forecast");
    /* the morning after day 4's dose is its apheresis, as in the published engine; the
     * evening weighs the next dose */
    ck_assert_str_eq(d[PBSC_MORNING].rule, "collect.after_plerixafor");
    ck_assert(d[PBSC_EVENING].p_goal_without >= 0.0 && d[PBSC_EVENING].p_goal_without <= 1.0);
    pbsc_course_free(serial.course);
    for (i = 0; i < THREADS; i++)
        pbsc_course_free(par[i].course);
    pbsc_policy_free(pol);
    pbsc_model_free(model);
}
END_TEST

/* pbsc_simulate's own threads (4, sharing the population, the policies and the model) give
 * the serial run's results bit for bit; under -fsanitize=thread (.ci/run) this is also the
 * race check of its workers. */
START_TEST(simulate_threads_equal_serial)
{
    const pbsc_policy *pol[3];
    pbsc_population *pop;
    pbsc_sim_params prm;
    pbsc_sim_result one[3], four[3];
    int i;

    ck_assert_int_eq(pbsc_policy_find("mayo2013-p2", &pol[0], NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_policy_find("uk2018", &pol[1], NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_policy_find("forecast", &pol[2], NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_new(&pop, NULL), PBSC_OK);
    pbsc_sim_params_init(&prm);
    prm.patients = 200; /* 4 chunks of 64 and a last of 8 */
    for (i = 0; i < 3; i++) {
        pbsc_sim_result_init(&one[i]);
        pbsc_sim_result_init(&four[i]);
    }
    prm.threads = 1;
    ck_assert_int_eq(pbsc_simulate(pol, 3, NULL, pop, &prm, one, NULL), PBSC_OK);
    prm.threads = 4;
    ck_assert_int_eq(pbsc_simulate(pol, 3, NULL, pop, &prm, four, NULL), PBSC_OK);
    ck_assert(memcmp(one, four, sizeof one) == 0);
    ck_assert_uint_eq(one[2].patients, 200);
    pbsc_population_free(pop);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, parallel_equals_serial);
    tcase_add_test(tc, simulate_threads_equal_serial);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pbsc_test_run(suite());
}
