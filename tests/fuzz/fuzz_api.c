/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the bytes as a script that drives the API. A person, a regimen, a goal,
 * a CE model and a site model, then day rows with values of any kind (NAN, infinities,
 * denormals, huge, negative, any day order); every policy decides every day, the forecast
 * runs on a few, a session is projected; every call must return a known status, keep its
 * outputs untouched on failure and give results within the documented invariants. */
#include "fuzz.h"

#include <stdlib.h>

#define MAX_ROWS 24

/* What the script built, and what the harness knows about it. */
struct script {
    fuzz_src *s;
    pbsc_course *course;
    double goal, minimum; /* as given to pbsc_course_new() */
    pbsc_ce_model ce_buf;
    const pbsc_ce_model *ce;
    pbsc_model *model;
};

/* ---- checked calls ------------------------------------------------------------------ */

/* The end of a call whose output `out` (n bytes) was filled with the sentinel. */
static void
after_call(int rc, const pbsc_diag *diag, const void *out, size_t n)
{
    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, diag);
        FUZZ_CHECK(fuzz_untouched(out, n));
    }
}

/* A cheap forecast policy (100 draws), so the model-based engine runs on every day. */
static const pbsc_policy *
forecast_policy(void)
{
    static pbsc_policy *p;
    static const char text[] = "id = fuzz-forecast\nversion = 1\nsource = tests/fuzz\n"
                               "regimens = gcsf, chemo, upfront\ngoal = 5\nminimum = 2\n"
                               "assess_day = 4\ncollect_day = 5\nforecast = yes\n"
                               "forecast_draws = 100\nmax_sessions = 3\n";

    if (p == NULL)
        FUZZ_CHECK(pbsc_policy_parse(text, sizeof text - 1, &p, NULL) == PBSC_OK);
    return p;
}

/* ---- the person, the course and its days ------------------------------------------- */

static void
read_person(fuzz_src *s, pbsc_person *p)
{
    pbsc_person_init(p);
    p->weight_kg = fuzz_double(s, 2.0, 150.0);
    p->height_cm = fuzz_sometimes(s, 2, 30.0, 250.0);
    p->sex = (pbsc_sex)fuzz_enum(s, 3);
    p->age_years = fuzz_sometimes(s, 2, 0.0, 120.0);
    p->crcl_ml_min = fuzz_sometimes(s, 2, 0.0, 300.0);
    p->recipient_kg = fuzz_sometimes(s, 3, 2.0, 150.0);
}

static int
new_course(struct script *x)
{
    pbsc_course *sentinel = (pbsc_course *)(uintptr_t)0xA5A5A5A5u, *c = sentinel;
    pbsc_person person;
    pbsc_regimen regimen;
    pbsc_diag diag;
    int rc;

    read_person(x->s, &person);
    regimen = (pbsc_regimen)fuzz_enum(x->s, 3);
    /* mostly goal 5 and minimum 2, so that most scripts get past the goal checks */
    x->goal = fuzz_u8(x->s) % 4 != 0 ? 5.0 : fuzz_sometimes(x->s, 2, 0.0, 20.0);
    x->minimum = fuzz_u8(x->s) % 4 != 0 ? 2.0 : fuzz_sometimes(x->s, 2, 0.0, 10.0);
    pbsc_diag_clear(&diag);
    rc = pbsc_course_new(&person, regimen, x->goal, x->minimum, &c, &diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(c == sentinel);
        return 0;
    }
    FUZZ_CHECK(c != NULL && c != sentinel && pbsc_course_length(c) == 0);
    x->course = c;
    return 1;
}

/* The next day number: mostly the next day, else a gap, a repeat, a step back, or a value
 * outside [1, 366]. */
static long
next_day(fuzz_src *s, long last)
{
    static const long odd[] = {0, -1, 1, 366, 367, LONG_MAX, LONG_MIN, 4};
    unsigned v = fuzz_u8(s);

    if (v < 200)
        return last + 1;
    if (v < 220)
        return last + 2 + (long)(v % 5);
    if (v < 230)
        return last;
    if (v < 240)
        return last - 1 - (long)(v % 3);
    return odd[v % 8];
}

