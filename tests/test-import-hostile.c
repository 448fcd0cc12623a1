/* test-import-hostile.c: the config.ml importer against hostile input.
 *
 * Every input of tests/corpus/hostile/ (small files written by hand: each
 * makes a short file build something huge, or nest deeply) and a set
 * generated here (files of about 800 KB, too big to commit: long operator
 * chains, deep parentheses, lists, applications, let and if chains...) is
 * imported in a child process under a memory and a time limit. Each must
 * either import or fail with errors naming line:col; never crash, never
 * pass the limits. The child's peak resident memory comes from wait4; in
 * builds without AddressSanitizer the child also runs under RLIMIT_AS
 * (ASan reserves terabytes of address space, so there the parent watches
 * the child's resident memory instead and kills it past twice the bound).
 *
 * The device limit's leak (each device past 5,000 leaked its custom part)
 * is checked in-process, where LeakSanitizer sees it at exit.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ms-import.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* Peak resident memory of one import (the child starts as a copy of this
 * process, which counts too) and its wall time. Sanitizers multiply both. */
#ifdef UNDER_ASAN
#define MEMORY_LIMIT_MB 768
#define TIME_LIMIT_S 120
#else
#define MEMORY_LIMIT_MB 256
#define TIME_LIMIT_S 30
#endif

static MsCatalog *cat;

/* ---- generated inputs --------------------------------------------------------------- */

#define BIG (800 * 1024)

/* pre, then mid repeated until the text is about BIG, then post, then
 * close repeated as often as mid was */
static char *
nest (const char *pre, const char *mid, const char *inner, const char *close, const char *post)
{
  GString *s = g_string_new (pre);
  guint n = 0;

  while (s->len + strlen (close) * n < BIG)
    {
      g_string_append (s, mid);
      n++;
    }
  g_string_append (s, inner);
  for (guint i = 0; i < n; i++)
    g_string_append (s, close);
  g_string_append (s, post);
  return g_string_free (s, FALSE);
}

static char *
chain (const char *pre, const char *link)
{
  return nest (pre, link, "", "", "\n");
}

/* 48 helpers, each calling the one before inside 95 nested lists: the
 * deepest evaluation the bounds allow, which must fit the C stack */
static char *
deep_helpers (void)
{
  GString *s = g_string_new ("let f0 x = x\n");

  for (guint i = 1; i <= 48; i++)
    {
      g_string_append_printf (s, "let f%u x = ", i);
      for (guint j = 0; j < 95; j++)
        g_string_append_c (s, '[');
      g_string_append_printf (s, "f%u x", i - 1);
      for (guint j = 0; j < 95; j++)
        g_string_append_c (s, ']');
      g_string_append_c (s, '\n');
    }
  g_string_append (s, "let y = f48 1\n");
  return g_string_free (s, FALSE);
}

/* more than the 5,000 devices, made by a main applied in a loop */
static char *
many_mains (void)
{
  GString *s = g_string_new ("let m = main \"Unikernel.Main\" ~packages:[ package \"p\" ] (network @-> job)\n");

  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (s, "let j%u = m $ netif \"eth%u\"\n", i, i);
  g_string_append (s, "let () = register \"many\" [ j0 ]\n");
  return g_string_free (s, FALSE);
}

/* just over the input limit: refused as a whole (line 0) */
static char *
too_big (void)
{
  return g_strnfill (MS_IMPORT_MAX_INPUT + 1, ' ');
}

typedef struct {
  const char *name;
  char *(*make) (void);
  const char *error;    /* a part of the error expected, or NULL: imports without error */
} Generated;

