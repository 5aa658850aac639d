/* The live conversation in the session (session.h): read markers and receipts, edits,
 * deletions, replies and reactions, their requests and signals. Typing and the
 * reactions held have their own files (session_typing.c, session_reactions.c). Events carry their own ids: each is reported once per run. */
#include "client/core/session_private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "common/emoji.h"
#include "common/validate.h"

enum live_signal {
    LIVE_TYPING_CHANGED,
    LIVE_READ_MARKER,
    LIVE_RECEIPT,
    LIVE_MESSAGE_EDITED,
    LIVE_MESSAGE_DELETED,
    LIVE_REACTIONS_CHANGED,
    LIVE_SIGNAL_COUNT
};
static guint live_signals[LIVE_SIGNAL_COUNT];

/* The receipts setting: left to the account's stored one until the front end says. */
enum receipts_choice { RECEIPTS_STORED, RECEIPTS_ON, RECEIPTS_OFF };

struct session_live {
    GHashTable *markers;         /* room id -> guint64 * read marker */
    GHashTable *events;          /* event ids already reported (a set of guint64 *) */
    GHashTable *replies;         /* message id -> guint64 * the message it answers */
    enum receipts_choice receipts;
};

static guint64 *id_box(guint64 id)
{
    return g_memdup2(&id, sizeof id);
}

static guint new_signal(GObjectClass *klass, const char *name, guint n_params,
                        const GType *params)
{
    return g_signal_newv(name, G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, NULL, NULL, NULL,
                         NULL, G_TYPE_NONE, n_params, (GType *)params);
}

/* Creates the signals of the live conversation (called by the class initialiser). */
void session_live_class_init(GObjectClass *klass)
{
    const GType str = G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE;
    const GType room[] = { G_TYPE_UINT };
    const GType marker[] = { G_TYPE_UINT, G_TYPE_UINT64 };
    const GType receipt[] = { G_TYPE_UINT, G_TYPE_UINT64, str, G_TYPE_UINT };
    const GType edited[] = { G_TYPE_UINT, G_TYPE_UINT64, str, str };
    const GType deleted[] = { G_TYPE_UINT, G_TYPE_UINT64, str };
    guint *s = live_signals;
    s[LIVE_TYPING_CHANGED] = new_signal(klass, "typing-changed", 1, room);
    s[LIVE_READ_MARKER] = new_signal(klass, "read-marker", 2, marker);
    s[LIVE_RECEIPT] = new_signal(klass, "receipt", 4, receipt);
    s[LIVE_MESSAGE_EDITED] = new_signal(klass, "message-edited", 4, edited);
    s[LIVE_MESSAGE_DELETED] = new_signal(klass, "message-deleted", 3, deleted);
    s[LIVE_REACTIONS_CHANGED] = new_signal(klass, "reactions-changed", 2, marker);
}

/* Sets up the live conversation's state (and typing's) of a new session. */
void session_live_init(ChatSession *self)
{
    struct session_live *l = g_new0(struct session_live, 1);
    l->markers = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    l->events = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    l->replies = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    self->live = l;
    session_typing_init(self);
    session_reactions_init(self);
}

/* Frees what session_live_init made. */
void session_live_clear(ChatSession *self)
{
    struct session_live *l = self->live;
    g_hash_table_unref(l->markers);
    g_hash_table_unref(l->events);
    g_hash_table_unref(l->replies);
    g_clear_pointer(&self->live, g_free);
    session_typing_clear(self);
    session_reactions_clear(self);
}

/* Tells the front end that who types in room_id changed (session_typing.c). */
void session_live_emit_typing(ChatSession *self, guint32 room_id)
{
    g_signal_emit(self, live_signals[LIVE_TYPING_CHANGED], 0, room_id);
}

/* Tells the front end that message_id's reactions changed (session_reactions.c). */
void session_live_emit_reactions(ChatSession *self, guint32 room_id, guint64 message_id)
{
    g_signal_emit(self, live_signals[LIVE_REACTIONS_CHANGED], 0, room_id, message_id);
}

