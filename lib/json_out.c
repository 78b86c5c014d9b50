/* SPDX-License-Identifier: MIT */
/* JSON text for the decision record: bytes, numbers that read back bit-identical, and strings
 * escaped byte by byte (pbsc-record(5), STRINGS and NUMBERS). No allocation, no locale. */
#include "record_private.h"

#include <math.h>
#include <string.h>

void
pbsc_jw_bytes(pbsc_jw *w, const char *s, size_t n)
{
    size_t i;

    if (w->hashing)
        for (i = 0; i < n; i++)
            w->hash = (w->hash ^ (unsigned char)s[i]) * PBSC_FNV_PRIME;
    if (w->buf != NULL && w->len < w->size) {
        size_t room = w->size - w->len;
        memcpy(w->buf + w->len, s, n < room ? n : room);
    }
    w->len += n;
}

void
pbsc_jw_lit(pbsc_jw *w, const char *s)
{
    pbsc_jw_bytes(w, s, strlen(s));
}

/* The decimal digits of v, sign first, into the end of b[24]; returns the first. */
static char *
digits(char b[24], unsigned long long v, int negative)
{
    char *p = b + 24;

    do
        *--p = (char)('0' + (int)(v % 10u));
    while ((v /= 10u) != 0);
    if (negative)
        *--p = '-';
    return p;
}

void
pbsc_jw_long(pbsc_jw *w, long x)
{
    char b[24], *p;
    unsigned long long v = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;

    p = digits(b, v, x < 0);
    pbsc_jw_bytes(w, p, (size_t)(b + 24 - p));
}

void
pbsc_jw_size(pbsc_jw *w, size_t x)
{
    char b[24], *p = digits(b, (unsigned long long)x, 0);

    pbsc_jw_bytes(w, p, (size_t)(b + 24 - p));
}

/*
 * x as m / 10^k with the smallest k in 0..6 for which the division gives x back: 10^k and m
 * (< 2^53) are exact doubles and IEEE division rounds correctly, as strtod does, so the
 * decimal m x 10^-k reads back as x. Most recorded numbers (counts, weights, doses) take this
 * way, which needs neither printf nor strtod; 0 when none fits.
 */
static size_t
short_decimal(char out[32], double x)
{
    static const double p10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    char b[24], *p;
    size_t k, n, len;

    for (k = 0; k < sizeof p10 / sizeof p10[0]; k++) {
        double m = nearbyint(x * p10[k]);
        if (!(fabs(m) < 9007199254740992.0))
            return 0;
        if (m / p10[k] != x)
            continue;
        p = digits(b, (unsigned long long)fabs(m), 0);
        n = (size_t)(b + 24 - p);
        len = 0;
        if (x < 0)
            out[len++] = '-';
        if (k == 0) {
            memcpy(out + len, p, n);
            return len + n;
        }
        if (n <= k) { /* 0.0ddd: leading zeros */
            out[len++] = '0';
            out[len++] = '.';
            memset(out + len, '0', k - n);
            memcpy(out + len + (k - n), p, n);
            return len + k;
        }
        memcpy(out + len, p, n - k);
        out[len + n - k] = '.';
        memcpy(out + len + n - k + 1, p + n - k, k);
        return len + n + 1;
    }
    return 0;
}

void
pbsc_jw_number(pbsc_jw *w, double x)
{
    char b[32];
    size_t n;
    int prec;

    if (isnan(x)) {
        pbsc_jw_lit(w, "null");
        return;
    }
    if (isinf(x)) {
        pbsc_jw_lit(w, x > 0 ? "\"inf\"" : "\"-inf\"");
        return;
    }
    if (x == 0.0) {
        pbsc_jw_lit(w, signbit(x) ? "-0.0" : "0");
        return;
    }
    if ((n = short_decimal(b, x)) > 0) {
        pbsc_jw_bytes(w, b, n);
        return;
    }
    /* the shortest of 15, 16 or 17 significant digits that reads back (17 always do) */
    for (prec = 15; prec < 17; prec++) {
        pbsc_fmt(b, sizeof b, "%.*g", prec, x);
        if (pbsc_strtod(b, NULL) == x)
            break;
    }
    pbsc_fmt(b, sizeof b, "%.*g", prec, x);
    pbsc_jw_lit(w, b);
}

/* The length of the valid UTF-8 sequence at s[0..n), or 0 (RFC 3629, section 4: no overlong
 * forms, no surrogates, nothing above U+10FFFF). */
static size_t
utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xbf;
    size_t len, i;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

int
pbsc_utf8_valid(const char *s, size_t n, size_t *bad)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, len;

    while (i < n) {
        if ((len = utf8_sequence(u + i, n - i)) == 0) {
            if (bad != NULL)
                *bad = i;
            return 0;
        }
        i += len;
    }
    return 1;
}

static const char hexdigit[] = "0123456789abcdef";

void
pbsc_hex64(unsigned long long h, char hex[17])
{
    int i;

    for (i = 15; i >= 0; i--, h >>= 4)
        hex[i] = hexdigit[h & 0xf];
    hex[16] = '\0';
}

/* The escape of a byte that cannot stand for itself in a JSON string, or NULL. */
static const char *
escape(unsigned char c, char b[7])
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\b':
        return "\\b";
    case '\f':
        return "\\f";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        if (c >= 0x20 && c != 0x7f)
            return NULL;
        memcpy(b, "\\u00", 4);
        b[4] = hexdigit[c >> 4];
        b[5] = hexdigit[c & 0xf];
        b[6] = '\0';
        return b;
    }
}

int
pbsc_jw_string(pbsc_jw *w, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run = 0, len;
    int valid = 1;
    char b[7];

    pbsc_jw_bytes(w, "\"", 1);
    while (i < n) {
        const char *e = NULL;
        if ((len = utf8_sequence(u + i, n - i)) == 0) {
            e = "\\ufffd"; /* the replacement character, for a reader of the text */
            len = 1;
            valid = 0;
        } else if (len == 1) {
            e = escape(u[i], b);
        }
        if (e != NULL) {
            pbsc_jw_bytes(w, s + run, i - run);
            pbsc_jw_lit(w, e);
            run = i + len;
        }
        i += len;
    }
    pbsc_jw_bytes(w, s + run, n - run);
    pbsc_jw_bytes(w, "\"", 1);
    return valid;
}

void
pbsc_jw_member(pbsc_jw *w, int first, const char *name, const char *s, size_t n)
{
    size_t i;

    pbsc_jw_lit(w, first ? "\"" : ",\"");
    pbsc_jw_lit(w, name);
    pbsc_jw_lit(w, "\":");
    if (pbsc_jw_string(w, s, n))
        return;
    /* the exact bytes, two lower-case hex digits each: the reader takes these */
    pbsc_jw_lit(w, ",\"");
    pbsc_jw_lit(w, name);
    pbsc_jw_lit(w, "_hex\":\"");
    for (i = 0; i < n; i++) {
        char h[2];
        h[0] = hexdigit[(unsigned char)s[i] >> 4];
        h[1] = hexdigit[(unsigned char)s[i] & 0xf];
        pbsc_jw_bytes(w, h, 2);
    }
    pbsc_jw_lit(w, "\"");
}
