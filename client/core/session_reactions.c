/* The reactions the session holds (session.h): who reacted with which emoji to each
 * message, kept by message id so that a message that comes later (replayed or paged)
 * takes the reactions that came before it. */
#include "client/core/session_private.h"

#include "common/emoji.h"

/* One emoji on one message: who reacted, in order. */
struct reaction {
    char *emoji;
    GPtrArray *names;            /* char *, owned */
};

struct session_reactions {
    GHashTable *reactions;       /* message id -> GPtrArray of struct reaction */
    GHashTable *toggled;         /* "message emoji name" -> guint64 * its newest event id */
};

static guint64 *id_box(guint64 id)
{
    return g_memdup2(&id, sizeof id);
}

static void reaction_free(gpointer data)
{
    struct reaction *r = data;
    g_free(r->emoji);
    g_ptr_array_unref(r->names);
    g_free(r);
}

/* Sets up the reactions of a new session. */
void session_reactions_init(ChatSession *self)
{
    struct session_reactions *r = g_new0(struct session_reactions, 1);
    r->reactions = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify)g_ptr_array_unref);
    r->toggled = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    self->reactions = r;
}

/* Frees what session_reactions_init made. */
void session_reactions_clear(ChatSession *self)
{
    g_hash_table_unref(self->reactions->reactions);
    g_hash_table_unref(self->reactions->toggled);
    g_clear_pointer(&self->reactions, g_free);
}

/* message_id was deleted: its reactions go. */
void session_reactions_forget(ChatSession *self, guint64 message_id)
{
    g_hash_table_remove(self->reactions->reactions, &message_id);
}

/* The entry of emoji among a message's reactions, made when add is TRUE. */
static struct reaction *reaction_find(GPtrArray *list, struct proto_str emoji, gboolean add)
{
    for (guint i = 0; i < list->len; i++) {
        struct reaction *r = list->pdata[i];
        if (proto_str_eq(proto_str_of(r->emoji), emoji))
            return r;
    }
    if (!add)
        return NULL;
    struct reaction *r = g_new0(struct reaction, 1);
    r->emoji = g_strndup(emoji.ptr, emoji.len);
    r->names = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(list, r);
    return r;
}

/* Whether names holds name; its index in *at. */
static gboolean names_find(GPtrArray *names, struct proto_str name, guint *at)
{
    for (guint i = 0; i < names->len; i++)
        if (proto_str_eq(proto_str_of(names->pdata[i]), name)) {
            *at = i;
            return TRUE;
        }
    return FALSE;
}

/* TRUE for a reaction event newer than every one seen of its message, emoji and name
 * (then it is recorded): a toggle taken back live before the replay of its adding must
 * not be undone by that older event, nor repeated by its own replayed copy. */
static gboolean toggle_newest(ChatSession *self, const struct proto_reaction *r)
{
    char *key = g_strdup_printf("%" G_GUINT64_FORMAT " %.*s %.*s", r->message_id,
                                (int)r->emoji.len, r->emoji.ptr, (int)r->name.len, r->name.ptr);
    guint64 *newest = g_hash_table_lookup(self->reactions->toggled, key);
    if (newest && *newest >= r->event_id) {
        g_free(key);
        return FALSE;
    }
    g_hash_table_insert(self->reactions->toggled, key, id_box(r->event_id));
    return TRUE;
}

/* A reaction added or taken back (an event), or one of a paged message's reactions (a
 * state: event id 0, added). Who reacted is a set, so a state seen twice counts once. */
void session_reactions_event(ChatSession *self, const struct proto_reaction *r)
{
    if (!emoji_check(r->emoji.ptr, r->emoji.len) ||
        (r->event_id != 0 && !toggle_newest(self, r)))
        return;
    GHashTable *all = self->reactions->reactions;
    GPtrArray *list = g_hash_table_lookup(all, &r->message_id);
    if (!list && r->added) {
        list = g_ptr_array_new_with_free_func(reaction_free);
        g_hash_table_insert(all, id_box(r->message_id), list);
    }
    struct reaction *entry = list ? reaction_find(list, r->emoji, r->added) : NULL;
    guint at;
    gboolean present = entry && names_find(entry->names, r->name, &at);
    if (!entry || present == (gboolean)r->added)
        return;
    if (r->added) {
        g_ptr_array_add(entry->names, g_strndup(r->name.ptr, r->name.len));
    } else {
        g_ptr_array_remove_index(entry->names, at);
        if (entry->names->len == 0)
            g_ptr_array_remove(list, entry);
    }
    ChatMessage *msg = session_message_lookup(self, r->message_id);
    if (msg)
        message_set_reactions(msg, chat_session_list_reactions(self, r->message_id));
    session_live_emit_reactions(self, r->room_id, r->message_id);
}

/* A copy of a message's reactions (see session.h). */
GPtrArray *chat_session_list_reactions(ChatSession *self, guint64 message_id)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), NULL);
    GPtrArray *out = g_ptr_array_new_with_free_func(chat_reaction_free);
    GPtrArray *list = g_hash_table_lookup(self->reactions->reactions, &message_id);
    for (guint i = 0; list && i < list->len; i++) {
        const struct reaction *r = list->pdata[i];
        ChatReaction *cr = g_new0(ChatReaction, 1);
        cr->emoji = g_strdup(r->emoji);
        cr->count = r->names->len;
        cr->names = g_new0(char *, r->names->len + 1);
        for (guint k = 0; k < r->names->len; k++) {
            cr->names[k] = g_strdup(r->names->pdata[k]);
            cr->mine |= self->accepted_name && g_str_equal(cr->names[k], self->accepted_name);
        }
        g_ptr_array_add(out, cr);
    }
    return out;
}
