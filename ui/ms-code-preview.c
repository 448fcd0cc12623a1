/* ms-code-preview.c: config.ml and unikernel.ml as the graph is now.
 *
 * The text is regenerated in one idle per burst of document changes, and
 * only while the widget is mapped (a hidden preview costs nothing; it
 * catches up when shown). Projects with check errors still preview
 * (MS_EXPORT_FORCE); what cannot be written at all shows the exporter's
 * message instead of the text. Highlighting is a single pass over the
 * text applying a handful of tags.
 */
#include "ms-code-preview.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "ms-style.h"
#include <string.h>

#include "ms-configml.h"
#include "ms-export.h"
#include "ms-unikernel-ml.h"

/* ---- line numbers ------------------------------------------------------------------ */

/* The left gutter of the text view: numbers of the visible lines, drawn
 * from the view's own line geometry (no second buffer to keep in step). */
#define MS_TYPE_LINE_GUTTER (ms_line_gutter_get_type ())
G_DECLARE_FINAL_TYPE (MsLineGutter, ms_line_gutter, MS, LINE_GUTTER, GtkWidget)

struct _MsLineGutter
{
  GtkWidget parent_instance;
  GtkTextView *view;   /* not owned: the gutter lives inside it */
};

G_DEFINE_FINAL_TYPE (MsLineGutter, ms_line_gutter, GTK_TYPE_WIDGET)

static void
ms_line_gutter_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                        int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  MsLineGutter *self = MS_LINE_GUTTER (widget);

  *minimum = *natural = 0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL && self->view != NULL)
    {
      int lines = gtk_text_buffer_get_line_count (gtk_text_view_get_buffer (self->view));
      int digits = 1;
      g_autofree char *widest = NULL;

      for (int n = lines; n >= 10; n /= 10)
        digits++;
      widest = g_strnfill (MAX (2, digits), '0');
      g_autoptr(PangoLayout) layout = NULL;
      int w;

      layout = gtk_widget_create_pango_layout (widget, widest);
      pango_layout_get_pixel_size (layout, &w, NULL);
      *minimum = *natural = w + 16;
    }
}

static void
ms_line_gutter_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  MsLineGutter *self = MS_LINE_GUTTER (widget);
  int width = gtk_widget_get_width (widget);
  GdkRectangle visible;
  GtkTextIter it;
  GdkRGBA color;

  if (self->view == NULL)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_text_view_get_visible_rect (self->view, &visible);
  gtk_text_view_get_line_at_y (self->view, &it, visible.y, NULL);
  for (;;)
    {
      int y, height, wy, w, h;
      char number[16];
      g_autoptr(PangoLayout) layout = NULL;

      gtk_text_view_get_line_yrange (self->view, &it, &y, &height);
      if (y > visible.y + visible.height)
        break;
      g_snprintf (number, sizeof number, "%d", gtk_text_iter_get_line (&it) + 1);
      layout = gtk_widget_create_pango_layout (widget, number);
      pango_layout_get_pixel_size (layout, &w, &h);
      gtk_text_view_buffer_to_window_coords (self->view, GTK_TEXT_WINDOW_LEFT, 0, y, NULL, &wy);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (width - w - 8, wy));
      gtk_snapshot_append_layout (snapshot, layout, &color);
      gtk_snapshot_restore (snapshot);
      if (!gtk_text_iter_forward_line (&it))
        break;
    }
}

static void
ms_line_gutter_class_init (MsLineGutterClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->measure = ms_line_gutter_measure;
  widget_class->snapshot = ms_line_gutter_snapshot;
  gtk_widget_class_set_css_name (widget_class, "line-numbers");
}

static void
ms_line_gutter_init (MsLineGutter *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "monospace");
  gtk_widget_add_css_class (GTK_WIDGET (self), "dim-label");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
}

static void
gutter_redraw_cb (GtkWidget *gutter)
{
  gtk_widget_queue_draw (gutter);
}

static void
gutter_resize_cb (GtkWidget *gutter)
{
  gtk_widget_queue_resize (gutter);
}

