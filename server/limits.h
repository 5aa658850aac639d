/* Every limit and default of chat-server in one place, each with the reason for it.
 * Options (see options.c) override the SERVER_DEFAULT_* values; the rest are fixed. */
#ifndef CHAT_SERVER_LIMITS_H
#define CHAT_SERVER_LIMITS_H

#include "common/protocol.h"

/* ---- Defaults of command-line options ---- */
#define SERVER_DEFAULT_HOST "127.0.0.1"        /* loopback: nothing is exposed by accident */
#define SERVER_DEFAULT_PORT 1234               /* the port the clients default to */
#define SERVER_DEFAULT_LOG "server.log"        /* one line per event, appended */
#define SERVER_DEFAULT_FILES_DIR "received_files" /* where completed uploads are kept */
#define SERVER_DEFAULT_POLLER "select"         /* the portable event-loop backend */
#define SERVER_DEFAULT_MAX_CLIENTS 1000u       /* fits under select()'s FD_SETSIZE of 1024 */
#define SERVER_DEFAULT_MAX_FILE_SIZE (16ull << 30) /* 16 GiB: big files, bounded disk use */
#define SERVER_DEFAULT_MAX_UPLOADS 4u          /* per connection: parallel, not a flood */
#define SERVER_DEFAULT_MAX_DOWNLOADS 4u        /* per connection, likewise */
#define SERVER_DEFAULT_MAX_OUTPUT_QUEUE (4u << 20) /* 4 MiB unsent: past it a reader is too slow */
#define SERVER_DEFAULT_HANDSHAKE_MS 10000      /* time to finish the TLS handshake, then
                                                  again to send HELLO, before being dropped */
#define SERVER_DEFAULT_DATA_DIR "."            /* chat.db beside where the server was started,
                                                  as server.log and received_files are */
#define SERVER_DEFAULT_RETENTION_DAYS 0u       /* keep messages forever unless told otherwise:
                                                  deleting history is the operator's call */
#define SERVER_DEFAULT_TLS_CERT "tls-cert.pem"  /* made on first start when no --tls-cert is */
#define SERVER_DEFAULT_TLS_KEY "tls-key.pem"    /* given, in the data directory */

/* ---- Ranges accepted for options (outside them the option is refused) ---- */
#define SERVER_MAX_CLIENTS_LIMIT 1000000u      /* far above any fd limit; only a sanity cap */
#define SERVER_MAX_TRANSFERS_LIMIT 1024u       /* per-connection uploads or downloads */
#define SERVER_MIN_OUTPUT_QUEUE 4096u          /* below this even a short burst is "too slow" */
#define SERVER_MAX_OUTPUT_QUEUE (1ull << 40)   /* sanity cap on a size_t count of bytes */
#define SERVER_MAX_HANDSHAKE_MS (24ll * 3600 * 1000) /* a day: anything longer is a typo */
#define SERVER_MAX_RETENTION_DAYS 36500u       /* a century: anything longer is "forever" (0) */

/* ---- Fixed limits ---- */
#define SERVER_LISTEN_BACKLOG 511              /* the kernel caps it at somaxconn anyway */
#define SERVER_ACCEPTS_PER_PASS 64             /* a connect storm cannot starve open clients */
#define SERVER_READ_BUDGET (64u * 1024u)       /* bytes read per client per loop pass: fairness */
#define SERVER_INPUT_HIGH_WATER (PROTO_HEADER_SIZE + PROTO_MAX_PAYLOAD)
                                               /* undecoded input held per client: one frame */
#define SERVER_FRAMES_PER_PASS 64              /* frames handled per client per pass: a flooder
                                                  waits its turn instead of starving others */
#define SERVER_WRITE_BUDGET (512u * 1024u)     /* bytes written per client per pass: fairness */
#define SERVER_WRITEV_IOVECS 256               /* frames gathered into one writev() call: a
                                                  busy room queues ~100 per client per pass,
                                                  and each call costs far more than a frame */
#define SERVER_OUTQ_INLINE_SLOTS 4             /* queue slots kept inside each client, so
                                                  ordinary traffic never allocates */
