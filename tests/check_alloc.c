/* SPDX-License-Identifier: MIT */
/* Allocation failure: every allocating function, failed at each of its allocations in turn,
 * returns PBSC_E_NOMEM, leaves its outputs untouched and leaks nothing. The test interposes
 * malloc/calloc/realloc/free (glibc only) and keeps its own count of live blocks, so it needs
 * neither valgrind nor a sanitizer (and is skipped under them: they own malloc). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pbsc_test.h"

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define INTERPOSE 1
#endif

#ifdef INTERPOSE
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
void *malloc(size_t n);
void *calloc(size_t n, size_t m);
void *realloc(void *p, size_t n);
void free(void *p);

static long fail_at = -1; /* the allocation (0-based) to fail while armed, or -1 */
static long calls;        /* allocations while armed */
static long live;         /* blocks allocated and not freed while armed */
static int armed;

/* A failing allocation sets errno to ENOMEM, as the C library's does. */
static int
fail_now(void)
{
    if (!armed || calls++ != fail_at)
        return 0;
    errno = ENOMEM;
    return 1;
}

void *
malloc(size_t n)
{
    void *p = fail_now() ? NULL : __libc_malloc(n);
    if (armed && p != NULL)
        live++;
    return p;
}

void *
calloc(size_t n, size_t m)
{
    void *p = fail_now() ? NULL : __libc_calloc(n, m);
    if (armed && p != NULL)
        live++;
    return p;
}

void *
realloc(void *p, size_t n)
{
    void *q;

    if (fail_now())
        return NULL; /* the old block stays valid, as C says */
    q = __libc_realloc(p, n);
    if (armed && p == NULL && q != NULL)
        live++;
    return q;
}

void
free(void *p)
{
    if (armed && p != NULL)
        live--;
    __libc_free(p);
}

static void
arm(long k)
{
    fail_at = k;
    calls = 0;
    live = 0;
    armed = 1;
}

static void
disarm(void)
{
    armed = 0;
}

/* Set by a test of a function that calls jansson: jansson 2.14 may parse on past a failed
 * allocation with a byte of a string lost, and the record reader then fails on what it
 * read (a key the policy text does not have) or replays a different decision: any failure
 * is accepted, still with nothing leaked and the outputs untouched. */
static int any_status;

/* Runs op with its k-th allocation failing, for k = 0, 1, ... until op no longer allocates
 * that many times; each failure must be PBSC_E_NOMEM with no block left behind (or a success,
 * when the C library itself absorbs the failure), and undo() releases what a success made.
 * Returns how many allocations op made. */
static long
each_failure(int (*op)(void *), void (*undo)(void *), void *ctx)
{
    long k;

    /* The C library's own one-time caches (strerror's message catalogue under a non-C
     * locale: 24 blocks, kept for the process) are filled before counting. */
    (void)strerror(ENOMEM);
    for (k = 0;; k++) {
        pbsc_diag diag;
        int rc;

        pbsc_diag_clear(&diag);
        arm(k);
        rc = op(ctx);
        disarm();
        if (calls <= k) { /* fewer than k+1 allocations: nothing failed */
            ck_assert_int_eq(rc, PBSC_OK);
            undo(ctx);
            return k;
        }
        if (rc == PBSC_OK) { /* the C library absorbed it (stdio falls back to no buffer) */
            undo(ctx);
            continue;
        }
        ck_assert_msg(rc == PBSC_E_NOMEM || (any_status && rc > 0),
                      "allocation %ld failed: status %d (%s)", k, rc, pbsc_strerror(rc));
        ck_assert_msg(live == 0, "allocation %ld failed: %ld block(s) leaked", k, live);
    }
}

/* ---- the operations --------------------------------------------------------------------- */

struct ctx {
    pbsc_course *course;
    pbsc_policy *policy;
    pbsc_model *model;
    pbsc_history *history;
    pbsc_population *population;
    pbsc_walk *walk;
    const char *path;
    const char *text; /* op_record_*: a decision record */
    int ndays;
    int backwards; /* op_course_grow: set the days from the last to the first */
};

/* An output no failing call may write over. */
static char sentinel;
#define UNTOUCHED ((void *)&sentinel)

