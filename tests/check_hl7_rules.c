/* SPDX-License-Identifier: MIT */
/* Tests of pbsc_hl7_read's rules for results: the code map (defaults, the LOINC check digit,
 * a site file and its errors), units normalised row by row, and each rule for a result not
 * used or a message refused: unknown unit, unknown code (strict or not), non-numeric value,
 * P with finals only, C after F, D, dates, specimens. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hl7_test.h"

#define HEAD "MSH|^~\\&|LAB|CITY|PBSC|CITY|1||ORU^R01|C1|P|2.5.1\rPID|1||M1\r"
#define OBR "OBR|1|||CBC|||202612040630\r"
#define SPM "SPM|1|||BLD\r"

/* A message of one OBX (its fields 2 to 14 as written), then an SPM of blood. */
static int
message(char *buf, size_t size, const char *obx)
{
    return snprintf(buf, size, HEAD OBR "OBX|1|%s\r" SPM, obx);
}

static int
read_obx(const char *obx, const pbsc_hl7_options *o, pbsc_course *c, pbsc_hl7_info *info,
         pbsc_diag *diag)
{
    char m[512];
    int n = message(m, sizeof m, obx);

    pbsc_hl7_info_init(info);
    pbsc_diag_clear(diag);
    return pbsc_hl7_read(m, (size_t)n, o, c, info, diag);
}

/* ---- LOINC and the code map ----------------------------------------------------------- */

START_TEST(test_loinc_check_digit)
{
    static const char *const good[] = {"74838-4", "78002-3", "33023-3", "6690-2",
                                       "777-3",   "4544-3",  "29463-7"};
    /* 42808-4: seen as "CD34 cells in Blood" on secondary sources, fails the check (the
     * right digit is 6: from the right 8,8,4 doubled = 16,16,8 -> 1+6+1+6+8 = 22, plus 0+2
     * = 24, to 30: 6) */
    static const char *const bad[] = {"42808-4", "74838-5", "7483-84", "74838",  "-4",
                                      "74838-",  "74838-44", "7a838-4", "12345678-9", ""};
    size_t i;

    for (i = 0; i < NROWS(good); i++)
        ck_assert_msg(pbsc_loinc_check(good[i]), "%s should pass", good[i]);
    for (i = 0; i < NROWS(bad); i++)
        ck_assert_msg(!pbsc_loinc_check(bad[i]), "%s should fail", bad[i]);
    ck_assert(pbsc_loinc_check("42808-6"));
    ck_assert(!pbsc_loinc_check(NULL));
}
END_TEST

static const char site[] = "# site codes\r\n"
                           "ABCD34  L   cd34                 /uL\r\n"
                           "\n"
                           "APCD34\tL\tcollected_e6_per_kg 10*6/kg\n"
                           "APVOL   99X processed_l          mL   \n"
                           "WT      L   weight               [lb_av]\n"
                           "74838-4 LN  plerixafor_mg        mg\n";

START_TEST(test_site_codes)
{
    pbsc_hl7_options o;
    pbsc_hl7_info info;
    pbsc_codes *codes = NULL;
    pbsc_course *c = course72();
    pbsc_diag diag;

    ck_assert_int_eq(pbsc_codes_parse(site, sizeof site - 1, &codes, &diag), PBSC_OK);
    o = opts(codes);
    /* empty OBX-6: the map's unit */
    ck_assert_int_eq(read_obx("NM|ABCD34^CD34^L||27||||||F|||20261204", &o, c, &info, &diag),
                     PBSC_OK);
    ck_assert_rel(value(c, 4, PBSC_Q_CD34_UL), 27, 0);
    /* 14500 mL = 14.5 L */
    ck_assert_int_eq(read_obx("NM|APVOL^Vol^99X||14500||||||F|||20261205", &o, c, &info, &diag),
                     PBSC_OK);
    ck_assert_rel(value(c, 5, PBSC_Q_VOLUME_L), 14.5, 1e-15);
    /* 160 lb = 72.5747792 kg (160 x 0.45359237) */
    ck_assert_int_eq(read_obx("NM|WT^Weight^L||160||||||F|||20261204", &o, c, &info, &diag),
                     PBSC_OK);
    ck_assert_rel(info.weight_kg, 72.5747792, 1e-12);
    /* the site's row for a LOINC code comes before the default */
    ck_assert_int_eq(read_obx("NM|74838-4^X^LN||12|mg|||||F|||20261204", &o, c, &info, &diag),
                     PBSC_OK);
    ck_assert_rel(value(c, 4, PBSC_Q_PLERIXAFOR_MG), 12, 0);
    /* the same code in another system is not in the map */
    ck_assert_int_eq(read_obx("NM|APVOL^Vol^L||14500||||||F|||20261205", &o, c, &info, &diag),
                     PBSC_OK);
    ck_assert_uint_eq(info.skipped_code, 1);
    /* the alternate code (components 4-6) when the first is not mapped */
    ck_assert_int_eq(read_obx("NM|LOCAL^x^L^6690-2^WBC^LN||8.5|10*9/L|||||F|||20261204", &o, c,
                              &info, &diag),
                     PBSC_OK);
    ck_assert_rel(value(c, 4, PBSC_Q_WBC), 8.5, 0);
    pbsc_codes_free(codes);
    pbsc_course_free(c);
}
END_TEST

