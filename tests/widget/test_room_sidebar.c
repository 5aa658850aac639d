/* Widget tests: ChatRoomSidebar (client/gtk/room_sidebar.h) bound to a model of ChatRoom
 * objects: rows come and go with the model, follow their room's unread count and name
 * through "notify" (badge and accessible name), and the neighbours wrap round. */
#include <gtk/gtk.h>

#include "client/gtk/room_sidebar.h"

static GtkListBox *list_of(ChatRoomSidebar *sidebar)
{
    GList *todo = g_list_prepend(NULL, sidebar);
    GtkListBox *found = NULL;
    while (todo != NULL && found == NULL) {
        GtkWidget *widget = todo->data;
        todo = g_list_delete_link(todo, todo);
        if (GTK_IS_LIST_BOX(widget))
            found = GTK_LIST_BOX(widget);
        else if (GTK_IS_CONTAINER(widget))
            todo = g_list_concat(todo, gtk_container_get_children(GTK_CONTAINER(widget)));
    }
    g_list_free(todo);
    return found;
}

static const char *spoken(ChatRoomSidebar *sidebar, int index)
{
    GtkListBoxRow *row = gtk_list_box_get_row_at_index(list_of(sidebar), index);
    return row ? atk_object_get_name(gtk_widget_get_accessible(GTK_WIDGET(row))) : NULL;
}

typedef struct {
    GListStore *rooms;
    ChatRoom *lobby, *general, *bob;
    ChatRoomSidebar *sidebar;
} Fixture;

static void fixture_set_up(Fixture *f, gconstpointer data)
{
    (void)data;
    f->rooms = g_list_store_new(CHAT_TYPE_ROOM);
    f->lobby = chat_room_new(0, CHAT_ROOM_PUBLIC, "lobby", NULL);
    f->general = chat_room_new(4, CHAT_ROOM_PUBLIC, "general", "Anything goes");
    f->bob = chat_room_new(9, CHAT_ROOM_DIRECT, "bob", NULL);
    g_list_store_append(f->rooms, f->lobby);
    g_list_store_append(f->rooms, f->general);
    g_list_store_append(f->rooms, f->bob);
    f->sidebar = CHAT_ROOM_SIDEBAR(chat_room_sidebar_new());
    g_object_ref_sink(f->sidebar);
    chat_room_sidebar_set_model(f->sidebar, G_LIST_MODEL(f->rooms));
}

static void fixture_tear_down(Fixture *f, gconstpointer data)
{
    (void)data;
    gtk_widget_destroy(GTK_WIDGET(f->sidebar));
    g_object_unref(f->sidebar);
    g_object_unref(f->rooms);
    g_object_unref(f->lobby);
    g_object_unref(f->general);
    g_object_unref(f->bob);
}

static void test_rows_follow_the_rooms(Fixture *f, gconstpointer data)
{
    (void)data;
    g_assert_cmpstr(spoken(f->sidebar, 0), ==, "lobby");
    g_assert_cmpstr(spoken(f->sidebar, 1), ==, "general");
    g_assert_cmpstr(spoken(f->sidebar, 2), ==, "bob, direct message");
    chat_room_note_message(f->general, 10, FALSE);
    chat_room_note_message(f->general, 11, FALSE);
    chat_room_note_message(f->general, 12, TRUE); /* our own: not unread */
    g_assert_cmpstr(spoken(f->sidebar, 1), ==, "general, 2 unread");
    chat_room_note_message(f->bob, 3, FALSE);
    g_assert_cmpstr(spoken(f->sidebar, 2), ==, "bob, direct message, 1 unread");
    chat_room_mark_read(f->general);
    g_assert_cmpstr(spoken(f->sidebar, 1), ==, "general");
    /* A room left goes from the model and from the list. */
    g_list_store_remove(f->rooms, 1);
    g_assert_cmpstr(spoken(f->sidebar, 1), ==, "bob, direct message, 1 unread");
    g_assert_null(spoken(f->sidebar, 2));
}

static void test_neighbours_wrap_round(Fixture *f, gconstpointer data)
{
    (void)data;
    chat_room_sidebar_select(f->sidebar, f->lobby);
    g_assert_true(chat_room_sidebar_get_neighbour(f->sidebar, 1) == f->general);
    g_assert_true(chat_room_sidebar_get_neighbour(f->sidebar, -1) == f->bob);
    chat_room_sidebar_select(f->sidebar, f->bob);
    g_assert_true(chat_room_sidebar_get_neighbour(f->sidebar, 1) == f->lobby);
}

static void on_activated(ChatRoomSidebar *sidebar, ChatRoom *room, ChatRoom **out)
{
    (void)sidebar;
    *out = room;
}

static void test_only_the_user_activates(Fixture *f, gconstpointer data)
{
    (void)data;
    ChatRoom *activated = NULL;
    g_signal_connect(f->sidebar, "room-activated", G_CALLBACK(on_activated), &activated);
    chat_room_sidebar_select(f->sidebar, f->general); /* the window's doing: quiet */
    g_assert_null(activated);
    GtkListBox *list = list_of(f->sidebar);
    gtk_list_box_select_row(list, gtk_list_box_get_row_at_index(list, 2)); /* the user's */
    g_assert_true(activated == f->bob);
}

int main(int argc, char **argv)
{
    gtk_test_init(&argc, &argv, NULL);
    g_test_add("/room-sidebar/rows-follow-the-rooms", Fixture, NULL, fixture_set_up,
               test_rows_follow_the_rooms, fixture_tear_down);
    g_test_add("/room-sidebar/neighbours-wrap-round", Fixture, NULL, fixture_set_up,
               test_neighbours_wrap_round, fixture_tear_down);
    g_test_add("/room-sidebar/only-the-user-activates", Fixture, NULL, fixture_set_up,
               test_only_the_user_activates, fixture_tear_down);
    return g_test_run();
}
