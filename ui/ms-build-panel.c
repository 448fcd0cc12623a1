/* ms-build-panel.c: build and run the graph on the bundled C runtime.
 *
 * Every build, run and skeleton export is an `mstudio` subprocess started
 * with an argument vector (never a shell); its stdout and stderr are read
 * line by line asynchronously, so the window never waits. A job holds
 * only a weak link to the panel: closing the panel kills the process and
 * the pending reads finish on their own.
 *
 * The log keeps every line with its level so that the level and text
 * filters can rebuild the view at any time; compiler messages also become
 * rows that open the file at the line.
 */
#include "ms-build-panel.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "ms-style.h"
#include <signal.h>
#include <string.h>

#include "ms-build-parse.h"
#include "ms-eval.h"
#include "ms-store.h"

#define LOG_MAX_LINES 20000
#define KILL_DELAY_S 2

typedef enum {
  JOB_BUILD,
  JOB_RUN,
  JOB_SKELETON,
} JobKind;

typedef struct {
  MsBuildPanel *panel;       /* NULL once the panel is gone or the job is over */
  JobKind kind;
  GSubprocess *proc;
  GCancellable *cancellable;
  guint open_streams;
  gboolean exited;
  gboolean stopped;
  gboolean started_output;
} Job;

typedef struct {
  MsLogLevel level;
  gboolean meta;             /* the panel's own lines: commands, results */
  char *text;
} LogLine;

typedef struct {
  char *name;
  char *type;
  char *default_value;
  GtkWidget *editor;         /* AdwEntryRow, GtkSpinButton or GtkSwitch */
  GtkWidget *reset;
} ArgField;

struct _MsBuildPanel
{
  GtkWidget parent_instance;

  GtkStack *stack;
  AdwStatusPage *setup_page;
  GtkWidget *skeleton_button;
  GtkDropDown *target_dropdown;
  GtkProgressBar *progress;
  GtkLabel *status_label;
  GtkWidget *target_info;
  GtkLabel *target_info_label;
  AdwPreferencesGroup *args_group;
  GtkSearchEntry *search_entry;
  GtkDropDown *level_dropdown;
  GtkWidget *problems_scroll;
  GtkListBox *problems_list;
  GtkTextView *log_view;
  GtkRevealer *message_revealer;
  GtkLabel *message_label;

  MsDocument *doc;
  GFileMonitor *source_monitor; /* unikernel.c appearing or going away */
  Job *job;
  guint pulse_id;
  guint kill_id;
  guint args_idle_id;
  gboolean args_dirty;
  char *skeleton_error;

  GPtrArray *log;            /* LogLine* */
  GPtrArray *problems;       /* MsCompilerProblem* */
  GPtrArray *arg_fields;     /* ArgField* */
  GPtrArray *arg_rows;       /* the rows added to args_group */
  GHashTable *arg_changes;   /* name -> value the user set */
  char *args_signature;      /* what the form was built from */

  GtkTextTag *tag_error;
  GtkTextTag *tag_warning;
  GtkTextTag *tag_debug;
  GtkTextTag *tag_meta;
};

G_DEFINE_FINAL_TYPE (MsBuildPanel, ms_build_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_RUNNING,
  PROP_TARGET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_FINISHED,
  SIGNAL_OPEN_SOURCE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const targets[] = { "unix", "sandbox" };

static void update_state (MsBuildPanel *self);
static void set_status (MsBuildPanel *self, const char *text);
static void update_target_info (MsBuildPanel *self);
static void add_line (MsBuildPanel *self, MsLogLevel level, gboolean meta, const char *text);

/* ---- small helpers ------------------------------------------------------------------- */

static void
log_line_free (gpointer p)
{
  LogLine *l = p;

  g_free (l->text);
  g_free (l);
}

static void
arg_field_free (gpointer p)
{
  ArgField *f = p;

  g_free (f->name);
  g_free (f->type);
  g_free (f->default_value);
  g_free (f);
}

static const char *
project_path (MsBuildPanel *self)
{
  return self->doc != NULL ? ms_store_get_path (self->doc) : NULL;
}

static char *
project_dir (MsBuildPanel *self)
{
  const char *path = project_path (self);
  g_autofree char *abs = NULL;

  if (path == NULL)
    return NULL;
  abs = g_canonicalize_filename (path, NULL);
  return g_path_get_dirname (abs);
}

static gboolean
has_source (MsBuildPanel *self)
{
  g_autofree char *dir = project_dir (self);
  g_autofree char *source = NULL;

  if (dir == NULL)
    return FALSE;
  source = g_build_filename (dir, "unikernel.c", NULL);
  return g_file_test (source, G_FILE_TEST_EXISTS);
}

static const char *
current_target (MsBuildPanel *self)
{
  guint i = gtk_drop_down_get_selected (self->target_dropdown);
  return targets[i < G_N_ELEMENTS (targets) ? i : 0];
}

static void
show_message (MsBuildPanel *self, const char *text)
{
  gtk_label_set_text (self->message_label, text);
  gtk_revealer_set_reveal_child (self->message_revealer, TRUE);
}

/* ---- the log ---------------------------------------------------------------------------- */

static MsLogLevel
threshold (MsBuildPanel *self)
{
  switch (gtk_drop_down_get_selected (self->level_dropdown))
    {
    case 1: return MS_LOG_LEVEL_INFO;
    case 2: return MS_LOG_LEVEL_WARNING;
    case 3: return MS_LOG_LEVEL_ERROR;
    default: return MS_LOG_LEVEL_DEBUG;
    }
}

static gboolean
line_visible (MsBuildPanel *self, const LogLine *l, const char *needle)
{
  g_autofree char *folded = NULL;

  if (l->meta)
    return TRUE;
  if (l->level < threshold (self))
    return FALSE;
  if (needle == NULL || *needle == '\0')
    return TRUE;
  folded = g_utf8_casefold (l->text, -1);
  return strstr (folded, needle) != NULL;
}

static char *
current_needle (MsBuildPanel *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  return text && *text ? g_utf8_casefold (text, -1) : NULL;
}

static GtkTextTag *
line_tag (MsBuildPanel *self, const LogLine *l)
{
  if (l->meta)
    return self->tag_meta;
  switch (l->level)
    {
    case MS_LOG_LEVEL_ERROR: return self->tag_error;
    case MS_LOG_LEVEL_WARNING: return self->tag_warning;
    case MS_LOG_LEVEL_DEBUG: return self->tag_debug;
    case MS_LOG_LEVEL_INFO:
    default: return NULL;
    }
}

static void
append_to_view (MsBuildPanel *self, const LogLine *l)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  GtkTextTag *tag = line_tag (self, l);
  GtkTextIter end;
  g_autofree char *text = g_strconcat (l->text, "\n", NULL);

  gtk_text_buffer_get_end_iter (buffer, &end);
  if (tag != NULL)
    gtk_text_buffer_insert_with_tags (buffer, &end, text, -1, tag, NULL);
  else
    gtk_text_buffer_insert (buffer, &end, text, -1);
}

