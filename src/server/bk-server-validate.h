/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "bk-server-request.h"

G_BEGIN_DECLS

/* Each returns TRUE, or FALSE with *@error_response set to a 4xx answer
 * naming the field at fault. */

/* The body as a JSON object whose members are all in @allowed (NULL-ended);
 * unknown members, other types and bad JSON are refused. */
JsonObject *bk_server_parse_object  (BkServerRequest    *request,
                                     const char * const *allowed,
                                     JsonNode          **out_root,
                                     BkServerResponse  **error_response);
/* A string member of @min..@max characters without control characters
 * (newlines only when @multiline). Absent: *@out = NULL, fine unless @required. */
gboolean    bk_server_get_string    (JsonObject         *object,
                                     const char         *name,
                                     gboolean            required,
                                     guint               min,
                                     guint               max,
                                     gboolean            multiline,
                                     const char        **out,
                                     BkServerResponse  **error_response);
/* RFC 3339 with an offset; *@out in Unix seconds. */
gboolean    bk_server_get_time      (JsonObject         *object,
                                     const char         *name,
                                     gint64             *out,
                                     BkServerResponse  **error_response);
gboolean    bk_server_parse_time    (const char         *text,
                                     gint64             *out);
char       *bk_server_format_time   (gint64              unix_seconds);

gboolean    bk_server_check_text    (const char         *field,
                                     const char         *value,
                                     guint               min,
                                     guint               max,
                                     gboolean            multiline,
                                     BkServerResponse  **error_response);
typedef enum
{
  BK_SERVER_PATTERN_EMAIL,
  BK_SERVER_PATTERN_SLUG,
  BK_SERVER_PATTERN_ZONE,
  BK_SERVER_PATTERN_UUID,
  BK_SERVER_PATTERN_TOKEN,   /* 43 characters of base64url: our tokens */
} BkServerPattern;

/* Whether all of @text matches @pattern (compiled once, thread-safe). */
gboolean    bk_server_matches       (BkServerPattern     pattern,
                                     const char         *text);
gboolean    bk_server_valid_email   (const char         *email);
gboolean    bk_server_valid_slug    (const char         *slug);
gboolean    bk_server_valid_zone    (const char         *zone);
/* [@start, @end) is a sane slot: end after start, at most a day long. */
gboolean    bk_server_check_range   (gint64              start,
                                     gint64              end,
                                     gint64              max_length,
                                     BkServerResponse  **error_response);

G_END_DECLS
