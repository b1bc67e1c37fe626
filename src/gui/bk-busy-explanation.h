/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bk-availability-strategy.h"
#include "bk-types.h"

G_BEGIN_DECLS

/* "Why is a time not offered?" for one local day [@day_start, @day_end) of
 * the Schedule: an expander listing the day's working hours, each busy time
 * of @report (may be NULL) with its calendar's name and colour, every window
 * that could not be read with the reason, the buffers, the minimum notice
 * (seen from @now) and the daily limit. */
GtkWidget *bk_busy_explanation_new (const BkAvailabilityRules *rules,
                                    GTimeZone                 *tz,
                                    const GDate               *date,
                                    gint64                     day_start,
                                    gint64                     day_end,
                                    const BkSlotReport        *report,
                                    gint64                     now);

G_END_DECLS
