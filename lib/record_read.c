/* SPDX-License-Identifier: MIT */
/* Reading a decision record (pbsc-record(5)) back with jansson: members by the tables of
 * lib/record.c, strings with their "_hex" twins, numbers with null for NaN. */
#include "record_read.h"

#include <string.h>

static int
at_day(const struct rd *r, int rc)
{
    if (r->diag != NULL && r->day >= 0)
        r->diag->day = r->day;
    return rc;
}

int
pbsc_rd_fail(const struct rd *r, int status, const char *name, const char *what)
{
    pbsc_fail(r->diag, status, name, NAN, "%s%s%s: %s", r->where, r->where[0] ? "." : "", name,
              what);
    return at_day(r, status);
}

int
pbsc_rd_number(const struct rd *r, json_t *obj, const char *name, double *out)
{
    json_t *v = json_object_get(obj, name);
    const char *s;

    if (v == NULL || json_is_null(v)) {
        *out = NAN;
        return PBSC_OK;
    }
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return PBSC_OK;
    }
    s = json_is_string(v) ? json_string_value(v) : "";
    if (strcmp(s, "inf") == 0 || strcmp(s, "-inf") == 0) {
        *out = s[0] == '-' ? -(double)INFINITY : (double)INFINITY;
        return PBSC_OK;
    }
    return pbsc_rd_fail(r, PBSC_E_PARSE, name, "not a number or null");
}

int
pbsc_rd_integer(const struct rd *r, json_t *obj, const char *name, long lo, long hi, long *out)
{
    json_t *v = json_object_get(obj, name);
    json_int_t x;

    if (v == NULL)
        return pbsc_rd_fail(r, PBSC_E_MISSING, name, "missing");
    if (!json_is_integer(v))
        return pbsc_rd_fail(r, PBSC_E_PARSE, name, "not an integer");
    x = json_integer_value(v);
    if (x < lo || x > hi)
        return pbsc_rd_fail(r, PBSC_E_RANGE, name, "out of range");
    *out = (long)x;
    return PBSC_OK;
}

int
pbsc_rd_bool(const struct rd *r, json_t *obj, const char *name, int *out)
{
    json_t *v = json_object_get(obj, name);

    if (v == NULL)
        return pbsc_rd_fail(r, PBSC_E_MISSING, name, "missing");
    if (!json_is_boolean(v))
        return pbsc_rd_fail(r, PBSC_E_PARSE, name, "not true or false");
    *out = json_is_true(v);
    return PBSC_OK;
}

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The bytes of a "_hex" twin into an allocation. */
static int
from_hex(const struct rd *r, const char *name, json_t *v, char **owned, size_t *n)
{
    const char *h = json_is_string(v) ? json_string_value(v) : NULL;
    size_t len = h != NULL ? json_string_length(v) : 0, i;
    char *b;

    if (h == NULL || len % 2 != 0)
        return pbsc_rd_fail(r, PBSC_E_PARSE, name, "_hex: not an even number of hex digits");
    if ((b = pbsc_alloc(len / 2 + 1)) == NULL)
        return pbsc_rd_fail(r, PBSC_E_NOMEM, name, "out of memory");
    for (i = 0; i < len; i += 2) {
        int hi = hex_value(h[i]), lo = hex_value(h[i + 1]);
        if (hi < 0 || lo < 0) {
            pbsc_dealloc(b);
            return pbsc_rd_fail(r, PBSC_E_PARSE, name, "_hex: not lower-case hex digits");
        }
        b[i / 2] = (char)(hi * 16 + lo);
    }
    b[len / 2] = '\0';
    *owned = b;
    *n = len / 2;
    return PBSC_OK;
}

int
pbsc_rd_bytes(const struct rd *r, json_t *obj, const char *name, const char **s, size_t *n,
              char **owned)
{
    json_t *v = json_object_get(obj, name), *twin;
    char twin_name[48];
    size_t len = strlen(name);
    int rc;

    *owned = NULL;
    if (v == NULL)
        return pbsc_rd_fail(r, PBSC_E_MISSING, name, "missing");
    if (!json_is_string(v))
        return pbsc_rd_fail(r, PBSC_E_PARSE, name, "not a string");
    if (len + 5 > sizeof twin_name)
        return pbsc_rd_fail(r, PBSC_E_RANGE, name, "name too long");
    memcpy(twin_name, name, len);
    memcpy(twin_name + len, "_hex", 5);
    if ((twin = json_object_get(obj, twin_name)) != NULL) {
        if ((rc = from_hex(r, name, twin, owned, n)) != PBSC_OK)
            return rc;
        *s = *owned;
    } else {
        *s = json_string_value(v);
        *n = json_string_length(v);
    }
    return PBSC_OK;
}