START_TEST(test_site_code_errors)
{
    static const struct {
        const char *text;
        int status;
        const char *field;
        long line;
    } rows[] = {
        {"# one\nX L cd34 /uL\n42808-4 LN cd34 /uL\n", PBSC_E_PARSE, "code", 3},
        {"X L cd34 /uL\n74838-5 LOINC cd34 /uL\n", PBSC_E_PARSE, "code", 2},
        {"X L cd34\n", PBSC_E_PARSE, "", 1},
        {"X L cd34 /uL extra\n", PBSC_E_PARSE, "", 1},
        {"X L blood /uL\n", PBSC_E_UNKNOWN, "measurement", 1},
        {"X L cd34 10*9/L\n", PBSC_E_UNKNOWN, "unit", 1},
        {"X L wbc /uL\n", PBSC_E_UNKNOWN, "unit", 1},
        {"X L cd34 /uL\nY L wbc /nL\nX L plt /nL\n", PBSC_E_DUPLICATE, "code", 3},
        {"X L cd34 /uL\nY L wb\0c /nL\n", PBSC_E_PARSE, "", 2},
        {"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX L cd34 /uL\n", PBSC_E_RANGE, "code", 1},
    };
    pbsc_codes *codes = (pbsc_codes *)(void *)&codes;
    pbsc_diag diag;
    size_t i;

    for (i = 0; i < NROWS(rows); i++) {
        size_t n = strlen(rows[i].text);
        if (i == 8)
            n = sizeof "X L cd34 /uL\nY L wb\0c /nL\n" - 1;
        ck_assert_fails(pbsc_codes_parse(rows[i].text, n, &codes, &diag), rows[i].status,
                        rows[i].field);
        ck_assert_int_eq(diag.line, rows[i].line);
        ck_assert_ptr_eq(codes, (pbsc_codes *)(void *)&codes); /* untouched */
    }
    ck_assert_fails(pbsc_codes_parse(NULL, 1, &codes, &diag), PBSC_E_INVAL, "text");
    ck_assert_fails(pbsc_codes_parse("", 0, NULL, &diag), PBSC_E_INVAL, "codes");
    ck_assert_fails(pbsc_codes_read(NULL, &codes, &diag), PBSC_E_INVAL, "path");
    ck_assert_fails(pbsc_codes_read("/nonexistent/site.codes", &codes, &diag), PBSC_E_IO,
                    "path");
    pbsc_codes_free(NULL);
}
END_TEST

START_TEST(test_codes_read_file)
{
    char path[] = "/tmp/check_hl7_codes.XXXXXX";
    int fd = mkstemp(path);
    pbsc_codes *codes = NULL;
    pbsc_hl7_options o;
    pbsc_hl7_info info;
    pbsc_diag diag;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq((int)write(fd, site, sizeof site - 1), (int)(sizeof site - 1));
    close(fd);
    ck_assert_int_eq(pbsc_codes_read(path, &codes, &diag), PBSC_OK);
    unlink(path);
    o = opts(codes);
    ck_assert_int_eq(read_obx("NM|APCD34^P^L||2.5||||||F|||20261205", &o, NULL, &info, &diag),
                     PBSC_OK);
    ck_assert_uint_eq(info.used, 1);
    pbsc_codes_free(codes);
}
END_TEST