static void
read_day(fuzz_src *s, long last, pbsc_day *d)
{
    pbsc_day_init(d);
    d->day = next_day(s, last);
    d->cd34 = fuzz_double(s, 0.0, 120.0);
    d->wbc = fuzz_double(s, 0.0, 60.0);
    d->plt = fuzz_sometimes(s, 2, 0.0, 400.0);
    d->plerixafor_mg = fuzz_sometimes(s, 5, 0.0, 40.0);
    d->processed_l = fuzz_sometimes(s, 3, 0.0, 30.0);
    d->collected = fuzz_sometimes(s, 3, 0.0, 6.0);
}

static void
add_days(struct script *x)
{
    size_t i, rows = fuzz_u8(x->s) % (MAX_ROWS + 1);
    long last = 0;

    for (i = 0; i < rows; i++) {
        size_t n = pbsc_course_length(x->course);
        pbsc_diag diag;
        pbsc_day d;
        int rc;

        read_day(x->s, last, &d);
        pbsc_diag_clear(&diag);
        rc = pbsc_course_add(x->course, &d, &diag);
        FUZZ_CHECK(fuzz_known_status(rc));
        if (rc != PBSC_OK) {
            fuzz_check_failure(rc, &diag);
            FUZZ_CHECK(diag.day == d.day);
            FUZZ_CHECK(pbsc_course_length(x->course) == n);
            continue;
        }
        FUZZ_CHECK(pbsc_course_length(x->course) == n + 1);
        FUZZ_CHECK(memcmp(pbsc_course_day(x->course, n), &d, sizeof d) == 0);
        FUZZ_CHECK(pbsc_course_day(x->course, n + 1) == NULL);
        last = d.day;
    }
    FUZZ_CHECK((pbsc_course_warnings(x->course) & ~0xFu) == 0);
}

/* ---- the CE model and the site model ------------------------------------------------ */

static void
pick_ce(struct script *x)
{
    unsigned mode = fuzz_u8(x->s) % 4;
    pbsc_diag diag;
    int rc;

    x->ce = pbsc_ce_default();
    if (mode <= 1) {
        x->ce = pbsc_ce_get(fuzz_u8(x->s) % pbsc_ce_count());
        FUZZ_CHECK(x->ce != NULL);
    } else if (mode == 2) {
        double median = fuzz_double(x->s, 0.0, 1.5), sigma = fuzz_double(x->s, 0.0, 2.0);
        memset(&x->ce_buf, FUZZ_SENTINEL, sizeof x->ce_buf);
        pbsc_diag_clear(&diag);
        rc = pbsc_ce_user(median, sigma, &x->ce_buf, &diag);
        after_call(rc, &diag, &x->ce_buf, sizeof x->ce_buf);
        if (rc == PBSC_OK)
            x->ce = &x->ce_buf;
    } else { /* a caller's own struct, never validated: the engine must check it */
        x->ce_buf = *pbsc_ce_default();
        x->ce_buf.median = fuzz_double(x->s, 0.0, 1.5);
        x->ce_buf.sigma = fuzz_double(x->s, 0.0, 2.0);
        x->ce = &x->ce_buf;
    }
}

/* A CE string from the API: the model's own (the get-modify-set idiom passes the
 * model's pointers back), NULL, empty, or bytes of the script. */
static const char *
model_string(fuzz_src *s, const char *kept, char *buf, size_t size)
{
    size_t i, n;

    switch (fuzz_u8(s) % 8) {
    case 1:
        return NULL;
    case 2:
        return "";
    case 3:
        n = fuzz_u8(s) % size;
        for (i = 0; i < n; i++)
            buf[i] = (char)fuzz_u8(s);
        buf[n] = '\0';
        n = strlen(buf);
        if (n > 0 && fuzz_avoid("model-blank-edges")) { /* the reader trims them */
            if (buf[0] == ' ' || buf[0] == '\t')
                buf[0] = 'x';
            if (buf[n - 1] == ' ' || buf[n - 1] == '\t')
                buf[n - 1] = 'x';
        }
        return buf;
    default:
        return kept;
    }
}

