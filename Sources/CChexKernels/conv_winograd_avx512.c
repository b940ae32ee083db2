#include "chex_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "activation_avx512.h"
#include "conv_direct_internal.h"

// Winograd F(m x m, 3x3), m = 2 or 4 (Lavin & Gray, "Fast Algorithms for Convolutional Neural
// Networks", CVPR 2016) for 3x3 stride-1 convolutions with one pixel of padding on every side:
// each m x m block of outputs ("tile") is A^T [ (G g G^T) . (B^T d B) ] A over the
// (m + 2) x (m + 2) input patch d, so the 9 m^2 multiply-adds per input channel of a direct
// tile become (m + 2)^2, spent in (m + 2)^2 independent matrix products U[xi][nu] (C_out x C_in,
// transformed weights, packed at load time) times V[xi][nu] (C_in x tiles, transformed input)
// done by the direct kernel's register tiles: 2.25x fewer for m = 2, 4x for m = 4.
//   F(2x2, 3x3): points 0, 1, -1, infinity;
//     B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],
//     A^T = [1 1 1 0; 0 1 -1 -1].
//   F(4x4, 3x3): points 0, 1, -1, 2, -2, infinity;
//     B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1],
//     G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1],
//     A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1].
// Tiles are processed in blocks small enough for V and the products to stay in L2; the input
// and output transforms work on 16 tiles of a tile row per vector.

int chex_wino_applies(const chex_conv_shape *s) {
  return s->kernel_h == 3 && s->kernel_w == 3 && s->stride_y == 1 && s->stride_x == 1 && s->dilation_y == 1 &&
         s->dilation_x == 1 && s->pad_top == 1 && s->pad_left == 1 && s->out_height == s->height &&
         s->out_width == s->width && s->in_channels >= 16;
}

long chex_wino_tile_count(const chex_conv_shape *s, int m) {
  return ((s->out_height + m - 1) / m) * ((s->out_width + m - 1) / m);
}

long chex_wino_packed_count(const chex_conv_shape *s, int m) {
  return (long)(m + 2) * (m + 2) * ((s->out_channels + OC - 1) / OC) * s->in_channels * OC;
}

