/* rng.h — payband's own random numbers (internal): xoshiro256** seeded by
 * splitmix64, uniforms on [0,1) and standard normals by a 128-layer
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
extern double pb__zig_x[129];
extern double pb__zig_r[128];
void pb__rng_normal_init(void);
double pb__rng_normal_slow(pb__rng *r, double u, int i);

/* A standard normal. */
static inline double pb__rng_normal(pb__rng *r)
{
    uint64_t bits = pb__rng_next(r);
    int i = (int)(bits & 0x7F);
    double u = (double)(bits >> 11) * 0x1.0p-52 - 1.0; /* [-1, 1) */
    if (u < pb__zig_r[i] && -u < pb__zig_r[i])
        return u * pb__zig_x[i];
    return pb__rng_normal_slow(r, u, i);
}

#endif
