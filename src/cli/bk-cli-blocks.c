/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-block.h"
#include "bk-cli-private.h"
#include "bk-store.h"
#include "bk-time.h"

static int
blocks_add (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *start_text = NULL;
  g_autofree char *end_text = NULL;
  g_autofree char *title = NULL;
  gboolean help = FALSE;
  gint64 start, end, id;
  const GOptionEntry entries[] = {
    { "start", 0, 0, G_OPTION_ARG_STRING, &start_text, N_("When the block starts (ISO 8601 with offset)"), N_("ISO") },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end_text, N_("When the block ends (ISO 8601 with offset)"), N_("ISO") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("What the time off is for"), N_("TITLE") },
    G_OPTION_ENTRY_NULL
  };

  context = _bk_cli_context_new ("blocks add", NULL,
                                 _("Block [--start, --end) as busy time (time off); "
                                   "prints the new block's id."),
                                 entries, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (rest[0] != NULL)
    return _bk_cli_usage_error (context, _("Too many arguments"));
  if (start_text == NULL)
    return _bk_cli_usage_error (context, _("Missing --start"));
  if (end_text == NULL)
    return _bk_cli_usage_error (context, _("Missing --end"));
  if (!_bk_cli_parse_instant ("--start", start_text, &start, &error) ||
      !_bk_cli_parse_instant ("--end", end_text, &end, &error))
    return _bk_cli_report (context, error);
  if (end <= start)
    {
      g_printerr ("bookablectl: %s\n", _("--end must be after --start"));
      return BK_CLI_EXIT_FAILURE;
    }

  store = _bk_cli_open_store (&error);
  if (store == NULL)
    return _bk_cli_report (NULL, error);

  id = bk_store_add_block (store, start, end, title != NULL && *title != '\0' ? title : NULL, &error);
  if (id <= 0)
    return _bk_cli_report (NULL, error);

  g_print ("%" G_GINT64_FORMAT "\n", id);
  return BK_CLI_EXIT_OK;
}

static JsonNode *
blocks_to_json (GPtrArray *blocks)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < blocks->len; i++)
    {
      const BkBlock *block = g_ptr_array_index (blocks, i);
      g_autofree char *start = bk_time_format_iso8601_utc (block->start);
      g_autofree char *end = bk_time_format_iso8601_utc (block->end);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, block->id);
      json_builder_set_member_name (builder, "start");
      json_builder_add_string_value (builder, start);
      json_builder_set_member_name (builder, "end");
      json_builder_add_string_value (builder, end);
      json_builder_set_member_name (builder, "title");
      if (block->title != NULL)
        json_builder_add_string_value (builder, block->title);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static void
print_blocks_table (GPtrArray *blocks)
{
  g_autoptr(GString) table = g_string_new (NULL);
  g_autofree char *zone = _bk_cli_local_zone_name ();

  if (blocks->len == 0)
    {
      g_print ("%s\n", _("No blocks."));
      return;
    }

  g_string_append_printf (table, _("Blocks (times in %s)"), zone);
  g_string_append_printf (table, "\n\n%-6s  %-16s  %-16s  %s\n",
                          _("ID"), _("Start"), _("End"), _("Title"));
  for (guint i = 0; i < blocks->len; i++)
    {
      const BkBlock *block = g_ptr_array_index (blocks, i);
      g_autofree char *start = _bk_cli_format_local (block->start, "%Y-%m-%d %H:%M");
      g_autofree char *end = _bk_cli_format_local (block->end, "%Y-%m-%d %H:%M");

      g_string_append_printf (table, "%-6" G_GINT64_FORMAT "  %-16s  %-16s  %s\n",
                              block->id, start, end, block->title != NULL ? block->title : "");
    }

  _bk_cli_print_table (table);
}

static int
blocks_list (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(GPtrArray) blocks = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  gboolean help = FALSE;
  gboolean json = FALSE;
  gint64 from = G_MININT64, to = G_MAXINT64;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("Only blocks that end after this instant"), N_("ISO") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("Only blocks that start before this instant"), N_("ISO") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON: [{\"id\", \"start\", \"end\", \"title\"}] in UTC"), NULL },
    G_OPTION_ENTRY_NULL
  };

  context = _bk_cli_context_new ("blocks list", NULL,
                                 _("List the manual busy blocks, sorted by start."),
                                 entries, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (rest[0] != NULL)
    return _bk_cli_usage_error (context, _("Too many arguments"));
  if ((from_text != NULL && !_bk_cli_parse_instant ("--from", from_text, &from, &error)) ||
      (to_text != NULL && !_bk_cli_parse_instant ("--to", to_text, &to, &error)))
    return _bk_cli_report (context, error);
  if (to < from)
    {
      g_printerr ("bookablectl: %s\n", _("--to is before --from"));
      return BK_CLI_EXIT_FAILURE;
    }

  store = _bk_cli_open_store (&error);
  if (store == NULL)
    return _bk_cli_report (NULL, error);

  blocks = bk_store_list_blocks (store, from, to, &error);
  if (blocks == NULL)
    return _bk_cli_report (NULL, error);

  if (json)
    {
      g_autoptr(JsonNode) node = blocks_to_json (blocks);
      _bk_cli_print_json (node);
    }
  else
    {
      print_blocks_table (blocks);
    }

  return BK_CLI_EXIT_OK;
}

static int
blocks_remove (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean help = FALSE;
  gint64 id = 0;

  context = _bk_cli_context_new ("blocks remove", _("ID"),
                                 _("Remove the block with id ID (see “blocks list”)."),
                                 NULL, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (g_strv_length (rest) != 1)
    return _bk_cli_usage_error (context, rest[0] == NULL ? _("Missing ID") : _("Too many arguments"));
  if (!g_ascii_string_to_signed (rest[0], 10, 1, G_MAXINT64, &id, NULL))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a block id (a positive number)"), rest[0]);
      return _bk_cli_usage_error (context, message);
    }

  store = _bk_cli_open_store (&error);
  if (store == NULL)
    return _bk_cli_report (NULL, error);

  if (!bk_store_remove_block (store, id, &error))
    {
      if (g_error_matches (error, BK_STORE_ERROR, BK_STORE_ERROR_NOT_FOUND))
        {
          g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

          g_printerr ("bookablectl: ");
          g_printerr (_("no block with id %s"), id_text);
          g_printerr ("\n");
          return BK_CLI_EXIT_FAILURE;
        }
      return _bk_cli_report (NULL, error);
    }

  return BK_CLI_EXIT_OK;
}

int
_bk_cli_blocks_run (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *message = NULL;
  gboolean help = FALSE;

  if (argc >= 2 && g_str_equal (argv[1], "add"))
    return blocks_add (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "list"))
    return blocks_list (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "remove"))
    return blocks_remove (argc - 1, argv + 1);

  context = _bk_cli_context_new ("blocks", _("add | list | remove"),
                                 _("Manage manual busy blocks (time off):\n"
                                   "  add --start ISO --end ISO [--title T]\n"
                                   "  list [--json]\n"
                                   "  remove ID"),
                                 NULL, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (rest[0] == NULL)
    return _bk_cli_usage_error (context, _("Missing blocks command (add, list or remove)"));

  message = g_strdup_printf (_("Unknown blocks command “%s”"), rest[0]);
  return _bk_cli_usage_error (context, message);
}
