// Max and average pooling over 2-D windows with AVX-512 (see include/chex_kernels.h).
#include "chex_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "activation_avx512.h"

int chex_pool_is_max3s2(const chex_pool_shape *s) {
  return s->mode == CHEX_POOL_MAX && s->kernel_h == 3 && s->kernel_w == 3 && s->stride_y == 2 && s->stride_x == 2 &&
         s->dilation_y == 1 && s->dilation_x == 1 && s->pad_top <= 1 && s->pad_top == s->pad_left &&
         s->pad_bottom == s->pad_top && s->pad_right == s->pad_left &&
         s->out_height == (s->height + 2 * s->pad_top - 3) / 2 + 1 &&
         s->out_width == (s->width + 2 * s->pad_left - 3) / 2 + 1;
}

int chex_pool_supported(const chex_pool_shape *s) {
  return s->stride_x >= 1 && s->stride_x <= 2 && s->kernel_w <= CHEX_DEPTHWISE_MAX_KERNEL;
}

#if defined(__x86_64__)

// Which of the values row[start + i] a chunk's loads read: bit j * stride for each output lane
// j < count whose input column start + j * stride lies in [lo, hi).
static inline __mmask32 columns_in(long start, long stride, long count, long lo, long hi) {
  __mmask32 m = 0;
  for (long j = 0; j < count; j++) {
    long ix = start + j * stride;
    if (ix >= lo && ix < hi) m |= (__mmask32)1 << (j * stride);
  }
  return m;
}

// The output lanes of such a mask (bit j for bit j * stride).
static inline __mmask16 lanes_of(__mmask32 m, long stride) {
  if (stride == 1) return (__mmask16)m;
  __mmask16 lanes = 0;
  for (int j = 0; j < 16; j++)
    if (m >> (2 * j) & 1) lanes |= (__mmask16)(1u << j);
  return lanes;
}

// The 16-lane vector of row[start + j * stride], lanes outside `mask` set to `fill` (stride 1
// or 2; masked loads never touch the lanes left out).
static inline CHEX_ISA __m512 taps(const float *row, long start, long stride, __mmask32 mask, __m512 fill,
                                  __m512i even) {
  if (stride == 1) return _mm512_mask_loadu_ps(fill, (__mmask16)mask, row + start);
  __m512 a = _mm512_mask_loadu_ps(fill, (__mmask16)mask, row + start);
  __m512 b = _mm512_mask_loadu_ps(fill, (__mmask16)(mask >> 16), row + start + 16);
  return _mm512_permutex2var_ps(a, even, b);
}

// The stems' 3x3 stride-2 max pooling, a row at a time (chex_max3s2_row: the window's rows maxed
// over 32 aligned input columns first, then even and odd lanes; was three unaligned loads, two
// permutes and a lane shift per row, 3.5x slower from L2).
static CHEX_ISA void max3_stride2(const chex_pool_shape *s, const float *x, float *y, long p_begin, long p_end) {
  const long w = s->width, in_plane = s->height * w, out_plane = s->out_height * s->out_width;
  for (long p = p_begin; p < p_end; p++) {
    for (long oy = 0; oy < s->out_height; oy++) {
      const float *rows[3];
      int n = 0;
      for (long ky = 0; ky < 3; ky++) {
        long iy = 2 * oy + ky - s->pad_top;
        if (iy >= 0 && iy < s->height) rows[n++] = x + p * in_plane + iy * w;
      }
      chex_max3s2_row(rows, n, w, s->out_width, s->pad_left == 1, y + p * out_plane + oy * s->out_width);
    }
  }
}

// DenseNet's transitions: 2x2 stride-2 average pooling without padding, every window whole.
static CHEX_ISA void average2_stride2(const chex_pool_shape *s, const float *x, float *y, long p_begin,
                                      long p_end) {
  const __m512 zero = _mm512_setzero_ps(), quarter = _mm512_set1_ps(0.25f);
  const __m512i even = chex_even_lanes();
  const __m512i odd = chex_odd_lanes();
  const long w = s->width, in_plane = s->height * w, out_plane = s->out_height * s->out_width;
  for (long p = p_begin; p < p_end; p++) {
    for (long oy = 0; oy < s->out_height; oy++) {
      const float *r0 = x + p * in_plane + 2 * oy * w, *r1 = r0 + w;
      for (long ox = 0; ox < s->out_width; ox += 16) {
        long b = 2 * ox;
        __m512 a0 = chex_row_chunk(r0, b, w, zero), c0 = chex_row_chunk(r0, b + 16, w, zero);
        __m512 a1 = chex_row_chunk(r1, b, w, zero), c1 = chex_row_chunk(r1, b + 16, w, zero);
        __m512 top = _mm512_add_ps(_mm512_permutex2var_ps(a0, even, c0), _mm512_permutex2var_ps(a0, odd, c0));
        __m512 bottom = _mm512_add_ps(_mm512_permutex2var_ps(a1, even, c1), _mm512_permutex2var_ps(a1, odd, c1));
        long count = s->out_width - ox < 16 ? s->out_width - ox : 16;
        _mm512_mask_storeu_ps(y + p * out_plane + oy * s->out_width + ox, chex_lanes(count),
                              _mm512_mul_ps(_mm512_add_ps(top, bottom), quarter));
      }
    }
  }
}

