/* ms-check.h: every check Mirage Studio runs on a project.
 *
 * Structure (names, constructors, options and their values, connections
 * and their types with IP-version unification, cycles, unused devices,
 * signatures, settings) is checked on the document; target support, key
 * and runtime-argument use and package bounds on the evaluated graph.
 */
#pragma once

#include "ms-document.h"
#include "ms-eval.h"
#include "ms-diagnostic.h"
#include "ms-type.h"

G_BEGIN_DECLS

/* All diagnostics, sorted (ms_diagnostics_sort). */
GPtrArray *ms_check_document (MsDocument *doc);
/* The same, also handing out the evaluation the checks made (for the
 * document's target, unsorted as ms_eval_unsorted gives it): a caller that
 * needs both evaluates once. */
GPtrArray *ms_check_document_full (MsDocument *doc, MsEvalGraph **eval);

/* Whether connecting source's output to target.param would type-check
 * given every other connection; on FALSE, *why says why in user terms. */
gboolean   ms_check_connection (MsDocument *doc, guint source, guint target,
                                const char *param, char **why);

/* The types of a device's ports after unification with the whole graph. */
typedef struct {
  char *param;          /* parameter name, or position for custom devices */
  char *type;           /* e.g. "ipv4", "'a tcp" */
  gboolean optional;
} MsPortType;

typedef struct {
  char *result;         /* output type */
  GPtrArray *inputs;    /* MsPortType* in order */
} MsDeviceTypes;

MsDeviceTypes *ms_check_device_types (MsDocument *doc, guint device);
void           ms_device_types_free (MsDeviceTypes *t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsDeviceTypes, ms_device_types_free)

G_END_DECLS
