// Shared by the AVX-512 kernels: the activations of chex_conv_epilogue a vector at a time, lane
// masks, the even/odd lane permutes of stride-2 reads, masked row reads, a 16 x 16 transpose and
// one row of the stems' 3x3 stride-2 max pooling.
#ifndef CHEX_ACTIVATION_AVX512_H
#define CHEX_ACTIVATION_AVX512_H

#include "chex_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define CHEX_ISA __attribute__((target("avx512f,avx512dq,fma,avx2")))

// K of a dense convolution's product: input channels x kh x kw.
static inline long chex_conv_depth(const chex_conv_shape *s) {
  return s->in_channels * s->kernel_h * s->kernel_w;
}

#if defined(__x86_64__)

// e^x for each lane, x clamped to [-87, 88]: Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2,
// degree-7 Taylor polynomial for e^r, 2^n built in the exponent bits (as Vector.swift).
static inline CHEX_ISA __m512 chex_exp(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.0f)), _mm512_set1_ps(88.0f));
  __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504f)),
                                  _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.0f / 5040);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  __m512i e = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
  return _mm512_mul_ps(p, _mm512_castsi512_ps(e));
}

// 1 / (1 + e^-v): a 14-bit reciprocal estimate and one Newton step r (2 - d r), relative
// error about 2^-27 (a division costs several times more here; d lies in [1, 6.1e37]).
static inline CHEX_ISA __m512 chex_sigmoid(__m512 v) {
  __m512 d = _mm512_add_ps(_mm512_set1_ps(1.0f), chex_exp(_mm512_sub_ps(_mm512_setzero_ps(), v)));
  __m512 r = _mm512_rcp14_ps(d);
  return _mm512_mul_ps(r, _mm512_fnmadd_ps(d, r, _mm512_set1_ps(2.0f)));
}

static inline CHEX_ISA __m512 chex_activate(__m512 v, const chex_conv_epilogue *e) {
  switch (e->activation) {
  case CHEX_ACT_SIGMOID:
    return chex_sigmoid(v);
  case CHEX_ACT_SILU:
    return _mm512_mul_ps(v, chex_sigmoid(v));
  case CHEX_ACT_HARD_SIGMOID: {
    __m512 h = _mm512_fmadd_ps(v, _mm512_set1_ps(e->p0), _mm512_set1_ps(e->p1));
    return _mm512_min_ps(_mm512_max_ps(h, _mm512_setzero_ps()), _mm512_set1_ps(1.0f));
  }
  case CHEX_ACT_HARD_SWISH: {
    __m512 h = _mm512_fmadd_ps(v, _mm512_set1_ps(1.0f / 6), _mm512_set1_ps(0.5f));
    return _mm512_mul_ps(v, _mm512_min_ps(_mm512_max_ps(h, _mm512_setzero_ps()), _mm512_set1_ps(1.0f)));
  }
  default:
    return _mm512_min_ps(_mm512_max_ps(v, _mm512_set1_ps(e->p0)), _mm512_set1_ps(e->p1));
  }
}

// The first `count` lanes (none for count <= 0, all for count >= 16).
static inline __mmask16 chex_lanes(long count) {
  return count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count > 0 ? count : 0)) - 1u);
}

// Lane indices picking the even (0, 2, .., 30) or odd (1, 3, .., 31) values of two vectors
// with _mm512_permutex2var_ps: the columns a stride-2 window reads.
static inline CHEX_ISA __m512i chex_even_lanes(void) {
  return _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
}

static inline CHEX_ISA __m512i chex_odd_lanes(void) {
  return _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
}

