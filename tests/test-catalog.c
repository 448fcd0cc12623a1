/* test-catalog.c: the catalog data parses, is complete and names only known things. */
#include "test-util.h"

#include "ms-paths.h"
#include "ms-type.h"
#include "ms-value.h"
#include "ms-version.h"

#include <glib/gstdio.h>
#include <string.h>

/* Every constructor of the Mirage 4.10.2 configuration API. */
static const char * const mirage_4_10_constructors[] = {
  "noop", "runtime_args", "main", "impl", "default_sleep", "no_sleep",
  "default_ptime", "no_ptime", "mock_ptime", "default_mtime", "no_mtime",
  "mock_mtime", "default_random", "no_random", "default_reporter", "no_reporter",
  "default_qubesdb", "default_argv", "no_argv", "block_of_file",
  "block_of_xenstore_id", "ramdisk", "generic_block", "ccm_block", "crunch",
  "direct_kv_ro", "generic_kv_ro", "tar_kv_ro", "fat_ro", "docteur",
  "direct_kv_rw", "kv_rw_mem", "chamelon", "tar_kv_rw", "netif",
  "default_network", "ethif", "etif", "arp", "ipv4_of_dhcp", "create_ipv4",
  "ipv4_qubes", "create_ipv6", "create_ipv4v6", "direct_udp", "direct_tcp",
  "direct_stackv4v6", "generic_stackv4v6", "socket_stackv4v6",
  "tcpv4v6_of_stackv4v6", "resolver_dns", "resolver_unix_system",
  "generic_happy_eyeballs", "generic_dns_client", "syslog_udp", "syslog_tcp",
  "syslog_tls", "monitoring", "conduit_direct", "mimic_happy_eyeballs",
  "cohttp_server", "httpaf_server", "cohttp_client", "paf_server",
  "paf_client", "merge_git_clients", "git_tcp", "git_ssh", "git_http", NULL
};

static const char * const module_types[] = {
  "job", "argv", "reporter", "sleep", "ptime", "mtime", "random", "block",
  "kv_ro", "kv_rw", "network", "ethernet", "arpv4", "ipv4", "ipv6", "ipv4v6",
  "udpv4", "udpv6", "udpv4v6", "tcpv4", "tcpv6", "tcpv4v6", "stackv4v6",
  "resolver", "happy_eyeballs", "dns_client", "mimic", "conduit", "http",
  "http_client", "http_server", "alpn_client", "git_client", "syslog", "qubesdb",
  NULL
};

static const char * const targets[] = {
  "unix", "macosx", "xen", "qubes", "virtio", "hvt", "spt", "muen", "genode",
  "unikraft-firecracker", "unikraft-qemu", NULL
};

static void
test_complete (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();

  for (guint i = 0; mirage_4_10_constructors[i]; i++)
    if (ms_catalog_lookup (cat, mirage_4_10_constructors[i]) == NULL)
      g_error ("constructor %s missing from the catalog", mirage_4_10_constructors[i]);
  for (guint i = 0; module_types[i]; i++)
    g_assert_nonnull (ms_catalog_lookup_type (cat, module_types[i]));
  for (guint i = 0; targets[i]; i++)
    g_assert_nonnull (ms_catalog_lookup_target (cat, targets[i]));
  g_assert_cmpuint (ms_catalog_get_targets (cat)->len, ==, 11);
}

static void
check_packages (MsCatalog *cat, const char *owner, GPtrArray *packages)
{
  for (guint i = 0; packages != NULL && i < packages->len; i++)
    {
      const MsPackage *p = packages->pdata[i];
      if (p->min && !ms_version_is_valid (p->min, NULL))
        g_error ("%s: package %s has invalid min %s", owner, p->name, p->min);
      if (p->max && !ms_version_is_valid (p->max, NULL))
        g_error ("%s: package %s has invalid max %s", owner, p->name, p->max);
      if (p->min && p->max && ms_version_compare (p->min, p->max) >= 0)
        g_error ("%s: package %s has empty bounds", owner, p->name);
      for (guint t = 0; p->targets && p->targets[t]; t++)
        if (!ms_catalog_lookup_target (cat, p->targets[t]))
          g_error ("%s: package %s names unknown target %s", owner, p->name, p->targets[t]);
    }
}