// u = G g G^T for one 3x3 kernel g, in double precision (u is alpha x alpha, row-major). Always
// inlined into the two callers below with m a constant, so that the loops unroll over the known
// sizes (the same operations in the same order either way: only multiplications and additions in
// double, no contraction into FMAs at this file's baseline ISA).
static inline __attribute__((always_inline)) void wino_weight(int m, const float *g, double *u) {
  static const double g2[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
  static const double g4[6][3] = {{1.0 / 4, 0, 0},           {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                  {-1.0 / 6, 1.0 / 6, -1.0 / 6}, {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                  {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};
  const int alpha = m + 2;
  const double(*G)[3] = m == 2 ? g2 : g4;
  double t[6][3];  // G g
  for (int i = 0; i < alpha; i++)
    for (int j = 0; j < 3; j++) t[i][j] = G[i][0] * g[j] + G[i][1] * g[3 + j] + G[i][2] * g[6 + j];
  for (int i = 0; i < alpha; i++)  // (G g) G^T
    for (int j = 0; j < alpha; j++) u[i * alpha + j] = t[i][0] * G[j][0] + t[i][1] * G[j][1] + t[i][2] * G[j][2];
}

// Block by block, input channel by input channel, the block's 32 output channels innermost: the
// (m + 2)^2 products' rows are each written whole in turn (output channel outermost scattered
// every value to another cache line).
static inline __attribute__((always_inline)) void wino_pack(const chex_conv_shape *s, int m, const float *w,
                                                            float *packed) {
  const long cin = s->in_channels, blocks = (s->out_channels + OC - 1) / OC;
  const int products = (m + 2) * (m + 2);
  for (long b = 0; b < blocks; b++) {
    for (long c = 0; c < cin; c++) {
      for (long r = 0; r < OC; r++) {
        const long o = b * OC + r;
        double u[36];  // not zero-filled per kernel: that was a memset call for each (o, c)
        if (o < s->out_channels) {
          wino_weight(m, w + (o * cin + c) * 9, u);
        } else {
          for (int xi = 0; xi < products; xi++) u[xi] = 0.0;
        }
        // Product xi: blocks of 32 output channels, each K = C rows of 32.
        for (int xi = 0; xi < products; xi++) packed[((xi * blocks + b) * cin + c) * OC + r] = (float)u[xi];
      }
    }
  }
}

void chex_wino_pack_weights(const chex_conv_shape *s, int m, const float *w, float *packed) {
  if (m == 2) {
    wino_pack(s, 2, w, packed);
  } else {
    wino_pack(s, 4, w, packed);
  }
}

// Most tiles per block: V ((m + 2)^2 x C x block floats) within about 512 KB, so that it stays
// in L2 across the products; but at least 60 tiles when the weight matrices exceed 2 MB (they
// are read once per block: ResNets' 256-channel layers, 2-3 % faster on 1 and 2 threads); a
// multiple of the 12-tile register tile. Calls cut their tiles into
// nearly equal blocks of at most this many, again whole register tiles.
static long wino_block(const chex_conv_shape *s, int m) {
  const long products = (long)(m + 2) * (m + 2);
  long block = 131072 / (products * s->in_channels);
  if (products * s->in_channels * s->out_channels > 524288 && block < 60) block = 60;
  block = block / PX * PX;  // whole register tiles
  return block < PX ? PX : block > 120 ? 120 : block;
}

// Floats between consecutive products' V and M matrices beyond their size: one cache line, so
// that the (m + 2)^2 streams the transforms read or write at once do not all fall into the same
// L1 set when a matrix's size is a multiple of 4 KB (measured: up to 1.4x slower).
#define WINO_SKEW 16

long chex_wino_scratch_count(const chex_conv_shape *s, int m) {
  long block = wino_block(s, m), out = (s->out_channels + OC - 1) / OC * OC;
  return (long)(m + 2) * (m + 2) * (block * (s->in_channels + out) + 2 * WINO_SKEW) + 64;
}

#if defined(__x86_64__)

// The lane permutations of the F(2x2) input transform (built once per call of run_wino).
typedef struct {
  __m512i even, odd, next, next_odd;
} wino2_lanes;

// B^T d (or d B) for F(2x2) over four vectors d0..d3 (lane = tile or channel), into q[0..3].
static inline __attribute__((always_inline)) CHEX_ISA void wino2_bt(__m512 d0, __m512 d1, __m512 d2, __m512 d3,
                                                                    __m512 q[4]) {
  q[0] = _mm512_sub_ps(d0, d2);
  q[1] = _mm512_add_ps(d1, d2);
  q[2] = _mm512_sub_ps(d2, d1);
  q[3] = _mm512_sub_ps(d1, d3);
}

// d B for one input row of 16 tiles starting at column `start` (each tile 4 columns, stride 2):
// columns 2t - 1, 2t, 2t + 1, 2t + 2 of the tiles as four vectors, combined by B. `inside`: the
// 48 columns read lie in the row (plain loads), else loads masked by `masks` (the columns of each
// 16-column chunk inside the row), zeros outside.
static inline __attribute__((always_inline)) CHEX_ISA void wino2_row(const float *row, long start, int inside,
                                                                    const __mmask16 masks[3], const wino2_lanes *l,
                                                                    __m512 q[4]) {
  __m512 a, b, c;
  if (inside) {
    a = _mm512_loadu_ps(row + start);
    b = _mm512_loadu_ps(row + start + 16);
    c = _mm512_loadu_ps(row + start + 32);
  } else {
    a = _mm512_maskz_loadu_ps(masks[0], row + start);
    b = _mm512_maskz_loadu_ps(masks[1], row + start + 16);
    c = _mm512_maskz_loadu_ps(masks[2], row + start + 32);
  }
  __m512 d0 = _mm512_permutex2var_ps(a, l->even, b);  // columns 2t - 1
  __m512 d1 = _mm512_permutex2var_ps(a, l->odd, b);  // 2t
  __m512 d2 = _mm512_permutex2var_ps(d0, l->next, c);  // 2t + 1 (lane 15 from c[0])
  __m512 d3 = _mm512_permutex2var_ps(d1, l->next_odd, c);  // 2t + 2 (lane 15 from c[1])
  wino2_bt(d0, d1, d2, d3, q);
}

// F(2x2): V[xi][c][b + i] for the n (<= 16) tiles tx0 + i of tile row ty, input channel c. The
// four rows are spelled out (a loop over them kept d B on the stack and reloaded the lane
// permutations for every row: about 110 cycles per call, now ~35).
static inline __attribute__((always_inline)) CHEX_ISA void wino2_input(const chex_conv_shape *s, const float *plane,
                                                                      long ty, long tx0, long n, float *v,
                                                                      long vstride, long c, long block, long b,
                                                                      const wino2_lanes *l) {
  const long start = 2 * tx0 - 1;  // column 0 of tile tx0
  const int inside = start >= 0 && start + 48 <= s->width;
  __mmask16 masks[3] = {0xFFFF, 0xFFFF, 0xFFFF};
  if (!inside) {
    for (int k = 0; k < 3; k++)
      masks[k] = chex_lanes(s->width - start - 16 * k) & (__mmask16)~chex_lanes(-start - 16 * k);
  }
  __m512 q[4][4];
#define WINO2_ROW(r)                                                                                    \
  {                                                                                                     \
    long iy = 2 * ty - 1 + r;                                                                           \
    if (iy < 0 || iy >= s->height) {                                                                    \
      q[r][0] = q[r][1] = q[r][2] = q[r][3] = _mm512_setzero_ps();                                      \
    } else {                                                                                            \
      wino2_row(plane + iy * s->width, start, inside, masks, l, q[r]);                                 \
    }                                                                                                   \
  }
  WINO2_ROW(0) WINO2_ROW(1) WINO2_ROW(2) WINO2_ROW(3)
#undef WINO2_ROW
  __mmask16 mask = chex_lanes(n);
  for (int j = 0; j < 4; j++) {  // B^T (d B)
    __m512 t[4];
    wino2_bt(q[0][j], q[1][j], q[2][j], q[3][j], t);
    for (int i = 0; i < 4; i++)
      _mm512_mask_storeu_ps(v + (i * 4 + j) * vstride + c * block + b, mask, t[i]);
  }
}

// F(2x2): output channels o0 .. o0 + channels - 1 (channels <= 16) of the n (<= 4) tiles tx0 + i
// of tile row ty, from the products m stored channels together (tile b + i's 16 channels at
// m + xi mstride + (b + i) ldm + o0). The 4 x 4 outputs (2 rows x 8 columns) of 16 channels are
// transposed in registers so that each channel's 8 columns of a row go out in one store.
static inline CHEX_ISA void wino2_output(const chex_conv_shape *s, const float *m, long mstride, long ldm, long b,
                                         long o0, long channels, long ty, long tx0, long n, float *y,
                                         const chex_conv_epilogue *e) {
  const __mmask16 lanes = chex_lanes(channels);
  const __m512 bias = e->bias ? _mm512_maskz_loadu_ps(lanes, e->bias + o0) : _mm512_setzero_ps();
  // out[8 r + 2 i + c]: row r, column c of tile i (lanes = channels).
  __m512 out[16];
  for (int i = 0; i < 4; i++) {
    if (i >= n) {
      out[2 * i] = out[2 * i + 1] = out[8 + 2 * i] = out[8 + 2 * i + 1] = _mm512_setzero_ps();
      continue;
    }
    const float *p = m + (b + i) * ldm + o0;
    __m512 t[2][4];
    for (int j = 0; j < 4; j++) {  // A^T m
      __m512 m0 = _mm512_loadu_ps(p + (0 * 4 + j) * mstride), m1 = _mm512_loadu_ps(p + (1 * 4 + j) * mstride);
      __m512 m2 = _mm512_loadu_ps(p + (2 * 4 + j) * mstride), m3 = _mm512_loadu_ps(p + (3 * 4 + j) * mstride);
      t[0][j] = _mm512_add_ps(_mm512_add_ps(m0, m1), m2);
      t[1][j] = _mm512_sub_ps(_mm512_sub_ps(m1, m2), m3);
    }
    for (int r = 0; r < 2; r++) {  // (A^T m) A
      __m512 y0 = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(t[r][0], t[r][1]), t[r][2]), bias);
      __m512 y1 = _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(t[r][1], t[r][2]), t[r][3]), bias);
      out[8 * r + 2 * i] = y0;
      out[8 * r + 2 * i + 1] = y1;
    }
  }
  // Then the residual (same layout as y) and the activation, as the direct kernel's epilogue.
  if (s->output_nhwc) {  // each output pixel's channels in one store
    for (int r = 0; r < 2; r++) {
      const long oy = 2 * ty + r;
      if (oy >= s->out_height) break;
      for (int k = 0; k < 2 * n; k++) {
        const long ox = 2 * tx0 + k;
        if (ox >= s->out_width) break;
        const long at = (oy * s->out_width + ox) * s->out_channels + o0;
        __m512 v = out[8 * r + k];
        if (e->residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(lanes, e->residual + at));
        _mm512_mask_storeu_ps(y + at, lanes, chex_activate(v, e));
      }
    }
    return;
  }
  chex_transpose16(out);  // out[j]: channel o0 + j, lanes 0-7 row 2 ty, lanes 8-15 row 2 ty + 1
  const long plane = s->out_height * s->out_width;
  long columns = s->out_width - 2 * tx0;
  if (columns > 2 * n) columns = 2 * n;
  const __mmask16 first = chex_lanes(columns), second = (__mmask16)(first << 8);
  const int two_rows = 2 * ty + 1 < s->out_height;
  const long at = o0 * plane + 2 * ty * s->out_width + 2 * tx0;
  float *target = y + at;
  const float *residual = e->residual ? e->residual + at : NULL;
  for (long j = 0; j < channels; j++, target += plane) {
    __m512 v = out[j];
    if (residual) {
      __m512 r = _mm512_maskz_loadu_ps(first, residual);
      if (two_rows) r = _mm512_mask_loadu_ps(r, second, residual + s->out_width - 8);
      v = _mm512_add_ps(v, r);
      residual += plane;
    }
    v = chex_activate(v, e);
    _mm512_mask_storeu_ps(target, first, v);
    // Lanes 8.. land on the next row (the masked-off lanes 0-7 are not touched).
    if (two_rows) _mm512_mask_storeu_ps(target + s->out_width - 8, second, v);
  }
}

