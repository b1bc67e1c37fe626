/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bk-sync-controller.h"

G_BEGIN_DECLS

#define BK_TYPE_SYNC_BAR (bk_sync_bar_get_type ())

/* The bar under the header bar (a GtkRevealer: libadwaita 1.2 has no
 * AdwBanner) that says what sync needs from the expert: "Sign in to
 * publish your slots", "Offline — last synced at HH:MM", or the last error
 * and what to do, each with its button. Hidden while all is well.
 * Property "syncing": a pass is running (the window's Sync button spins). */
G_DECLARE_FINAL_TYPE (BkSyncBar, bk_sync_bar, BK, SYNC_BAR, AdwBin)

void              bk_sync_bar_set_controller (BkSyncBar        *self,
                                              BkSyncController *controller);
gboolean          bk_sync_bar_get_syncing    (BkSyncBar        *self);

G_END_DECLS
