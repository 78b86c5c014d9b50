/* SPDX-License-Identifier: MIT */
/* The virtual population (lib/population.c, lib/world.c) and the simulator's shared state. */
#ifndef PBSC_POPULATION_PRIVATE_H
#define PBSC_POPULATION_PRIVATE_H

#include "pbsc_private.h"

#include <gsl/gsl_rng.h>

/* The population's parameters, one double per pbsc-population(5) key, in the key table's
 * order (lib/population.c states each with its source). */
struct pbsc_pop_params {
    double day5_median, day5_sigma;              /* fitted: ln day-5 count under G-CSF alone */
    double gcsf_ratio45, gcsf_ratio_later;       /* G-CSF day-to-day, days 4 -> 5 and later */
    double patient_sigma, day_sigma;             /* spread of the log day ratio */
    double apheresis_ratio;                      /* the morning after an apheresis */
    double plerixafor_fold, plerixafor_sigma;    /* first dose */
    double plerixafor2_fold, plerixafor2_sigma;  /* later doses */
    double motixafortide_fold, motixafortide_sigma;
    double ce_low_wbc, ce_high_wbc, ce_wbc_split; /* CE2 median by WBC */
    double ce_patient_sigma, ce_session_sigma, ce_min, ce_max;
    double yield_slope, yield_ref;               /* log-log yield law around yield_ref /uL */
    double wbc_median, wbc_sigma;                /* at the count, x10^9/L */
    double hct_mean, hct_sd;                     /* % */
    double events;                               /* CD45+ events behind a count */
    double weight_mean, weight_sd, weight_min, weight_max;
    double male_share, height_male, height_female, height_sd;
    double age_mean, age_sd, age_min, age_max;
    double recovery_day, recovery_sd, chemo_factor; /* chemotherapy + G-CSF */
    double pegfilgrastim_factor; /* single-dose pegfilgrastim: G-CSF alone's counts times it */
    double apheresis_sigma;      /* the fall after an apheresis: its spread between patients */
};

#define PBSC_POP_NPARAMS (sizeof(struct pbsc_pop_params) / sizeof(double))

struct pbsc_population {
    struct pbsc_pop_params p;
    char id[32];
    char version[16];
    char hash[17]; /* FNV-1a 64 of its pbsc-population(5) text */
};

void pbsc_population_rehash(pbsc_population *pop);

/* The simulation's last day: a course no policy ends by then is cut. */
#define PBSC_WORLD_DAYS 30
#define PBSC_WORLD_DOSES 8

/* One virtual patient: every draw that does not depend on what a policy does (the same
 * patient under every policy: common random numbers). */
struct pbsc_patient {
    unsigned long stream;  /* the patient's own seed, from (seed, index) */
    pbsc_person person;
    double day5;           /* true day-5 count under G-CSF alone, /uL */
    double u;              /* the patient's random effect on the log day ratio */
    double a;              /* ... on the log ratio the morning after an apheresis */
    double e[PBSC_WORLD_DAYS + 1];     /* each day's noise on the log day ratio */
    double ce_patient;     /* the patient's CE factor (log scale) */
    double ce_z[PBSC_WORLD_DAYS + 1];  /* each session's CE noise */
    double fold_z[PBSC_WORLD_DOSES];   /* each dose's response */
    double wbc;            /* at the counts under G-CSF, x10^9/L */
    double hct;            /* % */
    long recovery;         /* chemotherapy: the day the WBC recovers */
};

/* lib/world.c */
void pbsc_world_patient(const pbsc_population *pop, unsigned long seed, size_t index,
                        gsl_rng *r, struct pbsc_patient *pt);
/* The true count on the first counted day; the first counted day of the regimen. */
long pbsc_world_first_day(const struct pbsc_patient *pt, pbsc_regimen regimen);
double pbsc_world_first_count(const pbsc_population *pop, const struct pbsc_patient *pt,
                              pbsc_regimen regimen);
/* Tomorrow's true count from today's after what was done today (drug: PBSC_DRUG_*, dose:
 * doses of either drug before tonight's). */
double pbsc_world_next(const pbsc_population *pop, const struct pbsc_patient *pt, long day,
                       long first_day, int apheresis, pbsc_drug drug, int doses, double count);
/* The measured count: Poisson counting behind `events` CD45+ events. */
double pbsc_world_measure(const pbsc_population *pop, const struct pbsc_patient *pt,
                          gsl_rng *r, long day, double wbc, double count);
/* WBC on a day (chemotherapy: the nadir before recovery). */
double pbsc_world_wbc(const struct pbsc_patient *pt, pbsc_regimen regimen, long day);
/* The CE2-law yield of a session, x10^6/kg; *ce the session's CE factor. */
double pbsc_world_yield(const pbsc_population *pop, const struct pbsc_patient *pt, long day,
                        double count, double litres, double wbc, double *ce);
/* A 64-bit mix of (seed, index, salt) for a generator's seed. */
unsigned long pbsc_world_seed(unsigned long seed, size_t index, unsigned long salt);

#endif /* PBSC_POPULATION_PRIVATE_H */
