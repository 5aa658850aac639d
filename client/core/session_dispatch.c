/* Frames from the server, each turned into session state and signals. Every string and
 * byte range in a decoded frame is a view into the decoder's buffer, so whatever is kept
 * or handed to a signal is copied first. */
#include "client/core/session_private.h"

#include <string.h>

static char *str_dup(struct proto_str s)
{
    return g_strndup(s.ptr, s.len);
}

static void on_welcome(ChatSession *self, const struct proto_welcome *w)
{
    struct session_conn *c = self->conn;
    if (c->welcomed)
        return;
    c->welcomed = TRUE;
    self->ever_online = TRUE;
    session_servers_reached(self);
    session_history_conn_started(self);
    self->backoff_s = SESSION_BACKOFF_FIRST_S;
    self->user_id = w->user_id;
    if (self->accepted_name && !proto_str_eq(w->username, proto_str_of(self->accepted_name)))
        session_rooms_clear(self); /* another account: its rooms are not ours */
    g_free(self->accepted_name);
    self->accepted_name = str_dup(w->username);
    /* The server's limits, never above the wire format's. */
    self->max_text = w->max_text ? MIN(w->max_text, PROTO_MAX_TEXT) : PROTO_MAX_TEXT;
    self->max_chunk = w->max_chunk ? MIN(w->max_chunk, PROTO_MAX_CHUNK) : PROTO_MAX_CHUNK;
    self->max_file_size = w->max_file_size;
    self->max_uploads = w->max_uploads;
    g_hash_table_remove_all(self->users);
    session_presence_reset(self);
    c->users_expected = w->users_online;
    c->users_seen = 0;
    if (c->users_expected == 0)
        session_go_online(self);
}

/* USER_LIST, USER_JOINED and USER_LEFT. The initial lists complete the login. */
static void on_users(ChatSession *self, guint16 type, const struct proto_users *users)
{
    struct session_conn *c = self->conn;
    size_t cursor = 0;
    struct proto_user user;
    while (proto_users_next(users, &cursor, &user)) {
        gpointer key = GUINT_TO_POINTER(user.id);
        char *name = str_dup(user.name);
        if (type == PROTO_USER_LEFT) {
            g_hash_table_remove(self->users, key);
            session_auth_user_left(self, user.id);
            session_presence_user_left(self, user.id);
            g_signal_emit(self, session_signals[SIG_USER_LEFT], 0, user.id, name);
            g_free(name);
        } else {
            g_hash_table_replace(self->users, key, name);
            if (type == PROTO_USER_JOINED)
                g_signal_emit(self, session_signals[SIG_USER_JOINED], 0, user.id, name);
        }
        if (self->conn != c)
            return; /* a handler closed the connection */
    }
    if (type == PROTO_USER_LIST && !c->online) {
        c->users_seen += users->count;
        if (c->users_seen >= c->users_expected)
            session_go_online(self);
        return;
    }
    g_signal_emit(self, session_signals[SIG_USERS_CHANGED], 0);
}

/* TRUE when a TEXT or FILE_ANNOUNCE came from this account: this connection, or (a
 * replayed or deduplicated frame, sender id 0) an account login under the same name. */
static gboolean is_own(ChatSession *self, guint32 sender_id, struct proto_str sender)
{
    if (sender_id == self->user_id)
        return TRUE;
    return sender_id == 0 && self->auth.role != CHAT_ROLE_GUEST && self->accepted_name &&
           proto_str_eq(sender, proto_str_of(self->accepted_name));
}

static void on_text(ChatSession *self, const struct proto_text *t)
{
    gboolean own = is_own(self, t->sender_id, t->sender);
    ChatMessage *pending = own ? session_text_acknowledged(self, t->client_id) : NULL;
    if (session_history_fresh(self, t->room_id, t->message_id)) {
        session_typing_spoke(self, t->room_id, t->sender);
        session_rooms_message(self, t->room_id, t->message_id, own);
        session_message_received(self, t, own, pending);
    } else if (pending) { /* reported already (replayed or paged): only settle it */
        session_message_settle(self, t, pending);
    }
    g_clear_object(&pending);
}

/* FILE_ANNOUNCE, or FILE_ANNOUNCE_THUMB when thumb is not NULL. */
static void on_announce(ChatSession *self, const struct proto_file_announce *a,
                        const struct proto_file_announce_thumb *thumb)
{
    gboolean own = a->uploader_id == self->user_id;
    if (!session_history_fresh(self, a->room_id, a->message_id)) {
        if (own)
            upload_announced(self, a->upload_id);
        return;
    }
    ChatFileInfo *info = g_new0(ChatFileInfo, 1);
    info->file_id = a->file_id;
    info->message_id = a->message_id;
    info->time_ms = (gint64)a->time_ms;
    info->uploader_id = a->uploader_id;
    info->uploader = str_dup(a->uploader);
    info->name = str_dup(a->name);
    info->size = a->size;
    memcpy(info->sha256, a->sha256, PROTO_SHA256_LEN);
    info->own = own;
    info->upload = own ? upload_object(self, a->upload_id) : NULL;
    if (info->upload) {
        g_object_ref(info->upload);
        transfer_object_set_file_id(info->upload, a->file_id);
    }
    info->room_id = a->room_id;
    if (thumb)
        session_thumb_attach(info, thumb);
    /* Remembered so a later download knows name, size and checksum up front. The key
     * lives in the value, so replace (not insert) swaps both. */
    g_hash_table_replace(self->files, &info->file_id, info);
    g_signal_emit(self, session_signals[SIG_FILE_ANNOUNCED], 0, info);
    if (own)
        upload_announced(self, a->upload_id);
}