static void
scroll_to_end (MsBuildPanel *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  GtkTextMark *mark = gtk_text_buffer_get_mark (buffer, "end");
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  if (mark == NULL)
    mark = gtk_text_buffer_create_mark (buffer, "end", &end, FALSE);
  else
    gtk_text_buffer_move_mark (buffer, mark, &end);
  gtk_text_view_scroll_mark_onscreen (self->log_view, mark);
}

static void
rebuild_view (MsBuildPanel *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  g_autofree char *needle = current_needle (self);

  gtk_text_buffer_set_text (buffer, "", 0);
  for (guint i = 0; i < self->log->len; i++)
    {
      const LogLine *l = self->log->pdata[i];
      if (line_visible (self, l, needle))
        append_to_view (self, l);
    }
  scroll_to_end (self);
}

static void
log_filter_changed_cb (MsBuildPanel *self)
{
  rebuild_view (self);
}

/* Whether the user left the log scrolled to its end (then it follows). */
static gboolean
at_end (MsBuildPanel *self)
{
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->log_view));

  return adj == NULL
    || gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj)
       >= gtk_adjustment_get_upper (adj) - 4;
}

static void
add_line (MsBuildPanel *self, MsLogLevel level, gboolean meta, const char *text)
{
  LogLine *l = g_new0 (LogLine, 1);
  g_autofree char *needle = current_needle (self);
  gboolean follow = at_end (self);

  l->level = level;
  l->meta = meta;
  l->text = g_strdup (text);
  g_ptr_array_add (self->log, l);
  if (self->log->len > LOG_MAX_LINES)
    {
      /* drop the oldest in one go, so a chatty unikernel costs one rebuild per thousand lines */
      g_ptr_array_remove_range (self->log, 0, 1000);
      rebuild_view (self);
      return;
    }
  if (line_visible (self, l, needle))
    {
      append_to_view (self, l);
      if (follow)
        scroll_to_end (self);
    }
}

/* ---- compiler problems --------------------------------------------------------------------- */

static void
clear_problems (MsBuildPanel *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->problems_list))) != NULL)
    gtk_list_box_remove (self->problems_list, child);
  g_ptr_array_set_size (self->problems, 0);
  gtk_widget_set_visible (self->problems_scroll, FALSE);
}

static char *
problem_location (const MsCompilerProblem *p)
{
  g_autofree char *base = g_path_get_basename (p->path);

  return g_strdup_printf ("%s:%d:%d", base, p->line, p->column);
}

static void
add_problem (MsBuildPanel *self, MsCompilerProblem *p)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (p->level == MS_LOG_LEVEL_ERROR ? "dialog-error-symbolic"
                                                  : p->level == MS_LOG_LEVEL_WARNING ? "dialog-warning-symbolic"
                                                  : "dialog-information-symbolic");
  g_autofree char *where = problem_location (p);
  g_autofree char *title = p->device
    ? g_strdup_printf (_("%s (generated for device %s)"), where, p->device)
    : g_strdup (where);

  if (p->level == MS_LOG_LEVEL_ERROR)
    gtk_widget_add_css_class (icon, "error");
  else if (p->level == MS_LOG_LEVEL_WARNING)
    gtk_widget_add_css_class (icon, "warning");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), p->message);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), title);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, _("Open the file at this line"));
  g_object_set_data (G_OBJECT (row), "index", GUINT_TO_POINTER (self->problems->len));
  g_ptr_array_add (self->problems, p);
  gtk_list_box_append (self->problems_list, row);
  gtk_widget_set_visible (self->problems_scroll, TRUE);
}

static char *
resolve_path (MsBuildPanel *self, const char *path)
{
  g_autofree char *dir = project_dir (self);

  if (g_path_is_absolute (path) || dir == NULL)
    return g_canonicalize_filename (path, NULL);
  return g_canonicalize_filename (path, dir);
}

static void
problem_row_activated_cb (MsBuildPanel *self, GtkListBoxRow *row)
{
  ms_build_panel_activate_problem (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "index")));
}

static gboolean
default_open_source (MsBuildPanel *self, const char *path, int line, int column)
{
  g_autofree char *editor = g_find_program_in_path ("gnome-text-editor");
  g_autofree char *base = g_path_get_basename (path);

  if (editor != NULL)
    {
      g_autofree char *where = g_strdup_printf ("+%d", line);
      const char *argv[] = { editor, where, path, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);

      if (proc != NULL)
        return TRUE;
      g_warning ("cannot start %s: %s", editor, error->message);
    }
  {
    g_autofree char *text = g_strdup_printf (_("%s, line %d, column %d"), path, line, column);
    show_message (self, text);
  }
  return TRUE;
}

