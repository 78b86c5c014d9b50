/* SPDX-License-Identifier: MIT */
/* make bench: a 10-day course sent as 20 ORU^R01 messages (each morning's counts, each
 * evening's apheresis or haematocrit), read into a new course with pbsc_hl7_read, replayed,
 * and the advice written with pbsc_hl7_advice: microseconds per message and heap allocations
 * per message beyond the course's own. A benchmark, never a test: it asserts nothing (target:
 * under 50 us and 0 allocations per message beyond the course). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pbsc.h"
#include "bench.h"

#define MESSAGES 20
#define COURSES 2000
#define ROUNDS 5
#define NA ((double)NAN)

/* jit2011's harvest course of bench_decide.c: the morning's count and WBC, the day's
 * apheresis, the evening's plerixafor. */
static const struct row {
    int day;
    double cd34, wbc, litres, product, mg;
} rows[] = {
    {1, NA, 6.0, NA, NA, NA},         {2, NA, 7.0, NA, NA, NA},
    {3, NA, 8.0, NA, NA, NA},         {4, NA, 8.5, NA, NA, NA},
    {5, 9.0, 9.0, NA, NA, NA},        {6, 12.0, 11.0, NA, NA, 18.0},
    {7, 31.0, 14.0, 15.0, 1.4, 18.0}, {8, 27.0, 15.0, 15.0, 1.2, 18.0},
    {9, 24.0, 15.5, 15.0, 1.1, 18.0}, {10, 20.0, 16.0, 15.0, 0.9, NA},
};

static const char codes_text[] = "APVOL L processed_l L\nPLXMG L plerixafor_mg mg\n";

static char text[MESSAGES][1024];
static size_t length[MESSAGES];

/* One OBX: "OBX|n|NM|CODE||VALUE|UNIT|||||F|||DATE\r" (nothing for NAN). */
static size_t
obx(char *at, size_t room, int *n, const char *code, double v, const char *unit, int day)
{
    if (isnan(v))
        return 0;
    return (size_t)snprintf(at, room, "OBX|%d|NM|%s||%g|%s^^UCUM|||||F|||202612%02d0630\r",
                            ++*n, code, v, unit, day);
}

static void
make_messages(void)
{
    size_t i, k = 0;

    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct row *r = &rows[i];
        int pass;

        for (pass = 0; pass < 2; pass++, k++) {
            char *m = text[k];
            size_t n = 0, room = sizeof text[k];
            int set = 0;

            n += (size_t)snprintf(m, room,
                                  "MSH|^~\\&|LAB|CITY|PBSC|CITY|202612%02d%s||ORU^R01^ORU_R01|"
                                  "B%02zu|P|2.5.1\rPID|1||MRN4711^^^CITY^MR\r"
                                  "OBR|1|||%s|||202612%02d0630\r",
                                  r->day, pass ? "1900" : "0730", k, pass ? "APH" : "CBC",
                                  r->day);
            if (pass == 0) {
                if (r->day == 1)
                    n += obx(m + n, room - n, &set, "29463-7^Weight^LN", 75, "kg", r->day);
                n += obx(m + n, room - n, &set, "74838-4^CD34^LN", r->cd34, "/uL", r->day);
                n += obx(m + n, room - n, &set, "6690-2^WBC^LN", r->wbc, "10*9/L", r->day);
                n += obx(m + n, room - n, &set, "777-3^PLT^LN", 200, "10*9/L", r->day);
                n += (size_t)snprintf(m + n, room - n, "SPM|1|||BLD^Blood^HL70487\r");
            } else {
                n += obx(m + n, room - n, &set, "78002-3^Dose^LN", r->product, "10*6/kg",
                         r->day);
                n += obx(m + n, room - n, &set, "APVOL^Volume^L", r->litres, "L", r->day);
                n += obx(m + n, room - n, &set, "PLXMG^Plerixafor^L", r->mg, "mg", r->day);
                n += obx(m + n, room - n, &set, "4544-3^Hct^LN", 36, "%", r->day);
            }
            length[k] = n;
        }
    }
}