static void send_receipts_setting(ChatSession *self)
{
    if (self->live->receipts == RECEIPTS_STORED || self->auth.role == CHAT_ROLE_GUEST)
        return;
    struct proto_msg msg = { .type = PROTO_RECEIPTS_SET, .u.receipts_set = {
        ++self->last_request_id, self->live->receipts == RECEIPTS_ON } };
    session_send(self, &msg); /* its DONE matches no request: nothing to report */
}

/* A login completed: the receipts setting, when the front end chose one, goes first. */
void session_live_logged_in(ChatSession *self)
{
    send_receipts_setting(self);
}

/* TRUE for an event id not reported before in this run (then it is recorded). */
static gboolean event_fresh(ChatSession *self, guint64 event_id)
{
    return event_id == 0 || g_hash_table_add(self->live->events, id_box(event_id));
}

static void on_read_marker(ChatSession *self, const struct proto_read_marker *m)
{
    gpointer key = GUINT_TO_POINTER(m->room_id);
    guint64 *marker = g_hash_table_lookup(self->live->markers, key);
    if (marker && *marker >= m->message_id)
        return;
    g_hash_table_insert(self->live->markers, key, id_box(m->message_id));
    g_signal_emit(self, live_signals[LIVE_READ_MARKER], 0, m->room_id, m->message_id);
}

static void on_receipt(ChatSession *self, const struct proto_receipt *r)
{
    if (self->live->receipts == RECEIPTS_OFF)
        return; /* the server holds them back too; never show one that slipped through */
    char *name = r->name.len ? g_strndup(r->name.ptr, r->name.len) : NULL;
    session_messages_read(self, r->room_id, r->message_id, name, r->count);
    g_signal_emit(self, live_signals[LIVE_RECEIPT], 0, r->room_id, r->message_id, name,
                  r->count);
    g_free(name);
}

/* Reported once, applied whenever it comes: a live edit may precede its message (still
 * to be replayed or paged), whose later copy of the edit (the text as it then is) marks
 * the object made meanwhile. */
static void on_edited(ChatSession *self, const struct proto_message_edited *e)
{
    gboolean fresh = event_fresh(self, e->event_id);
    char *text = g_strndup(e->text.ptr, e->text.len);
    ChatMessage *msg = session_message_lookup(self, e->message_id);
    if (msg && !chat_message_get_deleted(msg))
        message_set_edited(msg, text);
    if (!fresh) {
        g_free(text);
        return;
    }
    char *actor = g_strndup(e->actor.ptr, e->actor.len);
    g_signal_emit(self, live_signals[LIVE_MESSAGE_EDITED], 0, e->room_id, e->message_id, text,
                  actor);
    g_free(text);
    g_free(actor);
}

static void on_deleted(ChatSession *self, const struct proto_message_deleted *d)
{
    session_history_filled(self, d->room_id, d->message_id); /* it stands in for the text */
    if (!event_fresh(self, d->event_id))
        return;
    session_reactions_forget(self, d->message_id);
    ChatMessage *msg = session_message_lookup(self, d->message_id);
    if (msg)
        message_set_deleted(msg);
    char *actor = g_strndup(d->actor.ptr, d->actor.len);
    g_signal_emit(self, live_signals[LIVE_MESSAGE_DELETED], 0, d->room_id, d->message_id,
                  actor);
    g_free(actor);
}

static void on_reply_to(ChatSession *self, const struct proto_reply_to *r)
{
    g_hash_table_insert(self->live->replies, id_box(r->message_id), id_box(r->reply_to));
}

/* The frames of the live conversation; FALSE for any other type. */
gboolean session_live_dispatch(ChatSession *self, const struct proto_msg *msg)
{
    switch (msg->type) {
    case PROTO_TYPING:
        session_typing_notice(self, &msg->u.typing);
        return TRUE;
    case PROTO_READ_MARKER:
        on_read_marker(self, &msg->u.read_marker);
        return TRUE;
    case PROTO_RECEIPT:
        on_receipt(self, &msg->u.receipt);
        return TRUE;
    case PROTO_MESSAGE_EDITED:
        on_edited(self, &msg->u.message_edited);
        return TRUE;
    case PROTO_MESSAGE_DELETED:
        on_deleted(self, &msg->u.message_deleted);
        return TRUE;
    case PROTO_REPLY_TO:
        on_reply_to(self, &msg->u.reply_to);
        return TRUE;
    case PROTO_REACTION:
        session_reactions_event(self, &msg->u.reaction);
        return TRUE;
    default:
        return FALSE;
    }
}

