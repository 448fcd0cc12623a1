/* ms-inspector.h: the properties of what is selected.
 *
 * For a device: name (rename with validation), constructor and its
 * documentation, optional arguments with typed editors validated inline,
 * the keys and runtime args it introduces, the packages it adds. For a
 * main node: module, signature editor, packages, runtime args. For a
 * wire: what feeds what, with the types at both ends, and Disconnect.
 * With nothing selected: the application (name, target, register options,
 * every key and runtime arg of the graph). Edits go through MsDocument.
 */
#pragma once

#include <adwaita.h>

#include "ms-document.h"

G_BEGIN_DECLS

#define MS_TYPE_INSPECTOR (ms_inspector_get_type ())
G_DECLARE_FINAL_TYPE (MsInspector, ms_inspector, MS, INSPECTOR, GtkWidget)

GtkWidget *ms_inspector_new (void);
/* property "document" */
void       ms_inspector_set_document (MsInspector *self, MsDocument *doc);
/* property "device": the device shown, 0 for the application page */
void       ms_inspector_set_device (MsInspector *self, guint id);
guint      ms_inspector_get_device (MsInspector *self);
/* The wire feeding target.param (device becomes 0); ms_inspector_set_device
 * leaves the wire page. get: FALSE when no wire is shown; param is the
 * inspector's. */
void       ms_inspector_set_wire (MsInspector *self, guint target, const char *param);
gboolean   ms_inspector_get_wire (MsInspector *self, guint *target, const char **param);
/* Moves keyboard focus into the first editable field (field NULL), or
 * into the field named (an option name, "name", "module", "signature",
 * "packages", "args", a setting such as "target", "jobs", "level",
 * "key:net" or "arg:port"), as the problems list asks; a field the page
 * does not have focuses nothing. TRUE if the focus moved. */
gboolean   ms_inspector_focus_field (MsInspector *self, const char *field);

MsDocument *ms_inspector_get_document (MsInspector *self);
/* The window's latest ms_check_document () result (MsDiagnostic*, a
 * reference is kept); the inspector shows the ones about what it shows.
 * Until this is called the inspector runs the checks itself after each
 * change. */
void       ms_inspector_set_diagnostics (MsInspector *self, GPtrArray *diagnostics);
/* The Packages page's latest answer: each device's resolved packages
 * (device name -> GPtrArray of MsResolvedPackage*, a reference is kept;
 * NULL: none), and whether it was a conflict instead. A device's page
 * lists the versions chosen for its packages. */
void       ms_inspector_set_resolution (MsInspector *self, GHashTable *by_device, gboolean conflict);
/* Brings the page up to date now instead of at the next idle. */
void       ms_inspector_refresh (MsInspector *self);
/* The editor of a field (an AdwEntryRow, GtkSwitch, GtkSpinButton,
 * AdwComboRow or GtkCheckButton), NULL if the page has no such field;
 * and the error shown under it, NULL when there is none. */
GtkWidget  *ms_inspector_get_field_widget (MsInspector *self, const char *field);
const char *ms_inspector_get_field_message (MsInspector *self, const char *field);
/* The description on the line under a field (entries, drop-downs, spin
 * buttons), NULL when it has none or shows an error instead. */
const char *ms_inspector_get_field_hint (MsInspector *self, const char *field);

/* Signals: "toast" (const char *message, gboolean offer_undo);
 * "reveal" (guint device, const char *port): the user asked to see a
 * device (and port, or NULL) on the canvas. */

G_END_DECLS
