/* ChatSession as a GObject: types, signals, state, the user list and the small public
 * calls. Texts waiting for their acknowledgement are in session_outbox.c, rooms in
 * session_rooms.c, history in session_history.c, presence state in session_presence.c.
 * Connection handling lives in
 * session_io.c, frame handling in session_dispatch.c, files in session_upload.c and
 * session_download.c. */
#include "client/core/session_private.h"

#include <glib/gi18n.h>
#include <string.h>


guint session_signals[SIG_COUNT];

G_DEFINE_FINAL_TYPE(ChatSession, chat_session, G_TYPE_OBJECT)

/* ---- Boxed types ---- */

/* Deep copy of a file description (boxed copy function). */
ChatFileInfo *chat_file_info_copy(const ChatFileInfo *info)
{
    ChatFileInfo *copy = g_memdup2(info, sizeof *info);
    copy->uploader = g_strdup(info->uploader);
    copy->name = g_strdup(info->name);
    if (info->upload)
        g_object_ref(info->upload);
    if (info->thumbnail)
        copy->thumbnail = g_bytes_ref(info->thumbnail);
    return copy;
}

/* Frees a file description and its strings (boxed free function). */
void chat_file_info_free(ChatFileInfo *info)
{
    if (!info)
        return;
    g_free(info->uploader);
    g_free(info->name);
    g_clear_object(&info->upload);
    if (info->thumbnail)
        g_bytes_unref(info->thumbnail);
    g_free(info);
}

G_DEFINE_BOXED_TYPE(ChatFileInfo, chat_file_info, chat_file_info_copy, chat_file_info_free)

/* ---- Object life ---- */

static void chat_session_dispose(GObject *object)
{
    ChatSession *self = CHAT_SESSION(object);
    transfer_detach_all(self);
    session_abandon_conn(self);
    g_clear_handle_id(&self->retry_source, g_source_remove);
    g_clear_handle_id(&self->tick_source, g_source_remove);
    g_clear_handle_id(&self->resume_source, g_source_remove);
    g_clear_handle_id(&self->refusal_source, g_source_remove);
    G_OBJECT_CLASS(chat_session_parent_class)->dispose(object);
}

static void chat_session_finalize(GObject *object)
{
    ChatSession *self = CHAT_SESSION(object);
    g_free(self->agent);
    g_free(self->host);
    session_servers_clear(self);
    g_free(self->username);
    g_free(self->expected_fingerprint);
    g_free(self->accepted_name);
    g_hash_table_unref(self->users);
    g_hash_table_unref(self->files);
    session_outbox_clear(self);
    g_object_unref(self->rooms);
    session_history_clear(self);
    session_notify_clear(self);
    session_auth_clear(self);
    session_presence_clear(self);
    session_live_clear(self);
    session_messages_clear(self);
    G_OBJECT_CLASS(chat_session_parent_class)->finalize(object);
}

static guint new_signal(GObjectClass *klass, const char *name, guint n_params, ...)
{
    GType params[3];
    va_list args;
    va_start(args, n_params);
    for (guint i = 0; i < n_params; i++)
        params[i] = va_arg(args, GType);
    va_end(args);
    return g_signal_newv(name, G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, NULL, NULL, NULL,
                         NULL, G_TYPE_NONE, n_params, params);
}

