/* test-render.c: DOT text to SVG and PNG (ms-render).
 *
 * Export must give a real image with the device names in it, write files
 * whole, and turn every graphviz complaint into a GError instead of noise
 * on stderr.
 */
#include "ms-render.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *const sample_dot =
  "digraph unikernel {\n"
  "  rankdir=LR;\n"
  "  node [shape=box];\n"
  "  \"netif\" -> \"ethernet\" -> \"arp\";\n"
  "  \"ethernet\" -> \"ipv4\";\n"
  "  \"arp\" -> \"ipv4\";\n"
  "  \"ipv4\" -> \"tcp_stack\";\n"
  "  \"tcp_stack\" [label=\"stack «tcp» & <more>\"];\n"
  "}\n";

/* GMarkup is a strict XML subset parser: it fails on anything that is
 * not well-formed. */
static gboolean
is_well_formed_xml (const char *text, gsize length, GError **error)
{
  static const GMarkupParser parser = { NULL };
  g_autoptr(GMarkupParseContext) context =
    g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, NULL, NULL);

  return g_markup_parse_context_parse (context, text, (gssize) length, error) &&
         g_markup_parse_context_end_parse (context, error);
}

static void
test_svg (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) svg = ms_render_dot (sample_dot, "svg", &error);
  g_autofree char *text = NULL;
  gsize length;

  g_assert_no_error (error);
  g_assert_nonnull (svg);
  text = g_strndup (g_bytes_get_data (svg, &length), g_bytes_get_size (svg));

  g_assert_true (g_str_has_prefix (text, "<?xml") || g_str_has_prefix (text, "<svg"));
  g_assert_nonnull (strstr (text, "<svg"));
  g_assert_nonnull (strstr (text, "</svg>"));
  g_assert_nonnull (strstr (text, ">netif<"));
  g_assert_nonnull (strstr (text, "stack «tcp» &amp; &lt;more&gt;"));
  g_assert_nonnull (strstr (text, ">ipv4<"));

  is_well_formed_xml (text, length, &error);
  g_assert_no_error (error);
}

static guint32
read_be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static void
assert_png (GBytes *png)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  gsize size;
  const guint8 *data = g_bytes_get_data (png, &size);
  guint32 width, height;

  g_assert_cmpuint (size, >, 33);
  g_assert_cmpmem (data, 8, signature, 8);
  /* The first chunk is IHDR: length, type, then width and height. */
  g_assert_cmpmem (data + 12, 4, "IHDR", 4);
  width = read_be32 (data + 16);
  height = read_be32 (data + 20);
  /* Five boxes in a row, one above another: wider than tall, and a
   * few hundred pixels either way at 96 dpi. */
  g_assert_cmpuint (width, >, 200);
  g_assert_cmpuint (width, <, 5000);
  g_assert_cmpuint (height, >, 40);
  g_assert_cmpuint (height, <, 5000);
  g_assert_cmpuint (width, >, height);
}

static void
test_png (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = ms_render_dot (sample_dot, "png", &error);

  g_assert_no_error (error);
  g_assert_nonnull (png);
  assert_png (png);
}