static GtkWidget *
ms_line_gutter_new (GtkTextView *view, GtkAdjustment *vadjustment)
{
  MsLineGutter *self = g_object_new (MS_TYPE_LINE_GUTTER, NULL);

  self->view = view;
  g_signal_connect_object (vadjustment, "value-changed", G_CALLBACK (gutter_redraw_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (view), "changed", G_CALLBACK (gutter_resize_cb), self,
                           G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

/* ---- the preview ---------------------------------------------------------------------- */

static const char *const files[] = { "config.ml", "unikernel.ml" };
static const char *const versions[] = { "4.11", "4.10" };

struct _MsCodePreview
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkDropDown *file_dropdown;
  GtkDropDown *version_dropdown;
  GtkStack *stack;
  GtkScrolledWindow *scrolled;
  GtkTextView *text_view;
  AdwStatusPage *error_page;

  MsDocument *doc;
  guint device;
  guint idle_id;
  gboolean dirty;        /* the text is older than the document */
  char *text;            /* what the view shows, NULL on error */
  char *error;           /* why there is no text */

  GtkTextTag *tag_keyword;
  GtkTextTag *tag_string;
  GtkTextTag *tag_comment;
  GtkTextTag *tag_number;
  GtkTextTag *tag_module;
  GtkTextTag *tag_device;
};

G_DEFINE_FINAL_TYPE (MsCodePreview, ms_code_preview, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_DEVICE,
  PROP_FILE,
  PROP_MIRAGE_VERSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- generation ---------------------------------------------------------------- */

static char *
generate (MsDocument *doc, const char *file, const char *version, GError **error)
{
  g_autoptr(MsCatalog) catalog = ms_catalog_get_default (version, error);
  g_autoptr(GPtrArray) sources = NULL;
  GString *s;

  if (catalog == NULL)
    return NULL;
  if (g_str_equal (file, "config.ml"))
    return ms_configml_generate (doc, catalog, MS_EXPORT_FORCE, error);

  sources = ms_unikernel_ml_generate (doc, catalog, MS_EXPORT_FORCE, error);
  if (sources == NULL)
    return NULL;
  if (sources->len == 0)
    return g_strdup (_("(* The project has no main device, so no module of its own. *)\n"));
  if (sources->len == 1)
    return g_strdup (((MsSourceFile *) sources->pdata[0])->text);
  /* several compilation units: one after the other, each named */
  s = g_string_new (NULL);
  for (guint i = 0; i < sources->len; i++)
    {
      MsSourceFile *f = sources->pdata[i];
      g_string_append_printf (s, "%s(* ---- %s ---- *)\n\n%s", i ? "\n" : "", f->file, f->text);
    }
  return g_string_free (s, FALSE);
}

static const char *
current_file (MsCodePreview *self)
{
  guint i = gtk_drop_down_get_selected (self->file_dropdown);
  return files[i < G_N_ELEMENTS (files) ? i : 0];
}

static const char *
current_version (MsCodePreview *self)
{
  guint i = gtk_drop_down_get_selected (self->version_dropdown);
  return versions[i < G_N_ELEMENTS (versions) ? i : 0];
}

/* ---- highlighting ----------------------------------------------------------------- */

static gboolean
is_ident_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '\'';
}

static gboolean
is_keyword (const char *p, gsize len)
{
  static const char *const keywords[] = {
    "let", "in", "open", "fun", "function", "match", "with", "if", "then",
    "else", "and", "rec", "module", "struct", "sig", "end", "type", "val",
    "begin", "of", "true", "false", "include", "functor",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (strlen (keywords[i]) == len && memcmp (keywords[i], p, len) == 0)
      return TRUE;
  return FALSE;
}

/* Character offsets (not bytes) are what the buffer wants; the text is
 * walked once, counting characters as it goes. */
typedef struct {
  const char *text;
  gsize pos;
  int chars;
} Scan;

static void
advance (Scan *s, gsize n)
{
  for (gsize i = 0; i < n && s->text[s->pos] != '\0'; i++)
    {
      if (((guchar) s->text[s->pos] & 0xc0) != 0x80)
        s->chars++;
      s->pos++;
    }
}

static void
apply (GtkTextBuffer *buffer, GtkTextTag *tag, int start, int end)
{
  GtkTextIter a, b;

  gtk_text_buffer_get_iter_at_offset (buffer, &a, start);
  gtk_text_buffer_get_iter_at_offset (buffer, &b, end);
  gtk_text_buffer_apply_tag (buffer, tag, &a, &b);
}

typedef struct {
  GtkTextTag *keyword, *string, *comment, *number, *module;
} Tags;

static void
highlight_with (const Tags *t, GtkTextBuffer *buffer, const char *text)
{
  Scan s = { text, 0, 0 };

  while (text[s.pos] != '\0')
    {
      const char *p = text + s.pos;
      int start = s.chars;

      if (p[0] == '(' && p[1] == '*')
        {
          int depth = 0;
          do
            {
              const char *q = text + s.pos;
              if (q[0] == '(' && q[1] == '*')
                {
                  depth++;
                  advance (&s, 2);
                }
              else if (q[0] == '*' && q[1] == ')')
                {
                  depth--;
                  advance (&s, 2);
                }
              else
                advance (&s, 1);
            }
          while (depth > 0 && text[s.pos] != '\0');
          apply (buffer, t->comment, start, s.chars);
        }
      else if (p[0] == '"')
        {
          advance (&s, 1);
          while (text[s.pos] != '\0' && text[s.pos] != '"')
            advance (&s, text[s.pos] == '\\' && text[s.pos + 1] != '\0' ? 2 : 1);
          advance (&s, 1);
          apply (buffer, t->string, start, s.chars);
        }
      else if (g_ascii_isdigit (p[0]))
        {
          gsize n = 1;
          while (is_ident_char (p[n]) || (p[n] == '.' && g_ascii_isdigit (p[n + 1])))
            n++;
          advance (&s, n);
          apply (buffer, t->number, start, s.chars);
        }
      else if (g_ascii_isalpha (p[0]) || p[0] == '_')
        {
          gsize n = 1;
          while (is_ident_char (p[n]))
            n++;
          if (g_ascii_isupper (p[0]))
            {
              /* a module path: Unikernel.Main, Mirage.Key */
              while (p[n] == '.' && g_ascii_isupper (p[n + 1]))
                {
                  n++;
                  while (is_ident_char (p[n]))
                    n++;
                }
              advance (&s, n);
              apply (buffer, t->module, start, s.chars);
            }
          else
            {
              gboolean kw = is_keyword (p, n);
              advance (&s, n);
              if (kw)
                apply (buffer, t->keyword, start, s.chars);
            }
        }
      else
        advance (&s, 1);
    }
}

static void
highlight (MsCodePreview *self, GtkTextBuffer *buffer, const char *text)
{
  Tags t = { self->tag_keyword, self->tag_string, self->tag_comment, self->tag_number, self->tag_module };

  highlight_with (&t, buffer, text);
}

static void
set_tag_colors (const Tags *t, gboolean dark)
{
  g_object_set (t->keyword, "foreground", dark ? "#dc8add" : "#813d9c", NULL);
  g_object_set (t->string, "foreground", dark ? "#8ff0a4" : "#26a269", NULL);
  g_object_set (t->comment, "foreground", dark ? "#9a9996" : "#77767b", NULL);
  g_object_set (t->number, "foreground", dark ? "#ffbe6f" : "#c64600", NULL);
  g_object_set (t->module, "foreground", dark ? "#99c1f1" : "#1a5fb4", NULL);
}

static GtkTextTag *
buffer_tag (GtkTextBuffer *buffer, const char *name, const char *prop, int value)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), name);

  if (tag == NULL)
    tag = gtk_text_buffer_create_tag (buffer, name, prop, value, NULL);
  return tag;
}

