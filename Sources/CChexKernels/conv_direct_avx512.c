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
void chex_direct_pack_weights(const chex_conv_shape *s, const float *w, float *packed) {
  const long depth = chex_conv_depth(s), blocks = (s->out_channels + OC - 1) / OC;
  const long taps = s->kernel_h * s->kernel_w, cin = s->in_channels;
  for (long b = 0; b < blocks; b++) {
    for (long k = 0; k < depth; k++) {
      const long source = s->input_nhwc ? (k % cin) * taps + k / cin : k;  // OIHW index within o
      for (long r = 0; r < OC; r++) {
        long o = b * OC + r;
        packed[(b * depth + k) * OC + r] = o < s->out_channels ? w[o * depth + source] : 0.0f;
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

// Pixel r of the tile reads source + r step for K row 0 of input channel ci, tap (ky, kx) at
// + ci channel_stride + ky dilation_y row_stride + kx tap_x. ldy = 0: finish the tile with e
// (transpose, epilogue, NCHW rows of `plane`); ldy > 0: pixel p's channels c0.. at y + p ldy + c0,
// with e's epilogue (NHWC output) or, e NULL, as they are (the Winograd products).
typedef void (*direct_tile)(const chex_conv_shape *, const float *, const float *, long, long, long, long, float *,
                            long, long, long, long, const chex_conv_epilogue *, long);

static const direct_tile tiles[PX + 1] = {NULL,       direct_1, direct_2, direct_3, direct_4,
                                          direct_5,   direct_6, direct_7, direct_8, direct_9,
                                          direct_10,  direct_11, direct_12};

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
        tiles[npx](s, packed + (c0 / OC) * depth * OC, origin, in.channel, in.row, step, tap_x, out.y, c0,
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

// ---------------------------------------------------------------------------------------------
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

// u = G g G^T for one 3x3 kernel g, in double precision (u is alpha x alpha, row-major).
static void wino_weight(int m, const float *g, double *u) {
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

void chex_wino_pack_weights(const chex_conv_shape *s, int m, const float *w, float *packed) {
  const long cin = s->in_channels, blocks = (s->out_channels + OC - 1) / OC;
  const int products = (m + 2) * (m + 2);
  for (long o = 0; o < blocks * OC; o++) {
    for (long c = 0; c < cin; c++) {
      double u[36] = {0};
      if (o < s->out_channels) wino_weight(m, w + (o * cin + c) * 9, u);
      for (int xi = 0; xi < products; xi++) {
        // Product xi: blocks of 32 output channels, each K = C rows of 32.
        packed[((xi * blocks + o / OC) * cin + c) * OC + o % OC] = (float)u[xi];
      }
    }
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
            tiles[npx](&gemm, weights, vx + p * cin, 1, 0, cin, 0, mx, c0, p, OC, block, NULL, ldm);
          } else {
            tiles[npx](&gemm, weights, vx + p, block, block, 1, 0, mx, c0, p, OC, block, NULL, ldm);
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
