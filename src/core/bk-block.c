/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-block"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-block.h"

G_DEFINE_BOXED_TYPE (BkBlock, bk_block, bk_block_copy, bk_block_free)

BkBlock *
bk_block_new (gint64      id,
              gint64      start,
              gint64      end,
              const char *title)
{
  BkBlock *self = g_new0 (BkBlock, 1);

  self->id = id;
  self->start = start;
  self->end = end;
  self->title = g_strdup (title);

  return self;
}

BkBlock *
bk_block_copy (const BkBlock *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return bk_block_new (self->id, self->start, self->end, self->title);
}

void
bk_block_free (BkBlock *self)
{
  if (self == NULL)
    return;

  g_free (self->title);
  g_free (self);
}
