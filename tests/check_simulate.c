/* SPDX-License-Identifier: MIT */
/* Tests of the simulator (pbsc_simulate) and the incremental walk (pbsc_walk): outcomes a
 * hand calculation fixes, the invariants of the shares and their standard errors, the same
 * results whatever the thread count, the size-tagged result, and every error. */
#include <string.h>

#include "pbsc_test.h"

static pbsc_population *
population(void)
{
    pbsc_population *p = NULL;

    ck_assert_int_eq(pbsc_population_new(&p, NULL), PBSC_OK);
    return p;
}

static const pbsc_policy *
preset(const char *id)
{
    const pbsc_policy *p = NULL;

    ck_assert_int_eq(pbsc_policy_find(id, &p, NULL), PBSC_OK);
    return p;
}

static void
run(const pbsc_policy *const *pol, size_t n, const pbsc_population *pop, size_t patients,
    unsigned threads, pbsc_sim_result *out)
{
    pbsc_sim_params prm;
    pbsc_diag diag;
    size_t i;
    int rc;

    pbsc_sim_params_init(&prm);
    prm.patients = patients;
    prm.threads = threads;
    prm.seed = 11;
    for (i = 0; i < n; i++)
        pbsc_sim_result_init(&out[i]);
    rc = pbsc_simulate(pol, n, NULL, pop, &prm, out, &diag);
    ck_assert_msg(rc == PBSC_OK, "%s: %s", diag.field, diag.text);
}

/* Every policy: minimum + failure = 1, goal <= minimum, a share's SE sqrt(p (1 - p) / n),
 * every course ended one way; the same numbers on 1 thread and on 3 (bit for bit). */
START_TEST(invariants_and_threads)
{
    const pbsc_policy *pol[4];
    pbsc_population *pop = population();
    pbsc_sim_result one[4], three[4];
    size_t i, k, ends;

    pol[0] = preset("mayo2013-p2");
    pol[1] = preset("chen2012");
    pol[2] = preset("d5-2012");
    pol[3] = preset("donor-d5");
    run(pol, 4, pop, 700, 1, one);
    run(pol, 4, pop, 700, 3, three);
    ck_assert(memcmp(one, three, sizeof one) == 0);
    for (i = 0; i < 4; i++) {
        const pbsc_sim_result *r = &one[i];
        ck_assert_uint_eq(r->patients, 700);
        ck_assert_rel(r->minimum_reached + r->failure, 1.0, 1e-12);
        ck_assert(r->goal_reached <= r->minimum_reached);
        ck_assert_rel(r->failure_se + 1.0, 1.0 + sqrt(r->failure * (1 - r->failure) / 700),
                      1e-12);
        for (k = 0, ends = 0; k < PBSC_END_COUNT_; k++)
            ends += r->ends[k];
        ck_assert_uint_eq(ends, 700);
        ck_assert(r->decisions >= 700);
    }
    ck_assert_str_eq(one[0].policy_id, "mayo2013-p2");
    /* a donor policy on patients: outside its scope at the first point, nothing collected */
    ck_assert(one[3].outside_policy == 1.0 && one[3].failure == 1.0);
    ck_assert(one[3].outside_policy_se == 0.0 && one[3].aphereses_per_patient == 0.0);
    ck_assert(one[3].days == 1.0 && one[3].decisions == 700);
    pbsc_population_free(pop);
}
END_TEST

/* A population whose day-4 count is about 0.1/uL, with no trend or daily spread around the
 * G-CSF ratios: chen2012 defines nothing below 5/uL (outside policy on day 4, after days 1-3
 * waited: 4 mornings and 3 evenings); mayo2013-p1 gives plerixafor and fails: no one reaches
 * the minimum (0.2/uL x a fold of at most exp(ln 3.1 + 4 x 0.53) = 26 stays under 10/uL). */
