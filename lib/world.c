/* SPDX-License-Identifier: MIT */
/* The simulated world: one virtual patient's draws, true count trajectory, measured counts
 * and harvests. Its laws are the population's (lib/population.c), not the decision model's:
 * the yield grows as the count to the power yield_slope, CE depends on the WBC and on the
 * patient, and the patient's days share a random effect. */
#include "population_private.h"

#include <gsl/gsl_randist.h>
#include <string.h>

/* splitmix64 (Steele, Lea and Flood, OOPSLA 2014): a seed per (seed, index, salt) whose
 * streams do not overlap in practice, whatever the thread that draws them. */
unsigned long
pbsc_world_seed(unsigned long seed, size_t index, unsigned long salt)
{
    unsigned long long z = (unsigned long long)seed * 0x9E3779B97F4A7C15ULL;

    z ^= ((unsigned long long)index + 1ULL) * 0xD1B54A32D192ED03ULL;
    z ^= (unsigned long long)salt * 0xC2B2AE3D27D4EB4FULL;
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (unsigned long)(z ^ (z >> 32));
}

static double
clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* Who the patient is: sex, height, weight, age. */
static void
draw_person(const struct pbsc_pop_params *p, gsl_rng *r, pbsc_person *person)
{
    int male = gsl_rng_uniform(r) < p->male_share;
    double zh = gsl_ran_ugaussian(r), zw = gsl_ran_ugaussian(r), za = gsl_ran_ugaussian(r);

    pbsc_person_init(person);
    person->sex = male ? PBSC_SEX_MALE : PBSC_SEX_FEMALE;
    /* inside the range a course accepts, held within the usual adult build */
    person->height_cm =
        clamp((male ? p->height_male : p->height_female) + p->height_sd * zh, 130.0, 210.0);
    person->weight_kg = clamp(p->weight_mean + p->weight_sd * zw, p->weight_min, p->weight_max);
    person->age_years = clamp(p->age_mean + p->age_sd * za, p->age_min, p->age_max);
}

void
pbsc_world_patient(const pbsc_population *pop, unsigned long seed, size_t index, gsl_rng *r,
                   struct pbsc_patient *pt)
{
    const struct pbsc_pop_params *p = &pop->p;
    size_t i;
    double z;

    memset(pt, 0, sizeof *pt);
    pt->stream = pbsc_world_seed(seed, index, 1);
    gsl_rng_set(r, pt->stream);
    /* a fixed order of draws: a changed parameter moves every patient smoothly (the fit) */
    draw_person(p, r, &pt->person);
    pt->day5 = p->day5_median * exp(p->day5_sigma * gsl_ran_ugaussian(r));
    pt->u = p->patient_sigma * gsl_ran_ugaussian(r);
    for (i = 0; i <= PBSC_WORLD_DAYS; i++)
        pt->e[i] = p->day_sigma * gsl_ran_ugaussian(r);
    pt->ce_patient = p->ce_patient_sigma * gsl_ran_ugaussian(r);
    for (i = 0; i <= PBSC_WORLD_DAYS; i++)
        pt->ce_z[i] = p->ce_session_sigma * gsl_ran_ugaussian(r);
    for (i = 0; i < PBSC_WORLD_DOSES; i++)
        pt->fold_z[i] = gsl_ran_ugaussian(r);
    pt->wbc = clamp(p->wbc_median * exp(p->wbc_sigma * gsl_ran_ugaussian(r)), 1.5, 150.0);
    pt->hct = clamp(p->hct_mean + p->hct_sd * gsl_ran_ugaussian(r), 15.0, 55.0);
    z = p->recovery_day + p->recovery_sd * gsl_ran_ugaussian(r);
    pt->recovery = (long)floor(clamp(z, 5.0, 18.0) + 0.5);
    pt->a = p->apheresis_sigma * gsl_ran_ugaussian(r); /* last: the draws before keep theirs */
}

long
pbsc_world_first_day(const struct pbsc_patient *pt, pbsc_regimen regimen)
{
    return regimen == PBSC_REGIMEN_CHEMO_GCSF ? pt->recovery : 4;
}

