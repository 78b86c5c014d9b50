/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the bytes as a script that drives the API. A person (children, healthy
 * donors, a chosen blood-volume band), a regimen, a goal, a CE model (made a model with
 * pbsc_model_from_ce) and a site model, then measures set day by day with values of any kind
 * (NAN, infinities, denormals, huge, negative), amended, set out of order, on odd days; every
 * policy decides both moments of every day and replays the course, the forecast runs on a
 * few days, a session is projected; every call must return a known status, keep its outputs
 * untouched on failure and give results within the documented invariants (fuzz.h). */
#include "fuzz.h"

#include <stdlib.h>

#define MAX_STEPS 32 /* day steps of a script: at most 32 rows, 64 decision points */
#define FORECAST_ROWS 6 /* the model-based engine decides every point of courses this short */

/* What the script built, and what the harness knows about it. */
struct script {
    fuzz_src *s;
    pbsc_course *course;
    pbsc_person person;
    pbsc_regimen regimen;
    double goal, minimum; /* as given to pbsc_course_new() */
    pbsc_ce_model ce_buf;
    const pbsc_ce_model *ce;
    pbsc_model *ce_model; /* pbsc_model_from_ce(ce), NULL when it refused the CE */
    pbsc_model *model;    /* the site model: pbsc_model_set() with any values */
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

static const pbsc_policy *
site_policy(pbsc_policy **p, const char *text)
{
    if (*p == NULL)
        FUZZ_CHECK(pbsc_policy_parse(text, strlen(text), p, NULL) == PBSC_OK);
    return *p;
}

/* A cheap forecast policy (100 draws), so the model-based engine runs on every day. */
static const pbsc_policy *
forecast_policy(void)
{
    static pbsc_policy *p;

    return site_policy(&p, "id = fuzz-forecast\nversion = 1\nsource = tests/fuzz\n"
                           "regimens = gcsf, chemo, upfront\ngoal = 5\nminimum = 2\n"
                           "assess_day = 4\ncollect_day = 5\nforecast = yes\n"
                           "forecast_draws = 100\nmax_sessions = 3\n");
}

/* A site that asks for the fixed 20 mg dose: never for a child or a person of unknown age. */
static const pbsc_policy *
fixed_dose_policy(void)
{
    static pbsc_policy *p;

    return site_policy(&p, "id = fuzz-fixed-dose\nversion = 1\nsource = tests/fuzz\n"
                           "regimens = gcsf, chemo, upfront\ngoal = 5\nminimum = 2\n"
                           "assess_day = 4\nassess_last_day = 5\ncollect_day = 5\n"
                           "plerixafor_below = 20\ny1_salvage_below = 1.5\n"
                           "yd_salvage_below = 0.5\nplerixafor_fixed_dose = yes\n");
}

/* A site policy for patients and donors alike (no plerixafor: a donor policy has none). */
static const pbsc_policy *
both_policy(void)
{
    static pbsc_policy *p;

    return site_policy(&p, "id = fuzz-both\nversion = 1\nsource = tests/fuzz\n"
                           "regimens = gcsf, chemo, upfront\nscope = autologous, donor\n"
                           "assess_day = 5\nassess_last_day = 5\ncollect_day = 5\n"
                           "max_plerixafor_doses = 0\nmax_sessions = 2\n");
}

/* ---- the person and the course ----------------------------------------------------- */

static void
read_person(fuzz_src *s, pbsc_person *p)
{
    pbsc_person_init(p);
    p->weight_kg = fuzz_double(s, 2.0, 200.0); /* over 167 kg: the label's 40 mg cap */
    p->height_cm = fuzz_sometimes(s, 2, 30.0, 250.0);
    p->sex = (pbsc_sex)fuzz_enum(s, 3);
    p->age_years = fuzz_sometimes(s, 2, 0.0, 120.0); /* a child in about one script of 7 */
    p->crcl_ml_min = fuzz_sometimes(s, 2, 0.0, 300.0);
    p->recipient_kg = fuzz_sometimes(s, 3, 2.0, 150.0); /* a healthy donor */
}

/* pbsc_course_new(), checked: NULL and the sentinel untouched on failure. */
static pbsc_course *
create(struct script *x)
{
    pbsc_course *sentinel = (pbsc_course *)(uintptr_t)0xA5A5A5A5u, *c = sentinel;
    pbsc_person back;
    pbsc_diag diag;
    int rc;

    pbsc_diag_clear(&diag);
    rc = pbsc_course_new(&x->person, x->regimen, x->goal, x->minimum, &c, &diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(c == sentinel);
        return NULL;
    }
    FUZZ_CHECK(c != NULL && c != sentinel && pbsc_course_length(c) == 0);
    FUZZ_CHECK(pbsc_course_day(c, 0) == 0 && pbsc_course_warnings(c) == 0);
    /* the person reads back as given */
    pbsc_person_init(&back);
    FUZZ_CHECK(pbsc_course_person(c, &back) == PBSC_OK);
    FUZZ_CHECK(fuzz_same_double(back.weight_kg, x->person.weight_kg) &&
               fuzz_same_double(back.age_years, x->person.age_years) &&
               fuzz_same_double(back.recipient_kg, x->person.recipient_kg) &&
               back.band == x->person.band);
    FUZZ_CHECK(pbsc_course_donor(c) == !isnan(x->person.recipient_kg));
    return c;
}

/* The script's first bytes: the person, the regimen, the goal and the minimum (the layout
 * of the kept regression inputs: do not reorder). */
static int
new_course(struct script *x)
{
    read_person(x->s, &x->person);
    x->regimen = (pbsc_regimen)fuzz_enum(x->s, 3);
    /* mostly goal 5 and minimum 2, so that most scripts get past the goal checks */
    x->goal = fuzz_u8(x->s) % 4 != 0 ? 5.0 : fuzz_sometimes(x->s, 2, 0.0, 20.0);
    x->minimum = fuzz_u8(x->s) % 4 != 0 ? 2.0 : fuzz_sometimes(x->s, 2, 0.0, 10.0);
    x->course = create(x);
    return x->course != NULL;
}

/* After the models: mostly the band from the age (PBSC_BAND_AUTO), else a band the caller
 * chose (the course is made again with it), or a person whose size is below the 1.0
 * layout (refused). */
static void
choose_band(struct script *x)
{
    static const int bands[] = {PBSC_BAND_ADULT, PBSC_BAND_CHILD, PBSC_BAND_NEONATE,
                                PBSC_BAND_AUTO,  PBSC_BAND_NADLER, 5};
    unsigned v = fuzz_u8(x->s);
    pbsc_course *c;

    if (v < 184)
        return;
    if (v < 192) { /* a caller that did not call pbsc_person_init() */
        pbsc_person small = x->person;
        pbsc_course *sentinel = (pbsc_course *)(uintptr_t)0xA5A5A5A5u;
        pbsc_diag diag;
        c = sentinel;
        small.size = v - 184;
        pbsc_diag_clear(&diag);
        FUZZ_CHECK(pbsc_course_new(&small, x->regimen, x->goal, x->minimum, &c, &diag) ==
                   PBSC_E_INVAL);
        fuzz_check_failure(PBSC_E_INVAL, &diag);
        FUZZ_CHECK(strcmp(diag.field, "person") == 0 && c == sentinel);
        return;
    }
    x->person.band = (pbsc_band)bands[v % 6];
    c = create(x);
    if (c == NULL) {
        x->person.band = PBSC_BAND_AUTO;
        return;
    }
    pbsc_course_free(x->course);
    x->course = c;
}

/* ---- the days: measures set one by one ----------------------------------------------- */

/* The day of the next step: mostly the next day, else the same day again (amendments), a
 * gap, an earlier day (out of order: a new row or an amendment), or a day outside
 * [1, 366]. */
static long
next_day(fuzz_src *s, long last)
{
    static const long odd[] = {0, -1, 1, 366, 367, LONG_MAX, LONG_MIN, 4};
    unsigned v = fuzz_u8(s);

    if (v < 160)
        return last + 1;
    if (v < 184)
        return last;
    if (v < 208)
        return last + 2 + (long)(v % 5);
    if (v < 240)
        return last - 1 - (long)(v % 4);
    return odd[v % 8];
}

/* The measures of a day, in the order of a step's mask bits, with the range values are
 * mostly drawn from. */
static const struct {
    pbsc_quantity q;
    double lo, hi;
} measures[8] = {
    {PBSC_Q_CD34_UL, 0.0, 120.0},  {PBSC_Q_WBC, 0.0, 60.0},
    {PBSC_Q_PLT, 0.0, 400.0},      {PBSC_Q_HCT, 0.0, 60.0},
    {PBSC_Q_VOLUME_L, 0.0, 30.0},  {PBSC_Q_COLLECTED, 0.0, 6.0},
    {PBSC_Q_PLERIXAFOR_MG, 0.0, 40.0}, {PBSC_Q_MOTIXAFORTIDE_MG, 0.0, 150.0},
};

/*
 * Steps: a day (next_day), a mask byte, then one value per bit set (bit b sets measures[b]);
 * a mask of 0 sets any quantity (most are not day measures: PBSC_E_INVAL) to any value.
 * Every set goes through fuzz_set(), which checks the status, the amendment and the order.
 */
static void
add_days(struct script *x)
{
    size_t i, steps = fuzz_u8(x->s) % (MAX_STEPS + 1);
    long last = 0;

    for (i = 0; i < steps; i++) {
        long day = next_day(x->s, last);
        unsigned mask = fuzz_u8(x->s), b;

        if (mask == 0) {
            int q = fuzz_enum(x->s, PBSC_Q_COUNT_ + 1);
            fuzz_set(x->course, day, q, fuzz_double(x->s, 0.0, 100.0));
        }
        for (b = 0; b < 8; b++)
            if (mask & (1u << b))
                fuzz_set(x->course, day, (int)measures[b].q,
                         fuzz_double(x->s, measures[b].lo, measures[b].hi));
        if (pbsc_check(PBSC_Q_DAY, (double)day, NULL) == PBSC_OK)
            last = day;
    }
    fuzz_check_rows(x->course);
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
    pbsc_model_params_init(&p);
    pbsc_model_params_init(&after);
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

/* The CE as a model (pbsc_model_from_ce): what pbsc_decide() takes instead of a raw CE. The
 * caller's own struct (pick_ce mode 3) is not validated until here. */
static void
ce_model(struct script *x)
{
    pbsc_model *sentinel = (pbsc_model *)(uintptr_t)0xA5A5A5A5u, *m = sentinel;
    pbsc_model_info info;
    pbsc_diag diag;
    char id[40];
    int rc;

    pbsc_diag_clear(&diag);
    rc = pbsc_model_from_ce(x->ce, &m, &diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(m == sentinel);
        return;
    }
    FUZZ_CHECK(m != NULL && m != sentinel);
    pbsc_model_info_init(&info);
    FUZZ_CHECK(pbsc_model_info_get(m, &info) == PBSC_OK);
    snprintf(id, sizeof id, "ce:%.28s", x->ce->id != NULL ? x->ce->id : "");
    FUZZ_CHECK(strcmp(info.id, id) == 0 && info.fitted == 0 && fuzz_hex16(info.hash));
    check_model_text(m);
    x->ce_model = m;
}

/* ---- decisions ---------------------------------------------------------------------- */

/* Days the course has no row for, day <= 0 (the last row), a moment that is not one, a
 * decision whose size was never set. */
static void
decide_odd(struct script *x, const pbsc_policy *p, const pbsc_model *m)
{
    const long odd[] = {0, -1, LONG_MIN, LONG_MAX, 367, (long)fuzz_u16(x->s)};
    struct fuzz_case k = {x->course, x->goal, x->minimum};
    size_t i, n = pbsc_course_length(x->course);
    struct fuzz_ctx ctx;
    pbsc_decision d;
    pbsc_diag diag;
    int moment, rc;

    fuzz_ctx_init(&ctx, &k, p, m);
    for (i = 0; i < sizeof odd / sizeof *odd; i++) {
        double v;
        int row = odd[i] > 0 &&
                  pbsc_course_get(x->course, odd[i], PBSC_Q_CD34_UL, &v, NULL) == PBSC_OK;
        for (moment = PBSC_MORNING; moment <= PBSC_EVENING; moment++) {
            rc = fuzz_decide(&ctx, odd[i], (pbsc_moment)moment, &d, &diag);
            if (n == 0 || (odd[i] > 0 && !row)) {
                FUZZ_CHECK(rc == PBSC_E_NODATA && strcmp(diag.field, "day") == 0);
                continue;
            }
            fuzz_check_not_in_force(&ctx, rc, &diag);
            if (rc == PBSC_OK && odd[i] <= 0)
                FUZZ_CHECK(d.day == pbsc_course_day(x->course, n - 1));
        }
    }
    /* not a moment */
    for (moment = -1; moment <= 2; moment += 3) {
        memset(&d, FUZZ_SENTINEL, sizeof d);
        d.size = sizeof d;
        pbsc_diag_clear(&diag);
        rc = pbsc_decide(x->course, p, m, 0, (pbsc_moment)moment, &d, &diag);
        FUZZ_CHECK(rc == PBSC_E_INVAL && strcmp(diag.field, "moment") == 0);
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(fuzz_untouched((const char *)&d + sizeof d.size, sizeof d - sizeof d.size));
    }
    /* a decision not initialised with pbsc_decision_init() */
    memset(&d, FUZZ_SENTINEL, sizeof d);
    d.size = fuzz_u8(x->s) % 2 ? 0 : offsetof(pbsc_decision, ce_sigma);
    pbsc_diag_clear(&diag);
    rc = pbsc_decide(x->course, p, m, 0, PBSC_MORNING, &d, &diag);
    FUZZ_CHECK(rc == PBSC_E_INVAL && strcmp(diag.field, "decision") == 0);
    fuzz_check_failure(rc, &diag);
    FUZZ_CHECK(fuzz_untouched((const char *)&d + sizeof d.size, sizeof d - sizeof d.size));
}

/*
 * Every preset and three site policies (a fixed-dose site, one for patients and donors, a
 * 100-draw forecast) decide both moments of every day and replay the course
 * (fuzz_decide_course), each with one of three models in turn: NULL (the literature
 * defaults), the CE made a model, the site model. The "forecast" preset (10,000 draws, two
 * estimates at every point a walk passes) only on the last day of short courses, in one
 * script of 16.
 */
static void
decide_all(struct script *x)
{
    struct fuzz_case k = {x->course, x->goal, x->minimum};
    const pbsc_model *models[3] = {NULL, x->ce_model, x->model};
    size_t i, n = pbsc_course_length(x->course);
    unsigned turn = fuzz_u8(x->s);
    pbsc_policy_info info;

    for (i = 0; i < pbsc_policy_count(); i++) {
        const pbsc_policy *p = pbsc_policy_get(i);
        const pbsc_model *m = models[(turn + i) % 3];
        pbsc_policy_info_init(&info);
        FUZZ_CHECK(pbsc_policy_info_get(p, &info) == PBSC_OK);
        if (!info.model_based)
            fuzz_decide_course(&k, p, m, MAX_STEPS);
        else if (n > 0 && n <= 4 && fuzz_u8(x->s) % 16 == 0)
            fuzz_decide_course(&k, p, m, 1);
    }
    fuzz_decide_course(&k, fixed_dose_policy(), models[turn % 3], MAX_STEPS);
    fuzz_decide_course(&k, both_policy(), models[(turn + 1) % 3], MAX_STEPS);
    fuzz_decide_course(&k, forecast_policy(), models[(turn + 2) % 3],
                       n <= FORECAST_ROWS ? n : 1);
    decide_odd(x, pbsc_policy_get(fuzz_u8(x->s) % pbsc_policy_count()), models[turn % 3]);
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
        forecast_counts(x, pbsc_course_day(x->course, k), level);
    forecast_counts(x, 0, level);
    read_params(x->s, &sp);
    success(x, 0, &sp);
    if (n > 1)
        success(x, pbsc_course_day(x->course, fuzz_u8(x->s) % n), &sp);
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
    f[2] = &risk.marrow_toxic_therapy, f[3] = &risk.lines_two_or_more;
    f[4] = &risk.refractory, f[5] = &risk.marrow_involvement;
    for (i = 0; i < 6; i++)
        *f[i] = (int)(fuzz_u8(x->s) % 5) - 2;
    for (k = 0; k <= n; k++) {
        long day = k < n ? pbsc_course_day(x->course, k) : 0;
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
    /* PBSC_BAND_AUTO and PBSC_BAND_NADLER are a person's, not a mL/kg band: refused */
    CONVERSION(pbsc_tbv_per_kg(w, (pbsc_band)fuzz_enum(s, 5), &out, &diag));
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
        ce_model(&x);
        choose_band(&x);
        add_days(&x);
        decide_all(&x);
        forecast_all(&x);
        gitmo_all(&x);
    } else {
        pick_ce(&x);
    }
    session_all(&x);
    conversions(&s);
    pbsc_model_free(x.ce_model);
    pbsc_model_free(x.model);
    pbsc_course_free(x.course);
    return 0;
}
