/* SPDX-License-Identifier: MIT */
/* HL7 v2 messages cut by their own delimiters: MLLP framing, MSH-1/MSH-2, segments, fields,
 * repetitions, components, escapes and dates. No allocation: spans point into the bytes. */
#include "hl7_private.h"

#include <string.h>

#define MLLP_START 0x0B
#define MLLP_END 0x1C
#define CR '\r'
#define LF '\n'

/* Removes the MLLP frame, if there is one: 0x0B first, 0x1C then an optional CR (and any
 * CR/LF after it) last. */
static int
unframe(const char *s, size_t n, hl7_span *out, pbsc_diag *diag)
{
    const char *end;
    size_t i;

    if (n == 0 || (unsigned char)s[0] != MLLP_START) {
        out->s = s;
        out->n = n;
        return PBSC_OK;
    }
    end = memchr(s + 1, MLLP_END, n - 1);
    if (end == NULL)
        return pbsc_fail(diag, PBSC_E_PARSE, "MLLP", NAN,
                         "MLLP start block 0x0B without an end block 0x1C");
    for (i = (size_t)(end - s) + 1; i < n; i++)
        if (s[i] != CR && s[i] != LF)
            return pbsc_fail(diag, PBSC_E_PARSE, "MLLP", NAN,
                             "bytes after the MLLP end block (one message per frame)");
    out->s = s + 1;
    out->n = (size_t)(end - s) - 1;
    return PBSC_OK;
}

static int
bad_delimiter(char c)
{
    return c == CR || c == LF || c == '\0' || (c >= '0' && c <= '9') ||
           (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' ';
}

int
hl7_open(const char *message, size_t length, hl7_msg *m, pbsc_diag *diag)
{
    const char *s;
    char d[6];
    size_t n, i, j, k;
    int rc;

    if ((rc = unframe(message, length, &m->text, diag)) != PBSC_OK)
        return rc;
    s = m->text.s;
    n = m->text.n;
    if (n < 4 || memcmp(s, "MSH", 3) != 0)
        return pbsc_fail(diag, PBSC_E_PARSE, "MSH", NAN, "the message does not start with MSH");
    if (bad_delimiter(s[3]))
        return pbsc_fail(diag, PBSC_E_PARSE, "MSH-1", NAN,
                         "MSH-1: the field separator is a letter, a digit, a blank or a line end");
    for (k = 0, i = 4; i < n && s[i] != s[3] && s[i] != CR && s[i] != LF; i++, k++)
        if (k < sizeof d)
            d[k] = s[i];
    if (k != 4 && k != 5)
        return pbsc_fail(diag, PBSC_E_PARSE, "MSH-2", (double)k,
                         "MSH-2: %zu encoding characters (4, or 5 with the truncation "
                         "character)", k);
    for (i = 0; i < k; i++) {
        if (bad_delimiter(d[i]) || d[i] == s[3])
            return pbsc_fail(diag, PBSC_E_PARSE, "MSH-2", NAN,
                             "MSH-2: encoding character %zu is not a delimiter", i + 1);
        for (j = 0; j < i; j++)
            if (d[j] == d[i])
                return pbsc_fail(diag, PBSC_E_PARSE, "MSH-2", NAN,
                                 "MSH-2: encoding character %zu repeats character %zu", i + 1,
                                 j + 1);
    }
    m->enc.field = s[3];
    m->enc.comp = d[0];
    m->enc.rep = d[1];
    m->enc.esc = d[2];
    m->enc.sub = d[3];
    m->enc.trunc = k == 5 ? d[4] : '\0';
    return PBSC_OK;
}

/* The segment's first HL7_FIELDS pieces at the field separator. */
static void
cut(const hl7_msg *m, hl7_seg *seg)
{
    const char *p = seg->s.s, *end = p + seg->s.n;
    size_t k = 0;

    while (k < HL7_FIELDS) {
        const char *q = p;
        while (q < end && *q != m->enc.field)
            q++;
        seg->field[k].s = p;
        seg->field[k].n = (size_t)(q - p);
        k++;
        if (q == end)
            break;
        p = q + 1;
    }
    seg->nfields = k;
}

int
hl7_next(const hl7_msg *m, size_t *at, long *number, hl7_seg *seg)
{
    const char *s = m->text.s;
    size_t n = m->text.n, i = *at, start, k;

    while (i < n && (s[i] == CR || s[i] == LF))
        i++;
    if (i >= n) {
        *at = n;
        return 0;
    }
    start = i;
    while (i < n && s[i] != CR && s[i] != LF)
        i++;
    seg->s.s = s + start;
    seg->s.n = i - start;
    seg->number = ++*number;
    cut(m, seg);
    for (k = 0; k < 3 && k < seg->s.n && seg->s.s[k] != m->enc.field; k++)
        seg->id[k] = seg->s.s[k];
    seg->id[k] = '\0';
    *at = i;
    return 1;
}

/* The piece `index` (0-based) of v cut at `sep`. */
static hl7_span
piece(hl7_span v, char sep, int index)
{
    hl7_span out = {v.s, 0};
    size_t i = 0;

    while (index > 0) {
        const char *at = memchr(v.s + i, sep, v.n - i);
        if (at == NULL)
            return out;
        i = (size_t)(at - v.s) + 1;
        index--;
    }
    out.s = v.s + i;
    out.n = v.n - i;
    {
        const char *at = out.n > 0 ? memchr(out.s, sep, out.n) : NULL;
        if (at != NULL)
            out.n = (size_t)(at - out.s);
    }
    return out;
}

hl7_span
hl7_field(const hl7_msg *m, const hl7_seg *seg, int n)
{
    static const char one[] = "|";
    hl7_span out;

    if (strcmp(seg->id, "MSH") == 0) {
        if (n == 1) { /* the separator itself */
            out.s = seg->s.n > 3 ? seg->s.s + 3 : one;
            out.n = 1;
            return out;
        }
        n--; /* MSH-2 is the first piece after the separator */
    }
    if (n >= 0 && (size_t)n < seg->nfields)
        return seg->field[n];
    if (n >= 0 && seg->nfields < HL7_FIELDS) { /* the segment has no such field */
        out.s = seg->s.s + seg->s.n;
        out.n = 0;
        return out;
    }
    return piece(seg->s, m->enc.field, n);
}

hl7_span
hl7_rep(const hl7_msg *m, hl7_span field, int r)
{
    return piece(field, m->enc.rep, r);
}

int
hl7_repeats(const hl7_msg *m, hl7_span field)
{
    return field.n > 0 && memchr(field.s, m->enc.rep, field.n) != NULL;
}

hl7_span
hl7_comp(const hl7_msg *m, hl7_span field, int c)
{
    return piece(piece(field, m->enc.rep, 0), m->enc.comp, c - 1);
}

hl7_span
hl7_sub(const hl7_msg *m, hl7_span comp, int s)
{
    return piece(comp, m->enc.sub, s - 1);
}

int
hl7_is(hl7_span v, const char *word)
{
    return strlen(word) == v.n && memcmp(v.s, word, v.n) == 0;
}

static int
hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
}

