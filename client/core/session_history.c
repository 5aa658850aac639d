/* History and resume (PROTOCOL.md 5.41-5.45). After every login the session sends one
 * RESUME per room from its "mark" (kept in the outbox file so it survives a restart);
 * the server replays what was missed. A RESUME_GAP (more was missed than the server
 * replays) is reported and filled with HISTORY AFTER pages; chat_session_load_history
 * pages back in time. Replayed, paged and live frames can overlap: the message id is
 * the identity, and each is reported once per run.
 *
 * The mark is the newest id up to which the room is held whole, not the newest id
 * held: a room's live frames reach a connection from its login on, before the RESUME
 * that the login is followed by is answered, so a live id may lie above one the replay
 * has still to bring. A lost connection (or a killed client) must resume below that
 * one, so on each connection a room's mark follows what arrives only once the room is
 * "in step": its RESUME and the gap fills it started have all ended (then the newest
 * id held is the mark), or it was not resumed at all.
 *
 * A room gets a mark from the first message seen in it; a room without one is not
 * resumed, so a fresh client is not flooded with a room's whole history. */
#include "client/core/session_private.h"

#include <glib/gi18n.h>

#define HISTORY_PAGE 100u  /* messages asked for per gap-filling page (the server's max) */

enum history_kind { HISTORY_RESUME, HISTORY_PAGE_BACK, HISTORY_GAP_FILL };

/* A HISTORY or RESUME sent and not yet ended. */
struct history_request {
    enum history_kind kind;
    guint32 room_id;
    guint64 after_id;    /* HISTORY_GAP_FILL: the page asked for ids above this... */
    guint64 before_id;   /* ...and below this (the gap's end) */
    guint64 newest;      /* HISTORY_GAP_FILL: the newest id of the gap received */
    guint64 gap_start;   /* HISTORY_GAP_FILL: the gap's after_id as first reported */
};

static guint64 *id_box(guint64 id)
{
    return g_memdup2(&id, sizeof id);
}

void session_history_init(ChatSession *self)
{
    struct session_history *h = &self->history;
    h->marks = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    h->newest = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    h->in_step = g_hash_table_new(g_direct_hash, g_direct_equal);
    h->seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    h->oldest = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    h->resumed = g_hash_table_new(g_direct_hash, g_direct_equal);
    h->requests = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
}

void session_history_clear(ChatSession *self)
{
    struct session_history *h = &self->history;
    g_clear_pointer(&h->marks, g_hash_table_unref);
    g_clear_pointer(&h->newest, g_hash_table_unref);
    g_clear_pointer(&h->in_step, g_hash_table_unref);
    g_clear_pointer(&h->seen, g_hash_table_unref);
    g_clear_pointer(&h->oldest, g_hash_table_unref);
    g_clear_pointer(&h->resumed, g_hash_table_unref);
    g_clear_pointer(&h->requests, g_hash_table_unref);
}

/* The marks table (room id -> guint64 *), for the outbox file. */
GHashTable *session_history_marks(ChatSession *self)
{
    return self->history.marks;
}

/* The newest message id of room_id reported in this run or marked, 0 if none. */
guint64 session_history_newest(ChatSession *self, guint32 room_id)
{
    guint64 *newest = g_hash_table_lookup(self->history.newest, GUINT_TO_POINTER(room_id));
    guint64 *mark = g_hash_table_lookup(self->history.marks, GUINT_TO_POINTER(room_id));
    return MAX(newest ? *newest : 0, mark ? *mark : 0);
}

/* Moves room_id's mark up to last_id (sets it when the room had none). */
void session_history_mark(ChatSession *self, guint32 room_id, guint64 last_id)
{
    guint64 *mark = g_hash_table_lookup(self->history.marks, GUINT_TO_POINTER(room_id));
    if (mark && *mark >= last_id)
        return;
    g_hash_table_insert(self->history.marks, GUINT_TO_POINTER(room_id), id_box(last_id));
    session_outbox_save_later(self);
}

