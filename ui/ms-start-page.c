/* ms-start-page.c: the start page of a window with no project.
 *
 * New and Open are window actions; the recent projects come from
 * GtkRecentManager (the studio adds each project it opens), the examples
 * from the bundled data/examples folders, each with the one-line
 * description that sits beside its config.ml.
 */
#include "ms-start-page.h"

#include <glib/gi18n.h>

#include <string.h>

#include "ms-config.h"
#include "ms-example-thumb.h"
#include "ms-paths.h"
#include "ms-store.h"

#define MAX_RECENT 6

struct _MsStartPage
{
  GtkWidget parent_instance;

  AdwStatusPage *status;        /* the template's child: bound so that dispose unparents it */
  AdwPreferencesGroup *recent_group;
  GtkListBox *recent_list;
  GtkFlowBox *examples_box;
  gboolean loaded;
};

G_DEFINE_FINAL_TYPE (MsStartPage, ms_start_page, GTK_TYPE_WIDGET)

enum { SIGNAL_OPEN_RECENT, SIGNAL_OPEN_EXAMPLE, N_SIGNALS };
static guint signals[N_SIGNALS];

GtkWidget *
ms_start_page_new (void)
{
  return g_object_new (MS_TYPE_START_PAGE, NULL);
}

static int
compare_recent (gconstpointer a, gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified ((GtkRecentInfo *) a);
  GDateTime *tb = gtk_recent_info_get_modified ((GtkRecentInfo *) b);
  return g_date_time_compare (tb, ta);
}

static void
on_recent_activated (GtkListBoxRow *row, MsStartPage *self)
{
  const char *uri = g_object_get_data (G_OBJECT (row), "uri");
  g_autoptr(GFile) file = g_file_new_for_uri (uri);

  g_signal_emit (self, signals[SIGNAL_OPEN_RECENT], 0, file);
}

char *
ms_start_page_display_path (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *display = g_file_get_parse_name (file);
  const char *home = g_get_home_dir ();
  gsize n = home ? strlen (home) : 0;

  /* "~/…" as the header bar writes it, and as people say it */
  if (n > 1 && g_str_has_prefix (display, home) && (display[n] == '/' || display[n] == '\0'))
    return g_strconcat ("~", display + n, NULL);
  return g_steal_pointer (&display);
}

void
ms_start_page_refresh (MsStartPage *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (manager);
  GtkWidget *child;
  guint shown = 0;

  g_return_if_fail (MS_IS_START_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  items = g_list_sort (items, compare_recent);
  for (GList *l = items; l != NULL && shown < MAX_RECENT; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      g_autoptr(GFile) file = NULL;
      g_autofree char *path = NULL, *base = NULL, *dir = NULL, *title = NULL, *subtitle = NULL, *shown_dir = NULL;
      GtkWidget *row, *arrow;

      if (!g_str_has_suffix (uri, MS_STORE_EXTENSION) || !gtk_recent_info_exists (info))
        continue;
      file = g_file_new_for_uri (uri);
      path = g_file_get_path (file);
      if (path == NULL)
        continue;
      base = g_path_get_basename (path);
      dir = g_path_get_dirname (path);
      base[strlen (base) - strlen (MS_STORE_EXTENSION)] = '\0';
      title = g_markup_escape_text (base, -1);
      shown_dir = ms_start_page_display_path (dir);
      subtitle = g_markup_escape_text (shown_dir, -1);

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
      g_object_set_data_full (G_OBJECT (row), "uri", g_strdup (uri), g_free);
      g_signal_connect (row, "activated", G_CALLBACK (on_recent_activated), self);
      gtk_list_box_append (self->recent_list, row);
      shown++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), shown > 0);
}

static void
on_example_activated (GtkFlowBox *box, GtkFlowBoxChild *child, MsStartPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (child), "example");

  g_signal_emit (self, signals[SIGNAL_OPEN_EXAMPLE], 0, name);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static GtkWidget *
example_card (const char *name, const char *description, const char *config)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *thumb = ms_example_thumb_new (config);
  GtkWidget *title = gtk_label_new (name);
  GtkWidget *desc = gtk_label_new (description);
  GtkWidget *child = gtk_flow_box_child_new ();
  g_autofree char *a11y = g_strdup_printf (_("Example %s: %s"), name, description);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (desc), 0);
  gtk_label_set_yalign (GTK_LABEL (desc), 0);
  gtk_label_set_wrap (GTK_LABEL (desc), TRUE);
  gtk_label_set_lines (GTK_LABEL (desc), 3);
  gtk_label_set_ellipsize (GTK_LABEL (desc), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (desc), 20);
  gtk_label_set_max_width_chars (GTK_LABEL (desc), 30);
  gtk_widget_set_vexpand (desc, TRUE);
  gtk_widget_add_css_class (desc, "dim-label");
  gtk_widget_add_css_class (desc, "caption");
  gtk_box_append (GTK_BOX (box), thumb);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), desc);

  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), box);
  gtk_widget_add_css_class (child, "card");
  gtk_widget_add_css_class (child, "ms-example-card");
  gtk_widget_set_tooltip_text (child, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
  g_object_set_data_full (G_OBJECT (child), "example", g_strdup (name), g_free);
  return child;
}

static void
load_examples (MsStartPage *self)
{
  g_autofree char *dir = ms_paths_get_examples_dir ();
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *config = g_build_filename (dir, name, "config.ml", NULL);
      if (g_file_test (config, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = names->pdata[i];
      g_autofree char *file = g_build_filename (dir, n, "description", NULL);
      g_autofree char *config = g_build_filename (dir, n, "config.ml", NULL);
      g_autofree char *text = NULL;

      if (!g_file_get_contents (file, &text, NULL, NULL))
        text = g_strdup ("");
      g_strstrip (text);
      gtk_flow_box_append (self->examples_box, example_card (n, text, config));
    }
}

static void
ms_start_page_dispose (GObject *object)
{
  MsStartPage *self = MS_START_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MS_TYPE_START_PAGE);
  G_OBJECT_CLASS (ms_start_page_parent_class)->dispose (object);
}

static void ms_start_page_map (GtkWidget *widget);

static void
ms_start_page_class_init (MsStartPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_start_page_dispose;
  widget_class->map = ms_start_page_map;

  signals[SIGNAL_OPEN_RECENT] =
    g_signal_new ("open-recent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);
  signals[SIGNAL_OPEN_EXAMPLE] =
    g_signal_new ("open-example", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, MS_RESOURCE_PATH "/ui/start-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MsStartPage, status);
  gtk_widget_class_bind_template_child (widget_class, MsStartPage, recent_group);
  gtk_widget_class_bind_template_child (widget_class, MsStartPage, recent_list);
  gtk_widget_class_bind_template_child (widget_class, MsStartPage, examples_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ms_start_page_init (MsStartPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->examples_box, "child-activated", G_CALLBACK (on_example_activated), self);
}

/* A window opened on a project may never show its start page: the
 * gallery and the recent list are made when it is first shown. */
static void
ms_start_page_map (GtkWidget *widget)
{
  MsStartPage *self = MS_START_PAGE (widget);

  if (!self->loaded)
    {
      self->loaded = TRUE;
      load_examples (self);
      ms_start_page_refresh (self);
    }
  GTK_WIDGET_CLASS (ms_start_page_parent_class)->map (widget);
}
