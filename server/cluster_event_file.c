/* EVENT_FILE and EVENT_FILE_THUMB to and from their frames (cluster_event_account.h). A
 * decoded file event passes the checks its upload passed on the taking node: a stored
 * name that the filename rules leave as it is (so no path, no hidden file), a thumbnail
 * that is a PNG or JPEG within the thumbnail limits and of the size it claims. */
#include "server/cluster_event_account.h"

#include <string.h>

#include "common/image_header.h"
#include "common/validate.h"
#include "server/limits.h"

bool cluster_file_to_frame(const struct event *ev, struct proto_msg *m)
{
    if (ev->type != EVENT_FILE)
        return false;
    const struct event_file *f = &ev->u.file;
    m->type = f->thumb != NULL ? PROTO_EVENT_FILE_THUMB : PROTO_EVENT_FILE;
    m->u.event_file = (struct proto_event_file){
        .room_id = f->room_id, .time_ms = (uint64_t)f->time_ms,
        .sender_account = (uint64_t)f->sender_account, .sender_conn = f->sender_conn,
        .upload_id = f->upload_id, .size = f->size, .sender = proto_str_of(f->sender_name),
        .name = proto_str_of(f->name),
    };
    memcpy(m->u.event_file.sha256, f->sha256, PROTO_SHA256_LEN);
    if (f->thumb != NULL) {
        m->u.event_file_thumb.width = f->thumb_width;
        m->u.event_file_thumb.height = f->thumb_height;
        m->u.event_file_thumb.thumb = (struct proto_chunk){ .data = f->thumb,
                                                            .len = (uint32_t)f->thumb_len };
    }
    return true;
}

/* Copies a stored name, NUL-ended, into dst (SERVER_STORED_NAME_MAX + 1 bytes) if the
 * filename rules leave it exactly as it is. */
static bool take_stored_name(char *dst, struct proto_str name)
{
    char clean[SERVER_STORED_NAME_MAX + 1];
    if (name.len == 0 || name.len > SERVER_STORED_NAME_MAX ||
        !filename_sanitize(name.ptr, name.len, clean, sizeof clean) ||
        strlen(clean) != name.len || memcmp(clean, name.ptr, name.len) != 0)
        return false;
    memcpy(dst, clean, name.len + 1);
    return true;
}

/* Why the thumbnail of m breaks FILE_OFFER_THUMB's rules, or NULL. */
static const char *thumb_wrong(const struct proto_event_file_thumb *t)
{
    struct image_info info;
    if (image_header_check(t->thumb.data, t->thumb.len, SERVER_THUMB_MAX_BYTES,
                           SERVER_THUMB_MAX_SIDE, &info) != IMAGE_OK)
        return "a thumbnail that FILE_OFFER_THUMB would refuse";
    return info.width != t->width || info.height != t->height
               ? "a thumbnail of another size than it claims" : NULL;
}

int cluster_file_from_frame(const struct proto_msg *m, struct cluster_event *out,
                            const char **why)
{
    if (m->type != PROTO_EVENT_FILE && m->type != PROTO_EVENT_FILE_THUMB)
        return -1;
    const struct proto_event_file *f = &m->u.event_file;
    bool with_thumb = m->type == PROTO_EVENT_FILE_THUMB;
    *why = f->sender_account > INT64_MAX || f->time_ms > INT64_MAX || f->size > INT64_MAX
               ? "an account, time or size out of range"
           : !cluster_event_take_name(out->name, f->sender) ? "an invalid uploader name"
           : !take_stored_name(out->file_name, f->name) ? "a stored name the upload rules refuse"
           : with_thumb ? thumb_wrong(&m->u.event_file_thumb) : NULL;
    if (*why != NULL)
        return 0;
    out->ev = (struct event){ .type = EVENT_FILE, .u.file = {
        .room_id = f->room_id, .time_ms = (int64_t)f->time_ms,
        .sender_account = (int64_t)f->sender_account, .sender_name = out->name,
        .sender_conn = f->sender_conn, .upload_id = f->upload_id, .name = out->file_name,
        .size = f->size,
    } };
    memcpy(out->ev.u.file.sha256, f->sha256, PROTO_SHA256_LEN);
    if (with_thumb) {
        const struct proto_event_file_thumb *t = &m->u.event_file_thumb;
        out->ev.u.file.thumb = t->thumb.data;
        out->ev.u.file.thumb_len = t->thumb.len;
        out->ev.u.file.thumb_width = t->width;
        out->ev.u.file.thumb_height = t->height;
    }
    return 1;
}
