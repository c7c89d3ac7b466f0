/* fft.c: iterative radix-4 (one radix-2 stage when log2 n is odd)
 * decimation-in-time FFT on bit-reversed input, blocked so that the early
 * stages run inside the cache; the twiddles come from exact octant
 * reduction (see fft.h). */
#include "analysis/fft.h"

#include <math.h>
#include <string.h>

#include "core/error.h"

#define TWO_PI 6.28318530717958647692528676655900577

void mtl__cis_exact(uint64_t k, uint64_t n, double *re, double *im)
{
    uint64_t q4, r, quarter;
    double c, s, t;
    if (n < 8) {
        /* n = 1, 2, 4: the values are exact */
        static const double cr[4] = {1, 0, -1, 0}, ci[4] = {0, 1, 0, -1};
        unsigned idx = (unsigned)((k % (n ? n : 1)) * (4 / (n ? n : 1)));
        *re = cr[idx & 3];
        *im = ci[idx & 3];
        return;
    }
    k &= n - 1;
    quarter = n / 4;
    q4 = k / quarter;
    r = k % quarter;
    /* first octant: cos and sin of an angle below π/4 (argument error one
     * rounding, so below 1e-16 absolute) */
    if (r <= quarter / 2) {
        t = (double)r * (TWO_PI / (double)n);
        c = cos(t);
        s = sin(t);
    } else {
        t = (double)(quarter - r) * (TWO_PI / (double)n);
        c = sin(t);
        s = cos(t);
    }
    switch (q4) {
    case 0: *re = c; *im = s; break;
    case 1: *re = -s; *im = c; break;
    case 2: *re = -c; *im = -s; break;
    default: *re = s; *im = -c; break;
    }
}

mtl_status mtl__cis_init(mtl__allocator *a, mtl__cis *t, uint64_t n)
{
    unsigned log2n = 0, lo_bits;
    size_t i;
    memset(t, 0, sizeof *t);
    while (((uint64_t)1 << log2n) < n)
        log2n++;
    lo_bits = (log2n + 1) / 2;
    t->n = n;
    t->mask = n - 1;
    t->shift = lo_bits;
    t->low_mask = ((uint64_t)1 << lo_bits) - 1;
    t->nlo = (size_t)1 << lo_bits;
    t->nhi = (size_t)1 << (log2n - lo_bits);
    t->hi = mtl__alloc_array(a, t->nhi, 2 * sizeof(double));
    t->lo = mtl__alloc_array(a, t->nlo, 2 * sizeof(double));
    if (!t->hi || !t->lo) {
        mtl__cis_free(a, t);
        return mtl__error_oom();
    }
    for (i = 0; i < t->nlo; i++)
        mtl__cis_exact(i, n, &t->lo[2 * i], &t->lo[2 * i + 1]);
    for (i = 0; i < t->nhi; i++)
        mtl__cis_exact((uint64_t)i << lo_bits, n, &t->hi[2 * i],
                       &t->hi[2 * i + 1]);
    return MTL_OK;
}

void mtl__cis_free(mtl__allocator *a, mtl__cis *t)
{
    mtl__free(a, t->hi, t->nhi * 2 * sizeof(double));
    mtl__free(a, t->lo, t->nlo * 2 * sizeof(double));
    memset(t, 0, sizeof *t);
}