// B^T d for F(4x4) over six vectors d0..d5 (lane = tile), into q[0..5].
static inline __attribute__((always_inline)) CHEX_ISA void wino4_bt(__m512 d0, __m512 d1, __m512 d2, __m512 d3,
                                                                    __m512 d4, __m512 d5, __m512 q[6]) {
  const __m512 four = _mm512_set1_ps(4.0f), five = _mm512_set1_ps(5.0f);
  __m512 t1 = _mm512_fnmadd_ps(four, d2, d4);  // d4 - 4 d2
  __m512 t2 = _mm512_fnmadd_ps(four, d1, d3);  // d3 - 4 d1
  __m512 t3 = _mm512_sub_ps(d4, d2);
  __m512 t4 = _mm512_add_ps(_mm512_sub_ps(d3, d1), _mm512_sub_ps(d3, d1));  // 2 (d3 - d1)
  q[0] = _mm512_fmadd_ps(four, d0, _mm512_fnmadd_ps(five, d2, d4));
  q[1] = _mm512_add_ps(t1, t2);
  q[2] = _mm512_sub_ps(t1, t2);
  q[3] = _mm512_add_ps(t3, t4);
  q[4] = _mm512_sub_ps(t3, t4);
  q[5] = _mm512_fmadd_ps(four, d1, _mm512_fnmadd_ps(five, d3, d5));
}

