/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: pbsc_model_parse() on arbitrary bytes. What parses must format, parse
 * back and format to the same text, and forecast on fixed courses within the invariants. */
#include "fuzz.h"

#include <stdlib.h>

/* The model as text, checking the snprintf-like contract of pbsc_model_format(). */
static char *
format_model(const pbsc_model *m)
{
    size_t needed = 0, again = 0;
    char *buf, *small;

    FUZZ_CHECK(pbsc_model_format(m, NULL, 0, &needed) == PBSC_OK && needed >= 1);
    buf = malloc(needed);
    small = malloc(needed);
    FUZZ_CHECK(buf != NULL && small != NULL);
    FUZZ_CHECK(pbsc_model_format(m, buf, needed, &again) == PBSC_OK && again == needed);
    FUZZ_CHECK(strlen(buf) == needed - 1);
    memset(small, FUZZ_SENTINEL, needed);
    FUZZ_CHECK(pbsc_model_format(m, small, needed - 1, NULL) ==
               (needed > 1 ? PBSC_E_RANGE : PBSC_E_INVAL));
    FUZZ_CHECK(fuzz_untouched(small, needed));
    free(small);
    return buf;
}

/* The CE at a few WBC and Hct values: a fraction in the CE range, or a clean failure. */
static void
check_ce(const pbsc_model *m)
{
    static const double wbc[] = {FUZZ_N, 0.0, 0.5, 20.0, 500.0, 501.0, -1.0};
    static const double hct[] = {FUZZ_N, 0.0, 1.0, 35.0, 100.0, 1e300};
    size_t i, j;

    for (i = 0; i < sizeof wbc / sizeof *wbc; i++) {
        for (j = 0; j < sizeof hct / sizeof *hct; j++) {
            pbsc_ce_model ce;
            pbsc_diag diag;
            int rc;

            memset(&ce, FUZZ_SENTINEL, sizeof ce);
            pbsc_diag_clear(&diag);
            rc = pbsc_model_ce(m, wbc[i], hct[j], &ce, &diag);
            FUZZ_CHECK(fuzz_known_status(rc));
            if (rc != PBSC_OK) {
                fuzz_check_failure(rc, &diag);
                FUZZ_CHECK(fuzz_untouched(&ce, sizeof ce));
                continue;
            }
            FUZZ_CHECK(ce.median > 0.0 && ce.median <= 1.5);
            FUZZ_CHECK(pbsc_check(PBSC_Q_CE_SIGMA, ce.sigma, NULL) == PBSC_OK);
        }
    }
}

/* The risk model: every covariate at its mean gives the intercept's probability. */
static void
check_risk(const pbsc_model *m)
{
    double values[64], prob = -1.0, coef, mean, scale;
    size_t i, terms = pbsc_model_covariates(m);
    pbsc_diag diag;
    int rc;

    FUZZ_CHECK(terms <= 64);
    for (i = 0; i < terms; i++) {
        const char *name = pbsc_model_covariate(m, i, &coef, &mean, &scale);
        FUZZ_CHECK(name != NULL && isfinite(coef) && isfinite(mean) && scale > 0.0);
        if (i > 0)
            values[i - 1] = mean;
    }
    FUZZ_CHECK(pbsc_model_covariate(m, terms, NULL, NULL, NULL) == NULL);
    pbsc_diag_clear(&diag);
    rc = pbsc_model_risk(m, values, terms > 0 ? terms - 1 : 0, &prob, &diag);
    if (terms == 0) {
        FUZZ_CHECK(rc == PBSC_E_MISSING && prob == -1.0);
        return;
    }
    FUZZ_CHECK(rc == PBSC_OK);
    FUZZ_CHECK(prob >= 0.0 && prob <= 1.0);
}

static void
check_forecast(const pbsc_course *c, const pbsc_model *m, long day, pbsc_option option)
{
    pbsc_count_forecast f;
    pbsc_success_params sp;
    pbsc_success s;
    pbsc_diag diag;
    int rc;

    memset(&f, FUZZ_SENTINEL, sizeof f);
    pbsc_diag_clear(&diag);
    rc = pbsc_forecast_count(c, m, day, option, 0.9, &f, &diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(fuzz_untouched(&f, sizeof f));
    } else {
        FUZZ_CHECK(isfinite(f.median) && isfinite(f.lower) && isfinite(f.upper));
        FUZZ_CHECK(f.lower <= f.median && f.median <= f.upper && f.lower >= 0.0);
        FUZZ_CHECK(isfinite(f.sigma) && f.sigma >= 0.0);
    }
    pbsc_success_params_init(&sp);
    sp.draws = 200;
    memset(&s, FUZZ_SENTINEL, sizeof s);
    pbsc_diag_clear(&diag);
    rc = pbsc_success_estimate(c, m, day, option, &sp, &s, &diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(fuzz_untouched(&s, sizeof s));
        return;
    }
    FUZZ_CHECK(s.draws == 200 && s.p_goal >= 0.0 && s.p_goal <= 1.0);
    FUZZ_CHECK(s.p_minimum >= 0.0 && s.p_minimum <= 1.0);
    FUZZ_CHECK(isfinite(s.aphereses) && isfinite(s.plerixafor_doses) && isfinite(s.se));
}

