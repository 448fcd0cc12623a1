/* ms-palette.c: the catalog of devices, grouped by category, searchable.
 *
 * While a search is typed the list is ranked, as a launcher ranks: the
 * exact name first, then names that start with the text, then names that
 * contain it (a word of a name before the middle of one), then entries
 * whose summary or description match; category headers come back when
 * the search is cleared. Enter adds the first entry.
 *
 * A GtkListBox rather than a GtkListView: the catalog has a few dozen
 * constructors, GTK 4.8 has no section model for list views, and a list
 * box gives category headers (header func over the visible rows), keyboard
 * navigation and per-row accessible labels for free.
 */
#include "ms-palette.h"
#include "ms-style.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "ms-config.h"
#include "ms-resources.h"

/* ---- one entry ---------------------------------------------------------------- */

#define MS_TYPE_PALETTE_ROW (ms_palette_row_get_type ())
G_DECLARE_FINAL_TYPE (MsPaletteRow, ms_palette_row, MS, PALETTE_ROW, GtkListBoxRow)

struct _MsPaletteRow
{
  GtkListBoxRow parent_instance;
  char *ctor;
  char *category;
  char *category_title;
  char *haystack;   /* casefolded name, summary, description and result */
  char *name;       /* casefolded name */
  char *summary;    /* casefolded summary */
  guint index;      /* place in catalog order */
  guint rank;       /* of the current search: RANK_* (lower first) */
};

/* How well an entry matches the search, best first. */
enum {
  RANK_EXACT,        /* the name is the text */
  RANK_PREFIX,       /* the name starts with it */
  RANK_WORD,         /* a word of the name (after '_') starts with it */
  RANK_NAME,         /* the name contains it */
  RANK_SUMMARY,      /* every word is in the name or the summary */
  RANK_DESCRIPTION,  /* found only in the description or the type */
};

G_DEFINE_FINAL_TYPE (MsPaletteRow, ms_palette_row, GTK_TYPE_LIST_BOX_ROW)

static void
ms_palette_row_finalize (GObject *object)
{
  MsPaletteRow *self = MS_PALETTE_ROW (object);

  g_free (self->ctor);
  g_free (self->category);
  g_free (self->category_title);
  g_free (self->haystack);
  g_free (self->name);
  g_free (self->summary);
  G_OBJECT_CLASS (ms_palette_row_parent_class)->finalize (object);
}

static void
ms_palette_row_class_init (MsPaletteRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ms_palette_row_finalize;
}

static void
ms_palette_row_init (MsPaletteRow *self)
{
}

/* ---- the palette ---------------------------------------------------------------- */

struct _MsPalette
{
  GtkWidget parent_instance;

  MsCatalog *catalog;
  char **needles;   /* casefolded words of the search, NULL: show all */
  char *query;      /* the casefolded search, words joined by one space */

  GtkWidget *box;
  GtkSearchEntry *search;
  GtkStack *stack;
  GtkListBox *list;
  GtkWidget *empty;
};

