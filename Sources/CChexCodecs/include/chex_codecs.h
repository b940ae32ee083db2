// chexstats' thin C layer over libjpeg and libpng (written for this project).
//
// Both libraries report a fatal error by calling a function that must not return: libjpeg's
// `error_exit` (whose default calls exit(1)) and libpng's error callback (whose default
// longjmps to png_jmpbuf, or aborts). Swift cannot be jumped over, so every libjpeg and libpng
// call is made from C, here, after a setjmp: a fatal error jumps back to it and the function
// returns a status code, with the library's own message text kept in the decoder. Warnings are
// ignored, except those that mean pixels were lost (see chex_jpeg_decode).
//
// A decoder is used once: create, read the header, check it (sizes, colour space) in Swift,
// decode into a buffer Swift allocated, destroy. After a non-zero status only destroy may be
// called. The input bytes must stay valid from read_header to the end of decode.
//
// Only ChexImaging (Sources/ChexImaging/Decoding/Codecs.swift) includes this header.
#ifndef CHEX_CODECS_H
#define CHEX_CODECS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What a call returned.
typedef enum chex_codec_status {
  CHEX_CODEC_OK = 0,
  /// The data is invalid; the message is the library's.
  CHEX_CODEC_CORRUPT = 1,
  /// The data ended before the image was complete.
  CHEX_CODEC_TRUNCATED = 2,
  /// Valid data of a kind the library (as built) does not decode; the message says which.
  CHEX_CODEC_UNSUPPORTED = 3,
  /// The library could not allocate memory (or hit the memory bound it was given).
  CHEX_CODEC_NO_MEMORY = 4,
  /// The data goes beyond another bound the caller gave (the message says which).
  CHEX_CODEC_LIMIT = 5,
} chex_codec_status;

/// The longest message kept (libjpeg's JMSG_LENGTH_MAX is 200), with its terminating zero.
#define CHEX_CODEC_MESSAGE_LENGTH 256

// MARK: - JPEG

/// The colour space libjpeg reads from the file's markers (JFIF, Adobe), as `jpeg_color_space`.
typedef enum chex_jpeg_color {
  CHEX_JPEG_COLOR_OTHER = 0,
  CHEX_JPEG_COLOR_GRAY = 1,
  CHEX_JPEG_COLOR_YCBCR = 2,
  CHEX_JPEG_COLOR_RGB = 3,
  CHEX_JPEG_COLOR_CMYK = 4,
  CHEX_JPEG_COLOR_YCCK = 5,
} chex_jpeg_color;

/// What `jpeg_read_header` found.
typedef struct chex_jpeg_header {
  uint32_t width;
  uint32_t height;
  int components;
  chex_jpeg_color color;
  int precision;
  int progressive;
  int arithmetic;
} chex_jpeg_header;

typedef struct chex_jpeg_decoder chex_jpeg_decoder;

/// A decoder whose libjpeg memory manager allocates at most `max_memory` bytes (0: no bound) and
/// that stops (CHEX_CODEC_LIMIT) at a scan numbered above `max_scans`: each scan of a progressive
/// JPEG passes over the whole image, so a small file of many tiny scans could otherwise cost
/// minutes. Returns NULL when even the decoder cannot be allocated.
chex_jpeg_decoder *chex_jpeg_create(size_t max_memory, int max_scans);

/// Reads the markers up to the first scan (`jpeg_mem_src`, `jpeg_read_header`).
chex_codec_status chex_jpeg_read_header(
    chex_jpeg_decoder *decoder, const uint8_t *data, size_t size, chex_jpeg_header *header);

/// Decodes the whole image with the islow DCT and fancy upsampling (libjpeg's defaults, as
/// Pillow), to 8-bit gray (`gray` non-zero) or RGB, rows `row_bytes` apart in `pixels` (which
/// holds `height * row_bytes` bytes). The warnings "Premature end of JPEG file" (libjpeg then
/// pads with gray), "premature end of data segment", "bad Huffman code" and "found marker
/// instead of RST" mean lost pixels and are errors here; a missing EOI after the last scanline
/// is not.
chex_codec_status chex_jpeg_decode(
    chex_jpeg_decoder *decoder, int gray, uint8_t *pixels, size_t row_bytes);

/// The message of the last failure (empty when there was none).
const char *chex_jpeg_message(const chex_jpeg_decoder *decoder);

/// Frees the decoder and everything libjpeg allocated. NULL is allowed.
void chex_jpeg_destroy(chex_jpeg_decoder *decoder);

// MARK: - PNG

/// What the IHDR (and the sBIT and tRNS chunks) say (chex_png_read_header), and the layout after
/// the transformations chex_png_prepare asks for.
typedef struct chex_png_header {
  uint32_t width;
  uint32_t height;
  int bit_depth;
  /// PNG's colour type: 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA.
  int color_type;
  int interlaced;
  int has_transparency;
  /// The sBIT chunk's gray value (0 when there is no sBIT chunk or the image is not gray).
  int significant_gray_bits;
  /// After the transformations: samples per pixel, bits per sample (8 or 16), bytes per row.
  int channels;
  int output_bit_depth;
  size_t row_bytes;
} chex_png_header;

typedef struct chex_png_decoder chex_png_decoder;

/// A decoder whose ancillary chunks may hold at most `max_chunk_bytes` (libpng's
/// png_set_chunk_malloc_max; image size limits are Swift's, checked between read_header and
/// prepare). Returns NULL when the decoder cannot be allocated.
chex_png_decoder *chex_png_create(size_t max_chunk_bytes);

/// Reads the chunks up to the image data (png_read_info); allocates nothing for the image.
chex_codec_status chex_png_read_header(
    chex_png_decoder *decoder, const uint8_t *data, size_t size, chex_png_header *header);

/// Sets the transformations and fills the header's output fields: palette to RGB (RGBA when a
/// tRNS chunk is present), gray of 1, 2 or 4 bits scaled to 8 (x 255, 85, 17), 16-bit samples
/// in the host's byte order, Adam7 passes combined. tRNS of gray and RGB images is not applied
/// (as Pillow's L and RGB modes). Nothing else changes a sample: no gamma, no stripping.
/// libpng allocates its row buffers here (png_read_update_info).
chex_codec_status chex_png_prepare(chex_png_decoder *decoder, chex_png_header *header);

/// Decodes the image into `pixels` (`height * row_bytes` bytes, rows `row_bytes` apart) and
/// reads the chunks after it to IEND, checking their CRCs.
chex_codec_status chex_png_decode(chex_png_decoder *decoder, uint8_t *pixels, size_t row_bytes);

/// The message of the last failure (empty when there was none).
const char *chex_png_message(const chex_png_decoder *decoder);

/// Frees the decoder and everything libpng allocated. NULL is allowed.
void chex_png_destroy(chex_png_decoder *decoder);

#ifdef __cplusplus
}
#endif

#endif
