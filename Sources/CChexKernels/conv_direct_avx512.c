// Dense convolution by broadcasting activations against packed weights (see chex_kernels.h).
//
// Register tile: up to 12 output pixels x 32 output channels (24 zmm accumulators, lanes =
// output channels). For each K row (input channel, ky, kx) the tile loads two weight vectors
// and broadcasts the 12 input values its pixels see, straight from the activations (1x1 stride
// 1) or from a zero-padded copy of them: no patch matrix is packed. The finished tile is
// transposed in registers (16 x 16 blocks) so that each output channel's pixels are stored as
// one contiguous NCHW run, after bias, residual and activation.
#include "chex_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <string.h>

#include "activation_avx512.h"

#define OC 32  // output channels per tile (two vectors)
#define PX 12  // output pixels per tile
// Output channels whose weights stay in L2 (half of a 1 MB L2 for K x channels floats) while
// the pixel tiles of a range pass over them: between 32 and 512.
static __attribute__((unused)) long channel_chunk(long depth) {
  long chunk = (131072 / depth) / OC * OC;
  return chunk < OC ? OC : chunk > 512 ? 512 : chunk;
}

int chex_direct_is_flat(const chex_conv_shape *s) {
  return s->kernel_h == 1 && s->kernel_w == 1 && s->stride_y == 1 && s->stride_x == 1 && s->pad_top == 0 &&
         s->pad_left == 0 && s->out_height == s->height && s->out_width == s->width;
}

// Where the kernel reads its input:
//  - READ_INPUT: x itself (1x1, stride 1, no padding, no prologue);
//  - READ_COMPACT: a copy holding exactly the input values the output pixels see, one per
//    output pixel (1x1 without padding: strided ones, or with a prologue);
//  - READ_PADDED: a zero-padded copy (everything else).
// Both copies apply the prologue to the values they take from x; padding stays 0.
enum { READ_INPUT, READ_COMPACT, READ_PADDED };

static int read_mode(const chex_conv_shape *s, int prologue) {
  if (chex_direct_is_flat(s) && !prologue) return READ_INPUT;
  if (s->kernel_h == 1 && s->kernel_w == 1 && s->pad_top == 0 && s->pad_left == 0) return READ_COMPACT;
  return READ_PADDED;
}

static long padded_height(const chex_conv_shape *s) {
  return (s->out_height - 1) * s->stride_y + (s->kernel_h - 1) * s->dilation_y + 1;
}

static long padded_width(const chex_conv_shape *s) {
  return (s->out_width - 1) * s->stride_x + (s->kernel_w - 1) * s->dilation_x + 1;
}

long chex_direct_packed_count(const chex_conv_shape *s) {
  return (s->out_channels + OC - 1) / OC * chex_conv_depth(s) * OC;
}

void chex_direct_pack_weights(const chex_conv_shape *s, const float *w, float *packed) {
  long depth = chex_conv_depth(s), blocks = (s->out_channels + OC - 1) / OC;
  for (long b = 0; b < blocks; b++) {
    for (long k = 0; k < depth; k++) {
      for (long r = 0; r < OC; r++) {
        long o = b * OC + r;
        packed[(b * depth + k) * OC + r] = o < s->out_channels ? w[o * depth + k] : 0.0f;
      }
    }
  }
}

long chex_direct_padded_count(const chex_conv_shape *s, int prologue) {
  switch (read_mode(s, prologue)) {
  case READ_INPUT: return 0;
  case READ_COMPACT: return s->in_channels * s->out_height * s->out_width;
  default: return s->in_channels * padded_height(s) * padded_width(s);
  }
}

#if defined(__x86_64__)

// dst[i] = pre(src[i * stride]) for i < count (the prologue when e has one).
static CHEX_ISA void copy_row(float *dst, const float *src, long count, long stride, const chex_conv_epilogue *e,
                              long channel) {
  if (!e->pre_scale) {
    if (stride == 1) {
      memcpy(dst, src, count * sizeof(float));
    } else {
      for (long i = 0; i < count; i++) dst[i] = src[i * stride];
    }
    return;
  }
  const __m512 scale = _mm512_set1_ps(e->pre_scale[channel]), shift = _mm512_set1_ps(e->pre_shift[channel]);
  const __m512i index = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                           _mm512_set1_epi32((int)stride));
  for (long i = 0; i < count; i += 16) {
    __mmask16 mask = chex_lanes(count - i);
    __m512 v = stride == 1 ? _mm512_maskz_loadu_ps(mask, src + i)
                           : _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mask, index, src + i * stride, 4);
    v = _mm512_fmadd_ps(v, scale, shift);
    if (e->pre_relu) v = _mm512_max_ps(v, _mm512_setzero_ps());
    _mm512_mask_storeu_ps(dst + i, mask, v);
  }
}

