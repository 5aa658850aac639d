"""Makes docs/screenshots/ from the real binaries: a real server and three real clients
holding a short conversation (emoji, a link, a file that is downloaded, folded join
notices), captured from the screen with ImageMagick's import:
  login.png                            the login view
  chat-light.png, chat-dark.png        the conversation on a wide window (1200 px)
  chat-light-narrow.png, chat-dark-narrow.png   the same at 360 px (a phone)
  users-narrow.png                     the online users panel over a narrow window
  menu.png                             the main menu

Run: CHAT_BIN_DIR=$PWD/build tests/gui/xsession /usr/bin/python3 tests/gui/make_screenshots.py
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chatgui import (REPO, Atspi, Client, DesktopNotifications, Server,  # noqa: E402
                     do_action, find_one, wait_until)

OUT = REPO / "docs" / "screenshots"


def raise_window(client):
    """Brings the client's window to the front (there is no window manager)."""
    target = (client.find(role="text", name="Message") or
              client.find(role="push button", name="Connect"))
    Atspi.Component.grab_focus(target)
    time.sleep(0.5)  # let the raised window repaint before the shot


def shoot(client, name, raise_first=True):
    """Captures the client's window, as placed on the virtual screen, to OUT/name."""
    if raise_first:
        raise_window(client)
    time.sleep(0.5)  # let transitions finish
    client.refresh()
    box = Atspi.Component.get_extents(client.window, Atspi.CoordType.SCREEN)
    geometry = f"{box.width}x{box.height}+{box.x}+{box.y}"
    subprocess.run(["import", "-window", "root", "-crop", geometry, "+repage",
                    str(OUT / name)], check=True)
    print(f"wrote {OUT / name} ({geometry})")


def say(sender, receiver, text):
    sender.send_message(text)
    receiver.wait_message(sender_name(sender), text)


def sender_name(client):
    return client.user


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="chat-screenshots-"))
    notifications = DesktopNotifications()  # the windows in the background notify
    server = Server(work / "server")
    clients = []

    def start(user, connect=True, theme="light"):
        client = Client(work / user, server.port, user, connect, ["--theme", theme])
        client.user = user
        clients.append(client)
        return client

    try:
        login = start("alice", connect=False)
        shoot(login, "login.png")
        login.stop()
        clients.remove(login)

        alice = start("alice")
        alice.wait_online()
        bob = start("bob")
        bob.wait_online(users=2)
        alice.wait_online(users=2)

        say(bob, alice, "Hi Alice! \U0001F44B")
        say(bob, alice, "Did the slides for Friday come together?")
        say(alice, bob, "Almost \u2014 the charts took longer than I thought \U0001F605")
        say(alice, bob, "Could you send me your notes?")
        notes = work / "meeting-notes.pdf"
        notes.write_bytes(os.urandom(1_843_200))
        bob.attach_file(notes)
        row = alice.wait_file_row("bob", "meeting-notes.pdf")
        do_action(find_one(row, role="push button", name="Download"), "click")
        wait_until(lambda: "downloaded" in (alice.file_row("bob", "meeting-notes.pdf")
                                            .get_description() or ""), "the download")
        say(bob, alice, "Here you go \U0001F4CE The draft agenda is at https://example.org/agenda")
        carol = start("carol")
        alice.wait_online(users=3)
        say(carol, alice, "Morning all \u2600\ufe0f")
        say(alice, carol, "Thanks Bob, perfect! \U0001F389")
        say(alice, carol, "Hi Carol \U0001F60A")
        say(carol, alice, "\U0001F44D\U0001F389")

        for theme in ("light", "dark"):
            if theme == "dark":
                alice.choose_theme("Dark")
            alice.resize(1200, 760)
            shoot(alice, f"chat-{theme}.png")
            alice.resize(360, 740)
            shoot(alice, f"chat-{theme}-narrow.png")
        do_action(alice.widget("toggle button", "Online users"), "click")
        alice.widget("list item", "bob (guest), online")
        shoot(alice, "users-narrow.png", raise_first=False)
        do_action(alice.widget("toggle button", "Online users"), "click")
        alice.choose_theme("Light")
        alice.resize(1200, 760)
        raise_window(alice)
        do_action(alice.widget("toggle button", "Main menu"), "click")
        alice.widget("push button", "Preferences")
        shoot(alice, "menu.png", raise_first=False)
    finally:
        for client in clients:
            client.stop()
        server.stop()
        notifications.stop()


if __name__ == "__main__":
    main()
