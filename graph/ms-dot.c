/* ms-dot.c: writing the graph as DOT.
 *
 * Two views: the project as the user drew it, where a key-dependent device
 * is an "If" node with one dotted edge per branch (bold for the branch the
 * current target and keys select), and the evaluated graph, which follows
 * `mirage describe --dot --eval`: one box per node labelled with its
 * main.ml value name, module and keys, plain edges to functor arguments in
 * order and dashed edges to extra dependencies.
 */
#include "ms-dot.h"

#include <string.h>

char *
ms_dot_escape (const char *s)
{
  GString *out = g_string_new (NULL);

  for (const char *p = s ? s : ""; *p; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default:
          if ((guchar) *p < 0x20 || *p == 0x7f)
            g_string_append_c (out, ' ');
          else
            g_string_append_c (out, *p);
        }
    }
  return g_string_free (out, FALSE);
}

/* label lines are joined with a DOT "\n" escape, each line escaped alone */
static void
append_label (GString *s, const char * const *lines)
{
  g_string_append_c (s, '"');
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *e = ms_dot_escape (lines[i]);
      if (i > 0)
        g_string_append (s, "\\n");
      g_string_append (s, e);
    }
  g_string_append_c (s, '"');
}

/* Keys a key-dependent constructor reads, in select order. */
static char *
select_keys (const MsConstructor *ctor, const MsEvalNode *n)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();

  if (n != NULL)
    for (guint i = 0; i < n->n_keys; i++)
      g_ptr_array_add (keys, (gpointer) n->keys[i]);
  else
    for (guint i = 0; i < ctor->select->len; i++)
      {
        const MsSelectRule *r = ctor->select->pdata[i];
        for (guint j = 0; j < r->conditions->len; j++)
          {
            const char *k = ((MsCondition *) r->conditions->pdata[j])->key;
            gboolean dup = FALSE;
            for (guint m = 0; m < keys->len; m++)
              dup |= g_str_equal (keys->pdata[m], k);
            if (!dup)
              g_ptr_array_add (keys, (gpointer) k);
          }
      }
  g_ptr_array_add (keys, NULL);
  return g_strjoinv (", ", (char **) keys->pdata);
}