void
ms_code_highlight (GtkTextBuffer *buffer)
{
  Tags t = {
    buffer_tag (buffer, "keyword", "weight", PANGO_WEIGHT_BOLD),
    buffer_tag (buffer, "string", NULL, 0),
    buffer_tag (buffer, "comment", "style", PANGO_STYLE_ITALIC),
    buffer_tag (buffer, "number", NULL, 0),
    buffer_tag (buffer, "module", NULL, 0),
  };
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  set_tag_colors (&t, adw_style_manager_get_dark (adw_style_manager_get_default ()));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, t.keyword, &start, &end);
  gtk_text_buffer_remove_tag (buffer, t.string, &start, &end);
  gtk_text_buffer_remove_tag (buffer, t.comment, &start, &end);
  gtk_text_buffer_remove_tag (buffer, t.number, &start, &end);
  gtk_text_buffer_remove_tag (buffer, t.module, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  highlight_with (&t, buffer, text);
}

/* GNOME palette colours, a lighter or darker shade as the theme needs. */
static void
update_colors (MsCodePreview *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GdkRGBA accent;
  Tags t = { self->tag_keyword, self->tag_string, self->tag_comment, self->tag_number, self->tag_module };

  set_tag_colors (&t, dark);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (self)),
                                       "accent_bg_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");
  G_GNUC_END_IGNORE_DEPRECATIONS
  accent.alpha = dark ? 0.3f : 0.18f;
  g_object_set (self->tag_device, "paragraph-background-rgba", &accent, NULL);
}