static CHEX_ISA void pad_input(const chex_conv_shape *s, const float *x, const chex_conv_epilogue *e,
                               float *padded, long c_begin, long c_end) {
  const int mode = read_mode(s, e->pre_scale != NULL);
  if (mode == READ_INPUT) return;
  for (long c = c_begin; c < c_end; c++) {
    const float *plane = x + c * s->height * s->width;
    if (mode == READ_COMPACT) {
      float *out = padded + c * s->out_height * s->out_width;
      for (long oy = 0; oy < s->out_height; oy++)
        copy_row(out + oy * s->out_width, plane + oy * s->stride_y * s->width, s->out_width, s->stride_x, e, c);
      continue;
    }
    const long hp = padded_height(s), wp = padded_width(s);
    float *out = padded + c * hp * wp;
    for (long r = 0; r < hp; r++) {
      float *row = out + r * wp;
      long iy = r - s->pad_top;
      if (iy < 0 || iy >= s->height) {
        memset(row, 0, wp * sizeof(float));
        continue;
      }
      long left = s->pad_left < wp ? s->pad_left : wp;
      long count = s->width < wp - left ? s->width : wp - left;
      memset(row, 0, left * sizeof(float));
      if (count > 0) copy_row(row + left, plane + iy * s->width, count, 1, e, c);
      if (left + count < wp) memset(row + left + count, 0, (wp - left - count) * sizeof(float));
    }
  }
}

#endif

void chex_direct_pad_input(const chex_conv_shape *s, const float *x, const chex_conv_epilogue *e, float *padded,
                           long c_begin, long c_end) {
#if defined(__x86_64__)
  pad_input(s, x, e, padded, c_begin, c_end);
#else
  (void)s; (void)x; (void)e; (void)padded; (void)c_begin; (void)c_end;
#endif
}

#if defined(__x86_64__)

