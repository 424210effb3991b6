/* rng.c — seeding of payband's xoshiro256** streams and the ziggurat
 * normal sampler (Marsaglia & Tsang's method with 128 layers, in Doornik's
 * formulation: a uniform in [-1, 1) and a layer index from one 64-bit draw,
 * with the exact wedge and tail tests on the rare slow path). */
#include "rng.h"

#include <math.h>
#include <pthread.h>

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

#define ZIG_C 128
#define ZIG_R 3.442619855899
#define ZIG_V 9.91256303526217e-3

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
        i = (int)(bits & 0x7F);
        u = (double)(bits >> 11) * 0x1.0p-52 - 1.0;
    }
}
