/* ms-help.c: the studio's user guide (docs/studio.md) in a window.
 *
 * The Markdown is the one docs/ keeps; here it is shown as styled text
 * rather than rendered as HTML (no web view in the studio): "#" lines
 * become headings, "- " items bullets, **strong** bold and `code`
 * monospace, and the source's wrapped lines are joined so the view wraps
 * them to its width.
 */
#include "ms-help.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "ms-resources.h"

static GBytes *
guide_bytes (void)
{
  (void) ms_studio_get_resource ();
  return g_resources_lookup_data (MS_HELP_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
}

/* Appends one line's text, with **strong** and `code` spans tagged. */
static void
append_inline (GtkTextBuffer *buf, const char *line, const char *base_tag)
{
  GtkTextIter end;
  const char *p = line;

  while (*p != '\0')
    {
      const char *star = strstr (p, "**"), *tick = strchr (p, '`');
      const char *mark = star && (!tick || star < tick) ? star : tick;
      gboolean strong = mark != NULL && mark == star;
      const char *close = mark ? (strong ? strstr (mark + 2, "**") : strchr (mark + 1, '`')) : NULL;

      gtk_text_buffer_get_end_iter (buf, &end);
      if (mark == NULL || close == NULL)
        {
          gtk_text_buffer_insert_with_tags_by_name (buf, &end, p, -1, base_tag, NULL);
          return;
        }
      gtk_text_buffer_insert_with_tags_by_name (buf, &end, p, (int) (mark - p), base_tag, NULL);
      gtk_text_buffer_get_end_iter (buf, &end);
      if (strong)
        gtk_text_buffer_insert_with_tags_by_name (buf, &end, mark + 2, (int) (close - mark - 2),
                                                  "strong", base_tag, NULL);
      else
        gtk_text_buffer_insert_with_tags_by_name (buf, &end, mark + 1, (int) (close - mark - 1),
                                                  "code", base_tag, NULL);
      p = close + (strong ? 2 : 1);
    }
}

static void
fill_buffer (GtkTextBuffer *buf)
{
  g_autoptr(GBytes) bytes = guide_bytes ();
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GtkTextIter end;

  gtk_text_buffer_create_tag (buf, "h1", "weight", PANGO_WEIGHT_BOLD, "scale", 1.6, "pixels-below-lines", 8, NULL);
  gtk_text_buffer_create_tag (buf, "h2", "weight", PANGO_WEIGHT_BOLD, "scale", 1.25,
                              "pixels-above-lines", 14, "pixels-below-lines", 4, NULL);
  gtk_text_buffer_create_tag (buf, "strong", "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (buf, "code", "family", "monospace", NULL);
  gtk_text_buffer_create_tag (buf, "item", "left-margin", 28, "indent", -14, "pixels-below-lines", 4, NULL);
  gtk_text_buffer_create_tag (buf, "para", "pixels-below-lines", 6, NULL);

  if (bytes == NULL)
    {
      gtk_text_buffer_set_text (buf, _("The user guide is missing from this build."), -1);
      return;
    }
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  lines = g_strsplit (text, "\n", -1);
  /* Markdown wraps its source lines; the view wraps to its width: the
   * lines of a paragraph or of a list item are joined, code blocks kept */
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];
      g_autoptr(GString) block = NULL;
      const char *tag = "para";

      if (*l == '\0')
        continue;
      if (g_str_has_prefix (l, "```"))
        {
          for (i++; lines[i] != NULL && !g_str_has_prefix (lines[i], "```"); i++)
            {
              gtk_text_buffer_get_end_iter (buf, &end);
              gtk_text_buffer_insert_with_tags_by_name (buf, &end, lines[i], -1, "code", "item", NULL);
              gtk_text_buffer_insert (buf, &end, "\n", 1);
            }
          if (lines[i] == NULL)
            break;
          continue;
        }
      if (l[0] == '#')
        {
          gtk_text_buffer_get_end_iter (buf, &end);
          append_inline (buf, l + strspn (l, "# "), g_str_has_prefix (l, "# ") ? "h1" : "h2");
          gtk_text_buffer_get_end_iter (buf, &end);
          gtk_text_buffer_insert (buf, &end, "\n", 1);
          continue;
        }
      block = g_string_new (NULL);
      if (g_str_has_prefix (l, "- ") || g_str_has_prefix (l, "* "))
        {
          tag = "item";
          g_string_append (block, "• ");
          l += 2;
        }
      g_string_append (block, l);
      /* the item's or paragraph's next lines: indented, or plain text */
      while (lines[i + 1] != NULL && lines[i + 1][0] != '\0' && lines[i + 1][0] != '#'
             && !g_str_has_prefix (lines[i + 1], "- ") && !g_str_has_prefix (lines[i + 1], "* ")
             && !g_str_has_prefix (lines[i + 1], "```"))
        {
          i++;
          g_string_append_c (block, ' ');
          g_string_append (block, lines[i] + strspn (lines[i], " "));
        }
      append_inline (buf, block->str, tag);
      gtk_text_buffer_get_end_iter (buf, &end);
      gtk_text_buffer_insert (buf, &end, "\n", 1);
    }
}

GtkWidget *
ms_help_window_new (GtkWindow *parent)
{
  GtkWidget *win = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scroll = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();

  gtk_window_set_title (GTK_WINDOW (win), _("Mirage Studio Guide"));
  gtk_window_set_default_size (GTK_WINDOW (win), 720, 760);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (win), parent);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 24);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 24);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 18);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 18);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Mirage Studio Guide"), -1);
  fill_buffer (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), view);
  gtk_widget_set_vexpand (scroll, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), scroll);
  adw_window_set_content (ADW_WINDOW (win), box);
  return win;
}

char *
ms_help_get_text (void)
{
  g_autoptr(GtkTextBuffer) buf = gtk_text_buffer_new (NULL);
  GtkTextIter a, b;

  fill_buffer (buf);
  gtk_text_buffer_get_bounds (buf, &a, &b);
  return gtk_text_buffer_get_text (buf, &a, &b, FALSE);
}
