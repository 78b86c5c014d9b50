/* SPDX-License-Identifier: MIT */
/* The record reader's member getters (lib/record_read.c), for the loader (lib/record_load.c).
 * Each fails with a diagnostic naming the member, its object ("course.days[3]") and the row's
 * day. */
#ifndef PBSC_RECORD_READ_H
#define PBSC_RECORD_READ_H

#include <jansson.h>

#include "record_private.h"

struct rd {
    pbsc_diag *diag;
    const char *where; /* the object: "decision", "course.days[3]"; "" at the top */
    long day;          /* the row's day, or -1 */
};

int pbsc_rd_fail(const struct rd *r, int status, const char *name, const char *what);
/* null or absent: NAN; "inf" and "-inf": the infinities */
int pbsc_rd_number(const struct rd *r, json_t *obj, const char *name, double *out);
int pbsc_rd_integer(const struct rd *r, json_t *obj, const char *name, long lo, long hi,
                    long *out);
int pbsc_rd_bool(const struct rd *r, json_t *obj, const char *name, int *out);
/* A string's bytes, from its "_hex" twin when there is one (then in *owned, to free). */
int pbsc_rd_bytes(const struct rd *r, json_t *obj, const char *name, const char **s, size_t *n,
                  char **owned);
int pbsc_rd_string(const struct rd *r, json_t *obj, const char *name, char *buf, size_t size);
int pbsc_rd_enum(const struct rd *r, json_t *obj, const char *name, const char *(*fn)(int),
                 int *out);
/* The members of a table (and the `extra` names, NULL-terminated, or NULL), no others. */
int pbsc_rd_fields(const struct rd *r, json_t *obj, const pbsc_rfield *f, size_t n,
                   const char *const *extra, void *base);
/* The first member of obj not in names (NULL-terminated), or NULL. */
const char *pbsc_rd_unknown(json_t *obj, const char *const *names);

#endif /* PBSC_RECORD_READ_H */
