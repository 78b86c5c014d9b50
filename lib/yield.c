/* SPDX-License-Identifier: MIT */
/* One apheresis session: the yield distribution, P(yield >= dose), the volume for a dose,
 * and the sessions needed under per-session caps. */
#include "pbsc_private.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

/*
 * The model (pbsc(3), "YIELD MODEL"; the yield model v2 of lib/pbsc_private.h):
 *   yield = CE x C_ref x (CD34_true / C_ref)^b x V x (V / V_ref)^s / W_recipient
 *   ln CE ~ N(ln median, s_ce^2)                       (the CE model, between sessions)
 *   ln CD34_true ~ N(ln CD34_measured, 1/N)            (Poisson counting of N events)
 * so ln yield ~ N(ln(median yield), s_ce^2 + b^2/N), a log-normal: the counting error of
 * ln CD34 enters ln yield times b.
 *
 * N is the number of CD34+ events the count rests on: the caller's, or CD34 x the blood
 * volume counted. ISHAGE (Sutherland DR et al., J Hematother 1996;5:213) acquires at least
 * 75,000 CD45+ events, i.e. 75,000 / (WBC x 1000) uL of blood, from 100 uL stained in the
 * single-platform method. When WBC is unknown we assume 50 x10^9/L: no source gives a
 * default; a high WBC means little blood counted, so this errs wide (conservative).
 * A positive count rests on at least one event, so 1/N is at most 1. The published CE2
 * spreads were themselves measured against a noisy pre-count, and over counts spread around
 * C_ref (part of their spread is the count's (1 - b) ln(C / C_ref)): adding the counting
 * error counts part of it twice, so the interval errs wide, never narrow.
 *
 * Known limit: with count-dependent sigma, P(yield >= dose) can dip as the count rises when
 * the dose lies far above the median (ln(dose/median) > 2 (s^2 N / b + b));
 * over PB CD34 2-500/uL and every preset this happens only where P < 1e-5
 * (tests/check_yield.c pins it).
 */
#define ISHAGE_CD45_EVENTS 75000.0
#define STAINED_UL 100.0
#define DEFAULT_WBC 50.0

/* The sessions pbsc_caps_init() allows for a dose: the pivotal plerixafor trials collected
 * daily for up to 4 days (DiPersio JF et al., J Clin Oncol 2009;27:4767 and Blood 2009;113:
 * 5720). A caller sets its own count, or NAN for none. */
#define DEFAULT_SESSIONS 4.0

struct model {
    double median; /* median yield, x10^6/kg recipient (per litre the shape sees) */
    double sigma;  /* SD of ln yield */
    double tbv_l;
    double volume_l;
    pbsc_shape shape;
};

PBSC_API void
pbsc_session_init(pbsc_session *s)
{
    if (s == NULL)
        return;
    s->cd34 = NAN;
    s->weight_kg = NAN;
    s->recipient_kg = NAN;
    s->height_cm = NAN;
    s->sex = PBSC_SEX_UNKNOWN;
    s->band = PBSC_BAND_ADULT;
    s->volume_l = NAN;
    s->tbv_multiple = NAN;
    s->wbc = NAN;
    s->cd34_events = NAN;
    s->count_ref = NAN;
    s->count_slope = NAN;
    s->volume_ref = NAN;
    s->volume_slope = NAN;
    s->count_ratio = NAN;
}

/* An optional shape field: NAN gives the default; else within [lo, hi] (lo excluded when
 * open). Input sanity limits of a fitted parameter, not clinical ones. */
static int
shape_field(double v, double def, double lo, int open, double hi, const char *name,
            double *out, pbsc_diag *diag)
{
    if (isnan(v)) {
        *out = def;
        return PBSC_OK;
    }
    if (!(open ? v > lo : v >= lo) || !(v <= hi))
        return pbsc_fail(diag, isinf(v) ? PBSC_E_NOTFINITE : PBSC_E_RANGE, name, v,
                         "%s %g is outside %c%g, %g]", name, v, open ? '(' : '[', lo, hi);
    *out = v;
    return PBSC_OK;
}

