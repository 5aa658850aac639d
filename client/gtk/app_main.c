/* chat-client: the GTK 3 desktop client. */
#include "client/gtk/app.h"
#include "common/i18n.h"

int main(int argc, char **argv)
{
    i18n_init();
    ChatApp *app = chat_app_new();
    int status = g_application_run(G_APPLICATION(app), argc, argv);
    g_object_unref(app);
    return status;
}
