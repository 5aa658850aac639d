/* The servers a client may connect to: one, or several nodes of one chat
 * (docs/CLUSTER.md), written "host:port,host:port". Both clients take such a list on
 * their command line and chat-client in its login form; the session connects to the
 * first and, when a connection cannot be made or is lost, moves on to the next
 * (session.h, chat_session_login_servers). */
#ifndef CHAT_CLIENT_SERVER_LIST_H
#define CHAT_CLIENT_SERVER_LIST_H

#include <glib.h>

/* How many servers one list may name: more than any deployment of this chat has nodes,
 * few enough that a round of failed attempts stays short. */
#define CHAT_SERVER_LIST_MAX 16

/* One server of a list. */
typedef struct {
    char *host;     /* a name, an IPv4 address or an IPv6 address without brackets */
    guint16 port;
} ChatServerAddress;

/* Parses "host[:port]" entries separated by commas (spaces around them ignored; an IPv6
 * address in brackets, "[::1]:1234"; default_port where an entry has none). Returns a
 * GPtrArray of ChatServerAddress (free with g_ptr_array_unref), or NULL with *problem
 * set to a sentence for the user (translated; g_free it). */
GPtrArray *chat_server_list_parse(const char *text, guint16 default_port, char **problem);

/* A list of the one server host:port. */
GPtrArray *chat_server_list_new_single(const char *host, guint16 port);

/* "host:port", or "[v6]:port" for an IPv6 address; g_free the result. */
char *chat_server_address_text(const char *host, guint16 port);

/* The list as it is written: its entries' text joined by ","; g_free the result. */
char *chat_server_list_text(const GPtrArray *servers);

#endif
