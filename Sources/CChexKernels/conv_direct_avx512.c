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
#include "conv_direct_internal.h"
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
//  - READ_STRIP: 1x1 without padding, strided or with a prologue: each call copies the input
//    values its output pixels see (one per output pixel and input channel, prologue applied)
//    into its scratch; with a prologue a strip of output pixels at a time, small enough to stay
//    in L2 while the strip's register tiles read it (DenseNet's BatchNormalization + ReLU + 1x1
//    layers: a copy of the whole input went out to L3 and came back at 15-19 GB/s, 10-25 % of
//    the layer's time), see strip_pixels;
//  - READ_PADDED: a zero-padded copy of the whole input, shared by every call (everything else).
// Both copies apply the prologue to the values they take from x; padding stays 0. An NHWC input
// (no prologue) is read in place by every 1x1 convolution without padding, strided too: the
// pixels a strided layer skips are whole lines of channels, not every other value of a line.
enum { READ_INPUT, READ_STRIP, READ_PADDED };

static int read_mode(const chex_conv_shape *s, int prologue) {
  const int unpadded_1x1 = s->kernel_h == 1 && s->kernel_w == 1 && s->pad_top == 0 && s->pad_left == 0;
  if (s->input_nhwc) return unpadded_1x1 ? READ_INPUT : READ_PADDED;
  if (chex_direct_is_flat(s) && !prologue) return READ_INPUT;
  if (unpadded_1x1) return READ_STRIP;
  return READ_PADDED;
}

// Floats of one strip (input channels x strip pixels) when the weights fit in L2 next to it.
#define STRIP_FLOATS 65536

// Output pixels per strip. With a prologue: about STRIP_FLOATS floats of copy, a whole number of
// register tiles, when the weights (K x output channels) fit in half of L2 next to it. Else the
// whole plane, one copy per call: weights that stream from L3 then do so once per call, and the
// strided 1x1 layers of ResNets (no prologue, 512-2048 output channels) measured 10-25 % slower
// in strips than with one copy.
static long strip_pixels(const chex_conv_shape *s, int prologue) {
  const long plane = s->out_height * s->out_width;
  if (!prologue || chex_conv_depth(s) * s->out_channels > 131072) return plane;
  long pixels = STRIP_FLOATS / s->in_channels / PX * PX;
  if (pixels < PX) pixels = PX;
  return pixels < plane ? pixels : plane;
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

// K rows in the order the tile reads its input: (input channel, ky, kx) for NCHW, (ky, kx,
// input channel) for NHWC, where consecutive rows then read consecutive values of a pixel.
// Copies in tiles of 16 K rows x 32 channels: each tile reads one cache line of each of its 32
// weight rows and writes 16 whole packed rows, all in L1 (row by row over K, the 32 weight rows'
// lines were reloaded from L2: 9 % of DenseNet121's load time). An NHWC input reorders K (tap,
// then input channel) for kernels larger than 1x1 only.
void chex_direct_pack_weights(const chex_conv_shape *s, const float *w, float *packed) {
  const long depth = chex_conv_depth(s), blocks = (s->out_channels + OC - 1) / OC;
  const long taps = s->kernel_h * s->kernel_w, cin = s->in_channels;
  const int reordered = s->input_nhwc && taps > 1;
  for (long b = 0; b < blocks; b++) {
    for (long k0 = 0; k0 < depth; k0 += 16) {
      const long k1 = k0 + 16 < depth ? k0 + 16 : depth;
      for (long r = 0; r < OC; r++) {
        const long o = b * OC + r;
        float *target = packed + (b * depth + k0) * OC + r;
        if (o >= s->out_channels) {
          for (long k = k0; k < k1; k++, target += OC) *target = 0.0f;
        } else if (!reordered) {
          const float *row = w + o * depth;
          for (long k = k0; k < k1; k++, target += OC) *target = row[k];
        } else {
          const float *row = w + o * depth;
          for (long k = k0; k < k1; k++, target += OC) *target = row[(k % cin) * taps + k / cin];  // OIHW index within o
        }
      }
    }
  }
}

long chex_direct_padded_count(const chex_conv_shape *s, int prologue) {
  return read_mode(s, prologue) == READ_PADDED ? s->in_channels * padded_height(s) * padded_width(s) : 0;
}

long chex_direct_scratch_count(const chex_conv_shape *s, int prologue) {
  return read_mode(s, prologue) == READ_STRIP ? s->in_channels * strip_pixels(s, prologue) : 0;
}

#if defined(__x86_64__)

// dst[i] = pre(src[i * stride]) for i < count (the prologue when e has one). Stride 1 a vector at
// a time; others value by value (stride 2 from the even lanes of two loads measured slower on the
// strided 1x1 layers of ResNets, whose input comes from L3 or memory).
static CHEX_ISA void copy_row(float *dst, const float *src, long count, long stride, const chex_conv_epilogue *e,
                              long channel, long ahead) {
  if (!e->pre_scale && stride == 1) {
    memcpy(dst, src, count * sizeof(float));
    return;
  }
  const float scale = e->pre_scale ? e->pre_scale[channel] : 1.0f, shift = e->pre_scale ? e->pre_shift[channel] : 0.0f;
  if (stride > 1) {
    for (long i = 0; i < count; i++) {
      float v = src[i * stride];
      if (e->pre_scale) {
        v = __builtin_fmaf(v, scale, shift);
        if (e->pre_relu && !(v > 0.0f)) v = 0.0f;
      }
      dst[i] = v;
    }
    return;
  }
  const __m512 vscale = _mm512_set1_ps(scale), vshift = _mm512_set1_ps(shift);
  for (long i = 0; i < count; i += 16) {
    __mmask16 mask = chex_lanes(count - i);
    if (ahead) _mm_prefetch((const char *)(src + i + ahead), _MM_HINT_T1);
    __m512 v = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, src + i), vscale, vshift);
    if (e->pre_relu) v = _mm512_max_ps(v, _mm512_setzero_ps());
    _mm512_mask_storeu_ps(dst + i, mask, v);
  }
}

