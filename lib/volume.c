/* SPDX-License-Identifier: MIT */
/* Total blood volume: Nadler's formulas and the mL/kg rules of thumb. */
#include "pbsc_private.h"

#include <math.h>

/*
 * Nadler SB, Hidalgo JH, Bloch T. Prediction of blood volume in normal human adults.
 * Surgery 1962;51:224-32. H in metres, W in kg, result in litres.
 */
PBSC_API int
pbsc_tbv_nadler(double height_cm, double weight_kg, pbsc_sex sex, double *litres, pbsc_diag *diag)
{
    double h, v;
    int rc;

    if (litres == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "litres", NAN, "output pointer is NULL");
    if ((rc = pbsc_need(PBSC_Q_HEIGHT_CM, height_cm, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_need(PBSC_Q_WEIGHT_KG, weight_kg, NULL, diag)) != PBSC_OK)
        return rc;
    h = height_cm / 100.0;
    switch (sex) {
    case PBSC_SEX_MALE:
        v = 0.3669 * h * h * h + 0.03219 * weight_kg + 0.6041;
        break;
    case PBSC_SEX_FEMALE:
        v = 0.3561 * h * h * h + 0.03308 * weight_kg + 0.1833;
        break;
    case PBSC_SEX_UNKNOWN:
        return pbsc_fail(diag, PBSC_E_MISSING, "sex", NAN,
                         "sex is required by Nadler's formulas (male or female)");
    default:
        return pbsc_fail(diag, PBSC_E_INVAL, "sex", NAN, "unknown sex code %d", (int)sex);
    }
    *litres = v;
    return PBSC_OK;
}

/*
 * mL/kg rules of thumb (pbsc-sources(7)): 70 mL/kg adults; 85 mL/kg prepubertal children;
 * 100 mL/kg neonates. The caller chooses the band: the sources give no age cut-offs.
 */
PBSC_API int
pbsc_tbv_per_kg(double weight_kg, pbsc_band band, double *litres, pbsc_diag *diag)
{
    double ml_per_kg;
    int rc;

    if (litres == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "litres", NAN, "output pointer is NULL");
    switch (band) {
    case PBSC_BAND_ADULT:
        ml_per_kg = 70.0;
        break;
    case PBSC_BAND_CHILD:
        ml_per_kg = 85.0;
        break;
    case PBSC_BAND_NEONATE:
        ml_per_kg = 100.0;
        break;
    default:
        return pbsc_fail(diag, PBSC_E_INVAL, "band", NAN, "unknown blood-volume band %d",
                         (int)band);
    }
    if ((rc = pbsc_need(PBSC_Q_WEIGHT_KG, weight_kg, NULL, diag)) != PBSC_OK)
        return rc;
    *litres = weight_kg * ml_per_kg / 1000.0;
    return PBSC_OK;
}
