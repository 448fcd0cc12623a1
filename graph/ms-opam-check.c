/* ms-opam-check.c: checks an install set against opam's rules directly
 * (see ms-opam-check.h); deliberately shares nothing with ms-resolve. */
#include "ms-opam-check.h"

#include <string.h>

GPtrArray *
ms_opam_check_install_set (MsOpamRepo *repo, GHashTable *installed, GPtrArray *goals)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) classes = g_hash_table_new (g_str_hash, g_str_equal); /* class -> package name */
  GHashTableIter it;
  gpointer key, value;

  g_hash_table_iter_init (&it, installed);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      const char *name = key, *version = value;
      const MsOpamPackage *p = ms_opam_repo_find (repo, name, version);
      g_autoptr(GPtrArray) atoms = g_ptr_array_new ();

      if (p == NULL)
        {
          g_ptr_array_add (problems, g_strdup_printf ("%s.%s is not in the repository", name, version));
          continue;
        }
      if (!p->available)
        g_ptr_array_add (problems, g_strdup_printf ("%s.%s is not available", name, version));
      if (!ms_opam_dep_holds (p->depends, installed))
        {
          g_autofree char *f = ms_opam_dep_to_string (p->depends);
          g_ptr_array_add (problems, g_strdup_printf ("%s.%s: depends %s does not hold", name, version, f));
        }
      ms_opam_dep_atoms (p->conflicts, atoms);
      for (guint i = 0; i < atoms->len; i++)
        {
          const MsOpamDep *a = atoms->pdata[i];
          if (!g_str_equal (a->name, name) && ms_opam_dep_holds (a, installed))
            g_ptr_array_add (problems, g_strdup_printf ("%s.%s conflicts with %s.%s", name, version,
                                                        a->name, (char *) g_hash_table_lookup (installed, a->name)));
        }
      g_ptr_array_set_size (atoms, 0);
      ms_opam_dep_atoms (p->depopts, atoms);
      for (guint i = 0; i < atoms->len; i++)
        {
          const MsOpamDep *a = atoms->pdata[i];
          const char *v = g_hash_table_lookup (installed, a->name);
          if (v != NULL && !ms_opam_vc_matches (a->vc, v))
            g_ptr_array_add (problems, g_strdup_printf ("%s.%s: optional dependency %s.%s is outside its constraint",
                                                        name, version, a->name, v));
        }
      for (guint i = 0; p->conflict_class != NULL && p->conflict_class[i] != NULL; i++)
        {
          const char *other = g_hash_table_lookup (classes, p->conflict_class[i]);
          if (other != NULL && !g_str_equal (other, name))
            g_ptr_array_add (problems, g_strdup_printf ("%s and %s share conflict-class %s",
                                                        name, other, p->conflict_class[i]));
          else
            g_hash_table_insert (classes, p->conflict_class[i], p->name);
        }
    }
  for (guint i = 0; goals != NULL && i < goals->len; i++)
    if (!ms_opam_dep_holds (goals->pdata[i], installed))
      {
        g_autofree char *f = ms_opam_dep_to_string (goals->pdata[i]);
        g_ptr_array_add (problems, g_strdup_printf ("the request %s is not met", f));
      }
  return problems;
}