static void
maybe(fuzz_src *s, double *v, double lo, double hi)
{
    if (fuzz_u8(s) % 4 == 0)
        *v = fuzz_double(s, lo, hi);
    if (fpclassify(*v) == FP_SUBNORMAL && fuzz_avoid("model-denormal"))
        *v = 0.0;
}

/* A model written by pbsc_model_format() reads back as the same text (pbsc-model(5)). */
static void
check_model_text(const pbsc_model *m)
{
    size_t needed = 0;
    pbsc_model *q = NULL;
    pbsc_diag diag;
    char *a, *b;
    int rc;

    FUZZ_CHECK(pbsc_model_format(m, NULL, 0, &needed) == PBSC_OK);
    a = malloc(needed);
    FUZZ_CHECK(a != NULL && pbsc_model_format(m, a, needed, NULL) == PBSC_OK);
    pbsc_diag_clear(&diag);
    rc = pbsc_model_parse(a, strlen(a), &q, &diag);
    if (rc != PBSC_OK)
        fprintf(stderr, "a model set through the API does not read back: line %ld: %s\n%s",
                diag.line, diag.text, a);
    FUZZ_CHECK(rc == PBSC_OK);
    FUZZ_CHECK(pbsc_model_format(q, NULL, 0, &needed) == PBSC_OK);
    b = malloc(needed);
    FUZZ_CHECK(b != NULL && pbsc_model_format(q, b, needed, NULL) == PBSC_OK);
    if (strcmp(a, b) != 0)
        fprintf(stderr, "a model set through the API reads back different:\n%s----\n%s", a, b);
    FUZZ_CHECK(strcmp(a, b) == 0);
    free(a);
    free(b);
    pbsc_model_free(q);
}

static void
new_model(struct script *x)
{
    pbsc_model_params p, before, after;
    char id[32], device[64], setting[64], source[160];
    pbsc_diag diag;
    int rc, d;

    FUZZ_CHECK(pbsc_model_new(&x->model, NULL) == PBSC_OK);
    if (fuzz_u8(x->s) % 2 == 0)
        return;
    FUZZ_CHECK(pbsc_model_get(x->model, &p) == PBSC_OK);
    before = p;
    p.ce.id = model_string(x->s, p.ce.id, id, sizeof id);
    p.ce.device = model_string(x->s, p.ce.device, device, sizeof device);
    p.ce.setting = model_string(x->s, p.ce.setting, setting, sizeof setting);
    p.ce.source = model_string(x->s, p.ce.source, source, sizeof source);
    maybe(x->s, &p.ce.median, 0.0, 1.5);
    maybe(x->s, &p.ce.sigma, 0.0, 2.0);
    maybe(x->s, &p.ce_wbc_slope, -2.0, 2.0);
    maybe(x->s, &p.ce_wbc_ref, 0.0, 500.0);
    maybe(x->s, &p.ce_hct_slope, -0.5, 0.5);
    maybe(x->s, &p.ce_hct_ref, 0.0, 100.0);
    for (d = 0; d < PBSC_GCSF_DAYS; d++)
        maybe(x->s, &p.gcsf_ratio[d], 0.0, 4.0);
    maybe(x->s, &p.gcsf_sigma, 0.0, 3.0);
    maybe(x->s, &p.chemo_ratio, 0.0, 4.0);
    maybe(x->s, &p.chemo_sigma, 0.0, 3.0);
    maybe(x->s, &p.apheresis_ratio, 0.0, 2.0);
    maybe(x->s, &p.apheresis_sigma, 0.0, 3.0);
    maybe(x->s, &p.plerixafor_fold, 0.0, 10.0);
    maybe(x->s, &p.plerixafor_sigma, 0.0, 3.0);
    maybe(x->s, &p.plerixafor2_fold, 0.0, 10.0);
    maybe(x->s, &p.plerixafor2_sigma, 0.0, 3.0);
    maybe(x->s, &p.motixafortide_fold, 0.0, 20.0);
    maybe(x->s, &p.motixafortide_sigma, 0.0, 3.0);
    pbsc_diag_clear(&diag);
    rc = pbsc_model_set(x->model, &p, &diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    FUZZ_CHECK(pbsc_model_get(x->model, &after) == PBSC_OK);
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(memcmp(&before, &after, sizeof before) == 0);
        return;
    }
    check_model_text(x->model);
}