/* Appends c to out if it fits; counts what was wanted. */
static void
emit(char *out, size_t size, size_t *len, char c)
{
    if (*len + 1 < size)
        out[*len] = c;
    (*len)++;
}

/* The escape sequence `e` (between two escape characters) decoded into out. */
static void
escape(const hl7_enc *enc, hl7_span e, char *out, size_t size, size_t *len)
{
    size_t i;

    if (e.n == 1) {
        char c = e.s[0] == 'F'   ? enc->field
                 : e.s[0] == 'S' ? enc->comp
                 : e.s[0] == 'T' ? enc->sub
                 : e.s[0] == 'R' ? enc->rep
                 : e.s[0] == 'E' ? enc->esc
                 : e.s[0] == 'P' ? enc->trunc
                                 : '\0';
        if (c != '\0') {
            emit(out, size, len, c);
            return;
        }
        if (e.s[0] == 'H' || e.s[0] == 'N') /* highlighting on and off: no text */
            return;
    }
    if (e.n >= 3 && e.s[0] == 'X' && (e.n - 1) % 2 == 0) {
        for (i = 1; i < e.n && hex(e.s[i]) >= 0; i++)
            ;
        if (i == e.n) {
            for (i = 1; i < e.n; i += 2)
                emit(out, size, len, (char)(hex(e.s[i]) * 16 + hex(e.s[i + 1])));
            return;
        }
    }
    emit(out, size, len, enc->esc); /* not one we know: kept as written */
    for (i = 0; i < e.n; i++)
        emit(out, size, len, e.s[i]);
    emit(out, size, len, enc->esc);
}

int
hl7_text(const hl7_msg *m, hl7_span v, char *out, size_t size)
{
    size_t i = 0, len = 0;
    int truncated = 0;

    while (i < v.n) {
        const char *end;
        if (v.s[i] == m->enc.esc &&
            (end = memchr(v.s + i + 1, m->enc.esc, v.n - i - 1)) != NULL) {
            hl7_span e = {v.s + i + 1, (size_t)(end - (v.s + i + 1))};
            escape(&m->enc, e, out, size, &len);
            i = (size_t)(end - v.s) + 1;
            continue;
        }
        if (m->enc.trunc != '\0' && v.s[i] == m->enc.trunc)
            truncated = 1;
        emit(out, size, &len, v.s[i++]);
    }
    if (size > 0)
        out[len < size ? len : size - 1] = '\0';
    return truncated ? HL7_TEXT_TRUNCATED : len >= size ? HL7_TEXT_LONG : HL7_TEXT_OK;
}

/* ---- dates ----------------------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static long
days_from_civil(long y, long mo, long d)
{
    long era, yoe, doy, doe;

    y -= mo <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static long
month_days(long y, long mo)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return mo == 2 && leap ? 29 : days[mo - 1];
}

/* A day number (days since 1970-01-01 plus 1e6, so that 0 is never a date). */
#define DAY_BASE 1000000L

long
hl7_date_number(long v)
{
    long y = v / 10000, mo = v / 100 % 100, d = v % 100;

    if (v < 15000101L || v > 99991231L || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
        return 0;
    return days_from_civil(y, mo, d) + DAY_BASE;
}

long
hl7_date(hl7_span v, int *ok)
{
    long x = 0;
    size_t i;

    *ok = 0;
    if (v.n < 8)
        return 0;
    for (i = 0; i < 8; i++) {
        if (v.s[i] < '0' || v.s[i] > '9')
            return 0;
        x = x * 10 + (v.s[i] - '0');
    }
    for (; i < v.n; i++) /* the time and the zone: digits, '.', '+', '-' only */
        if (!((v.s[i] >= '0' && v.s[i] <= '9') || v.s[i] == '.' || v.s[i] == '+' ||
              v.s[i] == '-'))
            return 0;
    x = hl7_date_number(x);
    *ok = x != 0;
    return x;
}

long
hl7_date_of(long daynum)
{
    /* civil_from_days (Hinnant) */
    long z = daynum - DAY_BASE + 719468, era, doe, yoe, y, doy, mp, d, mo;

    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    mo = mp + (mp < 10 ? 3 : -9);
    y += mo <= 2;
    return y * 10000 + mo * 100 + d;
}
