/* ms-packages-view.c: the Packages page (see the header).
 *
 * The request of each check run is kept as plain text goals (name, opam
 * constraint, devices), the same the core builds for `mstudio resolve`;
 * their text is also the key that tells an edit which changes no package
 * (moving a card, renaming a key) from one that does: only the latter
 * starts a resolution. Runs are debounced, and a newer request cancels
 * the running one: its answer would be stale. Closing the window cancels
 * too; the worker's callback holds only a weak reference to the page.
 * Neither stops a conversion of the repository under way (the next run
 * uses it); the Cancel button beside its progress bar does: the page then
 * goes back to what it showed before, with a message, and does not start
 * the conversion again until the project's packages or the repository
 * change.
 *
 * The list is a GtkListBox (a few hundred rows at most) with a header per
 * device and a filter for the search. Conflicts are cards: libsolv's
 * problem in the user's words, the chain of rules behind it, and its
 * proposed fixes; those that name devices become buttons making the edit
 * through MsDocument (one undoable step each), the others stay text.
 */
#include "ms-packages-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "ms-config.h"
#include "ms-packages-worker.h"
#include "ms-style.h"

#define DEFAULT_DELAY_MS 300
#define TICK_MS 100

typedef struct {
  char *name;
  char *constraint;     /* opam syntax, or NULL */
  char **devices;
} Goal;

struct _MsPackagesView
{
  GtkWidget parent_instance;

  /* template children */
  GtkWidget *box;
  GtkSearchEntry *search_entry;
  GtkWidget *spinner;
  GtkLabel *summary_label;
  GtkStack *stack;
  AdwStatusPage *error_page;
  GtkProgressBar *progress_bar;
  GtkListBox *list_box;
  GtkLabel *placeholder_label;
  GtkWidget *conflict_box;

  MsDocument *doc;
  GSettings *settings;
  gulong settings_id;
  char *option;          /* --opam-repo */
  char *chosen;          /* chosen here when there are no settings */
  char *cache_dir;
  guint delay;

  /* the latest request */
  GPtrArray *goals;      /* Goal* */
  char **roots;          /* the graph's package names, for the lock */
  char *app;
  char *key;             /* the request's text */
  gboolean wanted;       /* the request has no answer yet */

  guint debounce_id;
  GCancellable *cancellable;
  MsPackagesJob *job;
  guint tick_id;
  gint64 load_start;
  GCancellable *conversion;    /* the Cancel button's; shared by the runs until used */
  const char *state_before_loading;
  gboolean stopped;            /* the user cancelled the conversion of this request */

  /* the latest answer */
  MsResolution *res;
  char *source;          /* where it came from */
  GPtrArray *diagnostics;  /* MsDiagnostic*, one per device of each problem */
  GHashTable *by_device;   /* device name -> GPtrArray of its MsResolvedPackage* */
  GPtrArray *fix_buttons;
  char *search;
  guint n_resolutions;
  const char *state;
};

G_DEFINE_FINAL_TYPE (MsPackagesView, ms_packages_view, GTK_TYPE_WIDGET)

enum { SIGNAL_CHANGED, SIGNAL_TOAST, N_SIGNALS };
static guint signals[N_SIGNALS];

static void start_run (MsPackagesView *self);
static void update_actions (MsPackagesView *self);
static void update_spinner (MsPackagesView *self);
static const Goal *find_goal (MsPackagesView *self, const char *name);

/* ---- requests ------------------------------------------------------------------------ */

static void
goal_free (Goal *g)
{
  g_free (g->name);
  g_free (g->constraint);
  g_strfreev (g->devices);
  g_free (g);
}

static MsResolveRequest *
request_of_goals (GPtrArray *goals)
{
  MsResolveRequest *req = ms_resolve_request_new ();

  for (guint i = 0; i < goals->len; i++)
    {
      const Goal *g = goals->pdata[i];
      /* the constraint is the core's own text: it parses back */
      if (!ms_resolve_request_add (req, g->name, g->constraint, (const char *const *) g->devices, NULL))
        ms_resolve_request_add (req, g->name, NULL, (const char *const *) g->devices, NULL);
    }
  return req;
}

/* ---- states ------------------------------------------------------------------------------ */

static void
set_state (MsPackagesView *self, const char *state)
{
  self->state = state;
  gtk_stack_set_visible_child_name (self->stack, state);
  update_actions (self);
}

static void
update_spinner (MsPackagesView *self)
{
  gboolean busy = ms_packages_view_is_busy (self);

  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
  gtk_label_set_text (self->placeholder_label, self->search != NULL && *self->search != '\0'
                      ? _("No package matches the search.") : busy ? _("Resolving…")
                      : self->stopped ? _("Reading the opam repository was cancelled.") : "");
}

static void
update_actions (MsPackagesView *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "packages.export-lock",
                                 self->res != NULL && self->res->ok);
}

static void
cancel_run (MsPackagesView *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->job, ms_packages_job_unref);
  g_clear_handle_id (&self->tick_id, g_source_remove);
}

