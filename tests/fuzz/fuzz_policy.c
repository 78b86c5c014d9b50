/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: pbsc_policy_parse() on arbitrary bytes. What parses must format, parse
 * back and format to the same text, and decide on fixed courses within the invariants. */
#include "fuzz.h"

#include <stdlib.h>

/* The policy as text, checking the snprintf-like contract of pbsc_policy_format(). */
static char *
format_policy(const pbsc_policy *p)
{
    size_t needed = 0, again = 0;
    char *buf, *small;

    FUZZ_CHECK(pbsc_policy_format(p, NULL, 0, &needed) == PBSC_OK && needed >= 1);
    buf = malloc(needed);
    small = malloc(needed);
    FUZZ_CHECK(buf != NULL && small != NULL);
    FUZZ_CHECK(pbsc_policy_format(p, buf, needed, &again) == PBSC_OK && again == needed);
    FUZZ_CHECK(strlen(buf) == needed - 1);
    /* one byte short: PBSC_E_RANGE, and nothing written */
    memset(small, FUZZ_SENTINEL, needed);
    FUZZ_CHECK(pbsc_policy_format(p, small, needed - 1, NULL) ==
               (needed > 1 ? PBSC_E_RANGE : PBSC_E_INVAL));
    FUZZ_CHECK(fuzz_untouched(small, needed));
    free(small);
    return buf;
}

/* A number after "\nKEY = " in a formatted policy, or -1. */
static long
formatted_long(const char *text, const char *key)
{
    char pattern[64];
    const char *at;

    snprintf(pattern, sizeof pattern, "\n%s = ", key);
    at = strstr(text, pattern);
    return at == NULL ? -1 : strtol(at + strlen(pattern), NULL, 10);
}

/* The policy runs the model-based engine. */
static int
forecast_on(const char *text)
{
    return strstr(text, "\nforecast = yes\n") != NULL;
}

/* Decides both moments of every day of the fixed courses and replays them (fuzz.h); the
 * forecast engine runs a Monte Carlo estimate at every point a walk passes, so with few
 * draws only: the last day and the replay up to 500 draws, the replay alone up to 2,000. */
static void
decide_fixed(const pbsc_policy *p, const char *text)
{
    const struct fuzz_case *courses = fuzz_courses();
    int forecast = forecast_on(text);
    long draws = formatted_long(text, "forecast_draws");
    size_t i;

    if (forecast && draws > 2000)
        return;
    for (i = 0; i < FUZZ_COURSES; i++)
        fuzz_decide_course(&courses[i], p, NULL, !forecast ? (size_t)-1 : draws <= 500 ? 1 : 0);
}

static long
count_lines(const uint8_t *data, size_t size)
{
    long n = 1;
    size_t i;

    for (i = 0; i < size; i++)
        n += data[i] == '\n';
    return n;
}

PBSC_FUZZ_TARGET(policy)
{
    pbsc_policy *sentinel = (pbsc_policy *)(uintptr_t)0xA5A5A5A5u;
    pbsc_policy *p = sentinel, *q = sentinel;
    pbsc_policy_info a, b;
    pbsc_diag diag;
    char *text, *again;
    int rc;

    pbsc_diag_clear(&diag);
    rc = pbsc_policy_parse((const char *)data, size, &p, &diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(p == sentinel);
        FUZZ_CHECK(diag.line >= 0 && diag.line <= count_lines(data, size));
        return 0;
    }
    FUZZ_CHECK(p != sentinel && p != NULL);
    text = format_policy(p);
    pbsc_diag_clear(&diag);
    rc = pbsc_policy_parse(text, strlen(text), &q, &diag);
    if (rc != PBSC_OK)
        fprintf(stderr, "formatted policy does not parse: line %ld: %s\n%s", diag.line,
                diag.text, text);
    FUZZ_CHECK(rc == PBSC_OK);
    again = format_policy(q);
    if (strcmp(text, again) != 0)
        fprintf(stderr, "policy text changed on a round trip:\n%s----\n%s", text, again);
    FUZZ_CHECK(strcmp(text, again) == 0);
    pbsc_policy_info_init(&a);
    pbsc_policy_info_init(&b);
    FUZZ_CHECK(pbsc_policy_info_get(p, &a) == PBSC_OK && pbsc_policy_info_get(q, &b) == PBSC_OK);
    FUZZ_CHECK(strcmp(a.id, b.id) == 0 && strcmp(a.version, b.version) == 0 &&
               strcmp(a.source, b.source) == 0 && a.id[0] != '\0');
    FUZZ_CHECK(a.scope == b.scope && a.regimens == b.regimens && a.model_based == b.model_based);
    FUZZ_CHECK(a.scope != 0 && (a.scope & ~(PBSC_SCOPE_AUTOLOGOUS | PBSC_SCOPE_DONOR)) == 0);
    FUZZ_CHECK(a.model_based == forecast_on(text));
    /* a policy for donors gives no plerixafor and has no forecast (PBSC_E_CONFLICT) */
    if (a.scope & PBSC_SCOPE_DONOR)
        FUZZ_CHECK(formatted_long(text, "max_plerixafor_doses") == 0 && !a.model_based);
    decide_fixed(p, text);
    free(again);
    free(text);
    pbsc_policy_free(q);
    pbsc_policy_free(p);
    return 0;
}