/* ---- jobs ---------------------------------------------------------------------------------- */

static void
job_clear (gpointer data)
{
  Job *job = data;

  g_clear_object (&job->proc);
  g_clear_object (&job->cancellable);
}

static Job *
job_ref (Job *job)
{
  return g_rc_box_acquire (job);
}

static void
job_unref (Job *job)
{
  g_rc_box_release_full (job, job_clear);
}

static void
stop_pulse (MsBuildPanel *self)
{
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
}

static gboolean
pulse_cb (gpointer data)
{
  gtk_progress_bar_pulse (GTK_PROGRESS_BAR (data));
  return G_SOURCE_CONTINUE;
}

static void
finish_job (MsBuildPanel *self, Job *job)
{
  gboolean success = g_subprocess_get_successful (job->proc) && !job->stopped;
  JobKind kind = job->kind;
  const char *status;
  g_autofree char *line = NULL;

  g_clear_handle_id (&self->kill_id, g_source_remove);
  stop_pulse (self);
  job->panel = NULL;
  self->job = NULL;

  if (job->stopped)
    status = _("Stopped");
  else if (kind == JOB_BUILD)
    status = success ? _("Build succeeded") : _("Build failed");
  else if (kind == JOB_RUN)
    {
      if (!success && !job->started_output)
        status = _("Build failed");
      else if (g_subprocess_get_if_exited (job->proc))
        status = success ? _("The unikernel exited") : NULL;
      else
        status = _("The unikernel was killed");
    }
  else
    status = success ? _("unikernel.c written") : _("Cannot write unikernel.c");
  if (status == NULL)
    line = g_strdup_printf (_("The unikernel exited with status %d"), g_subprocess_get_exit_status (job->proc));
  else
    line = g_strdup (status);
  add_line (self, success ? MS_LOG_LEVEL_INFO : MS_LOG_LEVEL_ERROR, TRUE, line);
  set_status (self, line);
  job_unref (job);

  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  if (kind != JOB_SKELETON)
    g_signal_emit (self, signals[SIGNAL_FINISHED], 0, success);
}

static void
maybe_finish (Job *job)
{
  if (job->panel != NULL && job->exited && job->open_streams == 0)
    finish_job (job->panel, job);
}

static void
output_line (MsBuildPanel *self, Job *job, const char *raw)
{
  g_autofree char *valid = g_utf8_make_valid (raw, -1);
  gsize len = strlen (valid);
  MsCompilerProblem *problem;

  if (len > 0 && valid[len - 1] == '\r')
    valid[len - 1] = '\0';
  if (job->kind == JOB_SKELETON && g_str_has_prefix (valid, "mstudio: "))
    {
      g_free (self->skeleton_error);
      self->skeleton_error = g_strdup (valid + strlen ("mstudio: "));
    }
  if (!job->started_output && job->kind == JOB_RUN && !g_str_has_prefix (valid, "mstudio: "))
    {
      /* the unikernel speaks: the build part of `run` is over */
      job->started_output = TRUE;
      stop_pulse (self);
      set_status (self, _("Running…"));
    }
  add_line (self, ms_build_parse_level (valid), FALSE, valid);
  problem = ms_build_parse_compiler_line (valid);
  if (problem != NULL)
    add_problem (self, problem);
}

static void read_next (Job *job, GDataInputStream *stream);

static void
read_line_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Job *job = data;
  GDataInputStream *stream = G_DATA_INPUT_STREAM (source);
  g_autoptr(GError) error = NULL;
  gsize len;
  g_autofree char *line = g_data_input_stream_read_line_finish (stream, result, &len, &error);

  if (job->panel == NULL)
    {
      job_unref (job);
      return;
    }
  if (line != NULL)
    {
      output_line (job->panel, job, line);
      read_next (job, stream);
      job_unref (job);
      return;
    }
  job->open_streams--;
  maybe_finish (job);
  job_unref (job);
}

static void
read_next (Job *job, GDataInputStream *stream)
{
  g_data_input_stream_read_line_async (stream, G_PRIORITY_DEFAULT, job->cancellable,
                                       read_line_cb, job_ref (job));
}

static void
wait_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Job *job = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  job->exited = TRUE;
  maybe_finish (job);
  job_unref (job);
}

static void
watch_stream (Job *job, GInputStream *base)
{
  g_autoptr(GDataInputStream) stream = g_data_input_stream_new (base);

  g_data_input_stream_set_newline_type (stream, G_DATA_STREAM_NEWLINE_TYPE_LF);
  read_next (job, stream);
}

static char *
argv_display (const char *const *argv)
{
  GString *s = g_string_new ("$");

  for (guint i = 0; argv[i] != NULL; i++)
    {
      g_autofree char *quoted = g_shell_quote (argv[i]);
      gboolean plain = strpbrk (argv[i], " \t\n'\"\\$`*?[]{}()<>|&;#~") == NULL && *argv[i] != '\0';
      g_string_append_c (s, ' ');
      g_string_append (s, plain ? argv[i] : quoted);
    }
  return g_string_free (s, FALSE);
}

