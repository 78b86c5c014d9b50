/* SPDX-License-Identifier: MIT */
/* Tests of the HL7 v2 reader (pbsc_hl7_read): the delimiters a message declares, escapes,
 * framing and line ends, repetitions and the message's header. The results' rules and the
 * code map: tests/check_hl7_rules.c; the writer: tests/check_hl7_out.c. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "hl7_test.h"

#define MSH "MSH|^~\\&|LAB|CITY|PBSC|CITY|202612040730||ORU^R01^ORU_R01|CTRL1|P|2.5.1\r"
#define PID "PID|1||MRN4711^^^CITY^MR\r"
#define OBR "OBR|1|ORD1||CBC^Counts^L|||202612040630\r"
#define SPM "SPM|1|||BLD^Whole blood^HL70487\r"
/* An OBX of day 4 (2026-12-04), final. */
#define OBX(n, code, value, unit) "OBX|" #n "|NM|" code "||" value "|" unit "|||||F|||20261204\r"
#define CD34_LN "74838-4^CD34^LN"

/* Reads msg into c, which must succeed; returns the info. */
static pbsc_hl7_info
read_ok(const char *msg, size_t n, const pbsc_hl7_options *o, pbsc_course *c)
{
    pbsc_hl7_info info;
    pbsc_diag diag;
    int rc;

    pbsc_hl7_info_init(&info);
    pbsc_diag_clear(&diag);
    rc = pbsc_hl7_read(msg, n, o, c, &info, &diag);
    ck_assert_msg(rc == PBSC_OK, "read: %s: field %s: %s", pbsc_strerror(rc), diag.field,
                  diag.text);
    return info;
}

/* ---- the message as it is written ----------------------------------------------------- */

START_TEST(test_basic)
{
    static const char m[] = MSH PID OBR
        OBX(1, "29463-7^Body weight^LN", "72.5", "kg") OBX(2, CD34_LN, "18", "/uL")
        OBX(3, "6690-2^WBC^LN", "37.9", "10*9/L") OBX(4, "777-3^PLT^LN", "228", "10*9/L")
        OBX(5, "4544-3^HCT^LN", "36", "%") SPM;
    pbsc_hl7_options o = opts(NULL);
    pbsc_course *c = course72();
    pbsc_hl7_info info = read_ok(m, sizeof m - 1, &o, c);

    /* 2026-12-04 with day 1 = 2026-12-01 is day 4 */
    ck_assert_rel(value(c, 4, PBSC_Q_CD34_UL), 18, 0);
    ck_assert_rel(value(c, 4, PBSC_Q_WBC), 37.9, 0);
    ck_assert_rel(value(c, 4, PBSC_Q_PLT), 228, 0);
    ck_assert_rel(value(c, 4, PBSC_Q_HCT), 36, 0);
    ck_assert_uint_eq(pbsc_course_length(c), 1);
    ck_assert_rel(info.weight_kg, 72.5, 0);
    ck_assert_int_eq(info.weight_day, 4);
    ck_assert_uint_eq(info.used, 5);
    ck_assert_int_eq(info.first_day, 4);
    ck_assert_int_eq(info.last_day, 4);
    ck_assert_str_eq(info.control_id, "CTRL1");
    ck_assert_str_eq(info.version, "2.5.1");
    ck_assert_str_eq(info.sending_app, "LAB");
    ck_assert_str_eq(info.sending_facility, "CITY");
    ck_assert_str_eq(info.receiving_app, "PBSC");
    ck_assert_str_eq(info.patient_id, "MRN4711");
    ck_assert_str_eq(info.note, "");
    pbsc_course_free(c);
}
END_TEST

/* Custom delimiters: field '#', component '!', repetition '$', escape '?', subcomponent '*',
 * truncation '%' (v2.7's fifth character). */
START_TEST(test_custom_delimiters)
{
    static const char m[] =
        "MSH#!$?*%#LAB#CITY#PBSC#CITY#202612040730##ORU!R01#C?F?1#P#2.7\r"
        "PID#1##A?S?B$SECOND\r"
        "OBR#1###X!Y!L###202612040630\r"
        "OBX#1#NM#74838-4!CD34!LN##42#/uL#####F###20261204\r"
        "SPM#1###BLD!Blood\r";
    pbsc_hl7_options o = opts(NULL);
    pbsc_course *c = course72();
    pbsc_hl7_info info = read_ok(m, sizeof m - 1, &o, c);

    ck_assert_rel(value(c, 4, PBSC_Q_CD34_UL), 42, 0);
    ck_assert_str_eq(info.control_id, "C#1"); /* ?F? is the field separator '#' */
    ck_assert_str_eq(info.patient_id, "A!B"); /* ?S? the component '!' */
    ck_assert_str_eq(info.version, "2.7");
    pbsc_course_free(c);
}
END_TEST

