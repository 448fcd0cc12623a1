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

/* A labelled argument of main/impl held as OCaml text, because it is a
 * function of Mirage's info or of values config.ml computes: ~dune,
 * ~configure, ~files, ~install, ~install_v, ~packages_v, ~build... The
 * label (without ~) is data; the code is written back as it was read. */
typedef struct {
  char *label;
  char *code;
} MsLabelled;

/* What a choice device (`if_impl` / `match_impl`) decides on: the value
 * of a configure key ("target" or a key of the project, see MsDecl), or
 * a predicate Mirage derives from the target ("is_solo5", "is_xen",
 * "is_unikraft", "is_unix"). Each case is an input of the device named
 * after its value as OCaml writes it ("true", "false", "`Hvt", "\"a\"");
 * `match_impl` adds the "default" input, taken when no case matches. */
typedef struct {
  char *key;                /* "target" or a key name */
  char *predicate;          /* NULL, or is_solo5 | is_xen | is_unikraft | is_unix (of target) */
  GPtrArray *cases;         /* of char*: the values, in order (first match wins) */
  gboolean has_default;     /* match_impl: the "default" input exists */
} MsChoice;

#define MS_CHOICE_DEFAULT "default"

/* Fields of a custom device (main or impl, or a choice): what config.ml's
 * `main ~packages ~local_libs ~runtime_args ~deps "Module" signature` or
 * `impl ~packages ~keys ~extra_deps ~connect "Module" signature` carries. */
typedef struct {
  char *module;
  char *signature;
  GPtrArray *packages;      /* of MsPackage* */
  GPtrArray *runtime_args;  /* of MsArgDecl* */
  GArray *deps;             /* of guint device ids (main ~deps, impl ~extra_deps) */
  char *connect;            /* impl ~connect as OCaml text (`fun _ _ args -> ...`); NULL: Mirage's default */
  GPtrArray *local_libs;    /* of char*: dune library names (~local_libs) */
  GPtrArray *keys;          /* of char*: names of the project's keys the device declares (~keys) */
  GPtrArray *labelled;      /* of MsLabelled*: the other labelled arguments, as OCaml text */
  MsChoice *choice;         /* choice devices only: the condition and cases */
} MsCustom;

/* A declaration of the project: a device type of the user's own
 * (`type hello = Hello let hello = typ Hello`) or a configure key of the
 * user's own (`Key.create "name" Key.Arg.(opt bool false (info [...]))`,
 * or a key Mirage's DSL makes with a group: `Key.kv_ro ~group:"data" ()`). */
typedef enum {
  MS_DECL_TYPE,
  MS_DECL_KEY,
} MsDeclKind;

typedef struct {
  MsDeclKind kind;
  char *name;           /* type: the OCaml name used in signatures; key: the key's name (CLI identity, "data-kv_ro") */
  char *constructor;    /* type: the OCaml constructor given to typ ("Hello") */
  char *binding;        /* key: the OCaml name config.ml binds it to ("" = none) */
  char *arg_kind;       /* key: opt | flag | required | opt_all, or the DSL's kv_ro | block | net | dhcp */
  char *conv;           /* key: Cmdliner converter as OCaml text ("bool", "string", "(enum [...])") */
  char *default_value;  /* key: OCaml text of the default ("false", "\"x\""), "" for flag/required */
  char *group;          /* key: the DSL key's ~group ("" = none) */
  char *doc;            /* key: info's ~doc */
  char *docv;           /* key: info's ~docv ("" = none) */
  GPtrArray *flags;     /* key: of char*: info's names (["hello"; "h"]) */
} MsDecl;

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
  MS_EDIT_DECL,
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
  MsDecl *old_decl, *new_decl; /* decl: NULL = absent (key holds "type:NAME" / "key:NAME") */
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

MsChoice  *ms_choice_new (const char *key, const char *predicate);
MsChoice  *ms_choice_copy (const MsChoice *c);
void       ms_choice_free (MsChoice *c);
gboolean   ms_choice_equal (const MsChoice *a, const MsChoice *b);
/* The case of choice c the value text selects, or NULL (the default). */
const char *ms_choice_select (const MsChoice *c, const char *value);

MsLabelled *ms_labelled_new (const char *label, const char *code);
void        ms_labelled_free (MsLabelled *l);
const char *ms_custom_get_labelled (const MsCustom *c, const char *label);

MsDecl    *ms_decl_new (MsDeclKind kind, const char *name);
MsDecl    *ms_decl_copy (const MsDecl *d);
void       ms_decl_free (MsDecl *d);
gboolean   ms_decl_equal (const MsDecl *a, const MsDecl *b);
const char *ms_decl_kind_to_string (MsDeclKind kind);    /* "type" | "key" */
gboolean   ms_decl_kind_from_string (const char *s, MsDeclKind *out);
/* "type:NAME" / "key:NAME": the edit key and the store's identity */
char      *ms_decl_id (MsDeclKind kind, const char *name);
/* The flag names of a key as the command line shows them: the info's
 * names, or for a DSL key GROUP-KIND ("data-kv_ro"). */
char      *ms_decl_key_flag (const MsDecl *d);

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
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsDecl, ms_decl_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsChoice, ms_choice_free)

G_END_DECLS
