/* SPDX-License-Identifier: MIT */
/* Shared by the libFuzzer harnesses: the entry point, invariant checks, a byte reader. */
#ifndef PBSC_FUZZ_H
#define PBSC_FUZZ_H

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pbsc.h>

/*
 * Built for libFuzzer (--enable-fuzzers), a harness defines LLVMFuzzerTestOneInput. Built
 * with -DPBSC_FUZZ_REPLAY (tests/fuzz/replay.c, in `make check`), it defines
 * pbsc_fuzz_NAME instead, so one program can replay every harness's files without
 * libFuzzer.
 */
#ifdef PBSC_FUZZ_REPLAY
#define PBSC_FUZZ_TARGET(name) int pbsc_fuzz_##name(const uint8_t *data, size_t size)
#else
#define PBSC_FUZZ_TARGET(name) int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int pbsc_fuzz_policy(const uint8_t *data, size_t size);
int pbsc_fuzz_model(const uint8_t *data, size_t size);
int pbsc_fuzz_csv(const uint8_t *data, size_t size);
int pbsc_fuzz_api(const uint8_t *data, size_t size);

/* A broken invariant: say which on file descriptor 2 (the CSV harness points the stderr
 * stream elsewhere), then trap, so libFuzzer (or replay) reports the input. */
static inline void
fuzz_fail(const char *file, int line, const char *what)
{
    char msg[512];
    int n = snprintf(msg, sizeof msg, "%s:%d: invariant failed: %s\n", file, line, what);

    if (n > 0)
        (void)!write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
    __builtin_trap();
}

#define FUZZ_CHECK(cond)                                                                      \
    do {                                                                                      \
        if (!(cond))                                                                          \
            fuzz_fail(__FILE__, __LINE__, #cond);                                             \
    } while (0)

/* The forecast options (pbsc_option), PBSC_OPTION_GCSF .. PBSC_OPTION_COLLECT_PLERIXAFOR. */
#define FUZZ_OPTIONS 5

/* Every status the library may return (pbsc.h: the enum is only ever appended to). */
#define FUZZ_LAST_STATUS PBSC_E_TOOFEW

static inline int
fuzz_known_status(int rc)
{
    return rc >= PBSC_OK && rc <= FUZZ_LAST_STATUS &&
           strcmp(pbsc_strerror(rc), "unknown status") != 0;
}

/* A failed call: a known code, and a diagnostic that says the same code and one sentence. */
static inline void
fuzz_check_failure(int rc, const pbsc_diag *diag)
{
    FUZZ_CHECK(fuzz_known_status(rc) && rc != PBSC_OK);
    FUZZ_CHECK(diag->status == rc);
    FUZZ_CHECK(memchr(diag->field, '\0', sizeof diag->field) != NULL);
    FUZZ_CHECK(memchr(diag->text, '\0', sizeof diag->text) != NULL);
    FUZZ_CHECK(diag->text[0] != '\0');
}

/* Output buffers are filled with this before a call: on failure they must still hold it. */
#define FUZZ_SENTINEL 0xA5

static inline int
fuzz_untouched(const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < n; i++)
        if (b[i] != FUZZ_SENTINEL)
            return 0;
    return 1;
}

