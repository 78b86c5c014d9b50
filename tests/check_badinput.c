/* SPDX-License-Identifier: MIT */
/* Bad input across the API, one table: each row calls one function with one invalid input and
 * expects its specific status, a diagnostic naming the field, and its output untouched (the
 * output buffer is filled with a sentinel byte before the call, prepared where the output is
 * size-tagged, and compared after). */
#include <stdio.h>
#include <string.h>

#include "pbsc_test.h"

#define OUT 4096
#define SENTINEL 0xA5

static pbsc_course *course;     /* a valid course: days 1-5, day 5 at 20/uL */
static const pbsc_policy *mayo; /* mayo2013-p2 */
static pbsc_model *model;       /* the default model */
static pbsc_history *history;   /* a history with one covariate, "age" */

typedef int (*call_fn)(unsigned char *out, pbsc_diag *diag);
typedef void (*prep_fn)(unsigned char *out);

struct row {
    const char *what;
    call_fn call;
    int status;
    const char *field;
    prep_fn prep; /* readies a size-tagged output (the rest stays sentinel), or NULL */
};

static pbsc_session
session(void)
{
    pbsc_session s;

    pbsc_session_init(&s);
    s.cd34 = 20.0;
    s.weight_kg = 70.0;
    s.volume_l = 15.0;
    return s;
}

static pbsc_history_row
hrow(void)
{
    pbsc_history_row r;

    pbsc_history_row_init(&r);
    r.cd34 = 20.0;
    r.processed_l = 15.0;
    r.weight_kg = 70.0;
    r.collected = 2.0;
    return r;
}

/* ---- one function per row: the invalid input is in the function's name ------------------ */

#define OUTP(type) ((type *)(void *)out)

/* Size-tagged outputs: the size set, every other byte left at the sentinel. */
static void
prep_decision(unsigned char *out)
{
    OUTP(pbsc_decision)->size = sizeof(pbsc_decision);
}
static void
prep_size_zero(unsigned char *out)
{
    *OUTP(size_t) = 0;
}

static int
lb_nan(unsigned char *out, pbsc_diag *d)
{
    return pbsc_lb_to_kg(NAN, OUTP(double), d);
}
static int
lb_huge(unsigned char *out, pbsc_diag *d)
{
    return pbsc_lb_to_kg(1e6, OUTP(double), d);
}
static int
cd34_inf(unsigned char *out, pbsc_diag *d)
{
    return pbsc_cd34_convert(INFINITY, PBSC_CD34_PER_UL, OUTP(double), d);
}
static int
cd34_bad_unit(unsigned char *out, pbsc_diag *d)
{
    return pbsc_cd34_convert(5.0, (pbsc_cd34_unit)42, OUTP(double), d);
}
static int
percent_over_100(unsigned char *out, pbsc_diag *d)
{
    return pbsc_cd34_from_percent(120.0, 10.0, OUTP(double), d);
}
static int
nadler_no_sex(unsigned char *out, pbsc_diag *d)
{
    return pbsc_tbv_nadler(170.0, 70.0, PBSC_SEX_UNKNOWN, OUTP(double), d);
}
static int
nadler_short(unsigned char *out, pbsc_diag *d)
{
    return pbsc_tbv_nadler(10.0, 70.0, PBSC_SEX_MALE, OUTP(double), d);
}
static int
perkg_denormal(unsigned char *out, pbsc_diag *d)
{
    return pbsc_tbv_per_kg(4.9e-324, PBSC_BAND_ADULT, OUTP(double), d);
}
static int
target_unknown(unsigned char *out, pbsc_diag *d)
{
    return pbsc_target_find("auto50", OUTP(const pbsc_target *), d);
}
static int
ce_unknown(unsigned char *out, pbsc_diag *d)
{
    return pbsc_ce_find("spectra", OUTP(const pbsc_ce_model *), d);
}
static int
ce_user_zero(unsigned char *out, pbsc_diag *d)
{
    return pbsc_ce_user(0.0, 0.4, OUTP(pbsc_ce_model), d);
}
static int
ce_user_sigma_inf(unsigned char *out, pbsc_diag *d)
{
    return pbsc_ce_user(0.4, INFINITY, OUTP(pbsc_ce_model), d);
}
static int
project_cd34_neg(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    s.cd34 = -1.0;
    return pbsc_yield_project(&s, pbsc_ce_default(), 0.9, 5.0, OUTP(pbsc_projection), d);
}
static int
project_weight_nan(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    s.weight_kg = NAN;
    return pbsc_yield_project(&s, pbsc_ce_default(), 0.9, 5.0, OUTP(pbsc_projection), d);
}
static int
project_both_volumes(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    s.tbv_multiple = 3.0;
    return pbsc_yield_project(&s, pbsc_ce_default(), 0.9, 5.0, OUTP(pbsc_projection), d);
}
static int
project_level_one(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    return pbsc_yield_project(&s, pbsc_ce_default(), 1.0, 5.0, OUTP(pbsc_projection), d);
}
static int
project_recipient_tiny(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    s.recipient_kg = 0.5;
    return pbsc_yield_project(&s, pbsc_ce_default(), 0.9, 5.0, OUTP(pbsc_projection), d);
}
static int
project_events_half(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    s.cd34_events = 0.5;
    return pbsc_yield_project(&s, pbsc_ce_default(), 0.9, 5.0, OUTP(pbsc_projection), d);
}
static int
volume_zero_count(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    s.cd34 = 0.0;
    return pbsc_yield_volume(&s, pbsc_ce_default(), 5.0, 0.9, OUTP(double), d);
}
static int
volume_dose_huge(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    return pbsc_yield_volume(&s, pbsc_ce_default(), 1e9, 0.9, OUTP(double), d);
}
static int
sessions_no_cap(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    pbsc_caps c;
    pbsc_caps_init(&c);
    return pbsc_yield_sessions(&s, pbsc_ce_default(), &c, 5.0, 0.9, OUTP(size_t), NULL, d);
}
static int
sessions_flow_only(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    pbsc_caps c;
    pbsc_caps_init(&c);
    c.flow_ml_min = 60.0;
    return pbsc_yield_sessions(&s, pbsc_ce_default(), &c, 5.0, 0.9, OUTP(size_t), NULL, d);
}
static int
course_min_above_goal(unsigned char *out, pbsc_diag *d)
{
    pbsc_person p;
    pbsc_person_init(&p);
    p.weight_kg = 70.0;
    return pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 2.0, 5.0, OUTP(pbsc_course *), d);
}
static int
course_bad_regimen(unsigned char *out, pbsc_diag *d)
{
    pbsc_person p;
    pbsc_person_init(&p);
    p.weight_kg = 70.0;
    return pbsc_course_new(&p, (pbsc_regimen)7, 5.0, 2.0, OUTP(pbsc_course *), d);
}
static int
course_crcl_negative(unsigned char *out, pbsc_diag *d)
{
    pbsc_person p;
    pbsc_person_init(&p);
    p.weight_kg = 70.0;
    p.crcl_ml_min = -20.0;
    return pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, OUTP(pbsc_course *), d);
}
static int
course_person_size_zero(unsigned char *out, pbsc_diag *d)
{
    pbsc_person p = pbsc_test_person(70.0, NAN);
    p.size = 0;
    return pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, OUTP(pbsc_course *), d);
}
static int
course_band_unknown(unsigned char *out, pbsc_diag *d)
{
    pbsc_person p = pbsc_test_person(70.0, NAN);
    p.band = (pbsc_band)9;
    return pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, OUTP(pbsc_course *), d);
}
static int
course_nadler_no_height(unsigned char *out, pbsc_diag *d)
{
    pbsc_person p = pbsc_test_person(70.0, NAN);
    p.sex = PBSC_SEX_FEMALE;
    p.band = PBSC_BAND_NADLER;
    return pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, OUTP(pbsc_course *), d);
}
/* Setting a day's measure: the output is the course itself, checked unchanged after (days
 * 1-5, day 5 at 20/uL, nothing else on day 5, no day 6). */