#define SERVER_OUTQ_KEEP_SLOTS 256             /* a heap ring up to this many slots (4 KiB)
                                                  is kept when the queue empties, so a busy
                                                  room does not allocate per loop pass; it
                                                  is given back once the burst is over (see
                                                  SERVER_OUTQ_CALM_FLUSHES), so an idle
                                                  client keeps none */
#define SERVER_OUTQ_CALM_FLUSHES 8             /* flushes in a row of no more frames than
                                                  the inline slots hold before a kept heap
                                                  ring is given back: a busy room whose
                                                  passes are sometimes short does not free
                                                  and grow it again and again */
#define SERVER_DOWNLOAD_LOW_WATER (256u * 1024u) /* read file chunks only while the reader's
                                                  queue is below this: memory stays bounded
                                                  and texts interleave with file data */
#define SERVER_COPY_BUFFER (256u * 1024u)      /* TLS without kTLS: frames and file parts
                                                  copied into one buffer per write, so a
                                                  download goes out in full 16 KiB records
                                                  (a chunk's header does not cut one); one
                                                  buffer serves every connection (what a
                                                  full socket refuses is copied again), so
                                                  its size costs no memory per client */
#define SERVER_COPY_SMALL_FRAMES 512u         /* frames queued for a plain connection that
                                                  average at most this many bytes are copied
                                                  into that buffer and written as one piece,
                                                  not as one writev() element each: the
                                                  kernel's cost per element exceeds the
                                                  copy (fan-out of 64-byte texts: ~30 ns
                                                  less server CPU a delivery, most of it
                                                  kernel; docs/PERFORMANCE.md) */
#define SERVER_TLS_WRITE_BATCH (64u * 1024u)   /* TLS without kTLS: records sealed into a
                                                  buffer and given to the kernel this many
                                                  bytes per system call, not one per 16 KiB
                                                  record; the buffer is lent to a connection
                                                  while it writes and kept only while its
                                                  socket refuses what it holds */
#define SERVER_CLOSE_LINGER_MS 2000            /* a closing client gets this long to take its
                                                  last frames (an ERROR, a reply) */
#define SERVER_SHUTDOWN_FLUSH_MS 2000          /* on SIGINT/SIGTERM, flush at most this long */
#define SERVER_UNIQUE_NAME_TRIES 10000         /* "name (2).ext" ... "name (9999).ext" */
#define SERVER_FILE_NAME_MAX 240               /* stored base name bytes, leaving room for
                                                  " (9999)" under the 255-byte NAME_MAX */
#define SERVER_STORED_NAME_MAX (SERVER_FILE_NAME_MAX + 7) /* a stored name with its
                                                  " (9999)": what a file event may name */
#define SERVER_CLOSE_DRAIN_BYTES (64u * 1024u) /* unread input discarded before close(), so
                                                  the peer gets FIN, not a reset that could
                                                  destroy our last frames */
#define SERVER_FD_TABLE_MAX (1 << 20)          /* cap on fd-indexed tables when the fd limit
                                                  is unlimited */
#define SERVER_FD_RESERVE 64u                  /* descriptors besides client sockets (stdio,
                                                  log, listener, poller, spare, files):
                                                  the soft fd limit is raised when
                                                  max_clients plus these exceed it */
#define SERVER_LOG_LINE_MAX 8192               /* longer log lines are cut, never split */

/* ---- Rooms (server/rooms.c, room_requests.c; PROTOCOL.md section 5.27) ---- */
#define SERVER_ROOMS_PER_ACCOUNT 100u          /* rooms one account is in besides the lobby
                                                  and its direct rooms: each is a ROOM_STATE
                                                  and a member list at every login */
#define SERVER_MEMBERS_PER_ROOM 5000u          /* one text is one frame queued per online
                                                  member: this bounds a pass's fan-out (and
                                                  is five times the default --max-clients) */
#define SERVER_ROOMS_CREATED_PER_HOUR 10u      /* per account: room names are one namespace
                                                  for everyone, so nobody can squat it */
#define SERVER_ROOM_CREATE_WINDOW_MS (3600ll * 1000) /* the hour of the limit above */