// Rows 0..15 of a 16 x 16 block in, columns out (r[j] = old column j).
static inline __attribute__((always_inline)) CHEX_ISA void transpose16(__m512 r[16]) {
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

// Finishes a tile: acc[r][v] holds output channel c0 + 16 v + lane at pixel p0 + r.
static inline __attribute__((always_inline)) CHEX_ISA void finish(__m512 acc[PX][2], long npx, long nrows, float *y, long c0, long p0,
                                   long plane, const chex_conv_epilogue *e) {
  __mmask16 mask = chex_lanes(npx);
  // Copied out with constant indices first, so the accumulators stay in registers in the loop.
  __m512 block[2][16];
  for (int r = 0; r < 16; r++) {
    block[0][r] = r < PX ? acc[r][0] : _mm512_setzero_ps();
    block[1][r] = r < PX ? acc[r][1] : _mm512_setzero_ps();
  }
  transpose16(block[0]);
  transpose16(block[1]);
  for (long j = 0; j < nrows; j++) {
    long o = c0 + j;
    __m512 out = block[j / 16][j % 16];
    if (e->bias) out = _mm512_add_ps(out, _mm512_set1_ps(e->bias[o]));
    // The lines the next tiles of this row will touch: hundreds of plane-strided rows are more
    // than the hardware prefetcher follows.
    _mm_prefetch((const char *)(y + o * plane + p0 + 2 * PX), _MM_HINT_T0);
    if (e->residual) {
      _mm_prefetch((const char *)(e->residual + o * plane + p0 + 2 * PX), _MM_HINT_T0);
      out = _mm512_add_ps(out, _mm512_maskz_loadu_ps(mask, e->residual + o * plane + p0));
    }
    _mm512_mask_storeu_ps(y + o * plane + p0, mask, chex_activate(out, e));
  }
}

// One tile of NPX pixels: `source` points at the input value pixel 0 sees for K row 0 of each
// (input channel, ky, kx); pixel r reads source + r * step. The accumulators are named
// variables (an array of them stays in memory across the loop nest with clang).
#define ZERO_ROW(r) __m512 a##r##_0 = _mm512_setzero_ps(), a##r##_1 = _mm512_setzero_ps();
#define FMA_ROW(r, NPX)                                                                                 \
  if (r < NPX) {                                                                                        \
    __m512 b = _mm512_set1_ps(x[r * step]);                                                             \
    a##r##_0 = _mm512_fmadd_ps(b, w0, a##r##_0);                                                        \
    a##r##_1 = _mm512_fmadd_ps(b, w1, a##r##_1);                                                        \
  }
#define FOR_ROWS(M, ...)                                                                                \
  M(0 __VA_ARGS__) M(1 __VA_ARGS__) M(2 __VA_ARGS__) M(3 __VA_ARGS__) M(4 __VA_ARGS__)                  \
  M(5 __VA_ARGS__) M(6 __VA_ARGS__) M(7 __VA_ARGS__) M(8 __VA_ARGS__) M(9 __VA_ARGS__)                  \
  M(10 __VA_ARGS__) M(11 __VA_ARGS__)

#define DEFINE_DIRECT(NPX)                                                                              \
  static CHEX_ISA void direct_##NPX(const chex_conv_shape *s, const float *w, const float *source,       \
                                    long channel_stride, long row_stride, long step, float *y, long c0,  \
                                    long p0, long nrows, long plane, const chex_conv_epilogue *e) {      \
    FOR_ROWS(ZERO_ROW)                                                                                  \
    if (s->kernel_h == 1 && s->kernel_w == 1) {                                                        \
      /* 1x1: one K row per input channel, no inner tap loops. */                                   \
      const float *x = source;                                                                         \
      for (long ci = 0; ci < s->in_channels; ci++, x += channel_stride) {                              \
        /* The next tile's line of this input channel (one stream per channel: too many for */     \
        /* the hardware prefetcher). */                                                             \
        _mm_prefetch((const char *)(x + 2 * PX), _MM_HINT_T0);                                         \
        __m512 w0 = _mm512_loadu_ps(w), w1 = _mm512_loadu_ps(w + 16);                                  \
        w += OC;                                                                                       \
        FOR_ROWS(FMA_ROW, , NPX)                                                                       \
      }                                                                                                \
    } else                                                                                             \
    for (long ci = 0; ci < s->in_channels; ci++) {                                                     \
      for (long ky = 0; ky < s->kernel_h; ky++) {                                                      \
        const float *line = source + ci * channel_stride + ky * s->dilation_y * row_stride;            \
        for (long kx = 0; kx < s->kernel_w; kx++) {                                                    \
          const float *x = line + kx * s->dilation_x;                                                  \
          __m512 w0 = _mm512_loadu_ps(w), w1 = _mm512_loadu_ps(w + 16);                                \
          w += OC;                                                                                     \
          FOR_ROWS(FMA_ROW, , NPX)                                                                     \
        }                                                                                              \
      }                                                                                                \
    }                                                                                                  \
    __m512 acc[PX][2] = {{a0_0, a0_1}, {a1_0, a1_1}, {a2_0, a2_1}, {a3_0, a3_1},                        \
                         {a4_0, a4_1}, {a5_0, a5_1}, {a6_0, a6_1}, {a7_0, a7_1},                        \
                         {a8_0, a8_1}, {a9_0, a9_1}, {a10_0, a10_1}, {a11_0, a11_1}};                   \
    finish(acc, NPX, nrows, y, c0, p0, plane, e);                                                      \
  }

DEFINE_DIRECT(1)
DEFINE_DIRECT(2)
DEFINE_DIRECT(3)
DEFINE_DIRECT(4)
DEFINE_DIRECT(5)
DEFINE_DIRECT(6)
DEFINE_DIRECT(7)
DEFINE_DIRECT(8)
DEFINE_DIRECT(9)
DEFINE_DIRECT(10)
DEFINE_DIRECT(11)
DEFINE_DIRECT(12)

typedef void (*direct_tile)(const chex_conv_shape *, const float *, const float *, long, long, long, float *,
                            long, long, long, long, const chex_conv_epilogue *);

static const direct_tile tiles[PX + 1] = {NULL,       direct_1, direct_2, direct_3, direct_4,
                                          direct_5,   direct_6, direct_7, direct_8, direct_9,
                                          direct_10,  direct_11, direct_12};

