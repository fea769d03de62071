/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Photos and screenshots of JAHIS QR codes: codes this test renders itself
 * with libqrencode (the receipt's CP932 bytes) and cairo, at several module
 * sizes and rotations, as PNG and JPEG, several codes in one image and the
 * parts of one receipt in several images imported into a real store; a
 * photo-like image (scaled, blurred, noise added) decoded or refused
 * clearly; damaged, blank and oversized images refused with their reason. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <qrencode.h>

#include "techo-import.h"
#include "techo-jahis.h"
#include "techo-qr-image.h"
#include "techo-store.h"
#include "techo-test-util.h"

static const char *const part_lines[2][8] = {
  {
    "JAHISTC08,1",
    "1,手帳 花子,2,S500402,,,,,,,テチョウ ハナコ",
    "5,R080905,1",
    "11,みなと薬局,13,4,1234567,,,,1",
    "201,1,アムロジピン錠5mg,1,錠,4,2171022F1020,1,,,",
    "301,1,1日1回朝食後,28,日分,1,1,,1",
    "911,20260905000002,2,1",
    NULL,
  },
  {
    "JAHISTC08,1",
    "2,1,卵,1",
    "201,2,ロキソプロフェン錠60mg,1,錠,4,1149019F1560,1,,,",
    "301,2,頭痛時,10,回分,3,1,,1",
    "911,20260905000002,2,2",
    NULL,
  },
};

/* The bytes of part @n (0 or 1) as the pharmacy prints them: CP932. */
static GBytes *
part_bytes (guint n)
{
  g_autofree char *utf8 = g_strjoinv ("\r\n", (char **) part_lines[n]);
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  char *cp932 = g_convert (utf8, -1, "CP932", "UTF-8", NULL, &length, &error);

  g_assert_no_error (error);
  return g_bytes_new_take (cp932, length);
}

/* Draws @bytes as a QR code (level M, 8-bit mode) centred at (@cx, @cy),
 * @module pixels a module, turned by @degrees. */
static void
draw_code (cairo_t *cr,
           GBytes  *bytes,
           double   cx,
           double   cy,
           double   module,
           double   degrees)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  QRcode *code = QRcode_encodeData ((int) length, data, 0, QR_ECLEVEL_M);
  double side;

  g_assert_nonnull (code);
  side = (code->width + 8) * module;
  cairo_save (cr);
  cairo_translate (cr, cx, cy);
  cairo_rotate (cr, degrees * G_PI / 180);
  cairo_translate (cr, -side / 2, -side / 2);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, side, side);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      if (code->data[y * code->width + x] & 1)
        cairo_rectangle (cr, (x + 4) * module, (y + 4) * module, module, module);
  cairo_fill (cr);
  cairo_restore (cr);
  QRcode_free (code);
}

static cairo_surface_t *
canvas (int width,
        int height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 0.93, 0.93, 0.90);
  cairo_paint (cr);
  cairo_destroy (cr);
  return surface;
}

static cairo_status_t
append_cb (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
png_of (cairo_surface_t *surface)
{
  GByteArray *png = g_byte_array_new ();

  g_assert_cmpint (cairo_surface_write_to_png_stream (surface, append_cb, png), ==,
                   CAIRO_STATUS_SUCCESS);
  return g_byte_array_free_to_bytes (png);
}

static GBytes *
jpeg_of (cairo_surface_t *surface,
         int              quality)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *pixels;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  g_autofree char *quality_text = g_strdup_printf ("%d", quality);
  gchar *buffer = NULL;
  gsize size = 0;

  cairo_surface_flush (surface);
  pixels = cairo_image_surface_get_data (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 px = *(const guint32 *) (pixels + y * stride + x * 4);
        guint8 *out = gdk_pixbuf_get_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf) + x * 3;

        out[0] = (px >> 16) & 0xff;
        out[1] = (px >> 8) & 0xff;
        out[2] = px & 0xff;
      }
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", &error,
                                            "quality", quality_text, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

static GPtrArray *
decode_ok (GBytes *image)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (image, &length);
  g_autoptr(GError) error = NULL;
  GPtrArray *codes = techo_qr_image_decode (data, length, &error);

  g_assert_no_error (error);
  g_assert_nonnull (codes);
  return codes;
}

