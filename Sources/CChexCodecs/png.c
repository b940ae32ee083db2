// libpng behind setjmp: see include/chex_codecs.h.
#include "chex_codecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

struct chex_png_decoder {
  png_structp png;
  png_infop info;
  jmp_buf jump;
  chex_codec_status status;
  const uint8_t *data;
  size_t size;
  size_t offset;
  int ran_out;
  png_bytep *rows;
  uint32_t height;
  char message[CHEX_CODEC_MESSAGE_LENGTH];
};

// libpng's error callback: keeps the message and jumps back to the setjmp of the call.
static void error_callback(png_structp png, png_const_charp text) {
  chex_png_decoder *decoder = (chex_png_decoder *)png_get_error_ptr(png);
  snprintf(decoder->message, sizeof decoder->message, "%s", text ? text : "");
  if (decoder->ran_out) {
    decoder->status = CHEX_CODEC_TRUNCATED;
  } else if (text != NULL && strstr(text, "memory") != NULL) {
    decoder->status = CHEX_CODEC_NO_MEMORY;
  } else {
    decoder->status = CHEX_CODEC_CORRUPT;
  }
  longjmp(decoder->jump, 1);
}

// libpng's warnings (bad ancillary chunks, which libpng skips) do not change a pixel: ignored.
static void warning_callback(png_structp png, png_const_charp text) {
  (void)png;
  (void)text;
}

// Reads from the bytes in memory; asking past their end is the file's truncation.
static void read_callback(png_structp png, png_bytep out, size_t count) {
  chex_png_decoder *decoder = (chex_png_decoder *)png_get_io_ptr(png);
  if (count > decoder->size - decoder->offset) {
    decoder->ran_out = 1;
    png_error(png, "the data ends before the image is complete");
  }
  memcpy(out, decoder->data + decoder->offset, count);
  decoder->offset += count;
}

chex_png_decoder *chex_png_create(size_t max_chunk_bytes) {
  chex_png_decoder *decoder = calloc(1, sizeof *decoder);
  if (decoder == NULL) return NULL;
  decoder->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, decoder, error_callback, warning_callback);
  if (decoder->png == NULL) {
    free(decoder);
    return NULL;
  }
  if (setjmp(decoder->jump)) {
    png_destroy_read_struct(&decoder->png, NULL, NULL);
    free(decoder);
    return NULL;
  }
  decoder->info = png_create_info_struct(decoder->png);
  if (decoder->info == NULL) {
    png_destroy_read_struct(&decoder->png, NULL, NULL);
    free(decoder);
    return NULL;
  }
  // The PNG maximum (2^31 - 1) in both directions: the sizes are bounded in Swift, before
  // chex_png_prepare allocates anything for them.
  png_set_user_limits(decoder->png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
  png_set_chunk_malloc_max(decoder->png, max_chunk_bytes);
  png_set_read_fn(decoder->png, decoder, read_callback);
  return decoder;
}

chex_codec_status chex_png_read_header(
    chex_png_decoder *decoder, const uint8_t *data, size_t size, chex_png_header *header) {
  if (setjmp(decoder->jump)) return decoder->status;
  png_structp png = decoder->png;
  png_infop info = decoder->info;
  decoder->data = data;
  decoder->size = size;
  decoder->offset = 0;
  png_read_info(png, info);
  header->width = png_get_image_width(png, info);
  header->height = png_get_image_height(png, info);
  header->bit_depth = png_get_bit_depth(png, info);
  header->color_type = png_get_color_type(png, info);
  header->interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
  header->has_transparency = png_get_valid(png, info, PNG_INFO_tRNS) ? 1 : 0;
  header->significant_gray_bits = 0;
  png_color_8p significant = NULL;
  if (png_get_sBIT(png, info, &significant) && significant != NULL &&
      (header->color_type & PNG_COLOR_MASK_COLOR) == 0) {
    header->significant_gray_bits = significant->gray;
  }
  return CHEX_CODEC_OK;
}

chex_codec_status chex_png_prepare(chex_png_decoder *decoder, chex_png_header *header) {
  if (setjmp(decoder->jump)) return decoder->status;
  png_structp png = decoder->png;
  png_infop info = decoder->info;

  if (header->color_type == PNG_COLOR_TYPE_PALETTE) {
    png_set_palette_to_rgb(png);
    if (header->has_transparency) png_set_tRNS_to_alpha(png);
  }
  if (header->color_type == PNG_COLOR_TYPE_GRAY && header->bit_depth < 8) {
    png_set_expand_gray_1_2_4_to_8(png);
  }
  if (header->bit_depth == 16) {
    const uint16_t probe = 1;
    if (*(const uint8_t *)&probe == 1) png_set_swap(png);
  }
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  header->channels = png_get_channels(png, info);
  header->output_bit_depth = png_get_bit_depth(png, info);
  header->row_bytes = png_get_rowbytes(png, info);
  return CHEX_CODEC_OK;
}

chex_codec_status chex_png_decode(chex_png_decoder *decoder, uint8_t *pixels, size_t row_bytes) {
  if (setjmp(decoder->jump)) return decoder->status;
  png_structp png = decoder->png;
  png_infop info = decoder->info;
  uint32_t height = png_get_image_height(png, info);
  if (png_get_rowbytes(png, info) > row_bytes) {
    snprintf(decoder->message, sizeof decoder->message, "libpng's rows are longer than the image's");
    return CHEX_CODEC_CORRUPT;
  }
  decoder->rows = malloc((size_t)height * sizeof(png_bytep));
  if (decoder->rows == NULL) {
    snprintf(decoder->message, sizeof decoder->message, "out of memory for the row table");
    return CHEX_CODEC_NO_MEMORY;
  }
  decoder->height = height;
  for (uint32_t row = 0; row < height; row++) decoder->rows[row] = pixels + (size_t)row * row_bytes;
  png_read_image(png, decoder->rows);
  png_read_end(png, NULL);
  return CHEX_CODEC_OK;
}

const char *chex_png_message(const chex_png_decoder *decoder) { return decoder->message; }

void chex_png_destroy(chex_png_decoder *decoder) {
  if (decoder == NULL) return;
  png_destroy_read_struct(&decoder->png, &decoder->info, NULL);
  free(decoder->rows);
  free(decoder);
}
