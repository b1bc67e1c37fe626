/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-http.c: one SoupSession with the rules every provider call follows.
 *
 * - 429, 503 and 504 mean "not now": any method is retried, honouring
 *   Retry-After (seconds or an HTTP date) or else waiting a jittered
 *   exponential backoff (base-delay · 2^(n-1), capped at max-delay); when
 *   max-attempts is spent the call fails with BK_HTTP_ERROR_THROTTLED. A
 *   Retry-After longer than max-delay is waited for max-delay only: the
 *   attempt budget still bounds how long a call can take.
 * - So is any answer the request's BkHttpRetryFunc calls "slow down" (Google
 *   sends 403 rateLimitExceeded): the API's own knowledge stays in its client.
 * - 500 and 502 are retried the same way only for idempotent requests (a
 *   POST may have been carried out); when the budget is spent the last
 *   response is returned and bk_http_response_check() says SERVER.
 * - Transport failures are not retried here: the sync engine's outbox replays
 *   work when the network returns, and a user waiting on Connect wants to know
 *   now.
 * - At most max-in-flight requests per key (mailbox/account, else host) run at
 *   once; the others queue in order. A request keeps its place while it backs
 *   off, so a throttled mailbox also slows down.
 * - Cancelling stops a queued, backing-off or running request at once.
 *
 * backoff-scale multiplies every wait (Retry-After included): 1.0 in the
 * product; tests and the demo lower it so storms pass in milliseconds. */

#define G_LOG_DOMAIN "bk-http"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "bk-http-private.h"

typedef struct
{
  guint   in_flight;
  GQueue  waiting;
} KeySlot;

struct _BkHttp
{
  GObject      parent_instance;

  SoupSession *session;
  GHashTable  *slots;          /* key → KeySlot */

  guint        max_in_flight;
  guint        max_attempts;
  double       base_delay;
  double       max_delay;
  double       backoff_scale;
  double       jitter;
};

typedef struct
{
  BkHttpRequest *request;
  char          *key;
  guint          attempt;
  gboolean       holds_slot;
  GSource       *timer;
  GSource       *cancel_source;
} SendData;

enum {
  PROP_0,
  PROP_MAX_IN_FLIGHT,
  PROP_MAX_ATTEMPTS,
  PROP_BASE_DELAY,
  PROP_MAX_DELAY,
  PROP_BACKOFF_SCALE,
  PROP_JITTER,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (BkHttp, bk_http, G_TYPE_OBJECT)

static GParamSpec *properties [N_PROPS];

static void start_attempt (GTask *task);

static void
key_slot_free (gpointer data)
{
  KeySlot *slot = data;

  g_queue_clear_full (&slot->waiting, g_object_unref);
  g_free (slot);
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
send_data_free (gpointer data)
{
  SendData *sd = data;

  clear_source (&sd->timer);
  clear_source (&sd->cancel_source);
  bk_http_request_unref (sd->request);
  g_free (sd->key);
  g_free (sd);
}

/* ---------------------------------------------------------------------- */
/* The per-key limit */

static void
attach_cancel_source (GTask                 *task,
                      GCancellableSourceFunc func)
{
  SendData *sd = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable == NULL)
    return;
  sd->cancel_source = g_cancellable_source_new (cancellable);
  /* The source holds no reference: it is destroyed before the task ends. */
  g_source_set_callback (sd->cancel_source, G_SOURCE_FUNC (func), task, NULL);
  g_source_attach (sd->cancel_source, g_task_get_context (task));
}

static gboolean
queued_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  SendData *sd = g_task_get_task_data (task);
  BkHttp *self = g_task_get_source_object (task);
  KeySlot *slot = g_hash_table_lookup (self->slots, sd->key);