static CHEX_ISA void run_direct(const chex_conv_shape *s, const float *packed, const float *source, float *y,
                                const chex_conv_epilogue *e, long p_begin, long p_end, long c_begin,
                                long c_end) {
  const long depth = chex_conv_depth(s), plane = s->out_height * s->out_width;
  const int mode = read_mode(s, e->pre_scale != NULL), flat = mode != READ_PADDED;
  const long hp = flat ? s->out_height : padded_height(s), wp = flat ? s->out_width : padded_width(s);
  const long chunk_size = channel_chunk(depth);
  for (long chunk = c_begin; chunk < c_end; chunk += chunk_size) {
    long chunk_end = chunk + chunk_size < c_end ? chunk + chunk_size : c_end;
    for (long p = p_begin; p < p_end;) {
      long oy = p / s->out_width, ox = p % s->out_width;
      long npx = p_end - p < PX ? p_end - p : PX;
      if (!flat && npx > s->out_width - ox) npx = s->out_width - ox;
      const float *origin = flat ? source + p : source + oy * s->stride_y * wp + ox * s->stride_x;
      for (long c0 = chunk; c0 < chunk_end; c0 += OC) {
        long nrows = chunk_end - c0 < OC ? chunk_end - c0 : OC;
        tiles[npx](s, packed + (c0 / OC) * depth * OC, origin, hp * wp, wp, flat ? 1 : s->stride_x, y, c0, p,
                   nrows, plane, e);
      }
      p += npx;
    }
  }
}

#endif

// ---------------------------------------------------------------------------------------------
// Winograd F(2x2, 3x3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks",
// CVPR 2016) for 3x3 stride-1 convolutions with one pixel of padding on every side: each 2x2
// block of outputs ("tile") is A^T [ (G g G^T) . (B^T d B) ] A over the 4x4 input patch d, so
// the 36 multiply-adds per input channel of a direct tile become 16, spent in 16 independent
// matrix products U[xi][nu] (C_out x C_in, transformed weights, packed at load time) times
// V[xi][nu] (C_in x tiles, transformed input) done by the direct kernel's register tiles.
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],
//   A^T = [1 1 1 0; 0 1 -1 -1].
// Tiles are processed in blocks small enough for V and the products to stay in L2; the input
// and output transforms work on 16 tiles of a tile row per vector.

int chex_wino_applies(const chex_conv_shape *s) {
  return s->kernel_h == 3 && s->kernel_w == 3 && s->stride_y == 1 && s->stride_x == 1 && s->dilation_y == 1 &&
         s->dilation_x == 1 && s->pad_top == 1 && s->pad_left == 1 && s->out_height == s->height &&
         s->out_width == s->width && s->in_channels >= 16;
}

long chex_wino_packed_count(const chex_conv_shape *s) {
  return 16 * ((s->out_channels + OC - 1) / OC) * s->in_channels * OC;
}

void chex_wino_pack_weights(const chex_conv_shape *s, const float *w, float *packed) {
  const long cin = s->in_channels, blocks = (s->out_channels + OC - 1) / OC;
  for (long o = 0; o < blocks * OC; o++) {
    for (long c = 0; c < cin; c++) {
      float u[4][4] = {{0}};
      if (o < s->out_channels) {
        const float *g = w + (o * cin + c) * 9;
        float t[4][3];  // G g
        for (int j = 0; j < 3; j++) {
          t[0][j] = g[j];
          t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
          t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
          t[3][j] = g[6 + j];
        }
        for (int i = 0; i < 4; i++) {  // (G g) G^T
          u[i][0] = t[i][0];
          u[i][1] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
          u[i][2] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
          u[i][3] = t[i][2];
        }
      }
      for (int xi = 0; xi < 16; xi++) {
        // Product xi: blocks of 32 output channels, each K = C rows of 32.
        packed[((xi * blocks + o / OC) * cin + c) * OC + o % OC] = u[xi / 4][xi % 4];
      }
    }
  }
}

// Most tiles per block: V (16 x C x block floats) within about 512 KB, so that it stays in L2
// across the 16 products; but at least 36 tiles when the 16 weight matrices exceed 8 MB (they
// are read once per block); a multiple of the 12-tile register tile. Calls cut their tiles into
// nearly equal blocks of at most this many, again whole register tiles.
static long wino_block(const chex_conv_shape *s) {
  long block = 8192 / s->in_channels;
  if (16 * s->in_channels * s->out_channels > 2097152 && block < 36) block = 36;
  block = block / PX * PX;  // whole register tiles
  return block < PX ? PX : block > 120 ? 120 : block;
}

