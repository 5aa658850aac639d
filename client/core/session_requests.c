/* Account and moderation requests: change password, create an invite, moderate. Each
 * gets an id and waits in a table for its answer (DONE, INVITE, the SESSION a password
 * change brings, or ERROR); front ends hear the outcome in words, and NOTICE frames
 * (what moderators did) become sentences too. */
#include "client/core/session_private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "common/validate.h"

_Static_assert((int)CHAT_MOD_SET_ROLE == PROTO_MOD_ROLE && (int)CHAT_MOD_BAN == PROTO_MOD_BAN &&
               (int)CHAT_MOD_UNBAN == PROTO_MOD_UNBAN && (int)CHAT_MOD_KICK == PROTO_MOD_KICK &&
               (int)CHAT_MOD_MUTE == PROTO_MOD_MUTE && (int)CHAT_MOD_DELETE == PROTO_MOD_DELETE,
               "ChatModeration mirrors enum proto_mod_action");

/* A request sent and not yet answered, kept to say what was done in words. */
struct auth_request {
    guint64 id;
    guint16 type;        /* frame type of the request */
    ChatModeration action;
    guint32 value;       /* the moderation value, or the room id of a room request */
    char *target;
    char *done_words;    /* what DONE means in words, when set by the caller */
};

static void request_free(gpointer data)
{
    struct auth_request *r = data;
    g_free(r->target);
    g_free(r->done_words);
    g_free(r);
}

/* An empty table of unanswered requests (id -> request). */
GHashTable *session_requests_new(void)
{
    return g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, request_free);
}

static const char *role_words(guint32 role)
{
    switch (role) {
    case PROTO_ROLE_ADMIN:
        return _("an admin");
    case PROTO_ROLE_MODERATOR:
        return _("a moderator");
    default:
        return _("a member");
    }
}

/* What a moderation action did, in words: "alice banned bob: spam". */
static char *moderation_words(const char *actor, ChatModeration action, guint32 value,
                              const char *target, const char *reason)
{
    char *what;
    switch (action) {
    case CHAT_MOD_SET_ROLE:
        what = g_strdup_printf(_("%s made %s %s"), actor, target, role_words(value));
        break;
    case CHAT_MOD_BAN:
        what = g_strdup_printf(_("%s banned %s"), actor, target);
        break;
    case CHAT_MOD_UNBAN:
        what = g_strdup_printf(_("%s lifted the ban on %s"), actor, target);
        break;
    case CHAT_MOD_KICK:
        what = g_strdup_printf(_("%s removed %s from the chat"), actor, target);
        break;
    case CHAT_MOD_MUTE:
        what = value ? g_strdup_printf(_("%s muted %s for %u min"), actor, target, value)
                     : g_strdup_printf(_("%s lifted the mute on %s"), actor, target);
        break;
    case CHAT_MOD_DELETE:
        what = g_strdup_printf(_("%s deleted the account %s"), actor, target);
        break;
    default:
        what = g_strdup_printf(_("%s moderated %s"), actor, target);
    }
    if (!reason || !*reason)
        return what;
    char *with_reason = g_strdup_printf(_("%s: %s"), what, reason);
    g_free(what);
    return with_reason;
}

static void on_notice(ChatSession *self, const struct proto_notice *n)
{
    char *actor = session_clean_text(n->actor), *target = session_clean_text(n->target);
    char *reason = session_clean_text(n->reason);
    char *text = moderation_words(actor, (ChatModeration)n->action, n->value, target, reason);
    const char *me = self->accepted_name;
    if (n->action == PROTO_MOD_ROLE && me && strcmp(target, me) == 0 &&
        n->value <= PROTO_ROLE_ADMIN) {
        self->auth.role = (ChatRole)n->value;
        g_signal_emit(self, session_signals[SIG_USERS_CHANGED], 0);
    }
    g_signal_emit(self, session_signals[SIG_NOTICE], 0, text);
    g_free(text);
    g_free(actor);
    g_free(target);
    g_free(reason);
}

/* Removes and returns the request with that id (NULL if unknown). Not
 * g_hash_table_steal_extended: its key is the value's first member, and GLib 2.74 then
 * keeps the table as a set and hands back no value. */
