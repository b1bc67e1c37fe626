/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-oauth-token-source.c: a valid access token for one account, on demand.
 *
 * - Tokens come from the keyring (BkTokenStore) the first time, then from
 *   memory. A token with less than refresh-margin (5 minutes) left is
 *   refreshed first.
 * - Single flight: one keyring read or refresh at a time; every caller that
 *   asks meanwhile waits for that one and gets its result. For this to hold
 *   per account, callers share one source per account:
 *   bk_oauth_token_source_get_for_account() hands out the live one. (Two
 *   processes — the app and bookablectl — can still race; with rotating
 *   refresh tokens the loser sees invalid_grant once.)
 * - Refresh tokens rotate: the new bundle is written to the keyring before any
 *   caller gets the new access token. If that write fails, the callers get
 *   the keyring error, the bundle stays in memory and the next call writes it
 *   again — the rotated refresh token is never thrown away.
 * - invalid_grant (revoked, AADSTS700082…) → BK_OAUTH_ERROR_RECONNECT_NEEDED
 *   and reconnect-needed turns TRUE; later calls fail at once without asking
 *   the provider again until bk_oauth_token_source_reset(). The keyring entry
 *   is kept: it still names the account, and Reconnect overwrites it
 *   (Disconnect clears it). Nothing queued elsewhere is touched.
 * - bk_oauth_token_source_json_async() is the helper for API calls: it adds
 *   the bearer token and, on a 401, invalidates that token and retries once. */

#define G_LOG_DOMAIN "bk-oauth"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-oauth-token-source.h"

struct _BkOAuthTokenSource
{
  GObject          parent_instance;

  BkHttp          *http;
  BkTokenStore    *store;
  BkOAuthProvider *provider;
  char            *account;
  guint            refresh_margin;

  BkOAuthTokens   *tokens;
  gboolean         needs_store;
  gboolean         busy;
  gboolean         reconnect_needed;
  GError          *reconnect_error;
  GPtrArray       *waiters;   /* Waiter* */
  guint            refresh_count;
};

typedef struct
{
  BkOAuthTokenSource *self;
  GTask              *task;
  GSource            *cancel_source;
} Waiter;

enum {
  PROP_0,
  PROP_HTTP,
  PROP_STORE,
  PROP_PROVIDER,
  PROP_ACCOUNT,
  PROP_REFRESH_MARGIN,
  PROP_RECONNECT_NEEDED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (BkOAuthTokenSource, bk_oauth_token_source, G_TYPE_OBJECT)

static GParamSpec *properties [N_PROPS];

/* The live source of each account: key → GWeakRef* */
G_LOCK_DEFINE_STATIC (shared);
static GHashTable *shared_sources;

static void advance (BkOAuthTokenSource *self);

static void
waiter_free (gpointer data)
{
  Waiter *waiter = data;

  if (waiter->cancel_source != NULL)
    {
      g_source_destroy (waiter->cancel_source);
      g_source_unref (waiter->cancel_source);
    }
  g_clear_object (&waiter->task);
  g_free (waiter);
}

static gboolean
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  Waiter *waiter = user_data;
  BkOAuthTokenSource *self = waiter->self;

  g_task_return_new_error (waiter->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
  /* Frees the waiter (and destroys this source) */
  g_ptr_array_remove (self->waiters, waiter);
  return G_SOURCE_REMOVE;
}

/* Completes every waiting caller with the current access token or @error. */
static void
settle (BkOAuthTokenSource *self,
        const GError       *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

  self->waiters = g_ptr_array_new_with_free_func (waiter_free);
  for (guint i = 0; i < waiters->len; i++)
    {
      Waiter *waiter = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (waiter->task, g_error_copy (error));
      else
        g_task_return_pointer (waiter->task, g_strdup (self->tokens->access_token), g_free);
    }
}

static void
set_reconnect_needed (BkOAuthTokenSource *self,
                      const GError       *error)
{
  g_clear_error (&self->reconnect_error);
  self->reconnect_error = g_error_copy (error);
  if (self->reconnect_needed)
    return;
  self->reconnect_needed = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_RECONNECT_NEEDED]);
}