START_TEST(test_escapes)
{
    /* every escape in MSH-10: \F\ \S\ \T\ \R\ \E\ \X41\ \P\ (truncation '#'), and \H\ \N\
     * (highlighting: no text) */
    static const char m[] =
        "MSH|^~\\&#|LAB|CITY|PBSC|CITY|202612040730||ORU^R01|a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f"
        "\\X4142\\g\\P\\h\\H\\i\\N\\|P|2.8\r" PID;
    pbsc_hl7_options o = opts(NULL);
    pbsc_hl7_info info = read_ok(m, sizeof m - 1, &o, NULL);

    ck_assert_str_eq(info.control_id, "a|b^c&d~e\\fABg#hi");
}
END_TEST

/* A value holding the truncation character was cut by its sender: refused. */
START_TEST(test_truncated_value)
{
    static const char m[] = "MSH|^~\\&#|LAB|CITY|PBSC|CITY|202612040730||ORU^R01|T1|P|2.7\r"
        PID OBR OBX(1, CD34_LN, "12#", "/uL") SPM;
    pbsc_hl7_options o = opts(NULL);
    pbsc_course *c = course72();
    pbsc_diag diag;

    ck_assert_fails(pbsc_hl7_read(m, sizeof m - 1, &o, c, NULL, &diag), PBSC_E_PARSE, "OBX-5");
    ck_assert_int_eq(diag.line, 4);
    ck_assert_ptr_nonnull(strstr(diag.text, "segment 4 OBX-5"));
    ck_assert_uint_eq(pbsc_course_length(c), 0);
    pbsc_course_free(c);
}
END_TEST

/* The same results framed by MLLP, with CR, LF and CRLF segment ends. */
START_TEST(test_framing_and_line_ends)
{
    static const char *const ends[] = {"\r", "\n", "\r\n"};
    char m[1024], framed[1100];
    size_t k;

    for (k = 0; k < 3; k++) {
        pbsc_hl7_options o = opts(NULL);
        pbsc_course *c = course72();
        int n = snprintf(m, sizeof m,
                         "MSH|^~\\&|LAB|CITY|PBSC|CITY|1||ORU^R01|F%zu|P|2.4%s"
                         "PID|1||M1%sOBR|1|||CBC|||202612050700||||||||BLD%s"
                         "OBX|1|NM|74838-4^CD34^LN||31|cells/uL|||||F%s",
                         k, ends[k], ends[k], ends[k], ends[k]);
        pbsc_hl7_info info = read_ok(m, (size_t)n, &o, c);

        /* OBR-7 2026-12-05 (no OBX-14), OBR-15 BLD: day 5 */
        ck_assert_rel(value(c, 5, PBSC_Q_CD34_UL), 31, 0);
        ck_assert_uint_eq(info.used, 1);
        n = snprintf(framed, sizeof framed, "\x0b%s\x1c\r", m);
        info = read_ok(framed, (size_t)n, &o, c);
        ck_assert_uint_eq(info.used, 1);
        ck_assert_uint_eq(info.replaced, 0); /* the same value again */
        pbsc_course_free(c);
    }
}
END_TEST

START_TEST(test_framing_errors)
{
    static const char open_only[] = "\x0b" MSH PID;
    static const char trailing[] = "\x0b" MSH "\x1c\rMSH|";
    pbsc_hl7_options o = opts(NULL);
    pbsc_diag diag;

    ck_assert_fails(pbsc_hl7_read(open_only, sizeof open_only - 1, &o, NULL, NULL, &diag),
                    PBSC_E_PARSE, "MLLP");
    ck_assert_fails(pbsc_hl7_read(trailing, sizeof trailing - 1, &o, NULL, NULL, &diag),
                    PBSC_E_PARSE, "MLLP");
}
END_TEST

/* PID-3 repeats: the first repetition's ID; OBX-5 must not repeat. */
START_TEST(test_repetitions)
{
    static const char ok[] = MSH "PID|1||~MRN9^^^CITY^MR~SS1^^^ST^SS\r" OBR
        OBX(1, "6690-2^WBC^LN", "12", "10*9/L");
    static const char bad[] = MSH PID OBR OBX(1, "6690-2^WBC^LN", "12~13", "10*9/L");
    pbsc_hl7_options o = opts(NULL);
    pbsc_hl7_info info = read_ok(ok, sizeof ok - 1, &o, NULL);
    pbsc_diag diag;

    ck_assert_str_eq(info.patient_id, "MRN9"); /* the first repetition with an ID */
    ck_assert_fails(pbsc_hl7_read(bad, sizeof bad - 1, &o, NULL, NULL, &diag), PBSC_E_PARSE,
                    "OBX-5");
}
END_TEST

