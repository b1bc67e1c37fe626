/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Every instant in Bookable is a gint64 count of seconds since the Unix epoch,
 * UTC; every interval is half-open [start, end). */

typedef struct _BkAppointment       BkAppointment;
typedef struct _BkAvailabilityRules BkAvailabilityRules;
typedef struct _BkBlock             BkBlock;
typedef struct _BkInterval          BkInterval;
typedef struct _BkStore             BkStore;
typedef struct _BkTimeRange         BkTimeRange;

G_END_DECLS
