/* ChatClamp: a GtkBin that caps its child's width and centres it. */
#include "client/gtk/clamp.h"

#define DEFAULT_MAX_WIDTH 760

struct _ChatClamp {
    GtkBin parent_instance;
    int max_width;
};

enum { PROP_0, PROP_MAX_WIDTH, N_PROPS };
static GParamSpec *props[N_PROPS];

G_DEFINE_TYPE(ChatClamp, chat_clamp, GTK_TYPE_BIN)

static void chat_clamp_get_preferred_width(GtkWidget *widget, int *minimum, int *natural)
{
    ChatClamp *self = CHAT_CLAMP(widget);
    GtkWidget *child = gtk_bin_get_child(GTK_BIN(widget));
    *minimum = *natural = 0;
    if (child != NULL && gtk_widget_get_visible(child))
        gtk_widget_get_preferred_width(child, minimum, natural);
    *minimum = MIN(*minimum, self->max_width);
    *natural = MIN(MAX(*natural, *minimum), self->max_width);
}

/* The child is at most max_width wide, so its height is asked for at that width. */
static void chat_clamp_get_preferred_height_for_width(GtkWidget *widget, int width, int *minimum,
                                                      int *natural)
{
    ChatClamp *self = CHAT_CLAMP(widget);
    GtkWidget *child = gtk_bin_get_child(GTK_BIN(widget));
    *minimum = *natural = 0;
    if (child != NULL && gtk_widget_get_visible(child))
        gtk_widget_get_preferred_height_for_width(child, MIN(width, self->max_width), minimum,
                                                  natural);
}

static void chat_clamp_get_preferred_height(GtkWidget *widget, int *minimum, int *natural)
{
    int min_width, nat_width;
    chat_clamp_get_preferred_width(widget, &min_width, &nat_width);
    chat_clamp_get_preferred_height_for_width(widget, nat_width, minimum, natural);
}

static GtkSizeRequestMode chat_clamp_get_request_mode(GtkWidget *widget)
{
    (void)widget;
    return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void chat_clamp_size_allocate(GtkWidget *widget, GtkAllocation *allocation)
{
    ChatClamp *self = CHAT_CLAMP(widget);
    gtk_widget_set_allocation(widget, allocation);
    GtkWidget *child = gtk_bin_get_child(GTK_BIN(widget));
    if (child == NULL || !gtk_widget_get_visible(child))
        return;
    GtkAllocation inner = *allocation;
    if (inner.width > self->max_width) {
        inner.x += (inner.width - self->max_width) / 2;
        inner.width = self->max_width;
    }
    gtk_widget_size_allocate(child, &inner);
}

static void chat_clamp_set_property(GObject *object, guint id, const GValue *value,
                                    GParamSpec *pspec)
{
    ChatClamp *self = CHAT_CLAMP(object);
    if (id == PROP_MAX_WIDTH) {
        self->max_width = MAX(g_value_get_int(value), 1);
        gtk_widget_queue_resize(GTK_WIDGET(self));
    } else {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
    }
}

static void chat_clamp_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
    if (id == PROP_MAX_WIDTH)
        g_value_set_int(value, CHAT_CLAMP(object)->max_width);
    else
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

static void chat_clamp_class_init(ChatClampClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
    object_class->set_property = chat_clamp_set_property;
    object_class->get_property = chat_clamp_get_property;
    widget_class->get_preferred_width = chat_clamp_get_preferred_width;
    widget_class->get_preferred_height = chat_clamp_get_preferred_height;
    widget_class->get_preferred_height_for_width = chat_clamp_get_preferred_height_for_width;
    widget_class->get_request_mode = chat_clamp_get_request_mode;
    widget_class->size_allocate = chat_clamp_size_allocate;
    props[PROP_MAX_WIDTH] = g_param_spec_int("max-width", "Maximum width",
                                             "Widest the child may be, in pixels", 1, G_MAXINT,
                                             DEFAULT_MAX_WIDTH,
                                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, props);
    gtk_widget_class_set_css_name(widget_class, "clamp");
}

static void chat_clamp_init(ChatClamp *self)
{
    gtk_widget_set_has_window(GTK_WIDGET(self), FALSE);
    self->max_width = DEFAULT_MAX_WIDTH;
}

/* An empty clamp. */
GtkWidget *chat_clamp_new(int max_width)
{
    return g_object_new(CHAT_TYPE_CLAMP, "max-width", max_width, NULL);
}
