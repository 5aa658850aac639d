/* ChatTransfer: one upload or download as a GObject that the session keeps up to date.
 *
 * The session makes it when the transfer starts (chat_session_upload_to,
 * chat_session_download return it) and changes it as bytes move and when the transfer
 * ends; it emits "notify" for each property that changed, so a front end shows a
 * transfer by holding its object and following "notify". Cancel with
 * chat_session_cancel_transfer.
 *
 * Properties (all read-only):
 *   "direction"  ChatTransferDirection (as guint)
 *   "name"       string   the file's base name, as sent: render it safely
 *   "path"       string   the local file: the source, or the verified download
 *   "size"       guint64  bytes in all (0 until known)
 *   "done"       guint64  bytes moved, counting a resumed download's first part
 *   "speed"      double   bytes a second, smoothed (about ten updates a second)
 *   "state"      ChatTransferState (as guint)
 *   "error"      GError   why it FAILED (CHAT_SESSION_ERROR domain, in words), or NULL
 *   "file-id"    guint64  the server's file: a download's, an upload's once announced */
#ifndef CHAT_TRANSFER_H
#define CHAT_TRANSFER_H

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum { CHAT_TRANSFER_UPLOAD, CHAT_TRANSFER_DOWNLOAD } ChatTransferDirection;

typedef enum {
    CHAT_TRANSFER_RUNNING,   /* being prepared or moving */
    CHAT_TRANSFER_CHECKING,  /* an upload all sent: the server checks its SHA-256 */
    CHAT_TRANSFER_DONE,      /* verified: the download's SHA-256 matched, or the server
                                announced the upload */
    CHAT_TRANSFER_FAILED,    /* see "error" */
    CHAT_TRANSFER_CANCELLED, /* chat_session_cancel_transfer */
} ChatTransferState;

#define CHAT_TYPE_TRANSFER (chat_transfer_get_type())
G_DECLARE_FINAL_TYPE(ChatTransfer, chat_transfer, CHAT, TRANSFER, GObject)

ChatTransferDirection chat_transfer_get_direction(ChatTransfer *self);
const char *chat_transfer_get_name(ChatTransfer *self);
const char *chat_transfer_get_path(ChatTransfer *self);
guint64 chat_transfer_get_size(ChatTransfer *self);
guint64 chat_transfer_get_done(ChatTransfer *self);
double chat_transfer_get_speed(ChatTransfer *self);
ChatTransferState chat_transfer_get_state(ChatTransfer *self);
const GError *chat_transfer_get_error(ChatTransfer *self);
guint64 chat_transfer_get_file_id(ChatTransfer *self);

/* A transfer made outside the session (widget tests, previews), RUNNING. */
ChatTransfer *chat_transfer_new(ChatTransferDirection direction, const char *name,
                                const char *path, guint64 size);

G_END_DECLS

#endif