static void on_error(ChatSession *self, const struct proto_error *e)
{
    char *text = e->message.len ? session_clean_text(e->message)
                                : g_strdup(proto_error_text(e->code));
    if (!self->conn->welcomed && (session_auth_is_login_type(e->ref_type) || e->ref_type == 0)) {
        session_login_refused(self, e->code, text, e->ref_id);
        g_free(text);
        return;
    }
    if (e->code == PROTO_E_KICKED || e->code == PROTO_E_BANNED ||
        e->code == PROTO_E_SESSION_REPLACED) {
        /* The server closes next; coming back at once would only be refused again. */
        self->want_online = FALSE;
        g_free(self->conn->end_words);
        self->conn->end_words = session_error_words(e->code, text, 0, NULL);
        g_free(text);
        return;
    }
    gboolean handled = TRUE;
    switch (e->ref_type) {
    case PROTO_TEXT_SEND:
    case PROTO_DIRECT_SEND:
    case PROTO_REPLY_SEND:
        /* Unavailable: nothing was done yet; the text waits and goes out again. */
        if (e->code == PROTO_E_CLUSTER_UNAVAILABLE && session_text_retry_later(self, e->ref_id))
            break;
        handled = session_text_failed(self, e->ref_id, session_error_from_proto(e->code), text);
        break;
    case PROTO_FILE_OFFER:
    case PROTO_FILE_OFFER_THUMB:
    case PROTO_FILE_CHUNK:
    case PROTO_FILE_END:
        upload_refused(self, e->ref_id, text);
        break;
    case PROTO_DOWNLOAD_REQUEST:
        download_refused(self, e->ref_id, e->code, text);
        break;
    case PROTO_HISTORY:
    case PROTO_RESUME:
        handled = session_history_failed(self, e->ref_type, e->ref_id, e->code);
        break;
    case PROTO_PRESENCE_SET:
        handled = session_presence_failed(self, e->code);
        break;
    case PROTO_FILE_CANCEL:
    case PROTO_DOWNLOAD_CANCEL:
        break; /* about a transfer this side has already ended */
    case PROTO_LOGOUT:
    case PROTO_PASSWORD_CHANGE:
    case PROTO_INVITE_CREATE:
    case PROTO_MODERATE:
    case PROTO_SEARCH:
        handled = session_requests_failed(self, e->ref_id, e->code, text);
        break;
    default:
        if (session_rooms_is_request(e->ref_type) || session_live_is_request(e->ref_type))
            handled = session_requests_failed(self, e->ref_id, e->code, text);
        else
            handled = FALSE;
    }
    if (!handled)
        g_signal_emit(self, session_signals[SIG_SERVER_ERROR], 0,
                      (guint)session_error_from_proto(e->code), text);
    g_free(text);
}

/* Acts on one decoded frame from the server. */
void session_dispatch(ChatSession *self, const struct proto_msg *msg)
{
    struct session_conn *c = self->conn;
    gboolean before_login = msg->type == PROTO_WELCOME || msg->type == PROTO_ERROR ||
                            msg->type == PROTO_PING || msg->type == PROTO_PONG ||
                            msg->type == PROTO_SHUTDOWN || msg->type == PROTO_SESSION;
    if (!c->welcomed && !before_login)
        return; /* nothing else means anything before WELCOME */
    if (c->welcomed && !c->online && msg->type != PROTO_USER_LIST &&
        msg->type != PROTO_USER_ROLE && msg->type != PROTO_PRESENCE_STATE)
        session_go_online(self); /* the user list came up short; do not wait for it */
    if (self->conn != c)
        return;

    switch (msg->type) {
    case PROTO_WELCOME:
        on_welcome(self, &msg->u.welcome);
        break;
    case PROTO_ERROR:
        on_error(self, &msg->u.error);
        break;
    case PROTO_PING: {
        struct proto_msg pong = { .type = PROTO_PONG, .u.token = msg->u.token };
        session_send(self, &pong);
        break;
    }
    case PROTO_SHUTDOWN:
        g_free(c->shutdown_reason);
        c->shutdown_reason = session_clean_text(msg->u.reason);
        break;
    case PROTO_USER_LIST:
    case PROTO_USER_JOINED:
    case PROTO_USER_LEFT:
        on_users(self, msg->type, &msg->u.users);
        break;
    case PROTO_TEXT:
        on_text(self, &msg->u.text);
        break;
    case PROTO_FILE_ACCEPT:
        upload_accepted(self, msg->u.ref.id);
        break;
    case PROTO_FILE_ANNOUNCE:
        on_announce(self, &msg->u.announce, NULL);
        break;
    case PROTO_FILE_ANNOUNCE_THUMB:
        on_announce(self, &msg->u.announce, &msg->u.announce_thumb);
        break;
    case PROTO_DOWNLOAD_START:
        download_started(self, &msg->u.download_start);
        break;
    case PROTO_DOWNLOAD_CHUNK:
        download_chunk(self, &msg->u.chunk);
        break;
    case PROTO_DOWNLOAD_END:
        download_ended(self, msg->u.ref.id);
        break;
    default:
        /* PONG (its arrival already counted as traffic), client-to-server types */
        if (!session_rooms_dispatch(self, msg) && !session_history_dispatch(self, msg) &&
            !session_presence_dispatch(self, msg) &&
            !session_live_dispatch(self, msg) && !session_search_dispatch(self, msg) &&
            !session_notify_dispatch(self, msg))
            session_auth_dispatch(self, msg);
        break;
    }
}
