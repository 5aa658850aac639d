/* Every limit and default of chat-server in one place, each with the reason for it.
 * Options (see main.c) override the SERVER_DEFAULT_* values; the rest are fixed. */
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
#define SERVER_DEFAULT_HANDSHAKE_MS 10000      /* time to send HELLO before being dropped */

/* ---- Ranges accepted for options (outside them the option is refused) ---- */
#define SERVER_MAX_CLIENTS_LIMIT 1000000u      /* far above any fd limit; only a sanity cap */
#define SERVER_MAX_TRANSFERS_LIMIT 1024u       /* per-connection uploads or downloads */
#define SERVER_MIN_OUTPUT_QUEUE 4096u          /* below this even a short burst is "too slow" */
#define SERVER_MAX_OUTPUT_QUEUE (1ull << 40)   /* sanity cap on a size_t count of bytes */
#define SERVER_MAX_HANDSHAKE_MS (24ll * 3600 * 1000) /* a day: anything longer is a typo */

/* ---- Fixed limits ---- */
#define SERVER_LISTEN_BACKLOG 511              /* the kernel caps it at somaxconn anyway */
#define SERVER_ACCEPTS_PER_PASS 64             /* a connect storm cannot starve open clients */
#define SERVER_READ_BUDGET (64u * 1024u)       /* bytes read per client per loop pass: fairness */
#define SERVER_INPUT_HIGH_WATER (PROTO_HEADER_SIZE + PROTO_MAX_PAYLOAD)
                                               /* undecoded input held per client: one frame */
#define SERVER_FRAMES_PER_PASS 64              /* frames handled per client per pass: a flooder
                                                  waits its turn instead of starving others */
#define SERVER_WRITE_BUDGET (512u * 1024u)     /* bytes written per client per pass: fairness */
#define SERVER_WRITEV_IOVECS 64                /* frames gathered into one writev() call */
#define SERVER_OUTQ_INLINE_SLOTS 4             /* queue slots kept inside each client, so
                                                  ordinary traffic never allocates */
#define SERVER_DOWNLOAD_LOW_WATER (256u * 1024u) /* read file chunks only while the reader's
                                                  queue is below this: memory stays bounded
                                                  and texts interleave with file data */
#define SERVER_CLOSE_LINGER_MS 2000            /* a closing client gets this long to take its
                                                  last frames (an ERROR, a reply) */
#define SERVER_SHUTDOWN_FLUSH_MS 2000          /* on SIGINT/SIGTERM, flush at most this long */
#define SERVER_UNIQUE_NAME_TRIES 10000         /* "name (2).ext" ... "name (9999).ext" */
#define SERVER_FILE_NAME_MAX 240               /* stored base name bytes, leaving room for
                                                  " (9999)" under the 255-byte NAME_MAX */
#define SERVER_CLOSE_DRAIN_BYTES (64u * 1024u) /* unread input discarded before close(), so
                                                  the peer gets FIN, not a reset that could
                                                  destroy our last frames */
#define SERVER_FD_TABLE_MAX (1 << 20)          /* cap on fd-indexed tables when the fd limit
                                                  is unlimited */
#define SERVER_LOG_LINE_MAX 8192               /* longer log lines are cut, never split */

#endif
