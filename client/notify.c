/* Notifications through GApplication (GNotification), which picks the desktop's
 * backend; with none running they are dropped quietly, which suits headless runs. */
#include "client/notify.h"
#include "common/safe_text.h"

#define NOTIFICATION_ID "new-message"
#define BODY_MAX_CHARS 160

static GApplication *window_app(GtkWindow *window)
{
    GtkApplication *app = gtk_window_get_application(window);
    return app != NULL ? G_APPLICATION(app) : NULL;
}

/* Notifies only while the user is elsewhere. */
void notify_unless_active(GtkWindow *window, const char *title, const char *body)
{
    g_return_if_fail(GTK_IS_WINDOW(window) && title != NULL && body != NULL);
    GApplication *app = window_app(window);
    if (app == NULL || gtk_window_is_active(window))
        return;
    char *safe_title = safe_text(title, -1, SAFE_TEXT_ONE_LINE);
    char *safe_body = safe_text(body, -1, SAFE_TEXT_KEEP_NEWLINES);
    body = safe_body;
    GNotification *notification = g_notification_new(safe_title);
    g_free(safe_title);
    if (g_utf8_strlen(body, -1) > BODY_MAX_CHARS) {
        char *cut = g_utf8_substring(body, 0, BODY_MAX_CHARS);
        char *shortened = g_strconcat(cut, "\u2026", NULL);
        g_notification_set_body(notification, shortened);
        g_free(shortened);
        g_free(cut);
    } else {
        g_notification_set_body(notification, body);
    }
    g_notification_set_default_action(notification, "app.present");
    g_application_send_notification(app, NOTIFICATION_ID, notification);
    g_object_unref(notification);
    g_free(safe_body);
}

/* Withdraws the pending notification, if any. */
void notify_withdraw(GtkWindow *window)
{
    g_return_if_fail(GTK_IS_WINDOW(window));
    GApplication *app = window_app(window);
    if (app != NULL)
        g_application_withdraw_notification(app, NOTIFICATION_ID);
}