static gboolean
has_code (GPtrArray *codes,
          GBytes    *expected)
{
  for (guint i = 0; i < codes->len; i++)
    if (g_bytes_equal (g_ptr_array_index (codes, i), expected))
      return TRUE;
  return FALSE;
}

/* One code at module sizes 2–8 and turned by 0–180°, PNG and JPEG: the
 * bytes read back are the bytes drawn. */
static void
test_sizes_rotations (void)
{
  static const double modules[] = { 2, 3, 5, 8 };
  static const double angles[] = { 0, 12, 45, 90, 180 };
  g_autoptr(GBytes) text = part_bytes (0);
  guint n = 0;

  for (guint m = 0; m < G_N_ELEMENTS (modules); m++)
    for (guint a = 0; a < G_N_ELEMENTS (angles); a++)
      {
        int side = (int) (modules[m] * 80);
        cairo_surface_t *surface = canvas (side, side);
        cairo_t *cr = cairo_create (surface);
        g_autoptr(GBytes) png = NULL;
        g_autoptr(GPtrArray) codes = NULL;

        draw_code (cr, text, side / 2.0, side / 2.0, modules[m], angles[a]);
        cairo_destroy (cr);
        png = png_of (surface);
        codes = decode_ok (png);
        g_assert_cmpuint (codes->len, ==, 1);
        g_assert_true (has_code (codes, text));
        if (angles[a] == 0 || angles[a] == 45)
          {
            g_autoptr(GBytes) jpeg = jpeg_of (surface, 85);
            g_autoptr(GPtrArray) from_jpeg = decode_ok (jpeg);

            g_assert_true (has_code (from_jpeg, text));
          }
        cairo_surface_destroy (surface);
        n++;
      }
  g_test_message ("%u images decoded", n);
}

/* Two codes in one image: both read, and the bytes parse as the two parts
 * of one receipt. */
static void
test_two_codes (void)
{
  g_autoptr(GBytes) one = part_bytes (0);
  g_autoptr(GBytes) two = part_bytes (1);
  cairo_surface_t *surface = canvas (900, 480);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GPtrArray) codes = NULL;

  draw_code (cr, one, 225, 240, 4, 0);
  draw_code (cr, two, 675, 240, 4, -8);
  cairo_destroy (cr);
  png = png_of (surface);
  cairo_surface_destroy (surface);
  codes = decode_ok (png);
  g_assert_cmpuint (codes->len, ==, 2);
  g_assert_true (has_code (codes, one));
  g_assert_true (has_code (codes, two));
}

/* A photo of a receipt: the code small, turned, scaled down and up again
 * (blurred), noise added. zbar reads it or the refusal says why; never a
 * crash, never wrong bytes. */
static void
test_photo_like (void)
{
  g_autoptr(GBytes) text = part_bytes (0);
  guint n_read = 0, n_refused = 0;

  for (guint trial = 0; trial < 6; trial++)
    {
      double module = 2.0 + trial * 0.7;
      cairo_surface_t *sharp = canvas (600, 600);
      cairo_surface_t *small = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 300, 300);
      cairo_surface_t *photo = canvas (600, 600);
      cairo_t *cr = cairo_create (sharp);
      g_autoptr(GBytes) jpeg = NULL;
      g_autoptr(GPtrArray) codes = NULL;
      g_autoptr(GError) error = NULL;
      guint8 *pixels;
      int stride;
      gsize length;
      const guint8 *data;

      draw_code (cr, text, 300, 300, module, 7 + trial * 11);
      cairo_destroy (cr);
      /* Half size and back: a blur. */
      cr = cairo_create (small);
      cairo_scale (cr, 0.5, 0.5);
      cairo_set_source_surface (cr, sharp, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
      cairo_paint (cr);
      cairo_destroy (cr);
      cr = cairo_create (photo);
      cairo_scale (cr, 2, 2);
      cairo_set_source_surface (cr, small, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
      cairo_paint (cr);
      cairo_destroy (cr);
      /* Sensor noise. */
      cairo_surface_flush (photo);
      pixels = cairo_image_surface_get_data (photo);
      stride = cairo_image_surface_get_stride (photo);
      for (int y = 0; y < 600; y++)
        for (int x = 0; x < 600; x++)
          for (int c = 0; c < 3; c++)
            {
              guint8 *p = pixels + y * stride + x * 4 + c;
              int v = *p + g_test_rand_int_range (-25, 26);

              *p = (guint8) CLAMP (v, 0, 255);
            }
      cairo_surface_mark_dirty (photo);
      jpeg = jpeg_of (photo, 70);

      data = g_bytes_get_data (jpeg, &length);
      codes = techo_qr_image_decode (data, length, &error);
      if (codes != NULL)
        {
          g_assert_cmpuint (codes->len, ==, 1);
          g_assert_true (has_code (codes, text));
          n_read++;
        }
      else
        {
          g_assert_error (error, TECHO_QR_IMAGE_ERROR, TECHO_QR_IMAGE_ERROR_NO_CODE);
          g_assert_nonnull (strstr (error->message, "No QR code could be read"));
          n_refused++;
        }
      cairo_surface_destroy (sharp);
      cairo_surface_destroy (small);
      cairo_surface_destroy (photo);
    }
  g_test_message ("photo-like: %u read, %u refused", n_read, n_refused);
  /* The larger modules survive the blur: at least those are read. */
  g_assert_cmpuint (n_read, >=, 1);
}

static guint32
crc32_of (const guint8 *data,
          gsize         length)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }
  return ~crc;
}

