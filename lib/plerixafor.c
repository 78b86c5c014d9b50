/* SPDX-License-Identifier: MIT */
/* The plerixafor dose of the US label, by actual body weight and renal function; the
 * motixafortide dose of its US label. */
#include "pbsc_private.h"

#include <math.h>

/*
 * US prescribing information (pbsc-sources(7)): <= 83 kg, 20 mg fixed or 0.24 mg/kg;
 * > 83 kg, 0.24 mg/kg; at most 40 mg/day. CrCl <= 50 mL/min: <= 83 kg, 13 mg fixed or
 * 0.16 mg/kg; > 83 kg (to < 160 kg), 0.16 mg/kg; at most 27 mg/day.
 */
#define FIXED_WEIGHT_KG 83.0
#define RENAL_CRCL 50.0
#define RENAL_LABEL_MAX_KG 160.0

int
pbsc_plerixafor_label(double weight_kg, double crcl_ml_min, int fixed_dose, double *mg,
                      pbsc_dose_basis *basis, unsigned *warnings, pbsc_diag *diag)
{
    unsigned w = 0;
    double per_kg, fixed, max;
    int renal, rc;

    if ((rc = pbsc_need(PBSC_Q_WEIGHT_KG, weight_kg, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_CRCL, crcl_ml_min, NULL, diag)) != PBSC_OK)
        return rc;
    if (isnan(crcl_ml_min))
        w |= PBSC_W_CRCL_UNKNOWN; /* dosed as for normal renal function */
    renal = crcl_ml_min <= RENAL_CRCL;
    per_kg = renal ? 0.16 : 0.24;
    fixed = renal ? 13.0 : 20.0;
    max = renal ? 27.0 : 40.0;
    if (renal && weight_kg >= RENAL_LABEL_MAX_KG)
        w |= PBSC_W_OFF_LABEL_DOSE;
    if (fixed_dose && weight_kg <= FIXED_WEIGHT_KG) {
        *mg = fixed;
        *basis = renal ? PBSC_DOSE_RENAL_FIXED : PBSC_DOSE_FIXED;
    } else if (per_kg * weight_kg > max) {
        *mg = max;
        *basis = PBSC_DOSE_CAPPED;
    } else {
        *mg = per_kg * weight_kg;
        *basis = renal ? PBSC_DOSE_RENAL_PER_KG : PBSC_DOSE_PER_KG;
    }
    *warnings = w;
    return PBSC_OK;
}

PBSC_API int
pbsc_plerixafor_dose(double weight_kg, double crcl_ml_min, int fixed_dose, double *mg,
                     unsigned *warnings, pbsc_diag *diag)
{
    pbsc_dose_basis basis;
    unsigned w;
    double dose;
    int rc;

    if (mg == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "mg", NAN, "output pointer is NULL");
    if ((rc = pbsc_plerixafor_label(weight_kg, crcl_ml_min, fixed_dose, &dose, &basis, &w,
                                    diag)) != PBSC_OK)
        return rc;
    *mg = dose;
    if (warnings != NULL)
        *warnings = w;
    return PBSC_OK;
}

/*
 * Motixafortide, US prescribing information (APHEXDA; pbsc-sources(7)): "The recommended
 * dosage of APHEXDA is 1.25 mg/kg ... Dosing is based on actual body weight." The label's
 * dosage section states no maximum dose and no renal or fixed-dose option: none is applied.
 */
#define MOTIXAFORTIDE_MG_PER_KG 1.25

int
pbsc_motixafortide_label(double weight_kg, double *mg, pbsc_dose_basis *basis, pbsc_diag *diag)
{
    int rc;

    if ((rc = pbsc_need(PBSC_Q_WEIGHT_KG, weight_kg, NULL, diag)) != PBSC_OK)
        return rc;
    *mg = MOTIXAFORTIDE_MG_PER_KG * weight_kg;
    *basis = PBSC_DOSE_PER_KG;
    return PBSC_OK;
}
