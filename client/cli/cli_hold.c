/* chat-cli's lines in message id order after a resume. While a room catches up (ChatRoom
 * "catching-up": after a login its RESUME replay, or a gap fill, has not ended) live
 * texts arrive amid the replayed ones, and a terminal cannot put a line above another.
 * So the room's message and file lines are held and printed in id order when the catch
 * up ends (a lost connection's on the next login; at once when the session is
 * disconnected for good), each followed by the lines about it (edits, deletions,
 * reactions) that came meanwhile; lines about a message not printed yet wait for it
 * the same way. The session reports each id once, so nothing is printed twice.
 * HOLD_MAX bounds what is held; past it, what is held is printed at once with a note,
 * and the room's lines are printed as they come until its catch up ends. Holding is
 * only a queue the main loop fills and empties: nothing ever waits for it. */
#include "client/cli/cli.h"

#include <glib/gi18n.h>

#define HOLD_MAX 1000u /* lines held at once over all rooms: ten whole RESUME replays
                          (100 messages each, PROTOCOL.md 5.41) */

/* One message id's lines, held. */
struct held {
    guint64 id;
    ChatMessage *msg;      /* its text (a reference), or NULL */
    char *text;            /* the text as it arrived, or a file's whole line, or NULL:
                              only lines about the message came */
    unsigned style;        /* of the text's line (cli_message_style) */
    GPtrArray *after;      /* lines about it (char *), in the order they came */
};

/* A room catching up, with what is held for it. */
struct held_room {
    struct cli *cli;
    ChatRoom *room;        /* a reference */
    gulong handler;        /* its "notify::catching-up" */
    GHashTable *held;      /* message id -> struct held */
    gboolean overflowed;   /* past HOLD_MAX: lines print as they come */
};

/* What chat-cli holds: room id -> struct held_room, and how many lines in all. */
struct cli_hold {
    GHashTable *rooms;
    guint count;
    gulong rooms_handler;  /* the session's rooms' "items-changed" */
};

static void held_free(gpointer data)
{
    struct held *h = data;
    g_clear_object(&h->msg);
    g_free(h->text);
    g_ptr_array_unref(h->after);
    g_free(h);
}

static gint by_id(gconstpointer a, gconstpointer b)
{
    const struct held *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Prints what room holds, in id order, and empties it. */
static void release(struct held_room *r)
{
    struct cli *cli = r->cli;
    guint32 room_id = chat_room_get_id(r->room);
    GList *lines = g_list_sort(g_hash_table_get_values(r->held), by_id);
    cli->hold->count -= g_hash_table_size(r->held);
    g_hash_table_steal_all(r->held);
    for (GList *l = lines; l; l = l->next) {
        struct held *h = l->data;
        if (h->msg)
            cli_live_print_message(cli, h->msg, h->text, h->style);
        else if (h->text)
            cli_print_room_event(cli, room_id, "%s", h->text);
        for (guint j = 0; j < h->after->len; j++)
            cli_print_room_event(cli, room_id, "%s", (char *)h->after->pdata[j]);
        held_free(h);
    }
    g_list_free(lines);
}

static void held_room_free(gpointer data)
{
    struct held_room *r = data;
    release(r);
    g_signal_handler_disconnect(r->room, r->handler);
    g_object_unref(r->room);
    g_hash_table_unref(r->held);
    g_free(r);
}

/* The room's catch up ended: its lines are printed and it is no longer held. */
static void on_catching_up(ChatRoom *room, GParamSpec *pspec, struct held_room *r)
{
    (void)pspec;
    if (!chat_room_get_catching_up(room))
        g_hash_table_remove(r->cli->hold->rooms, GUINT_TO_POINTER(chat_room_get_id(room)));
}

/* A room left (or gone) during its catch up: its lines are printed now. */
static void on_rooms_changed(GListModel *rooms, guint position, guint removed, guint added,
                             struct cli *cli)
{
    (void)rooms;
    (void)position;
    (void)added;
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, cli->hold->rooms);
    while (removed && g_hash_table_iter_next(&iter, &key, NULL))
        if (!chat_session_find_room(cli->session, GPOINTER_TO_UINT(key)))
            g_hash_table_iter_remove(&iter);
}