/* ---------------------------------------------------------------------- */
/* The single flight: load → (store) → refresh → store → hand out */

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BkOAuthTokenSource) self = user_data;
  g_autoptr(GError) error = NULL;
  BkOAuthTokens *tokens = bk_token_store_lookup_finish (BK_TOKEN_STORE (object), result, &error);

  self->busy = FALSE;
  if (tokens == NULL)
    {
      if (g_error_matches (error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_RECONNECT_NEEDED))
        set_reconnect_needed (self, error);
      settle (self, error);
      return;
    }
  g_clear_pointer (&self->tokens, bk_oauth_tokens_free);
  self->tokens = tokens;
  advance (self);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BkOAuthTokenSource) self = user_data;
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  if (!bk_token_store_store_finish (BK_TOKEN_STORE (object), result, &error))
    {
      settle (self, error);
      return;
    }
  self->needs_store = FALSE;
  advance (self);
}

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BkOAuthTokenSource) self = user_data;
  g_autoptr(GError) error = NULL;
  BkOAuthTokens *fresh = bk_oauth_refresh_finish (BK_HTTP (object), result, &error);

  self->busy = FALSE;
  if (fresh == NULL)
    {
      if (g_error_matches (error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_RECONNECT_NEEDED))
        set_reconnect_needed (self, error);
      settle (self, error);
      return;
    }

  self->refresh_count++;
  /* A refresh answer may lack the id_token: keep who the account is. */
  if (fresh->account == NULL)
    fresh->account = g_strdup (self->tokens->account);
  if (fresh->display_name == NULL)
    fresh->display_name = g_strdup (self->tokens->display_name);
  g_clear_pointer (&self->tokens, bk_oauth_tokens_free);
  self->tokens = fresh;
  self->needs_store = TRUE;
  advance (self);
}

static gboolean
access_token_is_fresh (BkOAuthTokenSource *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  return self->tokens->access_token != NULL
      && self->tokens->expires_at - now > (gint64) self->refresh_margin;
}

static void
advance (BkOAuthTokenSource *self)
{
  if (self->busy)
    return;

  /* Owed to the keyring even when every caller has given up meanwhile: the
   * provider has already retired the refresh token it replaced. */
  if (self->needs_store)
    {
      self->busy = TRUE;
      bk_token_store_store_async (self->store, bk_oauth_provider_get_id (self->provider),
                                  self->account, self->tokens, NULL, stored_cb, g_object_ref (self));
    }
  else if (self->waiters->len == 0)
    return;
  else if (self->tokens == NULL)
    {
      self->busy = TRUE;
      bk_token_store_lookup_async (self->store, bk_oauth_provider_get_id (self->provider),
                                   self->account, NULL, loaded_cb, g_object_ref (self));
    }
  else if (access_token_is_fresh (self))
    settle (self, NULL);
  else if (self->tokens->refresh_token == NULL)
    {
      g_autoptr(GError) error =
        g_error_new_literal (BK_OAUTH_ERROR, BK_OAUTH_ERROR_RECONNECT_NEEDED,
                             _("The sign-in has expired and cannot be renewed. Reconnect the account; nothing waiting to be sent has been lost."));

      set_reconnect_needed (self, error);
      settle (self, error);
    }
  else
    {
      self->busy = TRUE;
      bk_oauth_refresh_async (self->http, self->provider, self->tokens->refresh_token,
                              NULL, refreshed_cb, g_object_ref (self));
    }
}

/* ---------------------------------------------------------------------- */
/* GObject */

