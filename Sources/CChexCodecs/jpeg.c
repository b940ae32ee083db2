// libjpeg behind setjmp: see include/chex_codecs.h.
#include "chex_codecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

struct chex_jpeg_decoder {
  struct jpeg_decompress_struct info;
  struct jpeg_error_mgr errors;
  struct jpeg_progress_mgr progress;
  int max_scans;
  jmp_buf jump;
  chex_codec_status status;
  int created;
  int finishing;
  char message[CHEX_CODEC_MESSAGE_LENGTH];
};

// The decoder that owns `common` (client_data is set to it at creation).
static chex_jpeg_decoder *owner(j_common_ptr common) { return (chex_jpeg_decoder *)common->client_data; }

// Keeps libjpeg's message for the current msg_code and jumps back to the setjmp of the call.
static void stop(j_common_ptr common, chex_codec_status status) {
  chex_jpeg_decoder *decoder = owner(common);
  char text[JMSG_LENGTH_MAX];
  text[0] = 0;
  (*common->err->format_message)(common, text);
  snprintf(decoder->message, sizeof decoder->message, "%s", text);
  decoder->status = status;
  longjmp(decoder->jump, 1);
}

// libjpeg's error_exit: never returns to libjpeg.
static void error_exit(j_common_ptr common) {
  switch (common->err->msg_code) {
    case JERR_SOF_UNSUPPORTED:
    case JERR_BAD_PRECISION:
    case JERR_NOT_COMPILED:
    case JERR_CONVERSION_NOTIMPL:
      stop(common, CHEX_CODEC_UNSUPPORTED);
      break;
    case JERR_OUT_OF_MEMORY:
    case JERR_NO_BACKING_STORE:
      stop(common, CHEX_CODEC_NO_MEMORY);
      break;
    case JERR_INPUT_EMPTY:
    case JERR_INPUT_EOF:
      stop(common, CHEX_CODEC_TRUNCATED);
      break;
    default:
      stop(common, CHEX_CODEC_CORRUPT);
  }
}

// libjpeg's emit_message: level -1 is a warning, 0 and above trace output (dropped). The
// warnings that mean pixels were replaced by padding become errors; the others (extraneous bytes
// between markers, odd progression parameters, unknown Adobe transform) are ignored, as Pillow
// does, because the pixels are still those of the file.
static void emit_message(j_common_ptr common, int level) {
  if (level >= 0) return;
  chex_jpeg_decoder *decoder = owner(common);
  switch (common->err->msg_code) {
    case JWRN_JPEG_EOF:
      // After the last scanline only markers are left to read: a missing EOI loses nothing.
      if (!decoder->finishing) stop(common, CHEX_CODEC_TRUNCATED);
      break;
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_MUST_RESYNC:
      stop(common, CHEX_CODEC_CORRUPT);
      break;
    default:
      common->err->num_warnings++;
  }
}

// libjpeg's progress monitor, called for every row of MCUs it reads: bounds the scan count.
static void progress_monitor(j_common_ptr common) {
  if (!common->is_decompressor) return;
  chex_jpeg_decoder *decoder = owner(common);
  j_decompress_ptr info = (j_decompress_ptr)common;
  if (info->input_scan_number > decoder->max_scans) {
    snprintf(decoder->message, sizeof decoder->message, "it has more than %d scans, the limit", decoder->max_scans);
    decoder->status = CHEX_CODEC_LIMIT;
    longjmp(decoder->jump, 1);
  }
}

// libjpeg's output_message is only called by the default emit_message, replaced above.
static void output_message(j_common_ptr common) { (void)common; }

