// Dense convolution as a packed matrix product with AVX-512 (see include/chex_kernels.h).
//
// Loop nest for one call (pixels [p_begin, p_end), channel blocks [m_begin, m_end)):
//   for each panel of up to 48 output pixels
//     for each block of up to KC rows of K (input channel, ky, kx)
//       pack P[k-block, panel] into scratch (implicit im2col, zero padding, optional prologue)
//       for each block of 8 output channels
//         8 x 48 register tile += W[block, k-block] * P[k-block, panel]
//         (first k-block starts from 0, later ones from the stored partial sums; the last one
//          adds bias and residual, applies the activation and stores)
// The panel (KC x 48 floats = 24 KB) stays in L1; the weights of one k-block stream from L2.
#include "chex_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <string.h>

#include "activation_avx512.h"

#define MR 8
#define NR 48
#define KC 128
#define NC (4 * NR)
// Input channels ahead that packing prefetches (the hardware prefetcher loses track of the
// hundreds of plane-strided rows a 1x1 convolution reads).
#define PREFETCH 8
#define ISA CHEX_ISA

int chex_conv_available(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

long chex_conv_packed_count(const chex_conv_shape *s) {
  long blocks = (s->out_channels + MR - 1) / MR;
  return blocks * chex_conv_depth(s) * MR;
}

long chex_conv_scratch_count(const chex_conv_shape *s) {
  (void)s;
  return (long)KC * NC + 64;
}

void chex_conv_pack_weights(const chex_conv_shape *s, const float *w, float *packed) {
  long depth = chex_conv_depth(s);
  long blocks = (s->out_channels + MR - 1) / MR;
  for (long b = 0; b < blocks; b++) {
    float *block = packed + b * depth * MR;
    for (long k = 0; k < depth; k++) {
      for (long r = 0; r < MR; r++) {
        long o = b * MR + r;
        block[k * MR + r] = o < s->out_channels ? w[o * depth + k] : 0.0f;
      }
    }
  }
}

#if defined(__x86_64__)

// Full vectors go through plain loads and stores (masked ones cost more on some cores).
static inline ISA __m512 load_lanes(const float *p, __mmask16 mask) {
  return mask == 0xFFFF ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(mask, p);
}

static inline ISA void store_lanes(float *p, __mmask16 mask, __m512 v) {
  if (mask == 0xFFFF) {
    _mm512_storeu_ps(p, v);
  } else {
    _mm512_mask_storeu_ps(p, mask, v);
  }
}

// Prefetch number j of a tile's epilogue: line j % 3 of the next panel in output row j / 3 (and
// in the residual's).
static inline ISA void prefetch_next(const float *c, const float *residual, long ldc, long j) {
  _mm_prefetch((const char *)(c + (j / 3) * ldc + NR + 16 * (j % 3)), _MM_HINT_T0);
  if (residual) _mm_prefetch((const char *)(residual + (j / 3) * ldc + NR + 16 * (j % 3)), _MM_HINT_T0);
}

// The register tile: rows x (16 NV) outputs at c (row stride ldc), K rows [0, kc) of the
// packed weights a (8 per K row) and the panel b (16 NV per K row). `first`: start from 0
// instead of the stored partial sums; `last`: finish (bias, residual, activation).
#define DEFINE_TILE(NV, NAME, LOAD_B)                                                            \
  static ISA void NAME(long kc, const float *restrict a, const float *restrict b, long ldb, float *c, \
                            long ldc, long rows, long columns, int first, int last,                \
                            const float *bias, const float *residual,                              \
                            const chex_conv_epilogue *e, const float *next_b) {                    \
    __m512 acc[MR][NV];                                                                          \
    __mmask16 mask[NV];                                                                          \
    for (int v = 0; v < NV; v++) mask[v] = chex_lanes(columns - 16 * v);                             \
    if (first) {                                                                                 \
      for (int r = 0; r < MR; r++)                                                               \
        for (int v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_ps();                            \
    } else {                                                                                     \
      for (int r = 0; r < MR; r++)                                                               \
        for (int v = 0; v < NV; v++)                                                             \
          acc[r][v] = r < rows ? load_lanes(c + r * ldc + 16 * v, mask[v]) : _mm512_setzero_ps(); \
    }                                                                                            \
    /* The next panel's output and residual lines (hundreds of plane-strided rows are more */  \
    /* than the hardware prefetcher follows), one of each per K row: issued together, they  */  \
    /* fill the core's queue of outstanding misses and stall it (the residual add cost 0.35  */  \
    /* ms of 1.4 on a 64->256 layer at 80x80 with a burst, 0.05 spread out). */                \
    const long prefetches = last ? rows * 3 : 0;                                                 \
    for (long k = 0; k < kc; k++) {                                                              \
      if (k < prefetches) prefetch_next(c, residual, ldc, k);                                    \
      if (next_b) {                                                                              \
        for (int v = 0; v < 3; v++) _mm_prefetch((const char *)(next_b + k * ldb + 16 * v), _MM_HINT_T0); \
      }                                                                                          \
      __m512 bv[NV];                                                                             \
      for (int v = 0; v < NV; v++) bv[v] = LOAD_B(b + k * ldb + 16 * v, mask[v]);                  \
      for (int r = 0; r < MR; r++) {                                                             \
        __m512 ar = _mm512_set1_ps(a[k * MR + r]);                                               \
        for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(ar, bv[v], acc[r][v]);          \
      }                                                                                          \
    }                                                                                            \
    for (long k = kc; k < prefetches; k++) prefetch_next(c, residual, ldc, k);                   \
    for (int r = 0; r < MR; r++) {                                                               \
      if (r >= rows) break;                                                                      \
      for (int v = 0; v < NV; v++) {                                                             \
        __m512 out = acc[r][v];                                                                  \
        if (last) {                                                                              \
          if (bias) out = _mm512_add_ps(out, _mm512_set1_ps(bias[r]));                           \
          if (residual)                                                                          \
            out = _mm512_add_ps(out, load_lanes(residual + r * ldc + 16 * v, mask[v]));          \
          out = chex_activate(out, e);                                                                \
        }                                                                                        \
        store_lanes(c + r * ldc + 16 * v, mask[v], out);                                         \
      }                                                                                          \
    }                                                                                            \
  }

// B rows from the packed panel (padded to whole vectors), or straight from the activations of a
// 1x1 stride-1 convolution, where the lanes past the panel's columns are not read.
#define LOAD_PANEL(p, m) _mm512_loadu_ps(p)
#define LOAD_MASKED(p, m) _mm512_maskz_loadu_ps(m, p)
DEFINE_TILE(1, tile_1, LOAD_PANEL)
DEFINE_TILE(2, tile_2, LOAD_PANEL)
DEFINE_TILE(3, tile_3, LOAD_PANEL)
DEFINE_TILE(1, tile_1_masked, LOAD_MASKED)
DEFINE_TILE(2, tile_2_masked, LOAD_MASKED)
DEFINE_TILE(3, tile_3_masked, LOAD_MASKED)

// A run of panel columns that lie on one output row.
typedef struct {
  long oy, ox, count, offset;
} segment;

// One panel of up to NR output pixels: its columns, its row stride in the packed block (a
// multiple of 16) and its runs of pixels on one output row.
typedef struct {
  long columns, width;
  int nsegments;
  segment segments[NR];
} panel_layout;

// Packs K rows [k0, k0 + kc) of the patch matrix for `panels` consecutive panels, panel j at
// b + j KC NR with its own row stride. Row by row across the panels, so each input row is read
// in one long run. Taps in the padding are 0; in-bounds values go through the prologue when
// there is one.
static ISA void pack_block(const chex_conv_shape *s, const float *x, const chex_conv_epilogue *e,
                           const panel_layout *layout, long panels, long k0, long kc, float *b) {
  const long kh = s->kernel_h, kw = s->kernel_w, plane = s->height * s->width;
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i step = _mm512_mullo_epi32(lane, _mm512_set1_epi32((int)s->stride_x));
  long ci = k0 / (kh * kw), ky = (k0 / kw) % kh, kx = k0 % kw;
  for (long k = 0; k < kc; k++) {
    const float *source = x + ci * plane;
    __m512 scale = _mm512_set1_ps(e->pre_scale ? e->pre_scale[ci] : 1.0f);
    __m512 shift = _mm512_set1_ps(e->pre_scale ? e->pre_shift[ci] : 0.0f);
    for (long j = 0; j < panels; j++) {
    float *row = b + j * KC * NR + k * layout[j].width;
    for (int g = 0; g < layout[j].nsegments; g++) {
      const segment *sg = &layout[j].segments[g];
      long iy = sg->oy * s->stride_y + ky * s->dilation_y - s->pad_top;
      long ix0 = sg->ox * s->stride_x + kx * s->dilation_x - s->pad_left;
      int inside = iy >= 0 && iy < s->height;
      // Columns t of the segment whose tap is inside the row: 0 <= ix0 + t * stride < width.
      long lo = ix0 >= 0 ? 0 : (-ix0 + s->stride_x - 1) / s->stride_x;
      long hi = s->width - 1 - ix0 < 0 ? 0 : (s->width - 1 - ix0) / s->stride_x + 1;
      if (hi > sg->count) hi = sg->count;
      const float *line = source + iy * s->width + ix0;
      for (long t = 0; t < sg->count; t += 16) {
        __mmask16 store = chex_lanes(sg->count - t);
        __mmask16 valid = 0;
        if (inside && hi > lo) valid = (__mmask16)(chex_lanes(hi - t) & ~chex_lanes(lo - t)) & store;
        if (ci + PREFETCH < s->in_channels && valid)
          _mm_prefetch((const char *)(line + t * s->stride_x + PREFETCH * plane), _MM_HINT_T0);
        __m512 v;
        if (s->stride_x == 1) {
          v = _mm512_maskz_loadu_ps(valid, line + t);
        } else {
          __m512i index = _mm512_add_epi32(step, _mm512_set1_epi32((int)(t * s->stride_x)));
          v = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), valid, index, line, 4);
        }
        if (e->pre_scale) {
          v = _mm512_fmadd_ps(v, scale, shift);
          if (e->pre_relu) v = _mm512_max_ps(v, _mm512_setzero_ps());
          v = _mm512_maskz_mov_ps(valid, v);
        }
        _mm512_mask_storeu_ps(row + sg->offset + t, store, v);
      }
    }
    }
    if (++kx == kw) {
      kx = 0;
      if (++ky == kh) {
        ky = 0;
        ci++;
      }
    }
  }
}

