// Depthwise convolution with AVX-512 (see include/chex_kernels.h).
#include "chex_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "activation_avx512.h"

#include <string.h>

// The channels-last path's largest zero-padded input plane (two blocks of 16 floats per pixel
// on the stack: 128 KB).
#define CHEX_DW_CHANNELS_LAST_AREA 1024

static long padded_rows(const chex_depthwise_shape *s) { return (s->out_height - 1) * s->stride_y + s->kernel_h; }
static long padded_columns(const chex_depthwise_shape *s) { return (s->out_width - 1) * s->stride_x + s->kernel_w; }

int chex_depthwise_channels_last_applies(const chex_depthwise_shape *s) {
  return padded_rows(s) * padded_columns(s) <= CHEX_DW_CHANNELS_LAST_AREA;
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

// Columns c + d .. c + d + 15 from the chunks before, at and after column c (d in [-15, 15],
// a compile-time constant).
#define SHIFTED(prev, cur, next, d)                                                                     \
  ((d) == 0 ? (cur)                                                                                    \
   : (d) < 0 ? _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(cur), _mm512_castps_si512(prev), \
                                                       ((d) < 0 ? 16 + (d) : 0) & 15))                  \
             : _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(next), _mm512_castps_si512(cur), \
                                                       ((d) > 0 ? (d) : 0) & 15)))

// The common shapes (3x3 pad 1 and 5x5 pad 2, symmetric, strides 1 and 2), a whole plane:
// each input row is read in whole 16-value chunks from its start (a sliding window of the
// chunks before, at and after the output chunk), and the shifted rows the taps need are built
// in registers with lane shifts (stride 2: the even and odd columns of 32 values, by two lane
// permutes) instead of loading each tap unaligned; taps unrolled, weights in registers.
// One tap kx (a literal) of the kernel rows below; d = kx - P is the column offset. Stride 2:
// d = 2 q + (d & 1) picks the even or odd columns shifted by q chunks' lanes, and the weight is
// broadcast from memory (its 4 or 6 carried chunks per kernel row leave no registers for 25
// weights: 5x5 stride 2 was 15 % slower with them in registers; stride 1 is 25 % faster so).
#define TAP_S1(kx) part = _mm512_fmadd_ps(wv[ky * KW + (kx)], SHIFTED(prev, cur, next, (kx) - PAD), part);
#define HALF_FLOOR(d) (((d) >= 0 ? (d) : (d) - 1) / 2)
#define TAP_S2(kx)                                                                                      \
  part = _mm512_fmadd_ps(_mm512_set1_ps(w[ky * KW + (kx)]),                                             \
                         (((kx) - PAD) & 1) ? SHIFTED(po_, co_, no_, HALF_FLOOR((kx) - PAD))             \
                                            : SHIFTED(pe_, ce_, ne_, HALF_FLOOR((kx) - PAD)),            \
                         part);
#define TAPS3(M) M(0) M(1) M(2)
#define TAPS5(M) M(0) M(1) M(2) M(3) M(4)