// The READ_STRIP copy of output pixels [p0, p0 + count) into strip (row stride `width` per input
// channel), and, for stride-1 inputs, a prefetch into L2 of the next strip's values.
static CHEX_ISA void fill_strip(const chex_conv_shape *s, const float *x, const chex_conv_epilogue *e, float *strip,
                                long width, long p0, long count, long next) {
  const long in_plane = s->height * s->width, ow = s->out_width;
  const int flat = chex_direct_is_flat(s);
  for (long c = 0; c < s->in_channels; c++) {
    const float *plane = x + c * in_plane;
    float *row = strip + c * width;
    if (flat) {
      copy_row(row, plane + p0, count, 1, e, c, next > 0 ? count : 0);
      continue;
    }
    for (long p = p0; p < p0 + count;) {
      long oy = p / ow, ox = p % ow, n = ow - ox;
      if (n > p0 + count - p) n = p0 + count - p;
      copy_row(row + (p - p0), plane + oy * s->stride_y * s->width + ox * s->stride_x, n, s->stride_x, e, c, 0);
      p += n;
    }
  }
}

// NHWC input: padded rows [r_begin, r_end), each wp pixels of in_channels values.
static void pad_rows_nhwc(const chex_conv_shape *s, const float *x, float *padded, long r_begin, long r_end) {
  const long c = s->in_channels, wp = padded_width(s);
  const long left = s->pad_left < wp ? s->pad_left : wp;
  const long count = s->width < wp - left ? s->width : wp - left;
  for (long r = r_begin; r < r_end; r++) {
    float *row = padded + r * wp * c;
    long iy = r - s->pad_top;
    if (iy < 0 || iy >= s->height || count <= 0) {
      memset(row, 0, wp * c * sizeof(float));
      continue;
    }
    memset(row, 0, left * c * sizeof(float));
    memcpy(row + left * c, x + iy * s->width * c, count * c * sizeof(float));
    memset(row + (left + count) * c, 0, (wp - left - count) * c * sizeof(float));
  }
}

static CHEX_ISA void pad_input(const chex_conv_shape *s, const float *x, const chex_conv_epilogue *e,
                               float *padded, long c_begin, long c_end) {
  if (read_mode(s, e->pre_scale != NULL) != READ_PADDED) return;
  if (s->input_nhwc) {
    pad_rows_nhwc(s, x, padded, c_begin, c_end);
    return;
  }
  for (long c = c_begin; c < c_end; c++) {
    const float *plane = x + c * s->height * s->width;
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
      if (count > 0) copy_row(row + left, plane + iy * s->width, count, 1, e, c, 0);
      if (left + count < wp) memset(row + left + count, 0, (wp - left - count) * sizeof(float));
    }
  }
}

