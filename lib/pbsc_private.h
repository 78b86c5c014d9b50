/* SPDX-License-Identifier: MIT */
/* Private helpers shared by the library modules: diagnostics and input validation. */
#ifndef PBSC_PRIVATE_H
#define PBSC_PRIVATE_H

#include "pbsc.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define PBSC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PBSC_PRINTF(f, a)
#endif

/* printf and strtod in the C locale whatever the host's (lib/cnum.c): the library formats
 * and parses numbers only through these. pbsc_num() writes the shortest round-trip form
 * (at least 6 digits, never "-0") into buf and returns buf. */
int pbsc_vfmt(char *buf, size_t size, const char *fmt, va_list ap);
int pbsc_fmt(char *buf, size_t size, const char *fmt, ...) PBSC_PRINTF(3, 4);
double pbsc_strtod(const char *s, char **end);
const char *pbsc_num(char buf[32], double x);

/* The CE range the model uses: a median shifted by fitted WBC/Hct slopes is held within it
 * (decisions then carry PBSC_W_CE_HELD), and a model's ce_median must lie within it. 0.01
 * is below the smallest CE reported (1.7%, CS-3000 Plus large-volume: Mehta, BMT 2001;
 * 28:597); 1.5 is the CE quantity's upper limit (lib/units.c). */
#define PBSC_CE_MIN 0.01
#define PBSC_CE_MAX 1.5
int pbsc_model_ce_held(const pbsc_model *model, double wbc, double hct, pbsc_ce_model *ce,
                       int *held, pbsc_diag *diag);

/* pbsc_yield_project() of a recorded session: its volume is not held to the ceiling. */
int pbsc_yield_project_recorded(const pbsc_session *s, const pbsc_ce_model *ce, double level,
                                double dose, pbsc_projection *out, pbsc_diag *diag);

/*
 * The yield model v2 (pbsc_yield_project(3)): the yield grows with the pre-count C as
 * C^b around a reference count C_ref where the CE median holds, and CE may fall with the
 * volume V as (V / V_ref)^s:
 *   median yield = CE x C_ref x (C / C_ref)^b x V x (V / V_ref)^s / W_recipient.
 * Defaults: b = 0.8595 for patients and 0.7559 for healthy donors, the log-log slopes Humpe
 * A et al. fitted over 105 autologous and 148 allogeneic collections (Transfusion 2000;40:
 * 1363; only the slopes carry over). C_ref = 19/uL for patients, the median pre-apheresis
 * count of 415 collections (Gidron A et al., BMT 2005;35:243), the series of the default CE
 * (generic-auto); 128/uL for donors, the mean day-5 count of healthy donors on G-CSF
 * 10 ug/kg (Transfus Med 1997;7:19), where donors are collected [interp]. At C = C_ref the
 * model is the proportional one, so a CE preset keeps its meaning there. s = 0: CE falls with
 * the volume (Sarkodee-Adoo C et al., BMT 2003) but no slope is published; a site fits it.
 * The count the morning after an apheresis: x 0.7 (lib/model.c says why), in the forecast
 * and in pbsc_yield_sessions() alike.
 */
#define PBSC_COUNT_REF 19.0
#define PBSC_COUNT_REF_DONOR 128.0
#define PBSC_COUNT_SLOPE 0.8595
#define PBSC_COUNT_SLOPE_DONOR 0.7559
#define PBSC_APHERESIS_RATIO 0.7
typedef struct pbsc_shape {
    double count_ref, count_slope;   /* C_ref, b */
    double volume_ref, volume_slope; /* V_ref (unused when s = 0), s */
    double count_ratio;              /* the next session's count / this one's */
} pbsc_shape;
/* The session's shape, its NAN fields the defaults (a donor's when recipient_kg is given). */
int pbsc_session_shape(const pbsc_session *s, pbsc_shape *sh, pbsc_diag *diag);
/* C_ref x (C / C_ref)^b, and V x (V / V_ref)^s: the count and volume the yield sees. */
double pbsc_shape_count(const pbsc_shape *sh, double count);
double pbsc_shape_volume(const pbsc_shape *sh, double volume);
/* The session's v2 fields from a model (s->recipient_kg set first: a donor's or not). */
void pbsc_model_shape(const pbsc_model *m, pbsc_session *s);

/* A held-out prediction and its outcome; pbsc_auc() is their Mann-Whitney AUC, ties 1/2,
 * NAN without both outcomes (lib/auc.c). s is sorted in place. */
typedef struct pbsc_scored {
    double p;
    int poor;
} pbsc_scored;
double pbsc_auc(pbsc_scored *s, size_t m);

/* Fills diag (if not NULL) and returns status, so a caller can `return pbsc_fail(...)`. */
int pbsc_fail(pbsc_diag *diag, int status, const char *field, double value, const char *fmt, ...)
    PBSC_PRINTF(5, 6);

