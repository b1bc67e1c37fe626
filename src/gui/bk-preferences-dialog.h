/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bk-sync-controller.h"

G_BEGIN_DECLS

#define BK_TYPE_PREFERENCES_DIALOG (bk_preferences_dialog_get_type ())

/* Preferences: the Bookable server account (server URL, email, password;
 * Sign In / Sign Out; the signed-in account; errors shown inline). */
G_DECLARE_FINAL_TYPE (BkPreferencesDialog, bk_preferences_dialog, BK, PREFERENCES_DIALOG, AdwPreferencesWindow)

BkPreferencesDialog *bk_preferences_dialog_new (GtkWindow        *parent,
                                                BkSyncController *controller);

G_END_DECLS