static void
check_arg_uses (MsCatalog *cat, const char *owner, GPtrArray *uses)
{
  for (guint i = 0; uses != NULL && i < uses->len; i++)
    {
      const MsRuntimeArgUse *u = uses->pdata[i];
      g_assert_nonnull (u->def);
      if (!ms_value_type_is_known (u->def->type))
        g_error ("%s: runtime arg %s has unknown type %s", owner, u->def->id, u->def->type);
      for (guint t = 0; u->targets && u->targets[t]; t++)
        g_assert_nonnull (ms_catalog_lookup_target (cat, u->targets[t]));
    }
}

/* Every entry names only known types, value types, keys, constructors and targets. */
static void
check_catalog_consistent (MsCatalog *cat)
{
  GPtrArray *ctors = ms_catalog_get_constructors (cat);

  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      int n_vars = 0;
      MsType t;
      g_autoptr(GHashTable) vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(GError) error = NULL;

      if (!ms_type_parse (cat, c->result, &t, &n_vars, vars, &error))
        g_error ("%s: result: %s", c->name, error->message);
      g_assert_cmpstr (c->summary, !=, "");
      g_assert_cmpstr (c->description, !=, "");
      for (guint a = 0; a < c->arguments->len; a++)
        {
          const MsArgument *arg = c->arguments->pdata[a];
          if (arg->kind == MS_ARG_IMPL && !ms_type_parse (cat, arg->type, &t, &n_vars, vars, &error))
            g_error ("%s.%s: %s", c->name, arg->name, error->message);
          if (arg->kind == MS_ARG_VALUE)
            {
              if (!ms_value_type_is_known (arg->type))
                g_error ("%s.%s: unknown value type %s", c->name, arg->name, arg->type);
              if (!ms_value_check (arg->type, arg->default_value, NULL)
                  && !g_str_has_prefix (arg->type, "arg:") && !g_str_has_prefix (arg->type, "key:"))
                g_error ("%s.%s: default %s is not a %s", c->name, arg->name, arg->default_value, arg->type);
            }
          if (arg->replaces_key && !ms_catalog_lookup_key (cat, arg->replaces_key))
            g_error ("%s.%s replaces unknown key %s", c->name, arg->name, arg->replaces_key);
        }
      if (c->functor && c->kind != MS_CTOR_CUSTOM)
        {
          g_autoptr(MsSignature) sig = ms_signature_parse (cat, c->functor, &error);
          if (sig == NULL)
            g_error ("%s: functor: %s", c->name, error->message);
        }
      for (guint k = 0; c->keys[k]; k++)
        if (!ms_catalog_lookup_key (cat, c->keys[k]))
          g_error ("%s: unknown key %s", c->name, c->keys[k]);
      for (guint t2 = 0; c->targets && c->targets[t2]; t2++)
        g_assert_nonnull (ms_catalog_lookup_target (cat, c->targets[t2]));
      check_packages (cat, c->name, c->packages);
      check_arg_uses (cat, c->name, c->runtime_args);
      for (guint r = 0; r < c->select->len; r++)
        {
          const MsSelectRule *rule = c->select->pdata[r];
          g_assert_nonnull (g_hash_table_lookup (c->variants, rule->use));
          for (guint k = 0; k < rule->conditions->len; k++)
            {
              const MsCondition *cond = rule->conditions->pdata[k];
              if (cond->key[0] == '@')
                g_assert_true (ms_constructor_find_option (c, cond->key + 1)
                               || ms_constructor_find_param (c, cond->key + 1));
              else
                g_assert_nonnull (ms_catalog_lookup_key (cat, cond->key));
            }
        }
      {
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init (&it, c->variants);
        while (g_hash_table_iter_next (&it, NULL, &v))
          {
            const MsVariant *var = v;
            if (var->kind == MS_VARIANT_AS && !ms_catalog_lookup (cat, var->as))
              g_error ("%s: variant %s delegates to unknown %s", c->name, var->name, var->as);
            if (var->kind == MS_VARIANT_GRAPH)
              for (guint n = 0; n < var->nodes->len; n++)
                {
                  const MsSubNode *s = var->nodes->pdata[n];
                  if (!ms_catalog_lookup (cat, s->ctor))
                    g_error ("%s: sub-graph node %s uses unknown %s", c->name, s->id, s->ctor);
                }
            if (var->has_packages)
              check_packages (cat, c->name, var->packages);
            if (var->has_runtime_args)
              check_arg_uses (cat, c->name, var->runtime_args);
          }
      }
    }
  for (guint i = 0; i < ms_catalog_get_keys (cat)->len; i++)
    {
      const MsKeyDef *k = ms_catalog_get_keys (cat)->pdata[i];
      g_assert_true (ms_value_type_is_known (k->type));
      g_assert_true (ms_value_check (k->type, k->default_value, NULL));
    }
  for (guint i = 0; i < ms_catalog_get_runtime_args (cat)->len; i++)
    {
      const MsRuntimeArgDef *a = ms_catalog_get_runtime_args (cat)->pdata[i];
      g_assert_true (ms_value_type_is_known (a->type));
      if (!ms_value_check (a->type, a->default_value, NULL))
        g_error ("runtime arg %s: default %s is not a %s", a->id, a->default_value, a->type);
    }
  check_packages (cat, "register", ms_catalog_get_root_packages (cat));
  for (guint i = 0; ms_catalog_get_init_jobs (cat)[i]; i++)
    {
      const char *j = ms_catalog_get_init_jobs (cat)[i];
      if (j[0] != '@')
        g_assert_nonnull (ms_catalog_lookup (cat, j));
    }
}

