/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bk-types.h"

G_BEGIN_DECLS

#define BK_TYPE_SCHEDULE_PAGE (bk_schedule_page_get_type ())

G_DECLARE_FINAL_TYPE (BkSchedulePage, bk_schedule_page, BK, SCHEDULE_PAGE, AdwBin)

BkStore *bk_schedule_page_get_store (BkSchedulePage *self);
void     bk_schedule_page_set_store (BkSchedulePage  *self,
                                     BkStore         *store);

G_END_DECLS