/* The room's hold when its lines are to be held now (NULL: print them). */
static struct held_room *holding(struct cli *cli, guint32 room_id)
{
    if (!cli->hold) {
        cli->hold = g_new0(struct cli_hold, 1);
        cli->hold->rooms = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                                 held_room_free);
        cli->hold->rooms_handler = g_signal_connect(chat_session_get_rooms(cli->session),
                                                    "items-changed",
                                                    G_CALLBACK(on_rooms_changed), cli);
    }
    struct held_room *r = g_hash_table_lookup(cli->hold->rooms, GUINT_TO_POINTER(room_id));
    if (!r) {
        ChatRoom *room = chat_session_find_room(cli->session, room_id);
        if (!room || !chat_room_get_catching_up(room))
            return NULL;
        r = g_new0(struct held_room, 1);
        r->cli = cli;
        r->room = g_object_ref(room);
        r->handler = g_signal_connect(room, "notify::catching-up", G_CALLBACK(on_catching_up), r);
        r->held = g_hash_table_new(g_int64_hash, g_int64_equal);
        g_hash_table_insert(cli->hold->rooms, GUINT_TO_POINTER(room_id), r);
    }
    return r->overflowed ? NULL : r;
}

/* Past HOLD_MAX: every room's lines are printed, and from now on as they come. */
static void overflow(struct cli *cli)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, cli->hold->rooms);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        struct held_room *r = value;
        if (r->overflowed)
            continue;
        release(r);
        r->overflowed = TRUE;
        cli_print_room_event(cli, chat_room_get_id(r->room),
                             _("* still catching up: the lines that follow may be out of "
                               "order (the #numbers give the order)"));
    }
}

/* The held lines of message id in r, made when new (NULL: over the bound, print). */
static struct held *held_for(struct cli *cli, struct held_room *r, guint64 id)
{
    struct held *h = g_hash_table_lookup(r->held, &id);
    if (h)
        return h;
    if (cli->hold->count >= HOLD_MAX) {
        overflow(cli);
        return NULL;
    }
    h = g_new0(struct held, 1);
    h->id = id;
    h->after = g_ptr_array_new_with_free_func(g_free);
    g_hash_table_insert(r->held, &h->id, h);
    cli->hold->count++;
    return h;
}

/* Prints a text's line, or holds it while its room catches up (see cli.h). */
void cli_hold_message(struct cli *cli, ChatMessage *msg)
{
    const char *text = chat_message_get_text(msg);
    unsigned style = cli_message_style(cli, msg);
    struct held_room *r = holding(cli, chat_message_get_room_id(msg));
    struct held *h = r ? held_for(cli, r, chat_message_get_id(msg)) : NULL;
    if (!h) {
        cli_live_print_message(cli, msg, text, style);
        return;
    }
    h->msg = g_object_ref(msg);
    h->text = g_strdup(text);
    h->style = style;
}

/* Prints a file's line, or holds it while its room catches up (see cli.h). */
void cli_hold_file(struct cli *cli, guint32 room_id, guint64 message_id, const char *line)
{
    struct held_room *r = holding(cli, room_id);
    struct held *h = r ? held_for(cli, r, message_id) : NULL;
    if (h)
        h->text = g_strdup(line);
    else
        cli_print_room_event(cli, room_id, "%s", line);
}

/* Prints a line about a message, or holds it after that message (see cli.h). */
void cli_hold_about(struct cli *cli, guint32 room_id, guint64 message_id, const char *line)
{
    struct held_room *r = cli_live_printed(cli, message_id) ? NULL : holding(cli, room_id);
    struct held *h = r ? held_for(cli, r, message_id) : NULL;
    if (h)
        g_ptr_array_add(h->after, g_strdup(line));
    else
        cli_print_room_event(cli, room_id, "%s", line);
}

/* Prints whatever is still held and frees the hold (see cli.h). */
void cli_hold_clear(struct cli *cli)
{
    if (!cli->hold)
        return;
    g_signal_handler_disconnect(chat_session_get_rooms(cli->session), cli->hold->rooms_handler);
    g_hash_table_unref(cli->hold->rooms);
    g_clear_pointer(&cli->hold, g_free);
}
