/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bk-sync-controller.h"
#include "bk-types.h"

G_BEGIN_DECLS

#define BK_TYPE_APPLICATION (bk_application_get_type ())

G_DECLARE_FINAL_TYPE (BkApplication, bk_application, BK, APPLICATION, AdwApplication)

BkApplication *bk_application_new       (void);
/* The profile's store, or NULL when it could not be opened. */
BkStore       *bk_application_get_store (BkApplication *self);
/* The app's one sync engine and its triggers, or NULL without a store. */
BkSyncController *bk_application_get_sync_controller (BkApplication *self);

G_END_DECLS
