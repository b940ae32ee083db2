// chexstats' own convolution and pooling kernels for x86-64 with AVX-512 (written for this
// project): dense convolution by packed panels (conv_avx512.c, described first), by direct
// broadcast (conv_direct_avx512.c) and by Winograd (conv_winograd_avx512.c), depthwise
// convolution (depthwise_avx512.c) and pooling (pool_avx512.c).
//
// The packed-panel kernel: a dense 2-D convolution (group 1, NCHW activations) computed as a
// matrix product Y[C_out x pixels] = W[C_out x K] * P[K x pixels], K = C_in * kh * kw, without
// ever storing the patch matrix P: P is packed 48 output pixels at a time, at most KC rows at a
// time, into a panel that stays in the L1 cache while every block of 8 output channels passes
// over it (the register tile is 8 channels x 48 pixels: 24 zmm accumulators). Weights are
// packed once, at load time, 8 output channels interleaved per K row. Bias, a residual input, a
// per-input-channel scale/shift/ReLU applied while packing (a preceding BatchNormalization +
// ReLU) and the activation are applied in registers before the final store.
//
// In every dense kernel each output value is the sum over K in the same order (K ascending,
// fused multiply-adds), whatever range of pixels or channels a call covers: results do not
// depend on how a caller cuts the work across threads.
//
// Only ChexKernels (the Swift door to these kernels) includes this header.
#ifndef CHEX_KERNELS_H
#define CHEX_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The fixed geometry of one dense convolution of one image.
typedef struct chex_conv_shape {
  long in_channels, height, width;
  long out_channels, kernel_h, kernel_w;
  long stride_y, stride_x, dilation_y, dilation_x;
  long pad_top, pad_left;
  long out_height, out_width;
  /// Layout of x (input) and of y and the residual (output) for the direct and Winograd
  /// kernels: 0 NCHW (channel planes), 1 NHWC (each pixel's channels together, rows of
  /// in_channels or out_channels floats). The packed-panel kernel takes NCHW only, and an NHWC
  /// input no prologue.
  int input_nhwc, output_nhwc;
} chex_conv_shape;

/// Activations the epilogue applies (after bias and residual).
enum chex_activation {
  CHEX_ACT_CLAMP = 0,  ///< min(max(v, lo), hi): identity with +-infinity, ReLU, ReLU6.
  CHEX_ACT_SIGMOID = 1,
  CHEX_ACT_SILU = 2,  ///< v * sigmoid(v)
  CHEX_ACT_HARD_SIGMOID = 3,  ///< max(0, min(1, alpha v + beta))
  CHEX_ACT_HARD_SWISH = 4,  ///< v * max(0, min(1, v / 6 + 1 / 2))
};

/// What is done to the inputs while packing and to the outputs before storing.
typedef struct chex_conv_epilogue {
  const float *bias;  ///< out_channels values, or NULL.
  const float *residual;  ///< Added before the activation; same layout as y; or NULL.
  int activation;  ///< A chex_activation.
  float p0, p1;  ///< lo, hi for CHEX_ACT_CLAMP; alpha, beta for CHEX_ACT_HARD_SIGMOID.
  const float *pre_scale;  ///< in_channels values: x' = x * pre_scale + pre_shift; or NULL.
  const float *pre_shift;
  int pre_relu;  ///< Nonzero: x' = max(x', 0). Padding stays 0 (it pads x', not x).
} chex_conv_epilogue;

/// Output channels per register tile: channel ranges passed to chex_conv_run start at a
/// multiple of this.
#define CHEX_CONV_CHANNEL_BLOCK 8

/// 1 when the CPU and OS run AVX-512F (the kernels below need it), else 0.
int chex_conv_available(void);

/// Floats of packed weights for `shape`.
long chex_conv_packed_count(const chex_conv_shape *shape);

/// Packs OIHW weights (out_channels x in_channels x kh x kw) for chex_conv_run.
void chex_conv_pack_weights(const chex_conv_shape *shape, const float *oihw, float *packed);

/// Floats of scratch one call of chex_conv_run needs.
long chex_conv_scratch_count(const chex_conv_shape *shape);

/// Computes output pixels [pixel_begin, pixel_end) (row-major over the output plane) of
/// output channels [channel_begin, channel_end) for one image: x is in_channels planes of
/// height x width, y is out_channels planes of out_height x out_width.
void chex_conv_run(const chex_conv_shape *shape, const float *packed, const float *x, float *y,
                   const chex_conv_epilogue *epilogue, long pixel_begin, long pixel_end,
                   long channel_begin, long channel_end, float *scratch);

