/* Inside ChatWindow: the instance struct shared by window.c (views, connection state),
 * window_chat.c (conversation and compose), window_files.c (file transfers) and
 * window_actions.c (menus, shortcuts, preferences, the adaptive layout). */
#ifndef CHAT_WINDOW_PRIVATE_H
#define CHAT_WINDOW_PRIVATE_H

#include "client/gtk/login_view.h"
#include "client/gtk/message_list.h"
#include "client/gtk/room_sidebar.h"
#include "client/core/server_list.h"
#include "client/core/session.h"
#include "client/gtk/user_list.h"
#include "client/gtk/window.h"

struct _ChatWindow {
    GtkApplicationWindow parent_instance;

    /* Template children. */
    GtkHeaderBar *header;
    GtkMenuButton *menu_button;
    GtkWidget *users_toggle;
    GtkWidget *rooms_toggle;
    GtkStack *stack;
    ChatLoginView *login_view;
    GtkInfoBar *banner;
    GtkLabel *banner_label;
    GtkStack *conversations;     /* one ChatMessageList per room */
    GtkWidget *rooms_spacer;
    GtkRevealer *rooms_revealer;
    ChatRoomSidebar *room_sidebar;
    GtkWidget *users_spacer;
    GtkRevealer *users_revealer;
    ChatUserList *user_list;
    GtkWidget *attach_button;
    GtkWidget *emoji_button;
    GtkScrolledWindow *compose_scroller;
    GtkTextView *message_view;
    GtkWidget *send_button;
    GtkWidget *announcer;       /* news for screen readers (role notification) */
    GtkWidget *alert_announcer; /* problems for screen readers (role alert) */

    ChatSession *session;
    /* Rooms (window_rooms.c). */
    ChatMessageList *message_list; /* the conversation on screen */
    GHashTable *lists;   /* room id -> its ChatMessageList (the stack owns them) */
    guint32 room_id;     /* the room on screen, unless dm_draft */
    char *dm_draft;      /* the person of a direct conversation not yet started */
    ChatMessageList *draft_list;
    guint64 quiet_request; /* a request whose answer the room dialog shows itself */
    ChatSettings *settings;
    char *files_dir;
    GPtrArray *servers;  /* ChatServerAddress: what the current login used */
    char *username;
    gboolean was_online; /* reached ONLINE since the last Connect */
    gboolean narrow;     /* the user list is a panel toggled over the conversation */
    guint unread;        /* messages that arrived while the window was not active */
    /* The reconnect banner counts down the session's announced delay. */
    guint countdown_source;

    /* The message box's mode (window_composer.c) and the requests of message actions
     * (window_message_actions.c: request id -> nothing). */
    GtkWidget *composer_bar;
    GtkLabel *composer_label;
    int composer_mode;   /* WINDOW_COMPOSE_* */
    guint32 composer_room;
    guint64 composer_target;
    GHashTable *message_requests;
    /* Typing notices (window_typing.c): who types here, and our own state. */
    GtkLabel *typing_label;
    guint32 typing_room;
    ChatTypingState typing_state;
    guint typing_pause_source;
    /* Search (window_search.c): the bar, its matches, the request being answered. */
    GtkSearchBar *search_bar;
    GtkEntry *search_entry;
    GtkListBox *search_results;
    GtkWidget *search_results_revealer;
    guint64 search_request;
    guint search_found;
    /* Read markers (window_read_marker.c): the pending "mark read", and the rooms (id + 1)
     * whose first marker of this login came. */
    guint mark_read_source;
    GHashTable *login_seen;
    /* Revealing a message (window_reveal.c): which, while older pages are loading. */
    gboolean revealing;
    gboolean reveal_exact;
    guint32 reveal_room;
    guint64 reveal_id;
    /* @-completion (window_mentions.c): the last completion, for Tab again. */
    char *mention_prefix;
    int mention_start;   /* offsets in the message box */
    int mention_end;
    guint mention_index;

    /* Accounts (window_account.c). */
    GCancellable *keyring_cancel; /* keyring calls in flight; cancelled with the window */
    char *new_token;     /* handed out at login, kept in the keyring once ONLINE */
    gboolean keyring_failed_said; /* "login not remembered" shown once */
    gboolean logging_out; /* Log out pressed: DISCONNECTED returns to the login view */
    guint login_serial;  /* bumps on each Connect: a late keyring answer is ignored */
};

/* window_chat.c: connects the conversation's session signals and the compose bar. */
void window_chat_init(ChatWindow *self);

/* window_chat.c: something from sender (text, or words for a file) arrived in room_id:
 * screen readers hear it; in the background or another room it counts as unread and,
 * when the room's notification level lets it (attention), notifies. */
void window_chat_note_incoming(ChatWindow *self, guint32 room_id, const char *sender,
                               const char *text, gboolean attention);