// F(4x4): V[xi][c][b + i] for the n (<= 16) tiles tx0 + i of tile row ty, input channel c.
static inline CHEX_ISA void wino4_input(const chex_conv_shape *s, const float *plane, long ty, long tx0, long n,
                                        float *v, long vstride, long c, long block, long b) {
  // Lanes 0-7: columns 4t + k of a pair of chunks (t < 8); the halves of two such results
  // make the 16 tiles' column k.
  const __m512i pick0 = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 0, 4, 8, 12, 16, 20, 24, 28);
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i next = _mm512_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
  const __m512i next_odd = _mm512_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17);
  const __m512 zero = _mm512_setzero_ps();
  __m512 q[6][6];
  for (int r = 0; r < 6; r++) {
    long iy = 4 * ty - 1 + r;
    if (iy < 0 || iy >= s->height) {
      for (int j = 0; j < 6; j++) q[r][j] = zero;
      continue;
    }
    const float *row = plane + iy * s->width;
    long start = 4 * tx0 - 1;  // column 0 of tile tx0
    __m512 c0 = chex_row_chunk(row, start, s->width, zero), c1 = chex_row_chunk(row, start + 16, s->width, zero);
    __m512 c2 = chex_row_chunk(row, start + 32, s->width, zero), c3 = chex_row_chunk(row, start + 48, s->width, zero);
    __m512 c4 = chex_row_chunk(row, start + 64, s->width, zero);
    __m512 d[4];
    __m512i pick = pick0;
    for (int k = 0; k < 4; k++, pick = _mm512_add_epi32(pick, one)) {  // columns 4t + k - 1
      __m512 low = _mm512_permutex2var_ps(c0, pick, c1), high = _mm512_permutex2var_ps(c2, pick, c3);
      d[k] = _mm512_shuffle_f32x4(low, high, 0x44);
    }
    __m512 d4 = _mm512_permutex2var_ps(d[0], next, c4);  // 4t + 3 (lane 15 from c4[0])
    __m512 d5 = _mm512_permutex2var_ps(d[1], next_odd, c4);  // 4t + 4 (lane 15 from c4[1])
    wino4_bt(d[0], d[1], d[2], d[3], d4, d5, q[r]);  // d B, row r
  }
  __mmask16 mask = chex_lanes(n);
  for (int j = 0; j < 6; j++) {  // B^T (d B)
    __m512 t[6];
    wino4_bt(q[0][j], q[1][j], q[2][j], q[3][j], q[4][j], q[5][j], t);
    for (int i = 0; i < 6; i++)
      _mm512_mask_storeu_ps(v + (i * 6 + j) * vstride + c * block + b, mask, t[i]);
  }
}

