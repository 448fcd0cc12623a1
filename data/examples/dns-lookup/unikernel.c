/* unikernel.c for dns-lookup: resolve each name of --names (comma-
 * separated) for records of type --rrtype and print them, one per line,
 * as "NAME TTL TYPE DATA"; a name that fails is reported on the log and
 * the exit status says whether all succeeded. The DNS client's servers
 * come from --dns-servers (default: the host's resolv.conf). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unikernel.h"

int
unikernel_start (struct mirage_dns_client *dns, const struct unikernel_args *args)
{
  uint16_t type = mirage_dns_type_of_string (args->rrtype);
  char *names = strdup (args->names ? args->names : "");
  char *save = NULL;
  int failures = 0;

  if (type == 0)
    {
      mirage_log_err (&mirage_log_application, "--rrtype: unknown record type '%s'", args->rrtype);
      free (names);
      return -EINVAL;
    }
  if (names == NULL)
    return -ENOMEM;
  for (char *name = strtok_r (names, ",", &save); name != NULL; name = strtok_r (NULL, ",", &save))
    {
      mirage_dns_answer answer;
      int r = mirage_dns_get_records (dns, type, name, &answer);

      if (r < 0)
        {
          mirage_log_err (&mirage_log_application, "%s %s: %s", name, args->rrtype, mirage_dns_strerror (r));
          failures++;
          continue;
        }
      for (size_t i = 0; i < answer.n; i++)
        printf ("%s %u %s %s\n", answer.records[i].name, answer.records[i].ttl,
                mirage_dns_type_to_string (answer.records[i].type), answer.records[i].data);
      fflush (stdout);
      mirage_dns_answer_clear (&answer);
    }
  free (names);
  return failures == 0 ? 0 : -ENOENT;
}
