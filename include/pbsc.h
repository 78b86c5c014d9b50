/* SPDX-License-Identifier: MIT */
/* libpbsc public API: PBSC mobilization decision support and apheresis yield projection. */
#ifndef PBSC_H
#define PBSC_H

#include <stddef.h>

#include <pbsc_version.h>

#if defined(_WIN32) && !defined(__GNUC__)
#define PBSC_API
#elif defined(__GNUC__) && __GNUC__ >= 4
#define PBSC_API __attribute__((visibility("default")))
#else
#define PBSC_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Conventions (pbsc(3) has the whole story):
 * - canonical units: PB CD34 cells/uL, WBC and platelets x10^9/L, weight kg, height cm,
 *   volumes L, doses and yields x10^6 CD34+ per kg of the recipient, CE a fraction;
 * - NAN means "not measured"; a required value that is NAN is PBSC_E_MISSING;
 * - every fallible function returns PBSC_OK (0) or a positive pbsc_status, writes its
 *   outputs only on success, and fills the optional diagnostic on failure.
 */

/* ---- status ------------------------------------------------------------------------ */

/* Stable codes: values are never renumbered, new codes are only appended. */
typedef enum pbsc_status {
    PBSC_OK = 0,
    PBSC_E_INVAL = 1,       /* NULL pointer or meaningless argument (enum out of range) */
    PBSC_E_MISSING = 2,     /* a required value is NAN ("not measured") */
    PBSC_E_NOTFINITE = 3,   /* an infinite value */
    PBSC_E_NEGATIVE = 4,    /* a negative value where only >= 0 makes sense */
    PBSC_E_RANGE = 5,       /* outside the documented plausible range */
    PBSC_E_UNKNOWN = 6,     /* no preset of that name */
    PBSC_E_UNREACHABLE = 7, /* the dose cannot be reached (PB CD34 of 0, cap too small) */
    PBSC_E_NOMEM = 8,       /* memory allocation failed */
    PBSC_E_CONFLICT = 9     /* two inputs contradict each other (volume and TBV multiple) */
} pbsc_status;

/* Diagnostic filled by a failing call (if the caller passes one). Frozen layout. */
typedef struct pbsc_diag {
    int status;     /* the code the call returned */
    char field[32]; /* the offending input, e.g. "cd34" or "weight_kg"; "" if none */
    long day;       /* the day of the course it concerns, or -1 */
    long line;      /* the line of an input file, or -1 */
    double value;   /* the offending value, or NAN */
    char text[160]; /* one sentence for a human */
} pbsc_diag;

PBSC_API const char *pbsc_strerror(int status);
PBSC_API void pbsc_diag_clear(pbsc_diag *diag);

/* ---- version ----------------------------------------------------------------------- */

PBSC_API const char *pbsc_version_string(void);
PBSC_API unsigned long pbsc_version_number(void);

/* ---- units and plausibility -------------------------------------------------------- */

/* Quantities with a documented plausible range (pbsc_range(3) lists them). */
typedef enum pbsc_quantity {
    PBSC_Q_WEIGHT_KG = 0,
    PBSC_Q_HEIGHT_CM,
    PBSC_Q_CD34_UL,
    PBSC_Q_CD34_PERCENT,
    PBSC_Q_WBC,
    PBSC_Q_PLT,
    PBSC_Q_VOLUME_L,
    PBSC_Q_TBV_MULTIPLE,
    PBSC_Q_CE,
    PBSC_Q_CE_SIGMA,
    PBSC_Q_DOSE,
    PBSC_Q_LEVEL,
    PBSC_Q_CD34_EVENTS,
    PBSC_Q_MINUTES,
    PBSC_Q_FLOW_ML_MIN,
    PBSC_Q_COUNT_ /* number of quantities; not a quantity */
} pbsc_quantity;

/* A quantity's plausible range: values outside it are rejected as PBSC_E_RANGE. These are
 * input sanity limits, not clinical thresholds. Frozen layout. */
typedef struct pbsc_limits {
    const char *name; /* "weight_kg" */
    const char *unit; /* "kg" */
    double min;
    double max;
    int min_open; /* 1: min itself is excluded */
    int max_open; /* 1: max itself is excluded */
} pbsc_limits;

PBSC_API int pbsc_range(pbsc_quantity q, const pbsc_limits **limits);
PBSC_API int pbsc_check(pbsc_quantity q, double value, pbsc_diag *diag);

/* Units in which a PB CD34 concentration may arrive. */
typedef enum pbsc_cd34_unit {
    PBSC_CD34_PER_UL = 0, /* cells/uL (canonical) */
    PBSC_CD34_E6_PER_L,   /* x10^6/L  = cells/uL */
    PBSC_CD34_E3_PER_ML,  /* x10^3/mL = cells/uL */
    PBSC_CD34_PER_ML,     /* cells/mL = cells/uL x 1000 */
    PBSC_CD34_E6_PER_ML   /* x10^6/mL = cells/uL / 1000 (Chen 2012 prints "0.015/ml") */
} pbsc_cd34_unit;

PBSC_API int pbsc_lb_to_kg(double lb, double *kg, pbsc_diag *diag);
PBSC_API int pbsc_cd34_convert(double value, pbsc_cd34_unit unit, double *cells_ul,
                               pbsc_diag *diag);
PBSC_API int pbsc_cd34_from_percent(double percent, double wbc, double *cells_ul, pbsc_diag *diag);

/* ---- blood volume ------------------------------------------------------------------ */

typedef enum pbsc_sex { PBSC_SEX_UNKNOWN = 0, PBSC_SEX_MALE = 1, PBSC_SEX_FEMALE = 2 } pbsc_sex;

