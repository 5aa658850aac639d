/* chat-cli's search, mentions and notification levels: /search TEXT prints each match
 * with its room, id, time, sender and snippet; /notify sets the current room's level; a
 * text that mentions the user is highlighted and, unless its room is at "none", rings
 * the terminal bell (nothing else does). */
#include <glib/gi18n.h>
#include <string.h>

#include "client/cli/cli.h"

#define CLI_SEARCH_LIMIT 20 /* results asked for per /search */

unsigned cli_message_style(struct cli *cli, ChatMessage *msg)
{
    unsigned style = 0;
    if (!chat_message_get_own(msg) &&
        chat_session_mentions_me(cli->session, chat_message_get_text(msg))) {
        style |= CLI_STYLE_HIGHLIGHT;
        if (chat_session_should_notify(cli->session, msg))
            style |= CLI_STYLE_BELL;
    }
    return style;
}

static void on_search_result(ChatSession *session, ChatSearchResult *r, struct cli *cli)
{
    (void)session;
    GDateTime *time = g_date_time_new_from_unix_local(r->time_ms / 1000);
    char *when = time ? g_date_time_format(time, "%Y-%m-%d %H:%M") : g_strdup("?");
    char *tag = cli_room_tag(cli, r->room_id);
    cli_print_styled(tag, CLI_STYLE_MARKS, _("found #%llu %s <%s> %s"),
                     (unsigned long long)r->message_id, when, r->sender, r->snippet);
    g_free(tag);
    g_free(when);
    if (time)
        g_date_time_unref(time);
}

static void command_notify(struct cli *cli, const char *args)
{
    static const char *const level_words[] = {
        [CHAT_NOTIFY_ALL] = N_("every message"),
        [CHAT_NOTIFY_MENTIONS] = N_("mentions of you only"),
        [CHAT_NOTIFY_NONE] = N_("nothing"),
    };
    if (args[0]) {
        ChatNotifyLevel level;
        if (!chat_notify_level_parse(args, &level)) {
            cli_request_failed(cli, _("usage: /notify all|mentions|none"));
            return;
        }
        chat_session_set_notify_level(cli->session, cli->room_id, level);
    }
    ChatNotifyLevel level = chat_session_get_notify_level(cli->session, cli->room_id);
    cli_print_room_event(cli, cli->room_id, _("* notifications here: %s"),
                         _(level_words[level]));
}

gboolean cli_search_command(struct cli *cli, const char *command, char *args)
{
    if (strcmp(command, "/search") == 0) {
        GError *error = NULL;
        if (!args[0])
            cli_request_failed(cli, _("usage: /search TEXT"));
        else if (!chat_session_search(cli->session, CHAT_SEARCH_ALL_ROOMS, args,
                                      CLI_SEARCH_LIMIT, &error))
            cli_request_failed(cli, "%s", error->message);
        g_clear_error(&error);
        return TRUE;
    }
    if (strcmp(command, "/notify") == 0) {
        command_notify(cli, args);
        return TRUE;
    }
    return FALSE;
}

void cli_search_connect_signals(struct cli *cli)
{
    g_signal_connect(cli->session, "search-result", G_CALLBACK(on_search_result), cli);
}
