/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-oauth-flow.c: one sign-in, RFC 8252 style.
 *
 * bk_oauth_flow_run_async() draws a PKCE verifier and a state from
 * getrandom(), listens on http://127.0.0.1:<random port>/ (loopback only),
 * and sets BkOAuthFlow:authorize-uri before it returns: the caller opens it
 * (the app through g_app_info_launch_default_for_uri_async(), which uses the
 * OpenURI portal inside Flatpak; `bookablectl connect --no-browser` prints it).
 *
 * The listener is one-shot and fails closed: the first request on the
 * redirect path ends the attempt, whatever it carries. A matching state with a
 * code goes on to the code exchange while the browser waits, so the page it
 * then shows ("connected" or why not) is the truth; a matching state with
 * error= ends with the provider's error; anything else (no state, a wrong
 * state) is treated as forged, answered with an error page, and ends the
 * attempt, so a later "correct" redirect is never accepted either. Requests
 * arriving meanwhile get 410; once the page is sent the listener is closed and
 * connections are refused. Other paths (a browser's /favicon.ico) get a 404
 * and do not count. A timeout (default five minutes, until the redirect
 * arrives) and the GCancellable also close it. */

#define G_LOG_DOMAIN "bk-oauth"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-oauth-flow.h"

struct _BkOAuthFlow
{
  GObject            parent_instance;

  BkHttp            *http;
  BkOAuthProvider   *provider;
  guint              timeout;

  SoupServer        *server;
  char              *verifier;
  char              *state;
  char              *redirect_uri;
  char              *authorize_uri;
  GTask             *task;
  GSource           *timeout_source;
  GSource           *cancel_source;
  GSource           *linger_source;
  gboolean           started;
  gboolean           answered;
  SoupServerMessage *pending;        /* the redirect, paused during the exchange */
  BkOAuthTokens     *result_tokens;
  GError            *result_error;
};

enum {
  PROP_0,
  PROP_HTTP,
  PROP_PROVIDER,
  PROP_TIMEOUT,
  PROP_AUTHORIZE_URI,
  PROP_REDIRECT_URI,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (BkOAuthFlow, bk_oauth_flow, G_TYPE_OBJECT)

static GParamSpec *properties [N_PROPS];

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
close_listener (BkOAuthFlow *self)
{
  if (self->server == NULL)
    return;
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
}

/* Ends the run: closes everything, then returns @tokens or @error. */
static void
complete (BkOAuthFlow   *self,
          BkOAuthTokens *tokens,
          GError        *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_assert (task != NULL);
  clear_source (&self->timeout_source);
  clear_source (&self->cancel_source);
  clear_source (&self->linger_source);
  g_clear_object (&self->pending);
  close_listener (self);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tokens, (GDestroyNotify) bk_oauth_tokens_free);
}

/* ---------------------------------------------------------------------- */
/* The page the browser shows */

static char *
render_page (const char *title,
             const char *text)
{
  g_autofree char *t = g_markup_escape_text (title, -1);
  g_autofree char *x = g_markup_escape_text (text, -1);

  return g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width\">"
                          "<title>%s</title><style>body{font-family:sans-serif;margin:4em auto;"
                          "max-width:32em;padding:0 1em;text-align:center}</style></head>"
                          "<body><h1>%s</h1><p>%s</p></body></html>\n",
                          t, t, x);
}

static void
answer (SoupServerMessage *msg,
        guint              status,
        const char        *title,
        const char        *text)
{
  char *page = render_page (title, text);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE, page, strlen (page));
}

/* ---------------------------------------------------------------------- */
/* The redirect */

/* Compares without an early exit, so the time taken says nothing about how
 * much of a guessed state was right. */