static void
clear_answer (MsPackagesView *self)
{
  g_clear_pointer (&self->res, ms_resolution_free);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  g_clear_pointer (&self->by_device, g_hash_table_unref);
}

/* ---- the list ------------------------------------------------------------------------ */

static int
group_rank (const MsResolvedPackage *p)
{
  return p->device == NULL ? 1 : 0;   /* the compiler's packages last */
}

static int
compare_for_list (gconstpointer a, gconstpointer b)
{
  const MsResolvedPackage *x = *(MsResolvedPackage *const *) a;
  const MsResolvedPackage *y = *(MsResolvedPackage *const *) b;
  int c = group_rank (x) - group_rank (y);

  if (c == 0)
    c = g_strcmp0 (x->device, y->device);
  if (c == 0)
    c = (int) y->requested - (int) x->requested;
  if (c == 0)
    c = strcmp (x->name, y->name);
  return c;
}

static void
header_func (GtkListBoxRow *row, GtkListBoxRow *before, gpointer data)
{
  const char *device = g_object_get_data (G_OBJECT (row), "ms-device");
  const char *prev = before ? g_object_get_data (G_OBJECT (before), "ms-device") : NULL;
  GtkWidget *label;

  if (before != NULL && g_strcmp0 (device, prev) == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  label = gtk_label_new (device ? device : _("The compiler"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_top (label, before ? 12 : 6);
  gtk_widget_set_margin_bottom (label, 3);
  gtk_list_box_row_set_header (row, label);
}

static gboolean
filter_func (GtkListBoxRow *row, gpointer data)
{
  MsPackagesView *self = data;
  const char *haystack = g_object_get_data (G_OBJECT (row), "ms-search");

  if (self->search == NULL || *self->search == '\0')
    return TRUE;
  return haystack != NULL && strstr (haystack, self->search) != NULL;
}

static void
search_changed_cb (MsPackagesView *self, GtkSearchEntry *entry)
{
  g_free (self->search);
  self->search = g_utf8_strdown (gtk_editable_get_text (GTK_EDITABLE (entry)), -1);
  g_strstrip (self->search);
  gtk_list_box_invalidate_filter (self->list_box);
  gtk_list_box_invalidate_headers (self->list_box);
  update_spinner (self);
}

static void
fill_list (MsPackagesView *self)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  if (self->res == NULL || !self->res->ok)
    return;
  for (guint i = 0; i < self->res->packages->len; i++)
    g_ptr_array_add (sorted, self->res->packages->pdata[i]);
  g_ptr_array_sort (sorted, compare_for_list);
  for (guint i = 0; i < sorted->len; i++)
    {
      const MsResolvedPackage *p = sorted->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *version = gtk_label_new (p->version);
      g_autofree char *chain = NULL;
      g_autofree char *search = NULL;
      g_autofree char *joined = NULL;
      g_autofree char *a11y = NULL;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), p->name);
      if (p->chain != NULL && p->chain[0] != NULL && p->chain[1] != NULL)
        {
          chain = g_strjoinv (" → ", p->chain);
          /* TRANSLATORS: %s is a chain of packages, "mirage → fmt" */
          g_autofree char *via = g_strdup_printf (_("through %s"), chain);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), via);
        }
      else if (p->requested)
        {
          const Goal *g = find_goal (self, p->name);
          if (g != NULL && g->devices[0] != NULL && g->devices[1] != NULL)
            {
              g_autofree char *others = g_strjoinv (", ", g->devices + 1);
              /* TRANSLATORS: %s is a list of devices */
              g_autofree char *also = g_strdup_printf (_("also asked for by %s"), others);
              adw_action_row_set_subtitle (ADW_ACTION_ROW (row), also);
            }
        }
      gtk_widget_add_css_class (version, "monospace");
      gtk_widget_set_valign (version, GTK_ALIGN_CENTER);
      gtk_label_set_selectable (GTK_LABEL (version), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), version);
      joined = g_strjoin ("\n", p->name, p->version, p->device ? p->device : "", chain ? chain : "", NULL);
      search = g_utf8_strdown (joined, -1);
      g_object_set_data_full (G_OBJECT (row), "ms-search", g_steal_pointer (&search), g_free);
      g_object_set_data_full (G_OBJECT (row), "ms-device", g_strdup (p->device), g_free);
      g_object_set_data_full (G_OBJECT (row), "ms-package", g_strdup (p->name), g_free);
      a11y = g_strdup_printf ("%s %s, %s", p->name, p->version, p->device ? p->device : _("the compiler"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
      gtk_list_box_append (self->list_box, row);
    }
}

/* ---- conflicts and their fixes ---------------------------------------------------------- */

typedef enum { FIX_REMOVE_DEVICE, FIX_DROP_PACKAGE } FixKind;

typedef struct {
  FixKind kind;
  char *device;
  char *package;
} Fix;

static void
fix_free (Fix *f)
{
  g_free (f->device);
  g_free (f->package);
  g_free (f);
}

/* ms-resolve words a fix that drops a request as "remove or replace A, B
 * (it needs P {...})": the devices and the package. */
