/* Uploads: FILE_OFFER -> FILE_ACCEPT, FILE_CHUNKs written to a private temp file with a
 * running SHA-256, FILE_END -> verified, kept under a safe unique name (never replacing a
 * file, so nodes sharing the directory cannot collide), then logged as EVENT_FILE, whose
 * apply enters it in the store's file index and announces it once that is committed
 * (event_file.c). Any failure removes the temp file, so no partial upload is ever
 * visible. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "common/image_header.h"
#include "common/sha256.h"
#include "common/validate.h"
#include "server/client.h"
#include "server/clock.h"
#include "server/event.h"
#include "server/filestore.h"
#include "server/limits.h"
#include "server/room_requests.h"
#include "server/rooms.h"
#include "server/transfer.h"

struct upload {
    struct upload *next;
    uint64_t id;               /* chosen by the client */
    uint64_t size;             /* offered */
    uint64_t received;
    uint8_t sha256[PROTO_SHA256_LEN]; /* offered */
    struct sha256 *hash;       /* of the bytes received so far */
    struct filestore_temp temp;
    char name[SERVER_FILE_NAME_MAX + 1]; /* sanitised offered name */
    uint32_t room_id;          /* where it is shared */
    GBytes *thumb;             /* checked PNG or JPEG, or NULL */
    struct image_info thumb_info;
};

static struct upload *upload_find(struct client *c, uint64_t id)
{
    for (struct upload *u = c->uploads; u != NULL; u = u->next)
        if (u->id == id)
            return u;
    return NULL;
}

/* Unlinks u from c, closes and removes its temp file, frees it and logs the outcome
 * (why == NULL: it was stored, and the caller has logged that). */
static void upload_drop(struct client *c, struct upload *u, const char *why)
{
    struct upload **link = &c->uploads;
    while (*link != u)
        link = &(*link)->next;
    *link = u->next;
    c->upload_count--;
    filestore_discard_temp(&u->temp);
    if (why != NULL) {
        char quoted[LOG_QUOTE_CAP(SERVER_FILE_NAME_MAX)];
        client_log(c, LOG_INFO, "upload failed id=%" PRIu64 " name=%s received=%" PRIu64
                   " of %" PRIu64 " (%s)", u->id,
                   log_quote(quoted, sizeof quoted, u->name, strlen(u->name)), u->received,
                   u->size, why);
    }
    sha256_free(u->hash);
    if (u->thumb != NULL)
        g_bytes_unref(u->thumb);
    g_free(u);
}

/* Answers an upload error and drops the upload. */
static void upload_fail(struct client *c, struct upload *u, uint16_t ref_type, uint16_t code,
                        const char *message, const char *why)
{
    client_send_error(c, code, ref_type, u->id, "%s", message);
    upload_drop(c, u, why);
}

void upload_refuse_thumb(struct client *c, uint64_t upload_id, const char *why)
{
    client_log(c, LOG_INFO, "upload refused id=%" PRIu64 " (thumbnail: %s)", upload_id, why);
    client_send_error(c, PROTO_E_THUMBNAIL_INVALID, PROTO_FILE_OFFER_THUMB, upload_id,
                      "The thumbnail is refused: %s. A thumbnail is a PNG or JPEG of at most "
                      "%u bytes and %u x %u pixels.", why, SERVER_THUMB_MAX_BYTES,
                      SERVER_THUMB_MAX_SIDE, SERVER_THUMB_MAX_SIDE);
}

/* The checks of an offer (ref_type: FILE_OFFER or FILE_OFFER_THUMB), in the order the
 * protocol lists them; returns 0 when it can be accepted, else the error code after
 * answering it. */
