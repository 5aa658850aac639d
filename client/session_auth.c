/* Accounts in the session core: which login frame an attempt sends (REGISTER, LOGIN,
 * LOGIN_TOKEN, or HELLO for a guest), the session token handed to the front end, roles,
 * and account and moderation requests with their answers in words. */
#include "client/session_private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "common/validate.h"

_Static_assert((int)CHAT_ROLE_MEMBER == PROTO_ROLE_MEMBER &&
               (int)CHAT_ROLE_MODERATOR == PROTO_ROLE_MODERATOR &&
               (int)CHAT_ROLE_ADMIN == PROTO_ROLE_ADMIN && (int)CHAT_ROLE_GUEST == PROTO_ROLE_GUEST,
               "ChatRole mirrors enum proto_role");
_Static_assert((int)CHAT_MOD_SET_ROLE == PROTO_MOD_ROLE && (int)CHAT_MOD_BAN == PROTO_MOD_BAN &&
               (int)CHAT_MOD_UNBAN == PROTO_MOD_UNBAN && (int)CHAT_MOD_KICK == PROTO_MOD_KICK &&
               (int)CHAT_MOD_MUTE == PROTO_MOD_MUTE && (int)CHAT_MOD_DELETE == PROTO_MOD_DELETE,
               "ChatModeration mirrors enum proto_mod_action");

/* A request sent and not yet answered, kept to say what was done in words. */
struct auth_request {
    guint64 id;
    guint16 type;        /* frame type of the request */
    ChatModeration action;
    guint32 value;
    char *target;
};

static void request_free(gpointer data)
{
    struct auth_request *r = data;
    g_free(r->target);
    g_free(r);
}

static void wipe_free(char **secret)
{
    if (*secret) {
        memset(*secret, 0, strlen(*secret));
        g_clear_pointer(secret, g_free);
    }
}

/* Called from chat_session_init. */
void session_auth_init(ChatSession *self)
{
    struct session_auth *a = &self->auth;
    a->role = CHAT_ROLE_GUEST;
    a->roles = g_hash_table_new(g_direct_hash, g_direct_equal);
    a->requests = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, request_free);
}

/* Called from finalize: secrets are wiped before they are freed. */
void session_auth_clear(ChatSession *self)
{
    struct session_auth *a = &self->auth;
    wipe_free(&a->password);
    g_clear_pointer(&a->invite, g_free);
    memset(a->token, 0, sizeof a->token);
    g_hash_table_unref(a->roles);
    g_hash_table_unref(a->requests);
}

/* ---- The token, as the front end keeps it: 64 hex digits ---- */

static char *token_to_hex(const guint8 *token)
{
    char *hex = g_malloc(PROTO_TOKEN_LEN * 2 + 1);
    for (guint i = 0; i < PROTO_TOKEN_LEN; i++)
        g_snprintf(hex + 2 * i, 3, "%02x", token[i]);
    return hex;
}

static gboolean token_from_hex(const char *hex, guint8 *token)
{
    if (!hex || strlen(hex) != PROTO_TOKEN_LEN * 2)
        return FALSE;
    for (guint i = 0; i < PROTO_TOKEN_LEN; i++) {
        int hi = g_ascii_xdigit_value(hex[2 * i]), lo = g_ascii_xdigit_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return FALSE;
        token[i] = (guint8)(hi << 4 | lo);
    }
    return TRUE;
}

static void forget_token(ChatSession *self)
{
    struct session_auth *a = &self->auth;
    if (!a->have_token)
        return;
    a->have_token = FALSE;
    memset(a->token, 0, sizeof a->token);
    g_signal_emit(self, session_signals[SIG_TOKEN_CHANGED], 0, NULL);
}

/* ---- Logging in ---- */

