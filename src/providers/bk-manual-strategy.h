/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-availability-strategy.h"

G_BEGIN_DECLS

#define BK_TYPE_MANUAL_STRATEGY (bk_manual_strategy_get_type ())

G_DECLARE_FINAL_TYPE (BkManualStrategy, bk_manual_strategy, BK, MANUAL_STRATEGY, GObject)

/* Slots from the rules, manual blocks and booked appointments of @store
 * alone; appointments go to no calendar. */
BkManualStrategy *bk_manual_strategy_new     (BkStore          *store);
/* The instant "now" for minimum notice and the horizon; 0 (the default)
 * means the real time. For tests and `bookablectl slots --now`. */
void              bk_manual_strategy_set_now (BkManualStrategy *self,
                                              gint64            now);

G_END_DECLS
