/* SPDX-License-Identifier: MIT */
/* The decision record's members (pbsc-record(5)): the tables the writer (lib/record.c), the
 * reader (lib/record_read.c, lib/record_load.c) and the replay (lib/record_replay.c) share,
 * one row per member in the record's order, and the names of the enums' values. */
#include "record_private.h"

#include <stddef.h>

/* ---- enum names --------------------------------------------------------------------- */

static const char *
name_in(const char *const *names, size_t n, int value)
{
    return value >= 0 && (size_t)value < n ? names[value] : NULL;
}

#define NAMES(fn, ...)                                                                             \
    static const char *fn(int value)                                                               \
    {                                                                                              \
        static const char *const names[] = {__VA_ARGS__};                                          \
        return name_in(names, sizeof names / sizeof names[0], value);                              \
    }

/* In enum order; the action, moment, drug and diagnosis names are the library's
 * (pbsc_action_name(3) ...), tests/check_record.c compares them. */
NAMES(moment_name, "morning", "evening")
NAMES(action_name, "wait", "collect", "plerixafor", "stop-goal", "stop-minimum", "stop-failed",
      "need-count", "outside-policy", "continue")
NAMES(drug_name, "none", "plerixafor", "motixafortide")
NAMES(basis_name, "none", "per-kg", "fixed", "renal-per-kg", "renal-fixed", "capped")
NAMES(band_name, "adult", "child", "neonate", "auto", "nadler")
NAMES(sex_name, "unknown", "male", "female")
NAMES(diagnosis_name, "unknown", "MM", "NHL", "HL", "AL", "ST", "other")

/* The regimen's word is the library's (pbsc_regimen_name(3)): the one table. */
const char *
pbsc_rec_regimen_name(int value)
{
    return value >= 0 ? pbsc_regimen_name((pbsc_regimen)value) : NULL;
}

/* ---- the member tables --------------------------------------------------------------- */

#define F(type, member, kind)                                                                      \
    {#member, kind, offsetof(type, member), sizeof(((type *)0)->member), NULL}
#define E(type, member, fn) {#member, R_ENUM, offsetof(type, member), sizeof(int), fn}
#define OPEN(type, member) {#member, R_OPEN, offsetof(type, member), 0, NULL}
#define CLOSE {"", R_CLOSE, 0, 0, NULL}
#define DEC(member, kind) F(pbsc_decision, member, kind)

const pbsc_rfield pbsc_rec_decision[] = {
    DEC(day, R_LONG),
    E(pbsc_decision, moment, moment_name),
    E(pbsc_decision, action, action_name),
    DEC(rule, R_STR),
    DEC(reason, R_STR),
    DEC(decided_day, R_LONG),
    E(pbsc_decision, decided_moment, moment_name),
    OPEN(pbsc_decision, tonight),
    E(pbsc_decision, tonight.drug, drug_name),
    DEC(tonight.mg, R_DOUBLE),
    DEC(tonight.number, R_INT),
    DEC(tonight.apheresis_day, R_LONG),
    DEC(tonight.salvage, R_BOOL),
    E(pbsc_decision, tonight.basis, basis_name),
    CLOSE,
    DEC(cd34, R_DOUBLE),
    DEC(wbc, R_DOUBLE),
    DEC(threshold, R_DOUBLE),
    DEC(goal, R_DOUBLE),
    DEC(minimum, R_DOUBLE),
    DEC(collected, R_DOUBLE),
    DEC(remaining, R_DOUBLE),
    DEC(aphereses, R_SIZE),
    DEC(plerixafor_doses, R_SIZE),
    DEC(volume_l, R_DOUBLE),
    OPEN(pbsc_decision, projection),
    DEC(projection.median, R_DOUBLE),
    DEC(projection.lower, R_DOUBLE),
    DEC(projection.upper, R_DOUBLE),
    DEC(projection.level, R_DOUBLE),
    DEC(projection.dose, R_DOUBLE),
    DEC(projection.p_dose, R_DOUBLE),
    DEC(projection.volume_l, R_DOUBLE),
    DEC(projection.tbv_l, R_DOUBLE),
    DEC(projection.sigma, R_DOUBLE),
    CLOSE,
    DEC(warnings, R_WARN),
    DEC(p_goal_without, R_DOUBLE),
    DEC(p_goal_with, R_DOUBLE),
    E(pbsc_decision, blood_volume, band_name),
    DEC(tbv_l, R_DOUBLE),
    DEC(policy_id, R_STR),
    DEC(policy_version, R_STR),
    DEC(policy_hash, R_STR),
    DEC(library_version, R_STR),
    DEC(model_id, R_STR),
    DEC(model_version, R_STR),
    DEC(model_fitted, R_BOOL),
    DEC(model_hash, R_STR),
    DEC(ce_id, R_STR),
    DEC(ce_median, R_DOUBLE),
    DEC(ce_sigma, R_DOUBLE),
};
const size_t pbsc_rec_decision_n = sizeof pbsc_rec_decision / sizeof pbsc_rec_decision[0];

const pbsc_rfield pbsc_rec_person[] = {
    F(pbsc_person, weight_kg, R_DOUBLE),
    F(pbsc_person, height_cm, R_DOUBLE),
    E(pbsc_person, sex, sex_name),
    F(pbsc_person, age_years, R_DOUBLE),
    F(pbsc_person, crcl_ml_min, R_DOUBLE),
    F(pbsc_person, recipient_kg, R_DOUBLE),
    E(pbsc_person, band, band_name),
    E(pbsc_person, diagnosis, diagnosis_name),
    F(pbsc_person, transplants, R_INT),
};
const size_t pbsc_rec_person_n = sizeof pbsc_rec_person / sizeof pbsc_rec_person[0];

/* The course CSV's column names (pbsc-decide(1)). */
#define ROW(name, member) {name, R_DOUBLE, offsetof(pbsc_row, member), sizeof(double), NULL}
const pbsc_rfield pbsc_rec_row[] = {
    F(pbsc_row, day, R_LONG),
    ROW("cd34", cd34),
    ROW("wbc", wbc),
    ROW("plt", plt),
    ROW("hct", hct),
    ROW("processed_l", processed_l),
    ROW("collected_e6_per_kg", collected),
    ROW("plerixafor_mg", plerixafor_mg),
    ROW("motixafortide_mg", motixafortide_mg),
};
const size_t pbsc_rec_row_n = sizeof pbsc_rec_row / sizeof pbsc_rec_row[0];