static gboolean
parse_remove_hint (const char *hint, char ***devices, char **package)
{
  const char *prefix = "remove or replace ";
  const char *needs = strstr (hint, " (it needs ");
  const char *p;
  g_autofree char *who = NULL;

  if (!g_str_has_prefix (hint, prefix) || needs == NULL)
    return FALSE;
  who = g_strndup (hint + strlen (prefix), needs - hint - strlen (prefix));
  p = needs + strlen (" (it needs ");
  *package = g_strndup (p, strcspn (p, " )"));
  *devices = g_strsplit (who, ", ", -1);
  return **package != '\0';
}

static gboolean
custom_has_package (const MsDevice *d, const char *name)
{
  for (guint i = 0; d->custom != NULL && i < d->custom->packages->len; i++)
    if (g_str_equal (((MsPackage *) d->custom->packages->pdata[i])->name, name))
      return TRUE;
  return FALSE;
}

static void
on_fix_clicked (GtkButton *button, MsPackagesView *self)
{
  const Fix *fix = g_object_get_data (G_OBJECT (button), "ms-fix");
  const MsDevice *d = self->doc && fix ? ms_document_find_device (self->doc, fix->device) : NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *done = NULL;
  gboolean ok;

  if (d == NULL)
    return;
  if (fix->kind == FIX_REMOVE_DEVICE)
    {
      /* TRANSLATORS: %s is a device's name */
      done = g_strdup_printf (_("Removed %s"), d->name);
      ok = ms_document_remove_device (self->doc, d->id, &error);
    }
  else
    {
      g_autoptr(MsCustom) custom = ms_custom_copy (d->custom);
      for (guint i = custom->packages->len; i > 0; i--)
        if (g_str_equal (((MsPackage *) custom->packages->pdata[i - 1])->name, fix->package))
          g_ptr_array_remove_index (custom->packages, i - 1);
      /* TRANSLATORS: the first %s is an opam package, the second a device */
      done = g_strdup_printf (_("Removed the package %s from %s"), fix->package, d->name);
      ok = ms_document_set_custom (self->doc, d->id, custom, &error);
    }
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, ok ? done : error->message, ok);
}

static GtkWidget *
fix_button (MsPackagesView *self, Fix *fix)
{
  g_autofree char *label = NULL;
  GtkWidget *button;

  if (fix->kind == FIX_REMOVE_DEVICE)
    /* TRANSLATORS: a button; %s is a device's name */
    label = g_strdup_printf (_("Remove %s"), fix->device);
  else
    /* TRANSLATORS: a button; the first %s is an opam package, the second a device */
    label = g_strdup_printf (_("Remove %s from %s"), fix->package, fix->device);
  button = gtk_button_new_with_label (label);
  gtk_label_set_use_underline (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), FALSE);
  g_object_set_data_full (G_OBJECT (button), "ms-fix", fix, (GDestroyNotify) fix_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_fix_clicked), self);
  g_ptr_array_add (self->fix_buttons, button);
  return button;
}

static GtkWidget *
wrapped_label (const char *text, const char *css)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css != NULL)
    gtk_widget_add_css_class (label, css);
  return label;
}