/* ---- units, row by row ---------------------------------------------------------------- */

START_TEST(test_units)
{
    static const struct {
        const char *code, *unit, *value;
        pbsc_quantity q; /* PBSC_Q_WEIGHT_KG: info.weight_kg */
        double want;
    } rows[] = {
        {"74838-4^^LN", "/uL", "42", PBSC_Q_CD34_UL, 42},
        {"74838-4^^LN", "10*6/L", "42", PBSC_Q_CD34_UL, 42},
        {"74838-4^^LN", "10*3/mL", "42", PBSC_Q_CD34_UL, 42},
        {"74838-4^^LN", "/mL", "42000", PBSC_Q_CD34_UL, 42}, /* 1000 cells/mL = 1/uL */
        {"74838-4^^LN", "{cells}/uL", "42", PBSC_Q_CD34_UL, 42},
        {"74838-4^^LN", "cells/uL", "42", PBSC_Q_CD34_UL, 42},
        {"74838-4^^LN", "cells/\xC2\xB5L", "42", PBSC_Q_CD34_UL, 42}, /* U+00B5, UTF-8 */
        {"74838-4^^LN", "cells/\xCE\xBCL", "42", PBSC_Q_CD34_UL, 42}, /* U+03BC */
        {"74838-4^^LN", "cells/\xB5L", "42", PBSC_Q_CD34_UL, 42},     /* Latin-1 */
        {"6690-2^^LN", "10*9/L", "7.5", PBSC_Q_WBC, 7.5},
        {"6690-2^^LN", "10*3/uL", "7.5", PBSC_Q_WBC, 7.5},
        {"6690-2^^LN", "/nL", "7.5", PBSC_Q_WBC, 7.5},
        {"777-3^^LN", "10*9/L", "150", PBSC_Q_PLT, 150},
        {"777-3^^LN", "10*3/uL", "150", PBSC_Q_PLT, 150},
        {"777-3^^LN", "/nL", "150", PBSC_Q_PLT, 150},
        {"4544-3^^LN", "%", "38.5", PBSC_Q_HCT, 38.5},
        {"4544-3^^LN", "L/L", "0.385", PBSC_Q_HCT, 38.5}, /* 0.385 L/L = 38.5 % */
        {"78002-3^^LN", "10*6/kg", "2.4", PBSC_Q_COLLECTED, 2.4},
        {"29463-7^^LN", "kg", "81", PBSC_Q_WEIGHT_KG, 81},
        {"29463-7^^LN", "[lb_av]", "200", PBSC_Q_WEIGHT_KG, 90.718474}, /* 200 x 0.45359237 */
        {"29463-7^^LN", "g", "81000", PBSC_Q_WEIGHT_KG, 81},
    };
    static const char *const refused[][2] = {
        {"74838-4^^LN", "10*9/L"}, {"74838-4^^LN", "/ul"},     {"74838-4^^LN", "cells/mm3"},
        {"6690-2^^LN", "K/uL"},    {"6690-2^^LN", "10^9/L"},   {"4544-3^^LN", "1"},
        {"29463-7^^LN", "lb"},     {"29463-7^^LN", "[lb_us]"}, {"78002-3^^LN", "10*6/g"},
    };
    pbsc_hl7_options o = opts(NULL);
    pbsc_hl7_info info;
    pbsc_diag diag;
    char obx[160];
    size_t i;

    for (i = 0; i < NROWS(rows); i++) {
        pbsc_course *c = course72();
        snprintf(obx, sizeof obx, "NM|%s||%s|%s^^UCUM|||||F|||20261204", rows[i].code,
                 rows[i].value, rows[i].unit);
        ck_assert_int_eq(read_obx(obx, &o, c, &info, &diag), PBSC_OK);
        if (rows[i].q == PBSC_Q_WEIGHT_KG)
            ck_assert_rel(info.weight_kg, rows[i].want, 1e-12);
        else
            ck_assert_rel(value(c, 4, rows[i].q), rows[i].want, 1e-12);
        pbsc_course_free(c);
    }
    for (i = 0; i < NROWS(refused); i++) {
        snprintf(obx, sizeof obx, "NM|%s||1|%s|||||F|||20261204", refused[i][0], refused[i][1]);
        ck_assert_int_eq(read_obx(obx, &o, NULL, &info, &diag), PBSC_E_UNKNOWN);
        ck_assert_str_eq(diag.field, "OBX-6");
    }
    /* a LOINC code's result must state its unit */
    ck_assert_int_eq(read_obx("NM|6690-2^^LN||7||||||F|||20261204", &o, NULL, &info, &diag),
                     PBSC_E_MISSING);
    ck_assert_str_eq(diag.field, "OBX-6");
}
END_TEST