#define CHAIN(fn, pre, link) static char *fn (void) { return chain (pre, link); }
CHAIN (chain_plus, "let x = 1", " + 1")
CHAIN (chain_minus, "let x = 1", " - 1")
CHAIN (chain_times, "let x = 1", " * 1")
CHAIN (chain_divide, "let x = 1", " / 1")
CHAIN (chain_pipe, "let x = 1", " |> ignore")
CHAIN (chain_dollar, "let m = main \"U\" job\nlet x = m", " $ m")
CHAIN (chain_append, "let x = []", " @ []")
CHAIN (chain_concat, "let x = \"\"", " ^ \"\"")
CHAIN (chain_cons, "let x = 1", " :: 1")
CHAIN (chain_atat, "let x = ignore", " @@ ignore")
CHAIN (chain_mixed, "let x = 1", " + 2 * 3 - 4 / 5")
CHAIN (chain_args, "let rec f x = f\nlet y = f", " 1")
CHAIN (chain_toplevel, "", "let a = 1\n")
CHAIN (chain_unknown_op, "let x = 1", " +. 1")

#define NEST(fn, pre, mid, inner, close) static char *fn (void) { return nest (pre, mid, inner, close, "\n"); }
NEST (chain_tuple, "let t = (1", ", 1", ")", "")
NEST (nest_parens, "let x = ", "(", "1", ")")
NEST (nest_lists, "let x = ", "[", "1", "]")
NEST (nest_records, "let x = ", "{ a = ", "1", " }")
NEST (nest_apps, "let x = ", "ignore (", "1", ")")
NEST (nest_some, "let x = ", "Some (", "1", ")")
NEST (nest_let, "let x = ", "let a = 1 in ", "a", "")
NEST (nest_if, "let x = ", "if true then 1 else ", "2", "")
NEST (nest_fun, "let f = ", "fun x -> ", "x", "")
NEST (nest_neg, "let x = ", "- ", "1", "")
NEST (nest_pattern, "let ", "(", "x", ")")
NEST (nest_begin, "let x = ", "begin ", "1", " end")
NEST (nest_open, "let x = ", "Key.(", "1", ")")
NEST (nest_default, "let f ", "?(x = fun ", "y -> y", ")")
NEST (nest_comment, "", "(* ", "", " *)")
NEST (nest_string_escapes, "let s = \"", "\\n", "", "")

static const Generated generated[] = {
  { "chain-plus", chain_plus, NULL },
  { "chain-minus", chain_minus, NULL },
  { "chain-times", chain_times, NULL },
  { "chain-divide", chain_divide, NULL },
  { "chain-pipe", chain_pipe, NULL },
  { "chain-dollar", chain_dollar, NULL },
  { "chain-mixed", chain_mixed, NULL },
  { "chain-tuple", chain_tuple, NULL },
  { "chain-toplevel", chain_toplevel, NULL },
  /* right-associative: nesting, counted against the bound */
  { "chain-append", chain_append, "nested too deeply" },
  { "chain-concat", chain_concat, "nested too deeply" },
  { "chain-cons", chain_cons, "nested too deeply" },
  { "chain-atat", chain_atat, "nested too deeply" },
  { "chain-unknown-op", chain_unknown_op, NULL },
  /* a function returning itself, given 200,000 arguments */
  { "chain-args", chain_args, "takes too long" },
  { "nest-parens", nest_parens, "nested too deeply" },
  { "nest-lists", nest_lists, "nested too deeply" },
  { "nest-records", nest_records, "nested too deeply" },
  { "nest-apps", nest_apps, "nested too deeply" },
  { "nest-some", nest_some, "nested too deeply" },
  { "nest-let", nest_let, "nested too deeply" },
  { "nest-if", nest_if, "nested too deeply" },
  { "nest-fun", nest_fun, "nested too deeply" },
  { "nest-neg", nest_neg, "nested too deeply" },
  { "nest-pattern", nest_pattern, "nested too deeply" },
  { "nest-begin", nest_begin, "nested too deeply" },
  { "nest-open", nest_open, "nested too deeply" },
  { "nest-default", nest_default, "nested too deeply" },
  { "nest-comment", nest_comment, "" },
  { "nest-string-escapes", nest_string_escapes, "" },
  { "deep-helpers", deep_helpers, "nest more than" },
  { "many-mains", many_mains, "more than 5000 devices" },
  { "too-big", too_big, "larger than" },
};

/* ---- one import under limits -------------------------------------------------------- */