static int
set_then_check(long day, pbsc_quantity q, double v, pbsc_diag *d)
{
    int rc = pbsc_course_set(course, day, q, v, d);
    double x;
    pbsc_quantity k;
    if (rc == PBSC_OK)
        return rc;
    if (pbsc_course_length(course) != 5 || pbsc_course_day(course, 4) != 5 ||
        pbsc_course_get(course, 6, PBSC_Q_CD34_UL, &x, NULL) != PBSC_E_NODATA)
        return -1;
    for (k = PBSC_Q_WEIGHT_KG; k < PBSC_Q_COUNT_; k++) {
        if (pbsc_course_get(course, 5, k, &x, NULL) != PBSC_OK)
            continue; /* not a day measure */
        if (k == PBSC_Q_CD34_UL ? x != 20.0 : !isnan(x))
            return -1;
    }
    return rc;
}
static int
set_day_zero(unsigned char *out, pbsc_diag *d)
{
    (void)out;
    return set_then_check(0, PBSC_Q_CD34_UL, 18.0, d);
}
static int
set_day_367(unsigned char *out, pbsc_diag *d)
{
    (void)out;
    return set_then_check(367, PBSC_Q_CD34_UL, 18.0, d);
}
static int
set_not_a_day_quantity(unsigned char *out, pbsc_diag *d)
{
    (void)out;
    return set_then_check(6, PBSC_Q_WEIGHT_KG, 70.0, d);
}
static int
set_quantity_out_of_enum(unsigned char *out, pbsc_diag *d)
{
    (void)out;
    return set_then_check(6, (pbsc_quantity)77, 1.0, d);
}
static int
set_cd34_nan_on_bad_day(unsigned char *out, pbsc_diag *d)
{
    (void)out;
    return set_then_check(-3, PBSC_Q_CD34_UL, NAN, d);
}
static int
set_cd34_inf(unsigned char *out, pbsc_diag *d)
{
    (void)out;
    return set_then_check(6, PBSC_Q_CD34_UL, INFINITY, d);
}
static int
set_wbc_inf(unsigned char *out, pbsc_diag *d)
{
    (void)out;
    return set_then_check(6, PBSC_Q_WBC, INFINITY, d);
}
static int
set_plt_negative(unsigned char *out, pbsc_diag *d)
{
    (void)out;
    return set_then_check(6, PBSC_Q_PLT, -5.0, d);
}
static int
set_hct_zero(unsigned char *out, pbsc_diag *d)
{
    (void)out;
    return set_then_check(6, PBSC_Q_HCT, 0.0, d);
}
static int
set_plerixafor_overdose(unsigned char *out, pbsc_diag *d)
{
    (void)out;
    return set_then_check(6, PBSC_Q_PLERIXAFOR_MG, 48.0, d);
}
static int
set_motixafortide_negative(unsigned char *out, pbsc_diag *d)
{
    (void)out;
    return set_then_check(6, PBSC_Q_MOTIXAFORTIDE_MG, -62.5, d);
}
static int
set_volume_zero(unsigned char *out, pbsc_diag *d)
{
    (void)out;
    return set_then_check(6, PBSC_Q_VOLUME_L, 0.0, d);
}
static int
set_collected_huge(unsigned char *out, pbsc_diag *d)
{
    (void)out;
    return set_then_check(6, PBSC_Q_COLLECTED, 1e6, d);
}
static int
amend_cd34_negative(unsigned char *out, pbsc_diag *d)
{
    (void)out;
    return set_then_check(5, PBSC_Q_CD34_UL, -20.0, d);
}
static int
get_no_row(unsigned char *out, pbsc_diag *d)
{
    return pbsc_course_get(course, 6, PBSC_Q_CD34_UL, OUTP(double), d);
}
static int
get_not_a_day_quantity(unsigned char *out, pbsc_diag *d)
{
    return pbsc_course_get(course, 5, PBSC_Q_DOSE, OUTP(double), d);
}
static int
dose_weight_missing(unsigned char *out, pbsc_diag *d)
{
    return pbsc_plerixafor_dose(NAN, 90.0, 0, OUTP(double), NULL, d);
}
static int
dose_crcl_implausible(unsigned char *out, pbsc_diag *d)
{
    return pbsc_plerixafor_dose(70.0, 1e4, 0, OUTP(double), NULL, d);
}
static int
gitmo_bad_risk(unsigned char *out, pbsc_diag *d)
{
    pbsc_risk r;
    pbsc_risk_init(&r);
    r.refractory = 3;
    return pbsc_gitmo_classify(course, &r, 0, OUTP(pbsc_gitmo), NULL, d);
}
static int
policy_unknown(unsigned char *out, pbsc_diag *d)
{
    return pbsc_policy_find("mayo2014", OUTP(const pbsc_policy *), d);
}
static int
policy_text_unknown_key(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "id = x\nversion = 1\nsource = s\nregimens = gcsf\n"
                            "assess_day = 4\ncollect_day = 5\nthreshold = 7\n";
    return pbsc_policy_parse(t, strlen(t), OUTP(pbsc_policy *), d);
}
static int
policy_text_nan(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "id = x\nversion = 1\nsource = s\nregimens = gcsf\n"
                            "assess_day = 4\ncollect_day = 5\nplerixafor_below = nan\n";
    return pbsc_policy_parse(t, strlen(t), OUTP(pbsc_policy *), d);
}
static int
policy_text_duplicate(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "id = x\nid = y\n";
    return pbsc_policy_parse(t, strlen(t), OUTP(pbsc_policy *), d);
}
static int
policy_text_scope_bad(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "id = x\nversion = 1\nsource = s\nregimens = gcsf\n"
                            "assess_day = 4\ncollect_day = 5\nscope = allogeneic\n";
    return pbsc_policy_parse(t, strlen(t), OUTP(pbsc_policy *), d);
}
static int
policy_text_donor_plerixafor(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "id = x\nversion = 1\nsource = s\nregimens = gcsf\n"
                            "assess_day = 4\ncollect_day = 5\nscope = donor\n";
    return pbsc_policy_parse(t, strlen(t), OUTP(pbsc_policy *), d);
}
static int
policy_file_missing(unsigned char *out, pbsc_diag *d)
{
    return pbsc_policy_read("/nonexistent/site.policy", OUTP(pbsc_policy *), d);
}
static int
decide_day_absent(unsigned char *out, pbsc_diag *d)
{
    return pbsc_decide(course, mayo, NULL, 12, PBSC_MORNING, OUTP(pbsc_decision), d);
}
static int
decide_null_policy(unsigned char *out, pbsc_diag *d)
{
    return pbsc_decide(course, NULL, model, 0, PBSC_EVENING, OUTP(pbsc_decision), d);
}
static int
decide_size_zero(unsigned char *out, pbsc_diag *d)
{
    return pbsc_decide(course, mayo, NULL, 5, PBSC_MORNING, OUTP(pbsc_decision), d);
}
static int
decide_moment_7(unsigned char *out, pbsc_diag *d)
{
    return pbsc_decide(course, mayo, NULL, 5, (pbsc_moment)7, OUTP(pbsc_decision), d);
}
static int
decide_no_goal(unsigned char *out, pbsc_diag *d)
{
    static const struct pbsc_test_row r[] = {{6, 18.0, NA, NA, NA, NA}};
    pbsc_person p = pbsc_test_person(70.0, NAN);
    pbsc_course *c = pbsc_test_course(&p, PBSC_REGIMEN_GCSF, NAN, NAN, r, 1);
    int rc = pbsc_decide(c, mayo, NULL, 0, PBSC_MORNING, OUTP(pbsc_decision), d);
    pbsc_course_free(c);
    return rc;
}
static int
replay_too_small(unsigned char *out, pbsc_diag *d)
{
    size_t n;
    return pbsc_replay(course, mayo, NULL, OUTP(pbsc_decision), 4, &n, d);
}
static int
replay_size_zero(unsigned char *out, pbsc_diag *d)
{
    size_t n;
    return pbsc_replay(course, mayo, NULL, OUTP(pbsc_decision), 8, &n, d);
}
static int
replay_empty_course(unsigned char *out, pbsc_diag *d)
{
    pbsc_person p = pbsc_test_person(70.0, NAN);
    pbsc_course *c = pbsc_test_course(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, NULL, 0);
    size_t n;
    int rc = pbsc_replay(c, mayo, NULL, OUTP(pbsc_decision), 8, &n, d);
    pbsc_course_free(c);
    return rc;
}
static int
model_from_ce_median_high(unsigned char *out, pbsc_diag *d)
{
    pbsc_ce_model ce = *pbsc_ce_default();
    ce.median = 1.6;
    return pbsc_model_from_ce(&ce, OUTP(pbsc_model *), d);
}
/* pbsc_model_set: the output is the model, checked unchanged after (its hash) */
static int
set_model_then_check(const pbsc_model_params *p, pbsc_diag *d)
{
    pbsc_model_info before, after;
    char hash[17];
    int rc;
    pbsc_model_info_init(&before);
    pbsc_model_info_init(&after);
    pbsc_model_info_get(model, &before);
    snprintf(hash, sizeof hash, "%s", before.hash);
    rc = pbsc_model_set(model, p, d);
    pbsc_model_info_get(model, &after);
    return rc != PBSC_OK && strcmp(after.hash, hash) != 0 ? -1 : rc;
}
static int
model_params_size_zero(unsigned char *out, pbsc_diag *d)
{
    pbsc_model_params p;
    (void)out;
    pbsc_model_params_init(&p);
    p.ce.median = 0.3; /* a change the failed call must not make */
    p.size = 0;
    return set_model_then_check(&p, d);
}
static int
model_params_sigma_negative(unsigned char *out, pbsc_diag *d)
{
    pbsc_model_params p;
    (void)out;
    pbsc_model_params_init(&p);
    p.chemo_sigma = -0.5;
    return set_model_then_check(&p, d);
}
static int
model_text_version2(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "pbsc-model = 2\n";
    return pbsc_model_parse(t, strlen(t), OUTP(pbsc_model *), d);
}
static int
model_text_ratio_zero(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "pbsc-model = 1\napheresis_ratio = 0\n";
    return pbsc_model_parse(t, strlen(t), OUTP(pbsc_model *), d);
}
static int
model_text_fitted_maybe(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "pbsc-model = 1\nid = site\nfitted = maybe\n";
    return pbsc_model_parse(t, strlen(t), OUTP(pbsc_model *), d);
}
static int
model_text_part_unknown(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "pbsc-model = 1\nfitted = yes\nfitted_parts = ce blood\n";
    return pbsc_model_parse(t, strlen(t), OUTP(pbsc_model *), d);
}
static int
model_text_floored_not_fitted(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "pbsc-model = 1\nfitted = yes\nfitted_parts = ce\n"
                            "floored = apheresis_sigma\n";
    return pbsc_model_parse(t, strlen(t), OUTP(pbsc_model *), d);
}
static int
model_text_note_without_parts(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "pbsc-model = 1\nfitted = yes\nce_note = sigma floored\n";
    return pbsc_model_parse(t, strlen(t), OUTP(pbsc_model *), d);
}
static int
model_text_risk_part_without_terms(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "pbsc-model = 1\nfitted = yes\nfitted_parts = ce risk\n";
    return pbsc_model_parse(t, strlen(t), OUTP(pbsc_model *), d);
}
static int
model_text_parts_not_fitted(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "pbsc-model = 1\nfitted = no\nfitted_parts = ce\n";
    return pbsc_model_parse(t, strlen(t), OUTP(pbsc_model *), d);
}
static int
model_risk_wrong_count(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "pbsc-model = 1\nrisk = intercept -1 0 1\nrisk = age 0.05 60 10\n";
    pbsc_model *m;
    double x[2] = {70.0, 1.0};
    int rc;
    pbsc_model_parse(t, strlen(t), &m, NULL);
    rc = pbsc_model_risk(m, x, 2, OUTP(double), d);
    pbsc_model_free(m);
    return rc;
}
static int
model_ce_hct_over(unsigned char *out, pbsc_diag *d)
{
    return pbsc_model_ce(model, 20.0, 120.0, OUTP(pbsc_ce_model), d);
}
static int
forecast_no_count(unsigned char *out, pbsc_diag *d)
{
    return pbsc_forecast_count(course, model, 1, PBSC_OPTION_GCSF, 0.9, OUTP(pbsc_count_forecast),
                               d);
}
static int
forecast_bad_option(unsigned char *out, pbsc_diag *d)
{
    return pbsc_forecast_count(course, model, 5, (pbsc_option)99, 0.9, OUTP(pbsc_count_forecast),
                               d);
}
static int
success_too_few_draws(unsigned char *out, pbsc_diag *d)
{
    pbsc_success_params sp;
    pbsc_success_params_init(&sp);
    sp.draws = 10;
    return pbsc_success_estimate(course, model, 5, PBSC_OPTION_COLLECT, &sp, OUTP(pbsc_success), d);
}
static int
success_sessions_zero(unsigned char *out, pbsc_diag *d)
{
    pbsc_success_params sp;
    pbsc_success_params_init(&sp);
    sp.max_sessions = 0;
    return pbsc_success_estimate(course, model, 5, PBSC_OPTION_COLLECT, &sp, OUTP(pbsc_success), d);
}
static int
history_name_space(unsigned char *out, pbsc_diag *d)
{
    static const char *const names[] = {"prior lines"};
    return pbsc_history_new(names, 1, OUTP(pbsc_history *), d);
}
static int
history_hct_zero(unsigned char *out, pbsc_diag *d)
{
    pbsc_history_row r = hrow();
    double age = 60.0;
    r.hct = 0.0;
    (void)out;
    return pbsc_history_add(history, &r, &age, d);
}
static int
history_covariate_inf(unsigned char *out, pbsc_diag *d)
{
    pbsc_history_row r = hrow();
    double age = INFINITY;
    (void)out;
    return pbsc_history_add(history, &r, &age, d);
}
static int
calibrate_too_few(unsigned char *out, pbsc_diag *d)
{
    pbsc_fit_report rep;
    int rc = pbsc_calibrate(history, OUTP(pbsc_model *), &rep, d);
    return rc;
}
static int
calibrate_no_report(unsigned char *out, pbsc_diag *d)
{
    return pbsc_calibrate(history, OUTP(pbsc_model *), NULL, d);
}
static int
calibrate_ce_median_high(unsigned char *out, pbsc_diag *d)
{
    /* 30 sessions of CE2 2 (a product per kg of the wrong person, say): a unit error, refused;
     * a constant CE alone is not an error (its sigma is floored, pbsc_calibrate(3)) */
    pbsc_history *h = NULL;
    pbsc_history_row r = hrow();
    pbsc_fit_report rep;
    int i, rc;

    r.collected = 20.0 * 15.0 * 2.0 / 70.0;
    ck_assert_int_eq(pbsc_history_new(NULL, 0, &h, NULL), PBSC_OK);
    for (i = 0; i < 30; i++)
        ck_assert_int_eq(pbsc_history_add(h, &r, NULL, NULL), PBSC_OK);
    rc = pbsc_calibrate(h, OUTP(pbsc_model *), &rep, d);
    pbsc_history_free(h);
    return rc;
}