long chex_wino_scratch_count(const chex_conv_shape *s) {
  long block = wino_block(s), out = (s->out_channels + OC - 1) / OC * OC;
  return 16 * block * (s->in_channels + out) + 64;
}

#if defined(__x86_64__)

// V[xi][c][b + i] for the n (<= 16) tiles tx0 + i of tile row ty, input channel c.
static inline CHEX_ISA void wino_input(const chex_conv_shape *s, const float *plane, long ty, long tx0, long n,
                                       float *v, long c, long block, long b) {
  const __m512i even = chex_even_lanes();
  const __m512i odd = chex_odd_lanes();
  const __m512i next = _mm512_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
  const __m512i next_odd = _mm512_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17);
  __m512 q[4][4];
  for (int r = 0; r < 4; r++) {
    long iy = 2 * ty - 1 + r;
    if (iy < 0 || iy >= s->height) {
      for (int j = 0; j < 4; j++) q[r][j] = _mm512_setzero_ps();
      continue;
    }
    const float *row = plane + iy * s->width;
    long start = 2 * tx0 - 1;  // column 0 of tile tx0
    const __m512 zero = _mm512_setzero_ps();
    __m512 a = chex_row_chunk(row, start, s->width, zero), b2 = chex_row_chunk(row, start + 16, s->width, zero);
    __m512 c2 = chex_row_chunk(row, start + 32, s->width, zero);
    __m512 d0 = _mm512_permutex2var_ps(a, even, b2);  // columns 2t - 1
    __m512 d1 = _mm512_permutex2var_ps(a, odd, b2);  // 2t
    __m512 d2 = _mm512_permutex2var_ps(d0, next, c2);  // 2t + 1 (lane 15 from c2[0])
    __m512 d3 = _mm512_permutex2var_ps(d1, next_odd, c2);  // 2t + 2 (lane 15 from c2[1])
    q[r][0] = _mm512_sub_ps(d0, d2);  // d B
    q[r][1] = _mm512_add_ps(d1, d2);
    q[r][2] = _mm512_sub_ps(d2, d1);
    q[r][3] = _mm512_sub_ps(d1, d3);
  }
  __mmask16 mask = chex_lanes(n);
  for (int j = 0; j < 4; j++) {  // B^T (d B)
    __m512 t[4] = {_mm512_sub_ps(q[0][j], q[2][j]), _mm512_add_ps(q[1][j], q[2][j]),
                   _mm512_sub_ps(q[2][j], q[1][j]), _mm512_sub_ps(q[1][j], q[3][j])};
    for (int i = 0; i < 4; i++)
      _mm512_mask_storeu_ps(v + ((i * 4 + j) * s->in_channels + c) * block + b, mask, t[i]);
  }
}

// Output channel o of the n (<= 16) tiles tx0 + i of tile row ty from the products m.
static inline CHEX_ISA void wino_output(const chex_conv_shape *s, const float *m, long mstride, long block,
                                        long b, long o, long ty, long tx0, long n, float *y,
                                        const chex_conv_epilogue *e) {
  const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  __m512 t[2][4];
  for (int j = 0; j < 4; j++) {  // A^T m
    __m512 m0 = _mm512_loadu_ps(m + (0 * 4 + j) * mstride + o * block + b);
    __m512 m1 = _mm512_loadu_ps(m + (1 * 4 + j) * mstride + o * block + b);
    __m512 m2 = _mm512_loadu_ps(m + (2 * 4 + j) * mstride + o * block + b);
    __m512 m3 = _mm512_loadu_ps(m + (3 * 4 + j) * mstride + o * block + b);
    t[0][j] = _mm512_add_ps(_mm512_add_ps(m0, m1), m2);
    t[1][j] = _mm512_sub_ps(_mm512_sub_ps(m1, m2), m3);
  }
  const __m512 bias = _mm512_set1_ps(e->bias ? e->bias[o] : 0.0f);
  const long plane = s->out_height * s->out_width;
  for (int i = 0; i < 2; i++) {  // (A^T m) A
    long oy = 2 * ty + i;
    if (oy >= s->out_height) break;
    __m512 y0 = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(t[i][0], t[i][1]), t[i][2]), bias);
    __m512 y1 = _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(t[i][1], t[i][2]), t[i][3]), bias);
    y0 = chex_activate(y0, e);
    y1 = chex_activate(y1, e);
    long columns = s->out_width - 2 * tx0;  // output columns from 2 tx0 to the row's end
    if (columns > 2 * n) columns = 2 * n;
    float *target = y + o * plane + oy * s->out_width + 2 * tx0;
    _mm512_mask_storeu_ps(target, chex_lanes(columns), _mm512_permutex2var_ps(y0, lo, y1));
    _mm512_mask_storeu_ps(target + 16, chex_lanes(columns - 16), _mm512_permutex2var_ps(y0, hi, y1));
  }
}