typedef struct {
  gboolean crashed;     /* signal, or an exit status other than 0 */
  gboolean killed;      /* by the parent: over time or memory */
  char *why;
  double seconds;
  long peak_kb;
  GPtrArray *errors;    /* "LINE:COL: TEXT" */
  guint n_devices;
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_free (o->why);
  g_clear_pointer (&o->errors, g_ptr_array_unref);
}

/* The child: imports text and writes one line per error, then the
 * number of devices, to fd; _exit skips atexit (no leak report here). */
static void G_GNUC_NORETURN
child_import (const char *text, gsize len, int fd)
{
  MsImportReport *report = NULL;
  MsDocument *doc;
  GString *out = g_string_new (NULL);

#ifndef UNDER_ASAN
  {
    struct rlimit as = { (rlim_t) MEMORY_LIMIT_MB * 2 << 20, (rlim_t) MEMORY_LIMIT_MB * 2 << 20 };
    setrlimit (RLIMIT_AS, &as);
  }
#endif
  doc = ms_import_configml (cat, "hostile.ml", text, len, &report);
  for (guint i = 0; i < report->messages->len; i++)
    {
      MsImportMessage *m = report->messages->pdata[i];
      if (m->severity == MS_SEVERITY_ERROR)
        {
          g_string_append_printf (out, "%u:%u: ", m->line, m->column);
          for (const char *p = m->message; *p; p++)
            g_string_append_c (out, *p == '\n' ? ' ' : *p);
          g_string_append_c (out, '\n');
        }
    }
  g_string_append_printf (out, "devices %u\n", ms_document_get_n_devices (doc));
  for (gsize done = 0; done < out->len;)
    {
      gssize n = write (fd, out->str + done, out->len - done);
      if (n <= 0 && errno != EINTR)
        _exit (3);
      done += n > 0 ? (gsize) n : 0;
    }
  _exit (0);
}

static long
rss_kb (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/statm", (int) pid);
  g_autofree char *text = NULL;
  long pages = 0, rss = 0;

  if (g_file_get_contents (path, &text, NULL, NULL) && sscanf (text, "%ld %ld", &pages, &rss) == 2)
    return rss * (sysconf (_SC_PAGESIZE) / 1024);
  return 0;
}

static void
run_limited (const char *text, gsize len, Outcome *o)
{
  int fds[2];
  pid_t pid;
  GString *got = g_string_new (NULL);
  gint64 t0 = g_get_monotonic_time ();
  int status = 0;
  struct rusage ru;
  gboolean done = FALSE;

  memset (o, 0, sizeof *o);
  o->errors = g_ptr_array_new_with_free_func (g_free);
  g_assert_cmpint (pipe (fds), ==, 0);
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      close (fds[0]);
      child_import (text, len, fds[1]);
    }
  close (fds[1]);
  while (!done)
    {
      GPollFD p = { fds[0], G_IO_IN | G_IO_HUP, 0 };
      char buf[4096];
      long rss;

      if (g_poll (&p, 1, 10) > 0)
        {
          gssize n = read (fds[0], buf, sizeof buf);
          if (n > 0)
            g_string_append_len (got, buf, n);
        }
      if (waitpid (pid, &status, WNOHANG) == pid)
        {
          /* the rest of the pipe, then the child's figures */
          gssize n;
          while ((n = read (fds[0], buf, sizeof buf)) > 0)
            g_string_append_len (got, buf, n);
          done = TRUE;
          break;
        }
      rss = rss_kb (pid);
      if (rss > 2L * MEMORY_LIMIT_MB * 1024 || g_get_monotonic_time () - t0 > TIME_LIMIT_S * G_USEC_PER_SEC)
        {
          o->killed = TRUE;
          o->why = g_strdup_printf ("killed after %.1f s at %ld KiB resident",
                                    (g_get_monotonic_time () - t0) / 1e6, rss);
          kill (pid, SIGKILL);
        }
    }
  close (fds[0]);
  o->seconds = (g_get_monotonic_time () - t0) / 1e6;
  /* the child is reaped: its peak is in RUSAGE_CHILDREN, the largest of
   * every child so far, so each import is measured in a fresh grandchild */
  getrusage (RUSAGE_CHILDREN, &ru);
  o->peak_kb = ru.ru_maxrss;
  if (!o->killed && (!WIFEXITED (status) || WEXITSTATUS (status) != 0))
    {
      o->crashed = TRUE;
      o->why = WIFSIGNALED (status) ? g_strdup_printf ("signal %d", WTERMSIG (status))
               : g_strdup_printf ("exit status %d", WEXITSTATUS (status));
    }
  {
    g_auto(GStrv) lines = g_strsplit (got->str, "\n", -1);
    for (guint i = 0; lines[i]; i++)
      if (g_str_has_prefix (lines[i], "devices "))
        o->n_devices = (guint) g_ascii_strtoull (lines[i] + 8, NULL, 10);
      else if (*lines[i])
        g_ptr_array_add (o->errors, g_strdup (lines[i]));
  }
  g_string_free (got, TRUE);
}

