/* Session tokens in the desktop keyring (GNOME Keyring or any Secret Service) through
 * libsecret, one item per server and account. Every call is asynchronous: the main loop
 * never waits for the keyring, and a desktop without one is an error to report, not a
 * reason to stop. */
#ifndef CHAT_KEYRING_H
#define CHAT_KEYRING_H

#include <gio/gio.h>

G_BEGIN_DECLS

/* The outcome: token is what a lookup found (NULL: none), error is set when the keyring
 * could not be used (no Secret Service, no default keyring). Always called once; after
 * the call's cancellable was cancelled, with G_IO_ERROR_CANCELLED (the caller's data may
 * be gone by then: free only what belongs to the call). */
typedef void (*ChatKeyringDone)(const char *token, const GError *error, gpointer data);

/* Finds the token kept for username on server ("host:port"). */
void chat_keyring_lookup(const char *server, const char *username, GCancellable *cancel,
                         ChatKeyringDone done, gpointer data);

/* Keeps token for username on server in the default keyring, replacing an older one. */
void chat_keyring_store(const char *server, const char *username, const char *token,
                        GCancellable *cancel, ChatKeyringDone done, gpointer data);

/* Forgets the token for username on server. */
void chat_keyring_clear(const char *server, const char *username, GCancellable *cancel,
                        ChatKeyringDone done, gpointer data);

G_END_DECLS

#endif