/* ---- the selected device's lines ---------------------------------------------------- */

/* Lines [first, last] of the `let NAME =` binding, up to the next
 * top-level let or comment. */
static gboolean
find_binding (const char *text, const char *name, int *first, int *last)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *head = g_strdup_printf ("let %s ", name);
  g_autofree char *head_eq = g_strdup_printf ("let %s=", name);
  int start = -1, end;

  for (int i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], head) || g_str_has_prefix (lines[i], head_eq))
      {
        start = i;
        break;
      }
  if (start < 0)
    return FALSE;
  end = start;
  for (int i = start + 1; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "let ") || g_str_has_prefix (lines[i], "(*"))
        break;
      if (lines[i][0] != '\0')
        end = i;
    }
  *first = start;
  *last = end;
  return TRUE;
}

static void
update_device_highlight (MsCodePreview *self, gboolean scroll)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  const MsDevice *d = NULL;
  GtkTextIter a, b;
  int first, last;

  gtk_text_buffer_get_bounds (buffer, &a, &b);
  gtk_text_buffer_remove_tag (buffer, self->tag_device, &a, &b);
  if (self->text == NULL || self->doc == NULL || self->device == 0)
    return;
  d = ms_document_get_device (self->doc, self->device);
  if (d == NULL || !find_binding (self->text, d->name, &first, &last))
    return;
  gtk_text_buffer_get_iter_at_line (buffer, &a, first);
  gtk_text_buffer_get_iter_at_line (buffer, &b, last);
  gtk_text_iter_forward_to_line_end (&b);
  gtk_text_buffer_apply_tag (buffer, self->tag_device, &a, &b);
  if (scroll)
    {
      GtkTextMark *mark = gtk_text_buffer_get_mark (buffer, "device");
      if (mark == NULL)
        mark = gtk_text_buffer_create_mark (buffer, "device", &a, TRUE);
      else
        gtk_text_buffer_move_mark (buffer, mark, &a);
      gtk_text_view_scroll_to_mark (self->text_view, mark, 0.1, FALSE, 0, 0);
    }
}

/* ---- regeneration ------------------------------------------------------------------- */

static void
regenerate (MsCodePreview *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  self->dirty = FALSE;
  if (self->doc != NULL)
    text = generate (self->doc, current_file (self), current_version (self), &error);
  else
    text = g_strdup ("");

  if (text == NULL)
    {
      g_clear_pointer (&self->text, g_free);
      g_free (self->error);
      self->error = g_strdup (error ? error->message : _("The file cannot be generated."));
      gtk_text_buffer_set_text (buffer, "", 0);
      {
        /* the description is markup; the message may quote project text */
        g_autofree char *escaped = g_markup_escape_text (self->error, -1);
        adw_status_page_set_description (self->error_page, escaped);
      }
      gtk_stack_set_visible_child_name (self->stack, "error");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.copy", FALSE);
      return;
    }
  g_clear_pointer (&self->error, g_free);
  if (g_strcmp0 (text, self->text) != 0)
    {
      g_free (self->text);
      self->text = g_steal_pointer (&text);
      gtk_text_buffer_set_text (buffer, self->text, -1);
      highlight (self, buffer, self->text);
    }
  update_device_highlight (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "text");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.copy", TRUE);
}

static gboolean
regenerate_idle (gpointer data)
{
  MsCodePreview *self = data;

  self->idle_id = 0;
  regenerate (self);
  return G_SOURCE_REMOVE;
}