static int
op_course_new(void *v)
{
    struct ctx *x = v;
    pbsc_person p = pbsc_test_person(70.0, NAN);
    int rc;

    x->course = UNTOUCHED;
    rc = pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &x->course, NULL);
    if (rc != PBSC_OK) {
        if (x->course != UNTOUCHED)
            rc = -1; /* the output was written: each_failure reports it */
        x->course = NULL;
    }
    return rc;
}

static void
undo_course(void *v)
{
    struct ctx *x = v;
    pbsc_course_free(x->course);
    x->course = NULL;
}

/* Grows a course to ndays rows by pbsc_course_set (the growth reallocations fail in turn). */
static int
op_course_grow(void *v)
{
    struct ctx *x = v;
    int i, rc = op_course_new(v);

    for (i = 1; rc == PBSC_OK && i <= x->ndays; i++) {
        long day = x->backwards ? x->ndays + 1 - i : i;
        if ((rc = pbsc_course_set(x->course, day, PBSC_Q_CD34_UL, 10.0 + (double)day, NULL)) ==
            PBSC_OK)
            rc = pbsc_course_set(x->course, day, PBSC_Q_WBC, 20.0, NULL); /* an amendment */
        if (rc != PBSC_OK) {
            /* a failed set leaves the course as it was: its rows are all still there (checked
             * without an assertion: Check allocates on every assertion) */
            size_t k, n = pbsc_course_length(x->course);
            if (n != (size_t)(i - 1))
                rc = -2;
            for (k = 0; k < n; k++) {
                double cd34 = 0.0;
                long d = pbsc_course_day(x->course, k);
                if (pbsc_course_get(x->course, d, PBSC_Q_CD34_UL, &cd34, NULL) != PBSC_OK ||
                    cd34 != 10.0 + (double)d)
                    rc = -2;
            }
            pbsc_course_free(x->course);
            x->course = NULL;
        }
    }
    if (rc != PBSC_OK && x->course != NULL) {
        pbsc_course_free(x->course);
        x->course = NULL;
    }
    return rc;
}

static const char policy_text[] = "id = site\nversion = 1\nsource = SOP\nregimens = gcsf\n"
                                  "assess_day = 4\ncollect_day = 5\nplerixafor_below = 12\n";

static int
op_policy_parse(void *v)
{
    struct ctx *x = v;
    x->policy = NULL;
    return pbsc_policy_parse(policy_text, strlen(policy_text), &x->policy, NULL);
}

static int
op_policy_read(void *v)
{
    struct ctx *x = v;
    x->policy = NULL;
    return pbsc_policy_read(x->path, &x->policy, NULL);
}

static void
undo_policy(void *v)
{
    struct ctx *x = v;
    pbsc_policy_free(x->policy);
    x->policy = NULL;
}

static int
op_model_new(void *v)
{
    struct ctx *x = v;
    x->model = NULL;
    return pbsc_model_new(&x->model, NULL);
}

static int
op_model_parse(void *v)
{
    static const char text[] = "pbsc-model = 1\nce_median = 0.5\nrisk = intercept -1 0 1\n";
    struct ctx *x = v;
    x->model = NULL;
    return pbsc_model_parse(text, strlen(text), &x->model, NULL);
}

static int
op_model_read(void *v)
{
    struct ctx *x = v;
    x->model = NULL;
    return pbsc_model_read(x->path, &x->model, NULL);
}

/* A CE preset as a model: the model is the one allocation. */
static int
op_model_from_ce(void *v)
{
    struct ctx *x = v;
    int rc;

    x->model = UNTOUCHED;
    rc = pbsc_model_from_ce(pbsc_ce_get(1), &x->model, NULL); /* a preset, not the default */
    if (rc != PBSC_OK) {
        if (x->model != UNTOUCHED)
            rc = -1; /* the output was written: each_failure reports it */
        x->model = NULL;
    }
    return rc;
}

static void
undo_model(void *v)
{
    struct ctx *x = v;
    pbsc_model_free(x->model);
    x->model = NULL;
}