int
pbsc_session_shape(const pbsc_session *s, pbsc_shape *sh, pbsc_diag *diag)
{
    int donor = !isnan(s->recipient_kg), rc;

    if ((rc = shape_field(s->count_ref, donor ? PBSC_COUNT_REF_DONOR : PBSC_COUNT_REF, 0.0, 1,
                          5000.0, "count_ref", &sh->count_ref, diag)) != PBSC_OK ||
        (rc = shape_field(s->count_slope, donor ? PBSC_COUNT_SLOPE_DONOR : PBSC_COUNT_SLOPE, 0.0,
                          1, 2.0, "count_slope", &sh->count_slope, diag)) != PBSC_OK ||
        (rc = shape_field(s->volume_slope, 0.0, -0.9, 0, 1.0, "volume_slope", &sh->volume_slope,
                          diag)) != PBSC_OK ||
        (rc = shape_field(s->count_ratio, PBSC_APHERESIS_RATIO, 0.0, 1, 100.0, "count_ratio",
                          &sh->count_ratio, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_VOLUME_L, s->volume_ref, "volume_ref", diag)) != PBSC_OK)
        return rc;
    sh->volume_ref = s->volume_ref;
    if (sh->volume_slope != 0.0 && !(sh->volume_ref > 0.0))
        return pbsc_fail(diag, PBSC_E_MISSING, "volume_ref", s->volume_ref,
                         "volume_slope %g needs the volume_ref it is relative to",
                         sh->volume_slope);
    return PBSC_OK;
}

double
pbsc_shape_count(const pbsc_shape *sh, double count)
{
    return sh->count_slope == 1.0 ? count
                                  : sh->count_ref * pow(count / sh->count_ref, sh->count_slope);
}

double
pbsc_shape_volume(const pbsc_shape *sh, double volume)
{
    return sh->volume_slope == 0.0 ? volume
                                   : volume * pow(volume / sh->volume_ref, sh->volume_slope);
}

/* The volume V whose pbsc_shape_volume() is e: V_ref (e / V_ref)^(1 / (1 + s)). */
static double
shape_volume_inverse(const pbsc_shape *sh, double e)
{
    return sh->volume_slope == 0.0
               ? e
               : sh->volume_ref * pow(e / sh->volume_ref, 1.0 / (1.0 + sh->volume_slope));
}

PBSC_API void
pbsc_caps_init(pbsc_caps *caps)
{
    if (caps == NULL)
        return;
    caps->tbv_multiple = NAN;
    caps->litres = NAN;
    caps->minutes = NAN;
    caps->flow_ml_min = NAN;
    caps->sessions = DEFAULT_SESSIONS;
}

/* Nadler when height and sex are known for an adult, else the band's mL/kg rule. */
PBSC_API int
pbsc_session_tbv(const pbsc_session *s, double *litres, pbsc_diag *diag)
{
    int rc;

    if (s == NULL || litres == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, s == NULL ? "session" : "litres", NAN,
                         "NULL argument");
    if ((rc = pbsc_optional(PBSC_Q_HEIGHT_CM, s->height_cm, NULL, diag)) != PBSC_OK)
        return rc;
    if (s->sex != PBSC_SEX_UNKNOWN && s->sex != PBSC_SEX_MALE && s->sex != PBSC_SEX_FEMALE)
        return pbsc_fail(diag, PBSC_E_INVAL, "sex", NAN, "unknown sex code %d", (int)s->sex);
    if (s->band == PBSC_BAND_ADULT && !isnan(s->height_cm) && s->sex != PBSC_SEX_UNKNOWN)
        return pbsc_tbv_nadler(s->height_cm, s->weight_kg, s->sex, litres, diag);
    return pbsc_tbv_per_kg(s->weight_kg, s->band, litres, diag);
}

