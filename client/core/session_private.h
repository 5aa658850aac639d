/* Internals shared by the client/core/session*.c files; front ends include session.h only.
 *
 * Ownership in one paragraph: the session owns at most one connection (struct
 * session_conn) and a list of transfers (struct transfer). Both are reference-counted
 * boxes (g_rc_box) because asynchronous operations outlive them: every async call holds
 * a reference, and when the session lets go of a connection or a transfer it sets the
 * box's back-pointer to NULL, so a late callback only releases its reference. */
#ifndef CHAT_SESSION_PRIVATE_H
#define CHAT_SESSION_PRIVATE_H

#include "client/core/server_list.h"
#include "client/core/session.h"
#include "common/protocol.h"

/* Timing and flow-control policy, all in one place. */
#define SESSION_PING_AFTER_S 30          /* PING after this long without sending or receiving */
#define SESSION_LOST_AFTER_S 90          /* no byte from the server this long: lost */
#define SESSION_LOGIN_TIMEOUT_S 20       /* connect + HELLO + WELCOME must fit in this */
#define SESSION_GOODBYE_WAIT_S 2         /* after GOODBYE, wait this long for the close */
#define SESSION_BACKOFF_FIRST_S 1
#define SESSION_BACKOFF_MAX_S 30
#define SESSION_READ_SIZE (64u * 1024u)  /* bytes asked of the socket per read */
#define SESSION_MAX_WRITEV 16            /* frames handed to one vectored write */
#define SESSION_UPLOAD_QUEUE_HIGH (256u * 1024u) /* read file data only below this */
#define SESSION_PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 10)
#define SESSION_SPEED_SMOOTHING 0.3      /* weight of the newest speed sample */
/* A text refused with ERROR 80 (a cluster node without Redis: nothing was sent) stays
 * pending and goes out again by itself, same client id, after a wait that starts at
 * FIRST and doubles up to MAX; once its refusals have lasted FOR_S it is failed with the
 * server's words. A Redis restart or a node's reconnect takes a few seconds (the server
 * retries Redis every 2 s at most); an outage past FOR_S is one the user should hear of. */
#define SESSION_RESEND_FIRST_MS 500
#define SESSION_RESEND_MAX_MS 4000
#define SESSION_RESEND_FOR_S 20

enum session_signal {
    SIG_STATE_CHANGED,
    SIG_LOGIN_FAILED,
    SIG_MESSAGE,
    SIG_MESSAGE_FAILED,
    SIG_USERS_CHANGED,
    SIG_USER_JOINED,
    SIG_USER_LEFT,
    SIG_FILE_ANNOUNCED,
    SIG_TRANSFER_PROGRESS,
    SIG_TRANSFER_FINISHED,
    SIG_TRANSFER_FAILED,
    SIG_SERVER_ERROR,
    SIG_IDLE,
    SIG_CERTIFICATE_UNTRUSTED,
    SIG_TOKEN_CHANGED,
    SIG_REQUEST_DONE,
    SIG_REQUEST_FAILED,
    SIG_INVITE_CREATED,
    SIG_NOTICE,
    SIG_ROOM_LISTED,
    SIG_ROOM_EVENT,
    SIG_ROOM_INVITED,
    SIG_HISTORY_LOADED,
    SIG_HISTORY_GAP,
    SIG_HISTORY_GAP_FILLED,
    SIG_SEARCH_RESULT,
    SIG_COUNT
};
extern guint session_signals[SIG_COUNT];

