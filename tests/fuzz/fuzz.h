/* SPDX-License-Identifier: MIT */
/* Shared by the libFuzzer harnesses: the entry point, invariant checks, a byte reader, the
 * checked pbsc_course_set() and the decision invariants, fixed courses. */
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

#include <locale.h>

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

#ifndef PBSC_FUZZ_REPLAY
/* The locale of the environment, as a host that calls setlocale(LC_ALL, "") has:
 * `LC_ALL=de_DE.UTF-8 ./fuzz_policy` fuzzes under a comma locale (tests/fuzz/README). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setlocale(LC_ALL, "");
    return 0;
}
#endif
int pbsc_fuzz_policy(const uint8_t *data, size_t size);
int pbsc_fuzz_model(const uint8_t *data, size_t size);
int pbsc_fuzz_population(const uint8_t *data, size_t size);
int pbsc_fuzz_csv(const uint8_t *data, size_t size);
int pbsc_fuzz_csvread(const uint8_t *data, size_t size);
int pbsc_fuzz_api(const uint8_t *data, size_t size);
int pbsc_fuzz_hl7(const uint8_t *data, size_t size);
int pbsc_fuzz_record(const uint8_t *data, size_t size);

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
 * steering the script around it (README lists the words; replay-partial-output lets a
 * failing pbsc_replay() leave the points it decided before the failing one in the caller's
 * array). Unset (as in `make check`), every check is strict, so the kept regression inputs
 * fail until the library is fixed (one under regressions/open/ is expected to, by replay).
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

/* ---- courses: every measure set through one checked call ----------------------------- */

/* The quantities pbsc_course_set() takes: the measures of a day. */
static inline int
fuzz_is_measure(int q)
{
    switch (q) {
    case PBSC_Q_CD34_UL:
    case PBSC_Q_WBC:
    case PBSC_Q_PLT:
    case PBSC_Q_HCT:
    case PBSC_Q_VOLUME_L:
    case PBSC_Q_COLLECTED:
    case PBSC_Q_PLERIXAFOR_MG:
    case PBSC_Q_MOTIXAFORTIDE_MG:
        return 1;
    default:
        return 0;
    }
}

/* Rows in strictly increasing day order, each a valid day; PBSC_W_DAY_GAP exactly when two
 * rows are not consecutive days; no warning a course cannot raise. */
static inline void
fuzz_check_rows(const pbsc_course *c)
{
    size_t i, n = pbsc_course_length(c);
    unsigned gap = 0, w = pbsc_course_warnings(c);

    for (i = 0; i < n; i++) {
        long day = pbsc_course_day(c, i);
        FUZZ_CHECK(pbsc_check(PBSC_Q_DAY, (double)day, NULL) == PBSC_OK);
        if (i > 0) {
            long before = pbsc_course_day(c, i - 1);
            FUZZ_CHECK(before < day);
            gap |= day > before + 1;
        }
    }
    FUZZ_CHECK(pbsc_course_day(c, n) == 0);
    FUZZ_CHECK(((w & PBSC_W_DAY_GAP) != 0) == (gap != 0));
    FUZZ_CHECK((w & ~(PBSC_W_PLERIXAFOR_EARLY | PBSC_W_DAY_GAP)) == 0);
}

/*
 * The one course helper of the harnesses (tests/pbsc_test.h has the suites' builder, but it
 * needs Check): pbsc_course_set() with its contract checked. The status is exactly what
 * pbsc_check() says of the day, then of the quantity, then of the value (NAN clears); a
 * failure names the day and changes nothing; a success creates the row or amends it, and
 * pbsc_course_get() reads the value back bit for bit.
 */
static inline int
fuzz_set(pbsc_course *c, long day, int q, double v)
{
    size_t n = pbsc_course_length(c);
    int measure = fuzz_is_measure(q);
    pbsc_quantity probe = measure ? (pbsc_quantity)q : PBSC_Q_CD34_UL;
    double before = 0.0, after = 0.0;
    int existed = pbsc_course_get(c, day, probe, &before, NULL) == PBSC_OK;
    int want, rc;
    pbsc_diag diag;

    want = pbsc_check(PBSC_Q_DAY, (double)day, NULL);
    if (want == PBSC_OK)
        want = !measure ? PBSC_E_INVAL : isnan(v) ? PBSC_OK : pbsc_check(probe, v, NULL);
    pbsc_diag_clear(&diag);
    rc = pbsc_course_set(c, day, (pbsc_quantity)q, v, &diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    FUZZ_CHECK(rc == want);
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(diag.day == day);
        if (!measure && pbsc_check(PBSC_Q_DAY, (double)day, NULL) == PBSC_OK)
            FUZZ_CHECK(strcmp(diag.field, "quantity") == 0);
        FUZZ_CHECK(pbsc_course_length(c) == n);
        rc = pbsc_course_get(c, day, probe, &after, NULL);
        FUZZ_CHECK(existed ? rc == PBSC_OK && fuzz_same_double(before, after)
                           : rc == PBSC_E_NODATA);
        return want;
    }
    FUZZ_CHECK(pbsc_course_length(c) == n + !existed);
    FUZZ_CHECK(pbsc_course_get(c, day, probe, &after, NULL) == PBSC_OK);
    FUZZ_CHECK(fuzz_same_double(after, v));
    fuzz_check_rows(c);
    return rc;
}