static void
start_job (MsBuildPanel *self, JobKind kind, GPtrArray *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mstudio = ms_build_find_mstudio ();
  g_autofree char *dir = project_dir (self);
  g_autofree char *shown = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  Job *job;

  g_return_if_fail (self->job == NULL);

  if (kind != JOB_SKELETON)
    {
      g_ptr_array_set_size (self->log, 0);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->log_view), "", 0);
      clear_problems (self);
      gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
    }
  g_clear_pointer (&self->skeleton_error, g_free);

  if (mstudio == NULL)
    {
      const char *text = _("Cannot find the mstudio program: install it, or set MSTUDIO to its path");
      add_line (self, MS_LOG_LEVEL_ERROR, TRUE, text);
      set_status (self, text);
      self->skeleton_error = g_strdup (text);
      update_state (self);
      if (kind != JOB_SKELETON)
        g_signal_emit (self, signals[SIGNAL_FINISHED], 0, FALSE);
      return;
    }
  g_ptr_array_add (argv, mstudio);
  for (guint i = 0; i < args->len; i++)
    g_ptr_array_add (argv, args->pdata[i]);
  g_ptr_array_add (argv, NULL);
  shown = argv_display ((const char *const *) argv->pdata);
  add_line (self, MS_LOG_LEVEL_INFO, TRUE, shown);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_cwd (launcher, dir);
  job = g_rc_box_new0 (Job);
  job->kind = kind;
  job->cancellable = g_cancellable_new ();
  job->proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  if (job->proc == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Cannot start mstudio: %s"), error->message);
      job_unref (job);
      add_line (self, MS_LOG_LEVEL_ERROR, TRUE, text);
      set_status (self, text);
      self->skeleton_error = g_strdup (text);
      update_state (self);
      if (kind != JOB_SKELETON)
        g_signal_emit (self, signals[SIGNAL_FINISHED], 0, FALSE);
      return;
    }
  job->panel = self;
  self->job = job;
  job->open_streams = 2;
  watch_stream (job, g_subprocess_get_stdout_pipe (job->proc));
  watch_stream (job, g_subprocess_get_stderr_pipe (job->proc));
  g_subprocess_wait_async (job->proc, job->cancellable, wait_cb, job_ref (job));

  set_status (self,
                      kind == JOB_BUILD ? _("Building…")
                      : kind == JOB_RUN ? _("Building and starting…")
                      : _("Writing unikernel.c…"));
  if (kind != JOB_SKELETON)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->progress), TRUE);
      gtk_progress_bar_set_fraction (self->progress, 0);
      self->pulse_id = g_timeout_add (100, pulse_cb, self->progress);
    }
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static gboolean
kill_cb (gpointer data)
{
  MsBuildPanel *self = data;

  self->kill_id = 0;
  if (self->job != NULL && !self->job->exited)
    {
      add_line (self, MS_LOG_LEVEL_WARNING, TRUE, _("Still running after SIGTERM: killing it"));
      g_subprocess_force_exit (self->job->proc);
    }
  return G_SOURCE_REMOVE;
}

/* ---- the runtime-arguments form ---------------------------------------------------------------- */

static gboolean parse_int (const char *text, gint64 *out);

static char *
field_value (ArgField *f)
{
  if (GTK_IS_SWITCH (f->editor))
    return g_strdup (gtk_switch_get_active (GTK_SWITCH (f->editor)) ? "true" : "false");
  if (GTK_IS_SPIN_BUTTON (f->editor))
    return g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (f->editor)));
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (f->editor)));
}

static gboolean
same_value (ArgField *f, const char *value)
{
  if (GTK_IS_SWITCH (f->editor))
    return g_strcmp0 (value, g_ascii_strcasecmp (f->default_value, "true") == 0 ? "true" : "false") == 0;
  if (GTK_IS_SPIN_BUTTON (f->editor))
    return g_ascii_strtoll (f->default_value, NULL, 10) == g_ascii_strtoll (value, NULL, 10);
  return g_strcmp0 (value, f->default_value) == 0;
}

static void
field_changed_cb (GtkWidget *editor, GParamSpec *pspec, MsBuildPanel *self)
{
  ArgField *f = g_object_get_data (G_OBJECT (editor), "field");
  g_autofree char *value = NULL;

  if (f == NULL)
    return;
  value = field_value (f);
  gtk_widget_set_visible (f->reset, !same_value (f, value));
  if (same_value (f, value))
    g_hash_table_remove (self->arg_changes, f->name);
  else
    g_hash_table_insert (self->arg_changes, g_strdup (f->name), g_steal_pointer (&value));
}

static void
set_field_value (ArgField *f, const char *value)
{
  gint64 n = 0;

  if (GTK_IS_SWITCH (f->editor))
    gtk_switch_set_active (GTK_SWITCH (f->editor), g_ascii_strcasecmp (value, "true") == 0);
  else if (GTK_IS_SPIN_BUTTON (f->editor))
    {
      if (parse_int (value, &n))
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (f->editor), (double) n);
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (f->editor), value);
}

static void
reset_clicked_cb (GtkButton *button, gpointer data)
{
  GtkWidget *editor = g_object_get_data (G_OBJECT (button), "editor");
  ArgField *f = editor ? g_object_get_data (G_OBJECT (editor), "field") : NULL;

  if (f != NULL)
    set_field_value (f, f->default_value);
}

static gboolean
parse_int (const char *text, gint64 *out)
{
  char *end;

  if (text == NULL || *text == '\0')
    return FALSE;
  *out = g_ascii_strtoll (text, &end, 10);
  return *end == '\0' && *out >= G_MININT && *out <= G_MAXINT;
}