/* TRUE for the requests whose ERROR is a "request-failed". */
gboolean session_live_is_request(guint16 type)
{
    return type == PROTO_EDIT || type == PROTO_DELETE || type == PROTO_REACT;
}

/* ---- Requests ---- */

gboolean chat_session_mark_read(ChatSession *self, guint32 room_id, guint64 message_id,
                                GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), FALSE);
    if (!session_request_possible(self, error))
        return FALSE;
    if (message_id == 0)
        message_id = session_history_newest(self, room_id);
    if (message_id == 0) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                            _("There is nothing to mark read in this room yet."));
        return FALSE;
    }
    struct proto_msg msg = { .type = PROTO_READ_MARK, .u.read_mark = {
        ++self->last_request_id, room_id, message_id } };
    return session_send(self, &msg);
}

/* The marker the server last told of (see session.h). */
guint64 chat_session_get_read_marker(ChatSession *self, guint32 room_id)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    guint64 *marker = g_hash_table_lookup(self->live->markers, GUINT_TO_POINTER(room_id));
    return marker ? *marker : 0;
}

/* Chooses the receipts setting and sends it when online (see session.h). */
void chat_session_set_receipts(ChatSession *self, gboolean enabled)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    self->live->receipts = enabled ? RECEIPTS_ON : RECEIPTS_OFF;
    if (session_can_send(self))
        send_receipts_setting(self);
}

/* Records and sends a request about message_id; done_words (taken) say it succeeded. */
static guint64 message_request(ChatSession *self, struct proto_msg *msg, guint64 *id_field,
                               char *done_words)
{
    return session_request_send(self, msg, id_field, 0, done_words);
}

/* Sends EDIT (see session.h). */
guint64 chat_session_edit_message(ChatSession *self, guint64 message_id, const char *text,
                                  GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    g_return_val_if_fail(text != NULL, 0);
    if (!session_request_possible(self, error))
        return 0;
    if (!text_check(text, strlen(text), self->max_text)) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                            _("The new text is empty, too long, or has characters that "
                              "cannot be sent."));
        return 0;
    }
    struct proto_msg msg = { .type = PROTO_EDIT };
    msg.u.edit.message_id = message_id;
    msg.u.edit.text = proto_str_of(text);
    return message_request(self, &msg, &msg.u.edit.request_id,
                           g_strdup_printf(_("Message #%llu edited."),
                                           (unsigned long long)message_id));
}

/* Sends DELETE (see session.h). */
guint64 chat_session_delete_message(ChatSession *self, guint64 message_id, GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    if (!session_request_possible(self, error))
        return 0;
    struct proto_msg msg = { .type = PROTO_DELETE };
    msg.u.msg_ref.message_id = message_id;
    return message_request(self, &msg, &msg.u.msg_ref.request_id,
                           g_strdup_printf(_("Message #%llu deleted."),
                                           (unsigned long long)message_id));
}

/* Sends REACT (see session.h). */
guint64 chat_session_react(ChatSession *self, guint64 message_id, const char *emoji,
                           GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    g_return_val_if_fail(emoji != NULL, 0);
    if (!session_request_possible(self, error))
        return 0;
    if (!emoji_check(emoji, strlen(emoji))) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                            _("A reaction is one emoji."));
        return 0;
    }
    struct proto_msg msg = { .type = PROTO_REACT };
    msg.u.react.message_id = message_id;
    msg.u.react.emoji = proto_str_of(emoji);
    return message_request(self, &msg, &msg.u.react.request_id,
                           g_strdup_printf(_("Reaction to #%llu sent."),
                                           (unsigned long long)message_id));
}

/* What a reply answers, from its REPLY_TO (see session.h). */
guint64 chat_session_get_reply_to(ChatSession *self, guint64 message_id)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    guint64 *reply_to = g_hash_table_lookup(self->live->replies, &message_id);
    return reply_to ? *reply_to : 0;
}