chex_jpeg_decoder *chex_jpeg_create(size_t max_memory, int max_scans) {
  chex_jpeg_decoder *decoder = calloc(1, sizeof *decoder);
  if (decoder == NULL) return NULL;
  decoder->info.err = jpeg_std_error(&decoder->errors);
  decoder->errors.error_exit = error_exit;
  decoder->errors.emit_message = emit_message;
  decoder->errors.output_message = output_message;
  decoder->info.client_data = decoder;
  if (setjmp(decoder->jump)) {
    // jpeg_create_decompress failed (out of memory); nothing to destroy but the decoder.
    free(decoder);
    return NULL;
  }
  jpeg_create_decompress(&decoder->info);
  decoder->info.client_data = decoder;
  decoder->created = 1;
  if (max_memory > 0) decoder->info.mem->max_memory_to_use = (long)max_memory;
  decoder->max_scans = max_scans;
  decoder->progress.progress_monitor = progress_monitor;
  decoder->info.progress = &decoder->progress;
  return decoder;
}

static chex_jpeg_color color_of(J_COLOR_SPACE space) {
  switch (space) {
    case JCS_GRAYSCALE: return CHEX_JPEG_COLOR_GRAY;
    case JCS_YCbCr: return CHEX_JPEG_COLOR_YCBCR;
    case JCS_RGB: return CHEX_JPEG_COLOR_RGB;
    case JCS_CMYK: return CHEX_JPEG_COLOR_CMYK;
    case JCS_YCCK: return CHEX_JPEG_COLOR_YCCK;
    default: return CHEX_JPEG_COLOR_OTHER;
  }
}

chex_codec_status chex_jpeg_read_header(
    chex_jpeg_decoder *decoder, const uint8_t *data, size_t size, chex_jpeg_header *header) {
  if (setjmp(decoder->jump)) return decoder->status;
  jpeg_mem_src(&decoder->info, data, (unsigned long)size);
  jpeg_read_header(&decoder->info, TRUE);
  header->width = decoder->info.image_width;
  header->height = decoder->info.image_height;
  header->components = decoder->info.num_components;
  header->color = color_of(decoder->info.jpeg_color_space);
  header->precision = decoder->info.data_precision;
  header->progressive = decoder->info.progressive_mode ? 1 : 0;
  header->arithmetic = decoder->info.arith_code ? 1 : 0;
  return CHEX_CODEC_OK;
}

chex_codec_status chex_jpeg_decode(
    chex_jpeg_decoder *decoder, int gray, uint8_t *pixels, size_t row_bytes) {
  if (setjmp(decoder->jump)) return decoder->status;
  struct jpeg_decompress_struct *info = &decoder->info;
  info->out_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
  info->dct_method = JDCT_ISLOW;
  info->do_fancy_upsampling = TRUE;
  info->scale_num = 1;
  info->scale_denom = 1;
  jpeg_start_decompress(info);
  if (info->output_width != info->image_width || info->output_height != info->image_height ||
      info->output_components != (gray ? 1 : 3) ||
      (size_t)info->output_width * (size_t)info->output_components > row_bytes) {
    snprintf(decoder->message, sizeof decoder->message, "libjpeg's output is not the image's shape");
    return CHEX_CODEC_CORRUPT;
  }
  while (info->output_scanline < info->output_height) {
    JSAMPROW rows[16];
    JDIMENSION count = info->output_height - info->output_scanline;
    if (count > 16) count = 16;
    for (JDIMENSION i = 0; i < count; i++) {
      rows[i] = pixels + (size_t)(info->output_scanline + i) * row_bytes;
    }
    if (jpeg_read_scanlines(info, rows, count) == 0) {
      // Only a suspending data source returns no rows; jpeg_mem_src never suspends.
      snprintf(decoder->message, sizeof decoder->message, "libjpeg returned no scanlines");
      return CHEX_CODEC_CORRUPT;
    }
  }
  decoder->finishing = 1;
  jpeg_finish_decompress(info);
  return CHEX_CODEC_OK;
}

const char *chex_jpeg_message(const chex_jpeg_decoder *decoder) { return decoder->message; }

void chex_jpeg_destroy(chex_jpeg_decoder *decoder) {
  if (decoder == NULL) return;
  if (decoder->created) jpeg_destroy_decompress(&decoder->info);
  free(decoder);
}
