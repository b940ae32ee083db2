// Depthwise convolution with AVX-512 (see include/chex_kernels.h).
#include "chex_kernels.h"

#include <immintrin.h>

#include "activation_avx512.h"

long chex_depthwise_scratch_count(const chex_depthwise_shape *s) {
  (void)s;
  return 0;
}

#if defined(__x86_64__)

// Lanes j of a vector starting at input column `start` that fall inside [0, width), among the
// first `count`.
static inline __mmask16 inside(long start, long width, long count) {
  return chex_lanes(count) & chex_lanes(width - start) & (__mmask16)~chex_lanes(-start);
}

static inline __mmask32 inside32(long start, long width, long count) {
  __mmask32 lo = inside(start, width, count), hi = inside(start + 16, width, count - 16);
  return lo | ((__mmask32)hi << 16);
}

// acc + the kw taps of one input row for one chunk of output pixels.
static inline __attribute__((always_inline)) CHEX_ISA __m512 row_taps(
    __m512 acc, const float *row, const float *wk, const long *starts, const __mmask32 *columns, long kw,
    long stride, int interior, __m512i even) {
  if (interior && stride == 1) {
    for (long kx = 0; kx < kw; kx++)
      acc = _mm512_fmadd_ps(_mm512_set1_ps(wk[kx]), _mm512_loadu_ps(row + starts[kx]), acc);
  } else if (interior) {
    for (long kx = 0; kx < kw; kx++) {
      __m512 v = _mm512_permutex2var_ps(_mm512_loadu_ps(row + starts[kx]), even, _mm512_loadu_ps(row + starts[kx] + 16));
      acc = _mm512_fmadd_ps(_mm512_set1_ps(wk[kx]), v, acc);
    }
  } else {
    for (long kx = 0; kx < kw; kx++) {
      __m512 v;
      if (stride == 1) {
        v = _mm512_maskz_loadu_ps((__mmask16)columns[kx], row + starts[kx]);
      } else {
        // Lanes 2j of 32 consecutive values (masked loads do not touch lanes outside).
        __m512 a = _mm512_maskz_loadu_ps((__mmask16)columns[kx], row + starts[kx]);
        __m512 b = _mm512_maskz_loadu_ps((__mmask16)(columns[kx] >> 16), row + starts[kx] + 16);
        v = _mm512_permutex2var_ps(a, even, b);
      }
      acc = _mm512_fmadd_ps(_mm512_set1_ps(wk[kx]), v, acc);
    }
  }
  return acc;
}

// Whether every lane of every kx of the 16-pixel chunk at ox lies inside the row (16 values
// read, 32 for stride 2).
static int chunk_interior(const chex_depthwise_shape *s, long ox) {
  long first = ox * s->stride_x - s->pad_left;
  long last = ox * s->stride_x + s->kernel_w - 1 - s->pad_left + (s->stride_x == 1 ? 15 : 31);
  return ox + 16 <= s->out_width && first >= 0 && last < s->width;
}

// The common shapes (3x3 and 5x5, strides 1 and 2) on output rows whose kh input rows are
// all inside the plane, taps unrolled and weights held in registers: plain loads for chunks
// whose taps all lie inside the row, masked loads (zero outside) for the chunks at its ends.
#define DEFINE_FIXED(K, S)                                                                              \
  static CHEX_ISA void fixed_##K##x##K##_s##S(const chex_depthwise_shape *s, const float *const *rows,  \
                                              const float *w, __m512 bias, float *out,                  \
                                              const float *residual, const chex_conv_epilogue *e) {      \
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30); \
    __m512 wv[K * K];                                                                                   \
    for (int t = 0; t < K * K; t++) wv[t] = _mm512_set1_ps(w[t]);                                       \
    for (long ox = 0; ox < s->out_width; ox += 16) {                                                    \
      long start = ox * S - s->pad_left;                                                                \
      long count = s->out_width - ox < 16 ? s->out_width - ox : 16;                                     \
      __m512 acc = bias;                                                                                \
      if (chunk_interior(s, ox)) {                                                                      \
        for (int ky = 0; ky < K; ky++) {                                                                \
          __m512 part = _mm512_setzero_ps();                                                            \
          for (int kx = 0; kx < K; kx++) {                                                              \
            const float *p = rows[ky] + start + kx;                                                     \
            __m512 v = S == 1 ? _mm512_loadu_ps(p)                                                      \
                              : _mm512_permutex2var_ps(_mm512_loadu_ps(p), even, _mm512_loadu_ps(p + 16)); \
            part = _mm512_fmadd_ps(wv[ky * K + kx], v, part);                                           \
          }                                                                                             \
          acc = _mm512_add_ps(acc, part);                                                               \
        }                                                                                               \
      } else {                                                                                          \
        __mmask32 m[K];                                                                                 \
        for (int kx = 0; kx < K; kx++)                                                                  \
          m[kx] = S == 1 ? inside(start + kx, s->width, count) : inside32(start + kx, s->width, 2 * count); \
        for (int ky = 0; ky < K; ky++) {                                                                \
          __m512 part = _mm512_setzero_ps();                                                            \
          for (int kx = 0; kx < K; kx++) {                                                              \
            const float *p = rows[ky] + start + kx;                                                     \
            __m512 v = _mm512_maskz_loadu_ps((__mmask16)m[kx], p);                                      \
            if (S == 2) v = _mm512_permutex2var_ps(v, even, _mm512_maskz_loadu_ps((__mmask16)(m[kx] >> 16), p + 16)); \
            part = _mm512_fmadd_ps(wv[ky * K + kx], v, part);                                           \
          }                                                                                             \
          acc = _mm512_add_ps(acc, part);                                                               \
        }                                                                                               \
      }                                                                                                 \
      __mmask16 mask = chex_lanes(count);                                                               \
      if (residual) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(mask, residual + ox));              \
      _mm512_mask_storeu_ps(out + ox, mask, chex_activate(acc, e));                                     \
    }                                                                                                   \
  }

