/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: pbsc_record_read() and pbsc_record_replay() on arbitrary bytes. What
 * reads must write (pbsc_record_format(), snprintf-like contract included), read back and
 * write the same text; a replay gives a known answer or a clean failure. */
#include "fuzz.h"

#include <stdlib.h>

/* The record of what was read, checking the buffer contract; NULL when the objects read do
 * not make a record (the decision was edited: not this policy's or model's, not a day of
 * the course). */
static char *
format_record(const pbsc_course *c, const pbsc_policy *p, const pbsc_model *m,
              const pbsc_decision *d)
{
    size_t needed = 0, again = 0;
    char *buf, *small;
    int rc = pbsc_record_format(c, p, m, d, NULL, 0, &needed);

    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK) {
        FUZZ_CHECK(rc == PBSC_E_CONFLICT || rc == PBSC_E_NODATA);
        return NULL;
    }
    FUZZ_CHECK(needed > 1);
    buf = malloc(needed);
    small = malloc(needed);
    FUZZ_CHECK(buf != NULL && small != NULL);
    FUZZ_CHECK(pbsc_record_format(c, p, m, d, buf, needed, &again) == PBSC_OK && again == needed);
    FUZZ_CHECK(strlen(buf) == needed - 1 && buf[needed - 2] == '\n');
    memset(small, FUZZ_SENTINEL, needed);
    FUZZ_CHECK(pbsc_record_format(c, p, m, d, small, needed - 1, NULL) == PBSC_E_RANGE);
    FUZZ_CHECK(fuzz_untouched(small, needed));
    free(small);
    return buf;
}

struct read {
    pbsc_course *c;
    pbsc_policy *p;
    pbsc_model *m;
    pbsc_decision d;
};

static int
read_record(const char *text, size_t n, struct read *r)
{
    pbsc_course *sentinel = (pbsc_course *)(uintptr_t)0xA5A5A5A5u;
    pbsc_diag diag;
    int rc;

    r->c = sentinel;
    pbsc_decision_init(&r->d);
    pbsc_diag_clear(&diag);
    rc = pbsc_record_read(text, n, &r->c, &r->p, &r->m, &r->d, &diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(r->c == sentinel);
        return rc;
    }
    FUZZ_CHECK(r->c != NULL && r->p != NULL && r->m != NULL);
    FUZZ_CHECK(fuzz_nul_terminated(r->d.rule, sizeof r->d.rule) &&
               fuzz_nul_terminated(r->d.reason, sizeof r->d.reason));
    return PBSC_OK;
}

static void
free_read(struct read *r)
{
    pbsc_course_free(r->c);
    pbsc_policy_free(r->p);
    pbsc_model_free(r->m);
}

/* A replay: the same answer as reading gave (the record reads), a check that says something. */
static void
replay(const char *text, size_t n, int read_rc)
{
    pbsc_record_check check, untouched;
    pbsc_diag diag;
    int rc;

    pbsc_record_check_init(&check);
    untouched = check;
    pbsc_diag_clear(&diag);
    rc = pbsc_record_replay(text, n, &check, &diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(memcmp(&check, &untouched, sizeof check) == 0);
        /* a record that reads fails only in the decision made again */
        FUZZ_CHECK(read_rc != PBSC_OK || rc != PBSC_E_PARSE);
        return;
    }
    FUZZ_CHECK(read_rc == PBSC_OK);
    FUZZ_CHECK(check.same == 0 || check.same == 1);
    FUZZ_CHECK(fuzz_nul_terminated(check.text, sizeof check.text) && check.text[0] != '\0');
    FUZZ_CHECK(!check.same || (check.input[0] == '\0' && check.field[0] == '\0'));
    FUZZ_CHECK(check.same || check.input[0] != '\0' || check.field[0] != '\0');
    FUZZ_CHECK((check.day >= 0) == (strncmp(check.input, "course.days[", 12) == 0));
}

PBSC_FUZZ_TARGET(record)
{
    struct read a, b;
    pbsc_policy_info info;
    char *text, *again;
    int rc = read_record((const char *)data, size, &a);

    if (rc != PBSC_OK) {
        replay((const char *)data, size, rc);
        return 0;
    }
    /* the model-based engine draws thousands of forecasts: replayed on short courses only */
    pbsc_policy_info_init(&info);
    FUZZ_CHECK(pbsc_policy_info_get(a.p, &info) == PBSC_OK);
    if (!info.model_based || pbsc_course_length(a.c) <= 6)
        replay((const char *)data, size, rc);
    text = format_record(a.c, a.p, a.m, &a.d);
    if (text != NULL) {
        /* written, it reads back to what writes the same text: every value bit-identical */
        FUZZ_CHECK(read_record(text, strlen(text), &b) == PBSC_OK);
        again = format_record(b.c, b.p, b.m, &b.d);
        FUZZ_CHECK(again != NULL);
        if (strcmp(text, again) != 0)
            fprintf(stderr, "record changed on a round trip:\n%s----\n%s", text, again);
        FUZZ_CHECK(strcmp(text, again) == 0);
        free(again);
        free_read(&b);
        free(text);
    }
    free_read(&a);
    return 0;
}