static char *
shared_key (BkOAuthProvider *provider,
            const char      *account)
{
  return g_strjoin ("\n", bk_oauth_provider_get_id (provider),
                    bk_oauth_provider_get_token_url (provider), account, NULL);
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
forget_shared (BkOAuthTokenSource *self)
{
  g_autofree char *key = NULL;
  GWeakRef *ref;

  if (self->provider == NULL || self->account == NULL)
    return;
  key = shared_key (self->provider, self->account);
  G_LOCK (shared);
  ref = shared_sources ? g_hash_table_lookup (shared_sources, key) : NULL;
  if (ref != NULL)
    {
      /* Being finalized, so a weak ref to us already reads NULL; a
       * successor's would not. */
      g_autoptr(GObject) live = g_weak_ref_get (ref);

      if (live == NULL)
        g_hash_table_remove (shared_sources, key);
    }
  G_UNLOCK (shared);
}

static void
bk_oauth_token_source_finalize (GObject *object)
{
  BkOAuthTokenSource *self = (BkOAuthTokenSource *)object;

  forget_shared (self);

  g_clear_object (&self->http);
  g_clear_object (&self->store);
  g_clear_pointer (&self->provider, bk_oauth_provider_unref);
  g_free (self->account);
  g_clear_pointer (&self->tokens, bk_oauth_tokens_free);
  g_clear_error (&self->reconnect_error);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);

  G_OBJECT_CLASS (bk_oauth_token_source_parent_class)->finalize (object);
}

