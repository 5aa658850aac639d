"""chat-client speaks the user's language: run in German (LANGUAGE=de with a German
locale) it shows the German labels of po/de.po, found through the accessibility tree;
without a language, the same build speaks English."""

from chatgui import find_all, text_of, wait_until

GERMAN = {"LANGUAGE": "de", "LC_ALL": "de_DE.UTF-8"}
ENGLISH = {"LANGUAGE": "", "LC_ALL": "C.UTF-8"}


def labels(client):
    client.refresh()
    return {text_of(node) for node in find_all(client.window, role="label")}


def test_login_view_in_german(server, client_factory):
    anna = client_factory(server.port, None, connect=False, name="anna", env=GERMAN)
    wait_until(lambda: {"Willkommen bei Chat", "Nicht verbunden"} <= labels(anna),
               "the German login view")
    assert "Welcome to Chat" not in labels(anna)
    # The accessible names screen readers speak (from the mnemonic labels and the code).
    anna.widget("text", "Server")
    anna.widget("text", "Benutzername")
    anna.widget("password text", "Passwort")


def test_chat_view_in_german(server, client_factory):
    anna = client_factory(server.port, "anna", name="anna", env=GERMAN)
    wait_until(lambda: "Sie sind als anna dabei" in labels(anna), "the German join notice")
    anna.widget("text", "Nachricht")
    anna.widget("push button", "Datei anh\u00e4ngen")
    anna.widget("push button", "Senden")
    assert anna.find(role="push button", name="Attach file") is None


def test_english_without_a_language(server, client_factory):
    bob = client_factory(server.port, None, connect=False, name="bob", env=ENGLISH)
    wait_until(lambda: "Welcome to Chat" in labels(bob), "the English login view")
    bob.widget("text", "Username")