static void chat_session_class_init(ChatSessionClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    object_class->dispose = chat_session_dispose;
    object_class->finalize = chat_session_finalize;

    /* Arguments are only valid during the emission: no copies are made for handlers. */
    const GType str = G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE;
    const GType message = CHAT_TYPE_MESSAGE;
    const GType file = CHAT_TYPE_FILE_INFO | G_SIGNAL_TYPE_STATIC_SCOPE;
    guint *s = session_signals;
    s[SIG_STATE_CHANGED] = new_signal(object_class, "state-changed", 2, G_TYPE_INT, str);
    s[SIG_LOGIN_FAILED] = new_signal(object_class, "login-failed", 2, G_TYPE_UINT, str);
    s[SIG_MESSAGE] = new_signal(object_class, "message", 1, message);
    s[SIG_MESSAGE_FAILED] = new_signal(object_class, "message-failed", 2, message, str);
    s[SIG_USERS_CHANGED] = new_signal(object_class, "users-changed", 0);
    s[SIG_USER_JOINED] = new_signal(object_class, "user-joined", 2, G_TYPE_UINT, str);
    s[SIG_USER_LEFT] = new_signal(object_class, "user-left", 2, G_TYPE_UINT, str);
    s[SIG_FILE_ANNOUNCED] = new_signal(object_class, "file-announced", 1, file);
    const GType transfer = CHAT_TYPE_TRANSFER;
    s[SIG_TRANSFER_PROGRESS] = new_signal(object_class, "transfer-progress", 1, transfer);
    s[SIG_TRANSFER_FINISHED] = new_signal(object_class, "transfer-finished", 1, transfer);
    s[SIG_TRANSFER_FAILED] = new_signal(object_class, "transfer-failed", 2, transfer, str);
    s[SIG_SERVER_ERROR] = new_signal(object_class, "server-error", 2, G_TYPE_UINT, str);
    s[SIG_IDLE] = new_signal(object_class, "idle", 0);
    s[SIG_TOKEN_CHANGED] = new_signal(object_class, "token-changed", 1, str);
    s[SIG_REQUEST_DONE] = new_signal(object_class, "request-done", 2, G_TYPE_UINT64, str);
    s[SIG_REQUEST_FAILED] =
        new_signal(object_class, "request-failed", 3, G_TYPE_UINT64, G_TYPE_UINT, str);
    s[SIG_INVITE_CREATED] = new_signal(object_class, "invite-created", 2, G_TYPE_UINT64, str);
    s[SIG_NOTICE] = new_signal(object_class, "notice", 1, str);
    s[SIG_CERTIFICATE_UNTRUSTED] = new_signal(object_class, "certificate-untrusted", 1,
                                              CHAT_TYPE_CERTIFICATE | G_SIGNAL_TYPE_STATIC_SCOPE);
    s[SIG_ROOM_LISTED] = new_signal(object_class, "room-listed", 2, G_TYPE_UINT64, CHAT_TYPE_ROOM);
    s[SIG_ROOM_EVENT] = new_signal(object_class, "room-event", 2, CHAT_TYPE_ROOM, str);
    s[SIG_ROOM_INVITED] = new_signal(object_class, "room-invited", 3, str, str, str);
    s[SIG_HISTORY_LOADED] = new_signal(object_class, "history-loaded", 3, CHAT_TYPE_ROOM,
                                       G_TYPE_UINT, G_TYPE_BOOLEAN);
    s[SIG_HISTORY_GAP] = new_signal(object_class, "history-gap", 3, CHAT_TYPE_ROOM,
                                    G_TYPE_UINT64, G_TYPE_UINT64);
    s[SIG_HISTORY_GAP_FILLED] = new_signal(object_class, "history-gap-filled", 3,
                                           CHAT_TYPE_ROOM, G_TYPE_UINT64, G_TYPE_UINT64);
    session_live_class_init(object_class);
    s[SIG_SEARCH_RESULT] = new_signal(object_class, "search-result", 1,
                                      CHAT_TYPE_SEARCH_RESULT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void chat_session_init(ChatSession *self)
{
    self->state = CHAT_SESSION_DISCONNECTED;
    self->auto_reconnect = TRUE;
    self->backoff_s = SESSION_BACKOFF_FIRST_S;
    self->max_text = PROTO_MAX_TEXT;
    self->max_chunk = PROTO_MAX_CHUNK;
    self->users = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    self->files = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL,
                                        (GDestroyNotify)chat_file_info_free);
    g_queue_init(&self->pending_texts);
    session_messages_init(self);
    session_rooms_init(self);
    session_history_init(self);
    session_notify_init(self);
    g_queue_init(&self->transfers);
    session_auth_init(self);
    session_presence_init(self);
    session_live_init(self);
}

/* A new disconnected session. agent names the front end ("chat-cli/1.0"). */
ChatSession *chat_session_new(const char *agent)
{
    ChatSession *self = g_object_new(CHAT_TYPE_SESSION, NULL);
    /* The agent goes on the wire as-is: keep it valid UTF-8 within its byte cap. */
    const char *end = NULL;
    const char *text = agent ? agent : "";
    g_utf8_validate(text, MIN(strlen(text), PROTO_MAX_AGENT), &end);
    self->agent = g_strndup(text, (gsize)(end - text));
    return self;
}

/* ---- State ---- */

/* Records the new state and emits "state-changed" (repeated only with a new detail).
 * Leaving ONLINE empties the user list (offline, nobody is known to be online);
 * DISCONNECTED ends every room's catching up. */
void session_set_state(ChatSession *self, ChatSessionState state, const char *detail)
{
    if (self->state == state && !detail)
        return;
    gboolean left_online = self->state == CHAT_SESSION_ONLINE && state != CHAT_SESSION_ONLINE;
    self->state = state;
    if (state == CHAT_SESSION_DISCONNECTED)
        session_history_disconnected(self);
    g_signal_emit(self, session_signals[SIG_STATE_CHANGED], 0, state, detail);
    if (left_online && g_hash_table_size(self->users) > 0) {
        g_hash_table_remove_all(self->users);
        g_signal_emit(self, session_signals[SIG_USERS_CHANGED], 0);
    }
}

/* Emits "idle" when the session has just run out of work. Call after anything that may
 * have finished work. */
void session_note_activity(ChatSession *self)
{
    if (!chat_session_is_idle(self)) {
        self->busy = TRUE;
    } else if (self->busy) {
        self->busy = FALSE;
        g_signal_emit(self, session_signals[SIG_IDLE], 0);
    }
}

/* The login is complete (WELCOME and the whole user list): everything that waited for it
 * goes out (texts never acknowledged are sent again), then front ends hear ONLINE. */
void session_go_online(ChatSession *self)
{
    self->conn->online = TRUE;
    session_rooms_logged_in(self); /* RESUME for the rooms held, before the resends */
    session_history_logged_in(self);
    session_presence_logged_in(self);
    session_outbox_resend(self);
    session_live_logged_in(self);
    session_notify_logged_in(self);
    upload_send_offers(self);
    download_send_requests(self);
    session_set_state(self, CHAT_SESSION_ONLINE, NULL);
    g_signal_emit(self, session_signals[SIG_USERS_CHANGED], 0);
}

/* Turns reconnecting after a loss on or off; the current connection is unaffected. */
void chat_session_set_auto_reconnect(ChatSession *self, gboolean enabled)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    self->auto_reconnect = enabled;
}