static gboolean resuming(ChatSession *self, guint32 room_id);

/* Sets room_id's "catching-up": whether a RESUME or gap fill of it has not ended. */
static void catching_up_changed(ChatSession *self, guint32 room_id)
{
    ChatRoom *room = chat_session_find_room(self, room_id);
    if (room)
        chat_room_set_catching_up(room, resuming(self, room_id));
}

/* Sets every room's "catching-up": whether a RESUME or gap fill of it has not ended,
 * or FALSE for all when not online. */
static void rooms_catching_up(ChatSession *self, gboolean online)
{
    guint n = g_list_model_get_n_items(G_LIST_MODEL(self->rooms));
    for (guint i = 0; i < n; i++) {
        ChatRoom *room = g_list_model_get_item(G_LIST_MODEL(self->rooms), i);
        chat_room_set_catching_up(room, online && resuming(self, chat_room_get_id(room)));
        g_object_unref(room);
    }
}

/* A new connection: nothing resumed or asked on it yet. A room catching up stays so
 * until the login is complete (session_history_logged_in): its lines before the loss
 * and the replay of the next RESUME are one catch up. */
void session_history_conn_started(ChatSession *self)
{
    g_hash_table_remove_all(self->history.resumed);
    g_hash_table_remove_all(self->history.in_step);
    g_hash_table_remove_all(self->history.requests);
    self->history.unsupported = FALSE;
}

/* The login is complete and the rooms held are resumed: the others are not catching up. */
void session_history_logged_in(ChatSession *self)
{
    rooms_catching_up(self, TRUE);
}

/* The session is disconnected for good (no reconnect, no other server): no room is
 * catching up any more. */
void session_history_disconnected(ChatSession *self)
{
    rooms_catching_up(self, FALSE);
}

static guint64 history_send(ChatSession *self, struct proto_msg *msg, guint64 *id_field,
                            enum history_kind kind, guint32 room_id)
{
    struct history_request *r = g_new0(struct history_request, 1);
    r->kind = kind;
    r->room_id = room_id;
    guint64 id = ++self->last_request_id;
    *id_field = id;
    g_hash_table_insert(self->history.requests, id_box(id), r);
    session_send(self, msg);
    return id;
}

/* Sends RESUME for room_id once per connection, when the room has a mark. */
void session_history_resume(ChatSession *self, guint32 room_id)
{
    guint64 *mark = g_hash_table_lookup(self->history.marks, GUINT_TO_POINTER(room_id));
    if (!mark || !session_can_send(self) || self->history.unsupported ||
        !g_hash_table_add(self->history.resumed, GUINT_TO_POINTER(room_id)))
        return;
    struct proto_msg msg = { .type = PROTO_RESUME };
    msg.u.resume.room_id = room_id;
    msg.u.resume.last_id = *mark;
    history_send(self, &msg, &msg.u.resume.request_id, HISTORY_RESUME, room_id);
    catching_up_changed(self, room_id);
}

/* A TEXT or FILE_ANNOUNCE of room_id arrived: FALSE when it was already reported (drop
 * it); otherwise it is recorded (seen, newest, oldest, and the mark of a room in step
 * or without one) and TRUE. */
gboolean session_history_fresh(ChatSession *self, guint32 room_id, guint64 message_id)
{
    struct session_history *h = &self->history;
    gpointer room = GUINT_TO_POINTER(room_id);
    if (!g_hash_table_add(h->seen, id_box(message_id)))
        return FALSE;
    guint64 *newest = g_hash_table_lookup(h->newest, room);
    if (!newest || message_id > *newest)
        g_hash_table_insert(h->newest, room, id_box(message_id));
    if (!g_hash_table_contains(h->marks, room))
        g_hash_table_add(h->in_step, room); /* not resumed: what follows comes in order */
    if (g_hash_table_contains(h->in_step, room))
        session_history_mark(self, room_id, message_id);
    guint64 *oldest = g_hash_table_lookup(h->oldest, GUINT_TO_POINTER(room_id));
    if (!oldest || message_id < *oldest)
        g_hash_table_insert(h->oldest, GUINT_TO_POINTER(room_id), id_box(message_id));
    session_history_filled(self, room_id, message_id);
    return TRUE;
}

