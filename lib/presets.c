/* SPDX-License-Identifier: MIT */
/* The published decision algorithms as data (pbsc-rules(7), pbsc-sources(7)), the defaults a
 * site policy file starts from, and the preset list. The file format is lib/policy.c. */
#include "pbsc_private.h"

#include <math.h>
#include <string.h>

#define GCSF PBSC_REGIMEN_BIT(PBSC_REGIMEN_GCSF)
#define CHEMO PBSC_REGIMEN_BIT(PBSC_REGIMEN_CHEMO_GCSF)
#define UPFRONT PBSC_REGIMEN_BIT(PBSC_REGIMEN_UPFRONT)
#define AUTO PBSC_SCOPE_AUTOLOGOUS
#define DONOR PBSC_SCOPE_DONOR
#define MM PBSC_DX_BIT(PBSC_DX_MYELOMA)
#define NHL PBSC_DX_BIT(PBSC_DX_NHL)
#define HL PBSC_DX_BIT(PBSC_DX_HODGKIN)
#define AL PBSC_DX_BIT(PBSC_DX_AMYLOIDOSIS)

/*
 * Defaults of the general fields, where the literature is silent (pbsc-policy(5)):
 * - at most 4 plerixafor doses: the label's "up to 4 consecutive days" (US label);
 * - at most 4 aphereses: literature silent; the same 4 consecutive days of the label;
 * - the last day of a course, 20: GITMO's horizon for chemo-mobilization (Olivieri, BMT 2012);
 * - chemo: assessment from WBC > 1 x10^9/L after a recorded WBC <= 1 (white-count recovery),
 *   or, no WBC <= 1 recorded, from the first count passing the plerixafor threshold [interp];
 * - per-session cap 3 x TBV: the top of the standard 2-3 x TBV (pbsc-sources(7));
 * - process the volume giving P 0.90 of the remaining dose (capped): ours, a planning choice
 *   that errs towards processing more; interval level 0.90.
 */
#define GENERAL_DEFAULTS                                                                           \
    .recovery_wbc = 1.0, .max_plerixafor_doses = 4, .max_sessions = 4, .max_day = 20,              \
    .session_tbv_multiple = 3.0, .session_litres = NAN, .volume_probability = 0.90, .level = 0.90, \
    .plerixafor_fixed_dose = 0, .scope = AUTO, .diagnoses = 0, .collect_at_recovery = 0,         \
    FORECAST_DEFAULTS, PLANNED_OFF

/*
 * The model-based ("forecast") engine's defaults, off unless `forecast = yes`; ours, not
 * published (pbsc-policy(5)): plerixafor when P(goal within the limits without it) < 0.80,
 * erring towards the patient, and only when it raises P(goal) or P(minimum) by at least 0.10
 * (a dose for a one-point gain is not worth its cost, and smaller gains are within the
 * estimates' noise);
 * collect when today's median yield is >= 0.5 x10^6/kg, the yield Mayo 2013 calls a poor day
 * (BBMT 2013;19:87-93), or >= what remains; stop when the minimum has a chance under 0.05
 * with and without plerixafor (futile: remobilize rather than sit on G-CSF); 10,000 draws
 * (+/- 1 point at 95%).
 */
#define FORECAST_DEFAULTS                                                                          \
    .forecast = 0, .forecast_p_below = 0.80, .forecast_min_yield = 0.5, .forecast_min_gain = 0.10, \
    .forecast_futile_below = 0.05, .forecast_draws = 10000, .forecast_seed = 1

/* No planned mobilizer, no count to wait for, the remaining dose aimed at every session
 * (the keys of the planned schedules: pbsc-policy(5)). */
#define PLANNED_OFF                                                                                \
    .planned_drug = PBSC_DRUG_NONE, .planned_day = 0, .planned_every = 1, .planned_doses = 0,      \
    .collect_above = NAN, .split_sessions = 1

/* Every rule field off; a preset then sets what its source says. */
#define RULES_OFF                                                                                  \
    .goal = NAN, .minimum = NAN, .assess_last_day = 0, .plerixafor_below = NAN,                    \
    .plerixafor_inclusive = 0, .plerixafor_below_multi = NAN, .multi_goal_above = NAN,             \
    .multi_transplants = 0,                                                                        \
    .plerixafor_wbc_above = NAN, .undefined_below = NAN, .band_low = NAN, .band_high = NAN,        \
    .band_days = 0, .band_plerixafor_below = NAN, .y1_salvage_below = NAN,                         \
    .yd_salvage_below = NAN, .fail_after_plerixafor_below = NAN, .fail_gitmo = 0