static gboolean
state_matches (const char *expected,
               const char *given)
{
  gsize len = strlen (expected);
  guint diff = 0;

  if (given == NULL || strlen (given) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    diff |= (guchar) expected[i] ^ (guchar) given[i];
  return diff == 0;
}

static gboolean
finish_cb (gpointer user_data)
{
  BkOAuthFlow *self = user_data;

  if (self->task != NULL)
    complete (self, g_steal_pointer (&self->result_tokens), g_steal_pointer (&self->result_error));
  return G_SOURCE_REMOVE;
}

static void
answer_finished_cb (SoupServerMessage *msg,
                    gpointer           user_data)
{
  g_signal_handlers_disconnect_by_func (msg, answer_finished_cb, user_data);
  /* Not from inside libsoup's own signal emission: close on the next turn. */
  g_idle_add_full (G_PRIORITY_DEFAULT, finish_cb, g_object_ref (user_data), g_object_unref);
}

/* Shows the outcome in the browser; the run ends once the page is sent (or
 * a few seconds later, should the browser have gone away). */
static void
answer_outcome (BkOAuthFlow       *self,
                SoupServerMessage *msg)
{
  if (self->result_error == NULL)
    answer (msg, SOUP_STATUS_OK, _("Bookable is connected"),
            _("You can close this tab and go back to Bookable."));
  else
    answer (msg, SOUP_STATUS_BAD_REQUEST, _("Bookable could not connect"),
            self->result_error->message);

  g_signal_connect_object (msg, "finished", G_CALLBACK (answer_finished_cb), self, 0);
  self->linger_source = g_timeout_source_new_seconds (5);
  g_source_set_callback (self->linger_source, finish_cb, self, NULL);
  g_source_attach (self->linger_source, g_task_get_context (self->task));
}

static void
exchanged_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BkOAuthFlow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkOAuthTokens) tokens = bk_oauth_exchange_code_finish (BK_HTTP (object), result, &error);
  g_autoptr(SoupServerMessage) msg = g_steal_pointer (&self->pending);

  /* Cancelled meanwhile: complete() has run and closed everything. */
  if (self->task == NULL || msg == NULL)
    return;

  self->result_tokens = g_steal_pointer (&tokens);
  self->result_error = g_steal_pointer (&error);
  answer_outcome (self, msg);
  soup_server_message_unpause (msg);
}

/* Decides what the one accepted request means: a code, or an error. */
static char *
judge_redirect (BkOAuthFlow  *self,
                GHashTable   *query,
                GError      **error)
{
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  const char *code = query ? g_hash_table_lookup (query, "code") : NULL;
  const char *provider_error = query ? g_hash_table_lookup (query, "error") : NULL;

  if (!state_matches (self->state, state))
    g_set_error_literal (error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_STATE_MISMATCH,
                         _("The sign-in was stopped because the browser brought back an answer that did not belong to it (the state did not match). Nothing was connected; start Connect again."));
  else if (provider_error != NULL)
    g_propagate_error (error, bk_oauth_error_from_response (provider_error,
                                                            g_hash_table_lookup (query, "error_description"),
                                                            FALSE));
  else if (code == NULL || *code == '\0')
    g_set_error_literal (error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_FAILED,
                         _("The browser came back without a sign-in code. Start Connect again."));
  else
    return g_strdup (code);
  return NULL;
}

static void
request_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  BkOAuthFlow *self = user_data;
  g_autofree char *code = NULL;

  if (g_strcmp0 (path, "/") != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  if (self->answered || self->task == NULL)
    {
      answer (msg, SOUP_STATUS_GONE, _("This sign-in is already over"),
              _("You can close this tab. To connect, start again from Bookable."));
      return;
    }

  self->answered = TRUE;
  clear_source (&self->timeout_source);
  code = judge_redirect (self, query, &self->result_error);
  if (code == NULL)
    {
      answer_outcome (self, msg);
      return;
    }

  /* The browser waits for the exchange, so its page tells the truth. */
  soup_server_message_pause (msg);
  self->pending = g_object_ref (msg);
  bk_oauth_exchange_code_async (self->http, self->provider, code, self->redirect_uri,
                                self->verifier, g_task_get_cancellable (self->task),
                                exchanged_cb, g_object_ref (self));
}

