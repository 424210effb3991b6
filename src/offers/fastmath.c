/* fastmath.c — the table of 2^(j/64), j = 0..63, for pb__exp, each value
 * the double nearest the exact one (computed once with 60-digit decimal
 * arithmetic and written here, so no run-time library is involved). */
#include "offers/fastmath.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PB_HAVE_AVX2_PATH 1
#endif

const double pb__exp2_table[64] = {
    0x1.0000000000000p+0, 0x1.02c9a3e778061p+0, 0x1.059b0d3158574p+0,
    0x1.0874518759bc8p+0, 0x1.0b5586cf9890fp+0, 0x1.0e3ec32d3d1a2p+0,
    0x1.11301d0125b51p+0, 0x1.1429aaea92de0p+0, 0x1.172b83c7d517bp+0,
    0x1.1a35beb6fcb75p+0, 0x1.1d4873168b9aap+0, 0x1.2063b88628cd6p+0,
    0x1.2387a6e756238p+0, 0x1.26b4565e27cddp+0, 0x1.29e9df51fdee1p+0,
    0x1.2d285a6e4030bp+0, 0x1.306fe0a31b715p+0, 0x1.33c08b26416ffp+0,
    0x1.371a7373aa9cbp+0, 0x1.3a7db34e59ff7p+0, 0x1.3dea64c123422p+0,
    0x1.4160a21f72e2ap+0, 0x1.44e086061892dp+0, 0x1.486a2b5c13cd0p+0,
    0x1.4bfdad5362a27p+0, 0x1.4f9b2769d2ca7p+0, 0x1.5342b569d4f82p+0,
    0x1.56f4736b527dap+0, 0x1.5ab07dd485429p+0, 0x1.5e76f15ad2148p+0,
    0x1.6247eb03a5585p+0, 0x1.6623882552225p+0, 0x1.6a09e667f3bcdp+0,
    0x1.6dfb23c651a2fp+0, 0x1.71f75e8ec5f74p+0, 0x1.75feb564267c9p+0,
    0x1.7a11473eb0187p+0, 0x1.7e2f336cf4e62p+0, 0x1.82589994cce13p+0,
    0x1.868d99b4492edp+0, 0x1.8ace5422aa0dbp+0, 0x1.8f1ae99157736p+0,
    0x1.93737b0cdc5e5p+0, 0x1.97d829fde4e50p+0, 0x1.9c49182a3f090p+0,
    0x1.a0c667b5de565p+0, 0x1.a5503b23e255dp+0, 0x1.a9e6b5579fdbfp+0,
    0x1.ae89f995ad3adp+0, 0x1.b33a2b84f15fbp+0, 0x1.b7f76f2fb5e47p+0,
    0x1.bcc1e904bc1d2p+0, 0x1.c199bdd85529cp+0, 0x1.c67f12e57d14bp+0,
    0x1.cb720dcef9069p+0, 0x1.d072d4a07897cp+0, 0x1.d5818dcfba487p+0,
    0x1.da9e603db3285p+0, 0x1.dfc97337b9b5fp+0, 0x1.e502ee78b3ff6p+0,
    0x1.ea4afa2a490dap+0, 0x1.efa1bee615a27p+0, 0x1.f50765b6e4540p+0,
    0x1.fa7c1819e90d8p+0,
};

#define INV_LN2_64 0x1.71547652b82fep+6
#define LN2_64_HI 0x1.62e42fp-7 /* 25 bits: k x LN2_64_HI is exact */
#define LN2_64_LO 0x1.df473de6af279p-32
#define SHIFTER 0x1.8p52

/* exp(x) = 2^(k/64) x e^r: k = round(64 x / ln 2), |r| <= ln 2 / 128,
 * 2^(k/64) = 2^floor(k/64) x pb__exp2_table[k mod 64], e^r by its degree-5
 * Taylor polynomial (truncation below 4e-17). */
double pb__exp_one(double x)
{
    x = x < -700.0 ? -700.0 : x > 700.0 ? 700.0 : x;
    double big = x * INV_LN2_64 + SHIFTER;
    double kd = big - SHIFTER;
    double r = (x - kd * LN2_64_HI) - kd * LN2_64_LO;
    double p = 1.0 / 120;
    p = p * r + 1.0 / 24;
    p = p * r + 1.0 / 6;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    uint64_t bits;
    memcpy(&bits, &big, sizeof bits);
    double t = pb__exp2_table[bits & 63];
    bits = ((bits >> 6) + 1023) << 52;
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * t * scale;
}

#ifdef PB_HAVE_AVX2_PATH
/* pb__exp_one on four lanes, the same operations in the same order. */
__attribute__((target("avx2"))) static inline __m256d exp4(__m256d v)
{
    v = _mm256_max_pd(v, _mm256_set1_pd(-700.0));
    v = _mm256_min_pd(v, _mm256_set1_pd(700.0));
    const __m256d sh = _mm256_set1_pd(SHIFTER);
    __m256d big = _mm256_add_pd(_mm256_mul_pd(v, _mm256_set1_pd(INV_LN2_64)), sh);
    __m256d kd = _mm256_sub_pd(big, sh);
    __m256d r = _mm256_sub_pd(_mm256_sub_pd(v, _mm256_mul_pd(kd, _mm256_set1_pd(LN2_64_HI))),
                              _mm256_mul_pd(kd, _mm256_set1_pd(LN2_64_LO)));
    __m256d p = _mm256_set1_pd(1.0 / 120);
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(1.0 / 24));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(1.0 / 6));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(0.5));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(1.0));
    p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(1.0));
    __m256i bits = _mm256_castpd_si256(big);
    __m256d t = _mm256_i64gather_pd(pb__exp2_table,
                                    _mm256_and_si256(bits, _mm256_set1_epi64x(63)), 8);
    __m256i e = _mm256_slli_epi64(
        _mm256_add_epi64(_mm256_srli_epi64(bits, 6), _mm256_set1_epi64x(1023)), 52);
    return _mm256_mul_pd(_mm256_mul_pd(p, t), _mm256_castsi256_pd(e));
}

