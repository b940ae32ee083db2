// Shared by the direct kernel (conv_direct_avx512.c) and the Winograd one
// (conv_winograd_avx512.c), which runs its products through the direct kernel's register tiles.
// Private to CChexKernels: not part of the interface in include/.
#ifndef CHEX_CONV_DIRECT_INTERNAL_H
#define CHEX_CONV_DIRECT_INTERNAL_H

#include "chex_kernels.h"

#define OC 32  // output channels per register tile (two vectors)
#define PX 12  // output pixels per register tile

#if defined(__x86_64__)

// One register tile of npx output pixels (the table's index) x up to 32 output channels, over
// all K rows. Pixel r of the tile reads source + r step for K row 0 of input channel ci, tap
// (ky, kx) at + ci channel_stride + ky dilation_y row_stride + kx tap_x. ldy = 0: finish the
// tile with e (transpose, epilogue, NCHW rows of `plane`); ldy > 0: pixel p's channels c0.. at
// y + p ldy + c0, with e's epilogue (NHWC output) or, e NULL, as they are (the Winograd
// products).
typedef void (*direct_tile)(const chex_conv_shape *, const float *, const float *, long, long, long, long, float *,
                            long, long, long, long, const chex_conv_epilogue *, long);

// The tiles for 1 ... PX pixels (entry 0 is NULL), defined in conv_direct_avx512.c.
extern const direct_tile chex_direct_tiles[PX + 1];

#endif

#endif
