/* SPDX-License-Identifier: MIT */
/* The code map of pbsc_hl7_read(): the LOINC defaults, a site's pbsc-codes(5) file, the
 * LOINC check digit, the UCUM units accepted and the factor of each to the canonical unit. */
#include "hl7_private.h"

#include <string.h>

struct pbsc_codes {
    size_t n;
    hl7_code *rows;
};

/* ---- measures and units ---------------------------------------------------------------- */

static const struct measure {
    const char *name; /* the course CSV's column (pbsc-decide(1)); "weight" for the person */
    pbsc_quantity quantity;
} measures[HL7_M_COUNT] = {
    [HL7_M_CD34] = {"cd34", PBSC_Q_CD34_UL},
    [HL7_M_WBC] = {"wbc", PBSC_Q_WBC},
    [HL7_M_PLT] = {"plt", PBSC_Q_PLT},
    [HL7_M_HCT] = {"hct", PBSC_Q_HCT},
    [HL7_M_WEIGHT] = {"weight", PBSC_Q_WEIGHT_KG},
    [HL7_M_PROCESSED] = {"processed_l", PBSC_Q_VOLUME_L},
    [HL7_M_COLLECTED] = {"collected_e6_per_kg", PBSC_Q_COLLECTED},
    [HL7_M_PLERIXAFOR] = {"plerixafor_mg", PBSC_Q_PLERIXAFOR_MG},
    [HL7_M_MOTIXAFORTIDE] = {"motixafortide_mg", PBSC_Q_MOTIXAFORTIDE_MG},
};

/*
 * The units accepted for each measure, UCUM (case-sensitive) unless said, and the factor to
 * the canonical unit: 1 cell/uL = 1 x10^6/L = 1 x10^3/mL = 1000 cells/mL; x10^9/L = x10^3/uL
 * = /nL; 1 L/L = 100 %; 1 [lb_av] = 0.45359237 kg exactly (pbsc-sources(7)). cells/uL and
 * cells/µL (micro sign U+00B5 in UTF-8 or Latin-1, or Greek mu U+03BC) are not UCUM but are
 * what laboratories send: read explicitly as /uL. Nothing else is guessed.
 */
static const struct unit {
    int measure;
    const char *ucum;
    double factor;
} units[] = {
    {HL7_M_CD34, "/uL", 1.0},
    {HL7_M_CD34, "10*6/L", 1.0},
    {HL7_M_CD34, "10*3/mL", 1.0},
    {HL7_M_CD34, "/mL", 0.001},
    {HL7_M_CD34, "{cells}/uL", 1.0},
    {HL7_M_CD34, "cells/uL", 1.0},
    {HL7_M_CD34, "cells/\xC2\xB5L", 1.0},
    {HL7_M_CD34, "cells/\xCE\xBCL", 1.0},
    {HL7_M_CD34, "cells/\xB5L", 1.0},
    {HL7_M_WBC, "10*9/L", 1.0},
    {HL7_M_WBC, "10*3/uL", 1.0},
    {HL7_M_WBC, "/nL", 1.0},
    {HL7_M_PLT, "10*9/L", 1.0},
    {HL7_M_PLT, "10*3/uL", 1.0},
    {HL7_M_PLT, "/nL", 1.0},
    {HL7_M_HCT, "%", 1.0},
    {HL7_M_HCT, "L/L", 100.0},
    {HL7_M_WEIGHT, "kg", 1.0},
    {HL7_M_WEIGHT, "[lb_av]", 0.45359237},
    {HL7_M_WEIGHT, "g", 0.001},
    {HL7_M_PROCESSED, "L", 1.0},
    {HL7_M_PROCESSED, "mL", 0.001},
    {HL7_M_COLLECTED, "10*6/kg", 1.0},
    {HL7_M_PLERIXAFOR, "mg", 1.0},
    {HL7_M_MOTIXAFORTIDE, "mg", 1.0},
};

#define NUNITS (sizeof units / sizeof units[0])

int
hl7_unit_find(int measure, const char *ucum)
{
    size_t i;

    for (i = 0; i < NUNITS; i++)
        if (units[i].measure == measure && strcmp(units[i].ucum, ucum) == 0)
            return (int)i;
    return -1;
}

double
hl7_unit_factor(int unit)
{
    return units[unit].factor;
}

const char *
hl7_unit_name(int unit)
{
    return units[unit].ucum;
}

pbsc_quantity
hl7_measure_quantity(int measure)
{
    return measures[measure].quantity;
}

const char *
hl7_measure_name(int measure)
{
    return measures[measure].name;
}

static int
measure_find(const char *name, size_t n)
{
    int i;

    for (i = 0; i < HL7_M_COUNT; i++)
        if (strlen(measures[i].name) == n && memcmp(measures[i].name, name, n) == 0)
            return i;
    return -1;
}