/* Takes the credentials of chat_session_login (copies; the password is wiped later). */
void session_auth_set(ChatSession *self, const ChatCredentials *credentials)
{
    struct session_auth *a = &self->auth;
    wipe_free(&a->password);
    g_clear_pointer(&a->invite, g_free);
    if (credentials->password && *credentials->password)
        a->password = g_strdup(credentials->password);
    if (credentials->invite && *credentials->invite)
        a->invite = g_strdup(credentials->invite);
    a->create_account = credentials->create_account;
    a->have_token = !a->create_account && token_from_hex(credentials->token, a->token);
    a->role = CHAT_ROLE_GUEST;
}

/* Credentials the server would refuse for their size alone: TRUE with the protocol
 * error code and reason. */
gboolean session_auth_local_refusal(ChatSession *self, guint *code, const char **reason)
{
    struct session_auth *a = &self->auth;
    if (a->password && strlen(a->password) > PROTO_MAX_PASSWORD) {
        *code = PROTO_E_PASSWORD_WEAK;
        *reason = _("it is longer than 1024 bytes");
        return TRUE;
    }
    if (a->invite && strlen(a->invite) > PROTO_MAX_INVITE) {
        *code = PROTO_E_INVITE_INVALID;
        *reason = NULL;
        return TRUE;
    }
    return FALSE;
}

/* TRUE for the frame types that log in (their ERROR answers are login refusals). */
gboolean session_auth_is_login_type(guint16 type)
{
    return type == PROTO_HELLO || type == PROTO_REGISTER || type == PROTO_LOGIN ||
           type == PROTO_LOGIN_TOKEN;
}

/* Sends this attempt's login frame: REGISTER, LOGIN_TOKEN, LOGIN or HELLO, in that order
 * of preference. FALSE if a field is over its wire-format cap. */
gboolean session_auth_send_login(ChatSession *self)
{
    struct session_auth *a = &self->auth;
    struct proto_msg msg = { 0 };
    a->token_in_use = FALSE;
    if (a->create_account && a->password) {
        msg.type = PROTO_REGISTER;
        msg.u.reg = (struct proto_register){
            .version = PROTO_VERSION, .username = proto_str_of(self->username),
            .password = proto_str_of(a->password), .invite = proto_str_of(a->invite ? a->invite : ""),
            .agent = proto_str_of(self->agent),
        };
    } else if (a->have_token) {
        a->token_in_use = TRUE;
        msg.type = PROTO_LOGIN_TOKEN;
        msg.u.login_token.version = PROTO_VERSION;
        memcpy(msg.u.login_token.token, a->token, PROTO_TOKEN_LEN);
        msg.u.login_token.agent = proto_str_of(self->agent);
    } else if (a->password) {
        msg.type = PROTO_LOGIN;
        msg.u.login = (struct proto_login){
            .version = PROTO_VERSION, .username = proto_str_of(self->username),
            .password = proto_str_of(a->password), .agent = proto_str_of(self->agent),
        };
    } else {
        msg.type = PROTO_HELLO;
        msg.u.hello = (struct proto_hello){
            .version = PROTO_VERSION, .username = proto_str_of(self->username),
            .agent = proto_str_of(self->agent),
        };
    }
    gboolean sent = session_send(self, &msg);
    if (msg.type == PROTO_LOGIN_TOKEN)
        memset(msg.u.login_token.token, 0, PROTO_TOKEN_LEN);
    return sent;
}

/* A login was refused with code. TRUE when another attempt should follow at once: a
 * refused token is forgotten ("token-changed" NULL) and the password tried instead. */
gboolean session_auth_retry_refused(ChatSession *self, guint code)
{
    struct session_auth *a = &self->auth;
    if (code != PROTO_E_TOKEN_INVALID || !a->token_in_use)
        return FALSE;
    forget_token(self);
    return a->password != NULL;
}

static void password_changed(ChatSession *self);

/* SESSION: the login worked (or, once logged in, a password change did: every older
 * token is revoked and this is the new one). The token goes to the front end, the
 * password away. */
