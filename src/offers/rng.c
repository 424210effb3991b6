/* rng.c — seeding of payband's xoshiro256** streams and the ziggurat
 * normal sampler (Marsaglia & Tsang's method with 256 layers, in Doornik's
 * formulation: a uniform in [-1, 1) and a layer index from one 64-bit draw,
 * with the exact wedge and tail tests on the rare slow path). */
#include "offers/rng.h"
#include "offers/fastmath.h"

#include <stdbool.h>

#include <math.h>
#include <pthread.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PB_HAVE_AVX2_PATH 1
#endif

uint64_t pb__splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void pb__rng_seed(pb__rng *r, uint64_t seed)
{
    uint64_t sm = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = pb__splitmix64(&sm);
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
        r->s[0] = 1; /* the all-zero state is the one fixed point */
}

void pb__rng_stream(pb__rng *r, uint64_t seed, uint64_t stream, uint64_t block)
{
    /* Mix each key through splitmix64 so nearby keys give unrelated seeds. */
    uint64_t a = seed, b = stream ^ 0x6A09E667F3BCC909ULL, c = block ^ 0xBB67AE8584CAA73BULL;
    uint64_t k = pb__splitmix64(&a);
    k ^= pb__splitmix64(&b) * 0xD1B54A32D192ED03ULL;
    k ^= pb__splitmix64(&c) * 0x8CB92BA72F3D8DD7ULL;
    pb__rng_seed(r, k);
}

/* ---- ziggurat ------------------------------------------------------------ */

#define ZIG_C 256
#define ZIG_R 3.6541528853610088
#define ZIG_V 0.00492867323399

double pb__zig_x[ZIG_C + 1];
double pb__zig_r[ZIG_C];

static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

static void zig_build(void)
{
    double f = exp(-0.5 * ZIG_R * ZIG_R);
    pb__zig_x[0] = ZIG_V / f; /* the base layer, with the tail folded in */
    pb__zig_x[1] = ZIG_R;
    pb__zig_x[ZIG_C] = 0;
    for (int i = 2; i < ZIG_C; i++) {
        pb__zig_x[i] = sqrt(-2.0 * log(ZIG_V / pb__zig_x[i - 1] + f));
        f = exp(-0.5 * pb__zig_x[i] * pb__zig_x[i]);
    }
    for (int i = 0; i < ZIG_C; i++)
        pb__zig_r[i] = pb__zig_x[i + 1] / pb__zig_x[i];
}

void pb__rng_normal_init(void)
{
    pthread_once(&zig_once, zig_build);
}

/* A uniform in (0, 1], safe for log. */
static double uniform_open0(pb__rng *r)
{
    return 1.0 - pb__rng_uniform(r);
}

static double tail(pb__rng *r, int negative)
{
    double x, y;
    do {
        x = log(uniform_open0(r)) / ZIG_R;
        y = log(uniform_open0(r));
    } while (-2.0 * y < x * x);
    return negative ? x - ZIG_R : ZIG_R - x;
}

double pb__rng_normal_slow(pb__rng *r, double u, int i)
{
    for (;;) {
        if (fabs(u) < pb__zig_r[i])
            return u * pb__zig_x[i];
        if (i == 0)
            return tail(r, u < 0);
        double x = u * pb__zig_x[i];
        double f0 = exp(-0.5 * (pb__zig_x[i] * pb__zig_x[i] - x * x));
        double f1 = exp(-0.5 * (pb__zig_x[i + 1] * pb__zig_x[i + 1] - x * x));
        if (f1 + pb__rng_uniform(r) * (f0 - f1) < 1.0)
            return x;
        uint64_t bits = pb__rng_next(r);
        i = (int)(bits & 0xFF);
        u = (double)(bits >> 11) * 0x1.0p-52 - 1.0;
    }
}

/* One normal from a 32-bit half, or NAN when it falls outside the
 * rectangles (then the caller finishes with the slow path). */
static inline double half_normal(uint32_t h, double *u_out, int *i_out)
{
    int i = (int)(h & 0xFF);
    double u = (double)(h >> 8) * 0x1.0p-23 - 1.0; /* [-1, 1) */
    if (u < pb__zig_r[i] && -u < pb__zig_r[i])
        return u * pb__zig_x[i];
    *u_out = u;
    *i_out = i;
    return NAN;
}

void pb__rng_normals(pb__rng *r, double *out, int n)
{
    pb__rng s = *r;
    int k = 0;
    while (k < n) {
        uint64_t bits = pb__rng_next(&s);
        double u = 0;
        int i = 0;
        double z = half_normal((uint32_t)bits, &u, &i);
        if (z != z)
            z = pb__rng_normal_slow(&s, u, i);
        out[k++] = z;
        if (k == n)
            break;
        z = half_normal((uint32_t)(bits >> 32), &u, &i);
        if (z != z)
            z = pb__rng_normal_slow(&s, u, i);
        out[k++] = z;
    }
    *r = s;
}

/* ---- four lanes ------------------------------------------------------------ */

