/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-import-jahis-private.h: the medication notebook's side of an import (JAHIS
 * text, or the QR codes of a photo): multi-part data joined with the parts
 * the store keeps from earlier imports, the parts still missing kept until
 * they arrive. Used by techo-import.c only. */

#pragma once

#include "techo-import.h"

G_BEGIN_DECLS

typedef struct
{
  TechoProfile *patient;     /* the first patient record of the data read */
  GPtrArray *dispensings;    /* of TechoDispensing, every complete data */
  GPtrArray *entries;        /* of TechoNotebookEntry */
  GPtrArray *keep;           /* of TechoJahisPart: parts to keep pending */
  GPtrArray *completed;      /* of char *: data ids now whole */
} TechoImportJahis;

void techo_import_jahis_free (TechoImportJahis *jahis);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoImportJahis, techo_import_jahis_free)

/* Reads @data, @file's contents (JAHIS text, or a PNG/JPEG image of QR
 * codes when its kind is TECHO_IMPORT_KIND_IMAGE), joins multi-part data
 * with the parts earlier files of this import brought (its part_pool:
 * data id → GPtrArray of part texts, nullable; updated when the file
 * reads whole) and the parts @store keeps, and parses every data now
 * whole. Writes nothing. Fills @file->notebook's (not NULL) counts of
 * parts, codes and warnings. */
TechoImportJahis *techo_import_jahis_prepare (TechoStore       *store,
                                              TechoImportFile  *file,
                                              const char       *data,
                                              gsize             length,
                                              GCancellable     *cancellable,
                                              GError          **error);

/* What the merge writes in the import's transaction beside the
 * dispensings (whose details travel on the records): the entries, the
 * parts still waiting, the data ids now whole. */
TechoMergeNotebook *techo_import_jahis_to_merge (TechoImportJahis *jahis,
                                                 guint             group,
                                                 const char       *file_name);

G_END_DECLS