/* One TCP connection attempt and, once it succeeds, the live connection. */
struct session_conn {
    ChatSession *session;        /* NULL once abandoned: late callbacks only release */
    GCancellable *cancel;
    GSocketConnection *socket;   /* NULL while the TCP connect is in progress */
    struct proto_decoder decoder;
    guint8 *read_buf;
    gboolean reading;            /* a socket read is in flight */
    gboolean processing;         /* frames are being dispatched: no re-entry */
    GQueue out_frames;           /* encoded frames (GBytes), oldest first */
    gsize out_bytes;             /* bytes in out_frames */
    GOutputVector vectors[SESSION_MAX_WRITEV];
    guint writing;               /* frames in the write in flight, 0 when none */
    gboolean welcomed;           /* WELCOME arrived */
    guint32 users_expected;      /* entries the initial USER_LIST frames will carry */
    guint32 users_seen;
    gboolean online;             /* initial user list complete: state ONLINE */
    gboolean closing;            /* GOODBYE queued by disconnect(); waiting for the close */
    gint64 started_us, last_rx_us, last_tx_us, last_ping_us, closing_us; /* monotonic */
    guint64 last_ping;           /* token of the last PING */
    char *shutdown_reason;       /* from SHUTDOWN, explains the close that follows */
    struct session_tls *tls;     /* the TLS checks of this attempt; NULL for plain text */
    char *end_words;             /* an ERROR that ends the session (kick, ban), in words */
};

/* What every upload and download shares. Allocated with g_rc_box as the first member of
 * struct upload or struct download. */
/* What the session knows of a transfer; its ChatTransfer shows the same to front ends. */
struct transfer_info {
    guint64 id;                  /* the upload id (ours, from 1) or the file id */
    ChatTransferDirection direction;
    char *name;                  /* file base name */
    char *path;                  /* local file (source, or final destination) */
    guint64 size;
    guint64 done;                /* bytes moved, counting a resume offset */
    double bytes_per_second;     /* smoothed */
};

struct transfer {
    struct transfer_info pub;
    ChatTransfer *object;        /* what front ends hold; follows pub (transfer_show) */
    ChatSession *session;        /* NULL once detached: late callbacks only release */
    GCancellable *cancel;        /* stops this transfer's file work */
    gint64 rate_us;              /* when progress was last reported */
    guint64 rate_done;           /* pub.done at that time */
    gboolean blocks_io;          /* frames wait until this transfer can buffer again */
    void (*clear)(struct transfer *t); /* frees the direction-specific part */
};

/* The account side of a session (session_auth.c): how to log in and what the server
 * said about roles. */
struct session_auth {
    char *password;              /* until the server answers a password login; wiped */
    char *invite;
    gboolean create_account;     /* register on the next attempt */
    gboolean have_token;
    guint8 token[PROTO_TOKEN_LEN];
    gboolean token_in_use;       /* the current attempt logs in with the token */
    ChatRole role;               /* ours */
    GHashTable *roles;           /* GUINT_TO_POINTER(user id) -> ChatRole, non-members */
};

/* History, resume and "nothing twice" (session_history.c). */
struct session_history {
    GHashTable *marks;           /* room id -> resume point: everything up to it is held
                                    (guint64 *); saved */
    GHashTable *newest;          /* room id -> newest message id reported (guint64 *) */
    GHashTable *in_step;         /* rooms whose mark follows what arrives on this
                                    connection: resumed and filled, or never resumed */
    GHashTable *seen;            /* message ids already reported in this run (a set) */
    GHashTable *oldest;          /* room id -> oldest message id reported (guint64 *) */
    GHashTable *resumed;         /* room ids resumed on this connection (a set) */
    GHashTable *requests;        /* request id -> struct history_request, unanswered */
    gboolean unsupported;        /* this connection's server knows no HISTORY or RESUME */
};

/* Presence state (session_presence.c): ours, and who in the lobby is away. */
struct session_presence {
    gboolean away;               /* what we last asked for (re-sent after each login) */
    gboolean away_auto;          /* set by the idle timer, cleared by the next input */
    guint idle_seconds;          /* chat_session_set_auto_away; 0: off */
    guint idle_source;           /* the idle timer while auto-away is on */
    GHashTable *away_users;      /* lobby user ids away (a set) */
    gboolean unsupported;        /* this connection's server knows no PRESENCE_SET */
};

/* Notification levels and the mention key (session_notify.c). */
struct session_notify {
    GHashTable *levels;          /* room id -> ChatNotifyLevel, rooms not at ALL */
    GHashTable *unsent;          /* room id -> ChatNotifyLevel chosen while offline */
    char *key;                   /* name_fold_key of key_name */
    char *key_name;              /* the accepted name the key was made from */
};

