/* ms-document.h: a project's device graph, and the one path to change it.
 *
 * The document holds devices (instances of catalog constructors, or custom
 * main/impl devices), connections from a device's output to a parameter
 * of another, and settings (application name, target, register choices,
 * jobs, key values "key:NAME", runtime-argument defaults "arg:NAME").
 *
 * Every mutation below is one undoable step made of MsEdits; when a
 * backend is attached (the SQLite store) each step is written in one
 * transaction before the call returns. Listeners get "changed" with the
 * MsChangeSet applied, and "reloaded" when another process changed the
 * file and the contents were read again.
 */
#pragma once

#include <glib-object.h>

#include "ms-catalog.h"
#include "ms-command.h"

G_BEGIN_DECLS

#define MS_TYPE_DOCUMENT (ms_document_get_type ())
G_DECLARE_FINAL_TYPE (MsDocument, ms_document, MS, DOCUMENT, GObject)

#define MS_DOCUMENT_ERROR (ms_document_error_quark ())
GQuark ms_document_error_quark (void);

typedef enum {
  MS_DOCUMENT_ERROR_UNKNOWN_CONSTRUCTOR,
  MS_DOCUMENT_ERROR_UNKNOWN_DEVICE,
  MS_DOCUMENT_ERROR_INVALID_NAME,
  MS_DOCUMENT_ERROR_DUPLICATE_NAME,
  MS_DOCUMENT_ERROR_UNKNOWN_OPTION,
  MS_DOCUMENT_ERROR_UNKNOWN_PARAMETER,
  MS_DOCUMENT_ERROR_UNKNOWN_SETTING,
  MS_DOCUMENT_ERROR_NOTHING_TO_DO,
  MS_DOCUMENT_ERROR_STORAGE,
} MsDocumentError;

/* Settings with a fixed meaning; "key:NAME" and "arg:NAME" are the others. */
#define MS_SETTING_NAME     "name"
#define MS_SETTING_TARGET   "target"
#define MS_SETTING_JOBS     "jobs"      /* comma-separated device ids */
#define MS_SETTING_ARGV     "argv"      /* default | none */
#define MS_SETTING_REPORTER "reporter"  /* default | none */
#define MS_SETTING_LEVEL    "level"     /* reporter level */
#define MS_SETTING_SLEEP    "sleep"
#define MS_SETTING_PTIME    "ptime"
#define MS_SETTING_MTIME    "mtime"
#define MS_SETTING_RANDOM   "random"
#define MS_SETTING_MIRAGE   "mirage"    /* the Mirage version the project targets: 4.10 | 4.11 */
#define MS_SETTING_LOCK     "lock"      /* the lock file of the opam packages, relative to the project file (mstudio resolve --lock) */

typedef struct {
  gboolean (*begin)    (gpointer data, MsDocument *doc, GError **error);
  gboolean (*write)    (gpointer data, MsDocument *doc, const MsEdit *edit, GError **error);
  gboolean (*commit)   (gpointer data, MsDocument *doc, GError **error);
  void     (*rollback) (gpointer data, MsDocument *doc);
} MsDocumentBackend;

MsDocument *ms_document_new (MsCatalog *catalog);
/* The catalog of the Mirage version the project targets: the one given to
 * ms_document_new until the "mirage" setting chooses another. Setting it
 * (an undoable step like any setting) switches the catalog that checks,
 * evaluation and exports read; devices keep their constructor names and
 * are resolved again (a constructor the version lacks is then reported by
 * the checks, not refused). */
MsCatalog  *ms_document_get_catalog (MsDocument *self);
const char *ms_document_get_mirage_version (MsDocument *self);

