/* DesktopStyle: whether the desktop prefers a dark style, followed live.
 *
 * Source: the desktop portal's Settings (org.freedesktop.appearance color-scheme: dark
 * or light; what a sandboxed app sees), when it answers and has a preference; else the
 * GSettings key org.gnome.desktop.interface color-scheme ("prefer-dark"),
 * which GNOME's Settings writes and which the desktop portal's Settings interface
 * relays to sandboxed apps; it is read when that schema is installed with that key
 * (gsettings-desktop-schemas 42 or later), and a change reaches us through GSettings'
 * "changed" signal while we run. Without it, the preference GTK had at start-up (a
 * "-dark" theme, GTK_THEME=name:dark, gtk-application-prefer-dark-theme) counts, once. */
#ifndef CHAT_DESKTOP_STYLE_H
#define CHAT_DESKTOP_STYLE_H

#include <glib.h>

typedef struct DesktopStyle DesktopStyle;

/* Called with the new preference whenever the desktop's changes. */
typedef void (*DesktopStyleChanged)(gboolean prefers_dark, gpointer data);

/* Starts following the desktop; call before changing GTK's own dark setting. */
DesktopStyle *desktop_style_new(DesktopStyleChanged changed, gpointer data);

gboolean desktop_style_prefers_dark(DesktopStyle *style);

void desktop_style_free(DesktopStyle *style);

#endif
