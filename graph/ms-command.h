/* ms-command.h: the primitive edits every document change is made of.
 *
 * A user action (add a device, connect, rename, undo...) becomes a list
 * of edits. Each edit is reversible on its own, so undo is "apply the
 * inverses in reverse order", the store persists an action by writing its
 * edits, and the studio redraws what the edits name.
 */
#pragma once

#include <glib.h>

#include "ms-catalog.h"

G_BEGIN_DECLS

typedef struct {
  char *name;
  char *type;           /* value type */
  char *default_value;
  char *doc;
} MsArgDecl;

/* Fields of a custom device (main or impl): what config.ml's
 * `main ~packages ~runtime_args ~deps "Module" signature` carries. */
typedef struct {
  char *module;
  char *signature;
  GPtrArray *packages;      /* of MsPackage* */
  GPtrArray *runtime_args;  /* of MsArgDecl* */
  GArray *deps;             /* of guint device ids */
} MsCustom;

typedef struct {
  guint id;
  char *name;
  char *ctor;
  const MsConstructor *def; /* the catalog's constructor, resolved by the document; NULL if unknown */
  GHashTable *options;      /* option name -> value, only options that are set */
  gboolean placed;
  double x, y;
  MsCustom *custom;         /* custom devices only */
} MsDevice;

typedef struct {
  guint target;
  char *param;              /* parameter name, or 1-based position for custom devices */
  guint source;
} MsConnection;

typedef enum {
  MS_EDIT_INSERT_DEVICE,
  MS_EDIT_DELETE_DEVICE,
  MS_EDIT_RENAME,
  MS_EDIT_OPTION,
  MS_EDIT_POSITION,
  MS_EDIT_CUSTOM,
  MS_EDIT_CONNECTION,
  MS_EDIT_SETTING,
} MsEditKind;

typedef struct {
  MsEditKind kind;
  guint device;             /* the device (the target, for connections) */
  char *key;                /* option, parameter or setting name */
  char *old_value;          /* rename, option, setting; NULL = unset */
  char *new_value;
  guint old_source;         /* connection; 0 = none */
  guint new_source;
  gboolean old_placed, new_placed;
  double old_x, old_y, new_x, new_y;
  MsCustom *old_custom, *new_custom;
  MsDevice *snapshot;       /* insert and delete */
} MsEdit;

typedef struct {
  char *label;              /* "Add generic_stackv4v6", "Undo Rename", ... */
  GPtrArray *edits;         /* of MsEdit*, in the order applied */
} MsChangeSet;

MsArgDecl *ms_arg_decl_new (const char *name, const char *type,
                            const char *default_value, const char *doc);
MsArgDecl *ms_arg_decl_copy (const MsArgDecl *a);
void       ms_arg_decl_free (MsArgDecl *a);

MsCustom  *ms_custom_new (const char *module, const char *signature);
MsCustom  *ms_custom_copy (const MsCustom *c);
void       ms_custom_free (MsCustom *c);
gboolean   ms_custom_equal (const MsCustom *a, const MsCustom *b);

MsDevice  *ms_device_new (guint id, const char *name, const char *ctor);
MsDevice  *ms_device_copy (const MsDevice *d);
void       ms_device_free (MsDevice *d);
const char *ms_device_get_option (const MsDevice *d, const char *option);

MsEdit    *ms_edit_new (MsEditKind kind, guint device);
MsEdit    *ms_edit_invert (const MsEdit *e);
void       ms_edit_free (MsEdit *e);

MsChangeSet *ms_change_set_new (const char *label);
void         ms_change_set_free (MsChangeSet *c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsCustom, ms_custom_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsDevice, ms_device_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsEdit, ms_edit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsChangeSet, ms_change_set_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsArgDecl, ms_arg_decl_free)

G_END_DECLS
