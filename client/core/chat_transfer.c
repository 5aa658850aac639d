/* ChatTransfer (chat_transfer.h): the object, its properties and the setters the
 * session uses (session_private.h). Every setter notifies only what really changed. */
#include "client/core/session_private.h"

struct _ChatTransfer {
    GObject parent_instance;
    ChatTransferDirection direction;
    char *name;
    char *path;
    guint64 size;
    guint64 done;
    double speed;
    ChatTransferState state;
    GError *error;
    guint64 file_id;
};

enum {
    PROP_0,
    PROP_DIRECTION,
    PROP_NAME,
    PROP_PATH,
    PROP_SIZE,
    PROP_DONE,
    PROP_SPEED,
    PROP_STATE,
    PROP_ERROR,
    PROP_FILE_ID,
    N_PROPS
};
static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE(ChatTransfer, chat_transfer, G_TYPE_OBJECT)

static void chat_transfer_finalize(GObject *object)
{
    ChatTransfer *self = CHAT_TRANSFER(object);
    g_free(self->name);
    g_free(self->path);
    g_clear_error(&self->error);
    G_OBJECT_CLASS(chat_transfer_parent_class)->finalize(object);
}

static void chat_transfer_get_property(GObject *object, guint id, GValue *value,
                                       GParamSpec *pspec)
{
    ChatTransfer *self = CHAT_TRANSFER(object);
    switch (id) {
    case PROP_DIRECTION: g_value_set_uint(value, self->direction); break;
    case PROP_NAME: g_value_set_string(value, self->name); break;
    case PROP_PATH: g_value_set_string(value, self->path); break;
    case PROP_SIZE: g_value_set_uint64(value, self->size); break;
    case PROP_DONE: g_value_set_uint64(value, self->done); break;
    case PROP_SPEED: g_value_set_double(value, self->speed); break;
    case PROP_STATE: g_value_set_uint(value, self->state); break;
    case PROP_ERROR: g_value_set_boxed(value, self->error); break;
    case PROP_FILE_ID: g_value_set_uint64(value, self->file_id); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void chat_transfer_class_init(ChatTransferClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    object_class->finalize = chat_transfer_finalize;
    object_class->get_property = chat_transfer_get_property;
    const GParamFlags f = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
    props[PROP_DIRECTION] = g_param_spec_uint("direction", NULL, NULL, CHAT_TRANSFER_UPLOAD,
                                              CHAT_TRANSFER_DOWNLOAD, CHAT_TRANSFER_UPLOAD, f);
    props[PROP_NAME] = g_param_spec_string("name", NULL, NULL, NULL, f);
    props[PROP_PATH] = g_param_spec_string("path", NULL, NULL, NULL, f);
    props[PROP_SIZE] = g_param_spec_uint64("size", NULL, NULL, 0, G_MAXUINT64, 0, f);
    props[PROP_DONE] = g_param_spec_uint64("done", NULL, NULL, 0, G_MAXUINT64, 0, f);
    props[PROP_SPEED] = g_param_spec_double("speed", NULL, NULL, 0, G_MAXDOUBLE, 0, f);
    props[PROP_STATE] = g_param_spec_uint("state", NULL, NULL, CHAT_TRANSFER_RUNNING,
                                          CHAT_TRANSFER_CANCELLED, CHAT_TRANSFER_RUNNING, f);
    props[PROP_ERROR] = g_param_spec_boxed("error", NULL, NULL, G_TYPE_ERROR, f);
    props[PROP_FILE_ID] = g_param_spec_uint64("file-id", NULL, NULL, 0, G_MAXUINT64, 0, f);
    g_object_class_install_properties(object_class, N_PROPS, props);
}

static void chat_transfer_init(ChatTransfer *self)
{
    self->state = CHAT_TRANSFER_RUNNING;
}

/* A RUNNING transfer from outside the session (see chat_transfer.h). */
ChatTransfer *chat_transfer_new(ChatTransferDirection direction, const char *name,
                                const char *path, guint64 size)
{
    ChatTransfer *self = g_object_new(CHAT_TYPE_TRANSFER, NULL);
    self->direction = direction;
    self->name = g_strdup(name);
    self->path = g_strdup(path);
    self->size = size;
    return self;
}

ChatTransferDirection chat_transfer_get_direction(ChatTransfer *self)
{
    g_return_val_if_fail(CHAT_IS_TRANSFER(self), CHAT_TRANSFER_UPLOAD);
    return self->direction;
}

const char *chat_transfer_get_name(ChatTransfer *self)
{
    g_return_val_if_fail(CHAT_IS_TRANSFER(self), NULL);
    return self->name;
}

const char *chat_transfer_get_path(ChatTransfer *self)
{
    g_return_val_if_fail(CHAT_IS_TRANSFER(self), NULL);
    return self->path;
}

guint64 chat_transfer_get_size(ChatTransfer *self)
{
    g_return_val_if_fail(CHAT_IS_TRANSFER(self), 0);
    return self->size;
}

guint64 chat_transfer_get_done(ChatTransfer *self)
{
    g_return_val_if_fail(CHAT_IS_TRANSFER(self), 0);
    return self->done;
}

double chat_transfer_get_speed(ChatTransfer *self)
{
    g_return_val_if_fail(CHAT_IS_TRANSFER(self), 0);
    return self->speed;
}

ChatTransferState chat_transfer_get_state(ChatTransfer *self)
{
    g_return_val_if_fail(CHAT_IS_TRANSFER(self), CHAT_TRANSFER_FAILED);
    return self->state;
}

const GError *chat_transfer_get_error(ChatTransfer *self)
{
    g_return_val_if_fail(CHAT_IS_TRANSFER(self), NULL);
    return self->error;
}

guint64 chat_transfer_get_file_id(ChatTransfer *self)
{
    g_return_val_if_fail(CHAT_IS_TRANSFER(self), 0);
    return self->file_id;
}

/* ---- Setters for the session ---- */

static void set_string(ChatTransfer *self, char **field, const char *value, guint prop)
{
    if (g_strcmp0(*field, value) == 0)
        return;
    g_free(*field);
    *field = g_strdup(value);
    g_object_notify_by_pspec(G_OBJECT(self), props[prop]);
}

static void set_u64(ChatTransfer *self, guint64 *field, guint64 value, guint prop)
{
    if (*field == value)
        return;
    *field = value;
    g_object_notify_by_pspec(G_OBJECT(self), props[prop]);
}

/* Brings name, path, size, bytes moved and speed up to date. */
void transfer_object_update(ChatTransfer *self, const char *name, const char *path,
                            guint64 size, guint64 done, double speed)
{
    g_object_freeze_notify(G_OBJECT(self));
    set_string(self, &self->name, name, PROP_NAME);
    set_string(self, &self->path, path, PROP_PATH);
    set_u64(self, &self->size, size, PROP_SIZE);
    set_u64(self, &self->done, done, PROP_DONE);
    if (self->speed != speed) {
        self->speed = speed;
        g_object_notify_by_pspec(G_OBJECT(self), props[PROP_SPEED]);
    }
    g_object_thaw_notify(G_OBJECT(self));
}

/* The server's id of the file (a download's, or an announced upload's). */
void transfer_object_set_file_id(ChatTransfer *self, guint64 file_id)
{
    set_u64(self, &self->file_id, file_id, PROP_FILE_ID);
}

/* Moves to state; reason (FAILED only) says why in words. */
void transfer_object_set_state(ChatTransfer *self, ChatTransferState state, const char *reason)
{
    g_object_freeze_notify(G_OBJECT(self));
    if (state == CHAT_TRANSFER_FAILED) {
        g_clear_error(&self->error);
        self->error = g_error_new_literal(CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_FAILED,
                                          reason ? reason : "");
        g_object_notify_by_pspec(G_OBJECT(self), props[PROP_ERROR]);
    }
    if (self->state != state) {
        self->state = state;
        g_object_notify_by_pspec(G_OBJECT(self), props[PROP_STATE]);
    }
    g_object_thaw_notify(G_OBJECT(self));
}