struct _ChatSession {
    GObject parent_instance;
    char *agent;
    char *host;                  /* the current server of servers */
    guint16 port;
    GPtrArray *servers;          /* ChatServerAddress to fail over between (session_servers.c) */
    guint server_at;             /* the index of the current one */
    guint servers_untried;       /* how many more may be tried before a backoff */
    char *username;              /* as asked for in connect() */
    gboolean plain;              /* TLS turned off */
    char *expected_fingerprint;  /* vouched for out of band, canonical; or NULL */
    ChatSessionState state;
    gboolean auto_reconnect;
    gboolean want_online;        /* connect() called, no disconnect() or refusal since */
    gboolean ever_online;        /* logged in since connect(): a loss means reconnect */
    guint backoff_s;
    guint retry_source;
    gint64 retry_at_us;    /* monotonic time of the next attempt, while retry_source */
    guint tick_source;
    guint resume_source;         /* idle callback that resumes frame processing */
    guint refusal_source;        /* reports a login refused locally, asynchronously */
    guint io_blockers;           /* downloads with a full write buffer: frames wait */
    gboolean busy;               /* not idle since "idle" was last emitted */
    struct session_conn *conn;

    /* What the server told us in WELCOME. */
    guint32 user_id;
    char *accepted_name;
    guint32 max_text;
    guint32 max_chunk;
    guint64 max_file_size;       /* 0 until known */
    guint32 max_uploads;         /* uploads in flight the server allows; 0 until known */

    GHashTable *users;           /* GUINT_TO_POINTER(user id) -> name */
    GHashTable *files;           /* &info->file_id -> ChatFileInfo, as announced */
    GQueue pending_texts;        /* struct pending_text, oldest first (session_outbox.c) */
    GHashTable *messages;        /* message id -> ChatMessage someone holds (weak; session_messages.c) */
    GHashTable *waiting_replies; /* quoted id -> GPtrArray of held replies (weak) whose
                                    quoted message is not held yet */
    char *outbox_dir;            /* where outboxes are kept; NULL: in memory only */
    char *outbox_path;           /* this server's and account's outbox file, or NULL */
    guint outbox_save_source;    /* an idle save after acknowledgements */
    guint outbox_retry_source;   /* the next resend of texts refused as unavailable */
    guint64 last_upload_id;
    GQueue transfers;            /* struct transfer *, in the order they were started */
    struct session_auth auth;
    GHashTable *requests;        /* account requests unanswered (session_requests.c) */
    guint64 last_request_id;
    GListStore *rooms;           /* ChatRoom the account is in, lobby first (session_rooms.c) */
    struct session_history history; /* session_history.c */
    struct session_presence presence; /* session_presence.c */
    struct session_live *live;   /* markers, receipts, edits, replies (session_live.c) */
    struct session_typing *typing; /* who types where, and our own notices (session_typing.c) */
    struct session_reactions *reactions; /* who reacted to what (session_reactions.c) */
    struct session_notify notify; /* session_notify.c */
};

/* chat_message.c: the object's setters (see chat_message.h for the properties). */
ChatMessage *message_new_pending(guint32 room_id, const char *sender, const char *text,
                                 guint64 client_id, guint64 reply_to_id);
ChatMessage *message_new_sent(guint64 id, guint32 room_id, const char *sender,
                              guint32 sender_id, const char *text, gint64 time_ms,
                              gboolean own, guint64 client_id, guint64 reply_to_id);
void message_set_sent(ChatMessage *self, guint64 id, gint64 time_ms, guint32 room_id,
                      const char *sender, guint32 sender_id);
void message_set_failed(ChatMessage *self, guint code, const char *reason);
void message_set_edited(ChatMessage *self, const char *text);
void message_set_deleted(ChatMessage *self);
void message_set_reactions(ChatMessage *self, GPtrArray *reactions);
void message_add_reader(ChatMessage *self, const char *name);
void message_set_read_count(ChatMessage *self, guint count);
void message_set_reply_to(ChatMessage *self, ChatMessage *quoted);

/* session_messages.c: the one object per message id. */
void session_messages_init(ChatSession *self);
void session_messages_clear(ChatSession *self);
/* The object of message id while someone holds it, else NULL. */
ChatMessage *session_message_lookup(ChatSession *self, guint64 id);
/* The pending object of an own TEXT takes its id, time and room, and is held under its
 * id from then on, so what later arrives about it (edits, receipts) reaches it. */