/* RUSAGE_CHILDREN keeps the largest child's peak: each import runs in a
 * child of its own that runs run_limited and reports the figures back. */
static void
import_limited (const char *text, gsize len, Outcome *o)
{
  int fds[2];
  pid_t pid;
  int status;
  g_autoptr(GString) got = g_string_new (NULL);
  char buf[4096];
  gssize n;

  g_assert_cmpint (pipe (fds), ==, 0);
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      Outcome mine;
      GString *out = g_string_new (NULL);
      close (fds[0]);
      run_limited (text, len, &mine);
      g_string_append_printf (out, "%d %d %f %ld %u\n%s\n", mine.crashed, mine.killed, mine.seconds, mine.peak_kb,
                              mine.n_devices, mine.why ? mine.why : "-");
      for (guint i = 0; i < mine.errors->len; i++)
        g_string_append_printf (out, "%s\n", (char *) mine.errors->pdata[i]);
      for (gsize done = 0; done < out->len;)
        {
          gssize w = write (fds[1], out->str + done, out->len - done);
          if (w <= 0 && errno != EINTR)
            _exit (3);
          done += w > 0 ? (gsize) w : 0;
        }
      _exit (0);
    }
  close (fds[1]);
  while ((n = read (fds[0], buf, sizeof buf)) != 0)
    if (n > 0)
      g_string_append_len (got, buf, n);
    else if (errno != EINTR)
      break;
  close (fds[0]);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  {
    g_auto(GStrv) lines = g_strsplit (got->str, "\n", -1);
    int crashed = 0, killed = 0;
    g_assert_nonnull (lines[0]);
    memset (o, 0, sizeof *o);
    g_assert_cmpint (sscanf (lines[0], "%d %d %lf %ld %u", &crashed, &killed, &o->seconds, &o->peak_kb,
                             &o->n_devices), ==, 5);
    o->crashed = crashed;
    o->killed = killed;
    g_assert_nonnull (lines[1]);
    o->why = g_strcmp0 (lines[1], "-") == 0 ? NULL : g_strdup (lines[1]);
    o->errors = g_ptr_array_new_with_free_func (g_free);
    for (guint i = 2; lines[i - 1] && lines[i]; i++)
      if (*lines[i])
        g_ptr_array_add (o->errors, g_strdup (lines[i]));
  }
}

/* Asserts the import of text was clean: no crash, within the limits,
 * every error placed (line:col), and the expected error if any. */
