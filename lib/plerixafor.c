/* SPDX-License-Identifier: MIT */
/* The plerixafor dose of the US label, by actual body weight and renal function. */
#include "pbsc_private.h"

#include <math.h>

/*
 * US prescribing information (DOMAIN.md section 6): <= 83 kg, 20 mg fixed or 0.24 mg/kg;
 * > 83 kg, 0.24 mg/kg; at most 40 mg/day. CrCl <= 50 mL/min: <= 83 kg, 13 mg fixed or
 * 0.16 mg/kg; > 83 kg (to < 160 kg), 0.16 mg/kg; at most 27 mg/day.
 */
#define FIXED_WEIGHT_KG 83.0
#define RENAL_CRCL 50.0
#define RENAL_LABEL_MAX_KG 160.0

PBSC_API int
pbsc_plerixafor_dose(double weight_kg, double crcl_ml_min, int fixed_dose, double *mg,
                     unsigned *warnings, pbsc_diag *diag)
{
    unsigned w = 0;
    double dose;
    int renal, rc;

    if (mg == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "mg", NAN, "output pointer is NULL");
    if ((rc = pbsc_need(PBSC_Q_WEIGHT_KG, weight_kg, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_CRCL, crcl_ml_min, NULL, diag)) != PBSC_OK)
        return rc;
    if (isnan(crcl_ml_min))
        w |= PBSC_W_CRCL_UNKNOWN; /* dosed as for normal renal function */
    renal = crcl_ml_min <= RENAL_CRCL;
    if (renal) {
        dose = fixed_dose && weight_kg <= FIXED_WEIGHT_KG ? 13.0 : 0.16 * weight_kg;
        dose = fmin(dose, 27.0);
        if (weight_kg >= RENAL_LABEL_MAX_KG)
            w |= PBSC_W_OFF_LABEL_DOSE;
    } else {
        dose = fixed_dose && weight_kg <= FIXED_WEIGHT_KG ? 20.0 : 0.24 * weight_kg;
        dose = fmin(dose, 40.0);
    }
    *mg = dose;
    if (warnings != NULL)
        *warnings = w;
    return PBSC_OK;
}
