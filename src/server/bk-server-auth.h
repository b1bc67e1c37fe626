/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BK_SERVER_AUTH_ERROR (bk_server_auth_error_quark ())

typedef enum
{
  BK_SERVER_AUTH_ERROR_NO_MEMORY,   /* argon2id could not get its memory */
  BK_SERVER_AUTH_ERROR_NO_RANDOM,   /* libsodium could not initialise */
} BkServerAuthError;

GQuark    bk_server_auth_error_quark     (void);

/* Initialises libsodium once (its CSPRNG is the OS one: getrandom). */
gboolean  bk_server_auth_init            (GError      **error);

/* argon2id (libsodium crypto_pwhash_str, interactive limits). */
char     *bk_server_auth_hash_password   (const char   *password,
                                          GError      **error);
gboolean  bk_server_auth_verify_password (const char   *hash,
                                          const char   *password);
/* Spends the time a verification would, for unknown accounts. */
void      bk_server_auth_burn_verify     (const char   *password);

/* A new secret: 32 bytes from the OS CSPRNG, base64url without padding. */
char     *bk_server_auth_new_token       (void);
/* "\\x<sha-256 hex>": the token's hash as a bytea text parameter. */
char     *bk_server_auth_token_hash      (const char   *token);
/* A one-time password a person can type: 20 characters. */
char     *bk_server_auth_new_password    (void);

G_END_DECLS
