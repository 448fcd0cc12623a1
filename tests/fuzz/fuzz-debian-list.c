/* fuzz-debian-list.c: libFuzzer target for reading an apt list
 * (graph/ms-system-deps.c): the compression told by the first bytes, lz4
 * frames decoded while libsolv reads, the fields we do not use dropped on
 * the way. Any bytes must give a package count or a message, without
 * crashing, hanging or leaking. Seeds in tests/corpus-debian-list. */
#include <stdint.h>
#include <unistd.h>

#include <glib.h>

#include "ms-system-deps.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static char *path;
  GError *error = NULL;

  if (size > 1 << 20)
    return 0;
  /* the reader maps a file, as apt's lists are */
  if (path == NULL)
    path = g_strdup_printf ("%s/fuzz-debian-list-%d", g_get_tmp_dir (), (int) getpid ());
  if (!g_file_set_contents (path, (const char *) data, (gssize) size, NULL))
    return 0;
  if (ms_system_count_packages (path, NULL, &error) < 0)
    g_clear_error (&error);
  return 0;
}