static struct auth_request *take_request(ChatSession *self, guint64 id)
{
    struct auth_request *r = g_hash_table_lookup(self->requests, &id);
    if (r)
        g_hash_table_steal(self->requests, &id);
    return r;
}

/* The oldest unanswered PASSWORD_CHANGE succeeded (the server answers it with SESSION). */
void session_requests_password_changed(ChatSession *self)
{
    GHashTableIter iter;
    gpointer value;
    struct auth_request *oldest = NULL;
    g_hash_table_iter_init(&iter, self->requests);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        struct auth_request *r = value;
        if (r->type == PROTO_PASSWORD_CHANGE && (!oldest || r->id < oldest->id))
            oldest = r;
    }
    if (!oldest)
        return;
    struct auth_request *r = take_request(self, oldest->id);
    g_signal_emit(self, session_signals[SIG_REQUEST_DONE], 0, r->id,
                  _("Your password was changed."));
    request_free(r);
}

static void on_done(ChatSession *self, const struct proto_done *d)
{
    struct auth_request *r = take_request(self, d->request_id);
    if (!r)
        return;
    char *what = r->done_words           ? g_strdup(r->done_words)
                 : r->type == PROTO_PASSWORD_CHANGE ? g_strdup(_("Your password was changed."))
                 : moderation_words(_("You"), r->action, r->value, r->target, NULL);
    session_rooms_request_done(self, r->type, r->value);
    g_signal_emit(self, session_signals[SIG_REQUEST_DONE], 0, r->id, what);
    g_free(what);
    request_free(r);
}

static void on_invite(ChatSession *self, const struct proto_invite *inv)
{
    struct auth_request *r = take_request(self, inv->request_id);
    if (!r)
        return;
    char *code = session_clean_text(inv->code);
    g_signal_emit(self, session_signals[SIG_INVITE_CREATED], 0, r->id, code);
    g_free(code);
    request_free(r);
}

/* An ERROR answering request_id: "request-failed" in words. FALSE if unknown. */
gboolean session_requests_failed(ChatSession *self, guint64 request_id, guint code,
                                     const char *message)
{
    struct auth_request *r = take_request(self, request_id);
    if (!r)
        return FALSE;
    char *words = session_error_words(code, message, 0, self->accepted_name);
    g_signal_emit(self, session_signals[SIG_REQUEST_FAILED], 0, r->id,
                  (guint)session_error_from_proto(code), words);
    g_free(words);
    request_free(r);
    return TRUE;
}

/* The connection ended: unanswered requests fail (they may or may not have happened). */
void session_requests_conn_ended(ChatSession *self)
{
    GList *ids = g_hash_table_get_keys(self->requests);
    for (GList *l = ids; l; l = l->next) {
        guint64 id = *(guint64 *)l->data;
        struct auth_request *r = take_request(self, id);
        g_signal_emit(self, session_signals[SIG_REQUEST_FAILED], 0, id,
                      (guint)CHAT_SESSION_ERROR_OFFLINE,
                      _("The connection ended before the server answered."));
        request_free(r);
    }
    g_list_free(ids);
}

/* TRUE with no request awaiting its answer. */
gboolean session_requests_idle(ChatSession *self)
{
    return g_hash_table_size(self->requests) == 0;
}

/* NOTICE, DONE and INVITE; FALSE for any other type. */
gboolean session_requests_dispatch(ChatSession *self, const struct proto_msg *msg)
{
    switch (msg->type) {
    case PROTO_NOTICE:
        on_notice(self, &msg->u.notice);
        return TRUE;
    case PROTO_DONE:
        on_done(self, &msg->u.done);
        return TRUE;
    case PROTO_INVITE:
        on_invite(self, &msg->u.invite);
        return TRUE;
    default:
        return FALSE;
    }
}

/* TRUE while the request id, of frame type type, waits for its answer. */
gboolean session_request_pending(ChatSession *self, guint64 id, guint16 type)
{
    struct auth_request *r = g_hash_table_lookup(self->requests, &id);
    return r && r->type == type;
}

/* Checks that a request may go out now; FALSE with error set otherwise. */
gboolean session_request_possible(ChatSession *self, GError **error)
{
    if (!session_can_send(self)) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_OFFLINE,
                            _("Not connected to the server."));
        return FALSE;
    }
    if (self->auth.role == CHAT_ROLE_GUEST) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_NOT_ALLOWED,
                            _("Guests have no account: log in with a password first."));
        return FALSE;
    }
    return TRUE;
}