/* Two doubles with the same bits (NAN included): what a deterministic call gives twice. */
static inline int
fuzz_same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static inline int
fuzz_nul_terminated(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

/*
 * PBSC_FUZZ_AVOID="word,word": keep fuzzing past a defect already found and reported, by
 * steering the script around it (README lists the words). Unset (as in `make check`), every
 * check is strict, so the kept regression inputs fail until the library is fixed.
 */
static inline int
fuzz_avoid(const char *word)
{
    const char *list = getenv("PBSC_FUZZ_AVOID"), *at;
    size_t n = strlen(word);

    for (at = list; at != NULL && (at = strstr(at, word)) != NULL; at += n)
        if ((at == list || at[-1] == ',') && (at[n] == ',' || at[n] == '\0'))
            return 1;
    return 0;
}

/* ---- reading a script from the bytes ----------------------------------------------- */

typedef struct fuzz_src {
    const uint8_t *p;
    size_t n;
} fuzz_src;

/* Past the end every read is 0, so a short input is still a whole script. */
static inline unsigned
fuzz_u8(fuzz_src *s)
{
    if (s->n == 0)
        return 0;
    s->n--;
    return *s->p++;
}

static inline unsigned
fuzz_u16(fuzz_src *s)
{
    unsigned hi = fuzz_u8(s);
    return hi << 8 | fuzz_u8(s);
}

static inline double
fuzz_raw_double(fuzz_src *s)
{
    unsigned char b[sizeof(double)];
    double x;
    size_t i;

    for (i = 0; i < sizeof b; i++)
        b[i] = (unsigned char)fuzz_u8(s);
    memcpy(&x, b, sizeof x);
    return x;
}

/*
 * A value for a field whose plausible range is [lo, hi]: mostly inside it (so the script
 * gets past validation), else NAN, infinities, signed zeros, denormals, the extremes of
 * double, the bounds and their neighbours outside, negatives, or 8 raw bytes.
 */
static inline double
fuzz_double(fuzz_src *s, double lo, double hi)
{
    unsigned tag = fuzz_u8(s);

    if (tag < 128)
        return lo + (hi - lo) * (double)fuzz_u16(s) / 65535.0;
    if (tag < 144)
        return (double)NAN;
    switch (tag % 16) {
    case 0:
        return (double)NAN;
    case 1:
        return (double)INFINITY;
    case 2:
        return -(double)INFINITY;
    case 3:
        return 0.0;
    case 4:
        return -0.0;
    case 5:
        return 4.9406564584124654e-324; /* the smallest denormal */
    case 6:
        return -4.9406564584124654e-324;
    case 7:
        return DBL_MAX;
    case 8:
        return -DBL_MAX;
    case 9:
        return fuzz_raw_double(s);
    case 10:
        return lo;
    case 11:
        return hi;
    case 12:
        return nextafter(lo, -(double)INFINITY);
    case 13:
        return nextafter(hi, (double)INFINITY);
    case 14:
        return DBL_MIN; /* the smallest normal */
    default:
        return -(lo + (hi - lo) * (double)fuzz_u16(s) / 65535.0);
    }
}

/* An optional value that is mostly "not measured": present when the flag byte says so. */
static inline double
fuzz_sometimes(fuzz_src *s, unsigned one_in, double lo, double hi)
{
    if (fuzz_u8(s) % one_in != 0)
        return (double)NAN;
    return fuzz_double(s, lo, hi);
}

/* An enum value: mostly one of the n valid ones, sometimes any int. */
static inline int
fuzz_enum(fuzz_src *s, int n)
{
    unsigned v = fuzz_u8(s);

    if (v < 224)
        return (int)(v % (unsigned)n);
    switch (v % 4) {
    case 0:
        return -1;
    case 1:
        return n;
    case 2:
        return INT_MAX;
    default:
        return INT_MIN;
    }
}

/* ---- decisions --------------------------------------------------------------------- */

static inline int
fuzz_finite_or_nan(double x)
{
    return isnan(x) || isfinite(x);
}

/* What every successful decision must say, whatever the course and the policy. */
static inline void
fuzz_decision_fail(const pbsc_decision *d, const char *file, int line, const char *what)
{
    fprintf(stderr, "decision: day %ld action %d rule '%.40s' reason '%.200s' volume %g "
            "plerixafor %g mg apheresis day %ld median %g p %g\n", d->day, (int)d->action,
            d->rule, d->reason, d->volume_l, d->plerixafor_mg, d->apheresis_day,
            d->projection.median, d->projection.p_dose);
    fflush(stderr);
    fuzz_fail(file, line, what);
}

#define DCHECK(cond)                                                                          \
    do {                                                                                      \
        if (!(cond))                                                                          \
            fuzz_decision_fail(d, __FILE__, __LINE__, #cond);                                 \
    } while (0)

static inline void
fuzz_check_decision(const pbsc_decision *d, long day, const pbsc_policy *policy)
{
    const pbsc_projection *p = &d->projection;
    pbsc_policy_info info;

    DCHECK(d->day == day);
    DCHECK((int)d->action >= PBSC_ACTION_WAIT && (int)d->action <= PBSC_ACTION_OUTSIDE_POLICY);
    DCHECK(strcmp(pbsc_action_name(d->action), "unknown-action") != 0);
    DCHECK(fuzz_nul_terminated(d->rule, sizeof d->rule) && d->rule[0] != '\0');
    DCHECK(fuzz_nul_terminated(d->reason, sizeof d->reason) && d->reason[0] != '\0');
    DCHECK(fuzz_nul_terminated(d->policy_id, sizeof d->policy_id));
    DCHECK(fuzz_nul_terminated(d->policy_version, sizeof d->policy_version));
    DCHECK(strcmp(d->library_version, pbsc_version_string()) == 0);
    DCHECK(pbsc_policy_info_get(policy, &info) == PBSC_OK);
    DCHECK(strncmp(d->policy_id, info.id, sizeof d->policy_id - 1) == 0);
    DCHECK(isfinite(d->goal) && isfinite(d->minimum) && d->minimum <= d->goal);
    DCHECK(isfinite(d->collected) && d->collected >= 0.0);
    DCHECK(isfinite(d->remaining) && d->remaining >= 0.0);
    DCHECK(d->remaining == fmax(0.0, d->goal - d->collected));
    DCHECK(fuzz_finite_or_nan(d->cd34) && fuzz_finite_or_nan(d->wbc));
    DCHECK(fuzz_finite_or_nan(d->threshold));
    DCHECK((d->warnings & ~0xFu) == 0);
    DCHECK(isnan(d->p_goal_without) || (d->p_goal_without >= 0.0 && d->p_goal_without <= 1.0));
    DCHECK(isnan(d->p_goal_with) || (d->p_goal_with >= 0.0 && d->p_goal_with <= 1.0));
    if (d->action == PBSC_ACTION_COLLECT) {
        DCHECK(isfinite(d->volume_l) && d->volume_l > 0.0 && d->volume_l <= 60.0);
        DCHECK(isfinite(p->median) && isfinite(p->lower) && isfinite(p->upper));
        DCHECK(p->median >= 0.0 && p->lower <= p->median && p->median <= p->upper);
        DCHECK(p->p_dose >= 0.0 && p->p_dose <= 1.0);
        DCHECK(p->volume_l == d->volume_l);
        DCHECK(isfinite(p->tbv_l) && p->tbv_l > 0.0 && isfinite(p->sigma) && p->sigma >= 0.0);
        DCHECK(p->dose == d->remaining);
    } else {
        DCHECK(isnan(d->volume_l) && isnan(p->median));
    }
    /* a dose tonight: a plerixafor decision, or (forecast engine) collect then plerixafor */
    if (d->action == PBSC_ACTION_PLERIXAFOR)
        DCHECK(!isnan(d->plerixafor_mg));
    if (d->action != PBSC_ACTION_PLERIXAFOR && d->action != PBSC_ACTION_COLLECT)
        DCHECK(isnan(d->plerixafor_mg));
    if (!isnan(d->plerixafor_mg)) {
        DCHECK(isfinite(d->plerixafor_mg) && d->plerixafor_mg > 0.0 && d->plerixafor_mg <= 40.0);
        DCHECK(d->apheresis_day == day + 1);
        DCHECK(d->salvage == 0 || d->salvage == 1);
    } else {
        DCHECK(d->apheresis_day == 0);
    }
}
#undef DCHECK

/* Two decisions from the same inputs: the same, field by field (padding aside). */
static inline int
fuzz_same_decision(const pbsc_decision *a, const pbsc_decision *b)
{
    const pbsc_projection *p = &a->projection, *q = &b->projection;

    return a->day == b->day && a->action == b->action && a->salvage == b->salvage &&
           strncmp(a->rule, b->rule, sizeof a->rule) == 0 &&
           strncmp(a->reason, b->reason, sizeof a->reason) == 0 &&
           strncmp(a->policy_id, b->policy_id, sizeof a->policy_id) == 0 &&
           strncmp(a->policy_version, b->policy_version, sizeof a->policy_version) == 0 &&
           strncmp(a->library_version, b->library_version, sizeof a->library_version) == 0 &&
           fuzz_same_double(a->cd34, b->cd34) && fuzz_same_double(a->wbc, b->wbc) &&
           fuzz_same_double(a->threshold, b->threshold) && fuzz_same_double(a->goal, b->goal) &&
           fuzz_same_double(a->minimum, b->minimum) &&
           fuzz_same_double(a->collected, b->collected) &&
           fuzz_same_double(a->remaining, b->remaining) && a->aphereses == b->aphereses &&
           a->plerixafor_doses == b->plerixafor_doses &&
           fuzz_same_double(a->volume_l, b->volume_l) &&
           fuzz_same_double(p->median, q->median) && fuzz_same_double(p->lower, q->lower) &&
           fuzz_same_double(p->upper, q->upper) && fuzz_same_double(p->level, q->level) &&
           fuzz_same_double(p->dose, q->dose) && fuzz_same_double(p->p_dose, q->p_dose) &&
           fuzz_same_double(p->volume_l, q->volume_l) && fuzz_same_double(p->tbv_l, q->tbv_l) &&
           fuzz_same_double(p->sigma, q->sigma) &&
           fuzz_same_double(a->plerixafor_mg, b->plerixafor_mg) &&
           a->apheresis_day == b->apheresis_day && a->warnings == b->warnings &&
           fuzz_same_double(a->p_goal_without, b->p_goal_without) &&
           fuzz_same_double(a->p_goal_with, b->p_goal_with);
}

/* One decision, with its invariants: known status, untouched output and a filled
 * diagnostic on failure. `model` NULL: pbsc_decide() with `ce`, else pbsc_decide_model(). */
static inline int
fuzz_decide(const pbsc_course *course, const pbsc_policy *policy, const pbsc_ce_model *ce,
            const pbsc_model *model, long day, pbsc_decision *out)
{
    pbsc_diag diag;
    int rc;

    memset(out, FUZZ_SENTINEL, sizeof *out);
    pbsc_diag_clear(&diag);
    rc = model != NULL ? pbsc_decide_model(course, policy, model, day, out, &diag)
                       : pbsc_decide(course, policy, ce, day, out, &diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(fuzz_untouched(out, sizeof *out));
        return rc;
    }
    fuzz_check_decision(out, day > 0 ? day : out->day, policy);
    return rc;
}

/* Every day of the course decided alone, then replayed: replay gives the same decisions,
 * or fails as the first failing day does and leaves its array untouched. */
static inline void
fuzz_decide_course(const pbsc_course *course, const pbsc_policy *policy,
                   const pbsc_ce_model *ce, int replay)
{
    pbsc_decision one[64], all[64];
    int rcs[64];
    size_t i, n = pbsc_course_length(course), count;
    int first_rc = PBSC_OK, rc;
    pbsc_diag diag;

    if (n > 64)
        n = 64;
    for (i = 0; i < n; i++) {
        long day = pbsc_course_day(course, i)->day;
        rcs[i] = fuzz_decide(course, policy, ce, NULL, day, &one[i]);
        if (first_rc == PBSC_OK)
            first_rc = rcs[i];
    }
    if (!replay || n != pbsc_course_length(course))
        return;
    memset(all, FUZZ_SENTINEL, sizeof all);
    count = (size_t)-1;
    pbsc_diag_clear(&diag);
    rc = pbsc_replay(course, policy, ce, all, n, &count, &diag);
    FUZZ_CHECK(rc == first_rc);
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(fuzz_untouched(all, sizeof all) && count == (size_t)-1);
    } else {
        FUZZ_CHECK(count == n);
        for (i = 0; i < n; i++)
            FUZZ_CHECK(fuzz_same_decision(&one[i], &all[i]));
        FUZZ_CHECK(fuzz_untouched(all + n, sizeof all - n * sizeof all[0]));
    }
    if (n > 0) { /* too little room: an error, nothing written */
        memset(all, FUZZ_SENTINEL, sizeof all);
        pbsc_diag_clear(&diag);
        rc = pbsc_replay(course, policy, ce, all, n - 1, &count, &diag);
        FUZZ_CHECK(rc == PBSC_E_RANGE);
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(fuzz_untouched(all, sizeof all));
    }
}

/* ---- fixed courses, for harnesses that fuzz a policy or a model -------------------- */

#define FUZZ_N ((double)NAN)
#define FUZZ_COURSES 4

struct fuzz_row {
    long day;
    double cd34, wbc, plt, plerixafor_mg, processed_l, collected;
};

static inline pbsc_course *
fuzz_course(double weight, double crcl, pbsc_regimen regimen, double goal, double minimum,
            const struct fuzz_row *rows, size_t n)
{
    pbsc_person person;
    pbsc_course *c = NULL;
    size_t i;

    pbsc_person_init(&person);
    person.weight_kg = weight;
    person.crcl_ml_min = crcl;
    FUZZ_CHECK(pbsc_course_new(&person, regimen, goal, minimum, &c, NULL) == PBSC_OK);
    for (i = 0; i < n; i++) {
        pbsc_day d;
        pbsc_day_init(&d);
        d.day = rows[i].day;
        d.cd34 = rows[i].cd34;
        d.wbc = rows[i].wbc;
        d.plt = rows[i].plt;
        d.plerixafor_mg = rows[i].plerixafor_mg;
        d.processed_l = rows[i].processed_l;
        d.collected = rows[i].collected;
        FUZZ_CHECK(pbsc_course_add(c, &d, NULL) == PBSC_OK);
    }
    return c;
}

/* A good mobilizer, a salvage, a chemotherapy course and a poor mobilizer (examples/data),
 * built once and kept for the life of the process. */
static inline pbsc_course *const *
fuzz_courses(void)
{
    static pbsc_course *c[FUZZ_COURSES];
    static const struct fuzz_row good[] = {
        {1, FUZZ_N, 6.4, 248, FUZZ_N, FUZZ_N, FUZZ_N},  {2, FUZZ_N, 19.8, 236, FUZZ_N, FUZZ_N, FUZZ_N},
        {3, FUZZ_N, 28.5, 224, FUZZ_N, FUZZ_N, FUZZ_N}, {4, 35, 36.2, 211, FUZZ_N, FUZZ_N, FUZZ_N},
        {5, 42, 41.7, 196, FUZZ_N, 15.0, 3.2},          {6, 37, 39.4, 142, FUZZ_N, 14.5, 2.1},
        {7, FUZZ_N, 35.8, 121, FUZZ_N, FUZZ_N, FUZZ_N}};
    static const struct fuzz_row salvage[] = {
        {1, FUZZ_N, 7.1, 265, FUZZ_N, FUZZ_N, FUZZ_N}, {2, FUZZ_N, 21.4, 251, FUZZ_N, FUZZ_N, FUZZ_N},
        {3, FUZZ_N, 30.2, 240, FUZZ_N, FUZZ_N, FUZZ_N}, {4, 18, 37.9, 228, FUZZ_N, FUZZ_N, FUZZ_N},
        {5, 15, 42.3, 215, 20, 12.5, 0.8},             {6, 41, 47.8, 158, 20, 15.0, 3.3},
        {7, 33, 44.1, 117, FUZZ_N, 15.0, 2.7},         {8, FUZZ_N, 39.5, 98, FUZZ_N, FUZZ_N, FUZZ_N}};
    static const struct fuzz_row chemo[] = {
        {1, FUZZ_N, 5.2, 210, FUZZ_N, FUZZ_N, FUZZ_N},  {4, FUZZ_N, 2.1, 150, FUZZ_N, FUZZ_N, FUZZ_N},
        {8, FUZZ_N, 0.4, 40, FUZZ_N, FUZZ_N, FUZZ_N},   {10, FUZZ_N, 0.6, 35, FUZZ_N, FUZZ_N, FUZZ_N},
        {11, 4, 1.4, 38, FUZZ_N, FUZZ_N, FUZZ_N},       {12, 9, 3.8, 45, FUZZ_N, FUZZ_N, FUZZ_N},
        {13, 24, 8.9, 60, FUZZ_N, 18.0, 2.4},           {14, 31, 14.0, 58, FUZZ_N, 18.0, 3.1},
        {15, 22, 16.2, 55, FUZZ_N, 16.0, 1.9},          {16, 12, 15.0, 50, FUZZ_N, FUZZ_N, FUZZ_N}};
    static const struct fuzz_row poor[] = {
        {1, FUZZ_N, 6.0, 190, FUZZ_N, FUZZ_N, FUZZ_N}, {4, 6, 22.0, 170, 19.2, FUZZ_N, FUZZ_N},
        {5, 9, 30.5, 160, FUZZ_N, 20.0, 0.6},          {6, 5, 28.0, 120, 19.2, 20.0, 0.3},
        {7, 7, 26.0, 100, FUZZ_N, 20.0, 0.4},          {8, 3, 24.0, 90, FUZZ_N, FUZZ_N, FUZZ_N}};

    if (c[0] == NULL) {
        c[0] = fuzz_course(72, FUZZ_N, PBSC_REGIMEN_GCSF, 5, 2, good, sizeof good / sizeof *good);
        c[1] = fuzz_course(95, 40, PBSC_REGIMEN_GCSF, FUZZ_N, FUZZ_N, salvage,
                           sizeof salvage / sizeof *salvage);
        c[2] = fuzz_course(60, FUZZ_N, PBSC_REGIMEN_CHEMO_GCSF, 10, 4, chemo,
                           sizeof chemo / sizeof *chemo);
        c[3] = fuzz_course(80, 90, PBSC_REGIMEN_UPFRONT, 5, 2, poor, sizeof poor / sizeof *poor);
    }
    return c;
}

#endif /* PBSC_FUZZ_H */
