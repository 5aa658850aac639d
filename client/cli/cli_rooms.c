/* chat-cli's rooms and direct messages: the current room (where typed lines go), the
 * room tag on every line of a room, and the commands /rooms, /join, /create, /leave,
 * /switch, /msg, /topic, /invite USER, /block, /unblock and /history. */
#include <glib/gi18n.h>
#include <string.h>

#include "client/cli/cli.h"

/* "#name", "@name", or "room N" for a room the session does not know (yet). */
char *cli_room_tag(struct cli *cli, guint32 room_id)
{
    ChatRoom *room = chat_session_find_room(cli->session, room_id);
    if (room)
        return chat_room_dup_label(room);
    return room_id == CLI_LOBBY ? g_strdup("#lobby") : g_strdup_printf("room %u", room_id);
}

/* One event line of a room (see cli.h). */
void cli_print_room_event(struct cli *cli, guint32 room_id, const char *format, ...)
{
    char *tag = cli_room_tag(cli, room_id);
    va_list args;
    va_start(args, format);
    cli_print_tagged_v(tag, format, args);
    va_end(args);
    g_free(tag);
}

static void report(struct cli *cli, GError *error)
{
    if (error)
        cli_request_failed(cli, "%s", error->message);
    g_clear_error(&error);
}

/* Splits "NAME REST" or "\"NAME WITH SPACES\" REST": returns NAME (a new string, NULL
 * when missing) and points *rest at REST. */
static char *take_name(char *args, char **rest)
{
    char *end;
    char *name;
    if (args[0] == '"' && (end = strchr(args + 1, '"')) != NULL) {
        name = g_strndup(args + 1, (gsize)(end - args - 1));
        end++;
    } else {
        end = args + strcspn(args, " \t");
        name = g_strndup(args, (gsize)(end - args));
    }
    *rest = end + strspn(end, " \t");
    if (!name[0])
        g_clear_pointer(&name, g_free);
    return name;
}

static void set_current(struct cli *cli, ChatRoom *room)
{
    cli->room_id = chat_room_get_id(room);
    const char *topic = chat_room_get_topic(room);
    if (*topic)
        cli_print_room_event(cli, cli->room_id, _("* now talking here; topic: %s"), topic);
    else
        cli_print_room_event(cli, cli->room_id, _("* now talking here"));
}

/* /join and /create: the room becomes the current one once the server answered. */
static void expect_switch(struct cli *cli, guint64 request_id, const char *name)
{
    if (!request_id)
        return;
    cli->switch_request = request_id;
    g_free(cli->switch_name);
    cli->switch_name = g_strconcat("#", name[0] == '#' ? name + 1 : name, NULL);
}

static void command_create(struct cli *cli, char *args)
{
    ChatRoomKind kind = CHAT_ROOM_PUBLIC;
    if (g_str_has_prefix(args, "--private")) {
        kind = CHAT_ROOM_PRIVATE;
        args = g_strstrip(args + strlen("--private"));
    }
    if (!args[0]) {
        cli_request_failed(cli, "usage: /create [--private] ROOM");
        return;
    }
    const char *name = args[0] == '#' ? args + 1 : args;
    GError *error = NULL;
    expect_switch(cli, chat_session_create_room(cli->session, name, kind, "", &error), name);
    report(cli, error);
}

/* The room named by args, or the current one when args is empty; NULL (said so) when
 * there is no such joined room. */
static ChatRoom *room_arg(struct cli *cli, const char *args)
{
    ChatRoom *room = args[0] ? chat_session_find_room_named(cli->session, args)
                             : chat_session_find_room(cli->session, cli->room_id);
    if (!room)
        cli_request_failed(cli, "you are not in %s (see /rooms)", args[0] ? args : "a room");
    return room;
}

static void command_msg(struct cli *cli, char *args)
{
    char *text;
    char *user = take_name(args, &text);
    GError *error = NULL;
    if (!user || !text[0])
        cli_request_failed(cli, "usage: /msg USER TEXT");
    else
        chat_session_send_direct(cli->session, user, text, &error);
    report(cli, error);
    g_free(user);
}

/* /rooms: the joined rooms and direct conversations from the session, then the server's
 * list of rooms one may join (its "room-listed" lines). */
static void command_rooms(struct cli *cli)
{
    GListModel *rooms = chat_session_get_rooms(cli->session);
    for (guint i = 0; i < g_list_model_get_n_items(rooms); i++) {
        ChatRoom *room = g_list_model_get_item(rooms, i);
        guint32 id = chat_room_get_id(room);
        cli_print_room_event(cli, id, _("* %s%u members, %u online, %u unread"),
                             id == cli->room_id ? _("(current) ") : "",
                             chat_room_get_member_count(room), chat_room_get_online_count(room),
                             chat_room_get_unread_count(room));
        chat_room_mark_read(room);
        g_object_unref(room);
    }
    GError *error = NULL;
    chat_session_request_room_list(cli->session, &error);
    report(cli, error);
}

#define CLI_HISTORY_DEFAULT 20u /* /history without N */

static void command_history(struct cli *cli, const char *args)
{
    guint64 count = CLI_HISTORY_DEFAULT;
    if (args[0] && !g_ascii_string_to_unsigned(args, 10, 1, 100, &count, NULL)) {
        cli_request_failed(cli, "usage: /history [N] (N from 1 to 100)");
        return;
    }
    GError *error = NULL;
    chat_session_load_history(cli->session, cli->room_id, (guint)count, &error);
    report(cli, error);
}

