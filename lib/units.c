/* SPDX-License-Identifier: MIT */
/* Unit conversions and the plausible range of every quantity the library accepts. */
#include "pbsc_private.h"

#include <math.h>

/*
 * Input sanity limits (not clinical thresholds): a value outside them is almost surely a unit
 * or typing error. Weight 2-350 kg, PB CD34 0-5000/uL and CE (0, 1.5] are design choices;
 * CE above 1 happens (recruitment during long procedures: Rowley, BMT 2001). The others are
 * set wide on purpose: height 30-250 cm spans neonates to the tallest adults; WBC up to 500
 * x10^9/L and platelets up to 2000 x10^9/L admit leukocytosis and thrombocytosis; 60 L
 * processed exceeds 5.3 x TBV (the largest LVL reported) for a 10 L blood volume;
 * at most PBSC_SESSION_TBV_CEILING (5.3) x TBV per session, the largest volume reported in one
 * session (Abrahamsen, Transfusion 2005;45:248); doses from 0.001 (1,000 cells/kg: far below
 * any target, and a volume for less underflows) up to 100 x10^6/kg; a session of at most 24 h
 * at an inlet flow of at most 300 mL/min; a course of at most a year of days; age 0-120 years;
 * creatinine clearance up to 300 mL/min. Plerixafor at most 40 mg in a day is the label's
 * maximum daily dose (US label), so more is a typing error.
 */
static const pbsc_limits limits[PBSC_Q_COUNT_] = {
    [PBSC_Q_WEIGHT_KG] = {"weight_kg", "kg", 2.0, 350.0, 0, 0},
    [PBSC_Q_HEIGHT_CM] = {"height_cm", "cm", 30.0, 250.0, 0, 0},
    [PBSC_Q_CD34_UL] = {"cd34", "cells/uL", 0.0, 5000.0, 0, 0},
    [PBSC_Q_CD34_PERCENT] = {"cd34_percent", "%", 0.0, 100.0, 0, 0},
    [PBSC_Q_WBC] = {"wbc", "x10^9/L", 0.0, 500.0, 0, 0},
    [PBSC_Q_PLT] = {"plt", "x10^9/L", 0.0, 2000.0, 0, 0},
    [PBSC_Q_VOLUME_L] = {"volume_l", "L", 0.0, 60.0, 1, 0},
    [PBSC_Q_TBV_MULTIPLE] = {"tbv_multiple", "x TBV", 0.0, PBSC_SESSION_TBV_CEILING, 1, 0},
    [PBSC_Q_CE] = {"ce", "fraction", 0.0, 1.5, 1, 0},
    [PBSC_Q_CE_SIGMA] = {"ce_sigma", "SD of ln CE", 0.0, 2.0, 0, 0},
    [PBSC_Q_DOSE] = {"dose", "x10^6/kg", 0.001, 100.0, 0, 0},
    [PBSC_Q_LEVEL] = {"level", "", 0.0, 1.0, 1, 1},
    [PBSC_Q_CD34_EVENTS] = {"cd34_events", "events", 0.0, 1e7, 0, 0},
    [PBSC_Q_MINUTES] = {"minutes", "min", 0.0, 1440.0, 1, 0},
    [PBSC_Q_FLOW_ML_MIN] = {"flow_ml_min", "mL/min", 0.0, 300.0, 1, 0},
    [PBSC_Q_DAY] = {"day", "", 1.0, 366.0, 0, 0},
    [PBSC_Q_AGE_YEARS] = {"age_years", "years", 0.0, 120.0, 0, 0},
    [PBSC_Q_CRCL] = {"crcl_ml_min", "mL/min", 0.0, 300.0, 0, 0},
    [PBSC_Q_PLERIXAFOR_MG] = {"plerixafor_mg", "mg", 0.0, 40.0, 0, 0},
    [PBSC_Q_COLLECTED] = {"collected", "x10^6/kg", 0.0, 100.0, 0, 0},
    /* a percentage; sanity only */
    [PBSC_Q_HCT] = {"hct", "%", 0.0, 100.0, 1, 0},
    /* 1.25 mg/kg (label) at the 350 kg weight limit is 437.5 mg: sanity only */
    [PBSC_Q_MOTIXAFORTIDE_MG] = {"motixafortide_mg", "mg", 0.0, 500.0, 0, 0},
};

PBSC_API int
pbsc_range(pbsc_quantity q, const pbsc_limits **out)
{
    if (out == NULL || (int)q < 0 || q >= PBSC_Q_COUNT_)
        return PBSC_E_INVAL;
    *out = &limits[q];
    return PBSC_OK;
}

static int
check_value(pbsc_quantity q, double v, const char *field, pbsc_diag *diag)
{
    const pbsc_limits *l = &limits[q];
    char a[32], lo[32], hi[32];

    if (field == NULL)
        field = l->name;
    if (isnan(v))
        return pbsc_fail(diag, PBSC_E_MISSING, field, v, "%s is required but not measured (NAN)",
                         field);
    if (isinf(v))
        return pbsc_fail(diag, PBSC_E_NOTFINITE, field, v, "%s is infinite", field);
    if (v < 0.0 && l->min >= 0.0)
        return pbsc_fail(diag, PBSC_E_NEGATIVE, field, v, "%s is negative (%s%s%s)", field,
                         pbsc_num(a, v), *l->unit ? " " : "", l->unit);
    if (v < l->min || v > l->max || (l->min_open && v == l->min) || (l->max_open && v == l->max))
        return pbsc_fail(diag, PBSC_E_RANGE, field, v, "%s %s%s%s is outside %s%s, %s%s", field,
                         pbsc_num(a, v), *l->unit ? " " : "", l->unit, l->min_open ? "(" : "[",
                         pbsc_num(lo, l->min), pbsc_num(hi, l->max), l->max_open ? ")" : "]");
    return PBSC_OK;
}

