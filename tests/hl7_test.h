/* SPDX-License-Identifier: MIT */
/* Shared by the HL7 reader's suites (tests/check_hl7.c, tests/check_hl7_rules.c): a course of
 * a 72 kg adult, reader options with day 1 = 2026-12-01, a value of the course. */
#ifndef PBSC_HL7_TEST_H
#define PBSC_HL7_TEST_H

#include "pbsc_test.h"

#define DAY1 20261201L

static inline pbsc_course *
course72(void)
{
    pbsc_person p;
    pbsc_course *c = NULL;

    pbsc_person_init(&p);
    p.weight_kg = 72;
    ck_assert_int_eq(pbsc_course_new(&p, PBSC_REGIMEN_GCSF, 5, 2, &c, NULL), PBSC_OK);
    return c;
}

static inline pbsc_hl7_options
opts(const pbsc_codes *codes)
{
    pbsc_hl7_options o;

    pbsc_hl7_options_init(&o);
    o.day1 = DAY1;
    o.codes = codes;
    return o;
}

/* The course's value of q on day, which must have a row. */
static inline double
value(const pbsc_course *c, long day, pbsc_quantity q)
{
    double v = -1;

    ck_assert_int_eq(pbsc_course_get(c, day, q, &v, NULL), PBSC_OK);
    return v;
}

#endif /* PBSC_HL7_TEST_H */
