/* SPDX-License-Identifier: MIT */
/* The decision record (pbsc-record(5)): numbers and strings as written, the writer's fields
 * and errors. lib/json_out.c is hidden in the library: compiled into this test. */
#include <stdio.h>
#include <string.h>

#include "decide_test.h"
#include "record_private.h"

/* ---- numbers ------------------------------------------------------------------------- */

static const char *
number_text(double x, char out[64])
{
    pbsc_jw w = {out, 63, 0, 0, 0};

    pbsc_jw_number(&w, x);
    out[w.len < 63 ? w.len : 63] = '\0';
    return out;
}

static int
same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

START_TEST(numbers_as_written)
{
    char b[64];

    ck_assert_str_eq(number_text(NAN, b), "null");
    ck_assert_str_eq(number_text(0.0, b), "0");
    ck_assert_str_eq(number_text(-0.0, b), "-0.0"); /* "-0" may be read as the integer 0 */
    ck_assert_str_eq(number_text(35.0, b), "35");
    ck_assert_str_eq(number_text(0.46, b), "0.46");
    ck_assert_str_eq(number_text(16.8, b), "16.8");
    ck_assert_str_eq(number_text(-2.5, b), "-2.5");
    ck_assert_str_eq(number_text(0.05, b), "0.05");     /* m = 5, k = 2: leading zeros */
    ck_assert_str_eq(number_text(0.000001, b), "0.000001"); /* k = 6, the last tried */
    ck_assert_str_eq(number_text(1e-7, b), "1e-07");    /* beyond 6 decimals: %.15g */
    /* 72 kg x 70 mL/kg x 3 = 15.12 L, but 5.04 x 3 is the double just above 15.12 */
    ck_assert_str_eq(number_text(5.04 * 3.0, b), "15.120000000000001");
    ck_assert_str_eq(number_text(0.1 + 0.2, b), "0.30000000000000004");
    ck_assert_str_eq(number_text(1e300, b), "1e+300");
    ck_assert_str_eq(number_text(9007199254740993.0, b), "9007199254740992"); /* 2^53 + 1 */
    ck_assert_str_eq(number_text(INFINITY, b), "\"inf\"");
    ck_assert_str_eq(number_text(-INFINITY, b), "\"-inf\"");
}
END_TEST

/* Every finite double reads back bit-identical, in the environment's locale (the suite runs
 * under LC_ALL=de_DE.UTF-8 in CI: the writer must not write a comma). */
START_TEST(numbers_round_trip)
{
    unsigned long long state = 0x9e3779b97f4a7c15ULL;
    locale_t cl = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0), old;
    char b[64];
    int i;

    for (i = 0; i < 20000; i++) {
        unsigned long long bits;
        double x, y;
        state ^= state << 13, state ^= state >> 7, state ^= state << 17; /* xorshift64 */
        bits = state;
        if (i % 2 == 0) /* half of them short decimals, the writer's fast way */
            x = (double)(long long)(bits % 2000000001ULL - 1000000000LL) / 1000.0;
        else
            memcpy(&x, &bits, sizeof x);
        if (!isfinite(x))
            continue;
        number_text(x, b);
        ck_assert_msg(strchr(b, ',') == NULL, "%s", b);
        old = uselocale(cl);
        y = strtod(b, NULL);
        uselocale(old);
        ck_assert_msg(same_bits(x, y) || (x == 0.0 && strcmp(b, "0") == 0 && !signbit(x)),
                      "%a written %s read %a", x, b, y);
    }
    freelocale(cl);
}
END_TEST

/* ---- strings ------------------------------------------------------------------------- */

static size_t
string_text(const char *s, size_t n, char *out, size_t size, int *valid)
{
    pbsc_jw w = {out, size - 1, 0, 0, 0};

    *valid = pbsc_jw_string(&w, s, n);
    ck_assert(w.len < size);
    out[w.len] = '\0';
    return w.len;
}