// The direct variant (conv_direct_avx512.c): the register tile is 12 output pixels x 32
// output channels, lanes along the channels; each K row broadcasts the input values the 12
// pixels see straight from the activations (1x1 stride 1, "flat": pixels run across rows) or
// from a zero-padded copy of the input, so nothing is packed per call. Better than the packed
// kernel when the output has many channels and the input few rows of K per pixel to pack. It
// reads and writes NCHW or NHWC activations (chex_conv_shape's input_nhwc / output_nhwc; an
// NHWC input orders K by tap, then input channel, and is read in place by every 1x1
// convolution without padding); an NHWC tile stores each pixel's 32 channels as two vectors.

/// 1 when the convolution reads its input directly (1x1, stride 1, no padding).
int chex_direct_is_flat(const chex_conv_shape *shape);

/// Floats of packed weights for the direct kernel (32 output channels interleaved per K row).
long chex_direct_packed_count(const chex_conv_shape *shape);

/// Packs OIHW weights for chex_direct_run.
void chex_direct_pack_weights(const chex_conv_shape *shape, const float *oihw, float *packed);

/// Floats of the input copy shared by every chex_direct_run call of an image: a zero-padded
/// copy of x in x's layout, or 0 for 1x1 convolutions without padding (which read x itself, or
/// copy what they read into their scratch, see chex_direct_scratch_count).
long chex_direct_padded_count(const chex_conv_shape *shape, int has_prologue);

/// Units [unit_begin, unit_end) of that copy of x, applying the epilogue's prologue (scale,
/// shift, ReLU) to the values taken from x; padding stays 0. Does nothing when
/// chex_direct_padded_count is 0. A unit is an input channel (NCHW input) or a row of the
/// padded copy (NHWC input), see chex_direct_pad_units.
void chex_direct_pad_input(const chex_conv_shape *shape, const float *x, const chex_conv_epilogue *epilogue,
                           float *padded, long unit_begin, long unit_end);

/// The units chex_direct_pad_input splits its work into: in_channels (NCHW input) or the padded
/// copy's rows (NHWC input).
long chex_direct_pad_units(const chex_conv_shape *shape);

/// Floats of scratch one call of chex_direct_run needs: for 1x1 convolutions without padding
/// that are strided or have a prologue, a strip of the input values its output pixels see
/// (prologue applied), copied a few hundred pixels at a time so it stays in L2; else 0.
long chex_direct_scratch_count(const chex_conv_shape *shape, int has_prologue);

/// Output pixels [pixel_begin, pixel_end) of output channels [channel_begin, channel_end)
/// (lower bound a multiple of 32) for one image; `source` is the padded copy when there is
/// one, else x. Uses the epilogue's bias, residual and activation, and its prologue where the
/// call copies its input into `scratch` (the padded copy has it applied already).
void chex_direct_run(const chex_conv_shape *shape, const float *packed, const float *source, float *y,
                     const chex_conv_epilogue *epilogue, long pixel_begin, long pixel_end,
                     long channel_begin, long channel_end, float *scratch);

struct chex_pool_shape;  // below, with the pooling kernel

/// Floats of scratch one call of chex_direct_run_max_pooled needs: a band of 2 band_rows + 1
/// output rows of every output channel.
long chex_direct_pooled_scratch_count(const chex_conv_shape *shape, long band_rows);

/// The convolution followed by the max pooling `pool` (chex_pool_is_max3s2; its planes are the
/// convolution's output planes): rows [row_begin, row_end) of the pooled output of channels
/// [channel_begin, channel_end) (lower bound a multiple of 32), written to y (channel planes of
/// pool->out_height x pool->out_width). The convolution's output rows are computed band_rows
/// pooled rows at a time into `scratch` (the row two bands share is kept, not recomputed) and
/// pooled from there, so the full-size convolution output is never stored: ResNet's and
/// DenseNet's stems write 6.5 MB and read it back otherwise. The values are those of
/// chex_direct_run followed by chex_pool_run. Not for convolutions that copy their input per
/// call (chex_direct_scratch_count > 0); no residual.
void chex_direct_run_max_pooled(const chex_conv_shape *shape, const float *packed, const float *source,
                                const chex_conv_epilogue *epilogue, const struct chex_pool_shape *pool, float *y,
                                long row_begin, long row_end, long channel_begin, long channel_end,
                                long band_rows, float *scratch);

// Winograd F(m x m, 3x3), m = 2 or 4 (conv_winograd_avx512.c): 3x3 stride-1 convolutions padded
// by one on every side, in m x m output tiles; (m + 2)^2 products of transformed weights and
// transformed input tiles by the direct kernel's register tiles, 2.25x (m = 2) or 4x (m = 4)
// fewer multiply-adds. Bias, residual and activation are applied in the output transform; no
// prologue.

/// 1 when the shape is one chex_wino_run takes.
int chex_wino_applies(const chex_conv_shape *shape);