void session_message_settle(ChatSession *self, const struct proto_text *t,
                            ChatMessage *pending);
/* A TEXT to report: the pending object (own, pending) settled, or a new one; "message"
 * is emitted with it. */
void session_message_received(ChatSession *self, const struct proto_text *t, gboolean own,
                              ChatMessage *pending);
/* name (or, in a large room, count others) read room_id up to message_id. */
void session_messages_read(ChatSession *self, guint32 room_id, guint64 message_id,
                           const char *name, guint count);

/* session.c */
ChatFileInfo *chat_file_info_copy(const ChatFileInfo *info);
void chat_file_info_free(ChatFileInfo *info);
void session_set_state(ChatSession *self, ChatSessionState state, const char *detail);
void session_note_activity(ChatSession *self);
void session_go_online(ChatSession *self);
/* The lobby user id of the user online under name: FALSE if nobody is. */
gboolean session_find_user(ChatSession *self, const char *name, guint32 *id);

/* A text the server has not relayed back yet (session_outbox.c). */
struct pending_text {
    guint64 client_id;
    guint32 room_id;
    char *direct_to;     /* a direct message to this account (room_id unused), or NULL */
    char *text;
    guint64 reply_to;    /* a reply to this message of room_id, or 0 */
    ChatMessage *msg;    /* its object, PENDING (a reference) */
    gint64 refused_since_us; /* monotonic time of its first ERROR 80, or 0 */
    gint64 retry_at_us;  /* when it goes out again after ERROR 80; 0: not waiting */
    guint retry_ms;      /* the last wait after ERROR 80, 0 before the first */
};

/* session_outbox.c */
void session_outbox_clear(ChatSession *self);
/* The pending text client_id, or NULL. */
struct pending_text *session_outbox_find(ChatSession *self, guint64 client_id);
/* Sends p (TEXT_SEND, REPLY_SEND or DIRECT_SEND with its client id). */
void session_outbox_send(ChatSession *self, const struct pending_text *p);
void session_outbox_open(ChatSession *self);
void session_outbox_resend(ChatSession *self);
void session_outbox_save_later(ChatSession *self);
gboolean session_text_failed(ChatSession *self, guint64 client_id, guint code,
                             const char *reason);
/* Takes the pending text client_id out of the outbox: its object (the caller's
 * reference), or NULL when it was not pending. */
ChatMessage *session_text_acknowledged(ChatSession *self, guint64 client_id);

/* session_outbox_retry.c */
/* ERROR 80 answered the pending text client_id: it stays pending and is sent again later
 * (SESSION_RESEND_*). FALSE, changing nothing, when it is not pending or its refusals
 * have lasted SESSION_RESEND_FOR_S: the caller fails it then. */
gboolean session_text_retry_later(ChatSession *self, guint64 client_id);
/* No text waits for a resend any more (every one is being sent now, or forgotten). */
void session_outbox_retry_cancel(ChatSession *self);

/* session_io.c */
void session_start_attempt(ChatSession *self);
void session_abandon_conn(ChatSession *self);
void session_conn_lost(ChatSession *self, const char *why);
void session_login_refused(ChatSession *self, guint code, const char *message,
                           guint64 ref_id);
gboolean session_send(ChatSession *self, const struct proto_msg *msg);
void session_send_frame(ChatSession *self, GBytes *frame);
void session_give_up(ChatSession *self, guint code, const char *reason, guint64 ref_id);
gboolean session_can_send(ChatSession *self);
gsize session_queued_bytes(ChatSession *self);
void session_block_io(ChatSession *self);
void session_unblock_io(ChatSession *self);

/* session_servers.c */
void session_servers_set(ChatSession *self, GPtrArray *servers);
void session_servers_reached(ChatSession *self);
gboolean session_servers_fail_over(ChatSession *self, const char *why);
void session_servers_next_round(ChatSession *self);
void session_servers_clear(ChatSession *self);

/* session_tls.c */
struct session_tls *session_tls_attach(ChatSession *self, GSocketClient *client,
                                       GCancellable *cancel);
