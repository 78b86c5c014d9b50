/* SPDX-License-Identifier: MIT */
/* Tests of the HL7 v2 writers: pbsc_hl7_advice (the decision as ORU^R01: fields, escaping,
 * the control id's rule, the buffer contract) and pbsc_hl7_ack (AE/AR, ERR). tests/hl7.sh
 * reads what pbsc-hl7 writes with an independent parser. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "pbsc_test.h"

#define DAY1 20261201L
#define REQUEST                                                                                \
    "MSH|^~\\&|LAB|CITY|PBSC|CITY|202612050730||ORU^R01|CTRL\\F\\9|P|2.5.1\r"                 \
    "PID|1||MRN|4711\r"

/* The info of the request (a message read with no course). */
static pbsc_hl7_info
request(void)
{
    static const char m[] = REQUEST;
    pbsc_hl7_options o;
    pbsc_hl7_info info;

    pbsc_hl7_options_init(&o);
    o.day1 = DAY1;
    pbsc_hl7_info_init(&info);
    ck_assert_int_eq(pbsc_hl7_read(m, sizeof m - 1, &o, NULL, &info, NULL), PBSC_OK);
    return info;
}

/* A collect decision of day 5 with delimiters in its texts. */
static pbsc_decision
decision(void)
{
    pbsc_decision d;

    pbsc_decision_init(&d);
    d.day = 5;
    d.moment = PBSC_MORNING;
    d.action = PBSC_ACTION_COLLECT;
    snprintf(d.rule, sizeof d.rule, "collect.start");
    snprintf(d.reason, sizeof d.reason, "a|b^c~d\\e&f\rg");
    d.volume_l = 15.12;
    d.projection.median = 4.0572;
    d.projection.lower = 1.7147;
    d.projection.upper = 9.6;
    d.projection.level = 0.9;
    d.collected = 0;
    d.goal = 5;
    d.tonight.drug = PBSC_DRUG_PLERIXAFOR;
    d.tonight.mg = 17.28;
    d.warnings = PBSC_W_CRCL_UNKNOWN | PBSC_W_DAY_GAP;
    snprintf(d.policy_id, sizeof d.policy_id, "site|1");
    snprintf(d.library_version, sizeof d.library_version, "0.1.0");
    return d;
}

static pbsc_hl7_reply
reply(const pbsc_hl7_info *req)
{
    pbsc_hl7_reply r;

    pbsc_hl7_reply_init(&r);
    r.request = req;
    r.datetime = "202612050800";
    r.day1 = DAY1;
    return r;
}

/* The advice in a malloc'd buffer, checking the buffer contract. */
static char *
advice(const pbsc_decision *d, const pbsc_hl7_reply *r)
{
    size_t needed = 0, again = 0;
    char *buf, *small;

    ck_assert_int_eq(pbsc_hl7_advice(d, r, NULL, 0, &needed), PBSC_OK);
    buf = malloc(needed);
    small = malloc(needed);
    ck_assert_ptr_nonnull(buf);
    ck_assert_ptr_nonnull(small);
    memset(small, 0x5A, needed);
    ck_assert_int_eq(pbsc_hl7_advice(d, r, small, needed - 1, NULL), PBSC_E_RANGE);
    ck_assert_int_eq(small[0], 0x5A); /* nothing written */
    ck_assert_int_eq(pbsc_hl7_advice(d, r, buf, needed, &again), PBSC_OK);
    ck_assert_uint_eq(again, needed);
    ck_assert_uint_eq(strlen(buf), needed - 1);
    free(small);
    return buf;
}

