/* The outbox: texts sent and not yet acknowledged. Each carries a random 64-bit client
 * (transaction) id; until the server relays it back it stays here, and it is sent again
 * with the same id after every login (the server deduplicates on account and id, so a
 * resend after a lost acknowledgement never doubles it). With an outbox folder
 * (chat_session_set_outbox_dir) the outbox is also a file per server and account,
 * rewritten atomically before a new text goes out, so it survives a restart. The same
 * file keeps each room's mark (the newest message id held: what RESUME says after a
 * restart, session_history.c), saved when the main loop is next idle.
 *
 * File format, one item a line after the header "chat-outbox 1":
 *   <client id, 16 hex digits> TAB <room id> TAB <direct-to name or empty> TAB <text>
 *   room TAB <room id> TAB <mark>
 * with name and text escaped by g_strescape (no tab or newline remains in them). */
#include "client/core/session_private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "common/validate.h"

#define OUTBOX_HEADER "chat-outbox 1"

static void outbox_save(ChatSession *self);

static void pending_text_free(gpointer data)
{
    struct pending_text *p = data;
    g_free(p->direct_to);
    g_free(p->text);
    g_clear_object(&p->msg);
    g_free(p);
}

/* Forgets every pending text (the file stays, brought up to date first). */
void session_outbox_clear(ChatSession *self)
{
    if (self->outbox_save_source)
        outbox_save(self);
    session_outbox_retry_cancel(self);
    g_queue_clear_full(&self->pending_texts, pending_text_free);
    g_clear_pointer(&self->outbox_path, g_free);
    g_clear_pointer(&self->outbox_dir, g_free);
}

static GList *find_pending(ChatSession *self, guint64 client_id)
{
    for (GList *l = self->pending_texts.head; l; l = l->next)
        if (((struct pending_text *)l->data)->client_id == client_id)
            return l;
    return NULL;
}

/* The pending text client_id, or NULL (see session_private.h). */
struct pending_text *session_outbox_find(ChatSession *self, guint64 client_id)
{
    GList *link = find_pending(self, client_id);
    return link ? link->data : NULL;
}

/* ---- The file ---- */

/* Writes the outbox file (or removes it when empty). Failures are only logged: the
 * texts are still held in memory. */