static void
add_arg_row (MsBuildPanel *self, const MsEvalArg *a)
{
  ArgField *f = g_new0 (ArgField, 1);
  const char *changed = g_hash_table_lookup (self->arg_changes, a->name);
  const char *value = changed ? changed : a->default_value;
  const char *type = a->type ? a->type : "string";
  g_autofree char *subtitle = a->doc && *a->doc
    ? g_strdup_printf ("%s — %s", type, a->doc) : g_strdup (type);
  GtkWidget *row;
  gint64 n;

  f->reset = gtk_button_new_from_icon_name ("edit-undo-symbolic");
  gtk_widget_set_valign (f->reset, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (f->reset, "flat");
  gtk_widget_set_tooltip_text (f->reset, _("Reset to the default"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (f->reset), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reset to the default"), -1);
  gtk_widget_set_visible (f->reset, changed != NULL);
  g_signal_connect (f->reset, "clicked", G_CALLBACK (reset_clicked_cb), NULL);
  f->name = g_strdup (a->name);
  f->type = g_strdup (type);
  f->default_value = g_strdup (a->default_value ? a->default_value : "");
  if (g_str_equal (type, "bool"))
    {
      row = adw_action_row_new ();
      f->editor = gtk_switch_new ();
      gtk_widget_set_valign (f->editor, GTK_ALIGN_CENTER);
      gtk_switch_set_active (GTK_SWITCH (f->editor), g_ascii_strcasecmp (value, "true") == 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), f->reset);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), f->editor);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), f->editor);
      g_signal_connect (f->editor, "notify::active", G_CALLBACK (field_changed_cb), self);
    }
  else if ((g_str_equal (type, "int") || g_str_equal (type, "port")) && parse_int (f->default_value, &n))
    {
      gboolean port = g_str_equal (type, "port");
      gint64 v = n;
      row = adw_action_row_new ();
      f->editor = gtk_spin_button_new_with_range (port ? 0 : G_MININT, port ? 65535 : G_MAXINT, 1);
      gtk_widget_set_valign (f->editor, GTK_ALIGN_CENTER);
      gtk_editable_set_width_chars (GTK_EDITABLE (f->editor), port ? 5 : 6);
      parse_int (value, &v);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (f->editor), (double) v);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), f->reset);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), f->editor);
      g_signal_connect (f->editor, "notify::value", G_CALLBACK (field_changed_cb), self);
    }
  else
    {
      row = adw_entry_row_new ();
      f->editor = row;
      gtk_editable_set_text (GTK_EDITABLE (row), value);
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), f->reset);
      g_signal_connect (row, "notify::text", G_CALLBACK (field_changed_cb), self);
    }
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), a->name);
  if (ADW_IS_ACTION_ROW (row))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  else
    gtk_widget_set_tooltip_text (row, subtitle);
  if (f->editor != row)
    gtk_accessible_update_property (GTK_ACCESSIBLE (f->editor), GTK_ACCESSIBLE_PROPERTY_LABEL, a->name, -1);
  g_object_set_data (G_OBJECT (f->editor), "field", f);
  g_object_set_data (G_OBJECT (f->reset), "editor", f->editor);
  g_ptr_array_add (self->arg_fields, f);
  g_ptr_array_add (self->arg_rows, row);
  adw_preferences_group_add (self->args_group, row);
}

/* Only the OCaml runtime reads cmdliner-stdlib's bundle of flags; the C
 * runtime has no such argument (codegen/ms-cgen.c, arg_is_builtin). */
static gboolean
arg_is_for_c (const MsEvalArg *a)
{
  return a->id == NULL || !g_str_equal (a->id, "cmdliner_stdlib");
}

static void
rebuild_args (MsBuildPanel *self)
{
  g_autoptr(MsEvalGraph) graph = NULL;
  GString *sig = g_string_new (NULL);
  g_autofree char *signature = NULL;

  self->args_dirty = FALSE;
  if (self->doc != NULL)
    graph = ms_eval (self->doc, NULL);
  for (guint i = 0; graph != NULL && i < graph->runtime_args->len; i++)
    {
      const MsEvalArg *a = graph->runtime_args->pdata[i];
      if (!arg_is_for_c (a))
        continue;
      g_string_append_printf (sig, "%s\x1f%s\x1f%s\x1f%s\x1e", a->name, a->type ? a->type : "",
                              a->default_value ? a->default_value : "", a->doc ? a->doc : "");
    }
  signature = g_string_free (sig, FALSE);
  /* an edit elsewhere in the graph leaves the form (and the focus) alone */
  if (g_strcmp0 (signature, self->args_signature) == 0)
    return;
  g_free (self->args_signature);
  self->args_signature = g_steal_pointer (&signature);

  for (guint i = 0; i < self->arg_fields->len; i++)
    g_object_set_data (G_OBJECT (((ArgField *) self->arg_fields->pdata[i])->editor), "field", NULL);
  for (guint i = 0; i < self->arg_rows->len; i++)
    adw_preferences_group_remove (self->args_group, self->arg_rows->pdata[i]);
  g_ptr_array_set_size (self->arg_rows, 0);
  g_ptr_array_set_size (self->arg_fields, 0);

  for (guint i = 0; graph != NULL && i < graph->runtime_args->len; i++)
    if (arg_is_for_c (graph->runtime_args->pdata[i]))
      add_arg_row (self, graph->runtime_args->pdata[i]);
  adw_preferences_group_set_description (self->args_group,
                                         self->arg_fields->len == 0
                                         ? _("The project has no runtime arguments.")
                                         : _("Values you change are passed to the unikernel when it runs."));
}

static gboolean
args_idle_cb (gpointer data)
{
  MsBuildPanel *self = data;

  self->args_idle_id = 0;
  rebuild_args (self);
  return G_SOURCE_REMOVE;
}

static void
queue_args (MsBuildPanel *self)
{
  self->args_dirty = TRUE;
  if (self->args_idle_id != 0 || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  self->args_idle_id = g_idle_add_full (G_PRIORITY_LOW, args_idle_cb, self, NULL);
}

static void
document_changed_cb (MsBuildPanel *self)
{
  update_target_info (self);
  queue_args (self);
}

static void
source_changed_cb (MsBuildPanel *self, GFile *file, GFile *other, GFileMonitorEvent event)
{
  if (event == G_FILE_MONITOR_EVENT_CREATED || event == G_FILE_MONITOR_EVENT_DELETED
      || event == G_FILE_MONITOR_EVENT_MOVED_IN || event == G_FILE_MONITOR_EVENT_MOVED_OUT
      || event == G_FILE_MONITOR_EVENT_RENAMED)
    update_state (self);
}

static void
watch_source (MsBuildPanel *self)
{
  g_autofree char *dir = project_dir (self);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;

  if (self->source_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->source_monitor, self);
      g_file_monitor_cancel (self->source_monitor);
      g_clear_object (&self->source_monitor);
    }
  if (dir == NULL)
    return;
  path = g_build_filename (dir, "unikernel.c", NULL);
  file = g_file_new_for_path (path);
  /* without a monitor (some file systems), map and every action check again */
  self->source_monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->source_monitor != NULL)
    g_signal_connect_swapped (self->source_monitor, "changed", G_CALLBACK (source_changed_cb), self);
}

