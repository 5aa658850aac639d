/* Search (session.h, "Search, mentions and thumbnails"): SEARCH goes out as a request
 * of the table in session_requests.c (so DONE and ERROR answer it like any other);
 * each SEARCH_RESULT becomes a ChatSearchResult for "search-result". */
#include "client/core/session_private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "common/validate.h"

_Static_assert(CHAT_SEARCH_ALL_ROOMS == PROTO_SEARCH_ALL_ROOMS, "the same 'every room'");
_Static_assert(CHAT_SNIPPET_MARK_START == PROTO_SNIPPET_MARK_START &&
               CHAT_SNIPPET_MARK_END == PROTO_SNIPPET_MARK_END, "the same snippet marks");

static ChatSearchResult *chat_search_result_copy(const ChatSearchResult *r)
{
    ChatSearchResult *copy = g_memdup2(r, sizeof *r);
    copy->sender = g_strdup(r->sender);
    copy->snippet = g_strdup(r->snippet);
    return copy;
}

static void chat_search_result_free(ChatSearchResult *r)
{
    if (!r)
        return;
    g_free(r->sender);
    g_free(r->snippet);
    g_free(r);
}

G_DEFINE_BOXED_TYPE(ChatSearchResult, chat_search_result, chat_search_result_copy,
                    chat_search_result_free)

/* TRUE when query holds a letter or digit: anything else would find nothing. */
static gboolean has_word(const char *query)
{
    for (const char *p = query; *p; p = g_utf8_next_char(p))
        if (g_unichar_isalnum(g_utf8_get_char(p)))
            return TRUE;
    return FALSE;
}

guint64 chat_session_search(ChatSession *self, guint32 room_id, const char *query, guint limit,
                            GError **error)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), 0);
    if (!session_can_send(self)) {
        g_set_error_literal(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_OFFLINE,
                            _("Not connected to the server."));
        return 0;
    }
    size_t len = query ? strlen(query) : 0;
    if (!text_check(query ? query : "", len, PROTO_MAX_SEARCH_QUERY) || !has_word(query)) {
        g_set_error(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                    _("A search is 1 to %u bytes of text with at least one letter or digit."),
                    PROTO_MAX_SEARCH_QUERY);
        return 0;
    }
    struct proto_msg msg = { .type = PROTO_SEARCH, .u.search = {
        .room_id = room_id, .limit = (guint16)CLAMP(limit, 1, G_MAXUINT16),
        .query = proto_str_of(query),
    } };
    return session_request_send(self, &msg, &msg.u.search.request_id, 0,
                                g_strdup(_("End of the search results.")));
}

/* SEARCH_RESULT of a search of ours: "search-result", the strings as sent (the front
 * end shows them safely); one nobody asked for is dropped. */
gboolean session_search_dispatch(ChatSession *self, const struct proto_msg *msg)
{
    if (msg->type != PROTO_SEARCH_RESULT)
        return FALSE;
    const struct proto_search_result *r = &msg->u.search_result;
    if (!session_request_pending(self, r->request_id, PROTO_SEARCH))
        return TRUE;
    ChatSearchResult result = {
        .request_id = r->request_id,
        .message_id = r->message_id,
        .time_ms = (gint64)r->time_ms,
        .room_id = r->room_id,
        .sender = g_strndup(r->sender.ptr, r->sender.len),
        .snippet = g_strndup(r->snippet.ptr, r->snippet.len),
    };
    g_signal_emit(self, session_signals[SIG_SEARCH_RESULT], 0, &result);
    g_free(result.sender);
    g_free(result.snippet);
    return TRUE;
}
