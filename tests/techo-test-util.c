/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <glib/gstdio.h>

#include "techo-test-util.h"

char *
techo_test_program_path (const char *relative_path)
{
  const char *root = g_getenv ("TECHO_BUILD_ROOT");

  return g_build_filename (root != NULL ? root : ".", relative_path, NULL);
}

void
techo_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR)
            && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          techo_test_remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

gboolean
techo_test_file_contains (const char *path,
                          const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  gsize needle_length = strlen (needle);

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (contents + i, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

int
techo_test_run_cli_valist (const char  *data_dir,
                           char       **out,
                           char       **err,
                           const char  *first_arg,
                           va_list      ap)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean capture = out != NULL || err != NULL;

  g_ptr_array_add (args, techo_test_program_path ("src/cli/techo-cli"));
  g_ptr_array_add (args, g_strdup ("--data-dir"));
  g_ptr_array_add (args, g_strdup (data_dir));
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, g_strdup (arg));
  g_ptr_array_add (args, NULL);
  process = g_subprocess_newv ((const char * const *) args->pdata,
                               capture ? G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE
                                       : G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                               &error);
  g_assert_no_error (error);
  if (capture)
    g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error));
  else
    g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

int
techo_test_run_cli (const char *data_dir,
                    const char *first_arg,
                    ...)
{
  va_list ap;
  int status;

  va_start (ap, first_arg);
  status = techo_test_run_cli_valist (data_dir, NULL, NULL, first_arg, ap);
  va_end (ap);
  return status;
}

char *
techo_test_write_file (const char *dir,
                       const char *name,
                       const char *data,
                       gssize      length)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, data, length, &error));
  g_assert_no_error (error);
  return path;
}

guint
techo_test_corpus_foreach (const char          *parser,
                           TechoTestCorpusFunc  func,
                           gpointer             user_data)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "corpus", parser, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *data = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (path, &data, &length, NULL));
      func (name, data, length, user_data);
      n++;
    }
  return n;
}

/* The real techo-share-host on loopback, as a person would run it. */
TechoTestHost *
techo_test_host_start (void)
{
  g_autofree char *exe = techo_test_program_path ("src/share-host/techo-share-host");
  g_autofree char *viewer = g_build_filename (g_getenv ("TECHO_SOURCE_ROOT"), "data", "viewer", NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  TechoTestHost *h = g_new0 (TechoTestHost, 1);

  h->data_dir = g_dir_make_tmp ("techo-host-XXXXXX", &error);
  g_assert_no_error (error);
  h->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                 &error, exe, "--port", "0", "--data-dir", h->data_dir,
                                 "--viewer-dir", viewer, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (h->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "url="));
  h->url = g_strdup (line + 4);
  return h;
}

void
techo_test_host_stop (TechoTestHost *h)
{
  g_subprocess_force_exit (h->process);
  g_subprocess_wait (h->process, NULL, NULL);
  g_object_unref (h->process);
  techo_test_remove_tree (h->data_dir);
  g_free (h->data_dir);
  g_free (h->url);
  g_free (h);
}

const char *const techo_test_jahis_notebook[] = {
  "JAHISTC08,1",
  "1,手帳 花子,2,S330303,100-0001,東京都千代田区1-1,03-0000-0000,,A+,52.5,テチョウ ハナコ",
  "2,1,卵,1",
  "2,2,セフェム系抗菌薬で発疹,1",
  "2,3,高血圧症,1",
  "2,9,錠剤が飲みにくい,2",
  "3,ビタミンC錠,R060401,R060430,2,1,4900000000001",
  "31,1,アスコルビン酸,1,,2",
  "31,1,リボフラビン,3,1234567,2",
  "4,健康診断を受けた,R060410,2",
  "5,R060415,1",
  "11,さくら薬局,13,4,1234567,100-0002,東京都中央区1-2,03-1111-2222,1",
  "15,薬剤師 一郎,03-1111-2222,1",
  "51,みどり内科,13,1,7654321,1",
  "55,医師 二郎,内科,1",
  "201,1,アムロジピン錠5mg「テスト」,1,錠,2,620000001,1,【般】アムロジピン錠5mg,2,2171022F1ZZZ",
  "281,1,粉砕,1",
  "291,1,グレープフルーツに注意,1",
  "301,1,1日1回朝食後,28,日分,1,1,,1",
  "311,1,一包化,1",
  "201,2,ロキソプロフェン錠60mg,1,錠,4,1149019F1560,1,,,",
  "301,2,頭痛時,10,回分,3,1,,1",
  "391,2,空腹時を避ける,1",
  "201,3,ケトプロフェンテープ20mg,14,枚,6,123456789,1,,,",
  "301,3,1日1回貼付,1,調剤,5,1,,1",
  "401,他の薬と飲むときは相談を,1",
  "411,提供情報です,31,1",
  "421,アムロジピン5錠残薬,1",
  "501,正しい飲み方は薬袋を参照,1",
  "601,夜眠れない,R060416",
  "701,薬剤師 一郎,さくら薬局,03-1111-2222,R050401,,1",
  NULL
};