#define DEFINE_SLIDE(K, P, S)                                                                           \
  static CHEX_ISA void slide_##K##_s##S(const chex_depthwise_shape *s, const float *plane, const float *w, \
                                        __m512 bias, float *out, const float *residual,                  \
                                        const chex_conv_epilogue *e) {                                   \
    enum { KW = K, PAD = P };                                                                           \
    const __m512i even = chex_even_lanes();                                                             \
    const __m512i odd = chex_odd_lanes();                                                               \
    const __m512 zero = _mm512_setzero_ps();                                                            \
    __m512 wv[K * K]; /* stride 1 */                                                                   \
    for (int t = 0; t < K * K; t++) wv[t] = _mm512_set1_ps(w[t]);                                       \
    const long width = s->width;                                                                        \
    for (long oy = 0; oy < s->out_height; oy++) {                                                      \
      /* Stride 2: the two input rows output row oy + 2 adds, into L1 (two rows per output row */     \
      /* are more than the hardware prefetcher keeps ahead of from L3: 96 x 160 x 160 inputs */        \
      /* took 1.2 ms instead of 0.6). */                                                               \
      for (int r = 0; S == 2 && r < 2; r++) {                                                           \
        long iy = (oy + 2) * S + K - 1 - s->pad_top - r;                                                \
        if (iy >= 0 && iy < s->height)                                                                  \
          for (long i = 0; i < width; i += 16) _mm_prefetch((const char *)(plane + iy * width + i), _MM_HINT_T0); \
      }                                                                                                 \
      const float *rows[K];                                                                             \
      int inside[K];                                                                                    \
      /* Per kernel row, the chunks before, at and after the output chunk (stride 2: their even */    \
      /* and odd columns), carried from one output chunk to the next: one new chunk per row. */      \
      __m512 pv[K], cv[K], pe[K], po[K], ce[K], co[K];                                                  \
      for (int ky = 0; ky < K; ky++) {                                                                  \
        long iy = oy * S + ky - s->pad_top;                                                             \
        inside[ky] = iy >= 0 && iy < s->height;                                                        \
        rows[ky] = plane + (inside[ky] ? iy : 0) * width;                                               \
        if (S == 1) {                                                                                   \
          pv[ky] = chex_row_chunk(rows[ky], -16, width, zero);                                          \
          cv[ky] = chex_row_chunk(rows[ky], 0, width, zero);                                            \
        } else {                                                                                        \
          __m512 a0 = chex_row_chunk(rows[ky], -32, width, zero), a1 = chex_row_chunk(rows[ky], -16, width, zero); \
          __m512 b0 = chex_row_chunk(rows[ky], 0, width, zero), b1 = chex_row_chunk(rows[ky], 16, width, zero); \
          pe[ky] = _mm512_permutex2var_ps(a0, even, a1), po[ky] = _mm512_permutex2var_ps(a0, odd, a1);  \
          ce[ky] = _mm512_permutex2var_ps(b0, even, b1), co[ky] = _mm512_permutex2var_ps(b0, odd, b1);  \
        }                                                                                               \
      }                                                                                                 \
      for (long ox = 0; ox < s->out_width; ox += 16) {                                                 \
        __m512 acc = bias;                                                                              \
        for (int ky = 0; ky < K; ky++) {                                                                \
          if (!inside[ky]) continue;                                                                    \
          __m512 part = _mm512_setzero_ps();                                                            \
          if (S == 1) {                                                                                 \
            const __m512 prev = pv[ky], cur = cv[ky], next = chex_row_chunk(rows[ky], ox + 16, width, zero); \
            TAPS##K(TAP_S1)                                                                             \
            pv[ky] = cur;                                                                               \
            cv[ky] = next;                                                                              \
          } else {                                                                                      \
            /* Output column ox + i reads input column 2 (ox + i) + kx - P. */                         \
            const long c = 2 * ox;                                                                      \
            __m512 c0 = chex_row_chunk(rows[ky], c + 32, width, zero);                                   \
            __m512 c1 = chex_row_chunk(rows[ky], c + 48, width, zero);                                   \
            const __m512 pe_ = pe[ky], po_ = po[ky], ce_ = ce[ky], co_ = co[ky];                        \
            const __m512 ne_ = _mm512_permutex2var_ps(c0, even, c1), no_ = _mm512_permutex2var_ps(c0, odd, c1); \
            TAPS##K(TAP_S2)                                                                            \
            pe[ky] = ce_, po[ky] = co_, ce[ky] = ne_, co[ky] = no_;                                     \
          }                                                                                             \
          acc = _mm512_add_ps(acc, part);                                                               \
        }                                                                                               \
        long count = s->out_width - ox < 16 ? s->out_width - ox : 16;                                   \
        __mmask16 mask = chex_lanes(count);                                                             \
        if (residual)                                                                                   \
          acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(mask, residual + oy * s->out_width + ox));     \
        _mm512_mask_storeu_ps(out + oy * s->out_width + ox, mask, chex_activate(acc, e));               \
      }                                                                                                 \
    }                                                                                                   \
  }

DEFINE_SLIDE(3, 1, 1)
DEFINE_SLIDE(3, 1, 2)
DEFINE_SLIDE(5, 2, 1)
DEFINE_SLIDE(5, 2, 2)

typedef void (*slide_kernel)(const chex_depthwise_shape *, const float *, const float *, __m512, float *,
                             const float *, const chex_conv_epilogue *);

