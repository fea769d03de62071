/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The medication notebook's side of an import. Every text (the file, or
 * each QR code of a photo) is split into its parts; single-part data is
 * parsed as it is; the parts of multi-part data are grouped by data id and
 * joined with the parts the store keeps from earlier imports. A data id
 * whose parts are all there is parsed and its kept parts forgotten; one
 * still missing parts keeps the new parts in the store until the rest
 * arrives. Nothing is written before everything read parses. */

#define G_LOG_DOMAIN "techo-import"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "techo-import-jahis-private.h"
#include "techo-jahis.h"
#include "techo-qr-image.h"

void
techo_import_jahis_free (TechoImportJahis *jahis)
{
  if (jahis == NULL)
    return;
  g_clear_pointer (&jahis->patient, techo_profile_free);
  g_clear_pointer (&jahis->dispensings, g_ptr_array_unref);
  g_clear_pointer (&jahis->entries, g_ptr_array_unref);
  g_clear_pointer (&jahis->keep, g_ptr_array_unref);
  g_clear_pointer (&jahis->completed, g_ptr_array_unref);
  g_free (jahis);
}

static void
add_warnings (TechoImportResult *result,
              TechoJahisResult  *parsed,
              const char        *prefix)
{
  for (guint i = 0; i < parsed->warnings->len; i++)
    {
      const char *warning = g_ptr_array_index (parsed->warnings, i);

      g_ptr_array_add (result->warnings, prefix != NULL ? g_strdup_printf ("%s%s", prefix,
                                                                           warning)
                                                        : g_strdup (warning));
    }
  result->n_warnings += parsed->n_warnings;
}

/* Moves what @parsed holds into @jahis. */
static void
take_result (TechoImportJahis  *jahis,
             TechoJahisResult  *parsed,
             TechoImportResult *result,
             const char        *prefix)
{
  if (jahis->patient == NULL && parsed->patient != NULL)
    jahis->patient = g_steal_pointer (&parsed->patient);
  g_ptr_array_extend_and_steal (jahis->dispensings, g_steal_pointer (&parsed->dispensings));
  g_ptr_array_extend_and_steal (jahis->entries, g_steal_pointer (&parsed->entries));
  parsed->dispensings = g_ptr_array_new ();
  parsed->entries = g_ptr_array_new ();
  result->n_skipped += parsed->n_skipped;
  add_warnings (result, parsed, prefix);
}

static gboolean
group_complete (GPtrArray *group)
{
  const TechoJahisPart *first = g_ptr_array_index (group, 0);
  g_autofree gboolean *have = g_new0 (gboolean, first->total + 1);
  guint n = 0;

  for (guint i = 0; i < group->len; i++)
    {
      const TechoJahisPart *part = g_ptr_array_index (group, i);

      if (part->total != first->total || part->number > first->total)
        return TRUE; /* let the parser name the mismatch */
      if (!have[part->number])
        n++;
      have[part->number] = TRUE;
    }
  return n == first->total;
}

/* The parts the store keeps for @data_id, except those @group already has
 * (a part read again replaces the kept one). */