/* The status wraps rather than being cut ("The unikerne…"), and its
 * tooltip holds the whole text in case a very narrow panel still cuts it. */
static void
set_status (MsBuildPanel *self, const char *text)
{
  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), text && *text ? text : NULL);
}

/* Build & Run builds for Linux only; an application aimed elsewhere is
 * told so, with the two ways that do build for its target. */
static void
update_target_info (MsBuildPanel *self)
{
  const char *target = self->doc ? ms_document_get_target (self->doc) : NULL;
  gboolean other = target != NULL && *target != '\0' && g_strcmp0 (target, "unix") != 0;

  gtk_widget_set_visible (self->target_info, other);
  if (other)
    {
      g_autofree char *text =
        g_strdup_printf (_("The application’s target is %s, which Build & Run does not build: it runs "
                           "the graph on the bundled C runtime, on this Linux machine (plain or "
                           "sandboxed). For %s, export config.ml and build it with mirage, or export "
                           "CI files that do."), target, target);
      gtk_label_set_text (self->target_info_label, text);
    }
}

/* ---- state ---------------------------------------------------------------------------------- */

static void
update_state (MsBuildPanel *self)
{
  const char *path = project_path (self);
  gboolean source = has_source (self);
  gboolean busy = self->job != NULL;

  if (self->doc == NULL)
    {
      adw_status_page_set_title (self->setup_page, _("No Project"));
      adw_status_page_set_description (self->setup_page, NULL);
      gtk_widget_set_visible (self->skeleton_button, FALSE);
      gtk_stack_set_visible_child_name (self->stack, "setup");
    }
  else if (path == NULL)
    {
      adw_status_page_set_title (self->setup_page, _("Save the Project First"));
      adw_status_page_set_description (self->setup_page,
                                       _("Building needs a project file: the unikernel’s own code, "
                                         "unikernel.c, lives next to it."));
      gtk_widget_set_visible (self->skeleton_button, FALSE);
      gtk_stack_set_visible_child_name (self->stack, "setup");
    }
  else if (!source && (busy ? self->job->kind == JOB_SKELETON : TRUE))
    {
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *text = g_strdup_printf (_("The unikernel’s own code is unikernel.c, next to %s. "
                                                 "Write a skeleton with the start function the graph "
                                                 "expects, then fill it in."), base);
      g_autofree char *escaped = g_markup_escape_text (text, -1);
      g_autofree char *error = self->skeleton_error ? g_markup_escape_text (self->skeleton_error, -1) : NULL;
      g_autofree char *full = error ? g_strdup_printf ("%s\n\n<b>%s</b>", escaped, error)
                                    : g_strdup (escaped);

      adw_status_page_set_title (self->setup_page, _("No unikernel.c Yet"));
      adw_status_page_set_description (self->setup_page, full);
      gtk_widget_set_visible (self->skeleton_button, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "setup");
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "panel");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "build.build", path && source && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "build.run", path && source && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "build.stop", busy && self->job->kind != JOB_SKELETON);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "build.skeleton", path && !source && !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->target_dropdown), !busy);
}

static void
update_colors (MsBuildPanel *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GtkStyleContext *ctx;
  GdkRGBA error, warning, dim;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  ctx = gtk_widget_get_style_context (GTK_WIDGET (self));
  if (!gtk_style_context_lookup_color (ctx, "error_color", &error))
    gdk_rgba_parse (&error, dark ? "#ff7b63" : "#c01c28");
  if (!gtk_style_context_lookup_color (ctx, "warning_color", &warning))
    gdk_rgba_parse (&warning, dark ? "#f8e45c" : "#9c6e03");
  if (!gtk_style_context_lookup_color (ctx, "window_fg_color", &dim))
    gdk_rgba_parse (&dim, dark ? "#ffffff" : "#000000");
  G_GNUC_END_IGNORE_DEPRECATIONS
  dim.alpha = 0.55f;
  g_object_set (self->tag_error, "foreground-rgba", &error, NULL);
  g_object_set (self->tag_warning, "foreground-rgba", &warning, NULL);
  g_object_set (self->tag_debug, "foreground-rgba", &dim, NULL);
  g_object_set (self->tag_meta, "foreground-rgba", &dim, NULL);
}

/* ---- actions ---------------------------------------------------------------------------------- */

static void
build_action (GtkWidget *widget, const char *name, GVariant *param)
{
  ms_build_panel_build (MS_BUILD_PANEL (widget));
}

static void
run_action (GtkWidget *widget, const char *name, GVariant *param)
{
  ms_build_panel_run (MS_BUILD_PANEL (widget));
}

static void
stop_action (GtkWidget *widget, const char *name, GVariant *param)
{
  ms_build_panel_stop (MS_BUILD_PANEL (widget));
}

static void
skeleton_action (GtkWidget *widget, const char *name, GVariant *param)
{
  ms_build_panel_write_skeleton (MS_BUILD_PANEL (widget));
}

static void
dismiss_action (GtkWidget *widget, const char *name, GVariant *param)
{
  gtk_revealer_set_reveal_child (MS_BUILD_PANEL (widget)->message_revealer, FALSE);
}

/* ---- GObject / GtkWidget ------------------------------------------------------------------------- */

static void
ms_build_panel_map (GtkWidget *widget)
{
  MsBuildPanel *self = MS_BUILD_PANEL (widget);

  GTK_WIDGET_CLASS (ms_build_panel_parent_class)->map (widget);
  /* unikernel.c may have been written meanwhile */
  update_state (self);
  if (self->args_dirty)
    queue_args (self);
}

