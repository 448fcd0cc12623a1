/* test-palette.c: the device palette over the real catalog: what it lists,
 * how search filters it, what activating an entry asks for, and what an
 * assistive technology reads. */
#include <gtk/gtk.h>
#include <adwaita.h>
#include <string.h>

#include "ms-palette.h"

static MsCatalog *catalog;

static gboolean
contains (GPtrArray *names, const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (g_str_equal (names->pdata[i], name))
      return TRUE;
  return FALSE;
}

static gboolean
haystack_has (const MsConstructor *c, const char *word)
{
  g_autofree char *hay = g_strjoin ("\n", c->name, c->summary ? c->summary : "",
                                    c->description ? c->description : "",
                                    c->result ? c->result : "", NULL);
  g_autofree char *f = g_utf8_casefold (hay, -1);
  g_autofree char *w = g_utf8_casefold (word, -1);
  return strstr (f, w) != NULL;
}

static GtkWidget *
find_widget (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, type);
      if (found)
        return found;
    }
  return NULL;
}

static MsPalette *
new_palette (GtkWidget **window)
{
  GtkWidget *p = ms_palette_new ();

  ms_palette_set_catalog (MS_PALETTE (p), catalog);
  *window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (*window), p);
  gtk_window_present (GTK_WINDOW (*window));
  return MS_PALETTE (p);
}

static void
destroy_window (GtkWidget *window, MsPalette *p)
{
  g_object_ref (p);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (p);
}

static void
test_lists_catalog (void)
{
  GtkWidget *window;
  MsPalette *p = new_palette (&window);
  g_autoptr(GPtrArray) shown = ms_palette_get_visible_constructors (p);
  GPtrArray *ctors = ms_catalog_get_constructors (catalog);
  guint expected = 0;

  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      if (c->kind == MS_CTOR_INTERNAL)
        {
          g_assert_false (contains (shown, c->name));
          continue;
        }
      expected++;
      g_assert_true (contains (shown, c->name));
    }
  g_assert_cmpuint (shown->len, ==, expected);
  /* users add their own unikernel from the palette */
  g_assert_true (contains (shown, "main"));
  g_assert_false (contains (shown, "ocaml_runtime"));
  /* and their own devices and choices (if_impl, match_impl) */
  g_assert_true (contains (shown, "impl"));
  g_assert_true (contains (shown, "choice"));
  destroy_window (window, p);
}

static void
check_search (MsPalette *p, const char *word, const char *must, const char *must_not)
{
  g_autoptr(GPtrArray) shown = NULL;
  GPtrArray *ctors = ms_catalog_get_constructors (catalog);

  ms_palette_set_search_text (p, word);
  shown = ms_palette_get_visible_constructors (p);
  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      gboolean want = c->kind != MS_CTOR_INTERNAL && haystack_has (c, word);
      g_assert_cmpint (contains (shown, c->name), ==, want);
    }
  if (must)
    g_assert_true (contains (shown, must));
  if (must_not)
    g_assert_false (contains (shown, must_not));
}

static void
test_search (void)
{
  GtkWidget *window;
  MsPalette *p = new_palette (&window);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) two = NULL;

  /* by name */
  check_search (p, "ramdisk", "ramdisk", "crunch");
  check_search (p, "SYSLOG", "syslog_tls", "crunch");
  /* by a word of the description only */
  check_search (p, "seed", "default_random", "ramdisk");
  check_search (p, "match_impl", "choice", "crunch");
  /* by the type produced */
  check_search (p, "kv_rw", "chamelon", "crunch");
  check_search (p, "ipv6", "create_ipv6", "ramdisk");
  /* every word must match */
  ms_palette_set_search_text (p, "syslog  tls");
  two = ms_palette_get_visible_constructors (p);
  g_assert_cmpuint (two->len, ==, 1);
  g_assert_cmpstr (two->pdata[0], ==, "syslog_tls");
  /* nothing matches: the status page is shown */
  ms_palette_set_search_text (p, "zzzz-no-such-device");
  none = ms_palette_get_visible_constructors (p);
  g_assert_cmpuint (none->len, ==, 0);
  {
    GtkWidget *stack = find_widget (GTK_WIDGET (p), GTK_TYPE_STACK);
    g_assert_true (ADW_IS_STATUS_PAGE (gtk_stack_get_visible_child (GTK_STACK (stack))));
    g_assert_true (gtk_widget_get_mapped (find_widget (GTK_WIDGET (p), ADW_TYPE_STATUS_PAGE)));
  }
  ms_palette_set_search_text (p, "");
  all = ms_palette_get_visible_constructors (p);
  g_assert_cmpuint (all->len, >, 40);
  destroy_window (window, p);
}