/* ---- Presence state (server/presence_state.c) ---- */
#define SERVER_PRESENCE_SETS_BURST 4.0         /* PRESENCE_SET changes in a row, then */
#define SERVER_PRESENCE_SETS_RATE (1.0 / 15)   /* one every 15 s: each change is told to
                                                  everyone online (the lobby) and to every
                                                  room of the account; a client sets away
                                                  after 10 idle minutes and back on activity,
                                                  so people need a few an hour */

/* ---- History and resume (server/history.c) ---- */
#define SERVER_HISTORY_MAX_LIMIT 100u          /* messages in one HISTORY page (IRCv3's servers
                                                  cap a request the same way): at 8 KiB a
                                                  text, 800 KiB, well under the output queue */
#define SERVER_RESUME_MAX_PER_ROOM 100u        /* missed messages a RESUME replays per room;
                                                  the rest is a RESUME_GAP the client pages
                                                  through HISTORY at its own pace */
#define SERVER_HISTORY_PAGE_BYTES (256u * 1024u) /* a HISTORY or RESUME answer ends after the
                                                  message that takes it past this (one at
                                                  least; HISTORY_END's flags say more exist),
                                                  and a client's next HISTORY or RESUME waits
                                                  while its unsent output is at or above it:
                                                  resuming 100 rooms of 8 KiB texts queues
                                                  about twice this at a time, not 80 MiB.
                                                  A quarter of --max-output-queue if that is
                                                  less */

/* ---- The live conversation (server/live_*.c; PROTOCOL.md section 5.48) ---- */
#define SERVER_TYPING_RELAY_MS 3000            /* at most one TYPING per sender and room reaches
                                                  the others in this time (IRCv3 +typing: a
                                                  client repeats "active" every 3 s); the rest
                                                  are dropped, the receivers' 6 s / 30 s expiry
                                                  covers a dropped "done" */
#define SERVER_TYPING_RATE 20.0                /* TYPING_SET frames/s per connection: a budget */
#define SERVER_TYPING_BURST 40.0               /* of their own, never charged to the message
                                                  flood limit, so even a client that sends one
                                                  per keystroke (~10/s) is never slowed; past
                                                  it the connection is read more slowly (never
                                                  dropped for it): a typing storm costs the
                                                  loop at most this many frames a second */
#define SERVER_RECEIPT_NAMES_MAX 20u           /* rooms with more members get receipt counts,
                                                  not names: a name per reader per message
                                                  does not fit a big room's screen (or its
                                                  fan-out) */
#define SERVER_RECEIPT_COUNT_MS 1000           /* a large room's count receipts go out at most
                                                  this often (the latest count): one READ_MARK
                                                  there would otherwise be a frame to every
                                                  online member, per marker move */
#define SERVER_REACTIONS_PER_MESSAGE 20u       /* distinct emoji on one message: a row of
                                                  counts that fits one line */
#define SERVER_HISTORY_REACTIONS 100u          /* REACTION frames one HISTORY page lists per
                                                  message (a bound on a page's size; counts past
                                                  it arrive live) */
/* ---- Search (server/search.c, store/store_search.c; PROTOCOL.md 5.63) ---- */
#define SERVER_SEARCH_MAX_RESULTS 50u          /* SEARCH_RESULTs per SEARCH: a screenful or two;
                                                  at ~1 KiB each, far under the output queue */
#define SERVER_SEARCH_MAX_WORDS 16u            /* words in one query: each is one more index
                                                  list FTS5 walks for every candidate */
#define SERVER_SEARCH_WINDOW 500u              /* the newest matches ranked per query: each
                                                  costs a room lookup and a bm25 score, and
                                                  with the account in a tenth of the rooms
                                                  ten times as many are looked at */
