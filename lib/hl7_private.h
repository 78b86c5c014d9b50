/* SPDX-License-Identifier: MIT */
/* Between the HL7 v2 modules (lib/hl7_*.c): the message as its own delimiters cut it, the
 * code map and the UCUM units. Nothing here allocates: spans point into the caller's bytes. */
#ifndef PBSC_HL7_PRIVATE_H
#define PBSC_HL7_PRIVATE_H

#include "pbsc_private.h"

/* A message's delimiters as MSH-1 and MSH-2 declare them; trunc 0 when not declared. */
typedef struct hl7_enc {
    char field, comp, rep, esc, sub, trunc;
} hl7_enc;

/* A piece of the message: a segment, a field, a repetition, a component. */
typedef struct hl7_span {
    const char *s;
    size_t n;
} hl7_span;

/* The message without its MLLP frame. */
typedef struct hl7_msg {
    hl7_span text;
    hl7_enc enc;
} hl7_msg;

/* One segment: its bytes, its number in the message (1 = MSH) and its id; where its first
 * fields start (cut once, so that reading a field does not scan the segment again). */
#define HL7_FIELDS 32
typedef struct hl7_seg {
    hl7_span s;
    long number;
    char id[4];
    size_t nfields;                 /* pieces cut at the field separator, up to HL7_FIELDS */
    hl7_span field[HL7_FIELDS];     /* piece i (the id is piece 0) */
} hl7_seg;

/* Unframes (MLLP 0x0B ... 0x1C 0x0D) and reads MSH-1/MSH-2: PBSC_E_PARSE naming MSH-1 or
 * MSH-2 when the message does not start with a usable MSH. */
int hl7_open(const char *message, size_t length, hl7_msg *m, pbsc_diag *diag);
/* The next segment from *at (CR, LF or CRLF ends one; empty lines are skipped): 1, or 0 at
 * the end. *at and *number advance. */
int hl7_next(const hl7_msg *m, size_t *at, long *number, hl7_seg *seg);
/* Field n of a segment (MSH-1 is the field separator itself, MSH-2 the encoding
 * characters, as the standard numbers them); empty when absent. */
hl7_span hl7_field(const hl7_msg *m, const hl7_seg *seg, int n);
/* Repetition r (0-based) of a field; component c (1-based) of a field's first repetition
 * (or of a repetition); subcomponent s (1-based) of a component. */
hl7_span hl7_rep(const hl7_msg *m, hl7_span field, int r);
hl7_span hl7_comp(const hl7_msg *m, hl7_span field, int c);
hl7_span hl7_sub(const hl7_msg *m, hl7_span comp, int s);
/* Whether a field has more than one repetition. */
int hl7_repeats(const hl7_msg *m, hl7_span field);
/* The span's text with its escapes decoded (\F\ \S\ \T\ \R\ \E\ \P\ \Xhh..\; \H\ and \N\
 * dropped; others kept as written), NUL-terminated in out. HL7_TEXT_LONG when it does not fit
 * (out holds what fits), HL7_TEXT_TRUNCATED when the value holds the truncation character
 * (it was cut by its sender), HL7_TEXT_OK otherwise. */
enum { HL7_TEXT_OK = 0, HL7_TEXT_LONG = 1, HL7_TEXT_TRUNCATED = 2 };
int hl7_text(const hl7_msg *m, hl7_span v, char *out, size_t size);
/* A span equal to a word (after decoding none: for ids and codes without escapes). */
int hl7_is(hl7_span v, const char *word);
/* The day number of a DTM date (YYYYMMDD at least; the time and zone are not read), or 0
 * with *ok 0 when it is not a date. A day number is days since 1970-01-01 plus 1e6. */
long hl7_date(hl7_span v, int *ok);
/* The day number of YYYYMMDD given as a number, or 0 when it is not a date. */
long hl7_date_number(long yyyymmdd);
/* The YYYYMMDD of a day number. */
long hl7_date_of(long daynum);

/* ---- the code map and the units (lib/hl7_codes.c) ------------------------------------ */

/* What a result code measures: a course measure, or the person's weight. */
enum hl7_measure {
    HL7_M_CD34,
    HL7_M_WBC,
    HL7_M_PLT,
    HL7_M_HCT,
    HL7_M_WEIGHT,
    HL7_M_PROCESSED,
    HL7_M_COLLECTED,
    HL7_M_PLERIXAFOR,
    HL7_M_MOTIXAFORTIDE,
    HL7_M_COUNT
};

/* A code's row: the measure, the unit its results come in when OBX-6 is empty (-1: OBX-6 is
 * required), and whether the specimen must be blood (74838-4). */
typedef struct hl7_code {
    char code[32];
    char system[24];
    int measure;
    int unit;
    int blood;
} hl7_code;

/* The row of code/system in the site map (first) or the defaults, or NULL. */
const hl7_code *hl7_code_find(const pbsc_codes *codes, const char *code, const char *system);
/* The unit of a measure written `ucum` (an index for hl7_unit_factor), or -1. */
int hl7_unit_find(int measure, const char *ucum);
/* The factor from a unit (hl7_unit_find) to the measure's canonical unit; its UCUM text. */
double hl7_unit_factor(int unit);
const char *hl7_unit_name(int unit);
/* The course quantity of a measure (PBSC_Q_WEIGHT_KG for the weight) and its name. */
pbsc_quantity hl7_measure_quantity(int measure);
const char *hl7_measure_name(int measure);
/* Whether a specimen code is blood (HL7 tables 0070 and 0487, SNOMED CT). */
int hl7_blood(const char *specimen);

/* ---- the reader (lib/hl7_read.c, lib/hl7_result.c) ------------------------------------ */

struct reader { /* one pbsc_hl7_read() call */
    const hl7_msg *m;
    pbsc_hl7_options o;
    long day1;           /* a day number (hl7_date) */
    pbsc_course *course; /* NULL: the message is only read */
    int apply;           /* this pass sets the course */
    int count;           /* this pass fills the counts of info */
    pbsc_hl7_info *info;
    pbsc_diag *diag;
    const hl7_seg *seg;  /* the segment being read */
    hl7_span obr_date;   /* OBR-7 of the current order */
    char specimen[32];   /* SPM-4, else OBR-15, of the current order */
};

/* Refuses the message: "[message M, ]segment S FIELD: text", diag->line the segment. */
int hl7_fail(const struct reader *r, int status, const char *field, long day, double value,
             const char *fmt, ...) PBSC_PRINTF(6, 7);
/* A decoded value that must be whole: PBSC_E_PARSE when too long or cut by its sender. */
int hl7_value_text(const struct reader *r, hl7_span v, const char *field, char *buf,
                   size_t size);
/* The current OBX's row in the map, or NULL with why; its day (OBX-14, else OBR-7); its value
 * as a number (NM, or SN without a comparator); its unit (OBX-6, else the map's); its status
 * ('u' use, 'p' preliminary, 'w' withdraw, 's' skip). Each refuses with hl7_fail(). */
const hl7_code *hl7_lookup(const struct reader *r, char *why, size_t size);
int hl7_result_day(const struct reader *r, long *day);
int hl7_result_value(const struct reader *r, double *x);
int hl7_result_unit(const struct reader *r, const hl7_code *row, int *unit);
int hl7_result_status(const struct reader *r, char *what);

#endif /* PBSC_HL7_PRIVATE_H */
