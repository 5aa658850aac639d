/* ChatMessage: one text of a conversation as a GObject that the session keeps up to date.
 *
 * The session makes one object per message and hands the same object out every time
 * (the "message" signal, chat_session_send_text_to and its siblings). When the server
 * acknowledges, refuses, edits, deletes, reacts to or reads the message, the session
 * changes the object and it emits "notify" for each property that changed, so a front
 * end shows a message by holding its object and following "notify"; it never keeps
 * tables of ids. The session forgets an object once nobody holds it.
 *
 * Properties (all read-only):
 *   "id"          guint64   the server's message id; 0 while pending
 *   "room-id"     guint     the room it belongs to (0: the lobby)
 *   "sender"      string    as sent: render it safely
 *   "text"        string    the text as it now reads (an edit replaces it; "" once deleted)
 *   "time"        gint64    server time in ms since the epoch (the local time while pending)
 *   "own"         gboolean  sent by this account
 *   "state"       ChatMessageState
 *   "error"       GError    why it FAILED (CHAT_SESSION_ERROR domain, in words), or NULL
 *   "edited"      gboolean  its text was changed after it was sent
 *   "deleted"     gboolean  it was deleted (the text is gone)
 *   "reactions"   GPtrArray of ChatReaction, one per emoji, in the order they first came
 *   "read-by"     strv      who has read it, for an own message in a room that names its
 *                           readers (NULL when nobody has)
 *   "read-count"  guint     how many others have read it (names or, in large rooms, a count)
 *   "reply-to-id" guint64   the message it answers, 0 when it is no reply
 *   "reply-to"    ChatMessage  that message when the session has it, or NULL */
#ifndef CHAT_MESSAGE_H
#define CHAT_MESSAGE_H

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
    CHAT_MESSAGE_PENDING, /* own text the server has not acknowledged yet */
    CHAT_MESSAGE_SENT,    /* stored by the server, which delivers it to the room's members
                             (the protocol has no receipt per delivery; "read-by" and
                             "read-count" say who has read it); every message from others */
    CHAT_MESSAGE_FAILED,  /* own text the server or the session refused: see "error" */
} ChatMessageState;

/* One emoji's reactions on a message. */
typedef struct {
    char *emoji;
    guint count;
    char **names;        /* who, NULL-terminated, in the order they reacted */
    gboolean mine;       /* this account is among them */
} ChatReaction;

/* Frees a ChatReaction (the free function of the arrays of reactions). */
void chat_reaction_free(gpointer reaction);

#define CHAT_TYPE_MESSAGE (chat_message_get_type())
G_DECLARE_FINAL_TYPE(ChatMessage, chat_message, CHAT, MESSAGE, GObject)

guint64 chat_message_get_id(ChatMessage *self);
guint32 chat_message_get_room_id(ChatMessage *self);
const char *chat_message_get_sender(ChatMessage *self);
/* The sender's lobby user id when it was online (0: unknown). */
guint32 chat_message_get_sender_id(ChatMessage *self);
const char *chat_message_get_text(ChatMessage *self);
gint64 chat_message_get_time(ChatMessage *self);
gboolean chat_message_get_own(ChatMessage *self);
/* The transaction id this session sent an own text under (0: not sent from here). */
guint64 chat_message_get_client_id(ChatMessage *self);
ChatMessageState chat_message_get_state(ChatMessage *self);
const GError *chat_message_get_error(ChatMessage *self);
gboolean chat_message_get_edited(ChatMessage *self);
gboolean chat_message_get_deleted(ChatMessage *self);
/* The reactions (transfer none; empty when none). */
GPtrArray *chat_message_get_reactions(ChatMessage *self);
const char *const *chat_message_get_read_by(ChatMessage *self);
guint chat_message_get_read_count(ChatMessage *self);
guint64 chat_message_get_reply_to_id(ChatMessage *self);
ChatMessage *chat_message_get_reply_to(ChatMessage *self);

/* A message made outside the session (tests, previews): state SENT, no reactions. */
ChatMessage *chat_message_new(guint64 id, guint32 room_id, const char *sender,
                              const char *text, gint64 time_ms, gboolean own);

G_END_DECLS

#endif
