/* test-util.h: small helpers shared by the core's test suites. */
#pragma once

#include <glib.h>

#include "ms-catalog.h"
#include "ms-check.h"
#include "ms-document.h"
#include "ms-eval.h"

static inline MsCatalog *
test_catalog (void)
{
  g_autoptr(GError) error = NULL;
  MsCatalog *cat = ms_catalog_get_default ("4.10", &error);

  g_assert_no_error (error);
  return cat;
}

static inline guint
test_add (MsDocument *doc, const char *ctor, const char *name)
{
  g_autoptr(GError) error = NULL;
  guint id = ms_document_add_device (doc, ctor, name, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (id, >, 0);
  return id;
}

static inline guint
test_add_main (MsDocument *doc, const char *name, const char *module, const char *signature)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCustom) c = ms_custom_new (module, signature);
  guint id = test_add (doc, "main", name);

  ms_document_set_custom (doc, id, c, &error);
  g_assert_no_error (error);
  return id;
}

static inline void
test_connect (MsDocument *doc, guint source, guint target, const char *param)
{
  g_autoptr(GError) error = NULL;

  ms_document_connect (doc, source, target, param, &error);
  g_assert_no_error (error);
}

static inline void
test_set (MsDocument *doc, guint id, const char *option, const char *value)
{
  g_autoptr(GError) error = NULL;

  ms_document_set_option (doc, id, option, value, &error);
  g_assert_no_error (error);
}

static inline void
test_setting (MsDocument *doc, const char *name, const char *value)
{
  g_autoptr(GError) error = NULL;

  ms_document_set_setting (doc, name, value, &error);
  g_assert_no_error (error);
}

static inline void
test_jobs (MsDocument *doc, guint job)
{
  g_autoptr(GError) error = NULL;

  ms_document_set_jobs (doc, &job, 1, &error);
  g_assert_no_error (error);
}

/* Declares a configure key of the project's own, as
 * Key.create name Arg.(opt conv default_value) would. */
static inline void
test_own_key (MsDocument *doc, const char *name, const char *conv, const char *default_value)
{
  g_autoptr(MsDecl) key = ms_decl_new (MS_DECL_KEY, name);
  g_autoptr(GError) error = NULL;

  g_free (key->arg_kind);
  key->arg_kind = g_strdup ("opt");
  g_free (key->conv);
  key->conv = g_strdup (conv);
  g_free (key->default_value);
  key->default_value = g_strdup (default_value);
  g_assert_true (ms_document_set_decl (doc, key, &error));
  g_assert_no_error (error);
}

/* The diagnostic with this code (and device, if given), or NULL. */
static inline const MsDiagnostic *
test_find_diag (GPtrArray *diags, const char *code, const char *device)
{
  for (guint i = 0; i < diags->len; i++)
    {
      const MsDiagnostic *d = diags->pdata[i];
      if (g_str_equal (d->code, code) && (device == NULL || g_strcmp0 (d->device, device) == 0))
        return d;
    }
  return NULL;
}

static inline void
test_dump_diags (GPtrArray *diags)
{
  for (guint i = 0; i < diags->len; i++)
    {
      g_autofree char *s = ms_diagnostic_format (diags->pdata[i]);
      g_test_message ("%s", s);
    }
}

/* The evaluated node standing for device name (or its role inside it). */
static inline MsEvalNode *
test_eval_node (MsEvalGraph *g, const char *device, const char *role)
{
  for (guint i = 0; i < g->nodes->len; i++)
    {
      MsEvalNode *n = g->nodes->pdata[i];
      if (g_strcmp0 (n->device, device) == 0 && (role == NULL || g_strcmp0 (n->role, role) == 0))
        if (role != NULL || n->role == NULL || ms_eval_graph_device_node (g, n->device_id) == n)
          return n;
    }
  return NULL;
}

static inline MsEvalNode *
test_eval_device_node (MsEvalGraph *g, MsDocument *doc, const char *device)
{
  const MsDevice *d = ms_document_find_device (doc, device);

  g_assert_nonnull (d);
  return ms_eval_graph_device_node (g, d->id);
}