/* Coalesces bursts of changes; a hidden preview only remembers it is stale. */
static void
queue_regenerate (MsCodePreview *self)
{
  self->dirty = TRUE;
  if (self->idle_id != 0 || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  self->idle_id = g_idle_add_full (G_PRIORITY_LOW, regenerate_idle, self, NULL);
}

static void
document_changed_cb (MsCodePreview *self)
{
  queue_regenerate (self);
}

static void
selection_changed_cb (MsCodePreview *self, GParamSpec *pspec, GtkDropDown *dropdown)
{
  queue_regenerate (self);
  g_object_notify_by_pspec (G_OBJECT (self),
                            properties[dropdown == self->file_dropdown ? PROP_FILE : PROP_MIRAGE_VERSION]);
}

static void
dark_changed_cb (MsCodePreview *self)
{
  update_colors (self);
}

static void
copy_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  MsCodePreview *self = MS_CODE_PREVIEW (widget);

  if (self->text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->text);
}

/* ---- GObject / GtkWidget ------------------------------------------------------------- */

static void
ms_code_preview_map (GtkWidget *widget)
{
  MsCodePreview *self = MS_CODE_PREVIEW (widget);

  GTK_WIDGET_CLASS (ms_code_preview_parent_class)->map (widget);
  if (self->dirty)
    queue_regenerate (self);
}

static void
ms_code_preview_dispose (GObject *object)
{
  MsCodePreview *self = MS_CODE_PREVIEW (object);

  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  if (self->doc != NULL)
    g_signal_handlers_disconnect_by_data (self->doc, self);
  g_clear_object (&self->doc);
  gtk_widget_dispose_template (GTK_WIDGET (self), MS_TYPE_CODE_PREVIEW);
  G_OBJECT_CLASS (ms_code_preview_parent_class)->dispose (object);
}

static void
ms_code_preview_finalize (GObject *object)
{
  MsCodePreview *self = MS_CODE_PREVIEW (object);

  g_free (self->text);
  g_free (self->error);
  G_OBJECT_CLASS (ms_code_preview_parent_class)->finalize (object);
}