static void
on_add (MsPalette *p, const char *ctor, char **out)
{
  g_free (*out);
  *out = g_strdup (ctor);
}

static void
test_activate (void)
{
  GtkWidget *window;
  MsPalette *p = new_palette (&window);
  g_autofree char *added = NULL;
  GtkWidget *row;

  g_signal_connect (p, "add-device", G_CALLBACK (on_add), &added);
  row = ms_palette_get_row (p, "generic_kv_ro");
  g_assert_nonnull (row);
  gtk_widget_activate (row);
  g_assert_cmpstr (added, ==, "generic_kv_ro");

  /* Enter in the search adds the first match */
  ms_palette_set_search_text (p, "chamelon");
  g_signal_emit_by_name (find_widget (GTK_WIDGET (p), GTK_TYPE_SEARCH_ENTRY), "activate");
  g_assert_cmpstr (added, ==, "chamelon");
  destroy_window (window, p);
}


/* 0: the name is the text, 1: starts with it, 2: contains it, 3: elsewhere */
static int
name_rank (const char *name, const char *q)
{
  if (g_str_equal (name, q))
    return 0;
  if (g_str_has_prefix (name, q))
    return 1;
  return strstr (name, q) != NULL ? 2 : 3;
}

/* Typing a name puts that name first ("main" used to highlight noop):
 * exact, then prefix, then names containing it, then description hits;
 * Enter adds the first. */
static void
test_ranking (void)
{
  const char *queries[] = { "main", "tcp", "kv_ro", "stack", "net", "block", "random", "noop" };
  GtkWidget *window;
  MsPalette *p = new_palette (&window);
  g_autofree char *added = NULL;

  g_signal_connect (p, "add-device", G_CALLBACK (on_add), &added);
  for (guint qi = 0; qi < G_N_ELEMENTS (queries); qi++)
    {
      g_autoptr(GPtrArray) shown = NULL;
      int last = 0;

      ms_palette_set_search_text (p, queries[qi]);
      shown = ms_palette_get_visible_constructors (p);
      g_assert_cmpuint (shown->len, >, 0);
      for (guint i = 0; i < shown->len; i++)
        {
          int r = name_rank (shown->pdata[i], queries[qi]);
          if (r < last)
            g_error ("search “%s”: %s (rank %d) after a rank %d entry", queries[qi],
                     (char *) shown->pdata[i], r, last);
          last = r;
        }
      if (ms_catalog_lookup (catalog, queries[qi]) != NULL)
        g_assert_cmpstr (shown->pdata[0], ==, queries[qi]);
      g_signal_emit_by_name (find_widget (GTK_WIDGET (p), GTK_TYPE_SEARCH_ENTRY), "activate");
      g_assert_cmpstr (added, ==, shown->pdata[0]);
    }
  /* the headers come back, in catalog order, once the search is cleared */
  ms_palette_set_search_text (p, "");
  {
    g_autoptr(GPtrArray) all = ms_palette_get_visible_constructors (p);
    GPtrArray *ctors = ms_catalog_get_constructors (catalog);
    guint j = 0;
    for (guint i = 0; i < ctors->len; i++)
      {
        const MsConstructor *c = ctors->pdata[i];
        if (c->kind == MS_CTOR_INTERNAL)
          continue;
        g_assert_cmpstr (all->pdata[j], ==, c->name);
        j++;
      }
  }
  destroy_window (window, p);
}

/* Before its catalog arrives the palette shows a spinner, not "No devices
 * match" (a project window fills the palette one frame late). */
static void
test_loading (void)
{
  GtkWidget *p = ms_palette_new ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *stack;

  gtk_window_set_child (GTK_WINDOW (window), p);
  gtk_window_present (GTK_WINDOW (window));
  stack = find_widget (p, GTK_TYPE_STACK);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "loading");
  g_assert_true (GTK_IS_SPINNER (gtk_stack_get_visible_child (GTK_STACK (stack))));
  g_assert_false (gtk_widget_get_mapped (find_widget (p, ADW_TYPE_STATUS_PAGE)));
  ms_palette_set_catalog (MS_PALETTE (p), catalog);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "list");
  ms_palette_set_search_text (MS_PALETTE (p), "zzzz-no-such-device");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  destroy_window (window, MS_PALETTE (p));
}

