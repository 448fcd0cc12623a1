/* fuzz-opam.c: libFuzzer target for the opam file parser and the reading
 * of its fields (filters, formulas). Any input must parse or be refused
 * with a message, without crashing, hanging or leaking. */
#include <stdint.h>
#include <string.h>

#include "ms-opam-file.h"
#include "ms-opam-repo.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  MsOpamRepo *repo;
  MsOpamFile *file;
  GError *error = NULL;

  if (size > 65536)
    return 0;
  file = ms_opam_file_parse ("fuzz/opam", (const char *) data, size, &error);
  if (file != NULL)
    {
      /* every value prints back */
      for (guint i = 0; i < file->items->len; i++)
        {
          const MsOpamItem *item = file->items->pdata[i];
          if (item->value != NULL)
            g_free (ms_opam_value_to_string (item->value));
        }
      ms_opam_file_free (file);
    }
  g_clear_error (&error);

  /* the fields' meaning, and the checker's view of them */
  repo = ms_opam_repo_new (NULL);
  if (ms_opam_repo_add_text (repo, "p", "1.0", "fuzz/opam", (const char *) data, size, NULL))
    {
      GHashTable *installed = g_hash_table_new (g_str_hash, g_str_equal);
      const MsOpamPackage *p;
      ms_opam_repo_finish (repo);
      p = repo->packages->pdata[0];
      g_hash_table_insert (installed, (gpointer) "p", (gpointer) "1.0");
      (void) ms_opam_dep_holds (p->depends, installed);
      g_free (ms_opam_dep_to_string (p->depends));
      g_free (ms_opam_dep_to_string (p->conflicts));
      g_hash_table_unref (installed);
    }
  ms_opam_repo_free (repo);
  return 0;
}
