/* Full-text search over stored texts (store_search.c): an FTS5 index kept by triggers
 * on messages (schema v5), asked only with the user's words each quoted as an FTS5
 * string, so no search syntax of the user's ever reaches FTS5. Results come only from
 * the rooms the query names: the lobby and the account's room_members rows, or one
 * room the caller has checked. */
#ifndef CHAT_SERVER_STORE_SEARCH_H
#define CHAT_SERVER_STORE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/store/store.h"

struct store_search_query {
    const char *text;          /* the user's query: valid UTF-8, text_len bytes */
    size_t text_len;
    int64_t account_id;        /* whose rooms (0, a guest: the lobby only) */
    uint32_t room_id;          /* one room, or PROTO_SEARCH_ALL_ROOMS */
    unsigned limit;            /* results wanted, best first */
    unsigned window;           /* at most this many newest matches are ranked */
    unsigned budget_ms;        /* the scan for them stops after about this much CPU time */
    unsigned snippet_tokens;   /* words in a snippet */
};

struct store_search_hit {
    uint64_t message_id;
    int64_t time_ms;
    uint32_t room_id;
    double score;              /* bm25: lower is better */
    char *sender_name;         /* owned */
    char *snippet;             /* owned; matches between PROTO_SNIPPET_MARK_START/_END */
};

/* Words in text as search_query quotes them: runs of characters between white space
 * that hold at least one letter or digit (the rest would match nothing). */
unsigned store_search_words(const char *text, size_t len);

/* Ranks (bm25) the `window` newest texts matching every word of q->text in the rooms q
 * names, stopping the scan early after q->budget_ms, and fills hits (room for
 * q->limit) best first. Returns how many, or STORE_ERROR. Free with
 * store_search_hits_clear(). */
int store_search(struct store *st, const struct store_search_query *q,
                 struct store_search_hit *hits);

/* Frees the strings of n hits. */
void store_search_hits_clear(struct store_search_hit *hits, unsigned n);

#endif