// A^T m for F(4x4) over six vectors, into r[0..3].
static inline __attribute__((always_inline)) CHEX_ISA void wino4_at(__m512 m0, __m512 m1, __m512 m2, __m512 m3,
                                                                    __m512 m4, __m512 m5, __m512 r[4]) {
  __m512 s12 = _mm512_add_ps(m1, m2), d12 = _mm512_sub_ps(m1, m2);
  __m512 s34 = _mm512_add_ps(m3, m4), d34 = _mm512_sub_ps(m3, m4);
  r[0] = _mm512_add_ps(_mm512_add_ps(m0, s12), s34);
  r[1] = _mm512_fmadd_ps(_mm512_set1_ps(2.0f), d34, d12);
  r[2] = _mm512_fmadd_ps(_mm512_set1_ps(4.0f), s34, s12);
  r[3] = _mm512_add_ps(_mm512_fmadd_ps(_mm512_set1_ps(8.0f), d34, d12), m5);
}

// F(4x4): output channels o0 .. o0 + channels - 1 (channels <= 16) of the n (<= 4) tiles tx0 + i
// of tile row ty, from the products m stored channels together (as for F(2x2)). Each of the 4
// output rows of the 4 tiles (16 columns) is transposed in registers so that each channel's
// 16 columns go out in one store.
static inline CHEX_ISA void wino4_output(const chex_conv_shape *s, const float *m, long mstride, long ldm, long b,
                                         long o0, long channels, long ty, long tx0, long n, float *y,
                                         const chex_conv_epilogue *e) {
  const __mmask16 lanes = chex_lanes(channels);
  const __m512 bias = e->bias ? _mm512_maskz_loadu_ps(lanes, e->bias + o0) : _mm512_setzero_ps();
  // out[r][4 i + c]: output row r, column c of tile i (lanes = channels).
  __m512 out[4][16];
  for (int i = 0; i < 4; i++) {
    if (i >= n) {
      for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++) out[r][4 * i + c] = _mm512_setzero_ps();
      continue;
    }
    const float *p = m + (b + i) * ldm + o0;
    __m512 t[4][6];
    for (int j = 0; j < 6; j++) {  // A^T m
      __m512 r4[4];
      wino4_at(_mm512_loadu_ps(p + j * mstride), _mm512_loadu_ps(p + (6 + j) * mstride),
               _mm512_loadu_ps(p + (12 + j) * mstride), _mm512_loadu_ps(p + (18 + j) * mstride),
               _mm512_loadu_ps(p + (24 + j) * mstride), _mm512_loadu_ps(p + (30 + j) * mstride), r4);
      for (int r = 0; r < 4; r++) t[r][j] = r4[r];
    }
    for (int r = 0; r < 4; r++) {  // (A^T m) A
      __m512 x[4];
      wino4_at(t[r][0], t[r][1], t[r][2], t[r][3], t[r][4], t[r][5], x);
      for (int c = 0; c < 4; c++) out[r][4 * i + c] = _mm512_add_ps(x[c], bias);
    }
  }
  const long plane = s->out_height * s->out_width;
  long columns = s->out_width - 4 * tx0;
  if (columns > 4 * n) columns = 4 * n;
  const __mmask16 mask = chex_lanes(columns);
  for (int r = 0; r < 4; r++) {
    const long oy = 4 * ty + r;
    if (oy >= s->out_height) break;
    // Then the residual (same layout as y) and the activation, as the direct kernel's epilogue.
    if (s->output_nhwc) {  // each output pixel's channels in one store
      for (long k = 0; k < columns; k++) {
        const long at = (oy * s->out_width + 4 * tx0 + k) * s->out_channels + o0;
        __m512 v = out[r][k];
        if (e->residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(lanes, e->residual + at));
        _mm512_mask_storeu_ps(y + at, lanes, chex_activate(v, e));
      }
      continue;
    }
    chex_transpose16(out[r]);  // out[r][j]: channel o0 + j, 16 columns of row oy
    const long at = o0 * plane + oy * s->out_width + 4 * tx0;
    for (long j = 0; j < channels; j++) {
      __m512 v = out[r][j];
      if (e->residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, e->residual + at + j * plane));
      _mm512_mask_storeu_ps(y + at + j * plane, mask, chex_activate(v, e));
    }
  }
}

