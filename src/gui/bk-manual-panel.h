/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bk-types.h"

G_BEGIN_DECLS

#define BK_TYPE_MANUAL_PANEL (bk_manual_panel_get_type ())

G_DECLARE_FINAL_TYPE (BkManualPanel, bk_manual_panel, BK, MANUAL_PANEL, AdwBin)

BkStore *bk_manual_panel_get_store (BkManualPanel *self);
void     bk_manual_panel_set_store (BkManualPanel  *self,
                                    BkStore        *store);

G_END_DECLS