/* Blood: HL7 table 0070 / 0487 BLD (whole blood), BLDA, BLDC, BLDV (arterial, capillary,
 * venous); SNOMED CT 119297000 (blood specimen). */
int
hl7_blood(const char *specimen)
{
    static const char *const blood[] = {"BLD", "BLDA", "BLDC", "BLDV", "119297000"};
    size_t i;

    for (i = 0; i < sizeof blood / sizeof blood[0]; i++)
        if (strcmp(specimen, blood[i]) == 0)
            return 1;
    return 0;
}

/* ---- LOINC ------------------------------------------------------------------------------ */

/* LOINC's mod-10 check digit (the LOINC Users' Guide, "Calculating Mod 10 check digits"):
 * from the right, the digits in odd places doubled, the digits of all summed; the check digit
 * takes the sum to the next multiple of 10. 74838-4 passes; 42808-4 does not. */
PBSC_API int
pbsc_loinc_check(const char *code)
{
    const char *dash;
    size_t n, i;
    int sum = 0;

    if (code == NULL || (dash = strchr(code, '-')) == NULL || dash[1] < '0' || dash[1] > '9' ||
        dash[2] != '\0')
        return 0;
    n = (size_t)(dash - code);
    if (n == 0 || n > 7)
        return 0;
    for (i = 0; i < n; i++) {
        int d = code[n - 1 - i] - '0';
        if (d < 0 || d > 9)
            return 0;
        if (i % 2 == 0)
            d *= 2;
        sum += d / 10 + d % 10;
    }
    return (10 - sum % 10) % 10 == dash[1] - '0';
}

static int
is_loinc_system(const char *system)
{
    return strcmp(system, "LN") == 0 || strcmp(system, "LOINC") == 0;
}

/* The defaults: LOINC codes whose check digit passes (tests/check_hl7.c checks each), as
 * read from a secondary mirror of the LOINC table (pbsc-sources(7)). Their results must
 * state their unit (OBX-6). */
static const hl7_code defaults[] = {
    {"74838-4", "LN", HL7_M_CD34, -1, 1}, /* CD34 cells [#/volume] in specimen: blood only */
    {"6690-2", "LN", HL7_M_WBC, -1, 0},   /* leukocytes [#/volume] in blood */
    {"777-3", "LN", HL7_M_PLT, -1, 0},    /* platelets [#/volume] in blood */
    {"4544-3", "LN", HL7_M_HCT, -1, 0},   /* haematocrit */
    {"29463-7", "LN", HL7_M_WEIGHT, -1, 0},  /* body weight */
    {"78002-3", "LN", HL7_M_COLLECTED, -1, 0}, /* CD34 dose per recipient body mass */
};

const hl7_code *
hl7_code_find(const pbsc_codes *codes, const char *code, const char *system)
{
    size_t i;

    for (i = 0; codes != NULL && i < codes->n; i++)
        if (strcmp(codes->rows[i].code, code) == 0 && strcmp(codes->rows[i].system, system) == 0)
            return &codes->rows[i];
    if (!is_loinc_system(system))
        return NULL;
    for (i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (strcmp(defaults[i].code, code) == 0)
            return &defaults[i];
    return NULL;
}

/* ---- the site file ---------------------------------------------------------------------- */

#define MAX_ROWS 1024

/* The blank-separated words of a line: at most 5 (one too many is an error). */
static size_t
words(const char *s, size_t n, hl7_span w[5])
{
    size_t i = 0, k = 0;

    while (i < n && k < 5) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i == n)
            break;
        w[k].s = s + i;
        while (i < n && s[i] != ' ' && s[i] != '\t')
            i++;
        w[k].n = i - (size_t)(w[k].s - s);
        k++;
    }
    return k;
}

static int
copy_word(char *buf, size_t size, hl7_span w, const char *what, pbsc_diag *diag)
{
    if (!pbsc_kv_copy(buf, size, w.s, w.n))
        return pbsc_fail(diag, PBSC_E_RANGE, what, NAN, "%s: longer than %zu characters", what,
                         size - 1);
    return PBSC_OK;
}