static gboolean
add_kept_parts (TechoStore    *store,
                GHashTable    *pool,
                const char    *data_id,
                GPtrArray     *group,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GPtrArray) texts = techo_store_list_pending_parts_sync (store, data_id,
                                                                    cancellable, error);
  GPtrArray *earlier = pool != NULL ? g_hash_table_lookup (pool, data_id) : NULL;

  if (texts == NULL)
    return FALSE;
  /* The parts earlier files of this import brought come before those the
   * store kept from earlier imports. */
  if (earlier != NULL)
    {
      g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < earlier->len; i++)
        g_ptr_array_add (all, g_strdup (g_ptr_array_index (earlier, i)));
      for (guint i = 0; i < texts->len; i++)
        g_ptr_array_add (all, g_strdup (g_ptr_array_index (texts, i)));
      g_clear_pointer (&texts, g_ptr_array_unref);
      texts = g_steal_pointer (&all);
    }
  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = g_ptr_array_index (texts, i);
      g_autoptr(GPtrArray) parts = NULL;
      g_autoptr(GError) local_error = NULL;

      parts = techo_jahis_split (text, strlen (text), &local_error);
      if (parts == NULL)
        {
          /* Kept by an earlier Techo in a form this one does not read:
           * skipped; a new copy of that part replaces it. */
          g_warning ("A kept part of medication data %s is unreadable: %s", data_id,
                     local_error->message);
          continue;
        }
      while (parts->len > 0)
        {
          g_autoptr(TechoJahisPart) part = g_ptr_array_steal_index (parts, 0);
          gboolean known = FALSE;

          if (g_strcmp0 (part->data_id, data_id) != 0)
            continue;
          for (guint k = 0; k < group->len && !known; k++)
            known = ((TechoJahisPart *) g_ptr_array_index (group, k))->number == part->number;
          if (!known)
            g_ptr_array_add (group, g_steal_pointer (&part));
        }
    }
  return TRUE;
}

/* The texts of the file: the file itself, or each QR code of the image. */
static GPtrArray *
read_texts (TechoImportKind     kind,
            const char         *data,
            gsize               length,
            TechoImportResult  *result,
            GError            **error)
{
  GPtrArray *texts;

  if (kind != TECHO_IMPORT_KIND_IMAGE)
    {
      texts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      g_ptr_array_add (texts, g_bytes_new (data, length));
      return texts;
    }
  texts = techo_qr_image_decode ((const guint8 *) data, length, error);
  if (texts != NULL)
    result->n_codes = texts->len;
  return texts;
}

