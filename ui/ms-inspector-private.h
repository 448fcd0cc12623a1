/* ms-inspector-private.h: what the inspector's page builders share.
 *
 * Each editable row is a Field: its focus id (the name the problems list
 * uses), where its value lives in the document, how to validate and apply
 * an edit. Pages are rebuilt only when their structure changes; otherwise
 * the fields are refreshed in place, so a row being typed in keeps its
 * text and the focus.
 */
#pragma once

#include <adwaita.h>
#include <glib/gi18n.h>

#include "ms-inspector.h"
#include "ms-check.h"
#include "ms-eval.h"
#include "ms-resolve.h"

G_BEGIN_DECLS

typedef struct _Field Field;

typedef enum {
  EDITOR_NONE,          /* a button row: focusable, nothing to edit */
  EDITOR_ENTRY,
  EDITOR_SWITCH,
  EDITOR_SPIN,
  EDITOR_COMBO,
  EDITOR_CHECK,
} EditorKind;

/* Current value of a field in the document (NULL: unset); new string. */
typedef char    *(*FieldGet)      (Field *f);
/* Applies value (NULL: unset / reset to default). */
typedef gboolean (*FieldApply)    (Field *f, const char *value, GError **error);
/* FALSE with *why (new string) for a value that must not be applied. */
typedef gboolean (*FieldValidate) (Field *f, const char *value, char **why);

struct _Field
{
  MsInspector *self;
  char *id;             /* focus id: "name", an option, "key:x", "sig:2", ... */
  char *key;            /* option or setting name, or the field's own key */
  char *value_type;     /* NULL: any text */
  char *hint;           /* the dim line under the row when all is well */
  char *default_value;  /* what an unset value means, shown by switches and spins */
  EditorKind editor_kind;
  char **choices;       /* combo: the value of each item, "" for "default" */
  guint index;          /* position for list fields (signature, runtime args) */
  gboolean keep_empty;  /* apply "" as a value rather than as unset */
  gboolean resettable;
  FieldGet get;
  FieldApply apply;
  FieldValidate validate;

  GtkWidget *row;       /* focus target */
  GtkWidget *editor;    /* entry row, switch, spin button or combo row */
  GtkWidget *hint_row;
  GtkWidget *hint_label;
  GtkWidget *reset;
  char *shown;          /* the value last put into the editor */
  gboolean updating;    /* set while we change the editor ourselves */
  gboolean has_error;
};

struct _MsInspector
{
  GtkWidget parent_instance;

  MsDocument *doc;
  guint device;
  MsEvalGraph *app_eval;   /* made by the application page's structure, used by its build */
  guint wire_target;       /* a wire shown: the input it feeds (device 0 then) */
  char *wire_param;
  char *wire_types[2];     /* its ends' types, from the structure for the build */
  gulong changed_id, reloaded_id;

  GtkWidget *scroller;
  GtkWidget *diagnostics_box;
  GtkWidget *page_box;

  GPtrArray *fields;       /* Field* of the current page */
  char *structure;         /* what the current page was built from */
  GPtrArray *diagnostics;  /* MsDiagnostic*, the window's or our own */
  gboolean external_diagnostics;
  char *diagnostics_key;   /* what the diagnostics box shows */
  guint refresh_idle;
  char *pending_focus;     /* field to focus after the next refresh */
  char *page_identity;     /* what the page shows ("device:7"), to keep its scroll across rebuilds */
  double scroll_to_restore;
  guint scroll_tick;       /* restores the scroll once the rebuilt rows are laid out */
  guint scroll_ticks;
  GHashTable *resolved;    /* the Packages page's answer: device name -> GPtrArray of MsResolvedPackage*, or NULL */
  gboolean resolve_conflict;  /* its latest resolution was a conflict */
};

/* Catalog and user text in row titles and subtitles goes through these:
 * they turn markup off first (libadwaita parses titles as markup by
 * default, and "a < b" would not show). */
void       ms_row_set_title (GtkWidget *row, const char *title);
void       ms_row_set_subtitle (GtkWidget *row, const char *subtitle);

