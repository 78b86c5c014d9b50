/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: pbsc_population_parse() on arbitrary bytes. What parses must format,
 * parse back and format to the same text and hash; every key must read back and set to its
 * value; the natural history and a small simulation must keep their invariants. */
#include "fuzz.h"

#include <stdlib.h>

static char *
format_population(const pbsc_population *p)
{
    size_t needed = 0, again = 0;
    char *buf, *small;

    FUZZ_CHECK(pbsc_population_format(p, NULL, 0, &needed) == PBSC_OK && needed >= 1);
    buf = malloc(needed);
    small = malloc(needed);
    FUZZ_CHECK(buf != NULL && small != NULL);
    FUZZ_CHECK(pbsc_population_format(p, buf, needed, &again) == PBSC_OK && again == needed);
    FUZZ_CHECK(strlen(buf) == needed - 1);
    memset(small, FUZZ_SENTINEL, needed);
    FUZZ_CHECK(pbsc_population_format(p, small, needed - 1, NULL) ==
               (needed > 1 ? PBSC_E_RANGE : PBSC_E_INVAL));
    FUZZ_CHECK(fuzz_untouched(small, needed));
    free(small);
    return buf;
}

/* The four shares sum to 1; the simulation's shares and ends are consistent. */
static void
use_population(const pbsc_population *p)
{
    const pbsc_policy *mayo;
    pbsc_natural n;
    pbsc_sim_params prm;
    pbsc_sim_result r;
    pbsc_diag diag;
    size_t k, ends = 0;
    int rc;

    pbsc_natural_init(&n);
    FUZZ_CHECK(pbsc_population_natural(p, 20, 1, &n, NULL) == PBSC_OK);
    FUZZ_CHECK(fabs(n.optimal + n.low + n.poor + n.failed - 1.0) < 1e-12);
    FUZZ_CHECK(pbsc_policy_find("mayo2013-p2", &mayo, NULL) == PBSC_OK);
    pbsc_sim_params_init(&prm);
    prm.patients = 5;
    pbsc_sim_result_init(&r);
    pbsc_diag_clear(&diag);
    rc = pbsc_simulate(&mayo, 1, NULL, p, &prm, &r, &diag);
    FUZZ_CHECK(rc == PBSC_OK);
    FUZZ_CHECK(fabs(r.minimum_reached + r.failure - 1.0) < 1e-12);
    FUZZ_CHECK(r.goal_reached <= r.minimum_reached);
    for (k = 0; k < PBSC_END_COUNT_; k++)
        ends += r.ends[k];
    FUZZ_CHECK(ends == 5 && isfinite(r.collected) && r.collected >= 0.0);
}

PBSC_FUZZ_TARGET(population)
{
    pbsc_population *sentinel = (pbsc_population *)(uintptr_t)0xA5A5A5A5u;
    pbsc_population *p = sentinel, *q = sentinel;
    pbsc_diag diag;
    char *text, *again;
    size_t i;
    int rc;

    pbsc_diag_clear(&diag);
    rc = pbsc_population_parse((const char *)data, size, &p, &diag);
    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK) {
        fuzz_check_failure(rc, &diag);
        FUZZ_CHECK(p == sentinel);
        return 0;
    }
    FUZZ_CHECK(p != sentinel && p != NULL && fuzz_hex16(pbsc_population_hash(p)));
    text = format_population(p);
    FUZZ_CHECK(pbsc_population_parse(text, strlen(text), &q, NULL) == PBSC_OK);
    again = format_population(q);
    FUZZ_CHECK(strcmp(text, again) == 0);
    FUZZ_CHECK(strcmp(pbsc_population_hash(p), pbsc_population_hash(q)) == 0);
    /* every key reads back, and setting it to its value is accepted and changes nothing */
    for (i = 0; i < pbsc_population_keys(); i++) {
        const char *key = pbsc_population_key(i);
        double v = NAN, w = NAN;
        FUZZ_CHECK(pbsc_population_get(p, key, &v, NULL) == PBSC_OK);
        FUZZ_CHECK(pbsc_population_set(q, key, v, NULL) == PBSC_OK);
        FUZZ_CHECK(pbsc_population_get(q, key, &w, NULL) == PBSC_OK && fuzz_same_double(v, w));
    }
    FUZZ_CHECK(strcmp(pbsc_population_hash(p), pbsc_population_hash(q)) == 0);
    use_population(p);
    free(again);
    free(text);
    pbsc_population_free(q);
    pbsc_population_free(p);
    return 0;
}
