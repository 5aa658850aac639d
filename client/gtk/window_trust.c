/* ChatWindow's certificate dialogs: on first use the server's fingerprint and a choice
 * (Accept pins it and connects again; Reject leaves it untrusted); on a changed
 * certificate a warning with the pinned and the offered fingerprint, whose only way on
 * is to forget the old pin behind a second, separate confirmation (see "Trust" in
 * session.h). Dialogs are GtkMessageDialogs (role "alert", so screen readers announce
 * them), never run in a nested loop. */
#include "client/gtk/window_private.h"

#include <glib/gi18n.h>

enum { RESPONSE_FORGET = 1 };

/* A certificate and the window it concerns, for a dialog's response. */
struct trust_prompt {
    ChatWindow *window;
    ChatCertificate *cert;
};

static struct trust_prompt *prompt_new(ChatWindow *window, const ChatCertificate *cert)
{
    struct trust_prompt *p = g_new(struct trust_prompt, 1);
    p->window = window;
    p->cert = g_boxed_copy(CHAT_TYPE_CERTIFICATE, cert);
    return p;
}

static void prompt_free(gpointer data, GClosure *closure)
{
    (void)closure;
    struct trust_prompt *p = data;
    g_boxed_free(CHAT_TYPE_CERTIFICATE, p->cert);
    g_free(p);
}

/* A modal message dialog over window with a title, a primary and a secondary text;
 * the fingerprints in it can be selected and copied. */
static GtkWidget *message_dialog(ChatWindow *window, GtkMessageType type, const char *title,
                                 const char *primary, const char *secondary)
{
    GtkWidget *dialog = gtk_message_dialog_new(GTK_WINDOW(window),
                                               GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                               type, GTK_BUTTONS_NONE, "%s", primary);
    gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(dialog), "%s", secondary);
    gtk_window_set_title(GTK_WINDOW(dialog), title);
    GtkWidget *area = gtk_message_dialog_get_message_area(GTK_MESSAGE_DIALOG(dialog));
    GList *labels = gtk_container_get_children(GTK_CONTAINER(area));
    for (GList *l = labels; l; l = l->next)
        if (GTK_IS_LABEL(l->data))
            gtk_label_set_selectable(l->data, TRUE);
    g_list_free(labels);
    atk_object_set_description(gtk_widget_get_accessible(dialog), secondary);
    return dialog;
}

/* Adds a button with a mnemonic label and the same accessible name, without the "_". */
static GtkWidget *add_button(GtkWidget *dialog, const char *label, int response)
{
    GtkWidget *button = gtk_dialog_add_button(GTK_DIALOG(dialog), label, response);
    char *name = g_strdup(label);
    char *out = name;
    for (const char *in = label; *in; in++)
        if (*in != '_')
            *out++ = *in;
    *out = '\0';
    window_set_accessible_name(button, name);
    g_free(name);
    return button;
}

/* Logs in again as the login view would (its fields, spinner and credentials), now
 * that the pin changed. */
static void connect_again(ChatWindow *window)
{
    g_signal_emit_by_name(window->login_view, "submit");
}

static void show_problem(ChatWindow *window, const char *what, const GError *error)
{
    GtkWidget *dialog = message_dialog(window, GTK_MESSAGE_ERROR, _("Certificate"), what,
                                       error->message);
    add_button(dialog, _("_Close"), GTK_RESPONSE_CLOSE);
    g_signal_connect(dialog, "response", G_CALLBACK(gtk_widget_destroy), NULL);
    gtk_widget_show(dialog);
}

/* ---- First use ---- */

static void on_first_use_response(GtkDialog *dialog, int response, struct trust_prompt *p)
{
    gtk_widget_destroy(GTK_WIDGET(dialog));
    if (response != GTK_RESPONSE_ACCEPT)
        return; /* rejected: nothing is pinned; the login view says why it failed */
    GError *error = NULL;
    if (chat_trust_pin(p->cert->host, p->cert->port, p->cert->fingerprint, &error))
        connect_again(p->window);
    else
        show_problem(p->window, _("The certificate could not be pinned"), error);
    g_clear_error(&error);
}

