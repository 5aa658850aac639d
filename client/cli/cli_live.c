/* chat-cli's side of the live conversation: message lines with their ids, replies with
 * a short quote, edits, deletions, reaction counts, typing, read markers and receipts,
 * and the commands /edit, /delete ID, /reply, /react, /read and /typing. */
#include "client/cli/cli.h"

#include <glib/gi18n.h>
#include <string.h>

#define QUOTE_CHARS 40     /* characters of a replied-to text shown in the quote */
#define REMEMBERED 2000    /* messages kept for quotes (the oldest are forgotten) */

/* A message as chat-cli last printed it, for quoting. */
struct seen {
    char *sender;
    char *text;            /* NULL once deleted */
};

static void seen_free(gpointer data)
{
    struct seen *s = data;
    g_free(s->sender);
    g_free(s->text);
    g_free(s);
}

/* The live state of chat-cli: what it remembers of messages and typing. */
struct cli_live {
    GHashTable *seen;      /* message id (guint64 *) -> struct seen */
    GQueue order;          /* message ids (guint64 *, owned by seen) oldest first */
    GHashTable *typing;    /* room id -> the typing line last printed (char *) */
};

static struct cli_live *live_of(struct cli *cli)
{
    if (!cli->live) {
        cli->live = g_new0(struct cli_live, 1);
        cli->live->seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, seen_free);
        cli->live->typing = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    }
    return cli->live;
}

static void remember(struct cli *cli, guint64 id, const char *sender, const char *text)
{
    struct cli_live *l = live_of(cli);
    if (g_hash_table_contains(l->seen, &id))
        return;
    struct seen *s = g_new0(struct seen, 1);
    s->sender = g_strdup(sender);
    s->text = g_strdup(text);
    guint64 *key = g_memdup2(&id, sizeof id);
    g_hash_table_insert(l->seen, key, s);
    g_queue_push_tail(&l->order, key);
    if (l->order.length > REMEMBERED)
        g_hash_table_remove(l->seen, g_queue_pop_head(&l->order));
}

/* The first QUOTE_CHARS characters of text on one line, "…" when cut. */
static char *quote_of(const char *text)
{
    char *one_line = g_strdelimit(g_strdup(text), "\n\t", ' ');
    if (g_utf8_strlen(one_line, -1) <= QUOTE_CHARS)
        return one_line;
    char *cut = g_utf8_substring(one_line, 0, QUOTE_CHARS);
    char *quote = g_strconcat(cut, "…", NULL);
    g_free(cut);
    g_free(one_line);
    return quote;
}

/* Prints a message line "#ID <sender> text" (see cli.h). */
void cli_live_print_message(struct cli *cli, ChatMessage *msg, const char *text, unsigned style)
{
    guint64 id = chat_message_get_id(msg);
    guint32 room_id = chat_message_get_room_id(msg);
    const char *sender = chat_message_get_sender(msg);
    guint64 reply_to = chat_message_get_reply_to_id(msg);
    if (reply_to) {
        struct seen *s = g_hash_table_lookup(live_of(cli)->seen, &reply_to);
        char *quote = s && s->text ? quote_of(s->text) : NULL;
        if (quote)
            cli_print_room_event(cli, room_id, _("#%llu ↪ #%llu <%s> %s"),
                                 (unsigned long long)id,
                                 (unsigned long long)reply_to, s->sender, quote);
        else
            cli_print_room_event(cli, room_id, _("#%llu ↪ #%llu"),
                                 (unsigned long long)id,
                                 (unsigned long long)reply_to);
        g_free(quote);
    }
    char *tag = cli_room_tag(cli, room_id);
    cli_print_styled(tag, style, "#%llu <%s> %s", (unsigned long long)id, sender, text);
    g_free(tag);
    /* for quotes, the message as it now is (a held line may have been edited since) */
    remember(cli, id, sender, chat_message_get_deleted(msg) ? NULL : chat_message_get_text(msg));
}

/* Whether message_id's line was printed (and is still remembered). */
gboolean cli_live_printed(struct cli *cli, guint64 message_id)
{
    return g_hash_table_contains(live_of(cli)->seen, &message_id);
}

static void on_edited(ChatSession *session, guint room_id, guint64 message_id,
                      const char *text, const char *actor, struct cli *cli)
{
    (void)session;
    struct seen *s = g_hash_table_lookup(live_of(cli)->seen, &message_id);
    if (s) {
        g_free(s->text);
        s->text = g_strdup(text);
    }
    char *line = g_strdup_printf(_("#%llu (edited) <%s> %s"), (unsigned long long)message_id,
                                 actor, text);
    cli_hold_about(cli, room_id, message_id, line);
    g_free(line);
}

static void on_deleted(ChatSession *session, guint room_id, guint64 message_id,
                       const char *actor, struct cli *cli)
{
    (void)session;
    struct seen *s = g_hash_table_lookup(live_of(cli)->seen, &message_id);
    if (s)
        g_clear_pointer(&s->text, g_free);
    char *line = g_strdup_printf(_("#%llu message deleted (by %s)"),
                                 (unsigned long long)message_id, actor);
    cli_hold_about(cli, room_id, message_id, line);
    g_free(line);
}