void session_tls_unref(struct session_tls *tls);
gboolean session_tls_report(ChatSession *self, struct session_tls *tls, const GError *error);

/* session_dispatch.c */
void session_dispatch(ChatSession *self, const struct proto_msg *msg);

/* session_auth.c */
void session_auth_init(ChatSession *self);
void session_auth_clear(ChatSession *self);
void session_auth_set(ChatSession *self, const ChatCredentials *credentials);
gboolean session_auth_send_login(ChatSession *self);
gboolean session_auth_local_refusal(ChatSession *self, guint *code, const char **reason);
gboolean session_auth_retry_refused(ChatSession *self, guint code);
gboolean session_auth_dispatch(ChatSession *self, const struct proto_msg *msg);
void session_auth_user_left(ChatSession *self, guint32 user_id);
gboolean session_auth_is_login_type(guint16 type);

/* session_requests.c */
GHashTable *session_requests_new(void);
gboolean session_requests_dispatch(ChatSession *self, const struct proto_msg *msg);
void session_requests_password_changed(ChatSession *self);
gboolean session_requests_failed(ChatSession *self, guint64 request_id, guint code,
                                 const char *message);
void session_requests_conn_ended(ChatSession *self);
gboolean session_requests_idle(ChatSession *self);

gboolean session_request_possible(ChatSession *self, GError **error);
gboolean session_request_pending(ChatSession *self, guint64 id, guint16 type);
guint64 session_request_send(ChatSession *self, struct proto_msg *msg, guint64 *id_field,
                             guint32 value, char *done_words);

/* session_rooms.c */
void session_rooms_init(ChatSession *self);
void session_rooms_clear(ChatSession *self);
void session_rooms_logged_in(ChatSession *self);
gboolean session_rooms_dispatch(ChatSession *self, const struct proto_msg *msg);
void session_rooms_request_done(ChatSession *self, guint16 type, guint32 room_id);
void session_rooms_message(ChatSession *self, guint32 room_id, guint64 message_id,
                           gboolean own);
gboolean session_rooms_is_request(guint16 type);

/* session_history.c */
void session_history_init(ChatSession *self);
void session_history_clear(ChatSession *self);
void session_history_conn_started(ChatSession *self);
void session_history_logged_in(ChatSession *self);
void session_history_disconnected(ChatSession *self);
void session_history_resume(ChatSession *self, guint32 room_id);
gboolean session_history_fresh(ChatSession *self, guint32 room_id, guint64 message_id);
void session_history_filled(ChatSession *self, guint32 room_id, guint64 message_id);
gboolean session_history_dispatch(ChatSession *self, const struct proto_msg *msg);

/* session_presence.c */
void session_presence_init(ChatSession *self);
void session_presence_clear(ChatSession *self);
/* A new WELCOME: nobody is known to be away. */
void session_presence_reset(ChatSession *self);
/* Logged in (the server starts us active): says away again if we were. */
void session_presence_logged_in(ChatSession *self);
void session_presence_user_left(ChatSession *self, guint32 user_id);
/* An ERROR (code) answered a PRESENCE_SET; TRUE when it needs no words (a server that
 * has no presence state: it is asked no more on this connection). */
gboolean session_presence_failed(ChatSession *self, guint code);
gboolean session_presence_dispatch(ChatSession *self, const struct proto_msg *msg);
gboolean session_history_failed(ChatSession *self, guint16 ref_type, guint64 request_id,
                                guint code);
gboolean session_history_idle(ChatSession *self);
void session_history_mark(ChatSession *self, guint32 room_id, guint64 last_id);
GHashTable *session_history_marks(ChatSession *self);
guint64 session_history_newest(ChatSession *self, guint32 room_id);

/* session_live.c */
void session_live_class_init(GObjectClass *klass);
void session_live_init(ChatSession *self);
void session_live_clear(ChatSession *self);
void session_live_logged_in(ChatSession *self);
gboolean session_live_dispatch(ChatSession *self, const struct proto_msg *msg);
gboolean session_live_is_request(guint16 type);
void session_live_emit_typing(ChatSession *self, guint32 room_id);
void session_live_emit_reactions(ChatSession *self, guint32 room_id, guint64 message_id);

