/* ms-problems-view.c: the diagnostics of the project as a list.
 *
 * A GtkListView over a GListStore of tiny wrappers, so thousands of
 * diagnostics cost only the rows on screen. The words are those of
 * `mstudio check` (ms_diagnostic_format), split into severity, message,
 * place and code; the row's accessible label is the formatted line.
 *
 * After the checks' problems come the messages of the import that made
 * the project (what a config.ml had that the project could not keep), so
 * that the studio's user reads what `mstudio import` prints. They stay
 * while the project is open; the checks never recompute them.
 */
#include "ms-problems-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "ms-style.h"

/* ---- the list item ---------------------------------------------------------- */

#define MS_TYPE_PROBLEM_ITEM (ms_problem_item_get_type ())
G_DECLARE_FINAL_TYPE (MsProblemItem, ms_problem_item, MS, PROBLEM_ITEM, GObject)

struct _MsProblemItem
{
  GObject parent_instance;
  GPtrArray *owner;            /* keeps the diagnostic alive */
  const MsDiagnostic *diag;
};

G_DEFINE_FINAL_TYPE (MsProblemItem, ms_problem_item, G_TYPE_OBJECT)

static void
ms_problem_item_finalize (GObject *object)
{
  MsProblemItem *self = MS_PROBLEM_ITEM (object);

  g_clear_pointer (&self->owner, g_ptr_array_unref);
  G_OBJECT_CLASS (ms_problem_item_parent_class)->finalize (object);
}

static void
ms_problem_item_class_init (MsProblemItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ms_problem_item_finalize;
}

static void
ms_problem_item_init (MsProblemItem *self)
{
}

static MsProblemItem *
ms_problem_item_new (GPtrArray *owner, const MsDiagnostic *diag)
{
  MsProblemItem *item = g_object_new (MS_TYPE_PROBLEM_ITEM, NULL);

  item->owner = g_ptr_array_ref (owner);
  item->diag = diag;
  return item;
}

/* ---- the view ---------------------------------------------------------------- */

typedef enum {
  FILTER_ALL,
  FILTER_ERRORS,
  FILTER_WARNINGS,
} Filter;

struct _MsProblemsView
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkStack *stack;
  GtkListView *list_view;
  AdwStatusPage *empty_page;
  GtkWidget *filter_box;
  GtkToggleButton *all_button;
  GtkToggleButton *errors_button;
  GtkToggleButton *warnings_button;
  GtkLabel *errors_label;
  GtkLabel *warnings_label;

  GListStore *store;
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GPtrArray *diagnostics;
  GPtrArray *imported;         /* MsDiagnostic* made from the import report, or NULL */
  Filter mode;
  guint n_errors;
  guint n_warnings;
};

