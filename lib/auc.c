/* SPDX-License-Identifier: MIT */
/* The area under the ROC curve of held-out risk predictions (calibration's report). */
#include "pbsc_private.h"

#include <stdlib.h>

static int
cmp_scored(const void *a, const void *b)
{
    double x = ((const pbsc_scored *)a)->p, y = ((const pbsc_scored *)b)->p;

    return x < y ? -1 : x > y;
}

/*
 * Mann-Whitney: the share of (poor, not poor) pairs in which the poor one scores higher, a tie
 * counting 1/2 (average ranks). s is sorted in place; tests/check_auc.c checks hand values.
 */
double
pbsc_auc(pbsc_scored *s, size_t m)
{
    double ranks = 0.0, n1 = 0.0, n0;
    size_t i = 0, j, l;

    qsort(s, m, sizeof *s, cmp_scored);
    while (i < m) {
        for (j = i; j < m && s[j].p == s[i].p; j++)
            ;
        for (l = i; l < j; l++)
            if (s[l].poor) {
                ranks += (double)(i + 1 + j) / 2.0;
                n1 += 1.0;
            }
        i = j;
    }
    n0 = (double)m - n1;
    return (ranks - n1 * (n1 + 1.0) / 2.0) / (n1 * n0);
}