/* Every byte 0x00-0xff, in order, as one string: each escaped as pbsc-record(5) says. */
START_TEST(every_byte_escaped)
{
    char in[256], out[2048], want[2048];
    size_t i, n = 0;
    int valid;

    for (i = 0; i < 256; i++)
        in[i] = (char)i;
    want[n++] = '"';
    for (i = 0; i < 256; i++) {
        const char *e = NULL;
        char u[8];
        switch (i) {
        case 0x08: e = "\\b"; break;
        case 0x09: e = "\\t"; break;
        case 0x0a: e = "\\n"; break;
        case 0x0c: e = "\\f"; break;
        case 0x0d: e = "\\r"; break;
        case 0x22: e = "\\\""; break;
        case 0x5c: e = "\\\\"; break;
        default:
            if (i < 0x20 || i == 0x7f) {
                snprintf(u, sizeof u, "\\u%04zx", i);
                e = u;
            } else if (i >= 0x80) {
                /* no byte here is followed by a continuation byte that would make it valid
                 * (0xc2 0xc3, ... 0xf4 0xf5): every one is replaced */
                e = "\\ufffd";
            }
        }
        if (e != NULL) {
            memcpy(want + n, e, strlen(e));
            n += strlen(e);
        } else {
            want[n++] = (char)i;
        }
    }
    want[n++] = '"';
    want[n] = '\0';
    ck_assert_uint_eq(string_text(in, 256, out, sizeof out, &valid), n);
    ck_assert_str_eq(out, want);
    ck_assert_int_eq(valid, 0);
}
END_TEST