static void
test_consistent_4_10 (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();

  g_assert_cmpstr (ms_catalog_get_mirage_version (cat), ==, "4.10");
  g_assert_cmpstr (ms_catalog_get_version_comment (cat), ==, "(* mirage >= 4.10.0 & < 4.11.0 *)");
  check_catalog_consistent (cat);
}

static void
test_consistent_4_11 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCatalog) cat = ms_catalog_get_default ("4.11", &error);
  const MsConstructor *stack;
  const MsRuntimeArgDef *dns;
  GPtrArray *root;
  gboolean found = FALSE;

  g_assert_no_error (error);
  check_catalog_consistent (cat);
  g_assert_cmpstr (ms_catalog_get_version_comment (cat), ==, "(* mirage >= 4.11.0 & < 4.12.0 *)");
  /* what 4.11 changed */
  stack = ms_catalog_lookup (cat, "generic_stackv4v6");
  g_assert_null (ms_constructor_find_option (stack, "dhcp_key"));
  g_assert_null (ms_constructor_find_param (stack, "tcp"));
  g_assert_nonnull (ms_catalog_lookup_key (cat, "no_dhcp"));
  g_assert_null (ms_catalog_lookup_key (cat, "dhcp"));
  g_assert_nonnull (ms_catalog_lookup_type (cat, "dhcp_ipv4"));
  g_assert_nonnull (ms_catalog_lookup (cat, "generic_stackv4v6_with_lease"));
  dns = ms_catalog_lookup_runtime_arg (cat, "dns_servers");
  g_assert_nonnull (dns);
  g_assert_cmpstr (dns->flag, ==, "dns-servers");
  root = ms_catalog_get_root_packages (cat);
  for (guint i = 0; i < root->len; i++)
    {
      const MsPackage *p = root->pdata[i];
      if (g_str_equal (p->name, "mirage"))
        {
          g_assert_cmpstr (p->min, ==, "4.11.0");
          g_assert_cmpstr (p->max, ==, "4.12.0");
          found = TRUE;
        }
    }
  g_assert_true (found);
  /* and 4.10 is untouched by it */
  {
    g_autoptr(MsCatalog) old = test_catalog ();
    g_assert_nonnull (ms_constructor_find_option (ms_catalog_lookup (old, "generic_stackv4v6"), "dhcp_key"));
    g_assert_cmpstr (ms_catalog_lookup_runtime_arg (old, "dns_servers")->flag, ==, "dns_servers");
  }
}

static void
test_unknown_version (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCatalog) cat = ms_catalog_get_default ("3.0", &error);

  g_assert_null (cat);
  g_assert_error (error, MS_CATALOG_ERROR, MS_CATALOG_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "3.0"));
}