G_DEFINE_FINAL_TYPE (MsPalette, ms_palette, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_CATALOG, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_ADD_DEVICE, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The category a type belongs to, for the pill's colour: "'a tcp" -> network. */
static const char *
type_category (MsCatalog *catalog, const char *type)
{
  const MsModuleType *mt;
  const char *space;

  if (type == NULL)
    return NULL;
  space = type[0] == '\'' ? strchr (type, ' ') : NULL;
  mt = ms_catalog_lookup_type (catalog, space ? space + 1 : type);
  return mt ? mt->category : NULL;
}

GtkWidget *
ms_palette_type_pill_new (MsCatalog *catalog, const char *type)
{
  GtkWidget *pill = gtk_label_new (type);
  const char *cat = catalog ? type_category (catalog, type) : NULL;

  ms_style_ensure ();
  gtk_widget_add_css_class (pill, "ms-type-pill");
  if (cat != NULL)
    {
      g_autofree char *cls = g_strdup_printf ("ms-cat-%s", cat);
      gtk_widget_add_css_class (pill, cls);
    }
  gtk_widget_set_valign (pill, GTK_ALIGN_CENTER);
  return pill;
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source, double x, double y, MsPaletteRow *row)
{
  g_autofree char *payload = g_strconcat (MS_PALETTE_DRAG_PREFIX, row->ctor, NULL);

  return gdk_content_provider_new_typed (G_TYPE_STRING, payload);
}

static void
on_drag_begin (GtkDragSource *source, GdkDrag *drag, MsPaletteRow *row)
{
  GtkWidget *icon = gtk_drag_icon_get_for_drag (drag);
  GtkWidget *label = gtk_label_new (row->ctor);

  gtk_widget_add_css_class (label, "card");
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (label, "ms-drag-icon");
  gtk_drag_icon_set_child (GTK_DRAG_ICON (icon), label);
}

static GtkWidget *
make_row (MsPalette *self, const MsConstructor *ctor, const char *category_title)
{
  MsPaletteRow *row = g_object_new (MS_TYPE_PALETTE_ROW, NULL);
  GtkWidget *hbox = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon, *name, *summary;
  GtkDragSource *drag;
  g_autofree char *icon_name = g_strdup_printf ("ms-category-%s-symbolic", ctor->category);
  g_autofree char *a11y = NULL;
  g_autofree char *hay = NULL;
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self)));

  row->ctor = g_strdup (ctor->name);
  row->category = g_strdup (ctor->category);
  row->category_title = g_strdup (category_title);
  hay = g_strjoin ("\n", ctor->name, ctor->summary ? ctor->summary : "",
                   ctor->description ? ctor->description : "",
                   ctor->result ? ctor->result : "", NULL);
  row->haystack = g_utf8_casefold (hay, -1);
  row->name = g_utf8_casefold (ctor->name, -1);
  row->summary = g_utf8_casefold (ctor->summary ? ctor->summary : "", -1);

  icon = gtk_image_new_from_icon_name (gtk_icon_theme_has_icon (theme, icon_name)
                                       ? icon_name : "application-x-addon-symbolic");
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  gtk_accessible_update_state (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  gtk_box_append (GTK_BOX (hbox), icon);

  /* A long name in a narrow palette ("generic_happy_eyeballs" at 250 px)
   * is cut in the middle, where its beginning and end stay readable, and
   * the whole name leads the name's own tooltip. (Wrapping it instead
   * makes every row height-for-width: laying out the palette then costs
   * many times more.) */
  name = gtk_label_new (ctor->name);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  {
    g_autofree char *tip = g_strdup_printf ("%s\n\n%s", ctor->name,
                                            ctor->description ? ctor->description
                                            : ctor->summary ? ctor->summary : "");
    gtk_widget_set_tooltip_text (name, g_strstrip (tip));
  }
  gtk_widget_add_css_class (name, "heading");
  gtk_box_append (GTK_BOX (title_box), name);
  if (ctor->deprecated != NULL)
    {
      GtkWidget *dep = gtk_label_new (_("deprecated"));
      gtk_widget_add_css_class (dep, "ms-deprecated");
      gtk_widget_set_tooltip_text (dep, ctor->deprecated);
      gtk_box_append (GTK_BOX (title_box), dep);
      gtk_widget_add_css_class (name, "dim-label");
    }
  gtk_box_append (GTK_BOX (vbox), title_box);

  summary = gtk_label_new (ctor->summary ? ctor->summary : "");
  gtk_label_set_xalign (GTK_LABEL (summary), 0);
  gtk_label_set_ellipsize (GTK_LABEL (summary), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (summary), TRUE);
  gtk_widget_add_css_class (summary, "dim-label");
  gtk_widget_add_css_class (summary, "caption");
  gtk_box_append (GTK_BOX (vbox), summary);
  gtk_widget_set_hexpand (vbox, TRUE);
  gtk_box_append (GTK_BOX (hbox), vbox);

  if (ctor->result != NULL)
    gtk_box_append (GTK_BOX (hbox), ms_palette_type_pill_new (self->catalog, ctor->result));

  gtk_widget_set_margin_top (hbox, 4);
  gtk_widget_set_margin_bottom (hbox, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), hbox);

  /* the description is the long form of the summary; the deprecation note leads it */
  if (ctor->deprecated != NULL)
    {
      g_autofree char *tip = g_strdup_printf (_("Deprecated: %s\n\n%s"), ctor->deprecated,
                                              ctor->description ? ctor->description : "");
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), tip);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (row), ctor->description);

  a11y = g_strdup_printf ("%s: %s", ctor->name, ctor->summary ? ctor->summary : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, a11y,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  ctor->description ? ctor->description : "",
                                  -1);

  drag = gtk_drag_source_new ();
  gtk_drag_source_set_actions (drag, GDK_ACTION_COPY);
  g_signal_connect (drag, "prepare", G_CALLBACK (on_drag_prepare), row);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), row);
  gtk_widget_add_controller (GTK_WIDGET (row), GTK_EVENT_CONTROLLER (drag));

  return GTK_WIDGET (row);
}