#define SERVER_SEARCH_BUDGET_MS 20u            /* CPU time the scan for those matches may take
                                                  before it stops with what it found (a rare
                                                  room's matches far apart): the loop is
                                                  never held much longer */
#define SERVER_SEARCH_SNIPPET_WORDS 16u        /* words of context in a snippet */
#define SERVER_SEARCH_THREADS 1u               /* searches run one at a time off the loop:
                                                  the loop and the password workers keep
                                                  the other cores, and the shares below
                                                  already bound each connection */
#define SERVER_SEARCH_CPU_MS_PER_SEC 50.0      /* CPU time one connection's searches may take
                                                  a second (5 % of the loop) ... */
#define SERVER_SEARCH_CPU_BURST_MS 250.0       /* ... saved up to this: a dozen of the most
                                                  costly searches at once, hundreds of usual
                                                  ones; past it, SEARCH_BUSY */

/* ---- Thumbnails (server/upload.c; common/image_header.c) ---- */
#define SERVER_THUMB_MAX_BYTES PROTO_MAX_THUMB_BYTES /* 64 KiB: a 320 px JPEG needs ~20 */
#define SERVER_THUMB_MAX_SIDE PROTO_MAX_THUMB_SIDE   /* 320 px a side: 400 KiB decoded at
                                                        most, whatever the bytes claim */

/* ---- TLS (server/tls.c, conn_tls.c; docs/SECURITY.md) ---- */
#define SERVER_TLS_MIN_VERSION TLS1_2_VERSION  /* TLS 1.0 and 1.1 are deprecated (RFC 8996) */
#define SERVER_TLS_CIPHERS                     /* TLS 1.2: Mozilla "intermediate" (v5.7): */ \
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"  /* forward secrecy and */ \
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"  /* AEAD only; every    */ \
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"  /* client of the last  */ \
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:"        /* five years speaks   */ \
    "DHE-RSA-CHACHA20-POLY1305"                                   /* one of them         */
#define SERVER_TLS13_CIPHERSUITES              /* TLS 1.3: all three, as Mozilla lists;  \
                                                  the server's order of preference */ \
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
#define SERVER_TLS_GROUPS "X25519:prime256v1:secp384r1" /* Mozilla's curves, fastest first */
#define SERVER_TLS_ACCEPTS_PER_PASS 8          /* on a TLS port: each accept also makes an
                                                  OpenSSL session (~20 us), so a storm of
                                                  connections is taken in short slices and
                                                  the chat's frames go between them */
#define SERVER_TLS_ADOPTS_PER_PASS 8           /* finished handshakes made into clients in
                                                  one pass (each is a client, a log line and
                                                  its first read): a storm's completions are
                                                  taken in slices like its accepts */
#define SERVER_TLS_THREAD_NICE 5               /* the TLS handshake thread's niceness: a
                                                  handshake is ~0.1-0.3 ms of public-key
                                                  work, done off the loop so a storm of them
                                                  cannot hold up the chat; niced so that on
                                                  a busy machine the loop thread, waking for
                                                  a frame, wins the CPU (weight 1024 to
                                                  335), but not so far that other programs
                                                  on the host starve the handshakes */
#define SERVER_TLS_CERT_CN "chat-server"       /* subject of the generated certificate: it
                                                  is pinned by fingerprint, never by name */
#define SERVER_TLS_CERT_DAYS 3650              /* generated certificate's life: trust on
                                                  first use pins it, so expiry would only
                                                  force every user to re-pin */
#define SERVER_TLS_CERT_BACKDATE_S 3600        /* valid from an hour ago: clients with a
                                                  clock a little behind still accept it */

/* ---- The store (server/store/) ---- */
#define STORE_BUSY_TIMEOUT_MS 0                /* the loop never waits for a lock: the server
                                                  is the only writer (a second server on the
                                                  same data dir gets STORAGE errors, and
                                                  --backup only reads, which WAL never blocks) */
#define STORE_BACKUP_RETRY_MS 20               /* --backup retries a busy database this often */
#define STORE_BACKUP_BUSY_MS 5000              /* and gives up after this long (it runs beside
                                                  the server, not inside its loop) */
#define STORE_CHECKPOINT_PAGES 1000            /* WAL pages (4 MiB) before the checkpoint thread
                                                  copies them back: SQLite's own default */
#define STORE_CHECKPOINT_FORCE_PAGES 16000     /* WAL pages (64 MiB) past which a commit
                                                  checkpoints itself: the WAL stays bounded
                                                  under a load that never lets the thread
                                                  catch up */
#define STORE_WAL_SIZE_LIMIT (8 << 20)         /* a WAL grown by a burst is cut back to this
                                                  when it is reused (journal_size_limit) */