static void
ms_build_panel_dispose (GObject *object)
{
  MsBuildPanel *self = MS_BUILD_PANEL (object);

  if (self->job != NULL)
    {
      Job *job = g_steal_pointer (&self->job);
      job->panel = NULL;
      g_cancellable_cancel (job->cancellable);
      if (!job->exited)
        g_subprocess_force_exit (job->proc);
      job_unref (job);
    }
  g_clear_handle_id (&self->kill_id, g_source_remove);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  g_clear_handle_id (&self->args_idle_id, g_source_remove);
  if (self->source_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->source_monitor, self);
      g_file_monitor_cancel (self->source_monitor);
      g_clear_object (&self->source_monitor);
    }
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  if (self->doc != NULL)
    g_signal_handlers_disconnect_by_data (self->doc, self);
  g_clear_object (&self->doc);
  gtk_widget_dispose_template (GTK_WIDGET (self), MS_TYPE_BUILD_PANEL);
  G_OBJECT_CLASS (ms_build_panel_parent_class)->dispose (object);
}

static void
ms_build_panel_finalize (GObject *object)
{
  MsBuildPanel *self = MS_BUILD_PANEL (object);

  g_ptr_array_unref (self->log);
  g_ptr_array_unref (self->problems);
  g_ptr_array_unref (self->arg_fields);
  g_ptr_array_unref (self->arg_rows);
  g_hash_table_unref (self->arg_changes);
  g_free (self->args_signature);
  g_free (self->skeleton_error);
  G_OBJECT_CLASS (ms_build_panel_parent_class)->finalize (object);
}

static void
ms_build_panel_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MsBuildPanel *self = MS_BUILD_PANEL (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->doc);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->job != NULL);
      break;
    case PROP_TARGET:
      g_value_set_string (value, current_target (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ms_build_panel_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MsBuildPanel *self = MS_BUILD_PANEL (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      ms_build_panel_set_document (self, g_value_get_object (value));
      break;
    case PROP_TARGET:
      ms_build_panel_set_target (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
target_changed_cb (MsBuildPanel *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET]);
}

static void
dark_changed_cb (MsBuildPanel *self)
{
  update_colors (self);
}

static void
ms_build_panel_class_init (MsBuildPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ms_build_panel_dispose;
  object_class->finalize = ms_build_panel_finalize;
  object_class->get_property = ms_build_panel_get_property;
  object_class->set_property = ms_build_panel_set_property;
  widget_class->map = ms_build_panel_map;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, MS_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TARGET] =
    g_param_spec_string ("target", NULL, NULL, "unix",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  /* handlers return TRUE when they opened the file; the class handler
   * (gnome-text-editor, or the location as a message) runs otherwise */
  signals[SIGNAL_OPEN_SOURCE] =
    g_signal_new_class_handler ("open-source", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                G_CALLBACK (default_open_source),
                                g_signal_accumulator_true_handled, NULL, NULL,
                                G_TYPE_BOOLEAN, 3, G_TYPE_STRING, G_TYPE_INT, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/miragestudio/Studio/ui/build-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, setup_page);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, skeleton_button);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, target_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, progress);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, target_info);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, target_info_label);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, args_group);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, level_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, problems_scroll);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, problems_list);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, log_view);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, MsBuildPanel, message_label);
  gtk_widget_class_bind_template_callback (widget_class, log_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, problem_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "build.build", NULL, build_action);
  gtk_widget_class_install_action (widget_class, "build.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "build.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "build.skeleton", NULL, skeleton_action);
  gtk_widget_class_install_action (widget_class, "build.dismiss", NULL, dismiss_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "build.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "build.build", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "build-panel");
}

static void
ms_build_panel_init (MsBuildPanel *self)
{
  GtkTextBuffer *buffer;

  ms_style_ensure ();
  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  g_type_ensure (ADW_TYPE_BUTTON_CONTENT);
  g_type_ensure (ADW_TYPE_PREFERENCES_GROUP);
  g_type_ensure (ADW_TYPE_FLAP);
  g_type_ensure (ADW_TYPE_CLAMP);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->log = g_ptr_array_new_with_free_func (log_line_free);
  self->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) ms_compiler_problem_free);
  self->arg_fields = g_ptr_array_new_with_free_func (arg_field_free);
  self->arg_rows = g_ptr_array_new ();
  self->arg_changes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  buffer = gtk_text_view_get_buffer (self->log_view);
  self->tag_error = gtk_text_buffer_create_tag (buffer, "error", NULL);
  self->tag_warning = gtk_text_buffer_create_tag (buffer, "warning", NULL);
  self->tag_debug = gtk_text_buffer_create_tag (buffer, "debug", NULL);
  self->tag_meta = gtk_text_buffer_create_tag (buffer, "meta", "style", PANGO_STYLE_ITALIC, NULL);
  update_colors (self);
  g_signal_connect_swapped (adw_style_manager_get_default (), "notify::dark",
                            G_CALLBACK (dark_changed_cb), self);
  g_signal_connect_swapped (self->target_dropdown, "notify::selected",
                            G_CALLBACK (target_changed_cb), self);
  self->args_dirty = TRUE;
  update_state (self);
}

/* ---- public API ------------------------------------------------------------------------------------- */

GtkWidget *
ms_build_panel_new (void)
{
  return g_object_new (MS_TYPE_BUILD_PANEL, NULL);
}

