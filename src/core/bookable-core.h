/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-types.h"
#include "bk-appointment.h"
#include "bk-availability-rules.h"
#include "bk-block.h"
#include "bk-interval.h"
#include "bk-slot-engine.h"
#include "bk-store.h"
#include "bk-time.h"