static gboolean
row_matches (MsPalette *self, MsPaletteRow *row)
{
  for (guint i = 0; self->needles != NULL && self->needles[i] != NULL; i++)
    if (strstr (row->haystack, self->needles[i]) == NULL)
      return FALSE;
  return TRUE;
}

static guint
row_rank (MsPalette *self, MsPaletteRow *row)
{
  const char *q = self->query;
  const char *hit;
  gboolean in_summary = TRUE;

  if (q == NULL)
    return RANK_EXACT;
  if (g_str_equal (row->name, q))
    return RANK_EXACT;
  if (g_str_has_prefix (row->name, q))
    return RANK_PREFIX;
  for (hit = strstr (row->name, q); hit != NULL; hit = strstr (hit + 1, q))
    if (hit[-1] == '_')
      return RANK_WORD;
  if (strstr (row->name, q) != NULL)
    return RANK_NAME;
  for (guint i = 0; self->needles[i] != NULL; i++)
    if (strstr (row->name, self->needles[i]) == NULL && strstr (row->summary, self->needles[i]) == NULL)
      in_summary = FALSE;
  return in_summary ? RANK_SUMMARY : RANK_DESCRIPTION;
}

static gboolean
filter_func (GtkListBoxRow *row, gpointer data)
{
  return row_matches (data, MS_PALETTE_ROW (row));
}

/* Catalog order without a search; best match first with one. */
static int
sort_func (GtkListBoxRow *a, GtkListBoxRow *b, gpointer data)
{
  MsPaletteRow *ra = MS_PALETTE_ROW (a), *rb = MS_PALETTE_ROW (b);

  if (ra->rank != rb->rank)
    return ra->rank < rb->rank ? -1 : 1;
  return ra->index < rb->index ? -1 : ra->index > rb->index ? 1 : 0;
}

static void
header_func (GtkListBoxRow *row, GtkListBoxRow *before, gpointer data)
{
  MsPaletteRow *r = MS_PALETTE_ROW (row);
  MsPalette *self = data;
  GtkWidget *header;

  /* a ranked list has no categories: the best match leads, whatever its kind */
  if (self->needles != NULL)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  if (before != NULL && g_strcmp0 (MS_PALETTE_ROW (before)->category, r->category) == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_list_box_row_get_header (row);
  if (header != NULL && g_strcmp0 (gtk_label_get_text (GTK_LABEL (header)), r->category_title) == 0)
    return;
  header = gtk_label_new (r->category_title);
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "dim-label");
  gtk_widget_add_css_class (header, "ms-palette-header");
  gtk_list_box_row_set_header (row, header);
}

static void
clear_rows (MsPalette *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
}

static void
populate (MsPalette *self)
{
  GPtrArray *ctors, *cats;

  clear_rows (self);
  if (self->catalog == NULL)
    return;
  ctors = ms_catalog_get_constructors (self->catalog);
  cats = ms_catalog_get_categories (self->catalog);
  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *ctor = ctors->pdata[i];
      const char *title = ctor->category;

      if (ctor->kind == MS_CTOR_INTERNAL)
        continue;
      for (guint j = 0; j < cats->len; j++)
        {
          const MsCategory *c = cats->pdata[j];
          if (g_strcmp0 (c->name, ctor->category) == 0)
            title = c->title;
        }
      {
        GtkWidget *row = make_row (self, ctor, title ? title : "");
        MS_PALETTE_ROW (row)->index = i;
        gtk_list_box_append (self->list, row);
      }
    }
}