/* The state as last reported by "state-changed". */
ChatSessionState chat_session_get_state(ChatSession *self)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), CHAT_SESSION_DISCONNECTED);
    return self->state;
}

guint chat_session_get_retry_delay(ChatSession *self)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    if (self->retry_source == 0)
        return 0;
    gint64 left = self->retry_at_us - g_get_monotonic_time();
    return left > 0 ? (guint)((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC) : 0;
}

/* The name the server last accepted, owned by the session; NULL before any WELCOME. */
const char *chat_session_get_username(ChatSession *self)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), NULL);
    return self->accepted_name;
}

/* Orders two names (char ** elements of a GPtrArray) as a person reads a list:
 * case-folded, by the locale's collation, then bytewise so the order is total. */
gint chat_compare_names(gconstpointer a, gconstpointer b)
{
    char *fa = g_utf8_casefold(*(char *const *)a, -1);
    char *fb = g_utf8_casefold(*(char *const *)b, -1);
    int order = g_utf8_collate(fa, fb);
    g_free(fa);
    g_free(fb);
    return order ? order : strcmp(*(char *const *)a, *(char *const *)b);
}

/* A new sorted array of copies of the online names (empty while not ONLINE). */
GPtrArray *chat_session_list_users(ChatSession *self)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter iter;
    gpointer name;
    g_hash_table_iter_init(&iter, self->users);
    while (g_hash_table_iter_next(&iter, NULL, &name))
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, chat_compare_names);
    return names;
}

gboolean session_find_user(ChatSession *self, const char *name, guint32 *id)
{
    GHashTableIter iter;
    gpointer key, user;
    g_hash_table_iter_init(&iter, self->users);
    while (g_hash_table_iter_next(&iter, &key, &user))
        if (strcmp(user, name) == 0) {
            *id = GPOINTER_TO_UINT(key);
            return TRUE;
        }
    return FALSE;
}

/* TRUE with no text awaiting its echo, no transfer, no request awaiting its answer and
 * nothing queued for the server. */
gboolean chat_session_is_idle(ChatSession *self)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), TRUE);
    return g_queue_is_empty(&self->pending_texts) && g_queue_is_empty(&self->transfers) &&
           session_queued_bytes(self) == 0 && session_requests_idle(self) &&
           session_history_idle(self);
}

/* ---- Transfers (the work is in session_upload.c and session_download.c) ---- */

/* Starts an upload into the lobby; NULL with error set if the file cannot be sent. */
ChatTransfer *chat_session_upload(ChatSession *self, const char *path, GError **error)
{
    return chat_session_upload_to(self, PROTO_ROOM_LOBBY, path, error);
}

/* Starts an upload into room_id (session_upload.c); NULL with error set if it cannot be. */
ChatTransfer *chat_session_upload_to(ChatSession *self, guint32 room_id, const char *path,
                                     GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), NULL);
    g_return_val_if_fail(path != NULL, NULL);
    return upload_start(self, room_id, path, NULL, error);
}

/* An upload offered with a thumbnail, checked first (session_thumb.c). */
ChatTransfer *chat_session_upload_with_thumbnail(ChatSession *self, guint32 room_id,
                                                 const char *path, GBytes *thumbnail,
                                                 GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), NULL);
    g_return_val_if_fail(path != NULL && thumbnail != NULL, NULL);
    if (!chat_thumbnail_check(thumbnail, NULL, NULL, error))
        return NULL;
    return upload_start(self, room_id, path, thumbnail, error);
}

/* Starts or resumes a download (session_download.c); NULL with error set if refused. */
ChatTransfer *chat_session_download(ChatSession *self, guint64 file_id, const char *dir,
                                    GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), NULL);
    g_return_val_if_fail(dir != NULL, NULL);
    return download_start(self, file_id, dir, error);
}

/* Cancels a live transfer; "transfer-failed" with "cancelled" follows at once. */
void chat_session_cancel_transfer(ChatSession *self, ChatTransfer *transfer)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    g_return_if_fail(CHAT_IS_TRANSFER(transfer));
    struct transfer *t = transfer_of(self, transfer);
    if (t)
        transfer_cancel(t);
}
