/* A stable colour per user name, so people recognise each other at a glance.
 * The colour is a CSS class ("user-color-0".."user-color-N"); style.css gives each class
 * one shade for the light theme and one for the dark theme, so a theme switch needs no
 * work here. */
#ifndef CHAT_USER_COLOR_H
#define CHAT_USER_COLOR_H

#include <gtk/gtk.h>

#define USER_COLOR_COUNT 12u

/* Index in [0, USER_COLOR_COUNT) for name: the same in every run and on every machine,
 * and the same for names that differ only in case (the server treats those as one). */
guint user_color_index(const char *name);

/* Puts the colour class for name on widget, replacing any colour class it had. */
void user_color_apply(GtkWidget *widget, const char *name);

#endif