/* Row i records an apheresis (a volume or a product): its evening is a replayed point. */
static inline int
fuzz_row_apheresis(const pbsc_course *c, size_t i)
{
    long day = pbsc_course_day(c, i);
    double litres = (double)NAN, product = (double)NAN;

    FUZZ_CHECK(pbsc_course_get(c, day, PBSC_Q_VOLUME_L, &litres, NULL) == PBSC_OK);
    FUZZ_CHECK(pbsc_course_get(c, day, PBSC_Q_COLLECTED, &product, NULL) == PBSC_OK);
    return !isnan(litres) || !isnan(product);
}

/* ---- decisions --------------------------------------------------------------------- */

/* A course and the goal and minimum it was created with (NAN: the policy's default). */
struct fuzz_case {
    const pbsc_course *course;
    double goal, minimum;
};

/* strtod in the C locale: the library writes '.' whatever the locale the harness runs in
 * (LC_ALL=de_DE.UTF-8 fuzzes a comma locale). */
static inline double
fuzz_strtod_c(const char *s)
{
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0), old;
    double v;

    FUZZ_CHECK(c != (locale_t)0);
    old = uselocale(c);
    v = strtod(s, NULL);
    uselocale(old);
    freelocale(c);
    return v;
}

/* A number of a policy as pbsc_policy_format() writes it ("none" is NAN). */
static inline double
fuzz_policy_number(const pbsc_policy *p, const char *key)
{
    char pattern[48], *text, *at;
    size_t needed = 0;
    double v = (double)NAN;

    FUZZ_CHECK(pbsc_policy_format(p, NULL, 0, &needed) == PBSC_OK && needed > 0);
    text = malloc(needed);
    FUZZ_CHECK(text != NULL && pbsc_policy_format(p, text, needed, NULL) == PBSC_OK);
    snprintf(pattern, sizeof pattern, "\n%s = ", key);
    at = strstr(text, pattern);
    FUZZ_CHECK(at != NULL);
    at += strlen(pattern);
    if (strncmp(at, "none", 4) != 0)
        v = fuzz_strtod_c(at);
    free(text);
    return v;
}

/* What every decision of one course under one policy and one model must agree with. */
struct fuzz_ctx {
    struct fuzz_case k;
    const pbsc_policy *policy;
    const pbsc_model *model; /* NULL: the literature defaults */
    pbsc_person person;
    pbsc_policy_info info;
    pbsc_model_info minfo; /* of `model`, or of pbsc_model_new() for NULL */
    double goal, minimum;  /* in force at every point, or NAN */
    int status;            /* PBSC_OK when both are in force, else what every point gives */
    const char *field;     /* ... naming this field */
};