__attribute__((target("avx2"))) static void exp_avx2(const double *x, double *out, int n)
{
    int i = 0;
    for (; i + 4 <= n; i += 4)
        _mm256_storeu_pd(out + i, exp4(_mm256_loadu_pd(x + i)));
    for (; i < n; i++)
        out[i] = pb__exp_one(x[i]);
}

__attribute__((target("avx2"))) static void gbm_avx2(double *lr, const double *z, double *eq,
                                                     double step, double sig, double cy, int n)
{
    const __m256d st = _mm256_set1_pd(step), sg = _mm256_set1_pd(sig), c = _mm256_set1_pd(cy);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256d l0 = _mm256_add_pd(_mm256_loadu_pd(lr + i),
                                   _mm256_add_pd(st, _mm256_mul_pd(sg, _mm256_loadu_pd(z + i))));
        __m256d l1 =
            _mm256_add_pd(_mm256_loadu_pd(lr + i + 4),
                          _mm256_add_pd(st, _mm256_mul_pd(sg, _mm256_loadu_pd(z + i + 4))));
        _mm256_storeu_pd(lr + i, l0);
        _mm256_storeu_pd(lr + i + 4, l1);
        __m256d e0 = exp4(l0), e1 = exp4(l1);
        _mm256_storeu_pd(eq + i, _mm256_add_pd(_mm256_loadu_pd(eq + i), _mm256_mul_pd(c, e0)));
        _mm256_storeu_pd(eq + i + 4,
                         _mm256_add_pd(_mm256_loadu_pd(eq + i + 4), _mm256_mul_pd(c, e1)));
    }
    for (; i < n; i++) {
        lr[i] = lr[i] + (step + sig * z[i]);
        eq[i] = eq[i] + cy * pb__exp_one(lr[i]);
    }
}
#endif

#ifdef PB_TEST_HOOKS
int pb__fastmath_force_scalar;
#define FORCE_SCALAR pb__fastmath_force_scalar
#else
#define FORCE_SCALAR 0
#endif

#ifdef PB_HAVE_AVX2_PATH
__attribute__((target("avx2"))) static void count_avx2(const double *u, int n,
                                                       const double *thr, int nthr, int *out)
{
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256d v = _mm256_loadu_pd(u + i);
        __m256i c = _mm256_setzero_si256();
        for (int t = 0; t < nthr; t++) /* a true compare is all ones: -1 */
            c = _mm256_sub_epi64(c, _mm256_castpd_si256(
                                        _mm256_cmp_pd(_mm256_set1_pd(thr[t]), v, _CMP_LE_OQ)));
        long long cc[4];
        _mm256_storeu_si256((__m256i *)cc, c);
        for (int l = 0; l < 4; l++)
            out[i + l] = (int)cc[l];
    }
    for (; i < n; i++) {
        int c = 0;
        for (int t = 0; t < nthr; t++)
            c += thr[t] <= u[i];
        out[i] = c;
    }
}
#endif

int pb__cpu_has_avx2(void)
{
#ifdef PB_HAVE_AVX2_PATH
    static int avx2 = -1; /* -1: not looked yet; every thread finds the same */
    int have = __atomic_load_n(&avx2, __ATOMIC_RELAXED);
    if (have < 0) {
        have = __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&avx2, have, __ATOMIC_RELAXED);
    }
    return have;
#else
    return 0;
#endif
}

static int have_avx2(void)
{
    return !FORCE_SCALAR && pb__cpu_has_avx2();
}

void pb__exp_array(const double *x, double *out, int n)
{
#ifdef PB_HAVE_AVX2_PATH
    if (have_avx2()) {
        exp_avx2(x, out, n);
        return;
    }
#endif
    for (int i = 0; i < n; i++)
        out[i] = pb__exp_one(x[i]);
}

void pb__gbm_step(double *lr, const double *z, double *eq, double step, double sig, double cy,
                  int n)
{
#ifdef PB_HAVE_AVX2_PATH
    if (have_avx2()) {
        gbm_avx2(lr, z, eq, step, sig, cy, n);
        return;
    }
#endif
    for (int i = 0; i < n; i++) {
        lr[i] = lr[i] + (step + sig * z[i]);
        eq[i] = eq[i] + cy * pb__exp_one(lr[i]);
    }
}

void pb__count_at_or_below(const double *u, int n, const double *thr, int nthr, int *out)
{
#ifdef PB_HAVE_AVX2_PATH
    if (have_avx2()) {
        count_avx2(u, n, thr, nthr, out);
        return;
    }
#endif
    for (int i = 0; i < n; i++) {
        int c = 0;
        for (int t = 0; t < nthr; t++)
            c += thr[t] <= u[i];
        out[i] = c;
    }
}