DEFINE_FIXED(3, 1)
DEFINE_FIXED(3, 2)
DEFINE_FIXED(5, 1)
DEFINE_FIXED(5, 2)

typedef void (*fixed_kernel)(const chex_depthwise_shape *, const float *const *, const float *, __m512, float *,
                             const float *, const chex_conv_epilogue *);

static fixed_kernel fixed_for(const chex_depthwise_shape *s) {
  if (s->kernel_h != s->kernel_w || s->stride_y != s->stride_x) return NULL;
  if (s->kernel_h == 3) return s->stride_x == 1 ? fixed_3x3_s1 : fixed_3x3_s2;
  if (s->kernel_h == 5) return s->stride_x == 1 ? fixed_5x5_s1 : fixed_5x5_s2;
  return NULL;
}

static CHEX_ISA void depthwise_avx512(const chex_depthwise_shape *s, const float *weights,
                                      const float *x, float *y, const chex_conv_epilogue *e,
                                      long c_begin, long c_end) {
  const long in_plane = s->height * s->width, out_plane = s->out_height * s->out_width;
  const long taps = s->kernel_h * s->kernel_w;
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  for (long c = c_begin; c < c_end; c++) {
    const float *plane = x + c * in_plane;
    const float *w = weights + c * taps;
    const __m512 bias = _mm512_set1_ps(e->bias ? e->bias[c] : 0.0f);
    float *out = y + c * out_plane;
    const float *residual = e->residual ? e->residual + c * out_plane : NULL;
    // Rows whose taps are all inside the plane go through the unrolled kernel; the rest (the
    // padded rows at the top and bottom, other shapes) through the general loop below.
    fixed_kernel fast = fixed_for(s);
    long fast_rows_begin = (s->pad_top + s->stride_y - 1) / s->stride_y;
    long fast_rows_end = (s->height - s->kernel_h + s->pad_top) / s->stride_y + 1;
    if (fast_rows_end > s->out_height) fast_rows_end = s->out_height;
    if (fast) {
      for (long oy = fast_rows_begin; oy < fast_rows_end; oy++) {
        const float *rows[CHEX_DEPTHWISE_MAX_KERNEL];
        for (long ky = 0; ky < s->kernel_h; ky++) rows[ky] = plane + (oy * s->stride_y + ky - s->pad_top) * s->width;
        fast(s, rows, w, bias, out + oy * s->out_width, residual ? residual + oy * s->out_width : NULL, e);
      }
    }
    for (long ox = 0; ox < s->out_width; ox += 16) {
      // The column masks depend only on the chunk and kx: computed once per chunk.
      long count = s->out_width - ox < 16 ? s->out_width - ox : 16;
      __mmask16 mask = chex_lanes(count);
      __mmask32 columns[CHEX_DEPTHWISE_MAX_KERNEL];
      long starts[CHEX_DEPTHWISE_MAX_KERNEL];
      for (long kx = 0; kx < s->kernel_w; kx++) {
        starts[kx] = ox * s->stride_x + kx - s->pad_left;
        columns[kx] = s->stride_x == 1 ? inside(starts[kx], s->width, count)
                                       : inside32(starts[kx], s->width, 2 * count);
      }
      // Every lane of every kx inside the row (16 values, 32 for stride 2): plain loads, which
      // cost less than masked ones here; chunks at the row's ends take the masked path.
      int interior = chunk_interior(s, ox);
      for (long oy = 0; oy < s->out_height; oy++) {
        if (fast && oy >= fast_rows_begin && oy < fast_rows_end) continue;
        __m512 acc = _mm512_setzero_ps();
        for (long ky = 0; ky < s->kernel_h; ky++) {
          long iy = oy * s->stride_y + ky - s->pad_top;
          if (iy < 0 || iy >= s->height) continue;
          // Each row's taps start from zero and are added at the end: kh short chains of fused
          // multiply-adds that overlap, instead of one long one waiting on each FMA's latency.
          acc = _mm512_add_ps(acc, row_taps(_mm512_setzero_ps(), plane + iy * s->width, w + ky * s->kernel_w,
                                            starts, columns, s->kernel_w, s->stride_x, interior, even));
        }
        acc = _mm512_add_ps(acc, bias);
        if (residual) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(mask, residual + oy * s->out_width + ox));
        _mm512_mask_storeu_ps(out + oy * s->out_width + ox, mask, chex_activate(acc, e));
      }
    }
  }
}

#endif

void chex_depthwise_run(const chex_depthwise_shape *s, const float *weights, const float *x, float *y,
                        const chex_conv_epilogue *e, long c_begin, long c_end, float *scratch) {
#if defined(__x86_64__)
  (void)scratch;
  depthwise_avx512(s, weights, x, y, e, c_begin, c_end);
#else
  (void)s; (void)weights; (void)x; (void)y; (void)e; (void)c_begin; (void)c_end; (void)scratch;
#endif
}