static uint16_t offer_refusal(struct client *c, uint16_t ref_type,
                              const struct proto_file_offer *offer, char *name, size_t name_cap)
{
    const struct server_config *cfg = &c->srv->cfg;
    uint16_t code = 0;
    const struct room *r = rooms_for_request(c, offer->room_id, ref_type,
                                             offer->upload_id);
    if (r == NULL) {
        code = PROTO_E_ROOM_UNKNOWN; /* answered */
    } else if (!direct_allowed(c, r, ref_type, offer->upload_id)) {
        code = PROTO_E_DIRECT_REFUSED; /* answered */
    } else if (offer->size > cfg->max_file_size) {
        code = PROTO_E_FILE_TOO_LARGE;
        client_send_error(c, code, ref_type, offer->upload_id,
                          "The file is larger than this server's limit of %" PRIu64 " bytes.",
                          cfg->max_file_size);
    } else if (!filename_sanitize(offer->name.ptr, offer->name.len, name, name_cap)) {
        code = PROTO_E_FILE_NAME_INVALID;
        client_send_error(c, code, ref_type, offer->upload_id,
                          "The file name has nothing usable left once made safe.");
    } else if (upload_find(c, offer->upload_id) != NULL) {
        code = PROTO_E_DUPLICATE_ID;
        client_send_error(c, code, ref_type, offer->upload_id,
                          "Upload id %" PRIu64 " is already in use on this connection.",
                          offer->upload_id);
    } else if (c->upload_count >= cfg->max_uploads) {
        code = PROTO_E_TOO_MANY_TRANSFERS;
        client_send_error(c, code, ref_type, offer->upload_id,
                          "At most %u uploads may be in progress at once.",
                          (unsigned)cfg->max_uploads);
    }
    return code;
}

/* A FILE_OFFER_THUMB's thumbnail read without decoding it: true with *info filled, or
 * false after answering THUMBNAIL_INVALID. */
static bool thumb_accepted(struct client *c, const struct proto_msg *msg,
                           struct image_info *info)
{
    const struct proto_chunk *thumb = &msg->u.offer_thumb.thumb;
    enum image_status st = image_header_check(thumb->data, thumb->len, SERVER_THUMB_MAX_BYTES,
                                              SERVER_THUMB_MAX_SIDE, info);
    if (st == IMAGE_OK)
        return true;
    upload_refuse_thumb(c, msg->u.offer.upload_id, image_status_text(st));
    return false;
}

void upload_on_offer(struct client *c, const struct proto_msg *msg)
{
    const struct proto_file_offer *offer = &msg->u.offer; /* the first part of both types */
    bool with_thumb = msg->type == PROTO_FILE_OFFER_THUMB;
    char name[SERVER_FILE_NAME_MAX + 1];
    struct image_info thumb_info = { IMAGE_FORMAT_NONE, 0, 0 };
    if (offer_refusal(c, msg->type, offer, name, sizeof name) != 0 ||
        (with_thumb && !thumb_accepted(c, msg, &thumb_info)))
        return;
    struct filestore_temp temp;
    if (filestore_create_temp(c->srv->files, &temp) != 0) {
        client_log(c, LOG_ERROR, "cannot create an upload temp file: %s", g_strerror(errno));
        client_send_error(c, PROTO_E_STORAGE, msg->type, offer->upload_id,
                          "The server cannot store files right now.");
        return;
    }
    struct upload *u = g_new0(struct upload, 1);
    u->id = offer->upload_id;
    u->room_id = offer->room_id;
    u->size = offer->size;
    memcpy(u->sha256, offer->sha256, PROTO_SHA256_LEN);
    u->hash = sha256_new();
    u->temp = temp;
    g_strlcpy(u->name, name, sizeof u->name);
    if (with_thumb) {
        u->thumb = g_bytes_new(msg->u.offer_thumb.thumb.data, msg->u.offer_thumb.thumb.len);
        u->thumb_info = thumb_info;
    }
    u->next = c->uploads;
    c->uploads = u;
    c->upload_count++;

    struct proto_msg accept = { .type = PROTO_FILE_ACCEPT, .u.ref.id = u->id };
    client_send_msg(c, &accept);
    char quoted[LOG_QUOTE_CAP(SERVER_FILE_NAME_MAX)];
    client_log(c, LOG_INFO, "upload start id=%" PRIu64 " name=%s size=%" PRIu64, u->id,
               log_quote(quoted, sizeof quoted, u->name, strlen(u->name)), u->size);
}