START_TEST(hand_calculated_world)
{
    const pbsc_policy *pol[2];
    pbsc_population *pop = population();
    pbsc_sim_result r[2];

    ck_assert_int_eq(pbsc_population_set(pop, "day5_median", 0.2, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_set(pop, "day5_sigma", 0.05, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_set(pop, "patient_sigma", 0.0, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_set(pop, "day_sigma", 0.0, NULL), PBSC_OK);
    pol[0] = preset("chen2012");
    pol[1] = preset("mayo2013-p1");
    run(pol, 2, pop, 100, 2, r);
    ck_assert(r[0].outside_policy == 1.0 && r[0].ends[PBSC_END_OUTSIDE] == 100);
    ck_assert(r[0].days == 4.0 && r[0].days_se == 0.0);
    ck_assert_uint_eq(r[0].decisions, 100 * (4 + 3));
    ck_assert(r[0].plerixafor_share == 0.0 && r[0].collected == 0.0);
    ck_assert(r[1].failure == 1.0 && r[1].goal_reached == 0.0);
    ck_assert(r[1].plerixafor_share == 1.0);
    pbsc_population_free(pop);
}
END_TEST

/* Single-dose pegfilgrastim: G-CSF alone's trajectory times pegfilgrastim_factor. A
 * population at about 0.2/uL on day 5 (as above) under the pegfilgrastim preset (apheresis
 * when the count from day 5 is above 10/uL, until its last day): at factor 1 no one reaches
 * the minimum (a measured count above 10 only in the few whose own drift, u above the daily
 * fall of ln(128/107), lifts it by the last days); at factor 100 (about 20/uL on day 5,
 * measured 20 +/- 2.3: above 10 for all) every patient is collected from day 5, one
 * session at CE 0.4-0.5 of ~17 L giving about 2 x10^6/kg, so most reach the minimum. */
START_TEST(pegfilgrastim_world)
{
    const pbsc_policy *pol[1];
    pbsc_population *pop = population();
    pbsc_sim_params prm;
    pbsc_sim_result one, hundred;
    double f = NAN;

    ck_assert_int_eq(pbsc_population_get(pop, "pegfilgrastim_factor", &f, NULL), PBSC_OK);
    ck_assert(f == 1.0); /* the default: [interp], no source compares the level */
    ck_assert_int_eq(pbsc_population_set(pop, "day5_median", 0.2, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_set(pop, "day5_sigma", 0.05, NULL), PBSC_OK);
    pol[0] = preset("pegfilgrastim");
    pbsc_sim_params_init(&prm);
    prm.patients = 100;
    prm.regimen = PBSC_REGIMEN_PEGFILGRASTIM;
    pbsc_sim_result_init(&one);
    pbsc_sim_result_init(&hundred);
    ck_assert_int_eq(pbsc_simulate(pol, 1, NULL, pop, &prm, &one, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_set(pop, "pegfilgrastim_factor", 100.0, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_simulate(pol, 1, NULL, pop, &prm, &hundred, NULL), PBSC_OK);
    ck_assert(one.outside_policy == 0.0 && one.minimum_reached == 0.0);
    ck_assert(one.aphereses_per_patient < 0.2 && one.collected < 0.1 && one.days > 20.0);
    ck_assert(hundred.outside_policy == 0.0 && hundred.ends[PBSC_END_CUT] == 0);
    ck_assert(hundred.aphereses_per_patient >= 1.0 && hundred.minimum_reached > 0.5);
    ck_assert(hundred.collected > 1.0 && hundred.days < 10.0);
    /* the factor is pegfilgrastim's alone: G-CSF alone under a policy covering it is not
     * moved by it (chen2012: outside below 5/uL on day 4, as in hand_calculated_world) */
    pol[0] = preset("chen2012");
    prm.regimen = PBSC_REGIMEN_GCSF;
    ck_assert_int_eq(pbsc_simulate(pol, 1, NULL, pop, &prm, &hundred, NULL), PBSC_OK);
    ck_assert(hundred.outside_policy == 1.0 && hundred.collected == 0.0);
    ck_assert_int_eq(pbsc_population_set(pop, "pegfilgrastim_factor", 0.009, NULL),
                     PBSC_E_RANGE);
    ck_assert_int_eq(pbsc_population_set(pop, "pegfilgrastim_factor", 100.1, NULL),
                     PBSC_E_RANGE);
    pbsc_population_free(pop);
}
END_TEST

/* The same patients and the same trajectory: a policy covering G-CSF alone and pegfilgrastim
 * gives the same results under both at pegfilgrastim_factor 1 (day 1 the first dose, day 4
 * the first counted day under both), and more goals at factor 2. */
START_TEST(pegfilgrastim_as_gcsf)
{
    static const char text[] = "id = peg-or-gcsf\nversion = 1\nsource = a test\n"
                               "regimens = gcsf, pegfilgrastim\nassess_day = 5\n"
                               "collect_day = 5\ncollect_above = 10\n"
                               "max_plerixafor_doses = 0\n";
    pbsc_policy *site = NULL;
    const pbsc_policy *pol[1];
    pbsc_population *pop = population();
    pbsc_sim_params prm;
    pbsc_sim_result g, p, p2;
    pbsc_diag diag;

    ck_assert_msg(pbsc_policy_parse(text, sizeof text - 1, &site, &diag) == PBSC_OK, "%s: %s",
                  diag.field, diag.text);
    pol[0] = site;
    pbsc_sim_params_init(&prm);
    prm.patients = 300;
    pbsc_sim_result_init(&g);
    pbsc_sim_result_init(&p);
    pbsc_sim_result_init(&p2);
    ck_assert_int_eq(pbsc_simulate(pol, 1, NULL, pop, &prm, &g, NULL), PBSC_OK);
    prm.regimen = PBSC_REGIMEN_PEGFILGRASTIM;
    ck_assert_int_eq(pbsc_simulate(pol, 1, NULL, pop, &prm, &p, NULL), PBSC_OK);
    ck_assert(memcmp(&g, &p, sizeof g) == 0);
    ck_assert(g.outside_policy == 0.0 && g.goal_reached > 0.0);
    ck_assert_int_eq(pbsc_population_set(pop, "pegfilgrastim_factor", 2.0, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_simulate(pol, 1, NULL, pop, &prm, &p2, NULL), PBSC_OK);
    ck_assert(p2.goal_reached > p.goal_reached);
    ck_assert(p2.collected > p.collected);
    pbsc_policy_free(site);
    pbsc_population_free(pop);
}
END_TEST

/* The diagnosis and the planned transplants, every virtual person's. A population whose
 * day-4 count is 15/uL for all: day5_median 15 x 128/60.7, no daily or patient spread,
 * day5_sigma 0.05 (15 x exp(+/-0.15) at 3 SD), 10^7 events (100 uL stained: 1,500 events,
 * measured +/- 0.4/uL). mayo2013-p2 gives plerixafor on day 4 below 10/uL, below 20 for two
 * transplants: for 2 planned every patient is given it; not given, the goal of 5 means one
 * transplant (pbsc_course_new(3)) and no one is on day 4 (some are later, as salvage). d5-20-2022's source covers MM and
 * AL: an NHL patient is outside it at the first point, an MM patient is not. */
START_TEST(diagnosis_and_transplants)
{
    const pbsc_policy *pol[2];
    pbsc_population *pop = population();
    pbsc_sim_params prm;
    pbsc_sim_result none[2], two[2], nhl[2], mm[2];
    size_t i;

    ck_assert_int_eq(pbsc_population_set(pop, "day5_median", 15.0 * 128.0 / 60.7, NULL),
                     PBSC_OK);
    ck_assert_int_eq(pbsc_population_set(pop, "day5_sigma", 0.05, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_set(pop, "patient_sigma", 0.0, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_set(pop, "day_sigma", 0.0, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_set(pop, "events", 1e7, NULL), PBSC_OK);
    pol[0] = preset("mayo2013-p2");
    pol[1] = preset("d5-20-2022");
    pbsc_sim_params_init(&prm);
    ck_assert(prm.diagnosis == PBSC_DX_UNKNOWN && prm.transplants == 0); /* not given */
    prm.patients = 100;
    for (i = 0; i < 2; i++) {
        pbsc_sim_result_init(&none[i]);
        pbsc_sim_result_init(&two[i]);
        pbsc_sim_result_init(&nhl[i]);
        pbsc_sim_result_init(&mm[i]);
    }
    ck_assert_int_eq(pbsc_simulate(pol, 2, NULL, pop, &prm, none, NULL), PBSC_OK);
    prm.transplants = 2;
    ck_assert_int_eq(pbsc_simulate(pol, 2, NULL, pop, &prm, two, NULL), PBSC_OK);
    prm.transplants = 0;
    prm.diagnosis = PBSC_DX_NHL;
    ck_assert_int_eq(pbsc_simulate(pol, 2, NULL, pop, &prm, nhl, NULL), PBSC_OK);
    prm.diagnosis = PBSC_DX_MYELOMA;
    ck_assert_int_eq(pbsc_simulate(pol, 2, NULL, pop, &prm, mm, NULL), PBSC_OK);
    ck_assert(none[0].plerixafor_share < 0.5); /* later salvage only (0.23 here) */
    ck_assert(two[0].plerixafor_share == 1.0);
    /* not given, the diagnosis-scoped preset runs (with a warning); NHL outside; MM runs */
    ck_assert(none[1].outside_policy == 0.0);
    ck_assert(nhl[1].outside_policy == 1.0 && nhl[1].days == 1.0);
    ck_assert(mm[1].outside_policy == 0.0);
    ck_assert(memcmp(&mm[1], &none[1], sizeof mm[1]) == 0); /* in scope: the same courses */
    ck_assert(memcmp(&nhl[0], &none[0], sizeof nhl[0]) == 0); /* mayo2013-p2: any */
    /* a caller compiled against the 1.0 params: the appended fields are not read */
    prm.diagnosis = PBSC_DX_NHL;
    prm.transplants = 7;
    prm.size = offsetof(pbsc_sim_params, diagnosis);
    ck_assert_int_eq(pbsc_simulate(pol, 2, NULL, pop, &prm, nhl, NULL), PBSC_OK);
    ck_assert(memcmp(nhl, none, sizeof none) == 0);
    pbsc_population_free(pop);
}
END_TEST

/* A caller compiled against the 1.0 result: only the bytes its size covers are written. */
START_TEST(size_tagged_result)
{
    const pbsc_policy *pol[1];
    pbsc_population *pop = population();
    pbsc_sim_params prm;
    unsigned char buf[2 * sizeof(pbsc_sim_result)];
    pbsc_sim_result *r = (pbsc_sim_result *)(void *)buf, full;
    size_t small = offsetof(pbsc_sim_result, decisions) + sizeof(size_t);

    pol[0] = preset("chen2012");
    memset(buf, 0xA5, sizeof buf);
    pbsc_sim_result_init_sized(r, small);
    ck_assert_uint_eq(r->size, small);
    pbsc_sim_params_init(&prm);
    ck_assert(prm.patients == 1000 && prm.threads == 1 && prm.goal == 5 && prm.minimum == 2);
    prm.patients = 50;
    ck_assert_int_eq(pbsc_simulate(pol, 1, NULL, pop, &prm, r, NULL), PBSC_OK);
    ck_assert_uint_eq(r->patients, 50);
    ck_assert_uint_eq(buf[small], 0xA5);
    pbsc_sim_result_init(&full);
    ck_assert_int_eq(pbsc_simulate(pol, 1, NULL, pop, &prm, &full, NULL), PBSC_OK);
    ck_assert(full.goal_reached == r->goal_reached);
    pbsc_population_free(pop);
}
END_TEST

START_TEST(simulate_errors)
{
    const pbsc_policy *pol[2];
    pbsc_population *pop = population();
    pbsc_sim_params prm;
    pbsc_sim_result r[2];
    pbsc_diag diag;

    pol[0] = preset("chen2012");
    pol[1] = NULL;
    pbsc_sim_params_init(&prm);
    prm.patients = 5;
    pbsc_sim_result_init(&r[0]);
    ck_assert_fails(pbsc_simulate(NULL, 1, NULL, pop, &prm, r, &diag), PBSC_E_INVAL, "policies");
    ck_assert_fails(pbsc_simulate(pol, 1, NULL, NULL, &prm, r, &diag), PBSC_E_INVAL,
                    "population");
    ck_assert_fails(pbsc_simulate(pol, 1, NULL, pop, NULL, r, &diag), PBSC_E_INVAL, "params");
    ck_assert_fails(pbsc_simulate(pol, 1, NULL, pop, &prm, NULL, &diag), PBSC_E_INVAL,
                    "results");
    ck_assert_fails(pbsc_simulate(pol, 0, NULL, pop, &prm, r, &diag), PBSC_E_INVAL, "count");
    ck_assert_fails(pbsc_simulate(pol, 2, NULL, pop, &prm, r, &diag), PBSC_E_INVAL, "policies");
    r[0].size = 8;
    ck_assert_fails(pbsc_simulate(pol, 1, NULL, pop, &prm, r, &diag), PBSC_E_INVAL, "results");
    pbsc_sim_result_init(&r[0]);
    prm.size = 8;
    ck_assert_fails(pbsc_simulate(pol, 1, NULL, pop, &prm, r, &diag), PBSC_E_INVAL, "params");
    pbsc_sim_params_init(&prm);
    prm.patients = 0;
    ck_assert_fails(pbsc_simulate(pol, 1, NULL, pop, &prm, r, &diag), PBSC_E_RANGE, "patients");
    prm.patients = 5;
    prm.threads = 0;
    ck_assert_fails(pbsc_simulate(pol, 1, NULL, pop, &prm, r, &diag), PBSC_E_RANGE, "threads");
    prm.threads = 65;
    ck_assert_fails(pbsc_simulate(pol, 1, NULL, pop, &prm, r, &diag), PBSC_E_RANGE, "threads");
    prm.threads = 64;
    prm.regimen = (pbsc_regimen)(PBSC_REGIMEN_PEGFILGRASTIM + 1); /* the first past the last */
    ck_assert_fails(pbsc_simulate(pol, 1, NULL, pop, &prm, r, &diag), PBSC_E_INVAL, "regimen");
    prm.regimen = PBSC_REGIMEN_GCSF;
    prm.diagnosis = PBSC_DX_COUNT;
    ck_assert_fails(pbsc_simulate(pol, 1, NULL, pop, &prm, r, &diag), PBSC_E_INVAL, "diagnosis");
    prm.diagnosis = (pbsc_diagnosis)-1;
    ck_assert_fails(pbsc_simulate(pol, 1, NULL, pop, &prm, r, &diag), PBSC_E_INVAL, "diagnosis");
    prm.diagnosis = PBSC_DX_OTHER;
    prm.transplants = 3;
    ck_assert_fails(pbsc_simulate(pol, 1, NULL, pop, &prm, r, &diag), PBSC_E_RANGE,
                    "transplants");
    prm.transplants = -1;
    ck_assert_fails(pbsc_simulate(pol, 1, NULL, pop, &prm, r, &diag), PBSC_E_RANGE,
                    "transplants");
    prm.transplants = 2;
    prm.goal = 2.0; /* the course refuses a minimum above the goal, for the first patient */
    prm.minimum = 5.0;
    ck_assert_fails(pbsc_simulate(pol, 1, NULL, pop, &prm, r, &diag), PBSC_E_CONFLICT,
                    "minimum");
    ck_assert_str_eq(pbsc_end_name(PBSC_END_GOAL), "stop-goal");
    ck_assert_str_eq(pbsc_end_name(PBSC_END_CUT), "cut");
    ck_assert_str_eq(pbsc_end_name(PBSC_END_COUNT_), "unknown-end");
    pbsc_population_free(pop);
}
END_TEST

/* The walk on a course that grows a day at a time: each point as pbsc_decide says it; a
 * point asked twice, or before the last, is PBSC_E_ORDER; every error. */
START_TEST(walk_errors_and_order)
{
    pbsc_person pe = pbsc_test_person(70.0, 90.0);
    const pbsc_policy *p = preset("mayo2013-p2");
    pbsc_decision d = pbsc_test_decision(), ref = pbsc_test_decision();
    pbsc_course *c = NULL;
    pbsc_walk *w = NULL;
    pbsc_diag diag;
    long day;

    ck_assert_int_eq(pbsc_course_new(&pe, PBSC_REGIMEN_GCSF, 5, 2, &c, NULL), PBSC_OK);
    ck_assert_fails(pbsc_walk_new(NULL, p, NULL, &w, &diag), PBSC_E_INVAL, "course");
    ck_assert_fails(pbsc_walk_new(c, NULL, NULL, &w, &diag), PBSC_E_INVAL, "policy");
    ck_assert_fails(pbsc_walk_new(c, p, NULL, NULL, &diag), PBSC_E_INVAL, "walk");
    ck_assert_int_eq(pbsc_walk_new(c, p, NULL, &w, NULL), PBSC_OK);
    ck_assert_fails(pbsc_walk_next(w, 1, PBSC_MORNING, &d, &diag), PBSC_E_NODATA, "day");
    for (day = 1; day <= 4; day++) {
        pbsc_test_set(c, day, PBSC_Q_CD34_UL, day == 4 ? 30.0 : NA);
        ck_assert_int_eq(pbsc_walk_next(w, day, PBSC_MORNING, &d, NULL), PBSC_OK);
        ck_assert_int_eq(pbsc_decide(c, p, NULL, day, PBSC_MORNING, &ref, NULL), PBSC_OK);
        ck_assert(memcmp(&d, &ref, sizeof d) == 0);
    }
    ck_assert_fails(pbsc_walk_next(w, 4, PBSC_MORNING, &d, &diag), PBSC_E_ORDER, "day");
    ck_assert_fails(pbsc_walk_next(w, 3, PBSC_EVENING, &d, &diag), PBSC_E_ORDER, "day");
    ck_assert_int_eq(pbsc_walk_next(w, 4, PBSC_EVENING, &d, NULL), PBSC_OK);
    ck_assert_fails(pbsc_walk_next(w, 4, PBSC_EVENING, &d, &diag), PBSC_E_ORDER, "day");
    ck_assert_fails(pbsc_walk_next(NULL, 4, PBSC_EVENING, &d, &diag), PBSC_E_INVAL, "walk");
    ck_assert_fails(pbsc_walk_next(w, 4, PBSC_EVENING, NULL, &diag), PBSC_E_INVAL, "decision");
    ck_assert_fails(pbsc_walk_next(w, 4, (pbsc_moment)5, &d, &diag), PBSC_E_INVAL, "moment");
    d.size = 4;
    ck_assert_fails(pbsc_walk_next(w, 4, PBSC_EVENING, &d, &diag), PBSC_E_INVAL, "decision");
    /* days 5 and 6 at once: day 5's morning is decided on the way */
    d = pbsc_test_decision();
    pbsc_test_set(c, 5, PBSC_Q_CD34_UL, 40.0);
    pbsc_test_set(c, 6, PBSC_Q_CD34_UL, 30.0);
    ck_assert_int_eq(pbsc_walk_next(w, 6, PBSC_MORNING, &d, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_decide(c, p, NULL, 6, PBSC_MORNING, &ref, NULL), PBSC_OK);
    ck_assert(memcmp(&d, &ref, sizeof d) == 0);
    pbsc_walk_free(w);
    pbsc_walk_free(NULL);
    pbsc_course_free(c);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("simulate");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, invariants_and_threads);
    tcase_add_test(tc, hand_calculated_world);
    tcase_add_test(tc, pegfilgrastim_world);
    tcase_add_test(tc, pegfilgrastim_as_gcsf);
    tcase_add_test(tc, diagnosis_and_transplants);
    tcase_add_test(tc, size_tagged_result);
    tcase_add_test(tc, simulate_errors);
    tcase_add_test(tc, walk_errors_and_order);
    suite_add_tcase(s, tc);
    return pbsc_test_run(s);
}