/* The regimens' words for a message, "gcsf, chemo, upfront or pegfilgrastim" (lib/course.c,
 * from the table behind pbsc_regimen_name()). */
void pbsc_regimen_words(char *buf, size_t size);

/* Validates a required value of quantity q against its plausible range, naming it `field`. */
int pbsc_need(pbsc_quantity q, double value, const char *field, pbsc_diag *diag);

/* Validates an optional value: NAN passes, anything else as pbsc_need(). */
int pbsc_optional(pbsc_quantity q, double value, const char *field, pbsc_diag *diag);

/* The variance of ln(true PB CD34) given the session's count, WBC and CD34+ events: 1/N for
 * N counted events (lib/yield.c; also the forecast's counting error). */
int pbsc_count_variance(const pbsc_session *s, double *var, pbsc_diag *diag);

/* The label's plerixafor dose (lib/plerixafor.c) and how it was worked out. */
int pbsc_plerixafor_label(double weight_kg, double crcl_ml_min, int fixed_dose, double *mg,
                          pbsc_dose_basis *basis, unsigned *warnings, pbsc_diag *diag);
/* The label's motixafortide dose (lib/plerixafor.c): 1.25 mg/kg actual body weight. */
int pbsc_motixafortide_label(double weight_kg, double *mg, pbsc_dose_basis *basis,
                             pbsc_diag *diag);

/* All heap allocation goes through these (lib/alloc.c), so a test can make them fail. */
void *pbsc_alloc(size_t size);
void *pbsc_realloc(void *p, size_t size);
void pbsc_dealloc(void *p);

/* One day of a course: the morning's measures, that day's apheresis, that evening's doses.
 * NAN = not measured. */
typedef struct pbsc_row {
    long day;
    double cd34, wbc, plt, hct;        /* the morning */
    double processed_l, collected;     /* the day's apheresis */
    double plerixafor_mg, motixafortide_mg; /* that evening */
} pbsc_row;

/* The row has an apheresis recorded; an evening dose recorded (either drug). */
#define PBSC_ROW_APHERESIS(r) (!isnan((r)->processed_l) || !isnan((r)->collected))
#define PBSC_ROW_DOSE(r) ((r)->plerixafor_mg > 0.0 || (r)->motixafortide_mg > 0.0)

/* Copies a size-tagged struct from a caller: the fields its size covers over `full`, which
 * holds the defaults; PBSC_E_INVAL when size is below the 1.0 layout's `min`. */
int pbsc_sized_in(void *full, size_t full_size, const void *in, size_t min);
/* Initialises a caller's size-tagged struct of `size` bytes from `full` (the library's
 * defaults): zeroes all of it, copies what both know, sets its size. */
void pbsc_sized_init(void *p, size_t size, const void *full, size_t full_size);
/* Copies `full` out to a caller's size-tagged struct, keeping the caller's size. */
int pbsc_sized_out(void *out, const void *full, size_t full_size, size_t min);

struct pbsc_course {
    pbsc_person person;
    pbsc_regimen regimen;
    double goal;    /* NAN: the policy's default */
    double minimum; /* NAN: the policy's default */
    pbsc_row *days; /* in increasing day order */
    size_t n, cap;
    unsigned warnings;
};

/* The index of the row for `day` (day <= 0: the last row); PBSC_E_NODATA if none. */
int pbsc_course_index(const pbsc_course *c, long day, size_t *index, pbsc_diag *diag);
/* The person's blood volume for the session caps (lib/course.c): Nadler for an adult with
 * height and sex, else the band (PBSC_BAND_AUTO resolved from the age); *band says which. */
int pbsc_person_tbv(const pbsc_person *p, double *litres, pbsc_band *band, pbsc_diag *diag);
/* Known to be under 18 years. */
int pbsc_person_child(const pbsc_person *p);
/* The transplants a course is collected for: the person's, or when not given (0) 2 for a
 * goal at or above the smallest two-transplant target's (tandem8, 8 x10^6/kg), else 1
 * (a NAN goal too) [interp] (lib/course.c). */
#define PBSC_TWO_TRANSPLANT_GOAL 8.0
int pbsc_transplants(const pbsc_course *c, double goal);

/* GITMO's proven-poor criteria (lib/gitmo.c): the G-CSF peak on rows 0..last, the harvest
 * after 3 aphereses on rows 0..n-1; the criterion's text, or NULL. */
const char *pbsc_gitmo_peak(const pbsc_course *c, size_t last);
const char *pbsc_gitmo_harvest(const pbsc_course *c, size_t n, double goal);

/* The site model (lib/model.c): parameters, the CE strings they point to, and the logistic
 * risk model of poor mobilization, term 0 being the intercept. */
#define PBSC_MAX_TERMS 33