mtl_status mtl__fft_init(mtl__allocator *a, mtl__fft *f, size_t n)
{
    size_t h, j, i;
    unsigned log2n = 0;
    mtl__cis cis;
    mtl_status st;
    memset(f, 0, sizeof *f);
    while (((size_t)1 << log2n) < n)
        log2n++;
    if (((size_t)1 << log2n) != n || log2n > 31)
        return mtl__error(MTL_E_LIMIT, "FFT size %zu is not a power of two "
                          "up to 2^31", n);
    f->n = n;
    f->log2n = log2n;
    f->rev = mtl__alloc_array(a, n, sizeof *f->rev);
    if (n > 1)
        f->tw = mtl__alloc_array(a, n - 1, 2 * sizeof(double));
    if (!f->rev || (n > 1 && !f->tw)) {
        mtl__fft_free(a, f);
        return mtl__error_oom();
    }
    f->rev[0] = 0;
    for (i = 1; i < n; i++)
        f->rev[i] = (f->rev[i >> 1] >> 1) | ((uint32_t)(i & 1) << (log2n - 1));
    if (n < 2)
        return MTL_OK;
    /* the last stage from the two-level table (a few ulps, no libm call
     * per entry); every smaller stage takes every other value */
    st = mtl__cis_init(a, &cis, n);
    if (st != MTL_OK) {
        mtl__fft_free(a, f);
        return st;
    }
    h = n / 2;
    for (j = 0; j < h; j++) {
        double *w = f->tw + 2 * (h - 1) + 2 * j;
        mtl__cis_at(&cis, j, &w[0], &w[1]);
    }
    mtl__cis_free(a, &cis);
    for (h = n / 4; h >= 1; h /= 2) {
        double *w = f->tw + 2 * (h - 1);
        const double *w2 = f->tw + 2 * (2 * h - 1);
        for (j = 0; j < h; j++) {
            w[2 * j] = w2[4 * j];
            w[2 * j + 1] = w2[4 * j + 1];
        }
    }
    return MTL_OK;
}

void mtl__fft_free(mtl__allocator *a, mtl__fft *f)
{
    mtl__free(a, f->rev, f->n * sizeof *f->rev);
    if (f->n > 1)
        mtl__free(a, f->tw, (f->n - 1) * 2 * sizeof(double));
    memset(f, 0, sizeof *f);
}

/* The first stage when log2 n is odd: butterflies of neighbours. */
static void pass_radix2(double *d, size_t len)
{
    size_t i;
    for (i = 0; i < 2 * len; i += 4) {
        double ar = d[i], ai = d[i + 1], br = d[i + 2], bi = d[i + 3];
        d[i] = ar + br;
        d[i + 1] = ai + bi;
        d[i + 2] = ar - br;
        d[i + 3] = ai - bi;
    }
}

/* (x, y) <- (x + w y, x - w y) */
static inline void butterfly(double *xr, double *xi, double *yr, double *yi,
                             double wr, double wi)
{
    double tr = wr * *yr - wi * *yi, ti = wr * *yi + wi * *yr;
    *yr = *xr - tr;
    *yi = *xi - ti;
    *xr += tr;
    *xi += ti;
}

/* Stages h and 2h together (a radix-4 pass) over len points (a multiple
 * of 4h); s = sign. */
static void pass_radix4(double *d, size_t len, size_t h, const double *tw,
                        double s)
{
    const double *w1t = tw + 2 * (h - 1), *w2t = tw + 2 * (2 * h - 1);
    size_t blk, j;
    for (blk = 0; blk < len; blk += 4 * h) {
        double *x0 = d + 2 * blk, *x1 = x0 + 2 * h, *x2 = x1 + 2 * h,
               *x3 = x2 + 2 * h;
        for (j = 0; j < 2 * h; j += 2) {
            double w1r = w1t[j], w1i = s * w1t[j + 1];
            double w2r = w2t[j], w2i = s * w2t[j + 1];
            double a0r = x0[j], a0i = x0[j + 1], a1r = x1[j], a1i = x1[j + 1];
            double a2r = x2[j], a2i = x2[j + 1], a3r = x3[j], a3i = x3[j + 1];
            /* stage h: (0, 1) and (2, 3) by w1; stage 2h: (0, 2) by w2 and
             * (1, 3) by w3 = w2 e^{s iπ/2} */
            butterfly(&a0r, &a0i, &a1r, &a1i, w1r, w1i);
            butterfly(&a2r, &a2i, &a3r, &a3i, w1r, w1i);
            butterfly(&a0r, &a0i, &a2r, &a2i, w2r, w2i);
            butterfly(&a1r, &a1i, &a3r, &a3i, -s * w2i, s * w2r);
            x0[j] = a0r;
            x0[j + 1] = a0i;
            x1[j] = a1r;
            x1[j + 1] = a1i;
            x2[j] = a2r;
            x2[j + 1] = a2i;
            x3[j] = a3r;
            x3[j + 1] = a3i;
        }
    }
}