/// Output tiles of one image: ceil(out_height / m) x ceil(out_width / m).
long chex_wino_tile_count(const chex_conv_shape *shape, int m);

/// Floats of transformed, packed weights ((m + 2)^2 matrices of C_out x C_in, 32 output
/// channels interleaved per row of C_in).
long chex_wino_packed_count(const chex_conv_shape *shape, int m);

/// Transforms (G g G^T, in double precision) and packs OIHW weights for chex_wino_run.
void chex_wino_pack_weights(const chex_conv_shape *shape, int m, const float *oihw, float *packed);

/// Floats of scratch one call of chex_wino_run needs.
long chex_wino_scratch_count(const chex_conv_shape *shape, int m);

/// Output tiles [tile_begin, tile_end) (m x m blocks of output pixels, row-major over
/// ceil(out_height / m) x ceil(out_width / m)) of output channels [channel_begin, channel_end)
/// (lower bound a multiple of 32) for one image. Every call transforms its tiles' whole input.
void chex_wino_run(const chex_conv_shape *shape, int m, const float *packed, const float *x, float *y,
                   const chex_conv_epilogue *epilogue, long tile_begin, long tile_end, long channel_begin,
                   long channel_end, float *scratch);

/// The fixed geometry of one depthwise convolution (group = in = out channels) of one image.
typedef struct chex_depthwise_shape {
  long channels, height, width;
  long kernel_h, kernel_w, stride_y, stride_x;
  long pad_top, pad_left;
  long out_height, out_width;
  /// Layout of x, and of y and the residual: 0 NCHW, 1 NHWC (rows of `channels` floats per
  /// pixel). NHWC only for the channels-last path (chex_depthwise_channels_last_applies).
  int input_nhwc, output_nhwc;
} chex_depthwise_shape;

/// The widest depthwise kernel chex_depthwise_run takes.
#define CHEX_DEPTHWISE_MAX_KERNEL 16

/// 1 when chex_depthwise_run can take the shape channels last: the zero-padded input plane
/// ((out_height - 1) stride_y + kh) x ((out_width - 1) stride_x + kw) has at most 1024 pixels.
int chex_depthwise_channels_last_applies(const chex_depthwise_shape *shape);

/// Channels [channel_begin, channel_end) of a depthwise convolution of one image, strides 1
/// or 2 (weights: channels x kh x kw), then bias, residual and the activation in registers.
/// Uses epilogue->bias, ->residual and the activation; the prologue is ignored.
/// - channels_last 0: 16 output pixels of a row at a time take kh kw fused multiply-adds of
///   shifted input rows (whole row chunks and lane shifts for 3x3 and 5x5, else masked loads
///   that leave the padding at zero; stride 2: even/odd lane permutes).
/// - channels_last 1 (small planes, see chex_depthwise_channels_last_applies): blocks of 16
///   channels are transposed to a zero-padded pixels x 16 layout, each output pixel is kh kw
///   multiply-adds of whole vectors, and the block is transposed back.
void chex_depthwise_run(const chex_depthwise_shape *shape, const float *weights, const float *x,
                        float *y, const chex_conv_epilogue *epilogue, long channel_begin,
                        long channel_end, int channels_last);

/// Pooling modes.
enum chex_pool_mode {
  CHEX_POOL_MAX = 0,
  CHEX_POOL_AVERAGE = 1,  ///< divides by the input values in the window (count_include_pad 0)
  CHEX_POOL_AVERAGE_INCLUDE_PAD = 2,  ///< by the window clipped to the padded input
};

/// Max or average pooling of `planes` planes (N x C) over 2-D windows.
typedef struct chex_pool_shape {
  long planes, height, width, out_height, out_width;
  long kernel_h, kernel_w, stride_y, stride_x, dilation_y, dilation_x;
  long pad_top, pad_left, pad_bottom, pad_right;
  int mode;  ///< A chex_pool_mode.
} chex_pool_shape;

/// 1 when the shape is the stems' max pooling: 3x3, stride 2, padding 0 or 1 on every side, no
/// dilation, no ceil mode (the case chex_direct_run_max_pooled fuses into a convolution).
int chex_pool_is_max3s2(const chex_pool_shape *shape);

/// 1 when chex_pool_run takes this shape (stride_x 1 or 2, kernel_w <= 16).
int chex_pool_supported(const chex_pool_shape *shape);

/// Planes [plane_begin, plane_end): 16 output pixels of a row at a time, each kernel tap one
/// (stride 2: two) masked loads, the lanes outside the input -infinity (max) or 0 (average);
/// the average's divisor per lane from the taps' column counts and the window's rows.
void chex_pool_run(const chex_pool_shape *shape, const float *x, float *y, long plane_begin, long plane_end);

#ifdef __cplusplus
}
#endif

#endif