static char *
copy_catalog (void)
{
  g_autofree char *src = ms_paths_get_catalog_dir ();
  char *dir = g_dir_make_tmp ("ms-catalog-XXXXXX", NULL);
  const char *names[] = { "types.json", "targets.json", "keys.json", "runtime-args.json", "register.json", NULL };
  g_autofree char *devsrc = g_build_filename (src, "devices", NULL);
  g_autofree char *devdst = g_build_filename (dir, "devices", NULL);
  g_autoptr(GDir) d = g_dir_open (devsrc, 0, NULL);
  const char *n;

  g_mkdir (devdst, 0700);
  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *a = g_build_filename (src, names[i], NULL);
      g_autofree char *b = g_build_filename (dir, names[i], NULL);
      g_autofree char *text = NULL;
      gsize len;
      g_assert_true (g_file_get_contents (a, &text, &len, NULL));
      g_assert_true (g_file_set_contents (b, text, len, NULL));
    }
  while ((n = g_dir_read_name (d)))
    {
      g_autofree char *a = g_build_filename (devsrc, n, NULL);
      g_autofree char *b = g_build_filename (devdst, n, NULL);
      g_autofree char *text = NULL;
      gsize len;
      g_assert_true (g_file_get_contents (a, &text, &len, NULL));
      g_assert_true (g_file_set_contents (b, text, len, NULL));
    }
  return dir;
}