/* A message of room_id arrived in some form (a TEXT, or a page's MESSAGE_DELETED in its
 * place): a gap being filled around it moves on past it. */
void session_history_filled(ChatSession *self, guint32 room_id, guint64 message_id)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, self->history.requests);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        struct history_request *r = value;
        if (r->kind == HISTORY_GAP_FILL && r->room_id == room_id && message_id > r->after_id &&
            message_id < r->before_id && message_id > r->newest)
            r->newest = message_id;
    }
}

/* Whether a RESUME or gap fill of room_id has not ended yet. */
static gboolean resuming(ChatSession *self, guint32 room_id)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, self->history.requests);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        const struct history_request *r = value;
        if (r->room_id == room_id && (r->kind == HISTORY_RESUME || r->kind == HISTORY_GAP_FILL))
            return TRUE;
    }
    return FALSE;
}

/* A RESUME or gap fill of room_id ended: once none is left the room is whole up to the
 * newest id held, and in step (see the top of this file). */
static void step_in_unless_resuming(ChatSession *self, guint32 room_id)
{
    if (resuming(self, room_id))
        return;
    g_hash_table_add(self->history.in_step, GUINT_TO_POINTER(room_id));
    guint64 *newest = g_hash_table_lookup(self->history.newest, GUINT_TO_POINTER(room_id));
    if (newest)
        session_history_mark(self, room_id, *newest);
}

/* Asks for the page of the gap (gap_start, before_id) after after_id. */
static void fill_gap(ChatSession *self, guint32 room_id, guint64 after_id, guint64 before_id,
                     guint64 gap_start)
{
    struct proto_msg msg = { .type = PROTO_HISTORY };
    msg.u.history.room_id = room_id;
    msg.u.history.mode = PROTO_HISTORY_AFTER;
    msg.u.history.limit = HISTORY_PAGE;
    msg.u.history.anchor = after_id;
    guint64 id = history_send(self, &msg, &msg.u.history.request_id, HISTORY_GAP_FILL, room_id);
    struct history_request *r = g_hash_table_lookup(self->history.requests, &id);
    r->after_id = after_id;
    r->before_id = before_id;
    r->gap_start = gap_start;
}

/* Asks for a gap again (see session.h). */
gboolean chat_session_fill_history_gap(ChatSession *self, guint32 room_id, guint64 after_id,
                                       guint64 before_id, GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), FALSE);
    if (!session_can_send(self)) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_OFFLINE,
                            _("Not connected to the server."));
        return FALSE;
    }
    if (!chat_session_find_room(self, room_id) || before_id <= after_id + 1) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                            _("You are not in that room."));
        return FALSE;
    }
    fill_gap(self, room_id, after_id, before_id, after_id);
    catching_up_changed(self, room_id);
    session_note_activity(self);
    return TRUE;
}

/* Asks for up to limit messages of room_id older than the oldest reported (or the
 * newest ones when none was); "history-loaded" follows (see session.h). */
gboolean chat_session_load_history(ChatSession *self, guint32 room_id, guint limit,
                                   GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), FALSE);
    if (!session_can_send(self)) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_OFFLINE,
                            _("Not connected to the server."));
        return FALSE;
    }
    if (!chat_session_find_room(self, room_id) || limit == 0 || limit > G_MAXUINT16) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                            limit ? _("You are not in that room.")
                                  : _("Ask for at least one message."));
        return FALSE;
    }
    guint64 *oldest = g_hash_table_lookup(self->history.oldest, GUINT_TO_POINTER(room_id));
    struct proto_msg msg = { .type = PROTO_HISTORY };
    msg.u.history.room_id = room_id;
    msg.u.history.mode = oldest ? PROTO_HISTORY_BEFORE : PROTO_HISTORY_LATEST;
    msg.u.history.anchor = oldest ? *oldest : 0;
    msg.u.history.limit = (uint16_t)limit;
    history_send(self, &msg, &msg.u.history.request_id, HISTORY_PAGE_BACK, room_id);
    session_note_activity(self);
    return TRUE;
}