static void
check_one (const char *name, const char *text, gsize len, const char *expect, guint *n_failed_imports)
{
  Outcome o;

  import_limited (text, len, &o);
  g_test_message ("%s: %" G_GSIZE_FORMAT " bytes, %.2f s, peak %ld KiB, %u devices, %u errors%s%s%s", name, len,
                  o.seconds, o.peak_kb, o.n_devices, o.errors->len, o.errors->len ? " (first: " : "",
                  o.errors->len ? (char *) o.errors->pdata[0] : "", o.errors->len ? ")" : "");
  if (o.crashed || o.killed)
    g_error ("%s: %s", name, o.why);
  g_assert_cmpint (o.peak_kb, <, MEMORY_LIMIT_MB * 1024L);
  g_assert_cmpfloat (o.seconds, <, TIME_LIMIT_S);
  for (guint i = 0; i < o.errors->len; i++)
    {
      const char *e = o.errors->pdata[i];
      guint line = 0, col = 0;
      /* only the size refusal is about the whole file */
      if (!strstr (e, "larger than"))
        {
          g_assert_cmpint (sscanf (e, "%u:%u:", &line, &col), ==, 2);
          if (line == 0 || col == 0)
            g_error ("%s: an error without its place: %s", name, e);
        }
    }
  if (expect == NULL)
    {
      if (o.errors->len > 0)
        g_error ("%s: expected to import without errors, got %s", name, (char *) o.errors->pdata[0]);
    }
  else if (*expect)
    {
      gboolean found = FALSE;
      for (guint i = 0; i < o.errors->len && !found; i++)
        found = strstr (o.errors->pdata[i], expect) != NULL;
      if (!found)
        g_error ("%s: expected an error with “%s”, got %s", name, expect,
                 o.errors->len ? (char *) o.errors->pdata[0] : "none");
    }
  *n_failed_imports += o.errors->len > 0;
  outcome_clear (&o);
}

/* ---- the tests ---------------------------------------------------------------------- */

/* The generated deep and long inputs. */
static void
test_generated (void)
{
  guint failed = 0;

  for (guint i = 0; i < G_N_ELEMENTS (generated); i++)
    {
      g_autofree char *text = generated[i].make ();
      check_one (generated[i].name, text, strlen (text), generated[i].error, &failed);
    }
  g_test_message ("%u generated inputs, %u refused with placed errors, 0 crashes", (guint) G_N_ELEMENTS (generated),
                  failed);
}

/* tests/corpus/hostile/NAME.ml: the first line is a comment
 * "(* expect: TEXT *)" naming a part of the error expected, or
 * "(* expect: ok *)". */
static void
test_corpus (void)
{
  g_autofree char *dir = g_build_filename (SOURCE_DIR, "corpus", "hostile", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0, failed = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      g_autofree char *expect = NULL;
      gsize len;
      const char *p, *q;

      if (!g_str_has_suffix (name, ".ml"))
        continue;
      g_assert_true (g_file_get_contents (path, &text, &len, NULL));
      p = strstr (text, "(* expect: ");
      g_assert_true (p == text);
      p += strlen ("(* expect: ");
      q = strstr (p, " *)");
      g_assert_nonnull (q);
      expect = g_strndup (p, (gsize) (q - p));
      check_one (name, text, len, g_str_equal (expect, "ok") ? NULL : expect, &failed);
      n++;
    }
  g_assert_cmpuint (n, >=, 10);
  g_test_message ("%u corpus inputs, %u refused with placed errors, 0 crashes", n, failed);
}

/* Past the 5,000-device limit, each device made is freed (its custom part
 * leaked: LeakSanitizer sees it when this program exits) and the limit is
 * reported once. In-process, so that the leak checker sees it. */
static void
test_device_limit (void)
{
  g_autofree char *text = many_mains ();
  g_autoptr(MsImportReport) r = NULL;
  g_autoptr(MsDocument) doc = ms_import_configml (cat, "config.ml", text, strlen (text), &r);
  guint limit = 0;

  g_assert_cmpuint (ms_document_get_n_devices (doc), ==, 5000);
  for (guint i = 0; i < r->messages->len; i++)
    {
      MsImportMessage *m = r->messages->pdata[i];
      if (strstr (m->message, "more than 5000 devices"))
        {
          limit++;
          g_assert_cmpuint (m->line, >, 0);
        }
    }
  g_assert_cmpuint (limit, ==, 1);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  cat = ms_catalog_get_default ("4.10", &error);
  g_assert_no_error (error);
  g_test_add_func ("/import-hostile/generated", test_generated);
  g_test_add_func ("/import-hostile/corpus", test_corpus);
  g_test_add_func ("/import-hostile/device-limit", test_device_limit);
  status = g_test_run ();
  ms_catalog_unref (cat);
  return status;
}