TechoImportJahis *
techo_import_jahis_prepare (TechoStore       *store,
                            TechoImportFile  *file,
                            const char       *data,
                            gsize             length,
                            GCancellable     *cancellable,
                            GError          **error)
{
  GHashTable *pool = file->part_pool;
  TechoImportResult *result = file->notebook;
  g_autoptr(TechoImportJahis) jahis = g_new0 (TechoImportJahis, 1);
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GHashTable) groups = NULL;
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GPtrArray) pooled = g_ptr_array_new ();

  jahis->dispensings = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  jahis->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_notebook_entry_free);
  jahis->keep = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_jahis_part_free);
  jahis->completed = g_ptr_array_new_with_free_func (g_free);
  groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify) g_ptr_array_unref);

  texts = read_texts (file->kind, data, length, result, error);
  if (texts == NULL)
    return NULL;

  /* Split every text; single-part data is parsed at once. */
  for (guint i = 0; i < texts->len; i++)
    {
      gsize n;
      const char *text = g_bytes_get_data (g_ptr_array_index (texts, i), &n);
      g_autoptr(GPtrArray) parts = NULL;
      g_autofree char *prefix = NULL;

      if (file->kind == TECHO_IMPORT_KIND_IMAGE)
        prefix = g_strdup_printf (_("QR code %u: "), i + 1);
      parts = techo_jahis_split (text != NULL ? text : "", n, error);
      if (parts == NULL)
        {
          if (prefix != NULL)
            g_prefix_error (error, "%s", prefix);
          return NULL;
        }
      while (parts->len > 0)
        {
          TechoJahisPart *part = g_ptr_array_steal_index (parts, 0);
          GPtrArray *group;

          if (part->data_id == NULL)
            {
              g_autoptr(GPtrArray) single = g_ptr_array_new_with_free_func (
                (GDestroyNotify) techo_jahis_part_free);
              g_autoptr(TechoJahisResult) parsed = NULL;

              g_ptr_array_add (single, part);
              parsed = techo_jahis_parse_parts (single, error);
              if (parsed == NULL)
                {
                  if (prefix != NULL)
                    g_prefix_error (error, "%s", prefix);
                  return NULL;
                }
              take_result (jahis, parsed, result, prefix);
              continue;
            }
          group = g_hash_table_lookup (groups, part->data_id);
          if (group == NULL)
            {
              group = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_jahis_part_free);
              g_hash_table_insert (groups, g_strdup (part->data_id), group);
              g_ptr_array_add (order, group);
            }
          g_ptr_array_add (group, part);
        }
    }

  /* Multi-part data: joined with the kept parts when whole, else kept. */
  for (guint i = 0; i < order->len; i++)
    {
      GPtrArray *group = g_ptr_array_index (order, i);
      const TechoJahisPart *first = g_ptr_array_index (group, 0);
      g_autofree char *data_id = g_strdup (first->data_id);
      guint n_new = group->len;

      if (!add_kept_parts (store, pool, data_id, group, cancellable, error))
        return NULL;
      if (group_complete (group))
        {
          g_autoptr(TechoJahisResult) parsed = techo_jahis_parse_parts (group, error);

          if (parsed == NULL)
            return NULL;
          result->n_parts_joined += parsed->n_parts;
          take_result (jahis, parsed, result, NULL);
          g_ptr_array_add (jahis->completed, g_steal_pointer (&data_id));
          continue;
        }
      /* A part of data joined by an earlier import: known, not kept. */
      {
        int joined = techo_store_pending_was_joined_sync (store, data_id, cancellable, error);

        if (joined < 0)
          return NULL;
        if (joined)
          {
            result->n_parts_known += n_new;
            continue;
          }
      }
      /* Still waiting: the parts read now are kept. */
      {
        g_autofree gboolean *have = g_new0 (gboolean, first->total + 1);
        guint n_have = 0;

        for (guint j = 0; j < group->len; j++)
          {
            const TechoJahisPart *part = g_ptr_array_index (group, j);

            if (!have[part->number])
              n_have++;
            have[part->number] = TRUE;
          }
        result->n_parts_pending += n_new;
        result->pending_have = n_have;
        result->pending_total = first->total;
        g_free (result->pending_data_id);
        result->pending_data_id = g_strdup (data_id);
        for (guint j = 0; j < n_new; j++)
          g_ptr_array_add (jahis->keep, g_ptr_array_steal_index (group, 0));
      }
    }

  /* Read whole: the later files of this import see the parts kept now
   * (the QR codes of one receipt in several photos join, also on a dry
   * run, before anything is written) and no longer those of data now whole. */
  for (guint i = 0; pool != NULL && i < jahis->completed->len; i++)
    g_hash_table_remove (pool, g_ptr_array_index (jahis->completed, i));
  for (guint i = 0; pool != NULL && i < jahis->keep->len; i++)
    {
      const TechoJahisPart *part = g_ptr_array_index (jahis->keep, i);
      GPtrArray *kept = g_hash_table_lookup (pool, part->data_id);

      if (kept == NULL)
        {
          kept = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (pool, g_strdup (part->data_id), kept);
        }
      /* Before those of earlier files: the newest copy of a part wins. */
      g_ptr_array_insert (kept, 0, techo_jahis_part_to_text (part));
    }
  return g_steal_pointer (&jahis);
}

TechoMergeNotebook *
techo_import_jahis_to_merge (TechoImportJahis *jahis,
                             guint             group,
                             const char       *file_name)
{
  TechoMergeNotebook *notebook = techo_merge_notebook_new (group, file_name);

  g_ptr_array_unref (notebook->entries);
  notebook->entries = g_ptr_array_ref (jahis->entries);
  for (guint i = 0; i < jahis->keep->len; i++)
    {
      const TechoJahisPart *part = g_ptr_array_index (jahis->keep, i);
      TechoPendingPart *pending = g_new0 (TechoPendingPart, 1);

      pending->data_id = g_strdup (part->data_id);
      pending->number = part->number;
      pending->total = part->total;
      pending->text = techo_jahis_part_to_text (part);
      g_ptr_array_add (notebook->parts, pending);
    }
  for (guint i = 0; i < jahis->completed->len; i++)
    g_ptr_array_add (notebook->joined, g_strdup (g_ptr_array_index (jahis->completed, i)));
  return notebook;
}
