/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-atomic-file.h: writes an export so that the target path holds
 * either the old file (or nothing) or the whole new file, never a part:
 * a temporary file in the same folder (0600; unnamed with O_TMPFILE where
 * the file system has it), written and fsync'd, named, renamed over the
 * target, then the folder fsync'd. A kill while writing leaves nothing;
 * only one in the instant between naming and renaming leaves a complete
 * hidden ".techo-*.tmp" beside the target. */

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
