"""chat-client is a single-instance GNOME application: a second launch on the desktop
brings the open window to the front instead of opening another; --new-instance (which
the other tests use) opens a separate client."""

import os
import subprocess

from chatgui import TIMEOUT, Atspi, binary, find_all, wait_until


def is_active(client):
    client.refresh()
    return client.window.get_state_set().contains(Atspi.StateType.ACTIVE)


def test_second_launch_raises_the_open_window(server, client_factory):
    first = client_factory(server.port, None, connect=False, unique=True, name="first")
    other = client_factory(server.port, "bob")  # a separate instance, in front
    Atspi.Component.grab_focus(other.widget("text", "Message"))
    wait_until(lambda: is_active(other), "bob's window to be in front")
    wait_until(lambda: not is_active(first), "the first window to be behind")

    again = subprocess.run([binary("chat-client")], env=dict(os.environ, GTK_A11Y="atspi"),
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
    assert again.returncode == 0, again
    wait_until(lambda: is_active(first), "the first window to come to the front")
    first.refresh()
    assert len(find_all(first.app, role="frame")) == 1, "a second window was opened"
    assert first.proc.poll() is None
