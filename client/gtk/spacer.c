/* ChatSpacer: minimum width 0, natural width "width". */
#include "client/gtk/spacer.h"

struct _ChatSpacer {
    GtkDrawingArea parent_instance;
    int width;
};

G_DEFINE_TYPE(ChatSpacer, chat_spacer, GTK_TYPE_DRAWING_AREA)

enum { PROP_WIDTH = 1 };

static void chat_spacer_get_preferred_width(GtkWidget *widget, int *minimum, int *natural)
{
    *minimum = 0;
    *natural = CHAT_SPACER(widget)->width;
}

static void chat_spacer_set_property(GObject *object, guint id, const GValue *value,
                                     GParamSpec *pspec)
{
    if (id != PROP_WIDTH) {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
        return;
    }
    CHAT_SPACER(object)->width = g_value_get_int(value);
    gtk_widget_queue_resize(GTK_WIDGET(object));
}

static void chat_spacer_get_property(GObject *object, guint id, GValue *value,
                                     GParamSpec *pspec)
{
    if (id != PROP_WIDTH) {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
        return;
    }
    g_value_set_int(value, CHAT_SPACER(object)->width);
}

static void chat_spacer_class_init(ChatSpacerClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    object_class->set_property = chat_spacer_set_property;
    object_class->get_property = chat_spacer_get_property;
    GTK_WIDGET_CLASS(klass)->get_preferred_width = chat_spacer_get_preferred_width;
    g_object_class_install_property(object_class, PROP_WIDTH,
                                    g_param_spec_int("width", "Width", "Width when there is room",
                                                     0, G_MAXINT, 0, G_PARAM_READWRITE));
}

static void chat_spacer_init(ChatSpacer *self)
{
    (void)self;
}