static CHEX_ISA void run_wino(const chex_conv_shape *s, const float *packed, const float *x, float *y,
                              const chex_conv_epilogue *e, long t_begin, long t_end, float *scratch) {
  const long cin = s->in_channels, cout = s->out_channels, blocks_oc = (cout + OC - 1) / OC;
  const long tw = (s->out_width + 1) / 2, block = wino_block(s);
  const long plane = s->height * s->width;
  float *v = scratch;  // [16][cin][block]
  float *m = scratch + 16 * cin * block;  // [16][cout_padded][block]
  const long mstride = blocks_oc * OC * block;
  chex_conv_shape gemm = *s;  // the products as 1x1 "convolutions" over the block's tiles
  gemm.kernel_h = gemm.kernel_w = 1;
  gemm.pad_top = gemm.pad_left = 0;
  chex_conv_epilogue none = {0};
  none.activation = CHEX_ACT_CLAMP;
  none.p0 = -__builtin_inff();
  none.p1 = __builtin_inff();
  const long nblocks = (t_end - t_begin + block - 1) / block;
  long even_block = nblocks > 0 ? (t_end - t_begin + nblocks - 1) / nblocks : block;
  even_block = (even_block + PX - 1) / PX * PX;  // still <= block, a multiple of PX
  for (long t0 = t_begin; t0 < t_end; t0 += even_block) {
    long count = t_end - t0 < even_block ? t_end - t0 : even_block;
    // Input transform, 16 tiles of one tile row at a time.
    for (long c = 0; c < cin; c++) {
      for (long t = t0; t < t0 + count;) {
        long ty = t / tw, tx = t % tw, n = tw - tx;
        if (n > 16) n = 16;
        if (n > t0 + count - t) n = t0 + count - t;
        wino_input(s, x + c * plane, ty, tx, n, v, c, block, t - t0);
        t += n;
      }
    }
    // The 16 products, 12 tiles x 32 output channels per register tile.
    for (int xi = 0; xi < 16; xi++) {
      const float *u = packed + xi * blocks_oc * cin * OC;
      const float *vx = v + xi * cin * block;
      float *mx = m + xi * mstride;
      for (long p = 0; p < count; p += PX) {
        long npx = count - p < PX ? count - p : PX;
        for (long c0 = 0; c0 < blocks_oc * OC; c0 += OC)
          tiles[npx](&gemm, u + (c0 / OC) * cin * OC, vx + p, block, block, 1, mx, c0, p, OC, block, &none);
      }
    }
    // Output transform.
    for (long o = 0; o < cout; o++) {
      for (long t = t0; t < t0 + count;) {
        long ty = t / tw, tx = t % tw, n = tw - tx;
        if (n > 16) n = 16;
        if (n > t0 + count - t) n = t0 + count - t;
        wino_output(s, m, mstride, block, t - t0, o, ty, tx, n, y, e);
        t += n;
      }
    }
  }
}

#endif

void chex_wino_run(const chex_conv_shape *s, const float *packed, const float *x, float *y,
                   const chex_conv_epilogue *e, long tile_begin, long tile_end, float *scratch) {
#if defined(__x86_64__)
  run_wino(s, packed, x, y, e, tile_begin, tile_end, scratch);
#else
  (void)s; (void)packed; (void)x; (void)y; (void)e; (void)tile_begin; (void)tile_end; (void)scratch;
#endif
}

void chex_direct_run(const chex_conv_shape *s, const float *packed, const float *source, float *y,
                     const chex_conv_epilogue *e, long p_begin, long p_end, long c_begin, long c_end) {
#if defined(__x86_64__)
  run_direct(s, packed, source, y, e, p_begin, p_end, c_begin, c_end);
#else
  (void)s; (void)packed; (void)source; (void)y; (void)e; (void)p_begin; (void)p_end; (void)c_begin;
  (void)c_end;
#endif
}
