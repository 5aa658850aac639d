/* Server lists: parsing and writing "host:port,host:port" (see server_list.h). */
#include "client/core/server_list.h"

#include <glib/gi18n.h>
#include <string.h>

static void address_free(gpointer data)
{
    ChatServerAddress *address = data;
    g_free(address->host);
    g_free(address);
}

static void add_address(GPtrArray *servers, const char *host, guint16 port)
{
    ChatServerAddress *address = g_new(ChatServerAddress, 1);
    address->host = g_strdup(host);
    address->port = port;
    g_ptr_array_add(servers, address);
}

/* One trimmed entry: "host", "host:port", "[v6]", "[v6]:port" or a bare IPv6 address
 * (more than one colon, no brackets: all of it is the host). */
static gboolean parse_entry(char *entry, guint16 default_port, GPtrArray *servers,
                            char **problem)
{
    char *host = entry;
    const char *port_text = NULL; /* what follows the port's colon; NULL: no port given */
    gboolean well_formed = TRUE;
    if (entry[0] == '[') {
        char *close = strchr(entry, ']');
        well_formed = close != NULL && (close[1] == '\0' || close[1] == ':');
        if (well_formed) {
            *close = '\0';
            host = entry + 1;
            port_text = close[1] == ':' ? close + 2 : NULL;
        }
    } else {
        char *colon = strchr(entry, ':');
        if (colon != NULL && strchr(colon + 1, ':') == NULL) {
            *colon = '\0';
            port_text = colon + 1;
        }
    }
    if (!well_formed || *host == '\0' || strpbrk(host, " \t[]/") != NULL) {
        *problem = g_strdup(_("Enter the server as host:port, for example 127.0.0.1:1234."));
        return FALSE;
    }
    guint64 port = default_port;
    if (port_text != NULL && !g_ascii_string_to_unsigned(port_text, 10, 1, 65535, &port, NULL)) {
        *problem = g_strdup(_("The port must be a number from 1 to 65535."));
        return FALSE;
    }
    add_address(servers, host, (guint16)port);
    return TRUE;
}

/* Parses a list of servers (see server_list.h). */
GPtrArray *chat_server_list_parse(const char *text, guint16 default_port, char **problem)
{
    g_return_val_if_fail(text != NULL && problem != NULL, NULL);
    GPtrArray *servers = g_ptr_array_new_with_free_func(address_free);
    char **entries = g_strsplit(text, ",", -1);
    gboolean ok = TRUE;
    for (char **entry = entries; ok && *entry != NULL; entry++) {
        g_strstrip(*entry);
        if (servers->len == CHAT_SERVER_LIST_MAX) {
            *problem = g_strdup_printf(_("Name at most %d servers."), CHAT_SERVER_LIST_MAX);
            ok = FALSE;
        } else {
            ok = parse_entry(*entry, default_port, servers, problem);
        }
    }
    g_strfreev(entries);
    if (ok && servers->len == 0) { /* "" splits into no entry at all */
        *problem = g_strdup(_("Enter the server as host:port, for example 127.0.0.1:1234."));
        ok = FALSE;
    }
    if (!ok)
        g_clear_pointer(&servers, g_ptr_array_unref);
    return servers;
}

/* A list of one server (see server_list.h). */
GPtrArray *chat_server_list_new_single(const char *host, guint16 port)
{
    g_return_val_if_fail(host != NULL, NULL);
    GPtrArray *servers = g_ptr_array_new_with_free_func(address_free);
    add_address(servers, host, port);
    return servers;
}

/* "host:port" or "[v6]:port" (see server_list.h). */
char *chat_server_address_text(const char *host, guint16 port)
{
    return g_strdup_printf(strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port);
}

/* The list joined by commas (see server_list.h). */
char *chat_server_list_text(const GPtrArray *servers)
{
    GString *text = g_string_new(NULL);
    for (guint i = 0; i < servers->len; i++) {
        const ChatServerAddress *address = g_ptr_array_index(servers, i);
        char *entry = chat_server_address_text(address->host, address->port);
        g_string_append_printf(text, i ? ",%s" : "%s", entry);
        g_free(entry);
    }
    return g_string_free(text, FALSE);
}