START_TEST(test_advice_fields)
{
    pbsc_hl7_info req = request();
    pbsc_decision d = decision();
    pbsc_hl7_reply r = reply(&req);
    char *m = advice(&d, &r);

    /* MSH-5/6 answer the lab; MSH-10 "PBSC" + 16 hex digits */
    ck_assert_int_eq(strncmp(m, "MSH|^~\\&|PBSC||LAB|CITY|202612050800||ORU^R01^ORU_R01|PBSC",
                             58),
                     0);
    ck_assert_int_eq((int)strspn(m + 58, "0123456789abcdef"), 16);
    ck_assert_ptr_nonnull(strstr(m, "|P|2.5.1\rPID|1||MRN\r"));
    /* day 5 of a course from 2026-12-01 is 2026-12-05 */
    ck_assert_ptr_nonnull(strstr(m, "\rOBR|1|||PBSCADV^Mobilization advice^L|||20261205|"));
    ck_assert_ptr_nonnull(strstr(m, "\rOBX|1|CWE|PBSCACT^Mobilization action^L||collect^"
                                    "Apheresis today^L||||||F|||20261205\r"));
    ck_assert_ptr_nonnull(strstr(m, "\rOBX|2|NM|PBSCDAY^Course day^L||5|d^day^UCUM|"));
    ck_assert_ptr_nonnull(strstr(m, "\rOBX|3|ST|PBSCMOM^Decision point^L||morning|"));
    /* rounded as documented: 15.12 L to 1 decimal, yields to 2, 17.28 mg to 1 */
    ck_assert_ptr_nonnull(strstr(m, "|PBSCVOL^Blood volume to process today^L||15.1|L^"));
    ck_assert_ptr_nonnull(strstr(m, "|PBSCYLD^Projected yield, median^L||4.06|10*6/kg^"));
    ck_assert_ptr_nonnull(strstr(m, "|PBSCYLO^Projected yield, lower bound of the 90% interval"
                                    "^L||1.71|"));
    ck_assert_ptr_nonnull(strstr(m, "interval^L||9.60|"));
    ck_assert_ptr_nonnull(strstr(m, "|PBSCDRG^Drug tonight^L||plerixafor|"));
    ck_assert_ptr_nonnull(strstr(m, "|PBSCMG^Dose tonight^L||17.3|mg^milligram^UCUM|"));
    ck_assert_ptr_nonnull(strstr(m, "|PBSCCOL^Collected so far^L||0.00|"));
    /* two warnings: two repetitions */
    ck_assert_ptr_nonnull(strstr(m, "|PBSCWRN^Warnings^L||crcl-unknown^^L~day-gap^^L|"));
    /* every delimiter escaped: the policy id and the reason stay one field */
    ck_assert_ptr_nonnull(strstr(m, "|PBSCPOL^Policy^L||site\\F\\1|"));
    ck_assert_ptr_nonnull(strstr(m, "\rNTE|1|L|a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f\\X0D\\g\r"));
    /* the NTE ends the message */
    ck_assert_str_eq(strstr(m, "\rNTE|") + strlen("\rNTE|1|L|a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f"
                                                  "\\X0D\\g\r"),
                     "");
    free(m);
}
END_TEST

/* The control id: the same reply, the same id; another time or decision, another. */
START_TEST(test_control_id)
{
    pbsc_hl7_info req = request();
    pbsc_decision d = decision();
    pbsc_hl7_reply r = reply(&req);
    char *a = advice(&d, &r), *b = advice(&d, &r), *c, *e;

    ck_assert_str_eq(a, b);
    r.datetime = "20261205080001";
    c = advice(&d, &r);
    d.volume_l = 15.3;
    r.datetime = "202612050800";
    e = advice(&d, &r);
    ck_assert_int_ne(memcmp(a + 54, c + 56, 20), 0);
    ck_assert_int_ne(memcmp(a + 54, e + 54, 20), 0);
    free(a);
    free(b);
    free(c);
    free(e);
}
END_TEST

/* Only what the decision has: no volume, yield or dose for a wait without warnings; P
 * results make every status P. */
START_TEST(test_advice_wait_preliminary)
{
    pbsc_hl7_info req = request();
    pbsc_decision d = decision();
    pbsc_hl7_reply r = reply(&req);
    char *m;

    d.action = PBSC_ACTION_WAIT;
    d.tonight.drug = PBSC_DRUG_NONE;
    d.warnings = 0;
    req.preliminary = 1;
    r.application = "ADVISOR";
    r.facility = "HEM^1";
    r.processing = "T";
    m = advice(&d, &r);
    ck_assert_int_eq(strncmp(m, "MSH|^~\\&|ADVISOR|HEM\\S\\1|LAB|", 29), 0);
    ck_assert_ptr_nonnull(strstr(m, "|T|2.5.1\r"));
    ck_assert_ptr_null(strstr(m, "PBSCVOL"));
    ck_assert_ptr_null(strstr(m, "PBSCYLD"));
    ck_assert_ptr_null(strstr(m, "PBSCMG"));
    ck_assert_ptr_null(strstr(m, "PBSCWRN"));
    ck_assert_ptr_null(strstr(m, "|F|||2026"));
    ck_assert_ptr_nonnull(strstr(m, "wait^Continue G-CSF, count again tomorrow^L||||||P|||"));
    ck_assert_ptr_nonnull(strstr(m, "|||P\rOBX|1|")); /* OBR-25 */
    free(m);
}
END_TEST