/* ---------------------------------------------------------------------- */
/* Timeout and cancel */

static gboolean
timed_out_cb (gpointer user_data)
{
  BkOAuthFlow *self = user_data;

  if (self->answered)
    return G_SOURCE_REMOVE;
  complete (self, NULL,
            g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_TIMED_OUT,
                         _("Nobody finished signing in within %u minutes, so Bookable stopped waiting. Start Connect again when you are ready."),
                         MAX (1, (self->timeout + 59) / 60)));
  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  BkOAuthFlow *self = user_data;

  complete (self, NULL,
            g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The sign-in was cancelled.")));
  return G_SOURCE_REMOVE;
}

static gboolean
listen (BkOAuthFlow  *self,
        GError      **error)
{
  GSList *uris;
  int port;

  self->server = soup_server_new ("server-header", "Bookable ", NULL);
  soup_server_add_handler (self->server, NULL, request_cb, self, NULL);
  /* IPv4 loopback only: RFC 8252 §8.3 prefers 127.0.0.1 to "localhost". */
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;

  uris = soup_server_get_uris (self->server);
  port = uris ? g_uri_get_port (uris->data) : -1;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  if (port <= 0)
    {
      g_set_error_literal (error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_FAILED,
                           _("Could not open a local port for the sign-in to come back to."));
      return FALSE;
    }
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%d/", port);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* GObject */

static void
bk_oauth_flow_dispose (GObject *object)
{
  BkOAuthFlow *self = (BkOAuthFlow *)object;

  clear_source (&self->timeout_source);
  clear_source (&self->cancel_source);
  clear_source (&self->linger_source);
  g_clear_object (&self->pending);
  close_listener (self);

  G_OBJECT_CLASS (bk_oauth_flow_parent_class)->dispose (object);
}

static void
bk_oauth_flow_finalize (GObject *object)
{
  BkOAuthFlow *self = (BkOAuthFlow *)object;

  g_clear_object (&self->http);
  g_clear_pointer (&self->provider, bk_oauth_provider_unref);
  g_free (self->verifier);
  g_free (self->state);
  g_free (self->redirect_uri);
  g_free (self->authorize_uri);
  g_clear_pointer (&self->result_tokens, bk_oauth_tokens_free);
  g_clear_error (&self->result_error);

  G_OBJECT_CLASS (bk_oauth_flow_parent_class)->finalize (object);
}

static void
bk_oauth_flow_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  BkOAuthFlow *self = BK_OAUTH_FLOW (object);

  switch (prop_id)
    {
    case PROP_HTTP: g_value_set_object (value, self->http); break;
    case PROP_PROVIDER: g_value_set_boxed (value, self->provider); break;
    case PROP_TIMEOUT: g_value_set_uint (value, self->timeout); break;
    case PROP_AUTHORIZE_URI: g_value_set_string (value, self->authorize_uri); break;
    case PROP_REDIRECT_URI: g_value_set_string (value, self->redirect_uri); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_oauth_flow_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  BkOAuthFlow *self = BK_OAUTH_FLOW (object);

  switch (prop_id)
    {
    case PROP_HTTP: self->http = g_value_dup_object (value); break;
    case PROP_PROVIDER: self->provider = g_value_dup_boxed (value); break;
    case PROP_TIMEOUT: bk_oauth_flow_set_timeout (self, g_value_get_uint (value)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_oauth_flow_class_init (BkOAuthFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bk_oauth_flow_dispose;
  object_class->finalize = bk_oauth_flow_finalize;
  object_class->get_property = bk_oauth_flow_get_property;
  object_class->set_property = bk_oauth_flow_set_property;

  properties [PROP_HTTP] =
    g_param_spec_object ("http", NULL, NULL, BK_TYPE_HTTP,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties [PROP_PROVIDER] =
    g_param_spec_boxed ("provider", NULL, NULL, BK_TYPE_OAUTH_PROVIDER,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties [PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT, 300,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_AUTHORIZE_URI] =
    g_param_spec_string ("authorize-uri", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_REDIRECT_URI] =
    g_param_spec_string ("redirect-uri", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bk_oauth_flow_init (BkOAuthFlow *self)
{
  self->timeout = 300;
}

/* ---------------------------------------------------------------------- */
/* Public API */

BkOAuthFlow *
bk_oauth_flow_new (BkHttp          *http,
                   BkOAuthProvider *provider)
{
  g_return_val_if_fail (BK_IS_HTTP (http), NULL);
  g_return_val_if_fail (provider != NULL, NULL);

  return g_object_new (BK_TYPE_OAUTH_FLOW, "http", http, "provider", provider, NULL);
}

/* The URL to open in a browser; set once bk_oauth_flow_run_async() returns. */
const char *
bk_oauth_flow_get_authorize_uri (BkOAuthFlow *self)
{
  g_return_val_if_fail (BK_IS_OAUTH_FLOW (self), NULL);
  return self->authorize_uri;
}

const char *
bk_oauth_flow_get_redirect_uri (BkOAuthFlow *self)
{
  g_return_val_if_fail (BK_IS_OAUTH_FLOW (self), NULL);
  return self->redirect_uri;
}

guint
bk_oauth_flow_get_timeout (BkOAuthFlow *self)
{
  g_return_val_if_fail (BK_IS_OAUTH_FLOW (self), 0);
  return self->timeout;
}

/* Seconds to wait for the redirect; takes effect for the next run. */
void
bk_oauth_flow_set_timeout (BkOAuthFlow *self,
                           guint        seconds)
{
  g_return_if_fail (BK_IS_OAUTH_FLOW (self));
  g_return_if_fail (seconds > 0);

  if (self->timeout == seconds)
    return;
  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_TIMEOUT]);
}

static void
start_waiting (BkOAuthFlow *self)
{
  GCancellable *cancellable = g_task_get_cancellable (self->task);

  self->timeout_source = g_timeout_source_new_seconds (self->timeout);
  g_source_set_callback (self->timeout_source, timed_out_cb, self, NULL);
  g_source_attach (self->timeout_source, g_task_get_context (self->task));
  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (cancelled_cb), self, NULL);
      g_source_attach (self->cancel_source, g_task_get_context (self->task));
    }
}

/**
 * bk_oauth_flow_run_async:
 *
 * Starts listening and sets BkOAuthFlow:authorize-uri before returning; the
 * result is the account's tokens once the browser came back and the code was
 * exchanged. A flow runs once.
 */
void
bk_oauth_flow_run_async (BkOAuthFlow         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *challenge = NULL;
  GError *error = NULL;

  g_return_if_fail (BK_IS_OAUTH_FLOW (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_oauth_flow_run_async);
  if (self->started)
    {
      g_task_return_new_error (task, BK_OAUTH_ERROR, BK_OAUTH_ERROR_RESTART,
                               _("This sign-in was already used. Start Connect again."));
      return;
    }
  self->started = TRUE;

  if ((self->verifier = bk_oauth_random_string (32, &error)) == NULL
      || (self->state = bk_oauth_random_string (32, &error)) == NULL
      || !listen (self, &error))
    {
      close_listener (self);
      g_task_return_error (task, error);
      return;
    }

  challenge = bk_oauth_pkce_challenge (self->verifier);
  self->authorize_uri = bk_oauth_provider_build_authorize_url (self->provider, self->redirect_uri,
                                                               self->state, challenge);
  self->task = g_steal_pointer (&task);
  start_waiting (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_REDIRECT_URI]);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_AUTHORIZE_URI]);
}

BkOAuthTokens *
bk_oauth_flow_run_finish (BkOAuthFlow   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (BK_IS_OAUTH_FLOW (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
