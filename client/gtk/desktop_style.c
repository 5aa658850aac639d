/* DesktopStyle over the desktop portal and GSettings, with GTK's start-up preference as
 * the fallback. */
#include "client/gtk/desktop_style.h"

#include <gtk/gtk.h>

#define INTERFACE_SCHEMA "org.gnome.desktop.interface"
#define COLOR_SCHEME_KEY "color-scheme"
#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_SETTINGS "org.freedesktop.portal.Settings"
#define APPEARANCE "org.freedesktop.appearance"
/* The portal's color-scheme values. */
enum { PORTAL_NO_PREFERENCE, PORTAL_DARK, PORTAL_LIGHT };

struct DesktopStyle {
    GSettings *interface; /* NULL when the schema or key is missing */
    gboolean gtk_dark;    /* GTK's preference at start-up */
    GDBusProxy *portal;   /* the portal's Settings, once it answered */
    guint32 portal_scheme; /* PORTAL_*: what it said last */
    GCancellable *cancel;
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

/* A portal value: a uint32 inside one or (as Read sends it) two variants. */
static gboolean scheme_of(GVariant *value, guint32 *scheme)
{
    GVariant *inner = g_variant_ref(value);
    while (g_variant_is_of_type(inner, G_VARIANT_TYPE_VARIANT)) {
        GVariant *next = g_variant_get_variant(inner);
        g_variant_unref(inner);
        inner = next;
    }
    gboolean ok = g_variant_is_of_type(inner, G_VARIANT_TYPE_UINT32);
    if (ok)
        *scheme = g_variant_get_uint32(inner);
    g_variant_unref(inner);
    return ok;
}

static void on_portal_signal(GDBusProxy *proxy, const char *sender, const char *signal,
                             GVariant *parameters, DesktopStyle *style)
{
    (void)proxy;
    (void)sender;
    const char *namespace, *key;
    GVariant *value;
    if (g_strcmp0(signal, "SettingChanged") != 0 ||
        !g_variant_is_of_type(parameters, G_VARIANT_TYPE("(ssv)")))
        return;
    g_variant_get(parameters, "(&s&sv)", &namespace, &key, &value);
    if (g_strcmp0(namespace, APPEARANCE) == 0 && g_strcmp0(key, COLOR_SCHEME_KEY) == 0 &&
        scheme_of(value, &style->portal_scheme))
        style->changed(desktop_style_prefers_dark(style), style->data);
    g_variant_unref(value);
}

/* The portal's first answer: from now on it speaks for the desktop. */
static void on_portal_read(GObject *source, GAsyncResult *result, gpointer data)
{
    GVariant *reply = g_dbus_proxy_call_finish(G_DBUS_PROXY(source), result, NULL);
    if (reply == NULL)
        return; /* no portal (or cancelled): GSettings and GTK speak */
    DesktopStyle *style = data;
    GVariant *value = g_variant_get_child_value(reply, 0);
    if (scheme_of(value, &style->portal_scheme)) {
        style->portal = G_DBUS_PROXY(g_object_ref(source));
        g_signal_connect(style->portal, "g-signal", G_CALLBACK(on_portal_signal), style);
        style->changed(desktop_style_prefers_dark(style), style->data);
    }
    g_variant_unref(value);
    g_variant_unref(reply);
}

static void on_portal_proxy(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    GDBusProxy *proxy = g_dbus_proxy_new_for_bus_finish(result, NULL);
    if (proxy == NULL)
        return;
    DesktopStyle *style = data;
    g_dbus_proxy_call(proxy, "Read", g_variant_new("(ss)", APPEARANCE, COLOR_SCHEME_KEY),
                      G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, style->cancel, on_portal_read, style);
    g_object_unref(proxy);
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
    style->cancel = g_cancellable_new();
    g_dbus_proxy_new_for_bus(G_BUS_TYPE_SESSION,
                             G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
                                 G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                             NULL, PORTAL_NAME, PORTAL_PATH, PORTAL_SETTINGS, style->cancel,
                             on_portal_proxy, style);
    return style;
}

/* The portal's dark or light when it has a preference, else "prefer-dark" in GNOME's
 * setting, or GTK's own preference at start-up. */
gboolean desktop_style_prefers_dark(DesktopStyle *style)
{
    g_return_val_if_fail(style != NULL, FALSE);
    if (style->portal != NULL && style->portal_scheme != PORTAL_NO_PREFERENCE)
        return style->portal_scheme == PORTAL_DARK;
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
    g_cancellable_cancel(style->cancel);
    g_object_unref(style->cancel);
    if (style->portal != NULL) {
        g_signal_handlers_disconnect_by_data(style->portal, style);
        g_object_unref(style->portal);
    }
    g_free(style);
}
