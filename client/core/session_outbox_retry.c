/* Texts refused with ERROR 80 CLUSTER_UNAVAILABLE (a cluster node whose Redis is away:
 * nothing was sent, or, when only the reply was lost, the append landed anyway). Such a
 * text stays in the outbox, its object pending ("sending"), and goes out again by itself
 * with the same client id after a backoff (SESSION_RESEND_* in session_private.h), and at
 * once after a new login as every pending text does. The server deduplicates an
 * account's resend on (account, client id), so a text that did land is acknowledged with
 * its first id, never doubled. A guest's resend cannot be matched (no account): a guest's
 * text is resent too, since a possible double is better than a text lost
 * (docs/CLUSTER.md, section 8). Once the refusals of one text have lasted
 * SESSION_RESEND_FOR_S, the next one fails it as any other refusal does. */
#include "client/core/session_private.h"

static gboolean retry_due(gpointer data);

/* Arms the timer for the earliest text waiting, if any. */
static void retry_schedule(ChatSession *self)
{
    g_clear_handle_id(&self->outbox_retry_source, g_source_remove);
    gint64 first = G_MAXINT64;
    for (GList *l = self->pending_texts.head; l; l = l->next) {
        const struct pending_text *p = l->data;
        if (p->retry_at_us)
            first = MIN(first, p->retry_at_us);
    }
    if (first == G_MAXINT64)
        return;
    gint64 wait_ms = (first - g_get_monotonic_time() + 999) / 1000;
    self->outbox_retry_source =
        g_timeout_add((guint)CLAMP(wait_ms, 0, SESSION_RESEND_MAX_MS), retry_due, self);
}

/* Sends every text whose wait is over (those that cannot go now go after the next
 * login), then waits for the next. */
static gboolean retry_due(gpointer data)
{
    ChatSession *self = data;
    self->outbox_retry_source = 0;
    gint64 now = g_get_monotonic_time();
    for (GList *l = self->pending_texts.head; l; l = l->next) {
        struct pending_text *p = l->data;
        if (!p->retry_at_us || p->retry_at_us > now)
            continue;
        p->retry_at_us = 0;
        if (session_can_send(self))
            session_outbox_send(self, p);
    }
    retry_schedule(self);
    return G_SOURCE_REMOVE;
}

/* ERROR 80 answered a pending text: it waits and goes out again (see session_private.h). */
gboolean session_text_retry_later(ChatSession *self, guint64 client_id)
{
    struct pending_text *p = session_outbox_find(self, client_id);
    if (!p)
        return FALSE;
    gint64 now = g_get_monotonic_time();
    if (!p->refused_since_us)
        p->refused_since_us = now;
    else if (now - p->refused_since_us >= (gint64)SESSION_RESEND_FOR_S * G_USEC_PER_SEC)
        return FALSE;
    p->retry_ms = p->retry_ms ? MIN(2 * p->retry_ms, SESSION_RESEND_MAX_MS)
                              : SESSION_RESEND_FIRST_MS;
    p->retry_at_us = now + (gint64)p->retry_ms * 1000;
    retry_schedule(self);
    return TRUE;
}

/* Ends every text's wait and the timer (see session_private.h). */
void session_outbox_retry_cancel(ChatSession *self)
{
    g_clear_handle_id(&self->outbox_retry_source, g_source_remove);
    for (GList *l = self->pending_texts.head; l; l = l->next)
        ((struct pending_text *)l->data)->retry_at_us = 0;
}