static void
fill_conflicts (MsPackagesView *self)
{
  GtkWidget *child;

  g_ptr_array_set_size (self->fix_buttons, 0);
  while ((child = gtk_widget_get_first_child (self->conflict_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->conflict_box), child);
  if (self->res == NULL || self->res->ok)
    return;
  for (guint i = 0; i < self->res->problems->len; i++)
    {
      const MsResolveProblem *pr = self->res->problems->pdata[i];
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *fixes = gtk_flow_box_new ();
      GtkWidget *icon_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
      guint n_fixes = 0;

      gtk_widget_add_css_class (card, "card");
      gtk_widget_set_margin_start (card, 0);
      g_object_set_data_full (G_OBJECT (card), "ms-message", g_strdup (pr->message), g_free);
      gtk_widget_set_focusable (card, TRUE);
      gtk_widget_add_css_class (icon, "error");
      gtk_widget_set_valign (icon, GTK_ALIGN_START);
      gtk_box_append (GTK_BOX (icon_box), icon);
      gtk_box_append (GTK_BOX (icon_box), wrapped_label (pr->message, "heading"));
      gtk_widget_set_margin_start (icon_box, 12);
      gtk_widget_set_margin_end (icon_box, 12);
      gtk_widget_set_margin_top (icon_box, 12);
      gtk_box_append (GTK_BOX (card), icon_box);
      if (pr->rules != NULL && pr->rules[0] != NULL)
        {
          GString *why = g_string_new (NULL);
          GtkWidget *label;
          for (guint k = 0; pr->rules[k] != NULL; k++)
            g_string_append_printf (why, "%s• %s", k ? "\n" : "", pr->rules[k]);
          label = wrapped_label (why->str, NULL);
          g_string_free (why, TRUE);
          gtk_widget_set_margin_start (label, 42);
          gtk_widget_set_margin_end (label, 12);
          gtk_box_append (GTK_BOX (card), wrapped_label (_("Because:"), "dim-label"));
          gtk_widget_set_margin_start (gtk_widget_get_last_child (card), 42);
          gtk_box_append (GTK_BOX (card), label);
        }
      gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (fixes), GTK_SELECTION_NONE);
      gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (fixes), 6);
      gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (fixes), 6);
      gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (fixes), 6);
      gtk_widget_set_margin_start (fixes, 42);
      gtk_widget_set_margin_end (fixes, 12);
      gtk_widget_set_margin_bottom (fixes, 12);
      for (guint k = 0; pr->hints != NULL && pr->hints[k] != NULL; k++)
        {
          g_auto(GStrv) devices = NULL;
          g_autofree char *package = NULL;
          gboolean made = FALSE;

          if (self->doc != NULL && parse_remove_hint (pr->hints[k], &devices, &package))
            for (guint j = 0; devices[j] != NULL; j++)
              {
                const MsDevice *d = ms_document_find_device (self->doc, devices[j]);
                Fix *fix;
                if (d == NULL)
                  continue;
                fix = g_new0 (Fix, 1);
                fix->device = g_strdup (d->name);
                fix->package = g_strdup (package);
                /* a main device's own package can go without the device */
                fix->kind = custom_has_package (d, package) ? FIX_DROP_PACKAGE : FIX_REMOVE_DEVICE;
                gtk_flow_box_append (GTK_FLOW_BOX (fixes), fix_button (self, fix));
                made = TRUE;
                n_fixes++;
              }
          if (!made)
            {
              /* TRANSLATORS: %s is a fix the solver proposes, in English */
              g_autofree char *text = g_strdup_printf (_("Or: %s"), pr->hints[k]);
              GtkWidget *label = wrapped_label (text, "dim-label");
              gtk_widget_set_margin_start (label, 42);
              gtk_widget_set_margin_end (label, 12);
              gtk_box_append (GTK_BOX (card), label);
            }
        }
      if (n_fixes > 0)
        {
          GtkWidget *label = wrapped_label (_("Fixes:"), "dim-label");
          gtk_widget_set_margin_start (label, 42);
          gtk_box_append (GTK_BOX (card), label);
          gtk_box_append (GTK_BOX (card), fixes);
        }
      else
        {
          g_object_ref_sink (fixes);
          g_object_unref (fixes);
          gtk_widget_set_margin_bottom (gtk_widget_get_last_child (card), 12);
        }
      gtk_box_append (GTK_BOX (self->conflict_box), card);
    }
}

/* One diagnostic per device of each problem, so that every device that
 * causes it shows it; a problem about no device of the document is the
 * project's. */
static void
make_diagnostics (MsPackagesView *self)
{
  g_clear_pointer (&self->diagnostics, g_ptr_array_unref);
  self->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_diagnostic_free);
  for (guint i = 0; self->res != NULL && i < self->res->problems->len; i++)
    {
      const MsResolveProblem *pr = self->res->problems->pdata[i];
      guint made = 0;
      for (guint k = 0; pr->devices != NULL && pr->devices[k] != NULL; k++)
        {
          MsDiagnostic *d;
          g_autoptr(GPtrArray) others = g_ptr_array_new ();
          if (self->doc == NULL || ms_document_find_device (self->doc, pr->devices[k]) == NULL)
            continue;
          d = ms_diagnostic_new (MS_DIAG_RESOLVE_CONFLICT, MS_SEVERITY_ERROR, pr->devices[k], "%s", pr->message);
          for (guint j = 0; pr->devices[j] != NULL; j++)
            if (j != k)
              g_ptr_array_add (others, pr->devices[j]);
          if (others->len > 0)
            {
              g_ptr_array_add (others, NULL);
              d->related = g_strdupv ((char **) others->pdata);
            }
          g_ptr_array_add (self->diagnostics, d);
          made++;
        }
      if (made == 0)
        g_ptr_array_add (self->diagnostics,
                         ms_diagnostic_new (MS_DIAG_RESOLVE_CONFLICT, MS_SEVERITY_ERROR, NULL, "%s", pr->message));
    }
}

static const Goal *
find_goal (MsPackagesView *self, const char *name)
{
  for (guint i = 0; self->goals != NULL && i < self->goals->len; i++)
    if (g_str_equal (((Goal *) self->goals->pdata[i])->name, name))
      return self->goals->pdata[i];
  return NULL;
}

static void
index_add (GHashTable *by_device, const char *device, MsResolvedPackage *p)
{
  GPtrArray *list = g_hash_table_lookup (by_device, device);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (by_device, g_strdup (device), list);
    }
  g_ptr_array_add (list, p);
}

/* Each device's packages: those it asks for itself (a package several
 * devices ask for is each one's), and those only it brings in. */
static void
make_index (MsPackagesView *self)
{
  g_clear_pointer (&self->by_device, g_hash_table_unref);
  self->by_device = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; self->res != NULL && self->res->ok && i < self->res->packages->len; i++)
    {
      MsResolvedPackage *p = self->res->packages->pdata[i];
      const Goal *g = p->requested ? find_goal (self, p->name) : NULL;
      if (g != NULL)
        for (guint k = 0; g->devices[k] != NULL; k++)
          index_add (self->by_device, g->devices[k], p);
      else if (p->device != NULL)
        index_add (self->by_device, p->device, p);
    }
}

