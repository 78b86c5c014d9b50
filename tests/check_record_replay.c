/* SPDX-License-Identifier: MIT */
/* Decision records read back and replayed (pbsc_record_read(3), pbsc_record_replay(3)): every
 * decision point of every example course under rule presets, the model-based preset, the
 * site policy file and the fitted site model comes back bit-identical; a changed input is
 * named; every error path. Runs in the environment's locale (LC_ALL=de_DE.UTF-8 in CI), so
 * jansson's strtod is checked under a decimal comma too. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "decide_test.h"

/* ---- the example courses, read from examples/data --------------------------------------- */

static char path_buf[512];

static const char *
data(const char *name)
{
    const char *top = getenv("top_srcdir");

    snprintf(path_buf, sizeof path_buf, "%s/examples/data/%s", top != NULL ? top : ".", name);
    return path_buf;
}

/* The course CSV's columns (pbsc-decide(1)) and the quantity of each. */
static const struct {
    const char *name;
    pbsc_quantity q;
} columns[] = {
    {"cd34", PBSC_Q_CD34_UL},         {"wbc", PBSC_Q_WBC},
    {"plt", PBSC_Q_PLT},              {"hct", PBSC_Q_HCT},
    {"plerixafor_mg", PBSC_Q_PLERIXAFOR_MG}, {"motixafortide_mg", PBSC_Q_MOTIXAFORTIDE_MG},
    {"processed_l", PBSC_Q_VOLUME_L}, {"collected_e6_per_kg", PBSC_Q_COLLECTED},
};

/* The header's column i as a quantity index, -1 for day. */
static int
column_of(const char *name, size_t n)
{
    size_t i;

    for (i = 0; i < NROWS(columns); i++)
        if (strlen(columns[i].name) == n && strncmp(columns[i].name, name, n) == 0)
            return (int)i;
    ck_assert_msg(n == 3 && strncmp(name, "day", 3) == 0, "column %.*s", (int)n, name);
    return -1;
}

/* One CSV line into the course: the count first (it makes the row), then the rest. */
static void
add_line(pbsc_course *c, const int *col, size_t ncol, char *line)
{
    double v[16];
    long day = 0;
    size_t i;
    char *cell = line;

    for (i = 0; i < ncol; i++) {
        char *end = strchr(cell, ',');
        if (end != NULL)
            *end = '\0';
        if (col[i] < 0)
            day = strtol(cell, NULL, 10);
        else
            v[col[i]] = cell[0] ? pbsc_test_strtod_c(cell, NULL) : NA;
        cell = end != NULL ? end + 1 : cell + strlen(cell);
    }
    pbsc_test_set(c, day, PBSC_Q_CD34_UL, NA);
    for (i = 0; i < ncol; i++)
        if (col[i] >= 0 && !isnan(v[col[i]]))
            pbsc_test_set(c, day, columns[col[i]].q, v[col[i]]);
}

