/* chat-server --help: every option with its default, and the fixed limits each
 * feature's section of docs/PROTOCOL.md explains. */
#include <stdio.h>

#include "server/accounts_cli.h"
#include "server/cluster_link.h"
#include "server/ev.h"
#include "server/limits.h"
#include "server/options.h"
#include "server/store/store.h"

#ifdef CHAT_DEFAULT_CONFIG
#define DEFAULT_CONFIG_HELP CHAT_DEFAULT_CONFIG ", if it exists"
#else
#define DEFAULT_CONFIG_HELP "none"
#endif

/* The options of the defences against hostile clients (server/guard.h). */
static void print_guard_help(void)
{
    printf("\nDefences against hostile clients (docs/SECURITY.md says why each default):\n"
           "  --msg-limit RATE:BURST   frames a second per connection, file chunks apart,\n"
           "                           and how many may come at once (default %.15g:%.15g)\n"
           "  --byte-limit RATE:BURST  bytes a second of those frames (default %.15g:%.15g)\n"
           "  --file-limit RATE:BURST  file chunk bytes a second per connection (default\n"
           "                           %.15g:%.15g);\n"
           "                           uploads over it are slowed, never dropped\n"
           "  --flood-grace SECS       a client over the frame or byte limit is throttled\n"
           "                           (not read); still over after this long it is dropped\n"
           "                           with RATE_LIMITED (default %.15g)\n"
           "  --max-per-ip N           connections at once from one address, IPv6 by /64\n"
           "                           (default %u); more get SERVER_FULL\n"
           "  --ip-connect-limit RATE:BURST  new connections a second from one address\n"
           "                           (default %.15g:%.15g); more get RATE_LIMITED\n"
           "  --connect-limit RATE:BURST  new connections a second server-wide (default\n"
           "                           %.15g:N, N = --max-clients or the rate if more);\n"
           "                           more get RATE_LIMITED\n"
           "  --limit-loopback         apply the per-address limits to 127.0.0.0/8 and ::1\n"
           "                           too (exempt by default: a local proxy or tunnel\n"
           "                           puts every user there)\n"
           "  --idle-timeout SECS      a connection silent this long gets a PING\n"
           "                           (default %.15g)\n"
           "  --pong-timeout SECS      silent this much longer, it is dropped with TIMEOUT\n"
           "                           (default %.15g)\n"
           "  --no-limits              FOR BENCHMARKS ONLY: turns off the rate limits and\n"
           "                           the per-address caps, leaving the server open to\n"
           "                           floods; never use it on a reachable server\n",
           SERVER_DEFAULT_MSG_RATE, SERVER_DEFAULT_MSG_BURST, SERVER_DEFAULT_BYTE_RATE,
           SERVER_DEFAULT_BYTE_BURST, SERVER_DEFAULT_FILE_RATE, SERVER_DEFAULT_FILE_BURST,
           SERVER_DEFAULT_FLOOD_GRACE_MS / 1000.0, SERVER_DEFAULT_MAX_PER_IP,
           SERVER_DEFAULT_IP_CONNECT_RATE, SERVER_DEFAULT_IP_CONNECT_BURST,
           SERVER_DEFAULT_CONNECT_RATE,
           SERVER_DEFAULT_IDLE_MS / 1000.0, SERVER_DEFAULT_PONG_MS / 1000.0);
}