/* ---- the rules for results ------------------------------------------------------------ */

START_TEST(test_unknown_code)
{
    static const char obx[] = "NM|XYZ^Other^L||3|/uL|||||F|||20261204";
    pbsc_hl7_options o = opts(NULL);
    pbsc_hl7_info info;
    pbsc_course *c = course72();
    pbsc_diag diag;

    /* not strict: skipped, counted, noted */
    ck_assert_int_eq(read_obx(obx, &o, c, &info, &diag), PBSC_OK);
    ck_assert_uint_eq(info.skipped_code, 1);
    ck_assert_uint_eq(info.used, 0);
    ck_assert_str_eq(info.note, "segment 4 OBX-3: code 'XYZ' (L) is not in the code map: not used");
    ck_assert_uint_eq(pbsc_course_length(c), 0);
    /* strict: refused */
    o.strict = 1;
    o.message = 3;
    ck_assert_int_eq(read_obx(obx, &o, c, &info, &diag), PBSC_E_UNKNOWN);
    ck_assert_str_eq(diag.field, "OBX-3");
    ck_assert_int_eq(diag.line, 4);
    ck_assert_str_eq(diag.text, "message 3, segment 4 OBX-3: code 'XYZ' (L) is not in the code "
                                "map (strict)");
    pbsc_course_free(c);
}
END_TEST

/* 74838-4 counts CD34 in any specimen: only blood (SPM-4, else OBR-15) is PB CD34. */
START_TEST(test_specimen)
{
    static const char *const blood[] = {
        HEAD "OBR|1|||X|||20261204||||||||BLD&Whole blood&HL70070\r"
             "OBX|1|NM|74838-4^^LN||9|/uL|||||F\r",
        HEAD "OBR|1|||X|||20261204||||||||BLDV\rOBX|1|NM|74838-4^^LN||9|/uL|||||F\r",
        HEAD OBR "OBX|1|NM|74838-4^^LN||9|/uL|||||F\rSPM|1|||119297000^Blood^SCT\r",
        /* the SPM of the order wins over OBR-15 */
        HEAD "OBR|1|||X|||20261204||||||||HPC\rOBX|1|NM|74838-4^^LN||9|/uL|||||F\rSPM|1|||BLDA\r",
    };
    static const char *const other[] = {
        HEAD OBR "OBX|1|NM|74838-4^^LN||9|/uL|||||F\r", /* no specimen */
        HEAD OBR "OBX|1|NM|74838-4^^LN||9|/uL|||||F\rSPM|1|||HPCA^Apheresis product\r",
        /* a second order's SPM is not the first's */
        HEAD OBR "OBX|1|NM|74838-4^^LN||9|/uL|||||F\rOBR|2\rSPM|1|||BLD\r",
    };
    pbsc_hl7_options o = opts(NULL);
    pbsc_hl7_info info;
    pbsc_diag diag;
    size_t i;

    for (i = 0; i < NROWS(blood); i++) {
        pbsc_hl7_info_init(&info);
        ck_assert_int_eq(pbsc_hl7_read(blood[i], strlen(blood[i]), &o, NULL, &info, &diag),
                         PBSC_OK);
        ck_assert_msg(info.used == 1, "blood message %zu: not used", i);
    }
    for (i = 0; i < NROWS(other); i++) {
        pbsc_hl7_info_init(&info);
        ck_assert_int_eq(pbsc_hl7_read(other[i], strlen(other[i]), &o, NULL, &info, &diag),
                         PBSC_OK);
        ck_assert_msg(info.used == 0 && info.skipped_code == 1, "message %zu: used", i);
        ck_assert_ptr_nonnull(strstr(info.note, "only blood is a PB CD34 count"));
    }
}
END_TEST