/* window_files.c: connects transfers, the attach button and drag-and-drop. */
void window_files_init(ChatWindow *self);

/* window_files.c: relays list's file row buttons (Download, Cancel, Retry). */
void window_files_watch_list(ChatWindow *self, ChatMessageList *list);

/* window_history.c: older messages as the reader scrolls up, and resume gaps. */
void window_history_init(ChatWindow *self);
/* Lets list ask for older messages and for its gaps. */
void window_history_watch_list(ChatWindow *self, ChatMessageList *list);
/* Asks for list's next page of older messages unless one is coming; TRUE when one is
 * coming ("history-loaded" follows), FALSE when none can (offline, no such room). */
gboolean window_history_load_older(ChatWindow *self, ChatMessageList *list);

/* window_reveal.c: shows room_id and brings message_id into view (focused, highlighted),
 * loading older history a page at a time until it is loaded or history ends; exact:
 * that very message (else a problem line says it is gone), otherwise the first message
 * from that id on. The actions "win.reveal-message" ((ut): room, message) and
 * "win.jump-to-unread" (the conversation on screen's "New messages" divider). */
void window_reveal_init(ChatWindow *self);
void window_reveal_message(ChatWindow *self, guint32 room_id, guint64 message_id,
                           gboolean exact);

/* window_rooms.c: the sidebar, a conversation per room, the room on screen. */
void window_rooms_init(ChatWindow *self);
void window_rooms_dispose(ChatWindow *self);
/* The conversation of room_id (made on first use). */
ChatMessageList *window_rooms_list(ChatWindow *self, guint32 room_id);
/* Which room list shows; FALSE for the draft of a direct conversation. */
gboolean window_rooms_list_room(ChatWindow *self, ChatMessageList *list, guint32 *room_id);
/* The room on screen (NULL: a direct conversation not yet started). */
ChatRoom *window_rooms_current(ChatWindow *self);
/* Puts room_id's conversation on screen and selects it in the sidebar. */
void window_rooms_show(ChatWindow *self, guint32 room_id);
/* Opens the direct conversation with user (an empty draft until the first text). */
void window_rooms_open_direct(ChatWindow *self, const char *user);
/* Sends text to the conversation on screen; as chat_session_send_text. */
ChatMessage *window_rooms_send(ChatWindow *self, const char *text, GError **error);
/* "Lobby", "#general", "@bob" (g_free it): of room_id, and of what is on screen. */
char *window_rooms_title(ChatWindow *self, guint32 room_id);
char *window_rooms_current_title(ChatWindow *self);
/* Someone else's text or file reached room_id. */
void window_rooms_note_incoming(ChatWindow *self, guint32 room_id);
/* TRUE when the own text msg is shown in a conversation (or the direct draft). */
gboolean window_rooms_shows_message(ChatWindow *self, ChatMessage *msg);
/* TRUE when a file row in some conversation follows transfer. */
gboolean window_rooms_shows_transfer(ChatWindow *self, ChatTransfer *transfer);
/* After Log out: every conversation goes, an empty lobby shows. */
void window_rooms_reset(ChatWindow *self);
/* The sidebar beside the conversation (wide) or a panel over it (narrow). */
void window_rooms_set_narrow(ChatWindow *self, gboolean narrow);

/* window_actions.c: the window's actions and its narrow/wide layout. */
void window_actions_init(ChatWindow *self);

/* window_message_actions.c: Reply, React, Edit, Delete on message rows. */
void window_message_actions_init(ChatWindow *self);
/* Gives row (a ChatBubble or ChatFileRow) the actions in its menu and keys; once. */
void window_message_actions_attach(ChatWindow *self, GtkWidget *row);
/* Up in an empty message box: edits the newest own text on screen; FALSE if none. */
gboolean window_message_actions_edit_last(ChatWindow *self);
/* Sends text as the new version of message_id (its answer is the actions'). */
gboolean window_message_actions_send_edit(ChatWindow *self, guint64 message_id,
                                          const char *text, GError **error);
/* request_id's answer is shown by a feature of the window (an action, a search), not
 * as the generic notice; forget it once shown (else a refusal says "Not done: why"). */
void window_message_actions_track(ChatWindow *self, guint64 request_id);
void window_message_actions_forget(ChatWindow *self, guint64 request_id);
/* TRUE when request_id is a message action's: the generic answer stays quiet. */
gboolean window_message_actions_owns(ChatWindow *self, guint64 request_id);
/* A refusal in words: a problem line and an alert ("what: why"). */
void window_message_actions_refused(ChatWindow *self, const char *what, const char *why);

/* window_composer.c: the message box writes a new text, an edit or a reply. */
enum { WINDOW_COMPOSE_NEW, WINDOW_COMPOSE_EDIT, WINDOW_COMPOSE_REPLY };
void window_composer_init(ChatWindow *self);
void window_composer_edit(ChatWindow *self, guint32 room_id, guint64 message_id,
                          const char *text);
