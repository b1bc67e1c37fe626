/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-types.h"

G_BEGIN_DECLS

/* The slot engine: a pure function of its arguments (no I/O, no clock).
 *
 * @busy: calendar busy times and manual blocks, any order, may overlap.
 * @booked: live (booked) appointments; they block time and count toward the
 *   daily limit on the local day of their start.
 * Returns a GArray of BkInterval: the free slots whose start s has
 * from ≤ s < to, sorted, without duplicates; NULL with @error when the rules
 * are invalid (e.g. an unknown time zone). The exact semantics are those of
 * issue 2 ("The slot engine"). */
GArray *bk_slot_engine_compute (const BkAvailabilityRules *rules,
                                const BkInterval          *busy,
                                gsize                      n_busy,
                                const BkInterval          *booked,
                                gsize                      n_booked,
                                gint64                     now,
                                gint64                     from,
                                gint64                     to,
                                GError                   **error);

G_END_DECLS