static inline int
fuzz_hex16(const char *s)
{
    size_t i;

    for (i = 0; i < 16; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[16] == '\0';
}

/* The literature model, as pbsc_model_new() makes it: what a NULL model stands for. */
static inline const pbsc_model *
fuzz_default_model(void)
{
    static pbsc_model *m;

    if (m == NULL)
        FUZZ_CHECK(pbsc_model_new(&m, NULL) == PBSC_OK);
    return m;
}

static inline void
fuzz_ctx_init(struct fuzz_ctx *x, const struct fuzz_case *k, const pbsc_policy *policy,
              const pbsc_model *model)
{
    memset(x, 0, sizeof *x);
    x->k = *k;
    x->policy = policy;
    x->model = model;
    pbsc_person_init(&x->person);
    FUZZ_CHECK(pbsc_course_person(k->course, &x->person) == PBSC_OK);
    FUZZ_CHECK(x->person.size == sizeof x->person);
    FUZZ_CHECK(pbsc_course_donor(k->course) == !isnan(x->person.recipient_kg));
    pbsc_policy_info_init(&x->info);
    FUZZ_CHECK(pbsc_policy_info_get(policy, &x->info) == PBSC_OK);
    FUZZ_CHECK(x->info.id != NULL && x->info.version != NULL);
    FUZZ_CHECK((x->info.scope & ~(PBSC_SCOPE_AUTOLOGOUS | PBSC_SCOPE_DONOR)) == 0);
    pbsc_model_info_init(&x->minfo);
    FUZZ_CHECK(pbsc_model_info_get(model != NULL ? model : fuzz_default_model(), &x->minfo) ==
               PBSC_OK);
    FUZZ_CHECK(x->minfo.id != NULL && x->minfo.version != NULL && x->minfo.hash != NULL);
    FUZZ_CHECK(fuzz_hex16(x->minfo.hash));
    x->goal = isnan(k->goal) ? fuzz_policy_number(policy, "goal") : k->goal;
    x->minimum = isnan(k->minimum) ? fuzz_policy_number(policy, "minimum") : k->minimum;
    x->status = PBSC_OK;
    x->field = "";
    if (isnan(x->goal))
        x->status = PBSC_E_MISSING, x->field = "goal";
    else if (isnan(x->minimum))
        x->status = PBSC_E_MISSING, x->field = "minimum";
    else if (x->minimum > x->goal)
        x->status = PBSC_E_CONFLICT, x->field = "minimum";
}

static inline int
fuzz_finite_or_nan(double x)
{
    return isnan(x) || isfinite(x);
}

static inline int
fuzz_in_01(double p)
{
    return p >= 0.0 && p <= 1.0;
}

static inline int
fuzz_is_stop(pbsc_action a)
{
    return a == PBSC_ACTION_STOP_GOAL || a == PBSC_ACTION_STOP_MINIMUM ||
           a == PBSC_ACTION_STOP_FAILED;
}

/* What a broken decision invariant prints before it traps. */
static inline void
fuzz_decision_fail(const pbsc_decision *d, const char *file, int line, const char *what)
{
    fprintf(stderr,
            "decision: day %ld %s action %d rule '%.40s' reason '%.200s' volume %g tonight %d "
            "%g mg (dose %d, apheresis day %ld, basis %d) collected %g remaining %g goal %g "
            "minimum %g warnings 0x%x\n",
            d->day, pbsc_moment_name(d->moment), (int)d->action, d->rule, d->reason, d->volume_l,
            (int)d->tonight.drug, d->tonight.mg, d->tonight.number, d->tonight.apheresis_day,
            (int)d->tonight.basis, d->collected, d->remaining, d->goal, d->minimum, d->warnings);
    fflush(stderr);
    fuzz_fail(file, line, what);
}

#define DCHECK(cond)                                                                          \
    do {                                                                                      \
        if (!(cond))                                                                          \
            fuzz_decision_fail(d, __FILE__, __LINE__, #cond);                                 \
    } while (0)

/* Tonight's dose: none, or a labelled plerixafor dose for tomorrow's apheresis; never one
 * for a healthy donor, never more than the per-kg dose for a child. */
static inline void
fuzz_check_tonight(const struct fuzz_ctx *x, const pbsc_decision *d)
{
    const pbsc_dose *t = &d->tonight;

    DCHECK(t->drug == PBSC_DRUG_NONE || t->drug == PBSC_DRUG_PLERIXAFOR ||
           t->drug == PBSC_DRUG_MOTIXAFORTIDE);
    DCHECK(strcmp(pbsc_drug_name(t->drug), "unknown-drug") != 0);
    if (t->drug == PBSC_DRUG_NONE) {
        DCHECK(isnan(t->mg) && t->number == 0 && t->apheresis_day == 0 && t->salvage == 0);
        DCHECK(t->basis == PBSC_DOSE_NONE);
        DCHECK(d->action != PBSC_ACTION_PLERIXAFOR);
        return;
    }
    /* only a start (plerixafor), a collect (the forecast engine), an evening's continue, or
     * the evening of a collect whose harvest is not recorded yet (need.harvest repeats the
     * morning's advice, its dose included) carry a dose */
    DCHECK(d->action == PBSC_ACTION_PLERIXAFOR || d->action == PBSC_ACTION_COLLECT ||
           d->action == PBSC_ACTION_CONTINUE ||
           (d->action == PBSC_ACTION_NEED_COUNT && strcmp(d->rule, "need.harvest") == 0));
    DCHECK(t->apheresis_day == d->day + 1);
    DCHECK(t->salvage == 0 || t->salvage == 1);
    /* never a dose for a healthy donor */
    DCHECK(isnan(x->person.recipient_kg));
    if (t->drug == PBSC_DRUG_MOTIXAFORTIDE) { /* planned: 1.25 mg/kg, no cap, never salvage */
        DCHECK(fabs(t->mg - 1.25 * x->person.weight_kg) <= 1e-9 * t->mg);
        DCHECK(t->basis == PBSC_DOSE_PER_KG && t->salvage == 0 && t->number >= 1);
        return;
    }
    DCHECK(isfinite(t->mg) && t->mg > 0.0 && t->mg <= 40.0);
    DCHECK(t->number >= 1 && (size_t)t->number == d->plerixafor_doses + 1);
    DCHECK(t->basis >= PBSC_DOSE_PER_KG && t->basis <= PBSC_DOSE_CAPPED);
    /* never a fixed adult dose for a child */
    if (x->person.age_years < 18.0) {
        DCHECK(t->mg <= 0.24 * x->person.weight_kg + 1e-9);
        DCHECK(t->basis != PBSC_DOSE_FIXED && t->basis != PBSC_DOSE_RENAL_FIXED);
    }
    if (isnan(x->person.age_years))
        DCHECK(t->basis != PBSC_DOSE_FIXED && t->basis != PBSC_DOSE_RENAL_FIXED);
}

/* What every successful decision must say, whatever the course, the policy and the model. */
static inline void
fuzz_check_decision(const struct fuzz_ctx *x, const pbsc_decision *d, long day,
                    pbsc_moment moment)
{
    const pbsc_projection *p = &d->projection;
    size_t rows = pbsc_course_length(x->k.course);
    int child = x->person.age_years < 18.0, stopped;
    double remaining;

    DCHECK(d->size == sizeof *d);
    DCHECK(d->day == day && d->moment == moment);
    DCHECK((int)d->action >= PBSC_ACTION_WAIT && (int)d->action <= PBSC_ACTION_CONTINUE);
    DCHECK(strcmp(pbsc_action_name(d->action), "unknown-action") != 0);
    DCHECK(d->action != PBSC_ACTION_COLLECT || moment == PBSC_MORNING);
    DCHECK(d->action != PBSC_ACTION_CONTINUE || moment == PBSC_EVENING);
    DCHECK(fuzz_nul_terminated(d->rule, sizeof d->rule) && d->rule[0] != '\0');
    DCHECK(fuzz_nul_terminated(d->reason, sizeof d->reason) && d->reason[0] != '\0');
    /* a repeated stop names the earlier point that decided it */
    stopped = strcmp(d->rule, "stopped") == 0;
    if (stopped) {
        DCHECK(fuzz_is_stop(d->action));
        DCHECK(d->decided_day < day || (d->decided_day == day && d->decided_moment < moment));
    } else {
        DCHECK(d->decided_day == day && d->decided_moment == moment);
    }
    DCHECK(d->decided_moment == PBSC_MORNING || d->decided_moment == PBSC_EVENING);
    /* the goal and the minimum in force, and what remains of the goal */
    DCHECK(isfinite(d->goal) && isfinite(d->minimum) && d->minimum <= d->goal);
    DCHECK(fuzz_same_double(d->goal, x->goal) && fuzz_same_double(d->minimum, x->minimum));
    DCHECK(isfinite(d->collected) && d->collected >= 0.0);
    remaining = d->collected >= d->goal - PBSC_DOSE_TOLERANCE ? 0.0 : d->goal - d->collected;
    DCHECK(isfinite(d->remaining) && d->remaining == remaining);
    DCHECK(d->aphereses <= rows && d->plerixafor_doses <= rows);
    DCHECK(fuzz_finite_or_nan(d->cd34) && fuzz_finite_or_nan(d->wbc));
    DCHECK(fuzz_finite_or_nan(d->threshold));
    DCHECK((d->warnings & ~0x1FFFu) == 0);
    DCHECK(!(d->warnings & PBSC_W_DIAGNOSIS_UNKNOWN) || x->info.diagnoses != 0);
    DCHECK(((d->warnings & PBSC_W_CHILD) != 0) == child);
    /* probabilities */
    DCHECK(isnan(d->p_goal_without) || fuzz_in_01(d->p_goal_without));
    DCHECK(isnan(d->p_goal_with) || fuzz_in_01(d->p_goal_with));
    if (!x->info.model_based)
        DCHECK(isnan(d->p_goal_without) && isnan(d->p_goal_with));
    /* today's session: a collect has a finite volume in (0, 60] L and its projection */
    if (d->action == PBSC_ACTION_COLLECT) {
        DCHECK(isfinite(d->volume_l) && d->volume_l > 0.0 && d->volume_l <= 60.0);
        DCHECK(isfinite(p->median) && isfinite(p->lower) && isfinite(p->upper));
        DCHECK(p->median >= 0.0 && p->lower <= p->median && p->median <= p->upper);
        DCHECK(fuzz_in_01(p->p_dose) && fuzz_in_01(p->level));
        DCHECK(p->volume_l == d->volume_l);
        DCHECK(isfinite(p->tbv_l) && p->tbv_l > 0.0 && isfinite(p->sigma) && p->sigma >= 0.0);
        /* what remains, or its share over the planned sessions (split_sessions) */
        DCHECK(p->dose > 0.0 && p->dose <= d->remaining);
    } else {
        DCHECK(isnan(d->volume_l) && isnan(p->median));
    }
    fuzz_check_tonight(x, d);
    /* a healthy donor under a policy for patients: outside the policy, every point */
    if (!isnan(x->person.recipient_kg) && !(x->info.scope & PBSC_SCOPE_DONOR))
        DCHECK(d->action == PBSC_ACTION_OUTSIDE_POLICY && strcmp(d->rule, "outside.scope") == 0);
    if (isnan(x->person.recipient_kg) && !(x->info.scope & PBSC_SCOPE_AUTOLOGOUS))
        DCHECK(d->action == PBSC_ACTION_OUTSIDE_POLICY && strcmp(d->rule, "outside.scope") == 0);
    /* the blood volume: a child's band, never Nadler, unless the caller chose a band */
    DCHECK(d->blood_volume == PBSC_BAND_ADULT || d->blood_volume == PBSC_BAND_CHILD ||
           d->blood_volume == PBSC_BAND_NEONATE || d->blood_volume == PBSC_BAND_NADLER);
    DCHECK(isfinite(d->tbv_l) && d->tbv_l > 0.0);
    if (child && x->person.band == PBSC_BAND_AUTO)
        DCHECK(d->blood_volume == PBSC_BAND_CHILD || d->blood_volume == PBSC_BAND_NEONATE);
    /* provenance */
    DCHECK(fuzz_nul_terminated(d->policy_id, sizeof d->policy_id));
    DCHECK(strncmp(d->policy_id, x->info.id, sizeof d->policy_id - 1) == 0);
    DCHECK(fuzz_nul_terminated(d->policy_version, sizeof d->policy_version));
    DCHECK(strncmp(d->policy_version, x->info.version, sizeof d->policy_version - 1) == 0);
    DCHECK(strcmp(d->library_version, pbsc_version_string()) == 0);
    DCHECK(fuzz_nul_terminated(d->model_id, sizeof d->model_id));
    DCHECK(strncmp(d->model_id, x->minfo.id, sizeof d->model_id - 1) == 0);
    DCHECK(fuzz_nul_terminated(d->model_version, sizeof d->model_version));
    DCHECK(strncmp(d->model_version, x->minfo.version, sizeof d->model_version - 1) == 0);
    DCHECK(d->model_fitted == x->minfo.fitted);
    DCHECK(fuzz_hex16(d->model_hash) && strcmp(d->model_hash, x->minfo.hash) == 0);
    DCHECK(fuzz_nul_terminated(d->ce_id, sizeof d->ce_id));
    DCHECK(isfinite(d->ce_median) && d->ce_median > 0.0 && d->ce_median <= 1.5);
    DCHECK(isfinite(d->ce_sigma) && d->ce_sigma >= 0.0);
}
#undef DCHECK

/* One decision point, with its invariants: a known status; on failure a filled diagnostic
 * and an untouched decision (all but `size`, set by the caller as pbsc_decision_init does);
 * on success everything fuzz_check_decision() asks. */
static inline int
fuzz_decide(const struct fuzz_ctx *x, long day, pbsc_moment moment, pbsc_decision *out,
            pbsc_diag *diag)
{
    int rc;

    memset(out, FUZZ_SENTINEL, sizeof *out);
    out->size = sizeof *out;
    pbsc_diag_clear(diag);
    rc = pbsc_decide(x->k.course, x->policy, x->model, day, moment, out, diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, diag);
        FUZZ_CHECK(out->size == sizeof *out);
        FUZZ_CHECK(fuzz_untouched((const char *)out + sizeof out->size,
                                  sizeof *out - sizeof out->size));
        return rc;
    }
    fuzz_check_decision(x, out, day > 0 ? day : out->day, moment);
    return rc;
}

/* The error every point of a course gives when no goal or no minimum is in force. */
static inline void
fuzz_check_not_in_force(const struct fuzz_ctx *x, int rc, const pbsc_diag *diag)
{
    if (rc != x->status)
        fprintf(stderr, "policy %s, model %s: status %d (%s), want %d: field '%.32s' day %ld: "
                "%.160s\n", x->info.id, x->minfo.id, rc, pbsc_strerror(rc), x->status,
                diag->field, diag->day, diag->text);
    FUZZ_CHECK(rc == x->status);
    if (rc != PBSC_OK)
        FUZZ_CHECK(strcmp(diag->field, x->field) == 0);
}

/* A later layout of pbsc_decision: replay writes what the 1.0 layout holds and leaves the
 * rest of each element alone (the stride is element 0's size). */
struct fuzz_wide_decision {
    pbsc_decision d;
    unsigned char tail[24];
};

/*
 * The points of a course decided one by one, then replayed:
 * - a valid course always gets a decision: pbsc_decide() succeeds at both moments of every
 *   day when a goal and a minimum are in force, and otherwise fails as every point must;
 * - replay emits each row's morning, then its evening when the row records an apheresis,
 *   and every point it emits is byte for byte what pbsc_decide() gives at that point;
 * - too little room is PBSC_E_RANGE ("capacity") and writes nothing; a wider element
 *   stride keeps the caller's tail.
 * `decide_rows`: how many rows (the last ones) are decided one by one, each decision
 * walking the course from its first day (all of them for cheap policies; the model-based
 * engine runs a Monte Carlo estimate at every point it walks).
 */
static inline void
fuzz_decide_course(const struct fuzz_case *k, const pbsc_policy *policy, const pbsc_model *model,
                   size_t decide_rows)
{
    const pbsc_course *c = k->course;
    size_t n = pbsc_course_length(c), points = 0, bytes, i, j, first, count;
    struct fuzz_wide_decision *wide;
    pbsc_decision *one, *all;
    unsigned char *decided;
    struct fuzz_ctx x;
    pbsc_diag diag;
    int rc;

    fuzz_ctx_init(&x, k, policy, model);
    for (i = 0; i < n; i++)
        points += 1 + (size_t)fuzz_row_apheresis(c, i);
    bytes = (points + 1) * sizeof *all;
    one = malloc(bytes);
    all = malloc(bytes);
    decided = calloc(points + 1, 1);
    FUZZ_CHECK(one != NULL && all != NULL && decided != NULL);

    /* the last `decide_rows` rows, both moments, one decision at a time */
    first = decide_rows < n ? n - decide_rows : 0;
    for (i = 0, j = 0; i < n; i++) {
        long day = pbsc_course_day(c, i);
        int harvest = fuzz_row_apheresis(c, i);
        pbsc_decision evening;

        if (i < first) {
            j += 1 + (size_t)harvest;
            continue;
        }
        rc = fuzz_decide(&x, day, PBSC_MORNING, &one[j], &diag);
        fuzz_check_not_in_force(&x, rc, &diag);
        decided[j++] = rc == PBSC_OK;
        rc = fuzz_decide(&x, day, PBSC_EVENING, harvest ? &one[j] : &evening, &diag);
        fuzz_check_not_in_force(&x, rc, &diag);
        if (harvest)
            decided[j++] = rc == PBSC_OK;
    }

    if (points > 0) { /* one element short: an error, nothing written */
        memset(all, FUZZ_SENTINEL, bytes);
        all[0].size = sizeof all[0];
        count = (size_t)-1;
        pbsc_diag_clear(&diag);
        rc = pbsc_replay(c, policy, model, all, points - 1, &count, &diag);
        FUZZ_CHECK(rc == PBSC_E_RANGE && strcmp(diag.field, "capacity") == 0);
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(count == (size_t)-1 && all[0].size == sizeof all[0]);
        FUZZ_CHECK(fuzz_untouched((const char *)all + sizeof all[0].size,
                                  bytes - sizeof all[0].size));
    }

    /* the whole course replayed: the same as the points decided one by one */
    memset(all, FUZZ_SENTINEL, bytes);
    all[0].size = sizeof all[0];
    count = (size_t)-1;
    pbsc_diag_clear(&diag);
    rc = pbsc_replay(c, policy, model, all, points, &count, &diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    if (n == 0) {
        FUZZ_CHECK(rc == PBSC_E_NODATA && strcmp(diag.field, "day") == 0);
    } else {
        fuzz_check_not_in_force(&x, rc, &diag);
    }
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(count == (size_t)-1 && all[0].size == sizeof all[0]);
        /* PBSC_FUZZ_AVOID=replay-partial-output: a point failing after others were written
         * (pbsc_replay() writes as it walks; no input reaches a failing point any more since
         * regressions/fuzz_api/forecast-doses-over-10.bin was fixed) */
        FUZZ_CHECK(fuzz_untouched((const char *)all + sizeof all[0].size,
                                  bytes - sizeof all[0].size) ||
                   fuzz_avoid("replay-partial-output"));
        goto done;
    }
    FUZZ_CHECK(count == points);
    for (i = 0, j = 0; i < n; i++) {
        long day = pbsc_course_day(c, i);
        fuzz_check_decision(&x, &all[j], day, PBSC_MORNING);
        FUZZ_CHECK(!decided[j] || memcmp(&one[j], &all[j], sizeof all[j]) == 0);
        j++;
        if (!fuzz_row_apheresis(c, i))
            continue;
        fuzz_check_decision(&x, &all[j], day, PBSC_EVENING);
        FUZZ_CHECK(!decided[j] || memcmp(&one[j], &all[j], sizeof all[j]) == 0);
        j++;
    }
    FUZZ_CHECK(j == points && fuzz_untouched(&all[points], sizeof all[points]));

    /* a wider stride (a caller compiled against a later, longer pbsc_decision): each element
     * gets the 1.0 fields and keeps its size and its tail (one more walk: skipped for the
     * model-based engine on long courses) */
    if (x.info.model_based && decide_rows < n)
        goto done;
    wide = malloc((points + 1) * sizeof *wide);
    FUZZ_CHECK(wide != NULL);
    memset(wide, FUZZ_SENTINEL, (points + 1) * sizeof *wide);
    wide[0].d.size = sizeof wide[0];
    pbsc_diag_clear(&diag);
    rc = pbsc_replay(c, policy, model, &wide[0].d, points, &count, &diag);
    FUZZ_CHECK(rc == PBSC_OK && count == points);
    for (j = 0; j < points; j++) {
        pbsc_decision again = wide[j].d;
        FUZZ_CHECK(wide[j].d.size == sizeof wide[0]);
        again.size = sizeof again;
        FUZZ_CHECK(memcmp(&again, &all[j], sizeof again) == 0);
        FUZZ_CHECK(fuzz_untouched(wide[j].tail, sizeof wide[j].tail));
    }
    FUZZ_CHECK(fuzz_untouched(&wide[points], sizeof wide[points]));
    free(wide);
done:
    free(decided);
    free(all);
    free(one);
}

/* ---- fixed courses, for harnesses that fuzz a policy or a model -------------------- */

#define FUZZ_N ((double)NAN)
#define FUZZ_COURSES 6

/* One pbsc_course_set() call of a fixed course, in the order a LIS would make them. */
struct fuzz_set_call {
    long day;
    pbsc_quantity q;
    double v;
};

#define FZ_CD34(d, v) {d, PBSC_Q_CD34_UL, v}
#define FZ_WBC(d, v) {d, PBSC_Q_WBC, v}
#define FZ_PLT(d, v) {d, PBSC_Q_PLT, v}
#define FZ_HCT(d, v) {d, PBSC_Q_HCT, v}
#define FZ_MG(d, v) {d, PBSC_Q_PLERIXAFOR_MG, v}
#define FZ_MOTIX(d, v) {d, PBSC_Q_MOTIXAFORTIDE_MG, v}
#define FZ_LITRES(d, v) {d, PBSC_Q_VOLUME_L, v}
#define FZ_PRODUCT(d, v) {d, PBSC_Q_COLLECTED, v}

/* Applies the calls of a fixed course (each must succeed). */
static inline pbsc_course *
fuzz_course(const pbsc_person *person, pbsc_regimen regimen, double goal, double minimum,
            const struct fuzz_set_call *calls, size_t n)
{
    pbsc_course *c = NULL;
    size_t i;

    FUZZ_CHECK(pbsc_course_new(person, regimen, goal, minimum, &c, NULL) == PBSC_OK);
    for (i = 0; i < n; i++)
        FUZZ_CHECK(fuzz_set(c, calls[i].day, (int)calls[i].q, calls[i].v) == PBSC_OK);
    return c;
}

static inline pbsc_person
fuzz_person(double kg, double crcl, double age, double recipient_kg)
{
    pbsc_person p;

    pbsc_person_init(&p);
    p.weight_kg = kg;
    p.crcl_ml_min = crcl;
    p.age_years = age;
    p.recipient_kg = recipient_kg;
    return p;
}

/* A good mobilizer, a salvage, a chemotherapy course and a poor mobilizer (examples/data),
 * a healthy donor and a child, built once and kept for the life of the process. The calls
 * include amendments (a product recorded, then corrected), days set out of order, the
 * haematocrit and a motixafortide evening. */
static inline const struct fuzz_case *
fuzz_courses(void)
{
    static struct fuzz_case k[FUZZ_COURSES];
    static const struct fuzz_set_call good[] = {
        FZ_WBC(1, 6.4),    FZ_PLT(1, 248),     FZ_WBC(2, 19.8),      FZ_PLT(2, 236),
        FZ_WBC(3, 28.5),   FZ_PLT(3, 224),     FZ_CD34(4, 35),       FZ_WBC(4, 36.2),
        FZ_PLT(4, 211),    FZ_CD34(5, 42),     FZ_WBC(5, 41.7),      FZ_PLT(5, 196),
        FZ_HCT(5, 36),     FZ_LITRES(5, 15.0), FZ_PRODUCT(5, 2.0),   FZ_PRODUCT(5, 3.2),
        FZ_WBC(7, 35.8),   FZ_PLT(7, 121),     FZ_CD34(6, 37),       FZ_WBC(6, 39.4),
        FZ_PLT(6, 142),    FZ_LITRES(6, 14.5), FZ_PRODUCT(6, 2.1)};
    static const struct fuzz_set_call salvage[] = {
        FZ_WBC(1, 7.1),    FZ_PLT(1, 265),     FZ_WBC(2, 21.4),      FZ_PLT(2, 251),
        FZ_WBC(3, 30.2),   FZ_PLT(3, 240),     FZ_CD34(4, 18),       FZ_WBC(4, 37.9),
        FZ_PLT(4, 228),    FZ_CD34(5, 15),     FZ_WBC(5, 42.3),      FZ_PLT(5, 215),
        FZ_LITRES(5, 12.5), FZ_PRODUCT(5, 0.8), FZ_MG(5, 20),        FZ_CD34(6, 41),
        FZ_WBC(6, 47.8),   FZ_PLT(6, 158),     FZ_LITRES(6, 15.0),   FZ_PRODUCT(6, 3.3),
        FZ_MG(6, 20),      FZ_CD34(7, 33),     FZ_WBC(7, 44.1),      FZ_PLT(7, 117),
        FZ_LITRES(7, 15.0), FZ_PRODUCT(7, 2.7), FZ_WBC(8, 39.5),     FZ_PLT(8, 98)};
    static const struct fuzz_set_call chemo[] = {
        FZ_WBC(1, 5.2),    FZ_PLT(1, 210),     FZ_WBC(4, 2.1),       FZ_PLT(4, 150),
        FZ_WBC(8, 0.4),    FZ_PLT(8, 40),      FZ_WBC(10, 0.6),      FZ_PLT(10, 35),
        FZ_CD34(11, 4),    FZ_WBC(11, 1.4),    FZ_PLT(11, 38),       FZ_CD34(12, 9),
        FZ_WBC(12, 3.8),   FZ_PLT(12, 45),     FZ_CD34(13, 24),      FZ_WBC(13, 8.9),
        FZ_PLT(13, 60),    FZ_HCT(13, 29),     FZ_LITRES(13, 18.0),  FZ_PRODUCT(13, 2.4),
        FZ_CD34(14, 31),   FZ_WBC(14, 14.0),   FZ_PLT(14, 58),       FZ_LITRES(14, 18.0),
        FZ_PRODUCT(14, 3.1), FZ_CD34(15, 22),  FZ_WBC(15, 16.2),     FZ_PLT(15, 55),
        FZ_LITRES(15, 16.0), FZ_PRODUCT(15, 1.9), FZ_CD34(16, 12),   FZ_WBC(16, 15.0),
        FZ_PLT(16, 50)};
    static const struct fuzz_set_call poor[] = {
        FZ_WBC(1, 6.0),    FZ_PLT(1, 190),     FZ_CD34(4, 6),        FZ_WBC(4, 22.0),
        FZ_PLT(4, 170),    FZ_MG(4, 19.2),     FZ_CD34(5, 9),        FZ_WBC(5, 30.5),
        FZ_PLT(5, 160),    FZ_LITRES(5, 20.0), FZ_PRODUCT(5, 0.6),   FZ_CD34(6, 5),
        FZ_WBC(6, 28.0),   FZ_PLT(6, 120),     FZ_MG(6, 19.2),       FZ_LITRES(6, 20.0),
        FZ_PRODUCT(6, 0.3), FZ_CD34(7, 7),     FZ_WBC(7, 26.0),      FZ_PLT(7, 100),
        FZ_LITRES(7, 20.0), FZ_PRODUCT(7, 0.4), FZ_MOTIX(7, 100),    FZ_CD34(8, 3),
        FZ_WBC(8, 24.0),   FZ_PLT(8, 90),      FZ_CD34(8, FUZZ_N),   FZ_CD34(8, 3.5)};
    /* a healthy donor: G-CSF days 1-5, apheresis days 5 and 6 */
    static const struct fuzz_set_call donor[] = {
        FZ_WBC(1, 8.0),    FZ_WBC(3, 30.0),    FZ_WBC(2, 21.0),      FZ_WBC(4, 38.0),
        FZ_CD34(4, 40),    FZ_CD34(5, 62),     FZ_WBC(5, 44.0),      FZ_HCT(5, 41),
        FZ_LITRES(5, 15.0), FZ_PRODUCT(5, 3.1), FZ_CD34(6, 48),      FZ_WBC(6, 40.0),
        FZ_LITRES(6, 12.0), FZ_PRODUCT(6, 2.6)};
    /* a child of 30 kg: a low day-4 count, plerixafor, a small harvest */
    static const struct fuzz_set_call child[] = {
        FZ_WBC(1, 5.5),    FZ_WBC(2, 14.0),    FZ_WBC(3, 22.0),      FZ_CD34(4, 7),
        FZ_WBC(4, 27.0),   FZ_MG(4, 7.2),      FZ_CD34(5, 19),       FZ_WBC(5, 31.0),
        FZ_LITRES(5, 4.5), FZ_PRODUCT(5, 1.1), FZ_MG(5, 7.2),        FZ_CD34(6, 25),
        FZ_WBC(6, 33.0),   FZ_LITRES(6, 4.5),  FZ_PRODUCT(6, 1.6),   FZ_CD34(7, 14),
        FZ_WBC(7, 30.0)};

    if (k[0].course == NULL) {
        pbsc_person p;
#define FZ_COURSE(i, who, regimen, g, m, calls)                                                 \
    (p = who, k[i].goal = g, k[i].minimum = m,                                                  \
     k[i].course = fuzz_course(&p, regimen, g, m, calls, sizeof calls / sizeof *calls))
        FZ_COURSE(0, fuzz_person(72, FUZZ_N, FUZZ_N, FUZZ_N), PBSC_REGIMEN_GCSF, 5, 2, good);
        FZ_COURSE(1, fuzz_person(95, 40, 61, FUZZ_N), PBSC_REGIMEN_GCSF, FUZZ_N, FUZZ_N, salvage);
        FZ_COURSE(2, fuzz_person(60, FUZZ_N, FUZZ_N, FUZZ_N), PBSC_REGIMEN_CHEMO_GCSF, 10, 4,
                  chemo);
        FZ_COURSE(3, fuzz_person(80, 90, 70, FUZZ_N), PBSC_REGIMEN_UPFRONT, 5, 2, poor);
        FZ_COURSE(4, fuzz_person(82, FUZZ_N, 34, 64), PBSC_REGIMEN_GCSF, 5, 2, donor);
        FZ_COURSE(5, fuzz_person(30, FUZZ_N, 10, FUZZ_N), PBSC_REGIMEN_GCSF, 5, 2, child);
#undef FZ_COURSE
    }
    return k;
}

#endif /* PBSC_FUZZ_H */
