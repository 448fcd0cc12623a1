/* ms-type.h: module types, functor signatures and their unification.
 *
 * A type is a family (kv_ro, stackv4v6, tcp, ...) and, for the versioned
 * families ip, udp and tcp, an IP version that is either known (v4, v6,
 * v4v6) or a variable. Variables are numbered; a signature's variables are
 * local to it and get fresh global numbers when a device instantiates it,
 * so that direct_tcp fed an ipv4 yields a v4 tcp while another direct_tcp
 * stays independent.
 */
#pragma once

#include "ms-catalog.h"

G_BEGIN_DECLS

typedef enum {
  MS_IPV_NONE = 0,   /* family without a version */
  MS_IPV_V4,
  MS_IPV_V6,
  MS_IPV_V4V6,
} MsIpVersion;

typedef struct {
  const char *family;   /* catalog-owned string */
  MsIpVersion version;  /* when var < 0 */
  int var;              /* >= 0: a version variable */
} MsType;

typedef struct {
  GArray *params;       /* of MsType */
  MsType result;
  int n_vars;
} MsSignature;

#define MS_TYPE_ERROR (ms_type_error_quark ())
GQuark ms_type_error_quark (void);

gboolean ms_type_parse (MsCatalog  *catalog,
                        const char *text,
                        MsType     *out,
                        int        *n_vars,
                        GHashTable *var_names,
                        GError    **error);

MsSignature *ms_signature_parse (MsCatalog  *catalog,
                                 const char *text,
                                 GError    **error);
/* The same, where the NULL-terminated own_types (the project's device
 * types, MsDecl) are types too, each equal only to itself. */
MsSignature *ms_signature_parse_with (MsCatalog         *catalog,
                                      const char *const *own_types,
                                      const char        *text,
                                      GError           **error);
MsSignature *ms_signature_copy (const MsSignature *sig);
void         ms_signature_free (MsSignature *sig);
char        *ms_signature_to_string (MsCatalog *catalog, const MsSignature *sig);

gboolean     ms_type_is_versioned (const MsType *t);

/* Union-find over version variables, for a whole graph at once. */
typedef struct _MsUnifier MsUnifier;

MsUnifier *ms_unifier_new (void);
void       ms_unifier_free (MsUnifier *u);
/* Reserves n fresh variables and returns the first one's number. */
int        ms_unifier_fresh (MsUnifier *u, int n);
/* Shifts a signature-local type by a device's variable base. */
MsType     ms_type_instantiate (const MsType *t, int base);
/* On failure, *why explains it in user terms, e.g. "expected kv_ro, found block". */
gboolean   ms_unifier_unify (MsUnifier    *u,
                             MsCatalog    *catalog,
                             const MsType *expected,
                             const MsType *found,
                             char        **why);
MsType     ms_unifier_resolve (MsUnifier *u, const MsType *t);

/* "kv_ro", "ipv4", "tcpv4v6", "'a tcp" (variables named from 'a in order). */
char      *ms_type_to_string (MsCatalog *catalog, const MsType *t);
gboolean   ms_type_equal (const MsType *a, const MsType *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsSignature, ms_signature_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsUnifier, ms_unifier_free)

G_END_DECLS