/* What a calibration fitted and what it could not (lib/model_fit.c writes and reads it as the
 * pbsc-model(5) keys fitted_parts, floored and the notes). Index of each part's note: */
enum { PBSC_NOTE_CE, PBSC_NOTE_APHERESIS, PBSC_NOTE_RISK, PBSC_NOTES };
#define PBSC_NOTE_SIZE 512
struct pbsc_model_fit {
    unsigned parts;   /* PBSC_PART_* fitted; 0 = not recorded */
    unsigned floored; /* PBSC_PART_* whose sigma was raised to its floor */
    char note[PBSC_NOTES][PBSC_NOTE_SIZE];
};

struct pbsc_model {
    pbsc_model_params p;
    char id[32];      /* "defaults", or a file's `id` */
    char version[16];
    int fitted;
    char hash[17];    /* pbsc_model_rehash() after every change */
    char ce_id[32];
    char ce_device[64];
    char ce_setting[64];
    char ce_source[160];
    size_t terms; /* 0 = no risk model; else the intercept and terms - 1 covariates */
    char name[PBSC_MAX_TERMS][32];
    double coef[PBSC_MAX_TERMS], mean[PBSC_MAX_TERMS], scale[PBSC_MAX_TERMS];
    struct pbsc_model_fit fit; /* all 0 unless fitted by pbsc_calibrate or a file says */
};

/* The literature defaults of a model (pbsc_model_new(3)); checks a parameter set. */
void pbsc_model_defaults(pbsc_model *m);
void pbsc_model_rehash(pbsc_model *m);
/* The literature model, built once per call site on the stack is too slow: a const one. */
const pbsc_model *pbsc_model_default(void);
int pbsc_model_check(const pbsc_model_params *p, pbsc_diag *diag);

/* `key = value` text (lib/kv.c), shared by policy and model files. pbsc_kv_parse calls fn
 * for every line that is not blank or a '#' comment, with the key and value trimmed; a line
 * with no '=', no key or a NUL byte is PBSC_E_PARSE; on any error diag->line is the line. */
typedef int (*pbsc_kv_fn)(void *ctx, const char *key, size_t key_length, const char *value,
                          size_t value_length, pbsc_diag *diag);
int pbsc_kv_parse(const char *text, size_t length, pbsc_kv_fn fn, void *ctx, long *lines,
                  pbsc_diag *diag);
int pbsc_kv_copy(char *buf, size_t size, const char *s, size_t n); /* 0: does not fit */
int pbsc_kv_number(const char *v, size_t n, double *out); /* 0: not a plain finite number */
int pbsc_kv_read_file(const char *path, char **text, size_t *length, pbsc_diag *diag);

/* Text writers (lib/kv.c): a pass with buf NULL measures, a second writes. pbsc_format runs
 * write() twice, snprintf-like, for the pbsc_*_format() functions. */
typedef struct pbsc_out {
    char *buf;
    size_t size, len;
    int hashing;             /* 1: fold the text into `hash` instead of writing it */
    unsigned long long hash; /* FNV-1a 64 */
} pbsc_out;

/* Between lib/model.c and lib/model_file.c: the params' CE strings pointed at the model's
 * own copies, and the pbsc-model(5) writer (also the text the model's hash is of). */
void pbsc_model_own_strings(pbsc_model *m);
void pbsc_model_into(const void *obj, pbsc_out *o);
/* The FNV-1a 64 hash of what write() writes, as 16 hex digits (no allocation). */
void pbsc_hash_text(void (*write)(const void *obj, pbsc_out *o), const void *obj, char hex[17]);
void pbsc_put(pbsc_out *o, const char *fmt, ...) PBSC_PRINTF(2, 3);
void pbsc_put_number(pbsc_out *o, double x);
int pbsc_format(void (*write)(const void *obj, pbsc_out *o), const void *obj, char *buffer,
                size_t size, size_t *needed);

/* The fit record's keys in a model file (lib/model_fit.c). pbsc_model_fit_line: 0 when the
 * key is not one of them, else 1 with *rc the line's status; `seen` tracks duplicates.
 * pbsc_model_fit_check: after the last line, the record agrees with the model.
 * pbsc_model_fit_put: writes the keys that are set (none for a model without a record). */
int pbsc_model_fit_line(pbsc_model *m, const char *k, size_t kn, const char *v, size_t vn,
                        unsigned *seen, int *rc, pbsc_diag *diag);
int pbsc_model_fit_check(const pbsc_model *m, pbsc_diag *diag);
void pbsc_model_fit_put(const pbsc_model *m, pbsc_out *o);

/* Regimen bits of pbsc_policy.regimens. */
#define PBSC_REGIMEN_BIT(r) (1u << (unsigned)(r))
/* Diagnosis bits of pbsc_policy.diagnoses (PBSC_DX_UNKNOWN's bit is never set). */
#define PBSC_DX_BIT(d) (1u << (unsigned)(d))