// The sliding kernel for this shape, or NULL. It needs the symmetric padding of these shapes
// (so that the output columns it computes are exactly the ones the input chunks cover).
static slide_kernel slide_for(const chex_depthwise_shape *s) {
  if (s->kernel_h != s->kernel_w || s->stride_y != s->stride_x) return NULL;
  long k = s->kernel_h, pad = (k - 1) / 2;
  if ((k != 3 && k != 5) || s->pad_top != pad || s->pad_left != pad) return NULL;
  long full = (s->width + 2 * pad - k) / s->stride_x + 1;
  if (s->out_width != full) return NULL;
  if (k == 3) return s->stride_x == 1 ? slide_3_s1 : slide_3_s2;
  return s->stride_x == 1 ? slide_5_s1 : slide_5_s2;
}

// Small planes (the padded input at most CHEX_DW_CHANNELS_LAST_AREA pixels): 16 channels per
// vector. A block of 16 channels is transposed into a zero-padded pixels x 16 layout (16 x 16
// transposes over the flat plane; an NHWC input is copied a pixel vector at a time), each output
// pixel is then kh kw multiply-adds of whole vectors with no lane shifts and no partial rows (a
// 10- or 20-wide row fills 10/16 or 20/32 of the vectors the row-wise kernels use), and the
// result is transposed back to NCHW with the epilogue (NHWC: stored a pixel vector at a time,
// the same values). Any kernel size and stride.
#define DW_GROUP 8  // output pixels computed together (independent chains of multiply-adds)

static CHEX_ISA void depthwise_channels_last(const chex_depthwise_shape *s, const float *weights, const float *x,
                                             float *y, const chex_conv_epilogue *e, long c_begin, long c_end) {
  const long hp = padded_rows(s), wp = padded_columns(s);
  const long in_plane = s->height * s->width, out_plane = s->out_height * s->out_width;
  const long taps = s->kernel_h * s->kernel_w;
  // The padded input block (inside values rewritten per block, the padding stays 0) and the
  // output block, 16 floats per pixel.
  float padded[CHEX_DW_CHANNELS_LAST_AREA * 16] __attribute__((aligned(64)));
  float result[CHEX_DW_CHANNELS_LAST_AREA * 16] __attribute__((aligned(64)));
  memset(padded, 0, hp * wp * 16 * sizeof(float));
  // Where input pixel p lands in the padded block (rows and columns outside it are dropped).
  const long row0 = s->pad_top, column0 = s->pad_left;
  for (long c0 = c_begin; c0 < c_end; c0 += 16) {
    const long n = c_end - c0 < 16 ? c_end - c0 : 16;
    const __mmask16 lanes = chex_lanes(n);
    // In: NHWC, each pixel's vector as it is; NCHW, 16 pixels x 16 channels at a time.
    for (long iy = 0; s->input_nhwc && iy < s->height; iy++) {
      const long r = iy + row0;
      if (r < 0 || r >= hp) continue;
      for (long ix = 0; ix < s->width; ix++) {
        const long q = ix + column0;
        if (q >= 0 && q < wp)
          _mm512_store_ps(padded + (r * wp + q) * 16,
                          _mm512_maskz_loadu_ps(lanes, x + (iy * s->width + ix) * s->channels + c0));
      }
    }
    for (long p = 0; !s->input_nhwc && p < in_plane; p += 16) {
      const long count = in_plane - p < 16 ? in_plane - p : 16;
      const __mmask16 mask = chex_lanes(count);
      __m512 block[16];
      for (int j = 0; j < 16; j++)
        block[j] = j < n ? (count == 16 ? _mm512_loadu_ps(x + (c0 + j) * in_plane + p)
                                        : _mm512_maskz_loadu_ps(mask, x + (c0 + j) * in_plane + p))
                         : _mm512_setzero_ps();
      chex_transpose16(block);
      long iy = p / s->width, ix = p % s->width;
      for (long i = 0; i < count; i++) {
        long r = iy + row0, q = ix + column0;
        if (r >= 0 && r < hp && q >= 0 && q < wp) _mm512_store_ps(padded + (r * wp + q) * 16, block[i]);
        if (++ix == s->width) {
          ix = 0;
          iy++;
        }
      }
    }
    // The weights of tap t for the 16 channels.
    __m512 w[CHEX_DEPTHWISE_MAX_KERNEL * CHEX_DEPTHWISE_MAX_KERNEL];
    for (long t = 0; t < taps; t++) {
      float lane[16] __attribute__((aligned(64))) = {0};
      for (long j = 0; j < n; j++) lane[j] = weights[(c0 + j) * taps + t];
      w[t] = _mm512_load_ps(lane);
    }
    // The products, DW_GROUP output pixels of one row at a time.
    for (long oy = 0; oy < s->out_height; oy++) {
      for (long ox = 0; ox < s->out_width; ox += DW_GROUP) {
        const long g = s->out_width - ox < DW_GROUP ? s->out_width - ox : DW_GROUP;
        __m512 acc[DW_GROUP];
        for (int i = 0; i < DW_GROUP; i++) acc[i] = _mm512_setzero_ps();
        for (long ky = 0; ky < s->kernel_h; ky++) {
          const float *row = padded + ((oy * s->stride_y + ky) * wp + ox * s->stride_x) * 16;
          for (long kx = 0; kx < s->kernel_w; kx++) {
            const __m512 wt = w[ky * s->kernel_w + kx];
            for (int i = 0; i < DW_GROUP; i++)
              if (i < g) acc[i] = _mm512_fmadd_ps(_mm512_load_ps(row + (i * s->stride_x + kx) * 16), wt, acc[i]);
          }
        }
        for (int i = 0; i < DW_GROUP; i++)
          if (i < g) _mm512_store_ps(result + (oy * s->out_width + ox + i) * 16, acc[i]);
      }
    }
    // Out: NHWC, a pixel vector at a time; else back to NCHW rows of 16 pixels; with bias,
    // residual and activation.
    if (s->output_nhwc) {
      const __m512 bias = e->bias ? _mm512_maskz_loadu_ps(lanes, e->bias + c0) : _mm512_setzero_ps();
      for (long p = 0; p < out_plane; p++) {
        const long at = p * s->channels + c0;
        __m512 v = e->bias ? _mm512_add_ps(_mm512_load_ps(result + p * 16), bias) : _mm512_load_ps(result + p * 16);
        if (e->residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(lanes, e->residual + at));
        _mm512_mask_storeu_ps(y + at, lanes, chex_activate(v, e));
      }
      continue;
    }
    for (long p = 0; p < out_plane; p += 16) {
      const long count = out_plane - p < 16 ? out_plane - p : 16;
      const __mmask16 mask = chex_lanes(count);
      __m512 block[16];
      for (int i = 0; i < 16; i++) block[i] = i < count ? _mm512_load_ps(result + (p + i) * 16) : _mm512_setzero_ps();
      chex_transpose16(block);
      for (long j = 0; j < n; j++) {
        const long c = c0 + j;
        __m512 v = block[j];
        if (e->bias) v = _mm512_add_ps(v, _mm512_set1_ps(e->bias[c]));
        if (e->residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, e->residual + c * out_plane + p));
        _mm512_mask_storeu_ps(y + c * out_plane + p, mask, chex_activate(v, e));
      }
    }
  }
}

