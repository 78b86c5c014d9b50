/* SPDX-License-Identifier: MIT */
/* Tests of the virtual population: its defaults against their sources, get/set with every
 * error, the pbsc-population(5) file (round trip and every error, with its line), and the
 * natural-history protocol's shares and figures. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pbsc_test.h"

#define HEAD "pbsc-population = 1\n"

static pbsc_population *
fresh(void)
{
    pbsc_population *p = NULL;

    ck_assert_int_eq(pbsc_population_new(&p, NULL), PBSC_OK);
    ck_assert_ptr_nonnull(p);
    return p;
}

static double
get(const pbsc_population *p, const char *key)
{
    double v = NA;

    ck_assert_int_eq(pbsc_population_get(p, key, &v, NULL), PBSC_OK);
    return v;
}

static char *
text_of(const pbsc_population *p)
{
    size_t n = 0;
    char *t;

    ck_assert_int_eq(pbsc_population_format(p, NULL, 0, &n), PBSC_OK);
    t = malloc(n);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(pbsc_population_format(p, t, n, NULL), PBSC_OK);
    ck_assert_uint_eq(strlen(t) + 1, n);
    return t;
}

/* The sourced defaults, as pbsc-population(5) states them. */
START_TEST(defaults_are_the_sources)
{
    pbsc_population *p = fresh();

    /* Transfus Med 1997;7:19: healthy donors 60.7, 128, 107/uL on days 4, 5, 6 */
    ck_assert(get(p, "gcsf_ratio45") == 128.0 / 60.7);
    ck_assert(get(p, "gcsf_ratio_later") == 107.0 / 128.0);
    /* PMID 22080963: 3.1 (1-8), 1.2 (0.3-6.5); sigma = ln(range) / 3.92 */
    ck_assert(get(p, "plerixafor_fold") == 3.1);
    ck_assert_rel(get(p, "plerixafor_sigma"), log(8.0) / (2 * 1.959964), 1e-6);
    ck_assert(get(p, "plerixafor2_fold") == 1.2);
    ck_assert_rel(get(p, "plerixafor2_sigma"), log(6.5 / 0.3) / (2 * 1.959964), 1e-6);
    ck_assert(get(p, "motixafortide_fold") == 7.5);
    /* Gidron 2005: CE2 53% at WBC < 20, 40% at >= 20; range 7-145% */
    ck_assert(get(p, "ce_low_wbc") == 0.53 && get(p, "ce_high_wbc") == 0.40);
    ck_assert(get(p, "ce_wbc_split") == 20.0);
    ck_assert(get(p, "ce_min") == 0.07 && get(p, "ce_max") == 1.45);
    /* the patient and session spreads split Gidron's 0.5108: sqrt(0.35^2 + 0.37^2) = 0.509 */
    ck_assert_rel(hypot(get(p, "ce_patient_sigma"), get(p, "ce_session_sigma")), 0.5108, 0.005);
    /* Humpe 2000: log-log slope 0.8595 (autologous) */
    ck_assert(get(p, "yield_slope") == 0.8595);
    /* ISHAGE: 75,000 CD45+ events */
    ck_assert(get(p, "events") == 75000.0);
    ck_assert_str_eq(pbsc_population_hash(p), pbsc_population_hash(p));
    ck_assert_uint_eq(strlen(pbsc_population_hash(p)), 16);
    /* no source compares single-dose pegfilgrastim's level with daily G-CSF's [interp] */
    ck_assert(get(p, "pegfilgrastim_factor") == 1.0);
    ck_assert_uint_eq(pbsc_population_keys(), 44);
    ck_assert_str_eq(pbsc_population_key(0), "day5_median");
    ck_assert_str_eq(pbsc_population_key(42), "pegfilgrastim_factor"); /* appended */
    ck_assert_str_eq(pbsc_population_key(43), "apheresis_sigma");      /* appended */
    ck_assert_ptr_null(pbsc_population_key(44));
    ck_assert_str_eq(pbsc_population_hash(NULL), "");
    pbsc_population_free(p);
    pbsc_population_free(NULL);
}
END_TEST