  g_assert (slot != NULL);
  clear_source (&sd->cancel_source);
  g_queue_remove (&slot->waiting, task);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
acquire_slot (GTask *task)
{
  BkHttp *self = g_task_get_source_object (task);
  SendData *sd = g_task_get_task_data (task);
  KeySlot *slot = g_hash_table_lookup (self->slots, sd->key);

  if (slot == NULL)
    {
      slot = g_new0 (KeySlot, 1);
      g_queue_init (&slot->waiting);
      g_hash_table_insert (self->slots, g_strdup (sd->key), slot);
    }

  if (slot->in_flight < self->max_in_flight)
    {
      slot->in_flight++;
      sd->holds_slot = TRUE;
      start_attempt (task);
      return;
    }

  g_queue_push_tail (&slot->waiting, g_object_ref (task));
  attach_cancel_source (task, queued_cancelled_cb);
}

static void
release_slot (BkHttp     *self,
              const char *key)
{
  KeySlot *slot = g_hash_table_lookup (self->slots, key);
  GTask *next;

  g_assert (slot != NULL && slot->in_flight > 0);
  slot->in_flight--;

  next = g_queue_pop_head (&slot->waiting);
  if (next != NULL)
    {
      SendData *sd = g_task_get_task_data (next);

      clear_source (&sd->cancel_source);
      slot->in_flight++;
      sd->holds_slot = TRUE;
      start_attempt (next);
      g_object_unref (next);
      return;
    }

  if (slot->in_flight == 0)
    g_hash_table_remove (self->slots, key);
}

/* Every path that ends a started request comes through here, so the slot is
 * handed on exactly once. Takes the task's reference. */
static void
finish_send (GTask          *task,
             BkHttpResponse *response,
             GError         *error)
{
  BkHttp *self = g_task_get_source_object (task);
  SendData *sd = g_task_get_task_data (task);

  clear_source (&sd->timer);
  clear_source (&sd->cancel_source);
  if (sd->holds_slot)
    {
      sd->holds_slot = FALSE;
      release_slot (self, sd->key);
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, response, (GDestroyNotify) bk_http_response_unref);
  g_object_unref (task);
}

/* ---------------------------------------------------------------------- */
/* Waiting between attempts */

/**
 * bk_http_parse_retry_after:
 * @value: (nullable): a Retry-After header value
 * @now: the current time, Unix seconds
 *
 * Returns: the number of seconds to wait (0 or more), or -1 when @value is
 *   missing or neither a number of seconds nor an HTTP date
 */
gint64
bk_http_parse_retry_after (const char *value,
                           gint64      now)
{
  g_autoptr(GDateTime) date = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;
  while (g_ascii_isspace (*value))
    value++;
  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &seconds, NULL))
    return (gint64) seconds;

  date = soup_date_time_new_from_http_string (value);
  if (date == NULL)
    return -1;
  return MAX (0, g_date_time_to_unix (date) - now);
}

static double
backoff_delay (BkHttp *self,
               guint   attempt)
{
  double delay = self->base_delay * exp2 (MIN (attempt, 30u) - 1);

  delay = MIN (delay, self->max_delay);
  /* Jitter spreads clients that were throttled together; it need not be
   * unpredictable, so GLib's PRNG is fine here (unlike for OAuth state). */
  return delay * (1.0 - self->jitter * g_random_double ());
}

static gboolean
backoff_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  GTask *task = user_data;

  finish_send (task, NULL,
               g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled")));
  return G_SOURCE_REMOVE;
}

static gboolean
backoff_done_cb (gpointer user_data)
{
  GTask *task = user_data;
  SendData *sd = g_task_get_task_data (task);

  clear_source (&sd->timer);
  clear_source (&sd->cancel_source);
  start_attempt (task);
  return G_SOURCE_REMOVE;
}

static void
wait_and_retry (GTask  *task,
                double  seconds)
{
  BkHttp *self = g_task_get_source_object (task);
  SendData *sd = g_task_get_task_data (task);
  double ms = MIN (seconds, self->max_delay) * self->backoff_scale * 1000.0;

  g_debug ("attempt %u got a retryable answer; waiting %.0f ms", sd->attempt, ms);
  sd->timer = g_timeout_source_new ((guint) MIN (ms, (double) G_MAXUINT));
  g_source_set_callback (sd->timer, backoff_done_cb, task, NULL);
  g_source_attach (sd->timer, g_task_get_context (task));
  attach_cancel_source (task, backoff_cancelled_cb);
}

/* ---------------------------------------------------------------------- */
/* One attempt */

static gboolean
is_throttle_status (guint status)
{
  return status == 429 /* Too Many Requests; libsoup 3.2 has no name for it */
      || status == SOUP_STATUS_SERVICE_UNAVAILABLE
      || status == SOUP_STATUS_GATEWAY_TIMEOUT;
}

static GError *
network_error (SendData     *sd,
               const GError *error)
{
  g_autofree char *shown = bk_http_redact_uri (bk_http_request_get_uri (sd->request));

  return g_error_new (BK_HTTP_ERROR, BK_HTTP_ERROR_NETWORK,
                      _("Could not reach the server for %s %s: %s. Check the network connection; Bookable will try again."),
                      bk_http_request_get_method (sd->request), shown, error->message);
}

static GError *
throttled_error (SendData *sd,
                 guint     status)
{
  g_autofree char *shown = bk_http_redact_uri (bk_http_request_get_uri (sd->request));

  return g_error_new (BK_HTTP_ERROR, BK_HTTP_ERROR_THROTTLED,
                      ngettext ("The server is busy (HTTP %u) and kept asking Bookable to wait; gave up on %s %s after %u attempt. Try again in a few minutes.",
                                "The server is busy (HTTP %u) and kept asking Bookable to wait; gave up on %s %s after %u attempts. Try again in a few minutes.",
                                sd->attempt),
                      status, bk_http_request_get_method (sd->request), shown, sd->attempt);
}