static CHEX_ISA void pool(const chex_pool_shape *s, const float *x, float *y, long p_begin, long p_end) {
  const int plain = s->dilation_x == 1 && s->dilation_y == 1 && s->stride_x == 2 && s->stride_y == 2 &&
                    s->pad_top == s->pad_left && s->pad_bottom == s->pad_top && s->pad_right == s->pad_left;
  if (chex_pool_is_max3s2(s)) {
    max3_stride2(s, x, y, p_begin, p_end);
    return;
  }
  if (plain && s->mode != CHEX_POOL_MAX && s->kernel_h == 2 && s->kernel_w == 2 && s->pad_top == 0 &&
      s->out_height == s->height / 2 && s->out_width == s->width / 2) {
    average2_stride2(s, x, y, p_begin, p_end);
    return;
  }
  const int is_max = s->mode == CHEX_POOL_MAX;
  const __m512 fill = is_max ? _mm512_set1_ps(-__builtin_inff()) : _mm512_setzero_ps();
  const __m512i even = chex_even_lanes();
  const long in_plane = s->height * s->width, out_plane = s->out_height * s->out_width;
  for (long ox = 0; ox < s->out_width; ox += 16) {
    long count = s->out_width - ox < 16 ? s->out_width - ox : 16;
    __mmask16 store = chex_lanes(count);
    // Per kx: the lanes whose tap is inside the input row; and, per lane, how many taps are
    // inside the row (average without padding) or inside the padded row (with padding).
    __mmask32 inside[CHEX_DEPTHWISE_MAX_KERNEL];
    long starts[CHEX_DEPTHWISE_MAX_KERNEL];
    __m512 columns = _mm512_setzero_ps();
    for (long kx = 0; kx < s->kernel_w; kx++) {
      starts[kx] = ox * s->stride_x - s->pad_left + kx * s->dilation_x;
      inside[kx] = columns_in(starts[kx], s->stride_x, count, 0, s->width);
      __mmask32 counted = s->mode == CHEX_POOL_AVERAGE_INCLUDE_PAD
                              ? columns_in(starts[kx], s->stride_x, count, -s->pad_left, s->width + s->pad_right)
                              : inside[kx];
      columns = _mm512_add_ps(columns, _mm512_maskz_mov_ps(lanes_of(counted, s->stride_x), _mm512_set1_ps(1.0f)));
    }
    for (long p = p_begin; p < p_end; p++) {
      const float *plane = x + p * in_plane;
      float *out = y + p * out_plane;
      for (long oy = 0; oy < s->out_height; oy++) {
        __m512 acc = fill;
        long rows = 0, window_rows = 0;
        for (long ky = 0; ky < s->kernel_h; ky++) {
          long iy = oy * s->stride_y - s->pad_top + ky * s->dilation_y;
          if (iy >= -s->pad_top && iy < s->height + s->pad_bottom) window_rows++;
          if (iy < 0 || iy >= s->height) continue;
          rows++;
          const float *row = plane + iy * s->width;
          for (long kx = 0; kx < s->kernel_w; kx++) {
            __m512 v = taps(row, starts[kx], s->stride_x, inside[kx], fill, even);
            acc = is_max ? _mm512_max_ps(v, acc) : _mm512_add_ps(acc, v);
          }
        }
        if (!is_max) {
          long r = s->mode == CHEX_POOL_AVERAGE_INCLUDE_PAD ? window_rows : rows;
          __m512 divisor = _mm512_mul_ps(columns, _mm512_set1_ps((float)r));
          __mmask16 nonzero = _mm512_cmp_ps_mask(divisor, _mm512_setzero_ps(), _CMP_NEQ_OQ);
          acc = _mm512_maskz_div_ps(nonzero, acc, divisor);
        }
        _mm512_mask_storeu_ps(out + oy * s->out_width + ox, store, acc);
      }
    }
  }
}

#endif

void chex_pool_run(const chex_pool_shape *s, const float *x, float *y, long plane_begin, long plane_end) {
#if defined(__x86_64__)
  pool(s, x, y, plane_begin, plane_end);
#else
  (void)s; (void)x; (void)y; (void)plane_begin; (void)plane_end;
#endif
}
