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
    PBSC_E_UNKNOWN = 6,     /* no preset, file key or column of that name */
    PBSC_E_UNREACHABLE = 7, /* the dose cannot be reached (PB CD34 of 0, cap too small) */
    PBSC_E_NOMEM = 8,       /* memory allocation failed */
    PBSC_E_CONFLICT = 9,    /* two inputs contradict each other (volume and TBV multiple) */
    PBSC_E_DUPLICATE = 10,  /* a day, or a policy key, given twice */
    PBSC_E_ORDER = 11,      /* a day before the course's last day */
    PBSC_E_PARSE = 12,      /* a policy file line that is not `key = value` or not a value */
    PBSC_E_IO = 13,         /* a file could not be read */
    PBSC_E_NODATA = 14,     /* the course has no row for the day asked about */
    PBSC_E_TOOFEW = 15      /* too few history rows to fit a model honestly */
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
    PBSC_Q_DAY,
    PBSC_Q_AGE_YEARS,
    PBSC_Q_CRCL,
    PBSC_Q_PLERIXAFOR_MG,
    PBSC_Q_COLLECTED,
    PBSC_Q_HCT,              /* haematocrit, % */
    PBSC_Q_MOTIXAFORTIDE_MG, /* motixafortide given that evening, mg */
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

/* mL/kg bands for the blood volume when Nadler cannot be used (pbsc-sources(7)). */
typedef enum pbsc_band {
    PBSC_BAND_ADULT = 0,   /* 70 mL/kg */
    PBSC_BAND_CHILD = 1,   /* prepubertal child, 85 mL/kg */
    PBSC_BAND_NEONATE = 2, /* 100 mL/kg */
    PBSC_BAND_AUTO = 3,    /* a person's band: from the age (pbsc_course_new(3)) */
    PBSC_BAND_NADLER = 4   /* reported by a decision: Nadler's formula was used */
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
    /* appended before 1.0 (a frozen layout pre-1.0: rebuild): the yield model v2,
       pbsc_yield_project(3); NAN = the literature default, as pbsc_session_init() sets */
    double count_ref;    /* cells/uL at which the CE median holds: NAN = 19, a donor's 128 */
    double count_slope;  /* d ln yield / d ln PB CD34: NAN = 0.86, a donor's 0.76 */
    double volume_ref;   /* L at which the CE median holds; needed with volume_slope */
    double volume_slope; /* d ln CE / d ln(V / volume_ref): NAN = 0, no fall */
    double count_ratio;  /* the next session's PB CD34 / this one's, sessions on consecutive
                            days (pbsc_yield_sessions(3)): NAN = 0.7 */
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

/* The largest volume reported in one session, as a multiple of the total blood volume: 82
 * large-volume runs processed 4.0-5.3 x TBV (Abrahamsen JF et al., Transfusion 2005;45:248).
 * Beyond it a volume is not a plan. */
#define PBSC_SESSION_TBV_CEILING 5.3

/* Above this weight an adult's blood volume from weight alone (70 mL/kg) is not trusted:
 * blood volume per kg falls with obesity and Nadler's formulas were fitted on adults of usual
 * build; the sources give no cut-off, so this is a stated, conservative default (at 150 kg,
 * 70 mL/kg gives 10.5 L, more than Nadler gives a 2.10 m, 150 kg man: 8.8 L). Decisions then
 * carry PBSC_W_TBV_WEIGHT_ONLY; give height and sex. */
#define PBSC_TBV_WEIGHT_ONLY_MAX_KG 150.0

/* Per-session limits; NAN = no limit of that kind; at least one of the first four must be
 * given; PBSC_SESSION_TBV_CEILING is always in force. pbsc_caps_init() sets sessions to 4. */
typedef struct pbsc_caps {
    double tbv_multiple; /* at most this many blood volumes per session */
    double litres;       /* at most this many litres per session */
    double minutes;      /* at most this long per session ... */
    double flow_ml_min;  /* ... at this inlet flow (both or neither) */
    double sessions;     /* at most this many sessions for the dose (NAN = no limit) */
} pbsc_caps;

PBSC_API void pbsc_caps_init(pbsc_caps *caps);
PBSC_API int pbsc_yield_sessions(const pbsc_session *s, const pbsc_ce_model *ce,
                                 const pbsc_caps *caps, double dose, double p, size_t *sessions,
                                 double *litres_per_session, pbsc_diag *diag);

/* ---- the mobilization course ------------------------------------------------------ */

typedef enum pbsc_regimen {
    PBSC_REGIMEN_GCSF = 0,       /* G-CSF alone; day 1 = first G-CSF dose */
    PBSC_REGIMEN_CHEMO_GCSF = 1, /* chemotherapy + G-CSF; day 1 = first chemotherapy day;
                                    monitored from white-count recovery */
    PBSC_REGIMEN_UPFRONT = 2,    /* G-CSF with a mobilizer planned up front: plerixafor, or
                                    motixafortide, as the policy plans (pbsc-rules(7)) */
    PBSC_REGIMEN_PEGFILGRASTIM = 3 /* single-dose pegfilgrastim without chemotherapy; day 1 =
                                      the dose */
} pbsc_regimen;

/* The disease a patient is collected for; a preset whose source states a scope reads it
 * (pbsc-rules(7)). Names: pbsc_diagnosis_name(), pbsc_diagnosis_find(). */
typedef enum pbsc_diagnosis {
    PBSC_DX_UNKNOWN = 0, /* not given: decided, with PBSC_W_DIAGNOSIS_UNKNOWN where read */
    PBSC_DX_MYELOMA,     /* "MM": multiple myeloma */
    PBSC_DX_NHL,         /* "NHL": non-Hodgkin lymphoma */
    PBSC_DX_HODGKIN,     /* "HL": Hodgkin lymphoma */
    PBSC_DX_AMYLOIDOSIS, /* "AL": AL amyloidosis */
    PBSC_DX_SOLID,       /* "ST": a solid tumour (germ-cell, neuroblastoma, ...) */
    PBSC_DX_OTHER,       /* "other": any other disease (or a healthy donor's recipient's) */
    PBSC_DX_COUNT
} pbsc_diagnosis;

/* The person apheresed (and the recipient's weight for a donor). Size-tagged: set `size`
 * with pbsc_person_init(), which also sets every field to "not given"; a later version may
 * append fields, read only when the caller's size covers them. */
typedef struct pbsc_person {
    size_t size;         /* sizeof(pbsc_person) as the caller was compiled */
    double weight_kg;    /* required */
    double height_cm;    /* NAN = unknown */
    pbsc_sex sex;        /* PBSC_SEX_UNKNOWN = unknown */
    double age_years;    /* NAN = unknown: no fixed plerixafor dose, adult blood volume */
    double crcl_ml_min;  /* creatinine clearance, mL/min; NAN = unknown (plerixafor dose) */
    double recipient_kg; /* NAN = autologous; given = a healthy donor's course for another
                            person, the dose per kg of this recipient */
    pbsc_band band;      /* blood volume without Nadler: PBSC_BAND_AUTO = from the age */
    /* appended after the 0.1 layout (read when the caller's size covers them): */
    pbsc_diagnosis diagnosis; /* PBSC_DX_UNKNOWN = not given */
    int transplants;          /* transplants the collection is planned for, 1 or 2;
                                 0 = not given (a preset that reads it says how it is
                                 taken from the goal) */
} pbsc_person;

typedef struct pbsc_course pbsc_course;

/* Warnings a course or a decision carries: unusual but possible inputs, and deviations. */
#define PBSC_W_PLERIXAFOR_EARLY 0x1u   /* plerixafor before day 4 of G-CSF */
#define PBSC_W_CRCL_UNKNOWN 0x2u       /* plerixafor dosed assuming CrCl > 50 mL/min */
#define PBSC_W_OFF_LABEL_DOSE 0x4u     /* CrCl <= 50 mL/min at >= 160 kg: outside the label */
#define PBSC_W_DAY_GAP 0x8u            /* days missing between two rows */
#define PBSC_W_AFTER_STOP 0x10u        /* an apheresis or a dose recorded after a stop */
#define PBSC_W_DOSE_NOT_GIVEN 0x20u    /* a dose advised for an evening was not recorded */
#define PBSC_W_DOSE_UNADVISED 0x40u    /* a dose recorded on an evening none was advised */
#define PBSC_W_APHERESIS_UNADVISED 0x80u /* an apheresis on a day none was advised */
#define PBSC_W_CHILD 0x100u            /* under 18: weight-based dose, paediatric volume */
#define PBSC_W_AGE_UNKNOWN 0x200u      /* fixed dose asked for, age unknown: dosed per kg */
#define PBSC_W_CE_HELD 0x400u          /* the CE at this WBC/Hct was held within [0.01, 1.5] */
#define PBSC_W_TBV_WEIGHT_ONLY 0x800u  /* an adult's blood volume from weight alone beyond
                                          the weight the rule is trusted for: give height */
#define PBSC_W_DIAGNOSIS_UNKNOWN 0x1000u /* the policy's source states a diagnosis scope and
                                            the diagnosis was not given */

/* The absolute tolerance, x10^6/kg, of every comparison of what was collected with the
 * goal or the minimum: less than this remaining is "reached" (pbsc(3), ARITHMETIC). */
#define PBSC_DOSE_TOLERANCE 0.001

/* Size-tagged: the size is the caller's sizeof, taken where the caller is compiled. */
PBSC_API void pbsc_person_init_sized(pbsc_person *person, size_t size);
static inline void
pbsc_person_init(pbsc_person *person)
{
    pbsc_person_init_sized(person, sizeof *person);
}
PBSC_API int pbsc_course_new(const pbsc_person *person, pbsc_regimen regimen, double goal,
                             double minimum, pbsc_course **course, pbsc_diag *diag);
PBSC_API void pbsc_course_free(pbsc_course *course);
PBSC_API int pbsc_course_set(pbsc_course *course, long day, pbsc_quantity quantity, double value,
                             pbsc_diag *diag);
PBSC_API int pbsc_course_get(const pbsc_course *course, long day, pbsc_quantity quantity,
                             double *value, pbsc_diag *diag);
PBSC_API size_t pbsc_course_length(const pbsc_course *course);
PBSC_API long pbsc_course_day(const pbsc_course *course, size_t i);
PBSC_API int pbsc_course_person(const pbsc_course *course, pbsc_person *person);
PBSC_API int pbsc_course_donor(const pbsc_course *course);
PBSC_API unsigned pbsc_course_warnings(const pbsc_course *course);
PBSC_API const char *pbsc_warning_name(unsigned warning);
PBSC_API const char *pbsc_diagnosis_name(pbsc_diagnosis diagnosis);
PBSC_API int pbsc_diagnosis_find(const char *name, pbsc_diagnosis *diagnosis, pbsc_diag *diag);
/* The regimen's word ("gcsf", "chemo", "upfront", "pegfilgrastim"); NULL out of range. */
PBSC_API const char *pbsc_regimen_name(pbsc_regimen regimen);
PBSC_API int pbsc_regimen_find(const char *name, pbsc_regimen *regimen, pbsc_diag *diag);

/* ---- plerixafor and the GITMO classifier --------------------------------------------- */

PBSC_API int pbsc_plerixafor_dose(double weight_kg, double crcl_ml_min, int fixed_dose, double *mg,
                                  unsigned *warnings, pbsc_diag *diag);

typedef enum pbsc_gitmo {
    PBSC_GITMO_NOT_POOR = 0,  /* neither proven nor predicted */
    PBSC_GITMO_PREDICTED = 1, /* predicted poor mobilizer */
    PBSC_GITMO_PROVEN = 2     /* proven poor mobilizer */
} pbsc_gitmo;

/* Risk factors for the "predicted" class: -1 unknown, 0 no, 1 yes. Frozen layout. */
typedef struct pbsc_risk {
    int failed_collection;      /* a failed earlier collection */
    int extensive_radiotherapy; /* extensive prior radiotherapy */
    int marrow_toxic_therapy;   /* full courses of therapy toxic to stem cells */
    int lines_two_or_more;      /* at least 2 previous lines of chemotherapy (formerly
                                   lines_over_two, "more than 2": one line too strict) */
    int refractory;             /* refractory disease */
    int marrow_involvement;     /* extensive marrow involvement or cellularity < 30% */
} pbsc_risk;

PBSC_API void pbsc_risk_init(pbsc_risk *risk);
PBSC_API int pbsc_gitmo_classify(const pbsc_course *course, const pbsc_risk *risk, long day,
                                 pbsc_gitmo *result, const char **criterion, pbsc_diag *diag);

/* ---- policies ---------------------------------------------------------------------- */

typedef struct pbsc_policy pbsc_policy;
typedef struct pbsc_model pbsc_model;

/* Whom a policy applies to (pbsc_policy_info.scope, the policy-file key `scope`). */
#define PBSC_SCOPE_AUTOLOGOUS 0x1u /* patients collected for their own transplant */
#define PBSC_SCOPE_DONOR 0x2u      /* healthy allogeneic donors */

/* A policy's identity, provenance and reach; strings borrowed from the policy. Size-tagged
 * (pbsc_policy_info_init()). */
typedef struct pbsc_policy_info {
    size_t size;            /* sizeof(pbsc_policy_info) as the caller was compiled */
    const char *id;         /* "mayo2013-p2" */
    const char *version;    /* "1" */
    const char *name;       /* one line */
    const char *source;     /* citation */
    const char *provenance; /* how the source was read (abstract, full text) */
    unsigned scope;         /* PBSC_SCOPE_* bits */
    unsigned regimens;      /* 1 << pbsc_regimen of each regimen covered */
    int model_based;        /* 1: decides from the model's forecast, 0: published rules */
    const char *hash;       /* 16 hex digits: FNV-1a 64 of its pbsc-policy(5) text */
    /* appended after the 0.1 layout (filled when the caller's size covers it): */
    unsigned diagnoses; /* 1u << pbsc_diagnosis of each diagnosis its source covers; 0 = any
                           (the policy-file key `diagnoses`) */
} pbsc_policy_info;

/* Size-tagged: the size is the caller's sizeof, taken where the caller is compiled. */
PBSC_API void pbsc_policy_info_init_sized(pbsc_policy_info *info, size_t size);
static inline void
pbsc_policy_info_init(pbsc_policy_info *info)
{
    pbsc_policy_info_init_sized(info, sizeof *info);
}
PBSC_API size_t pbsc_policy_count(void);
PBSC_API const pbsc_policy *pbsc_policy_get(size_t i);
PBSC_API int pbsc_policy_find(const char *id, const pbsc_policy **policy, pbsc_diag *diag);
PBSC_API int pbsc_policy_info_get(const pbsc_policy *policy, pbsc_policy_info *info);
PBSC_API int pbsc_policy_parse(const char *text, size_t length, pbsc_policy **policy,
                               pbsc_diag *diag);
PBSC_API int pbsc_policy_read(const char *path, pbsc_policy **policy, pbsc_diag *diag);
PBSC_API int pbsc_policy_format(const pbsc_policy *policy, char *buffer, size_t size,
                                size_t *needed);
PBSC_API void pbsc_policy_free(pbsc_policy *policy);

/* ---- the decision ------------------------------------------------------------------ */

typedef enum pbsc_action {
    PBSC_ACTION_WAIT = 0,       /* continue G-CSF, count again tomorrow */
    PBSC_ACTION_COLLECT,        /* morning: apheresis today */
    PBSC_ACTION_PLERIXAFOR,     /* start plerixafor tonight (pre-emptive or salvage), apheresis
                                   tomorrow: the dose is in `tonight` (a policy that plans
                                   motixafortide: that drug, `tonight.drug` says which) */
    PBSC_ACTION_STOP_GOAL,      /* stop: the goal is collected */
    PBSC_ACTION_STOP_MINIMUM,   /* stop: the minimum is collected, the goal is out of reach */
    PBSC_ACTION_STOP_FAILED,    /* stop: mobilization failed (remobilize) */
    PBSC_ACTION_NEED_COUNT,     /* a value the policy reads is missing */
    PBSC_ACTION_OUTSIDE_POLICY, /* the policy does not cover this situation or person */
    PBSC_ACTION_CONTINUE        /* evening: the harvest is in, the goal is not: count and
                                   decide tomorrow (a dose tonight is in `tonight`) */
} pbsc_action;

/* The two decision points of a day. */
typedef enum pbsc_moment {
    PBSC_MORNING = 0, /* today's count known, nothing collected yet today */
    PBSC_EVENING = 1  /* today's harvest known, tonight's dose not yet given */
} pbsc_moment;

typedef enum pbsc_drug {
    PBSC_DRUG_NONE = 0, /* no dose tonight */
    PBSC_DRUG_PLERIXAFOR = 1,
    PBSC_DRUG_MOTIXAFORTIDE = 2
} pbsc_drug;

/* How a dose's mg were worked out. */
typedef enum pbsc_dose_basis {
    PBSC_DOSE_NONE = 0,
    PBSC_DOSE_PER_KG,       /* 0.24 mg/kg actual body weight (motixafortide: 1.25 mg/kg) */
    PBSC_DOSE_FIXED,        /* 20 mg (<= 83 kg, the site's fixed-dose option, adults) */
    PBSC_DOSE_RENAL_PER_KG, /* CrCl <= 50 mL/min: 0.16 mg/kg */
    PBSC_DOSE_RENAL_FIXED,  /* CrCl <= 50 mL/min: 13 mg (<= 83 kg, fixed, adults) */
    PBSC_DOSE_CAPPED        /* the label's daily maximum (40 mg, 27 mg renal) */
} pbsc_dose_basis;

/* Tonight's dose, advised by a decision. drug PBSC_DRUG_NONE: no dose (mg NAN, the rest 0). */
typedef struct pbsc_dose {
    pbsc_drug drug;
    double mg;
    int number;          /* which dose of the course this is: 1 for the first */
    long apheresis_day;  /* the apheresis it prepares (tomorrow) */
    int salvage;         /* 1 after a poor harvest, 0 pre-emptive or continuing */
    pbsc_dose_basis basis;
} pbsc_dose;

/* One decision point and everything an auditor needs to replay it. Size-tagged: set `size`
 * with pbsc_decision_init(); the library writes only what the caller's size covers. */
typedef struct pbsc_decision {
    size_t size;         /* sizeof(pbsc_decision) as the caller was compiled */
    long day;            /* the day decided */
    pbsc_moment moment;  /* and its moment */
    pbsc_action action;
    char rule[40];       /* the rule that fired, e.g. "assess.plerixafor"; "stopped" when an
                            earlier point's stop is repeated */
    char reason[240];    /* one sentence naming the inputs the rule read */
    long decided_day;    /* a repeated stop: the point that decided it; else = day */
    pbsc_moment decided_moment;
    pbsc_dose tonight;   /* tonight's dose, whatever the action */
    double cd34;         /* today's PB CD34 the rule read, or NAN */
    double wbc;          /* today's WBC the rule read, or NAN */
    double threshold;    /* the threshold the rule compared against, or NAN */
    double goal;         /* in force (course, else the policy's default) */
    double minimum;
    double collected;    /* cumulative products this point knows (the evening: today's too) */
    double remaining;    /* goal - collected, 0 once within PBSC_DOSE_TOLERANCE */
    size_t aphereses;    /* recorded before this point (the evening: today's included) */
    size_t plerixafor_doses; /* given before tonight */
    double volume_l;     /* collect: blood volume to process today, else NAN */
    pbsc_projection projection; /* collect: today's session, dose = remaining */
    unsigned warnings;   /* PBSC_W_* bits: the course's up to this point and the decision's */
    double p_goal_without; /* model-based policy: P(goal within the limits) without a dose
                              tonight, else NAN */
    double p_goal_with;    /* ... with a dose tonight, else NAN */
    pbsc_band blood_volume; /* how the person's TBV was worked out (PBSC_BAND_NADLER or a
                               mL/kg band) */
    double tbv_l;
    /* provenance: with the course, these name every input of the decision */
    char policy_id[32];
    char policy_version[16];
    char policy_hash[17];   /* 16 hex digits: FNV-1a 64 of the policy's pbsc-policy(5) text */
    char library_version[16];
    char model_id[32];      /* "defaults": the literature model */
    char model_version[16];
    int model_fitted;       /* 1: fitted from a site history (pbsc_calibrate) */
    char model_hash[17];    /* 16 hex digits: FNV-1a 64 of the model's pbsc-model(5) text */
    char ce_id[32];         /* the CE the point used: the model's, at today's WBC and Hct */
    double ce_median;
    double ce_sigma;
} pbsc_decision;

/* Size-tagged: the size is the caller's sizeof, taken where the caller is compiled. */
PBSC_API void pbsc_decision_init_sized(pbsc_decision *decision, size_t size);
static inline void
pbsc_decision_init(pbsc_decision *decision)
{
    pbsc_decision_init_sized(decision, sizeof *decision);
}
PBSC_API const char *pbsc_action_name(pbsc_action action);
PBSC_API const char *pbsc_moment_name(pbsc_moment moment);
PBSC_API const char *pbsc_drug_name(pbsc_drug drug);
PBSC_API int pbsc_decide(const pbsc_course *course, const pbsc_policy *policy,
                         const pbsc_model *model, long day, pbsc_moment moment,
                         pbsc_decision *decision, pbsc_diag *diag);
PBSC_API int pbsc_replay(const pbsc_course *course, const pbsc_policy *policy,
                         const pbsc_model *model, pbsc_decision *decisions, size_t capacity,
                         size_t *count, pbsc_diag *diag);

/* pbsc_decide()'s walk kept between calls, for a course that grows a day at a time: each
 * point decided once, as pbsc_decide() decides it (pbsc_walk_new(3)). */
typedef struct pbsc_walk pbsc_walk;
PBSC_API int pbsc_walk_new(const pbsc_course *course, const pbsc_policy *policy,
                           const pbsc_model *model, pbsc_walk **walk, pbsc_diag *diag);
PBSC_API int pbsc_walk_next(pbsc_walk *walk, long day, pbsc_moment moment,
                            pbsc_decision *decision, pbsc_diag *diag);
PBSC_API void pbsc_walk_free(pbsc_walk *walk);
/* ---- the decision record (pbsc-record(5)) ------------------------------------------- */

/* A decision with every input it read, as a JSON document an auditor can keep and replay:
 * pbsc_record_format(3). */
PBSC_API int pbsc_record_format(const pbsc_course *course, const pbsc_policy *policy,
                                const pbsc_model *model, const pbsc_decision *decision,
                                char *buffer, size_t size, size_t *needed);

/* What a replay found. Size-tagged: set `size` with pbsc_record_check_init(). */
typedef struct pbsc_record_check {
    size_t size;    /* sizeof(pbsc_record_check) as the caller was compiled */
    int same;       /* 1: no input changed and every decision field is bit-identical */
    char input[32]; /* the first input changed since the record was written: "policy.text",
                       "model.text", "course" or "course.days[i]"; "" when none */
    long day;       /* the day of a changed row, else -1 */
    char field[48]; /* the first decision member that differs, e.g. "projection.median";
                       "" when none */
    char text[240]; /* one sentence: what differs, recorded and replayed */
} pbsc_record_check;

/* Size-tagged: the size is the caller's sizeof, taken where the caller is compiled. */
PBSC_API void pbsc_record_check_init_sized(pbsc_record_check *check, size_t size);
static inline void
pbsc_record_check_init(pbsc_record_check *check)
{
    pbsc_record_check_init_sized(check, sizeof *check);
}
PBSC_API int pbsc_record_read(const char *text, size_t length, pbsc_course **course,
                              pbsc_policy **policy, pbsc_model **model,
                              pbsc_decision *decision, pbsc_diag *diag);
PBSC_API int pbsc_record_replay(const char *text, size_t length, pbsc_record_check *check,
                                pbsc_diag *diag);

/* ---- the site model: count dynamics and CE, preset or fitted ------------------------ */

#define PBSC_GCSF_DAYS 8 /* day-to-day G-CSF ratios kept: from day 1..8 to the next day */

/* The parameters of a model. Ratios are of tomorrow's PB CD34 to today's, log-normal with
 * the given median and sigma (SD of the log). Size-tagged: pbsc_model_params_init() sets
 * `size` and the literature defaults. */
typedef struct pbsc_model_params {
    size_t size;         /* sizeof(pbsc_model_params) as the caller was compiled */
    pbsc_ce_model ce;    /* CE2 at the reference WBC and Hct */
    double ce_wbc_slope; /* d ln CE / d ln(WBC / ce_wbc_ref); 0 = no dependence */
    double ce_wbc_ref;   /* x10^9/L */
    double ce_hct_slope; /* d ln CE / d (Hct - ce_hct_ref), per percentage point */
    double ce_hct_ref;   /* % */
    double gcsf_ratio[PBSC_GCSF_DAYS]; /* G-CSF alone, from day d to d+1 at [d-1]; later
                                          days use the last */
    double gcsf_sigma;
    double chemo_ratio; /* chemotherapy + G-CSF, after count recovery */
    double chemo_sigma;
    double apheresis_ratio; /* the morning after an apheresis */
    double apheresis_sigma;
    double plerixafor_fold; /* the morning after a first plerixafor dose */
    double plerixafor_sigma;
    double plerixafor2_fold; /* ... after a later dose */
    double plerixafor2_sigma;
    double motixafortide_fold; /* ... after motixafortide */
    double motixafortide_sigma;
    /* appended: the yield model v2 (pbsc_yield_project(3)), read when the caller's size
       covers them */
    double count_ref;         /* cells/uL: the CE2 median holds at this pre-count */
    double count_ref_donor;   /* ... at this one for a healthy donor's session */
    double count_slope;       /* d ln yield / d ln PB CD34 around count_ref */
    double count_slope_donor; /* ... for a healthy donor */
    double ce_volume_slope;   /* d ln CE / d ln(V / ce_volume_ref); 0 = no fall */
    double ce_volume_ref;     /* L; 0 = none (then ce_volume_slope is 0) */
} pbsc_model_params;

/* The parts of a model pbsc_calibrate() fits (pbsc_model_info.fitted_parts and .floored). */
#define PBSC_PART_CE 0x1u        /* CE2: median, sigma, WBC and Hct slopes */
#define PBSC_PART_APHERESIS 0x2u /* the ratio the morning after an apheresis */
#define PBSC_PART_RISK 0x4u      /* the logistic risk of poor mobilization */
#define PBSC_PART_COUNT_SLOPE 0x8u /* the yield's log-log slope on the pre-count */
#define PBSC_PART_CE_VOLUME 0x10u  /* CE's slope on the volume processed */

/* A model's identity; strings borrowed from the model. Size-tagged (pbsc_model_info_init()). */
typedef struct pbsc_model_info {
    size_t size;         /* sizeof(pbsc_model_info) as the caller was compiled */
    const char *id;      /* "defaults" for the literature model; a file's `id` */
    const char *version; /* a file's `version` */
    int fitted;          /* 1: fitted from a site history */
    const char *hash;    /* 16 hex digits: FNV-1a 64 of its pbsc-model(5) text */
    /* appended after 0.1.0: what a fit fitted, and what it could not (pbsc_calibrate(3)) */
    unsigned fitted_parts; /* PBSC_PART_* fitted from the history; the rest are defaults (0:
                              not fitted, or a file that does not record its parts) */
    unsigned floored;      /* PBSC_PART_* whose fitted sigma was below its floor, raised to it */
    const char *ce_note;   /* why the CE fit left something out or floored it; "" if nothing */
    const char *apheresis_note; /* ... the ratio after an apheresis */
    const char *risk_note;      /* ... the risk model: why there is none */
} pbsc_model_info;

/* Size-tagged: the size is the caller's sizeof, taken where the caller is compiled. */
PBSC_API void pbsc_model_params_init_sized(pbsc_model_params *params, size_t size);
static inline void
pbsc_model_params_init(pbsc_model_params *params)
{
    pbsc_model_params_init_sized(params, sizeof *params);
}
/* Size-tagged: the size is the caller's sizeof, taken where the caller is compiled. */
PBSC_API void pbsc_model_info_init_sized(pbsc_model_info *info, size_t size);
static inline void
pbsc_model_info_init(pbsc_model_info *info)
{
    pbsc_model_info_init_sized(info, sizeof *info);
}
PBSC_API int pbsc_model_new(pbsc_model **model, pbsc_diag *diag);
PBSC_API int pbsc_model_from_ce(const pbsc_ce_model *ce, pbsc_model **model, pbsc_diag *diag);
PBSC_API int pbsc_model_info_get(const pbsc_model *model, pbsc_model_info *info);
PBSC_API void pbsc_model_free(pbsc_model *model);
PBSC_API int pbsc_model_get(const pbsc_model *model, pbsc_model_params *params);
PBSC_API int pbsc_model_set(pbsc_model *model, const pbsc_model_params *params,
                            pbsc_diag *diag);
PBSC_API int pbsc_model_ce(const pbsc_model *model, double wbc, double hct, pbsc_ce_model *ce,
                           pbsc_diag *diag);
PBSC_API size_t pbsc_model_covariates(const pbsc_model *model);
PBSC_API const char *pbsc_model_covariate(const pbsc_model *model, size_t i,
                                          double *coefficient, double *mean, double *scale);
PBSC_API int pbsc_model_risk(const pbsc_model *model, const double *values, size_t count,
                             double *probability, pbsc_diag *diag);
PBSC_API int pbsc_model_parse(const char *text, size_t length, pbsc_model **model,
                              pbsc_diag *diag);
PBSC_API int pbsc_model_read(const char *path, pbsc_model **model, pbsc_diag *diag);
PBSC_API int pbsc_model_format(const pbsc_model *model, char *buffer, size_t size,
                               size_t *needed);

/* ---- forecast ---------------------------------------------------------------------- */

typedef enum pbsc_option {
    PBSC_OPTION_GCSF = 0,      /* continue G-CSF, no apheresis today */
    PBSC_OPTION_COLLECT,       /* apheresis today */
    PBSC_OPTION_PLERIXAFOR,    /* plerixafor tonight (apheresis tomorrow) */
    PBSC_OPTION_MOTIXAFORTIDE, /* motixafortide tonight (apheresis tomorrow) */
    PBSC_OPTION_COLLECT_PLERIXAFOR /* apheresis today and plerixafor tonight */
} pbsc_option;

/* Tomorrow morning's PB CD34 as a log-normal distribution. Frozen layout. */
typedef struct pbsc_count_forecast {
    long day;      /* tomorrow */
    double median; /* cells/uL */
    double lower;  /* central interval at `level` */
    double upper;
    double level;
    double sigma;  /* SD of ln(count): the option's ratio and today's counting error */
} pbsc_count_forecast;

PBSC_API int pbsc_forecast_count(const pbsc_course *course, const pbsc_model *model, long day,
                                 pbsc_option option, double level, pbsc_count_forecast *out,
                                 pbsc_diag *diag);

/* The limits and the plan a success estimate simulates. Frozen layout;
 * pbsc_success_params_init() sets the defaults documented in pbsc_success_estimate(3). */
typedef struct pbsc_success_params {
    double goal;                 /* NAN: the course's */
    double minimum;              /* NAN: the course's */
    long max_sessions;           /* aphereses in all, those done included */
    long last_day;               /* the course's last day */
    long max_plerixafor_doses;   /* in all, those given included */
    double salvage_below;        /* plerixafor after a session yielding less; NAN = never */
    double session_tbv_multiple; /* per-session cap */
    double session_litres;       /* NAN = no litre cap */
    size_t draws;                /* Monte Carlo draws */
    unsigned long seed;          /* of the GSL generator: same seed, same numbers */
} pbsc_success_params;

/* The chance of success of one option from today. Frozen layout. */
typedef struct pbsc_success {
    double p_goal;           /* P(goal reached within the limits) */
    double p_minimum;        /* P(minimum reached within the limits) */
    double aphereses;        /* expected aphereses in all */
    double plerixafor_doses; /* expected plerixafor doses in all */
    double se;               /* Monte Carlo standard error of p_goal */
    size_t draws;
} pbsc_success;

PBSC_API void pbsc_success_params_init(pbsc_success_params *params);
PBSC_API int pbsc_success_estimate(const pbsc_course *course, const pbsc_model *model, long day,
                                   pbsc_option option, const pbsc_success_params *params,
                                   pbsc_success *out, pbsc_diag *diag);

/* ---- calibration from a site's history --------------------------------------------- */

typedef struct pbsc_history pbsc_history;

/* One past apheresis session. Frozen layout; pbsc_history_row_init() sets NAN / -1. */
typedef struct pbsc_history_row {
    long patient;        /* groups the sessions of one mobilization; -1 = unknown */
    double cd34;         /* pre-apheresis PB CD34, cells/uL (required) */
    double processed_l;  /* (required) */
    double weight_kg;    /* the apheresed person (required) */
    double recipient_kg; /* NAN = autologous */
    double collected;    /* product, x10^6 CD34+/kg recipient (required) */
    double wbc;          /* x10^9/L at the pre-count; NAN = not recorded */
    double hct;          /* %, NAN = not recorded */
    double next_cd34;    /* the next morning's PB CD34, NAN = not recorded */
    int poor;            /* the mobilization failed (1) or not (0); -1 = not recorded */
} pbsc_history_row;

/* What a fit measured, honestly: cross-validated where it says so. Frozen layout. */
typedef struct pbsc_fit_report {
    size_t sessions;        /* rows used for CE */
    double ce_median;       /* fitted CE2 median (at the reference WBC and Hct) */
    double ce_sigma;        /* residual SD of ln CE2 */
    double ce_wbc_slope;    /* 0 when WBC was not recorded */
    double ce_hct_slope;    /* 0 when Hct was not recorded */
    double coverage_cv;     /* share of held-out yields inside their 90% interval */
    size_t ratio_sessions;  /* rows with next_cd34 */
    double apheresis_ratio; /* fitted median, or NAN when too few rows */
    double apheresis_sigma;
    size_t patients;        /* mobilizations with an outcome, for the risk model */
    size_t events;          /* of them poor */
    double auc_cv;          /* cross-validated AUC of the risk model, or NAN */
    double brier_cv;        /* cross-validated Brier score, or NAN */
} pbsc_fit_report;

PBSC_API void pbsc_history_row_init(pbsc_history_row *row);
PBSC_API int pbsc_history_new(const char *const *covariates, size_t count,
                              pbsc_history **history, pbsc_diag *diag);
PBSC_API void pbsc_history_free(pbsc_history *history);
PBSC_API int pbsc_history_add(pbsc_history *history, const pbsc_history_row *row,
                              const double *covariates, pbsc_diag *diag);
PBSC_API size_t pbsc_history_length(const pbsc_history *history);
PBSC_API int pbsc_calibrate(const pbsc_history *history, pbsc_model **model,
                            pbsc_fit_report *report, pbsc_diag *diag);

/* ---- the virtual population and the simulator --------------------------------------- */

/* A virtual population of autologous patients: count trajectories, responses to plerixafor
 * and motixafortide, CE, WBC/Hct, the harvest law and the person (pbsc_population_new(3)).
 * Its parameters are named by their pbsc-population(5) keys. */
typedef struct pbsc_population pbsc_population;

PBSC_API int pbsc_population_new(pbsc_population **population, pbsc_diag *diag);
PBSC_API void pbsc_population_free(pbsc_population *population);
PBSC_API int pbsc_population_get(const pbsc_population *population, const char *key,
                                 double *value, pbsc_diag *diag);
PBSC_API int pbsc_population_set(pbsc_population *population, const char *key, double value,
                                 pbsc_diag *diag);
PBSC_API size_t pbsc_population_keys(void);
PBSC_API const char *pbsc_population_key(size_t i);
PBSC_API const char *pbsc_population_hash(const pbsc_population *population);
PBSC_API int pbsc_population_parse(const char *text, size_t length,
                                   pbsc_population **population, pbsc_diag *diag);
PBSC_API int pbsc_population_read(const char *path, pbsc_population **population,
                                  pbsc_diag *diag);
PBSC_API int pbsc_population_format(const pbsc_population *population, char *buffer,
                                    size_t size, size_t *needed);

/* What a site's history of aphereses gave each population key (pbsc_population_calibrate(3)),
 * by the index of pbsc_population_key(). Names: pbsc_popfit_state_name(). */
typedef enum pbsc_popfit_state {
    PBSC_POPFIT_SET = 0,      /* set from the history */
    PBSC_POPFIT_POOLED,       /* set, one value where the world has two (CE at either WBC) */
    PBSC_POPFIT_CANNOT,       /* a history of aphereses does not identify it: kept */
    PBSC_POPFIT_NOT_RECORDED, /* the column it needs is in no row: kept */
    PBSC_POPFIT_TOO_FEW,      /* fewer rows or patients than it needs: kept */
    PBSC_POPFIT_IMPRECISE,    /* its standard error is above the limit: kept */
    PBSC_POPFIT_OUT_OF_RANGE, /* the estimate is outside the key's range: kept */
    PBSC_POPFIT_COUNT_        /* number of states; not a state */
} pbsc_popfit_state;

#define PBSC_POPULATION_KEYS_MAX 64

/* Size-tagged (pbsc_population_fit_init()); arrays indexed like pbsc_population_key(). */
typedef struct pbsc_population_fit {
    size_t size;     /* sizeof(pbsc_population_fit) as the caller was compiled */
    size_t sessions; /* autologous sessions read (donors' rows are left out) */
    size_t patients; /* of them, distinct patients (a row without a patient is one) */
    unsigned char state[PBSC_POPULATION_KEYS_MAX]; /* pbsc_popfit_state */
    size_t used[PBSC_POPULATION_KEYS_MAX];     /* rows or patients behind the estimate */
    size_t needed[PBSC_POPULATION_KEYS_MAX];   /* the minimum it needs (0: none) */
    double estimate[PBSC_POPULATION_KEYS_MAX]; /* NAN: none */
    double se[PBSC_POPULATION_KEYS_MAX];       /* its standard error; NAN: not computed */
} pbsc_population_fit;

/* Size-tagged: the size is the caller's sizeof, taken where the caller is compiled. */
PBSC_API void pbsc_population_fit_init_sized(pbsc_population_fit *fit, size_t size);
static inline void
pbsc_population_fit_init(pbsc_population_fit *fit)
{
    pbsc_population_fit_init_sized(fit, sizeof *fit);
}
PBSC_API int pbsc_population_calibrate(const pbsc_history *history,
                                       pbsc_population *population, pbsc_population_fit *fit,
                                       pbsc_diag *diag);
PBSC_API const char *pbsc_popfit_state_name(pbsc_popfit_state state);
PBSC_API int pbsc_population_fit_note(const pbsc_population_fit *fit, size_t key, char *buffer,
                                      size_t size);

/* The natural-history protocol (G-CSF alone; apheresis at 3 x TBV on each day from day 5
 * once the count has reached 10/uL, until 5 x10^6/kg or day 8) run on a population: its
 * outcome shares and the figures a validation compares (pbsc_population_natural(3)).
 * Size-tagged (pbsc_natural_init()). */
typedef struct pbsc_natural {
    size_t size;        /* sizeof(pbsc_natural) as the caller was compiled */
    size_t patients;
    double optimal;     /* share collecting >= 5 x10^6/kg */
    double low;         /* 2 to < 5 */
    double poor;        /* collected, < 2 */
    double failed;      /* never counted >= 10/uL: no collection */
    double optimal_se, low_se, poor_se, failed_se; /* sqrt(p (1 - p) / patients) */
    size_t sessions;        /* aphereses in all */
    double precount_median; /* measured pre-apheresis count of the sessions, /uL */
    double ce2_median;      /* realised CE2 = product / (pre-count x volume) */
    double loglog_slope;    /* least squares of ln(product) on ln(pre-count) */
    double r_linear;        /* Pearson r of product with pre-count x volume / kg */
    double day45_ratio;     /* median measured day-5 / day-4 count */
    double first_precount_median; /* ... of the first session of each collected patient */
} pbsc_natural;

/* Size-tagged: the size is the caller's sizeof, taken where the caller is compiled. */
PBSC_API void pbsc_natural_init_sized(pbsc_natural *natural, size_t size);
static inline void
pbsc_natural_init(pbsc_natural *natural)
{
    pbsc_natural_init_sized(natural, sizeof *natural);
}
PBSC_API int pbsc_population_natural(const pbsc_population *population, size_t patients,
                                     unsigned long seed, pbsc_natural *out, pbsc_diag *diag);

/* How a simulated course ended (pbsc_sim_result.ends). */
typedef enum pbsc_end {
    PBSC_END_GOAL = 0,   /* stop-goal */
    PBSC_END_MINIMUM,    /* stop-minimum */
    PBSC_END_FAILED,     /* stop-failed */
    PBSC_END_OUTSIDE,    /* outside-policy */
    PBSC_END_NEED_COUNT, /* need-count: a value the simulation does not give */
    PBSC_END_CUT,        /* no stop by the simulation's last day (30) */
    PBSC_END_COUNT_      /* number of ends; not an end */
} pbsc_end;

/* What a simulation runs. Size-tagged: pbsc_sim_params_init() sets the defaults. */
typedef struct pbsc_sim_params {
    size_t size;          /* sizeof(pbsc_sim_params) as the caller was compiled */
    size_t patients;      /* default 1000 */
    unsigned long seed;   /* default 1: patient i's draws come from (seed, i) alone */
    unsigned threads;     /* default 1; the results do not depend on it */
    pbsc_regimen regimen; /* default PBSC_REGIMEN_GCSF */
    double goal;          /* default 5; NAN: the policy's */
    double minimum;       /* default 2; NAN: the policy's */
    int verify;           /* 1: every point also through pbsc_decide(); a difference is
                             PBSC_E_CONFLICT (slow: an audit of the incremental walk) */
    /* appended after the 1.0 layout (read when the caller's size covers them): every
     * virtual person's */
    pbsc_diagnosis diagnosis; /* default PBSC_DX_UNKNOWN: not given */
    int transplants;          /* 1 or 2 planned; default 0: not given */
} pbsc_sim_params;

/* One policy's outcomes over the population; each share or mean with its standard error.
 * Size-tagged: pbsc_sim_result_init(). */
typedef struct pbsc_sim_result {
    size_t size;          /* sizeof(pbsc_sim_result) as the caller was compiled */
    char policy_id[32];
    char policy_hash[17];
    size_t patients;
    double goal_reached, goal_reached_se;       /* collected >= goal */
    double minimum_reached, minimum_reached_se; /* collected >= minimum */
    double failure, failure_se;                 /* collected < minimum */
    double outside_policy, outside_policy_se;   /* ended outside the policy */
    double plerixafor_share, plerixafor_share_se; /* given >= 1 dose (either drug) */
    double doses_per_patient, doses_per_patient_se;
    double aphereses_per_patient, aphereses_per_patient_se;
    double days, days_se;           /* the course's last day */
    double collected, collected_se; /* x10^6/kg */
    size_t ends[PBSC_END_COUNT_];   /* patients by how the course ended */
    size_t decisions;               /* decision points decided */
} pbsc_sim_result;

/* Size-tagged: the size is the caller's sizeof, taken where the caller is compiled. */
PBSC_API void pbsc_sim_params_init_sized(pbsc_sim_params *params, size_t size);
static inline void
pbsc_sim_params_init(pbsc_sim_params *params)
{
    pbsc_sim_params_init_sized(params, sizeof *params);
}
PBSC_API void pbsc_sim_result_init_sized(pbsc_sim_result *result, size_t size);
static inline void
pbsc_sim_result_init(pbsc_sim_result *result)
{
    pbsc_sim_result_init_sized(result, sizeof *result);
}
PBSC_API const char *pbsc_end_name(pbsc_end end);
PBSC_API int pbsc_simulate(const pbsc_policy *const *policies, size_t count,
                           const pbsc_model *model, const pbsc_population *population,
                           const pbsc_sim_params *params, pbsc_sim_result *results,
                           pbsc_diag *diag);
/* ---- HL7 v2 interchange: lab results in, advice out (pbsc_hl7_read(3)) -------------- */

/* A code map: which result codes (OBX-3) are which course measurement (pbsc-codes(5)). The
 * LOINC defaults are always in it; a site file adds its own codes. */
typedef struct pbsc_codes pbsc_codes;

/* How pbsc_hl7_read() reads a message. Size-tagged: pbsc_hl7_options_init() sets `size`,
 * finals_only 1 and the rest 0 / NULL. */
typedef struct pbsc_hl7_options {
    size_t size;             /* sizeof(pbsc_hl7_options) as the caller was compiled */
    long day1;               /* the date of day 1, YYYYMMDD (required) */
    int strict;              /* 1: a result code the map does not know refuses the message */
    int finals_only;         /* 1 (default): preliminary (P) results are not used */
    const pbsc_codes *codes; /* NULL: the LOINC defaults only */
    long message;            /* the message's number among the caller's (diagnostics); 0 */
} pbsc_hl7_options;

/* What pbsc_hl7_read() found in a message. Size-tagged (pbsc_hl7_info_init()). */
typedef struct pbsc_hl7_info {
    size_t size;                 /* sizeof(pbsc_hl7_info) as the caller was compiled */
    char version[16];            /* MSH-12 */
    char control_id[200];        /* MSH-10 */
    char sending_app[64];        /* MSH-3, its first component */
    char sending_facility[64];   /* MSH-4 */
    char receiving_app[64];      /* MSH-5 */
    char receiving_facility[64]; /* MSH-6 */
    char patient_id[64];         /* PID-3: the first repetition's ID */
    long first_day, last_day;    /* course days of the results used; 0 = none */
    double weight_kg;            /* the latest body weight in an OBX, or NAN */
    long weight_day;             /* its day, or 0 */
    size_t used;                 /* results set in the course */
    size_t replaced;             /* of them, changing a value the course held */
    size_t withdrawn;            /* D or W results: the value made "not measured" */
    size_t preliminary;          /* P results used (finals_only 0) */
    size_t skipped_code;         /* results whose code the map does not know */
    size_t skipped_preliminary;  /* P results not used (finals_only 1) */
    size_t skipped_status;       /* results with status I, N, R, S, U or X */
    char note[160];              /* the first result skipped: segment, field and why */
} pbsc_hl7_info;

/* How a reply (advice or ACK) is headed. Size-tagged (pbsc_hl7_reply_init()). */
typedef struct pbsc_hl7_reply {
    size_t size;                  /* sizeof(pbsc_hl7_reply) as the caller was compiled */
    const pbsc_hl7_info *request; /* the lab's message the reply answers (required) */
    const char *datetime;         /* MSH-7, YYYYMMDDHHMM[SS]: the caller's clock (required) */
    long day1;                    /* the date of day 1, YYYYMMDD (required for advice) */
    const char *application;      /* MSH-3; NULL: "PBSC" */
    const char *facility;         /* MSH-4; NULL: empty */
    const char *processing;       /* MSH-11; NULL: "P" (production) */
} pbsc_hl7_reply;

/* Size-tagged: the size is the caller's sizeof, taken where the caller is compiled. */
PBSC_API void pbsc_hl7_options_init_sized(pbsc_hl7_options *options, size_t size);
static inline void
pbsc_hl7_options_init(pbsc_hl7_options *options)
{
    pbsc_hl7_options_init_sized(options, sizeof *options);
}
PBSC_API void pbsc_hl7_info_init_sized(pbsc_hl7_info *info, size_t size);
static inline void
pbsc_hl7_info_init(pbsc_hl7_info *info)
{
    pbsc_hl7_info_init_sized(info, sizeof *info);
}
PBSC_API void pbsc_hl7_reply_init_sized(pbsc_hl7_reply *reply, size_t size);
static inline void
pbsc_hl7_reply_init(pbsc_hl7_reply *reply)
{
    pbsc_hl7_reply_init_sized(reply, sizeof *reply);
}
PBSC_API int pbsc_codes_parse(const char *text, size_t length, pbsc_codes **codes,
                              pbsc_diag *diag);
PBSC_API int pbsc_codes_read(const char *path, pbsc_codes **codes, pbsc_diag *diag);
PBSC_API void pbsc_codes_free(pbsc_codes *codes);
PBSC_API int pbsc_loinc_check(const char *code);
PBSC_API int pbsc_hl7_read(const char *message, size_t length, const pbsc_hl7_options *options,
                           pbsc_course *course, pbsc_hl7_info *info, pbsc_diag *diag);
PBSC_API int pbsc_hl7_advice(const pbsc_decision *decision, const pbsc_hl7_reply *reply,
                             char *buffer, size_t size, size_t *needed);
PBSC_API int pbsc_hl7_ack(const char *message, size_t length, const pbsc_hl7_reply *reply,
                          int status, const pbsc_diag *diag, char *buffer, size_t size,
                          size_t *needed);

#ifdef __cplusplus
}
#endif

#endif /* PBSC_H */
