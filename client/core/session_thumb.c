/* Thumbnails on the client side (session.h, "Search, mentions and thumbnails"): every
 * thumbnail, ours before it is offered and anyone's before it is kept, passes the same
 * header check as on the server (common/image_header.h), so no decoder is ever handed
 * something that is not a small PNG or JPEG: the server's check is not trusted. */
#include "client/core/session_private.h"

#include <glib/gi18n.h>

#include "common/image_header.h"

gboolean chat_thumbnail_check(GBytes *thumbnail, guint *width, guint *height, GError **error)
{
    g_return_val_if_fail(thumbnail != NULL, FALSE);
    gsize len;
    const guint8 *bytes = g_bytes_get_data(thumbnail, &len);
    struct image_info info;
    enum image_status st = image_header_check(bytes, len, PROTO_MAX_THUMB_BYTES,
                                              PROTO_MAX_THUMB_SIDE, &info);
    if (st != IMAGE_OK) {
        /* The words of image_status_text, translated here. */
        const char *why = st == IMAGE_UNKNOWN_FORMAT ? _("not a PNG or JPEG image")
                        : st == IMAGE_TOO_MANY_BYTES ? _("too many bytes")
                        : st == IMAGE_TOO_LARGE      ? _("dimensions too large")
                                                     : _("a damaged image header");
        g_set_error(error, CHAT_SESSION_ERROR, CHAT_SESSION_ERROR_INVALID,
                    _("The thumbnail is refused: %s (a PNG or JPEG of at most %u bytes and "
                      "%u x %u pixels)."), why, PROTO_MAX_THUMB_BYTES, PROTO_MAX_THUMB_SIDE,
                    PROTO_MAX_THUMB_SIDE);
        return FALSE;
    }
    if (width)
        *width = info.width;
    if (height)
        *height = info.height;
    return TRUE;
}

/* The thumbnail of a FILE_ANNOUNCE_THUMB for info, if it passes the check and is the size
 * the frame says; otherwise the file is shown without one. */
void session_thumb_attach(ChatFileInfo *info, const struct proto_file_announce_thumb *a)
{
    GBytes *thumb = g_bytes_new(a->thumb.data, a->thumb.len);
    guint width, height;
    if (chat_thumbnail_check(thumb, &width, &height, NULL) && width == a->width &&
        height == a->height) {
        info->thumbnail = thumb;
        info->thumb_width = width;
        info->thumb_height = height;
    } else {
        g_bytes_unref(thumb);
    }
}