/* Room commands (see cli.h). /invite without a USER is the account invite code
 * (cli_account.c), so it is not taken here. */
gboolean cli_rooms_command(struct cli *cli, const char *command, char *args)
{
    GError *error = NULL;
    ChatRoom *room;
    if (strcmp(command, "/join") == 0) {
        if (!args[0]) {
            cli_request_failed(cli, "usage: /join ROOM");
            return TRUE;
        }
        expect_switch(cli, chat_session_join_room(cli->session, args, &error), args);
    } else if (strcmp(command, "/create") == 0) {
        command_create(cli, args);
    } else if (strcmp(command, "/leave") == 0) {
        if ((room = room_arg(cli, args)) != NULL)
            chat_session_leave_room(cli->session, chat_room_get_id(room), &error);
    } else if (strcmp(command, "/switch") == 0) {
        if (!args[0])
            cli_request_failed(cli, "usage: /switch ROOM");
        else if ((room = room_arg(cli, args)) != NULL)
            set_current(cli, room);
    } else if (strcmp(command, "/rooms") == 0) {
        command_rooms(cli);
    } else if (strcmp(command, "/history") == 0) {
        command_history(cli, args);
    } else if (strcmp(command, "/msg") == 0) {
        command_msg(cli, args);
    } else if (strcmp(command, "/topic") == 0) {
        chat_session_set_room_topic(cli->session, cli->room_id, args, &error);
    } else if (strcmp(command, "/invite") == 0 && args[0]) {
        chat_session_invite_to_room(cli->session, cli->room_id, args, &error);
    } else if (strcmp(command, "/block") == 0 || strcmp(command, "/unblock") == 0) {
        if (!args[0])
            cli_request_failed(cli, "usage: %s USER", command);
        else
            chat_session_block_user(cli->session, args, command[1] == 'b', &error);
    } else {
        return FALSE;
    }
    report(cli, error);
    return TRUE;
}

/* ---- Events ---- */

static void on_request_done(ChatSession *session, guint64 id, const char *what, struct cli *cli)
{
    (void)what;
    if (id != cli->switch_request)
        return;
    cli->switch_request = 0;
    ChatRoom *room = chat_session_find_room_named(session, cli->switch_name);
    if (room)
        set_current(cli, room);
}

static void on_room_listed(ChatSession *session, guint64 id, ChatRoom *room, struct cli *cli)
{
    (void)session;
    (void)id;
    (void)cli;
    char *label = chat_room_dup_label(room);
    const char *topic = chat_room_get_topic(room);
    cli_print_event(_("* %s: %s, %u members%s%s%s"), label,
                    chat_room_get_kind(room) == CHAT_ROOM_PRIVATE ? _("private") : _("public"),
                    chat_room_get_member_count(room),
                    chat_room_get_joined(room) ? _(", joined") : "", *topic ? ": " : "", topic);
    g_free(label);
}

static void on_room_event(ChatSession *session, ChatRoom *room, const char *text,
                          struct cli *cli)
{
    (void)session;
    cli_print_room_event(cli, chat_room_get_id(room), "* %s", text);
}

static void on_room_invited(ChatSession *session, const char *name, const char *inviter,
                            const char *topic, struct cli *cli)
{
    (void)session;
    (void)cli;
    (void)topic;
    cli_print_event(_("* %s invited you to #%s (/join %s)"), inviter, name, name);
}

static void on_history_loaded(ChatSession *session, ChatRoom *room, guint count, gboolean more,
                              struct cli *cli)
{
    (void)session;
    cli_print_room_event(cli, chat_room_get_id(room),
                         more ? _("* %u earlier messages")
                              : _("* %u earlier messages; no older ones"),
                         count);
}

static void on_history_gap(ChatSession *session, ChatRoom *room, guint64 after_id,
                           guint64 before_id, struct cli *cli)
{
    (void)session;
    (void)after_id;
    (void)before_id;
    cli_print_room_event(cli, chat_room_get_id(room),
                         _("* more was said while you were away than fits at once; the "
                           "older part follows"));
}

/* A room left (or gone): the lobby becomes the current room again. */
static void on_rooms_changed(GListModel *rooms, guint position, guint removed, guint added,
                             struct cli *cli)
{
    (void)rooms;
    (void)position;
    (void)added;
    if (removed && cli->room_id != CLI_LOBBY &&
        !chat_session_find_room(cli->session, cli->room_id))
        cli->room_id = CLI_LOBBY;
}

/* Connects the room signals (see cli.h). */
void cli_rooms_connect_signals(struct cli *cli)
{
    g_signal_connect(cli->session, "request-done", G_CALLBACK(on_request_done), cli);
    g_signal_connect(cli->session, "room-listed", G_CALLBACK(on_room_listed), cli);
    g_signal_connect(cli->session, "room-event", G_CALLBACK(on_room_event), cli);
    g_signal_connect(cli->session, "room-invited", G_CALLBACK(on_room_invited), cli);
    g_signal_connect(cli->session, "history-loaded", G_CALLBACK(on_history_loaded), cli);
    g_signal_connect(cli->session, "history-gap", G_CALLBACK(on_history_gap), cli);
    g_signal_connect(chat_session_get_rooms(cli->session), "items-changed",
                     G_CALLBACK(on_rooms_changed), cli);
}

/* Frees the rooms part of cli. */
void cli_rooms_clear(struct cli *cli)
{
    g_clear_pointer(&cli->switch_name, g_free);
}