/* ---- decisions ---------------------------------------------------------------------- */

static int
is_forecast(const pbsc_policy *p)
{
    pbsc_policy_info info;

    FUZZ_CHECK(pbsc_policy_info_get(p, &info) == PBSC_OK);
    return strcmp(info.id, "forecast") == 0;
}

/* Days the course has no row for, and day <= 0 (the last row). */
static void
decide_odd_days(struct script *x, const pbsc_policy *p)
{
    const long odd[] = {0, -1, LONG_MIN, LONG_MAX, 367, (long)fuzz_u16(x->s)};
    size_t i, n = pbsc_course_length(x->course);
    pbsc_decision d;

    for (i = 0; i < sizeof odd / sizeof *odd; i++) {
        int rc = fuzz_decide(x->course, p, x->ce, NULL, odd[i], &d);
        if (n == 0)
            FUZZ_CHECK(rc == PBSC_E_NODATA);
        else if (rc == PBSC_OK && odd[i] <= 0)
            FUZZ_CHECK(d.day == pbsc_course_day(x->course, n - 1)->day);
    }
}

static void
decide_all(struct script *x)
{
    size_t i, k, n = pbsc_course_length(x->course);
    pbsc_decision d;

    for (i = 0; i < pbsc_policy_count(); i++) {
        const pbsc_policy *p = pbsc_policy_get(i);
        if (is_forecast(p)) {
            /* 20,000 simulated courses a decision: the last day of one script in 8 (the
             * cheap forecast policy below runs the same engine on every day) */
            if (n > 0 && fuzz_u8(x->s) % 8 == 0)
                fuzz_decide(x->course, p, x->ce, NULL, 0, &d);
            continue;
        }
        fuzz_decide_course(x->course, p, x->ce, 1);
    }
    fuzz_decide_course(x->course, forecast_policy(), x->ce, 1);
    decide_odd_days(x, pbsc_policy_get(fuzz_u8(x->s) % pbsc_policy_count()));
    for (k = 0; k < n; k++) {
        long day = pbsc_course_day(x->course, k)->day;
        const pbsc_policy *mayo;
        FUZZ_CHECK(pbsc_policy_find("mayo2013-p2", &mayo, NULL) == PBSC_OK);
        fuzz_decide(x->course, mayo, NULL, x->model, day, &d);
        fuzz_decide(x->course, forecast_policy(), NULL, x->model, day, &d);
    }
}

/* ---- forecast ----------------------------------------------------------------------- */

static void
forecast_counts(struct script *x, long day, double level)
{
    int o;

    for (o = 0; o <= FUZZ_OPTIONS; o++) {
        pbsc_option option =
            o < FUZZ_OPTIONS ? (pbsc_option)o : (pbsc_option)fuzz_enum(x->s, FUZZ_OPTIONS);
        pbsc_count_forecast f;
        pbsc_diag diag;
        int rc;

        memset(&f, FUZZ_SENTINEL, sizeof f);
        pbsc_diag_clear(&diag);
        rc = pbsc_forecast_count(x->course, x->model, day, option, level, &f, &diag);
        after_call(rc, &diag, &f, sizeof f);
        if (rc != PBSC_OK)
            continue;
        FUZZ_CHECK(isfinite(f.median) && f.median >= 0.0 && isfinite(f.sigma) && f.sigma >= 0.0);
        FUZZ_CHECK(isfinite(f.lower) && isfinite(f.upper));
        FUZZ_CHECK(f.lower <= f.median && f.median <= f.upper);
        FUZZ_CHECK(f.level == level);
    }
}