// Prefetches lines [first, last) of 16 floats from `base` into L2.
static inline CHEX_ISA void prefetch_lines(const float *base, long first, long last) {
  for (long i = first; i < last; i++) _mm_prefetch((const char *)(base + 16 * i), _MM_HINT_T1);
}

// NHWC input: V[xi][b][c] (rows of in_channels floats) for the count tiles t0 + b, 16 input
// channels per vector: the tile's (m + 2)^2 pixels are loaded as they are (zeros outside the
// input) and combined by B^T d B with the operations of the NCHW transforms, in the same order,
// so V holds the same values. Prefetches weight_lines lines of `weights` into L2 on the way.
static CHEX_ISA void wino_input_nhwc(const chex_conv_shape *s, int mt, const float *x, long t0, long count, float *v,
                                     long vstride, const float *weights, long weight_lines) {
  const long cin = s->in_channels, tw = (s->out_width + mt - 1) / mt;
  const int alpha = mt + 2;
  for (long b = 0; b < count; b++) {
    prefetch_lines(weights, weight_lines * b / count, weight_lines * (b + 1) / count);
    const long t = t0 + b, y0 = mt * (t / tw) - 1, x0 = mt * (t % tw) - 1;
    // The columns tile t + 2 adds to the ones before it (the hardware prefetcher follows few of
    // the alpha rows' streams).
    const long ahead = x0 + 2 * mt + 2 < s->width ? x0 + 2 * mt + 2 : -1;
    for (long c0 = 0; c0 < cin; c0 += 16) {
      const __mmask16 lanes = chex_lanes(cin - c0);
      if (ahead >= 0) {
        for (int i = 0; i < alpha; i++) {
          const long iy = y0 + i;
          if (iy < 0 || iy >= s->height) continue;
          for (int j = 0; j < mt && ahead + j < s->width; j++)
            _mm_prefetch((const char *)(x + (iy * s->width + ahead + j) * cin + c0), _MM_HINT_T0);
        }
      }
      __m512 d[6][6];
      for (int i = 0; i < alpha; i++) {
        const long iy = y0 + i;
        for (int j = 0; j < alpha; j++) {
          const long ix = x0 + j;
          d[i][j] = iy >= 0 && iy < s->height && ix >= 0 && ix < s->width
                        ? _mm512_maskz_loadu_ps(lanes, x + (iy * s->width + ix) * cin + c0)
                        : _mm512_setzero_ps();
        }
      }
      float *dst = v + b * cin + c0;
      if (mt == 2) {
        __m512 q[4][4];
        for (int i = 0; i < 4; i++) wino2_bt(d[i][0], d[i][1], d[i][2], d[i][3], q[i]);  // d B, row i
        for (int j = 0; j < 4; j++) {  // B^T (d B)
          __m512 t4[4];
          wino2_bt(q[0][j], q[1][j], q[2][j], q[3][j], t4);
          for (int i = 0; i < 4; i++) _mm512_mask_storeu_ps(dst + (i * 4 + j) * vstride, lanes, t4[i]);
        }
      } else {
        __m512 q[6][6];
        for (int i = 0; i < 6; i++) wino4_bt(d[i][0], d[i][1], d[i][2], d[i][3], d[i][4], d[i][5], q[i]);
        for (int j = 0; j < 6; j++) {
          __m512 t6[6];
          wino4_bt(q[0][j], q[1][j], q[2][j], q[3][j], q[4][j], q[5][j], t6);
          for (int i = 0; i < 6; i++) _mm512_mask_storeu_ps(dst + (i * 6 + j) * vstride, lanes, t6[i]);
        }
      }
    }
  }
}