static void outbox_save(ChatSession *self)
{
    g_clear_handle_id(&self->outbox_save_source, g_source_remove);
    if (!self->outbox_path)
        return;
    GHashTable *marks = session_history_marks(self);
    if (g_queue_is_empty(&self->pending_texts) && g_hash_table_size(marks) == 0) {
        if (g_remove(self->outbox_path) != 0 && errno != ENOENT)
            g_warning("cannot remove the outbox %s: %s", self->outbox_path, g_strerror(errno));
        return;
    }
    GString *out = g_string_new(OUTBOX_HEADER "\n");
    for (GList *l = self->pending_texts.head; l; l = l->next) {
        const struct pending_text *p = l->data;
        char *to = g_strescape(p->direct_to ? p->direct_to : "", NULL);
        char *text = g_strescape(p->text, NULL);
        g_string_append_printf(out, "%016" G_GINT64_MODIFIER "x\t%u\t%s\t%s", p->client_id,
                               p->room_id, to, text);
        if (p->reply_to) /* a fifth field, only for replies: older files stay valid */
            g_string_append_printf(out, "\t%" G_GUINT64_FORMAT, p->reply_to);
        g_string_append_c(out, '\n');
        g_free(to);
        g_free(text);
    }
    GHashTableIter iter;
    gpointer room, mark;
    g_hash_table_iter_init(&iter, marks);
    while (g_hash_table_iter_next(&iter, &room, &mark))
        g_string_append_printf(out, "room\t%u\t%" G_GUINT64_FORMAT "\n", GPOINTER_TO_UINT(room),
                               *(guint64 *)mark);
    GError *error = NULL;
    if (g_mkdir_with_parents(self->outbox_dir, 0700) != 0 ||
        !g_file_set_contents_full(self->outbox_path, out->str, (gssize)out->len,
                                  G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
        g_warning("cannot write the outbox %s: %s", self->outbox_path,
                  error ? error->message : g_strerror(errno));
    g_clear_error(&error);
    g_string_free(out, TRUE);
}

static gboolean outbox_save_due(gpointer data)
{
    ChatSession *self = data;
    self->outbox_save_source = 0;
    outbox_save(self);
    return G_SOURCE_REMOVE;
}

/* Saves the file once the main loop is idle (many changes, one write). */
void session_outbox_save_later(ChatSession *self)
{
    if (self->outbox_path && !self->outbox_save_source)
        self->outbox_save_source = g_idle_add(outbox_save_due, self);
}

/* Reads a "room TAB id TAB mark" line into the marks; FALSE if it is not one. */
static gboolean parse_mark(ChatSession *self, const char *line)
{
    char **fields = g_strsplit(line, "\t", 3);
    gboolean ok = g_strv_length(fields) == 3 && g_str_equal(fields[0], "room");
    guint64 room = 0, mark = 0;
    ok = ok && g_ascii_string_to_unsigned(fields[1], 10, 0, G_MAXUINT32, &room, NULL) &&
         g_ascii_string_to_unsigned(fields[2], 10, 0, G_MAXUINT64, &mark, NULL);
    if (ok)
        session_history_mark(self, (guint32)room, mark);
    g_strfreev(fields);
    return ok;
}

/* Parses one line of the file into a new pending text, or NULL if it is not one. */
static struct pending_text *parse_line(const char *line, guint32 max_text, const char *sender)
{
    char **fields = g_strsplit(line, "\t", 5);
    struct pending_text *p = NULL;
    guint n = g_strv_length(fields);
    guint64 reply_to = 0;
    if (n == 5 && !g_ascii_string_to_unsigned(fields[4], 10, 1, G_MAXUINT64, &reply_to, NULL))
        n = 0;
    if (n == 4 || n == 5) {
        char *end = NULL;
        guint64 id = g_ascii_strtoull(fields[0], &end, 16);
        guint64 room = g_ascii_strtoull(fields[1], NULL, 10);
        char *to = g_strcompress(fields[2]), *text = g_strcompress(fields[3]);
        gboolean to_ok = !*to || name_check(to, strlen(to)) == NAME_OK;
        if (end && !*end && id && room <= G_MAXUINT32 && to_ok &&
            text_check(text, strlen(text), max_text)) {
            p = g_new0(struct pending_text, 1);
            p->client_id = id;
            p->room_id = (guint32)room;
            p->direct_to = *to ? g_strdup(to) : NULL;
            p->text = g_strdup(text);
            p->reply_to = reply_to;
            p->msg = message_new_pending(p->room_id, sender, text, id, reply_to);
        }
        g_free(to);
        g_free(text);
    }
    g_strfreev(fields);
    return p;
}

/* Adds the texts of the outbox file to the queue (skipping ids already held). */
static void outbox_load(ChatSession *self)
{
    char *contents = NULL;
    if (!g_file_get_contents(self->outbox_path, &contents, NULL, NULL))
        return; /* none yet */
    char **lines = g_strsplit(contents, "\n", -1);
    if (lines[0] && strcmp(lines[0], OUTBOX_HEADER) == 0) {
        for (char **line = lines + 1; *line; line++) {
            if (g_str_has_prefix(*line, "room\t")) {
                parse_mark(self, *line);
                continue;
            }
            struct pending_text *p = **line ? parse_line(*line, PROTO_MAX_TEXT, self->username) : NULL;
            if (p && !find_pending(self, p->client_id))
                g_queue_push_tail(&self->pending_texts, p);
            else if (p)
                pending_text_free(p);
        }
    } else {
        g_warning("%s is not an outbox; ignored", self->outbox_path);
    }
    g_strfreev(lines);
    g_free(contents);
}

/* A login begins (host, port and username are set): the outbox of that server and
 * account is the one to use; a different one's texts leave memory (their file stays). */
void session_outbox_open(ChatSession *self)
{
    if (!self->outbox_dir)
        return;
    char *key = g_strdup_printf("%s\n%u\n%s", self->host, self->port, self->username);
    char *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key, -1);
    char *name = g_strdup_printf("outbox-%.32s", digest);
    char *path = g_build_filename(self->outbox_dir, name, NULL);
    if (g_strcmp0(path, self->outbox_path) != 0) {
        if (self->outbox_path) {
            session_outbox_retry_cancel(self);
            g_queue_clear_full(&self->pending_texts, pending_text_free);
            g_hash_table_remove_all(session_history_marks(self));
        }
        g_free(self->outbox_path);
        self->outbox_path = g_steal_pointer(&path);
        outbox_load(self);
    }
    g_free(path);
    g_free(name);
    g_free(digest);
    g_free(key);
}

/* Keeps outboxes in dir from now on (see session.h). */
void chat_session_set_outbox_dir(ChatSession *self, const char *dir)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    g_free(self->outbox_dir);
    self->outbox_dir = g_strdup(dir);
    if (dir && self->host && self->username)
        session_outbox_open(self);
}

/* ---- Sending ---- */

/* Sends p with its client id (see session_private.h). */
void session_outbox_send(ChatSession *self, const struct pending_text *p)
{
    struct proto_msg msg = { .type = p->direct_to ? PROTO_DIRECT_SEND : PROTO_TEXT_SEND };
    if (p->reply_to) {
        msg.type = PROTO_REPLY_SEND;
        msg.u.reply_send.client_id = p->client_id;
        msg.u.reply_send.room_id = p->room_id;
        msg.u.reply_send.reply_to = p->reply_to;
        msg.u.reply_send.text = proto_str_of(p->text);
    } else if (p->direct_to) {
        msg.u.direct_send.client_id = p->client_id;
        msg.u.direct_send.username = proto_str_of(p->direct_to);
        msg.u.direct_send.text = proto_str_of(p->text);
    } else {
        msg.u.text_send.client_id = p->client_id;
        msg.u.text_send.room_id = p->room_id;
        msg.u.text_send.text = proto_str_of(p->text);
    }
    session_send(self, &msg);
}