static void
test_drag_payload_and_tooltip (void)
{
  GtkWidget *window;
  MsPalette *p = new_palette (&window);
  GtkWidget *row = ms_palette_get_row (p, "crunch");
  const MsConstructor *c = ms_catalog_lookup (catalog, "crunch");
  GtkDragSource *drag = NULL;
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (row);

  g_assert_cmpstr (gtk_widget_get_tooltip_text (row), ==, c->description);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) ctl = g_list_model_get_item (controllers, i);
      if (GTK_IS_DRAG_SOURCE (ctl))
        drag = GTK_DRAG_SOURCE (ctl);
    }
  g_assert_nonnull (drag);
  /* the canvas accepts "ms-ctor:NAME" strings */
  {
    GdkContentProvider *content = NULL;
    GValue value = G_VALUE_INIT;
    g_autoptr(GError) error = NULL;

    g_signal_emit_by_name (drag, "prepare", 4.0, 4.0, &content);
    g_assert_nonnull (content);
    g_value_init (&value, G_TYPE_STRING);
    g_assert_true (gdk_content_provider_get_value (content, &value, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (g_value_get_string (&value), ==, MS_PALETTE_DRAG_PREFIX "crunch");
    g_value_unset (&value);
    g_object_unref (content);
  }
  g_clear_object (&controllers);
  destroy_window (window, p);
}

static void
test_accessible_labels (void)
{
  GtkWidget *window;
  MsPalette *p = new_palette (&window);
  GPtrArray *ctors = ms_catalog_get_constructors (catalog);

  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      g_autofree char *label = NULL;
      GtkWidget *row;

      if (c->kind == MS_CTOR_INTERNAL)
        continue;
      row = ms_palette_get_row (p, c->name);
      label = g_strdup_printf ("%s: %s", c->name, c->summary);
      gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
    }
  destroy_window (window, p);
}

static void
iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

/* The name label of a palette row: its "heading". */
static GtkWidget *
row_name_label (GtkWidget *w)
{
  if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "heading"))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = row_name_label (c);
      if (found)
        return found;
    }
  return NULL;
}

/* In a narrow palette (250 px, its width in the studio) every entry's
 * name is readable whole: shown uncut, or cut in the middle (its start
 * and end shown) with the whole name leading the name's tooltip; the
 * row's tooltip stays the description. Long names such as
 * generic_happy_eyeballs are cut at this width (without the tooltip they
 * could not be read). */
static void
test_narrow_names (void)
{
  GtkWidget *window;
  MsPalette *p = new_palette (&window);
  GPtrArray *ctors = ms_catalog_get_constructors (catalog);
  guint checked = 0, cut = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 250, 700);
  iterate (300);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (p)), <=, 250);
  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      GtkWidget *row = ms_palette_get_row (p, c->name), *name;
      PangoLayout *layout;
      graphene_rect_t in_row;
      g_autofree char *first_line = NULL;
      const char *tip;

      if (row == NULL)
        continue;
      name = row_name_label (row);
      g_assert_nonnull (name);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (name)), ==, c->name);
      /* inside its row */
      g_assert_true (gtk_widget_compute_bounds (name, row, &in_row));
      g_assert_cmpfloat (in_row.origin.x, >=, 0);
      g_assert_cmpfloat (in_row.origin.x + in_row.size.width, <=, gtk_widget_get_width (row) + 0.5);
      /* the whole name leads the name's tooltip */
      tip = gtk_widget_get_tooltip_text (name);
      g_assert_nonnull (tip);
      first_line = g_strndup (tip, strcspn (tip, "\n"));
      g_assert_cmpstr (first_line, ==, c->name);
      layout = gtk_label_get_layout (GTK_LABEL (name));
      if (pango_layout_is_ellipsized (layout))
        {
          /* cut in the middle: the start and the end are shown */
          g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (name)), ==, PANGO_ELLIPSIZE_MIDDLE);
          g_test_message ("%s is cut at %d px", c->name, gtk_widget_get_width (name));
          cut++;
        }
      checked++;
    }
  g_assert_cmpuint (checked, >, 50);
  g_assert_cmpuint (cut, >, 0);
  /* the row itself still tells the description */
  {
    const MsConstructor *c = ms_catalog_lookup (catalog, "generic_happy_eyeballs");
    if (c != NULL && c->deprecated == NULL)
      g_assert_cmpstr (gtk_widget_get_tooltip_text (ms_palette_get_row (p, c->name)), ==, c->description);
  }
  destroy_window (window, p);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  /* the test AT context records accessible properties, so they can be read back */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  catalog = ms_catalog_get_default (NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/palette/lists-catalog", test_lists_catalog);
  g_test_add_func ("/palette/search", test_search);
  g_test_add_func ("/palette/activate", test_activate);
  g_test_add_func ("/palette/ranking", test_ranking);
  g_test_add_func ("/palette/loading", test_loading);
  g_test_add_func ("/palette/drag-and-tooltip", test_drag_payload_and_tooltip);
  g_test_add_func ("/palette/accessible-labels", test_accessible_labels);
  g_test_add_func ("/palette/narrow-names", test_narrow_names);
  ret = g_test_run ();
  ms_catalog_unref (catalog);
  return ret;
}