/* Whether an answer means "slow down" (retry, THROTTLED when out of
 * attempts) or "retry, it may work" (500/502 for an idempotent request). */
static gboolean
should_retry (SendData    *sd,
              SoupMessage *message,
              GBytes      *body,
              gboolean    *out_throttled)
{
  guint status = soup_message_get_status (message);
  BkHttpRetryFunc func = _bk_http_request_get_retry_func (sd->request);

  *out_throttled = is_throttle_status (status)
    || (func != NULL && !SOUP_STATUS_IS_SUCCESSFUL (status)
        && func (status, soup_message_get_response_headers (message), body));
  return *out_throttled
    || ((status == SOUP_STATUS_INTERNAL_SERVER_ERROR || status == SOUP_STATUS_BAD_GATEWAY)
        && _bk_http_request_is_idempotent (sd->request));
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  BkHttp *self = g_task_get_source_object (task);
  SendData *sd = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  gboolean throttled = FALSE;
  gint64 wait;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        finish_send (task, NULL, g_steal_pointer (&error));
      else
        finish_send (task, NULL, network_error (sd, error));
      return;
    }

  if (!should_retry (sd, message, body, &throttled))
    finish_send (task, _bk_http_response_new (sd->request, message, body, sd->attempt), NULL);
  else if (sd->attempt >= self->max_attempts && throttled)
    finish_send (task, NULL, throttled_error (sd, soup_message_get_status (message)));
  else if (sd->attempt >= self->max_attempts)
    finish_send (task, _bk_http_response_new (sd->request, message, body, sd->attempt), NULL);
  else
    {
      wait = bk_http_parse_retry_after (soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                                      "Retry-After"),
                                        g_get_real_time () / G_USEC_PER_SEC);
      wait_and_retry (task, wait >= 0 ? (double) wait : backoff_delay (self, sd->attempt));
    }
}

static void
start_attempt (GTask *task)
{
  BkHttp *self = g_task_get_source_object (task);
  SendData *sd = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  GError *error = NULL;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      finish_send (task, NULL,
                   g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled")));
      return;
    }

  message = _bk_http_request_build_message (sd->request, &error);
  if (message == NULL)
    {
      finish_send (task, NULL, error);
      return;
    }

  sd->attempt++;
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), sent_cb, task);
}

/* ---------------------------------------------------------------------- */
/* GObject */

static void
bk_http_finalize (GObject *object)
{
  BkHttp *self = (BkHttp *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->slots, g_hash_table_unref);

  G_OBJECT_CLASS (bk_http_parent_class)->finalize (object);
}

