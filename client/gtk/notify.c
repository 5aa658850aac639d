/* Notifications through GApplication (GNotification), which picks the desktop's
 * backend; with none running they are dropped quietly, which suits headless runs. */
#include "client/gtk/notify.h"

#include <glib/gi18n.h>

#include "client/gtk/format.h"
#include "common/safe_text.h"

#define OTHER_ID "chat-other"
#define BODY_MAX_CHARS 160

/* The application, when window belongs to one and the user wants notifications. */
static GApplication *notifying_app(GtkWindow *window)
{
    GtkApplication *app = gtk_window_get_application(window);
    if (app == NULL || gtk_window_is_active(window))
        return NULL;
    GVariant *enabled = g_action_group_get_action_state(G_ACTION_GROUP(app), "notifications");
    gboolean on = enabled == NULL || g_variant_get_boolean(enabled);
    if (enabled != NULL)
        g_variant_unref(enabled);
    return on ? G_APPLICATION(app) : NULL;
}

static char *notification_id(const char *room)
{
    return g_strconcat("room-", room, NULL);
}

/* Sends title and body under id; a click opens the room room_id (G_MAXUINT32: just
 * raises the window). */
static void send_notification(GApplication *app, const char *id, const char *title,
                              const char *body, guint32 room_id)
{
    char *safe_title = safe_text(title, -1, SAFE_TEXT_ONE_LINE);
    char *safe_body = safe_text(body, -1, SAFE_TEXT_KEEP_NEWLINES);
    GNotification *notification = g_notification_new(safe_title);
    g_free(safe_title);
    char *shortened = format_shorten(safe_body, BODY_MAX_CHARS);
    g_notification_set_body(notification, shortened);
    g_free(shortened);
    if (room_id == G_MAXUINT32)
        g_notification_set_default_action(notification, "app.present");
    else
        g_notification_set_default_action_and_target(notification, "app.open-room", "u",
                                                     room_id);
    g_application_send_notification(app, id, notification);
    g_object_unref(notification);
    g_free(safe_body);
}

/* One notification per room, replaced by the next. */
void notify_room(GtkWindow *window, const char *room, guint32 room_id, guint unread,
                 const char *sender, const char *text)
{
    g_return_if_fail(GTK_IS_WINDOW(window) && room != NULL && sender != NULL && text != NULL);
    GApplication *app = notifying_app(window);
    if (app == NULL)
        return;
    char *title = unread > 1 ? g_strdup_printf(g_dngettext(NULL, "%s: %u new message",
                                                           "%s: %u new messages", unread),
                                               room, unread)
                             : g_strdup(room);
    char *body = g_strdup_printf(_("%s: %s"), sender, text);
    char *id = notification_id(room);
    send_notification(app, id, title, body, room_id);
    g_free(id);
    g_free(body);
    g_free(title);
}

/* Anything else (a finished download). */
void notify_unless_active(GtkWindow *window, const char *title, const char *body)
{
    g_return_if_fail(GTK_IS_WINDOW(window) && title != NULL && body != NULL);
    GApplication *app = notifying_app(window);
    if (app != NULL)
        send_notification(app, OTHER_ID, title, body, G_MAXUINT32);
}

/* Withdraws room's notification and any other, if shown. */
void notify_withdraw(GtkWindow *window, const char *room)
{
    g_return_if_fail(GTK_IS_WINDOW(window) && room != NULL);
    GtkApplication *app = gtk_window_get_application(window);
    if (app == NULL)
        return;
    char *id = notification_id(room);
    g_application_withdraw_notification(G_APPLICATION(app), id);
    g_application_withdraw_notification(G_APPLICATION(app), OTHER_ID);
    g_free(id);
}