/* The first counted day's true count: the drawn day-5 count one G-CSF day earlier, so that
 * without any action the next day's count is the drawn one (that day's ratio and noise
 * undone). Under chemotherapy the recovery day plays day 4 (times chemo_factor); under
 * single-dose pegfilgrastim the trajectory is G-CSF alone's, day-5 peak and fall, times
 * pegfilgrastim_factor (lib/population.c). */
double
pbsc_world_first_count(const pbsc_population *pop, const struct pbsc_patient *pt,
                       pbsc_regimen regimen)
{
    long first = pbsc_world_first_day(pt, regimen);
    double c = pt->day5 / (pop->p.gcsf_ratio45 * exp(pt->u + pt->e[first]));

    if (regimen == PBSC_REGIMEN_CHEMO_GCSF)
        return c * pop->p.chemo_factor;
    if (regimen == PBSC_REGIMEN_PEGFILGRASTIM)
        return c * pop->p.pegfilgrastim_factor;
    return c;
}

static double
held_count(double c)
{
    return c > 5000.0 ? 5000.0 : c;
}

double
pbsc_world_next(const pbsc_population *pop, const struct pbsc_patient *pt, long day,
                long first_day, int apheresis, pbsc_drug drug, int doses, double count)
{
    const struct pbsc_pop_params *p = &pop->p;
    int k = doses < PBSC_WORLD_DOSES ? doses : PBSC_WORLD_DOSES - 1;
    double e = pt->e[day < PBSC_WORLD_DAYS ? day : PBSC_WORLD_DAYS];
    double fold;

    if (drug == PBSC_DRUG_PLERIXAFOR || drug == PBSC_DRUG_MOTIXAFORTIDE) {
        if (drug == PBSC_DRUG_MOTIXAFORTIDE)
            fold = p->motixafortide_fold * exp(p->motixafortide_sigma * pt->fold_z[k]);
        else if (doses == 0)
            fold = p->plerixafor_fold * exp(p->plerixafor_sigma * pt->fold_z[0]);
        else
            fold = p->plerixafor2_fold * exp(p->plerixafor2_sigma * pt->fold_z[k]);
        return held_count(count * fold * (apheresis ? p->apheresis_ratio : 1.0));
    }
    if (apheresis) /* the patient's own response to an apheresis, not its G-CSF trend */
        return held_count(count * p->apheresis_ratio * exp(pt->a + e));
    return held_count(count * (day == first_day ? p->gcsf_ratio45 : p->gcsf_ratio_later) *
                      exp(pt->u + e));
}

double
pbsc_world_wbc(const struct pbsc_patient *pt, pbsc_regimen regimen, long day)
{
    if (regimen != PBSC_REGIMEN_CHEMO_GCSF || day > pt->recovery)
        return pt->wbc;
    /* the nadir, then a first value above the 1 x10^9/L of recovery [ours] */
    return day < pt->recovery ? 0.5 : 1.5;
}

double
pbsc_world_measure(const pbsc_population *pop, const struct pbsc_patient *pt, gsl_rng *r,
                   long day, double wbc, double count)
{
    double ul = pop->p.events / (wbc * 1000.0), m;

    if (ul > 100.0) /* at most the 100 uL stained */
        ul = 100.0;
    gsl_rng_set(r, pbsc_world_seed(pt->stream, (size_t)day, 2));
    m = (double)gsl_ran_poisson(r, count * ul) / ul;
    return held_count(m);
}

double
pbsc_world_yield(const pbsc_population *pop, const struct pbsc_patient *pt, long day,
                 double count, double litres, double wbc, double *ce)
{
    const struct pbsc_pop_params *p = &pop->p;
    int d = day < PBSC_WORLD_DAYS ? (int)day : PBSC_WORLD_DAYS;
    double median = wbc < p->ce_wbc_split ? p->ce_low_wbc : p->ce_high_wbc;
    double c = clamp(median * exp(pt->ce_patient + pt->ce_z[d]), p->ce_min, p->ce_max);
    double y;

    *ce = c;
    if (count <= 0.0)
        return 0.0;
    y = c * litres * p->yield_ref * pow(count / p->yield_ref, p->yield_slope) /
        pt->person.weight_kg;
    return y > 100.0 ? 100.0 : y;
}
