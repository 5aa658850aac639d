/* ChatFileRow: a shared file in the conversation, or one on its way. It shows the file
 * name and size, and while bytes move a progress bar, speed, time left and Cancel;
 * someone else's file offers Download; a finished file offers Open and Show in folder.
 * It holds no transfer logic: it emits what the user asked for and shows its
 * ChatTransfer (chat_file_row_follow) as the session changes it. */
#ifndef CHAT_FILE_ROW_H
#define CHAT_FILE_ROW_H

#include <gtk/gtk.h>

#include "client/core/chat_transfer.h"

G_BEGIN_DECLS

typedef enum {
    CHAT_FILE_ROW_AVAILABLE,    /* on the server, not here yet: Download */
    CHAT_FILE_ROW_TRANSFERRING, /* progress, speed, time left, Cancel */
    CHAT_FILE_ROW_COMPLETE,     /* here and verified: Open, Show in folder */
    CHAT_FILE_ROW_FAILED,       /* stopped; Download again when it is someone else's */
    CHAT_FILE_ROW_CANCELLED,    /* the user cancelled it: Retry, Dismiss */
} ChatFileRowState;

#define CHAT_TYPE_FILE_ROW (chat_file_row_get_type())
G_DECLARE_FINAL_TYPE(ChatFileRow, chat_file_row, CHAT, FILE_ROW, GtkListBoxRow)

/* A row for file name (size bytes) posted by sender at time_ms; own puts it on the
 * right. It starts AVAILABLE. Signals (no arguments): "download-requested",
 * "cancel-requested", "retry-requested" (a cancelled transfer, again),
 * "dismiss-requested" (take the row away). Each has a button and an entry in the
 * row's actions menu (Menu key, Shift+F10, secondary click). */
ChatFileRow *chat_file_row_new(const char *sender, const char *name, guint64 size,
                               gint64 time_ms, gboolean own);

const char *chat_file_row_get_name(ChatFileRow *self);
const char *chat_file_row_get_sender(ChatFileRow *self);
gboolean chat_file_row_get_own(ChatFileRow *self);
ChatFileRowState chat_file_row_get_state(ChatFileRow *self);

/* The server's id for the file once announced (0 before). */
guint64 chat_file_row_get_file_id(ChatFileRow *self);
void chat_file_row_set_file_id(ChatFileRow *self, guint64 file_id);

/* Shows transfer (our upload of the file, or its download) and follows it through
 * "notify": progress, checking, done, failed or cancelled. A reference is kept until
 * another transfer is followed or the row goes. */
void chat_file_row_follow(ChatFileRow *self, ChatTransfer *transfer);

/* The transfer the row follows, or NULL. */
ChatTransfer *chat_file_row_get_transfer(ChatFileRow *self);

/* Local file behind the row (upload source or download destination), or NULL. */
const char *chat_file_row_get_path(ChatFileRow *self);

/* Records the local file behind the row (an upload's source). */
void chat_file_row_set_path(ChatFileRow *self, const char *path);

/* Bytes are moving: shows done of size (0: the size known so far), the rate and the
 * time left. */
void chat_file_row_show_progress(ChatFileRow *self, guint64 done, guint64 size,
                                 double bytes_per_second);

/* The file is complete at path (verified; NULL keeps the path known); note says what
 * happened ("downloaded"). */
void chat_file_row_show_complete(ChatFileRow *self, const char *path, const char *note);

/* The transfer stopped; reason in words. (A transfer the user cancelled says
 * "Cancelled" and offers Retry and Dismiss: see chat_file_row_follow.) */
void chat_file_row_show_failed(ChatFileRow *self, const char *reason);

G_END_DECLS

#endif
