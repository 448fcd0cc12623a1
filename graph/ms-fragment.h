/* ms-fragment.h: a set of devices as text, for copy and paste.
 *
 * A fragment carries devices (constructor, name, position, options, the
 * fields of custom devices) and the connections among them, in a line
 * based text format that survives the clipboard between windows and
 * processes. Connections to devices outside the set are left out.
 *
 *   mirage-studio-fragment 1
 *   device	N	CTOR	NAME	X	Y	PLACED
 *   option	N	NAME	VALUE
 *   custom	N	MODULE	SIGNATURE
 *   package	N	PACKAGE          (ms_package_to_string form)
 *   runtime-arg	N	NAME	TYPE	DEFAULT	DOC
 *   dep	N	M
 *   connect-code	N	CODE      (impl ~connect as OCaml text)
 *   local-lib	N	NAME         (main ~local_libs)
 *   key	N	NAME               (impl ~keys)
 *   labelled	N	LABEL	CODE    (other labelled arguments of main/impl)
 *   choice	N	KEY	PREDICATE	HAS-DEFAULT   (PREDICATE "" = none; HAS-DEFAULT 0|1)
 *   case	N	VALUE              (a choice's cases, in order)
 *   decl	type|key	NAME	CONSTRUCTOR	BINDING	ARG-KIND	CONV	DEFAULT	GROUP	DOC	DOCV	FLAG...
 *   connect	SOURCE-N	TARGET-N	PARAM
 *
 * N numbers devices inside the fragment from 0; fields are separated by
 * tabs and escaped with g_strescape. The decl lines carry the types and
 * keys of the project's own (MsDecl) the devices name; a paste declares
 * those the document lacks and keeps its own for those it has.
 */
#pragma once

#include "ms-document.h"

G_BEGIN_DECLS

#define MS_FRAGMENT_MAGIC "mirage-studio-fragment 1"

/* The text of the devices ids (unknown ids are skipped); NULL if none. */
char     *ms_fragment_serialize (MsDocument *doc, const guint *ids, guint n_ids);

/* Whether text looks like a fragment (its first line is the magic). */
gboolean  ms_fragment_is_fragment (const char *text);

/* Adds the fragment's devices to doc as ONE undoable step, with free names
 * derived from the original ones ("stack" -> "stack_2"), placed devices
 * shifted by (dx, dy), the options, custom fields and internal
 * connections. Returns the new device ids in fragment order, or NULL with
 * error (nothing is changed then). */
GArray   *ms_fragment_paste (MsDocument *doc, const char *text,
                             double dx, double dy, GError **error);

G_END_DECLS
