/* Model tests: ChatRoom (client/core/session_chatroom.h), the object a sidebar row binds to.
 * Each setter notifies exactly when its property changes, and the counts follow the
 * members and texts recorded. Needs no display. */
#include "client/core/session_chatroom.h"

/* Counts "notify" emissions per property name. */
static void count_notify(GObject *object, GParamSpec *spec, GHashTable *counts)
{
    (void)object;
    const char *name = g_param_spec_get_name(spec);
    g_hash_table_insert(counts, (gpointer)name,
                        GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(counts, name)) + 1));
}

static guint notified(GHashTable *counts, const char *name)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(counts, name));
}

static void test_properties_notify_on_change(void)
{
    ChatRoom *room = chat_room_new(7, CHAT_ROOM_PRIVATE, "den", NULL);
    GHashTable *counts = g_hash_table_new(g_str_hash, g_str_equal);
    g_signal_connect(room, "notify", G_CALLBACK(count_notify), counts);

    chat_room_set_topic(room, "coffee");
    chat_room_set_topic(room, "coffee");                 /* unchanged: no notify */
    g_assert_cmpuint(notified(counts, "topic"), ==, 1);
    char *topic = NULL;
    guint kind = 0, id = 0;
    g_object_get(room, "topic", &topic, "kind", &kind, "id", &id, NULL);
    g_assert_cmpstr(topic, ==, "coffee");
    g_assert_cmpuint(kind, ==, CHAT_ROOM_PRIVATE);
    g_assert_cmpuint(id, ==, 7);
    g_free(topic);
    g_assert_cmpstr(chat_room_get_topic(room), ==, "coffee");

    chat_room_note_message(room, 10, FALSE);
    chat_room_note_message(room, 12, FALSE);
    chat_room_note_message(room, 11, TRUE);              /* older and own: neither moves */
    g_assert_cmpuint(chat_room_get_last_message_id(room), ==, 12);
    g_assert_cmpuint(chat_room_get_unread_count(room), ==, 2);
    g_assert_cmpuint(notified(counts, "last-message-id"), ==, 2);
    g_assert_cmpuint(notified(counts, "unread-count"), ==, 2);
    chat_room_mark_read(room);
    chat_room_mark_read(room);
    g_assert_cmpuint(chat_room_get_unread_count(room), ==, 0);
    g_assert_cmpuint(notified(counts, "unread-count"), ==, 3);

    char *label = chat_room_dup_label(room);
    g_assert_cmpstr(label, ==, "#den");
    g_free(label);
    g_hash_table_unref(counts);
    g_object_unref(room);
}

static void count_members_changed(ChatRoom *room, guint *count)
{
    (void)room;
    (*count)++;
}

static void test_members_and_presence(void)
{
    ChatRoom *room = chat_room_new(3, CHAT_ROOM_DIRECT, "bob", "");
    guint changes = 0;
    g_signal_connect(room, "members-changed", G_CALLBACK(count_members_changed), &changes);
    chat_room_set_member(room, 1, "alice", TRUE);
    chat_room_set_member(room, 2, "bob", FALSE);
    g_assert_cmpuint(chat_room_get_member_count(room), ==, 2);
    g_assert_cmpuint(chat_room_get_online_count(room), ==, 1);
    chat_room_set_member(room, 2, "bob", TRUE);          /* came online */
    g_assert_cmpuint(chat_room_get_online_count(room), ==, 2);
    g_assert_true(chat_room_member_online(room, "bob"));
    GPtrArray *names = chat_room_list_members(room);
    g_assert_cmpuint(names->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(names, 0), ==, "alice");
    g_assert_cmpstr(g_ptr_array_index(names, 1), ==, "bob");
    g_ptr_array_unref(names);
    chat_room_remove_member(room, 1);
    chat_room_remove_member(room, 1);                    /* unknown now: nothing */
    g_assert_cmpuint(chat_room_get_member_count(room), ==, 1);
    g_assert_false(chat_room_member_online(room, "alice"));
    g_assert_cmpuint(changes, ==, 4);
    g_assert_false(chat_room_member_away(room, "bob"));
    chat_room_set_member_away(room, 2, TRUE);            /* PRESENCE_STATE away */
    chat_room_set_member_away(room, 2, TRUE);            /* no change: no signal */
    chat_room_set_member_away(room, 7, TRUE);            /* unknown: nothing */
    g_assert_true(chat_room_member_away(room, "bob"));
    g_assert_cmpuint(changes, ==, 5);
    chat_room_set_member(room, 2, "bob", FALSE);         /* offline: the state is gone */
    g_assert_false(chat_room_member_away(room, "bob"));
    chat_room_set_member(room, 2, "bob", TRUE);
    g_assert_false(chat_room_member_away(room, "bob"));  /* a login starts active */
    char *label = chat_room_dup_label(room);
    g_assert_cmpstr(label, ==, "@bob");
    g_free(label);
    g_object_unref(room);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/chat-room/properties-notify-on-change", test_properties_notify_on_change);
    g_test_add_func("/chat-room/members-and-presence", test_members_and_presence);
    return g_test_run();
}