/* One line's row; PBSC_OK with *row filled, or an error naming the column. */
static int
parse_row(const hl7_span w[5], size_t k, hl7_code *row, pbsc_diag *diag)
{
    char unit[32];
    int rc;

    if (k != 4)
        return pbsc_fail(diag, PBSC_E_PARSE, "", (double)k,
                         "%zu words: a line is 'code system measurement unit'", k);
    memset(row, 0, sizeof *row);
    if ((rc = copy_word(row->code, sizeof row->code, w[0], "code", diag)) != PBSC_OK ||
        (rc = copy_word(row->system, sizeof row->system, w[1], "system", diag)) != PBSC_OK ||
        (rc = copy_word(unit, sizeof unit, w[3], "unit", diag)) != PBSC_OK)
        return rc;
    if (is_loinc_system(row->system) && !pbsc_loinc_check(row->code))
        return pbsc_fail(diag, PBSC_E_PARSE, "code", NAN,
                         "code '%s' is not a LOINC code (its check digit does not match)",
                         row->code);
    row->measure = measure_find(w[2].s, w[2].n);
    if (row->measure < 0)
        return pbsc_fail(diag, PBSC_E_UNKNOWN, "measurement", NAN,
                         "measurement '%.*s': cd34, wbc, plt, hct, weight, processed_l, "
                         "collected_e6_per_kg, plerixafor_mg or motixafortide_mg",
                         (int)(w[2].n > 24 ? 24 : w[2].n), w[2].s);
    row->unit = hl7_unit_find(row->measure, unit);
    if (row->unit < 0)
        return pbsc_fail(diag, PBSC_E_UNKNOWN, "unit", NAN, "unit '%s' is not one for %s (%s)",
                         unit, measures[row->measure].name, "pbsc-codes(5) lists them");
    return PBSC_OK;
}

/* Every line into c->rows (NULL: counts them in c->n). */
static int
parse_lines(const char *text, size_t length, pbsc_codes *c, pbsc_diag *diag)
{
    size_t at = 0, n = 0, i;
    long line = 0;
    int rc = PBSC_OK;

    while (rc == PBSC_OK && at < length) {
        const char *nl = memchr(text + at, '\n', length - at);
        size_t raw = nl != NULL ? (size_t)(nl - (text + at)) : length - at, len = raw, k;
        const char *s = text + at;
        hl7_span w[5];

        line++;
        at += raw + (nl != NULL);
        if (len > 0 && s[len - 1] == '\r') /* CRLF */
            len--;
        k = words(s, len, w);
        if (k == 0 || w[0].s[0] == '#')
            continue;
        if (c->rows == NULL) {
            n++;
            continue;
        }
        if (memchr(s, '\0', len) != NULL) {
            rc = pbsc_fail(diag, PBSC_E_PARSE, "", NAN, "a NUL byte in the line");
            break;
        }
        if ((rc = parse_row(w, k, &c->rows[n], diag)) != PBSC_OK)
            break;
        for (i = 0; i < n && rc == PBSC_OK; i++)
            if (strcmp(c->rows[i].code, c->rows[n].code) == 0 &&
                strcmp(c->rows[i].system, c->rows[n].system) == 0)
                rc = pbsc_fail(diag, PBSC_E_DUPLICATE, "code", NAN, "code '%s' (%s) is given twice",
                               c->rows[n].code, c->rows[n].system);
        n++;
    }
    if (rc != PBSC_OK && diag != NULL)
        diag->line = line;
    c->n = n;
    return rc;
}

PBSC_API int
pbsc_codes_parse(const char *text, size_t length, pbsc_codes **codes, pbsc_diag *diag)
{
    pbsc_codes count = {0, NULL}, *c;
    int rc;

    if ((text == NULL && length > 0) || codes == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, codes == NULL ? "codes" : "text", NAN,
                         "NULL argument");
    parse_lines(text, length, &count, NULL);
    if (count.n > MAX_ROWS)
        return pbsc_fail(diag, PBSC_E_RANGE, "codes", (double)count.n,
                         "%zu codes: at most %d in a code map", count.n, MAX_ROWS);
    c = pbsc_alloc(sizeof *c + (count.n > 0 ? count.n : 1) * sizeof *c->rows);
    if (c == NULL)
        return pbsc_fail(diag, PBSC_E_NOMEM, "codes", NAN, "out of memory");
    c->rows = (hl7_code *)(void *)(c + 1);
    c->n = 0;
    if ((rc = parse_lines(text, length, c, diag)) != PBSC_OK) {
        pbsc_dealloc(c);
        return rc;
    }
    *codes = c;
    return PBSC_OK;
}

PBSC_API int
pbsc_codes_read(const char *path, pbsc_codes **codes, pbsc_diag *diag)
{
    char *text;
    size_t n;
    int rc;

    if (path == NULL || codes == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, path == NULL ? "path" : "codes", NAN,
                         "NULL argument");
    if ((rc = pbsc_kv_read_file(path, &text, &n, diag)) != PBSC_OK)
        return rc;
    rc = pbsc_codes_parse(text, n, codes, diag);
    pbsc_dealloc(text);
    return rc;
}

PBSC_API void
pbsc_codes_free(pbsc_codes *codes)
{
    pbsc_dealloc(codes);
}
