/* chat_rank(messages_fts): the FTS5 auxiliary function search ranks with. It is bm25 as
 * FTS5 computes it (k1 = 1.2, b = 0.75, the same IDF), with one bound: FTS5's own
 * bm25() counts every text holding each word of the query to weigh it, a pass over the
 * word's whole index list, which for a word in half of a million texts costs more than
 * the rest of the search together. Here the count stops at STORE_RANK_IDF_CAP: a word in
 * more texts than that weighs as one in exactly that many (it is common either way),
 * and a one-word query ranks exactly as bm25() would. */
#include "server/store/store_private.h"

#include <math.h>

#include "server/limits.h"

#define RANK_K1 1.2
#define RANK_B 0.75
#define RANK_MAX_PHRASES 64      /* more words than this are weighed as the 64th */

/* What is the same for every row of one query: the corpus size and the words' weights. */
struct rank_query {
    double avg_len;
    int phrases;
    double idf[RANK_MAX_PHRASES];
};

static int count_row(const Fts5ExtensionApi *api, Fts5Context *ctx, void *data)
{
    (void)api;
    (void)ctx;
    sqlite3_int64 *n = data;
    return ++*n >= STORE_RANK_IDF_CAP ? SQLITE_DONE : SQLITE_OK;
}

/* The query's weights, computed at its first row and kept as FTS5 aux data. */
static struct rank_query *rank_query(const Fts5ExtensionApi *api, Fts5Context *ctx, int *rc)
{
    struct rank_query *q = api->xGetAuxdata(ctx, 0);
    if (q != NULL)
        return q;
    q = sqlite3_malloc(sizeof *q);
    if (q == NULL) {
        *rc = SQLITE_NOMEM;
        return NULL;
    }
    sqlite3_int64 rows = 0, tokens = 0;
    *rc = api->xRowCount(ctx, &rows);
    if (*rc == SQLITE_OK)
        *rc = api->xColumnTotalSize(ctx, -1, &tokens);
    q->avg_len = rows > 0 ? (double)tokens / (double)rows : 1.0;
    q->phrases = api->xPhraseCount(ctx);
    if (q->phrases > RANK_MAX_PHRASES)
        q->phrases = RANK_MAX_PHRASES;
    for (int i = 0; i < q->phrases && *rc == SQLITE_OK; i++) {
        sqlite3_int64 n = 0;
        *rc = api->xQueryPhrase(ctx, i, &n, count_row);
        double idf = log(((double)rows - (double)n + 0.5) / ((double)n + 0.5));
        q->idf[i] = idf > 1e-6 ? idf : 1e-6;
    }
    if (*rc == SQLITE_OK)
        *rc = api->xSetAuxdata(ctx, q, sqlite3_free);
    else
        sqlite3_free(q);
    return *rc == SQLITE_OK ? q : NULL;
}

/* Lower is better, as with bm25(): the negated score. */
static void chat_rank(const Fts5ExtensionApi *api, Fts5Context *ctx, sqlite3_context *out,
                      int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    int rc = SQLITE_OK;
    struct rank_query *q = rank_query(api, ctx, &rc);
    double hits[RANK_MAX_PHRASES] = { 0 };
    int instances = 0, length = 0;
    if (rc == SQLITE_OK)
        rc = api->xInstCount(ctx, &instances);
    for (int i = 0; i < instances && rc == SQLITE_OK; i++) {
        int phrase, column, offset;
        rc = api->xInst(ctx, i, &phrase, &column, &offset);
        if (rc == SQLITE_OK && phrase >= 0)
            hits[phrase < q->phrases ? phrase : q->phrases - 1] += 1.0;
    }
    if (rc == SQLITE_OK)
        rc = api->xColumnSize(ctx, -1, &length);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(out, rc);
        return;
    }
    double score = 0.0;
    for (int i = 0; i < q->phrases; i++) {
        double norm = RANK_K1 * (1.0 - RANK_B + RANK_B * (double)length / q->avg_len);
        score += q->idf[i] * hits[i] * (RANK_K1 + 1.0) / (hits[i] + norm);
    }
    sqlite3_result_double(out, -score);
}

enum store_status store_rank_register(struct store *st)
{
    fts5_api *api = NULL;
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(st->db, "SELECT fts5(?1)", -1, &stmt, NULL) != SQLITE_OK)
        return store_fail(st, "finding FTS5");
    sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (api == NULL || api->iVersion < 2 ||
        api->xCreateFunction(api, "chat_rank", NULL, chat_rank, NULL) != SQLITE_OK)
        return store_fail(st, "registering the search ranking");
    return STORE_OK;
}