void window_composer_reply(ChatWindow *self, guint32 room_id, guint64 message_id,
                           const char *sender, const char *text);
void window_composer_cancel(ChatWindow *self);
/* Sends text as an edit (TRUE, *msg NULL) or a reply (TRUE, *msg the pending reply);
 * FALSE with error set when refused, FALSE without error for a new text. */
gboolean window_composer_send(ChatWindow *self, const char *text, ChatMessage **msg,
                              GError **error);

/* window_typing.c: "alice is typing…" under the conversation, and our own notices. */
void window_typing_init(ChatWindow *self);
void window_typing_dispose(ChatWindow *self);

/* window_search.c: Ctrl+F searches every room's messages (after window_account_init). */
void window_search_init(ChatWindow *self);

/* window_mentions.c: Tab completes "@name" (TRUE when it did); others' texts that
 * mention the user are highlighted. */
gboolean window_mentions_complete(ChatWindow *self);
void window_mentions_mark(ChatWindow *self, ChatBubble *bubble, ChatMessage *msg);
void window_mentions_finalize(ChatWindow *self);

/* window_files.c: uploads path into room_id (with thumb, a preview, unless NULL) and
 * shows its row; failures as a notice. */
void window_files_send(ChatWindow *self, guint32 room_id, const char *path, GBytes *thumb);

/* window_thumbnails.c: sends path into room_id, an image with a preview made off the
 * main thread; shows an announced file's checked preview in its row. */
void window_thumbnails_send(ChatWindow *self, guint32 room_id, const char *path);
void window_thumbnails_show(ChatFileRow *row, const ChatFileInfo *file);
/* Ctrl+V of an image in the message box sends it (with its preview). */
void window_thumbnails_init(ChatWindow *self);

/* window_read_marker.c: marks the room being read; "New messages" dividers. */
void window_read_marker_init(ChatWindow *self);
void window_read_marker_dispose(ChatWindow *self);
/* Where list's "New messages" divider stands: the id read up to (0: no divider). */
guint64 window_read_marker_divider_at(ChatWindow *self, ChatMessageList *list);

/* window_notify_level.c: the notification level of the room on screen, chosen in a
 * dialog from the main menu. */
void window_notify_level_init(ChatWindow *self);

/* window_idle.c: away after CHAT_CLIENT_IDLE_SECONDS (default 600) without input. */
void window_idle_init(ChatWindow *self);

/* window_account.c: the account menu, the keyring, moderation and account requests. */
void window_account_init(ChatWindow *self);

/* Logs in as the login view says: register, password, or the keyring's token (looked
 * up first, asynchronously), else as a guest. servers and username are checked. */
void window_account_login(ChatWindow *self);

/* At start-up: logs in at once when the keyring holds a token for the remembered name. */
void window_account_try_saved_login(ChatWindow *self);

/* The session is ONLINE: keeps a new token in the keyring, updates the menu. */
void window_account_online(ChatWindow *self);

/* A tag per name for the user list: "guest", "moderator", "admin" or NULL. */
GPtrArray *window_account_user_tags(ChatWindow *self, GPtrArray *names);

/* Adds a line (not a message) to the conversation. */
void window_notice(ChatWindow *self, const char *text);

/* Adds a problem line ("\u26A0 text") to the conversation. */
void window_problem(ChatWindow *self, const char *text);

/* window_room_dialog.c: New or Join Room, Invite to Room, Leave Room. */
void window_room_dialog_init(ChatWindow *self);

/* window_moderation.c: the user list's context menu for moderators and admins. */
void window_moderation_init(ChatWindow *self);

/* window_form.c: a modal dialog of labelled entries (fields: NULL-terminated labels;
 * secret: hidden text) with Cancel and accept (GTK_RESPONSE_ACCEPT). Connect to
 * "response" and destroy it there. */
GtkWidget *window_form_new(ChatWindow *self, const char *title, const char *accept,
                           const char *const *fields, gboolean secret);

/* The text of entry i of a window_form_new dialog. */
const char *window_form_get(GtkDialog *dialog, guint i);

/* Frees the account part of the window (dispose). */
void window_account_dispose(ChatWindow *self);

/* window_trust.c: the certificate dialogs (trust on first use, changed certificate). */
void window_trust_init(ChatWindow *self);

/* Sets the accessible name of widget (what screen readers say and tests look up). */
void window_set_accessible_name(GtkWidget *widget, const char *name);

/* What the lobby (room 0) is called on screen. */
#define WINDOW_ROOM_NAME "Lobby"

/* Window title and header after the unread count or the login changed. */
void window_update_title(ChatWindow *self);

/* Where downloads go now. */
const char *window_get_files_dir(ChatWindow *self);
void window_set_files_dir(ChatWindow *self, const char *dir);

#endif
