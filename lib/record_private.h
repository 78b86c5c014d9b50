/* SPDX-License-Identifier: MIT */
/* The decision record (pbsc-record(5)) between its writer (lib/record.c, lib/json_out.c), its
 * reader (lib/record_read.c) and its replay (lib/record_replay.c): the member tables. */
#ifndef PBSC_RECORD_PRIVATE_H
#define PBSC_RECORD_PRIVATE_H

#include "pbsc_private.h"

#include <stddef.h>

#define PBSC_RECORD_FORMAT "pbsc-record"
#define PBSC_RECORD_VERSION 1

/* The 1.0 layout of pbsc_decision ends with ce_sigma (as lib/decide.c). */
#define PBSC_DECISION_MIN (offsetof(pbsc_decision, ce_sigma) + sizeof(double))

/* ---- the JSON writer (lib/json_out.c) ------------------------------------------------ */

/* Like pbsc_out: buf NULL measures; `hashing` folds every byte written into `hash` too. */
typedef struct pbsc_jw {
    char *buf;
    size_t size, len;
    int hashing;
    unsigned long long hash; /* FNV-1a 64 */
} pbsc_jw;

#define PBSC_FNV_BASIS 0xcbf29ce484222325ULL
#define PBSC_FNV_PRIME 0x100000001b3ULL

void pbsc_jw_bytes(pbsc_jw *w, const char *s, size_t n);
void pbsc_jw_lit(pbsc_jw *w, const char *s); /* a NUL-terminated literal, unescaped */
void pbsc_jw_long(pbsc_jw *w, long x);
void pbsc_jw_size(pbsc_jw *w, size_t x);
/* A double that reads back bit-identical: null for NaN, "inf"/"-inf" strings for the
 * infinities, "-0.0" for negative zero, else the shortest decimal found (pbsc-record(5)). */
void pbsc_jw_number(pbsc_jw *w, double x);
/* A JSON string of the bytes [s, s+n); 1 when they are valid UTF-8, 0 when an invalid byte was
 * written as U+FFFD (the member then needs its "_hex" twin). */
int pbsc_jw_string(pbsc_jw *w, const char *s, size_t n);
/* `"name":"..."`, then `,"name_hex":"..."` when the bytes are not valid UTF-8; first is 1 for
 * an object's first member. */
void pbsc_jw_member(pbsc_jw *w, int first, const char *name, const char *s, size_t n);
/* h as 16 lower-case hex digits (what "%016llx" writes, without printf). */
void pbsc_hex64(unsigned long long h, char hex[17]);
/* 1 when [s, s+n) is valid UTF-8 (RFC 3629); *bad the offset of the first invalid byte. */
int pbsc_utf8_valid(const char *s, size_t n, size_t *bad);

/* ---- the member tables (lib/record_fields.c) ------------------------------------ */

enum pbsc_rkind {
    R_LONG,   /* long */
    R_SIZE,   /* size_t */
    R_INT,    /* int */
    R_BOOL,   /* int, written true / false */
    R_DOUBLE, /* double, NaN = null */
    R_STR,    /* char[size] */
    R_ENUM,   /* an enum (int), written by name */
    R_WARN,   /* unsigned PBSC_W_* bits: {"bits": n, "names": [...]} */
    R_OPEN,   /* a nested object begins (a pbsc_dose, a pbsc_projection) */
    R_CLOSE   /* ... and ends */
};

typedef struct pbsc_rfield {
    const char *name;
    enum pbsc_rkind kind;
    size_t offset, size;
    const char *(*enum_name)(int value); /* R_ENUM: NULL past the last value */
} pbsc_rfield;

extern const pbsc_rfield pbsc_rec_decision[];
extern const size_t pbsc_rec_decision_n;
extern const pbsc_rfield pbsc_rec_person[];
extern const size_t pbsc_rec_person_n;
extern const pbsc_rfield pbsc_rec_row[];
extern const size_t pbsc_rec_row_n;

/* The name of an enum value in the record; "regimen" names too. NULL when out of range. */
const char *pbsc_rec_regimen_name(int value);

/* The members of a table from obj (pbsc_jw_member and numbers), without the braces
 * (lib/record.c). */
void pbsc_rec_put_fields(pbsc_jw *w, const pbsc_rfield *f, size_t n, const void *obj);
/* The hashes of the inputs as written: a row, and the course's head (regimen, goal, minimum,
 * person): FNV-1a 64 of the bytes from the object's '{' up to the ',' before "hash". */
void pbsc_rec_row_hash(const pbsc_row *row, char hex[17]);
void pbsc_rec_course_hash(const pbsc_course *course, char hex[17]);

/* ---- the reader (lib/record_read.c) ------------------------------------------------- */

/* A record read back: the objects the decision is made from again (owned), the recorded
 * decision, and the first input whose hash says it changed after the record was written. */
typedef struct pbsc_rec_loaded {
    pbsc_course *course;
    pbsc_policy *policy;
    pbsc_model *model;
    pbsc_decision decision;
    char library[32];   /* the version that wrote it */
    char input[32];     /* "" when no input changed */
    long day;           /* the changed row's day, else -1 */
    char why[160];      /* what says it changed */
} pbsc_rec_loaded;

int pbsc_rec_load(const char *text, size_t length, pbsc_rec_loaded *out, pbsc_diag *diag);
void pbsc_rec_unload(pbsc_rec_loaded *r);

#endif /* PBSC_RECORD_PRIVATE_H */
