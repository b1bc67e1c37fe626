/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bk-types.h"

G_BEGIN_DECLS

#define BK_TYPE_TIME_OFF_GROUP (bk_time_off_group_get_type ())

/* The Manual tab's "Time Off": lists the store's future manual blocks, adds
 * and removes them. Unlike the rules, blocks are saved at once. */
G_DECLARE_FINAL_TYPE (BkTimeOffGroup, bk_time_off_group, BK, TIME_OFF_GROUP, AdwPreferencesGroup)

void bk_time_off_group_set_store     (BkTimeOffGroup *self,
                                      BkStore        *store);
/* The expert's zone, in which times are typed and shown. */
void bk_time_off_group_set_time_zone (BkTimeOffGroup *self,
                                      const char     *time_zone);

G_END_DECLS
