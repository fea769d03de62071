/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-atomic-file.h: writes an export so that the target path holds
 * either the old file (or nothing) or the whole new file, never a part:
 * a temporary file in the same folder (0600), written and fsync'd, then
 * renamed over the target, then the folder fsync'd. A kill at any moment
 * leaves at most a hidden ".techo-*.tmp" beside the target. */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Writes @length bytes at @data to @path (mode 0600). Errors are in
 * G_IO_ERROR with a message naming the file. */
gboolean techo_atomic_file_write       (const char     *path,
                                        const void     *data,
                                        gsize           length,
                                        GCancellable   *cancellable,
                                        GError        **error);
gboolean techo_atomic_file_write_bytes (const char     *path,
                                        GBytes         *bytes,
                                        GCancellable   *cancellable,
                                        GError        **error);

G_END_DECLS