static void on_session(ChatSession *self, const struct proto_session *s)
{
    struct session_auth *a = &self->auth;
    if (self->conn && self->conn->welcomed)
        password_changed(self);
    a->role = s->role <= PROTO_ROLE_GUEST ? (ChatRole)s->role : CHAT_ROLE_MEMBER;
    wipe_free(&a->password);
    g_clear_pointer(&a->invite, g_free);
    a->create_account = FALSE;
    if (a->have_token && memcmp(a->token, s->token, PROTO_TOKEN_LEN) == 0)
        return;
    memcpy(a->token, s->token, PROTO_TOKEN_LEN);
    a->have_token = TRUE;
    char *hex = token_to_hex(a->token);
    g_signal_emit(self, session_signals[SIG_TOKEN_CHANGED], 0, hex);
    memset(hex, 0, strlen(hex));
    g_free(hex);
}

/* ---- Roles ---- */

/* A string from the network made safe to show: control and format characters (which
 * could steer a terminal or reorder a label) become U+FFFD. */
static char *clean_text(struct proto_str s)
{
    GString *out = g_string_sized_new(s.len);
    const char *end = s.ptr + s.len;
    for (const char *p = s.ptr; p < end; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        GUnicodeType kind = g_unichar_type(c);
        if (kind == G_UNICODE_CONTROL || kind == G_UNICODE_FORMAT)
            g_string_append_unichar(out, 0xFFFD);
        else
            g_string_append_unichar(out, c);
    }
    return g_string_free(out, FALSE);
}

/* USER_ROLE: these online users have this role now. */
static void on_user_role(ChatSession *self, const struct proto_user_role *r)
{
    struct session_auth *a = &self->auth;
    ChatRole role = r->role <= PROTO_ROLE_GUEST ? (ChatRole)r->role : CHAT_ROLE_MEMBER;
    size_t cursor = 0;
    struct proto_user user;
    while (proto_users_next(&r->users, &cursor, &user)) {
        gpointer key = GUINT_TO_POINTER(user.id);
        if (role == CHAT_ROLE_MEMBER)
            g_hash_table_remove(a->roles, key);
        else
            g_hash_table_insert(a->roles, key, GINT_TO_POINTER(role));
        if (user.id == self->user_id)
            a->role = role;
    }
    if (self->conn && self->conn->online)
        g_signal_emit(self, session_signals[SIG_USERS_CHANGED], 0);
}

/* A user went offline: their role is no longer known. */
void session_auth_user_left(ChatSession *self, guint32 user_id)
{
    g_hash_table_remove(self->auth.roles, GUINT_TO_POINTER(user_id));
}

/* This login's role. */
ChatRole chat_session_get_role(ChatSession *self)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), CHAT_ROLE_GUEST);
    return self->auth.role;
}

/* The role of the online user called name; members (and unknown names) are members. */
ChatRole chat_session_get_user_role(ChatSession *self, const char *name)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self) && name != NULL, CHAT_ROLE_MEMBER);
    GHashTableIter iter;
    gpointer id, user;
    g_hash_table_iter_init(&iter, self->users);
    while (g_hash_table_iter_next(&iter, &id, &user))
        if (strcmp(user, name) == 0)
            return (ChatRole)GPOINTER_TO_INT(
                g_hash_table_lookup(self->auth.roles, id)); /* absent: 0, a member */
    return CHAT_ROLE_MEMBER;
}

/* Admins may do everything; moderators kick and mute; others nothing. */
gboolean chat_session_may_moderate(ChatSession *self, ChatModeration action)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), FALSE);
    if (self->auth.role == CHAT_ROLE_ADMIN)
        return TRUE;
    return self->auth.role == CHAT_ROLE_MODERATOR &&
           (action == CHAT_MOD_KICK || action == CHAT_MOD_MUTE);
}

/* ---- Requests ---- */

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
    char *actor = clean_text(n->actor), *target = clean_text(n->target);
    char *reason = clean_text(n->reason);
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
    struct auth_request *r = g_hash_table_lookup(self->auth.requests, &id);
    if (r)
        g_hash_table_steal(self->auth.requests, &id);
    return r;
}