static void
bk_oauth_token_source_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  BkOAuthTokenSource *self = BK_OAUTH_TOKEN_SOURCE (object);

  switch (prop_id)
    {
    case PROP_HTTP: g_value_set_object (value, self->http); break;
    case PROP_STORE: g_value_set_object (value, self->store); break;
    case PROP_PROVIDER: g_value_set_boxed (value, self->provider); break;
    case PROP_ACCOUNT: g_value_set_string (value, self->account); break;
    case PROP_REFRESH_MARGIN: g_value_set_uint (value, self->refresh_margin); break;
    case PROP_RECONNECT_NEEDED: g_value_set_boolean (value, self->reconnect_needed); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_oauth_token_source_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  BkOAuthTokenSource *self = BK_OAUTH_TOKEN_SOURCE (object);

  switch (prop_id)
    {
    case PROP_HTTP: self->http = g_value_dup_object (value); break;
    case PROP_STORE: self->store = g_value_dup_object (value); break;
    case PROP_PROVIDER: self->provider = g_value_dup_boxed (value); break;
    case PROP_ACCOUNT: self->account = g_value_dup_string (value); break;
    case PROP_REFRESH_MARGIN:
      if (self->refresh_margin != g_value_get_uint (value))
        {
          self->refresh_margin = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define CONSTRUCT_FLAGS (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS)

static void
bk_oauth_token_source_class_init (BkOAuthTokenSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bk_oauth_token_source_finalize;
  object_class->get_property = bk_oauth_token_source_get_property;
  object_class->set_property = bk_oauth_token_source_set_property;

  properties [PROP_HTTP] =
    g_param_spec_object ("http", NULL, NULL, BK_TYPE_HTTP, CONSTRUCT_FLAGS);
  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, BK_TYPE_TOKEN_STORE, CONSTRUCT_FLAGS);
  properties [PROP_PROVIDER] =
    g_param_spec_boxed ("provider", NULL, NULL, BK_TYPE_OAUTH_PROVIDER, CONSTRUCT_FLAGS);
  properties [PROP_ACCOUNT] =
    g_param_spec_string ("account", NULL, NULL, NULL, CONSTRUCT_FLAGS);
  properties [PROP_REFRESH_MARGIN] =
    g_param_spec_uint ("refresh-margin", NULL, NULL, 0, 24 * 3600, 300,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties [PROP_RECONNECT_NEEDED] =
    g_param_spec_boolean ("reconnect-needed", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bk_oauth_token_source_init (BkOAuthTokenSource *self)
{
  self->refresh_margin = 300;
  self->waiters = g_ptr_array_new_with_free_func (waiter_free);
}

/* ---------------------------------------------------------------------- */
/* Public API */

BkOAuthTokenSource *
bk_oauth_token_source_new (BkHttp          *http,
                           BkTokenStore    *store,
                           BkOAuthProvider *provider,
                           const char      *account)
{
  g_return_val_if_fail (BK_IS_HTTP (http), NULL);
  g_return_val_if_fail (BK_IS_TOKEN_STORE (store), NULL);
  g_return_val_if_fail (provider != NULL, NULL);
  g_return_val_if_fail (account != NULL, NULL);

  return g_object_new (BK_TYPE_OAUTH_TOKEN_SOURCE,
                       "http", http,
                       "store", store,
                       "provider", provider,
                       "account", account,
                       NULL);
}

/**
 * bk_oauth_token_source_get_for_account:
 *
 * Returns: (transfer full): the account's live source, or a new one (made
 *   with @http and @store) when none is alive
 */
BkOAuthTokenSource *
bk_oauth_token_source_get_for_account (BkHttp          *http,
                                       BkTokenStore    *store,
                                       BkOAuthProvider *provider,
                                       const char      *account)
{
  g_autofree char *key = NULL;
  BkOAuthTokenSource *source;
  GWeakRef *ref;

  g_return_val_if_fail (BK_IS_HTTP (http), NULL);
  g_return_val_if_fail (BK_IS_TOKEN_STORE (store), NULL);
  g_return_val_if_fail (provider != NULL, NULL);
  g_return_val_if_fail (account != NULL, NULL);

  key = shared_key (provider, account);
  G_LOCK (shared);
  if (shared_sources == NULL)
    shared_sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, weak_ref_free);
  ref = g_hash_table_lookup (shared_sources, key);
  source = ref ? g_weak_ref_get (ref) : NULL;
  if (source == NULL)
    {
      source = bk_oauth_token_source_new (http, store, provider, account);
      ref = g_new0 (GWeakRef, 1);
      g_weak_ref_init (ref, source);
      g_hash_table_replace (shared_sources, g_steal_pointer (&key), ref);
    }
  G_UNLOCK (shared);
  return source;
}

const char *
bk_oauth_token_source_get_account (BkOAuthTokenSource *self)
{
  g_return_val_if_fail (BK_IS_OAUTH_TOKEN_SOURCE (self), NULL);
  return self->account;
}

gboolean
bk_oauth_token_source_get_reconnect_needed (BkOAuthTokenSource *self)
{
  g_return_val_if_fail (BK_IS_OAUTH_TOKEN_SOURCE (self), FALSE);
  return self->reconnect_needed;
}

/* How many refresh grants this source has completed. */
guint
bk_oauth_token_source_get_refresh_count (BkOAuthTokenSource *self)
{
  g_return_val_if_fail (BK_IS_OAUTH_TOKEN_SOURCE (self), 0);
  return self->refresh_count;
}

/* After Reconnect stored new tokens: forget what is in memory (unless a
 * write is still owed to the keyring) and read the keyring again. */
void
bk_oauth_token_source_reset (BkOAuthTokenSource *self)
{
  g_return_if_fail (BK_IS_OAUTH_TOKEN_SOURCE (self));

  if (!self->busy)
    {
      g_clear_pointer (&self->tokens, bk_oauth_tokens_free);
      self->needs_store = FALSE;
    }
  g_clear_error (&self->reconnect_error);
  if (self->reconnect_needed)
    {
      self->reconnect_needed = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_RECONNECT_NEEDED]);
    }
}

/**
 * bk_oauth_token_source_invalidate:
 * @access_token: the token an API just answered 401 to
 *
 * Makes the next request refresh first — unless the token was already
 * replaced, so several requests failing with the same token cause one
 * refresh only.
 */
void
bk_oauth_token_source_invalidate (BkOAuthTokenSource *self,
                                  const char         *access_token)
{
  g_return_if_fail (BK_IS_OAUTH_TOKEN_SOURCE (self));
  g_return_if_fail (access_token != NULL);

  if (self->tokens != NULL && g_strcmp0 (self->tokens->access_token, access_token) == 0)
    self->tokens->expires_at = 0;
}

void
bk_oauth_token_source_get_access_token_async (BkOAuthTokenSource  *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Waiter *waiter;

  g_return_if_fail (BK_IS_OAUTH_TOKEN_SOURCE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_oauth_token_source_get_access_token_async);
  if (self->reconnect_needed)
    {
      g_task_return_error (task, g_error_copy (self->reconnect_error));
      return;
    }

  waiter = g_new0 (Waiter, 1);
  waiter->self = self;
  waiter->task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      waiter->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiter->cancel_source, G_SOURCE_FUNC (waiter_cancelled_cb), waiter, NULL);
      g_source_attach (waiter->cancel_source, g_task_get_context (waiter->task));
    }
  g_ptr_array_add (self->waiters, waiter);
  advance (self);
}