// Rows 0..15 of a 16 x 16 block in, columns out (r[j] = old column j).
static inline __attribute__((always_inline)) CHEX_ISA void chex_transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 8; i++) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 4; i++) {
    __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
    __m512d c = _mm512_castps_pd(t[4 * i + 2]), d = _mm512_castps_pd(t[4 * i + 3]);
    r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
    r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
    r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
    r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
  }
  // r[4i + j] now holds column j of rows 4i..4i+3 in each 128-bit block (blocks: columns j,
  // j + 4, j + 8, j + 12).
  __m512 u[16];
  for (int j = 0; j < 4; j++) {
    __m512 a0 = _mm512_shuffle_f32x4(r[j], r[4 + j], 0x88);
    __m512 a1 = _mm512_shuffle_f32x4(r[j], r[4 + j], 0xdd);
    __m512 b0 = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0x88);
    __m512 b1 = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0xdd);
    u[j] = _mm512_shuffle_f32x4(a0, b0, 0x88);
    u[j + 8] = _mm512_shuffle_f32x4(a0, b0, 0xdd);
    u[j + 4] = _mm512_shuffle_f32x4(a1, b1, 0x88);
    u[j + 12] = _mm512_shuffle_f32x4(a1, b1, 0xdd);
  }
  for (int j = 0; j < 16; j++) r[j] = u[j];
}

// One output row of the stems' 3x3 stride-2 max pooling (pads 0 or 1, no ceil mode), 16 output
// columns at a time: the maximum over the window's rows (the n of rows[0..2] inside the input)
// of input columns [2 ox, 2 ox + 32) (two loads per row, -infinity past the row's end), split
// into its even and odd columns; output column ox + i is the maximum of even i, odd i and, with
// padding 1, odd i - 1 (the previous chunk's last odd column carried over, -infinity before the
// first), without padding even i + 1 (the next chunk's first column).
static inline CHEX_ISA void chex_max3s2_row(const float *const rows[3], int n, long width, long out_width,
                                            int padded, float *out) {
  const __m512 fill = _mm512_set1_ps(-__builtin_inff());
  const __m512i even = chex_even_lanes(), odd = chex_odd_lanes();
  __m512 carry = fill;
  for (long ox = 0; ox < out_width; ox += 16) {
    const long c0 = 2 * ox;
    const __mmask16 low = chex_lanes(width - c0), high = chex_lanes(width - c0 - 16);
    __m512 lo = fill, hi = fill;
    for (int r = 0; r < n; r++) {
      lo = _mm512_max_ps(lo, _mm512_mask_loadu_ps(fill, low, rows[r] + c0));
      hi = _mm512_max_ps(hi, _mm512_mask_loadu_ps(fill, high, rows[r] + c0 + 16));
    }
    __m512 e = _mm512_permutex2var_ps(lo, even, hi), o = _mm512_permutex2var_ps(lo, odd, hi);
    __m512 side;
    if (padded) {
      // [carry[15], o[0], ..., o[14]]
      side = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(o), _mm512_castps_si512(carry), 15));
      carry = o;
    } else {
      __m512 next = fill;
      const __mmask16 first = chex_lanes(width - c0 - 32) & 1;
      for (int r = 0; r < n; r++) next = _mm512_max_ps(next, _mm512_mask_loadu_ps(fill, first, rows[r] + c0 + 32));
      // [e[1], ..., e[15], next[0]]
      side = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(next), _mm512_castps_si512(e), 1));
    }
    __m512 acc = _mm512_max_ps(_mm512_max_ps(e, o), side);
    long count = out_width - ox < 16 ? out_width - ox : 16;
    if (count == 16) {
      _mm512_storeu_ps(out + ox, acc);
    } else {
      _mm512_mask_storeu_ps(out + ox, chex_lanes(count), acc);
    }
  }
}

// The 16 values of a row from column `start` (possibly negative or past the end), `fill`
// outside [0, width): a plain load when all are inside, else a masked one (which does not touch
// the lanes left out).
static inline CHEX_ISA __m512 chex_row_chunk(const float *row, long start, long width, __m512 fill) {
  if (start >= 0 && start + 16 <= width) return _mm512_loadu_ps(row + start);
  __mmask16 inside = chex_lanes(width - start) & (__mmask16)~chex_lanes(-start);
  return _mm512_mask_loadu_ps(fill, inside, row + start);
}

#endif

#endif