void
ms_build_panel_set_document (MsBuildPanel *self, MsDocument *doc)
{
  g_return_if_fail (MS_IS_BUILD_PANEL (self));
  g_return_if_fail (doc == NULL || MS_IS_DOCUMENT (doc));

  if (self->doc == doc)
    return;
  if (self->job != NULL)
    ms_build_panel_stop (self);
  if (self->doc != NULL)
    g_signal_handlers_disconnect_by_data (self->doc, self);
  g_set_object (&self->doc, doc);
  if (doc != NULL)
    {
      g_signal_connect_swapped (doc, "changed", G_CALLBACK (document_changed_cb), self);
      g_signal_connect_swapped (doc, "reloaded", G_CALLBACK (document_changed_cb), self);
    }
  g_hash_table_remove_all (self->arg_changes);
  g_clear_pointer (&self->args_signature, g_free);
  g_clear_pointer (&self->skeleton_error, g_free);
  watch_source (self);
  queue_args (self);
  update_state (self);
  update_target_info (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

gboolean
ms_build_panel_get_running (MsBuildPanel *self)
{
  g_return_val_if_fail (MS_IS_BUILD_PANEL (self), FALSE);
  return self->job != NULL;
}

static gboolean
can_start (MsBuildPanel *self)
{
  update_state (self);
  return self->job == NULL && project_path (self) != NULL && has_source (self);
}

void
ms_build_panel_build (MsBuildPanel *self)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (MS_IS_BUILD_PANEL (self));
  if (!can_start (self))
    return;
  g_ptr_array_add (args, g_strdup ("build"));
  g_ptr_array_add (args, g_canonicalize_filename (project_path (self), NULL));
  g_ptr_array_add (args, g_strdup ("-t"));
  g_ptr_array_add (args, g_strdup (current_target (self)));
  start_job (self, JOB_BUILD, args);
}

void
ms_build_panel_run (MsBuildPanel *self)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) extra = NULL;

  g_return_if_fail (MS_IS_BUILD_PANEL (self));
  if (!can_start (self))
    return;
  /* the form may be stale if the graph changed while hidden */
  if (self->args_dirty)
    rebuild_args (self);
  extra = ms_build_panel_get_run_arguments (self);
  g_ptr_array_add (args, g_strdup ("run"));
  g_ptr_array_add (args, g_canonicalize_filename (project_path (self), NULL));
  g_ptr_array_add (args, g_strdup ("-t"));
  g_ptr_array_add (args, g_strdup (current_target (self)));
  g_ptr_array_add (args, g_strdup ("--"));
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (args, g_strdup (extra[i]));
  start_job (self, JOB_RUN, args);
}

void
ms_build_panel_stop (MsBuildPanel *self)
{
  g_return_if_fail (MS_IS_BUILD_PANEL (self));

  if (self->job == NULL || self->job->exited || self->job->stopped)
    return;
  self->job->stopped = TRUE;
  add_line (self, MS_LOG_LEVEL_INFO, TRUE, _("Stopping…"));
  g_subprocess_send_signal (self->job->proc, SIGTERM);
  self->kill_id = g_timeout_add_seconds (KILL_DELAY_S, kill_cb, self);
}

char *
ms_build_panel_get_log_text (MsBuildPanel *self)
{
  GString *s;

  g_return_val_if_fail (MS_IS_BUILD_PANEL (self), NULL);

  s = g_string_new (NULL);
  for (guint i = 0; i < self->log->len; i++)
    {
      g_string_append (s, ((LogLine *) self->log->pdata[i])->text);
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

void
ms_build_panel_write_skeleton (MsBuildPanel *self)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (MS_IS_BUILD_PANEL (self));
  if (self->job != NULL || project_path (self) == NULL || has_source (self))
    return;
  g_ptr_array_add (args, g_strdup ("export"));
  g_ptr_array_add (args, g_canonicalize_filename (project_path (self), NULL));
  g_ptr_array_add (args, g_strdup ("--format"));
  g_ptr_array_add (args, g_strdup ("c-skeleton"));
  g_ptr_array_add (args, g_strdup ("-o"));
  g_ptr_array_add (args, project_dir (self));
  start_job (self, JOB_SKELETON, args);
}

void
ms_build_panel_set_target (MsBuildPanel *self, const char *target)
{
  g_return_if_fail (MS_IS_BUILD_PANEL (self));

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    if (g_strcmp0 (target, targets[i]) == 0)
      gtk_drop_down_set_selected (self->target_dropdown, i);
}

char **
ms_build_panel_get_run_arguments (MsBuildPanel *self)
{
  GPtrArray *out;

  g_return_val_if_fail (MS_IS_BUILD_PANEL (self), NULL);

  out = g_ptr_array_new ();
  /* in the form's order (the evaluated graph's, sorted by name) */
  for (guint i = 0; i < self->arg_fields->len; i++)
    {
      ArgField *f = self->arg_fields->pdata[i];
      const char *value = g_hash_table_lookup (self->arg_changes, f->name);
      if (value != NULL)
        g_ptr_array_add (out, g_strdup_printf ("--%s=%s", f->name, value));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

GtkWidget *
ms_build_panel_get_arg_widget (MsBuildPanel *self, const char *name)
{
  g_return_val_if_fail (MS_IS_BUILD_PANEL (self), NULL);

  if (self->args_dirty)
    rebuild_args (self);
  for (guint i = 0; i < self->arg_fields->len; i++)
    {
      ArgField *f = self->arg_fields->pdata[i];
      if (g_str_equal (f->name, name))
        return f->editor;
    }
  return NULL;
}

guint
ms_build_panel_get_n_problems (MsBuildPanel *self)
{
  g_return_val_if_fail (MS_IS_BUILD_PANEL (self), 0);
  return self->problems->len;
}

void
ms_build_panel_activate_problem (MsBuildPanel *self, guint index)
{
  const MsCompilerProblem *p;
  g_autofree char *path = NULL;
  gboolean handled = FALSE;

  g_return_if_fail (MS_IS_BUILD_PANEL (self));
  g_return_if_fail (index < self->problems->len);

  p = self->problems->pdata[index];
  path = resolve_path (self, p->path);
  g_signal_emit (self, signals[SIGNAL_OPEN_SOURCE], 0, path, p->line, p->column, &handled);
}
