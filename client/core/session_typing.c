/* Typing notices in the session (session.h): who types in each room, with the IRCv3
 * +typing lapses (6 s after ACTIVE, 30 s after PAUSED, or when the typist's text
 * arrives), and our own notices, ACTIVE at most every 3 s. */
#include "client/core/session_private.h"

#include <glib/gi18n.h>

#define TYPING_ACTIVE_LAPSE_US (6 * G_USEC_PER_SEC)
#define TYPING_PAUSED_LAPSE_US (30 * G_USEC_PER_SEC)
#define TYPING_RESEND_US (3 * G_USEC_PER_SEC) /* ACTIVE again after this, not sooner */

struct typist {
    char *name;
    gint64 lapses_us;            /* monotonic */
};

/* What we last told a room. */
struct own_typing {
    ChatTypingState state;
    gint64 sent_us;
};

struct session_typing {
    gboolean send_off;           /* the privacy setting "don't send mine" */
    GHashTable *rooms;           /* room id -> GPtrArray of struct typist, first come first */
    GHashTable *mine;            /* room id -> struct own_typing */
    guint lapse_source;          /* the next lapse, while anyone types */
};

static void typist_free(gpointer data)
{
    struct typist *t = data;
    g_free(t->name);
    g_free(t);
}

/* Sets up who types where for a new session. */
void session_typing_init(ChatSession *self)
{
    struct session_typing *t = g_new0(struct session_typing, 1);
    t->rooms = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                     (GDestroyNotify)g_ptr_array_unref);
    t->mine = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    self->typing = t;
}

/* Frees it, and stops the lapse timer. */
void session_typing_clear(ChatSession *self)
{
    struct session_typing *t = self->typing;
    g_clear_handle_id(&t->lapse_source, g_source_remove);
    g_hash_table_unref(t->rooms);
    g_hash_table_unref(t->mine);
    g_clear_pointer(&self->typing, g_free);
}

static void schedule_lapse(ChatSession *self);

/* Drops every typist whose notice has lapsed and tells of the rooms that changed. */
static gboolean lapse_due(gpointer data)
{
    ChatSession *self = data;
    self->typing->lapse_source = 0;
    gint64 now = g_get_monotonic_time();
    GArray *changed = g_array_new(FALSE, FALSE, sizeof(guint32));
    GHashTableIter iter;
    gpointer room, value;
    g_hash_table_iter_init(&iter, self->typing->rooms);
    while (g_hash_table_iter_next(&iter, &room, &value)) {
        GPtrArray *typists = value;
        guint before = typists->len;
        for (guint i = typists->len; i-- > 0;)
            if (((struct typist *)typists->pdata[i])->lapses_us <= now)
                g_ptr_array_remove_index(typists, i);
        if (typists->len != before) {
            guint32 id = GPOINTER_TO_UINT(room);
            g_array_append_val(changed, id);
        }
        if (typists->len == 0)
            g_hash_table_iter_remove(&iter);
    }
    schedule_lapse(self);
    for (guint i = 0; i < changed->len; i++)
        session_live_emit_typing(self, g_array_index(changed, guint32, i));
    g_array_unref(changed);
    return G_SOURCE_REMOVE;
}

/* Sets the timer for the earliest lapse (none while nobody types). */
static void schedule_lapse(ChatSession *self)
{
    struct session_typing *t = self->typing;
    g_clear_handle_id(&t->lapse_source, g_source_remove);
    gint64 next = G_MAXINT64;
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, t->rooms);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        GPtrArray *typists = value;
        for (guint i = 0; i < typists->len; i++)
            next = MIN(next, ((struct typist *)typists->pdata[i])->lapses_us);
    }
    if (next == G_MAXINT64)
        return;
    gint64 wait_ms = MAX((next - g_get_monotonic_time()) / 1000 + 1, 1);
    t->lapse_source = g_timeout_add((guint)MIN(wait_ms, G_MAXUINT), lapse_due, self);
}

/* The index of name among room_id's typists, or -1. */
static gint typist_index(GPtrArray *typists, struct proto_str name)
{
    for (guint i = 0; typists && i < typists->len; i++)
        if (proto_str_eq(proto_str_of(((struct typist *)typists->pdata[i])->name), name))
            return (gint)i;
    return -1;
}

