/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-http.h"

G_BEGIN_DECLS

#define BK_OAUTH_ERROR (bk_oauth_error_quark ())

/**
 * BkOAuthError:
 * @BK_OAUTH_ERROR_FAILED: something else went wrong; the message says what
 * @BK_OAUTH_ERROR_ACCESS_DENIED: the person (or the provider) declined
 * @BK_OAUTH_ERROR_STATE_MISMATCH: a redirect that did not belong to this
 *   sign-in reached the listener; the attempt was ended (fail closed)
 * @BK_OAUTH_ERROR_TIMED_OUT: nobody finished signing in in time
 * @BK_OAUTH_ERROR_RECONNECT_NEEDED: the grant is gone (revoked, expired,
 *   password changed): the integration needs Connect again
 * @BK_OAUTH_ERROR_CONSENT_REQUIRED: an administrator (or the person) must
 *   grant Bookable its permissions first
 * @BK_OAUTH_ERROR_CONFIGURATION: the client id, tenant or redirect address
 *   are not right for this provider; fix the settings
 * @BK_OAUTH_ERROR_RESTART: the sign-in expired or its code was already
 *   used; start Connect again
 * @BK_OAUTH_ERROR_BAD_RESPONSE: the provider's answer was unusable
 * @BK_OAUTH_ERROR_NOT_CONNECTED: no tokens are stored for this account
 */
typedef enum
{
  BK_OAUTH_ERROR_FAILED,
  BK_OAUTH_ERROR_ACCESS_DENIED,
  BK_OAUTH_ERROR_STATE_MISMATCH,
  BK_OAUTH_ERROR_TIMED_OUT,
  BK_OAUTH_ERROR_RECONNECT_NEEDED,
  BK_OAUTH_ERROR_CONSENT_REQUIRED,
  BK_OAUTH_ERROR_CONFIGURATION,
  BK_OAUTH_ERROR_RESTART,
  BK_OAUTH_ERROR_BAD_RESPONSE,
  BK_OAUTH_ERROR_NOT_CONNECTED,
} BkOAuthError;

GQuark bk_oauth_error_quark (void);

/* ---------------------------------------------------------------------- */
/* A provider: endpoints, client, scopes, extra authorize parameters. Nothing
 * here is Microsoft- or Google-specific except the two convenience
 * constructors. */

#define BK_TYPE_OAUTH_PROVIDER (bk_oauth_provider_get_type ())

typedef struct _BkOAuthProvider BkOAuthProvider;

GType            bk_oauth_provider_get_type            (void) G_GNUC_CONST;
BkOAuthProvider *bk_oauth_provider_new                 (const char      *id,
                                                        const char      *authorize_url,
                                                        const char      *token_url,
                                                        const char      *client_id,
                                                        const char      *scopes);
BkOAuthProvider *bk_oauth_provider_new_microsoft       (const char      *authority_url,
                                                        const char      *tenant,
                                                        const char      *client_id);
BkOAuthProvider *bk_oauth_provider_new_google          (const char      *authorize_url,
                                                        const char      *token_url,
                                                        const char      *client_id,
                                                        const char      *client_secret);
BkOAuthProvider *bk_oauth_provider_ref                 (BkOAuthProvider *provider);
void             bk_oauth_provider_unref               (BkOAuthProvider *provider);
const char      *bk_oauth_provider_get_id              (BkOAuthProvider *provider);
const char      *bk_oauth_provider_get_authorize_url   (BkOAuthProvider *provider);
const char      *bk_oauth_provider_get_token_url       (BkOAuthProvider *provider);
const char      *bk_oauth_provider_get_client_id       (BkOAuthProvider *provider);
const char      *bk_oauth_provider_get_scopes          (BkOAuthProvider *provider);
void             bk_oauth_provider_set_client_secret   (BkOAuthProvider *provider,
                                                        const char      *client_secret);
const char      *bk_oauth_provider_get_client_secret   (BkOAuthProvider *provider);
void             bk_oauth_provider_add_authorize_param (BkOAuthProvider *provider,
                                                        const char      *name,
                                                        const char      *value);
char            *bk_oauth_provider_build_authorize_url (BkOAuthProvider *provider,
                                                        const char      *redirect_uri,
                                                        const char      *state,
                                                        const char      *code_challenge);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkOAuthProvider, bk_oauth_provider_unref)

/* ---------------------------------------------------------------------- */
/* The tokens of one account. Plain data; lives in the keyring only. */

#define BK_TYPE_OAUTH_TOKENS (bk_oauth_tokens_get_type ())

typedef struct _BkOAuthTokens BkOAuthTokens;

struct _BkOAuthTokens
{
  char   *access_token;
  char   *refresh_token;
  gint64  expires_at;     /* Unix seconds; 0 when unknown */
  char   *scope;
  char   *account;        /* preferred_username / upn / email from the id_token */
  char   *display_name;   /* name from the id_token */
};

GType          bk_oauth_tokens_get_type      (void) G_GNUC_CONST;
BkOAuthTokens *bk_oauth_tokens_new           (void);
BkOAuthTokens *bk_oauth_tokens_copy          (const BkOAuthTokens  *tokens);
void           bk_oauth_tokens_free          (BkOAuthTokens        *tokens);
char          *bk_oauth_tokens_to_json       (const BkOAuthTokens  *tokens);
BkOAuthTokens *bk_oauth_tokens_new_from_json (const char           *json,
                                              GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkOAuthTokens, bk_oauth_tokens_free)

/* ---------------------------------------------------------------------- */
/* PKCE (RFC 7636) and random values from the OS CSPRNG. */

char    *bk_oauth_base64url_encode    (const guint8  *data,
                                       gsize          len);
char    *bk_oauth_random_string       (gsize          n_bytes,
                                       GError       **error);
char    *bk_oauth_pkce_challenge      (const char    *verifier);

/* ---------------------------------------------------------------------- */
/* The token endpoint (RFC 6749 §4.1.3 and §6). */

void           bk_oauth_exchange_code_async  (BkHttp               *http,
                                              BkOAuthProvider      *provider,
                                              const char           *code,
                                              const char           *redirect_uri,
                                              const char           *code_verifier,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
BkOAuthTokens *bk_oauth_exchange_code_finish (BkHttp               *http,
                                              GAsyncResult         *result,
                                              GError              **error);
void           bk_oauth_refresh_async        (BkHttp               *http,
                                              BkOAuthProvider      *provider,
                                              const char           *refresh_token,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
BkOAuthTokens *bk_oauth_refresh_finish       (BkHttp               *http,
                                              GAsyncResult         *result,
                                              GError              **error);

GError        *bk_oauth_error_from_response  (const char           *error_code,
                                              const char           *description,
                                              gboolean              refreshing);

G_END_DECLS
