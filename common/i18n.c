/* gettext set-up shared by both clients; see i18n.h. */
#include "common/i18n.h"

#include <glib/gi18n.h>
#include <locale.h>

void i18n_init(void)
{
    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, CHAT_LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
}