/* reading */
GPtrArray      *ms_document_get_devices (MsDocument *self);      /* MsDevice*, by id */
const MsDevice *ms_document_get_device (MsDocument *self, guint id);
const MsDevice *ms_document_find_device (MsDocument *self, const char *name);
GPtrArray      *ms_document_get_connections (MsDocument *self);  /* MsConnection*, by target then param */
guint           ms_document_get_source (MsDocument *self, guint target, const char *param);
GPtrArray      *ms_document_get_inputs (MsDocument *self, guint target);  /* MsConnection* into target, or NULL */
const char     *ms_document_get_setting (MsDocument *self, const char *name); /* NULL: unset */
const char     *ms_document_get_setting_or_default (MsDocument *self, const char *name);
GPtrArray      *ms_document_list_settings (MsDocument *self);    /* sorted names of set settings */
GArray         *ms_document_get_jobs (MsDocument *self);         /* new array of guint ids */
const char     *ms_document_get_target (MsDocument *self);
const char     *ms_document_get_app_name (MsDocument *self);
guint           ms_document_get_n_devices (MsDocument *self);

/* Device types and configure keys of the user's own (MsDecl). */
GPtrArray      *ms_document_get_decls (MsDocument *self, MsDeclKind kind);  /* new array of borrowed MsDecl*, by name */
const MsDecl   *ms_document_get_decl (MsDocument *self, MsDeclKind kind, const char *name);
/* The names of the project's device types, for ms_signature_parse_with (g_strfreev). */
char          **ms_document_dup_type_names (MsDocument *self);

/* The constructor of choice devices (if_impl / match_impl): a custom
 * device whose MsCustom has a choice; its signature is the branches' type. */
#define MS_CTOR_CHOICE "choice"

/* A name that is free and valid, derived from base ("stack", "stack_2", ...). */
char *ms_document_suggest_name (MsDocument *self, const char *base);
gboolean ms_device_name_is_valid (const char *name, char **why);

/* changing: each call is one undoable step (or part of an open group) */
guint    ms_document_add_device (MsDocument *self, const char *ctor, const char *name, GError **error);
gboolean ms_document_remove_device (MsDocument *self, guint id, GError **error);
gboolean ms_document_rename_device (MsDocument *self, guint id, const char *name, GError **error);
gboolean ms_document_set_option (MsDocument *self, guint id, const char *option, const char *value, GError **error);
gboolean ms_document_move_device (MsDocument *self, guint id, double x, double y, GError **error);
gboolean ms_document_unplace_device (MsDocument *self, guint id, GError **error);
gboolean ms_document_set_custom (MsDocument *self, guint id, const MsCustom *custom, GError **error);
gboolean ms_document_connect (MsDocument *self, guint source, guint target, const char *param, GError **error);
gboolean ms_document_disconnect (MsDocument *self, guint target, const char *param, GError **error);
gboolean ms_document_set_setting (MsDocument *self, const char *name, const char *value, GError **error);
gboolean ms_document_set_jobs (MsDocument *self, const guint *ids, guint n_ids, GError **error);
/* Adds or replaces the declaration of that kind and name (validated). */
gboolean ms_document_set_decl (MsDocument *self, const MsDecl *decl, GError **error);
gboolean ms_document_remove_decl (MsDocument *self, MsDeclKind kind, const char *name, GError **error);

void     ms_document_begin_group (MsDocument *self, const char *label);
gboolean ms_document_end_group (MsDocument *self, GError **error);

gboolean    ms_document_can_undo (MsDocument *self);
gboolean    ms_document_can_redo (MsDocument *self);
const char *ms_document_get_undo_label (MsDocument *self);
const char *ms_document_get_redo_label (MsDocument *self);
gboolean    ms_document_undo (MsDocument *self, GError **error);
gboolean    ms_document_redo (MsDocument *self, GError **error);
/* Forgets every step: for changes the user did not make, such as the
 * placing of devices a file had left unplaced when it is first shown. */
void        ms_document_clear_history (MsDocument *self);

/* for the store: persistence hook, and loading without history */
void     ms_document_set_backend (MsDocument *self, const MsDocumentBackend *backend, gpointer data);
void     ms_document_load_begin (MsDocument *self);
void     ms_document_load_device (MsDocument *self, MsDevice *device);   /* takes ownership */
void     ms_document_load_connection (MsDocument *self, guint target, const char *param, guint source);
void     ms_document_load_setting (MsDocument *self, const char *name, const char *value);
void     ms_document_load_decl (MsDocument *self, MsDecl *decl);          /* takes ownership */
void     ms_document_load_end (MsDocument *self, gboolean reloaded);
guint    ms_document_get_next_id (MsDocument *self);

G_END_DECLS