#define STORE_CHECKPOINT_BUSY_MS 1000          /* the checkpoint thread may wait for a lock */
#define STORE_RANK_IDF_CAP 1000                /* texts counted per word to weigh it in search
                                                  ranking (store_rank.c): each costs a step
                                                  through the word's index list, and past a
                                                  thousand in a million a word is common */
#define STORE_CACHE_KIB 32768                  /* the loop connection's page cache (SQLite's
                                                  default is 2 MiB): a search looks up the
                                                  room of each of up to 2000 matches scattered
                                                  over the messages table */
#define SERVER_PRUNE_INTERVAL_MS 60000         /* --retention-days pruning runs once a minute */
#define SERVER_PRUNE_RETRY_MS CLUSTER_ANSWER_TIMEOUT_MS /* a cluster node's PRUNE
                                                  entry not applied by then was refused or
                                                  lost (the stream away): asked again */
#define SERVER_PRUNE_STANDBY_MS (2 * SERVER_PRUNE_INTERVAL_MS) /* a cluster node that saw
                                                  another's PRUNE apply waits this long:
                                                  that node asks once a minute, this one
                                                  only if it is gone */
#define SERVER_PRUNE_BATCH 500u                /* messages deleted per loop pass while pruning:
                                                  at ~480,000 rows/s batched inserts (measured,
                                                  ARCHITECTURE.md), about a millisecond, so
                                                  pruning never stalls the loop */

/* ---- Accounts (server/auth.c, server/password.c, docs/SECURITY.md) ---- */
#define SERVER_DEFAULT_PWHASH_MIB 64u          /* Argon2id memory: libsodium's INTERACTIVE
                                                  (64 MiB, t=2), over three times OWASP's
                                                  minimum (19 MiB, t=2). Measured on the
                                                  2-core build machine: ~0.17-0.26 s a hash
                                                  (~0.05 s at 19 MiB). Affordable because
                                                  reconnects use tokens, never Argon2 */
#define SERVER_DEFAULT_PWHASH_OPS 2u           /* Argon2id passes (t): both anchors use 2 */
#define SERVER_MIN_PWHASH_MIB 19u              /* --pwhash-memory below OWASP's floor is refused */
#define SERVER_MAX_PWHASH_MIB 4096u            /* a typo guard; each hash in flight holds this */
#define SERVER_MIN_PWHASH_OPS 2u
#define SERVER_MAX_PWHASH_OPS 20u
#define SERVER_DEFAULT_HASH_THREADS 0u         /* worker threads hashing passwords; 0: one
                                                  less than the processors (at least 1), so
                                                  hashing leaves a core to the loop thread.
                                                  Memory in use is at most threads x
                                                  --pwhash-memory. (A lower priority for the
                                                  workers was tried: on a shared machine it
                                                  starves hashing, 50 ms became 1.5 s) */
#define SERVER_MAX_HASH_THREADS 64u
#define SERVER_DEFAULT_MAX_PENDING_LOGINS 32u  /* password checks queued or running at once;
                                                  past it BUSY. 32 x ~0.2 s / 2 threads is
                                                  ~3 s of queue: longer waits are better
                                                  retried than held (and the handshake
                                                  timeout would end them anyway) */
#define SERVER_BUSY_RETRY_S 1u                 /* the wait BUSY asks for */
#define SERVER_MIN_PASSWORD_BYTES 8u           /* NIST SP 800-63B: at least 8 characters,
                                                  no composition rules; the wire cap
                                                  PROTO_MAX_PASSWORD (1024) is the maximum */
#define SERVER_DEFAULT_TOKEN_DAYS 30u          /* session token lifetime (--token-days) */
#define SERVER_MAX_TOKEN_DAYS 3650u
#define SERVER_DEFAULT_INVITE_MINUTES (7u * 24 * 60) /* an invite code works for a week */
#define SERVER_MAX_INVITE_MINUTES (365u * 24 * 60)   /* longer requests are cut to a year */
#define SERVER_DEFAULT_LOGIN_RATE (1.0 / 6)    /* failed logins/s per address and per account:
                                                  Synapse rc_login (per_second 0.17) */