#define ABSTRACT "read as an abstract (pbsc-sources(7)); thresholds as the abstract prints them"

/* The planned-plerixafor trials (DiPersio 2009, NHL and myeloma): the schedule both share. */
#define PEG PBSC_REGIMEN_BIT(PBSC_REGIMEN_PEGFILGRASTIM)
#define PLANNED_DIPERSIO                                                                           \
    .regimens = UPFRONT, .assess_day = 4, .assess_last_day = 4, .collect_day = 5,                  \
    .max_plerixafor_doses = 4, .max_sessions = 4, .max_day = 8,                                    \
    .planned_drug = PBSC_DRUG_PLERIXAFOR, .planned_day = 4, .planned_every = 1, .planned_doses = 4
#define DIPERSIO_READING                                                                           \
    "read as an abstract; 240 ug/kg given as the label's dose for the weight and renal "         \
    "function (0.24 mg/kg, at most 40 mg) [interp]; no count is read before the first "         \
    "apheresis; no minimum stated: the course's"
#define NMDP_SOURCE                                                                                \
    "NMDP policy, as stated in 'Peripheral blood stem cell collection in one day is preferable "  \
    "to two days in unrelated donors' (22,348 donors, 2006-2016; abstract)"

/* Each preset starts from the defaults and overrides what its source says: designated
 * initializers given twice on purpose, the later one wins (C99 6.7.8p19). */
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winitializer-overrides"
#elif defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#endif
static const pbsc_policy presets[] = {
    {GENERAL_DEFAULTS, RULES_OFF, .id = "chen2012", .version = "1",
     .hash = "c7b8e986fa8611d9",
     .name = "OHSU: day-4 CD34 >15 G-CSF alone, 5-15 plerixafor; collect day 5",
     .source = "Chen AI et al., Bone Marrow Transplant 2012;47:1526-9",
     .provenance = ABSTRACT "; scope as the source states it, lymphoma or plasma-cell "
                            "dyscrasias (NHL, HL, MM, AL); below 5/uL the source defines "
                            "nothing: outside policy [interp]",
     .regimens = GCSF, .diagnoses = NHL | HL | MM | AL, .minimum = 2.0, .assess_day = 4, .assess_last_day = 4, .collect_day = 5,
     .plerixafor_below = 15.0, .plerixafor_inclusive = 1, .undefined_below = 5.0},
    {GENERAL_DEFAULTS, RULES_OFF, .id = "mayo2013-p1", .version = "1",
     .hash = "5eda4b607bc458a8",
     .name = "Mayo risk-adapted 1: day-4 or day-5 CD34 <10 plerixafor; any yield <0.5 salvage",
     .source = "Biol Blood Marrow Transplant 2013;19:87-93 (PMID 22922211)", .provenance = ABSTRACT,
     .regimens = GCSF, .assess_day = 4, .assess_last_day = 5, .collect_day = 5,
     .plerixafor_below = 10.0, .y1_salvage_below = 0.5, .yd_salvage_below = 0.5},
    {GENERAL_DEFAULTS, RULES_OFF, .id = "mayo2013-p2", .version = "1",
     .hash = "3d951b3a581512e6",
     .name = "Mayo risk-adapted 2: day-4 CD34 <10 (<20 for several transplants) plerixafor; "
             "Y1 <1.5, later <0.5 salvage",
     .source = "Biol Blood Marrow Transplant 2013;19:87-93 (PMID 22922211)",
     .provenance = ABSTRACT "; 'several transplants' read as 2 planned transplants; not "
                            "given, 2 for a goal >= 8 x10^6/kg (the two-transplant targets), "
                            "else 1 [interp]",
     .regimens = GCSF, .assess_day = 4, .assess_last_day = 4, .collect_day = 5,
     .plerixafor_below = 10.0, .plerixafor_below_multi = 20.0, .multi_transplants = 1,
     .y1_salvage_below = 1.5, .yd_salvage_below = 0.5},
    {GENERAL_DEFAULTS, RULES_OFF, .id = "d5-2012", .version = "1",
     .hash = "df6ec189eecb9a1a",
     .name = "Day-5 CD34 <7 or Y1 <1.3: plerixafor, up to 2 more doses",
     .source = "Bone Marrow Transplant 2012;47:1051-5 (PMID 22080963)",
     .provenance = ABSTRACT "; 'up to 2 more doses' read as 3 doses in all [interp]",
     .regimens = GCSF, .assess_day = 5, .assess_last_day = 5, .collect_day = 5,
     .plerixafor_below = 7.0, .y1_salvage_below = 1.3, .max_plerixafor_doses = 3},
    {GENERAL_DEFAULTS, RULES_OFF, .id = "jit2011", .version = "1",
     .hash = "873f79a5e6af01cb",
     .name = "Just in time: from day 5, CD34 <15 with WBC >10 plerixafor",
     .source = "Transfusion 2011;51:2175 (PMID 21492180)",
     .provenance = ABSTRACT "; 'after >= 5 days of G-CSF' read as from the day-5 count, daily "
                            "to day 20 [interp]; CD34 <15 with WBC <=10 read as: continue "
                            "G-CSF [interp]",
     .regimens = GCSF, .assess_day = 5, .assess_last_day = 0, .collect_day = 5,
     .plerixafor_below = 15.0, .plerixafor_wbc_above = 10.0},
    {GENERAL_DEFAULTS, RULES_OFF, .id = "uk2018", .version = "1",
     .hash = "2a14214b58ca73b8",
     .name = "UK consensus: CD34 <15 after 4 days of G-CSF or at count recovery plerixafor; "
             "Y1 <1.0 salvage",
     .source = "Douglas KW et al., J Clin Apher 2018;33:46-59",
     .provenance = ABSTRACT "; 'after 4 days of G-CSF' read as the day-4 count, apheresis "
                            "day 5 [interp]; chemo: recovery is WBC >1 after a WBC <=1, with "
                            "none a CD34 >=15; collect that day [interp]",
     .regimens = GCSF | CHEMO, .collect_at_recovery = 1, .assess_day = 4, .assess_last_day = 4, .collect_day = 5,
     .plerixafor_below = 15.0, .y1_salvage_below = 1.0},
    {GENERAL_DEFAULTS, RULES_OFF, .id = "tandem2013", .version = "1",
     .hash = "198d2b2688904a57",
     .name = "Day-5 CD34 >20 collect, <10 plerixafor, 10-20 one more G-CSF day then "
             "plerixafor if <20; <10 after plerixafor failed",
     .source = "BMT Tandem Meetings 2013, abstract 2724",
     .provenance = "read as a meeting abstract (pbsc-sources(7)); goal 4, minimum 2; 'remained "
                   "< 10' after plerixafor read as the next morning's count [interp]",
     .regimens = GCSF, .goal = 4.0, .minimum = 2.0, .assess_day = 5, .assess_last_day = 5,
     .collect_day = 5, .plerixafor_below = 10.0, .band_low = 10.0, .band_high = 20.0,
     .band_days = 1, .band_plerixafor_below = 20.0, .fail_after_plerixafor_below = 10.0},
    {GENERAL_DEFAULTS, RULES_OFF, .id = "d5-20-2022", .version = "1",
     .hash = "52fe886f7ab26440",
     .name = "Day-5 CD34 <20: plerixafor, collect day 6",
     .source = "Transfus Apher Sci 2022;61:103303 (PMID 34801430)",
     .provenance = ABSTRACT "; scope as the source states it, myeloma or amyloidosis (MM, AL)",
     .regimens = GCSF, .diagnoses = MM | AL, .assess_day = 5, .assess_last_day = 5, .collect_day = 5,
     .plerixafor_below = 20.0},
    /* Healthy donors (pbsc-sources(7)): G-CSF for 5 days, apheresis on day 5 (Pulsipher,
     * Blood 2008;112:2092); a second apheresis the next day when the first falls short of the
     * recipient's dose (Kayser, Transfus Med Hemother 2023;50:396: 49 of 588 donors); no
     * plerixafor (not licensed for healthy donors). Two aphereses at most [interp]. */
    {GENERAL_DEFAULTS, RULES_OFF, .id = "donor-d5", .version = "1",
     .hash = "3a8233eb40ae3124",
     .name = "Healthy donor: G-CSF 5 days, apheresis day 5, a second on day 6 if short; no "
             "plerixafor",
     .source = "Pulsipher MA et al., Blood 2008;112:2092; Kayser S et al., Transfus Med "
               "Hemother 2023;50:396",
     .provenance = "read as abstracts; two aphereses at most is our reading of the 'second "
                   "apheresis' practice [interp]; no count threshold: the donor is collected "
                   "on day 5 whatever the count",
     .regimens = GCSF, .scope = DONOR, .assess_day = 5, .assess_last_day = 5, .collect_day = 5,
     .max_plerixafor_doses = 0, .max_sessions = 2},
    {GENERAL_DEFAULTS, RULES_OFF, .id = "forecast", .version = "1",
     .hash = "3a895e08dd81e995",
     .name = "Model-based: plerixafor when P(goal within the limits without it) < 0.80; "
             "collect when today's median yield >= 0.5",
     .source = "libpbsc: pbsc_success_estimate(3) with the site model (pbsc_model_new(3))",
     .provenance = "not a published algorithm: thresholds are this library's stated defaults, "
                   "a site sets its own; from day 5, where the plerixafor fold of the default "
                   "model was measured (PMID 22080963)",
     .regimens = GCSF | CHEMO | UPFRONT, .assess_day = 5, .assess_last_day = 0, .collect_day = 5,
     .forecast = 1},
    /* ---- the planned schedules (issue 14): pbsc-rules(7) has each rule, pbsc-sources(7)
     * the sentence each rests on ---------------------------------------------------------- */
    /* DiPersio 2009, both trials: G-CSF 10 ug/kg daily for up to 8 days; plerixafor 240 ug/kg
     * from the evening of day 4, daily for up to 4 days; apheresis daily from day 5 for up to 4
     * days or until the target. */
    {GENERAL_DEFAULTS, RULES_OFF, PLANNED_DIPERSIO, .id = "dipersio2009-nhl", .version = "1",
     .hash = "567906dbcc51eab9",
     .name = "Planned plerixafor (phase III, NHL): evening of day 4 and before each apheresis, "
             "apheresis days 5-8 until >= 5",
     .source = "DiPersio JF et al., J Clin Oncol 2009;27:4767-73 (PMID 19720922)",
     .provenance = DIPERSIO_READING, .goal = 5.0, .diagnoses = NHL},
    {GENERAL_DEFAULTS, RULES_OFF, PLANNED_DIPERSIO, .id = "dipersio2009-mm", .version = "1",
     .hash = "f175252ab26b9ded",
     .name = "Planned plerixafor (phase III, myeloma): evening of day 4 and before each "
             "apheresis, apheresis days 5-8 until >= 6",
     .source = "DiPersio JF et al., Blood 2009;113:5720-6",
     .provenance = DIPERSIO_READING, .goal = 6.0, .diagnoses = MM},
    /* GENESIS and the US label: motixafortide 1.25 mg/kg on day 4, 10-14 h before the first
     * apheresis; apheresis from day 5, up to 4 days; a second dose before a third apheresis
     * if needed; G-CSF days 1-5 (6-8 if needed). No plerixafor in the schedule. */
    {GENERAL_DEFAULTS, RULES_OFF, .id = "genesis2023", .version = "1",
     .hash = "b8d922eef58b5b34",
     .name = "Motixafortide (GENESIS): 1.25 mg/kg on the evening of day 4, apheresis from day 5, "
             "a second dose before a third apheresis",
     .source = "Crees ZD et al., Nat Med 2023;29:869; APHEXDA (motixafortide) US prescribing "
               "information",
     .provenance = "the label and an abstract; 'if necessary' read as: the goal not reached "
                   "after two aphereses [interp]; the dose on day 4's evening [interp]; no "
                   "maximum dose (the label states none); no count read before apheresis 1",
     .regimens = UPFRONT, .diagnoses = MM, .assess_day = 4, .assess_last_day = 4, .collect_day = 5,
     .max_plerixafor_doses = 0, .max_sessions = 4, .max_day = 8,
     .planned_drug = PBSC_DRUG_MOTIXAFORTIDE, .planned_day = 4, .planned_every = 2,
     .planned_doses = 2},
    /* NMDP policy for unrelated donors: 5 days of filgrastim, then 1 day of large-volume
     * apheresis or 2 days of smaller-volume apheresis, the collection centre's choice: one
     * preset for each choice. No plerixafor for a donor. */
    {GENERAL_DEFAULTS, RULES_OFF, .id = "nmdp-donor", .version = "1",
     .hash = "57ae216d0f3ccbdc",
     .name = "Healthy donor, NMDP: filgrastim 5 days, one large-volume apheresis on day 5; no "
             "plerixafor",
     .source = NMDP_SOURCE,
     .provenance = "read as an abstract; 'large volume' read as a session of up to 5.3 x TBV, "
                   "the top of the large-volume range (Abrahamsen, Transfusion 2005) [interp]; "
                   "one session: short of the goal stops there [interp]",
     .regimens = GCSF, .scope = DONOR, .assess_day = 5, .assess_last_day = 5, .collect_day = 5,
     .max_plerixafor_doses = 0, .max_sessions = 1,
     .session_tbv_multiple = PBSC_SESSION_TBV_CEILING},
    {GENERAL_DEFAULTS, RULES_OFF, .id = "nmdp-donor-2day", .version = "1",
     .hash = "bebfdf532a6d1a61",
     .name = "Healthy donor, NMDP: filgrastim 5 days, two smaller-volume aphereses on days 5 "
             "and 6; no plerixafor",
     .source = NMDP_SOURCE,
     .provenance = "read as an abstract; 'smaller volume' read as a session of up to 3 x TBV, "
                   "the top of the standard 2-3 x TBV [interp]; the dose split over the two "
                   "days, day 5 aiming at half [interp]",
     .regimens = GCSF, .scope = DONOR, .assess_day = 5, .assess_last_day = 5, .collect_day = 5,
     .max_plerixafor_doses = 0, .max_sessions = 2, .split_sessions = 2},
    /* Single-dose pegfilgrastim, two presets: the donor and the patient schedules are two
     * sources with two different rules (apheresis planned on day 5; apheresis when the count
     * is above 10/uL). */
    {GENERAL_DEFAULTS, RULES_OFF, .id = "pegfilgrastim-donor", .version = "1",
     .hash = "7a37ccd3cfd81bbc",
     .name = "Healthy donor, pegfilgrastim 12 mg once (day 1): apheresis planned on day 5, a "
             "second on day 6 if short; no plerixafor",
     .source = "Kroschinsky F et al., Haematologica 2005;90:1665-71 (PMID 16330441)",
     .provenance = "read as an abstract; its extra filgrastim for a low day-3 or day-4 count "
                   "is not planned here [interp]; two aphereses at most, as donor-d5 [interp]",
     .regimens = PEG, .scope = DONOR, .assess_day = 5, .assess_last_day = 5, .collect_day = 5,
     .max_plerixafor_doses = 0, .max_sessions = 2},
    {GENERAL_DEFAULTS, RULES_OFF, .id = "pegfilgrastim", .version = "1",
     .hash = "c0cde2a7a4a6c2e4",
     .name = "Pegfilgrastim 12 mg once (day 1): CD34 from day 5, apheresis when >10/uL; after "
             "chemotherapy from count recovery",
     .source = "Blood 2004;104(11):5000 (ASH abstract, n=6), as the review of Han & Xu, Chin J "
               "Tissue Eng Res 2025;29:7863-71, reports it",
     .provenance = "the review's report of a meeting abstract on 6 patients (its text not "
                   "read); a count not above 10/uL read as: "
                   "count again the next day [interp]; after chemotherapy the same threshold "
                   "from count recovery [interp]; no plerixafor",
     .regimens = PEG | CHEMO, .assess_day = 5, .assess_last_day = 0, .collect_day = 5,
     .collect_above = 10.0, .max_plerixafor_doses = 0},
};
#if defined(__clang__)
#pragma clang diagnostic pop
#elif defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* What a site file starts from before its keys are read. */
static const pbsc_policy site_defaults = {
    GENERAL_DEFAULTS, RULES_OFF, .allocated = 1, .regimens = 0, .assess_day = 0, .collect_day = 0,
};

const pbsc_policy *
pbsc_policy_site_defaults(void)
{
    return &site_defaults;
}

#define NPRESETS (sizeof presets / sizeof presets[0])

PBSC_API size_t
pbsc_policy_count(void)
{
    return NPRESETS;
}

PBSC_API const pbsc_policy *
pbsc_policy_get(size_t i)
{
    return i < NPRESETS ? &presets[i] : NULL;
}

PBSC_API int
pbsc_policy_find(const char *id, const pbsc_policy **policy, pbsc_diag *diag)
{
    size_t i;

    if (id == NULL || policy == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, id == NULL ? "id" : "policy", NAN, "NULL argument");
    for (i = 0; i < NPRESETS; i++) {
        if (strcmp(presets[i].id, id) == 0) {
            *policy = &presets[i];
            return PBSC_OK;
        }
    }
    return pbsc_fail(diag, PBSC_E_UNKNOWN, "policy", NAN, "no policy preset named '%.40s'", id);
}