static int
check_ce(const pbsc_ce_model *ce, pbsc_diag *diag)
{
    int rc;

    if (ce == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "ce", NAN, "CE model is NULL");
    if ((rc = pbsc_need(PBSC_Q_CE, ce->median, "ce_median", diag)) != PBSC_OK)
        return rc;
    return pbsc_need(PBSC_Q_CE_SIGMA, ce->sigma, "ce_sigma", diag);
}

/* Variance of ln(true count) given the measured count: 1/N for N counted events. */
int
pbsc_count_variance(const pbsc_session *s, double *var, pbsc_diag *diag)
{
    double wbc, counted_ul, events;
    int rc;

    if ((rc = pbsc_optional(PBSC_Q_WBC, s->wbc, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_CD34_EVENTS, s->cd34_events, NULL, diag)) != PBSC_OK)
        return rc;
    if (s->cd34 == 0.0) {
        *var = 0.0;
        return PBSC_OK;
    }
    if (!isnan(s->cd34_events)) {
        if (s->cd34_events < 1.0)
            return pbsc_fail(diag, PBSC_E_CONFLICT, "cd34_events", s->cd34_events,
                             "cd34_events %g is under one event but cd34 is %g/uL", s->cd34_events,
                             s->cd34);
        *var = 1.0 / s->cd34_events;
        return PBSC_OK;
    }
    wbc = isnan(s->wbc) ? DEFAULT_WBC : s->wbc;
    counted_ul = wbc > 0.0 ? ISHAGE_CD45_EVENTS / (wbc * 1000.0) : STAINED_UL;
    if (counted_ul > STAINED_UL)
        counted_ul = STAINED_UL;
    /* A positive count rests on at least one counted event. */
    events = fmax(1.0, s->cd34 * counted_ul);
    *var = 1.0 / events;
    return PBSC_OK;
}