START_TEST(test_header_errors)
{
    static const struct {
        const char *msg;
        int status;
        const char *field;
    } rows[] = {
        {"PID|1\r", PBSC_E_PARSE, "MSH"},
        {"MSHA^~\\&|\r", PBSC_E_PARSE, "MSH-1"},
        {"MSH|^~\\|X\r", PBSC_E_PARSE, "MSH-2"},          /* 3 characters */
        {"MSH|^~\\&#!|X\r", PBSC_E_PARSE, "MSH-2"},       /* 6 */
        {"MSH|^~^&|X\r", PBSC_E_PARSE, "MSH-2"},          /* a repeated character */
        {"MSH|^~\\||X\r", PBSC_E_PARSE, "MSH-2"},         /* 4 then the separator: 3 */
        {"MSH|^~\\&|L|F|R|F|1||ADT^A01|C|P|2.5\r", PBSC_E_UNKNOWN, "MSH-9"},
        {"MSH|^~\\&|L|F|R|F|1||ORU^R01|C|P|2.2\r", PBSC_E_UNKNOWN, "MSH-12"},
        {"MSH|^~\\&|L|F|R|F|1||ORU^R01|C|P|3.0\r", PBSC_E_UNKNOWN, "MSH-12"},
        {"MSH|^~\\&|L|F|R|F|1||ORU^R01||P|2.5\r", PBSC_E_MISSING, "MSH-10"},
        {"MSH|^~\\&|L|F|R|F|1||ORU^R01|C|P|2.5\rMSH|^~\\&\r", PBSC_E_PARSE, "MSH"},
        {"MSH|^~\\&|L|F|R|F|1||ORU^R01|C|P|2.5\rPIDX|1\r", PBSC_E_PARSE, "segment"},
        {"MSH|^~\\&|L|F|R|F|1||ORU^R01|C|P|2.5\rpid|1\r", PBSC_E_PARSE, "segment"},
        {"MSH|^~\\&|L|F|R|F|1||ORU^R01|C|P|2.5\rPID|1||A\rPID|1||B\r", PBSC_E_CONFLICT,
         "PID-3"},
    };
    pbsc_hl7_options o = opts(NULL);
    pbsc_diag diag;
    size_t i;

    for (i = 0; i < NROWS(rows); i++)
        ck_assert_fails(pbsc_hl7_read(rows[i].msg, strlen(rows[i].msg), &o, NULL, NULL, &diag),
                        rows[i].status, rows[i].field);
}
END_TEST

START_TEST(test_versions)
{
    static const char *const versions[] = {"2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6",
                                           "2.7", "2.7.1", "2.8", "2.8.1", "2.8.2"};
    pbsc_hl7_options o = opts(NULL);
    char m[128];
    size_t i;

    for (i = 0; i < NROWS(versions); i++) {
        int n = snprintf(m, sizeof m, "MSH|^~\\&|L|F|R|F|1||ORU^R01|C|P|%s^USA\r", versions[i]);
        pbsc_hl7_info info = read_ok(m, (size_t)n, &o, NULL);
        ck_assert_str_eq(info.version, versions[i]);
    }
}
END_TEST

START_TEST(test_arguments)
{
    static const char m[] = MSH;
    pbsc_hl7_options o = opts(NULL), small = opts(NULL);
    pbsc_hl7_info info;
    pbsc_diag diag;

    pbsc_hl7_info_init(&info);
    ck_assert_fails(pbsc_hl7_read(m, sizeof m - 1, NULL, NULL, NULL, &diag), PBSC_E_INVAL,
                    "options");
    ck_assert_fails(pbsc_hl7_read(NULL, 3, &o, NULL, NULL, &diag), PBSC_E_INVAL, "message");
    small.size = sizeof(size_t);
    ck_assert_fails(pbsc_hl7_read(m, sizeof m - 1, &small, NULL, NULL, &diag), PBSC_E_INVAL,
                    "options");
    info.size = 4;
    ck_assert_fails(pbsc_hl7_read(m, sizeof m - 1, &o, NULL, &info, &diag), PBSC_E_INVAL, "info");
    o.day1 = 20261301L; /* month 13 */
    ck_assert_fails(pbsc_hl7_read(m, sizeof m - 1, &o, NULL, NULL, &diag), PBSC_E_INVAL, "day1");
    o.day1 = 20270229L; /* not a leap year */
    ck_assert_fails(pbsc_hl7_read(m, sizeof m - 1, &o, NULL, NULL, &diag), PBSC_E_INVAL, "day1");
    o.day1 = 0;
    ck_assert_fails(pbsc_hl7_read(m, sizeof m - 1, &o, NULL, NULL, &diag), PBSC_E_INVAL, "day1");
    o.day1 = DAY1;
    ck_assert_fails(pbsc_hl7_read(NULL, 0, &o, NULL, NULL, &diag), PBSC_E_PARSE, "MSH");
}
END_TEST

static Suite *
hl7_suite(void)
{
    Suite *s = suite_create("hl7");
    TCase *t = tcase_create("message");

    tcase_add_test(t, test_basic);
    tcase_add_test(t, test_custom_delimiters);
    tcase_add_test(t, test_escapes);
    tcase_add_test(t, test_truncated_value);
    tcase_add_test(t, test_framing_and_line_ends);
    tcase_add_test(t, test_framing_errors);
    tcase_add_test(t, test_repetitions);
    tcase_add_test(t, test_header_errors);
    tcase_add_test(t, test_versions);
    tcase_add_test(t, test_arguments);
    suite_add_tcase(s, t);
    return s;
}

int
main(void)
{
    return pbsc_test_run(hl7_suite());
}
