/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: pbsc_hl7_read() on arbitrary bytes (the first byte picks the options),
 * then the replies. A refused message changes nothing and gets an ACK; an accepted one reads
 * the same with and without a course, again with nothing replaced, and its advice, written by
 * pbsc_hl7_advice(), reads back through pbsc_hl7_read() with the same ids: every delimiter the
 * writer meets is escaped. */
#include "fuzz.h"

#define DAY1 20261201L

static const char site_codes[] = "ABCD34 L cd34 /uL\n"
                                 "APCD34 L collected_e6_per_kg 10*6/kg\n"
                                 "APVOL L processed_l L\n"
                                 "PLXMG L plerixafor_mg mg\n"
                                 "WT 99W weight [lb_av]\n";

/* The site's map, parsed once for the life of the process. */
static const pbsc_codes *
site(void)
{
    static pbsc_codes *codes;

    if (codes == NULL)
        FUZZ_CHECK(pbsc_codes_parse(site_codes, sizeof site_codes - 1, &codes, NULL) == PBSC_OK);
    return codes;
}

static pbsc_course *
new_course(void)
{
    pbsc_person p;
    pbsc_course *c = NULL;

    pbsc_person_init(&p);
    p.weight_kg = 72;
    FUZZ_CHECK(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5, 2, &c, NULL) == PBSC_OK);
    return c;
}

/* Every value of a course, in a buffer: to compare a course before and after a call. */
static size_t
snapshot(const pbsc_course *c, double *v, size_t cap)
{
    static const pbsc_quantity q[] = {PBSC_Q_CD34_UL, PBSC_Q_WBC, PBSC_Q_PLT, PBSC_Q_HCT,
                                      PBSC_Q_VOLUME_L, PBSC_Q_COLLECTED, PBSC_Q_PLERIXAFOR_MG,
                                      PBSC_Q_MOTIXAFORTIDE_MG};
    size_t i, k, n = 0;

    for (i = 0; i < pbsc_course_length(c); i++)
        for (k = 0; k < sizeof q / sizeof q[0] && n + 2 <= cap; k++) {
            v[n++] = (double)pbsc_course_day(c, i);
            FUZZ_CHECK(pbsc_course_get(c, pbsc_course_day(c, i), q[k], &v[n++], NULL) ==
                       PBSC_OK);
        }
    return n;
}

static int
same_values(const double *a, const double *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!(a[i] == b[i] || (isnan(a[i]) && isnan(b[i]))))
            return 0;
    return 1;
}

/* A reply as written: MSH first with the standard delimiters, segments ended by CR, and no
 * other control byte (every one in a text is escaped as \Xhh\). */
static void
check_reply(const char *m, size_t n)
{
    size_t i;

    FUZZ_CHECK(n > 9 && memcmp(m, "MSH|^~\\&|", 9) == 0 && m[n - 1] == '\r');
    for (i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)m[i] >= 0x20 || m[i] == '\r');
    FUZZ_CHECK(strstr(m, "\r\r") == NULL);
}

/* The reply through its snprintf-like contract, in a malloc'd buffer. */
static char *
write_reply(int (*fill)(const void *, char *, size_t, size_t *), const void *ctx)
{
    size_t needed = 0, again = 0;
    char *buf;

    FUZZ_CHECK(fill(ctx, NULL, 0, &needed) == PBSC_OK && needed > 1);
    buf = malloc(needed);
    FUZZ_CHECK(buf != NULL);
    memset(buf, FUZZ_SENTINEL, needed);
    FUZZ_CHECK(fill(ctx, buf, needed - 1, NULL) == PBSC_E_RANGE);
    FUZZ_CHECK(fuzz_untouched(buf, needed));
    FUZZ_CHECK(fill(ctx, buf, needed, &again) == PBSC_OK && again == needed);
    FUZZ_CHECK(strlen(buf) == needed - 1);
    check_reply(buf, needed - 1);
    return buf;
}

struct ack {
    const uint8_t *data;
    size_t size;
    const pbsc_hl7_reply *reply;
    int status;
    const pbsc_diag *diag;
};

static int
fill_ack(const void *ctx, char *buf, size_t size, size_t *needed)
{
    const struct ack *a = ctx;

    return pbsc_hl7_ack((const char *)a->data, a->size, a->reply, a->status, a->diag, buf,
                        size, needed);
}

struct advice {
    const pbsc_decision *d;
    const pbsc_hl7_reply *reply;
};

static int
fill_advice(const void *ctx, char *buf, size_t size, size_t *needed)
{
    const struct advice *a = ctx;

    return pbsc_hl7_advice(a->d, a->reply, buf, size, needed);
}