#define SERVER_DEFAULT_LOGIN_BURST 3.0         /* Synapse rc_login burst_count 3 */
#define SERVER_DEFAULT_REGISTER_RATE (1.0 / 6) /* registrations/s per address: Synapse
                                                  rc_registration (per_second 0.17) */
#define SERVER_DEFAULT_REGISTER_BURST 3.0      /* Synapse rc_registration burst_count 3 */
#define SERVER_THROTTLE_MAX_KEYS 100000u       /* addresses and names with a failure budget
                                                  in use; past it refilled ones are swept */
#define SERVER_MAX_MUTE_MINUTES (366u * 24 * 60) /* a longer mute is cut to a year */
#define SERVER_ACCOUNTS_PRUNE_MS 3600000       /* expired sessions and invites are deleted
                                                  hourly (and at start) */

/* ---- Defences against hostile peers (server/guard.h, docs/SECURITY.md) ----
 * Defaults of options, each with the server it is anchored to. A rate is a token bucket
 * of RATE per second holding up to BURST, so a quiet client always has its burst. */
#define SERVER_DEFAULT_MSG_RATE 10.0           /* frames/s per connection, file chunks apart:
                                                  ngIRCd lets a user run 3 commands/s
                                                  (conn.c MAX_COMMANDS, 1 s penalty); chat
                                                  clients send a pasted block line by line */
#define SERVER_DEFAULT_MSG_BURST 100.0         /* a 100-line paste goes through unslowed */
#define SERVER_DEFAULT_BYTE_RATE 16384.0       /* bytes/s of those frames: ngIRCd throttles at
                                                  256 B/s (COMMAND_LEN/2) for 512-byte lines;
                                                  ours are 8 KiB texts, two a second */
#define SERVER_DEFAULT_BYTE_BURST 262144.0     /* two maximal frames, or 32 full texts */
#define SERVER_DEFAULT_FILE_RATE 134217728.0   /* FILE_CHUNK bytes/s: 128 MiB/s is above
                                                  gigabit line rate, so a LAN upload never
                                                  waits; only a faster peer is shaped */
#define SERVER_DEFAULT_FILE_BURST 134217728.0  /* the first 128 MiB go at full speed */
#define SERVER_DEFAULT_FLOOD_GRACE_MS 10000    /* throttled with more input waiting this long:
                                                  dropped. Redis drops a client over its soft
                                                  output limit after a grace period; 10 s is
                                                  the RFC 1459 (8.10) flood window */
#define SERVER_DEFAULT_MAX_PER_IP 5u           /* connections at once per address: ngIRCd's
                                                  MaxConnectionsIP default */
#define SERVER_DEFAULT_IP_CONNECT_RATE 0.5     /* new connections/s per address: UnrealIRCd's
                                                  connect-flood allows a few per minute per
                                                  IP; 30/min lets a NAT of MAX_PER_IP users */
#define SERVER_DEFAULT_IP_CONNECT_BURST 10.0   /* reconnect together after a restart */
#define SERVER_DEFAULT_CONNECT_RATE 100.0      /* new connections/s server-wide, with a burst
                                                  of --max-clients (at least a second's
                                                  worth of the rate): UnrealIRCd's connthrottle
                                                  caps unknown users server-wide but lets
                                                  known ones in; knowing nobody, we let a
                                                  full server reconnect at once after a
                                                  restart, then 100/s */
#define SERVER_DEFAULT_IDLE_MS 120000          /* silence before a PING: ngIRCd PingTimeout */
#define SERVER_DEFAULT_PONG_MS 20000           /* then silence before the drop: ngIRCd
                                                  PongTimeout */

/* ---- Range of those rates (their timers share the handshake timeout's range) ---- */
#define SERVER_MIN_RATE 1e-6                   /* per second (one every 11 days): a debt of a
                                                  maximal frame is still paid off within
                                                  the range of a millisecond clock */
#define SERVER_MAX_RATE 1e12                   /* per second: above it a typo, not a limit */