START_TEST(get_and_set_errors)
{
    pbsc_population *p = fresh();
    pbsc_diag diag;
    char hash[17];
    double v = 1.0;

    memcpy(hash, pbsc_population_hash(p), sizeof hash);
    ck_assert_fails(pbsc_population_new(NULL, &diag), PBSC_E_INVAL, "population");
    ck_assert_fails(pbsc_population_get(NULL, "events", &v, &diag), PBSC_E_INVAL, "population");
    ck_assert_fails(pbsc_population_get(p, NULL, &v, &diag), PBSC_E_INVAL, "key");
    ck_assert_fails(pbsc_population_get(p, "events", NULL, &diag), PBSC_E_INVAL, "value");
    ck_assert_fails(pbsc_population_get(p, "event", &v, &diag), PBSC_E_UNKNOWN, "key");
    ck_assert(v == 1.0);
    ck_assert_fails(pbsc_population_set(NULL, "events", 1.0, &diag), PBSC_E_INVAL, "population");
    ck_assert_fails(pbsc_population_set(p, NULL, 1.0, &diag), PBSC_E_INVAL, "key");
    ck_assert_fails(pbsc_population_set(p, "eventz", 1.0, &diag), PBSC_E_UNKNOWN, "key");
    ck_assert_fails(pbsc_population_set(p, "day5_sigma", NA, &diag), PBSC_E_MISSING,
                    "day5_sigma");
    ck_assert_fails(pbsc_population_set(p, "day5_sigma", (double)INFINITY, &diag),
                    PBSC_E_NOTFINITE, "day5_sigma");
    /* the range of day5_sigma is [0.05, 3]: both ends in, just outside out */
    ck_assert_fails(pbsc_population_set(p, "day5_sigma", 0.0499, &diag), PBSC_E_RANGE,
                    "day5_sigma");
    ck_assert_fails(pbsc_population_set(p, "day5_sigma", 3.0001, &diag), PBSC_E_RANGE,
                    "day5_sigma");
    ck_assert_fails(pbsc_population_set(p, "ce_min", 1.46, &diag), PBSC_E_CONFLICT, "ce_min");
    ck_assert(get(p, "ce_min") == 0.07); /* left as it was */
    ck_assert_fails(pbsc_population_set(p, "weight_min", 161.0, &diag), PBSC_E_CONFLICT,
                    "weight_min");
    ck_assert_fails(pbsc_population_set(p, "age_max", 17.0, &diag), PBSC_E_RANGE, "age_max");
    ck_assert_fails(pbsc_population_set(p, "age_min", 80.0, &diag), PBSC_E_CONFLICT, "age_min");
    ck_assert_str_eq(pbsc_population_hash(p), hash); /* no failed set changed it */
    ck_assert_int_eq(pbsc_population_set(p, "day5_sigma", 3.0, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_set(p, "day5_sigma", 0.05, NULL), PBSC_OK);
    ck_assert(get(p, "day5_sigma") == 0.05);
    ck_assert_str_ne(pbsc_population_hash(p), hash);
    pbsc_population_free(p);
}
END_TEST

START_TEST(file_round_trip)
{
    pbsc_population *p = fresh(), *q = NULL;
    char *t1, *t2;

    ck_assert_int_eq(pbsc_population_set(p, "day5_median", 17.25, NULL), PBSC_OK);
    t1 = text_of(p);
    ck_assert_ptr_nonnull(strstr(t1, "\npbsc-population = 1\nid = site\nversion = 1\n"));
    ck_assert_ptr_nonnull(strstr(t1, "\nday5_median = 17.25\n"));
    ck_assert_int_eq(pbsc_population_parse(t1, strlen(t1), &q, NULL), PBSC_OK);
    t2 = text_of(q);
    ck_assert_str_eq(t1, t2);
    ck_assert_str_eq(pbsc_population_hash(p), pbsc_population_hash(q));
    ck_assert(get(q, "day5_median") == 17.25);
    free(t1);
    free(t2);
    pbsc_population_free(p);
    pbsc_population_free(q);
    /* a file of one line is the defaults, named "site"; its hash is the defaults' */
    p = fresh();
    ck_assert_int_eq(pbsc_population_parse(HEAD, strlen(HEAD), &q, NULL), PBSC_OK);
    ck_assert_str_eq(pbsc_population_hash(p), pbsc_population_hash(q));
    t1 = text_of(q);
    ck_assert_ptr_nonnull(strstr(t1, "\nid = site\n"));
    ck_assert_ptr_null(strstr(t1, "\nversion ="));
    free(t1);
    pbsc_population_free(p);
    pbsc_population_free(q);
}
END_TEST

/* Every parse error: status, field and line. */
static void
parse_fails(const char *text, int status, const char *field, long line)
{
    pbsc_population *p = (pbsc_population *)(void *)&p;
    pbsc_diag diag;

    ck_assert_fails(pbsc_population_parse(text, strlen(text), &p, &diag), status, field);
    ck_assert_msg(diag.line == line, "%s: line %ld, want %ld", text, diag.line, line);
    ck_assert(p == (pbsc_population *)(void *)&p); /* untouched */
}

START_TEST(file_errors)
{
    pbsc_population *p = NULL;
    pbsc_diag diag;
    char buf[8];

    parse_fails("", PBSC_E_MISSING, "pbsc-population", 0);
    parse_fails("# nothing\n", PBSC_E_MISSING, "pbsc-population", 1);
    parse_fails("day5_median = 3\n", PBSC_E_PARSE, "pbsc-population", 1);
    parse_fails("pbsc-population = 2\n", PBSC_E_PARSE, "pbsc-population", 1);
    parse_fails(HEAD "day5_mediann = 3\n", PBSC_E_UNKNOWN, "day5_mediann", 2);
    parse_fails(HEAD "events = 1e5\nevents = 2e5\n", PBSC_E_DUPLICATE, "events", 3);
    parse_fails(HEAD "events = many\n", PBSC_E_PARSE, "events", 2);
    parse_fails(HEAD "events = 999\n", PBSC_E_RANGE, "events", 2);
    parse_fails(HEAD "events\n", PBSC_E_PARSE, "", 2);
    parse_fails(HEAD "id = a\nid = b\n", PBSC_E_DUPLICATE, "id", 3);
    parse_fails(HEAD "id = abcdefghabcdefghabcdefghabcdefgh\n", PBSC_E_RANGE, "id", 2);
    parse_fails(HEAD "version =\n", PBSC_E_RANGE, "version", 2);
    parse_fails(HEAD "ce_min = 1\n\nce_max = 0.5\n", PBSC_E_CONFLICT, "ce_min", 4);
    ck_assert_fails(pbsc_population_parse(NULL, 3, &p, &diag), PBSC_E_INVAL, "text");
    ck_assert_fails(pbsc_population_parse(HEAD, 3, NULL, &diag), PBSC_E_INVAL, "population");
    ck_assert_fails(pbsc_population_read(NULL, &p, &diag), PBSC_E_INVAL, "path");
    ck_assert_fails(pbsc_population_read("x", NULL, &diag), PBSC_E_INVAL, "population");
    ck_assert_fails(pbsc_population_read("/nonexistent/pop", &p, &diag), PBSC_E_IO, "path");
    ck_assert_ptr_null(p);
    p = fresh();
    ck_assert_int_eq(pbsc_population_format(p, buf, sizeof buf, NULL), PBSC_E_RANGE);
    ck_assert_int_eq(pbsc_population_format(NULL, NULL, 0, NULL), PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_population_format(p, NULL, 4, NULL), PBSC_E_INVAL);
    pbsc_population_free(p);
}
END_TEST

START_TEST(file_read)
{
    char path[] = "/tmp/pbsc-population.XXXXXX";
    pbsc_population *p = NULL;
    int fd = mkstemp(path);
    FILE *fp;

    ck_assert_int_ge(fd, 0);
    fp = fdopen(fd, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(HEAD "id = unit\nversion = 3\nyield_slope = 0.7559\n", fp);
    fclose(fp);
    ck_assert_int_eq(pbsc_population_read(path, &p, NULL), PBSC_OK);
    unlink(path);
    ck_assert(get(p, "yield_slope") == 0.7559); /* Humpe's allogeneic slope */
    pbsc_population_free(p);
}
END_TEST

/* The natural history: the four shares sum to 1 and their SEs are sqrt(p (1 - p) / n); a
 * seed gives the same figures, another seed others; every error. */
START_TEST(natural_history)
{
    pbsc_population *p = fresh();
    pbsc_natural a, b, c;
    pbsc_diag diag;

    pbsc_natural_init(&a);
    pbsc_natural_init(&b);
    pbsc_natural_init(&c);
    ck_assert_int_eq(pbsc_population_natural(p, 2000, 5, &a, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_natural(p, 2000, 5, &b, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_natural(p, 2000, 6, &c, NULL), PBSC_OK);
    ck_assert(memcmp(&a, &b, sizeof a) == 0);
    ck_assert(a.optimal != c.optimal || a.precount_median != c.precount_median);
    ck_assert_uint_eq(a.patients, 2000);
    ck_assert_rel(a.optimal + a.low + a.poor + a.failed, 1.0, 1e-12);
    ck_assert_rel(a.low_se, sqrt(a.low * (1 - a.low) / 2000), 1e-12);
    /* at least one session for everyone who started, at most 4 (days 5-8) */
    ck_assert_uint_ge(a.sessions, (size_t)(2000 * (1 - a.failed) + 0.5));
    ck_assert_uint_le(a.sessions, 4 * 2000);
    ck_assert(a.loglog_slope > 0.5 && a.loglog_slope < 1.2);
    /* the start threshold is 10/uL: a session's median pre-count is above it or near */
    ck_assert(a.precount_median > 5.0);
    ck_assert_fails(pbsc_population_natural(NULL, 10, 1, &a, &diag), PBSC_E_INVAL,
                    "population");
    ck_assert_fails(pbsc_population_natural(p, 10, 1, NULL, &diag), PBSC_E_INVAL, "out");
    ck_assert_fails(pbsc_population_natural(p, 1, 1, &a, &diag), PBSC_E_RANGE, "patients");
    a.size = 0;
    ck_assert_fails(pbsc_population_natural(p, 10, 1, &a, &diag), PBSC_E_INVAL, "out");
    /* a population that never reaches 10/uL: everyone failed to mobilize (no trend or daily
     * spread: day 5's 0.5/uL x 0.8359 a day after it, and 0.5 x exp(3 x 0.05) < 1) */
    ck_assert_int_eq(pbsc_population_set(p, "day5_median", 0.5, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_set(p, "day5_sigma", 0.05, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_set(p, "patient_sigma", 0.0, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_population_set(p, "day_sigma", 0.0, NULL), PBSC_OK);
    pbsc_natural_init(&a);
    ck_assert_int_eq(pbsc_population_natural(p, 200, 1, &a, NULL), PBSC_OK);
    ck_assert(a.failed == 1.0 && a.failed_se == 0.0 && a.sessions == 0);
    ck_assert(isnan(a.precount_median) && isnan(a.loglog_slope));
    pbsc_population_free(p);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("population");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, defaults_are_the_sources);
    tcase_add_test(tc, get_and_set_errors);
    tcase_add_test(tc, file_round_trip);
    tcase_add_test(tc, file_errors);
    tcase_add_test(tc, file_read);
    tcase_add_test(tc, natural_history);
    suite_add_tcase(s, tc);
    return pbsc_test_run(s);
}