/* Takes name out of room_id's typists; TRUE if it was there. */
static gboolean typist_remove(ChatSession *self, guint32 room_id, struct proto_str name)
{
    GPtrArray *typists = g_hash_table_lookup(self->typing->rooms, GUINT_TO_POINTER(room_id));
    gint at = typist_index(typists, name);
    if (at < 0)
        return FALSE;
    g_ptr_array_remove_index(typists, (guint)at);
    if (typists->len == 0)
        g_hash_table_remove(self->typing->rooms, GUINT_TO_POINTER(room_id));
    return TRUE;
}

/* A TYPING from the server (our own are not shown back to us). */
void session_typing_notice(ChatSession *self, const struct proto_typing *n)
{
    if (n->name.len == 0 ||
        (self->accepted_name && proto_str_eq(n->name, proto_str_of(self->accepted_name))))
        return;
    gboolean changed;
    if (n->state == PROTO_TYPING_ACTIVE || n->state == PROTO_TYPING_PAUSED) {
        gpointer key = GUINT_TO_POINTER(n->room_id);
        GPtrArray *typists = g_hash_table_lookup(self->typing->rooms, key);
        if (!typists) {
            typists = g_ptr_array_new_with_free_func(typist_free);
            g_hash_table_insert(self->typing->rooms, key, typists);
        }
        gint at = typist_index(typists, n->name);
        changed = at < 0;
        struct typist *t = changed ? g_new0(struct typist, 1) : typists->pdata[at];
        if (changed) {
            t->name = g_strndup(n->name.ptr, n->name.len);
            g_ptr_array_add(typists, t);
        }
        t->lapses_us = g_get_monotonic_time() + (n->state == PROTO_TYPING_ACTIVE
                                                 ? TYPING_ACTIVE_LAPSE_US
                                                 : TYPING_PAUSED_LAPSE_US);
    } else {
        changed = typist_remove(self, n->room_id, n->name);
    }
    schedule_lapse(self);
    if (changed)
        session_live_emit_typing(self, n->room_id);
}

/* sender's text arrived in room_id: it no longer types there. */
void session_typing_spoke(ChatSession *self, guint32 room_id, struct proto_str sender)
{
    if (!typist_remove(self, room_id, sender))
        return;
    schedule_lapse(self);
    session_live_emit_typing(self, room_id);
}

/* The line that says who types (see session.h). */
char *chat_session_get_typing_text(ChatSession *self, guint32 room_id)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), NULL);
    GPtrArray *typists = g_hash_table_lookup(self->typing->rooms, GUINT_TO_POINTER(room_id));
    if (!typists || typists->len == 0)
        return NULL;
    const struct typist *first = typists->pdata[0];
    if (typists->len == 1)
        return g_strdup_printf(_("%s is typing…"), first->name);
    if (typists->len == 2)
        return g_strdup_printf(_("%s and %s are typing…"), first->name,
                               ((struct typist *)typists->pdata[1])->name);
    return g_strdup(_("several people are typing…"));
}

/* The "don't send mine" setting (see session.h). */
void chat_session_set_send_typing(ChatSession *self, gboolean enabled)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    self->typing->send_off = !enabled;
}

/* Tells the room what the user is doing, within the 3 s rule (see session.h). */
void chat_session_set_typing(ChatSession *self, guint32 room_id, ChatTypingState state)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    struct session_typing *t = self->typing;
    if (t->send_off || !session_can_send(self) || state > CHAT_TYPING_PAUSED)
        return;
    gpointer key = GUINT_TO_POINTER(room_id);
    struct own_typing *own = g_hash_table_lookup(t->mine, key);
    gint64 now = g_get_monotonic_time();
    if (own && own->state == state &&
        (state != CHAT_TYPING_ACTIVE || now - own->sent_us < TYPING_RESEND_US))
        return;
    if (!own && state == CHAT_TYPING_DONE)
        return; /* never said anything: nothing to take back */
    if (!own) {
        own = g_new0(struct own_typing, 1);
        g_hash_table_insert(t->mine, key, own);
    }
    own->state = state;
    own->sent_us = now;
    struct proto_msg msg = { .type = PROTO_TYPING_SET, .u.typing_set = { room_id, state } };
    session_send(self, &msg);
}
