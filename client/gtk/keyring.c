/* Session tokens in the desktop keyring (see keyring.h). */
#include "client/gtk/keyring.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <string.h>

static const SecretSchema *token_schema(void)
{
    static const SecretSchema schema = {
        .name = "org.chat.client.Token",
        .flags = SECRET_SCHEMA_NONE,
        .attributes = {
            { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { NULL, 0 },
        },
    };
    return &schema;
}

/* One call in flight. */
struct keyring_op {
    char *server;
    char *username;
    char *token;
    GCancellable *cancel;
    ChatKeyringDone done;
    gpointer data;
};

static struct keyring_op *op_new(const char *server, const char *username, const char *token,
                                 GCancellable *cancel, ChatKeyringDone done, gpointer data)
{
    struct keyring_op *op = g_new0(struct keyring_op, 1);
    op->server = g_strdup(server);
    op->username = g_strdup(username);
    op->token = g_strdup(token);
    op->cancel = cancel ? g_object_ref(cancel) : NULL;
    op->done = done;
    op->data = data;
    return op;
}

/* Reports the outcome and frees op, wiping its copy of the token. */
static void op_finish(struct keyring_op *op, const char *token, GError *error)
{
    if (!error && op->cancel && g_cancellable_is_cancelled(op->cancel))
        error = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
    if (op->done)
        op->done(token, error, op->data);
    g_clear_error(&error);
    if (op->token)
        memset(op->token, 0, strlen(op->token));
    g_free(op->token);
    g_free(op->server);
    g_free(op->username);
    g_clear_object(&op->cancel);
    g_free(op);
}

static void looked_up(GObject *source, GAsyncResult *res, gpointer data)
{
    (void)source;
    GError *error = NULL;
    char *token = secret_password_lookup_finish(res, &error);
    op_finish(data, token, error);
    if (token)
        secret_password_free(token);
}

/* Finds the token for username on server (see keyring.h). */
void chat_keyring_lookup(const char *server, const char *username, GCancellable *cancel,
                         ChatKeyringDone done, gpointer data)
{
    struct keyring_op *op = op_new(server, username, NULL, cancel, done, data);
    secret_password_lookup(token_schema(), cancel, looked_up, op, "server", op->server,
                           "username", op->username, NULL);
}

static void stored(GObject *source, GAsyncResult *res, gpointer data)
{
    (void)source;
    GError *error = NULL;
    secret_password_store_finish(res, &error);
    op_finish(data, NULL, error);
}

/* The default keyring exists: store there (a keyring that does not exist would have to
 * be created, which asks the user for a new keyring password out of the blue). */
static void got_collection(GObject *source, GAsyncResult *res, gpointer data)
{
    (void)source;
    struct keyring_op *op = data;
    GError *error = NULL;
    SecretCollection *collection = secret_collection_for_alias_finish(res, &error);
    if (!collection) {
        if (!error)
            error = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                        _("this desktop has no default keyring"));
        op_finish(op, NULL, error);
        return;
    }
    g_object_unref(collection);
    char *label = g_strdup_printf(_("Chat login of %s on %s"), op->username, op->server);
    secret_password_store(token_schema(), SECRET_COLLECTION_DEFAULT, label, op->token,
                          op->cancel, stored, op, "server", op->server, "username",
                          op->username, NULL);
    g_free(label);
}

static void got_service(GObject *source, GAsyncResult *res, gpointer data)
{
    (void)source;
    struct keyring_op *op = data;
    GError *error = NULL;
    SecretService *service = secret_service_get_finish(res, &error);
    if (!service) {
        op_finish(op, NULL, error);
        return;
    }
    secret_collection_for_alias(service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                                op->cancel, got_collection, op);
    g_object_unref(service);
}

/* Keeps token for username on server (see keyring.h). */
void chat_keyring_store(const char *server, const char *username, const char *token,
                        GCancellable *cancel, ChatKeyringDone done, gpointer data)
{
    struct keyring_op *op = op_new(server, username, token, cancel, done, data);
    secret_service_get(SECRET_SERVICE_NONE, cancel, got_service, op);
}

static void cleared(GObject *source, GAsyncResult *res, gpointer data)
{
    (void)source;
    GError *error = NULL;
    secret_password_clear_finish(res, &error);
    op_finish(data, NULL, error);
}

/* Forgets the token for username on server (see keyring.h). */
void chat_keyring_clear(const char *server, const char *username, GCancellable *cancel,
                        ChatKeyringDone done, gpointer data)
{
    struct keyring_op *op = op_new(server, username, NULL, cancel, done, data);
    secret_password_clear(token_schema(), cancel, cleared, op, "server", op->server,
                          "username", op->username, NULL);
}
