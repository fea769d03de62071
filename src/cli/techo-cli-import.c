/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli import PATH|SHLINK… [--dry-run] [--json] [--replace] [--profile ID]
 *                  [--passcode-file FILE]
 * techo-cli import --undo
 * Files people hold into the store, merged with what is there, in one
 * transaction; each received SMART Health Link is one more import of its
 * FHIR files. One line per file on stdout: added, merged, skipped (with
 * why), or refused (with why). Exit 0 when every file was read; 6 when a
 * file held bad data, named someone else, or was a re-issue without
 * --replace; 2 for a profile that must be chosen; 5 when a link's server
 * could not be reached. */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "techo-cda.h"
#include "techo-cli.h"
#include "techo-cli-commands.h"
#include "techo-import.h"
#include "techo-fhir.h"
#include "techo-jahis.h"
#include "techo-secure.h"
#include "techo-shl-fetch.h"
#include "techo-shl-payload.h"
#include "techo-mhlw-xml.h"
#include "techo-qr-image.h"
#include "techo-store.h"

static int
exit_for_import_error (const GError *error)
{
  if (error->domain == TECHO_SHL_FETCH_ERROR &&
      error->code == TECHO_SHL_FETCH_ERROR_NETWORK)
    return TECHO_EXIT_NETWORK;
  if (error->domain == TECHO_SHL_FETCH_ERROR && error->code == TECHO_SHL_FETCH_ERROR_NEEDS_PASSCODE)
    return TECHO_EXIT_USAGE;
  if (error->domain == TECHO_IMPORT_ERROR && error->code == TECHO_IMPORT_ERROR_PROFILE)
    return TECHO_EXIT_USAGE;
  if (error->domain == TECHO_JAHIS_ERROR || error->domain == TECHO_CDA_ERROR
      || error->domain == TECHO_FHIR_ERROR || error->domain == TECHO_SHL_ERROR
      || error->domain == TECHO_SHL_FETCH_ERROR || error->domain == TECHO_MHLW_ERROR || error->domain == TECHO_QR_IMAGE_ERROR
      || error->domain == TECHO_IMPORT_ERROR)
    return TECHO_EXIT_DATA;
  if (error->domain == G_FILE_ERROR || error->domain == G_IO_ERROR)
    return TECHO_EXIT_DATA;
  return techo_cli_exit_for_error (error);
}

static const char *
kind_words (TechoImportKind kind)
{
  switch (kind)
    {
    case TECHO_IMPORT_KIND_CDA:
      return "checkup (CDA)";
    case TECHO_IMPORT_KIND_FHIR:
      return "FHIR bundle";
    case TECHO_IMPORT_KIND_MHLW_XML:
      return "マイナポータル XML";
    case TECHO_IMPORT_KIND_IMAGE:
      return "photo of medication notebook QR codes (JAHIS)";
    case TECHO_IMPORT_KIND_JAHIS:
    default:
      return "medication notebook (JAHIS)";
    }
}

/* What to do about a refusal that needs a decision. */
static const char *
hint (const GError *error)
{
  if (g_error_matches (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_REISSUE))
    return " Import it with --replace to replace the stored values (kept in its history).";
  if (g_error_matches (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_OTHER_PERSON))
    return " To import it anyway, choose the profile with --profile ID.";
  return "";
}

