/* Announcements through ATK: a role and a SHOWING state change. */
#include "client/gtk/announce.h"

/* Gives widget its announcing role. */
void announce_setup(GtkWidget *widget, AtkRole role)
{
    g_return_if_fail(GTK_IS_WIDGET(widget));
    atk_object_set_role(gtk_widget_get_accessible(widget), role);
}

/* The accessible name changes first, so the reader finds the new text when the
 * event arrives. */
void announce_say(GtkWidget *widget, const char *text)
{
    g_return_if_fail(GTK_IS_WIDGET(widget));
    AtkObject *accessible = gtk_widget_get_accessible(widget);
    if (text != NULL)
        atk_object_set_name(accessible, text);
    atk_object_notify_state_change(accessible, ATK_STATE_SHOWING, TRUE);
}
