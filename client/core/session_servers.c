/* Failing over between the servers of a list (server_list.h): the session connects to
 * one server at a time, the current one (self->host, self->port). When a connection
 * cannot be made, or is lost, the next server of the list is tried at once; only when
 * every server of the list has failed in a row does the usual backoff (session_io.c)
 * wait before the next round. The nodes of a cluster share one chat, so the login's
 * token, the outbox and the resume point (RESUME from the last id seen) carry over. */
#include "client/core/session_private.h"

#include <glib/gi18n.h>

static void use_server(ChatSession *self, guint index)
{
    const ChatServerAddress *address = g_ptr_array_index(self->servers, index);
    self->server_at = index;
    if (self->host != address->host) {
        g_free(self->host);
        self->host = g_strdup(address->host);
    }
    self->port = address->port;
}

/* A login starts with servers (a non-empty list; a reference is kept): the first one
 * is current and each of the others may be tried once before a backoff. */
void session_servers_set(ChatSession *self, GPtrArray *servers)
{
    g_return_if_fail(servers != NULL && servers->len > 0);
    g_ptr_array_ref(servers);
    g_clear_pointer(&self->servers, g_ptr_array_unref);
    self->servers = servers;
    use_server(self, 0);
    self->servers_untried = servers->len - 1;
}

/* The current server logged us in: after a later loss each of the others may be tried
 * once more before a backoff. */
void session_servers_reached(ChatSession *self)
{
    if (self->servers)
        self->servers_untried = self->servers->len - 1;
}

/* The connection to the current server failed or ended (why in words). If a server of
 * this round is still untried, it becomes current, the state says so, an attempt
 * starts at once and TRUE is returned; FALSE when the round is over (or the list has
 * one server): the caller backs off or gives up. */
gboolean session_servers_fail_over(ChatSession *self, const char *why)
{
    if (!self->servers || self->servers_untried == 0)
        return FALSE;
    self->servers_untried--;
    use_server(self, (self->server_at + 1) % self->servers->len);
    char *next = chat_server_address_text(self->host, self->port);
    char *detail = g_strdup_printf(_("%s; trying %s"), why, next);
    session_set_state(self, CHAT_SESSION_RECONNECTING, detail);
    g_free(detail);
    g_free(next);
    session_start_attempt(self);
    return TRUE;
}

/* A backoff is over: the next round starts at the server after the one that failed
 * last, and each of the others may be tried once again. */
void session_servers_next_round(ChatSession *self)
{
    if (!self->servers)
        return;
    use_server(self, (self->server_at + 1) % self->servers->len);
    self->servers_untried = self->servers->len - 1;
}

/* Forgets the list (the session is finalized). */
void session_servers_clear(ChatSession *self)
{
    g_clear_pointer(&self->servers, g_ptr_array_unref);
}

/* The server connected to, or being tried (see session.h). */
char *chat_session_get_server(ChatSession *self)
{
    g_return_val_if_fail(CHAT_IS_SESSION(self), NULL);
    return self->host ? chat_server_address_text(self->host, self->port) : NULL;
}