START_TEST(test_values)
{
    static const struct {
        const char *obx;
        int status;
        const char *field;
    } rows[] = {
        {"NM|6690-2^^LN||abc|10*9/L|||||F|||20261204", PBSC_E_PARSE, "OBX-5"},
        {"NM|6690-2^^LN||7,5|10*9/L|||||F|||20261204", PBSC_E_PARSE, "OBX-5"},
        {"NM|6690-2^^LN||1e3|10*9/L|||||F|||20261204", PBSC_E_PARSE, "OBX-5"},
        {"NM|6690-2^^LN||7.5.1|10*9/L|||||F|||20261204", PBSC_E_PARSE, "OBX-5"},
        {"NM|6690-2^^LN||-|10*9/L|||||F|||20261204", PBSC_E_PARSE, "OBX-5"},
        {"NM|6690-2^^LN|| 7|10*9/L|||||F|||20261204", PBSC_E_PARSE, "OBX-5"},
        {"NM|6690-2^^LN|||10*9/L|||||F|||20261204", PBSC_E_PARSE, "OBX-5"},
        {"ST|6690-2^^LN||7|10*9/L|||||F|||20261204", PBSC_E_PARSE, "OBX-2"},
        {"SN|6690-2^^LN||<^5|10*9/L|||||F|||20261204", PBSC_E_PARSE, "OBX-5"},
        {"SN|6690-2^^LN||^5^-^7|10*9/L|||||F|||20261204", PBSC_E_PARSE, "OBX-5"},
        {"NM|6690-2^^LN||-1|10*9/L|||||F|||20261204", PBSC_E_NEGATIVE, "OBX-5"},
        {"NM|74838-4^^LN||6000|/uL|||||F|||20261204", PBSC_E_RANGE, "OBX-5"},
        {"NM|29463-7^^LN||1|kg|||||F|||20261204", PBSC_E_RANGE, "OBX-5"},
        {"NM|6690-2^^LN||7|10*9/L||||||||20261204", PBSC_E_MISSING, "OBX-11"},
        {"NM|6690-2^^LN||7|10*9/L|||||Q|||20261204", PBSC_E_UNKNOWN, "OBX-11"},
        {"NM|6690-2^^LN||7|10*9/L|||||FF|||20261204", PBSC_E_UNKNOWN, "OBX-11"},
    };
    static const struct {
        const char *obx;
        double want;
    } ok[] = {
        {"NM|6690-2^^LN||+7.5|10*9/L|||||F|||20261204", 7.5},
        {"NM|6690-2^^LN||.5|10*9/L|||||F|||20261204", 0.5},
        {"NM|6690-2^^LN||007.|10*9/L|||||F|||20261204", 7},
        {"SN|6690-2^^LN||^7.5|10*9/L|||||F|||20261204", 7.5},
        {"SN|6690-2^^LN||=^7.5|10*9/L|||||F|||20261204", 7.5},
    };
    pbsc_hl7_options o = opts(NULL);
    pbsc_hl7_info info;
    pbsc_course *c = course72();
    pbsc_diag diag;
    size_t i;

    for (i = 0; i < NROWS(rows); i++) {
        ck_assert_msg(read_obx(rows[i].obx, &o, c, &info, &diag) == rows[i].status,
                      "row %zu: %s", i, diag.text);
        ck_assert_str_eq(diag.field, rows[i].field);
        ck_assert_int_eq(diag.line, 4);
    }
    ck_assert_uint_eq(pbsc_course_length(c), 0); /* nothing set by a refused message */
    for (i = 0; i < NROWS(ok); i++) {
        ck_assert_int_eq(read_obx(ok[i].obx, &o, c, &info, &diag), PBSC_OK);
        ck_assert_rel(value(c, 4, PBSC_Q_WBC), ok[i].want, 0);
    }
    pbsc_course_free(c);
}
END_TEST