/* Validates the person; on success gives the recipient's weight and the blood volume. */
static int
check_person(const pbsc_session *s, double *recipient, double *tbv, pbsc_diag *diag)
{
    int rc;

    if ((rc = pbsc_need(PBSC_Q_CD34_UL, s->cd34, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_need(PBSC_Q_WEIGHT_KG, s->weight_kg, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_WEIGHT_KG, s->recipient_kg, "recipient_kg", diag)) != PBSC_OK)
        return rc;
    *recipient = isnan(s->recipient_kg) ? s->weight_kg : s->recipient_kg;
    return pbsc_session_tbv(s, tbv, diag);
}

/* The volume of the session from litres or a TBV multiple (exactly one of them). */
static int
session_volume(const pbsc_session *s, double tbv, int recorded, double *volume, pbsc_diag *diag)
{
    int rc;

    if (!isnan(s->volume_l) && !isnan(s->tbv_multiple))
        return pbsc_fail(diag, PBSC_E_CONFLICT, "volume_l", s->volume_l,
                         "give volume_l or tbv_multiple, not both");
    if (isnan(s->volume_l) && isnan(s->tbv_multiple))
        return pbsc_fail(diag, PBSC_E_MISSING, "volume_l", NAN,
                         "volume_l or tbv_multiple is required");
    if (!isnan(s->volume_l)) {
        char a[32];

        if ((rc = pbsc_need(PBSC_Q_VOLUME_L, s->volume_l, NULL, diag)) != PBSC_OK)
            return rc;
        if (!recorded && s->volume_l > PBSC_SESSION_TBV_CEILING * tbv)
            return pbsc_fail(diag, PBSC_E_RANGE, "volume_l", s->volume_l,
                             "volume_l %s L is %.1f x the %.2f L blood volume: beyond the "
                             "%.1f x reported in one session",
                             pbsc_num(a, s->volume_l), s->volume_l / tbv, tbv,
                             PBSC_SESSION_TBV_CEILING);
        *volume = s->volume_l;
        return PBSC_OK;
    }
    if ((rc = pbsc_need(PBSC_Q_TBV_MULTIPLE, s->tbv_multiple, NULL, diag)) != PBSC_OK)
        return rc;
    *volume = s->tbv_multiple * tbv;
    return pbsc_need(PBSC_Q_VOLUME_L, *volume, "volume_l", diag);
}

/* The yield per litre processed (median) and the SD of ln yield, volume aside. */
static int
per_litre(const pbsc_session *s, const pbsc_ce_model *ce, struct model *m, pbsc_diag *diag)
{
    double recipient, var = 0.0;
    int rc;

    if (s == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "session", NAN, "session is NULL");
    if ((rc = check_ce(ce, diag)) != PBSC_OK ||
        (rc = check_person(s, &recipient, &m->tbv_l, diag)) != PBSC_OK ||
        (rc = pbsc_count_variance(s, &var, diag)) != PBSC_OK ||
        (rc = pbsc_session_shape(s, &m->shape, diag)) != PBSC_OK)
        return rc;
    m->median = pbsc_shape_count(&m->shape, s->cd34) * ce->median / recipient;
    m->sigma = sqrt(ce->sigma * ce->sigma + m->shape.count_slope * m->shape.count_slope * var);
    m->volume_l = NAN;
    return PBSC_OK;
}

/* P(yield >= dose) for a log-normal yield of this median and sigma. */
static double
prob_at_least(double median, double sigma, double dose)
{
    if (median <= 0.0)
        return 0.0;
    if (sigma == 0.0)
        return median >= dose ? 1.0 : 0.0;
    return gsl_cdf_ugaussian_Q(log(dose / median) / sigma);
}

static int
project(const pbsc_session *s, const pbsc_ce_model *ce, double level, double dose, int recorded,
        pbsc_projection *out, pbsc_diag *diag)
{
    struct model m;
    double z, spread;
    int rc;

    if (out == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "out", NAN, "output pointer is NULL");
    if ((rc = per_litre(s, ce, &m, diag)) != PBSC_OK ||
        (rc = session_volume(s, m.tbv_l, recorded, &m.volume_l, diag)) != PBSC_OK ||
        (rc = pbsc_need(PBSC_Q_LEVEL, level, "level", diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_DOSE, dose, "dose", diag)) != PBSC_OK)
        return rc;
    m.median *= pbsc_shape_volume(&m.shape, m.volume_l);
    /* upper-tail quantile: 0.5 + level/2 would round to 1 for a level near 1 */
    z = gsl_cdf_ugaussian_Qinv((1.0 - level) / 2.0);
    spread = m.median > 0.0 ? exp(z * m.sigma) : 1.0;
    out->median = m.median;
    out->lower = m.median / spread;
    out->upper = m.median * spread;
    out->level = level;
    out->dose = dose;
    out->p_dose = isnan(dose) ? (double)NAN : prob_at_least(m.median, m.sigma, dose);
    out->volume_l = m.volume_l;
    out->tbv_l = m.tbv_l;
    out->sigma = m.sigma;
    return PBSC_OK;
}

/* A session as recorded (calibration's held-out rows): the volume processed is a fact, even
 * beyond the ceiling for a blood volume estimated from weight alone. */
int
pbsc_yield_project_recorded(const pbsc_session *s, const pbsc_ce_model *ce, double level,
                            double dose, pbsc_projection *out, pbsc_diag *diag)
{
    return project(s, ce, level, dose, 1, out, diag);
}

PBSC_API int
pbsc_yield_project(const pbsc_session *s, const pbsc_ce_model *ce, double level, double dose,
                   pbsc_projection *out, pbsc_diag *diag)
{
    return project(s, ce, level, dose, 0, out, diag);
}

/* The litres the shape sees (pbsc_shape_volume) so that P(yield >= dose) = p:
 * dose / (median per litre) x exp(z_p sigma). */
static int
effective_for(const struct model *m, double dose, double p, double *litres, pbsc_diag *diag)
{
    if (m->median <= 0.0)
        return pbsc_fail(diag, PBSC_E_UNREACHABLE, "cd34", 0.0,
                         "a PB CD34 of 0/uL cannot reach a dose of %g x10^6/kg", dose);
    *litres = dose / m->median * exp(gsl_cdf_ugaussian_Pinv(p) * m->sigma);
    return PBSC_OK;
}

/* Litres so that P(yield >= dose) = p. */
static int
volume_for(const struct model *m, double dose, double p, double *litres, pbsc_diag *diag)
{
    double v = NAN;
    int rc;

    if ((rc = effective_for(m, dose, p, &v, diag)) != PBSC_OK)
        return rc;
    v = shape_volume_inverse(&m->shape, v);
    if (!isfinite(v))
        return pbsc_fail(diag, PBSC_E_UNREACHABLE, "dose", dose,
                         "the volume for %g x10^6/kg is not finite", dose);
    *litres = v;
    return PBSC_OK;
}

/* One session's volume for the dose: unreachable beyond the ceiling, never a plan. */
static int
session_volume_for(const struct model *m, double dose, double p, double *litres,
                   pbsc_diag *diag)
{
    double v = NAN;
    int rc;

    if ((rc = volume_for(m, dose, p, &v, diag)) != PBSC_OK)
        return rc;
    if (v > PBSC_SESSION_TBV_CEILING * m->tbv_l)
        return pbsc_fail(diag, PBSC_E_UNREACHABLE, "dose", dose,
                         "%g x10^6/kg at P %g needs %.1f L, %.1f x the %.2f L blood volume: "
                         "beyond the %.1f x reported in one session",
                         dose, p, v, v / m->tbv_l, m->tbv_l, PBSC_SESSION_TBV_CEILING);
    *litres = v;
    return PBSC_OK;
}

static int
check_dose_p(double dose, double p, pbsc_diag *diag)
{
    int rc;

    if ((rc = pbsc_need(PBSC_Q_DOSE, dose, "dose", diag)) != PBSC_OK)
        return rc;
    return pbsc_need(PBSC_Q_LEVEL, p, "probability", diag);
}

PBSC_API int
pbsc_yield_volume(const pbsc_session *s, const pbsc_ce_model *ce, double dose, double p,
                  double *litres, pbsc_diag *diag)
{
    struct model m;
    int rc;

    if (litres == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "litres", NAN, "output pointer is NULL");
    if ((rc = per_litre(s, ce, &m, diag)) != PBSC_OK ||
        (rc = check_dose_p(dose, p, diag)) != PBSC_OK)
        return rc;
    return session_volume_for(&m, dose, p, litres, diag);
}

/* The litres one session may process: the smallest of the caps given. */
static int
cap_litres(const pbsc_caps *caps, double tbv, double *litres, pbsc_diag *diag)
{
    double cap = INFINITY;
    int rc;

    if (caps == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "caps", NAN, "caps is NULL");
    if ((rc = pbsc_optional(PBSC_Q_TBV_MULTIPLE, caps->tbv_multiple, "caps.tbv_multiple", diag)) !=
            PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_VOLUME_L, caps->litres, "caps.litres", diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_MINUTES, caps->minutes, "caps.minutes", diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_FLOW_ML_MIN, caps->flow_ml_min, "caps.flow_ml_min", diag)) !=
            PBSC_OK)
        return rc;
    if (!isnan(caps->sessions) &&
        !(caps->sessions >= 1.0 && caps->sessions <= 100.0 &&
          caps->sessions == floor(caps->sessions)))
        return pbsc_fail(diag, PBSC_E_RANGE, "caps.sessions", caps->sessions,
                         "caps.sessions must be a whole number in [1, 100] or NAN");
    if (isnan(caps->minutes) != isnan(caps->flow_ml_min))
        return pbsc_fail(diag, PBSC_E_MISSING,
                         isnan(caps->minutes) ? "caps.minutes" : "caps.flow_ml_min", NAN,
                         "a time cap needs both minutes and flow_ml_min");
    if (!isnan(caps->tbv_multiple))
        cap = fmin(cap, caps->tbv_multiple * tbv);
    if (!isnan(caps->litres))
        cap = fmin(cap, caps->litres);
    if (!isnan(caps->minutes))
        cap = fmin(cap, caps->minutes * caps->flow_ml_min / 1000.0);
    if (isinf(cap))
        return pbsc_fail(diag, PBSC_E_MISSING, "caps", NAN,
                         "at least one per-session cap is required");
    *litres = fmin(cap, PBSC_SESSION_TBV_CEILING * tbv);
    return PBSC_OK;
}