static void
read_params(fuzz_src *s, pbsc_success_params *sp)
{
    pbsc_success_params_init(sp);
    if (fuzz_u8(s) % 2 == 0)
        sp->goal = fuzz_double(s, 0.0, 20.0);
    if (fuzz_u8(s) % 2 == 0)
        sp->minimum = fuzz_double(s, 0.0, 10.0);
    if (fuzz_u8(s) % 2 == 0)
        sp->max_sessions = (long)(signed char)fuzz_u8(s);
    if (fuzz_u8(s) % 2 == 0)
        sp->last_day = (long)fuzz_u16(s) - 100;
    if (fuzz_u8(s) % 2 == 0)
        sp->max_plerixafor_doses = (long)(signed char)fuzz_u8(s);
    if (fuzz_u8(s) % 2 == 0)
        sp->salvage_below = fuzz_double(s, 0.0, 3.0);
    if (fuzz_u8(s) % 2 == 0)
        sp->session_tbv_multiple = fuzz_double(s, 0.0, 10.0);
    if (fuzz_u8(s) % 2 == 0)
        sp->session_litres = fuzz_double(s, 0.0, 60.0);
    switch (fuzz_u8(s) % 8) {
    case 0:
        sp->draws = 0;
        break;
    case 1:
        sp->draws = (size_t)-1;
        break;
    case 2:
        sp->draws = 99;
        break;
    default:
        sp->draws = 100 + fuzz_u8(s);
        break;
    }
    sp->seed = fuzz_u16(s);
}

static void
success(struct script *x, long day, const pbsc_success_params *sp)
{
    int o;

    for (o = 0; o < FUZZ_OPTIONS; o++) {
        pbsc_success out;
        pbsc_diag diag;
        double goal = isnan(sp->goal) ? x->goal : sp->goal;
        double minimum = isnan(sp->minimum) ? x->minimum : sp->minimum;
        int rc;

        memset(&out, FUZZ_SENTINEL, sizeof out);
        pbsc_diag_clear(&diag);
        rc = pbsc_success_estimate(x->course, x->model, day, (pbsc_option)o, sp, &out, &diag);
        after_call(rc, &diag, &out, sizeof out);
        if (rc != PBSC_OK)
            continue;
        FUZZ_CHECK(out.draws == sp->draws);
        FUZZ_CHECK(out.p_goal >= 0.0 && out.p_goal <= 1.0);
        FUZZ_CHECK(out.p_minimum >= 0.0 && out.p_minimum <= 1.0);
        if (minimum <= goal)
            FUZZ_CHECK(out.p_minimum >= out.p_goal);
        FUZZ_CHECK(isfinite(out.aphereses) && out.aphereses >= 0.0);
        FUZZ_CHECK(isfinite(out.plerixafor_doses) && out.plerixafor_doses >= 0.0);
        FUZZ_CHECK(isfinite(out.se) && out.se >= 0.0 && out.se <= 0.5);
    }
}

static void
forecast_all(struct script *x)
{
    size_t k, n = pbsc_course_length(x->course);
    double level = fuzz_double(x->s, 0.0, 1.0);
    pbsc_success_params sp;

    for (k = 0; k < n; k++)
        forecast_counts(x, pbsc_course_day(x->course, k)->day, level);
    forecast_counts(x, 0, level);
    read_params(x->s, &sp);
    success(x, 0, &sp);
    if (n > 1)
        success(x, pbsc_course_day(x->course, fuzz_u8(x->s) % n)->day, &sp);
}

/* ---- GITMO -------------------------------------------------------------------------- */