void pb__rng4_stream(pb__rng4 *r, uint64_t seed, uint64_t stream, uint64_t block)
{
    for (int l = 0; l < 4; l++) {
        pb__rng one;
        pb__rng_stream(&one, seed, stream, 4 * block + (uint64_t)l);
        for (int w = 0; w < 4; w++)
            r->s[w][l] = one.s[w];
    }
}

static pb__rng lane_get(const pb__rng4 *r, int l)
{
    pb__rng one = {{r->s[0][l], r->s[1][l], r->s[2][l], r->s[3][l]}};
    return one;
}

static void lane_put(pb__rng4 *r, int l, const pb__rng *one)
{
    for (int w = 0; w < 4; w++)
        r->s[w][l] = one->s[w];
}

/* Finish the halves of one step that missed the rectangles: z[] holds NAN
 * there, u[] and i[] their uniform and layer. */
static void finish_step(pb__rng4 *r, double *z, const double *u, const int *layer)
{
    for (int h = 0; h < 8; h++) {
        if (z[h] == z[h])
            continue;
        pb__rng one = lane_get(r, h & 3);
        z[h] = pb__rng_normal_slow(&one, u[h], layer[h]);
        lane_put(r, h & 3, &one);
    }
}

static void normals4_scalar(pb__rng4 *r, double *z)
{
    uint64_t bits[4];
    for (int l = 0; l < 4; l++) {
        pb__rng one = lane_get(r, l);
        bits[l] = pb__rng_next(&one);
        lane_put(r, l, &one);
    }
    double u[8] = {0};
    int layer[8] = {0};
    bool miss = false;
    for (int h = 0; h < 8; h++) {
        uint32_t half = h < 4 ? (uint32_t)bits[h] : (uint32_t)(bits[h - 4] >> 32);
        z[h] = half_normal(half, &u[h], &layer[h]);
        miss = miss || z[h] != z[h];
    }
    if (miss)
        finish_step(r, z, u, layer);
}

#ifdef PB_HAVE_AVX2_PATH
__attribute__((target("avx2"))) static inline __m256i rotl4(__m256i x, int k)
{
    return _mm256_or_si256(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k));
}

/* One half (32-bit values in 64-bit lanes) through the rectangles. */
__attribute__((target("avx2"))) static inline int half4(__m256i h, double *z, double *u_out,
                                                        int *layer)
{
    const __m256i magic = _mm256_set1_epi64x(0x4330000000000000LL); /* 2^52 */
    __m256i idx = _mm256_and_si256(h, _mm256_set1_epi64x(0xFF));
    __m256d v = _mm256_sub_pd(
        _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(h, 8), magic)),
        _mm256_set1_pd(0x1.0p52)); /* exactly (double)(h >> 8) */
    __m256d u = _mm256_sub_pd(_mm256_mul_pd(v, _mm256_set1_pd(0x1.0p-23)), _mm256_set1_pd(1.0));
    __m256d rr = _mm256_i64gather_pd(pb__zig_r, idx, 8);
    __m256d xx = _mm256_i64gather_pd(pb__zig_x, idx, 8);
    __m256d au = _mm256_andnot_pd(_mm256_set1_pd(-0.0), u);
    __m256d ok = _mm256_cmp_pd(au, rr, _CMP_LT_OQ);
    __m256d zz = _mm256_blendv_pd(_mm256_set1_pd(NAN), _mm256_mul_pd(u, xx), ok);
    _mm256_storeu_pd(z, zz);
    int mask = _mm256_movemask_pd(ok);
    if (mask != 0xF) {
        _mm256_storeu_pd(u_out, u);
        long long li[4];
        _mm256_storeu_si256((__m256i *)li, idx);
        for (int l = 0; l < 4; l++)
            layer[l] = (int)li[l];
    }
    return mask;
}

__attribute__((target("avx2"))) static void normals4_avx2(pb__rng4 *r, double *out, int steps)
{
    __m256i s0 = _mm256_loadu_si256((const __m256i *)r->s[0]);
    __m256i s1 = _mm256_loadu_si256((const __m256i *)r->s[1]);
    __m256i s2 = _mm256_loadu_si256((const __m256i *)r->s[2]);
    __m256i s3 = _mm256_loadu_si256((const __m256i *)r->s[3]);
    const __m256i low = _mm256_set1_epi64x(0xFFFFFFFFLL);
    for (int k = 0; k < steps; k++) {
        __m256i a = _mm256_add_epi64(s1, _mm256_slli_epi64(s1, 2)); /* s1 * 5 */
        __m256i b = rotl4(a, 7);
        __m256i res = _mm256_add_epi64(b, _mm256_slli_epi64(b, 3)); /* * 9 */
        __m256i t = _mm256_slli_epi64(s1, 17);
        s2 = _mm256_xor_si256(s2, s0);
        s3 = _mm256_xor_si256(s3, s1);
        s1 = _mm256_xor_si256(s1, s2);
        s0 = _mm256_xor_si256(s0, s3);
        s2 = _mm256_xor_si256(s2, t);
        s3 = rotl4(s3, 45);
        double *z = out + 8 * k;
        double u[8];
        int layer[8];
        int m0 = half4(_mm256_and_si256(res, low), z, u, layer);
        int m1 = half4(_mm256_srli_epi64(res, 32), z + 4, u + 4, layer + 4);
        if ((m0 & m1) != 0xF) {
            _mm256_storeu_si256((__m256i *)r->s[0], s0);
            _mm256_storeu_si256((__m256i *)r->s[1], s1);
            _mm256_storeu_si256((__m256i *)r->s[2], s2);
            _mm256_storeu_si256((__m256i *)r->s[3], s3);
            finish_step(r, z, u, layer);
            s0 = _mm256_loadu_si256((const __m256i *)r->s[0]);
            s1 = _mm256_loadu_si256((const __m256i *)r->s[1]);
            s2 = _mm256_loadu_si256((const __m256i *)r->s[2]);
            s3 = _mm256_loadu_si256((const __m256i *)r->s[3]);
        }
    }
    _mm256_storeu_si256((__m256i *)r->s[0], s0);
    _mm256_storeu_si256((__m256i *)r->s[1], s1);
    _mm256_storeu_si256((__m256i *)r->s[2], s2);
    _mm256_storeu_si256((__m256i *)r->s[3], s3);
}
#endif

