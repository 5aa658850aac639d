/* Pinned server certificates: the known_servers file both clients share.
 *
 * $XDG_STATE_HOME/chat-client/known_servers (~/.local/state/chat-client/known_servers)
 * holds one "HOST:PORT FINGERPRINT" a line, where FINGERPRINT is the SHA-256 of the
 * server's certificate as 32 colon-separated hex pairs; '#' starts a comment. The file
 * is small and local, so it is read whole when needed and replaced atomically (0600)
 * when it changes. */
#include "client/core/session_private.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#define TRUST_APP_DIR "chat-client"
#define TRUST_FILE "known_servers"
#define FINGERPRINT_BYTES 32

/* Where the pins live (see the top of this file); free with g_free. */
char *chat_trust_file(void)
{
    return g_build_filename(g_get_user_state_dir(), TRUST_APP_DIR, TRUST_FILE, NULL);
}

/* The canonical form of a fingerprint typed by a person or printed by a tool: 64 hex
 * digits, with or without colons or spaces between pairs, any case, optionally after
 * "SHA256:" or "sha256 Fingerprint=" (openssl x509 -fingerprint). NULL if it is not one. */
char *chat_fingerprint_normalize(const char *text)
{
    g_return_val_if_fail(text != NULL, NULL);
    const char *equals = strrchr(text, '=');
    if (equals)
        text = equals + 1;
    else if (g_ascii_strncasecmp(text, "SHA256:", 7) == 0)
        text += 7;
    GString *out = g_string_sized_new(FINGERPRINT_BYTES * 3);
    int digits = 0;
    for (const char *p = text; *p; p++) {
        if (*p == ':' || *p == ' ')
            continue;
        if (!g_ascii_isxdigit(*p) || digits == FINGERPRINT_BYTES * 2) {
            g_string_free(out, TRUE);
            return NULL;
        }
        if (digits > 0 && digits % 2 == 0)
            g_string_append_c(out, ':');
        g_string_append_c(out, g_ascii_toupper(*p));
        digits++;
    }
    if (digits != FINGERPRINT_BYTES * 2) {
        g_string_free(out, TRUE);
        return NULL;
    }
    return g_string_free(out, FALSE);
}

/* The fingerprint of a DER certificate, in canonical form. */
char *chat_fingerprint_of(const guint8 *der, gsize len)
{
    guint8 digest[FINGERPRINT_BYTES];
    gsize size = sizeof digest;
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, der, (gssize)len);
    g_checksum_get_digest(sum, digest, &size);
    g_checksum_free(sum);
    GString *out = g_string_sized_new(FINGERPRINT_BYTES * 3);
    for (gsize i = 0; i < size; i++)
        g_string_append_printf(out, i ? ":%02X" : "%02X", digest[i]);
    return g_string_free(out, FALSE);
}

/* "host:port", or "[v6]:port", lower-case: how a server is named in the file. */
static char *server_key(const char *host, guint16 port)
{
    char *lower = g_ascii_strdown(host, -1);
    char *key = chat_server_address_text(lower, port);
    g_free(lower);
    return key;
}

/* The file's lines, or NULL when it does not exist (error set on any other failure). */
static char **read_lines(const char *path, GError **error)
{
    char *contents = NULL;
    GError *local = NULL;
    if (!g_file_get_contents(path, &contents, NULL, &local)) {
        if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            g_error_free(local);
        else
            g_propagate_error(error, local);
        return NULL;
    }
    char **lines = g_strsplit(contents, "\n", -1);
    g_free(contents);
    return lines;
}

/* The fingerprint in line when it pins key, else NULL (borrowed from line, which is
 * cut in place). */
static char *line_pin(char *line, const char *key)
{
    char *text = g_strstrip(line);
    if (text[0] == '#' || text[0] == '\0')
        return NULL;
    char *space = strpbrk(text, " \t");
    if (!space)
        return NULL;
    *space = '\0';
    if (strcmp(text, key) != 0)
        return NULL;
    return g_strstrip(space + 1);
}

/* The fingerprint pinned for host:port, or NULL (none, or the file is unreadable). */
char *chat_trust_lookup(const char *host, guint16 port)
{
    g_return_val_if_fail(host != NULL, NULL);
    char *path = chat_trust_file();
    char **lines = read_lines(path, NULL);
    char *key = server_key(host, port);
    char *found = NULL;
    for (char **l = lines; l && *l && !found; l++) {
        char *pin = line_pin(*l, key);
        if (pin)
            found = chat_fingerprint_normalize(pin);
    }
    g_strfreev(lines);
    g_free(key);
    g_free(path);
    return found;
}

/* Rewrites the file without host:port's line and, when fingerprint is given, with a new
 * one for it. *found tells whether there was a line for it. */
static gboolean rewrite(const char *host, guint16 port, const char *fingerprint,
                        gboolean *found, GError **error)
{
    char *path = chat_trust_file();
    GError *local = NULL;
    char **lines = read_lines(path, &local);
    if (local) {
        g_propagate_error(error, local);
        g_free(path);
        return FALSE;
    }
    *found = FALSE;
    if (!lines && !fingerprint) { /* nothing pinned, nothing to pin */
        g_free(path);
        return TRUE;
    }
    char *key = server_key(host, port);
    GString *out = g_string_new(NULL);
    if (!lines)
        g_string_append(out, "# chat: pinned server certificates, one \"HOST:PORT SHA-256\" "
                             "a line (see README.md)\n");
    for (char **l = lines; l && *l; l++) {
        char *copy = g_strdup(*l);
        gboolean pins_key = line_pin(copy, key) != NULL;
        g_free(copy);
        *found = *found || pins_key;
        if (!pins_key && (**l || l[1]))
            g_string_append_printf(out, "%s\n", *l);
    }
    if (fingerprint)
        g_string_append_printf(out, "%s %s\n", key, fingerprint);
    char *dir = g_path_get_dirname(path);
    gboolean ok = TRUE;
    if (g_mkdir_with_parents(dir, 0700) != 0) {
        int saved = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "cannot create %s: %s",
                    dir, g_strerror(saved));
        ok = FALSE;
    } else {
        ok = g_file_set_contents_full(path, out->str, (gssize)out->len,
                                      G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
    }
    g_free(dir);
    g_string_free(out, TRUE);
    g_free(key);
    g_strfreev(lines);
    g_free(path);
    return ok;
}

/* Pins fingerprint (any form chat_fingerprint_normalize takes) for host:port,
 * replacing an earlier pin. */
gboolean chat_trust_pin(const char *host, guint16 port, const char *fingerprint,
                        GError **error)
{
    g_return_val_if_fail(host != NULL && fingerprint != NULL, FALSE);
    char *canonical = chat_fingerprint_normalize(fingerprint);
    if (!canonical) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "%s is not a SHA-256 fingerprint (64 hex digits)", fingerprint);
        return FALSE;
    }
    gboolean found;
    gboolean ok = rewrite(host, port, canonical, &found, error);
    g_free(canonical);
    return ok;
}

/* Forgets the pin for host:port. FALSE with error set if there was none or the file
 * could not be rewritten. */
gboolean chat_trust_forget(const char *host, guint16 port, GError **error)
{
    g_return_val_if_fail(host != NULL, FALSE);
    gboolean found = FALSE;
    if (!rewrite(host, port, NULL, &found, error))
        return FALSE;
    if (!found) {
        char *key = server_key(host, port);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no certificate is pinned for %s",
                    key);
        g_free(key);
        return FALSE;
    }
    return TRUE;
}