static void
gitmo_all(struct script *x)
{
    size_t k, n = pbsc_course_length(x->course);
    pbsc_risk risk;
    int *f[6];
    int i, use_risk = fuzz_u8(x->s) % 4 != 0;

    pbsc_risk_init(&risk);
    f[0] = &risk.failed_collection, f[1] = &risk.extensive_radiotherapy;
    f[2] = &risk.marrow_toxic_therapy, f[3] = &risk.lines_over_two;
    f[4] = &risk.refractory, f[5] = &risk.marrow_involvement;
    for (i = 0; i < 6; i++)
        *f[i] = (int)(fuzz_u8(x->s) % 5) - 2;
    for (k = 0; k <= n; k++) {
        long day = k < n ? pbsc_course_day(x->course, k)->day : 0;
        pbsc_gitmo result = (pbsc_gitmo)0x5A5A5A5A;
        const char *why = (const char *)(uintptr_t)0xA5A5A5A5u;
        pbsc_diag diag;
        int rc;

        pbsc_diag_clear(&diag);
        rc = pbsc_gitmo_classify(x->course, use_risk ? &risk : NULL, day, &result, &why, &diag);
        FUZZ_CHECK(fuzz_known_status(rc));
        if (rc != PBSC_OK) {
            fuzz_check_failure(rc, &diag);
            FUZZ_CHECK((int)result == 0x5A5A5A5A && why == (const char *)(uintptr_t)0xA5A5A5A5u);
            continue;
        }
        FUZZ_CHECK(result == PBSC_GITMO_NOT_POOR || result == PBSC_GITMO_PREDICTED ||
                   result == PBSC_GITMO_PROVEN);
        FUZZ_CHECK(why != NULL && why[0] != '\0');
    }
}

/* ---- one session, and the small conversions ----------------------------------------- */

static void
check_projection(const pbsc_projection *p, double level, double dose)
{
    FUZZ_CHECK(isfinite(p->median) && isfinite(p->lower) && isfinite(p->upper));
    FUZZ_CHECK(p->median >= 0.0 && p->lower <= p->median && p->median <= p->upper);
    FUZZ_CHECK(p->level == level && fuzz_same_double(p->dose, dose));
    FUZZ_CHECK(isnan(dose) ? isnan(p->p_dose) : p->p_dose >= 0.0 && p->p_dose <= 1.0);
    FUZZ_CHECK(isfinite(p->volume_l) && p->volume_l > 0.0 && p->volume_l <= 60.0);
    FUZZ_CHECK(isfinite(p->tbv_l) && p->tbv_l > 0.0);
    FUZZ_CHECK(isfinite(p->sigma) && p->sigma >= 0.0);
}

static void
read_session(fuzz_src *s, pbsc_session *ss)
{
    pbsc_session_init(ss);
    ss->cd34 = fuzz_double(s, 0.0, 150.0);
    ss->weight_kg = fuzz_double(s, 2.0, 150.0);
    ss->recipient_kg = fuzz_sometimes(s, 3, 2.0, 150.0);
    ss->height_cm = fuzz_sometimes(s, 2, 30.0, 250.0);
    ss->sex = (pbsc_sex)fuzz_enum(s, 3);
    ss->band = (pbsc_band)fuzz_enum(s, 3);
    ss->volume_l = fuzz_sometimes(s, 2, 0.0, 30.0);
    ss->tbv_multiple = fuzz_sometimes(s, 2, 0.0, 5.0);
    ss->wbc = fuzz_sometimes(s, 2, 0.0, 60.0);
    ss->cd34_events = fuzz_sometimes(s, 3, 0.0, 2000.0);
}