/* In the order shown (sorted), not the order of the children. */
static GtkListBoxRow *
first_visible_row (MsPalette *self)
{
  GtkListBoxRow *r;

  for (int i = 0; (r = gtk_list_box_get_row_at_index (self->list, i)) != NULL; i++)
    if (MS_IS_PALETTE_ROW (r) && row_matches (self, MS_PALETTE_ROW (r)))
      return r;
  return NULL;
}

static void
refilter (MsPalette *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search));
  g_autofree char *folded = g_utf8_casefold (text, -1);
  GtkListBoxRow *first;

  g_clear_pointer (&self->needles, g_strfreev);
  g_strstrip (folded);
  if (*folded != '\0')
    self->needles = g_strsplit_set (folded, " \t", -1);
  /* g_strsplit_set leaves empty words between double spaces: drop them */
  if (self->needles != NULL)
    {
      guint w = 0;
      for (guint r = 0; self->needles[r]; r++)
        {
          if (*self->needles[r] != '\0')
            self->needles[w++] = self->needles[r];
          else
            g_free (self->needles[r]);
        }
      self->needles[w] = NULL;
      if (w == 0)
        g_clear_pointer (&self->needles, g_strfreev);
    }
  g_clear_pointer (&self->query, g_free);
  if (self->needles != NULL)
    self->query = g_strjoinv (" ", self->needles);
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->list)); c; c = gtk_widget_get_next_sibling (c))
    if (MS_IS_PALETTE_ROW (c))
      MS_PALETTE_ROW (c)->rank = row_rank (self, MS_PALETTE_ROW (c));
  gtk_list_box_invalidate_filter (self->list);
  gtk_list_box_invalidate_sort (self->list);
  gtk_list_box_invalidate_headers (self->list);
  first = first_visible_row (self);
  /* before the catalog arrives there is nothing to match: no "no match" page */
  if (self->catalog == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else
    gtk_stack_set_visible_child_name (self->stack, first != NULL ? "list" : "empty");
  if (first != NULL && self->needles != NULL)
    gtk_list_box_select_row (self->list, first);
}

static void
on_search_changed (MsPalette *self)
{
  refilter (self);
}

static void
emit_add (MsPalette *self, MsPaletteRow *row)
{
  g_signal_emit (self, signals[SIGNAL_ADD_DEVICE], 0, row->ctor);
}

/* Enter in the search adds the best (first) match, as in a launcher. */
static void
on_search_activate (MsPalette *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);

  /* with nothing typed there is no "best match" to add */
  if (self->needles == NULL)
    return;
  if (row == NULL || !row_matches (self, MS_PALETTE_ROW (row)))
    row = first_visible_row (self);
  if (row != NULL)
    emit_add (self, MS_PALETTE_ROW (row));
}

static void
on_search_stop (MsPalette *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search), "");
}

static void
on_row_activated (MsPalette *self, GtkListBoxRow *row)
{
  emit_add (self, MS_PALETTE_ROW (row));
}

/* Down from the search moves into the list, so the palette works without a mouse. */
static gboolean
on_search_key (GtkEventControllerKey *controller, guint keyval, guint keycode,
               GdkModifierType state, MsPalette *self)
{
  GtkListBoxRow *row;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return FALSE;
  row = gtk_list_box_get_selected_row (self->list);
  if (row == NULL || !row_matches (self, MS_PALETTE_ROW (row)))
    row = first_visible_row (self);
  if (row == NULL)
    return FALSE;
  gtk_list_box_select_row (self->list, row);
  gtk_widget_grab_focus (GTK_WIDGET (row));
  return TRUE;
}

static void
ms_palette_dispose (GObject *object)
{
  MsPalette *self = MS_PALETTE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MS_TYPE_PALETTE);
  g_clear_pointer (&self->catalog, ms_catalog_unref);
  g_clear_pointer (&self->needles, g_strfreev);
  g_clear_pointer (&self->query, g_free);
  G_OBJECT_CLASS (ms_palette_parent_class)->dispose (object);
}