#endif

long chex_direct_pad_units(const chex_conv_shape *s) {
  return s->input_nhwc ? padded_height(s) : s->in_channels;
}

void chex_direct_pad_input(const chex_conv_shape *s, const float *x, const chex_conv_epilogue *e, float *padded,
                           long c_begin, long c_end) {
#if defined(__x86_64__)
  pad_input(s, x, e, padded, c_begin, c_end);
#else
  (void)s; (void)x; (void)e; (void)padded; (void)c_begin; (void)c_end;
#endif
}

#if defined(__x86_64__)

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
  chex_transpose16(block[0]);
  chex_transpose16(block[1]);
  for (long j = 0; j < nrows; j++) {
    long o = c0 + j;
    __m512 out = block[j / 16][j % 16];
    if (e->bias) out = _mm512_add_ps(out, _mm512_set1_ps(e->bias[o]));
    if (e->residual) out = _mm512_add_ps(out, _mm512_maskz_loadu_ps(mask, e->residual + o * plane + p0));
    _mm512_mask_storeu_ps(y + o * plane + p0, mask, chex_activate(out, e));
  }
}

// Finishes a tile whose output is NHWC: pixel p0 + r's channels c0.. at y + (p0 + r) ldy + c0
// (the residual alike), no transpose.
static inline __attribute__((always_inline)) CHEX_ISA void finish_nhwc(__m512 acc[PX][2], long npx, long nrows,
                                                                      float *y, long ldy, long c0, long p0,
                                                                      const chex_conv_epilogue *e) {
  const __mmask16 m0 = chex_lanes(nrows), m1 = chex_lanes(nrows - 16);
  const __m512 b0 = e->bias ? _mm512_maskz_loadu_ps(m0, e->bias + c0) : _mm512_setzero_ps();
  const __m512 b1 = e->bias ? _mm512_maskz_loadu_ps(m1, e->bias + c0 + 16) : _mm512_setzero_ps();
  for (long r = 0; r < npx; r++) {
    const long at = (p0 + r) * ldy + c0;
    __m512 v0 = _mm512_add_ps(acc[r][0], b0), v1 = _mm512_add_ps(acc[r][1], b1);
    if (e->residual) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, e->residual + at));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, e->residual + at + 16));
    }
    _mm512_mask_storeu_ps(y + at, m0, chex_activate(v0, e));
    _mm512_mask_storeu_ps(y + at + 16, m1, chex_activate(v1, e));
  }
}