static void ask_first_use(ChatWindow *self, const ChatCertificate *cert)
{
    char *primary = g_strdup_printf(_("Trust the server %s port %u?"), cert->host, cert->port);
    char *secondary = g_strdup_printf(
        _("This is the first connection to this server. Its certificate's SHA-256 "
          "fingerprint is:\n\n%s\n\nCompare it with the one the server's operator gives "
          "you (chat-server --fingerprint shows it). Accept only if they match: it will be "
          "remembered, and a different certificate later will be refused."),
        cert->fingerprint);
    GtkWidget *dialog = message_dialog(self, GTK_MESSAGE_QUESTION, _("Unknown server"), primary,
                                       secondary);
    add_button(dialog, _("_Reject"), GTK_RESPONSE_REJECT);
    add_button(dialog, _("_Accept"), GTK_RESPONSE_ACCEPT);
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_REJECT);
    g_signal_connect_data(dialog, "response", G_CALLBACK(on_first_use_response),
                          prompt_new(self, cert), prompt_free, 0);
    gtk_widget_show(dialog);
    g_free(secondary);
    g_free(primary);
}

/* ---- Changed certificate ---- */

static void on_forget_confirmed(GtkDialog *dialog, int response, struct trust_prompt *p)
{
    gtk_widget_destroy(GTK_WIDGET(dialog));
    if (response != RESPONSE_FORGET)
        return;
    GError *error = NULL;
    if (chat_trust_forget(p->cert->host, p->cert->port, &error))
        connect_again(p->window); /* first use again: the new fingerprint is shown and asked */
    else
        show_problem(p->window, _("The old certificate could not be forgotten"), error);
    g_clear_error(&error);
}

static void confirm_forget(ChatWindow *self, const ChatCertificate *cert)
{
    char *primary = g_strdup_printf(_("Forget the old certificate of %s port %u?"), cert->host,
                                    cert->port);
    GtkWidget *dialog = message_dialog(
        self, GTK_MESSAGE_WARNING, _("Forget the old certificate"), primary,
        _("Do this only if the server's operator confirmed that the server has a new "
          "certificate. The next connection shows the new fingerprint and asks whether to "
          "trust it."));
    add_button(dialog, _("_Cancel"), GTK_RESPONSE_CANCEL);
    GtkWidget *forget = add_button(dialog, _("_Forget"), RESPONSE_FORGET);
    gtk_style_context_add_class(gtk_widget_get_style_context(forget), "destructive-action");
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_CANCEL);
    g_signal_connect_data(dialog, "response", G_CALLBACK(on_forget_confirmed),
                          prompt_new(self, cert), prompt_free, 0);
    gtk_widget_show(dialog);
    g_free(primary);
}

static void on_changed_response(GtkDialog *dialog, int response, struct trust_prompt *p)
{
    gtk_widget_destroy(GTK_WIDGET(dialog));
    if (response == RESPONSE_FORGET)
        confirm_forget(p->window, p->cert);
}

static void warn_changed(ChatWindow *self, const ChatCertificate *cert)
{
    char *primary = g_strdup_printf(_("Warning: the certificate of %s port %u has changed"),
                                    cert->host, cert->port);
    char *secondary = g_strdup_printf(
        _("The connection was refused. Someone may be intercepting it, or the server has a "
          "new certificate.\n\nTrusted before (SHA-256):\n%s\n\nOffered now (SHA-256):\n%s\n\n"
          "Ask the server's operator. Only if they confirm the new fingerprint, forget the "
          "old certificate and connect again to be asked about the new one."),
        cert->pinned, cert->fingerprint);
    GtkWidget *dialog = message_dialog(self, GTK_MESSAGE_WARNING,
                                       _("Server certificate changed"), primary, secondary);
    add_button(dialog, _("_Forget Old Certificate\u2026"), RESPONSE_FORGET);
    add_button(dialog, _("_Close"), GTK_RESPONSE_CLOSE);
    gtk_dialog_set_default_response(GTK_DIALOG(dialog), GTK_RESPONSE_CLOSE);
    g_signal_connect_data(dialog, "response", G_CALLBACK(on_changed_response),
                          prompt_new(self, cert), prompt_free, 0);
    gtk_widget_show(dialog);
    g_free(secondary);
    g_free(primary);
}

static void on_certificate_untrusted(ChatSession *session, ChatCertificate *cert,
                                     ChatWindow *self)
{
    (void)session;
    if (cert->pinned)
        warn_changed(self, cert);
    else
        ask_first_use(self, cert);
}

/* Shows the certificate dialogs for the window's session. */
void window_trust_init(ChatWindow *self)
{
    g_signal_connect(self->session, "certificate-untrusted",
                     G_CALLBACK(on_certificate_untrusted), self);
}
