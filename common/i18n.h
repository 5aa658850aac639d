/* Translations of the clients: one gettext domain, GETTEXT_PACKAGE, for chat-client and
 * chat-cli. Strings are marked with _() and N_() from <glib/gi18n.h>. */
#ifndef CHAT_COMMON_I18N_H
#define CHAT_COMMON_I18N_H

/* Takes the locale from the environment and binds the domain to the catalogs of this
 * build: the build tree's build/locale, or the installed LOCALEDIR (CHAT_LOCALEDIR,
 * set by the Makefile). Call first thing in main(). */
void i18n_init(void);

#endif
