/* ChatWindow, our own presence: away after a while without keyboard or pointer input
 * in the window, back with the next key press, click or scroll (the session's
 * auto-away; PROTOCOL.md 5.46). */
#include "client/gtk/window_private.h"

/* Idle time before we show as away, unless $CHAT_CLIENT_IDLE_SECONDS says otherwise
 * (tests use a few seconds; 0 turns auto-away off). */
#define IDLE_SECONDS_DEFAULT 600u
#define IDLE_SECONDS_MAX (24u * 3600u)

static guint idle_seconds(void)
{
    const char *value = g_getenv("CHAT_CLIENT_IDLE_SECONDS");
    guint64 seconds;
    if (value == NULL ||
        !g_ascii_string_to_unsigned(value, 10, 0, IDLE_SECONDS_MAX, &seconds, NULL))
        return IDLE_SECONDS_DEFAULT;
    return (guint)seconds;
}

/* Any input the window receives counts; the event goes on as usual. */
static gboolean on_input(GtkWidget *widget, GdkEvent *event, ChatWindow *self)
{
    (void)widget;
    (void)event;
    chat_session_note_input(self->session);
    return GDK_EVENT_PROPAGATE;
}

/* Starts the idle timer and watches the window's input. */
void window_idle_init(ChatWindow *self)
{
    chat_session_set_auto_away(self->session, idle_seconds());
    g_signal_connect(self, "key-press-event", G_CALLBACK(on_input), self);
    g_signal_connect(self, "button-press-event", G_CALLBACK(on_input), self);
    g_signal_connect(self, "scroll-event", G_CALLBACK(on_input), self);
}