static void
session_all(struct script *x)
{
    double level = fuzz_double(x->s, 0.0, 1.0), dose = fuzz_sometimes(x->s, 2, 0.0, 10.0);
    double p = fuzz_double(x->s, 0.0, 1.0), litres;
    pbsc_projection proj;
    pbsc_session ss;
    pbsc_caps caps;
    pbsc_diag diag;
    size_t sessions;
    int rc;

    read_session(x->s, &ss);
    memset(&litres, FUZZ_SENTINEL, sizeof litres);
    pbsc_diag_clear(&diag);
    rc = pbsc_session_tbv(&ss, &litres, &diag);
    after_call(rc, &diag, &litres, sizeof litres);
    if (rc == PBSC_OK)
        FUZZ_CHECK(isfinite(litres) && litres > 0.0);

    memset(&proj, FUZZ_SENTINEL, sizeof proj);
    pbsc_diag_clear(&diag);
    rc = pbsc_yield_project(&ss, x->ce, level, dose, &proj, &diag);
    after_call(rc, &diag, &proj, sizeof proj);
    if (rc == PBSC_OK)
        check_projection(&proj, level, dose);

    memset(&litres, FUZZ_SENTINEL, sizeof litres);
    pbsc_diag_clear(&diag);
    rc = pbsc_yield_volume(&ss, x->ce, dose, p, &litres, &diag);
    after_call(rc, &diag, &litres, sizeof litres);
    if (rc == PBSC_OK) /* a positive dose needs a positive volume */
        FUZZ_CHECK(isfinite(litres) && (litres > 0.0 || fuzz_avoid("volume-underflow")));

    pbsc_caps_init(&caps);
    caps.tbv_multiple = fuzz_sometimes(x->s, 2, 0.0, 5.0);
    caps.litres = fuzz_sometimes(x->s, 2, 0.0, 30.0);
    caps.minutes = fuzz_sometimes(x->s, 3, 0.0, 600.0);
    caps.flow_ml_min = fuzz_sometimes(x->s, 3, 0.0, 150.0);
    memset(&sessions, FUZZ_SENTINEL, sizeof sessions);
    memset(&litres, FUZZ_SENTINEL, sizeof litres);
    pbsc_diag_clear(&diag);
    rc = pbsc_yield_sessions(&ss, x->ce, &caps, dose, p, &sessions, &litres, &diag);
    after_call(rc, &diag, &sessions, sizeof sessions);
    if (rc != PBSC_OK) {
        FUZZ_CHECK(fuzz_untouched(&litres, sizeof litres));
    } else {
        FUZZ_CHECK(sessions >= 1 && sessions <= 1000000000u);
        FUZZ_CHECK(isfinite(litres) && litres > 0.0);
    }
}

static void
conversions(fuzz_src *s)
{
    double v = fuzz_double(s, 0.0, 500.0), w = fuzz_double(s, 0.0, 60.0), out;
    pbsc_cd34_unit unit = (pbsc_cd34_unit)fuzz_enum(s, 5);
    unsigned warnings;
    pbsc_diag diag;
    int rc;

#define CONVERSION(call)                                                                      \
    do {                                                                                      \
        memset(&out, FUZZ_SENTINEL, sizeof out);                                              \
        pbsc_diag_clear(&diag);                                                               \
        rc = call;                                                                            \
        after_call(rc, &diag, &out, sizeof out);                                              \
        if (rc == PBSC_OK)                                                                    \
            FUZZ_CHECK(isfinite(out) && out >= 0.0);                                          \
    } while (0)

    CONVERSION(pbsc_cd34_convert(v, unit, &out, &diag));
    CONVERSION(pbsc_cd34_from_percent(v / 100.0, w, &out, &diag));
    CONVERSION(pbsc_lb_to_kg(v, &out, &diag));
    CONVERSION(pbsc_tbv_nadler(v, w, (pbsc_sex)fuzz_enum(s, 3), &out, &diag));
    CONVERSION(pbsc_tbv_per_kg(w, (pbsc_band)fuzz_enum(s, 3), &out, &diag));
    CONVERSION(pbsc_plerixafor_dose(w, v, (int)(fuzz_u8(s) % 3), &out, &warnings, &diag));
#undef CONVERSION
    rc = pbsc_check((pbsc_quantity)fuzz_enum(s, PBSC_Q_COUNT_), v, NULL);
    FUZZ_CHECK(fuzz_known_status(rc));
}

PBSC_FUZZ_TARGET(api)
{
    fuzz_src s = {data, size};
    struct script x;

    memset(&x, 0, sizeof x);
    x.s = &s;
    if (new_course(&x)) {
        pick_ce(&x);
        new_model(&x);
        add_days(&x);
        decide_all(&x);
        forecast_all(&x);
        gitmo_all(&x);
    } else {
        pick_ce(&x);
    }
    session_all(&x);
    conversions(&s);
    pbsc_model_free(x.model);
    pbsc_course_free(x.course);
    return 0;
}
