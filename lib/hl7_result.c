/* SPDX-License-Identifier: MIT */
/* One OBX result as pbsc_hl7_read() reads it: its code in the map, its status, its day, its
 * value and its unit, each refused with the segment and the field (lib/hl7_read.c applies
 * them). */
#include "hl7_private.h"

#include <string.h>

/* OBX-3's row in the map: the code, else the alternate code (components 4-6). 74838-4 on a
 * specimen that is not blood is not a course measure. */
const hl7_code *
hl7_lookup(const struct reader *r, char *why, size_t size)
{
    hl7_span f = hl7_field(r->m, r->seg, 3);
    char code[2][32], system[2][24];
    const hl7_code *row = NULL;
    int k;

    for (k = 0; k < 2 && row == NULL; k++) {
        hl7_text(r->m, hl7_comp(r->m, f, 1 + 3 * k), code[k], sizeof code[k]);
        hl7_text(r->m, hl7_comp(r->m, f, 3 + 3 * k), system[k], sizeof system[k]);
        if (code[k][0] != '\0')
            row = hl7_code_find(r->o.codes, code[k], system[k]);
    }
    if (row != NULL && row->blood && !hl7_blood(r->specimen)) {
        pbsc_fmt(why, size, "%s on specimen '%s': only blood is a PB CD34 count", row->code,
                 r->specimen);
        return NULL;
    }
    if (row == NULL)
        pbsc_fmt(why, size, "code '%s' (%s) is not in the code map", code[0], system[0]);
    return row;
}

/* The course day of OBX-14, else OBR-7. */
int
hl7_result_day(const struct reader *r, long *day)
{
    hl7_span d = hl7_comp(r->m, hl7_field(r->m, r->seg, 14), 1);
    const char *field = "OBX-14";
    long n;
    int ok;

    if (d.n == 0) {
        d = r->obr_date;
        field = "OBR-7";
    }
    if (d.n == 0)
        return hl7_fail(r, PBSC_E_MISSING, "OBX-14", -1, NAN,
                        "no date: neither OBX-14 nor the order's OBR-7");
    n = hl7_date(d, &ok);
    if (!ok)
        return hl7_fail(r, PBSC_E_PARSE, field, -1, NAN, "'%.*s' is not a date (YYYYMMDD...)",
                        (int)(d.n > 24 ? 24 : d.n), d.s);
    *day = n - r->day1 + 1;
    if (pbsc_check(PBSC_Q_DAY, (double)*day, NULL) != PBSC_OK)
        return hl7_fail(r, PBSC_E_RANGE, field, *day, (double)*day,
                        "%.8s is day %ld of the course (day 1 = %ld): days 1 to 366", d.s, *day,
                        r->o.day1);
    return PBSC_OK;
}

/* HL7 NM: an optional sign, digits and at most one decimal point (no exponent, no blanks). */
static int
number(const char *s, double *x)
{
    size_t i = s[0] == '+' || s[0] == '-', digits = 0, points = 0;

    for (; s[i] != '\0'; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (s[i] == '.' && points++ == 0)
            continue;
        else
            return 0;
    }
    if (digits == 0)
        return 0;
    *x = pbsc_strtod(s, NULL);
    return 1;
}

/* OBX-5 as a number: NM, or SN without a comparator or a range ("^42" or "=^42"). */
int
hl7_result_value(const struct reader *r, double *x)
{
    hl7_span type = hl7_field(r->m, r->seg, 2), v = hl7_field(r->m, r->seg, 5);
    char text[64];
    int rc;

    if (hl7_repeats(r->m, v))
        return hl7_fail(r, PBSC_E_PARSE, "OBX-5", -1, NAN, "repetitions: one number expected");
    if (hl7_is(type, "SN")) {
        hl7_span cmp = hl7_comp(r->m, v, 1);
        if (!(cmp.n == 0 || hl7_is(cmp, "=")) || hl7_comp(r->m, v, 3).n > 0 ||
            hl7_comp(r->m, v, 4).n > 0)
            return hl7_fail(r, PBSC_E_PARSE, "OBX-5", -1, NAN,
                            "'%.*s' is not one number (a comparator or a range)",
                            (int)(v.n > 30 ? 30 : v.n), v.s);
        v = hl7_comp(r->m, v, 2);
    } else if (!hl7_is(type, "NM")) {
        return hl7_fail(r, PBSC_E_PARSE, "OBX-2", -1, NAN,
                        "value type '%.*s': a number (NM or SN) expected",
                        (int)(type.n > 8 ? 8 : type.n), type.s);
    }
    if ((rc = hl7_value_text(r, v, "OBX-5", text, sizeof text)) != PBSC_OK)
        return rc;
    if (!number(text, x))
        return hl7_fail(r, PBSC_E_PARSE, "OBX-5", -1, NAN, "'%s' is not a number", text);
    return PBSC_OK;
}

/* OBX-6 (its first component): a unit of the measure; empty: the code map's, if it says. */
int
hl7_result_unit(const struct reader *r, const hl7_code *row, int *unit)
{
    char text[32];
    int rc;

    if ((rc = hl7_value_text(r, hl7_comp(r->m, hl7_field(r->m, r->seg, 6), 1), "OBX-6", text,
                         sizeof text)) != PBSC_OK)
        return rc;
    if (text[0] == '\0') {
        if (row->unit < 0)
            return hl7_fail(r, PBSC_E_MISSING, "OBX-6", -1, NAN, "no unit for %s (%s)",
                            hl7_measure_name(row->measure), row->code);
        *unit = row->unit;
        return PBSC_OK;
    }
    *unit = hl7_unit_find(row->measure, text);
    if (*unit < 0)
        return hl7_fail(r, PBSC_E_UNKNOWN, "OBX-6", -1, NAN,
                        "unit '%s' is not one the library reads for %s", text,
                        hl7_measure_name(row->measure));
    return PBSC_OK;
}

/* OBX-11: 'u' use, 'w' withdraw (D, W), 's' skip (I, N, R, S, U, X), 'p' preliminary. */
int
hl7_result_status(const struct reader *r, char *what)
{
    hl7_span s = hl7_comp(r->m, hl7_field(r->m, r->seg, 11), 1);

    if (s.n == 0)
        return hl7_fail(r, PBSC_E_MISSING, "OBX-11", -1, NAN, "no result status");
    if (s.n == 1 && memchr("FC", s.s[0], 2) != NULL)
        *what = 'u';
    else if (s.n == 1 && s.s[0] == 'P')
        *what = 'p';
    else if (s.n == 1 && memchr("DW", s.s[0], 2) != NULL)
        *what = 'w';
    else if (s.n == 1 && memchr("INRSUX", s.s[0], 6) != NULL)
        *what = 's';
    else
        return hl7_fail(r, PBSC_E_UNKNOWN, "OBX-11", -1, NAN, "result status '%.*s'",
                        (int)(s.n > 8 ? 8 : s.n), s.s);
    return PBSC_OK;
}
