/* SPDX-License-Identifier: MIT */
/* Tests of the decision policies: the presets, the writer and the parser of pbsc-policy(5)
 * files (round trips, every error with its field and line), and reading a file. */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen, unlink under -std=c99 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pbsc_test.h"

/* A pointer no call may write over: *policy keeps it when a call fails. */
static pbsc_policy *const untouched = (pbsc_policy *)(void *)&untouched;
static const pbsc_policy *const c_untouched = (const pbsc_policy *)(const void *)&c_untouched;

/* The presets, in the order of the table in lib/policy.c (pbsc-sources(7)). */
static const char *const preset_ids[] = {"chen2012", "mayo2013-p1", "mayo2013-p2", "d5-2012",
                                         "jit2011",  "uk2018",      "tandem2013",  "d5-20-2022",
                                         "donor-d5", "forecast",
                                         /* the planned schedules (issue 14) */
                                         "dipersio2009-nhl", "dipersio2009-mm", "genesis2023",
                                         "nmdp-donor", "nmdp-donor-2day", "pegfilgrastim-donor",
                                         "pegfilgrastim"};
#define NPRESETS (sizeof preset_ids / sizeof preset_ids[0])

/* A policy's info (the struct is size-tagged: initialised first). */
static pbsc_policy_info
info_of(const pbsc_policy *p)
{
    pbsc_policy_info info;

    pbsc_policy_info_init(&info);
    ck_assert_int_eq(pbsc_policy_info_get(p, &info), PBSC_OK);
    return info;
}

/* The text pbsc_policy_format writes, in a malloc'd buffer. */
static char *
format(const pbsc_policy *p)
{
    size_t needed = 0, again = 0;
    char *buf;

    ck_assert_int_eq(pbsc_policy_format(p, NULL, 0, &needed), PBSC_OK);
    ck_assert_uint_gt(needed, 1);
    buf = malloc(needed);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(pbsc_policy_format(p, buf, needed, &again), PBSC_OK);
    ck_assert_uint_eq(again, needed);
    ck_assert_uint_eq(strlen(buf), needed - 1);
    return buf;
}

static pbsc_policy *
parse_ok(const char *text, size_t length)
{
    pbsc_policy *p = NULL;
    pbsc_diag diag;
    int rc;

    pbsc_diag_clear(&diag);
    rc = pbsc_policy_parse(text, length, &p, &diag);
    ck_assert_msg(rc == PBSC_OK, "parse: %s, field '%s', line %ld: %s", pbsc_strerror(rc),
                  diag.field, diag.line, diag.text);
    ck_assert_ptr_nonnull(p);
    return p;
}

/* Whether the text a policy formats to has the line `line` ("max_day = 20"); `got` receives
 * the line it has for that key instead (for messages). Frees what it allocates before any
 * assertion can fail, so a failing test leaks nothing under CK_FORK=no. */
static int
has_line(const pbsc_policy *p, const char *line, char *got, size_t size)
{
    char *text = format(p), want[200];
    const char *at;
    int found;

    snprintf(want, sizeof want, "\n%s\n", line);
    found = strstr(text, want) != NULL;
    snprintf(want, sizeof want, "\n%.*s =", (int)strcspn(line, " ="), line);
    at = strstr(text, want);
    snprintf(got, size, "%.*s", at != NULL ? (int)strcspn(at + 1, "\n") : 6,
             at != NULL ? at + 1 : "(none)");
    free(text);
    return found;
}

static void
assert_formats(const pbsc_policy *p, const char *line)
{
    char got[200];

    ck_assert_msg(has_line(p, line, got, sizeof got), "want '%s', the text has '%s'", line, got);
}

/* ---- presets --------------------------------------------------------------------------- */

START_TEST(preset_count_and_order)
{
    size_t i;

    ck_assert_uint_eq(pbsc_policy_count(), 17);
    ck_assert_uint_eq(pbsc_policy_count(), NPRESETS);
    for (i = 0; i < NPRESETS; i++) {
        ck_assert_ptr_nonnull(pbsc_policy_get(i));
        ck_assert_str_eq(info_of(pbsc_policy_get(i)).id, preset_ids[i]);
    }
    ck_assert_ptr_null(pbsc_policy_get(NPRESETS));
    ck_assert_ptr_null(pbsc_policy_get((size_t)-1));
}
END_TEST

START_TEST(preset_find)
{
    const pbsc_policy *p = c_untouched;
    pbsc_diag diag;
    size_t i;

    for (i = 0; i < NPRESETS; i++) {
        pbsc_diag_clear(&diag);
        ck_assert_int_eq(pbsc_policy_find(preset_ids[i], &p, &diag), PBSC_OK);
        ck_assert_ptr_eq(p, pbsc_policy_get(i));
        ck_assert_int_eq(diag.status, PBSC_OK); /* not written on success */
        ck_assert_int_eq(pbsc_policy_find(preset_ids[i], &p, NULL), PBSC_OK);
    }
    p = c_untouched;
    ck_assert_fails(pbsc_policy_find("mayo2013", &p, &diag), PBSC_E_UNKNOWN, "policy");
    ck_assert_fails(pbsc_policy_find("", &p, &diag), PBSC_E_UNKNOWN, "policy");
    ck_assert_fails(pbsc_policy_find("CHEN2012", &p, &diag), PBSC_E_UNKNOWN, "policy");
    ck_assert_fails(pbsc_policy_find("chen2012 ", &p, &diag), PBSC_E_UNKNOWN, "policy");
    ck_assert_int_eq(pbsc_policy_find("nope", &p, NULL), PBSC_E_UNKNOWN);
    ck_assert_ptr_eq(p, c_untouched);
    ck_assert_fails(pbsc_policy_find(NULL, &p, &diag), PBSC_E_INVAL, "id");
    ck_assert_fails(pbsc_policy_find("chen2012", NULL, &diag), PBSC_E_INVAL, "policy");
    ck_assert_ptr_eq(p, c_untouched);
}
END_TEST

START_TEST(preset_info)
{
    pbsc_policy_info info, copy;
    size_t i, j;

    for (i = 0; i < NPRESETS; i++) {
        const pbsc_policy *p = pbsc_policy_get(i);

        info = info_of(p);
        ck_assert(info.id && info.version && info.name && info.source && info.provenance);
        ck_assert_str_ne(info.id, "");
        ck_assert_str_ne(info.version, "");
        ck_assert_str_ne(info.name, "");
        ck_assert_str_ne(info.source, "");
        ck_assert_str_ne(info.provenance, "");
        /* every published preset says how its source was read: all were read as abstracts;
         * the model-based one says it is not a published algorithm */
        ck_assert_msg(strstr(info.provenance, strcmp(info.id, "forecast") == 0
                                                  ? "not a published algorithm"
                                                  : "abstract") != NULL,
                      "%s: provenance '%s'", info.id, info.provenance);
        for (j = 0; j < i; j++) {
            copy = info_of(pbsc_policy_get(j));
            ck_assert_str_ne(info.id, copy.id);
            ck_assert_str_ne(info.name, copy.name);
        }
    }
    pbsc_policy_info_init(&info);
    ck_assert_int_eq(pbsc_policy_info_get(NULL, &info), PBSC_E_INVAL);
    ck_assert_ptr_null(info.id);
    ck_assert_int_eq(pbsc_policy_info_get(pbsc_policy_get(0), NULL), PBSC_E_INVAL);
}
END_TEST

START_TEST(preset_free_is_noop)
{
    size_t i;

    for (i = 0; i < NPRESETS; i++) {
        pbsc_policy *p = (pbsc_policy *)(void *)pbsc_policy_get(i);

        pbsc_policy_free(p); /* presets are static data: nothing to free, no crash */
        pbsc_policy_free(p);
        ck_assert_str_eq(info_of(pbsc_policy_get(i)).id, preset_ids[i]);
    }
    pbsc_policy_free(NULL);
}
END_TEST

/* ---- the writer, and the round trip through the parser ------------------------------------ */

START_TEST(round_trip_every_preset)
{
    size_t i;

    for (i = 0; i < NPRESETS; i++) {
        const pbsc_policy *p = pbsc_policy_get(i);
        char *first = format(p), *second;
        pbsc_policy *copy = parse_ok(first, strlen(first));
        pbsc_policy_info a, b;

        second = format(copy);
        ck_assert_msg(strcmp(first, second) == 0, "%s: the text changed:\n%s\n---\n%s",
                      preset_ids[i], first, second);
        a = info_of(p);
        b = info_of(copy);
        ck_assert_str_eq(a.id, b.id);
        ck_assert_str_eq(a.version, b.version);
        ck_assert_str_eq(a.name, b.name);
        ck_assert_str_eq(a.source, b.source);
        ck_assert_str_eq(a.provenance, b.provenance);
        ck_assert_uint_eq(a.scope, b.scope);
        ck_assert_uint_eq(a.regimens, b.regimens);
        ck_assert_int_eq(a.model_based, b.model_based);
        ck_assert_str_eq(a.hash, b.hash); /* the preset itself: its identity is kept */
        /* the text names the library that wrote it */
        ck_assert(strncmp(first, "# ", 2) == 0 && strstr(first, pbsc_version_string()) != NULL);
        pbsc_policy_free(copy);
        free(first);
        free(second);
    }
}
END_TEST

/* FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3) of a policy's text after
 * its first line (the comment naming the library): written here independently of lib/kv.c. */
static void
fnv_after_comment(const char *text, char hex[17])
{
    unsigned long long h = 0xcbf29ce484222325ULL;
    const char *c = strchr(text, '\n');

    ck_assert_ptr_nonnull(c);
    for (c++; *c != '\0'; c++)
        h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
    snprintf(hex, 17, "%016llx", h);
}

/* Each preset's hash is pinned in lib/policy.c: a changed preset cannot keep a stale one
 * (update the pin to the value this test prints), and no two presets share one. */
START_TEST(preset_hashes_are_their_text)
{
    char hex[NPRESETS][17];
    size_t i, j;

    for (i = 0; i < NPRESETS; i++) {
        char *text = format(pbsc_policy_get(i));
        pbsc_policy_info in = info_of(pbsc_policy_get(i));

        fnv_after_comment(text, hex[i]);
        ck_assert_msg(strcmp(in.hash, hex[i]) == 0, "%s: pinned hash %s, its text hashes to %s",
                      preset_ids[i], in.hash, hex[i]);
        for (j = 0; j < i; j++)
            ck_assert_str_ne(hex[i], hex[j]);
        free(text);
    }
}
END_TEST

/* Issue 9: a site file that takes a preset's id and changes one threshold was recorded as
 * "mayo2013-p2 version 1"; now it is refused on the id's line. Line 1 is the writer's
 * comment, line 2 `id = ...`. */
START_TEST(preset_id_cannot_be_borrowed)
{
    const pbsc_policy *preset;
    pbsc_policy *p = NULL;
    char *text, *at;
    pbsc_diag diag;

    ck_assert_int_eq(pbsc_policy_find("mayo2013-p2", &preset, NULL), PBSC_OK);
    text = format(preset);
    at = strstr(text, "\nplerixafor_below = 10\n");
    ck_assert_ptr_nonnull(at);
    memcpy(at, "\nplerixafor_below = 12\n", 23);
    ck_assert_fails(pbsc_policy_parse(text, strlen(text), &p, &diag), PBSC_E_CONFLICT, "id");
    ck_assert_int_eq(diag.line, 2);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(diag.text, "mayo2013-p2") != NULL, "%s", diag.text);
    /* the same text under its own id is a site policy like any other */
    memcpy(text + strlen("# pbsc-policy(5) file written by libpbsc ") +
               strlen(pbsc_version_string()) + strlen("\nid = "),
           "site-p2", 7); /* "mayo201" -> "site-p2": id = site-p23-p2 */
    p = parse_ok(text, strlen(text));
    ck_assert_str_eq(info_of(p).id, "site-p23-p2");
    ck_assert_str_ne(info_of(p).hash, info_of(preset).hash);
    pbsc_policy_free(p);
    free(text);
}
END_TEST

/* Every decision carries the hash of the policy it applied: two policies that differ in one
 * threshold, with the same id and version, never look alike in an audit. */