START_TEST(test_advice_errors)
{
    pbsc_hl7_info req = request();
    pbsc_decision d = decision(), bad = decision();
    pbsc_hl7_reply r = reply(&req), small = reply(&req);
    char buf[8];
    size_t needed;
    static const char *const times[] = {"2026120508", "20261305080000", "202612050800x",
                                        "2026120508000", ""};
    size_t i;

    ck_assert_int_eq(pbsc_hl7_advice(NULL, &r, NULL, 0, &needed), PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_hl7_advice(&d, NULL, NULL, 0, &needed), PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_hl7_advice(&d, &r, NULL, 5, &needed), PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_hl7_advice(&d, &r, buf, sizeof buf, &needed), PBSC_E_RANGE);
    bad.size = 8;
    ck_assert_int_eq(pbsc_hl7_advice(&bad, &r, NULL, 0, &needed), PBSC_E_INVAL);
    bad = decision();
    bad.action = (pbsc_action)9;
    ck_assert_int_eq(pbsc_hl7_advice(&bad, &r, NULL, 0, &needed), PBSC_E_INVAL);
    small.size = 4;
    ck_assert_int_eq(pbsc_hl7_advice(&d, &small, NULL, 0, &needed), PBSC_E_INVAL);
    for (i = 0; i < NROWS(times); i++) {
        small = reply(&req);
        small.datetime = times[i];
        ck_assert_msg(pbsc_hl7_advice(&d, &small, NULL, 0, &needed) == PBSC_E_INVAL, "%s",
                      times[i]);
    }
    small = reply(&req);
    small.datetime = NULL;
    ck_assert_int_eq(pbsc_hl7_advice(&d, &small, NULL, 0, &needed), PBSC_E_INVAL);
    small = reply(NULL);
    ck_assert_int_eq(pbsc_hl7_advice(&d, &small, NULL, 0, &needed), PBSC_E_INVAL);
    small = reply(&req);
    small.day1 = 20260230L;
    ck_assert_int_eq(pbsc_hl7_advice(&d, &small, NULL, 0, &needed), PBSC_E_INVAL);
}
END_TEST

/* The ACK of a message pbsc_hl7_read refused, in a malloc'd buffer. */
static char *
ack_of(const char *m, size_t n, int *status)
{
    pbsc_hl7_options o;
    pbsc_hl7_reply r;
    pbsc_diag diag;
    size_t needed = 0;
    char *buf;

    pbsc_hl7_options_init(&o);
    o.day1 = DAY1;
    pbsc_diag_clear(&diag);
    *status = pbsc_hl7_read(m, n, &o, NULL, NULL, &diag);
    ck_assert_int_ne(*status, PBSC_OK);
    r = reply(NULL);
    ck_assert_int_eq(pbsc_hl7_ack(m, n, &r, *status, &diag, NULL, 0, &needed), PBSC_OK);
    buf = malloc(needed);
    ck_assert_int_eq(pbsc_hl7_ack(m, n, &r, *status, &diag, buf, needed, NULL), PBSC_OK);
    return buf;
}