static pbsc_course *
load(const char *file, const pbsc_person *p, pbsc_regimen regimen, const char *target)
{
    const pbsc_target *t;
    pbsc_course *c = NULL;
    char line[256];
    int col[16];
    size_t ncol = 0;
    FILE *fp = fopen(data(file), "r");

    ck_assert_msg(fp != NULL, "%s", path_buf);
    ck_assert_int_eq(pbsc_target_find(target, &t, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_course_new(p, regimen, t->goal, t->minimum, &c, NULL), PBSC_OK);
    while (fgets(line, sizeof line, fp) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (ncol == 0) { /* the header */
            char *s = line;
            for (;;) {
                size_t n = strcspn(s, ",");
                col[ncol++] = column_of(s, n);
                if (s[n] == '\0')
                    break;
                s += n + 1;
            }
            continue;
        }
        add_line(c, col, ncol, line);
    }
    fclose(fp);
    return keep(c);
}

/* The courses and their options, as examples/data/README gives them. */
static pbsc_course *
course_n(int i)
{
    pbsc_person p = pbsc_test_person(72, NA);
    static const char *const files[] = {"good-mobilizer.csv", "poor-preemptive.csv",
                                        "salvage.csv",        "failed.csv",
                                        "chemo.csv",          "tandem-goal10.csv",
                                        "donor.csv",          "child.csv",
                                        "upfront.csv",        "motixafortide.csv",
                                        "pegfilgrastim.csv",  "pegfilgrastim-donor.csv"};

    switch (i) {
    case 4:
        return load(files[i], &p, PBSC_REGIMEN_CHEMO_GCSF, "auto5");
    case 5:
        p.diagnosis = PBSC_DX_MYELOMA;
        p.transplants = 2;
        return load(files[i], &p, PBSC_REGIMEN_GCSF, "tandem10");
    case 6:
        p.weight_kg = 80;
        p.recipient_kg = 60;
        return load(files[i], &p, PBSC_REGIMEN_GCSF, "allo");
    case 7:
        p.weight_kg = 20;
        p.age_years = 6;
        return load(files[i], &p, PBSC_REGIMEN_GCSF, "auto5");
    case 8:
        p.diagnosis = PBSC_DX_NHL;
        return load(files[i], &p, PBSC_REGIMEN_UPFRONT, "auto5");
    case 9: /* the README's goal is 6: auto5's 5 here, the round trip is what is tested */
        p.diagnosis = PBSC_DX_MYELOMA;
        return load(files[i], &p, PBSC_REGIMEN_UPFRONT, "auto5");
    case 10:
        p.diagnosis = PBSC_DX_MYELOMA;
        return load(files[i], &p, PBSC_REGIMEN_PEGFILGRASTIM, "auto5");
    case 11:
        p.weight_kg = 80;
        p.recipient_kg = 60;
        return load(files[i], &p, PBSC_REGIMEN_PEGFILGRASTIM, "allo");
    default:
        return load(files[i], &p, PBSC_REGIMEN_GCSF, "auto5");
    }
}
#define NCOURSES 12

/* ---- round trips --------------------------------------------------------------------- */

static char *
format(const pbsc_course *c, const pbsc_policy *p, const pbsc_model *m, const pbsc_decision *d)
{
    size_t need = 0;
    char *t;

    ck_assert_int_eq(pbsc_record_format(c, p, m, d, NULL, 0, &need), PBSC_OK);
    ck_assert_ptr_nonnull(t = malloc(need));
    ck_assert_int_eq(pbsc_record_format(c, p, m, d, t, need, NULL), PBSC_OK);
    return t;
}

static int
same_bits(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

/* Every point of course c under p and m: the record replays the same; read back and written
 * again, it is the same text (so every value came back bit-identical). */
static size_t
round_trip(const pbsc_course *c, const pbsc_policy *p, const pbsc_model *m)
{
    pbsc_decision pts[64];
    size_t n = replay_m(p, m, c, pts, 64), i;

    for (i = 0; i < n; i++) {
        pbsc_record_check check;
        pbsc_course *c2;
        pbsc_policy *p2;
        pbsc_model *m2;
        pbsc_decision d2 = pbsc_test_decision();
        pbsc_diag diag;
        char *t = format(c, p, m, &pts[i]), *t2;

        pbsc_record_check_init(&check);
        ck_assert_msg(pbsc_record_replay(t, strlen(t), &check, &diag) == PBSC_OK, "%s: %s",
                      diag.field, diag.text);
        ck_assert_msg(check.same, "point %zu (day %ld %s): %s", i, pts[i].day,
                      pbsc_moment_name(pts[i].moment), check.text);
        ck_assert_int_eq(pbsc_record_read(t, strlen(t), &c2, &p2, &m2, &d2, &diag), PBSC_OK);
        ck_assert(same_bits(d2.projection.p_dose, pts[i].projection.p_dose) &&
                  same_bits(d2.ce_sigma, pts[i].ce_sigma));
        t2 = format(c2, p2, m2, &d2);
        ck_assert_str_eq(t2, t);
        free(t);
        free(t2);
        pbsc_course_free(c2);
        pbsc_policy_free(p2);
        pbsc_model_free(m2);
    }
    return n;
}

static pbsc_policy *site_policy;
static pbsc_model *site_model;

static void
setup_site(void)
{
    pbsc_diag diag;

    ck_assert_msg(pbsc_policy_read(data("site-sop.policy"), &site_policy, &diag) == PBSC_OK,
                  "%s", diag.text);
    ck_assert_msg(pbsc_model_read(data("site.model"), &site_model, &diag) == PBSC_OK, "%s",
                  diag.text);
}

static void
teardown_site(void)
{
    pbsc_policy_free(site_policy);
    pbsc_model_free(site_model);
    teardown();
}

/* _i: the course. Rule presets, the site file, the fitted model; the forecast preset alone. */
START_TEST(every_point_replays)
{
    static const char *const presets[] = {"mayo2013-p2",      "uk2018",      "tandem2013",
                                          "donor-d5",         "dipersio2009-nhl", "genesis2023",
                                          "pegfilgrastim",    "pegfilgrastim-donor"};
    const pbsc_course *c = course_n(_i);
    pbsc_model_info info;
    size_t k, n = 0;

    pbsc_model_info_init(&info);
    ck_assert_int_eq(pbsc_model_info_get(site_model, &info), PBSC_OK);
    ck_assert_int_eq(info.fitted, 1);
    for (k = 0; k < NROWS(presets); k++)
        n += round_trip(c, policy(presets[k]), NULL);
    n += round_trip(c, site_policy, NULL);
    n += round_trip(c, policy("uk2018"), site_model);
    n += round_trip(c, site_policy, site_model);
    ck_assert_uint_ge(n, 7 * pbsc_course_length(c));
}
END_TEST

START_TEST(forecast_points_replay)
{
    const pbsc_course *c = course_n(_i);

    round_trip(c, policy("forecast"), _i % 2 ? site_model : NULL);
}
END_TEST

/* ---- changed inputs ------------------------------------------------------------------ */

/* t with its first `from` replaced by `to` (which must be there). */
static char *
edit(const char *t, const char *from, const char *to)
{
    const char *at = strstr(t, from);
    size_t n = strlen(t) - strlen(from) + strlen(to) + 1, k;
    char *out;

    ck_assert_msg(at != NULL, "no '%s' in the record", from);
    ck_assert_ptr_nonnull(out = malloc(n));
    k = (size_t)(at - t);
    memcpy(out, t, k);
    strcpy(out + k, to);
    strcat(out, at + strlen(from));
    return out;
}

static char *record_text;

/* The salvage course's last point (day 8 morning, a stop repeated) under the site policy and
 * the fitted model; and its day-5 morning under mayo2013-p2 (the preset; collect). */
static char *
salvage_record(int preset, long day)
{
    const pbsc_course *c = course_n(2);
    const pbsc_policy *p = preset ? policy("mayo2013-p2") : site_policy;
    pbsc_model *m = preset ? NULL : site_model;
    pbsc_decision d = decide_m(p, m, c, day, MO);

    return format(c, p, m, &d);
}

/* Replays record t edited; the check's input, day and field. */
static pbsc_record_check
replay_edit(const char *from, const char *to)
{
    pbsc_record_check check;
    pbsc_diag diag;
    char *t = edit(record_text, from, to);

    pbsc_record_check_init(&check);
    ck_assert_msg(pbsc_record_replay(t, strlen(t), &check, &diag) == PBSC_OK, "%s: %s",
                  diag.field, diag.text);
    free(t);
    ck_assert_int_eq(check.same, 0);
    return check;
}

#define ck_assert_changed(check, input_, day_, field_)                                             \
    do {                                                                                           \
        ck_assert_str_eq((check).input, (input_));                                                 \
        ck_assert_int_eq((check).day, (day_));                                                     \
        ck_assert_str_eq((check).field, (field_));                                                 \
    } while (0)

START_TEST(changed_inputs_named)
{
    pbsc_record_check c;

    record_text = salvage_record(0, 8);
    /* salvage.csv starts on day 1: days[3] is day 4 (18/uL), read by no rule of day 8 */
    c = replay_edit("\"day\":4,\"cd34\":18,", "\"day\":4,\"cd34\":19,");
    ck_assert_changed(c, "course.days[3]", 4, "");
    ck_assert_ptr_nonnull(strstr(c.text, "the decision is the same"));
    /* the weight is read: its TBV 73 kg x 70 mL/kg = 5.11 L, not 5.04 */
    c = replay_edit("\"weight_kg\":72,", "\"weight_kg\":73,");
    ck_assert_changed(c, "course", -1, "tbv_l");
    c = replay_edit("\\nplerixafor_below = 12\\n", "\\nplerixafor_below = 11\\n");
    /* the decision carries the hash of the policy it was made with */
    ck_assert_changed(c, "policy.text", -1, "policy_hash");
    c = replay_edit("\"id\":\"site-sop\"", "\"id\":\"site-sop2\"");
    ck_assert_changed(c, "policy", -1, "");
    c = replay_edit("\\nce_median = 0.45", "\\nce_median = 0.46");
    ck_assert_changed(c, "model.text", -1, "model_hash");
    c = replay_edit("\"fitted\":true", "\"fitted\":false");
    ck_assert_changed(c, "model", -1, "");
    free(record_text);
}
END_TEST

START_TEST(changed_decision_named)
{
    pbsc_record_check c;

    record_text = salvage_record(0, 8);
    c = replay_edit("\"action\":\"stop-goal\"", "\"action\":\"wait\"");
    ck_assert_changed(c, "", -1, "action");
    ck_assert_str_eq(c.text, "action: recorded \"wait\", replayed \"stop-goal\"");
    c = replay_edit("\"plerixafor_doses\":2,", "\"plerixafor_doses\":3,");
    ck_assert_changed(c, "", -1, "plerixafor_doses");
    ck_assert_str_eq(c.text, "plerixafor_doses: recorded 3, replayed 2");
    /* the stop's remaining is 0: -0.0 is another double, bit for bit */
    c = replay_edit("\"remaining\":0,", "\"remaining\":-0.0,");
    ck_assert_changed(c, "", -1, "remaining");
    /* the library's version is compared last: the only difference here */
    c = replay_edit("\"library_version\":\"", "\"library_version\":\"9");
    ck_assert_changed(c, "", -1, "library_version");
    /* a row changed and the decision with it: both named */
    c = replay_edit("\"decided_day\":7,", "\"decided_day\":6,");
    ck_assert_changed(c, "", -1, "decided_day");
    free(record_text);
    record_text = salvage_record(1, 5);
    c = replay_edit("\"projection\":{\"median\":", "\"projection\":{\"median\":1");
    ck_assert_changed(c, "", -1, "projection.median");
    c = replay_edit("\"day\":5,\"cd34\":15,", "\"day\":5,\"cd34\":16,");
    ck_assert_changed(c, "course.days[4]", 5, "cd34");
    free(record_text);
}
END_TEST

/* Under a decimal-comma locale, as a host that called setlocale(LC_ALL, "") there: the
 * writer writes points (lib/cnum.c) and jansson's strtod reads them back (it swaps the point
 * for the locale's separator itself): the record read back writes the same text, so every
 * number came back bit-identical. A machine without the locale skips (bootstrap makes it). */
START_TEST(comma_locale)
{
    static const char *const names[] = {"de_DE.UTF-8", "fr_FR.UTF-8"};
    char *t;

    if (setlocale(LC_ALL, names[_i]) == NULL) {
        fprintf(stderr, "check_record_replay: no locale %s: not checked\n", names[_i]);
        return;
    }
    ck_assert_str_eq(localeconv()->decimal_point, ",");
    ck_assert_uint_ge(round_trip(course_n(2), site_policy, site_model), 10);
    t = salvage_record(0, 5);
    ck_assert_ptr_nonnull(strstr(t, "\"wbc\":21.4,")); /* day 2 of salvage.csv */
    free(t);
    setlocale(LC_ALL, "C");
}
END_TEST

/* ---- errors -------------------------------------------------------------------------- */

/* An output no failing call may write over. */
static char sentinel;
#define UNTOUCHED_C ((pbsc_course *)(void *)&sentinel)

/* pbsc_record_read() and pbsc_record_replay() of record_text edited both fail alike. */
static void
fails(const char *from, const char *to, int want, const char *field)
{
    pbsc_course *c = UNTOUCHED_C;
    pbsc_policy *p = NULL;
    pbsc_model *m = NULL;
    pbsc_decision d = pbsc_test_decision();
    pbsc_record_check check;
    pbsc_diag diag;
    char *t = edit(record_text, from, to);

    pbsc_record_check_init(&check);
    ck_assert_fails(pbsc_record_read(t, strlen(t), &c, &p, &m, &d, &diag), want, field);
    ck_assert_ptr_eq(c, UNTOUCHED_C);
    ck_assert_fails(pbsc_record_replay(t, strlen(t), &check, &diag), want, field);
    ck_assert_int_eq(check.same, 0);
    ck_assert_str_eq(check.text, "");
    free(t);
}

START_TEST(read_errors)
{
    char from[64];

    record_text = salvage_record(1, 5);
    fails("{\"format\"", "{format", PBSC_E_PARSE, "record");
    fails("{\"format\"", "[{\"format\"", PBSC_E_PARSE, "record"); /* an array, not an object */
    fails("\"pbsc-record\"", "\"pbsc-policy\"", PBSC_E_PARSE, "format");
    fails("{\"format\":\"pbsc-record\",", "{", PBSC_E_MISSING, "format");
    fails("\"version\":1,", "\"version\":2,", PBSC_E_RANGE, "version");
    fails("\"version\":1,", "\"version\":1,\"signature\":0,", PBSC_E_UNKNOWN, "signature");
    fails("\"version\":1,", "\"version\":1,\"version\":1,", PBSC_E_PARSE, "record"); /* twice */
    fails("\"kind\":\"preset\"", "\"kind\":\"builtin\"", PBSC_E_UNKNOWN, "kind");
    fails("\"id\":\"mayo2013-p2\"", "\"id\":\"mayo2099\"", PBSC_E_UNKNOWN, "policy");
    fails("\"hash\":\"3d951b3a581512e6\"", "\"hash\":\"3d951b3a581512e7\"", PBSC_E_CONFLICT,
          "hash");
    fails("\"hash\":\"3073dd1b1412e3b0\"", "\"hash\":\"3073dd1b1412e3b1\"", PBSC_E_CONFLICT,
          "hash");
    fails("\"fitted\":false", "\"fitted\":0", PBSC_E_PARSE, "fitted");
    fails("\"regimen\":\"gcsf\"", "\"regimen\":\"gcsf+\"", PBSC_E_UNKNOWN, "regimen");
    fails("\"weight_kg\":72,", "\"weight_kg\":720,", PBSC_E_RANGE, "weight_kg"); /* the course's */
    fails("\"weight_kg\":72,", "\"weight_kg\":\"72\",", PBSC_E_PARSE, "weight_kg");
    fails("\"days\":[", "\"days\":[3,", PBSC_E_PARSE, "");
    fails("\"days\":[", "\"days\":{},\"x\":[", PBSC_E_UNKNOWN, "x");
    fails("\"day\":5,\"cd34\":15,", "\"day\":4,\"cd34\":15,", PBSC_E_DUPLICATE, "day");
    fails("\"day\":5,\"cd34\":15,", "\"day\":3,\"cd34\":15,", PBSC_E_ORDER, "day");
    fails("\"day\":5,\"cd34\":15,", "\"day\":5,\"cd34\":15000,", PBSC_E_RANGE, "cd34");
    fails("\"day\":5,\"cd34\":15,", "\"day\":5,\"cd34\":true,", PBSC_E_PARSE, "cd34");
    fails("\"day\":5,\"cd34\":15,", "\"day\":5,\"cd34\":15,\"cd35\":1,", PBSC_E_UNKNOWN, "cd35");
    fails("\"day\":5,\"cd34\":15,", "\"day\":5.5,\"cd34\":15,", PBSC_E_PARSE, "day");
    fails("\"day\":5,\"cd34\":15,", "\"day\":500,\"cd34\":15,", PBSC_E_RANGE, "day");
    fails("\"action\":\"collect\"", "\"action\":\"harvest\"", PBSC_E_UNKNOWN, "action");
    fails("\"rule\":\"", "\"rule\":\"0123456789012345678901234567890123456789", PBSC_E_RANGE,
          "rule");
    fails("\"rule\":", "\"rule_hex\":\"zz\",\"rule\":", PBSC_E_PARSE, "rule");
    fails("\"rule\":", "\"rule_hex\":\"616\",\"rule\":", PBSC_E_PARSE, "rule");
    fails("\"rule\":", "\"rule_hex\":\"6100\",\"rule\":", PBSC_E_PARSE, "rule"); /* a NUL */
    fails("\"rule\":\"collect.start\"", "\"rule\":5", PBSC_E_PARSE, "rule");
    fails("\"aphereses\":0,", "\"aphereses\":-1,", PBSC_E_RANGE, "aphereses");
    fails("\"salvage\":false", "\"salvage\":\"no\"", PBSC_E_PARSE, "salvage");
    fails("\"warnings\":{\"bits\":0,", "\"warnings\":{\"bits\":-1,", PBSC_E_RANGE, "bits");
    fails("\"names\":[]", "\"names\":{}", PBSC_E_PARSE, "names");
    fails("\"names\":[]", "\"names\":[],\"text\":\"\"", PBSC_E_UNKNOWN, "text");
    fails("\"warnings\":{\"bits\":0,\"names\":[]}", "\"warnings\":5", PBSC_E_PARSE, "warnings");
    fails("\"tonight\":{\"drug\":\"none\",\"mg\":null,\"number\":0,\"apheresis_day\":0,"
          "\"salvage\":false,\"basis\":\"none\"}",
          "\"tonight\":[]", PBSC_E_PARSE, "tonight");
    snprintf(from, sizeof from, "\"decided_day\":5,");
    fails(from, "", PBSC_E_MISSING, "decided_day");
    fails(",\"decision\":{", "}", PBSC_E_PARSE, "record"); /* cut */
    free(record_text);
}
END_TEST

START_TEST(argument_errors)
{
    pbsc_course *c = UNTOUCHED_C;
    pbsc_policy *p = NULL;
    pbsc_model *m = NULL;
    pbsc_decision d = pbsc_test_decision(), small = d;
    pbsc_record_check check, tiny;
    pbsc_diag diag;
    const char *t;

    record_text = salvage_record(1, 5);
    t = record_text;
    small.size = offsetof(pbsc_decision, ce_sigma);
    pbsc_record_check_init(&check);
    tiny = check;
    tiny.size = offsetof(pbsc_record_check, text);
    ck_assert_fails(pbsc_record_read(NULL, 5, &c, &p, &m, &d, &diag), PBSC_E_INVAL, "text");
    ck_assert_fails(pbsc_record_read(t, strlen(t), NULL, &p, &m, &d, &diag), PBSC_E_INVAL,
                    "course");
    ck_assert_fails(pbsc_record_read(t, strlen(t), &c, NULL, &m, &d, &diag), PBSC_E_INVAL,
                    "policy");
    ck_assert_fails(pbsc_record_read(t, strlen(t), &c, &p, NULL, &d, &diag), PBSC_E_INVAL,
                    "model");
    ck_assert_fails(pbsc_record_read(t, strlen(t), &c, &p, &m, NULL, &diag), PBSC_E_INVAL,
                    "decision");
    ck_assert_fails(pbsc_record_read(t, strlen(t), &c, &p, &m, &small, &diag), PBSC_E_INVAL,
                    "decision");
    ck_assert_fails(pbsc_record_read(NULL, 0, &c, &p, &m, &d, &diag), PBSC_E_PARSE, "record");
    ck_assert_ptr_eq(c, UNTOUCHED_C);
    ck_assert_fails(pbsc_record_replay(NULL, 5, &check, &diag), PBSC_E_INVAL, "text");
    ck_assert_fails(pbsc_record_replay(t, strlen(t), NULL, &diag), PBSC_E_INVAL, "check");
    ck_assert_fails(pbsc_record_replay(t, strlen(t), &tiny, &diag), PBSC_E_INVAL, "check");
    ck_assert_fails(pbsc_record_replay(t, 10, &check, &diag), PBSC_E_PARSE, "record");
    ck_assert_int_eq(diag.line, 1);
    /* a NULL diagnostic is allowed */
    ck_assert_int_eq(pbsc_record_replay(t, 10, &check, NULL), PBSC_E_PARSE);
    ck_assert_int_eq(pbsc_record_replay(t, strlen(t), &check, NULL), PBSC_OK);
    ck_assert_int_eq(check.same, 1);
    ck_assert_str_eq(check.text, "day 5 morning, collect by collect.start");
    /* a caller compiled with the 1.0 layout of the check */
    tiny.size = sizeof tiny;
    ck_assert_int_eq(pbsc_record_replay(t, strlen(t), &tiny, NULL), PBSC_OK);
    free(record_text);
}
END_TEST

static Suite *
replay_suite(void)
{
    Suite *s = suite_create("record_replay");
    TCase *trip = tcase_create("round_trip");
    TCase *changes = tcase_create("changes");

    tcase_set_timeout(trip, 120);
    tcase_add_checked_fixture(trip, setup_site, teardown_site);
    tcase_add_loop_test(trip, every_point_replays, 0, NCOURSES);
    tcase_add_loop_test(trip, forecast_points_replay, 0, NCOURSES);
    tcase_add_loop_test(trip, comma_locale, 0, 2);
    suite_add_tcase(s, trip);
    tcase_add_checked_fixture(changes, setup_site, teardown_site);
    tcase_add_test(changes, changed_inputs_named);
    tcase_add_test(changes, changed_decision_named);
    tcase_add_test(changes, read_errors);
    tcase_add_test(changes, argument_errors);
    suite_add_tcase(s, changes);
    return s;
}

int
main(void)
{
    return pbsc_test_run(replay_suite());
}