/* The course's last decision as advice; read back, its header names the request. */
static void
advice_round_trip(const pbsc_course *c, const pbsc_hl7_info *request, pbsc_hl7_reply *reply)
{
    size_t i, count = 0, capacity = 2 * pbsc_course_length(c);
    pbsc_decision *d;
    pbsc_hl7_options o;
    pbsc_hl7_info back;
    struct advice a;
    char *m;
    int rc;

    if (capacity == 0)
        return;
    d = malloc(capacity * sizeof *d);
    FUZZ_CHECK(d != NULL);
    for (i = 0; i < capacity; i++)
        pbsc_decision_init(&d[i]);
    rc = pbsc_replay(c, pbsc_policy_get(0), NULL, d, capacity, &count, NULL);
    FUZZ_CHECK(fuzz_known_status(rc));
    if (rc != PBSC_OK || count == 0) {
        free(d);
        return;
    }
    reply->request = request;
    a.d = &d[count - 1];
    a.reply = reply;
    m = write_reply(fill_advice, &a);
    pbsc_hl7_options_init(&o);
    o.day1 = DAY1;
    pbsc_hl7_info_init(&back);
    rc = pbsc_hl7_read(m, strlen(m), &o, NULL, &back, NULL);
    if (rc != PBSC_OK)
        fprintf(stderr, "the advice does not read back (%d):\n%s\n", rc, m);
    FUZZ_CHECK(rc == PBSC_OK);
    FUZZ_CHECK(strcmp(back.patient_id, request->patient_id) == 0);
    FUZZ_CHECK(strcmp(back.receiving_app, request->sending_app) == 0);
    FUZZ_CHECK(strcmp(back.receiving_facility, request->sending_facility) == 0);
    FUZZ_CHECK(back.used == 0 && strcmp(back.version, "2.5.1") == 0);
    free(m);
    free(d);
}

static void
check_info(const pbsc_hl7_info *info)
{
    FUZZ_CHECK(memchr(info->control_id, '\0', sizeof info->control_id) != NULL);
    FUZZ_CHECK(memchr(info->patient_id, '\0', sizeof info->patient_id) != NULL);
    FUZZ_CHECK(memchr(info->note, '\0', sizeof info->note) != NULL);
    FUZZ_CHECK(info->control_id[0] != '\0');
    FUZZ_CHECK((info->used == 0) == (info->first_day == 0));
    FUZZ_CHECK(info->first_day <= info->last_day && info->last_day <= 366);
    FUZZ_CHECK(isnan(info->weight_kg) == (info->weight_day == 0));
    FUZZ_CHECK(isnan(info->weight_kg) || pbsc_check(PBSC_Q_WEIGHT_KG, info->weight_kg, NULL) ==
                                              PBSC_OK);
    FUZZ_CHECK((info->note[0] != '\0') ==
               (info->skipped_code + info->skipped_preliminary + info->skipped_status > 0));
}

PBSC_FUZZ_TARGET(hl7)
{
    pbsc_hl7_options o;
    pbsc_hl7_info scan, info, again;
    pbsc_hl7_reply reply;
    pbsc_course *c;
    pbsc_diag d1, d2;
    double before[8192], after[8192];
    size_t nb, na;
    int rc, rc2;

    if (size == 0)
        return 0;
    pbsc_hl7_options_init(&o);
    o.day1 = DAY1;
    o.strict = data[0] & 1;
    o.finals_only = !(data[0] & 2);
    o.codes = data[0] & 4 ? site() : NULL;
    o.message = data[0] >> 3;
    data++, size--;
    pbsc_hl7_reply_init(&reply);
    reply.datetime = "20261215093000";
    reply.day1 = DAY1;

    memset(&scan, FUZZ_SENTINEL, sizeof scan);
    scan.size = sizeof scan;
    pbsc_diag_clear(&d1);
    rc = pbsc_hl7_read((const char *)data, size, &o, NULL, &scan, &d1);
    FUZZ_CHECK(fuzz_known_status(rc));
    c = new_course();
    nb = snapshot(c, before, sizeof before / sizeof before[0]);
    memset(&info, FUZZ_SENTINEL, sizeof info);
    info.size = sizeof info;
    pbsc_diag_clear(&d2);
    rc2 = pbsc_hl7_read((const char *)data, size, &o, c, &info, &d2);
    FUZZ_CHECK(rc2 == rc); /* with or without a course, the same verdict */
    if (rc != PBSC_OK) {
        struct ack a = {data, size, &reply, rc, &d1};
        char *m;

        fuzz_check_failure(rc, &d1);
        FUZZ_CHECK(memcmp(&d1, &d2, sizeof d1) == 0);
        FUZZ_CHECK(fuzz_untouched((const char *)&scan + sizeof scan.size,
                                  sizeof scan - sizeof scan.size));
        FUZZ_CHECK(fuzz_untouched((const char *)&info + sizeof info.size,
                                  sizeof info - sizeof info.size));
        na = snapshot(c, after, sizeof after / sizeof after[0]);
        FUZZ_CHECK(na == nb && pbsc_course_length(c) == 0);
        m = write_reply(fill_ack, &a);
        FUZZ_CHECK(strstr(m, "\rMSA|A") != NULL && strstr(m, "\rERR|") != NULL);
        free(m);
        pbsc_course_free(c);
        return 0;
    }
    check_info(&scan);
    check_info(&info);
    FUZZ_CHECK(scan.used == info.used && scan.skipped_code == info.skipped_code);
    FUZZ_CHECK(strcmp(scan.control_id, info.control_id) == 0);
    /* read again: the latest result of each day and measure wins, so the same course; and
     * nothing replaced when no value changed within the message itself (a withdrawal in it
     * is a change: regressions/fuzz_hl7/withdrawn-then-final-again.hl7) */
    nb = snapshot(c, before, sizeof before / sizeof before[0]);
    pbsc_hl7_info_init(&again);
    FUZZ_CHECK(pbsc_hl7_read((const char *)data, size, &o, c, &again, NULL) == PBSC_OK);
    na = snapshot(c, after, sizeof after / sizeof after[0]);
    FUZZ_CHECK(again.used == info.used && na == nb && same_values(before, after, na));
    if (info.replaced == 0 && info.withdrawn == 0)
        FUZZ_CHECK(again.replaced == 0);
    advice_round_trip(c, &info, &reply);
    pbsc_course_free(c);
    return 0;
}
