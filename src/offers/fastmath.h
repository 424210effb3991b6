/* fastmath.h — a fast, machine-independent exponential for the Monte Carlo
 * (internal). exp(x) = 2^(k/64) x e^r with k = round(64 x / ln 2), |r| <=
 * ln 2 / 128, 2^(j/64) from a table of correctly rounded constants and e^r
 * from its degree-5 Taylor polynomial (truncation error below 4e-17). Only
 * + - * on doubles: the same bits on every IEEE-754 machine (the build uses
 * -std=c17, which keeps the compiler from fusing multiply-adds), and about
 * as fast as a table-driven libm exp. Relative error within a few units in
 * the last place. */
#ifndef PB_FASTMATH_H
#define PB_FASTMATH_H

#include <stdint.h>
#include <string.h>

extern const double pb__exp2_table[64];

static inline double pb__exp(double x)
{
    if (!(x > -700.0))
        return x != x ? x : 0.0; /* NaN stays NaN; far below: 0 */
    if (x > 700.0)
        x = 700.0;
    const double inv_ln2_64 = 0x1.71547652b82fep+6;
    const double ln2_64_hi = 0x1.62e42fp-7;      /* 25 bits: k x hi is exact */
    const double ln2_64_lo = 0x1.df473de6af279p-32;
    /* Round to nearest without a branch: adding 1.5 x 2^52 leaves the
     * integer part of t in the low bits of the sum. */
    const double shifter = 0x1.8p52;
    double big = x * inv_ln2_64 + shifter;
    double kd = big - shifter;
    uint64_t big_bits;
    memcpy(&big_bits, &big, sizeof big_bits);
    int64_t k = (int64_t)(int32_t)(uint32_t)big_bits;
    double r = (x - kd * ln2_64_hi) - kd * ln2_64_lo;
    double p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120)))));
    int64_t j = k & 63;
    int64_t e = (k - j) / 64;
    uint64_t bits = (uint64_t)(e + 1023) << 52;
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return scale * (pb__exp2_table[j] * p);
}

/* exp of n values, x[i] in [-700, 700]: out[i] = exp(x[i]). A table-free
 * method (k = round(x / ln 2), e^r by its degree-12 Taylor polynomial,
 * |r| <= ln 2 / 2, truncation below 2e-16) that runs four values at a time
 * with AVX2 where the processor has it and one at a time otherwise, doing
 * the same IEEE operations in the same order either way: the same bits on
 * every machine. */
void pb__exp_array(const double *x, double *out, int n);
/* For each u[i], how many of thr[0..nthr) are <= u[i] (thr ascending or
 * not): out[i]. Four at a time with AVX2 where the processor has it. */
void pb__count_at_or_below(const double *u, int n, const double *thr, int nthr, int *out);
#ifdef PB_TEST_HOOKS
/* Test hook: nonzero makes the array forms take the one-at-a-time path. */
extern int pb__fastmath_force_scalar;
#endif
/* Does this processor run the AVX2 paths (looked up once)? */
int pb__cpu_has_avx2(void);
/* The one-at-a-time form of pb__exp_array (the same bits). */
double pb__exp_one(double x);
/* One yearly step of n price paths: lr[i] += step + sig * z[i], then
 * eq[i] += cy * exp(lr[i]), with the exponential of pb__exp_array. */
void pb__gbm_step(double *lr, const double *z, double *eq, double step, double sig, double cy,
                  int n);

#endif