PBSC_API int
pbsc_check(pbsc_quantity q, double value, pbsc_diag *diag)
{
    if ((int)q < 0 || q >= PBSC_Q_COUNT_)
        return pbsc_fail(diag, PBSC_E_INVAL, "quantity", NAN, "unknown quantity %d", (int)q);
    return check_value(q, value, NULL, diag);
}

int
pbsc_need(pbsc_quantity q, double value, const char *field, pbsc_diag *diag)
{
    return check_value(q, value, field, diag);
}

int
pbsc_optional(pbsc_quantity q, double value, const char *field, pbsc_diag *diag)
{
    return isnan(value) ? PBSC_OK : check_value(q, value, field, diag);
}

/* Pounds to kilograms: exact by definition (1 lb = 0.45359237 kg by definition). */
PBSC_API int
pbsc_lb_to_kg(double lb, double *kg, pbsc_diag *diag)
{
    double v = lb * 0.45359237;
    char a[32], b[32], lo[32], hi[32];
    int rc;

    if (kg == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "kg", NAN, "output pointer is NULL");
    if (isnan(lb))
        return pbsc_fail(diag, PBSC_E_MISSING, "weight_lb", lb,
                         "weight_lb is required but not "
                         "measured (NAN)");
    if (isinf(lb))
        return pbsc_fail(diag, PBSC_E_NOTFINITE, "weight_lb", lb, "weight_lb is infinite");
    if (lb < 0.0)
        return pbsc_fail(diag, PBSC_E_NEGATIVE, "weight_lb", lb, "weight_lb is negative (%s lb)",
                         pbsc_num(a, lb));
    rc = check_value(PBSC_Q_WEIGHT_KG, v, "weight_lb", NULL);
    if (rc != PBSC_OK)
        return pbsc_fail(diag, rc, "weight_lb", lb,
                         "weight_lb %s lb (%s kg) is outside [%s, %s] kg", pbsc_num(a, lb),
                         pbsc_num(b, v), pbsc_num(lo, limits[PBSC_Q_WEIGHT_KG].min),
                         pbsc_num(hi, limits[PBSC_Q_WEIGHT_KG].max));
    *kg = v;
    return PBSC_OK;
}

/* 1 cell/uL = 1 x10^6/L = 1 x10^3/mL = 1000 cells/mL = 0.001 x10^6/mL (pbsc-sources(7)). */
PBSC_API int
pbsc_cd34_convert(double value, pbsc_cd34_unit unit, double *cells_ul, pbsc_diag *diag)
{
    char a[32], b[32], lo[32], hi[32];
    double v;
    int rc;

    if (cells_ul == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "cells_ul", NAN, "output pointer is NULL");
    switch (unit) {
    case PBSC_CD34_PER_UL:
    case PBSC_CD34_E6_PER_L:
    case PBSC_CD34_E3_PER_ML:
        v = value;
        break;
    case PBSC_CD34_PER_ML:
        v = value / 1000.0;
        break;
    case PBSC_CD34_E6_PER_ML:
        v = value * 1000.0;
        break;
    default:
        return pbsc_fail(diag, PBSC_E_INVAL, "unit", NAN, "unknown CD34 unit %d", (int)unit);
    }
    if (isnan(value) || isinf(value) || value < 0.0)
        return check_value(PBSC_Q_CD34_UL, value, "cd34", diag);
    /* a finite value whose conversion overflows is out of range, like any other too large */
    rc = check_value(PBSC_Q_CD34_UL, v, "cd34", NULL);
    if (rc != PBSC_OK)
        return pbsc_fail(diag, PBSC_E_RANGE, "cd34", value,
                         "cd34 %s (%s cells/uL) is outside [%s, %s] cells/uL", pbsc_num(a, value),
                         pbsc_num(b, v), pbsc_num(lo, limits[PBSC_Q_CD34_UL].min),
                         pbsc_num(hi, limits[PBSC_Q_CD34_UL].max));
    *cells_ul = v;
    return PBSC_OK;
}

/* cells/uL = %CD34 / 100 x WBC (x10^9/L = x10^3/uL) x 1000 (pbsc-sources(7)). */
PBSC_API int
pbsc_cd34_from_percent(double percent, double wbc, double *cells_ul, pbsc_diag *diag)
{
    double v;
    int rc;

    if (cells_ul == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "cells_ul", NAN, "output pointer is NULL");
    if ((rc = check_value(PBSC_Q_CD34_PERCENT, percent, NULL, diag)) != PBSC_OK ||
        (rc = check_value(PBSC_Q_WBC, wbc, NULL, diag)) != PBSC_OK)
        return rc;
    v = percent / 100.0 * wbc * 1000.0;
    if ((rc = check_value(PBSC_Q_CD34_UL, v, "cd34", diag)) != PBSC_OK)
        return rc;
    *cells_ul = v;
    return PBSC_OK;
}