/* The login is complete: every text never acknowledged goes out again, same ids (those
 * waiting after ERROR 80 too, at once: their wait ends). */
void session_outbox_resend(ChatSession *self)
{
    session_outbox_retry_cancel(self);
    for (GList *l = self->pending_texts.head; l; l = l->next)
        session_outbox_send(self, l->data);
}

/* TRUE for valid UTF-8 made only of white space (or nothing). */
static gboolean text_is_blank(const char *text, size_t len)
{
    if (!g_utf8_validate(text, (gssize)len, NULL))
        return FALSE;
    for (const char *p = text; *p; p = g_utf8_next_char(p))
        if (!g_unichar_isspace(g_utf8_get_char(p)))
            return FALSE;
    return TRUE;
}

/* FALSE with error set when text may not be sent, in words. */
static gboolean text_acceptable(ChatSession *self, const char *text, GError **error)
{
    size_t len = strlen(text);
    if (text_check(text, len, self->max_text))
        return TRUE;
    if (len > self->max_text)
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    _("the message is too long (%zu bytes; at most %u)"), len, self->max_text);
    else if (text_is_blank(text, len))
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                            _("the message is empty"));
    else
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                            _("the message contains characters that cannot be sent"));
    return FALSE;
}

/* A random non-zero client id that no pending text has. */
static guint64 new_client_id(ChatSession *self)
{
    guint64 id;
    do
        id = ((guint64)g_random_int() << 32) | g_random_int();
    while (id == 0 || find_pending(self, id));
    return id;
}

/* Queues a text (saved first), sends it when possible; returns its object. */
static ChatMessage *outbox_add(ChatSession *self, guint32 room_id, const char *direct_to,
                          guint64 reply_to, const char *text)
{
    struct pending_text *p = g_new0(struct pending_text, 1);
    p->client_id = new_client_id(self);
    p->room_id = room_id;
    p->reply_to = reply_to;
    p->direct_to = g_strdup(direct_to);
    p->text = g_strdup(text);
    const char *me = self->accepted_name ? self->accepted_name : self->username;
    p->msg = message_new_pending(room_id, me, text, p->client_id, reply_to);
    g_queue_push_tail(&self->pending_texts, p);
    outbox_save(self);
    if (session_can_send(self))
        session_outbox_send(self, p);
    session_note_activity(self);
    return p->msg;
}

/* Queues a text for the lobby (see session.h). */
ChatMessage *chat_session_send_text(ChatSession *self, const char *text, GError **error)
{
    return chat_session_send_text_to(self, PROTO_ROOM_LOBBY, text, error);
}

/* Validates and queues a text for a room; it stays pending until relayed back. */
ChatMessage *chat_session_send_text_to(ChatSession *self, guint32 room_id, const char *text,
                                       GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), NULL);
    g_return_val_if_fail(text != NULL, NULL);
    if (!text_acceptable(self, text, error))
        return NULL;
    return outbox_add(self, room_id, NULL, 0, text);
}

/* Validates and queues a reply; like a text, it stays pending until relayed back. */
ChatMessage *chat_session_send_reply(ChatSession *self, guint32 room_id, guint64 reply_to,
                                     const char *text, GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), NULL);
    g_return_val_if_fail(text != NULL, NULL);
    if (reply_to == 0) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                            _("There is no message 0 to reply to."));
        return NULL;
    }
    if (!text_acceptable(self, text, error))
        return NULL;
    return outbox_add(self, room_id, NULL, reply_to, text);
}

/* Validates and queues a direct message to username (see session.h). */
ChatMessage *chat_session_send_direct(ChatSession *self, const char *username,
                                      const char *text, GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), NULL);
    g_return_val_if_fail(username != NULL && text != NULL, NULL);
    enum name_status status = name_check(username, strlen(username));
    if (status != NAME_OK) {
        g_set_error(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                    "no such user: %s", name_status_text(status));
        return NULL;
    }
    if (!text_acceptable(self, text, error))
        return NULL;
    return outbox_add(self, 0, username, 0, text);
}

/* Forgets a pending text the server relayed back; its object goes to the caller. */
ChatMessage *session_text_acknowledged(ChatSession *self, guint64 client_id)
{
    GList *link = find_pending(self, client_id);
    if (!link)
        return NULL;
    struct pending_text *p = link->data;
    ChatMessage *msg = g_steal_pointer(&p->msg);
    pending_text_free(p);
    g_queue_delete_link(&self->pending_texts, link);
    session_outbox_save_later(self);
    return msg;
}

/* Forgets a pending text the server refused (code, a ChatSessionError, and reason in
 * words): the object turns FAILED and "message-failed" is emitted. FALSE if it was not
 * pending. */
gboolean session_text_failed(ChatSession *self, guint64 client_id, guint code,
                             const char *reason)
{
    ChatMessage *msg = session_text_acknowledged(self, client_id);
    if (!msg)
        return FALSE;
    message_set_failed(msg, code, reason);
    g_signal_emit(self, session_signals[SIG_MESSAGE_FAILED], 0, msg, reason);
    g_object_unref(msg);
    return TRUE;
}