int
pbsc_rd_string(const struct rd *r, json_t *obj, const char *name, char *buf, size_t size)
{
    const char *s;
    char *owned;
    size_t n;
    int rc;

    if ((rc = pbsc_rd_bytes(r, obj, name, &s, &n, &owned)) != PBSC_OK)
        return rc;
    if (n >= size || memchr(s, '\0', n) != NULL)
        rc = pbsc_rd_fail(r, n >= size ? PBSC_E_RANGE : PBSC_E_PARSE, name,
                          n >= size ? "too long" : "a NUL byte");
    else
        memcpy(buf, s, n), buf[n] = '\0';
    pbsc_dealloc(owned);
    return rc;
}

int
pbsc_rd_enum(const struct rd *r, json_t *obj, const char *name, const char *(*fn)(int),
             int *out)
{
    json_t *v = json_object_get(obj, name);
    const char *s;
    int i;

    if (v == NULL)
        return pbsc_rd_fail(r, PBSC_E_MISSING, name, "missing");
    if (!json_is_string(v))
        return pbsc_rd_fail(r, PBSC_E_PARSE, name, "not a string");
    s = json_string_value(v);
    for (i = 0; fn(i) != NULL; i++)
        if (strcmp(fn(i), s) == 0) {
            *out = i;
            return PBSC_OK;
        }
    return pbsc_rd_fail(r, PBSC_E_UNKNOWN, name, "not a known name");
}

/* ---- members by table ------------------------------------------------------------------ */

/* The end of the level that starts at i (the index of its R_CLOSE, or n). */
static size_t
level_end(const pbsc_rfield *f, size_t i, size_t n)
{
    int depth = 0;

    for (; i < n; i++) {
        if (f[i].kind == R_OPEN)
            depth++;
        else if (f[i].kind == R_CLOSE && depth-- == 0)
            return i;
    }
    return n;
}

static const char *
leaf(const char *name)
{
    const char *dot = strrchr(name, '.');

    return dot != NULL ? dot + 1 : name;
}

/* A member of obj that is no entry of f[i0, i1) at this level, nor a string's "_hex" twin. */
static const char *
unknown_member(json_t *obj, const pbsc_rfield *f, size_t i0, size_t i1, const char *const *extra)
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v) {
        size_t i, k = strlen(key);
        int ok = 0;
        for (i = i0; i < i1 && !ok; i++) {
            const char *l = leaf(f[i].name);
            size_t m = strlen(l);
            ok = strcmp(l, key) == 0 || (f[i].kind == R_STR && k == m + 4 &&
                                         strncmp(key, l, m) == 0 && strcmp(key + m, "_hex") == 0);
            if (f[i].kind == R_OPEN)
                i = level_end(f, i + 1, i1);
        }
        for (i = 0; extra != NULL && extra[i] != NULL && !ok; i++)
            ok = strcmp(extra[i], key) == 0;
        if (!ok)
            return key;
        (void)v;
    }
    return NULL;
}

static int
read_warnings(const struct rd *r, json_t *obj, const char *name, unsigned *out)
{
    json_t *w = json_object_get(obj, name), *names;
    struct rd in = *r;
    const char *bad;
    long bits;
    int rc;

    if (!json_is_object(w))
        return pbsc_rd_fail(r, w == NULL ? PBSC_E_MISSING : PBSC_E_PARSE, name,
                            "not a {bits, names} object");
    in.where = name;
    names = json_object_get(w, "names");
    if ((bad = unknown_member(w, NULL, 0, 0, (const char *const[]){"bits", "names", NULL})))
        return pbsc_rd_fail(&in, PBSC_E_UNKNOWN, bad, "not a member of pbsc-record(5)");
    if ((rc = pbsc_rd_integer(&in, w, "bits", 0, 0xffffffffL, &bits)) != PBSC_OK)
        return rc;
    if (!json_is_array(names))
        return pbsc_rd_fail(&in, PBSC_E_PARSE, "names", "not an array");
    *out = (unsigned)bits;
    return PBSC_OK;
}