/* Records a request and sends msg, its request id written into *id_field first. */
static guint64 request_send(ChatSession *self, struct proto_msg *msg, guint64 *id_field,
                            ChatModeration action, guint32 value, const char *target,
                            char *done_words)
{
    struct auth_request *r = g_new0(struct auth_request, 1);
    r->id = ++self->last_request_id;
    r->type = msg->type;
    r->action = action;
    r->value = value;
    r->target = g_strdup(target);
    r->done_words = done_words;
    *id_field = r->id;
    g_hash_table_insert(self->requests, &r->id, r);
    session_send(self, msg);
    session_note_activity(self);
    return r->id;
}

/* Records a room request (value: its room id, or 0) and sends it; done_words (taken)
 * is what "request-done" will say. Returns the request id. */
guint64 session_request_send(ChatSession *self, struct proto_msg *msg, guint64 *id_field,
                             guint32 value, char *done_words)
{
    return request_send(self, msg, id_field, 0, value, NULL, done_words);
}

static gboolean password_acceptable(const char *password, GError **error)
{
    size_t len = password ? strlen(password) : 0;
    if (len == 0 || len > PROTO_MAX_PASSWORD || !g_utf8_validate(password, (gssize)len, NULL)) {
        g_set_error(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                    _("A password is 1 to %u bytes of text."), PROTO_MAX_PASSWORD);
        return FALSE;
    }
    return TRUE;
}

/* Sends PASSWORD_CHANGE (see session.h). */
guint64 chat_session_change_password(ChatSession *self, const char *old_password,
                                     const char *new_password, GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    if (!session_request_possible(self, error) || !password_acceptable(old_password, error) ||
        !password_acceptable(new_password, error))
        return 0;
    struct proto_msg msg = { .type = PROTO_PASSWORD_CHANGE };
    msg.u.password_change.old_password = proto_str_of(old_password);
    msg.u.password_change.new_password = proto_str_of(new_password);
    guint64 id = request_send(self, &msg, &msg.u.password_change.request_id, 0, 0, NULL, NULL);
    return id;
}

/* Sends INVITE_CREATE with the server's default validity (see session.h). */
guint64 chat_session_create_invite(ChatSession *self, GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    if (!session_request_possible(self, error))
        return 0;
    if (self->auth.role != CHAT_ROLE_ADMIN) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_NOT_ALLOWED,
                            _("Only admins can create invite codes."));
        return 0;
    }
    struct proto_msg msg = { .type = PROTO_INVITE_CREATE };
    return request_send(self, &msg, &msg.u.invite_create.request_id, 0, 0, NULL, NULL);
}

/* Sends MODERATE (see session.h). */
guint64 chat_session_moderate(ChatSession *self, ChatModeration action, const char *target,
                              guint32 value, const char *reason, GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self) && target != NULL, 0);
    if (!session_request_possible(self, error))
        return 0;
    if (!chat_session_may_moderate(self, action)) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_NOT_ALLOWED,
                            _("Your role does not allow that."));
        return 0;
    }
    enum name_status status = name_check(target, strlen(target));
    if (status != NAME_OK) {
        g_set_error(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                    _("No such name: %s"), name_status_text(status));
        return 0;
    }
    if (reason && strlen(reason) > PROTO_MAX_REASON) {
        g_set_error(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                    _("The reason is too long (at most %u bytes)."), PROTO_MAX_REASON);
        return 0;
    }
    if (action == CHAT_MOD_SET_ROLE && value != CHAT_ROLE_MEMBER &&
        value != CHAT_ROLE_MODERATOR && value != CHAT_ROLE_ADMIN) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                            _("The role must be member, moderator or admin."));
        return 0;
    }
    struct proto_msg msg = { .type = PROTO_MODERATE };
    msg.u.moderate.action = (uint16_t)action;
    msg.u.moderate.value = value;
    msg.u.moderate.target = proto_str_of(target);
    msg.u.moderate.reason = proto_str_of(reason ? reason : "");
    return request_send(self, &msg, &msg.u.moderate.request_id, action, value, target, NULL);
}