void options_print_help(void)
{
    printf("Usage: chat-server [OPTION]...\n"
           "A chat server: one event loop, many clients, TLS by default.\n\n"
           "  --config PATH            read options from this file first, keys named as\n"
           "                           the long options (default " DEFAULT_CONFIG_HELP ")\n"
           "  --check-config           check the configuration file and options, then exit\n"
           "  --host ADDR              address to listen on (default %s)\n"
           "  --port N                 TCP port, 0 lets the kernel pick (default %u)\n"
           "  --log PATH               event log, appended; - for stderr (default %s, or the\n"
           "                           journal when systemd started the server)\n"
           "  --log-level LEVEL        debug, info, warn or error (default info)\n"
           "  --files-dir DIR          where uploaded files are stored (default %s)\n"
           "  --data-dir DIR           where the database chat.db is kept (default %s,\n"
           "                           the working directory); %s keeps it in memory,\n"
           "                           FOR BENCHMARKS ONLY: nothing survives a restart\n"
           "  --retention-days N       delete messages (and their files) older than N\n"
           "                           days (default %u = forever): checked every %u s,\n"
           "                           at most %u messages per loop pass\n"
           "  --backup PATH            copy the database of --data-dir to the new file\n"
           "                           PATH (a consistent copy, also of a running\n"
           "                           server's database) and exit\n"
           "  --max-clients N          connections at once (default %u); the select poller\n"
           "                           watches descriptors below 1024 only, epoll any\n"
           "  --max-file-size BYTES    largest upload (default %llu = 16 GiB)\n"
           "  --max-uploads N          uploads in flight per connection (default %u)\n"
           "  --max-downloads N        downloads in flight per connection (default %u)\n"
           "  --max-output-queue BYTES\n"
           "                           unsent bytes per client before it is dropped as\n"
           "                           too slow (default %u, at least %u)\n"
           "  --handshake-timeout SECS\n"
           "                           time for the TLS handshake, then again to log in;\n"
           "                           decimals allowed (default %.15g)\n"
           "  --poller NAME            event loop backend: %s (default %s)\n"
           "  --tls-cert FILE          PEM certificate chain for TLS (e.g. Let's Encrypt's\n"
           "                           fullchain.pem); reread on SIGHUP. Default: %s\n"
           "                           in --data-dir, made self-signed (ECDSA P-256) on\n"
           "                           first start\n"
           "  --tls-key FILE           its PEM private key (default %s, made mode 0600)\n"
           "  --fingerprint            print the certificate's SHA-256 fingerprint, exit\n"
           "  --no-tls                 serve plain text: FOR LOOPBACK AND TESTS ONLY, anyone\n"
           "                           on the path can read and change everything\n"
           "  --help                   show this help and exit\n"
           "  --version                show the version and exit\n\n"
           "Fixed limits: %u-byte frames, %u-byte texts, %u-byte file chunks, %u KiB read\n"
           "and %d frames per client per loop pass, downloads read ahead up to %u KiB.\n"
           "TLS: 1.2 or 1.3 only, Mozilla \"intermediate\" ciphers, no compression, no\n"
           "renegotiation. Handshakes run on a helper thread at nice %d, off the event loop.\n"
           "Plain text on the TLS port gets ERROR(TLS_REQUIRED) in plain text and a close.\n"
           "The handshake timeout applies to the TLS handshake, then again to logging in.\n"
           "SIGINT/SIGTERM: tell clients, flush for up to %g s, exit 0. SIGHUP: reopen the log\n"
           "and reload the TLS certificate and key (new connections get them; nobody is\n"
           "dropped).\n",
           SERVER_DEFAULT_HOST, SERVER_DEFAULT_PORT, SERVER_DEFAULT_LOG,
           SERVER_DEFAULT_FILES_DIR, SERVER_DEFAULT_DATA_DIR, STORE_MEMORY,
           SERVER_DEFAULT_RETENTION_DAYS, SERVER_PRUNE_INTERVAL_MS / 1000,
           SERVER_PRUNE_BATCH, SERVER_DEFAULT_MAX_CLIENTS,
           (unsigned long long)SERVER_DEFAULT_MAX_FILE_SIZE, SERVER_DEFAULT_MAX_UPLOADS,
           SERVER_DEFAULT_MAX_DOWNLOADS, SERVER_DEFAULT_MAX_OUTPUT_QUEUE,
           SERVER_MIN_OUTPUT_QUEUE, SERVER_DEFAULT_HANDSHAKE_MS / 1000.0, ev_backend_list(),
           SERVER_DEFAULT_POLLER, SERVER_DEFAULT_TLS_CERT, SERVER_DEFAULT_TLS_KEY,
           PROTO_MAX_PAYLOAD, PROTO_MAX_TEXT, PROTO_MAX_CHUNK,
           SERVER_READ_BUDGET / 1024, SERVER_FRAMES_PER_PASS, SERVER_DOWNLOAD_LOW_WATER / 1024,
           SERVER_TLS_THREAD_NICE, SERVER_SHUTDOWN_FLUSH_MS / 1000.0);
    print_guard_help();
    accounts_print_help();
    printf("\nRooms (fixed limits; docs/PROTOCOL.md section 5.27): an account is in at most %u\n"
           "rooms besides the lobby and its direct messages, a room has at most %u members,\n"
           "and an account creates at most %u rooms an hour. Guests have the lobby only.\n",
           SERVER_ROOMS_PER_ACCOUNT, SERVER_MEMBERS_PER_ROOM, SERVER_ROOMS_CREATED_PER_HOUR);
    printf("\nPresence state (fixed limit; docs/PROTOCOL.md section 5.46): a connection says\n"
           "it is active or away at most %.0f times in a row, then once every %.0f s; the\n"
           "state lives in memory and a login starts active.\n",
           SERVER_PRESENCE_SETS_BURST, 1.0 / SERVER_PRESENCE_SETS_RATE);
    printf("\nHistory (fixed limits; docs/PROTOCOL.md section 5.41): a HISTORY page holds at most\n"
           "%u messages; a RESUME replays at most the %u newest missed messages of a room, then\n"
           "says where the gap is. Either ends after the message that passes %u KiB (a\n"
           "quarter of --max-output-queue if less), and a client's next one waits while its\n"
           "unsent output is above that. Resent texts (same account, client_id, room and\n"
           "text) are answered with the original message instead of being stored again.\n",
           SERVER_HISTORY_MAX_LIMIT, SERVER_RESUME_MAX_PER_ROOM, SERVER_HISTORY_PAGE_BYTES / 1024);
    printf("\nThe live conversation (fixed limits; docs/PROTOCOL.md section 5.48): one typing\n"
           "notice per sender and room reaches the others every %g s; TYPING_SET frames have a\n"
           "budget of their own (%g a second, burst %g; past it reading slows, never a drop);\n"
           "receipts name the readers in rooms of up to %u members, larger rooms get counts\n"
           "(at most one a room every %g s, the latest);\n"
           "a message carries at most %u different emoji (a HISTORY page lists %u reactions\n"
           "per message). Deleted texts are overwritten in the database (secure_delete).\n",
           SERVER_TYPING_RELAY_MS / 1000.0, SERVER_TYPING_RATE, SERVER_TYPING_BURST,
           SERVER_RECEIPT_NAMES_MAX, SERVER_RECEIPT_COUNT_MS / 1000.0,
           SERVER_REACTIONS_PER_MESSAGE, SERVER_HISTORY_REACTIONS);
    printf("\nSearch and thumbnails (fixed limits; docs/PROTOCOL.md section 5.63): a SEARCH has\n"
           "at most %u words and gets at most %u results, ranked among the %u newest matches\n"
           "found within %u ms of CPU time. A thumbnail is a PNG or JPEG of at most %u bytes\n"
           "and %u x %u pixels, checked from its header without decoding it.\n",
           SERVER_SEARCH_MAX_WORDS, SERVER_SEARCH_MAX_RESULTS, SERVER_SEARCH_WINDOW,
           SERVER_SEARCH_BUDGET_MS, SERVER_THUMB_MAX_BYTES, SERVER_THUMB_MAX_SIDE,
           SERVER_THUMB_MAX_SIDE);
    printf("\nSeveral nodes as one chat (docs/CLUSTER.md):\n"
           "  --cluster URL            redis://IP:PORT: share the chat with the other nodes\n"
           "                           through this Redis (an IPv4 address: no lookups)\n"
           "  --node-id N              this node's id, 1..%u, different on every node\n"
           "A cluster node takes, through the Redis stream, registrations, logins, sessions\n"
           "(a token works on every node), password changes, moderation, named rooms,\n"
           "memberships, topics, invites, blocks, read markers, receipt and notification\n"
           "settings, texts, replies, direct messages, edits, deletions, reactions and\n"
           "uploads (all nodes share one --files-dir); guests; and every read. A kick\n"
           "acts on every node. A node starts from an empty --data-dir or a cluster\n"
           "node's --backup; a store a single node filled is refused.\n"
           "Writes wait for their entry to come back; refused or unanswered within %u ms,\n"
           "they get ERROR 80 CLUSTER_UNAVAILABLE. At most %u requests wait at once.\n"
           "A Redis reply later than %u ms takes the link down (writes are refused as\n"
           "temporarily unavailable); it is retried after %u ms, doubling up to %u ms.\n"
           "The stream keeps about %u entries (a node further behind is rebuilt from a\n"
           "peer's backup); a node reads at most %u a pass, waiting up to %u ms for news;\n"
           "an entry's event is at most %u bytes. An upload's entry that lands more than\n"
           "%u ms after the upload ended is skipped (the clocks of the nodes and Redis\n"
           "must agree within that).\n"
           "Presence covers every node: each node rewrites its set of users every %u ms\n"
           "with an expiry of %u ms and publishes changes; a node not heard from for that\n"
           "long shows its users offline. A presence message is at most %u bytes.\n"
           "Guest names and kicks are checked against the users online on every node, as\n"
           "last heard (a login elsewhere a moment ago may not be seen yet).\n",
           CLUSTER_MAX_NODE_ID, CLUSTER_ANSWER_TIMEOUT_MS, CLUSTER_MAX_WAITING,
           CLUSTER_REPLY_TIMEOUT_MS, CLUSTER_RECONNECT_MIN_MS,
           CLUSTER_RECONNECT_MAX_MS, CLUSTER_STREAM_MAXLEN, CLUSTER_READ_BATCH,
           CLUSTER_READ_BLOCK_MS, (unsigned)CLUSTER_MAX_EVENT_BYTES, CLUSTER_FILE_LATE_MS,
           CLUSTER_HEARTBEAT_MS, CLUSTER_NODE_TTL_MS, CLUSTER_PRESENCE_MAX_BYTES);
    printf("With --retention-days a node's timer appends the prune to the stream and every\n"
           "node deletes the same rows; while the stream is away nothing is pruned and the\n"
           "node asks again every %u ms; a node that saw another's prune waits %u s.\n",
           SERVER_PRUNE_RETRY_MS, SERVER_PRUNE_STANDBY_MS / 1000);
}
