/* SPDX-License-Identifier: MIT */
/* Threads: 8 threads deciding on shared const presets (and one shared parsed policy and model)
 * with per-thread courses give results bit-identical to a serial run. .ci/run also runs this
 * suite under -fsanitize=thread. */
#include <pthread.h>
#include <string.h>

#include "pbsc_test.h"

#define THREADS 8
#define MAXDAYS 12
#define MAXPOL 12

/* A poor mobilizer rescued by plerixafor, then two harvests: many rules fire on the way. */
static const double rows[][6] = {
    /* day, cd34, wbc, plerixafor_mg, processed_l, collected */
    {1, NAN, 6.1, NAN, NAN, NAN},    {2, NAN, 14.0, NAN, NAN, NAN},
    {3, NAN, 22.0, NAN, NAN, NAN},   {4, 8.0, 28.0, 17.3, NAN, NAN},
    {5, 31.0, 35.0, NAN, 15.0, 2.2}, {6, 24.0, 33.0, NAN, 15.0, 1.6},
    {7, 18.0, 30.0, NAN, 15.0, 0.4}, {8, 15.0, 29.0, NAN, NAN, NAN},
};
#define NROWS (sizeof rows / sizeof rows[0])

struct result {
    pbsc_decision d[MAXPOL][MAXDAYS];
    pbsc_success s;
    int rc;
};

static const pbsc_policy *site_policy; /* parsed once, shared read-only */
static const pbsc_model *site_model;   /* shared read-only */

static pbsc_course *
build(void)
{
    pbsc_person p;
    pbsc_course *c;
    size_t i;

    pbsc_person_init(&p);
    p.weight_kg = 72.0;
    if (pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &c, NULL) != PBSC_OK)
        return NULL;
    for (i = 0; i < NROWS; i++) {
        pbsc_day d;
        pbsc_day_init(&d);
        d.day = (long)rows[i][0];
        d.cd34 = rows[i][1];
        d.wbc = rows[i][2];
        d.plerixafor_mg = rows[i][3];
        d.processed_l = rows[i][4];
        d.collected = rows[i][5];
        if (pbsc_course_add(c, &d, NULL) != PBSC_OK) {
            pbsc_course_free(c);
            return NULL;
        }
    }
    return c;
}

/* Everything one thread does; also the serial reference. */
static void *
work(void *arg)
{
    struct result *r = arg;
    pbsc_course *c = build();
    pbsc_success_params sp;
    size_t i, k;

    memset(r, 0, sizeof *r);
    r->rc = c == NULL ? -1 : PBSC_OK;
    for (k = 0; c != NULL && k <= pbsc_policy_count() && r->rc == PBSC_OK; k++) {
        const pbsc_policy *p = k < pbsc_policy_count() ? pbsc_policy_get(k) : site_policy;
        for (i = 0; i < NROWS && r->rc == PBSC_OK; i++)
            r->rc = pbsc_decide_model(c, p, site_model, (long)rows[i][0], &r->d[k][i], NULL);
    }
    pbsc_success_params_init(&sp);
    sp.draws = 2000;
    if (r->rc == PBSC_OK)
        r->rc = pbsc_success_estimate(c, site_model, 4, PBSC_OPTION_PLERIXAFOR, &sp, &r->s, NULL);
    pbsc_course_free(c);
    return NULL;
}

START_TEST(parallel_equals_serial)
{
    static struct result serial, par[THREADS];
    pthread_t t[THREADS];
    pbsc_policy *pol;
    pbsc_model *model;
    const char *text = "id = site\nversion = 1\nsource = SOP\nregimens = gcsf\n"
                       "assess_day = 4\ncollect_day = 5\nplerixafor_below = 12\n"
                       "y1_salvage_below = 1.5\nyd_salvage_below = 0.5\n";
    int i;

    ck_assert(pbsc_policy_count() + 1 <= MAXPOL);
    ck_assert_int_eq(pbsc_policy_parse(text, strlen(text), &pol, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_model_new(&model, NULL), PBSC_OK);
    site_policy = pol;
    site_model = model;
    work(&serial);
    ck_assert_int_eq(serial.rc, PBSC_OK);
    for (i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &par[i]), 0);
    for (i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    for (i = 0; i < THREADS; i++) {
        ck_assert_int_eq(par[i].rc, PBSC_OK);
        ck_assert_msg(memcmp(&par[i], &serial, sizeof serial) == 0,
                      "thread %d differs from the serial run", i);
    }
    /* the run is not trivial: several distinct actions were decided */
    ck_assert_int_eq(serial.d[2][3].action, PBSC_ACTION_PLERIXAFOR); /* mayo2013-p2, day 4 */
    ck_assert_int_eq(serial.d[2][4].action, PBSC_ACTION_COLLECT);
    ck_assert(serial.s.p_goal > 0.0 && serial.s.p_goal < 1.0);
    pbsc_policy_free(pol);
    pbsc_model_free(model);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, parallel_equals_serial);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pbsc_test_run(suite());
}
