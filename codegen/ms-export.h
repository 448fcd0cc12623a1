/* ms-export.h: what the exporters (config.ml, unikernel.ml, CI) share.
 *
 * An export targets one Mirage version, given as its catalog. The project
 * is read through a copy rebased on that catalog, so that its checks,
 * constructors and argument orders are the ones of that version; what the
 * version lacks (a constructor, an option or input, a key) is an error
 * that names the device and the option, never silently dropped.
 */
#pragma once

#include "ms-catalog.h"
#include "ms-document.h"

G_BEGIN_DECLS

#define MS_EXPORT_ERROR (ms_export_error_quark ())
GQuark ms_export_error_quark (void);

typedef enum {
  MS_EXPORT_ERROR_INCOMPATIBLE,   /* the project uses what this Mirage version lacks */
  MS_EXPORT_ERROR_INVALID,        /* the project cannot be written as valid code */
  MS_EXPORT_ERROR_CHECK,          /* mstudio check finds errors (exportable with force) */
  MS_EXPORT_ERROR_EXISTS,         /* a file that is never replaced exists */
  MS_EXPORT_ERROR_IO,
} MsExportError;

typedef enum {
  MS_EXPORT_FLAGS_NONE = 0,
  MS_EXPORT_FORCE = 1 << 0,       /* export even when check finds errors */
} MsExportFlags;

/* A copy of doc's devices, connections and settings on catalog. */
MsDocument *ms_export_rebase (MsDocument *doc, MsCatalog *catalog);

/* Prepares an export of doc for catalog's Mirage version: rebases it,
 * refuses what the version lacks and (without MS_EXPORT_FORCE) projects
 * with check errors. Returns the rebased document. */
MsDocument *ms_export_prepare (MsDocument   *doc,
                               MsCatalog    *catalog,
                               MsExportFlags flags,
                               GError      **error);

/* Device ids in dependency order: sources of connections and deps come
 * before their users; among devices ready at the same time, the smaller
 * id first. NULL with an error on a cycle. */
GArray *ms_export_device_order (MsDocument *doc, GError **error);

/* "Unikernel.Main": dot-separated capitalised OCaml module names. */
gboolean ms_export_module_path_is_valid (const char *path);

/* "unikernel" for "Unikernel.Main": the compilation unit, uncapitalised. */
char *ms_export_unit_name (const char *module_path);

/* A name usable as an OCaml value in generated code next to `open
 * Mirage`: an identifier, not a keyword, not one of Mirage's values or
 * types in catalog, not one of the names generated code refers to. */
gboolean ms_export_name_is_usable (MsCatalog *catalog, const char *name);

/* The catalog's "mirage" package bounds: ("4.11.0", "4.12.0"). */
gboolean ms_export_mirage_bounds (MsCatalog *catalog, const char **min, const char **max);

/* The project's key settings as configure flags, e.g. "--kv_ro=direct"
 * (shell-quoted as needed), sorted. */
GPtrArray *ms_export_key_flags (MsDocument *doc);

/* Writes path atomically. With replace, an existing file (or symlink) is
 * replaced by a new file; without, an existing name (even a dangling
 * symlink) is an MS_EXPORT_ERROR_EXISTS error and nothing is written.
 * Symlinks are never followed. */
gboolean ms_export_write_file (const char *path,
                               const char *text,
                               gboolean    replace,
                               GError    **error);

G_END_DECLS