static void
print_file (const TechoImportFile   *file,
            const TechoImportReport *report)
{
  gboolean dry_run = report->dry_run;
  gboolean medicines = file->entries->len > 0
                       && ((TechoMergeEntry *) g_ptr_array_index (file->entries, 0))->category
                          == TECHO_CATEGORY_MEDICATION;

  g_autoptr(GString) line = g_string_new (NULL);

  if (file->status == TECHO_IMPORT_FILE_REFUSED)
    {
      techo_cli_printerr ("%s: refused: %s%s", file->path,
                          file->error != NULL ? file->error->message : "unknown reason",
                          hint (file->error));
      return;
    }
  g_string_append_printf (line, "%s: %s%s, %u record(s): %s%u added, %u merged",
                          file->path,
                          file->kind == TECHO_IMPORT_KIND_CDA && file->entries->len > 0
                          && techo_cda_is_guidance (((TechoMergeEntry *) g_ptr_array_index (
                                                       file->entries, 0))->record)
                          ? "health guidance (CDA, 特定保健指導)" : kind_words (file->kind),
                          file->kind != TECHO_IMPORT_KIND_MHLW_XML ? ""
                          : medicines ? " 薬剤情報" : " 特定健診情報",
                          file->entries->len, dry_run ? "would be " : "", file->n_added,
                          file->n_merged);
  if (file->n_replaced > 0)
    g_string_append_printf (line, ", %u replaced (a corrected re-issue)", file->n_replaced);
  if (file->n_skipped > 0)
    g_string_append_printf (line, ", %u skipped (already imported from this file)",
                            file->n_skipped);
  if (file->n_left_out > 0 && file->kind == TECHO_IMPORT_KIND_MHLW_XML)
    g_string_append_printf (line, ", %u treatment row(s) left out", file->n_left_out);
  else if (file->n_left_out > 0)
    g_string_append_printf (line, ", %u note(s) left out", file->n_left_out);
  if (file->kind == TECHO_IMPORT_KIND_MHLW_XML && medicines && !dry_run)
    g_string_append_printf (line, "; the profile has %u medicine row(s) revised by "
                            "電子処方箋 rows (%u by this import)", report->n_revised,
                            report->n_newly_revised);
  g_print ("%s\n", line->str);
  if (file->notebook != NULL)
    {
      const TechoImportResult *notebook = file->notebook;
      const char *path = file->path;

      if (file->kind == TECHO_IMPORT_KIND_IMAGE)
        g_print ("%s: %u QR code(s) read\n", path, notebook->n_codes);
      if (notebook->n_entries > 0)
        g_print ("%s: %u notebook entr%s (allergies, OTC, memos …), %u new\n", path,
                 notebook->n_entries, notebook->n_entries == 1 ? "y" : "ies",
                 notebook->n_new_entries);
      if (notebook->n_parts_joined > 0)
        g_print ("%s: %u parts of multi-part data joined\n", path, notebook->n_parts_joined);
      if (notebook->n_parts_known > 0)
        g_print ("%s: %u part(s) of multi-part data imported whole before; nothing new\n",
                 path, notebook->n_parts_known);
      if (notebook->pending_data_id != NULL)
        g_print ("%s: %u part(s) of multi-part data %s kept until the rest arrives "
                 "(%u of %u held); import the other QR codes to finish it\n",
                 path, notebook->n_parts_pending, notebook->pending_data_id,
                 notebook->pending_have, notebook->pending_total);
      for (guint i = 0; notebook->warnings != NULL && i < notebook->warnings->len; i++)
        techo_cli_printerr ("%s: warning: %s", path,
                            (const char *) g_ptr_array_index (notebook->warnings, i));
      if (notebook->warnings != NULL && notebook->n_warnings > notebook->warnings->len)
        techo_cli_printerr ("%s: %u more warning(s)", path,
                            notebook->n_warnings - notebook->warnings->len);
    }
  for (guint i = 0; i < file->notes->len; i++)
    g_print ("%s: note: %s\n", file->path, (const char *) g_ptr_array_index (file->notes, i));
}

