/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-types.h"

G_BEGIN_DECLS

/* A manual busy block: time off the expert enters by hand. */
struct _BkBlock
{
  gint64  id;     /* store row id; 0 before it is stored */
  gint64  start;
  gint64  end;
  char   *title;  /* may be NULL */
};

#define BK_TYPE_BLOCK (bk_block_get_type ())

GType    bk_block_get_type (void) G_GNUC_CONST;
BkBlock *bk_block_new      (gint64         id,
                            gint64         start,
                            gint64         end,
                            const char    *title);
BkBlock *bk_block_copy     (const BkBlock *self);
void     bk_block_free     (BkBlock       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkBlock, bk_block_free)

G_END_DECLS