/* Removes and returns the unanswered request id (NULL if unknown); free it with g_free. */
static struct history_request *take_request(ChatSession *self, guint64 id)
{
    gpointer key = NULL, value = NULL;
    if (!g_hash_table_lookup_extended(self->history.requests, &id, &key, &value))
        return NULL;
    g_hash_table_steal(self->history.requests, &id);
    g_free(key);
    return value;
}

static void on_end(ChatSession *self, const struct proto_history_end *end)
{
    struct history_request *r = take_request(self, end->request_id);
    if (!r)
        return;
    ChatRoom *room = chat_session_find_room(self, r->room_id);
    gboolean gap_open = r->kind == HISTORY_GAP_FILL && end->count > 0 &&
                        (end->flags & PROTO_HISTORY_MORE_AFTER) && r->newest > r->after_id &&
                        r->newest + 1 < r->before_id;
    if (gap_open)
        fill_gap(self, r->room_id, r->newest, r->before_id, r->gap_start);
    else if (r->kind == HISTORY_GAP_FILL && room)
        g_signal_emit(self, session_signals[SIG_HISTORY_GAP_FILLED], 0, room, r->gap_start,
                      r->before_id);
    else if (r->kind == HISTORY_PAGE_BACK && room)
        g_signal_emit(self, session_signals[SIG_HISTORY_LOADED], 0, room, (guint)end->count,
                      (gboolean)((end->flags & PROTO_HISTORY_MORE_BEFORE) != 0));
    if (r->kind == HISTORY_RESUME || r->kind == HISTORY_GAP_FILL) {
        step_in_unless_resuming(self, r->room_id);
        catching_up_changed(self, r->room_id);
    }
    g_free(r);
    session_note_activity(self);
}

static void on_gap(ChatSession *self, const struct proto_resume_gap *gap)
{
    ChatRoom *room = chat_session_find_room(self, gap->room_id);
    if (!room || gap->before_id <= gap->after_id + 1)
        return;
    g_signal_emit(self, session_signals[SIG_HISTORY_GAP], 0, room, gap->after_id,
                  gap->before_id);
    fill_gap(self, gap->room_id, gap->after_id, gap->before_id, gap->after_id);
    catching_up_changed(self, gap->room_id);
}

/* HISTORY_END and RESUME_GAP; FALSE for any other type. */
gboolean session_history_dispatch(ChatSession *self, const struct proto_msg *msg)
{
    switch (msg->type) {
    case PROTO_HISTORY_END:
        on_end(self, &msg->u.history_end);
        return TRUE;
    case PROTO_RESUME_GAP:
        on_gap(self, &msg->u.resume_gap);
        return TRUE;
    default:
        return FALSE;
    }
}

/* An ERROR (code) answered a HISTORY or RESUME: the request is forgotten. A server
 * without history (UNKNOWN_TYPE, which cannot quote the request id) is asked nothing
 * more on this connection. Returns TRUE when the error needs no words (a RESUME such a
 * server could not take: it simply replays nothing). */
gboolean session_history_failed(ChatSession *self, guint16 ref_type, guint64 request_id,
                                guint code)
{
    if (code == PROTO_E_UNKNOWN_TYPE) {
        self->history.unsupported = TRUE;
        g_hash_table_remove_all(self->history.requests);
        rooms_catching_up(self, TRUE);
    } else {
        struct history_request *r = take_request(self, request_id);
        if (r)
            catching_up_changed(self, r->room_id);
        g_free(r);
    }
    session_note_activity(self);
    return code == PROTO_E_UNKNOWN_TYPE && ref_type == PROTO_RESUME;
}

/* TRUE with no HISTORY or RESUME awaiting its end. */
gboolean session_history_idle(ChatSession *self)
{
    return g_hash_table_size(self->history.requests) == 0;
}