// Whether the patch matrix of this call is the input itself (1x1, stride 1, no padding, no
// prologue): its rows are the input channels' planes, read in place instead of packed.
static int reads_in_place(const chex_conv_shape *s, const chex_conv_epilogue *e) {
  return s->kernel_h == 1 && s->kernel_w == 1 && s->stride_y == 1 && s->stride_x == 1 && s->pad_top == 0 &&
         s->pad_left == 0 && s->out_height == s->height && s->out_width == s->width && !e->pre_scale;
}

static ISA void run_avx512(const chex_conv_shape *s, const float *packed, const float *x, float *y,
                           const chex_conv_epilogue *e, long p_begin, long p_end, long c_begin,
                           long c_end, float *scratch) {
  const long depth = chex_conv_depth(s), out_plane = s->out_height * s->out_width;
  const int in_place = reads_in_place(s, e);
  for (long q0 = p_begin; q0 < p_end; q0 += NC) {
    long block = p_end - q0 < NC ? p_end - q0 : NC;
    long panels = (block + NR - 1) / NR;
    panel_layout layout[NC / NR];
    for (long j = 0; j < panels; j++) {
      panel_layout *l = &layout[j];
      long p0 = q0 + j * NR;
      l->columns = q0 + block - p0 < NR ? q0 + block - p0 : NR;
      l->width = 16 * ((l->columns + 15) / 16);
      l->nsegments = 0;
      for (long p = p0; p < p0 + l->columns;) {
        long oy = p / s->out_width, ox = p % s->out_width;
        long count = s->out_width - ox;
        if (count > p0 + l->columns - p) count = p0 + l->columns - p;
        l->segments[l->nsegments++] = (segment){oy, ox, count, p - p0};
        p += count;
      }
      // Columns beyond the panel stay 0 (computed, never stored).
      float *b = scratch + j * KC * NR;
      if (!in_place && l->columns < l->width) {
        for (long k = 0; k < KC; k++) memset(b + k * l->width + l->columns, 0, (l->width - l->columns) * sizeof(float));
      }
    }
    for (long k0 = 0; k0 < depth; k0 += KC) {
      long kc = depth - k0 < KC ? depth - k0 : KC;
      if (!in_place) pack_block(s, x, e, layout, panels, k0, kc, scratch);
      int first = k0 == 0, last = k0 + kc == depth;
      for (long j = 0; j < panels; j++) {
        const panel_layout *l = &layout[j];
        long p0 = q0 + j * NR;
        const float *b = in_place ? x + k0 * out_plane + p0 : scratch + j * KC * NR;
        const long ldb = in_place ? out_plane : l->width;
        const int masked = in_place && l->columns < l->width;
        for (long c0 = c_begin; c0 < c_end; c0 += MR) {
          long rows = c_end - c0 < MR ? c_end - c0 : MR;
          const float *a = packed + (c0 / MR) * depth * MR + k0 * MR;
          float *c = y + c0 * out_plane + p0;
          const float *bias = e->bias ? e->bias + c0 : NULL;
          const float *residual = e->residual ? e->residual + c0 * out_plane + p0 : NULL;
          // Read in place: the first tile prefetches the next panel's lines of these K rows (one
          // stream per input channel: more than the hardware prefetcher follows), three per row.
          const float *next_b = in_place && c0 == c_begin ? b + NR : NULL;
          switch (l->width / 16 + (masked ? 3 : 0)) {
          case 3: tile_3(kc, a, b, ldb, c, out_plane, rows, l->columns, first, last, bias, residual, e, next_b); break;
          case 2: tile_2(kc, a, b, ldb, c, out_plane, rows, l->columns, first, last, bias, residual, e, next_b); break;
          case 1: tile_1(kc, a, b, ldb, c, out_plane, rows, l->columns, first, last, bias, residual, e, next_b); break;
          case 6:
            tile_3_masked(kc, a, b, ldb, c, out_plane, rows, l->columns, first, last, bias, residual, e, next_b);
            break;
          case 5:
            tile_2_masked(kc, a, b, ldb, c, out_plane, rows, l->columns, first, last, bias, residual, e, next_b);
            break;
          default:
            tile_1_masked(kc, a, b, ldb, c, out_plane, rows, l->columns, first, last, bias, residual, e, next_b);
            break;
          }
        }
      }
    }
  }
}

#endif

void chex_conv_run(const chex_conv_shape *s, const float *packed, const float *x, float *y,
                   const chex_conv_epilogue *e, long p_begin, long p_end, long c_begin, long c_end,
                   float *scratch) {
#if defined(__x86_64__)
  run_avx512(s, packed, x, y, e, p_begin, p_end, c_begin, c_end, scratch);
#else
  (void)s; (void)packed; (void)x; (void)y; (void)e; (void)p_begin; (void)p_end; (void)c_begin;
  (void)c_end; (void)scratch;
#endif
}