/* Forced scalar path, for the test that both paths agree. */
#ifdef PB_TEST_HOOKS
int pb__rng4_force_scalar;
#define FORCE_SCALAR pb__rng4_force_scalar
#else
#define FORCE_SCALAR 0
#endif

/* [1, 2) from the top 52 bits, minus 1: exact in both paths. */
static double uniform52(uint64_t bits)
{
    uint64_t u = (bits >> 12) | 0x3FF0000000000000ULL;
    double d;
    memcpy(&d, &u, sizeof d);
    return d - 1.0;
}

static void uniforms4_scalar(pb__rng4 *r, double *out)
{
    for (int l = 0; l < 4; l++) {
        pb__rng one = lane_get(r, l);
        out[l] = uniform52(pb__rng_next(&one));
        lane_put(r, l, &one);
    }
}

#ifdef PB_HAVE_AVX2_PATH
__attribute__((target("avx2"))) static void uniforms4_avx2(pb__rng4 *r, double *out, int steps)
{
    __m256i s0 = _mm256_loadu_si256((const __m256i *)r->s[0]);
    __m256i s1 = _mm256_loadu_si256((const __m256i *)r->s[1]);
    __m256i s2 = _mm256_loadu_si256((const __m256i *)r->s[2]);
    __m256i s3 = _mm256_loadu_si256((const __m256i *)r->s[3]);
    const __m256i one_exp = _mm256_set1_epi64x(0x3FF0000000000000LL);
    const __m256d one = _mm256_set1_pd(1.0);
    for (int k = 0; k < steps; k++) {
        __m256i a = _mm256_add_epi64(s1, _mm256_slli_epi64(s1, 2));
        __m256i b = rotl4(a, 7);
        __m256i res = _mm256_add_epi64(b, _mm256_slli_epi64(b, 3));
        __m256i t = _mm256_slli_epi64(s1, 17);
        s2 = _mm256_xor_si256(s2, s0);
        s3 = _mm256_xor_si256(s3, s1);
        s1 = _mm256_xor_si256(s1, s2);
        s0 = _mm256_xor_si256(s0, s3);
        s2 = _mm256_xor_si256(s2, t);
        s3 = rotl4(s3, 45);
        __m256d u = _mm256_sub_pd(
            _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(res, 12), one_exp)), one);
        _mm256_storeu_pd(out + 4 * k, u);
    }
    _mm256_storeu_si256((__m256i *)r->s[0], s0);
    _mm256_storeu_si256((__m256i *)r->s[1], s1);
    _mm256_storeu_si256((__m256i *)r->s[2], s2);
    _mm256_storeu_si256((__m256i *)r->s[3], s3);
}
#endif

void pb__rng4_uniforms(pb__rng4 *r, double *out, int n)
{
    int steps = n / 4;
#ifdef PB_HAVE_AVX2_PATH
    if (pb__cpu_has_avx2() && !FORCE_SCALAR) {
        uniforms4_avx2(r, out, steps);
    } else
#endif
    {
        for (int k = 0; k < steps; k++)
            uniforms4_scalar(r, out + 4 * k);
    }
    if (n % 4) {
        double u[4];
        uniforms4_scalar(r, u);
        memcpy(out + 4 * steps, u, (size_t)(n % 4) * sizeof *u);
    }
}

void pb__rng4_normals(pb__rng4 *r, double *out, int n)
{
    int steps = n / 8;
#ifdef PB_HAVE_AVX2_PATH
    if (pb__cpu_has_avx2() && !FORCE_SCALAR) {
        normals4_avx2(r, out, steps);
    } else
#endif
    {
        for (int k = 0; k < steps; k++)
            normals4_scalar(r, out + 8 * k);
    }
    if (n % 8) {
        double z[8];
        normals4_scalar(r, z);
        memcpy(out + 8 * steps, z, (size_t)(n % 8) * sizeof *z);
    }
}
