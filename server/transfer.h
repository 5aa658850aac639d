/* File transfers of one connection: uploads (client -> files directory) and downloads
 * (stored file -> client), each a handful of frame handlers plus cleanup. */
#ifndef CHAT_SERVER_TRANSFER_H
#define CHAT_SERVER_TRANSFER_H

#include "common/protocol.h"

struct client;
struct server;

/* FILE_OFFER and FILE_OFFER_THUMB: accepts the upload (FILE_ACCEPT, temp file created)
 * or refuses it. */
void upload_on_offer(struct client *c, const struct proto_msg *msg);

/* Answers a FILE_OFFER_THUMB refused for its thumbnail (THUMBNAIL_INVALID, why in
 * words); the upload does not start. */
void upload_refuse_thumb(struct client *c, uint64_t upload_id, const char *why);

/* Makes msg, a FILE_ANNOUNCE, the FILE_ANNOUNCE_THUMB carrying a checked thumbnail of
 * len bytes (borrowed) and width x height pixels. */
void announce_add_thumb(struct proto_msg *msg, const uint8_t *thumb, size_t len,
                        uint16_t width, uint16_t height);

/* FILE_CHUNK: appends data at the expected offset; a wrong offset drops the upload. */
void upload_on_chunk(struct client *c, const struct proto_msg *msg);

/* FILE_END: verifies size and SHA-256, stores the file and announces it to everyone. */
void upload_on_end(struct client *c, const struct proto_msg *msg);

/* FILE_CANCEL: drops the upload and its temp file, silently. */
void upload_on_cancel(struct client *c, const struct proto_msg *msg);

/* Drops every upload of c, removing their temp files (the connection is closing). */
void upload_abort_all(struct client *c);

/* DOWNLOAD_REQUEST: answers DOWNLOAD_START (chunks follow from download_fill()) or
 * an error. */
void download_on_request(struct client *c, const struct proto_msg *msg);

/* DOWNLOAD_CANCEL: stops sending that file; no answer. */
void download_on_cancel(struct client *c, const struct proto_msg *msg);

/* Queues file chunks for every client with downloads, round-robin over each client's
 * downloads, while that client's queue is below the server's low-water mark. */
void download_fill(struct server *srv);

/* Stops every download of c (the connection is closing). */
void download_stop_all(struct client *c);

#endif
