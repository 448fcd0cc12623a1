/* ms-studio-application.h: the studio application (one process, many windows). */
#pragma once

#include <adwaita.h>

#include "ms-catalog.h"

G_BEGIN_DECLS

#define MS_TYPE_STUDIO_APPLICATION (ms_studio_application_get_type ())
G_DECLARE_FINAL_TYPE (MsStudioApplication, ms_studio_application, MS, STUDIO_APPLICATION, AdwApplication)

MsStudioApplication *ms_studio_application_new (void);
/* the Mirage 4.10 catalog the studio edits with (shared by its windows) */
MsCatalog           *ms_studio_application_get_catalog (MsStudioApplication *self);
/* the studio's GSettings, or NULL where the schema is not installed */
GSettings           *ms_studio_application_get_settings (MsStudioApplication *self);
/* --opam-repo PATH given to mirage-studio, or NULL (ms-packages-view) */
const char          *ms_studio_application_get_opam_repo (MsStudioApplication *self);

G_END_DECLS
