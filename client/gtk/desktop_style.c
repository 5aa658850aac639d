/* DesktopStyle over GSettings, with GTK's start-up preference as the fallback. */
#include "client/gtk/desktop_style.h"

#include <gtk/gtk.h>

#define INTERFACE_SCHEMA "org.gnome.desktop.interface"
#define COLOR_SCHEME_KEY "color-scheme"

struct DesktopStyle {
    GSettings *interface; /* NULL when the schema or key is missing */
    gboolean gtk_dark;    /* GTK's preference at start-up */
    DesktopStyleChanged changed;
    gpointer data;
};

/* GTK was told to prefer dark before we changed anything. */
static gboolean gtk_prefers_dark(void)
{
    gboolean prefer_dark = FALSE;
    char *theme_name = NULL;
    g_object_get(gtk_settings_get_default(), "gtk-application-prefer-dark-theme", &prefer_dark,
                 "gtk-theme-name", &theme_name, NULL);
    const char *env = g_getenv("GTK_THEME");
    gboolean dark = prefer_dark || (theme_name && g_str_has_suffix(theme_name, "-dark")) ||
                    (env && g_str_has_suffix(env, ":dark"));
    g_free(theme_name);
    return dark;
}

/* The interface settings, when this system has the color-scheme key. */
static GSettings *interface_settings(void)
{
    GSettingsSchemaSource *source = g_settings_schema_source_get_default();
    if (source == NULL)
        return NULL;
    GSettingsSchema *schema = g_settings_schema_source_lookup(source, INTERFACE_SCHEMA, TRUE);
    if (schema == NULL)
        return NULL;
    GSettings *settings = NULL;
    if (g_settings_schema_has_key(schema, COLOR_SCHEME_KEY))
        settings = g_settings_new_full(schema, NULL, NULL);
    g_settings_schema_unref(schema);
    return settings;
}

static void on_color_scheme_changed(GSettings *settings, const char *key, DesktopStyle *style)
{
    (void)settings;
    (void)key;
    style->changed(desktop_style_prefers_dark(style), style->data);
}

/* Reads the preference now and follows it. */
DesktopStyle *desktop_style_new(DesktopStyleChanged changed, gpointer data)
{
    g_return_val_if_fail(changed != NULL, NULL);
    DesktopStyle *style = g_new0(DesktopStyle, 1);
    style->changed = changed;
    style->data = data;
    style->gtk_dark = gtk_prefers_dark();
    style->interface = interface_settings();
    if (style->interface != NULL)
        g_signal_connect(style->interface, "changed::" COLOR_SCHEME_KEY,
                         G_CALLBACK(on_color_scheme_changed), style);
    return style;
}

/* "prefer-dark" in GNOME's setting, or GTK's own preference at start-up. */
gboolean desktop_style_prefers_dark(DesktopStyle *style)
{
    g_return_val_if_fail(style != NULL, FALSE);
    if (style->interface != NULL) {
        char *scheme = g_settings_get_string(style->interface, COLOR_SCHEME_KEY);
        gboolean dark = g_strcmp0(scheme, "prefer-dark") == 0;
        g_free(scheme);
        if (dark)
            return TRUE;
    }
    return style->gtk_dark;
}

void desktop_style_free(DesktopStyle *style)
{
    if (style == NULL)
        return;
    if (style->interface != NULL) {
        g_signal_handlers_disconnect_by_data(style->interface, style);
        g_object_unref(style->interface);
    }
    g_free(style);
}
