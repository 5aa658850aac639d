/* Presence state (session.h "Presence state"): who in the lobby and in each room is
 * away, and ours, kept across reconnects and set by an idle timer. */
#include "client/core/session_private.h"

void session_presence_init(ChatSession *self)
{
    self->presence.away_users = g_hash_table_new(g_direct_hash, g_direct_equal);
}

void session_presence_clear(ChatSession *self)
{
    if (self->presence.idle_source)
        g_source_remove(self->presence.idle_source);
    self->presence.idle_source = 0;
    g_clear_pointer(&self->presence.away_users, g_hash_table_unref);
}

void session_presence_reset(ChatSession *self)
{
    g_hash_table_remove_all(self->presence.away_users);
    self->presence.unsupported = FALSE;
}

gboolean session_presence_failed(ChatSession *self, guint code)
{
    if (code != PROTO_E_UNKNOWN_TYPE)
        return FALSE; /* changed too often: "server-error" says so in words */
    self->presence.unsupported = TRUE;
    return TRUE;
}

void session_presence_user_left(ChatSession *self, guint32 user_id)
{
    g_hash_table_remove(self->presence.away_users, GUINT_TO_POINTER(user_id));
}

/* Tells the server our state, if connected. */
static void send_state(ChatSession *self)
{
    if (!session_can_send(self) || self->presence.unsupported)
        return;
    struct proto_msg msg = { .type = PROTO_PRESENCE_SET, .u.presence_set = {
        ++self->last_request_id,
        self->presence.away ? PROTO_PRESENCE_AWAY : PROTO_PRESENCE_ACTIVE,
    } };
    session_send(self, &msg);
}

void session_presence_logged_in(ChatSession *self)
{
    if (self->presence.away)
        send_state(self);
}

/* Sets our state (automatic or by hand) and says so if it changed. */
static void set_away(ChatSession *self, gboolean away, gboolean automatic)
{
    self->presence.away_auto = away && automatic;
    if (self->presence.away == away)
        return;
    self->presence.away = away;
    send_state(self);
}

static gboolean on_idle(gpointer data)
{
    ChatSession *self = data;
    self->presence.idle_source = 0;
    if (!self->presence.away)
        set_away(self, TRUE, TRUE);
    return G_SOURCE_REMOVE;
}

/* (Re)starts the idle timer when auto-away is on. */
static void restart_idle(ChatSession *self)
{
    if (self->presence.idle_source)
        g_source_remove(self->presence.idle_source);
    self->presence.idle_source = 0;
    if (self->presence.idle_seconds > 0)
        self->presence.idle_source =
            g_timeout_add_seconds(self->presence.idle_seconds, on_idle, self);
}

gboolean chat_session_user_away(ChatSession *self, const char *name)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self) && name != NULL, FALSE);
    guint32 id;
    return session_find_user(self, name, &id) &&
           g_hash_table_contains(self->presence.away_users, GUINT_TO_POINTER(id));
}

void chat_session_set_away(ChatSession *self, gboolean away)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    set_away(self, away, FALSE);
    if (!away)
        restart_idle(self);
}

gboolean chat_session_get_away(ChatSession *self)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), FALSE);
    return self->presence.away;
}

void chat_session_set_auto_away(ChatSession *self, guint idle_seconds)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    self->presence.idle_seconds = idle_seconds;
    if (idle_seconds == 0 && self->presence.away_auto)
        set_away(self, FALSE, TRUE);
    restart_idle(self);
}

void chat_session_note_input(ChatSession *self)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    if (self->presence.away_auto)
        set_away(self, FALSE, TRUE);
    if (!self->presence.away) /* away by hand stays until set back */
        restart_idle(self);
}

/* PRESENCE_STATE: the lobby's users by connection id, a room's members by account id. */
static void on_state(ChatSession *self, const struct proto_room_members *m)
{
    gboolean away = m->state == PROTO_PRESENCE_AWAY;
    ChatRoom *room = m->room_id == PROTO_ROOM_LOBBY ? NULL
                                                    : chat_session_find_room(self, m->room_id);
    if (m->room_id != PROTO_ROOM_LOBBY && room == NULL)
        return;
    size_t cursor = 0;
    struct proto_user user;
    while (proto_users_next(&m->users, &cursor, &user)) {
        if (room != NULL)
            chat_room_set_member_away(room, user.id, away);
        else if (away && g_hash_table_contains(self->users, GUINT_TO_POINTER(user.id)))
            g_hash_table_add(self->presence.away_users, GUINT_TO_POINTER(user.id));
        else
            g_hash_table_remove(self->presence.away_users, GUINT_TO_POINTER(user.id));
    }
    if (room == NULL)
        g_signal_emit(self, session_signals[SIG_USERS_CHANGED], 0);
}

gboolean session_presence_dispatch(ChatSession *self, const struct proto_msg *msg)
{
    if (msg->type != PROTO_PRESENCE_STATE)
        return FALSE;
    on_state(self, &msg->u.room_members);
    return TRUE;
}