/* A sub-graph branch is named after the constructor that produces its result. */
static const char *
graph_result_ctor (const MsVariant *v)
{
  for (guint i = 0; i < v->nodes->len; i++)
    {
      const MsSubNode *n = v->nodes->pdata[i];
      if (g_strcmp0 (n->id, v->result) == 0)
        return n->ctor;
    }
  return "(sub-graph)";
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char *
ms_dot_from_document (MsDocument *doc)
{
  GPtrArray *devices = ms_document_get_devices (doc);
  GPtrArray *conns = ms_document_get_connections (doc);
  g_autoptr(MsEvalGraph) g = ms_eval (doc, NULL);
  GString *s = g_string_new ("digraph G {\n  ordering=out;\n  rankdir=LR;\n");
  g_autofree char *target = ms_dot_escape (ms_document_get_target (doc));
  g_autofree char *app = ms_dot_escape (ms_document_get_app_name (doc));
  GString *edges = g_string_new (NULL);

  g_string_append_printf (s, "  label=\"%s (target %s)\";\n  labelloc=t;\n", app, target);
  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      const MsConstructor *ctor = d->def;
      MsEvalNode *n = ms_eval_graph_device_node (g, d->id);
      const char *module = d->custom ? d->custom->module : ctor && ctor->module ? ctor->module : d->ctor;

      if (d->custom != NULL && d->custom->choice != NULL)
        {
          /* a choice: "If" with its condition, dotted edges to the
           * branches (see below), bold for the one taken */
          const MsChoice *ch = d->custom->choice;
          g_autofree char *cond = ch->predicate ? g_strdup_printf ("If Key.%s", ch->predicate)
                                                : g_strdup_printf ("If Key.value %s", ch->key);
          const char *lines[] = { d->name, cond, NULL };
          g_string_append_printf (s, "  d%u [label=", d->id);
          append_label (s, lines);
          g_string_append (s, ", shape=\"diamond\"];\n");
        }
      else if (ctor != NULL && ctor->select->len > 0)
        {
          g_autofree char *keys = select_keys (ctor, NULL);
          g_autofree char *title = g_strdup_printf ("If %s", keys);
          const char *lines[] = { d->name, d->ctor, title, NULL };
          g_autoptr(GPtrArray) variants = g_ptr_array_new ();
          GHashTableIter vit;
          gpointer vkey;

          g_string_append_printf (s, "  d%u [label=", d->id);
          append_label (s, lines);
          g_string_append (s, "];\n");
          g_hash_table_iter_init (&vit, ctor->variants);
          while (g_hash_table_iter_next (&vit, &vkey, NULL))
            g_ptr_array_add (variants, vkey);
          g_ptr_array_sort (variants, compare_strings);
          for (guint v = 0; v < variants->len; v++)
            {
              const char *vname = variants->pdata[v];
              const MsVariant *var = g_hash_table_lookup (ctor->variants, vname);
              const char *what = var->kind == MS_VARIANT_AS ? var->as
                               : var->kind == MS_VARIANT_GRAPH ? graph_result_ctor (var)
                               : var->module ? var->module : ctor->module;
              const char *vlines[] = { vname, what ? what : "", NULL };
              gboolean chosen = n != NULL && g_strcmp0 (n->variant, vname) == 0;
              g_autofree char *vid = g_strdup_printf ("d%u_%u", d->id, v);

              g_string_append_printf (s, "  %s [label=", vid);
              append_label (s, vlines);
              g_string_append_printf (s, ", shape=\"box\", style=\"%s\"];\n", chosen ? "bold" : "dashed");
              g_string_append_printf (edges, "  d%u -> %s [style=\"%s\", headport=\"n\"];\n",
                                      d->id, vid, chosen ? "bold, dotted" : "dotted");
            }
        }
      else
        {
          g_autofree char *keys = n ? select_keys (ctor, n) : g_strdup ("");
          const char *lines[] = { d->name, module ? module : "", keys, NULL };
          g_string_append_printf (s, "  d%u [label=", d->id);
          append_label (s, lines);
          g_string_append (s, ", shape=\"box\"];\n");
        }
    }
  g_string_append_c (s, '\n');
  g_string_append (s, edges->str);
  g_string_free (edges, TRUE);
  for (guint i = 0; i < conns->len; i++)
    {
      const MsConnection *c = conns->pdata[i];
      g_autofree char *param = ms_dot_escape (c->param);
      const MsDevice *t = ms_document_get_device (doc, c->target);
      if (ms_document_get_device (doc, c->source) == NULL || t == NULL)
        continue;
      if (t->custom != NULL && t->custom->choice != NULL)
        {
          const char *taken = ms_eval_choice_branch (doc, NULL, t);
          g_string_append_printf (s, "  d%u -> d%u [label=\"%s\", style=\"%s\"];\n", c->target,
                                  c->source, param,
                                  g_strcmp0 (taken, c->param) == 0 ? "bold, dotted" : "dotted");
        }
      else
        g_string_append_printf (s, "  d%u -> d%u [label=\"%s\"];\n", c->target, c->source, param);
    }
  for (guint i = 0; i < devices->len; i++)
    {
      const MsDevice *d = devices->pdata[i];
      for (guint j = 0; d->custom && j < d->custom->deps->len; j++)
        g_string_append_printf (s, "  d%u -> d%u [style=\"dashed\"];\n",
                                d->id, g_array_index (d->custom->deps, guint, j));
    }
  g_string_append (s, "}\n");
  return g_string_free (s, FALSE);
}

char *
ms_dot_from_eval (MsEvalGraph *g)
{
  GString *s = g_string_new ("digraph G {\n  ordering=out;\n");

  for (guint i = 0; i < g->nodes->len; i++)
    {
      MsEvalNode *n = g->nodes->pdata[i];
      g_autofree char *value = NULL;
      g_autoptr(GPtrArray) keys = NULL;
      g_autofree char *keytext = NULL;
      const char *lines[4];

      /* as mirage describe --dot: only what the unikernel is made of */
      if (!n->reachable)
        continue;
      value = ms_eval_node_value_name (n);
      keys = g_ptr_array_new ();

      for (guint k = 0; k < n->n_keys; k++)
        g_ptr_array_add (keys, (gpointer) n->keys[k]);
      g_ptr_array_add (keys, NULL);
      keytext = g_strjoinv (", ", (char **) keys->pdata);
      lines[0] = value;
      lines[1] = n->module ? n->module : "";
      lines[2] = keytext;
      lines[3] = NULL;
      g_string_append_printf (s, "  %u [label=", n->id);
      append_label (s, lines);
      g_string_append (s, ", shape=\"box\"];\n");
    }
  g_string_append_c (s, '\n');
  for (guint i = 0; i < g->nodes->len; i++)
    {
      MsEvalNode *n = g->nodes->pdata[i];
      if (!n->reachable)
        continue;
      for (guint a = 0; a < n->n_args; a++)
        g_string_append_printf (s, "  %u -> %u [];\n", n->id, n->args[a]);
      for (guint a = 0; a < n->n_deps; a++)
        g_string_append_printf (s, "  %u -> %u [style=\"dashed\"];\n", n->id, n->deps[a]);
    }
  g_string_append (s, "  }\n");
  return g_string_free (s, FALSE);
}