/* A forecast policy with few draws: pbsc_decide() with the model stays cheap. */
static const pbsc_policy *
forecast_policy(void)
{
    static pbsc_policy *p;
    static const char text[] = "id = fuzz-forecast\nversion = 1\nsource = tests/fuzz\n"
                               "regimens = gcsf, chemo, upfront\ngoal = 5\nminimum = 2\n"
                               "assess_day = 4\ncollect_day = 5\nforecast = yes\n"
                               "forecast_draws = 100\n";

    if (p == NULL)
        FUZZ_CHECK(pbsc_policy_parse(text, sizeof text - 1, &p, NULL) == PBSC_OK);
    return p;
}

/* The model decides the fixed courses: mayo2013-p2 (the model's CE sets the volumes) at
 * every point, the forecast policy on the last two days, both replayed (fuzz.h); the count
 * forecast and the success estimate of every option on the last three days. */
static void
use_model(const pbsc_model *m)
{
    const struct fuzz_case *courses = fuzz_courses();
    const pbsc_policy *mayo, *donor;
    size_t i, k;
    int o;

    FUZZ_CHECK(pbsc_policy_find("mayo2013-p2", &mayo, NULL) == PBSC_OK);
    FUZZ_CHECK(pbsc_policy_find("donor-d5", &donor, NULL) == PBSC_OK);
    check_ce(m);
    check_risk(m);
    for (i = 0; i < FUZZ_COURSES; i++) {
        const pbsc_course *c = courses[i].course;
        size_t n = pbsc_course_length(c);
        fuzz_decide_course(&courses[i], pbsc_course_donor(c) ? donor : mayo, m, n);
        fuzz_decide_course(&courses[i], forecast_policy(), m, 2);
        /* the success estimate is the costly one: the last three days only */
        for (k = n >= 3 ? n - 3 : 0; k < n; k++)
            for (o = 0; o < FUZZ_OPTIONS; o++)
                check_forecast(c, m, pbsc_course_day(c, k), (pbsc_option)o);
    }
}

PBSC_FUZZ_TARGET(model)
{
    pbsc_model *sentinel = (pbsc_model *)(uintptr_t)0xA5A5A5A5u;
    pbsc_model *m = sentinel, *q = sentinel;
    pbsc_model_params a, b;
    pbsc_model_info ia, ib, id0;
    pbsc_diag diag;
    char *text, *again;
    int rc;

    pbsc_diag_clear(&diag);
    rc = pbsc_model_parse((const char *)data, size, &m, &diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(m == sentinel);
        return 0;
    }
    FUZZ_CHECK(m != sentinel && m != NULL);
    text = format_model(m);
    pbsc_diag_clear(&diag);
    rc = pbsc_model_parse(text, strlen(text), &q, &diag);
    if (rc != PBSC_OK)
        fprintf(stderr, "formatted model does not parse: line %ld: %s\n%s", diag.line,
                diag.text, text);
    FUZZ_CHECK(rc == PBSC_OK);
    again = format_model(q);
    if (strcmp(text, again) != 0)
        fprintf(stderr, "model text changed on a round trip:\n%s----\n%s", text, again);
    FUZZ_CHECK(strcmp(text, again) == 0);
    /* the identity reads back: id, version, fitted and the hash of the text */
    pbsc_model_info_init(&ia);
    pbsc_model_info_init(&ib);
    FUZZ_CHECK(pbsc_model_info_get(m, &ia) == PBSC_OK && pbsc_model_info_get(q, &ib) == PBSC_OK);
    FUZZ_CHECK(ia.id != NULL && ia.id[0] != '\0' && fuzz_hex16(ia.hash));
    FUZZ_CHECK(strcmp(ia.id, ib.id) == 0 && strcmp(ia.version, ib.version) == 0 &&
               ia.fitted == ib.fitted && strcmp(ia.hash, ib.hash) == 0);
    /* a model named "defaults" is the literature model, whatever made it: pbsc_model_set()
     * renames a changed one "user", a file cannot claim it (PBSC_E_CONFLICT; found by this
     * harness: regressions/fuzz_model/defaults-id-other-numbers.model) */
    pbsc_model_info_init(&id0);
    FUZZ_CHECK(pbsc_model_info_get(fuzz_default_model(), &id0) == PBSC_OK);
    FUZZ_CHECK(strcmp(ia.id, "defaults") != 0 || strcmp(ia.hash, id0.hash) == 0);
    /* what a file gave, the API accepts back, and it is still the same model */
    pbsc_model_params_init(&a);
    pbsc_model_params_init(&b);
    FUZZ_CHECK(pbsc_model_get(m, &a) == PBSC_OK);
    pbsc_diag_clear(&diag);
    rc = pbsc_model_set(q, &a, &diag);
    if (rc != PBSC_OK)
        fprintf(stderr, "pbsc_model_set refuses the parameters of a parsed model: %s: %s\n",
                diag.field, diag.text);
    if (rc == PBSC_OK || !fuzz_avoid("model-cr")) {
        FUZZ_CHECK(rc == PBSC_OK);
        FUZZ_CHECK(pbsc_model_get(q, &b) == PBSC_OK);
        FUZZ_CHECK(fuzz_same_double(a.ce.median, b.ce.median) &&
                   fuzz_same_double(a.gcsf_sigma, b.gcsf_sigma));
        free(again);
        again = format_model(q);
        FUZZ_CHECK(strcmp(text, again) == 0);
    }
    use_model(m);
    free(again);
    free(text);
    pbsc_model_free(q);
    pbsc_model_free(m);
    return 0;
}