G_DEFINE_FINAL_TYPE (MsProblemsView, ms_problems_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_N_ERRORS,
  PROP_N_WARNINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROBLEM_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The place as ms_diagnostic_format writes it, or NULL for the project. */
static char *
diagnostic_place (const MsDiagnostic *d)
{
  if (d->device != NULL)
    {
      if (d->port != NULL)
        return g_strdup_printf ("%s.%s", d->device, d->port);
      if (d->option != NULL)
        return g_strdup_printf ("%s.%s", d->device, d->option);
      return g_strdup (d->device);
    }
  return g_strdup (d->setting);
}

static const char *
severity_icon (MsSeverity s)
{
  switch (s)
    {
    case MS_SEVERITY_ERROR: return "dialog-error-symbolic";
    case MS_SEVERITY_WARNING: return "dialog-warning-symbolic";
    case MS_SEVERITY_INFO:
    default: return "dialog-information-symbolic";
    }
}

static const char *
severity_tooltip (MsSeverity s)
{
  switch (s)
    {
    case MS_SEVERITY_ERROR: return _("Error");
    case MS_SEVERITY_WARNING: return _("Warning");
    case MS_SEVERITY_INFO:
    default: return _("Information");
    }
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer data)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *message = gtk_label_new (NULL);
  GtkWidget *details = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *place = gtk_label_new (NULL);
  GtkWidget *code = gtk_label_new (NULL);

  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (message), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (message, TRUE);
  gtk_label_set_xalign (GTK_LABEL (place), 0);
  gtk_label_set_ellipsize (GTK_LABEL (place), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (place, "caption");
  gtk_widget_add_css_class (place, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (code), 0);
  gtk_widget_add_css_class (code, "caption");
  gtk_widget_add_css_class (code, "dim-label");
  gtk_widget_add_css_class (code, "monospace");

  gtk_box_append (GTK_BOX (details), place);
  gtk_box_append (GTK_BOX (details), code);
  gtk_box_append (GTK_BOX (text), message);
  gtk_box_append (GTK_BOX (text), details);
  gtk_box_append (GTK_BOX (row), icon);
  gtk_box_append (GTK_BOX (row), text);
  gtk_list_item_set_child (list_item, row);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer data)
{
  MsProblemItem *item = gtk_list_item_get_item (list_item);
  const MsDiagnostic *d = item->diag;
  GtkWidget *row = gtk_list_item_get_child (list_item);
  GtkWidget *icon = gtk_widget_get_first_child (row);
  GtkWidget *text = gtk_widget_get_next_sibling (icon);
  GtkWidget *message = gtk_widget_get_first_child (text);
  GtkWidget *details = gtk_widget_get_next_sibling (message);
  GtkWidget *place = gtk_widget_get_first_child (details);
  GtkWidget *code = gtk_widget_get_next_sibling (place);
  g_autofree char *place_text = diagnostic_place (d);
  g_autofree char *formatted = ms_diagnostic_format (d);

  gtk_image_set_from_icon_name (GTK_IMAGE (icon), severity_icon (d->severity));
  gtk_widget_set_tooltip_text (icon, severity_tooltip (d->severity));
  gtk_widget_remove_css_class (icon, "error");
  gtk_widget_remove_css_class (icon, "warning");
  if (d->severity == MS_SEVERITY_ERROR)
    gtk_widget_add_css_class (icon, "error");
  else if (d->severity == MS_SEVERITY_WARNING)
    gtk_widget_add_css_class (icon, "warning");

  gtk_label_set_text (GTK_LABEL (message), d->message);
  gtk_label_set_text (GTK_LABEL (place), place_text ? place_text : _("project"));
  gtk_label_set_text (GTK_LABEL (code), d->code);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, formatted,
                                  -1);
}

static gboolean
filter_func (gpointer item, gpointer data)
{
  MsProblemsView *self = data;
  const MsDiagnostic *d = MS_PROBLEM_ITEM (item)->diag;

  switch (self->mode)
    {
    case FILTER_ERRORS: return d->severity == MS_SEVERITY_ERROR;
    case FILTER_WARNINGS: return d->severity == MS_SEVERITY_WARNING;
    case FILTER_ALL:
    default: return TRUE;
    }
}

static guint
n_checked (MsProblemsView *self)
{
  return self->diagnostics ? self->diagnostics->len : 0;
}

static guint
n_imported (MsProblemsView *self)
{
  return self->imported ? self->imported->len : 0;
}

static void
update_state (MsProblemsView *self)
{
  gboolean empty = n_checked (self) + n_imported (self) == 0;
  g_autofree char *errors = g_strdup_printf (ngettext ("%u Error", "%u Errors", self->n_errors),
                                             self->n_errors);
  g_autofree char *warnings = g_strdup_printf (ngettext ("%u Warning", "%u Warnings", self->n_warnings),
                                               self->n_warnings);

  gtk_label_set_text (self->errors_label, errors);
  gtk_label_set_text (self->warnings_label, warnings);
  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
  gtk_widget_set_visible (self->filter_box, !empty);
}

static void update_counts (MsProblemsView *self);

