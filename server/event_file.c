/* The file event (event.h): an upload entered in the file index and announced. */
#include "server/event_apply.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "server/client.h"
#include "server/cluster.h"
#include "server/deliver.h"
#include "server/filestore.h"
#include "server/limits.h"
#include "server/retention.h"
#include "server/rooms.h"
#include "server/server.h"
#include "server/store/store.h"
#include "server/transfer.h"

/* Once the pass is committed: an announced file stays, an unannounced one goes (a
 * single node; data is the name, g_free). */
static void on_announce_done(struct server *srv, void *data, bool committed)
{
    char *name = data;
    if (!committed)
        filestore_remove(srv->files, name);
    g_free(name);
}

/* The FILE_ANNOUNCE (or _THUMB) of ev as stored in f (ids, time and thumbnail). */
static struct proto_msg announce_of(const struct event_file *ev, const struct store_file *f)
{
    struct proto_msg msg = {
        .type = PROTO_FILE_ANNOUNCE,
        .u.announce = {
            .file_id = f->id, .message_id = f->message_id, .time_ms = (uint64_t)ev->time_ms,
            .room_id = ev->room_id, .uploader_id = ev->sender_conn,
            .upload_id = ev->upload_id, .size = ev->size,
            .uploader = proto_str_of(ev->sender_name), .name = proto_str_of(ev->name),
        },
    };
    memcpy(msg.u.announce.sha256, ev->sha256, PROTO_SHA256_LEN);
    if (ev->thumb != NULL)
        announce_add_thumb(&msg, ev->thumb, ev->thumb_len, ev->thumb_width, ev->thumb_height);
    return msg;
}

bool event_file_late(int64_t time_ms, uint64_t landed_ms)
{
    return landed_ms > CLUSTER_FILE_LATE_MS &&
           landed_ms - CLUSTER_FILE_LATE_MS > (uint64_t)MAX(time_ms, 0);
}

const char *event_file_check(struct server *srv, const struct event_file *ev,
                             uint64_t landed_ms, char *why, size_t size)
{
    if (event_file_late(ev->time_ms, landed_ms)) {
        snprintf(why, size, "it landed %" PRIu64 " ms after its upload ended (the most is "
                 "%u ms)", landed_ms - (uint64_t)ev->time_ms, CLUSTER_FILE_LATE_MS);
        return why;
    }
    uint32_t days = srv->cfg.retention_days;
    int64_t since = days > 0 ? ev->time_ms - (int64_t)days * RETENTION_MS_PER_DAY : INT64_MIN;
    int used = store_file_name_used(srv->store, ev->name, since);
    if (used == 0)
        return NULL;
    char quoted[LOG_QUOTE_CAP(SERVER_FILE_NAME_MAX)];
    log_quote(quoted, sizeof quoted, ev->name, strlen(ev->name));
    if (used > 0)
        snprintf(why, size, "its file %s is named by another file's row", quoted);
    else
        snprintf(why, size, "its file %s could not be looked up: %s", quoted,
                 store_error(srv->store));
    return why;
}

void event_apply_file(struct server *srv, const struct event_file *ev,
                      const struct deliver_ticket *ticket)
{
    struct client *requester = deliver_ticket_client(srv, ticket);
    bool single = !cluster_on(srv);
    const struct room *r = rooms_get(srv, ev->room_id); /* rooms are never deleted */
    struct store_message m = {
        .room_id = ev->room_id, .time_ms = ev->time_ms, .sender_id = ev->sender_account,
        .sender_name = ev->sender_name, .client_id = ev->upload_id,
    };
    struct store_file f = { .name = (char *)ev->name, .size = ev->size, .thumb = ev->thumb,
                            .thumb_len = ev->thumb_len, .thumb_width = ev->thumb_width,
                            .thumb_height = ev->thumb_height };
    memcpy(f.sha256, ev->sha256, PROTO_SHA256_LEN);
    if (r == NULL || store_add_file(srv->store, &m, &f) != STORE_OK) {
        event_note(requester, ev->sender_conn, ev->sender_name, LOG_ERROR,
                   "cannot enter an upload in the file index: %s",
                   r == NULL ? "its room does not exist" : store_error(srv->store));
        event_refuse(srv, ticket, PROTO_E_STORAGE, "The server could not store the file.");
        if (single)
            filestore_remove(srv->files, ev->name);
        return;
    }
    char quoted[LOG_QUOTE_CAP(SERVER_FILE_NAME_MAX)];
    log_quote(quoted, sizeof quoted, ev->name, strlen(ev->name));
    event_note(requester, ev->sender_conn, ev->sender_name, LOG_INFO,
               "upload complete id=%" PRIu64 " file_id=%" PRIu64 " name=%s size=%" PRIu64,
               ev->upload_id, f.id, quoted, ev->size);
    if (!single && !filestore_exists(srv->files, ev->name))
        log_event(LOG_WARN, 0, NULL, NULL, "cluster: file %" PRIu64 " (%s) is not in this "
                  "node's files directory: is --files-dir shared with the other nodes?",
                  f.id, quoted);
    struct proto_msg msg = announce_of(ev, &f);
    struct frame *frame = frame_encode(&msg);
    if (frame == NULL) { /* a server bug: the file stays indexed, unannounced */
        log_event(LOG_ERROR, 0, NULL, NULL, "cannot encode a FILE_ANNOUNCE frame");
        return;
    }
    deliver_ticketed(srv, ticket, r, frame, single ? on_announce_done : NULL,
                     single ? g_strdup(ev->name) : NULL);
    frame_unref(frame);
}
