/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-microsoft"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-microsoft-private.h"

/* calendarView and calendarView/delta: recurrences expanded over the
 * window, sorted, rendered once, then served page by page behind opaque
 * $skiptoken links (like Graph's server-side cursors), and for delta a
 * final $deltatoken link that later answers only what changed. */

typedef struct
{
  GPtrArray  *items;       /* JsonObject*: the whole result, rendered */
  GHashTable *ids;         /* delta: every instance id of this round */
  char       *calendar_id;
  char       *base;        /* absolute URL of the route, without query */
  char       *extra_query; /* "startDateTime=…&endDateTime=…[&%24select=…]" */
  guint       offset;
  guint       page_index;  /* 0-based */
  guint       page_size;
  gboolean    delta;
  guint64     seq;         /* delta: changes after this one are new */
  gint64      window_start;
  gint64      window_end;
} SbPage;

void
sb_page_free (gpointer data)
{
  SbPage *page = data;

  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_clear_pointer (&page->ids, g_hash_table_unref);
  g_free (page->calendar_id);
  g_free (page->base);
  g_free (page->extra_query);
  g_free (page);
}

static SbPage *
page_copy (const SbPage *page)
{
  SbPage *copy = g_memdup2 (page, sizeof *page);

  copy->items = page->items != NULL ? g_ptr_array_ref (page->items) : NULL;
  copy->ids = page->ids != NULL ? g_hash_table_ref (page->ids) : NULL;
  copy->calendar_id = g_strdup (page->calendar_id);
  copy->base = g_strdup (page->base);
  copy->extra_query = g_strdup (page->extra_query);
  return copy;
}

static char *
register_page (BkSandboxMicrosoft *self,
               SbPage             *page)
{
  char *token = sb_random_token (32);

  g_hash_table_insert (self->pages, g_strdup (token), page);
  return token;
}

static char *
page_link (SbPage     *page,
           const char *token_name,
           const char *token)
{
  if (page->extra_query != NULL && *page->extra_query != '\0')
    return g_strdup_printf ("%s?%s&%%24%s=%s", page->base, page->extra_query, token_name, token);
  return g_strdup_printf ("%s?%%24%s=%s", page->base, token_name, token);
}

static void
serve_page (SbRequest *req,
            SbPage    *page)
{
  BkSandboxMicrosoft *self = req->self;
  g_autoptr(JsonObject) root = json_object_new ();
  JsonArray *value = json_array_new ();
  guint end = MIN (page->offset + page->page_size, page->items->len);
  g_autofree char *context = g_strdup_printf ("%s/v1.0/$metadata#Collection(event)", self->http.url);

  if (sb_faults_fail_page (req, page->calendar_id, page->page_index))
    {
      json_array_unref (value);
      return;
    }
  for (guint i = page->offset; i < end; i++)
    json_array_add_object_element (value, sb_object_copy (g_ptr_array_index (page->items, i)));
  json_object_set_string_member (root, "@odata.context", context);
  if (end < page->items->len)
    {
      SbPage *next = page_copy (page);
      g_autofree char *token = NULL;
      g_autofree char *link = NULL;

      next->offset = end;
      next->page_index++;
      token = register_page (self, next);
      link = page_link (next, "skiptoken", token);
      json_object_set_string_member (root, "@odata.nextLink", link);
    }
  else if (page->delta)
    {
      SbPage *next = page_copy (page);
      g_autofree char *token = NULL;
      g_autofree char *link = NULL;

      g_clear_pointer (&next->items, g_ptr_array_unref);
      next->offset = 0;
      next->page_index = 0;
      next->seq = self->seq;
      g_clear_pointer (&next->extra_query, g_free);
      token = register_page (self, next);
      link = page_link (next, "deltatoken", token);
      json_object_set_string_member (root, "@odata.deltaLink", link);
    }
  json_object_set_array_member (root, "value", value);
  sb_reply_object (req, 200, root);
}

static int
compare_instances (gconstpointer a,
                   gconstpointer b)
{
  const SbInstance *x = a, *y = b;
  int by_id;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  by_id = g_strcmp0 (x->event->id, y->event->id);
  if (by_id != 0)
    return by_id;
  return x->original_start < y->original_start ? -1 : x->original_start > y->original_start;
}

/* Every instance overlapping the window, rendered as the request asks. */
static GPtrArray *
render_window (SbRequest  *req,
               SbCalendar *calendar,
               gint64      window_start,
               gint64      window_end,
               GPtrArray  *changed_events)
{
  g_autoptr(GArray) instances = g_array_new (FALSE, FALSE, sizeof (SbInstance));
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *tz_name = NULL;
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);

  sb_graph_prefer_zone (req, &tz, &tz_name);
  for (guint i = 0; i < calendar->events->len; i++)
    sb_expand (g_ptr_array_index (calendar->events, i), window_start, window_end, instances);
  g_array_sort (instances, compare_instances);
  for (guint i = 0; i < instances->len; i++)
    {
      SbInstance *instance = &g_array_index (instances, SbInstance, i);
      JsonObject *object = sb_render_instance (req, instance, tz, tz_name);

      sb_apply_expand (req, object);
      sb_select_members (object, sb_query (req, "$select"));
      g_ptr_array_add (items, object);
      if (changed_events != NULL)
        g_ptr_array_add (changed_events, instance->event);
    }
  return items;
}