static void
ms_code_preview_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MsCodePreview *self = MS_CODE_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->doc);
      break;
    case PROP_DEVICE:
      g_value_set_uint (value, self->device);
      break;
    case PROP_FILE:
      g_value_set_string (value, current_file (self));
      break;
    case PROP_MIRAGE_VERSION:
      g_value_set_string (value, current_version (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_code_preview_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MsCodePreview *self = MS_CODE_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      ms_code_preview_set_document (self, g_value_get_object (value));
      break;
    case PROP_DEVICE:
      ms_code_preview_set_device (self, g_value_get_uint (value));
      break;
    case PROP_FILE:
      ms_code_preview_set_file (self, g_value_get_string (value));
      break;
    case PROP_MIRAGE_VERSION:
      ms_code_preview_set_mirage_version (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_code_preview_class_init (MsCodePreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_code_preview_dispose;
  object_class->finalize = ms_code_preview_finalize;
  object_class->get_property = ms_code_preview_get_property;
  object_class->set_property = ms_code_preview_set_property;
  widget_class->map = ms_code_preview_map;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, MS_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEVICE] =
    g_param_spec_uint ("device", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_string ("file", NULL, NULL, "config.ml",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MIRAGE_VERSION] =
    g_param_spec_string ("mirage-version", NULL, NULL, "4.11",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/miragestudio/Studio/ui/code-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, MsCodePreview, box);
  gtk_widget_class_bind_template_child (widget_class, MsCodePreview, file_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MsCodePreview, version_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MsCodePreview, stack);
  gtk_widget_class_bind_template_child (widget_class, MsCodePreview, scrolled);
  gtk_widget_class_bind_template_child (widget_class, MsCodePreview, text_view);
  gtk_widget_class_bind_template_child (widget_class, MsCodePreview, error_page);
  gtk_widget_class_install_action (widget_class, "preview.copy", NULL, copy_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "code-preview");
}

static void
ms_code_preview_init (MsCodePreview *self)
{
  GtkTextBuffer *buffer;

  ms_style_ensure ();
  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_text_view_set_gutter (self->text_view, GTK_TEXT_WINDOW_LEFT,
                            ms_line_gutter_new (self->text_view,
                                                gtk_scrolled_window_get_vadjustment (self->scrolled)));
  buffer = gtk_text_view_get_buffer (self->text_view);
  self->tag_comment = gtk_text_buffer_create_tag (buffer, "comment", "style", PANGO_STYLE_ITALIC, NULL);
  self->tag_keyword = gtk_text_buffer_create_tag (buffer, "keyword", "weight", PANGO_WEIGHT_BOLD, NULL);
  self->tag_string = gtk_text_buffer_create_tag (buffer, "string", NULL);
  self->tag_number = gtk_text_buffer_create_tag (buffer, "number", NULL);
  self->tag_module = gtk_text_buffer_create_tag (buffer, "module", NULL);
  self->tag_device = gtk_text_buffer_create_tag (buffer, "device", NULL);
  update_colors (self);
  g_signal_connect_swapped (adw_style_manager_get_default (), "notify::dark",
                            G_CALLBACK (dark_changed_cb), self);

  g_signal_connect_swapped (self->file_dropdown, "notify::selected",
                            G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_swapped (self->version_dropdown, "notify::selected",
                            G_CALLBACK (selection_changed_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.copy", FALSE);
  self->dirty = TRUE;
}

GtkWidget *
ms_code_preview_new (void)
{
  return g_object_new (MS_TYPE_CODE_PREVIEW, NULL);
}

void
ms_code_preview_set_document (MsCodePreview *self, MsDocument *doc)
{
  g_return_if_fail (MS_IS_CODE_PREVIEW (self));
  g_return_if_fail (doc == NULL || MS_IS_DOCUMENT (doc));

  if (self->doc == doc)
    return;
  if (self->doc != NULL)
    g_signal_handlers_disconnect_by_data (self->doc, self);
  g_set_object (&self->doc, doc);
  if (doc != NULL)
    {
      g_signal_connect_swapped (doc, "changed", G_CALLBACK (document_changed_cb), self);
      g_signal_connect_swapped (doc, "reloaded", G_CALLBACK (document_changed_cb), self);
    }
  self->device = 0;
  queue_regenerate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE]);
}

void
ms_code_preview_set_device (MsCodePreview *self, guint id)
{
  g_return_if_fail (MS_IS_CODE_PREVIEW (self));

  if (self->device == id)
    return;
  self->device = id;
  update_device_highlight (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE]);
}

void
ms_code_preview_set_file (MsCodePreview *self, const char *file)
{
  g_return_if_fail (MS_IS_CODE_PREVIEW (self));

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    if (g_strcmp0 (file, files[i]) == 0)
      gtk_drop_down_set_selected (self->file_dropdown, i);
}

void
ms_code_preview_set_mirage_version (MsCodePreview *self, const char *version)
{
  g_return_if_fail (MS_IS_CODE_PREVIEW (self));

  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    if (g_strcmp0 (version, versions[i]) == 0)
      gtk_drop_down_set_selected (self->version_dropdown, i);
}

char *
ms_code_preview_get_text (MsCodePreview *self, const char *file)
{
  g_return_val_if_fail (MS_IS_CODE_PREVIEW (self), NULL);

  if (file == NULL || g_str_equal (file, current_file (self)))
    return g_strdup (self->text ? self->text : "");
  /* another file than the one shown: generated now, for the same version */
  if (self->doc == NULL)
    return g_strdup ("");
  return generate (self->doc, file, current_version (self), NULL);
}

/* The lines highlighted as the selected device's, or FALSE if none. */
gboolean
ms_code_preview_get_device_lines (MsCodePreview *self, int *first, int *last)
{
  GtkTextBuffer *buffer;
  GtkTextIter it;

  g_return_val_if_fail (MS_IS_CODE_PREVIEW (self), FALSE);

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_start_iter (buffer, &it);
  if (!gtk_text_iter_starts_tag (&it, self->tag_device)
      && !gtk_text_iter_forward_to_tag_toggle (&it, self->tag_device))
    return FALSE;
  *first = gtk_text_iter_get_line (&it);
  gtk_text_iter_forward_to_tag_toggle (&it, self->tag_device);
  *last = gtk_text_iter_get_line (&it);
  return TRUE;
}

/* The message shown instead of the text, or NULL when the text is shown. */
const char *
ms_code_preview_get_error (MsCodePreview *self)
{
  g_return_val_if_fail (MS_IS_CODE_PREVIEW (self), NULL);

  return self->error;
}
