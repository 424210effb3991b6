/* rng.h — payband's own random numbers (internal): xoshiro256** seeded by
 * splitmix64, uniforms on [0,1) and standard normals by a 256-layer
 * ziggurat. The same seed gives the same numbers on every machine: nothing
 * here calls rand() or depends on the C library's generator. */
#ifndef PB_RNG_H
#define PB_RNG_H

#include <stdint.h>

typedef struct pb__rng {
    uint64_t s[4];
} pb__rng;

/* One step of splitmix64 (also a good 64-bit mixer). */
uint64_t pb__splitmix64(uint64_t *state);
/* Seed the four words from splitmix64 started at `seed`. */
void pb__rng_seed(pb__rng *r, uint64_t seed);
/* A stream for (seed, stream, block): independent for distinct keys. */
void pb__rng_stream(pb__rng *r, uint64_t seed, uint64_t stream, uint64_t block);

static inline uint64_t pb__rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t pb__rng_next(pb__rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = pb__rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = pb__rotl(s[3], 45);
    return result;
}

/* Uniform on [0, 1) with 53 random bits. */
static inline double pb__rng_uniform(pb__rng *r)
{
    return (double)(pb__rng_next(r) >> 11) * 0x1.0p-53;
}

/* Ziggurat tables (filled once by pb__rng_normal_init, which is safe to call
 * repeatedly and from several threads after the first call returns). */
extern double pb__zig_x[257];
extern double pb__zig_r[256];
void pb__rng_normal_init(void);
double pb__rng_normal_slow(pb__rng *r, double u, int i);

/* A standard normal. */
static inline double pb__rng_normal(pb__rng *r)
{
    uint64_t bits = pb__rng_next(r);
    int i = (int)(bits & 0xFF);
    double u = (double)(bits >> 11) * 0x1.0p-52 - 1.0; /* [-1, 1) */
    if (__builtin_expect(u < pb__zig_r[i] && -u < pb__zig_r[i], 1))
        return u * pb__zig_x[i];
    /* The rare path works on a copy, so that the caller's state never has
     * its address taken and can live in registers. */
    pb__rng copy = *r;
    double z = pb__rng_normal_slow(&copy, u, i);
    *r = copy;
    return z;
}

/* Four xoshiro256** streams run side by side (word-major, so that four
 * lanes load as one vector), for bulk normals. */
typedef struct pb__rng4 {
    uint64_t s[4][4]; /* s[word][lane] */
} pb__rng4;

/* Lane l is the stream pb__rng_stream(seed, stream, 4 * block + l). */
void pb__rng4_stream(pb__rng4 *r, uint64_t seed, uint64_t stream, uint64_t block);
/* n standard normals from the four lanes: each step draws one 64-bit number
 * per lane and makes eight normals (lane 0..3 low halves, then high halves,
 * each as pb__rng_normals does); a half outside the ziggurat's rectangles
 * is finished by the slow path on its own lane, in that order. AVX2 when the
 * processor has it, else one lane at a time: the same numbers either way. */
void pb__rng4_normals(pb__rng4 *r, double *out, int n);
/* n uniforms on [0, 1) with 52 random bits from the four lanes, one per lane
 * per step (lane 0..3 in order); AVX2 or not, the same numbers. */
void pb__rng4_uniforms(pb__rng4 *r, double *out, int n);
#ifdef PB_TEST_HOOKS
/* Test hook: nonzero makes pb__rng4_normals and pb__rng4_uniforms take the
 * one-lane-at-a-time path. */
extern int pb__rng4_force_scalar;
#endif

/* n standard normals into out, two from each 64-bit draw (a layer index
 * and a 24-bit uniform from each 32-bit half, as Marsaglia and Tsang's
 * 32-bit ziggurat does), for bulk simulation. */
void pb__rng_normals(pb__rng *r, double *out, int n);

#endif
