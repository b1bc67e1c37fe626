/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bk-sync-controller.h"
#include "bk-types.h"

G_BEGIN_DECLS

#define BK_TYPE_WINDOW (bk_window_get_type ())

G_DECLARE_FINAL_TYPE (BkWindow, bk_window, BK, WINDOW, AdwApplicationWindow)

BkWindow *bk_window_new        (GtkApplication *application,
                                BkStore        *store);
BkStore  *bk_window_get_store  (BkWindow       *self);
void      bk_window_set_store  (BkWindow       *self,
                                BkStore        *store);
void      bk_window_add_toast  (BkWindow       *self,
                                const char     *message);
void      bk_window_show_recovery (BkWindow    *self,
                                   const char  *message);
/* The app's sync (may be NULL): the Sync button and the status bar follow
 * it; "win.cancel-appointment" asks it for a pass. */
void      bk_window_set_sync_controller (BkWindow         *self,
                                         BkSyncController *controller);
/* Shows the Schedule scrolled to appointment @id (a notification's click). */
void      bk_window_show_appointment    (BkWindow         *self,
                                         const char       *id);

G_END_DECLS