/* The oldest unanswered PASSWORD_CHANGE succeeded (the server answers it with SESSION). */
static void password_changed(ChatSession *self)
{
    GHashTableIter iter;
    gpointer value;
    struct auth_request *oldest = NULL;
    g_hash_table_iter_init(&iter, self->auth.requests);
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
    char *what = r->type == PROTO_PASSWORD_CHANGE
                     ? g_strdup(_("Your password was changed."))
                     : moderation_words(_("You"), r->action, r->value, r->target, NULL);
    g_signal_emit(self, session_signals[SIG_REQUEST_DONE], 0, r->id, what);
    g_free(what);
    request_free(r);
}

static void on_invite(ChatSession *self, const struct proto_invite *inv)
{
    struct auth_request *r = take_request(self, inv->request_id);
    if (!r)
        return;
    char *code = clean_text(inv->code);
    g_signal_emit(self, session_signals[SIG_INVITE_CREATED], 0, r->id, code);
    g_free(code);
    request_free(r);
}

/* An ERROR answering request_id: "request-failed" in words. FALSE if unknown. */
gboolean session_auth_request_failed(ChatSession *self, guint64 request_id, guint code,
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
void session_auth_conn_ended(ChatSession *self)
{
    GList *ids = g_hash_table_get_keys(self->auth.requests);
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
gboolean session_auth_is_idle(ChatSession *self)
{
    return g_hash_table_size(self->auth.requests) == 0;
}

/* Frames of the accounts range; FALSE for any other type. */
gboolean session_auth_dispatch(ChatSession *self, const struct proto_msg *msg)
{
    switch (msg->type) {
    case PROTO_SESSION:
        on_session(self, &msg->u.session);
        return TRUE;
    case PROTO_USER_ROLE:
        on_user_role(self, &msg->u.user_role);
        return TRUE;
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

/* Checks that a request may go out now; FALSE with error set otherwise. */
static gboolean request_possible(ChatSession *self, GError **error)
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
                            ChatModeration action, guint32 value, const char *target)
{
    struct auth_request *r = g_new0(struct auth_request, 1);
    r->id = ++self->auth.last_request_id;
    r->type = msg->type;
    r->action = action;
    r->value = value;
    r->target = g_strdup(target);
    *id_field = r->id;
    g_hash_table_insert(self->auth.requests, &r->id, r);
    session_send(self, msg);
    session_note_activity(self);
    return r->id;
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
    if (!request_possible(self, error) || !password_acceptable(old_password, error) ||
        !password_acceptable(new_password, error))
        return 0;
    struct proto_msg msg = { .type = PROTO_PASSWORD_CHANGE };
    msg.u.password_change.old_password = proto_str_of(old_password);
    msg.u.password_change.new_password = proto_str_of(new_password);
    guint64 id = request_send(self, &msg, &msg.u.password_change.request_id, 0, 0, NULL);
    return id;
}

/* Sends INVITE_CREATE with the server's default validity (see session.h). */
guint64 chat_session_create_invite(ChatSession *self, GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    if (!request_possible(self, error))
        return 0;
    if (self->auth.role != CHAT_ROLE_ADMIN) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_NOT_ALLOWED,
                            _("Only admins can create invite codes."));
        return 0;
    }
    struct proto_msg msg = { .type = PROTO_INVITE_CREATE };
    return request_send(self, &msg, &msg.u.invite_create.request_id, 0, 0, NULL);
}

/* Sends MODERATE (see session.h). */
guint64 chat_session_moderate(ChatSession *self, ChatModeration action, const char *target,
                              guint32 value, const char *reason, GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self) && target != NULL, 0);
    if (!request_possible(self, error))
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
    return request_send(self, &msg, &msg.u.moderate.request_id, action, value, target);
}

/* Revokes the token and closes (see session.h). */
void chat_session_logout(ChatSession *self)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    g_object_ref(self);
    if (session_can_send(self) && self->auth.have_token) {
        struct proto_msg msg = { .type = PROTO_LOGOUT };
        msg.u.logout.request_id = ++self->auth.last_request_id;
        msg.u.logout.scope = PROTO_LOGOUT_THIS;
        session_send(self, &msg);
    }
    forget_token(self);
    chat_session_disconnect(self);
    g_object_unref(self);
}
