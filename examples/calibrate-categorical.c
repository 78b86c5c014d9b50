/* SPDX-License-Identifier: MIT */
/* pbsc-calibrate's categorical covariates: sex (m, f, M, F) and diagnosis (the codes of
 * pbsc_diagnosis_find(3)), dummy coded against their most frequent level. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "calibrate-categorical.h"

static const char *const sexes[] = {"m", "f"};

int
cat_is_categorical(const char *header)
{
    return strcmp(header, "sex") == 0 || strcmp(header, "diagnosis") == 0;
}

void
cat_init(cat_column *c, size_t extra, const char *header)
{
    memset(c, 0, sizeof *c);
    c->extra = extra;
    c->name = strcmp(header, "sex") == 0 ? "sex" : "diagnosis";
    c->nlevels = strcmp(header, "sex") == 0 ? 2 : PBSC_DX_COUNT - 1;
    c->reference = -1;
}

const char *
cat_level_name(const cat_column *c, int level)
{
    if (c->nlevels == 2)
        return sexes[level];
    return pbsc_diagnosis_name((pbsc_diagnosis)(level + 1)); /* level 0 is MM */
}

int
cat_level(const cat_column *c, const char *cell, int *level, char *why, size_t size)
{
    pbsc_diagnosis dx;
    pbsc_diag d;

    *level = -1;
    if (cell[0] == '\0')
        return 1;
    if (c->nlevels == 2) {
        if ((cell[0] == 'm' || cell[0] == 'M' || cell[0] == 'f' || cell[0] == 'F') &&
            cell[1] == '\0') {
            *level = cell[0] == 'm' || cell[0] == 'M' ? 0 : 1;
            return 1;
        }
        snprintf(why, size, "is not m, f, M or F (leave the cell empty when not recorded)");
        return 0;
    }
    pbsc_diag_clear(&d);
    if (pbsc_diagnosis_find(cell, &dx, &d) != PBSC_OK) {
        snprintf(why, size, "is not a diagnosis: MM, NHL, HL, AL, ST, other or unknown");
        return 0;
    }
    *level = dx == PBSC_DX_UNKNOWN ? -1 : (int)dx - 1;
    return 1;
}

size_t
cat_code(cat_column *c)
{
    size_t i, n = 0;

    for (i = 0; i < c->nlevels; i++)
        if (c->count[i] > 0 && (c->reference < 0 || c->count[i] > c->count[c->reference]))
            c->reference = (int)i;
    for (i = 0; i < c->nlevels; i++) {
        c->dummy[i][0] = '\0';
        if (c->count[i] == 0 || (int)i == c->reference)
            continue;
        snprintf(c->dummy[i], sizeof c->dummy[i], "%s_%s", c->name,
                 cat_level_name(c, (int)i));
        n++;
    }
    return n;
}

double
cat_value(int level, int d)
{
    if (level < 0)
        return (double)NAN;
    return level == d ? 1.0 : 0.0;
}

void
cat_describe(const cat_column *c, char *buf, size_t size)
{
    size_t used, i;
    int n;

    if (c->reference < 0) {
        snprintf(buf, size, "not recorded in any row: not used");
        return;
    }
    n = snprintf(buf, size, "reference %s (the most frequent level, %lu rows)",
                 cat_level_name(c, c->reference), (unsigned long)c->count[c->reference]);
    used = n > 0 ? (size_t)n : 0;
    for (i = 0; i < c->nlevels && used < size; i++) {
        if (c->dummy[i][0] == '\0')
            continue;
        n = snprintf(buf + used, size - used, "; %s = 1 for %s (%lu rows)", c->dummy[i],
                     cat_level_name(c, (int)i), (unsigned long)c->count[i]);
        used += n > 0 ? (size_t)n : 0;
    }
    if (used < size && c->reference >= 0 && cat_code_count(c) == 0)
        n = snprintf(buf + used, size - used, "; one level only: no covariate");
    else
        n = 0;
    used += n > 0 ? (size_t)n : 0;
    if (used < size && c->missing > 0)
        snprintf(buf + used, size - used, "; %lu rows not recorded", (unsigned long)c->missing);
}

size_t
cat_code_count(const cat_column *c)
{
    size_t i, n = 0;

    for (i = 0; i < c->nlevels; i++)
        n += c->dummy[i][0] != '\0';
    return n;
}
