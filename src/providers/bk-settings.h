/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-oauth.h"

G_BEGIN_DECLS

/* The provider settings of issue 3 (and the reserved Google ones of issue 6)
 * as effective values. The GSettings keys "microsoft-client-id",
 * "google-client-id" and "google-client-secret" default to '' which means
 * "the value this build was configured with" (meson options of the same
 * names, which packagers set): a schema default cannot come from a build
 * option without generating the schema, and '' keeps a user's explicit
 * choice distinguishable from the packaged one. */

#define BK_SETTINGS_SCHEMA_ID APP_ID

GSettings       *bk_settings_new                        (void);

/* The effective value of any string key of the schema: for the client id and
 * secret keys an empty value gives the build's default; URLs lose a trailing
 * '/'. */
char            *bk_settings_dup_string                 (GSettings  *settings,
                                                         const char *key);

char            *bk_settings_dup_microsoft_client_id    (GSettings  *settings);
char            *bk_settings_dup_graph_url              (GSettings  *settings);
/* The Microsoft identity platform endpoints built from the authority, the
 * tenant and the client id settings. */
BkOAuthProvider *bk_settings_new_microsoft_provider     (GSettings  *settings);

char            *bk_settings_dup_google_client_id       (GSettings  *settings);
char            *bk_settings_dup_google_client_secret   (GSettings  *settings);
/* The Google endpoints, client id and secret from the settings. */
BkOAuthProvider *bk_settings_new_google_provider        (GSettings  *settings);
char            *bk_settings_dup_google_api_url         (GSettings  *settings);

G_END_DECLS
