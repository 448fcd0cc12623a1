/* ms-diagnostic.h: problems found in a project, as data.
 *
 * A diagnostic has a stable code (the same in mstudio check, --json and the
 * studio's problems list), a severity, a message in user terms, and the
 * place it is about: a device and one of its ports, options or the keys
 * and settings of the project.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MS_SEVERITY_ERROR,
  MS_SEVERITY_WARNING,
  MS_SEVERITY_INFO,
} MsSeverity;

typedef struct {
  char *code;
  MsSeverity severity;
  char *message;
  char *device;    /* device name, or NULL */
  char *port;      /* parameter name or position, or NULL */
  char *option;    /* option name, or NULL */
  char *setting;   /* "target", "key:net", "arg:port", "jobs", ... or NULL */
  char **related;  /* other devices involved, or NULL */
} MsDiagnostic;

/* The stable codes. */
#define MS_DIAG_UNKNOWN_CONSTRUCTOR   "unknown-constructor"
#define MS_DIAG_TYPE_MISMATCH         "type-mismatch"
#define MS_DIAG_MISSING_ARGUMENT      "missing-argument"
#define MS_DIAG_MISSING_OPTION        "missing-option"
#define MS_DIAG_UNKNOWN_PARAMETER     "unknown-parameter"
#define MS_DIAG_UNKNOWN_OPTION        "unknown-option"
#define MS_DIAG_DANGLING_CONNECTION   "dangling-connection"
#define MS_DIAG_CYCLE                 "cycle"
#define MS_DIAG_UNUSED_DEVICE         "unused-device"
#define MS_DIAG_DUPLICATE_NAME        "duplicate-name"
#define MS_DIAG_INVALID_NAME          "invalid-name"
#define MS_DIAG_INVALID_SIGNATURE     "invalid-signature"
#define MS_DIAG_SIGNATURE_ARITY       "signature-arity"
#define MS_DIAG_INVALID_VALUE         "invalid-value"
#define MS_DIAG_UNKNOWN_ARG_REFERENCE "unknown-runtime-arg-reference"
#define MS_DIAG_UNKNOWN_KEY           "unknown-key"
#define MS_DIAG_UNKNOWN_RUNTIME_ARG   "unknown-runtime-arg"
#define MS_DIAG_KEY_CONFLICT          "key-conflict"
#define MS_DIAG_RUNTIME_ARG_CONFLICT  "runtime-arg-conflict"
#define MS_DIAG_UNSUPPORTED_TARGET    "unsupported-target"
#define MS_DIAG_INVALID_TARGET        "invalid-target"
#define MS_DIAG_INVALID_SETTING       "invalid-setting"
#define MS_DIAG_PACKAGE_CONFLICT      "package-conflict"
#define MS_DIAG_INVALID_PACKAGE       "invalid-package"
#define MS_DIAG_NO_JOBS               "no-jobs"
#define MS_DIAG_NOT_A_JOB             "not-a-job"
#define MS_DIAG_INTERNAL_DEVICE       "internal-device"
#define MS_DIAG_DEPRECATED            "deprecated"
/* what the targeted Mirage version (the "mirage" setting) lacks or types
 * differently while another known version has it: the message names the
 * version to switch to */
#define MS_DIAG_VERSION_CONSTRUCTOR   "version-constructor"
#define MS_DIAG_VERSION_OPTION        "version-option"
#define MS_DIAG_VERSION_PARAMETER     "version-parameter"
#define MS_DIAG_VERSION_TYPE          "version-type"
#define MS_DIAG_VERSION_KEY           "version-key"

MsDiagnostic *ms_diagnostic_new (const char *code, MsSeverity severity, const char *device,
                                 const char *format, ...) G_GNUC_PRINTF (4, 5);
MsDiagnostic *ms_diagnostic_copy (const MsDiagnostic *d);
void          ms_diagnostic_free (MsDiagnostic *d);
const char   *ms_severity_to_string (MsSeverity s);

/* "error: stack.network: expected network, found block [type-mismatch]" */
char         *ms_diagnostic_format (const MsDiagnostic *d);
/* Errors first, then by device and code: the order mstudio and the studio show. */
void          ms_diagnostics_sort (GPtrArray *diagnostics);
guint         ms_diagnostics_count (GPtrArray *diagnostics, MsSeverity severity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsDiagnostic, ms_diagnostic_free)

G_END_DECLS