/* ms-inspector.c: fields and editors */
Field     *ms_inspector_field_new (MsInspector *self, const char *id, const char *key);
GtkWidget *ms_inspector_add_value_row (MsInspector *self, GtkWidget *group, Field *f,
                                       const char *title, const char *default_value,
                                       const char *doc);
GtkWidget *ms_inspector_add_entry_row (MsInspector *self, GtkWidget *group, Field *f,
                                       const char *title);
GtkWidget *ms_inspector_add_combo_row (MsInspector *self, GtkWidget *group, Field *f,
                                       const char *title, const char *subtitle,
                                       const char *const *values, const char *const *labels);
/* A check button row (row already built): value "true" or "false". */
void       ms_inspector_field_attach_check (Field *f, GtkWidget *row, GtkWidget *check);
void       ms_inspector_field_set_error (Field *f, const char *message);
void       ms_inspector_toast (MsInspector *self, const char *message, gboolean offer_undo);
/* Reports error (inline on f when given, else as a toast); NOTHING_TO_DO is silent. */
void       ms_inspector_report (MsInspector *self, Field *f, GError *error);
GtkWidget *ms_inspector_group_new (MsInspector *self, const char *title, const char *description);
GtkWidget *ms_inspector_info_row (GtkWidget *group, const char *title, const char *subtitle);
/* A flat icon button for the end of a row, tip its tooltip and its
 * accessible name, clicked(button, data) when pressed. */
GtkWidget *ms_inspector_row_button (const char *icon, const char *tip, GCallback clicked,
                                    gpointer data);
char      *ms_inspector_value_hint (const char *value_type, const char *default_value,
                                    const char *doc);

char *ms_field_get_option (Field *f);
gboolean ms_field_apply_option (Field *f, const char *value, GError **error);
char *ms_field_get_setting (Field *f);
gboolean ms_field_apply_setting (Field *f, const char *value, GError **error);

/* Focuses field after the refresh the current edit scheduled: buttons
 * that change the structure call this, as their row is about to go. */
void  ms_inspector_focus_field_later (MsInspector *self, const char *field);

/* pages: each returns its structure key, and builds when build is TRUE */
char *ms_inspector_device_structure (MsInspector *self, const MsDevice *d);
void  ms_inspector_build_device (MsInspector *self, const MsDevice *d);
/* ms-inspector-device.c: the versions resolved for the device's packages */
void  ms_inspector_add_resolved_group (MsInspector *self, const MsDevice *d);
void  ms_inspector_build_main (MsInspector *self, const MsDevice *d);
/* ms-inspector-choice.c: a choice device's page, and what its structure adds */
void  ms_inspector_build_choice (MsInspector *self, const MsDevice *d);
void  ms_inspector_choice_structure (MsInspector *self, const MsDevice *d, GString *s);
/* ms-inspector-custom.c: an impl's connect code, a main's local libraries */
void  ms_inspector_add_connect_group (MsInspector *self, const MsDevice *d);
void  ms_inspector_add_local_libs_group (MsInspector *self, const MsDevice *d);
void  ms_inspector_add_deps_group (MsInspector *self, const MsDevice *d);
void  ms_inspector_custom_structure (MsInspector *self, const MsDevice *d, GString *s);
/* ms-inspector-decls.c: the application page's keys and device types of the user's own */
void  ms_inspector_add_decls_groups (MsInspector *self);
void  ms_inspector_decls_structure (MsInspector *self, GString *s);
char *ms_inspector_app_structure (MsInspector *self);
/* the wire page: NULL structure when the wire is gone */
gboolean ms_inspector_wire_ends (MsInspector *self, const MsDevice **source, const MsDevice **target);
char *ms_inspector_wire_structure (MsInspector *self);
void  ms_inspector_build_wire (MsInspector *self);
/* Asks for device (and its port, or NULL) to be shown: signal "reveal". */
void  ms_inspector_reveal (MsInspector *self, guint device, const char *port);
void  ms_inspector_add_target_row (MsInspector *self, GtkWidget *group);
void  ms_inspector_build_app (MsInspector *self);

G_END_DECLS
