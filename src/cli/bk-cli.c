/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-cli-private.h"

typedef struct
{
  const char *name;
  int       (*run) (int    argc,
                    char **argv);
} BkCliCommand;

static const BkCliCommand commands[] = {
  { "rules",        _bk_cli_rules_run },
  { "blocks",       _bk_cli_blocks_run },
  { "slots",        _bk_cli_slots_run },
  { "appointments", _bk_cli_appointments_run },
  { "signin",       _bk_cli_signin_run },
  { "signout",      _bk_cli_signout_run },
  { "sync",         _bk_cli_sync_run },
  { "status",       _bk_cli_status_run },
  { "connect",      _bk_cli_connect_run },
  { "disconnect",   _bk_cli_disconnect_run },
  { "calendars",    _bk_cli_calendars_run },
  { "busy",         _bk_cli_busy_run },
  { "config",       _bk_cli_config_run },
};

static const BkCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (commands[i].name, name))
        return &commands[i];
    }

  return NULL;
}

static char *
get_usage (void)
{
  GString *usage = g_string_new (NULL);

  g_string_append_printf (usage, "%s\n  bookablectl %s\n\n", _("Usage:"), _("COMMAND [OPTION…]"));
  g_string_append_printf (usage, "%s\n", _("Commands:"));
  g_string_append_printf (usage, "  rules import FILE.json   %s\n",
                          _("Replace the availability rules (“-” reads standard input)"));
  g_string_append_printf (usage, "  rules export             %s\n",
                          _("Print the availability rules as JSON"));
  g_string_append_printf (usage, "  blocks add|list|remove   %s\n",
                          _("Manage manual busy blocks (time off)"));
  g_string_append_printf (usage, "  slots                    %s\n",
                          _("Print the free slots a client would be offered"));
  g_string_append_printf (usage, "  appointments             %s\n",
                          _("Print the cached appointments"));
  g_string_append_printf (usage, "  appointments cancel ID   %s\n",
                          _("Cancel an appointment (sent on the next sync)"));
  g_string_append_printf (usage, "  appointments reschedule ID --start ISO [--end ISO]\n"
                          "                           %s\n",
                          _("Move an appointment (sent on the next sync)"));
  g_string_append_printf (usage, "  signin | signout         %s\n",
                          _("Sign in to or out of a Bookable server"));
  g_string_append_printf (usage, "  sync                     %s\n",
                          _("Run one sync pass with the server"));
  g_string_append_printf (usage, "  status                   %s\n",
                          _("Show the server, the last sync and the changes waiting"));
  g_string_append_printf (usage, "  connect office365|google %s\n",
                          _("Sign in to Office 365 or Google and use its calendars for free time"));
  g_string_append_printf (usage, "  disconnect office365|google %s\n",
                          _("Forget the Office 365 or Google account; back to rules and blocks"));
  g_string_append_printf (usage, "  calendars [select ID…]   %s\n",
                          _("List or choose the calendars that block time"));
  g_string_append_printf (usage, "  busy                     %s\n",
                          _("Print the calendar busy times that block slots"));
  g_string_append_printf (usage, "  config get|set|list      %s\n\n",
                          _("Show or change the provider settings"));
  g_string_append_printf (usage, "%s\n",
                          _("Run “bookablectl COMMAND --help” for the options of a command."));
  g_string_append_printf (usage, "%s\n",
                          _("The profile lives in $XDG_DATA_HOME/bookable. Exit status: 0 on "
                            "success, 1 when an input is refused or an operation fails, 2 on "
                            "a command line error."));

  return g_string_free (usage, FALSE);
}

static int
top_level_usage_error (const char *message)
{
  g_autofree char *usage = get_usage ();

  g_printerr ("bookablectl: %s\n\n%s", message, usage);
  return BK_CLI_EXIT_USAGE;
}

static int
run_help (int    argc,
          char **argv)
{
  const BkCliCommand *command;
  char *help_argv[] = { NULL, (char *) "--help", NULL };

  if (argc < 3)
    {
      g_autofree char *usage = get_usage ();

      g_print ("%s", usage);
      return BK_CLI_EXIT_OK;
    }

  command = find_command (argv[2]);
  if (command == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Unknown command “%s”"), argv[2]);
      return top_level_usage_error (message);
    }

  help_argv[0] = argv[2];
  return command->run (2, help_argv);
}

static void
store_message_cb (const char     *log_domain,
                  GLogLevelFlags  log_level,
                  const char     *message,
                  gpointer        user_data)
{
  /* The store logs its recovery message for the window's journal; here
   * _bk_cli_open_store() prints it as one "bookablectl:" line instead. */
}

int
bk_cli_run (int    argc,
            char **argv)
{
  const BkCliCommand *command;
  const char *name;

  g_return_val_if_fail (argc >= 1, BK_CLI_EXIT_USAGE);
  g_return_val_if_fail (argv != NULL, BK_CLI_EXIT_USAGE);

  g_set_prgname ("bookablectl");
  g_log_set_handler ("bk-store", G_LOG_LEVEL_MESSAGE, store_message_cb, NULL);

  if (argc < 2)
    return top_level_usage_error (_("Missing command"));

  name = argv[1];
  if (g_str_equal (name, "help") || g_str_equal (name, "--help") || g_str_equal (name, "-h"))
    return run_help (argc, argv);

  if (g_str_equal (name, "--version"))
    {
      g_print ("bookablectl %s\n", PACKAGE_VERSION);
      return BK_CLI_EXIT_OK;
    }

  /* a subcommand of someone else's command, so dispatched here */
  if (g_str_equal (name, "appointments") && argc > 2 && g_str_equal (argv[2], "cancel"))
    return _bk_cli_appointments_cancel_run (argc - 2, argv + 2);
  if (g_str_equal (name, "appointments") && argc > 2 && g_str_equal (argv[2], "reschedule"))
    return _bk_cli_appointments_reschedule_run (argc - 2, argv + 2);

  command = find_command (name);
  if (command == NULL)
    {
      g_autofree char *message = NULL;

      if (name[0] == '-')
        message = g_strdup_printf (_("Unknown option %s"), name);
      else
        message = g_strdup_printf (_("Unknown command “%s”"), name);
      return top_level_usage_error (message);
    }

  return command->run (argc - 1, argv + 1);
}
