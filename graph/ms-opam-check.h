/* ms-opam-check.h: an independent check of an install set.
 *
 * The solver's answer is verified against the repository read in memory,
 * with no libsolv code involved: every package exists and is available,
 * one version per name, every depends formula holds, no conflicts atom
 * holds, installed optional dependencies satisfy their constraints, no two
 * packages share a conflict-class, and every goal is met.
 */
#pragma once

#include "ms-opam-repo.h"

G_BEGIN_DECLS

/* installed: name -> version. goals: MsOpamDep* atoms that must hold (may
 * be NULL). Returns the violations found as sentences (empty: valid). */
GPtrArray *ms_opam_check_install_set (MsOpamRepo *repo,
                                      GHashTable *installed,
                                      GPtrArray  *goals);

G_END_DECLS