/* mL/kg bands for the blood volume when Nadler cannot be used (DOMAIN.md section 4). */
typedef enum pbsc_band {
    PBSC_BAND_ADULT = 0,  /* 70 mL/kg */
    PBSC_BAND_CHILD = 1,  /* prepubertal child, 85 mL/kg */
    PBSC_BAND_NEONATE = 2 /* 100 mL/kg */
} pbsc_band;

PBSC_API int pbsc_tbv_nadler(double height_cm, double weight_kg, pbsc_sex sex, double *litres,
                             pbsc_diag *diag);
PBSC_API int pbsc_tbv_per_kg(double weight_kg, pbsc_band band, double *litres, pbsc_diag *diag);

/* ---- targets ----------------------------------------------------------------------- */

typedef struct pbsc_target {
    const char *id;      /* "auto5" */
    const char *version; /* of the preset's numbers: changes when a number is corrected */
    const char *use;     /* what the dose is for */
    double minimum;      /* x10^6 CD34+/kg recipient */
    double goal;         /* x10^6 CD34+/kg recipient */
    const char *source;  /* citation */
} pbsc_target;

PBSC_API size_t pbsc_target_count(void);
PBSC_API const pbsc_target *pbsc_target_get(size_t i);
PBSC_API int pbsc_target_find(const char *id, const pbsc_target **target, pbsc_diag *diag);

/* ---- collection efficiency --------------------------------------------------------- */

/* CE2 as a log-normal distribution: ln CE ~ N(ln median, sigma^2). Frozen layout. */
typedef struct pbsc_ce_model {
    const char *id;      /* "optia-cmnc-donor", or "user" */
    const char *version; /* of the preset's numbers: changes when a number is corrected */
    const char *device;  /* "Spectra Optia CMNC", ... */
    const char *setting; /* who was collected: "healthy donors", "autologous patients" */
    double median;       /* CE2 median, a fraction */
    double sigma;        /* SD of ln CE2 (between-session spread) */
    const char *source;  /* citation and how median and sigma were read from it */
} pbsc_ce_model;

PBSC_API size_t pbsc_ce_count(void);
PBSC_API const pbsc_ce_model *pbsc_ce_get(size_t i);
PBSC_API int pbsc_ce_find(const char *id, const pbsc_ce_model **model, pbsc_diag *diag);
PBSC_API const pbsc_ce_model *pbsc_ce_default(void);
PBSC_API int pbsc_ce_user(double median, double sigma, pbsc_ce_model *model, pbsc_diag *diag);

/* ---- one apheresis session --------------------------------------------------------- */

/* The inputs of one session. Frozen layout; pbsc_session_init() sets every field to
 * "not given" (NAN, PBSC_SEX_UNKNOWN, PBSC_BAND_ADULT). */
typedef struct pbsc_session {
    double cd34;         /* pre-apheresis PB CD34, cells/uL (required) */
    double weight_kg;    /* the apheresed person (required) */
    double recipient_kg; /* the recipient; NAN = autologous (same as weight_kg) */
    double height_cm;    /* NAN = unknown */
    pbsc_sex sex;        /* PBSC_SEX_UNKNOWN = unknown */
    pbsc_band band;      /* mL/kg band when Nadler cannot be used */
    double volume_l;     /* blood volume processed, L; or NAN and ... */
    double tbv_multiple; /* ... a multiple of the total blood volume */
    double wbc;          /* x10^9/L at the count; NAN = unknown (counting error default) */
    double cd34_events;  /* CD34+ events the count rests on; NAN = derive (pbsc(3)) */
} pbsc_session;

PBSC_API void pbsc_session_init(pbsc_session *s);
PBSC_API int pbsc_session_tbv(const pbsc_session *s, double *litres, pbsc_diag *diag);

/* A projected yield: a log-normal distribution of the session's yield. Frozen layout. */
typedef struct pbsc_projection {
    double median; /* x10^6 CD34+/kg recipient */
    double lower;  /* central interval at `level` */
    double upper;
    double level;    /* e.g. 0.90 */
    double dose;     /* the dose asked about, or NAN */
    double p_dose;   /* P(yield >= dose), or NAN when no dose was asked */
    double volume_l; /* blood volume processed */
    double tbv_l;    /* total blood volume of the apheresed person */
    double sigma;    /* SD of ln(yield): CE spread and counting error combined */
} pbsc_projection;

PBSC_API int pbsc_yield_project(const pbsc_session *s, const pbsc_ce_model *ce, double level,
                                double dose, pbsc_projection *out, pbsc_diag *diag);
PBSC_API int pbsc_yield_volume(const pbsc_session *s, const pbsc_ce_model *ce, double dose,
                               double p, double *litres, pbsc_diag *diag);

/* Per-session limits; NAN = no limit of that kind; at least one must be given. */
typedef struct pbsc_caps {
    double tbv_multiple; /* at most this many blood volumes per session */
    double litres;       /* at most this many litres per session */
    double minutes;      /* at most this long per session ... */
    double flow_ml_min;  /* ... at this inlet flow (both or neither) */
} pbsc_caps;

PBSC_API void pbsc_caps_init(pbsc_caps *caps);
PBSC_API int pbsc_yield_sessions(const pbsc_session *s, const pbsc_ce_model *ce,
                                 const pbsc_caps *caps, double dose, double p, size_t *sessions,
                                 double *litres_per_session, pbsc_diag *diag);

#ifdef __cplusplus
}
#endif

#endif /* PBSC_H */