/*
 * Sessions, one a day, so that the dose is reached with probability p. Each morning after
 * an apheresis the count is count_ratio x the day before's (median; the forecast's
 * apheresis_ratio, lib/forecast.c), so session j sees C r^j and yields q^j x the first's,
 * q = r^b; every session shares one CE draw (fully correlated sessions: the conservative
 * choice for p > 0.5, since independent sessions would average their CE out). With R the
 * first session's yields the dose needs, n is the least with 1 + q + ... + q^(n-1) >= R.
 */
static double
sessions_for(double q, double R)
{
    double n;

    if (q == 1.0)
        return fmax(1.0, ceil(R));
    if (q < 1.0 && R * (1.0 - q) >= 1.0)
        return INFINITY; /* the falling count never gets there */
    n = fmax(1.0, ceil(log1p(R * (q - 1.0)) / log(q)));
    /* the logarithms may round a whole number up: one fewer, if it does reach R */
    if (n > 1.0 && n < 1e9 && (1.0 - pow(q, n - 1.0)) / (1.0 - q) >= R * (1.0 - 1e-12))
        n -= 1.0;
    return n;
}

PBSC_API int
pbsc_yield_sessions(const pbsc_session *s, const pbsc_ce_model *ce, const pbsc_caps *caps,
                    double dose, double p, size_t *sessions, double *litres_per_session,
                    pbsc_diag *diag)
{
    struct model m;
    double need = NAN, cap = NAN, q, n;
    int rc;

    if (sessions == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "sessions", NAN, "output pointer is NULL");
    if ((rc = per_litre(s, ce, &m, diag)) != PBSC_OK ||
        (rc = cap_litres(caps, m.tbv_l, &cap, diag)) != PBSC_OK ||
        (rc = check_dose_p(dose, p, diag)) != PBSC_OK ||
        (rc = effective_for(&m, dose, p, &need, diag)) != PBSC_OK)
        return rc;
    q = pow(m.shape.count_ratio, m.shape.count_slope);
    n = sessions_for(q, need / pbsc_shape_volume(&m.shape, cap));
    if (isinf(n))
        return pbsc_fail(diag, PBSC_E_UNREACHABLE, "dose", dose,
                         "%g x10^6/kg at P %g: with the count x%g after each session, sessions "
                         "of %.1f L never reach it",
                         dose, p, m.shape.count_ratio, cap);
    if (n > caps->sessions)
        return pbsc_fail(diag, PBSC_E_UNREACHABLE, "dose", dose,
                         "%g x10^6/kg at P %g needs %.0f sessions of %.1f L, more than the %g "
                         "allowed",
                         dose, p, n, cap, caps->sessions);
    if (n > 1e9)
        return pbsc_fail(diag, PBSC_E_UNREACHABLE, "dose", dose,
                         "%g x10^6/kg needs more than 1e9 sessions of %.1f L", dose, cap);
    *sessions = (size_t)n;
    if (litres_per_session != NULL)
        *litres_per_session = cap;
    return PBSC_OK;
}