static void on_reactions(ChatSession *session, guint room_id, guint64 message_id,
                         struct cli *cli)
{
    GPtrArray *reactions = chat_session_list_reactions(session, message_id);
    GString *counts = g_string_new(NULL);
    for (guint i = 0; i < reactions->len; i++) {
        const ChatReaction *r = reactions->pdata[i];
        g_string_append_printf(counts, "%s%s %u", i ? ", " : "", r->emoji, r->count);
    }
    char *line = reactions->len ? g_strdup_printf(_("#%llu reactions: %s"),
                                                  (unsigned long long)message_id, counts->str)
                                : g_strdup_printf(_("#%llu reactions: none"),
                                                  (unsigned long long)message_id);
    cli_hold_about(cli, room_id, message_id, line);
    g_free(line);
    g_string_free(counts, TRUE);
    g_ptr_array_unref(reactions);
}

/* Prints who types when that changes (not when nobody does any more). */
static void on_typing(ChatSession *session, guint room_id, struct cli *cli)
{
    GHashTable *printed = live_of(cli)->typing;
    char *text = chat_session_get_typing_text(session, room_id);
    gpointer key = GUINT_TO_POINTER(room_id);
    if (text && g_strcmp0(text, g_hash_table_lookup(printed, key)) != 0)
        cli_print_room_event(cli, room_id, "%s", text);
    if (text)
        g_hash_table_insert(printed, key, text);
    else
        g_hash_table_remove(printed, key);
}

static void on_read_marker(ChatSession *session, guint room_id, guint64 message_id,
                           struct cli *cli)
{
    (void)session;
    cli_print_room_event(cli, room_id, _("* read up to #%llu"),
                         (unsigned long long)message_id);
}

static void on_receipt(ChatSession *session, guint room_id, guint64 message_id,
                       const char *name, guint count, struct cli *cli)
{
    (void)session;
    if (name)
        cli_print_room_event(cli, room_id, _("* %s read up to #%llu"), name,
                             (unsigned long long)message_id);
    else
        cli_print_room_event(cli, room_id, _("* %u have read up to #%llu"), count,
                             (unsigned long long)message_id);
}

/* Reads "#ID" or "ID" at the start of args; 0 when there is none. *rest points after
 * it (and its spaces). */
static guint64 take_id(char *args, char **rest)
{
    const char *digits = args[0] == '#' ? args + 1 : args;
    char *end = NULL;
    guint64 id = g_ascii_isdigit(digits[0]) ? g_ascii_strtoull(digits, &end, 10) : 0;
    if (id == 0 || (*end && !g_ascii_isspace(*end)))
        return 0;
    *rest = g_strchug(end);
    return id;
}

static void report(struct cli *cli, guint64 ok, GError *error)
{
    if (!ok && error)
        cli_request_failed(cli, "%s", error->message);
    g_clear_error(&error);
}

static gboolean command_typing(struct cli *cli, const char *args)
{
    static const char *const states[] = { "done", "active", "paused" };
    for (guint i = 0; i < G_N_ELEMENTS(states); i++)
        if (g_str_equal(args[0] ? args : "active", states[i])) {
            chat_session_set_typing(cli->session, cli->room_id, (ChatTypingState)i);
            return TRUE;
        }
    cli_request_failed(cli, _("usage: /typing [active|paused|done]"));
    return TRUE;
}

/* /edit, /delete ID, /reply, /react, /read, /typing (see cli.h). */
gboolean cli_live_command(struct cli *cli, const char *command, char *args)
{
    GError *error = NULL;
    char *rest = NULL;
    guint64 id = take_id(args, &rest);
    if (g_str_equal(command, "/read")) {
        report(cli, chat_session_mark_read(cli->session, cli->room_id, 0, &error), error);
    } else if (g_str_equal(command, "/typing")) {
        return command_typing(cli, args);
    } else if (g_str_equal(command, "/delete")) {
        if (!id || rest[0])
            return FALSE; /* /delete NAME: an account (cli_account.c) */
        report(cli, chat_session_delete_message(cli->session, id, &error), error);
    } else if (g_str_equal(command, "/edit") || g_str_equal(command, "/reply") ||
               g_str_equal(command, "/react")) {
        if (!id || !rest[0]) {
            cli_request_failed(cli, g_str_equal(command, "/react") ? _("usage: /react ID EMOJI")
                                    : g_str_equal(command, "/edit") ? _("usage: /edit ID TEXT")
                                                                    : _("usage: /reply ID TEXT"));
            return TRUE;
        }
        guint64 ok = g_str_equal(command, "/edit")
            ? chat_session_edit_message(cli->session, id, rest, &error)
            : g_str_equal(command, "/react")
            ? chat_session_react(cli->session, id, rest, &error)
            : chat_session_send_reply(cli->session, cli->room_id, id, rest, &error) != NULL;
        report(cli, ok, error);
    } else {
        return FALSE;
    }
    return TRUE;
}

/* Connects the live conversation's signals to their lines (see cli.h). */
void cli_live_connect_signals(struct cli *cli)
{
    g_signal_connect(cli->session, "message-edited", G_CALLBACK(on_edited), cli);
    g_signal_connect(cli->session, "message-deleted", G_CALLBACK(on_deleted), cli);
    g_signal_connect(cli->session, "reactions-changed", G_CALLBACK(on_reactions), cli);
    g_signal_connect(cli->session, "typing-changed", G_CALLBACK(on_typing), cli);
    g_signal_connect(cli->session, "read-marker", G_CALLBACK(on_read_marker), cli);
    g_signal_connect(cli->session, "receipt", G_CALLBACK(on_receipt), cli);
}

/* Frees the remembered messages and typing lines (see cli.h). */
void cli_live_clear(struct cli *cli)
{
    if (!cli->live)
        return;
    g_hash_table_unref(cli->live->seen);
    g_queue_clear(&cli->live->order);
    g_hash_table_unref(cli->live->typing);
    g_clear_pointer(&cli->live, g_free);
}