static int read_level(const struct rd *r, json_t *obj, const pbsc_rfield *f, size_t i0,
                      size_t i1, const char *const *extra, void *base);

static int
read_field(const struct rd *r, json_t *obj, const pbsc_rfield *f, size_t i, size_t n, void *base)
{
    const char *name = leaf(f[i].name);
    char *at = (char *)base + f[i].offset;
    long x;
    int rc = PBSC_OK, e;

    switch (f[i].kind) {
    case R_LONG:
        if ((rc = pbsc_rd_integer(r, obj, name, -2147483647L, 2147483647L, &x)) == PBSC_OK)
            *(long *)(void *)at = x;
        return rc;
    case R_SIZE:
    case R_INT:
        if ((rc = pbsc_rd_integer(r, obj, name, 0, 2147483647L, &x)) == PBSC_OK) {
            if (f[i].kind == R_SIZE)
                *(size_t *)(void *)at = (size_t)x;
            else
                *(int *)(void *)at = (int)x;
        }
        return rc;
    case R_BOOL:
        return pbsc_rd_bool(r, obj, name, (int *)(void *)at);
    case R_DOUBLE:
        return pbsc_rd_number(r, obj, name, (double *)(void *)at);
    case R_STR:
        return pbsc_rd_string(r, obj, name, at, f[i].size);
    case R_ENUM:
        if ((rc = pbsc_rd_enum(r, obj, name, f[i].enum_name, &e)) == PBSC_OK)
            memcpy(at, &e, sizeof e);
        return rc;
    case R_WARN:
        return read_warnings(r, obj, name, (unsigned *)(void *)at);
    case R_OPEN: {
        json_t *sub = json_object_get(obj, name);
        struct rd in = *r;
        if (!json_is_object(sub))
            return pbsc_rd_fail(r, sub == NULL ? PBSC_E_MISSING : PBSC_E_PARSE, name,
                                "not an object");
        in.where = name;
        return read_level(&in, sub, f, i + 1, level_end(f, i + 1, n), NULL, base);
    }
    case R_CLOSE:
    default:
        return PBSC_OK;
    }
}

/* Whether obj has the member, and its "_hex" twin for a string: how many of obj's members
 * the entry accounts for. */
static size_t
present(json_t *obj, const pbsc_rfield *f)
{
    const char *name = leaf(f->name);
    char twin[48];
    size_t n = strlen(name);

    if (json_object_get(obj, name) == NULL)
        return 0;
    if (f->kind != R_STR || n + 5 > sizeof twin)
        return 1;
    memcpy(twin, name, n);
    memcpy(twin + n, "_hex", 5);
    return 1 + (json_object_get(obj, twin) != NULL);
}

/* The members f[i0, i1) of obj into base; a member not in the table is refused (found by
 * counting: the slow search only runs on a record that has one). */
static int
read_level(const struct rd *r, json_t *obj, const pbsc_rfield *f, size_t i0, size_t i1,
           const char *const *extra, void *base)
{
    const char *bad;
    size_t i, seen = 0;
    int rc;

    for (i = i0; i < i1; i++) {
        seen += present(obj, &f[i]);
        if ((rc = read_field(r, obj, f, i, i1, base)) != PBSC_OK)
            return rc;
        if (f[i].kind == R_OPEN)
            i = level_end(f, i + 1, i1);
    }
    for (i = 0; extra != NULL && extra[i] != NULL; i++)
        seen += json_object_get(obj, extra[i]) != NULL;
    if (seen != json_object_size(obj) && (bad = unknown_member(obj, f, i0, i1, extra)) != NULL)
        return pbsc_rd_fail(r, PBSC_E_UNKNOWN, bad, "not a member of pbsc-record(5)");
    return PBSC_OK;
}

int
pbsc_rd_fields(const struct rd *r, json_t *obj, const pbsc_rfield *f, size_t n,
               const char *const *extra, void *base)
{
    return read_level(r, obj, f, 0, n, extra, base);
}

const char *
pbsc_rd_unknown(json_t *obj, const char *const *names)
{
    return unknown_member(obj, NULL, 0, 0, names);
}