// Line j of the output (and of the residual) of the tile two tiles further on: NCHW, the start
// of output row j (hundreds of plane-strided rows are more than the hardware prefetcher
// follows); NHWC, half j % 2 of pixel j / 2's 32 channels. A tile issues one per K row; issued
// all at once at its end, they filled the core's queue of outstanding misses and stalled it.
static inline CHEX_ISA void prefetch_row(const float *next_out, const float *next_residual, long offset) {
  _mm_prefetch((const char *)(next_out + offset), _MM_HINT_T0);
  if (next_residual) _mm_prefetch((const char *)(next_residual + offset), _MM_HINT_T0);
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

// The tile's steps per K row: one epilogue line prefetched (while j < prefetches), then the row's
// two weight vectors against the NPX broadcast inputs at x.
#define PREFETCH_EPILOGUE_LINE()                                                                        \
  if (j < prefetches) prefetch_row(next_out, next_residual, (j >> shift) * stride + (j & half) * 16);
#define MULTIPLY_K_ROW(NPX)                                                                             \
  {                                                                                                     \
    __m512 w0 = _mm512_loadu_ps(w), w1 = _mm512_loadu_ps(w + 16);                                       \
    w += OC;                                                                                            \
    FOR_ROWS(FMA_ROW, , NPX)                                                                            \
  }

#define DEFINE_DIRECT(NPX)                                                                              \
  static CHEX_ISA void direct_##NPX(const chex_conv_shape *s, const float *w, const float *source,       \
                                    long channel_stride, long row_stride, long step, long tap_x,         \
                                    float *y, long c0, long p0, long nrows, long plane,                  \
                                    const chex_conv_epilogue *e, long ldy) {                             \
    FOR_ROWS(ZERO_ROW)                                                                                  \
    /* Epilogue lines to prefetch: line j at next_out + (j >> shift) stride + (j & half) 16. */      \
    const long prefetches = !e ? 0 : ldy ? 2 * PX : nrows;                                             \
    const int shift = ldy ? 1 : 0;                                                                     \
    const long half = ldy ? 1 : 0, stride = ldy ? ldy : plane;                                         \
    const long next_at = ldy ? (p0 + 2 * PX) * ldy + c0 : c0 * plane + p0 + 2 * PX;                    \
    const float *next_out = y + next_at;                                                               \
    const float *next_residual = e && e->residual ? e->residual + next_at : NULL;                      \
    const int nchw_input = !s->input_nhwc;                                                             \
    /* NHWC input: the lines of the tile two tiles on, one per K row (pixel, then 16 channels). */  \
    const float *ahead = source + 2 * PX * step;                                                       \
    long ahead_pixel = 0, ahead_channel = 0;                                                           \
    long j = 0; /* K rows done */                                                                      \
    if (s->kernel_h == 1 && s->kernel_w == 1) {                                                        \
      /* 1x1: one K row per input channel, no inner tap loops. */                                   \
      const float *x = source;                                                                         \
      for (long ci = 0; ci < s->in_channels; ci++, x += channel_stride, j++) {                         \
        PREFETCH_EPILOGUE_LINE()                                                                       \
        /* NCHW: the next tile's line of this input channel (one stream per channel: too many */   \
        /* for the hardware prefetcher). */                                                         \
        if (nchw_input) {                                                                              \
          _mm_prefetch((const char *)(x + 2 * PX), _MM_HINT_T0);                                       \
        } else if (ahead_channel < s->in_channels) {                                                   \
          _mm_prefetch((const char *)(ahead + ahead_pixel * step + ahead_channel), _MM_HINT_T0);       \
          if (++ahead_pixel == PX) ahead_pixel = 0, ahead_channel += 16;                               \
        }                                                                                              \
        MULTIPLY_K_ROW(NPX)                                                                            \
      }                                                                                                \
    } else if (s->input_nhwc) {                                                                        \
      /* NHWC: taps outer, input channels inner (consecutive K rows read one line of a pixel). */   \
      for (long ky = 0; ky < s->kernel_h; ky++) {                                                      \
        for (long kx = 0; kx < s->kernel_w; kx++) {                                                    \
          const float *x = source + ky * s->dilation_y * row_stride + kx * tap_x;                      \
          for (long ci = 0; ci < s->in_channels; ci++, x++, j++) {                                     \
            PREFETCH_EPILOGUE_LINE()                                                                   \
            MULTIPLY_K_ROW(NPX)                                                                        \
          }                                                                                            \
        }                                                                                              \
      }                                                                                                \
    } else                                                                                             \
    for (long ci = 0; ci < s->in_channels; ci++) {                                                     \
      for (long ky = 0; ky < s->kernel_h; ky++) {                                                      \
        const float *line = source + ci * channel_stride + ky * s->dilation_y * row_stride;            \
        for (long kx = 0; kx < s->kernel_w; kx++, j++) {                                               \
          PREFETCH_EPILOGUE_LINE()                                                                     \
          const float *x = line + kx * tap_x;                                                          \
          MULTIPLY_K_ROW(NPX)                                                                          \
        }                                                                                              \
      }                                                                                                \
    }                                                                                                  \
    for (; j < prefetches; j++) prefetch_row(next_out, next_residual, (j >> shift) * stride + (j & half) * 16); \
    __m512 acc[PX][2] = {{a0_0, a0_1}, {a1_0, a1_1}, {a2_0, a2_1}, {a3_0, a3_1},                        \
                         {a4_0, a4_1}, {a5_0, a5_1}, {a6_0, a6_1}, {a7_0, a7_1},                        \
                         {a8_0, a8_1}, {a9_0, a9_1}, {a10_0, a10_1}, {a11_0, a11_1}};                   \
    if (!e) {                                                                                          \
      /* Winograd products: pixel r's 32 channels stay together, rows of `ldy` floats. */            \
      for (int r = 0; r < NPX; r++) {                                                                  \
        _mm512_storeu_ps(y + (p0 + r) * ldy + c0, acc[r][0]);                                          \
        _mm512_storeu_ps(y + (p0 + r) * ldy + c0 + 16, acc[r][1]);                                     \
      }                                                                                                \
    } else if (ldy) {                                                                                  \
      finish_nhwc(acc, NPX, nrows, y, ldy, c0, p0, e);                                                 \
    } else {                                                                                           \
      finish(acc, NPX, nrows, y, c0, p0, plane, e);                                                    \
    }                                                                                                  \
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

const direct_tile chex_direct_tiles[PX + 1] = {NULL,     direct_1, direct_2, direct_3,  direct_4,
                                               direct_5, direct_6, direct_7, direct_8,  direct_9,
                                               direct_10, direct_11, direct_12};

// Where a call's K rows come from: input channel ci, tap (ky, kx) of output pixel p at
//   base + ci channel + ky dilation_y row + kx dilation_x pixel
//        + (flat ? (p - first) pixel : oy stride_y row + ox stride_x pixel)
// (flat: x or a strip, pixels running on across rows; else rows of x or of the padded copy).
typedef struct {
  const float *base;
  long channel, row, pixel, first;
  int flat;
} source_view;

// Where output pixel p of channel o goes: y + o plane + (p - first) (NCHW planes, or a band of
// rows of them) or, ldy > 0, y + (p - first) ldy + o (NHWC).
typedef struct {
  float *y;
  long plane, first, ldy;
} target_view;

// Output pixels [p_begin, p_end) of output channels [c_begin, c_end).
static CHEX_ISA void direct_pixels(const chex_conv_shape *s, const float *packed, source_view in, target_view out,
                                   const chex_conv_epilogue *e, long p_begin, long p_end, long c_begin, long c_end) {
  const long depth = chex_conv_depth(s);
  const long chunk_size = channel_chunk(depth);
  const long step = in.flat ? in.pixel : s->stride_x * in.pixel, tap_x = s->dilation_x * in.pixel;
  for (long chunk = c_begin; chunk < c_end; chunk += chunk_size) {
    long chunk_end = chunk + chunk_size < c_end ? chunk + chunk_size : c_end;
    for (long p = p_begin; p < p_end;) {
      long oy = p / s->out_width, ox = p % s->out_width;
      long npx = p_end - p < PX ? p_end - p : PX;
      if (!in.flat && npx > s->out_width - ox) npx = s->out_width - ox;
      const float *origin = in.flat ? in.base + (p - in.first) * in.pixel
                                    : in.base + oy * s->stride_y * in.row + ox * s->stride_x * in.pixel;
      for (long c0 = chunk; c0 < chunk_end; c0 += OC) {
        long nrows = chunk_end - c0 < OC ? chunk_end - c0 : OC;
        chex_direct_tiles[npx](s, packed + (c0 / OC) * depth * OC, origin, in.channel, in.row, step, tap_x, out.y, c0,
                   p - out.first, nrows, out.plane, e, out.ldy);
      }
      p += npx;
    }
  }
}

static CHEX_ISA void run_direct(const chex_conv_shape *s, const float *packed, const float *source, float *y,
                                const chex_conv_epilogue *e, long p_begin, long p_end, long c_begin,
                                long c_end, float *scratch) {
  const long plane = s->out_height * s->out_width;
  const target_view out = {y, plane, 0, s->output_nhwc ? s->out_channels : 0};
  const long cin = s->in_channels;
  switch (read_mode(s, e->pre_scale != NULL)) {
  case READ_INPUT: {
    const source_view in = s->input_nhwc
                               ? (source_view){source, 1, s->width * cin, cin, 0, chex_direct_is_flat(s)}
                               : (source_view){source, s->height * s->width, s->width, 1, 0, 1};
    direct_pixels(s, packed, in, out, e, p_begin, p_end, c_begin, c_end);
    return;
  }
  case READ_STRIP: {
    // The strip holds pixels [q, q + n) at columns [0, n).
    const long width = strip_pixels(s, e->pre_scale != NULL);
    for (long q = p_begin; q < p_end; q += width) {
      long n = p_end - q < width ? p_end - q : width;
      long next = p_end - q - n < width ? p_end - q - n : width;
      fill_strip(s, source, e, scratch, width, q, n, next);
      const source_view in = {scratch, width, s->out_width, 1, q, 1};
      direct_pixels(s, packed, in, out, e, q, q + n, c_begin, c_end);
    }
    return;
  }
  default: {
    const long wp = padded_width(s);
    const source_view in = s->input_nhwc ? (source_view){source, 1, wp * cin, cin, 0, 0}
                                         : (source_view){source, padded_height(s) * wp, wp, 1, 0, 0};
    direct_pixels(s, packed, in, out, e, p_begin, p_end, c_begin, c_end);
  }
  }
}

// See chex_direct_run_max_pooled. The band holds output rows [have_first, have_end) of every
// channel, row r of channel o at band + o band_plane + (r - have_first) out_width.
static CHEX_ISA void run_max_pooled(const chex_conv_shape *s, const float *packed, const float *source,
                                    const chex_conv_epilogue *e, const chex_pool_shape *pool, float *y,
                                    long row_begin, long row_end, long c_begin, long c_end, long band_rows,
                                    float *band) {
  const long ow = s->out_width, oh = s->out_height, pad = pool->pad_top;
  const long band_plane = (2 * band_rows + 1) * ow, pooled_plane = pool->out_height * pool->out_width;
  const int flat = read_mode(s, e->pre_scale != NULL) == READ_INPUT;
  const long wp = flat ? ow : padded_width(s);
  const source_view in = {source, flat ? s->height * s->width : padded_height(s) * wp, wp, 1, 0, flat};
  long have_first = 0, have_end = 0;
  for (long a = row_begin; a < row_end; a += band_rows) {
    const long b = a + band_rows < row_end ? a + band_rows : row_end;
    // Output rows the pooled rows [a, b) read.
    const long lo = 2 * a - pad > 0 ? 2 * a - pad : 0;
    const long hi = 2 * (b - 1) - pad + 3 < oh ? 2 * (b - 1) - pad + 3 : oh;
    long from = lo;
    if (lo >= have_first && lo < have_end) {
      // The rows this band shares with the last one move to its top.
      for (long o = c_begin; o < c_end; o++)
        memmove(band + o * band_plane, band + o * band_plane + (lo - have_first) * ow,
                (have_end - lo) * ow * sizeof(float));
      from = have_end;
    }
    const target_view out = {band, band_plane, lo * ow, 0};
    direct_pixels(s, packed, in, out, e, from * ow, hi * ow, c_begin, c_end);
    have_first = lo;
    have_end = hi;
    for (long o = c_begin; o < c_end; o++) {
      for (long oy = a; oy < b; oy++) {
        const float *rows[3];
        int n = 0;
        for (long ky = 0; ky < 3; ky++) {
          long r = 2 * oy + ky - pad;
          if (r >= 0 && r < oh) rows[n++] = band + o * band_plane + (r - lo) * ow;
        }
        chex_max3s2_row(rows, n, ow, pool->out_width, pad == 1, y + o * pooled_plane + oy * pool->out_width);
      }
    }
  }
}

#endif

void chex_direct_run(const chex_conv_shape *s, const float *packed, const float *source, float *y,
                     const chex_conv_epilogue *e, long p_begin, long p_end, long c_begin, long c_end,
                     float *scratch) {
#if defined(__x86_64__)
  run_direct(s, packed, source, y, e, p_begin, p_end, c_begin, c_end, scratch);
#else
  (void)s; (void)packed; (void)source; (void)y; (void)e; (void)p_begin; (void)p_end; (void)c_begin;
  (void)c_end; (void)scratch;
#endif
}

long chex_direct_pooled_scratch_count(const chex_conv_shape *s, long band_rows) {
  return s->out_channels * (2 * band_rows + 1) * s->out_width;
}

void chex_direct_run_max_pooled(const chex_conv_shape *s, const float *packed, const float *source,
                                const chex_conv_epilogue *e, const chex_pool_shape *pool, float *y, long row_begin,
                                long row_end, long channel_begin, long channel_end, long band_rows, float *scratch) {
#if defined(__x86_64__)
  run_max_pooled(s, packed, source, e, pool, y, row_begin, row_end, channel_begin, channel_end, band_rows, scratch);
#else
  (void)s; (void)packed; (void)source; (void)e; (void)pool; (void)y; (void)row_begin; (void)row_end;
  (void)channel_begin; (void)channel_end; (void)band_rows; (void)scratch;
#endif
}