static void
filter_toggled_cb (MsProblemsView *self, GtkToggleButton *button)
{
  Filter mode = FILTER_ALL;

  if (!gtk_toggle_button_get_active (button))
    return;
  if (button == self->errors_button)
    mode = FILTER_ERRORS;
  else if (button == self->warnings_button)
    mode = FILTER_WARNINGS;
  if (mode == self->mode)
    return;
  self->mode = mode;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
list_activate_cb (MsProblemsView *self, guint position, GtkListView *list_view)
{
  g_autoptr(MsProblemItem) item = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (item == NULL)
    return;
  /* an import message has no place in the project: its details do */
  if (g_strcmp0 (item->diag->code, MS_PROBLEMS_IMPORT_CODE) == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-import-report", NULL);
  else
    g_signal_emit (self, signals[SIGNAL_PROBLEM_ACTIVATED], 0, item->diag);
}

static void
ms_problems_view_dispose (GObject *object)
{
  MsProblemsView *self = MS_PROBLEMS_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MS_TYPE_PROBLEMS_VIEW);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->store);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  g_clear_pointer (&self->imported, g_ptr_array_unref);
  G_OBJECT_CLASS (ms_problems_view_parent_class)->dispose (object);
}

static void
ms_problems_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MsProblemsView *self = MS_PROBLEMS_VIEW (object);

  switch (prop_id)
    {
    case PROP_N_ERRORS:
      g_value_set_uint (value, self->n_errors);
      break;
    case PROP_N_WARNINGS:
      g_value_set_uint (value, self->n_warnings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_problems_view_class_init (MsProblemsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_problems_view_dispose;
  object_class->get_property = ms_problems_view_get_property;

  properties[PROP_N_ERRORS] =
    g_param_spec_uint ("n-errors", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_WARNINGS] =
    g_param_spec_uint ("n-warnings", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PROBLEM_ACTIVATED] =
    g_signal_new ("problem-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/miragestudio/Studio/ui/problems-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MsProblemsView, box);
  gtk_widget_class_bind_template_child (widget_class, MsProblemsView, stack);
  gtk_widget_class_bind_template_child (widget_class, MsProblemsView, list_view);
  gtk_widget_class_bind_template_child (widget_class, MsProblemsView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, MsProblemsView, filter_box);
  gtk_widget_class_bind_template_child (widget_class, MsProblemsView, all_button);
  gtk_widget_class_bind_template_child (widget_class, MsProblemsView, errors_button);
  gtk_widget_class_bind_template_child (widget_class, MsProblemsView, warnings_button);
  gtk_widget_class_bind_template_child (widget_class, MsProblemsView, errors_label);
  gtk_widget_class_bind_template_child (widget_class, MsProblemsView, warnings_label);
  gtk_widget_class_bind_template_callback (widget_class, filter_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "problems-view");
}

static void
ms_problems_view_init (MsProblemsView *self)
{
  GtkListItemFactory *factory;
  GtkNoSelection *selection;

  ms_style_ensure ();
  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->store = g_list_store_new (MS_TYPE_PROBLEM_ITEM);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->store)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  update_state (self);
}

GtkWidget *
ms_problems_view_new (void)
{
  return g_object_new (MS_TYPE_PROBLEMS_VIEW, NULL);
}

static gboolean
same_diagnostic (const MsDiagnostic *a, const MsDiagnostic *b)
{
  return a->severity == b->severity && g_strcmp0 (a->code, b->code) == 0
    && g_strcmp0 (a->message, b->message) == 0 && g_strcmp0 (a->device, b->device) == 0
    && g_strcmp0 (a->port, b->port) == 0 && g_strcmp0 (a->option, b->option) == 0
    && g_strcmp0 (a->setting, b->setting) == 0;
}

/* Most edits leave the problems as they were: then the items only move to
 * the new array, and the list keeps its rows, scroll position and focus. */
static gboolean
retarget_items (MsProblemsView *self, GPtrArray *diagnostics)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store)) - n_imported (self);

  if (diagnostics == NULL || self->diagnostics == NULL || diagnostics->len != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!same_diagnostic (g_ptr_array_index (diagnostics, i), g_ptr_array_index (self->diagnostics, i)))
      return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MsProblemItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      g_ptr_array_unref (item->owner);
      item->owner = g_ptr_array_ref (diagnostics);
      item->diag = g_ptr_array_index (diagnostics, i);
    }
  return TRUE;
}