static void
ms_palette_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MsPalette *self = MS_PALETTE (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      g_value_set_pointer (value, self->catalog);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_palette_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MsPalette *self = MS_PALETTE (object);

  switch (prop_id)
    {
    case PROP_CATALOG:
      ms_palette_set_catalog (self, g_value_get_pointer (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
ms_palette_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (MS_PALETTE (widget)->search));
}

static void
ms_palette_class_init (MsPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_palette_dispose;
  object_class->get_property = ms_palette_get_property;
  object_class->set_property = ms_palette_set_property;
  widget_class->grab_focus = ms_palette_grab_focus;

  properties[PROP_CATALOG] =
    g_param_spec_pointer ("catalog", NULL, NULL,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* add-device (const char *ctor) */
  signals[SIGNAL_ADD_DEVICE] =
    g_signal_new ("add-device", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  /* referencing the resource bundle links it (and its registration) into
   * every program that uses the palette, tests included */
  (void) ms_studio_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class, MS_RESOURCE_PATH "/ui/palette.ui");
  gtk_widget_class_bind_template_child (widget_class, MsPalette, box);
  gtk_widget_class_bind_template_child (widget_class, MsPalette, search);
  gtk_widget_class_bind_template_child (widget_class, MsPalette, stack);
  gtk_widget_class_bind_template_child (widget_class, MsPalette, list);
  gtk_widget_class_bind_template_child (widget_class, MsPalette, empty);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mspalette");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
ms_palette_init (MsPalette *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  ms_style_ensure ();
  gtk_search_entry_set_search_delay (self->search, 100);
  gtk_list_box_set_filter_func (self->list, filter_func, self, NULL);
  gtk_list_box_set_header_func (self->list, header_func, self, NULL);
  gtk_list_box_set_sort_func (self->list, sort_func, self, NULL);
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_search_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search), keys);
  gtk_stack_set_visible_child_name (self->stack, "loading");
}

GtkWidget *
ms_palette_new (void)
{
  return g_object_new (MS_TYPE_PALETTE, NULL);
}

void
ms_palette_set_catalog (MsPalette *self, MsCatalog *catalog)
{
  g_return_if_fail (MS_IS_PALETTE (self));

  if (self->catalog == catalog)
    return;
  g_clear_pointer (&self->catalog, ms_catalog_unref);
  if (catalog != NULL)
    self->catalog = ms_catalog_ref (catalog);
  populate (self);
  refilter (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATALOG]);
}

MsCatalog *
ms_palette_get_catalog (MsPalette *self)
{
  g_return_val_if_fail (MS_IS_PALETTE (self), NULL);
  return self->catalog;
}

void
ms_palette_focus_search (MsPalette *self)
{
  g_return_if_fail (MS_IS_PALETTE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search));
  gtk_editable_select_region (GTK_EDITABLE (self->search), 0, -1);
}

void
ms_palette_set_search_text (MsPalette *self, const char *text)
{
  g_return_if_fail (MS_IS_PALETTE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search), text ? text : "");
  /* apply now rather than after the search delay */
  refilter (self);
}

GPtrArray *
ms_palette_get_visible_constructors (MsPalette *self)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GtkListBoxRow *r;

  g_return_val_if_fail (MS_IS_PALETTE (self), names);
  for (int i = 0; (r = gtk_list_box_get_row_at_index (self->list, i)) != NULL; i++)
    if (MS_IS_PALETTE_ROW (r) && row_matches (self, MS_PALETTE_ROW (r)))
      g_ptr_array_add (names, g_strdup (MS_PALETTE_ROW (r)->ctor));
  return names;
}

GtkWidget *
ms_palette_get_row (MsPalette *self, const char *ctor)
{
  g_return_val_if_fail (MS_IS_PALETTE (self), NULL);
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->list)); c; c = gtk_widget_get_next_sibling (c))
    if (MS_IS_PALETTE_ROW (c) && g_strcmp0 (MS_PALETTE_ROW (c)->ctor, ctor) == 0)
      return c;
  return NULL;
}