START_TEST(decisions_carry_the_policy_hash)
{
    static const char a_text[] = "id = site\nversion = 1\nsource = SOP\nregimens = gcsf\n"
                                 "assess_day = 4\ncollect_day = 5\nplerixafor_below = 10\n";
    static const char b_text[] = "id = site\nversion = 1\nsource = SOP\nregimens = gcsf\n"
                                 "assess_day = 4\ncollect_day = 5\nplerixafor_below = 12\n";
    const struct pbsc_test_row rows[] = {{4, 30, NA, NA, NA, NA}};
    pbsc_policy *a = parse_ok(a_text, strlen(a_text)), *b = parse_ok(b_text, strlen(b_text));
    pbsc_person pe = pbsc_test_person(70, 90);
    pbsc_course *c = pbsc_test_course(&pe, PBSC_REGIMEN_GCSF, 5, 2, rows, NROWS(rows));
    pbsc_decision da = pbsc_test_decision(), db = pbsc_test_decision();

    ck_assert_int_eq(pbsc_decide(c, a, NULL, 4, PBSC_MORNING, &da, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_decide(c, b, NULL, 4, PBSC_MORNING, &db, NULL), PBSC_OK);
    ck_assert_str_eq(da.policy_id, db.policy_id);
    ck_assert_str_eq(da.policy_version, db.policy_version);
    ck_assert_str_eq(da.policy_hash, info_of(a).hash);
    ck_assert_str_eq(db.policy_hash, info_of(b).hash);
    ck_assert_str_ne(da.policy_hash, db.policy_hash);
    ck_assert_uint_eq(strlen(da.policy_hash), 16);
    pbsc_course_free(c);
    pbsc_policy_free(a);
    pbsc_policy_free(b);
}
END_TEST

START_TEST(format_sizes)
{
    const pbsc_policy *p = pbsc_policy_get(6);
    size_t needed = 0, n = 12345;
    char *buf, small[64];
    size_t i;

    ck_assert_int_eq(pbsc_policy_format(p, NULL, 0, &needed), PBSC_OK);
    ck_assert_uint_gt(needed, 100);
    ck_assert_int_eq(pbsc_policy_format(p, NULL, 0, NULL), PBSC_OK); /* measure, discard */
    buf = malloc(needed + 8);
    ck_assert_ptr_nonnull(buf);
    /* exactly the size needed: the text and its NUL */
    memset(buf, 'Z', needed + 8);
    ck_assert_int_eq(pbsc_policy_format(p, buf, needed, &n), PBSC_OK);
    ck_assert_uint_eq(n, needed);
    ck_assert_uint_eq(strlen(buf), needed - 1);
    ck_assert(buf[needed] == 'Z'); /* nothing written past size */
    ck_assert_int_eq(pbsc_policy_format(p, buf, needed, NULL), PBSC_OK);
    /* one byte short: PBSC_E_RANGE, the buffer untouched, needed still reported */
    memset(buf, 'Z', needed + 8);
    n = 0;
    ck_assert_int_eq(pbsc_policy_format(p, buf, needed - 1, &n), PBSC_E_RANGE);
    ck_assert_uint_eq(n, needed);
    for (i = 0; i < needed + 8; i++)
        ck_assert_msg(buf[i] == 'Z', "byte %zu written on error", i);
    memset(small, 'Z', sizeof small);
    ck_assert_int_eq(pbsc_policy_format(p, small, sizeof small, NULL), PBSC_E_RANGE);
    ck_assert_int_eq(pbsc_policy_format(p, small, 0, NULL), PBSC_E_RANGE);
    for (i = 0; i < sizeof small; i++)
        ck_assert(small[i] == 'Z');
    /* NULL arguments */
    n = 777;
    ck_assert_int_eq(pbsc_policy_format(NULL, NULL, 0, &n), PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_policy_format(NULL, buf, needed, &n), PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_policy_format(p, NULL, 10, &n), PBSC_E_INVAL);
    ck_assert_uint_eq(n, 777);
    free(buf);
}
END_TEST

/* ---- the same decisions from a preset and from its parsed copy ------------------------------ */

#define N NA
struct course_spec {
    const char *what;
    pbsc_regimen regimen;
    double weight_kg, goal, minimum;
    struct pbsc_test_row rows[16];
    double recipient_kg; /* 0: autologous (NAN cannot be a static zero default) */
};

/* The rows: day, PB CD34, WBC, plerixafor mg that evening, litres processed, product. */
static const struct course_spec courses[] = {
    {"good mobilizer",
     PBSC_REGIMEN_GCSF,
     80.0,
     5.0,
     2.0,
     {{1, N, N, N, N, N},
      {2, N, N, N, N, N},
      {3, N, N, N, N, N},
      {4, 45, 35, N, N, N},
      {5, 60, 40, N, 15, 3.2},
      {6, 50, 42, N, 15, 2.1},
      {7, 40, 38, N, N, N}},
     0.0},
    {"poor mobilizer, pre-emptive plerixafor",
     PBSC_REGIMEN_GCSF,
     70.0,
     5.0,
     2.0,
     {{4, 6, 28, 16.8, N, N},
      {5, 22, 45, N, 20, 1.6},
      {6, 18, 40, N, 20, 1.2},
      {7, 14, 36, N, 20, 0.4}, /* 2 sessions left from 14/uL reach the 2.2 remaining */
      {8, 10, 30, N, N, N}},
     0.0},
    {"salvage after a poor first harvest",
     PBSC_REGIMEN_GCSF,
     70.0,
     5.0,
     2.0,
     {{4, 24, 30, N, N, N},
      {5, 21, 35, N, 12, 0.8},
      {6, 17, 33, 16.8, N, N},
      {7, 48, 50, N, 18, 2.9},
      {8, 35, 44, N, 18, 1.5},
      {9, 20, 40, N, N, N}},
     0.0},
    {"tandem band, the policy's own goal",
     PBSC_REGIMEN_GCSF,
     75.0,
     N,
     N,
     {{4, 11, 30, N, N, N},
      {5, 14, 40, N, N, N},
      {6, 17, 44, 18, N, N},
      {7, 36, 55, N, 20, 2.6},
      {8, 25, 48, N, 20, 1.7}},
     0.0},
    {"several transplants (goal 10)",
     PBSC_REGIMEN_GCSF,
     80.0,
     10.0,
     4.0,
     {{4, 15, 30, 19.2, N, N},
      {5, 55, 48, N, 20, 3.5},
      {6, 40, 45, N, 20, 2.8},
      {7, 30, 40, N, 20, 2.2},
      {8, 25, 38, N, 20, 1.4},
      {9, 20, 35, N, N, N}},
     0.0},
    {"WBC-gated and undefined low counts",
     PBSC_REGIMEN_GCSF,
     65.0,
     4.0,
     2.0,
     {{4, 3, 9, N, N, N},
      {5, 12, 8, N, N, N},
      {6, 13, 12, 15.6, N, N},
      {7, 40, 50, N, 16, 2.4},
      {8, 30, 45, N, N, N}},
     0.0},
    {"failed mobilization: still low after plerixafor",
     PBSC_REGIMEN_GCSF,
     70.0,
     5.0,
     2.0,
     {{4, 3, 20, N, N, N}, {5, 4, 24, 16.8, N, N}, {6, 7, 30, N, N, N}},
     0.0},
    {"chemotherapy + G-CSF",
     PBSC_REGIMEN_CHEMO_GCSF,
     72.0,
     5.0,
     2.0,
     /* counts recorded from the nadir on (a normal WBC before the nadir would be read as
        recovery by lib/decide.c: reported as a defect, not pinned here) */
     {{7, N, 0.4, N, N, N},
      {8, N, 0.3, N, N, N},
      {9, N, 0.6, N, N, N},
      {10, 18, 1.4, N, N, N},
      {11, 30, 3.5, N, 15, 2.6},
      {12, 40, 8.0, N, 15, 2.0},
      {13, 30, 12.0, N, 15, 0.8},
      {14, 20, 14.0, N, N, N}},
     0.0},
    {"healthy donor, a second apheresis",
     PBSC_REGIMEN_GCSF,
     80.0,
     5.0,
     2.0,
     {{1, N, N, N, N, N},
      {2, N, N, N, N, N},
      {3, N, N, N, N, N},
      {4, 35, 40, N, N, N},
      {5, 48, 45, N, 15, 2.5},
      {6, 30, 42, N, 15, 1.8},
      {7, 20, 38, N, N, N}},
     20.0},
};
#undef N

static pbsc_course *
build(const struct course_spec *spec)
{
    pbsc_person person = pbsc_test_person(spec->weight_kg, NAN);
    size_t n;

    if (spec->recipient_kg > 0.0)
        person.recipient_kg = spec->recipient_kg;
    for (n = 0; n < NROWS(spec->rows) && spec->rows[n].day > 0; n++)
        ;
    return pbsc_test_course(&person, spec->regimen, spec->goal, spec->minimum, spec->rows, n);
}

/* Bit-identical doubles (NAN equal to NAN): the replay of a parsed copy is exact. */
static int
identical(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

/* The rules the courses above make some preset fire: the comparison is not vacuous. */
static const char *const rules_expected[] = {"wait.gcsf",
                                             "assess.collect",
                                             "assess.collect_tomorrow",
                                             "collect.start",
                                             "collect.continue",
                                             "stop.goal",
                                             "assess.plerixafor",
                                             "collect.after_plerixafor",
                                             "salvage.y1",
                                             "salvage.yd",
                                             "assess.band",
                                             "band.plerixafor",
                                             "fail.after_plerixafor",
                                             "assess.wait_wbc",
                                             "outside.undefined",
                                             "outside.regimen",
                                             "wait.recovery",
                                             "stop.sessions",
                                             "stop.unreachable",
                                             "outside.scope",
                                             "stopped",
                                             "continue.tomorrow",
                                             "plerixafor.next"};

/* The points a course supports: every morning, and the evening of every apheresis. */
static size_t
points(const struct course_spec *spec)
{
    size_t i, n = 0;

    for (i = 0; i < NROWS(spec->rows) && spec->rows[i].day > 0; i++)
        n += 1 + !isnan(spec->rows[i].litres);
    return n;
}

#define CAPACITY 48

START_TEST(same_decisions_as_preset)
{
    static pbsc_decision a[CAPACITY], b[CAPACITY];
    unsigned char fired[NROWS(rules_expected)] = {0};
    size_t i, k, j;

    for (i = 0; i < NPRESETS; i++) {
        const pbsc_policy *preset = pbsc_policy_get(i);
        char *text = format(preset);
        pbsc_policy *copy = parse_ok(text, strlen(text));

        for (k = 0; k < NROWS(courses); k++) {
            pbsc_course *c = build(&courses[k]);
            size_t na = 0, nb = 0;
            pbsc_diag da, db;
            int ra, rb;

            pbsc_diag_clear(&da);
            pbsc_diag_clear(&db);
            pbsc_decision_init(&a[0]);
            pbsc_decision_init(&b[0]);
            ra = pbsc_replay(c, preset, NULL, a, CAPACITY, &na, &da);
            rb = pbsc_replay(c, copy, NULL, b, CAPACITY, &nb, &db);
            ck_assert_msg(ra == rb, "%s, %s: %d vs %d", preset_ids[i], courses[k].what, ra, rb);
            ck_assert_str_eq(da.field, db.field);
            ck_assert_str_eq(da.text, db.text);
            if (ra != PBSC_OK) {
                /* only a course without its own goal, under a preset without one */
                ck_assert_int_eq(ra, PBSC_E_MISSING);
                ck_assert(isnan(courses[k].goal) || isnan(courses[k].minimum));
                pbsc_course_free(c);
                continue;
            }
            ck_assert_uint_eq(na, points(&courses[k]));
            ck_assert_uint_eq(nb, na);
            for (j = 0; j < na; j++) {
                const pbsc_decision *x = &a[j], *y = &b[j];
                size_t r;

                ck_assert_msg(x->action == y->action && strcmp(x->rule, y->rule) == 0,
                              "%s, %s, day %ld %s: %s/%s vs %s/%s", preset_ids[i], courses[k].what,
                              x->day, pbsc_moment_name(x->moment), pbsc_action_name(x->action),
                              x->rule, pbsc_action_name(y->action), y->rule);
                ck_assert_int_eq(x->day, y->day);
                ck_assert_int_eq(x->moment, y->moment);
                ck_assert_int_eq(x->decided_day, y->decided_day);
                ck_assert_int_eq(x->decided_moment, y->decided_moment);
                ck_assert_str_eq(x->reason, y->reason);
                ck_assert_str_eq(x->policy_id, y->policy_id);
                ck_assert_str_eq(x->policy_version, y->policy_version);
                ck_assert(identical(x->threshold, y->threshold));
                ck_assert(identical(x->volume_l, y->volume_l));
                ck_assert_int_eq(x->tonight.drug, y->tonight.drug);
                ck_assert(identical(x->tonight.mg, y->tonight.mg));
                ck_assert_int_eq(x->tonight.number, y->tonight.number);
                ck_assert_int_eq(x->tonight.apheresis_day, y->tonight.apheresis_day);
                ck_assert_int_eq(x->tonight.salvage, y->tonight.salvage);
                ck_assert_int_eq(x->tonight.basis, y->tonight.basis);
                ck_assert(identical(x->goal, y->goal) && identical(x->minimum, y->minimum));
                ck_assert(identical(x->collected, y->collected));
                ck_assert(identical(x->remaining, y->remaining));
                ck_assert(identical(x->projection.median, y->projection.median));
                ck_assert(identical(x->p_goal_without, y->p_goal_without));
                ck_assert(identical(x->p_goal_with, y->p_goal_with));
                ck_assert_uint_eq(x->warnings, y->warnings);
                for (r = 0; r < NROWS(rules_expected); r++)
                    if (strcmp(x->rule, rules_expected[r]) == 0)
                        fired[r] = 1;
            }
            pbsc_course_free(c);
        }
        pbsc_policy_free(copy);
        free(text);
    }
    for (i = 0; i < NROWS(rules_expected); i++)
        ck_assert_msg(fired[i], "no course made rule %s fire", rules_expected[i]);
}
END_TEST

/* ---- the parser: errors ---------------------------------------------------------------- */

/* Three lines before the line under test: a comment, a blank line, an indented comment. */
#define HEAD "# site SOP 12\n\n   # thresholds below\n"
/* The six required keys, one a line. */
#define REQ                                                                                        \
    "id = site\nversion = 1\nsource = SOP 12\nregimens = gcsf\nassess_day = 4\ncollect_day = 5\n"

struct parse_case {
    const char *text;
    size_t length;
    int rc;
    const char *field;
    long line;
    double value; /* the number read (range, whole number), the field's (relation), or NAN */
};

#define T(text) text, sizeof(text) - 1

static const struct parse_case parse_cases[] = {
    /* not `key = value` */
    {T(HEAD "version 1\n" REQ), PBSC_E_PARSE, "", 4, NAN},
    {T(HEAD "= 5\n" REQ), PBSC_E_PARSE, "", 4, NAN},
    {T(HEAD "  \t= 5\n" REQ), PBSC_E_PARSE, "", 4, NAN},
    {T(HEAD "=\n" REQ), PBSC_E_PARSE, "", 4, NAN},
    /* no value */
    {T(HEAD "id =\n" REQ), PBSC_E_PARSE, "id", 4, NAN},
    {T(HEAD "name = \t \n" REQ), PBSC_E_PARSE, "name", 4, NAN},
    {T(HEAD "assess_day=\n" REQ), PBSC_E_PARSE, "assess_day", 4, NAN},
    /* unknown keys (matched exactly, case and all) */
    {T(HEAD "colour = red\n" REQ), PBSC_E_UNKNOWN, "colour", 4, NAN},
    {T(HEAD "Assess_Day = 4\n" REQ), PBSC_E_UNKNOWN, "Assess_Day", 4, NAN},
    {T(HEAD "assess day = 4\n" REQ), PBSC_E_UNKNOWN, "assess day", 4, NAN},
    {T(HEAD "colour =\n" REQ), PBSC_E_UNKNOWN, "colour", 4, NAN},
    /* a key given twice: the second line */
    {T(HEAD REQ "assess_day = 5\n"), PBSC_E_DUPLICATE, "assess_day", 10, NAN},
    {T(HEAD REQ "\n# again\nid = other\n"), PBSC_E_DUPLICATE, "id", 12, NAN},
    {T(HEAD "goal = none\ngoal = 5\n" REQ), PBSC_E_DUPLICATE, "goal", 5, NAN},
    /* not a number */
    {T(HEAD "assess_day = abc\n" REQ), PBSC_E_PARSE, "assess_day", 4, NAN},
    {T(HEAD "plerixafor_below = 1e\n" REQ), PBSC_E_PARSE, "plerixafor_below", 4, NAN},
    {T(HEAD "plerixafor_below = nan\n" REQ), PBSC_E_PARSE, "plerixafor_below", 4, NAN},
    {T(HEAD "plerixafor_below = NaN\n" REQ), PBSC_E_PARSE, "plerixafor_below", 4, NAN},
    {T(HEAD "plerixafor_below = inf\n" REQ), PBSC_E_PARSE, "plerixafor_below", 4, NAN},
    {T(HEAD "plerixafor_below = -inf\n" REQ), PBSC_E_PARSE, "plerixafor_below", 4, NAN},
    {T(HEAD "plerixafor_below = infinity\n" REQ), PBSC_E_PARSE, "plerixafor_below", 4, NAN},
    {T(HEAD "plerixafor_below = 0x10\n" REQ), PBSC_E_PARSE, "plerixafor_below", 4, NAN},
    {T(HEAD "plerixafor_below = 20 /uL\n" REQ), PBSC_E_PARSE, "plerixafor_below", 4, NAN},
    {T(HEAD "plerixafor_below = 2 0\n" REQ), PBSC_E_PARSE, "plerixafor_below", 4, NAN},
    {T(HEAD "goal = 5,5\n" REQ), PBSC_E_PARSE, "goal", 4, NAN},
    /* a whole-number key given a fraction */
    {T(HEAD "assess_day = 4.5\n" REQ), PBSC_E_PARSE, "assess_day", 4, 4.5},
    {T(HEAD "max_sessions = 2.5\n" REQ), PBSC_E_PARSE, "max_sessions", 4, 2.5},
    {T(HEAD "band_days = 0.5\n" REQ), PBSC_E_PARSE, "band_days", 4, 0.5},
    /* out of the key's range */
    {T(HEAD "assess_day = 0\n" REQ), PBSC_E_RANGE, "assess_day", 4, 0},
    {T(HEAD "assess_day = -4\n" REQ), PBSC_E_RANGE, "assess_day", 4, -4},
    {T(HEAD "max_day = 367\n" REQ), PBSC_E_RANGE, "max_day", 4, 367},
    {T(HEAD "assess_last_day = 0\n" REQ), PBSC_E_RANGE, "assess_last_day", 4, 0},
    {T(HEAD "band_days = 15\n" REQ), PBSC_E_RANGE, "band_days", 4, 15},
    {T(HEAD "max_sessions = 0\n" REQ), PBSC_E_RANGE, "max_sessions", 4, 0},
    {T(HEAD "max_plerixafor_doses = 11\n" REQ), PBSC_E_RANGE, "max_plerixafor_doses", 4, 11},
    {T(HEAD "goal = 0\n" REQ), PBSC_E_RANGE, "goal", 4, 0},
    {T(HEAD "minimum = 100.5\n" REQ), PBSC_E_RANGE, "minimum", 4, 100.5},
    {T(HEAD "plerixafor_below = -1\n" REQ), PBSC_E_RANGE, "plerixafor_below", 4, -1},
    {T(HEAD "plerixafor_below = 5001\n" REQ), PBSC_E_RANGE, "plerixafor_below", 4, 5001},
    {T(HEAD "recovery_wbc = 501\n" REQ), PBSC_E_RANGE, "recovery_wbc", 4, 501},
    {T(HEAD "session_litres = 61\n" REQ), PBSC_E_RANGE, "session_litres", 4, 61},
    {T(HEAD "session_tbv_multiple = 0\n" REQ), PBSC_E_RANGE, "session_tbv_multiple", 4, 0},
    {T(HEAD "level = 1\n" REQ), PBSC_E_RANGE, "level", 4, 1},
    {T(HEAD "volume_probability = 0.995\n" REQ), PBSC_E_RANGE, "volume_probability", 4, 0.995},
    /* "none" where the key must have a value */
    {T(HEAD "recovery_wbc = none\n" REQ), PBSC_E_PARSE, "recovery_wbc", 4, NAN},
    {T(HEAD "assess_day = none\n" REQ), PBSC_E_PARSE, "assess_day", 4, NAN},
    {T(HEAD "max_day = none\n" REQ), PBSC_E_PARSE, "max_day", 4, NAN},
    {T(HEAD "band_days = none\n" REQ), PBSC_E_PARSE, "band_days", 4, NAN},
    {T(HEAD "level = none\n" REQ), PBSC_E_PARSE, "level", 4, NAN},
    /* booleans */
    {T(HEAD "fail_gitmo = maybe\n" REQ), PBSC_E_PARSE, "fail_gitmo", 4, NAN},
    {T(HEAD "plerixafor_inclusive = none\n" REQ), PBSC_E_PARSE, "plerixafor_inclusive", 4, NAN},
    {T(HEAD "plerixafor_fixed_dose = 2\n" REQ), PBSC_E_PARSE, "plerixafor_fixed_dose", 4, NAN},
    {T(HEAD "fail_gitmo = yess\n" REQ), PBSC_E_PARSE, "fail_gitmo", 4, NAN},
    /* regimens */
    {T(HEAD "regimens = gcsf, autologous\n"), PBSC_E_PARSE, "regimens", 4, NAN},
    {T(HEAD "regimens = g-csf\n"), PBSC_E_PARSE, "regimens", 4, NAN},
    {T(HEAD "regimens = ,\n"), PBSC_E_PARSE, "regimens", 4, NAN},
    {T(HEAD "regimens = , \t,\n"), PBSC_E_PARSE, "regimens", 4, NAN},
    /* scope: autologous and/or donor */
    {T(HEAD "scope = allogeneic\n" REQ), PBSC_E_PARSE, "scope", 4, NAN},
    {T(HEAD "scope = Donor\n" REQ), PBSC_E_PARSE, "scope", 4, NAN},
    {T(HEAD "scope = donor, patient\n" REQ), PBSC_E_PARSE, "scope", 4, NAN},
    {T(HEAD "scope = none\n" REQ), PBSC_E_PARSE, "scope", 4, NAN},
    {T(HEAD "scope = ,\n" REQ), PBSC_E_PARSE, "scope", 4, NAN},
    {T(HEAD "scope =\n" REQ), PBSC_E_PARSE, "scope", 4, NAN},
    {T(HEAD "scope = gcsf\n" REQ), PBSC_E_PARSE, "scope", 4, NAN},
    {T(HEAD "scope = donor\nscope = autologous\n" REQ), PBSC_E_DUPLICATE, "scope", 5, NAN},
    /* a string longer than its buffer: id 31 characters at most, version 15 */
    {T(HEAD "id = abcdefghijklmnopqrstuvwxyz012345\n" REQ), PBSC_E_RANGE, "id", 4, NAN},
    {T(HEAD "id = abcdefghijklmnopqrstuvwxyz01234\n" REQ), PBSC_E_DUPLICATE, "id", 5, NAN}, /* 31 */
    {T(HEAD "version = 1.2.3-2024-rev-a\n" REQ), PBSC_E_RANGE, "version", 4, NAN},
    /* a NUL byte inside a line */
    {T(HEAD "id = si\0te\n" REQ), PBSC_E_PARSE, "", 4, NAN},
    {T(HEAD "\0id = site\n" REQ), PBSC_E_PARSE, "", 4, NAN},
    {T(HEAD "assess_day = 4\0\n" REQ), PBSC_E_PARSE, "", 4, NAN},
    /* missing required keys: reported after the last line */
    {T(""), PBSC_E_MISSING, "id", 0, NAN},
    {T("\n\n# nothing\n"), PBSC_E_MISSING, "id", 3, NAN},
    {T(HEAD "id = site\nversion = 1\nregimens = gcsf\nassess_day = 4\ncollect_day = 5\n"),
     PBSC_E_MISSING, "source", 8, NAN},
    {T(HEAD "id = site\nversion = 1\nsource = x\nassess_day = 4\ncollect_day = 5\n# end"),
     PBSC_E_MISSING, "regimens", 9, NAN},
    /* relations between keys: reported after the last line, naming the field */
    {T(HEAD REQ "assess_last_day = 3\n"), PBSC_E_CONFLICT, "assess_last_day", 10, 3},
    {T(HEAD REQ "assess_last_day = 3\n# end\n\n"), PBSC_E_CONFLICT, "assess_last_day", 12, 3},
    {T(HEAD "id = site\nversion = 1\nsource = SOP 12\nregimens = gcsf\nassess_day = 5\n"
            "collect_day = 4\n"),
     PBSC_E_CONFLICT, "collect_day", 9, 4},
    {T(HEAD REQ "max_day = 4\n"), PBSC_E_CONFLICT, "max_day", 10, 4},
    {T(HEAD "id = site\nversion = 1\nsource = SOP 12\nregimens = gcsf\nassess_day = 4\n"
            "collect_day = 21\n"),
     PBSC_E_CONFLICT, "max_day", 9, 20}, /* after the default last day, 20 */
    {T(HEAD REQ "goal = 2\nminimum = 3\n"), PBSC_E_CONFLICT, "minimum", 11, 3},
    {T(HEAD REQ "plerixafor_below_multi = 20\n"), PBSC_E_CONFLICT, "multi_goal_above", 10, NAN},
    {T(HEAD REQ "band_high = 20\nband_days = 1\nband_plerixafor_below = 20\n"), PBSC_E_CONFLICT,
     "band_low", 12, NAN},
    {T(HEAD REQ "band_low = 20\nband_high = 10\nband_days = 1\nband_plerixafor_below = 20\n"),
     PBSC_E_CONFLICT, "band_low", 13, 20},
    /* a policy covering healthy donors gives no plerixafor (the default is 4 doses) and has
     * no forecast */
    {T(HEAD REQ "scope = donor\n"), PBSC_E_CONFLICT, "max_plerixafor_doses", 10, 4},
    {T(HEAD REQ "scope = autologous, donor\nmax_plerixafor_doses = 2\n"), PBSC_E_CONFLICT,
     "max_plerixafor_doses", 11, 2},
    {T(HEAD REQ "max_plerixafor_doses = 1\nscope = donor\nforecast = yes\n"), PBSC_E_CONFLICT,
     "max_plerixafor_doses", 12, 1},
    {T(HEAD REQ "scope = donor\nmax_plerixafor_doses = 0\nforecast = yes\n"), PBSC_E_CONFLICT,
     "forecast", 12, NAN},
    {T(HEAD REQ "scope = donor, autologous\nforecast = yes\nmax_plerixafor_doses = 0\n"),
     PBSC_E_CONFLICT, "forecast", 12, NAN},
};

/* `text` with every "\n" written "\r\n". */
static char *
crlf(const char *text, size_t length, size_t *out_length)
{
    char *s = malloc(2 * length + 1);
    size_t i, n = 0;

    ck_assert_ptr_nonnull(s);
    for (i = 0; i < length; i++) {
        if (text[i] == '\n')
            s[n++] = '\r';
        s[n++] = text[i];
    }
    s[n] = '\0';
    *out_length = n;
    return s;
}

static void
check_parse_fails(const char *text, size_t length, const struct parse_case *t, const char *how)
{
    pbsc_policy *p = untouched;
    pbsc_diag diag;
    int rc;

    pbsc_diag_clear(&diag);
    rc = pbsc_policy_parse(text, length, &p, &diag);
    ck_assert_msg(rc == t->rc, "%s row %d: %s, want %s (field '%s', line %ld: %s)", how,
                  (int)(t - parse_cases), pbsc_strerror(rc), pbsc_strerror(t->rc), diag.field,
                  diag.line, diag.text);
    ck_assert_int_eq(diag.status, t->rc);
    ck_assert_msg(strcmp(diag.field, t->field) == 0, "%s row %d: field '%s', want '%s'", how,
                  (int)(t - parse_cases), diag.field, t->field);
    ck_assert_msg(diag.line == t->line, "%s row %d: line %ld, want %ld", how,
                  (int)(t - parse_cases), diag.line, t->line);
    ck_assert_msg((isnan(diag.value) && isnan(t->value)) || diag.value == t->value,
                  "%s row %d: value %g, want %g", how, (int)(t - parse_cases), diag.value,
                  t->value);
    ck_assert_int_eq(diag.day, -1);
    ck_assert_msg(diag.text[0] != '\0', "empty diagnostic text");
    ck_assert_ptr_eq(p, untouched);
    ck_assert_int_eq(pbsc_policy_parse(text, length, &p, NULL), t->rc);
    ck_assert_ptr_eq(p, untouched);
}

START_TEST(parse_rejects)
{
    const struct parse_case *t = &parse_cases[_i];
    size_t n;
    char *dos;

    check_parse_fails(t->text, t->length, t, "LF");
    /* the same file with CRLF line endings: the same error on the same line */
    dos = crlf(t->text, t->length, &n);
    check_parse_fails(dos, n, t, "CRLF");
    free(dos);
}
END_TEST

/* Each required key left out in turn: PBSC_E_MISSING naming it, at the last line. */
START_TEST(parse_each_required_key)
{
    static const char *const required[] = {"id",       "version",    "source",
                                           "regimens", "assess_day", "collect_day"};
    static const char *const lines[] = {"id = site\n",       "version = 1\n",
                                        "source = SOP 12\n", "regimens = gcsf\n",
                                        "assess_day = 4\n",  "collect_day = 5\n"};
    size_t i, j;

    for (i = 0; i < sizeof required / sizeof required[0]; i++) {
        char text[512] = HEAD;
        pbsc_policy *p = untouched;
        pbsc_diag diag;

        for (j = 0; j < sizeof lines / sizeof lines[0]; j++)
            if (j != i)
                strcat(text, lines[j]);
        strcat(text, "max_day = 14\n"); /* 3 + 5 + 1 lines */
        ck_assert_fails(pbsc_policy_parse(text, strlen(text), &p, &diag), PBSC_E_MISSING,
                        required[i]);
        ck_assert_int_eq(diag.line, 9);
        ck_assert_ptr_eq(p, untouched);
    }
}
END_TEST

START_TEST(parse_null_arguments)
{
    pbsc_policy *p = untouched;
    pbsc_diag diag;

    ck_assert_fails(pbsc_policy_parse(NULL, 5, &p, &diag), PBSC_E_INVAL, "text");
    ck_assert_fails(pbsc_policy_parse(REQ, strlen(REQ), NULL, &diag), PBSC_E_INVAL, "policy");
    ck_assert_int_eq(pbsc_policy_parse(NULL, 5, &p, NULL), PBSC_E_INVAL);
    ck_assert_ptr_eq(p, untouched);
    /* NULL text of length 0 is an empty file: only the required keys are missing */
    ck_assert_fails(pbsc_policy_parse(NULL, 0, &p, &diag), PBSC_E_MISSING, "id");
    ck_assert_ptr_eq(p, untouched);
}
END_TEST

/* ---- the parser: what it accepts ----------------------------------------------------------- */

START_TEST(parse_minimal_defaults)
{
    /* Only the required keys: everything else is a documented default (lib/policy.c), and
     * empty optional strings are left out of the written text. */
    pbsc_policy *p = parse_ok(REQ, strlen(REQ));
    char *text = format(p), want[2048];

    snprintf(
        want, sizeof want,
        "# pbsc-policy(5) file written by libpbsc %s\n"
        "id = site\nversion = 1\nsource = SOP 12\nregimens = gcsf\n"
        "scope = autologous\ngoal = none\nminimum = none\nassess_day = 4\nassess_last_day = none\n"
        "collect_day = 5\nrecovery_wbc = 1\nplerixafor_below = none\n"
        "plerixafor_inclusive = no\nplerixafor_below_multi = none\n"
        "multi_goal_above = none\nplerixafor_wbc_above = none\nundefined_below = none\n"
        "band_low = none\nband_high = none\nband_days = 0\nband_plerixafor_below = none\n"
        "y1_salvage_below = none\nyd_salvage_below = none\n"
        "fail_after_plerixafor_below = none\nfail_gitmo = no\nmax_plerixafor_doses = 4\n"
        "max_sessions = 4\nmax_day = 20\nsession_tbv_multiple = 3\nsession_litres = none\n"
        "volume_probability = 0.9\nlevel = 0.9\nplerixafor_fixed_dose = no\n"
        "forecast = no\nforecast_p_below = 0.8\nforecast_min_yield = 0.5\n"
        "forecast_min_gain = 0.1\nforecast_futile_below = 0.05\n"
        "forecast_draws = 10000\nforecast_seed = 1\n",
        pbsc_version_string());
    ck_assert_str_eq(text, want);
    free(text);
    pbsc_policy_free(p);
}
END_TEST

START_TEST(parse_accepts_layouts)
{
    /* CRLF endings, a last line without a newline, spaces and tabs around keys and values,
     * comments (indented too), no spaces around '=', '=' inside a value */
    static const char text[] = "# site SOP\r\n"
                               "\r\n"
                               "   \t# indented comment = not a key\r\n"
                               "  id\t =   site-a  \t\r\n"
                               "version=2\r\n"
                               "name = a = b\r\n"
                               "\t source =SOP 12, rev. 3 \r\n"
                               "regimens =  gcsf ,chemo\t, upfront \r\n"
                               "   \r\n"
                               "assess_day = 4\r\n"
                               "plerixafor_inclusive = true\r\n"
                               "fail_gitmo = 1\r\n"
                               "plerixafor_fixed_dose = yes\r\n"
                               "collect_day = 5";
    pbsc_policy *p = parse_ok(text, sizeof text - 1);
    pbsc_policy_info info;

    info = info_of(p);
    ck_assert_str_eq(info.id, "site-a");
    ck_assert_str_eq(info.version, "2");
    ck_assert_str_eq(info.name, "a = b");
    ck_assert_str_eq(info.source, "SOP 12, rev. 3");
    ck_assert_str_eq(info.provenance, "");
    assert_formats(p, "regimens = gcsf, chemo, upfront");
    assert_formats(p, "collect_day = 5");
    assert_formats(p, "plerixafor_inclusive = yes");
    assert_formats(p, "fail_gitmo = yes");
    assert_formats(p, "plerixafor_fixed_dose = yes");
    pbsc_policy_free(p);
}
END_TEST

START_TEST(parse_accepts_values)
{
    static const char edges[] = "id = abcdefghijklmnopqrstuvwxyz01234\n" /* 31 characters */
                                "version = 123456789012345\n"            /* 15 */
                                "source = s\nregimens = chemo\n"
                                "assess_day = 1\nassess_last_day = 366\ncollect_day = 366\n"
                                "max_day = 366\ngoal = 100\nminimum = 0.1\n"
                                "plerixafor_below = 5000\nplerixafor_below_multi = 0\n"
                                "multi_goal_above = 100\nplerixafor_wbc_above = 0\n"
                                "undefined_below = 0\nrecovery_wbc = 500\n"
                                "band_low = 0\nband_high = 0\nband_days = 14\n"
                                "band_plerixafor_below = 5000\n"
                                "y1_salvage_below = 0\nyd_salvage_below = 100\n"
                                "fail_after_plerixafor_below = 5000\n"
                                "plerixafor_inclusive = false\nfail_gitmo = no\n"
                                "plerixafor_fixed_dose = 0\n"
                                "max_plerixafor_doses = 0\nmax_sessions = 20\n"
                                "session_tbv_multiple = 5.3\nsession_litres = 0.1\n"
                                "volume_probability = 0.01\nlevel = 0.99\n";
    static const char nones[] = REQ "goal = none\nassess_last_day = none\n"
                                    "session_litres = none\nmax_day = 14.0\n";
    pbsc_policy *p;
    pbsc_policy_info info;

    p = parse_ok(edges, sizeof edges - 1);
    info = info_of(p);
    ck_assert_str_eq(info.id, "abcdefghijklmnopqrstuvwxyz01234");
    ck_assert_str_eq(info.version, "123456789012345");
    assert_formats(p, "assess_last_day = 366");
    assert_formats(p, "minimum = 0.1");
    assert_formats(p, "band_days = 14");
    assert_formats(p, "max_plerixafor_doses = 0");
    assert_formats(p, "session_litres = 0.1");
    assert_formats(p, "level = 0.99");
    pbsc_policy_free(p);

    /* "none" for the keys that may be none; whole numbers written with a decimal point */
    p = parse_ok(nones, sizeof nones - 1);
    assert_formats(p, "goal = none");
    assert_formats(p, "assess_last_day = none");
    assert_formats(p, "max_day = 14");
    pbsc_policy_free(p);
}
END_TEST

/* ---- scope and the policy's reach -------------------------------------------------------- */

START_TEST(scope_parse_and_round_trip)
{
    static const struct {
        const char *line; /* the scope line given, or "" */
        unsigned scope;
        const char *written;
    } cases[] = {
        {"", PBSC_SCOPE_AUTOLOGOUS, "scope = autologous"},
        {"scope = autologous\n", PBSC_SCOPE_AUTOLOGOUS, "scope = autologous"},
        {"scope = donor\n", PBSC_SCOPE_DONOR, "scope = donor"},
        {"scope = autologous, donor\n", PBSC_SCOPE_AUTOLOGOUS | PBSC_SCOPE_DONOR,
         "scope = autologous, donor"},
        {"scope = donor autologous donor\n", PBSC_SCOPE_AUTOLOGOUS | PBSC_SCOPE_DONOR,
         "scope = autologous, donor"},
        {"scope =\t, donor ,\n", PBSC_SCOPE_DONOR, "scope = donor"},
    };
    size_t i;

    for (i = 0; i < NROWS(cases); i++) {
        char text[512], *first, *second;
        pbsc_policy *p, *back;
        pbsc_policy_info info;

        /* a donor scope needs max_plerixafor_doses = 0: given to every case */
        snprintf(text, sizeof text, "%s%smax_plerixafor_doses = 0\n", REQ, cases[i].line);
        p = parse_ok(text, strlen(text));
        info = info_of(p);
        ck_assert_msg(info.scope == cases[i].scope, "case %zu: scope %u, want %u", i, info.scope,
                      cases[i].scope);
        assert_formats(p, cases[i].written);
        first = format(p);
        back = parse_ok(first, strlen(first));
        ck_assert_uint_eq(info_of(back).scope, cases[i].scope);
        second = format(back);
        ck_assert_str_eq(first, second);
        free(first);
        free(second);
        pbsc_policy_free(back);
        pbsc_policy_free(p);
    }
}
END_TEST

/* What pbsc_policy_info says of each preset: whom it covers, its regimens, its engine. */
START_TEST(preset_reach)
{
    static const struct {
        const char *id;
        unsigned scope, regimens;
        int model_based;
    } want[] = {
        {"chen2012", PBSC_SCOPE_AUTOLOGOUS, 1u << PBSC_REGIMEN_GCSF, 0},
        {"mayo2013-p1", PBSC_SCOPE_AUTOLOGOUS, 1u << PBSC_REGIMEN_GCSF, 0},
        {"mayo2013-p2", PBSC_SCOPE_AUTOLOGOUS, 1u << PBSC_REGIMEN_GCSF, 0},
        {"d5-2012", PBSC_SCOPE_AUTOLOGOUS, 1u << PBSC_REGIMEN_GCSF, 0},
        {"jit2011", PBSC_SCOPE_AUTOLOGOUS, 1u << PBSC_REGIMEN_GCSF, 0},
        {"uk2018", PBSC_SCOPE_AUTOLOGOUS,
         (1u << PBSC_REGIMEN_GCSF) | (1u << PBSC_REGIMEN_CHEMO_GCSF), 0},
        {"tandem2013", PBSC_SCOPE_AUTOLOGOUS, 1u << PBSC_REGIMEN_GCSF, 0},
        {"d5-20-2022", PBSC_SCOPE_AUTOLOGOUS, 1u << PBSC_REGIMEN_GCSF, 0},
        {"donor-d5", PBSC_SCOPE_DONOR, 1u << PBSC_REGIMEN_GCSF, 0},
        {"forecast", PBSC_SCOPE_AUTOLOGOUS,
         (1u << PBSC_REGIMEN_GCSF) | (1u << PBSC_REGIMEN_CHEMO_GCSF) | (1u << PBSC_REGIMEN_UPFRONT),
         1},
        {"dipersio2009-nhl", PBSC_SCOPE_AUTOLOGOUS, 1u << PBSC_REGIMEN_UPFRONT, 0},
        {"dipersio2009-mm", PBSC_SCOPE_AUTOLOGOUS, 1u << PBSC_REGIMEN_UPFRONT, 0},
        {"genesis2023", PBSC_SCOPE_AUTOLOGOUS, 1u << PBSC_REGIMEN_UPFRONT, 0},
        {"nmdp-donor", PBSC_SCOPE_DONOR, 1u << PBSC_REGIMEN_GCSF, 0},
        {"nmdp-donor-2day", PBSC_SCOPE_DONOR, 1u << PBSC_REGIMEN_GCSF, 0},
        {"pegfilgrastim-donor", PBSC_SCOPE_DONOR, 1u << PBSC_REGIMEN_PEGFILGRASTIM, 0},
        {"pegfilgrastim", PBSC_SCOPE_AUTOLOGOUS,
         (1u << PBSC_REGIMEN_PEGFILGRASTIM) | (1u << PBSC_REGIMEN_CHEMO_GCSF), 0},
    };
    size_t i;

    ck_assert_uint_eq(NROWS(want), NPRESETS);
    for (i = 0; i < NROWS(want); i++) {
        const pbsc_policy *p;
        pbsc_policy_info info;

        ck_assert_int_eq(pbsc_policy_find(want[i].id, &p, NULL), PBSC_OK);
        info = info_of(p);
        ck_assert_msg(info.scope == want[i].scope, "%s: scope %u", want[i].id, info.scope);
        ck_assert_msg(info.regimens == want[i].regimens, "%s: regimens %u", want[i].id,
                      info.regimens);
        ck_assert_msg(info.model_based == want[i].model_based, "%s: model_based %d", want[i].id,
                      info.model_based);
    }
}
END_TEST

/* The donor preset: day 5 whatever the count, two aphereses at most, no plerixafor; the
 * reading of "a second apheresis" as two at most is marked as ours. */
START_TEST(donor_preset)
{
    const pbsc_policy *p;
    pbsc_policy_info info;

    ck_assert_int_eq(pbsc_policy_find("donor-d5", &p, NULL), PBSC_OK);
    info = info_of(p);
    ck_assert_str_eq(info.id, "donor-d5");
    ck_assert_str_eq(info.version, "1");
    ck_assert_uint_eq(info.scope, PBSC_SCOPE_DONOR);
    ck_assert_uint_eq(info.regimens, 1u << PBSC_REGIMEN_GCSF);
    ck_assert_int_eq(info.model_based, 0);
    ck_assert_ptr_nonnull(strstr(info.provenance, "[interp]"));
    ck_assert_ptr_nonnull(strstr(info.source, "Pulsipher"));
    assert_formats(p, "scope = donor");
    assert_formats(p, "max_plerixafor_doses = 0");
    assert_formats(p, "max_sessions = 2");
    assert_formats(p, "assess_day = 5");
    assert_formats(p, "collect_day = 5");
    assert_formats(p, "plerixafor_below = none");
    assert_formats(p, "forecast = no");
}
END_TEST

/* pbsc_policy_info is size-tagged: size 0 (not initialised) or below the 1.0 layout is
 * refused and the struct left alone; a later, larger layout gets what the library knows. */
START_TEST(info_size_tag)
{
    struct {
        pbsc_policy_info info;
        int appended;
    } later;
    const pbsc_policy *p = pbsc_policy_get(0);
    pbsc_policy_info info;

    memset(&info, 0, sizeof info);
    ck_assert_int_eq(pbsc_policy_info_get(p, &info), PBSC_E_INVAL);
    ck_assert_ptr_null(info.id);
    ck_assert_uint_eq(info.size, 0);
    pbsc_policy_info_init(&info);
    ck_assert_uint_eq(info.size, sizeof info);
    ck_assert_ptr_null(info.id);
    ck_assert_int_eq(info.model_based, 0);
    info.size = offsetof(pbsc_policy_info, model_based); /* without model_based */
    ck_assert_int_eq(pbsc_policy_info_get(p, &info), PBSC_E_INVAL);
    ck_assert_ptr_null(info.id);
    memset(&later, 0x5a, sizeof later);
    later.info.size = sizeof later;
    ck_assert_int_eq(pbsc_policy_find("forecast", &p, NULL), PBSC_OK);
    ck_assert_int_eq(pbsc_policy_info_get(p, &later.info), PBSC_OK);
    ck_assert_uint_eq(later.info.size, sizeof later);
    ck_assert_str_eq(later.info.id, "forecast");
    ck_assert_int_eq(later.info.model_based, 1);
    ck_assert_int_eq(later.appended, 0x5a5a5a5a); /* nothing written past its own size */
    pbsc_policy_info_init(NULL);                  /* a no-op */
}
END_TEST

/* ---- pbsc_policy_read ------------------------------------------------------------------ */

static void
data_path(char *buf, size_t size, const char *name)
{
    const char *top = getenv("top_srcdir");

    snprintf(buf, size, "%s/tests/policies/%s", top != NULL && *top ? top : ".", name);
}

START_TEST(read_site_file)
{
    char path[4096];
    pbsc_policy *p = NULL, *again;
    pbsc_policy_info info;
    pbsc_diag diag;
    char *text;
    int rc;

    data_path(path, sizeof path, "site.policy");
    pbsc_diag_clear(&diag);
    rc = pbsc_policy_read(path, &p, &diag);
    ck_assert_msg(rc == PBSC_OK, "%s: %s, field '%s', line %ld: %s", path, pbsc_strerror(rc),
                  diag.field, diag.line, diag.text);
    info = info_of(p);
    ck_assert_str_eq(info.id, "site-sop-12");
    ck_assert_str_eq(info.version, "3");
    ck_assert_str_eq(info.name, "Site SOP 12: day-5 CD34 <20 plerixafor; Y1 <1.5 salvage");
    ck_assert_str_eq(info.source, "Site SOP 12, revision 3");
    assert_formats(p, "regimens = gcsf, upfront");
    assert_formats(p, "plerixafor_below = 20");
    assert_formats(p, "y1_salvage_below = 1.5");
    assert_formats(p, "max_day = 14");
    assert_formats(p, "session_litres = 25");
    assert_formats(p, "level = 0.95");
    assert_formats(p, "plerixafor_fixed_dose = yes");
    /* what it reads writes back and reads again to the same text */
    text = format(p);
    again = parse_ok(text, strlen(text));
    {
        char *second = format(again);
        ck_assert_str_eq(second, text);
        free(second);
    }
    /* and it decides: day 5 PB CD34 15 < 20, plerixafor: the site's fixed 20 mg at <= 83 kg
     * for an adult; a person of unknown age is dosed per kg, 0.24 x 70 = 16.8 mg, and the
     * decision says why */
    {
        static const struct pbsc_test_row row[] = {{5, 15.0, 30.0, NA, NA, NA}};
        pbsc_person person = pbsc_test_person(70.0, 90.0);
        pbsc_decision dec = pbsc_test_decision();
        pbsc_course *c;

        person.age_years = 50.0;
        c = pbsc_test_course(&person, PBSC_REGIMEN_GCSF, NAN, NAN, row, 1);
        ck_assert_int_eq(pbsc_decide(c, p, NULL, 5, PBSC_MORNING, &dec, NULL), PBSC_OK);
        ck_assert_int_eq(dec.action, PBSC_ACTION_PLERIXAFOR);
        ck_assert_str_eq(dec.rule, "assess.plerixafor");
        ck_assert_str_eq(dec.policy_id, "site-sop-12");
        ck_assert_str_eq(dec.policy_version, "3");
        ck_assert_int_eq(dec.tonight.drug, PBSC_DRUG_PLERIXAFOR);
        ck_assert_rel(dec.tonight.mg, 20.0, 1e-12);
        ck_assert_int_eq(dec.tonight.basis, PBSC_DOSE_FIXED);
        ck_assert_int_eq(dec.tonight.apheresis_day, 6);
        ck_assert_rel(dec.goal, 5.0, 1e-12);
        ck_assert_uint_eq(dec.warnings & PBSC_W_AGE_UNKNOWN, 0u);
        pbsc_course_free(c);

        person.age_years = NAN;
        c = pbsc_test_course(&person, PBSC_REGIMEN_GCSF, NAN, NAN, row, 1);
        dec = pbsc_test_decision();
        ck_assert_int_eq(pbsc_decide(c, p, NULL, 5, PBSC_MORNING, &dec, NULL), PBSC_OK);
        ck_assert_str_eq(dec.rule, "assess.plerixafor");
        ck_assert_rel(dec.tonight.mg, 16.8, 1e-12);
        ck_assert_int_eq(dec.tonight.basis, PBSC_DOSE_PER_KG);
        ck_assert(dec.warnings & PBSC_W_AGE_UNKNOWN);
        pbsc_course_free(c);
    }
    free(text);
    pbsc_policy_free(again);
    pbsc_policy_free(p);
}
END_TEST

START_TEST(read_errors)
{
    char path[4096];
    pbsc_policy *p = untouched;
    pbsc_diag diag;

    /* a parse error in a file: the same field and line as from the text */
    data_path(path, sizeof path, "bad-value.policy");
    ck_assert_fails(pbsc_policy_read(path, &p, &diag), PBSC_E_PARSE, "plerixafor_below");
    ck_assert_int_eq(diag.line, 9);
    ck_assert_ptr_eq(p, untouched);
    /* no such file */
    data_path(path, sizeof path, "no-such-file.policy");
    ck_assert_fails(pbsc_policy_read(path, &p, &diag), PBSC_E_IO, "path");
    ck_assert_int_eq(diag.line, -1);
    ck_assert_ptr_eq(p, untouched);
    /* a directory */
    data_path(path, sizeof path, "");
    ck_assert_fails(pbsc_policy_read(path, &p, &diag), PBSC_E_IO, "path");
    ck_assert_ptr_eq(p, untouched);
    ck_assert_int_eq(pbsc_policy_read(path, &p, NULL), PBSC_E_IO);
    /* NULL arguments */
    ck_assert_fails(pbsc_policy_read(NULL, &p, &diag), PBSC_E_INVAL, "path");
    data_path(path, sizeof path, "site.policy");
    ck_assert_fails(pbsc_policy_read(path, NULL, &diag), PBSC_E_INVAL, "policy");
    ck_assert_ptr_eq(p, untouched);
}
END_TEST

/* Writes `n` bytes: a valid policy padded with comment lines to exactly n bytes. */
static void
write_padded(FILE *fp, size_t n)
{
    static const char body[] = REQ;
    char line[1024];
    size_t left = n - (sizeof body - 1);

    memset(line, '#', sizeof line);
    line[sizeof line - 1] = '\n';
    ck_assert_uint_eq(fwrite(body, 1, sizeof body - 1, fp), sizeof body - 1);
    while (left > 0) {
        size_t k = left < sizeof line ? left : sizeof line;
        if (k < sizeof line)
            line[k - 1] = '\n';
        ck_assert_uint_eq(fwrite(line, 1, k, fp), k);
        left -= k;
    }
}

START_TEST(read_size_limit)
{
    char path[] = "/tmp/check_policy-XXXXXX";
    pbsc_policy *p = untouched;
    pbsc_diag diag;
    FILE *fp;
    int fd = mkstemp(path);

    ck_assert_int_ge(fd, 0);
    fp = fdopen(fd, "wb");
    ck_assert_ptr_nonnull(fp);
    /* exactly 1 MiB: still a policy file */
    write_padded(fp, 1024 * 1024);
    ck_assert_int_eq(fflush(fp), 0);
    p = NULL;
    ck_assert_int_eq(pbsc_policy_read(path, &p, &diag), PBSC_OK);
    pbsc_policy_free(p);
    /* one byte more: too large */
    ck_assert_int_eq(fputc('\n', fp), '\n');
    ck_assert_int_eq(fclose(fp), 0);
    p = untouched;
    ck_assert_fails(pbsc_policy_read(path, &p, &diag), PBSC_E_RANGE, "path");
    ck_assert_ptr_eq(p, untouched);
    ck_assert_int_eq(unlink(path), 0);
}
END_TEST

/* ---- regressions: defects found in review, fixed in lib/policy.c -------------------------- */

/* lib/policy.c check_relations() names "multi_goal_above" for either half of the pair and
 * "band_low" for every incomplete band, even when that key is present and valid: the
 * diagnostic must name the key that is missing or wrong. */
static const struct parse_case relation_fields[] = {
    {T(REQ "multi_goal_above = 5\n"), PBSC_E_CONFLICT, "plerixafor_below_multi", 7, NAN},
    {T(REQ "band_low = 10\nband_days = 1\nband_plerixafor_below = 20\n"), PBSC_E_CONFLICT,
     "band_high", 9, NAN},
    {T(REQ "band_low = 10\nband_high = 20\nband_plerixafor_below = 20\n"), PBSC_E_CONFLICT,
     "band_days", 9, 0},
    {T(REQ "band_low = 10\nband_high = 20\nband_days = 1\n"), PBSC_E_CONFLICT,
     "band_plerixafor_below", 9, NAN},
};

START_TEST(defect_relation_names_the_wrong_key)
{
    const struct parse_case *t = &relation_fields[_i];
    pbsc_policy *p = untouched;
    pbsc_diag diag;

    pbsc_diag_clear(&diag);
    ck_assert_int_eq(pbsc_policy_parse(t->text, t->length, &p, &diag), t->rc);
    ck_assert_ptr_eq(p, untouched);
    ck_assert_msg(strcmp(diag.field, t->field) == 0, "field '%s', want '%s' (%s)", diag.field,
                  t->field, diag.text);
    ck_assert_int_eq(diag.line, t->line);
    ck_assert_msg((isnan(diag.value) && isnan(t->value)) || diag.value == t->value,
                  "value %g, want %g (the named field's)", diag.value, t->value);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("policy");
    TCase *presets = tcase_create("presets");
    TCase *writer = tcase_create("format");
    TCase *decisions = tcase_create("decisions");
    TCase *errors = tcase_create("parse errors");
    TCase *accepts = tcase_create("parse accepts");
    TCase *read = tcase_create("read");
    TCase *defects = tcase_create("regressions");

    tcase_add_test(presets, preset_count_and_order);
    tcase_add_test(presets, preset_find);
    tcase_add_test(presets, preset_info);
    tcase_add_test(presets, preset_free_is_noop);
    tcase_add_test(presets, preset_reach);
    tcase_add_test(presets, donor_preset);
    tcase_add_test(presets, info_size_tag);
    tcase_add_test(presets, scope_parse_and_round_trip);
    suite_add_tcase(s, presets);
    tcase_add_test(writer, round_trip_every_preset);
    tcase_add_test(writer, format_sizes);
    tcase_add_test(presets, preset_hashes_are_their_text);
    tcase_add_test(presets, preset_id_cannot_be_borrowed);
    tcase_add_test(decisions, decisions_carry_the_policy_hash);
    suite_add_tcase(s, writer);
    tcase_add_test(decisions, same_decisions_as_preset);
    suite_add_tcase(s, decisions);
    tcase_add_loop_test(errors, parse_rejects, 0,
                        (int)(sizeof parse_cases / sizeof parse_cases[0]));
    tcase_add_test(errors, parse_each_required_key);
    tcase_add_test(errors, parse_null_arguments);
    suite_add_tcase(s, errors);
    tcase_add_test(accepts, parse_minimal_defaults);
    tcase_add_test(accepts, parse_accepts_layouts);
    tcase_add_test(accepts, parse_accepts_values);
    suite_add_tcase(s, accepts);
    tcase_add_test(read, read_site_file);
    tcase_add_test(read, read_errors);
    tcase_add_test(read, read_size_limit);
    suite_add_tcase(s, read);
    tcase_add_loop_test(defects, defect_relation_names_the_wrong_key, 0,
                        (int)(sizeof relation_fields / sizeof relation_fields[0]));
    suite_add_tcase(s, defects);
    return s;
}

int
main(void)
{
    return pbsc_test_run(suite());
}