/* A history grown to ndays rows with 2 covariates (both arrays reallocate). */
static int
op_history_grow(void *v)
{
    static const char *const names[] = {"age", "prior_lines"};
    struct ctx *x = v;
    int i, rc;

    x->history = NULL;
    rc = pbsc_history_new(names, 2, &x->history, NULL);
    for (i = 0; rc == PBSC_OK && i < x->ndays; i++) {
        pbsc_history_row r;
        const double cov[2] = {50.0 + i % 20, (double)(i % 4)};
        pbsc_history_row_init(&r);
        r.cd34 = 20.0;
        r.processed_l = 15.0;
        r.weight_kg = 70.0;
        r.collected = 2.0;
        rc = pbsc_history_add(x->history, &r, cov, NULL);
        if (rc != PBSC_OK)
            ck_assert_uint_eq(pbsc_history_length(x->history), (size_t)i);
    }
    if (rc != PBSC_OK) {
        pbsc_history_free(x->history);
        x->history = NULL;
    }
    return rc;
}

/* A fit on a history built beforehand (not armed): its own allocations fail in turn. */
static int
op_calibrate(void *v)
{
    struct ctx *x = v;
    pbsc_fit_report report;

    x->model = NULL;
    return pbsc_calibrate(x->history, &x->model, &report, NULL);
}

/* The population fit on a history and population built beforehand (not armed): its work
 * arrays fail in turn, and a failure leaves the population as it was. */
static int
op_popfit(void *v)
{
    struct ctx *x = v;
    pbsc_population_fit fit;

    pbsc_population_fit_init(&fit);
    return pbsc_population_calibrate(x->history, x->population, &fit, NULL);
}

static void
undo_history(void *v)
{
    struct ctx *x = v;
    pbsc_history_free(x->history);
    x->history = NULL;
}

