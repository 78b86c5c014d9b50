/* SPDX-License-Identifier: MIT */
/* Shared by the benchmarks: a monotonic clock, a median, and a count of heap allocations
 * made by anyone in the process (the library included) while a benchmark runs. */
#ifndef PBSC_BENCH_H
#define PBSC_BENCH_H

#include <stdlib.h>
#include <time.h>

#ifdef __GLIBC__
/* Count heap allocations made by anyone in the process (the library included). */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static unsigned long allocations;
void *malloc(size_t n);
void *calloc(size_t n, size_t m);
void *realloc(void *p, size_t n);
void *
malloc(size_t n)
{
    allocations++;
    return __libc_malloc(n);
}
void *
calloc(size_t n, size_t m)
{
    allocations++;
    return __libc_calloc(n, m);
}
void *
realloc(void *p, size_t n)
{
    allocations++;
    return __libc_realloc(p, n);
}
#define ALLOCATIONS() allocations
#else
#define ALLOCATIONS() 0UL
#endif

static volatile double sink;

static double
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double
median_of(double *v, int n)
{
    int i, j;

    for (i = 1; i < n; i++)
        for (j = i; j > 0 && v[j] < v[j - 1]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

#endif /* PBSC_BENCH_H */