static CHEX_ISA void run_wino(const chex_conv_shape *s, int mt, const float *packed, const float *x, float *y,
                              const chex_conv_epilogue *e, long t_begin, long t_end, long c_begin, long c_end,
                              float *scratch) {
  const long cin = s->in_channels, cout = s->out_channels, blocks_oc = (cout + OC - 1) / OC;
  const long tw = (s->out_width + mt - 1) / mt, block = wino_block(s, mt);
  const int products = (mt + 2) * (mt + 2);
  const long plane = s->height * s->width;
  float *v = scratch;  // [products][cin][block] (NHWC input: [products][block][cin])
  const long vstride = cin * block + WINO_SKEW, mstride = blocks_oc * OC * block + WINO_SKEW;
  // [products][block][cout_padded]: each tile's channels together.
  float *m = scratch + products * vstride;
  const long ldm = blocks_oc * OC;
  chex_conv_shape gemm = *s;  // the products as 1x1 "convolutions" over the block's tiles
  gemm.kernel_h = gemm.kernel_w = 1;
  gemm.pad_top = gemm.pad_left = 0;
  const wino2_lanes lanes2 = {chex_even_lanes(), chex_odd_lanes(),
                               _mm512_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16),
                               _mm512_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17)};
  const long nblocks = (t_end - t_begin + block - 1) / block;
  long even_block = nblocks > 0 ? (t_end - t_begin + nblocks - 1) / nblocks : block;
  even_block = (even_block + PX - 1) / PX * PX;  // still <= block, a multiple of PX
  for (long t0 = t_begin; t0 < t_end; t0 += even_block) {
    long count = t_end - t0 < even_block ? t_end - t0 : even_block;
    // Weights beyond 2 MB (16 or 36 times the layer's 3x3 weights: 4 MB for ResNet50's 256-channel
    // layers) come from memory: each product's are prefetched into L2 while the one before runs
    // (the first product's during the input transform), a share of lines per register tile
    // (those layers 4-6 % faster; smaller ones, whose weights stay in cache, 5 % slower with it).
    const float *weights0 = packed + (c_begin / OC) * cin * OC;
    const long weight_lines = products * cin * cout > 524288 ? ((c_end - 1) / OC - c_begin / OC + 1) * cin * OC / 16 : 0;
    // Input transform, 16 tiles of one tile row at a time (NHWC: a tile and 16 channels at a time).
    if (s->input_nhwc) wino_input_nhwc(s, mt, x, t0, count, v, vstride, weights0, weight_lines);
    for (long c = 0; !s->input_nhwc && c < cin; c++) {
      prefetch_lines(weights0, weight_lines * c / cin, weight_lines * (c + 1) / cin);
      for (long t = t0; t < t0 + count;) {
        long ty = t / tw, tx = t % tw, n = tw - tx;
        if (n > 16) n = 16;
        if (n > t0 + count - t) n = t0 + count - t;
        if (mt == 2) {
          wino2_input(s, x + c * plane, ty, tx, n, v, vstride, c, block, t - t0, &lanes2);
        } else {
          wino4_input(s, x + c * plane, ty, tx, n, v, vstride, c, block, t - t0);
        }
        t += n;
      }
    }
    // The products, 12 tiles x 32 output channels per register tile.
    for (int xi = 0; xi < products; xi++) {
      const float *u = packed + xi * blocks_oc * cin * OC;
      const float *vx = v + xi * vstride;
      float *mx = m + xi * mstride;
      // Register tiles of equal size (25 tiles: 9 + 8 + 8, not 12 + 12 + 1: each register tile
      // streams the product's weights once, whatever its width).
      const long parts = (count + PX - 1) / PX, calls = parts * ((c_end - c_begin + OC - 1) / OC);
      const float *next = xi + 1 < products ? weights0 + (xi + 1) * blocks_oc * cin * OC : NULL;
      long call = 0;
      for (long part = 0, p = 0; part < parts; part++) {
        long npx = (count - p) / (parts - part);
        for (long c0 = c_begin; c0 < c_end; c0 += OC, call++) {
          if (next) prefetch_lines(next, weight_lines * call / calls, weight_lines * (call + 1) / calls);
          // V's tile p + r, input channel c at vx + (p + r) cin + c (NHWC input) or vx + c block + p + r.
          const float *weights = u + (c0 / OC) * cin * OC;
          if (s->input_nhwc) {
            chex_direct_tiles[npx](&gemm, weights, vx + p * cin, 1, 0, cin, 0, mx, c0, p, OC, block, NULL, ldm);
          } else {
            chex_direct_tiles[npx](&gemm, weights, vx + p, block, block, 1, 0, mx, c0, p, OC, block, NULL, ldm);
          }
        }
        p += npx;
      }
    }
    // Output transform, 16 channels x 4 tiles of a tile row at a time.
    for (long o0 = c_begin; o0 < c_end; o0 += 16) {
      const long channels = c_end - o0 < 16 ? c_end - o0 : 16;
      for (long t = t0; t < t0 + count;) {
        long ty = t / tw, tx = t % tw, n = tw - tx;
        if (n > 4) n = 4;
        if (n > t0 + count - t) n = t0 + count - t;
        if (mt == 2) {
          wino2_output(s, m, mstride, ldm, t - t0, o0, channels, ty, tx, n, y, e);
        } else {
          wino4_output(s, m, mstride, ldm, t - t0, o0, channels, ty, tx, n, y, e);
        }
        t += n;
      }
    }
  }
}

#endif

void chex_wino_run(const chex_conv_shape *s, int m, const float *packed, const float *x, float *y,
                   const chex_conv_epilogue *e, long tile_begin, long tile_end, long channel_begin,
                   long channel_end, float *scratch) {
#if defined(__x86_64__)
  run_wino(s, m, packed, x, y, e, tile_begin, tile_end, channel_begin, channel_end, scratch);
#else
  (void)s; (void)m; (void)packed; (void)x; (void)y; (void)e; (void)tile_begin; (void)tile_end;
  (void)channel_begin; (void)channel_end; (void)scratch;
#endif
}
