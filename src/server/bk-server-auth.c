/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-server-auth"

#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "bk-server-auth.h"

G_DEFINE_QUARK (bk-server-auth-error-quark, bk_server_auth_error)

gboolean
bk_server_auth_init (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error (error, BK_SERVER_AUTH_ERROR, BK_SERVER_AUTH_ERROR_NO_RANDOM,
                   _("Cannot initialise libsodium (no system randomness?)"));
      return FALSE;
    }
  return TRUE;
}

char *
bk_server_auth_hash_password (const char  *password,
                              GError     **error)
{
  char out[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (password != NULL, NULL);

  if (crypto_pwhash_str_alg (out, password, strlen (password),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error (error, BK_SERVER_AUTH_ERROR, BK_SERVER_AUTH_ERROR_NO_MEMORY,
                   _("Not enough memory to hash the password"));
      return NULL;
    }
  return g_strdup (out);
}

gboolean
bk_server_auth_verify_password (const char *hash,
                                const char *password)
{
  g_return_val_if_fail (hash != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

void
bk_server_auth_burn_verify (const char *password)
{
  static char *dummy;

  g_return_if_fail (password != NULL);

  /* Hash once per process; verifying against it costs what a real check does,
   * so response times do not tell which emails have accounts. */
  if (g_once_init_enter (&dummy))
    {
      char *h = bk_server_auth_hash_password ("not a real password", NULL);
      g_once_init_leave (&dummy, h);
    }
  if (dummy != NULL && crypto_pwhash_str_verify (dummy, password, strlen (password)) == 0)
    g_debug ("the dummy password matched");
}

char *
bk_server_auth_new_token (void)
{
  guint8 raw[32];
  char out[sodium_base64_ENCODED_LEN (32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (raw, sizeof raw);
  sodium_bin2base64 (out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (raw, sizeof raw);
  return g_strdup (out);
}

char *
bk_server_auth_token_hash (const char *token)
{
  guint8 digest[crypto_hash_sha256_BYTES];
  char hex[crypto_hash_sha256_BYTES * 2 + 1];

  g_return_val_if_fail (token != NULL, NULL);

  crypto_hash_sha256 (digest, (const guint8 *) token, strlen (token));
  sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);
  return g_strconcat ("\\x", hex, NULL);
}

char *
bk_server_auth_new_password (void)
{
  /* no 0/O/1/l/I: read aloud or typed from a printout */
  static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  char out[21];

  for (gsize i = 0; i < 20; i++)
    out[i] = alphabet[randombytes_uniform (sizeof alphabet - 1)];
  out[20] = '\0';
  return g_strdup (out);
}