/* ---- issue 9: any locale, no absurd plan, no borrowed identity, no NaN ----------------- */
static int
policy_text_decimal_comma(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "id = x\nversion = 1\nsource = s\nregimens = gcsf\n"
                            "assess_day = 4\ncollect_day = 5\nplerixafor_below = 12,5\n";
    return pbsc_policy_parse(t, strlen(t), OUTP(pbsc_policy *), d);
}
static int
policy_text_preset_id(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "id = mayo2013-p2\nversion = 1\nsource = s\nregimens = gcsf\n"
                            "assess_day = 4\ncollect_day = 5\nplerixafor_below = 12\n";
    return pbsc_policy_parse(t, strlen(t), OUTP(pbsc_policy *), d);
}
static int
policy_text_tbv_over_ceiling(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "id = x\nversion = 1\nsource = s\nregimens = gcsf\n"
                            "assess_day = 4\ncollect_day = 5\nsession_tbv_multiple = 6\n";
    return pbsc_policy_parse(t, strlen(t), OUTP(pbsc_policy *), d);
}
static int
model_text_decimal_comma(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "pbsc-model = 1\nce_median = 0,45\n";
    return pbsc_model_parse(t, strlen(t), OUTP(pbsc_model *), d);
}
static int
model_text_ce_median_below_use(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "pbsc-model = 1\nce_median = 0.005\n";
    return pbsc_model_parse(t, strlen(t), OUTP(pbsc_model *), d);
}
static int
model_text_risk_coefficient_31(unsigned char *out, pbsc_diag *d)
{
    static const char t[] = "pbsc-model = 1\nrisk = intercept 0 0 1\nrisk = age 31 50 10\n";
    return pbsc_model_parse(t, strlen(t), OUTP(pbsc_model *), d);
}
static int
project_volume_285_tbv(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    s.weight_kg = 3.0;
    s.volume_l = 60.0; /* 285.7 x the 0.21 L blood volume */
    return pbsc_yield_project(&s, pbsc_ce_default(), 0.9, 5.0, OUTP(pbsc_projection), d);
}
static int
project_tbv_multiple_over_ceiling(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    s.volume_l = NAN;
    s.tbv_multiple = 5.31;
    return pbsc_yield_project(&s, pbsc_ce_default(), 0.9, 5.0, OUTP(pbsc_projection), d);
}
static int
volume_beyond_one_session(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    s.cd34 = 0.1; /* 7608.7 L at the median for 5 x10^6/kg */
    return pbsc_yield_volume(&s, pbsc_ce_default(), 5.0, 0.5, OUTP(double), d);
}
static int
sessions_beyond_four(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    pbsc_caps c;
    pbsc_caps_init(&c);
    c.tbv_multiple = 5.0;
    s.cd34 = 0.1; /* 1310 sessions of 24.5 L at P 0.9 */
    return pbsc_yield_sessions(&s, pbsc_ce_default(), &c, 5.0, 0.9, OUTP(size_t), NULL, d);
}
static int
sessions_cap_fractional(unsigned char *out, pbsc_diag *d)
{
    pbsc_session s = session();
    pbsc_caps c;
    pbsc_caps_init(&c);
    c.litres = 20.0;
    c.sessions = 2.5;
    return pbsc_yield_sessions(&s, pbsc_ce_default(), &c, 5.0, 0.9, OUTP(size_t), NULL, d);
}

