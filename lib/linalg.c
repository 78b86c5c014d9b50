/* SPDX-License-Identifier: MIT */
/* Least squares for calibration: Householder QR that allocates nothing, and the test of a
 * column that depends on the ones before it (used by the CE fit and the risk model). */
#include "calibrate_private.h"

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <string.h>

#define DEPENDENT 1e-7 /* a column whose part independent of the others is this short */

/*
 * x = argmin |A x - b|, least squares by Householder QR. The reflections are GSL's
 * (gsl_linalg_householder_transform, gsl_linalg_householder_hv): plain loops that allocate
 * nothing, so an allocation failure cannot reach GSL's aborting error handler. The
 * higher-level solvers would: gsl_multifit_linear's workspace, gsl_linalg_SV_decomp (its
 * bidiagonalization, GSL 2.7) and gsl_linalg_QR_decomp (before GSL 2.7) all allocate inside
 * GSL, past pbsc_alloc() and past a failure test. (tests/bench/bench_calibrate counts the
 * allocations of a fit: the library's own 7 and qsort's 3, whose failure glibc absorbs.)
 * a (n x p, row-major, n >= p >= 1) and b (n) are overwritten. A column whose |R_jj| is at
 * most SINGULAR x the largest depends on the columns before it: its coefficient is 0 (a basic
 * solution). Returns the smallest |R_jj| over the largest (0: rank deficient).
 */
double
pbsc_qr_solve(double *a, double *b, size_t n, size_t p, double *x)
{
    gsl_matrix_view A = gsl_matrix_view_array(a, n, p);
    gsl_vector_view B = gsl_vector_view_array(b, n);
    double big = 0.0, small = INFINITY;
    size_t j, l;

    for (j = 0; j < p; j++) {
        gsl_vector_view v = gsl_matrix_subcolumn(&A.matrix, j, j, n - j);
        gsl_vector_view c = gsl_vector_subvector(&B.vector, j, n - j);
        double tau = gsl_linalg_householder_transform(&v.vector); /* v[0] becomes R_jj */

        for (l = j + 1; l < p; l++) {
            gsl_vector_view d = gsl_matrix_subcolumn(&A.matrix, l, j, n - j);
            gsl_linalg_householder_hv(tau, &v.vector, &d.vector);
        }
        gsl_linalg_householder_hv(tau, &v.vector, &c.vector);
        big = fmax(big, fabs(a[j * p + j]));
    }
    for (j = p; j-- > 0;) {
        double r = a[j * p + j], sum = b[j];
        if (!(fabs(r) > SINGULAR * big)) {
            x[j] = 0.0;
            small = 0.0;
            continue;
        }
        for (l = j + 1; l < p; l++)
            sum -= a[j * p + l] * x[l];
        x[j] = sum / r;
        small = fmin(small, fabs(r));
    }
    return big > 0.0 ? small / big : 0.0;
}

/* Copies the rows of X (n x p) and y outside fold `hold` to a and b; returns their count. */
size_t
pbsc_gather(const double *X, const double *y, size_t n, size_t p, size_t hold, double *a,
            double *b)
{
    size_t i, r = 0;

    for (i = 0; i < n; i++) {
        if (i % FOLDS == hold)
            continue;
        memcpy(a + r * p, X + i * p, p * sizeof *a);
        if (b != NULL)
            b[r] = y[i];
        r++;
    }
    return r;
}

static double
column_norm(const double *q, size_t r, size_t p, size_t j)
{
    double s = 0.0;
    size_t i;

    for (i = 0; i < r; i++)
        s += q[i * p + j] * q[i * p + j];
    return sqrt(s);
}

/* The first column of X (n x p; the rows outside fold `hold`) that is a linear combination
 * of the columns before it, to within DEPENDENT of its length (a constant column is one of
 * the intercept's); p if there is none. Modified Gram-Schmidt on q (n x p doubles). */
size_t
pbsc_dependent_column(const double *X, size_t n, size_t p, size_t hold, double *q)
{
    size_t r = pbsc_gather(X, NULL, n, p, hold, q, NULL), i, j, l;

    for (j = 0; j < p; j++) {
        double before = column_norm(q, r, p, j), after;

        for (l = 0; l < j; l++) {
            double d = 0.0;
            for (i = 0; i < r; i++)
                d += q[i * p + l] * q[i * p + j];
            for (i = 0; i < r; i++)
                q[i * p + j] -= d * q[i * p + l];
        }
        after = column_norm(q, r, p, j);
        if (!(after > DEPENDENT * before))
            return j;
        for (i = 0; i < r; i++)
            q[i * p + j] /= after;
    }
    return p;
}