/* session_reactions.c */
void session_reactions_init(ChatSession *self);
void session_reactions_clear(ChatSession *self);
void session_reactions_forget(ChatSession *self, guint64 message_id);
void session_reactions_event(ChatSession *self, const struct proto_reaction *r);

/* session_typing.c */
void session_typing_init(ChatSession *self);
void session_typing_clear(ChatSession *self);
void session_typing_notice(ChatSession *self, const struct proto_typing *t);
void session_typing_spoke(ChatSession *self, guint32 room_id, struct proto_str sender);
/* session_search.c */
gboolean session_search_dispatch(ChatSession *self, const struct proto_msg *msg);

/* session_notify.c */
void session_notify_init(ChatSession *self);
void session_notify_clear(ChatSession *self);
/* An account's login completed: the levels chosen offline go to the server, and the
 * rest are forgotten (the server tells its stored ones next). */
void session_notify_logged_in(ChatSession *self);
/* NOTIFY_LEVEL; FALSE for any other type. */
gboolean session_notify_dispatch(ChatSession *self, const struct proto_msg *msg);

/* session_thumb.c */
void session_thumb_attach(ChatFileInfo *info, const struct proto_file_announce_thumb *a);

/* session_errors.c */
ChatSessionError session_error_from_proto(guint code);
char *session_error_words(guint code, const char *message, guint64 ref_id,
                          const char *username);
char *session_clean_text(struct proto_str s);

/* chat_transfer.c: the object's setters (see chat_transfer.h). */
void transfer_object_update(ChatTransfer *self, const char *name, const char *path,
                            guint64 size, guint64 done, double speed);
void transfer_object_set_file_id(ChatTransfer *self, guint64 file_id);
void transfer_object_set_state(ChatTransfer *self, ChatTransferState state, const char *reason);

/* session_transfer.c */
gpointer transfer_alloc(gsize size, ChatSession *self, ChatTransferDirection dir, guint64 id,
                        void (*clear)(struct transfer *t));
struct transfer *transfer_ref(gpointer t);
void transfer_unref(gpointer t);
struct transfer *transfer_find(ChatSession *self, ChatTransferDirection dir, guint64 id);
void transfer_progress(struct transfer *t, gboolean force);
/* Brings t's object up to date with t->pub (and its state, when not RUNNING). */
void transfer_show(struct transfer *t, ChatTransferState state);
/* The live transfer whose object is object, or NULL. */
struct transfer *transfer_of(ChatSession *self, ChatTransfer *object);
void transfer_cancel(struct transfer *t);
void transfer_finish(struct transfer *t);
void transfer_fail(struct transfer *t, const char *reason);
void transfer_fail_printf(struct transfer *t, const char *format, ...) G_GNUC_PRINTF(2, 3);
void transfer_fail_in_flight(ChatSession *self, const char *reason);
void transfer_detach_all(ChatSession *self);
void transfer_block_io(struct transfer *t);
void transfer_unblock_io(struct transfer *t);

/* session_upload.c */
ChatTransfer *upload_start(ChatSession *self, guint32 room_id, const char *path,
                           GBytes *thumbnail, GError **error);
/* The object of our upload upload_id while it is live, or NULL. */
ChatTransfer *upload_object(ChatSession *self, guint64 upload_id);
void upload_send_offers(ChatSession *self);
void upload_pump(ChatSession *self);
void upload_accepted(ChatSession *self, guint64 upload_id);
void upload_announced(ChatSession *self, guint64 upload_id);
void upload_refused(ChatSession *self, guint64 upload_id, const char *reason);
void upload_cancel(struct transfer *t);
gboolean upload_in_flight(struct transfer *t);

/* session_download.c */
ChatTransfer *download_start(ChatSession *self, guint64 file_id, const char *dir,
                             GError **error);
void download_send_requests(ChatSession *self);
void download_started(ChatSession *self, const struct proto_download_start *start);
void download_chunk(ChatSession *self, const struct proto_chunk *chunk);
void download_ended(ChatSession *self, guint64 file_id);
void download_refused(ChatSession *self, guint64 file_id, guint code, const char *reason);
void download_cancel(struct transfer *t);
gboolean download_in_flight(struct transfer *t);

#endif