START_TEST(utf8_sequences)
{
    static const struct {
        const char *in, *out;
        int valid;
    } t[] = {
        {"caf\xc3\xa9", "\"caf\xc3\xa9\"", 1},                      /* U+00E9 */
        {"\xe2\x82\xac", "\"\xe2\x82\xac\"", 1},                    /* U+20AC */
        {"\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"", 1},            /* U+10FFFF, the last */
        {"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", 0}, /* above U+10FFFF */
        {"\xc0\x80", "\"\\ufffd\\ufffd\"", 0},                      /* overlong NUL */
        {"\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"", 0},           /* overlong '/' */
        {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"", 0},           /* surrogate U+D800 */
        {"a\xe2\x82", "\"a\\ufffd\\ufffd\"", 0},                    /* cut short */
        {"\xe9t\xe9", "\"\\ufffdt\\ufffd\"", 0},                    /* Latin-1 "ete" */
    };
    char out[128];
    size_t i;
    int valid;

    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
        string_text(t[i].in, strlen(t[i].in), out, sizeof out, &valid);
        ck_assert_str_eq(out, t[i].out);
        ck_assert_int_eq(valid, t[i].valid);
    }
}
END_TEST

/* ---- the writer ------------------------------------------------------------------------ */

/* The good mobilizer of examples/data/good-mobilizer.csv, days 4 and 5, 72 kg: the morning
 * of day 5 under mayo2013-p2 collects. */
static pbsc_course *
good(void)
{
    static const row rows[] = {{4, 35, 30.1, NA, NA, NA}, {5, 41.3, NA, NA, NA, NA}};
    pbsc_person p = pbsc_test_person(72, 90);

    return keep(pbsc_test_course(&p, PBSC_REGIMEN_GCSF, 5, 2, rows, NROWS(rows)));
}

static char *
record_of(const pbsc_course *c, const pbsc_policy *p, const pbsc_model *m,
          const pbsc_decision *d)
{
    size_t need = 0;
    char *text;

    ck_assert_int_eq(pbsc_record_format(c, p, m, d, NULL, 0, &need), PBSC_OK);
    text = malloc(need);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(pbsc_record_format(c, p, m, d, text, need, NULL), PBSC_OK);
    ck_assert_uint_eq(strlen(text) + 1, need);
    return text;
}

/* The members the writer must put where pbsc-record(5) says, as bytes of the text. */
START_TEST(writer_fields)
{
    pbsc_course *c = good();
    pbsc_decision d = decide("mayo2013-p2", c, 5, MO);
    char *t = record_of(c, policy("mayo2013-p2"), NULL, &d);
    static const char head[] = "{\"format\":\"pbsc-record\",\"version\":1,\"library\":\"";

    ck_assert_decision(d, PBSC_ACTION_COLLECT, "collect.start");
    ck_assert_msg(strncmp(t, head, strlen(head)) == 0, "%.60s", t);
    ck_assert_ptr_nonnull(strstr(t, "\"policy\":{\"kind\":\"preset\",\"id\":\"mayo2013-p2\","));
    ck_assert_ptr_null(strstr(t, "\"text\"")); /* a preset and the defaults: no text */
    ck_assert_ptr_nonnull(strstr(t, "\"model\":{\"kind\":\"defaults\",\"id\":\"defaults\""));
    ck_assert_ptr_nonnull(strstr(t, "\"course\":{\"regimen\":\"gcsf\",\"goal\":5,\"minimum\":2,"
                                    "\"person\":{\"weight_kg\":72,\"height_cm\":null,"));
    ck_assert_ptr_nonnull(strstr(t, "{\"day\":4,\"cd34\":35,\"wbc\":30.1,\"plt\":null,"));
    ck_assert_ptr_nonnull(strstr(t, "\"decision\":{\"day\":5,\"moment\":\"morning\","
                                    "\"action\":\"collect\",\"rule\":\"collect.start\","));
    /* TBV 72 kg x 70 mL/kg = 5.04 L; the session cap 3 x TBV */
    ck_assert_ptr_nonnull(strstr(t, "\"tbv_l\":5.04,"));
    ck_assert_ptr_nonnull(strstr(t, "\"volume_l\":15.120000000000001,"));
    ck_assert_ptr_nonnull(strstr(t, "\"warnings\":{\"bits\":0,\"names\":[]}"));
    ck_assert_ptr_nonnull(strstr(t, "\"ce_id\":\"generic-auto\",\"ce_median\":0.46,"));
    ck_assert_msg(t[strlen(t) - 1] == '\n' && t[strlen(t) - 2] == '}', "ends %s",
                  t + strlen(t) - 4);
    free(t);
}
END_TEST

/* The rows of the decision's day and before, not after. */
START_TEST(writer_rows_read)
{
    static const row rows[] = {{4, 35, NA, NA, NA, NA}, {5, 41.3, NA, NA, NA, NA},
                               {6, 50, NA, NA, NA, NA}};
    pbsc_person p = pbsc_test_person(72, 90);
    pbsc_course *c = keep(pbsc_test_course(&p, PBSC_REGIMEN_GCSF, 5, 2, rows, NROWS(rows)));
    pbsc_decision d = decide("mayo2013-p2", c, 4, MO);
    char *t = record_of(c, policy("mayo2013-p2"), NULL, &d);

    ck_assert_ptr_nonnull(strstr(t, "\"day\":4,"));
    ck_assert_ptr_null(strstr(t, "\"day\":5,"));
    ck_assert_ptr_null(strstr(t, "\"day\":6,"));
    free(t);
}
END_TEST

/* A site policy and a model that is not the defaults are written with their texts. */
START_TEST(writer_texts)
{
    pbsc_course *c = good();
    pbsc_policy *p = parse("id = site-x\nversion = 2\nsource = SOP\nregimens = gcsf\n"
                           "assess_day = 4\ncollect_day = 5\nplerixafor_below = 10\n");
    pbsc_model *m = NULL;
    pbsc_ce_model ce;
    pbsc_decision d;
    char *t;

    ck_assert_int_eq(pbsc_ce_user(0.5, 0.3, &ce, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_model_from_ce(&ce, &m, NULL), PBSC_OK);
    d = decide_m(p, m, c, 5, MO);
    t = record_of(c, p, m, &d);
    ck_assert_ptr_nonnull(strstr(t, "\"policy\":{\"kind\":\"site\",\"id\":\"site-x\","));
    ck_assert_ptr_nonnull(strstr(t, "\"text\":\"# pbsc-policy(5) file written by libpbsc "));
    ck_assert_ptr_nonnull(strstr(t, "\\nid = site-x\\nversion = 2\\n"));
    ck_assert_ptr_nonnull(strstr(t, "\"model\":{\"kind\":\"file\","));
    ck_assert_ptr_nonnull(strstr(t, "\"text\":\"# pbsc-model(5) file written by libpbsc "));
    ck_assert_ptr_null(strstr(t, "_hex\"")); /* all of it UTF-8 */
    free(t);
    pbsc_model_free(m);
    pbsc_policy_free(p);
}
END_TEST

/* A site policy's source carries file bytes: 0x01-0xff but for LF and CR (which end a line
 * of a policy file) and NUL (refused in one), 253 bytes between '<' and '>' (the buffer holds
 * 255); written escaped, with the exact bytes of the text in text_hex. */
START_TEST(writer_policy_bytes)
{
    char text[1024], *t, *hex;
    size_t n = 0, i;
    pbsc_course *c = good();
    pbsc_policy *p;
    pbsc_decision d;

    n += (size_t)snprintf(text, sizeof text, "id = site-bytes\nversion = 1\nsource = <");
    for (i = 1; i < 256; i++)
        if (i != '\n' && i != '\r')
            text[n++] = (char)i;
    n += (size_t)snprintf(text + n, sizeof text - n,
                          ">\nregimens = gcsf\nassess_day = 4\ncollect_day = 5\n");
    ck_assert_int_eq(pbsc_policy_parse(text, n, &p, NULL), PBSC_OK);
    d = decide_p(p, c, 5, MO);
    t = record_of(c, p, NULL, &d);
    ck_assert_ptr_nonnull(strstr(t, "source = <\\u0001\\u0002"));
    ck_assert_ptr_nonnull(strstr(t, "\\b\\t\\u000b\\f\\u000e")); /* 08 09 0b 0c 0e */
    ck_assert_ptr_nonnull(strstr(t, " !\\\"#")); /* 20 21 22 23 */
    ck_assert_ptr_nonnull(strstr(t, "[\\\\]")); /* 5b 5c 5d */
    ck_assert_ptr_nonnull(strstr(t, "}~\\u007f\\ufffd\\ufffd")); /* 7d 7e 7f 80 81 */
    ck_assert_ptr_nonnull(strstr(t, "\\ufffd\\ufffd>\\n")); /* fe ff */
    /* the twin: "source = <" is 73 6f 75 72 63 65 20 3d 20 3c, then 01 02 ...; 09 0b (no 0a) */
    hex = strstr(t, "\"text_hex\":\"");
    ck_assert_ptr_nonnull(hex);
    ck_assert_ptr_nonnull(strstr(hex, "736f75726365203d203c0102030405060708090b0c0e0f10"));
    ck_assert_ptr_nonnull(strstr(hex, "7d7e7f8081"));
    ck_assert_ptr_nonnull(strstr(hex, "fdfeff3e0a")); /* ... fd fe ff > LF */
    free(t);
    pbsc_policy_free(p);
}
END_TEST

START_TEST(writer_buffer_contract)
{
    pbsc_course *c = good();
    const pbsc_policy *p = policy("mayo2013-p2");
    pbsc_decision d = decide("mayo2013-p2", c, 5, MO);
    size_t need = 0, again = 0;
    char small[16];
    char *t = record_of(c, p, NULL, &d);

    ck_assert_int_eq(pbsc_record_format(c, p, NULL, &d, NULL, 0, &need), PBSC_OK);
    ck_assert_uint_eq(need, strlen(t) + 1);
    memset(small, 'x', sizeof small);
    ck_assert_int_eq(pbsc_record_format(c, p, NULL, &d, small, sizeof small, &again),
                     PBSC_E_RANGE);
    ck_assert_uint_eq(again, need); /* measured whatever the buffer */
    ck_assert_int_eq(small[0], 'x'); /* untouched */
    ck_assert_int_eq(pbsc_record_format(c, p, NULL, &d, NULL, 0, NULL), PBSC_OK);
    free(t);
}
END_TEST

/* Every error path of pbsc_record_format(3). */
START_TEST(writer_errors)
{
    pbsc_course *c = good();
    const pbsc_policy *p = policy("mayo2013-p2");
    pbsc_decision d = decide("mayo2013-p2", c, 5, MO), bad;
    pbsc_model *m = NULL;
    pbsc_ce_model ce;
    char buf[8];
    size_t need;

    ck_assert_int_eq(pbsc_record_format(NULL, p, NULL, &d, NULL, 0, &need), PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_record_format(c, NULL, NULL, &d, NULL, 0, &need), PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_record_format(c, p, NULL, NULL, NULL, 0, &need), PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_record_format(c, p, NULL, &d, NULL, 8, &need), PBSC_E_INVAL);
    bad = d;
    bad.size = offsetof(pbsc_decision, ce_sigma); /* below the 1.0 layout */
    ck_assert_int_eq(pbsc_record_format(c, p, NULL, &bad, NULL, 0, &need), PBSC_E_INVAL);
    bad = d;
    bad.action = (pbsc_action)99;
    ck_assert_int_eq(pbsc_record_format(c, p, NULL, &bad, NULL, 0, &need), PBSC_E_INVAL);
    bad = d;
    bad.tonight.basis = (pbsc_dose_basis)-1;
    ck_assert_int_eq(pbsc_record_format(c, p, NULL, &bad, NULL, 0, &need), PBSC_E_INVAL);
    /* decided under mayo2013-p2, recorded as another preset's */
    ck_assert_int_eq(pbsc_record_format(c, policy("chen2012"), NULL, &d, NULL, 0, &need),
                     PBSC_E_CONFLICT);
    ck_assert_int_eq(pbsc_ce_user(0.5, 0.3, &ce, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_model_from_ce(&ce, &m, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_record_format(c, p, m, &d, NULL, 0, &need), PBSC_E_CONFLICT);
    pbsc_model_free(m);
    bad = d;
    bad.day = 9; /* no row for day 9 */
    ck_assert_int_eq(pbsc_record_format(c, p, NULL, &bad, NULL, 0, &need), PBSC_E_NODATA);
    bad.day = 0;
    ck_assert_int_eq(pbsc_record_format(c, p, NULL, &bad, NULL, 0, &need), PBSC_E_NODATA);
    ck_assert_int_eq(pbsc_record_format(c, p, NULL, &d, buf, sizeof buf, &need), PBSC_E_RANGE);
}
END_TEST

/* A caller compiled with the 1.0 layout (the decision ends at ce_sigma): written alike. */
START_TEST(writer_sized_decision)
{
    pbsc_course *c = good();
    pbsc_decision d = decide("mayo2013-p2", c, 5, MO), old = d;
    char *a, *b;

    old.size = PBSC_DECISION_MIN;
    a = record_of(c, policy("mayo2013-p2"), NULL, &d);
    b = record_of(c, policy("mayo2013-p2"), NULL, &old);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
}
END_TEST

/* The names the record writes for the library's enums are the library's: each value of the
 * action, the moment and the drug written in a decision, each diagnosis in a person. */
static int
has(const pbsc_course *c, const pbsc_decision *d, const char *member, const char *name)
{
    char want[96], *t = record_of(c, policy("mayo2013-p2"), NULL, d);
    int found;

    snprintf(want, sizeof want, "\"%s\":\"%s\"", member, name);
    found = strstr(t, want) != NULL;
    free(t);
    return found;
}

START_TEST(enum_names_agree)
{
    pbsc_course *c = good();
    pbsc_decision d = decide("mayo2013-p2", c, 5, MO), x;
    int v;

    for (v = 0, x = d; v <= PBSC_ACTION_CONTINUE; v++) {
        x.action = (pbsc_action)v;
        ck_assert_msg(has(c, &x, "action", pbsc_action_name(x.action)), "action %d", v);
    }
    for (v = 0, x = d; v <= PBSC_EVENING; v++) {
        x.decided_moment = (pbsc_moment)v;
        ck_assert(has(c, &x, "decided_moment", pbsc_moment_name(x.decided_moment)));
    }
    for (v = 0, x = d; v <= PBSC_DRUG_MOTIXAFORTIDE; v++) {
        x.tonight.drug = (pbsc_drug)v;
        ck_assert(has(c, &x, "drug", pbsc_drug_name(x.tonight.drug)));
    }
    for (v = 0; v < PBSC_DX_COUNT; v++) {
        static const row rows[] = {{5, 41.3, NA, NA, NA, NA}};
        pbsc_person p = pbsc_test_person(72, 90);
        pbsc_course *cd;
        p.diagnosis = (pbsc_diagnosis)v;
        cd = keep(pbsc_test_course(&p, PBSC_REGIMEN_GCSF, 5, 2, rows, 1));
        x = decide("mayo2013-p2", cd, 5, MO);
        ck_assert(has(cd, &x, "diagnosis", pbsc_diagnosis_name(p.diagnosis)));
    }
}
END_TEST

static Suite *
record_suite(void)
{
    Suite *s = suite_create("record");
    TCase *text = tcase_create("json");
    TCase *writer = tcase_create("writer");

    tcase_set_timeout(text, 60); /* 20000 numbers through printf and strtod, on a busy CI */
    tcase_add_test(text, numbers_as_written);
    tcase_add_test(text, numbers_round_trip);
    tcase_add_test(text, every_byte_escaped);
    tcase_add_test(text, utf8_sequences);
    suite_add_tcase(s, text);
    tcase_add_checked_fixture(writer, NULL, teardown);
    tcase_add_test(writer, writer_fields);
    tcase_add_test(writer, writer_rows_read);
    tcase_add_test(writer, writer_texts);
    tcase_add_test(writer, writer_policy_bytes);
    tcase_add_test(writer, writer_buffer_contract);
    tcase_add_test(writer, writer_errors);
    tcase_add_test(writer, writer_sized_decision);
    tcase_add_test(writer, enum_names_agree);
    suite_add_tcase(s, writer);
    return s;
}

int
main(void)
{
    return pbsc_test_run(record_suite());
}
