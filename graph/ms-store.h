/* ms-store.h: project files (.mstudio), an SQLite database per project.
 *
 * A document made or opened here is attached to its file: every change
 * made through the document is written in one SQLite transaction before
 * the call returns, so there is no Save, and a crash or kill -9 loses at
 * most the change in flight. Several documents (in one process or in
 * several) may have the same file open; each sees the others' changes at
 * its next edit, or at ms_store_refresh().
 *
 * A file that is missing, not SQLite, another program's database, written
 * by a newer Mirage Studio, or damaged is refused with an MS_STORE_ERROR
 * that names the file and the problem, and is left byte-for-byte as it was.
 * Files of an older project format are upgraded in place when opened.
 *
 * The attachment lives as long as the document (it is object data), so
 * dropping the last reference closes the file.
 */
#pragma once

#include "ms-document.h"

G_BEGIN_DECLS

#define MS_STORE_EXTENSION ".mstudio"

/* PRAGMA application_id of every project file: "MSTU". */
#define MS_STORE_APPLICATION_ID 0x4d535455

#define MS_STORE_ERROR (ms_store_error_quark ())
GQuark ms_store_error_quark (void);

typedef enum {
  MS_STORE_ERROR_NOT_FOUND,      /* no such file */
  MS_STORE_ERROR_EXISTS,         /* create/save_as onto something that must not be replaced */
  MS_STORE_ERROR_NOT_A_PROJECT,  /* not SQLite, or another program's database */
  MS_STORE_ERROR_DAMAGED,        /* truncated, corrupt, or rows that make no sense */
  MS_STORE_ERROR_NEWER_VERSION,  /* project format newer than this program reads */
  MS_STORE_ERROR_BUSY,           /* another program kept the file locked too long */
  MS_STORE_ERROR_IO,             /* cannot read/write: permissions, read-only media... */
  MS_STORE_ERROR_FULL,           /* the disk (or quota) is full */
  MS_STORE_ERROR_LINKED,         /* the file has other hard-linked names: writing could lose edits */
  MS_STORE_ERROR_READ_ONLY,      /* the file, its folder or its file system cannot be written */
} MsStoreError;

/* Makes a new project file holding an empty document (with the
 * application name setting, if app_name is not NULL). Fails with
 * MS_STORE_ERROR_EXISTS if path exists. */
MsDocument *ms_store_create (const char  *path,
                             MsCatalog   *catalog,
                             const char  *app_name,
                             GError     **error);

/* Makes a new project file in a temporary file next to path (same
 * folder, so that it can be renamed into place), with the application
 * name setting if app_name is not NULL, and returns the temporary's path.
 * Fill it (ms_store_open on the temporary), then ms_store_publish() it,
 * or ms_store_discard() it: a project is never seen half-made at path,
 * even if the program is killed while making it. */
char       *ms_store_create_temporary (const char  *path,
                                       MsCatalog   *catalog,
                                       const char  *app_name,
                                       GError     **error);

/* Renames a temporary made by ms_store_create_temporary() to path, unless
 * path exists (MS_STORE_ERROR_EXISTS; the temporary stays). The temporary
 * must not be open. */
gboolean    ms_store_publish (const char  *temporary,
                              const char  *path,
                              GError     **error);

/* Removes a temporary project and the journal files next to it. */
void        ms_store_discard (const char *temporary);

/* Reads a project file and attaches the document to it. Refuses a file
 * with more than one hard-linked name (MS_STORE_ERROR_LINKED): SQLite
 * keeps its write-ahead log per name, so edits made through two names
 * at once can be lost. Before the first write, the file passes PRAGMA
 * integrity_check (indexes match their tables), not only quick_check. */
MsDocument *ms_store_open (const char  *path,
                           MsCatalog   *catalog,
                           GError     **error);

/* Reads a project file into a document that is not attached to it: for
 * showing, checking or building a project, including one on read-only
 * media. Writes nothing, not even -wal/-shm files when nobody has the
 * project open. Edits to the document stay in memory. */
MsDocument *ms_store_open_read_only (const char  *path,
                                     MsCatalog   *catalog,
                                     GError     **error);

/* Writes a consistent copy of the document's project to path, replacing
 * path atomically if it exists (unless it is a project open right now, or
 * the document's own file). An attached document stays attached to its
 * original file; a document not attached to any file (ms_document_new, an
 * import) is written as it is in memory and stays unattached. Every file
 * names the Mirage version its project targets: a document without the
 * "mirage" setting gets its catalog's version recorded, in the file and
 * in memory. */
gboolean    ms_store_save_as (MsDocument  *doc,
                              const char  *path,
                              GError     **error);

/* Save As: writes a copy of the project to path as ms_store_save_as()
 * does, then attaches doc to the copy instead of its original file. The
 * document keeps its undo and redo history: later edits, and undoing or
 * redoing earlier ones, are written to the copy; the original stays as it
 * was at the copy. If another program changed the original just before
 * the copy, the document is reloaded from the copy ("reloaded", and the
 * history is dropped, as any reload does). On failure doc stays attached
 * to its original file. */
gboolean    ms_store_save_as_and_switch (MsDocument  *doc,
                                         const char  *path,
                                         GError     **error);

/* Reads the file again if another connection changed it since this
 * document last read or wrote it ("reloaded" is emitted then). For a
 * studio window to call when the file changes on disk, or on a timer. */
gboolean    ms_store_refresh (MsDocument  *doc,
                              GError     **error);

const char *ms_store_get_path (MsDocument *doc);   /* NULL: not attached */
int         ms_store_get_schema_version (void);

G_END_DECLS