static void
update_summary (MsPackagesView *self)
{
  g_autofree char *text = NULL;

  if (self->res == NULL)
    text = g_strdup (self->stopped ? _("Cancelled") : "");
  else if (self->res->ok)
    /* TRANSLATORS: "59 packages, OCaml 5.5.0" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u package, OCaml %s", "%u packages, OCaml %s",
                                         self->res->packages->len),
                            self->res->packages->len, self->res->ocaml ? self->res->ocaml : "?");
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u conflict", "%u conflicts", self->res->problems->len),
                            self->res->problems->len);
  gtk_label_set_text (self->summary_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->summary_label), self->source);
}

/* ---- runs ---------------------------------------------------------------------------- */

typedef struct {
  GWeakRef view;
  MsPackagesJob *job;
} RunData;

static void
run_data_free (RunData *rd)
{
  g_weak_ref_clear (&rd->view);
  ms_packages_job_unref (rd->job);
  g_free (rd);
}

static void
run_done (GObject *unused, GAsyncResult *result, gpointer data)
{
  RunData *rd = data;
  g_autoptr(MsPackagesView) self = g_weak_ref_get (&rd->view);
  g_autoptr(GError) error = NULL;
  MsResolution *res = ms_packages_job_run_finish (result, &error);

  /* the page is gone, or a newer request replaced this one */
  if (self == NULL || rd->job != self->job)
    {
      ms_resolution_free (res);
      run_data_free (rd);
      return;
    }
  g_clear_pointer (&self->job, ms_packages_job_unref);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->wanted = FALSE;
  if (res == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* the user stopped the conversion (only the Cancel button cancels a
       * current run): the page shows what it showed before, answer kept */
      self->stopped = TRUE;
      set_state (self, self->state_before_loading != NULL ? self->state_before_loading : "list");
      update_summary (self);
      update_spinner (self);
      run_data_free (rd);
      g_signal_emit (self, signals[SIGNAL_TOAST], 0,
                     _("Reading the opam repository was cancelled; nothing was cached. "
                       "It is read again when the project’s packages change."), FALSE);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
      return;
    }
  clear_answer (self);
  if (res == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      set_state (self, "error");
    }
  else
    {
      self->res = res;
      self->source = g_strdup (ms_packages_job_get_source (rd->job));
      self->n_resolutions++;
      make_diagnostics (self);
      make_index (self);
      set_state (self, res->ok ? "list" : "conflict");
    }
  fill_list (self);
  fill_conflicts (self);
  update_summary (self);
  update_spinner (self);
  run_data_free (rd);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* While a job runs: the first reading of a repository gets the progress
 * page (the files read of the total; a pulse and the seconds so far
 * before the total is known), the other states keep what they show beside
 * a spinner. */
static gboolean
tick (gpointer data)
{
  MsPackagesView *self = data;

  if (self->job == NULL)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (ms_packages_job_is_loading (self->job))
    {
      g_autofree char *text = NULL;
      guint seconds, done, total;
      if (self->load_start == 0)
        self->load_start = g_get_monotonic_time ();
      if (ms_packages_job_get_progress (self->job, &done, &total))
        {
          /* TRANSLATORS: opam files read for the solver so far, of all */
          text = g_strdup_printf (_("%u of %u files"), done, total);
          gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
        }
      else
        {
          seconds = (guint) ((g_get_monotonic_time () - self->load_start) / G_USEC_PER_SEC);
          /* TRANSLATORS: seconds spent reading the repository so far */
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second", "%u seconds", seconds), seconds);
          gtk_progress_bar_pulse (self->progress_bar);
        }
      gtk_progress_bar_set_text (self->progress_bar, text);
      if (g_strcmp0 (self->state, "loading") != 0)
        {
          self->state_before_loading = self->state;
          gtk_progress_bar_set_fraction (self->progress_bar, 0);
          set_state (self, "loading");
        }
    }
  return G_SOURCE_CONTINUE;
}

static char *
setting_source (MsPackagesView *self)
{
  if (self->settings != NULL)
    return g_settings_get_string (self->settings, "opam-repository");
  return g_strdup (self->chosen);
}

static void
start_run (MsPackagesView *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *setting = setting_source (self);
  g_autofree char *source = NULL;
  RunData *rd;

  g_clear_handle_id (&self->debounce_id, g_source_remove);
  cancel_run (self);
  if (self->goals == NULL)
    return;
  source = ms_packages_find_source (self->option, setting, &error);
  if (source == NULL)
    {
      /* nothing to resolve against: the page says how to get a repository,
       * and no problem is raised on the graph */
      clear_answer (self);
      self->wanted = FALSE;
      fill_list (self);
      fill_conflicts (self);
      update_summary (self);
      set_state (self, "none");
      update_spinner (self);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
      return;
    }
  self->cancellable = g_cancellable_new ();
  self->job = ms_packages_job_new (source, self->cache_dir, request_of_goals (self->goals));
  if (self->conversion == NULL)
    self->conversion = g_cancellable_new ();
  ms_packages_job_set_conversion_cancellable (self->job, self->conversion);
  self->stopped = FALSE;
  self->load_start = 0;
  rd = g_new0 (RunData, 1);
  g_weak_ref_init (&rd->view, self);
  rd->job = ms_packages_job_ref (self->job);
  ms_packages_job_run_async (self->job, self->cancellable, run_done, rd);
  self->tick_id = g_timeout_add (TICK_MS, tick, self);
  update_spinner (self);
}

static gboolean
debounce_cb (gpointer data)
{
  MsPackagesView *self = data;

  self->debounce_id = 0;
  start_run (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_run (MsPackagesView *self, guint delay)
{
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->debounce_id = g_timeout_add (delay, debounce_cb, self);
  update_spinner (self);
}

/* ---- public ---------------------------------------------------------------------------- */

void
ms_packages_view_set_evaluation (MsPackagesView *self, MsEvalGraph *graph)
{
  g_autoptr(MsResolveRequest) req = NULL;
  g_autoptr(GPtrArray) goals = NULL;
  g_autoptr(GString) key = NULL;
  g_autoptr(GPtrArray) roots = NULL;

  g_return_if_fail (MS_IS_PACKAGES_VIEW (self));

  if (graph == NULL)
    {
      g_clear_handle_id (&self->debounce_id, g_source_remove);
      cancel_run (self);
      clear_answer (self);
      g_clear_pointer (&self->goals, g_ptr_array_unref);
      g_clear_pointer (&self->key, g_free);
      g_clear_pointer (&self->roots, g_strfreev);
      g_clear_pointer (&self->app, g_free);
      self->wanted = FALSE;
      fill_list (self);
      fill_conflicts (self);
      update_summary (self);
      set_state (self, "idle");
      update_spinner (self);
      return;
    }

  req = ms_resolve_request_from_graph (graph);
  goals = g_ptr_array_new_with_free_func ((GDestroyNotify) goal_free);
  key = g_string_new (graph->target);
  roots = g_ptr_array_new ();
  for (guint i = 0; i < req->goals->len; i++)
    {
      const MsResolveGoal *rg = req->goals->pdata[i];
      Goal *g = g_new0 (Goal, 1);
      g->name = g_strdup (rg->name);
      g->constraint = rg->vc ? ms_opam_vc_to_string (rg->vc) : NULL;
      g->devices = g_strdupv (rg->devices);
      g_string_append_printf (key, "\n%s {%s}", g->name, g->constraint ? g->constraint : "");
      for (guint k = 0; g->devices[k] != NULL; k++)
        g_string_append_printf (key, " %s", g->devices[k]);
      g_ptr_array_add (goals, g);
    }
  for (guint i = 0; i < graph->packages->len; i++)
    g_ptr_array_add (roots, g_strdup (((MsEvalPackage *) graph->packages->pdata[i])->name));
  g_ptr_array_add (roots, NULL);

  g_free (self->app);
  self->app = g_strdup (graph->app_name);
  g_strfreev (self->roots);
  self->roots = (char **) g_ptr_array_free (g_steal_pointer (&roots), FALSE);
  /* an edit that changes no package (a move, a key's value) resolves
   * nothing, nor does it restart a conversion the user cancelled */
  if (g_strcmp0 (key->str, self->key) == 0 && (self->wanted || self->res != NULL || self->job != NULL
                                              || self->stopped || g_strcmp0 (self->state, "none") == 0))
    return;
  g_free (self->key);
  self->key = g_strdup (key->str);
  g_clear_pointer (&self->goals, g_ptr_array_unref);
  self->goals = g_steal_pointer (&goals);
  self->wanted = TRUE;
  /* the running resolution answers an older graph: drop it now */
  cancel_run (self);
  if (g_strcmp0 (self->state, "idle") == 0)
    set_state (self, "list");
  schedule_run (self, self->delay);
}

void
ms_packages_view_set_document (MsPackagesView *self, MsDocument *doc)
{
  g_return_if_fail (MS_IS_PACKAGES_VIEW (self));

  if (self->doc == doc)
    return;
  g_set_object (&self->doc, doc);
  if (doc == NULL)
    ms_packages_view_set_evaluation (self, NULL);
}

static void
on_setting_changed (GSettings *settings, const char *key, MsPackagesView *self)
{
  /* another repository: read it now */
  if (self->goals != NULL)
    {
      self->wanted = TRUE;
      self->stopped = FALSE;
      start_run (self);
    }
}

void
ms_packages_view_set_settings (MsPackagesView *self, GSettings *settings)
{
  g_return_if_fail (MS_IS_PACKAGES_VIEW (self));

  if (self->settings == settings)
    return;
  if (self->settings != NULL)
    g_clear_signal_handler (&self->settings_id, self->settings);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    self->settings_id = g_signal_connect (settings, "changed::opam-repository",
                                          G_CALLBACK (on_setting_changed), self);
}

void
ms_packages_view_set_source_option (MsPackagesView *self, const char *path)
{
  g_return_if_fail (MS_IS_PACKAGES_VIEW (self));
  g_free (self->option);
  self->option = g_strdup (path);
}

void
ms_packages_view_set_cache_dir (MsPackagesView *self, const char *dir)
{
  g_return_if_fail (MS_IS_PACKAGES_VIEW (self));
  g_free (self->cache_dir);
  self->cache_dir = g_strdup (dir);
}

void
ms_packages_view_set_delay (MsPackagesView *self, guint ms)
{
  g_return_if_fail (MS_IS_PACKAGES_VIEW (self));
  self->delay = ms;
}

const char *
ms_packages_view_get_state (MsPackagesView *self)
{
  g_return_val_if_fail (MS_IS_PACKAGES_VIEW (self), NULL);
  return self->state;
}

gboolean
ms_packages_view_is_busy (MsPackagesView *self)
{
  g_return_val_if_fail (MS_IS_PACKAGES_VIEW (self), FALSE);
  return self->debounce_id != 0 || self->job != NULL;
}

gboolean
ms_packages_view_is_resolving (MsPackagesView *self)
{
  g_return_val_if_fail (MS_IS_PACKAGES_VIEW (self), FALSE);
  return self->job != NULL;
}

guint
ms_packages_view_get_n_resolutions (MsPackagesView *self)
{
  g_return_val_if_fail (MS_IS_PACKAGES_VIEW (self), 0);
  return self->n_resolutions;
}

const MsResolution *
ms_packages_view_get_resolution (MsPackagesView *self)
{
  g_return_val_if_fail (MS_IS_PACKAGES_VIEW (self), NULL);
  return self->res;
}

void
ms_packages_view_append_diagnostics (MsPackagesView *self, GPtrArray *into)
{
  g_return_if_fail (MS_IS_PACKAGES_VIEW (self));

  for (guint i = 0; self->diagnostics != NULL && i < self->diagnostics->len; i++)
    {
      const MsDiagnostic *d = self->diagnostics->pdata[i];
      /* an answer older than the last edit may name a device now gone */
      if (d->device != NULL && (self->doc == NULL || ms_document_find_device (self->doc, d->device) == NULL))
        continue;
      g_ptr_array_add (into, ms_diagnostic_copy (d));
    }
}

GHashTable *
ms_packages_view_get_device_packages (MsPackagesView *self)
{
  g_return_val_if_fail (MS_IS_PACKAGES_VIEW (self), NULL);
  return self->by_device;
}

GPtrArray *
ms_packages_view_get_fix_buttons (MsPackagesView *self)
{
  g_return_val_if_fail (MS_IS_PACKAGES_VIEW (self), NULL);
  return self->fix_buttons;
}

guint
ms_packages_view_count_visible_rows (MsPackagesView *self)
{
  guint n = 0;

  g_return_val_if_fail (MS_IS_PACKAGES_VIEW (self), 0);
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->list_box)); c; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_LIST_BOX_ROW (c) && gtk_widget_get_child_visible (c) && g_object_get_data (G_OBJECT (c), "ms-package"))
      n++;
  return n;
}

gboolean
ms_packages_view_write_lock (MsPackagesView *self, const char *path, gboolean monorepo, GError **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (MS_IS_PACKAGES_VIEW (self), FALSE);
  if (self->res == NULL || !self->res->ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The packages are not resolved: there is nothing to lock yet"));
      return FALSE;
    }
  text = ms_resolution_lock_text (self->res, self->app ? self->app : "unikernel",
                                  (const char *const *) self->roots, monorepo);
  return g_file_set_contents (path, text, -1, error);
}

static void
lock_chosen (GtkNativeDialog *dialog, int response, MsPackagesView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      const char *format = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "format");
      g_autoptr(GError) error = NULL;

      if (path != NULL && ms_packages_view_write_lock (self, path, g_strcmp0 (format, "monorepo") == 0, &error))
        {
          g_autofree char *name = g_filename_display_basename (path);
          /* TRANSLATORS: %s is a file name */
          g_autofree char *msg = g_strdup_printf (_("Lock file written to %s"), name);
          g_signal_emit (self, signals[SIGNAL_TOAST], 0, msg, FALSE);
        }
      else if (error != NULL)
        g_signal_emit (self, signals[SIGNAL_TOAST], 0, error->message, FALSE);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

void
ms_packages_view_export_lock (MsPackagesView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;
  const char *ids[] = { "opam", "monorepo", NULL };
  const char *labels[] = { _("opam install --locked"), _("opam-monorepo"), NULL };

  g_return_if_fail (MS_IS_PACKAGES_VIEW (self));
  if (self->res == NULL || !self->res->ok)
    {
      g_signal_emit (self, signals[SIGNAL_TOAST], 0,
                     _("The packages are not resolved: there is nothing to lock yet"), FALSE);
      return;
    }
  chooser = gtk_file_chooser_native_new (_("Export Lock File"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  name = g_strdup_printf ("%s.opam.locked", self->app ? self->app : "unikernel");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "format", _("Format"), ids, labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "format", "opam");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (lock_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
repository_chosen (GtkNativeDialog *dialog, int response, MsPackagesView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL && self->settings != NULL)
        g_settings_set_string (self->settings, "opam-repository", path);   /* restarts through "changed" */
      else if (path != NULL)
        {
          g_free (self->chosen);
          self->chosen = g_strdup (path);
          on_setting_changed (NULL, NULL, self);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
action_choose_repository (GtkWidget *widget, const char *name, GVariant *param)
{
  MsPackagesView *self = MS_PACKAGES_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Choose the opam Repository"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Choose"), _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (repository_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The Cancel button of the progress page: stops the conversion between
 * two files; run_done then restores the page. */
static void
action_cancel_conversion (GtkWidget *widget, const char *name, GVariant *param)
{
  MsPackagesView *self = MS_PACKAGES_VIEW (widget);

  if (self->conversion == NULL)
    return;
  g_cancellable_cancel (self->conversion);
  /* the runs that follow get a fresh one */
  g_clear_object (&self->conversion);
}

void
ms_packages_view_cancel_conversion (MsPackagesView *self)
{
  g_return_if_fail (MS_IS_PACKAGES_VIEW (self));
  action_cancel_conversion (GTK_WIDGET (self), NULL, NULL);
}

static void
action_export_lock (GtkWidget *widget, const char *name, GVariant *param)
{
  ms_packages_view_export_lock (MS_PACKAGES_VIEW (widget));
}

void
ms_packages_view_show_problem (MsPackagesView *self, const MsDiagnostic *d)
{
  g_return_if_fail (MS_IS_PACKAGES_VIEW (self));

  if (self->res == NULL || self->res->ok)
    return;
  for (GtkWidget *card = gtk_widget_get_first_child (self->conflict_box); card; card = gtk_widget_get_next_sibling (card))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (card), "ms-message"), d->message) == 0)
      {
        GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (
          GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (card, GTK_TYPE_SCROLLED_WINDOW)));
        graphene_rect_t bounds;
        if (gtk_widget_compute_bounds (card, self->conflict_box, &bounds))
          gtk_adjustment_set_value (adj, bounds.origin.y);
        break;
      }
}

/* ---- the object ---------------------------------------------------------------------- */

static void
ms_packages_view_dispose (GObject *object)
{
  MsPackagesView *self = MS_PACKAGES_VIEW (object);

  g_clear_handle_id (&self->debounce_id, g_source_remove);
  cancel_run (self);
  /* closing the window lets a conversion finish for the next one */
  g_clear_object (&self->conversion);
  if (self->settings != NULL)
    g_clear_signal_handler (&self->settings_id, self->settings);
  g_clear_object (&self->settings);
  g_clear_object (&self->doc);
  g_clear_pointer (&self->fix_buttons, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), MS_TYPE_PACKAGES_VIEW);
  G_OBJECT_CLASS (ms_packages_view_parent_class)->dispose (object);
}

static void
ms_packages_view_finalize (GObject *object)
{
  MsPackagesView *self = MS_PACKAGES_VIEW (object);

  clear_answer (self);
  g_clear_pointer (&self->goals, g_ptr_array_unref);
  g_strfreev (self->roots);
  g_free (self->app);
  g_free (self->key);
  g_free (self->option);
  g_free (self->chosen);
  g_free (self->cache_dir);
  g_free (self->search);
  G_OBJECT_CLASS (ms_packages_view_parent_class)->finalize (object);
}

static void
ms_packages_view_class_init (MsPackagesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_packages_view_dispose;
  object_class->finalize = ms_packages_view_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/miragestudio/Studio/ui/packages-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MsPackagesView, box);
  gtk_widget_class_bind_template_child (widget_class, MsPackagesView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MsPackagesView, spinner);
  gtk_widget_class_bind_template_child (widget_class, MsPackagesView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, MsPackagesView, stack);
  gtk_widget_class_bind_template_child (widget_class, MsPackagesView, error_page);
  gtk_widget_class_bind_template_child (widget_class, MsPackagesView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MsPackagesView, list_box);
  gtk_widget_class_bind_template_child (widget_class, MsPackagesView, placeholder_label);
  gtk_widget_class_bind_template_child (widget_class, MsPackagesView, conflict_box);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_install_action (widget_class, "packages.export-lock", NULL, action_export_lock);
  gtk_widget_class_install_action (widget_class, "packages.choose-repository", NULL, action_choose_repository);
  gtk_widget_class_install_action (widget_class, "packages.cancel-conversion", NULL, action_cancel_conversion);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "packages-view");
}

static void
ms_packages_view_init (MsPackagesView *self)
{
  ms_style_ensure ();
  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->delay = DEFAULT_DELAY_MS;
  self->fix_buttons = g_ptr_array_new ();
  gtk_list_box_set_header_func (self->list_box, header_func, NULL, NULL);
  gtk_list_box_set_filter_func (self->list_box, filter_func, self, NULL);
  set_state (self, "idle");
}

GtkWidget *
ms_packages_view_new (void)
{
  return g_object_new (MS_TYPE_PACKAGES_VIEW, NULL);
}
