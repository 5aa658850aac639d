/* Search (store_search.h). Two steps: the newest matches in the account's rooms are
 * scanned newest first (FTS5 walks its index by descending rowid without ranking
 * everything) and scored with bm25 as they come (chat_rank, store_rank.c), keeping the
 * best `limit`; then only
 * those get a snippet. A word common to most of a million texts so costs at most
 * `window` scores, and the progress handler ends a scan that finds few rows of the
 * account's rooms after budget_ms, with what it has. */
#include "server/store/store_search.h"

#include <glib.h>
#include <string.h>
#include <time.h>

#include "server/store/store_private.h"

/* SQLite runs the progress handler every this many virtual-machine steps. */
#define PROGRESS_STEPS 1000

static bool is_space(gunichar c)
{
    return g_unichar_isspace(c);
}

/* Calls fn for each word (see store_search_words) of text. */
static unsigned each_word(const char *text, size_t len,
                          void (*fn)(const char *word, size_t n, void *data), void *data)
{
    const char *p = text, *end = text + len;
    unsigned words = 0;
    while (p < end) {
        while (p < end && is_space(g_utf8_get_char(p)))
            p = g_utf8_next_char(p);
        const char *start = p;
        bool searchable = false;
        while (p < end && !is_space(g_utf8_get_char(p))) {
            searchable |= g_unichar_isalnum(g_utf8_get_char(p));
            p = g_utf8_next_char(p);
        }
        if (searchable) {
            words++;
            if (fn != NULL)
                fn(start, (size_t)(p - start), data);
        }
    }
    return words;
}

unsigned store_search_words(const char *text, size_t len)
{
    return each_word(text, len, NULL, NULL);
}

/* Appends one word as an FTS5 string: in double quotes, a quote inside doubled. Inside
 * a string nothing is syntax (AND, NEAR, *, ^, :, parentheses are text), and the
 * tokenizer splits it like any text, so "foo-bar" is the phrase "foo bar". */
static void quote_word(const char *word, size_t n, void *data)
{
    GString *out = data;
    if (out->len > 0)
        g_string_append_c(out, ' '); /* words side by side: all of them must match */
    g_string_append_c(out, '"');
    for (size_t i = 0; i < n; i++) {
        if (word[i] == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, word[i]);
    }
    g_string_append_c(out, '"');
}

/* CPU time this thread has used, in microseconds: the budget counts work done, not
 * time spent waiting for a processor, so a busy machine does not cut searches short. */
static gint64 thread_cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

struct scan {
    gint64 deadline_us;       /* in thread_cpu_us() time */
    bool out_of_time;
};

static int scan_progress(void *data)
{
    struct scan *s = data;
    if (thread_cpu_us() < s->deadline_us)
        return 0;
    s->out_of_time = true;
    return 1; /* interrupts the statement */
}

/* Keeps hits[0..*n) sorted by score (best first), at most limit of them. */
static void keep_best(struct store_search_hit *hits, unsigned *n, unsigned limit,
                      const struct store_search_hit *hit)
{
    unsigned at = *n;
    while (at > 0 && hits[at - 1].score > hit->score)
        at--;
    if (at >= limit)
        return;
    unsigned last = *n < limit ? *n : limit - 1;
    memmove(&hits[at + 1], &hits[at], (last - at) * sizeof hits[0]);
    hits[at] = *hit;
    if (*n < limit)
        (*n)++;
}

/* Step 1: the newest matches in the rooms, scored; the best limit of them in hits. */
static int scan_matches(struct store *st, const struct store_search_query *q, const char *match,
                        struct store_search_hit *hits)
{
    bool one_room = q->room_id != PROTO_SEARCH_ALL_ROOMS;
    sqlite3_stmt *stmt = store_stmt(st, one_room
        ? "SELECT f.rowid, chat_rank(messages_fts), m.time_ms, m.room_id"
          " FROM messages_fts f JOIN messages m ON m.id = f.rowid"
          " WHERE messages_fts MATCH ?1 AND m.room_id = ?3"
          " ORDER BY f.rowid DESC LIMIT ?4"
        : "SELECT f.rowid, chat_rank(messages_fts), m.time_ms, m.room_id"
          " FROM messages_fts f JOIN messages m ON m.id = f.rowid"
          " WHERE messages_fts MATCH ?1 AND (m.room_id = 0 OR m.room_id IN"
          " (SELECT room_id FROM room_members WHERE account_id = ?2))"
          " ORDER BY f.rowid DESC LIMIT ?4");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(stmt, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, q->account_id);
    sqlite3_bind_int64(stmt, 3, q->room_id);
    sqlite3_bind_int64(stmt, 4, q->window);
    struct scan scan = { thread_cpu_us() + (gint64)q->budget_ms * 1000, false };
    sqlite3_progress_handler(st->db, PROGRESS_STEPS, scan_progress, &scan);
    unsigned n = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct store_search_hit hit = {
            .message_id = (uint64_t)sqlite3_column_int64(stmt, 0),
            .score = sqlite3_column_double(stmt, 1),
            .time_ms = sqlite3_column_int64(stmt, 2),
            .room_id = (uint32_t)sqlite3_column_int64(stmt, 3),
        };
        keep_best(hits, &n, q->limit, &hit);
    }
    sqlite3_progress_handler(st->db, 0, NULL, NULL);
    bool failed = rc != SQLITE_DONE && !(rc == SQLITE_INTERRUPT && scan.out_of_time);
    if (failed)
        store_fail(st, "searching");
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return failed ? STORE_ERROR : (int)n;
}

/* Step 2: sender and snippet of one hit. */
static enum store_status describe_hit(struct store *st, const struct store_search_query *q,
                                      const char *match, struct store_search_hit *hit)
{
    sqlite3_stmt *stmt = store_stmt(st,
        "SELECT m.sender_name, snippet(messages_fts, 0, char(2), char(3), '…', ?3)"
        " FROM messages_fts f JOIN messages m ON m.id = f.rowid"
        " WHERE messages_fts MATCH ?1 AND f.rowid = ?2");
    if (stmt == NULL)
        return STORE_ERROR;
    sqlite3_bind_text(stmt, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)hit->message_id);
    sqlite3_bind_int(stmt, 3, (int)q->snippet_tokens);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const char *sender = (const char *)sqlite3_column_text(stmt, 0);
        const char *snippet = (const char *)sqlite3_column_text(stmt, 1);
        hit->sender_name = g_strdup(sender != NULL ? sender : "");
        hit->snippet = g_strdup(snippet != NULL ? snippet : "");
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (rc == SQLITE_ROW)
        return STORE_OK;
    return store_fail(st, "reading a search result");
}

int store_search(struct store *st, const struct store_search_query *q,
                 struct store_search_hit *hits)
{
    GString *match = g_string_new(NULL);
    each_word(q->text, q->text_len, quote_word, match);
    int n = 0;
    if (match->len > 0 && q->limit > 0)
        n = scan_matches(st, q, match->str, hits);
    for (int i = 0; i < n; i++) {
        if (describe_hit(st, q, match->str, &hits[i]) != STORE_OK) {
            store_search_hits_clear(hits, (unsigned)n);
            n = STORE_ERROR;
            break;
        }
    }
    g_string_free(match, TRUE);
    return n;
}

void store_search_hits_clear(struct store_search_hit *hits, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        g_free(hits[i].sender_name);
        g_free(hits[i].snippet);
        hits[i].sender_name = hits[i].snippet = NULL;
    }
}