static CHEX_ISA void depthwise_avx512(const chex_depthwise_shape *s, const float *weights,
                                      const float *x, float *y, const chex_conv_epilogue *e,
                                      long c_begin, long c_end) {
  const long in_plane = s->height * s->width, out_plane = s->out_height * s->out_width;
  const long taps = s->kernel_h * s->kernel_w;
  const __m512i even = chex_even_lanes();
  const slide_kernel slide = slide_for(s);
  for (long c = c_begin; c < c_end; c++) {
    const float *plane = x + c * in_plane;
    const float *w = weights + c * taps;
    const __m512 bias = _mm512_set1_ps(e->bias ? e->bias[c] : 0.0f);
    float *out = y + c * out_plane;
    const float *residual = e->residual ? e->residual + c * out_plane : NULL;
    if (slide) {
      slide(s, plane, w, bias, out, residual, e);
      continue;
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
                        const chex_conv_epilogue *e, long c_begin, long c_end, int channels_last) {
#if defined(__x86_64__)
  if (channels_last && chex_depthwise_channels_last_applies(s)) {
    depthwise_channels_last(s, weights, x, y, e, c_begin, c_end);
  } else {
    depthwise_avx512(s, weights, x, y, e, c_begin, c_end);
  }
#else
  (void)s; (void)weights; (void)x; (void)y; (void)e; (void)c_begin; (void)c_end; (void)channels_last;
#endif
}
