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

/* Runs op with its k-th allocation failing, for k = 0, 1, ... until op no longer allocates
 * that many times; each failure must be PBSC_E_NOMEM with no block left behind (or a success,
 * when the C library itself absorbs the failure), and undo() releases what a success made.
 * Returns how many allocations op made. */
static long
each_failure(int (*op)(void *), void (*undo)(void *), void *ctx)
{
    long k;

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
        ck_assert_msg(rc == PBSC_E_NOMEM, "allocation %ld failed: status %d (%s)", k, rc,
                      pbsc_strerror(rc));
        ck_assert_msg(live == 0, "allocation %ld failed: %ld block(s) leaked", k, live);
    }
}

/* ---- the operations --------------------------------------------------------------------- */

struct ctx {
    pbsc_course *course;
    pbsc_policy *policy;
    pbsc_model *model;
    pbsc_history *history;
    const char *path;
    int ndays;
};

static int
op_course_new(void *v)
{
    struct ctx *x = v;
    pbsc_person p;

    pbsc_person_init(&p);
    p.weight_kg = 70.0;
    x->course = NULL;
    return pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &x->course, NULL);
}

static void
undo_course(void *v)
{
    struct ctx *x = v;
    pbsc_course_free(x->course);
    x->course = NULL;
}

/* Grows a course to ndays rows (the growth reallocations fail in turn). */
static int
op_course_grow(void *v)
{
    struct ctx *x = v;
    int i, rc = op_course_new(v);

    for (i = 1; rc == PBSC_OK && i <= x->ndays; i++) {
        pbsc_day d;
        pbsc_day_init(&d);
        d.day = i;
        d.cd34 = 10.0 + i;
        if ((rc = pbsc_course_add(x->course, &d, NULL)) != PBSC_OK) {
            /* a failed add leaves the course as it was: its rows are all still there */
            ck_assert_uint_eq(pbsc_course_length(x->course), (size_t)(i - 1));
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

START_TEST(course)
{
    struct ctx x = {0};

    ck_assert_int_eq(each_failure(op_course_new, undo_course, &x), 1);
    x.ndays = 100; /* 16 -> 32 -> 64 -> 128 rows: 1 + 4 allocations */
    ck_assert_int_eq(each_failure(op_course_grow, undo_course, &x), 5);
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

START_TEST(model)
{
    struct ctx x = {0};
    char path[64];

    ck_assert_int_eq(each_failure(op_model_new, undo_model, &x), 1);
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
    undo_history(&x);
}
END_TEST

/* Deciding allocates nothing: a decision made with every allocation failing succeeds. */
START_TEST(decide_allocates_nothing)
{
    struct ctx x = {0};
    const pbsc_policy *p;
    pbsc_decision d;
    int rc;

    x.ndays = 8;
    ck_assert_int_eq(op_course_grow(&x), PBSC_OK);
    ck_assert_int_eq(pbsc_policy_find("mayo2013-p2", &p, NULL), PBSC_OK);
    arm(0);
    rc = pbsc_decide(x.course, p, pbsc_ce_default(), 0, &d, NULL);
    disarm();
    ck_assert_int_eq(rc, PBSC_OK);
    ck_assert_int_eq(calls, 0);
    undo_course(&x);
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
    tcase_add_test(tc, policy);
    tcase_add_test(tc, model);
    tcase_add_test(tc, history);
    tcase_add_test(tc, calibrate);
    tcase_add_test(tc, decide_allocates_nothing);
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