static const struct row rows[] = {
    {"weight in lb: NAN", lb_nan, PBSC_E_MISSING, "weight_lb", NULL},
    {"weight in lb: 1e6", lb_huge, PBSC_E_RANGE, "weight_lb", NULL},
    {"PB CD34: infinite", cd34_inf, PBSC_E_NOTFINITE, "cd34", NULL},
    {"PB CD34: unknown unit", cd34_bad_unit, PBSC_E_INVAL, "unit", NULL},
    {"%CD34 over 100", percent_over_100, PBSC_E_RANGE, "cd34_percent", NULL},
    {"Nadler without sex", nadler_no_sex, PBSC_E_MISSING, "sex", NULL},
    {"Nadler, height 10 cm", nadler_short, PBSC_E_RANGE, "height_cm", NULL},
    {"mL/kg, a denormal weight", perkg_denormal, PBSC_E_RANGE, "weight_kg", NULL},
    {"target preset unknown", target_unknown, PBSC_E_UNKNOWN, "target", NULL},
    {"CE preset unknown", ce_unknown, PBSC_E_UNKNOWN, "device", NULL},
    {"user CE median 0", ce_user_zero, PBSC_E_RANGE, "ce_median", NULL},
    {"user CE sigma infinite", ce_user_sigma_inf, PBSC_E_NOTFINITE, "ce_sigma", NULL},
    {"projection: negative count", project_cd34_neg, PBSC_E_NEGATIVE, "cd34", NULL},
    {"projection: weight not measured", project_weight_nan, PBSC_E_MISSING, "weight_kg", NULL},
    {"projection: litres and TBV multiple", project_both_volumes, PBSC_E_CONFLICT, "volume_l",
     NULL},
    {"projection: level 1", project_level_one, PBSC_E_RANGE, "level", NULL},
    {"projection: recipient 0.5 kg", project_recipient_tiny, PBSC_E_RANGE, "recipient_kg", NULL},
    {"projection: half an event", project_events_half, PBSC_E_CONFLICT, "cd34_events", NULL},
    {"volume: a count of 0", volume_zero_count, PBSC_E_UNREACHABLE, "cd34", NULL},
    {"volume: dose 1e9", volume_dose_huge, PBSC_E_RANGE, "dose", NULL},
    {"sessions: no cap", sessions_no_cap, PBSC_E_MISSING, "caps", NULL},
    {"sessions: flow without minutes", sessions_flow_only, PBSC_E_MISSING, "caps.minutes", NULL},
    {"course: minimum above goal", course_min_above_goal, PBSC_E_CONFLICT, "minimum", NULL},
    {"course: unknown regimen", course_bad_regimen, PBSC_E_INVAL, "regimen", NULL},
    {"course: negative CrCl", course_crcl_negative, PBSC_E_NEGATIVE, "crcl_ml_min", NULL},
    {"course: person of size 0", course_person_size_zero, PBSC_E_INVAL, "person", NULL},
    {"course: band 9", course_band_unknown, PBSC_E_INVAL, "band", NULL},
    {"course: Nadler band without height", course_nadler_no_height, PBSC_E_MISSING, "height_cm",
     NULL},
    {"day: 0", set_day_zero, PBSC_E_RANGE, "day", NULL},
    {"day: 367", set_day_367, PBSC_E_RANGE, "day", NULL},
    {"day: not a measure of a day", set_not_a_day_quantity, PBSC_E_INVAL, "quantity", NULL},
    {"day: quantity 77", set_quantity_out_of_enum, PBSC_E_INVAL, "quantity", NULL},
    {"day: NAN on day -3", set_cd34_nan_on_bad_day, PBSC_E_NEGATIVE, "day", NULL},
    {"day: PB CD34 infinite", set_cd34_inf, PBSC_E_NOTFINITE, "cd34", NULL},
    {"day: WBC infinite", set_wbc_inf, PBSC_E_NOTFINITE, "wbc", NULL},
    {"day: negative platelets", set_plt_negative, PBSC_E_NEGATIVE, "plt", NULL},
    {"day: Hct 0", set_hct_zero, PBSC_E_RANGE, "hct", NULL},
    {"day: plerixafor 48 mg", set_plerixafor_overdose, PBSC_E_RANGE, "plerixafor_mg", NULL},
    {"day: motixafortide negative", set_motixafortide_negative, PBSC_E_NEGATIVE, "motixafortide_mg",
     NULL},
    {"day: 0 L processed", set_volume_zero, PBSC_E_RANGE, "volume_l", NULL},
    {"day: product 1e6 x10^6/kg", set_collected_huge, PBSC_E_RANGE, "collected", NULL},
    {"day: count amended to -20", amend_cd34_negative, PBSC_E_NEGATIVE, "cd34", NULL},
    {"day: get a day not in the course", get_no_row, PBSC_E_NODATA, "day", NULL},
    {"day: get a quantity not of a day", get_not_a_day_quantity, PBSC_E_INVAL, "quantity", NULL},
    {"plerixafor: weight missing", dose_weight_missing, PBSC_E_MISSING, "weight_kg", NULL},
    {"plerixafor: CrCl 10,000", dose_crcl_implausible, PBSC_E_RANGE, "crcl_ml_min", NULL},
    {"GITMO: a risk value of 3", gitmo_bad_risk, PBSC_E_INVAL, "refractory", NULL},
    {"policy preset unknown", policy_unknown, PBSC_E_UNKNOWN, "policy", NULL},
    {"policy file: unknown key", policy_text_unknown_key, PBSC_E_UNKNOWN, "threshold", NULL},
    {"policy file: nan", policy_text_nan, PBSC_E_PARSE, "plerixafor_below", NULL},
    {"policy file: key twice", policy_text_duplicate, PBSC_E_DUPLICATE, "id", NULL},
    {"policy file: scope allogeneic", policy_text_scope_bad, PBSC_E_PARSE, "scope", NULL},
    {"policy file: donors given plerixafor", policy_text_donor_plerixafor, PBSC_E_CONFLICT,
     "max_plerixafor_doses", NULL},
    {"policy file: missing", policy_file_missing, PBSC_E_IO, "path", NULL},
    {"decide: a day not in the course", decide_day_absent, PBSC_E_NODATA, "day", prep_decision},
    {"decide: NULL policy", decide_null_policy, PBSC_E_INVAL, "policy", prep_decision},
    {"decide: decision of size 0", decide_size_zero, PBSC_E_INVAL, "decision", prep_size_zero},
    {"decide: moment 7", decide_moment_7, PBSC_E_INVAL, "moment", prep_decision},
    {"decide: no goal anywhere", decide_no_goal, PBSC_E_MISSING, "goal", prep_decision},
    {"replay: 4 for 5 points", replay_too_small, PBSC_E_RANGE, "capacity", prep_decision},
    {"replay: decisions of size 0", replay_size_zero, PBSC_E_INVAL, "decisions", prep_size_zero},
    {"replay: a course without days", replay_empty_course, PBSC_E_NODATA, "day", prep_decision},
    {"model from CE: median 1.6", model_from_ce_median_high, PBSC_E_RANGE, "ce_median", NULL},
    {"model: params of size 0", model_params_size_zero, PBSC_E_INVAL, "params", NULL},
    {"model: a negative sigma", model_params_sigma_negative, PBSC_E_RANGE, "chemo_sigma", NULL},
    {"model file: version 2", model_text_version2, PBSC_E_PARSE, "pbsc-model", NULL},
    {"model file: fitted = maybe", model_text_fitted_maybe, PBSC_E_PARSE, "fitted", NULL},
    {"model file: ratio 0", model_text_ratio_zero, PBSC_E_RANGE, "apheresis_ratio", NULL},
    {"model file: a part named blood", model_text_part_unknown, PBSC_E_PARSE, "fitted_parts", NULL},
    {"model file: a floor of a part not fitted", model_text_floored_not_fitted, PBSC_E_CONFLICT,
     "floored", NULL},
    {"model file: a note without fitted_parts", model_text_note_without_parts, PBSC_E_CONFLICT,
     "ce_note", NULL},
    {"model file: risk fitted, no risk lines", model_text_risk_part_without_terms, PBSC_E_CONFLICT,
     "fitted_parts", NULL},
    {"model file: parts of a model not fitted", model_text_parts_not_fitted, PBSC_E_CONFLICT,
     "fitted_parts", NULL},
    {"risk: two values for one covariate", model_risk_wrong_count, PBSC_E_INVAL, "count", NULL},
    {"model CE: Hct 120%", model_ce_hct_over, PBSC_E_RANGE, "hct", NULL},
    {"forecast: no count that day", forecast_no_count, PBSC_E_MISSING, "cd34", NULL},
    {"forecast: unknown option", forecast_bad_option, PBSC_E_INVAL, "option", NULL},
    {"success: 10 draws", success_too_few_draws, PBSC_E_RANGE, "draws", NULL},
    {"success: 0 sessions", success_sessions_zero, PBSC_E_RANGE, "max_sessions", NULL},
    {"history: a name with a space", history_name_space, PBSC_E_INVAL, "covariates", NULL},
    {"history: Hct 0", history_hct_zero, PBSC_E_RANGE, "hct", NULL},
    {"history: infinite covariate", history_covariate_inf, PBSC_E_NOTFINITE, "age", NULL},
    {"calibrate: no rows", calibrate_too_few, PBSC_E_TOOFEW, "history", NULL},
    {"policy file: a decimal comma", policy_text_decimal_comma, PBSC_E_PARSE, "plerixafor_below",
     NULL},
    {"policy file: a preset's id, other rules", policy_text_preset_id, PBSC_E_CONFLICT, "id",
     NULL},
    {"policy file: 6 x TBV a session", policy_text_tbv_over_ceiling, PBSC_E_RANGE,
     "session_tbv_multiple", NULL},
    {"model file: a decimal comma", model_text_decimal_comma, PBSC_E_PARSE, "ce_median", NULL},
    {"model file: ce_median 0.005", model_text_ce_median_below_use, PBSC_E_RANGE, "ce_median",
     NULL},
    {"model file: risk coefficient 31", model_text_risk_coefficient_31, PBSC_E_RANGE, "risk",
     NULL},
    {"project: 60 L for 3 kg", project_volume_285_tbv, PBSC_E_RANGE, "volume_l", NULL},
    {"project: 5.31 x TBV", project_tbv_multiple_over_ceiling, PBSC_E_RANGE, "tbv_multiple",
     NULL},
    {"volume: beyond one session", volume_beyond_one_session, PBSC_E_UNREACHABLE, "dose", NULL},
    {"sessions: more than 4", sessions_beyond_four, PBSC_E_UNREACHABLE, "dose", NULL},
    {"sessions: cap of 2.5", sessions_cap_fractional, PBSC_E_RANGE, "caps.sessions", NULL},
    {"calibrate: NULL report", calibrate_no_report, PBSC_E_INVAL, "report", NULL},
    {"calibrate: CE2 of 2 in every session", calibrate_ce_median_high, PBSC_E_RANGE, "ce_median",
     NULL},
};