static void
assert_refused (const guint8 *data,
                gsize         length,
                int           code,
                const char   *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = techo_qr_image_decode (data, length, &error);

  g_assert_null (codes);
  g_assert_error (error, TECHO_QR_IMAGE_ERROR, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", error->message, fragment);
}

static void
test_refused (void)
{
  cairo_surface_t *blank = canvas (300, 200);
  g_autoptr(GBytes) png = png_of (blank);
  g_autoptr(GBytes) jpeg = jpeg_of (blank, 90);
  gsize length;
  const guint8 *data = g_bytes_get_data (png, &length);
  guint8 huge[8 + 25 + 12] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 *ihdr = huge + 8;
  guint32 crc;

  /* No code at all. */
  assert_refused (data, length, TECHO_QR_IMAGE_ERROR_NO_CODE, "No QR code");
  data = g_bytes_get_data (jpeg, &length);
  assert_refused (data, length, TECHO_QR_IMAGE_ERROR_NO_CODE, "No QR code");
  /* Cut in half. */
  data = g_bytes_get_data (png, &length);
  assert_refused (data, 60, TECHO_QR_IMAGE_ERROR_DAMAGED, "damaged");
  data = g_bytes_get_data (jpeg, &length);
  assert_refused (data, 64, TECHO_QR_IMAGE_ERROR_DAMAGED, "damaged");
  /* Not an image. */
  assert_refused ((const guint8 *) "GIF89a", 6, TECHO_QR_IMAGE_ERROR_NOT_IMAGE, "PNG");

  /* A PNG that says it is 30000 × 30000: refused from its header. */
  ihdr[3] = 13;
  memcpy (ihdr + 4, "IHDR", 4);
  ihdr[8] = 0; ihdr[9] = 0; ihdr[10] = 0x75; ihdr[11] = 0x30;   /* width 30000 */
  ihdr[12] = 0; ihdr[13] = 0; ihdr[14] = 0x75; ihdr[15] = 0x30; /* height 30000 */
  ihdr[16] = 8; /* depth */
  ihdr[17] = 0; /* grey */
  crc = crc32_of (ihdr + 4, 17);
  ihdr[21] = crc >> 24; ihdr[22] = crc >> 16; ihdr[23] = crc >> 8; ihdr[24] = crc;
  /* An IEND so the loader gets to the end. */
  memcpy (huge + 33 + 4, "IEND", 4);
  crc = crc32_of (huge + 33 + 4, 4);
  huge[41] = crc >> 24; huge[42] = crc >> 16; huge[43] = crc >> 8; huge[44] = crc;
  assert_refused (huge, sizeof huge, TECHO_QR_IMAGE_ERROR_TOO_LARGE, "larger than");
  cairo_surface_destroy (blank);
}

static GBytes *
image_of_part (guint n)
{
  g_autoptr(GBytes) text = part_bytes (n);
  cairo_surface_t *surface = canvas (500, 500);
  cairo_t *cr = cairo_create (surface);
  GBytes *image;

  draw_code (cr, text, 250, 250, 4, 3);
  cairo_destroy (cr);
  image = n == 0 ? png_of (surface) : jpeg_of (surface, 90);
  cairo_surface_destroy (surface);
  return image;
}

/* Into a real store: a PNG with part 1 waits; a JPEG with part 2 finishes
 * the receipt: the medicines, their units, the allergy. */
static void
test_import_images (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-qr-image-XXXXXX", &error);
  g_autofree char *store_dir = g_build_filename (dir, "store", NULL);
  g_autofree char *png_path = g_build_filename (dir, "receipt-1.png", NULL);
  g_autofree char *jpeg_path = g_build_filename (dir, "receipt-2.jpg", NULL);
  g_autoptr(GBytes) png = image_of_part (0);
  g_autoptr(GBytes) jpeg = image_of_part (1);
  g_autoptr(TechoStore) store = techo_store_new (store_dir);
  g_autoptr(TechoImportResult) first = NULL;
  g_autoptr(TechoImportResult) second = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  g_assert_true (g_file_set_contents (png_path, g_bytes_get_data (png, NULL),
                                      g_bytes_get_size (png), NULL));
  g_assert_true (g_file_set_contents (jpeg_path, g_bytes_get_data (jpeg, NULL),
                                      g_bytes_get_size (jpeg), NULL));
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (techo_import_file_sync (store, 0, png_path, &first, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first->kind, ==, TECHO_IMPORT_KIND_IMAGE);
  g_assert_cmpuint (first->n_codes, ==, 1);
  g_assert_cmpuint (first->n_parts_pending, ==, 1);
  g_assert_cmpuint (first->pending_total, ==, 2);
  g_assert_cmpint (techo_store_count_sync (store, 0, TECHO_STORE_COUNT_MEDICATION, NULL, &error),
                   ==, 0);

  g_assert_true (techo_import_file_sync (store, 0, jpeg_path, &second, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (second->n_parts_joined, ==, 2);
  g_assert_cmpuint (second->n_new, ==, 2);
  g_assert_cmpuint (second->n_new_entries, ==, 1);
  g_assert_null (second->pending_data_id);

  stored = techo_store_list_dispensings_sync (store, second->profile_id, NULL, NULL, NULL,
                                              &error);
  g_assert_no_error (error);
  g_assert_true (techo_store_load_dispensing_details_sync (store, second->profile_id, stored,
                                                           NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 2);
  for (guint i = 0; i < stored->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (stored, i);

      g_assert_cmpstr (d->dispensed_on, ==, "2026-09-05");
      g_assert_cmpstr (d->provenance.file_name, ==, "receipt-2.jpg");
      if (g_strcmp0 (d->dispensing_unit, "回分") == 0)
        g_assert_cmpint (d->days, ==, 0);
      else
        {
          g_assert_cmpstr (d->dispensing_unit, ==, "日分");
          g_assert_cmpint (d->days, ==, 28);
        }
    }
  entries = techo_store_list_notebook_entries_sync (store, second->profile_id,
                                                    TECHO_NOTEBOOK_ALLERGY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (((TechoNotebookEntry *) g_ptr_array_index (entries, 0))->text, ==, "卵");

  g_assert_true (techo_store_erase_sync (store, NULL, &error));
  techo_test_remove_tree (dir);
}

/* Replays tests/corpus/qr-image: every file is read or refused with a
 * message, never a crash. */
static void
check_corpus_file (const char *name,
                   const char *data,
                   gsize       length,
                   gpointer    user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = techo_qr_image_decode ((const guint8 *) data, length, &error);

  if (codes == NULL)
    {
      g_assert_true (error->domain == TECHO_QR_IMAGE_ERROR);
      g_assert_cmpstr (error->message, !=, "");
    }
}

static void
test_corpus (void)
{
  g_assert_cmpuint (techo_test_corpus_foreach ("qr-image", check_corpus_file, NULL), >=, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/qr-image/sizes-rotations", test_sizes_rotations);
  g_test_add_func ("/qr-image/two-codes", test_two_codes);
  g_test_add_func ("/qr-image/photo-like", test_photo_like);
  g_test_add_func ("/qr-image/refused", test_refused);
  g_test_add_func ("/qr-image/import", test_import_images);
  g_test_add_func ("/qr-image/corpus", test_corpus);
  return g_test_run ();
}
