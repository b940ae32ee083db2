// Depthwise convolution with AVX-512 (see include/chex_kernels.h).
#include "chex_kernels.h"

#include <immintrin.h>
#include <string.h>

#include "activation_avx512.h"

// Padded plane: rows (out_height - 1) stride_y + kernel_h, row length (out_width - 1) stride_x
// + kernel_w plus 32 floats of slack, so the 16-lane loads of the last vector of a row (32 lanes
// for stride 2) stay inside the plane.
static long padded_width(const chex_depthwise_shape *s) {
  return (s->out_width - 1) * s->stride_x + s->kernel_w + 32;
}

static long padded_height(const chex_depthwise_shape *s) {
  return (s->out_height - 1) * s->stride_y + s->kernel_h;
}

long chex_depthwise_scratch_count(const chex_depthwise_shape *s) {
  return padded_width(s) * padded_height(s) + 16;
}

#if defined(__x86_64__)

static CHEX_ISA void depthwise_avx512(const chex_depthwise_shape *s, const float *weights,
                                      const float *x, float *y, const chex_conv_epilogue *e,
                                      long c_begin, long c_end, float *scratch) {
  const long wp = padded_width(s), hp = padded_height(s);
  const long in_plane = s->height * s->width, out_plane = s->out_height * s->out_width;
  const long taps = s->kernel_h * s->kernel_w;
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  for (long c = c_begin; c < c_end; c++) {
    // Zero-padded copy of the plane: padded row r, column q hold x[r - pad_top][q - pad_left].
    const float *plane = x + c * in_plane;
    for (long r = 0; r < hp; r++) {
      float *row = scratch + r * wp;
      long iy = r - s->pad_top;
      if (iy < 0 || iy >= s->height) {
        memset(row, 0, wp * sizeof(float));
        continue;
      }
      long left = s->pad_left < wp ? s->pad_left : wp;
      long count = s->width;
      if (left + count > wp) count = wp - left;
      memset(row, 0, left * sizeof(float));
      if (count > 0) memcpy(row + left, plane + iy * s->width, count * sizeof(float));
      if (left + count < wp) memset(row + left + count, 0, (wp - left - count) * sizeof(float));
    }
    const float *w = weights + c * taps;
    const __m512 bias = _mm512_set1_ps(e->bias ? e->bias[c] : 0.0f);
    float *out = y + c * out_plane;
    const float *residual = e->residual ? e->residual + c * out_plane : NULL;
    for (long oy = 0; oy < s->out_height; oy++) {
      for (long ox = 0; ox < s->out_width; ox += 16) {
        __mmask16 mask = chex_lanes(s->out_width - ox);
        __m512 acc = _mm512_setzero_ps();
        for (long ky = 0; ky < s->kernel_h; ky++) {
          const float *row = scratch + (oy * s->stride_y + ky) * wp + ox * s->stride_x;
          const float *wk = w + ky * s->kernel_w;
          if (s->stride_x == 1) {
            for (long kx = 0; kx < s->kernel_w; kx++)
              acc = _mm512_fmadd_ps(_mm512_set1_ps(wk[kx]), _mm512_loadu_ps(row + kx), acc);
          } else {
            for (long kx = 0; kx < s->kernel_w; kx++) {
              __m512 v = _mm512_permutex2var_ps(_mm512_loadu_ps(row + kx), even, _mm512_loadu_ps(row + kx + 16));
              acc = _mm512_fmadd_ps(_mm512_set1_ps(wk[kx]), v, acc);
            }
          }
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
  depthwise_avx512(s, weights, x, y, e, c_begin, c_end, scratch);
#else
  (void)s; (void)weights; (void)x; (void)y; (void)e; (void)c_begin; (void)c_end; (void)scratch;
#endif
}