START_TEST(test_ack)
{
    static const struct {
        const char *msg;
        const char *msa;
        const char *err;
    } rows[] = {
        {REQUEST "OBR|1|||X|||20261204\rOBX|1|NM|6690-2^^LN||7|K/uL|||||F\r",
         "\rMSA|AE|CTRL\\F\\9\r",
         "\rERR||OBX^4^6|103^Table value not found^HL70357|E||||segment 4 OBX-6: unit 'K/uL' "},
        {REQUEST "OBR|1|||X|||20261204\rOBX|1|NM|6690-2^^LN||7|10*9/L||||||\r",
         "\rMSA|AE|CTRL\\F\\9\r", "\rERR||OBX^4^11|101^Required field missing^HL70357|E||||"},
        {REQUEST "OBR|1|||X|||20261204\rOBX|1|NM|6690-2^^LN||x|10*9/L|||||F\r",
         "\rMSA|AE|CTRL\\F\\9\r", "\rERR||OBX^4^5|102^Data type error^HL70357|E||||"},
        {REQUEST "OBR|1|||X|||20261204\rOBX|1|NM|6690-2^^LN||7|10*9/L|||||F|||20261101\r",
         "\rMSA|AE|CTRL\\F\\9\r",
         "\rERR||OBX^4^14|207^Application internal error^HL70357|E||||"},
        {"MSH|^~\\&|LAB|CITY|PBSC|CITY|1||ADT^A01|C2|P|2.5\r", "\rMSA|AR|C2\r",
         "\rERR||MSH^1^9|200^Unsupported message type^HL70357|E||||"},
        {"MSH|^~\\&|LAB|CITY|PBSC|CITY|1||ORU^R01|C3|P|2.1\r", "\rMSA|AR|C3\r",
         "\rERR||MSH^1^12|203^Unsupported version id^HL70357|E||||"},
        {"MSH|^~\\&|LAB|CITY|PBSC|CITY|1||ORU^R01||P|2.5\r", "\rMSA|AR|\r",
         "\rERR||MSH^1^10|101^Required field missing^HL70357|E||||"},
        {"garbage", "\rMSA|AR|\r", "\rERR|||102^Data type error^HL70357|E||||"},
    };
    size_t i;
    int status;

    for (i = 0; i < NROWS(rows); i++) {
        char *m = ack_of(rows[i].msg, strlen(rows[i].msg), &status);
        ck_assert_msg(strstr(m, "||ACK^R01^ACK|PBSC") != NULL, "row %zu: %s", i, m);
        ck_assert_msg(strstr(m, rows[i].msa) != NULL, "row %zu: %s", i, m);
        ck_assert_msg(strstr(m, rows[i].err) != NULL, "row %zu: %s", i, m);
        free(m);
    }
}
END_TEST

START_TEST(test_ack_errors)
{
    static const char m[] = REQUEST;
    pbsc_hl7_reply r = reply(NULL);
    size_t needed;
    char buf[4];

    ck_assert_int_eq(pbsc_hl7_ack(m, sizeof m - 1, &r, PBSC_OK, NULL, NULL, 0, &needed),
                     PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_hl7_ack(NULL, 4, &r, PBSC_E_PARSE, NULL, NULL, 0, &needed),
                     PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_hl7_ack(m, sizeof m - 1, NULL, PBSC_E_PARSE, NULL, NULL, 0, &needed),
                     PBSC_E_INVAL);
    ck_assert_int_eq(pbsc_hl7_ack(m, sizeof m - 1, &r, PBSC_E_PARSE, NULL, buf, sizeof buf,
                                  &needed),
                     PBSC_E_RANGE);
    r.datetime = "tomorrow";
    ck_assert_int_eq(pbsc_hl7_ack(m, sizeof m - 1, &r, PBSC_E_PARSE, NULL, NULL, 0, &needed),
                     PBSC_E_INVAL);
    /* no diagnostic: the status's text, no location */
    r = reply(NULL);
    ck_assert_int_eq(pbsc_hl7_ack(m, sizeof m - 1, &r, PBSC_E_NOMEM, NULL, NULL, 0, &needed),
                     PBSC_OK);
}
END_TEST

static Suite *
out_suite(void)
{
    Suite *s = suite_create("hl7 out");
    TCase *t = tcase_create("writers");

    tcase_add_test(t, test_advice_fields);
    tcase_add_test(t, test_control_id);
    tcase_add_test(t, test_advice_wait_preliminary);
    tcase_add_test(t, test_advice_errors);
    tcase_add_test(t, test_ack);
    tcase_add_test(t, test_ack_errors);
    suite_add_tcase(s, t);
    return s;
}

int
main(void)
{
    return pbsc_test_run(out_suite());
}
