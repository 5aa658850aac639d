/* Accounts in the session core: which login frame an attempt sends (REGISTER, LOGIN,
 * LOGIN_TOKEN, or HELLO for a guest), the session token handed to the front end, roles,
 * and logging out. Requests (password change, invites, moderation) are in
 * session_requests.c. */
#include "client/core/session_private.h"

#include <glib/gi18n.h>
#include <string.h>

_Static_assert((int)CHAT_ROLE_MEMBER == PROTO_ROLE_MEMBER &&
               (int)CHAT_ROLE_MODERATOR == PROTO_ROLE_MODERATOR &&
               (int)CHAT_ROLE_ADMIN == PROTO_ROLE_ADMIN && (int)CHAT_ROLE_GUEST == PROTO_ROLE_GUEST,
               "ChatRole mirrors enum proto_role");

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
    self->requests = session_requests_new();
}

/* Called from finalize: secrets are wiped before they are freed. */
void session_auth_clear(ChatSession *self)
{
    struct session_auth *a = &self->auth;
    wipe_free(&a->password);
    g_clear_pointer(&a->invite, g_free);
    memset(a->token, 0, sizeof a->token);
    g_hash_table_unref(a->roles);
    g_hash_table_unref(self->requests);
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

/* SESSION: the login worked (or, once logged in, a password change did: every older
 * token is revoked and this is the new one). The token goes to the front end, the
 * password away. */
static void on_session(ChatSession *self, const struct proto_session *s)
{
    struct session_auth *a = &self->auth;
    if (self->conn && self->conn->welcomed)
        session_requests_password_changed(self);
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
    guint32 id;
    if (!session_find_user(self, name, &id))
        return CHAT_ROLE_MEMBER;
    return (ChatRole)GPOINTER_TO_INT(
        g_hash_table_lookup(self->auth.roles, GUINT_TO_POINTER(id))); /* absent: a member */
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
    default:
        return session_requests_dispatch(self, msg);
    }
}

/* Revokes the token and closes (see session.h). */
void chat_session_logout(ChatSession *self)
{
    g_return_if_fail(CHAT_IS_SESSION(self));
    g_object_ref(self);
    if (session_can_send(self) && self->auth.have_token) {
        struct proto_msg msg = { .type = PROTO_LOGOUT };
        msg.u.logout.request_id = ++self->last_request_id;
        msg.u.logout.scope = PROTO_LOGOUT_THIS;
        session_send(self, &msg);
    }
    forget_token(self);
    chat_session_disconnect(self);
    g_object_unref(self);
}