static void
bk_http_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  BkHttp *self = BK_HTTP (object);

  switch (prop_id)
    {
    case PROP_MAX_IN_FLIGHT: g_value_set_uint (value, self->max_in_flight); break;
    case PROP_MAX_ATTEMPTS: g_value_set_uint (value, self->max_attempts); break;
    case PROP_BASE_DELAY: g_value_set_double (value, self->base_delay); break;
    case PROP_MAX_DELAY: g_value_set_double (value, self->max_delay); break;
    case PROP_BACKOFF_SCALE: g_value_set_double (value, self->backoff_scale); break;
    case PROP_JITTER: g_value_set_double (value, self->jitter); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_uint_prop (BkHttp *self, guint *field, const GValue *value, GParamSpec *pspec)
{
  if (*field == g_value_get_uint (value))
    return;
  *field = g_value_get_uint (value);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
set_double_prop (BkHttp *self, double *field, const GValue *value, GParamSpec *pspec)
{
  if (*field == g_value_get_double (value))
    return;
  *field = g_value_get_double (value);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
bk_http_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  BkHttp *self = BK_HTTP (object);

  switch (prop_id)
    {
    case PROP_MAX_IN_FLIGHT: set_uint_prop (self, &self->max_in_flight, value, pspec); break;
    case PROP_MAX_ATTEMPTS: set_uint_prop (self, &self->max_attempts, value, pspec); break;
    case PROP_BASE_DELAY: set_double_prop (self, &self->base_delay, value, pspec); break;
    case PROP_MAX_DELAY: set_double_prop (self, &self->max_delay, value, pspec); break;
    case PROP_BACKOFF_SCALE: set_double_prop (self, &self->backoff_scale, value, pspec); break;
    case PROP_JITTER: set_double_prop (self, &self->jitter, value, pspec); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define PROP_FLAGS (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
bk_http_class_init (BkHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bk_http_finalize;
  object_class->get_property = bk_http_get_property;
  object_class->set_property = bk_http_set_property;

  /* Graph allows 4 concurrent requests per mailbox. */
  properties [PROP_MAX_IN_FLIGHT] =
    g_param_spec_uint ("max-in-flight", NULL, NULL, 1, 64, 4, PROP_FLAGS);
  properties [PROP_MAX_ATTEMPTS] =
    g_param_spec_uint ("max-attempts", NULL, NULL, 1, 100, 6, PROP_FLAGS);
  properties [PROP_BASE_DELAY] =
    g_param_spec_double ("base-delay", NULL, NULL, 0.0, 3600.0, 1.0, PROP_FLAGS);
  properties [PROP_MAX_DELAY] =
    g_param_spec_double ("max-delay", NULL, NULL, 0.0, 3600.0, 60.0, PROP_FLAGS);
  properties [PROP_BACKOFF_SCALE] =
    g_param_spec_double ("backoff-scale", NULL, NULL, 0.0, 1000.0, 1.0, PROP_FLAGS);
  properties [PROP_JITTER] =
    g_param_spec_double ("jitter", NULL, NULL, 0.0, 1.0, 0.5, PROP_FLAGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bk_http_init (BkHttp *self)
{
  /* libsoup's default of 2 connections per host would hide our own limit. */
  self->session = soup_session_new_with_options ("user-agent", "Bookable/" PACKAGE_VERSION,
                                                 "max-conns", 32,
                                                 "max-conns-per-host", 16,
                                                 "timeout", 60,
                                                 NULL);
  self->slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, key_slot_free);
  self->max_in_flight = 4;
  self->max_attempts = 6;
  self->base_delay = 1.0;
  self->max_delay = 60.0;
  self->backoff_scale = 1.0;
  self->jitter = 0.5;
}

/* ---------------------------------------------------------------------- */
/* Public API */

BkHttp *
bk_http_new (void)
{
  return g_object_new (BK_TYPE_HTTP, NULL);
}

SoupSession *
bk_http_get_session (BkHttp *self)
{
  g_return_val_if_fail (BK_IS_HTTP (self), NULL);
  return self->session;
}

/* How many requests for @key are running or backing off right now. */
guint
bk_http_get_in_flight (BkHttp     *self,
                       const char *key)
{
  KeySlot *slot;

  g_return_val_if_fail (BK_IS_HTTP (self), 0);
  g_return_val_if_fail (key != NULL, 0);

  slot = g_hash_table_lookup (self->slots, key);
  return slot ? slot->in_flight : 0;
}

/**
 * bk_http_send_async:
 *
 * Sends @request, retrying as the file comment describes. The result is the
 * final response whatever its status (use bk_http_response_check()), or an
 * error: NETWORK, THROTTLED, or G_IO_ERROR_CANCELLED.
 */
void
bk_http_send_async (BkHttp              *self,
                    BkHttpRequest       *request,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task;
  SendData *sd;

  g_return_if_fail (BK_IS_HTTP (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_http_send_async);
  sd = g_new0 (SendData, 1);
  sd->request = bk_http_request_ref (request);
  sd->key = _bk_http_request_dup_default_key (request);
  g_task_set_task_data (task, sd, send_data_free);

  /* The task's own reference travels with it until finish_send(). */
  acquire_slot (task);
}

BkHttpResponse *
bk_http_send_finish (BkHttp        *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (BK_IS_HTTP (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
json_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkHttpResponse) response = NULL;
  JsonNode *node;

  response = bk_http_send_finish (BK_HTTP (object), result, &error);
  if (response == NULL || !bk_http_response_check (response, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  node = bk_http_response_parse_json (response, &error);
  if (node == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

/**
 * bk_http_json_async:
 *
 * Like bk_http_send_async(), but a non-2xx status is an error and the body
 * is parsed as JSON (BK_HTTP_ERROR_BAD_RESPONSE when it cannot be). Sets
 * "Accept: application/json" on @request unless it has an Accept header.
 */
void
bk_http_json_async (BkHttp              *self,
                    BkHttpRequest       *request,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BK_IS_HTTP (self));
  g_return_if_fail (request != NULL);

  if (bk_http_request_get_header (request, "Accept") == NULL)
    bk_http_request_set_header (request, "Accept", "application/json");

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_http_json_async);
  bk_http_send_async (self, request, cancellable, json_sent_cb, g_steal_pointer (&task));
}

/**
 * bk_http_json_finish:
 *
 * Returns: (transfer full): the parsed body, a JSON null node for an empty one
 */
JsonNode *
bk_http_json_finish (BkHttp        *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (BK_IS_HTTP (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