/* Writes text to a temporary file (before arming: the test's own I/O never fails). */
static const char *
temp_file(char *path, const char *text)
{
    FILE *fp;

    snprintf(path, 64, "/tmp/pbsc-check-alloc-%ld.txt", (long)getpid());
    fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

/* ---- the population, the walk, the simulator ------------------------------------------- */

static int
op_population_new(void *v)
{
    struct ctx *x = v;
    x->population = NULL;
    return pbsc_population_new(&x->population, NULL);
}

static int
op_population_parse(void *v)
{
    static const char text[] = "pbsc-population = 1\nid = unit\nday5_median = 30\n";
    struct ctx *x = v;
    x->population = NULL;
    return pbsc_population_parse(text, strlen(text), &x->population, NULL);
}

static void
undo_population(void *v)
{
    struct ctx *x = v;
    pbsc_population_free(x->population);
    x->population = NULL;
}

/* On a course and a policy made beforehand (not armed). */
static int
op_walk_new(void *v)
{
    struct ctx *x = v;
    x->walk = NULL;
    return pbsc_walk_new(x->course, x->policy, NULL, &x->walk, NULL);
}

static void
undo_walk(void *v)
{
    struct ctx *x = v;
    pbsc_walk_free(x->walk);
    x->walk = NULL;
}

/* On a population made beforehand: the natural history's session arrays. */
static int
op_natural(void *v)
{
    struct ctx *x = v;
    pbsc_natural n;

    pbsc_natural_init(&n);
    return pbsc_population_natural(x->population, 50, 1, &n, NULL);
}

/* 5 patients under one preset on the calling thread: the chunk sums, then each course. */
static int
op_simulate(void *v)
{
    struct ctx *x = v;
    const pbsc_policy *p = NULL;
    pbsc_sim_params prm;
    pbsc_sim_result r;

    if (pbsc_policy_find("mayo2013-p2", &p, NULL) != PBSC_OK)
        return -1;
    pbsc_sim_params_init(&prm);
    prm.patients = 5;
    pbsc_sim_result_init(&r);
    return pbsc_simulate(&p, 1, NULL, x->population, &prm, &r, NULL);
}

/* A decision record read back: jansson's tree, the course, the policy, the model. */
static int
op_record_read(void *v)
{
    struct ctx *x = v;
    pbsc_decision d = pbsc_test_decision();
    int rc;

    x->course = UNTOUCHED;
    rc = pbsc_record_read(x->text, strlen(x->text), &x->course, &x->policy, &x->model, &d, NULL);
    if (rc != PBSC_OK) {
        if (x->course != UNTOUCHED)
            rc = -1; /* the output was written: each_failure reports it */
        x->course = NULL;
        x->policy = NULL;
        x->model = NULL;
    }
    return rc;
}

static void
undo_record(void *v)
{
    struct ctx *x = v;
    pbsc_course_free(x->course);
    pbsc_policy_free(x->policy);
    pbsc_model_free(x->model);
}

/* A replay: what it allocates it frees, and a failure leaves the check untouched. */
static int
op_record_replay(void *v)
{
    struct ctx *x = v;
    pbsc_record_check check, before;
    int rc;

    pbsc_record_check_init(&check);
    before = check;
    rc = pbsc_record_replay(x->text, strlen(x->text), &check, NULL);
    if (rc != PBSC_OK && memcmp(&check, &before, sizeof check) != 0)
        rc = -1;
    /* a different decision only when jansson lost a byte (any_status) */
    return rc == PBSC_OK && !check.same ? PBSC_E_CONFLICT : rc;
}

static void
undo_nothing(void *v)
{
    (void)v;
}

START_TEST(population_walk_simulate)
{
    struct ctx x = {0};

    ck_assert_int_eq(each_failure(op_population_new, undo_population, &x), 1);
    ck_assert_int_eq(each_failure(op_population_parse, undo_population, &x), 1);
    ck_assert_int_eq(op_course_new(&x), PBSC_OK);
    ck_assert_int_eq(op_policy_parse(&x), PBSC_OK);
    ck_assert_int_eq(each_failure(op_walk_new, undo_walk, &x), 1);
    undo_course(&x);
    undo_policy(&x);
    ck_assert_int_eq(op_population_new(&x), PBSC_OK);
    ck_assert_int_eq(each_failure(op_natural, undo_nothing, &x), 4);
    /* the chunks, then for each of 5 patients its course and the course's rows */
    ck_assert(each_failure(op_simulate, undo_nothing, &x) >= 1 + 5 * 2);
    undo_population(&x);
}
END_TEST

START_TEST(course)
{
    struct ctx x = {0};

    ck_assert_int_eq(each_failure(op_course_new, undo_course, &x), 1);
    x.ndays = 100; /* 16 -> 32 -> 64 -> 128 rows: 1 + 4 allocations */
    ck_assert_int_eq(each_failure(op_course_grow, undo_course, &x), 5);
    x.backwards = 1; /* each day in front of the others: the same growth */
    ck_assert_int_eq(each_failure(op_course_grow, undo_course, &x), 5);
}
END_TEST

/* Amending a day, reading it, and the course's accessors allocate nothing. */
START_TEST(course_amend_allocates_nothing)
{
    struct ctx x = {0};
    pbsc_person p;
    double v = 0.0;
    int rc;

    x.ndays = 16; /* exactly the first block's rows */
    ck_assert_int_eq(op_course_grow(&x), PBSC_OK);
    pbsc_person_init(&p);
    arm(0);
    rc = pbsc_course_set(x.course, 7, PBSC_Q_CD34_UL, 33.0, NULL);
    rc |= pbsc_course_set(x.course, 7, PBSC_Q_WBC, NAN, NULL);
    rc |= pbsc_course_get(x.course, 7, PBSC_Q_CD34_UL, &v, NULL);
    rc |= pbsc_course_person(x.course, &p);
    disarm();
    ck_assert_int_eq(rc, PBSC_OK);
    ck_assert_int_eq(calls, 0);
    ck_assert(v == 33.0 && p.weight_kg == 70.0);
    /* the 17th row needs the next block: its allocation failing is PBSC_E_NOMEM, the course
     * unchanged */
    arm(0);
    rc = pbsc_course_set(x.course, 17, PBSC_Q_CD34_UL, 27.0, NULL);
    disarm();
    ck_assert_int_eq(rc, PBSC_E_NOMEM);
    ck_assert_int_eq(calls, 1);
    ck_assert_uint_eq(pbsc_course_length(x.course), 16);
    ck_assert_int_eq(pbsc_course_get(x.course, 17, PBSC_Q_CD34_UL, &v, NULL), PBSC_E_NODATA);
    undo_course(&x);
}
END_TEST

START_TEST(policy)
{
    struct ctx x = {0};
    char path[64];

    ck_assert_int_eq(each_failure(op_policy_parse, undo_policy, &x), 1);
    x.path = temp_file(path, policy_text);
    /* the file buffer and the policy; fopen's own buffer comes first */
    ck_assert(each_failure(op_policy_read, undo_policy, &x) >= 2);
    remove(path);
}
END_TEST

/* A record of a site policy and a model read from a file (both texts in it): reading and
 * replaying fail cleanly at each allocation (jansson's included: it reports some as syntax
 * errors, and parses on past one in a string; lib/record_load.c); writing allocates
 * nothing. */
START_TEST(record)
{
    static const struct pbsc_test_row rows[] = {{4, 8.0, 30.0, NAN, NAN, NAN},
                                                {5, 31.0, 35.0, NAN, NAN, NAN}};
    static char text[16384];
    pbsc_person pe = pbsc_test_person(70.0, 90.0);
    pbsc_course *c = pbsc_test_course(&pe, PBSC_REGIMEN_GCSF, 5.0, 2.0, rows, NROWS(rows));
    struct ctx x = {0};
    pbsc_decision d = pbsc_test_decision();
    int rc;

    ck_assert_int_eq(op_policy_parse(&x), PBSC_OK);
    ck_assert_int_eq(pbsc_model_parse("pbsc-model = 1\nce_sigma = 0.4\n", 30, &x.model, NULL),
                     PBSC_OK);
    ck_assert_int_eq(pbsc_decide(c, x.policy, x.model, 5, PBSC_MORNING, &d, NULL), PBSC_OK);
    arm(0);
    rc = pbsc_record_format(c, x.policy, x.model, &d, text, sizeof text, NULL);
    disarm();
    ck_assert_int_eq(rc, PBSC_OK);
    ck_assert_int_eq(calls, 0);
    ck_assert_ptr_nonnull(strstr(text, "\"kind\":\"site\""));
    ck_assert_ptr_nonnull(strstr(text, "\"kind\":\"file\""));
    pbsc_course_free(c);
    undo_record(&x);
    x.text = text;
    any_status = 1;
    ck_assert(each_failure(op_record_read, undo_record, &x) > 10);
    ck_assert(each_failure(op_record_replay, undo_nothing, &x) > 10);
    any_status = 0;
}
END_TEST

START_TEST(model)
{
    struct ctx x = {0};
    char path[64];

    ck_assert_int_eq(each_failure(op_model_new, undo_model, &x), 1);
    ck_assert_int_eq(each_failure(op_model_from_ce, undo_model, &x), 1);
    ck_assert_int_eq(each_failure(op_model_parse, undo_model, &x), 1);
    x.path = temp_file(path, "pbsc-model = 1\nce_sigma = 0.4\n");
    ck_assert(each_failure(op_model_read, undo_model, &x) >= 2);
    remove(path);
}
END_TEST

START_TEST(history)
{
    struct ctx x = {0};

    x.ndays = 100; /* new, then 64 -> 128 rows: rows and covariates each grow twice */
    ck_assert_int_eq(each_failure(op_history_grow, undo_history, &x), 5);
}
END_TEST

START_TEST(calibrate)
{
    struct ctx x = {0};
    int i;

    x.ndays = 60;
    ck_assert_int_eq(op_history_grow(&x), PBSC_OK);
    for (i = 0; i < 60; i++) { /* vary the product so the CE has a spread to fit */
        pbsc_history_row r;
        const double cov[2] = {40.0 + i, (double)(i % 3)};
        pbsc_history_row_init(&r);
        r.cd34 = 10.0 + i;
        r.processed_l = 12.0 + i % 7;
        r.weight_kg = 60.0 + i % 25;
        r.collected = 0.5 + 0.05 * i + 0.3 * (i % 4);
        ck_assert_int_eq(pbsc_history_add(x.history, &r, cov, NULL), PBSC_OK);
    }
    ck_assert(each_failure(op_calibrate, undo_model, &x) >= 1);
    /* the population fit: five work arrays, nothing kept */
    ck_assert_int_eq(pbsc_population_new(&x.population, NULL), PBSC_OK);
    ck_assert_int_eq(each_failure(op_popfit, undo_nothing, &x), 5);
    pbsc_population_free(x.population);
    undo_history(&x);
}
END_TEST

/* Deciding allocates nothing: decisions made with every allocation failing succeed, under a
 * published policy and the model-based one, with and without a model, and so do a replay, the
 * model's set and identity, and the writers. */
START_TEST(decide_allocates_nothing)
{
    static const struct pbsc_test_row rows[] = {{4, 8.0, 30.0, 16.8, NAN, NAN},
                                                {5, 31.0, 35.0, NAN, 15.0, 1.2},
                                                {6, 24.0, 33.0, NAN, 15.0, 1.6},
                                                {7, 18.0, 30.0, NAN, NAN, NAN}};
    static pbsc_decision r[16];
    pbsc_person pe = pbsc_test_person(70.0, 90.0);
    pbsc_course *c = pbsc_test_course(&pe, PBSC_REGIMEN_GCSF, 5.0, 2.0, rows, NROWS(rows));
    const pbsc_policy *p, *f;
    pbsc_decision d = pbsc_test_decision(), e = pbsc_test_decision();
    pbsc_model *m;
    pbsc_model_params mp;
    pbsc_model_info info;
    size_t n = 0, need = 0;
    char buf[4096];
    int rc;

    ck_assert_int_eq(pbsc_policy_find("mayo2013-p2", &p, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_policy_find("forecast", &f, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_model_from_ce(pbsc_ce_default(), &m, NULL), PBSC_OK);
    pbsc_decision_init(&r[0]);
    pbsc_model_params_init(&mp);
    pbsc_model_info_init(&info);
    arm(0);
    rc = pbsc_decide(c, p, NULL, 0, PBSC_EVENING, &d, NULL);
    rc |= pbsc_decide(c, f, m, 5, PBSC_EVENING, &e, NULL);
    rc |= pbsc_decide(c, f, NULL, 7, PBSC_MORNING, &e, NULL);
    rc |= pbsc_replay(c, p, m, r, NROWS(r), &n, NULL);
    rc |= pbsc_model_get(m, &mp);
    rc |= pbsc_model_set(m, &mp, NULL);
    rc |= pbsc_model_info_get(m, &info);
    rc |= pbsc_model_format(m, buf, sizeof buf, &need);
    rc |= pbsc_policy_format(p, buf, sizeof buf, &need);
    disarm();
    ck_assert_int_eq(rc, PBSC_OK);
    ck_assert_int_eq(calls, 0);
    ck_assert_uint_eq(n, 6); /* 4 mornings, 2 evenings */
    ck_assert_str_eq(d.policy_id, "mayo2013-p2");
    ck_assert_str_eq(e.policy_id, "forecast");
    pbsc_model_free(m);
    pbsc_course_free(c);
}
END_TEST
#endif /* INTERPOSE */

static Suite *
suite(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("core");

#ifdef INTERPOSE
    tcase_add_test(tc, course);
    tcase_add_test(tc, course_amend_allocates_nothing);
    tcase_add_test(tc, policy);
    tcase_add_test(tc, model);
    tcase_add_test(tc, record);
    tcase_add_test(tc, history);
    tcase_add_test(tc, calibrate);
    tcase_add_test(tc, decide_allocates_nothing);
    tcase_add_test(tc, population_walk_simulate);
#endif
    suite_add_tcase(s, tc);
    return s;
}

#ifdef INTERPOSE
/* Whether this program's malloc is the one called (valgrind replaces it with its own). */
static int
interposed(void)
{
    void *(*volatile alloc)(size_t) = malloc; /* not elided as a builtin malloc/free pair */
    void *p;

    arm(-1);
    p = alloc(16);
    disarm();
    free(p);
    return calls == 1;
}
#endif

int
main(void)
{
#ifndef INTERPOSE
    return 77; /* skipped: not glibc, or a sanitizer owns malloc */
#else
    if (!interposed()) {
        puts("check_alloc: malloc is not ours (valgrind?): skipped");
        return 77;
    }
    return pbsc_test_run(suite());
#endif
}