START_TEST(test_dates)
{
    pbsc_hl7_options o = opts(NULL);
    pbsc_hl7_info info;
    pbsc_diag diag;
    static const char no_date[] = HEAD "OBX|1|NM|6690-2^^LN||7|10*9/L|||||F\r";
    static const char obr_date[] = HEAD "OBR|1|||X|||20261231235959.1234+0100\r"
                                        "OBX|1|NM|6690-2^^LN||7|10*9/L|||||F\r";
    static const char bad_obr[] = HEAD "OBR|1|||X|||2026-12-04\r"
                                       "OBX|1|NM|6690-2^^LN||7|10*9/L|||||F\r";

    /* OBX-14 before OBR-7: 2026-12-10 is day 10 */
    ck_assert_int_eq(read_obx("NM|6690-2^^LN||7|10*9/L|||||F|||202612101200", &o, NULL, &info,
                              &diag),
                     PBSC_OK);
    ck_assert_int_eq(info.last_day, 10);
    /* 2027-01-01: day 32 (31 days of December) */
    ck_assert_int_eq(read_obx("NM|6690-2^^LN||7|10*9/L|||||F|||20270101", &o, NULL, &info,
                              &diag),
                     PBSC_OK);
    ck_assert_int_eq(info.last_day, 32);
    /* the day before day 1 is day 0: refused */
    ck_assert_int_eq(read_obx("NM|6690-2^^LN||7|10*9/L|||||F|||20261130", &o, NULL, &info,
                              &diag),
                     PBSC_E_RANGE);
    ck_assert_str_eq(diag.field, "OBX-14");
    ck_assert_int_eq(diag.day, 0);
    ck_assert_int_eq(read_obx("NM|6690-2^^LN||7|10*9/L|||||F|||20261232", &o, NULL, &info,
                              &diag),
                     PBSC_E_PARSE);
    ck_assert_str_eq(diag.field, "OBX-14");
    ck_assert_int_eq(pbsc_hl7_read(no_date, sizeof no_date - 1, &o, NULL, &info, &diag),
                     PBSC_E_MISSING);
    ck_assert_str_eq(diag.field, "OBX-14");
    pbsc_hl7_info_init(&info);
    ck_assert_int_eq(pbsc_hl7_read(obr_date, sizeof obr_date - 1, &o, NULL, &info, &diag),
                     PBSC_OK);
    ck_assert_int_eq(info.last_day, 31); /* the date as written: the zone is not applied */
    ck_assert_int_eq(pbsc_hl7_read(bad_obr, sizeof bad_obr - 1, &o, NULL, &info, &diag),
                     PBSC_E_PARSE);
    ck_assert_str_eq(diag.field, "OBR-7");
}
END_TEST

/* Preliminary results: not used when finals are required (the default), else used and
 * counted; OBX-11 I, N, R, S, U, X: not used. */
START_TEST(test_preliminary)
{
    static const char p[] = "NM|74838-4^^LN||12|/uL|||||P|||20261204";
    static const char *const skipped = "INRSUX";
    pbsc_hl7_options o = opts(NULL);
    pbsc_hl7_info info;
    pbsc_course *c = course72();
    pbsc_diag diag;
    char obx[80];
    size_t i;

    ck_assert_int_eq(o.finals_only, 1);
    ck_assert_int_eq(read_obx(p, &o, c, &info, &diag), PBSC_OK);
    ck_assert_uint_eq(info.skipped_preliminary, 1);
    ck_assert_uint_eq(info.used, 0);
    ck_assert_str_eq(info.note, "segment 4 OBX-11: a preliminary result is not used");
    ck_assert_uint_eq(pbsc_course_length(c), 0);
    o.finals_only = 0;
    ck_assert_int_eq(read_obx(p, &o, c, &info, &diag), PBSC_OK);
    ck_assert_uint_eq(info.preliminary, 1);
    ck_assert_uint_eq(info.used, 1);
    ck_assert_rel(value(c, 4, PBSC_Q_CD34_UL), 12, 0);
    for (i = 0; skipped[i] != '\0'; i++) {
        snprintf(obx, sizeof obx, "NM|74838-4^^LN||99|/uL|||||%c|||20261204", skipped[i]);
        ck_assert_int_eq(read_obx(obx, &o, c, &info, &diag), PBSC_OK);
        ck_assert_uint_eq(info.skipped_status, 1);
        ck_assert_rel(value(c, 4, PBSC_Q_CD34_UL), 12, 0);
    }
    pbsc_course_free(c);
}
END_TEST

/* A corrected result replaces the final one; a later final too (the latest wins); D or W
 * withdraws it. */