static void
remove_tree (const char *dir)
{
  g_autofree char *devs = g_build_filename (dir, "devices", NULL);
  g_autoptr(GDir) d = g_dir_open (devs, 0, NULL);
  g_autoptr(GDir) top = NULL;
  const char *n;

  while (d && (n = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (devs, n, NULL);
      g_unlink (p);
    }
  g_rmdir (devs);
  top = g_dir_open (dir, 0, NULL);
  while (top && (n = g_dir_read_name (top)))
    {
      g_autofree char *p = g_build_filename (dir, n, NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
}

/* A damaged data file names the file and the line, and loading fails cleanly. */
static void
test_damaged (void)
{
  g_autofree char *dir = copy_catalog ();
  g_autofree char *path = g_build_filename (dir, "devices", "kv.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCatalog) cat = NULL;

  g_assert_true (g_file_set_contents (path, "{\n  \"devices\": [\n    { \"name\": \"x\",, }\n  ]\n}\n", -1, NULL));
  cat = ms_catalog_load (dir, "4.10", &error);
  g_assert_null (cat);
  g_assert_error (error, MS_CATALOG_ERROR, MS_CATALOG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "kv.json:3"));
  g_clear_error (&error);

  /* a select rule naming a variant that does not exist */
  g_assert_true (g_file_set_contents (path,
    "{ \"category\": \"kv\", \"devices\": [ { \"name\": \"x\", \"summary\": \"s\", \"result\": \"kv_ro\","
    " \"select\": [ { \"use\": \"nowhere\" } ], \"variants\": {} } ] }", -1, NULL));
  cat = ms_catalog_load (dir, "4.10", &error);
  g_assert_null (cat);
  g_assert_nonnull (strstr (error->message, "nowhere"));
  g_clear_error (&error);

  /* a runtime archive is a file name, libmirage-runtime-NAME.a: a path
   * or an option is refused, naming the device and the name */
  g_assert_true (g_file_set_contents (path,
    "{ \"category\": \"kv\", \"devices\": [ { \"name\": \"x\", \"summary\": \"s\", \"result\": \"kv_ro\","
    " \"runtime\": { \"header\": \"mirage/kv_ro.h\", \"archives\": [\"../evil\"] } } ] }", -1, NULL));
  cat = ms_catalog_load (dir, "4.10", &error);
  g_assert_null (cat);
  g_assert_error (error, MS_CATALOG_ERROR, MS_CATALOG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "x names an archive “../evil”"));
  remove_tree (dir);
}

static void
test_categories (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  GPtrArray *cats = ms_catalog_get_categories (cat);
  GPtrArray *ctors = ms_catalog_get_constructors (cat);

  g_assert_cmpuint (cats->len, >=, 6);
  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      gboolean known = FALSE;
      for (guint j = 0; j < cats->len; j++)
        known |= g_str_equal (((MsCategory *) cats->pdata[j])->name, c->category);
      g_assert_true (known);
    }
}

/* A few facts of Mirage 4.10.2, so that values (not just shapes) are read. */
static void
test_facts (void)
{
  g_autoptr(MsCatalog) cat = test_catalog ();
  const MsConstructor *stack = ms_catalog_lookup (cat, "generic_stackv4v6");
  const MsConstructor *kv = ms_catalog_lookup (cat, "crunch");
  const MsRuntimeArgDef *delay = ms_catalog_lookup_runtime_arg (cat, "delay");
  const MsKeyDef *key = ms_catalog_lookup_key (cat, "kv_ro");
  const MsPackage *p;

  g_assert_cmpstr (delay->default_value, ==, "0");
  g_assert_cmpstr (delay->flag, ==, "delay");
  g_assert_cmpstr (key->default_value, ==, "crunch");
  g_assert_true (key->grouped);
  g_assert_cmpstr (ms_catalog_get_register_choice (cat, "argv", "default"), ==, "default_argv");
  g_assert_cmpstr (ms_catalog_get_register_choice (cat, "ptime", "mock"), ==, "mock_ptime");
  g_assert_cmpstr (ms_catalog_get_default_level (cat), ==, "info");
  g_assert_cmpstr (ms_constructor_find_option (stack, "ipv4_network")->type, ==, "ipv4_prefix");
  g_assert_cmpstr (ms_constructor_find_option (stack, "ipv4_network")->default_value, ==, "10.0.0.2/24");
  g_assert_true (ms_constructor_find_param (stack, "tcp")->label == MS_LABEL_OPTIONAL);
  g_assert_false (ms_constructor_find_param (stack, "tcp")->required);
  g_assert_true (ms_constructor_is_key_dependent (stack));
  p = kv->packages->pdata[0];
  g_assert_cmpstr (p->name, ==, "mirage-kv-mem");
  g_assert_cmpstr (p->min, ==, "4.0.0");
  g_assert_cmpstr (p->max, ==, "5.0.0");
  g_assert_false (kv->shared);
  g_assert_true (ms_catalog_lookup (cat, "ethif")->shared);
  g_assert_cmpstr (ms_catalog_lookup (cat, "paf_server")->module, ==, "Paf_mirage.Make");
  g_assert_cmpstr (ms_catalog_lookup (cat, "paf_server")->functor, ==, "tcpv4v6 @-> http_server");
}

/* Every `runtime` entry of devices/ *.json is null or names an existing
 * header of runtime/include whose text declares the entry's type; the
 * constructor exists (docs: SCHEMA.md, the runtime bullet). */
static void
check_runtime_entries (MsCatalog *cat, const char *include_dir)
{
  GPtrArray *ctors = ms_catalog_get_constructors (cat);
  guint entries = 0;

  for (guint i = 0; i < ctors->len; i++)
    {
      const MsConstructor *c = ctors->pdata[i];
      g_autofree char *header = NULL;
      g_autofree char *text = NULL;

      if (c->runtime == NULL)
        continue;
      entries++;
      header = g_build_filename (include_dir, c->runtime->header, NULL);
      if (!g_file_get_contents (header, &text, NULL, NULL))
        g_error ("%s: runtime header %s does not exist", c->name, c->runtime->header);
      if (c->runtime->type != NULL)
        {
          g_autofree char *decl = g_strdup_printf ("%s {", c->runtime->type);
          if (strstr (text, decl) == NULL)
            g_error ("%s: %s does not define %s", c->name, header, c->runtime->type);
          g_assert_nonnull (c->runtime->connect);
        }
    }
  g_assert_cmpuint (entries, >=, 20);
}

static void
test_runtime_entries (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MsCatalog) cat = test_catalog ();
  g_autoptr(MsCatalog) cat11 = ms_catalog_get_default ("4.11", &error);
  g_autofree char *catalog_dir = ms_paths_get_catalog_dir ();
  g_autofree char *data_dir = g_path_get_dirname (catalog_dir);
  g_autofree char *source_root = g_path_get_dirname (data_dir);
  g_autofree char *include_dir = g_build_filename (source_root, "runtime", "include", NULL);

  g_assert_no_error (error);
  if (!g_file_test (include_dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no runtime/include next to the data directory");
      return;
    }
  check_runtime_entries (cat, include_dir);
  check_runtime_entries (cat11, include_dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/catalog/runtime", test_runtime_entries);
  g_test_add_func ("/catalog/complete", test_complete);
  g_test_add_func ("/catalog/consistent-4.10", test_consistent_4_10);
  g_test_add_func ("/catalog/consistent-4.11", test_consistent_4_11);
  g_test_add_func ("/catalog/unknown-version", test_unknown_version);
  g_test_add_func ("/catalog/damaged", test_damaged);
  g_test_add_func ("/catalog/categories", test_categories);
  g_test_add_func ("/catalog/facts", test_facts);
  return g_test_run ();
}
