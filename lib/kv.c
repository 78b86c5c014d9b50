/* SPDX-License-Identifier: MIT */
/* The `key = value` text shared by policy files and model files: lines, numbers, files. */
#include "pbsc_private.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
pbsc_kv_copy(char *buf, size_t size, const char *s, size_t n)
{
    if (n >= size)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return 1;
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* One line [s, s+n): blank and '#' comments skipped, else split at the first '='. */
static int
kv_line(const char *s, size_t n, pbsc_kv_fn fn, void *ctx, pbsc_diag *diag)
{
    const char *eq, *k = s, *v;
    size_t kn, vn;

    while (n > 0 && is_space(*k))
        k++, n--;
    while (n > 0 && is_space(k[n - 1]))
        n--;
    if (n == 0 || *k == '#')
        return PBSC_OK;
    if (memchr(k, '\0', n) != NULL)
        return pbsc_fail(diag, PBSC_E_PARSE, "", NAN, "a NUL byte in the line");
    /* a CR ends a line (CRLF) or nothing: one inside a line would hide in a value */
    if (memchr(k, '\r', n) != NULL)
        return pbsc_fail(diag, PBSC_E_PARSE, "", NAN, "a carriage return inside the line");
    eq = memchr(k, '=', n);
    if (eq == NULL)
        return pbsc_fail(diag, PBSC_E_PARSE, "", NAN, "expected 'key = value'");
    for (kn = (size_t)(eq - k); kn > 0 && is_space(k[kn - 1]); kn--)
        ;
    for (v = eq + 1, vn = n - (size_t)(v - k); vn > 0 && is_space(*v); v++, vn--)
        ;
    if (kn == 0)
        return pbsc_fail(diag, PBSC_E_PARSE, "", NAN, "no key before '='");
    return fn(ctx, k, kn, v, vn, diag);
}

int
pbsc_kv_parse(const char *text, size_t length, pbsc_kv_fn fn, void *ctx, long *lines,
              pbsc_diag *diag)
{
    size_t at = 0;
    long line = 0;
    int rc = PBSC_OK;

    while (rc == PBSC_OK && at < length) {
        const char *nl = memchr(text + at, '\n', length - at);
        size_t n = nl != NULL ? (size_t)(nl - (text + at)) : length - at;

        line++;
        rc = kv_line(text + at, n, fn, ctx, diag);
        at += n + (nl != NULL);
    }
    if (rc != PBSC_OK && diag != NULL)
        diag->line = line;
    *lines = line;
    return rc;
}

int
pbsc_kv_number(const char *v, size_t n, double *out)
{
    char buf[64], *end;
    double x;

    if (!pbsc_kv_copy(buf, sizeof buf, v, n))
        return 0;
    errno = 0;
    x = pbsc_strtod(buf, &end);
    /* plain decimals only: no hex, no nan or inf words, no trailing text; ERANGE is refused
     * for overflow and for an underflow to 0, kept for a denormal (it is what was written) */
    if (end == buf || *end != '\0' || !isfinite(x) || (errno == ERANGE && x == 0.0) ||
        strpbrk(buf, "nNiIxX") != NULL)
        return 0;
    *out = x;
    return 1;
}

/* Text files the library reads are small: a larger file is a wrong path. */
#define MAX_TEXT_BYTES (1024 * 1024)

int
pbsc_kv_read_file(const char *path, char **text, size_t *length, pbsc_diag *diag)
{
    FILE *fp;
    char *buf;
    size_t n;
    int rc = PBSC_OK;

    fp = fopen(path, "rb");
    if (fp == NULL) /* fopen allocates: its ENOMEM is ours */
        return pbsc_fail(diag, errno == ENOMEM ? PBSC_E_NOMEM : PBSC_E_IO, "path", NAN,
                         "%.60s: %s", path, strerror(errno));
    buf = pbsc_alloc(MAX_TEXT_BYTES + 1);
    if (buf == NULL) {
        fclose(fp);
        return pbsc_fail(diag, PBSC_E_NOMEM, "path", NAN, "out of memory");
    }
    n = fread(buf, 1, MAX_TEXT_BYTES + 1, fp);
    if (ferror(fp))
        rc = pbsc_fail(diag, PBSC_E_IO, "path", NAN, "%.60s: read error", path);
    else if (n > MAX_TEXT_BYTES)
        rc = pbsc_fail(diag, PBSC_E_RANGE, "path", NAN, "%.60s: larger than %d bytes", path,
                       MAX_TEXT_BYTES);
    fclose(fp);
    if (rc != PBSC_OK) {
        pbsc_dealloc(buf);
        return rc;
    }
    *text = buf;
    *length = n;
    return PBSC_OK;
}

/* FNV-1a 64 (Fowler-Noll-Vo): offset basis and prime of the 64-bit variant. */
#define FNV_BASIS 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

void
pbsc_put(pbsc_out *o, const char *fmt, ...)
{
    int room = o->buf != NULL && o->len < o->size;
    char chunk[512];
    va_list ap;
    int n, i;

    va_start(ap, fmt);
    if (o->hashing) { /* a hash of the text, with no buffer for it */
        n = pbsc_vfmt(chunk, sizeof chunk, fmt, ap);
        for (i = 0; i < n && i < (int)sizeof chunk - 1; i++)
            o->hash = (o->hash ^ (unsigned char)chunk[i]) * FNV_PRIME;
    } else {
        n = pbsc_vfmt(room ? o->buf + o->len : NULL, room ? o->size - o->len : 0, fmt, ap);
    }
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

void
pbsc_hash_text(void (*write)(const void *obj, pbsc_out *o), const void *obj, char hex[17])
{
    pbsc_out o = {NULL, 0, 0, 1, FNV_BASIS};

    write(obj, &o);
    pbsc_fmt(hex, 17, "%016llx", o.hash);
}

/* The shortest of 15, 16 or 17 significant digits that reads back as the same double
 * (15 suffice for every number a person would write; 17 always round-trip). */
void
pbsc_put_number(pbsc_out *o, double x)
{
    char b[32];
    int prec;

    for (prec = 15; prec < 17; prec++) {
        pbsc_fmt(b, sizeof b, "%.*g", prec, x);
        if (pbsc_strtod(b, NULL) == x)
            break;
    }
    pbsc_put(o, "%.*g", prec, x);
}

int
pbsc_format(void (*write)(const void *obj, pbsc_out *o), const void *obj, char *buffer,
            size_t size, size_t *needed)
{
    pbsc_out o = {NULL, 0, 0, 0, 0};

    if (obj == NULL || (buffer == NULL && size > 0))
        return PBSC_E_INVAL;
    write(obj, &o); /* measure */
    if (needed != NULL)
        *needed = o.len + 1;
    if (buffer == NULL)
        return PBSC_OK;
    if (size < o.len + 1)
        return PBSC_E_RANGE;
    o.buf = buffer;
    o.size = size;
    o.len = 0;
    write(obj, &o);
    return PBSC_OK;
}