static void
test_to_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ms-render-XXXXXX", &error);
  g_autofree char *svg_path = NULL;
  g_autofree char *png_path = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_no_error (error);
  svg_path = g_build_filename (dir, "graph.svg", NULL);
  png_path = g_build_filename (dir, "graph.png", NULL);

  g_assert_true (ms_render_dot_to_file (sample_dot, "svg", svg_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (svg_path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, ">arp<"));
  g_clear_pointer (&contents, g_free);

  /* Overwrites the existing file. */
  g_assert_true (g_file_set_contents (png_path, "old", 3, &error));
  g_assert_true (ms_render_dot_to_file (sample_dot, "png", png_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (png_path, &contents, &length, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) png = g_bytes_new_take (g_steal_pointer (&contents), length);

    assert_png (png);
  }

  /* A failed render leaves the old file alone. */
  g_assert_false (ms_render_dot_to_file ("digraph {", "svg", svg_path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (svg_path, &contents, &length, &error));
  g_assert_nonnull (strstr (contents, ">arp<"));
  g_clear_pointer (&contents, g_free);

  /* Unwritable place: the file error comes through. */
  {
    g_autofree char *bad = g_build_filename (dir, "no-such-dir", "x.svg", NULL);

    g_assert_false (ms_render_dot_to_file (sample_dot, "svg", bad, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_clear_error (&error);
  }

  g_assert_cmpint (g_remove (svg_path), ==, 0);
  g_assert_cmpint (g_remove (png_path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_bad_dot (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) image = ms_render_dot ("digraph {\n a -> ;\n}\n", "svg", &error);

  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_test_message ("bad DOT: %s", error->message);
  g_assert_nonnull (strstr (error->message, "Invalid DOT text"));
  g_assert_nonnull (strstr (error->message, "syntax error"));
  g_assert_nonnull (strstr (error->message, "line 2"));
  g_clear_error (&error);

  /* The parser recovers: good text after bad renders fine. */
  image = ms_render_dot ("digraph { ok }", "svg", &error);
  g_assert_no_error (error);
  g_assert_nonnull (image);
  g_clear_pointer (&image, g_bytes_unref);

  /* Nothing to render. */
  image = ms_render_dot ("", "png", &error);
  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "no graph"));
  g_clear_error (&error);

  image = ms_render_dot ("   \n", "svg", &error);
  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

/* Graphviz would print its complaint on stderr; it must only reach the
 * GError. Checked in a child process whose stderr we can see. */
static void
test_bad_dot_quiet (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) image = ms_render_dot ("graph { a -- }", "svg", &error);

      g_assert_null (image);
      g_assert_nonnull (error);
      g_clear_error (&error);
      /* Only a warning: the render succeeds, still silently. */
      image = ms_render_dot ("digraph { a [shape=nosuchshape] }", "svg", &error);
      g_assert_no_error (error);
      g_assert_nonnull (image);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* Not simply "": sanitizers may report on stderr at exit. */
  g_test_trap_assert_stderr_unmatched ("*syntax error*");
  g_test_trap_assert_stderr_unmatched ("*nosuchshape*");
  g_test_trap_assert_stderr_unmatched ("*Warning*");
}

/* Text after the first graph must not leak into the next render (the
 * graphviz lexer keeps unread input between calls). */
static void
test_no_leftovers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first = ms_render_dot ("digraph { first } digraph { leftover }", "svg", &error);
  g_autoptr(GBytes) second = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (first);
  second = ms_render_dot ("digraph { second }", "svg", &error);
  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (second, NULL), g_bytes_get_size (second));
  g_assert_nonnull (strstr (text, ">second<"));
  g_assert_null (strstr (text, "leftover"));
}

static void
test_unknown_format (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) image = ms_render_dot (sample_dot, "gif", &error);

  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "“gif”"));
  g_clear_error (&error);

  image = ms_render_dot (sample_dot, "", &error);
  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* Graphviz's own "svg:cairo" syntax is not part of our interface. */
  image = ms_render_dot (sample_dot, "svg:cairo", &error);
  g_assert_null (image);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

/* Odd names in DOT (quoted by whoever wrote the DOT) come out escaped. */
static void
test_svg_escaping (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) svg =
    ms_render_dot ("digraph { \"quote\\\"d\" -> \"ünï<&>\" }", "svg", &error);
  gsize length;
  const char *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (svg, &length);
  is_well_formed_xml (data, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_strstr_len (data, (gssize) length, "ünï&lt;&amp;&gt;"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/svg", test_svg);
  g_test_add_func ("/render/svg-escaping", test_svg_escaping);
  g_test_add_func ("/render/png", test_png);
  g_test_add_func ("/render/to-file", test_to_file);
  g_test_add_func ("/render/bad-dot", test_bad_dot);
  g_test_add_func ("/render/bad-dot-quiet", test_bad_dot_quiet);
  g_test_add_func ("/render/no-leftovers", test_no_leftovers);
  g_test_add_func ("/render/unknown-format", test_unknown_format);

  return g_test_run ();
}