/* Points per cache block: the stages that fit run block by block. */
#define FFT_BLOCK ((size_t)1 << 15)

void mtl__fft_run_bitrev(const mtl__fft *f, double *data, int sign)
{
    size_t n = f->n, h0 = 1, h, blk, bl;
    double s = sign < 0 ? -1.0 : 1.0;
    if (n < 2)
        return;
    if (f->log2n & 1u)
        h0 = 2;
    bl = n < FFT_BLOCK ? n : FFT_BLOCK;
    for (blk = 0; blk < n; blk += bl) {
        if (h0 == 2)
            pass_radix2(data + 2 * blk, bl);
        for (h = h0; 4 * h <= bl; h *= 4)
            pass_radix4(data + 2 * blk, bl, h, f->tw, s);
    }
    for (h = h0; 4 * h <= bl; h *= 4)
        ;
    for (; h < n; h *= 4)
        pass_radix4(data, n, h, f->tw, s);
}

/* Bit reversal by tiles: index (a, b, c) with a and c of TILE_BITS bits
 * goes to (rev c, rev b, rev a), so a tile of 2^TILE_BITS x 2^TILE_BITS
 * values is read and written in runs of 2^TILE_BITS neighbours instead of
 * one cache miss per value.  Tiles b and rev b swap. */
#define TILE_BITS 4
#define TILE (1u << TILE_BITS)

static void permute(const mtl__fft *f, double *data)
{
    size_t i, b, nb, a, c;
    unsigned hi_shift;
    double t1[2 * TILE * TILE], t2[2 * TILE * TILE];
    unsigned char revq[TILE];
    if (f->log2n < 2 * TILE_BITS + 1) {
        for (i = 0; i < f->n; i++) {
            size_t r = f->rev[i];
            if (r > i) {
                double tr = data[2 * i], ti = data[2 * i + 1];
                data[2 * i] = data[2 * r];
                data[2 * i + 1] = data[2 * r + 1];
                data[2 * r] = tr;
                data[2 * r + 1] = ti;
            }
        }
        return;
    }
    for (a = 0; a < TILE; a++) {
        unsigned r = 0, v = (unsigned)a, k;
        for (k = 0; k < TILE_BITS; k++, v >>= 1)
            r = (r << 1) | (v & 1u);
        revq[a] = (unsigned char)r;
    }
    hi_shift = f->log2n - TILE_BITS;
    nb = (size_t)1 << (f->log2n - 2 * TILE_BITS);
    for (b = 0; b < nb; b++) {
        size_t rb = f->rev[b << TILE_BITS] >> TILE_BITS;
        if (rb < b)
            continue;
        for (a = 0; a < TILE; a++)
            for (c = 0; c < TILE; c++) {
                size_t src = (a << hi_shift) | (b << TILE_BITS) | c;
                t1[2 * (a * TILE + c)] = data[2 * src];
                t1[2 * (a * TILE + c) + 1] = data[2 * src + 1];
                src = (a << hi_shift) | (rb << TILE_BITS) | c;
                t2[2 * (a * TILE + c)] = data[2 * src];
                t2[2 * (a * TILE + c) + 1] = data[2 * src + 1];
            }
        for (c = 0; c < TILE; c++)
            for (a = 0; a < TILE; a++) {
                size_t hi = (size_t)revq[c] << hi_shift, lo = revq[a];
                size_t d1 = hi | (rb << TILE_BITS) | lo,
                       d2 = hi | (b << TILE_BITS) | lo;
                data[2 * d1] = t1[2 * (a * TILE + c)];
                data[2 * d1 + 1] = t1[2 * (a * TILE + c) + 1];
                data[2 * d2] = t2[2 * (a * TILE + c)];
                data[2 * d2 + 1] = t2[2 * (a * TILE + c) + 1];
            }
    }
}

void mtl__fft_run(const mtl__fft *f, double *data, int sign)
{
    permute(f, data);
    mtl__fft_run_bitrev(f, data, sign);
}