void
ms_problems_view_set_diagnostics (MsProblemsView *self, GPtrArray *diagnostics)
{
  g_autoptr(GPtrArray) items = NULL;

  g_return_if_fail (MS_IS_PROBLEMS_VIEW (self));

  if (diagnostics == self->diagnostics)
    return;
  if (diagnostics != NULL)
    g_ptr_array_ref (diagnostics);
  if (!retarget_items (self, diagnostics))
    {
      /* one splice, so the list view sees one change however many rows */
      items = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; diagnostics != NULL && i < diagnostics->len; i++)
        g_ptr_array_add (items, ms_problem_item_new (diagnostics, g_ptr_array_index (diagnostics, i)));
      g_list_store_splice (self->store, 0, n_checked (self), items->pdata, items->len);
    }
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->diagnostics = diagnostics;
  update_counts (self);
}

void
ms_problems_view_set_import_report (MsProblemsView *self, const MsImportReport *report)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *imported = NULL;

  g_return_if_fail (MS_IS_PROBLEMS_VIEW (self));

  if (report != NULL && report->messages->len > 0)
    {
      g_autofree char *base = g_path_get_basename (report->file ? report->file : "config.ml");

      imported = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_diagnostic_free);
      for (guint i = 0; i < report->messages->len; i++)
        {
          const MsImportMessage *m = report->messages->pdata[i];
          MsDiagnostic *d = ms_diagnostic_new (MS_PROBLEMS_IMPORT_CODE, m->severity, NULL, "%s", m->message);
          d->setting = m->line > 0 ? g_strdup_printf ("%s:%u:%u", base, m->line, m->column) : g_strdup (base);
          g_ptr_array_add (imported, d);
        }
      for (guint i = 0; i < imported->len; i++)
        g_ptr_array_add (items, ms_problem_item_new (imported, imported->pdata[i]));
    }
  g_list_store_splice (self->store, n_checked (self), n_imported (self), items->pdata, items->len);
  g_clear_pointer (&self->imported, g_ptr_array_unref);
  self->imported = imported;
  update_counts (self);
}

guint
ms_problems_view_get_n_import_messages (MsProblemsView *self)
{
  g_return_val_if_fail (MS_IS_PROBLEMS_VIEW (self), 0);
  return n_imported (self);
}

static void
update_counts (MsProblemsView *self)
{
  guint n_errors = 0, n_warnings = 0;

  if (self->diagnostics != NULL)
    {
      n_errors += ms_diagnostics_count (self->diagnostics, MS_SEVERITY_ERROR);
      n_warnings += ms_diagnostics_count (self->diagnostics, MS_SEVERITY_WARNING);
    }
  if (self->imported != NULL)
    {
      n_errors += ms_diagnostics_count (self->imported, MS_SEVERITY_ERROR);
      n_warnings += ms_diagnostics_count (self->imported, MS_SEVERITY_WARNING);
    }
  g_object_freeze_notify (G_OBJECT (self));
  if (n_errors != self->n_errors)
    {
      self->n_errors = n_errors;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ERRORS]);
    }
  if (n_warnings != self->n_warnings)
    {
      self->n_warnings = n_warnings;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WARNINGS]);
    }
  update_state (self);
  g_object_thaw_notify (G_OBJECT (self));
}

guint
ms_problems_view_get_n_errors (MsProblemsView *self)
{
  g_return_val_if_fail (MS_IS_PROBLEMS_VIEW (self), 0);
  return self->n_errors;
}

guint
ms_problems_view_get_n_warnings (MsProblemsView *self)
{
  g_return_val_if_fail (MS_IS_PROBLEMS_VIEW (self), 0);
  return self->n_warnings;
}
