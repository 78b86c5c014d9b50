/* SPDX-License-Identifier: MIT */
/* Bad input across the API, one table: each row calls one function with one invalid input and
 * expects its specific status, a diagnostic naming the field, and its output untouched (the
 * output buffer is filled with a sentinel byte before the call and compared after). */
#include <string.h>

#include "pbsc_test.h"

#define OUT 4096
#define SENTINEL 0xA5

static pbsc_course *course;     /* a valid course: days 1-5, day 5 at 20/uL */
static const pbsc_policy *mayo; /* mayo2013-p2 */
static pbsc_model *model;       /* the default model */
static pbsc_history *history;   /* a history with one covariate, "age" */

typedef int (*call_fn)(unsigned char *out, pbsc_diag *diag);

struct row {
    const char *what;
    call_fn call;
    int status;
    const char *field;
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

static pbsc_day
day6(void)
{
    pbsc_day d;

    pbsc_day_init(&d);
    d.day = 6;
    d.cd34 = 18.0;
    return d;
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
/* the course rows: the output is the course's length and last row, compared after */
static int
add_then_snapshot(pbsc_day *dd, unsigned char *out, pbsc_diag *d)
{
    int rc = pbsc_course_add(course, dd, d);
    size_t n = pbsc_course_length(course);
    if (rc == PBSC_OK)
        return rc;
    /* unchanged course: 5 rows, the last still day 5 */
    if (n != 5 || pbsc_course_day(course, 4)->day != 5)
        return -1;
    return rc;
}
static int
add_duplicate(unsigned char *out, pbsc_diag *d)
{
    pbsc_day dd = day6();
    dd.day = 5;
    return add_then_snapshot(&dd, out, d);
}
static int
add_backwards(unsigned char *out, pbsc_diag *d)
{
    pbsc_day dd = day6();
    dd.day = 3;
    return add_then_snapshot(&dd, out, d);
}
static int
add_day_zero(unsigned char *out, pbsc_diag *d)
{
    pbsc_day dd = day6();
    dd.day = 0;
    return add_then_snapshot(&dd, out, d);
}
static int
add_wbc_inf(unsigned char *out, pbsc_diag *d)
{
    pbsc_day dd = day6();
    dd.wbc = INFINITY;
    return add_then_snapshot(&dd, out, d);
}
static int
add_plt_negative(unsigned char *out, pbsc_diag *d)
{
    pbsc_day dd = day6();
    dd.plt = -5.0;
    return add_then_snapshot(&dd, out, d);
}
static int
add_plerixafor_overdose(unsigned char *out, pbsc_diag *d)
{
    pbsc_day dd = day6();
    dd.plerixafor_mg = 48.0;
    return add_then_snapshot(&dd, out, d);
}
static int
add_collection_without_count(unsigned char *out, pbsc_diag *d)
{
    pbsc_day dd = day6();
    dd.cd34 = NAN;
    dd.collected = 2.0;
    return add_then_snapshot(&dd, out, d);
}
static int
add_collected_huge(unsigned char *out, pbsc_diag *d)
{
    pbsc_day dd = day6();
    dd.collected = 1e6;
    return add_then_snapshot(&dd, out, d);
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
policy_file_missing(unsigned char *out, pbsc_diag *d)
{
    return pbsc_policy_read("/nonexistent/site.policy", OUTP(pbsc_policy *), d);
}
static int
decide_day_absent(unsigned char *out, pbsc_diag *d)
{
    return pbsc_decide(course, mayo, pbsc_ce_default(), 12, OUTP(pbsc_decision), d);
}
static int
decide_null_ce(unsigned char *out, pbsc_diag *d)
{
    return pbsc_decide(course, mayo, NULL, 0, OUTP(pbsc_decision), d);
}
static int
decide_no_goal(unsigned char *out, pbsc_diag *d)
{
    pbsc_person p;
    pbsc_course *c;
    pbsc_day dd = day6();
    int rc;
    pbsc_person_init(&p);
    p.weight_kg = 70.0;
    pbsc_course_new(&p, PBSC_REGIMEN_GCSF, NAN, NAN, &c, NULL);
    pbsc_course_add(c, &dd, NULL);
    rc = pbsc_decide(c, mayo, pbsc_ce_default(), 0, OUTP(pbsc_decision), d);
    pbsc_course_free(c);
    return rc;
}
static int
replay_too_small(unsigned char *out, pbsc_diag *d)
{
    size_t n;
    return pbsc_replay(course, mayo, pbsc_ce_default(), OUTP(pbsc_decision), 2, &n, d);
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

static const struct row rows[] = {
    {"weight in lb: NAN", lb_nan, PBSC_E_MISSING, "weight_lb"},
    {"weight in lb: 1e6", lb_huge, PBSC_E_RANGE, "weight_lb"},
    {"PB CD34: infinite", cd34_inf, PBSC_E_NOTFINITE, "cd34"},
    {"PB CD34: unknown unit", cd34_bad_unit, PBSC_E_INVAL, "unit"},
    {"%CD34 over 100", percent_over_100, PBSC_E_RANGE, "cd34_percent"},
    {"Nadler without sex", nadler_no_sex, PBSC_E_MISSING, "sex"},
    {"Nadler, height 10 cm", nadler_short, PBSC_E_RANGE, "height_cm"},
    {"mL/kg, a denormal weight", perkg_denormal, PBSC_E_RANGE, "weight_kg"},
    {"target preset unknown", target_unknown, PBSC_E_UNKNOWN, "target"},
    {"CE preset unknown", ce_unknown, PBSC_E_UNKNOWN, "device"},
    {"user CE median 0", ce_user_zero, PBSC_E_RANGE, "ce_median"},
    {"user CE sigma infinite", ce_user_sigma_inf, PBSC_E_NOTFINITE, "ce_sigma"},
    {"projection: negative count", project_cd34_neg, PBSC_E_NEGATIVE, "cd34"},
    {"projection: weight not measured", project_weight_nan, PBSC_E_MISSING, "weight_kg"},
    {"projection: litres and TBV multiple", project_both_volumes, PBSC_E_CONFLICT, "volume_l"},
    {"projection: level 1", project_level_one, PBSC_E_RANGE, "level"},
    {"projection: recipient 0.5 kg", project_recipient_tiny, PBSC_E_RANGE, "recipient_kg"},
    {"projection: half an event", project_events_half, PBSC_E_CONFLICT, "cd34_events"},
    {"volume: a count of 0", volume_zero_count, PBSC_E_UNREACHABLE, "cd34"},
    {"volume: dose 1e9", volume_dose_huge, PBSC_E_RANGE, "dose"},
    {"sessions: no cap", sessions_no_cap, PBSC_E_MISSING, "caps"},
    {"sessions: flow without minutes", sessions_flow_only, PBSC_E_MISSING, "caps.minutes"},
    {"course: minimum above goal", course_min_above_goal, PBSC_E_CONFLICT, "minimum"},
    {"course: unknown regimen", course_bad_regimen, PBSC_E_INVAL, "regimen"},
    {"course: negative CrCl", course_crcl_negative, PBSC_E_NEGATIVE, "crcl_ml_min"},
    {"day: duplicated", add_duplicate, PBSC_E_DUPLICATE, "day"},
    {"day: backwards", add_backwards, PBSC_E_ORDER, "day"},
    {"day: 0", add_day_zero, PBSC_E_RANGE, "day"},
    {"day: WBC infinite", add_wbc_inf, PBSC_E_NOTFINITE, "wbc"},
    {"day: negative platelets", add_plt_negative, PBSC_E_NEGATIVE, "plt"},
    {"day: plerixafor 48 mg", add_plerixafor_overdose, PBSC_E_RANGE, "plerixafor_mg"},
    {"day: a product without a count", add_collection_without_count, PBSC_E_MISSING, "cd34"},
    {"day: product 1e6 x10^6/kg", add_collected_huge, PBSC_E_RANGE, "collected"},
    {"plerixafor: weight missing", dose_weight_missing, PBSC_E_MISSING, "weight_kg"},
    {"plerixafor: CrCl 10,000", dose_crcl_implausible, PBSC_E_RANGE, "crcl_ml_min"},
    {"GITMO: a risk value of 3", gitmo_bad_risk, PBSC_E_INVAL, "refractory"},
    {"policy preset unknown", policy_unknown, PBSC_E_UNKNOWN, "policy"},
    {"policy file: unknown key", policy_text_unknown_key, PBSC_E_UNKNOWN, "threshold"},
    {"policy file: nan", policy_text_nan, PBSC_E_PARSE, "plerixafor_below"},
    {"policy file: key twice", policy_text_duplicate, PBSC_E_DUPLICATE, "id"},
    {"policy file: missing", policy_file_missing, PBSC_E_IO, "path"},
    {"decide: a day not in the course", decide_day_absent, PBSC_E_NODATA, "day"},
    {"decide: NULL CE model", decide_null_ce, PBSC_E_INVAL, "ce"},
    {"decide: no goal anywhere", decide_no_goal, PBSC_E_MISSING, "goal"},
    {"replay: array too small", replay_too_small, PBSC_E_RANGE, "capacity"},
    {"model file: version 2", model_text_version2, PBSC_E_PARSE, "pbsc-model"},
    {"model file: ratio 0", model_text_ratio_zero, PBSC_E_RANGE, "apheresis_ratio"},
    {"risk: two values for one covariate", model_risk_wrong_count, PBSC_E_INVAL, "count"},
    {"model CE: Hct 120%", model_ce_hct_over, PBSC_E_RANGE, "hct"},
    {"forecast: no count that day", forecast_no_count, PBSC_E_MISSING, "cd34"},
    {"forecast: unknown option", forecast_bad_option, PBSC_E_INVAL, "option"},
    {"success: 10 draws", success_too_few_draws, PBSC_E_RANGE, "draws"},
    {"success: 0 sessions", success_sessions_zero, PBSC_E_RANGE, "max_sessions"},
    {"history: a name with a space", history_name_space, PBSC_E_INVAL, "covariates"},
    {"history: Hct 0", history_hct_zero, PBSC_E_RANGE, "hct"},
    {"history: infinite covariate", history_covariate_inf, PBSC_E_NOTFINITE, "age"},
    {"calibrate: no rows", calibrate_too_few, PBSC_E_TOOFEW, "history"},
};

static void
setup(void)
{
    static const char *const age[] = {"age"};
    pbsc_person p;
    long i;

    pbsc_person_init(&p);
    p.weight_kg = 70.0;
    ck_assert_int_eq(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5.0, 2.0, &course, NULL), PBSC_OK);
    for (i = 1; i <= 5; i++) {
        pbsc_day d;
        pbsc_day_init(&d);
        d.day = i;
        d.cd34 = i == 5 ? 20.0 : (double)NAN;
        ck_assert_int_eq(pbsc_course_add(course, &d, NULL), PBSC_OK);
    }
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
    memset(want, SENTINEL, sizeof want);
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

    ck_assert_uint_ge(sizeof rows / sizeof rows[0], 40);
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