/* ---- Fixed parts of the defences ---- */
#define SERVER_THROTTLE_MIN_MS 10              /* a throttled client sleeps at least this
                                                  long: its budget refills in useful steps,
                                                  not one loop pass per chunk */
#define SERVER_CHUNK_MIN_COST 4096.0           /* a FILE_CHUNK costs at least a page of the
                                                  file budget: one-byte chunks (one write()
                                                  each) cannot flood the disk with calls */
#define SERVER_ERROR_LOGS_BURST 10.0           /* "error sent" lines per connection, then */
#define SERVER_ERROR_LOGS_RATE (1.0 / 60)      /* one a minute; the rest are counted and the
                                                  count logged at the close: a hostile
                                                  client cannot fill the log */
#define SERVER_REFUSAL_LOGS_BURST 20.0         /* "refused" lines server-wide, then one a */
#define SERVER_REFUSAL_LOGS_RATE 1.0           /* second; the rest counted, as above */
#define SERVER_ADMIT_SWEEP_MS 1000             /* addresses with no connection and a full
                                                  rate budget are forgotten this often */

/* ---- Several nodes through Redis (server/cluster*.c; docs/CLUSTER.md) ---- */
#define CLUSTER_MAX_NODE_ID 255u               /* --node-id 1..this: a node's id fits the top
                                                  byte of its connection ids */
#define CLUSTER_REPLY_TIMEOUT_MS 1000          /* a Redis reply later than this (past a
                                                  blocking read's own wait) takes the link
                                                  down: writes are refused as "temporarily
                                                  unavailable" instead of hanging */
#define CLUSTER_STREAM_MAXLEN 1000000u      /* entries kept (XADD MAXLEN ~): about a day of
                                                  a busy chat, so a node down for hours
                                                  catches up; one further behind is rebuilt
                                                  from a peer's backup */
#define CLUSTER_READ_BATCH 512u                /* entries per XREAD: one pass, one commit */
#define CLUSTER_READ_BLOCK_MS 1000             /* an XREAD waits this long for news */
#define CLUSTER_MAX_EVENT_BYTES (PROTO_HEADER_SIZE + PROTO_MAX_PAYLOAD) /* an event is
                                                  at most one frame: larger is not ours */
#define CLUSTER_CONN_ID_BITS 24u              /* a connection id is node << this | a local
                                                  sequence: cluster-wide, 16M per node before
                                                  the sequence wraps */
#define CLUSTER_MAX_WAITING 4096u              /* requests appended and not yet read back:
                                                  past this the node answers "temporarily
                                                  unavailable" rather than hold more (each
                                                  holds its answer's ticket) */
#define CLUSTER_ANSWER_TIMEOUT_MS (CLUSTER_READ_BLOCK_MS + 2 * CLUSTER_REPLY_TIMEOUT_MS) /* an
                                                  appended request not read back by then (the
                                                  reader down or late) is answered
                                                  "temporarily unavailable"; its entry, if it
                                                  landed, still applies everywhere */
#define CLUSTER_FILE_LATE_MS 60000            /* a FILE entry that lands (its stream id's
                                                  time) later than this after its upload
                                                  ended is skipped on every node: its taker
                                                  may have removed the file by then, once its
                                                  reader passed that time without seeing the
                                                  entry (docs/CLUSTER.md section 8); also
                                                  the most the nodes' and Redis's clocks may
                                                  differ */
#define CLUSTER_RECONNECT_MIN_MS 100           /* first retry after the link went down: a */
#define CLUSTER_RECONNECT_MAX_MS 2000          /* restarted Redis is found fast; doubling to
                                                  this, a dead one costs one try in 2 s */
#define CLUSTER_HEARTBEAT_MS 1000              /* a node rewrites its presence key and
                                                  publishes its full set this often: a lost
                                                  pub/sub message is repaired within it */
#define CLUSTER_NODE_TTL_MS 3000               /* a node not heard from for this long (its
                                                  key expires) is offline: three heartbeats
                                                  may be lost before a live node's users
                                                  flicker; a crashed node's users go within
                                                  this plus a heartbeat */
#define CLUSTER_PRESENCE_MAX_BYTES (8u << 20)  /* a presence message or key: about 150,000
                                                  users of a node; larger is dropped */

#endif