struct state {
    pbsc_codes *codes;
    pbsc_hl7_options o;
    pbsc_hl7_info info;
    pbsc_hl7_reply reply;
    pbsc_decision d[2 * 10];
    char advice[8192];
    const pbsc_policy *policy;
};

/* One course: the messages read into a new course, replayed, the advice written. */
static int
one_course(struct state *s)
{
    pbsc_person p;
    pbsc_course *c;
    size_t i, count = 0, needed;
    int rc = PBSC_OK;

    pbsc_person_init(&p);
    p.weight_kg = 75;
    if (pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5, 2, &c, NULL) != PBSC_OK)
        return -1;
    for (i = 0; i < MESSAGES && rc == PBSC_OK; i++) {
        s->o.message = (long)i + 1;
        rc = pbsc_hl7_read(text[i], length[i], &s->o, c, &s->info, NULL);
    }
    if (rc == PBSC_OK)
        rc = pbsc_replay(c, s->policy, NULL, s->d, 2 * 10, &count, NULL);
    if (rc == PBSC_OK)
        rc = pbsc_hl7_advice(&s->d[count - 1], &s->reply, s->advice, sizeof s->advice,
                             &needed);
    pbsc_course_free(c);
    return rc;
}

/* The read alone: the 20 messages checked without a course. */
static int
read_only(struct state *s)
{
    size_t i;
    int rc = PBSC_OK;

    for (i = 0; i < MESSAGES && rc == PBSC_OK; i++)
        rc = pbsc_hl7_read(text[i], length[i], &s->o, NULL, &s->info, NULL);
    return rc;
}

static double
per_message(int (*fn)(struct state *), struct state *s, unsigned long *allocs)
{
    double t[ROUNDS];
    int r, k;

    for (r = 0; r < ROUNDS; r++) {
        unsigned long a0 = ALLOCATIONS();
        double t0 = now_ns();
        for (k = 0; k < COURSES; k++)
            if (fn(s) != PBSC_OK)
                return -1;
        t[r] = (now_ns() - t0) / COURSES / MESSAGES;
        *allocs = ALLOCATIONS() - a0;
    }
    return median_of(t, ROUNDS);
}

int
main(void)
{
    static struct state s;
    unsigned long all, read;
    double t_all, t_read;
    size_t i, bytes = 0;

    make_messages();
    for (i = 0; i < MESSAGES; i++)
        bytes += length[i];
    if (pbsc_codes_parse(codes_text, sizeof codes_text - 1, &s.codes, NULL) != PBSC_OK ||
        pbsc_policy_find("jit2011", &s.policy, NULL) != PBSC_OK)
        return 1;
    pbsc_hl7_options_init(&s.o);
    s.o.day1 = 20261201;
    s.o.codes = s.codes;
    pbsc_hl7_info_init(&s.info);
    pbsc_hl7_reply_init(&s.reply);
    s.reply.request = &s.info;
    s.reply.datetime = "20261210193000";
    s.reply.day1 = 20261201;
    for (i = 0; i < 2 * 10; i++)
        pbsc_decision_init(&s.d[i]);
    if (one_course(&s) != PBSC_OK) {
        fprintf(stderr, "bench_hl7: the course does not read\n");
        return 1;
    }
    t_all = per_message(one_course, &s, &all);
    t_read = per_message(read_only, &s, &read);
    printf("bench_hl7: %d messages (%zu bytes, %zu a message on average), %d courses x %d "
           "rounds, median\n",
           MESSAGES, bytes, bytes / MESSAGES, COURSES, ROUNDS);
    printf("  read into a new course + replay + advice  %8.2f us/message  "
           "(%.0f us/course; target < 50 us/message)\n",
           t_all / 1000, t_all * MESSAGES / 1000);
    printf("  read alone (no course)                    %8.2f us/message\n", t_read / 1000);
    printf("  heap allocations: %.2f per course (the course and its rows), %.2f per message "
           "read alone\n",
           (double)all / COURSES, (double)read / COURSES / MESSAGES);
    pbsc_codes_free(s.codes);
    return 0;
}
