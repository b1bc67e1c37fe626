/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-graph-client.h"

G_BEGIN_DECLS

/* Shared by bk-graph-client.c (calls, paging, calendarView, events) and
 * bk-graph-client-delta.c (calendarView/delta). */

typedef gboolean (*BkGraphCollectFunc) (JsonObject  *item,
                                        gpointer     user_data,
                                        GError     **error);

/* The task data of a _bk_graph_fetch_all() task. */
typedef struct
{
  char               *prefer;
  BkGraphCollectFunc  collect;
  void              (*page_done) (gpointer collect_data);
  gpointer            collect_data;
  GDestroyNotify      collect_free;
  guint               pages;
  char               *next_url;
  char               *delta_link;  /* calendarView/delta: the last page's */
} BkGraphPager;

const char *_bk_graph_client_get_url       (BkGraphClient       *self);
guint       _bk_graph_client_get_page_size (BkGraphClient       *self);
/* A next page or delta link must come from the Graph server we were given,
 * or the bearer token would travel wherever a response pointed. */
gboolean    _bk_graph_same_origin          (const char          *base,
                                            const char          *uri);
char       *_bk_graph_escape_segment       (const char          *id);
/* Fetches @first_url (taken) and every next page, calling @collect on each
 * item. The task's result is a boolean; its task data the BkGraphPager. */
GTask      *_bk_graph_fetch_all            (BkGraphClient       *self,
                                            char                *first_url,
                                            const char          *prefer,
                                            BkGraphCollectFunc   collect,
                                            gpointer             collect_data,
                                            GDestroyNotify       collect_free,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* The showAs under which an event may block (busy, oof, tentative,
 * unknown), or NULL: free, workingElsewhere, cancelled. */
const char *_bk_graph_blocking_show_as     (JsonObject          *item);

G_END_DECLS
