/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SMART Health Links: the JWE opens with the link's key and with no other,
 * carries dir/A256GCM/cty, gets a fresh IV each time, and refuses a
 * changed byte; the link's payload has the shape §7 asks for; the QR code
 * read back with zbarimg equals the link. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "techo-qr.h"
#include "techo-secure.h"
#include "techo-shl.h"
#include "techo-test-export.h"

static const char plain[] = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"note\":\"山田 花子\"}";

static JsonObject *
decode_segment (const char *segment,
                gsize       length)
{
  g_autofree char *text = g_strndup (segment, length);
  gsize n = 0;
  g_autofree guint8 *json = techo_base64url_decode (text, &n);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_nonnull (json);
  g_assert_true (json_parser_load_from_data (parser, (const char *) json, n, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_jwe (void)
{
  guint8 key[TECHO_SHL_KEY_BYTES], other[TECHO_SHL_KEY_BYTES];
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_auto(GStrv) parts_a = NULL, parts_b = NULL;
  g_autoptr(JsonObject) header = NULL;
  gsize iv_length = 0;
  g_autofree guint8 *iv = NULL;

  g_assert_true (techo_random_bytes (key, sizeof key, &error));
  g_assert_true (techo_random_bytes (other, sizeof other, &error));
  a = techo_shl_encrypt (key, sizeof key, NULL, plain, strlen (plain), &error);
  g_assert_no_error (error);
  b = techo_shl_encrypt (key, sizeof key, NULL, plain, strlen (plain), &error);
  g_assert_no_error (error);

  /* Compact serialisation: five parts, no encrypted key for dir. */
  parts_a = g_strsplit (a, ".", -1);
  parts_b = g_strsplit (b, ".", -1);
  g_assert_cmpuint (g_strv_length (parts_a), ==, 5);
  g_assert_cmpstr (parts_a[1], ==, "");
  header = decode_segment (parts_a[0], strlen (parts_a[0]));
  g_assert_cmpstr (json_object_get_string_member (header, "alg"), ==, "dir");
  g_assert_cmpstr (json_object_get_string_member (header, "enc"), ==, "A256GCM");
  g_assert_cmpstr (json_object_get_string_member (header, "cty"), ==, "application/fhir+json");
  iv = techo_base64url_decode (parts_a[2], &iv_length);
  g_assert_cmpuint (iv_length, ==, 12);
  /* A fresh IV each time, so the same bundle never encrypts the same. */
  g_assert_cmpstr (parts_a[2], !=, parts_b[2]);
  g_assert_cmpstr (parts_a[3], !=, parts_b[3]);
  /* No plaintext in the package. */
  g_assert_null (strstr (a, "Bundle"));

  opened = techo_shl_decrypt (key, sizeof key, a, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (opened, NULL), g_bytes_get_size (opened), plain, strlen (plain));

  g_assert_null (techo_shl_decrypt (other, sizeof other, a, &error));
  g_assert_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_DECRYPT);
  g_clear_error (&error);

  /* One changed character of the ciphertext: refused. */
  {
    g_autofree char *changed = g_strdup (a);
    char *ct = strchr (changed, '.');


    ct = strchr (ct + 1, '.');
    ct = strchr (ct + 1, '.') + 1;
    *ct = *ct == 'A' ? 'B' : 'A';
    g_assert_null (techo_shl_decrypt (key, sizeof key, changed, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  g_assert_null (techo_shl_decrypt (key, sizeof key, "not.a.jwe", &error));
  g_assert_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (techo_shl_encrypt (key, 16, NULL, plain, 3, &error));
  g_assert_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID);
}

static char *
make_link (const char *flag,
           const char *label,
           GError    **error)
{
  g_autoptr(TechoShlPayload) p = techo_shl_payload_new ();
  g_autofree char *token = techo_shl_new_path_token (NULL);

  p->url = g_strconcat ("http://127.0.0.1:8080/shl/", token, NULL);
  g_assert_true (techo_random_bytes (p->key, sizeof p->key, NULL));
  p->exp = 1900000000;
  p->flag = g_strdup (flag);
  p->label = g_strdup (label);
  return techo_shl_link_encode (p, error);
}

static void
test_link (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *link = make_link ("P", "みどり内科 田中先生へ", &error);
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(TechoShlPayload) back = NULL;
  g_autofree char *viewer = NULL;
  g_autofree char *long_label = g_strnfill (81, 'x');
  const char *url;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (link, "shlink:/"));
  g_assert_null (strpbrk (link + 8, "+/=")); /* base64url, no padding */
  payload = decode_segment (link + 8, strlen (link + 8));
  url = json_object_get_string_member (payload, "url");
  /* ≥ 256 bits in the path: 43 base64url characters. */
  g_assert_cmpuint (strlen (strrchr (url, '/') + 1), ==, 43);
  g_assert_cmpuint (strlen (url), <=, 128);
  g_assert_cmpuint (strlen (json_object_get_string_member (payload, "key")), ==, 43);
  g_assert_cmpint (json_object_get_int_member (payload, "exp"), ==, 1900000000);
  g_assert_cmpstr (json_object_get_string_member (payload, "flag"), ==, "P");
  g_assert_cmpstr (json_object_get_string_member (payload, "label"), ==, "みどり内科 田中先生へ");
  g_assert_cmpint (json_object_get_int_member (payload, "v"), ==, 1);

  viewer = g_strconcat ("https://viewer.example/#", link, NULL);
  back = techo_shl_link_decode (viewer, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->url, ==, url);
  g_assert_cmpstr (back->flag, ==, "P");

  g_assert_null (make_link ("UP", NULL, &error));
  g_assert_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (make_link ("PU", NULL, &error));
  g_assert_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (make_link (NULL, long_label, &error));
  g_assert_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (techo_shl_link_decode ("shlink:/bm90IGpzb24", &error));
  g_assert_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID);
}

static void
test_qr (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *link = make_link ("", "Techo", &error);
  g_autofree char *dir = g_dir_make_tmp ("techo-qr-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "link.png", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "zbarimg", "--quiet", "--raw", png, NULL };
  GStatBuf st;

  g_assert_true (techo_qr_write_png (link, 4, png, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (png, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (techo_test_spawn (argv, &out, &err), ==, 0);
  g_strchomp (out);
  g_assert_cmpstr (out, ==, link);
  g_unlink (png);
  g_rmdir (dir);
}

/* Replays tests/corpus/shl (seeds and fuzzer finds): a file holding
 * "shlink:/" is a link, any other a JWE made with the key 0…31. ok-* must
 * read (a JWE to a FHIR Bundle, DEFLATE or not), bad-* must be refused
 * with a TECHO_SHL_ERROR, the rest either, never a crash. */
static void
test_corpus (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "corpus", "shl", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  guint8 key[TECHO_SHL_KEY_BYTES];
  const char *name;
  guint n_ok = 0, n_bad = 0;

  g_assert_nonnull (dir);
  for (guint i = 0; i < sizeof key; i++)
    key[i] = i;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *data = NULL;
      g_autoptr(GError) error = NULL;
      gboolean read;

      g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
      if (strstr (data, "shlink:/") != NULL)
        {
          g_autoptr(TechoShlPayload) p = techo_shl_link_decode (data, &error);

          read = p != NULL;
          if (read)
            g_assert_cmpmem (p->key, sizeof p->key, key, sizeof key);
        }
      else
        {
          g_autoptr(GBytes) opened = techo_shl_decrypt (key, sizeof key, data, &error);

          read = opened != NULL;
          if (read && g_str_has_prefix (name, "ok-"))
            g_assert_true (g_str_has_prefix (g_bytes_get_data (opened, NULL), "{"));
        }
      if (!read)
        g_assert_true (error != NULL && error->domain == TECHO_SHL_ERROR &&
                       error->message[0] != '\0');
      if (g_str_has_prefix (name, "ok-"))
        {
          g_assert_no_error (error);
          g_assert_true (read);
          n_ok++;
        }
      if (g_str_has_prefix (name, "bad-"))
        {
          g_assert_false (read);
          n_bad++;
        }
    }
  g_assert_cmpuint (n_ok, >=, 4);
  g_assert_cmpuint (n_bad, >=, 5);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shl/jwe", test_jwe);
  g_test_add_func ("/shl/link", test_link);
  g_test_add_func ("/shl/qr", test_qr);
  g_test_add_func ("/shl/corpus", test_corpus);
  return g_test_run ();
}