START_TEST(test_corrected_and_withdrawn)
{
    static const char both[] = HEAD OBR "OBX|1|NM|74838-4^^LN||14|/uL|||||F\r"
                                        "OBX|2|NM|74838-4^^LN||16|/uL|||||C\r" SPM;
    pbsc_hl7_options o = opts(NULL);
    pbsc_hl7_info info;
    pbsc_course *c = course72();
    pbsc_diag diag;

    ck_assert_int_eq(read_obx("NM|74838-4^^LN||12|/uL|||||F|||20261204", &o, c, &info, &diag),
                     PBSC_OK);
    ck_assert_uint_eq(info.replaced, 0);
    ck_assert_int_eq(read_obx("NM|74838-4^^LN||15|/uL|||||C|||20261204", &o, c, &info, &diag),
                     PBSC_OK);
    ck_assert_uint_eq(info.replaced, 1);
    ck_assert_rel(value(c, 4, PBSC_Q_CD34_UL), 15, 0);
    /* F then C in one message: 12 -> 14 -> 16, two replacements */
    pbsc_hl7_info_init(&info);
    ck_assert_int_eq(pbsc_hl7_read(both, sizeof both - 1, &o, c, &info, &diag), PBSC_OK);
    ck_assert_uint_eq(info.replaced, 2);
    ck_assert_rel(value(c, 4, PBSC_Q_CD34_UL), 16, 0);
    /* D: the value withdrawn (its unit and value are not read) */
    ck_assert_int_eq(read_obx("NM|74838-4^^LN||||||||D|||20261204", &o, c, &info, &diag),
                     PBSC_OK);
    ck_assert_uint_eq(info.withdrawn, 1);
    ck_assert(isnan(value(c, 4, PBSC_Q_CD34_UL)));
    ck_assert_int_eq(read_obx("NM|29463-7^^LN||||||||W|||20261204", &o, c, &info, &diag),
                     PBSC_OK);
    ck_assert_uint_eq(info.withdrawn, 1);
    ck_assert(isnan(info.weight_kg));
    pbsc_course_free(c);
}
END_TEST

/* A refused message sets nothing, even after results it had read. */
START_TEST(test_refused_sets_nothing)
{
    static const char m[] = HEAD OBR "OBX|1|NM|6690-2^^LN||7|10*9/L|||||F\r"
                                     "OBX|2|NM|777-3^^LN||150|10*9/L|||||F\r"
                                     "OBX|3|NM|4544-3^^LN||37|furlongs|||||F\r";
    pbsc_hl7_options o = opts(NULL);
    pbsc_hl7_info info, before;
    pbsc_course *c = course72();
    pbsc_diag diag;

    pbsc_hl7_info_init(&info);
    memset(&info.control_id, 'x', 8);
    before = info;
    ck_assert_int_eq(pbsc_hl7_read(m, sizeof m - 1, &o, c, &info, &diag), PBSC_E_UNKNOWN);
    ck_assert_str_eq(diag.field, "OBX-6");
    ck_assert_int_eq(diag.line, 6);
    ck_assert_int_eq(diag.day, 4);
    ck_assert_uint_eq(pbsc_course_length(c), 0);
    ck_assert_int_eq(memcmp(&info, &before, sizeof info), 0);
    pbsc_course_free(c);
}
END_TEST

static Suite *
rules_suite(void)
{
    Suite *s = suite_create("hl7 rules");
    TCase *map = tcase_create("code map");
    TCase *rules = tcase_create("rules");

    tcase_add_test(map, test_loinc_check_digit);
    tcase_add_test(map, test_site_codes);
    tcase_add_test(map, test_site_code_errors);
    tcase_add_test(map, test_codes_read_file);
    tcase_add_test(map, test_units);
    suite_add_tcase(s, map);
    tcase_add_test(rules, test_unknown_code);
    tcase_add_test(rules, test_specimen);
    tcase_add_test(rules, test_values);
    tcase_add_test(rules, test_dates);
    tcase_add_test(rules, test_preliminary);
    tcase_add_test(rules, test_corrected_and_withdrawn);
    tcase_add_test(rules, test_refused_sets_nothing);
    suite_add_tcase(s, rules);
    return s;
}

int
main(void)
{
    return pbsc_test_run(rules_suite());
}