static guint
requested_page_size (SbRequest *req)
{
  g_autofree char *prefer = sb_prefer (req, "odata.maxpagesize");
  const char *top = sb_query (req, "$top");
  guint64 wanted = 0;

  if (top != NULL)
    g_ascii_string_to_unsigned (top, 10, 1, G_MAXUINT, &wanted, NULL);
  if (wanted == 0 && prefer != NULL
      && g_ascii_string_to_unsigned (prefer, 10, 1, G_MAXUINT, &wanted, NULL))
    {
      g_autofree char *applied = g_strdup_printf ("odata.maxpagesize=%u",
                                                  (guint) MIN (wanted, req->self->page_size));

      sb_request_append_header (req, "Preference-Applied", applied);
    }
  /* The configured page size is the server's maximum, like Graph's cap. */
  return wanted == 0 ? req->self->page_size : MIN (wanted, req->self->page_size);
}

static gboolean
parse_window_bound (const char *text,
                    gint64     *out)
{
  g_autofree char *utc = NULL;

  if (text == NULL)
    return FALSE;
  if (sbc_parse_instant (text, out))
    return TRUE;
  /* Graph reads a bound without an offset as UTC. */
  utc = g_strconcat (text, "Z", NULL);
  return sbc_parse_instant (utc, out);
}

static char *
window_query (SbRequest *req)
{
  const char *select = sb_query (req, "$select");
  g_autofree char *start = g_uri_escape_string (sb_query (req, "startDateTime"), NULL, FALSE);
  g_autofree char *end = g_uri_escape_string (sb_query (req, "endDateTime"), NULL, FALSE);
  g_autofree char *select_escaped = select != NULL ? g_uri_escape_string (select, ",", FALSE) : NULL;

  return g_strdup_printf ("startDateTime=%s&endDateTime=%s%s%s", start, end,
                          select != NULL ? "&%24select=" : "", select != NULL ? select_escaped : "");
}

/* The delta round after a $deltatoken: new, changed and removed instances. */
static void
serve_delta_round (SbRequest  *req,
                   SbCalendar *calendar,
                   SbPage     *previous)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new ();
  g_autoptr(GPtrArray) all = render_window (req, calendar, previous->window_start,
                                            previous->window_end, events);
  SbPage *page = page_copy (previous);
  GHashTableIter iter;
  const char *id;

  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_clear_pointer (&page->ids, g_hash_table_unref);
  page->items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  page->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < all->len; i++)
    {
      JsonObject *object = g_ptr_array_index (all, i);
      SbEvent *event = g_ptr_array_index (events, i);

      id = json_object_get_string_member (object, "id");
      g_hash_table_add (page->ids, g_strdup (id));
      if (!g_hash_table_contains (previous->ids, id) || event->change_seq > previous->seq)
        g_ptr_array_add (page->items, json_object_ref (object));
    }
  g_hash_table_iter_init (&iter, previous->ids);
  while (g_hash_table_iter_next (&iter, (gpointer *)&id, NULL))
    if (!g_hash_table_contains (page->ids, id))
      {
        JsonObject *removed = json_object_new ();
        JsonObject *reason = json_object_new ();

        json_object_set_string_member (reason, "reason", "deleted");
        json_object_set_object_member (removed, "@removed", reason);
        json_object_set_string_member (removed, "id", id);
        g_ptr_array_add (page->items, removed);
      }
  page->page_size = requested_page_size (req);
  g_hash_table_insert (req->self->pages, sb_random_token (32), page);
  serve_page (req, page);
}

static void
serve_new_view (SbRequest  *req,
                SbCalendar *calendar,
                gboolean    delta)
{
  SbPage *page = g_new0 (SbPage, 1);

  if (!parse_window_bound (sb_query (req, "startDateTime"), &page->window_start)
      || !parse_window_bound (sb_query (req, "endDateTime"), &page->window_end))
    {
      sb_page_free (page);
      return sb_reply_graph_error (req, 400, "ErrorInvalidParameter",
                                   "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
    }
  if (page->window_end <= page->window_start)
    {
      sb_page_free (page);
      return sb_reply_graph_error (req, 400, "ErrorInvalidParameter",
                                   "The value of the parameter 'EndDateTime' must be later than 'StartDateTime'.");
    }
  page->items = render_window (req, calendar, page->window_start, page->window_end, NULL);
  page->calendar_id = g_strdup (calendar->id);
  page->base = g_strconcat (req->self->http.url, req->path, NULL);
  page->extra_query = delta ? NULL : window_query (req);
  page->page_size = requested_page_size (req);
  page->delta = delta;
  if (delta)
    {
      page->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < page->items->len; i++)
        g_hash_table_add (page->ids, g_strdup (json_object_get_string_member (g_ptr_array_index (page->items, i), "id")));
    }
  /* Kept like the later pages, so the table owns it. */
  g_hash_table_insert (req->self->pages, sb_random_token (32), page);
  serve_page (req, page);
}

void
sb_view_handle (SbRequest  *req,
                SbUser     *user,
                SbCalendar *calendar,
                gboolean    delta)
{
  const char *skip = sb_query (req, "$skiptoken");
  const char *delta_token = delta ? sb_query (req, "$deltatoken") : NULL;
  const char *token = skip != NULL ? skip : delta_token;
  SbPage *page;

  if (token == NULL)
    return serve_new_view (req, calendar, delta);
  page = g_hash_table_lookup (req->self->pages, token);
  if (page == NULL || g_strcmp0 (page->calendar_id, calendar->id) != 0
      || (delta_token != NULL && skip == NULL && page->items != NULL))
    return sb_reply_graph_error (req, 400, "BadRequest", "The skip or delta token is not valid for this request.");
  if (skip != NULL)
    serve_page (req, page);
  else
    serve_delta_round (req, calendar, page);
}