/* A decision policy: data for the one engine of lib/decide.c. NAN or 0 = "not used",
 * as each field says. lib/policy.c's key table maps each field to its policy-file key. */
struct pbsc_policy {
    int allocated; /* 1: from pbsc_policy_parse(), freed by pbsc_policy_free() */
    char id[32];
    char version[16];
    char name[160];
    char source[256];
    char provenance[256];
    unsigned regimens;       /* PBSC_REGIMEN_BIT() of each regimen covered */
    double goal;             /* default goal when the course has none; NAN = none */
    double minimum;          /* default minimum; NAN = none */
    long assess_day;         /* first assessment day (G-CSF days) */
    long assess_last_day;    /* last assessment day; 0 = until max_day */
    long collect_day;        /* earliest apheresis day */
    double recovery_wbc;     /* chemo: assessment starts when WBC > this, x10^9/L */
    int collect_at_recovery; /* chemo: a passing count from recovery on collects that day */
    double plerixafor_below; /* plerixafor when CD34 < this (<= if inclusive) */
    int plerixafor_inclusive;
    double plerixafor_below_multi; /* the same when goal > multi_goal_above; NAN = same */
    double multi_goal_above;
    int multi_transplants; /* the multi threshold when the course is for two transplants
                              (pbsc_transplants()); excludes multi_goal_above */
    double plerixafor_wbc_above;        /* the plerixafor rule also needs WBC > this; NAN = no */
    double undefined_below;             /* CD34 < this on assessment: outside policy; NAN = no */
    double band_low, band_high;         /* extra G-CSF day when CD34 in [low, high]; NAN = no */
    long band_days;                     /* how many extra days */
    double band_plerixafor_below;       /* after the extra days: plerixafor when CD34 < this */
    double y1_salvage_below;            /* salvage plerixafor when the first yield < this */
    double yd_salvage_below;            /* ... when a later day's yield < this */
    double fail_after_plerixafor_below; /* stop, failed, when CD34 < this after plerixafor */
    int fail_gitmo;                     /* stop, failed, when GITMO says proven poor */
    long max_plerixafor_doses;
    long max_sessions;
    long max_day;
    double session_tbv_multiple; /* per-session cap, x TBV */
    double session_litres;       /* per-session cap, L; NAN = none */
    double volume_probability;   /* volume to process: P(today reaches the remaining dose) */
    double level;                /* interval level of the projection */
    int plerixafor_fixed_dose;   /* <= 83 kg: 20 mg (13 mg renal) fixed, not per kg */
    unsigned scope;              /* PBSC_SCOPE_* bits */
    unsigned diagnoses;          /* PBSC_DX_BIT() of each diagnosis covered; 0 = any */
    int forecast;                /* the model-based engine (lib/engine_forecast.c) */
    double forecast_p_below;     /* plerixafor when P(goal without it) < this */
    double forecast_min_yield;   /* collect when today's median yield >= this, x10^6/kg */
    double forecast_min_gain;    /* ... and only when plerixafor raises P(goal) this much */
    double forecast_futile_below; /* stop when P(minimum) < this with and without it */
    long forecast_draws;         /* Monte Carlo draws per estimate */
    long forecast_seed;          /* the generator's seed: decisions are reproducible */
    /* the planned schedules (pbsc-policy(5)); a site file writes them only when set, so
     * the hash of a policy without them is what it was before they existed */
    pbsc_drug planned_drug; /* a mobilizer planned whatever the count; NONE = none */
    long planned_day;       /* the evening of its first dose; 0 = none */
    long planned_every;     /* a dose before the 1st, (1 + every)th, ... apheresis */
    long planned_doses;     /* at most this many doses of it */
    double collect_above;   /* collect only when CD34 > this, else wait; NAN = no */
    long split_sessions;    /* the remaining dose is planned over this many sessions */
    char hash[17]; /* FNV-1a 64 of its pbsc-policy(5) text: pinned for presets, computed by
                      pbsc_policy_parse() (tests/check_presets.c recomputes the pinned ones) */
};

/* What a site policy file starts from before its keys are read (lib/presets.c). */
const pbsc_policy *pbsc_policy_site_defaults(void);

/* The hash of a policy's pbsc-policy(5) text (the writer's comment line aside). */
void pbsc_policy_hash(const pbsc_policy *p, char hex[17]);

/* PBSC_E_CONFLICT, the line of `id` in diag, when p (parsed from text) takes a preset's id
 * and is not that preset (lib/policy_identity.c). */
int pbsc_policy_check_identity(const pbsc_policy *p, const char *text, size_t length,
                               pbsc_diag *diag);

#endif /* PBSC_PRIVATE_H */