static void
setup(void)
{
    static const char *const age[] = {"age"};
    static const struct pbsc_test_row days[] = {EMPTY_DAY(1),
                                                EMPTY_DAY(2),
                                                EMPTY_DAY(3),
                                                EMPTY_DAY(4),
                                                {5, 20.0, NA, NA, NA, NA}};
    pbsc_person p = pbsc_test_person(70.0, NAN);

    course = pbsc_test_course(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, days, NROWS(days));
    ck_assert_int_eq(pbsc_policy_find("mayo2013-p2", &mayo, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_model_new(&model, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_history_new(age, 1, &history, NULL), PBSC_OK);
}

static void
teardown(void)
{
    pbsc_course_free(course);
    pbsc_model_free(model);
    pbsc_history_free(history);
}

START_TEST(bad_input)
{
    const struct row *r = &rows[_i];
    unsigned char out[OUT], want[OUT];
    pbsc_diag diag;
    int rc;

    memset(out, SENTINEL, sizeof out);
    if (r->prep != NULL)
        r->prep(out);
    memcpy(want, out, sizeof want);
    pbsc_diag_clear(&diag);
    rc = r->call(out, &diag);
    ck_assert_msg(rc == r->status, "%s: status %d (%s), want %d (%s)", r->what, rc,
                  pbsc_strerror(rc), r->status, pbsc_strerror(r->status));
    ck_assert_msg(diag.status == r->status, "%s: diag.status %d", r->what, diag.status);
    ck_assert_msg(strcmp(diag.field, r->field) == 0, "%s: field '%s', want '%s'", r->what,
                  diag.field, r->field);
    ck_assert_msg(diag.text[0] != '\0', "%s: no text", r->what);
    ck_assert_msg(memcmp(out, want, sizeof out) == 0, "%s: the output was written", r->what);
}
END_TEST

START_TEST(table_is_large_and_distinct)
{
    size_t i, j;

    ck_assert_uint_ge(sizeof rows / sizeof rows[0], 75);
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
        for (j = 0; j < i; j++)
            ck_assert_msg(rows[i].call != rows[j].call, "row %zu repeats row %zu", i, j);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("badinput");
    TCase *tc = tcase_create("table");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, bad_input, 0, (int)(sizeof rows / sizeof rows[0]));
    tcase_add_test(tc, table_is_large_and_distinct);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pbsc_test_run(suite());
}