/**
 * bk_oauth_token_source_get_access_token_finish:
 *
 * Returns: (transfer full): an access token with at least refresh-margin
 *   seconds left
 */
char *
bk_oauth_token_source_get_access_token_finish (BkOAuthTokenSource  *self,
                                               GAsyncResult        *result,
                                               GError             **error)
{
  g_return_val_if_fail (BK_IS_OAUTH_TOKEN_SOURCE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Authorised API calls */

typedef struct
{
  BkHttpRequest *request;
  char          *access_token;
  gboolean       retried;
} JsonCall;

static void
json_call_free (gpointer data)
{
  JsonCall *call = data;

  bk_http_request_unref (call->request);
  g_free (call->access_token);
  g_free (call);
}

static void json_token_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
json_answered_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkOAuthTokenSource *self = g_task_get_source_object (task);
  JsonCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  JsonNode *node = bk_http_json_finish (BK_HTTP (object), result, &error);

  if (node != NULL)
    {
      g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
      return;
    }
  if (g_error_matches (error, BK_HTTP_ERROR, BK_HTTP_ERROR_UNAUTHORIZED) && !call->retried)
    {
      /* The token may have been revoked or expired early: refresh once. */
      GCancellable *cancellable = g_task_get_cancellable (task);

      call->retried = TRUE;
      bk_oauth_token_source_invalidate (self, call->access_token);
      bk_oauth_token_source_get_access_token_async (self, cancellable, json_token_cb, g_steal_pointer (&task));
      return;
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
json_token_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkOAuthTokenSource *self = BK_OAUTH_TOKEN_SOURCE (object);
  JsonCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = bk_oauth_token_source_get_access_token_finish (self, result, &error);
  g_autofree char *header = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  header = g_strconcat ("Bearer ", token, NULL);
  bk_http_request_set_header (call->request, "Authorization", header);
  g_free (call->access_token);
  call->access_token = g_steal_pointer (&token);
  bk_http_json_async (self->http, call->request, cancellable, json_answered_cb, g_steal_pointer (&task));
}

/**
 * bk_oauth_token_source_json_async:
 * @request: an API request; its Authorization header is set here
 *
 * bk_http_json_async() with this account's bearer token; a 401 invalidates
 * the token, refreshes it and sends @request once more.
 */
void
bk_oauth_token_source_json_async (BkOAuthTokenSource  *self,
                                  BkHttpRequest       *request,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  JsonCall *call;

  g_return_if_fail (BK_IS_OAUTH_TOKEN_SOURCE (self));
  g_return_if_fail (request != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_oauth_token_source_json_async);
  call = g_new0 (JsonCall, 1);
  call->request = bk_http_request_ref (request);
  g_task_set_task_data (task, call, json_call_free);
  bk_oauth_token_source_get_access_token_async (self, cancellable, json_token_cb, g_steal_pointer (&task));
}

JsonNode *
bk_oauth_token_source_json_finish (BkOAuthTokenSource  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (BK_IS_OAUTH_TOKEN_SOURCE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