static void
add_uint (JsonBuilder *builder,
          const char  *name,
          guint        value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* A notebook file's entries by kind, its parts and warnings. */
static void
add_notebook_json (JsonBuilder             *builder,
                   const TechoImportResult *notebook)
{
  static const struct
  {
    TechoNotebookKind kind;
    const char *member;
  } kinds[] = {
    { TECHO_NOTEBOOK_ALLERGY, "allergies" },
    { TECHO_NOTEBOOK_SIDE_EFFECT, "side_effects" },
    { TECHO_NOTEBOOK_HISTORY, "history" },
    { TECHO_NOTEBOOK_REMARK, "remarks" },
    { TECHO_NOTEBOOK_OTC, "otc" },
    { TECHO_NOTEBOOK_MEMO, "memos" },
    { TECHO_NOTEBOOK_PHARMACIST, "pharmacists" },
  };

  json_builder_set_member_name (builder, "notebook");
  json_builder_begin_object (builder);
  add_uint (builder, "entries", notebook->n_entries);
  add_uint (builder, "new_entries", notebook->n_new_entries);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      json_builder_set_member_name (builder, kinds[k].member);
      json_builder_begin_array (builder);
      for (guint i = 0; notebook->entries != NULL && i < notebook->entries->len; i++)
        {
          const TechoNotebookEntry *e = g_ptr_array_index (notebook->entries, i);

          if (e->kind != kinds[k].kind)
            continue;
          json_builder_begin_object (builder);
          add_string_or_null (builder, "text", e->text);
          add_string_or_null (builder, "detail", e->detail);
          add_string_or_null (builder, "code", e->code);
          add_string_or_null (builder, "started_on", e->started_on);
          add_string_or_null (builder, "ended_on", e->ended_on);
          add_string_or_null (builder, "author", e->author);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  add_uint (builder, "qr_codes", notebook->n_codes);
  add_uint (builder, "parts_joined", notebook->n_parts_joined);
  add_uint (builder, "parts_pending", notebook->n_parts_pending);
  add_uint (builder, "parts_known", notebook->n_parts_known);
  json_builder_set_member_name (builder, "pending");
  if (notebook->pending_data_id != NULL)
    {
      json_builder_begin_object (builder);
      add_string_or_null (builder, "data_id", notebook->pending_data_id);
      add_uint (builder, "have", notebook->pending_have);
      add_uint (builder, "total", notebook->pending_total);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  add_uint (builder, "warning_count", notebook->n_warnings);
  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; notebook->warnings != NULL && i < notebook->warnings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (notebook->warnings, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static char *
report_to_json (const TechoImportReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dry_run");
  json_builder_add_boolean_value (builder, report->dry_run);
  json_builder_set_member_name (builder, "profile");
  json_builder_add_int_value (builder, report->profile_id);
  json_builder_set_member_name (builder, "profile_created");
  json_builder_add_boolean_value (builder, report->profile_created);
  json_builder_set_member_name (builder, "import");
  json_builder_add_int_value (builder, report->import_id);
  add_uint (builder, "revised", report->n_revised);
  add_uint (builder, "newly_revised", report->n_newly_revised);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->files->len; i++)
    {
      const TechoImportFile *file = g_ptr_array_index (report->files, i);
      gboolean read = file->status == TECHO_IMPORT_FILE_READ;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, file->path);
      json_builder_set_member_name (builder, "sha256");
      if (file->file_sha256 != NULL)
        json_builder_add_string_value (builder, file->file_sha256);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "kind");
      if (file->file_sha256 != NULL && file->entries->len > 0)
        json_builder_add_string_value (builder, techo_import_kind_to_string (file->kind));
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, read ? "read" : "refused");
      json_builder_set_member_name (builder, "reason");
      if (!read && file->error != NULL)
        json_builder_add_string_value (builder, file->error->message);
      else
        json_builder_add_null_value (builder);
      add_uint (builder, "records", read ? file->entries->len : 0);
      add_uint (builder, "added", read ? file->n_added : 0);
      add_uint (builder, "merged", read ? file->n_merged : 0);
      add_uint (builder, "replaced", read ? file->n_replaced : 0);
      add_uint (builder, "skipped", read ? file->n_skipped : 0);
      add_uint (builder, "left_out", read ? file->n_left_out : 0);
      json_builder_set_member_name (builder, "notes");
      json_builder_begin_array (builder);
      for (guint j = 0; j < file->notes->len; j++)
        json_builder_add_string_value (builder, g_ptr_array_index (file->notes, j));
      json_builder_end_array (builder);
      if (read && file->notebook != NULL)
        add_notebook_json (builder, file->notebook);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static int
undo_last (TechoStore *store,
           gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoUndoResult) undone = techo_store_undo_import_sync (store, 0, NULL, &error);

  if (undone == NULL)
    {
      techo_cli_printerr ("%s", error->message);
      return g_error_matches (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND)
             ? TECHO_EXIT_FAILURE : techo_cli_exit_for_error (error);
    }
  if (json)
    g_print ("{\n  \"undone\" : %" G_GINT64_FORMAT ",\n  \"removed\" : %u,\n"
             "  \"sources_removed\" : %u,\n  \"restored\" : %u,\n"
             "  \"notebook_entries_removed\" : %u,\n  \"parts\" : %u,\n"
             "  \"profile_removed\" : %s\n}\n",
             undone->import_id, undone->n_removed, undone->n_sources, undone->n_restored,
             undone->n_entries, undone->n_parts, undone->profile_removed ? "true" : "false");
  else
    g_print ("Undid import %" G_GINT64_FORMAT " (%s): %u record(s) removed, %u source(s) "
             "removed from records that stay, %u replaced value set(s) restored, %u notebook "
             "entr%s removed, %u part(s) of multi-part data taken back\n",
             undone->import_id, undone->summary != NULL ? undone->summary : "",
             undone->n_removed, undone->n_sources, undone->n_restored, undone->n_entries,
             undone->n_entries == 1 ? "y" : "ies", undone->n_parts);
  if (!json && undone->profile_removed)
    g_print ("The profile this import had made held nothing else and was removed.\n");
  return TECHO_EXIT_OK;
}

int
techo_cli_import (TechoCliContext *context,
                  int              argc,
                  char           **argv)
{
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(TechoImportReport) report = NULL;
  g_autoptr(GPtrArray) paths = NULL;
  g_autoptr(GError) error = NULL;
  gint64 profile_id = 0;
  gboolean dry_run = FALSE, json = FALSE, replace = FALSE, undo = FALSE;
  TechoImportFlags flags = TECHO_IMPORT_FLAGS_NONE;
  int status = TECHO_EXIT_OK;
  g_autofree char *passcode_file = NULL;
  g_auto(TechoSecret) passcode = NULL;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_INT64, &profile_id,
      "Import into profile ID (needed when the store holds several people, or to import a "
      "file that names someone else than the profile)", "ID" },
    { "passcode-file", 0, 0, G_OPTION_ARG_FILENAME, &passcode_file,
      "Read the passcode of a shared link (flag P) from FILE, never from the command line",
      "FILE" },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run,
      "Say what would be added, merged, skipped or refused; change nothing", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the outcome as JSON", NULL },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace,
      "Let a corrected re-issue of a stored checkup replace its values (kept in its history)",
      NULL },
    { "undo", 0, 0, G_OPTION_ARG_NONE, &undo, "Undo the last import", NULL },
    { NULL }
  };

  if (!techo_cli_parse_options (context, "import", "PATH…|SHLINK…",
                                "Import JAHIS medication notebook text (電子版お薬手帳, "
                                "CP932 or UTF-8), photos or screenshots of its QR codes (PNG, JPEG), "
                                "CDA checkup files (特定健診 XML), FHIR R4 "
                                "JSON bundles (健診結果報告書, 自治体検診, JP Core medicines, "
                                "Techo's own export) and SMART Health Links someone shared "
                                "(shlink:/… or a viewer URL ending in #shlink:/…) and the 薬剤情報 / "
                                "特定健診情報 XML files saved from マイナポータル, merged "
                                "with what the store holds: a record that is there already "
                                "gains one more source, never a second row. Parts of "
                                "multi-part QR data may come in several files or imports; "
                                "the parts are kept until the last arrives. All files go in "
                                "one transaction; --undo takes the last import back. When "
                                "the store holds nobody yet, a local profile is made from "
                                "the first file's patient data.",
                                entries, &argc, &argv))
    return TECHO_EXIT_USAGE;
  if (undo && argc >= 2)
    {
      techo_cli_printerr ("--undo takes no PATH");
      return TECHO_EXIT_USAGE;
    }
  if (!undo && argc < 2)
    {
      techo_cli_printerr ("import needs at least one PATH");
      return TECHO_EXIT_USAGE;
    }
  if (profile_id < 0)
    {
      techo_cli_printerr ("--profile needs a positive profile id");
      return TECHO_EXIT_USAGE;
    }

  if (passcode_file != NULL)
    {
      gsize length = 0;

      if (!g_file_get_contents (passcode_file, &passcode, &length, &error))
        {
          techo_cli_printerr ("%s", error->message);
          return TECHO_EXIT_USAGE;
        }
      /* One line; the newline an editor adds is not part of it. */
      passcode[strcspn (passcode, "\r\n")] = '\0';
    }

  store = techo_cli_open_store (context, &error);
  if (store == NULL)
    {
      return techo_cli_fail (error);
    }
  if (undo)
    return undo_last (store, json);

  /* Received links: each is one import of its files. The link holds its
   * key: it is never printed. */
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GPtrArray) results = NULL;
      g_autoptr(GError) link_error = NULL;
      int link_status;

      if (!techo_shl_link_looks_like (argv[i]))
        {
          paths = paths != NULL ? paths : g_ptr_array_new ();
          g_ptr_array_add (paths, argv[i]);
          continue;
        }
      if (dry_run)
        {
          techo_cli_printerr ("shared link: --dry-run does not apply to shared links");
          return TECHO_EXIT_USAGE;
        }
      results = techo_import_shl_sync (store, profile_id, argv[i], passcode, NULL, &link_error);
      for (guint j = 0; results != NULL && j < results->len; j++)
        {
          const TechoImportResult *r = g_ptr_array_index (results, j);

          g_print ("%s: %s, %u checkup(s), %u screening(s), %u medicine line(s): %u added, "
                   "%u merged, profile %" G_GINT64_FORMAT "%s\n",
                   r->file_name, kind_words (r->kind), r->n_checkups, r->n_screenings,
                   r->n_medicines, r->n_new, r->n_merged, r->profile_id,
                   r->profile_created ? " (new)" : "");
          /* Later files go to the same person as the first. */
          profile_id = r->profile_id;
        }
      if (results != NULL)
        continue;
      techo_cli_printerr ("shared link: %s", link_error->message);
      link_status = exit_for_import_error (link_error);
      if (link_status == TECHO_EXIT_DATA || status == TECHO_EXIT_OK)
        status = link_status;
    }
  if (paths == NULL)
    return status;
  g_ptr_array_add (paths, NULL);

  if (profile_id > 0)
    flags |= TECHO_IMPORT_PROFILE_GIVEN;
  if (dry_run)
    flags |= TECHO_IMPORT_DRY_RUN;
  if (replace)
    flags |= TECHO_IMPORT_REPLACE;
  report = techo_import_paths_sync (store, profile_id, (const char * const *) paths->pdata, flags,
                                    NULL, &error);
  if (report == NULL)
    {
      techo_cli_printerr ("%s", error->message);
      return exit_for_import_error (error);
    }

  if (json)
    {
      g_autofree char *text = report_to_json (report);

      g_print ("%s\n", text);
    }
  for (guint i = 0; i < report->files->len; i++)
    {
      const TechoImportFile *file = g_ptr_array_index (report->files, i);
      int file_status;

      if (!json)
        print_file (file, report);
      if (file->status == TECHO_IMPORT_FILE_READ)
        continue;
      if (json)
        techo_cli_printerr ("%s: %s%s", file->path, file->error->message, hint (file->error));
      file_status = exit_for_import_error (file->error);
      if (file_status == TECHO_EXIT_DATA || status == TECHO_EXIT_OK)
        status = file_status;
    }
  if (!json && report->import_id > 0)
    g_print ("Import %" G_GINT64_FORMAT " into profile %" G_GINT64_FORMAT "%s; "
             "`techo-cli import --undo` takes it back.\n", report->import_id,
             report->profile_id, report->profile_created ? " (new)" : "");
  return status;
}
