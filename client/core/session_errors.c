/* The session's error domain: protocol error codes become ChatSessionError codes and
 * sentences a person can act on. Front ends show these words and never see a protocol
 * code. */
#include "client/core/session_private.h"

#include <glib/gi18n.h>

#include "common/safe_text.h"

G_DEFINE_QUARK(chat-session-error-quark, chat_session_error)

/* The ChatSessionError for a protocol error code (0: the server could not be reached). */
ChatSessionError session_error_from_proto(guint code)
{
    switch (code) {
    case 0:
        return CHAT_SESSION_ERROR_UNREACHABLE;
    case PROTO_E_VERSION:
        return CHAT_SESSION_ERROR_VERSION;
    case PROTO_E_SERVER_FULL:
        return CHAT_SESSION_ERROR_SERVER_FULL;
    case PROTO_E_NAME_INVALID:
        return CHAT_SESSION_ERROR_NAME_INVALID;
    case PROTO_E_NAME_TAKEN:
        return CHAT_SESSION_ERROR_NAME_TAKEN;
    case PROTO_E_WRONG_PASSWORD:
        return CHAT_SESSION_ERROR_WRONG_PASSWORD;
    case PROTO_E_THROTTLED:
    case PROTO_E_RATE_LIMITED:
        return CHAT_SESSION_ERROR_THROTTLED;
    case PROTO_E_BANNED:
        return CHAT_SESSION_ERROR_BANNED;
    case PROTO_E_INVITE_REQUIRED:
        return CHAT_SESSION_ERROR_INVITE_REQUIRED;
    case PROTO_E_INVITE_INVALID:
        return CHAT_SESSION_ERROR_INVITE_INVALID;
    case PROTO_E_REGISTRATION_CLOSED:
        return CHAT_SESSION_ERROR_REGISTRATION_CLOSED;
    case PROTO_E_PASSWORD_WEAK:
        return CHAT_SESSION_ERROR_PASSWORD_WEAK;
    case PROTO_E_BUSY:
        return CHAT_SESSION_ERROR_BUSY;
    case PROTO_E_TOKEN_INVALID:
        return CHAT_SESSION_ERROR_TOKEN_REFUSED;
    case PROTO_E_GUESTS_DISABLED:
        return CHAT_SESSION_ERROR_ACCOUNT_NEEDED;
    case PROTO_E_NOT_ALLOWED:
        return CHAT_SESSION_ERROR_NOT_ALLOWED;
    case PROTO_E_ACCOUNT_UNKNOWN:
        return CHAT_SESSION_ERROR_NO_SUCH_ACCOUNT;
    case PROTO_E_MUTED:
        return CHAT_SESSION_ERROR_MUTED;
    case PROTO_E_KICKED:
        return CHAT_SESSION_ERROR_KICKED;
    case PROTO_E_SESSION_REPLACED:
        return CHAT_SESSION_ERROR_REPLACED;
    default:
        return CHAT_SESSION_ERROR_FAILED;
    }
}

/* A string from the network made safe to show (g_free it): control and bidi
 * characters, which could steer a terminal or reorder a label, are written out
 * (common/safe_text.h). */
char *session_clean_text(struct proto_str s)
{
    return safe_text(s.ptr, (gssize)s.len, SAFE_TEXT_ONE_LINE);
}

/* "in 7 s" / "in 3 min": how long to wait, for a THROTTLED or BUSY refusal. */
static char *wait_words(guint64 seconds)
{
    if (seconds == 0)
        return g_strdup(_("in a moment"));
    if (seconds < 120)
        return g_strdup_printf(_("in %u s"), (guint)seconds);
    return g_strdup_printf(_("in %u min"), (guint)((seconds + 59) / 60));
}

/* A sentence for a refusal or failure: code is the protocol error code (0: no
 * connection), message the server's text (or the local reason), ref_id the ERROR
 * frame's ref_id (seconds to wait for THROTTLED and BUSY), username the name asked
 * for. Free with g_free. */
char *session_error_words(guint code, const char *message, guint64 ref_id,
                          const char *username)
{
    const char *why = message && *message ? message : proto_error_text((uint16_t)code);
    char *wait = NULL;
    char *words;
    switch (code) {
    case 0:
        return g_strdup_printf(_("Could not reach the server: %s"), why);
    case PROTO_E_NAME_TAKEN:
        return g_strdup_printf(_("The name \u201C%s\u201D is already taken. Please choose "
                                 "another."), username ? username : "");
    case PROTO_E_NAME_INVALID:
        return g_strdup_printf(_("That name cannot be used: %s"), why);
    case PROTO_E_VERSION:
        return g_strdup_printf(_("This server speaks a different protocol version (%s). "
                                 "Please update the client."), why);
    case PROTO_E_SERVER_FULL:
        return g_strdup(_("The server is full. Please try again later."));
    case PROTO_E_WRONG_PASSWORD:
        return g_strdup(_("Wrong name or password."));
    case PROTO_E_THROTTLED:
    case PROTO_E_RATE_LIMITED:
        wait = wait_words(ref_id);
        words = g_strdup_printf(_("Too many attempts. Please try again %s."), wait);
        break;
    case PROTO_E_BUSY:
        wait = wait_words(ref_id);
        words = g_strdup_printf(_("The server is busy. Please try again %s."), wait);
        break;
    case PROTO_E_BANNED:
        return g_strdup_printf(_("This account is banned: %s"), why);
    case PROTO_E_INVITE_REQUIRED:
        return g_strdup(_("This server needs an invite code to create an account."));
    case PROTO_E_INVITE_INVALID:
        return g_strdup(_("That invite code is not valid: it is unknown, used or expired."));
    case PROTO_E_REGISTRATION_CLOSED:
        return g_strdup(_("This server does not take new accounts."));
    case PROTO_E_PASSWORD_WEAK:
        return g_strdup_printf(_("That password cannot be used: %s"), why);
    case PROTO_E_TOKEN_INVALID:
        return g_strdup(_("Your saved login has expired. Please enter your password."));
    case PROTO_E_GUESTS_DISABLED:
        return g_strdup(_("This server needs an account: enter your password, or create an "
                          "account."));
    case PROTO_E_NOT_ALLOWED:
        return g_strdup(_("Your role does not allow that."));
    case PROTO_E_ACCOUNT_UNKNOWN:
        return g_strdup(_("There is no account with that name."));
    case PROTO_E_MUTED:
        return g_strdup_printf(_("You are muted: %s"), why);
    case PROTO_E_KICKED: /* the server's words say who and why */
        return message && *message ? g_strdup(message)
                                   : g_strdup(_("A moderator removed you from the chat."));
    case PROTO_E_SESSION_REPLACED:
        return g_strdup(_("You logged in from somewhere else, so this connection was closed."));
    default:
        return g_strdup(why);
    }
    g_free(wait);
    return words;
}