/* Writes all n bytes at offset; false with errno on failure. */
static bool write_at(int fd, const uint8_t *data, size_t n, uint64_t offset)
{
    while (n > 0) {
        ssize_t done = pwrite(fd, data, n, (off_t)offset);
        if (done < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += done;
        n -= (size_t)done;
        offset += (uint64_t)done;
    }
    return true;
}

void upload_on_chunk(struct client *c, const struct proto_msg *msg)
{
    const struct proto_chunk *chunk = &msg->u.chunk;
    struct upload *u = upload_find(c, chunk->id);
    if (u == NULL) {
        client_send_error(c, PROTO_E_TRANSFER_UNKNOWN, PROTO_FILE_CHUNK, chunk->id,
                          "No upload with id %" PRIu64 " is in progress.", chunk->id);
        return;
    }
    if (chunk->offset != u->received || chunk->len > u->size - u->received) {
        upload_fail(c, u, PROTO_FILE_CHUNK, PROTO_E_BAD_OFFSET,
                    "The chunk is not at the next offset or runs past the offered size.",
                    "bad offset");
        return;
    }
    if (!write_at(u->temp.fd, chunk->data, chunk->len, chunk->offset)) {
        client_log(c, LOG_ERROR, "cannot write upload temp file: %s", g_strerror(errno));
        upload_fail(c, u, PROTO_FILE_CHUNK, PROTO_E_STORAGE,
                    "The server could not write the file.", "storage error");
        return;
    }
    sha256_update(u->hash, chunk->data, chunk->len);
    u->received += chunk->len;
}

void announce_add_thumb(struct proto_msg *msg, const uint8_t *thumb, size_t len,
                        uint16_t width, uint16_t height)
{
    msg->type = PROTO_FILE_ANNOUNCE_THUMB;
    msg->u.announce_thumb.width = width;
    msg->u.announce_thumb.height = height;
    msg->u.announce_thumb.thumb = (struct proto_chunk){ .data = thumb, .len = (uint32_t)len };
}

/* Logs the event of u, complete and kept as name (event.h: on a single node it is
 * entered in the index and announced at once; in a cluster when its entry comes back). */
static void announce(struct client *c, const struct upload *u, const char *name)
{
    struct event ev = { .type = EVENT_FILE, .u.file = {
        .room_id = u->room_id, .time_ms = (int64_t)clock_wall_ms(),
        .sender_account = c->account_id, .sender_name = c->name, .sender_conn = c->id,
        .upload_id = u->id, .name = name, .size = u->size,
    } };
    memcpy(ev.u.file.sha256, u->sha256, PROTO_SHA256_LEN);
    if (u->thumb != NULL) {
        ev.u.file.thumb = g_bytes_get_data(u->thumb, &ev.u.file.thumb_len);
        ev.u.file.thumb_width = (uint16_t)u->thumb_info.width;
        ev.u.file.thumb_height = (uint16_t)u->thumb_info.height;
    }
    event_log_request(c, &ev, PROTO_FILE_END, u->id);
}

void upload_on_end(struct client *c, const struct proto_msg *msg)
{
    struct upload *u = upload_find(c, msg->u.ref.id);
    if (u == NULL) {
        client_send_error(c, PROTO_E_TRANSFER_UNKNOWN, PROTO_FILE_END, msg->u.ref.id,
                          "No upload with id %" PRIu64 " is in progress.", msg->u.ref.id);
        return;
    }
    if (u->received != u->size) {
        upload_fail(c, u, PROTO_FILE_END, PROTO_E_FILE_MISMATCH,
                    "Fewer bytes arrived than the offer announced.", "size mismatch");
        return;
    }
    uint8_t digest[PROTO_SHA256_LEN];
    sha256_finish(u->hash, digest);
    if (memcmp(digest, u->sha256, sizeof digest) != 0) {
        upload_fail(c, u, PROTO_FILE_END, PROTO_E_FILE_MISMATCH,
                    "The SHA-256 of the bytes received does not match the offer.",
                    "sha256 mismatch");
        return;
    }
    char *name = filestore_keep(c->srv->files, &u->temp, u->name);
    if (name == NULL) {
        client_log(c, LOG_ERROR, "cannot store upload: %s", g_strerror(errno));
        upload_fail(c, u, PROTO_FILE_END, PROTO_E_STORAGE,
                    "The server could not store the file.", "storage error");
        return;
    }
    announce(c, u, name);
    g_free(name);
    upload_drop(c, u, NULL);
}

void upload_on_cancel(struct client *c, const struct proto_msg *msg)
{
    struct upload *u = upload_find(c, msg->u.ref.id);
    if (u != NULL)
        upload_drop(c, u, "cancelled");
}

void upload_abort_all(struct client *c)
{
    while (c->uploads != NULL)
        upload_drop(c, c->uploads, "connection closed");
}
