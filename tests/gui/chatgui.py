"""Driving the real chat-client through the accessibility tree, as a person would.

A Server is the real chat-server on a loopback port (the kernel's pick, or a given one
to restart on); a Client is the real chat-client binary with its own working
directory, config directory and downloads folder. Widgets are found by role and
accessible name over AT-SPI, pressed with their "click"/"activate" actions, typed into
with EditableText, and read with Text. Every wait polls with a deadline.

Run inside tests/gui/xsession (Xvfb + private D-Bus + AT-SPI bus).
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import gi

gi.require_version("Atspi", "2.0")
gi.require_version("Gdk", "3.0")
gi.require_version("GdkX11", "3.0")
from gi.repository import Atspi, Gdk, GdkX11, Gio, GLib  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))
# The server side is the integration suite's: one way to start, stop and check it.
from chatserver import BIN_DIR, SANITIZER_RE, Server, binary  # noqa: E402,F401
from chatserver import wait_until as _wait_until  # noqa: E402

# Sanitizer builds are slower: every deadline stretches with them.
SLOWDOWN = 3.0 if "san" in BIN_DIR.name else 1.0
TIMEOUT = 15.0 * SLOWDOWN
if SLOWDOWN > 1:
    # AT-SPI gives an application 0.8 s to answer a call (15 s while it starts); a
    # sanitizer build restyling or laying out many rows was seen to take longer ("timeout
    # from dbind" in test_rooms' screenshot and in send_message).
    Atspi.set_timeout(5000, 45000)
GLIB_WARNING_RE = re.compile(r"-(WARNING|CRITICAL) \*\*")
# The password of the accounts tests make (gui_account, the raw_account fixture).
PASSWORD = "correct horse battery"
# A conversation row's accessible name: "alice, 17:22: the text" or "...: File x.pdf".
MESSAGE_NAME_RE = re.compile(r"^(.+?), (\d\d:\d\d): (.*)$", re.S)


def gone(error):
    """True when an AT-SPI call failed because its widget went away meanwhile (a row
    replaced or trimmed while the tree was being read)."""
    return isinstance(error, GLib.Error) and "does not exist" in str(error)


def wait_until(predicate, what, timeout=TIMEOUT, interval=0.05):
    """Polls predicate until it returns something true and returns that; fails the test
    at the deadline, naming what it waited for. A poll that met a widget going away
    counts as "not yet": the next one reads the tree as it is then."""
    def poll():
        try:
            return predicate()
        except GLib.Error as error:
            if gone(error):
                return None
            raise
    return _wait_until(poll, timeout, what, interval)


def stop_process(proc, timeout=10.0 * SLOWDOWN):
    """SIGTERM, then SIGKILL after timeout, for a process this test started. A sanitized
    client ends with a leak check over its whole heap: slow on a loaded machine."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


# ---- The accessibility tree ----

def walk(node):
    """node and all its descendants, depth first. Widgets that vanish while we look
    (a dialog closing, rows trimmed) are skipped: the caller polls again anyway."""
    if node is None:
        return
    yield node
    try:
        children = [node.get_child_at_index(i) for i in range(node.get_child_count())]
    except GLib.Error:
        return
    for child in children:
        yield from walk(child)


def is_showing(node):
    return node.get_state_set().contains(Atspi.StateType.SHOWING)


def text_of(node):
    """The text of a label or entry (its Text interface), else its name."""
    if "Text" in node.get_interfaces():
        return Atspi.Text.get_text(node, 0, Atspi.Text.get_character_count(node))
    return node.get_name()


def find_all(root, role=None, name=None, text=None, showing=True):
    """Descendants of root matching every criterion given: role name ("push button"),
    accessible name, text (exact; a name from the network counts as shown exactly when
    it is wrapped in the isolation marks FSI...PDI), and (by default) being on screen."""
    found = []
    for node in walk(root):
        try:
            if role is not None and node.get_role_name() != role:
                continue
            if name is not None and node.get_name() != name:
                continue
            if showing and not is_showing(node):
                continue
            if text is not None and text_of(node) not in (text, f"\u2068{text}\u2069"):
                continue
        except GLib.Error:
            continue  # the widget went away while we looked
        found.append(node)
    return found


def find_one(root, **criteria):
    found = find_all(root, **criteria)
    return found[0] if found else None


def ancestor(node, role):
    """Nearest ancestor of node with the given role name, or None."""
    node = node.get_parent()
    while node is not None and node.get_role_name() != role:
        node = node.get_parent()
    return node


def do_action(node, action_name):
    """Performs the action called action_name ("click", "activate") on node."""
    for i in range(Atspi.Action.get_n_actions(node)):
        with warnings.catch_warnings():
            # Its replacement, atspi_action_get_name, is shadowed in Python.
            warnings.simplefilter("ignore", DeprecationWarning)
            name = Atspi.Action.get_action_name(node, i)
        if name == action_name:
            return Atspi.Action.do_action(node, i)
    raise AssertionError(f"{node.get_role_name()} {node.get_name()!r} has no {action_name!r}")


def theme_is_dark(client):
    """TRUE when the window's own text (labels outside the conversation) is light, as
    it is on a dark background: what GTK draws, read through the text attributes."""
    client.refresh()
    levels = []
    for label in find_all(client.window, role="label"):
        if ancestor(label, "list item") is not None:
            continue
        colour = Atspi.Text.get_default_attributes(label).get("fg-color")
        if colour:
            levels.append(sum(int(c) for c in colour.split(",")) / (3 * 65535 if
                          max(int(c) for c in colour.split(",")) > 255 else 3 * 255))
    assert levels, f"{client}: no label to read the theme from"
    return sum(levels) / len(levels) > 0.5


KEY_RETURN = 0xFF0D
KEY_ESCAPE = 0xFF1B
KEY_TAB = 0xFF09
KEY_UP = 0xFF52
KEY_DOWN = 0xFF54
KEY_MENU = 0xFF67
SHIFT_MASK = 1 << 0
CONTROL_MASK = 1 << 2


def press_key(keysym, modifiers=0):
    """Synthesises a press and release of keysym (as a keyboard would) for the focused
    window, with the modifier mask (SHIFT_MASK, CONTROL_MASK) held down."""
    if modifiers:
        Atspi.generate_keyboard_event(modifiers, None, Atspi.KeySynthType.LOCKMODIFIERS)
    try:
        Atspi.generate_keyboard_event(keysym, None, Atspi.KeySynthType.SYM)
    finally:
        if modifiers:
            Atspi.generate_keyboard_event(modifiers, None, Atspi.KeySynthType.UNLOCKMODIFIERS)


def type_text(text):
    """Types text on the keyboard into the focused widget."""
    Atspi.generate_keyboard_event(0, text, Atspi.KeySynthType.STRING)


def focused(root):
    """The widget under root that has the keyboard focus, or None."""
    for node in walk(root):
        try:
            if node.get_state_set().contains(Atspi.StateType.FOCUSED):
                return node
        except GLib.Error:
            continue
    return None


class Client:
    """One chat-client process with private working, config and downloads folders.
    Downloads go to --files-dir DIR, or with desktop_downloads to the desktop's
    Downloads folder, which a private user-dirs.dirs puts in the working folder. Each
    is a separate instance (--new-instance) unless unique=True: then a chat-client
    already running on this desktop takes the launch over. env: extra variables
    (LANGUAGE, LC_ALL to run it in another language)."""

    def __init__(self, workdir, server_port, user, connect=True, extra_args=(),
                 desktop_downloads=False, tls=False, unique=False, env=None):
        """tls: without --no-tls (the test servers talk plain text); env: extra variables.
        Pinned certificates go to workdir/state (XDG_STATE_HOME), never the user's."""
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.files_dir = self.workdir / ("Downloads" if desktop_downloads else "received_files")
        if desktop_downloads:
            dirs = self.workdir / "xdg-config" / "user-dirs.dirs"
            dirs.parent.mkdir(parents=True, exist_ok=True)
            dirs.write_text(f'XDG_DOWNLOAD_DIR="{self.files_dir}"\n')
        env = {**os.environ, "XDG_STATE_HOME": str(self.workdir / "state"), **(env or {})}
        env["CHAT_CLIENT_CONFIG_DIR"] = str(self.workdir / "config")
        # The desktop's settings (GSettings: the dark preference) in a private key file,
        # never the user's own; tests change them with self.gsettings().
        env["XDG_CONFIG_HOME"] = str(self.workdir / "xdg-config")
        env["GSETTINGS_BACKEND"] = "keyfile"
        self.env = env
        env["GTK_A11Y"] = "atspi"
        env.pop("NO_AT_BRIDGE", None)
        # Exact stacks, so lsan.supp can tell GLib's deliberate leaks from ours (GLib has
        # no frame pointers), but only 10 frames deep: the slow unwinder runs at every
        # malloc, and the full default depth of 30 made the sanitized GUI suite 7x slower.
        env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"),
                                                     "fast_unwind_on_malloc=0",
                                                     "malloc_context_size=10"]))
        cmd = [binary("chat-client"), "--host", "127.0.0.1", "--port", str(server_port)]
        if not desktop_downloads:
            cmd += ["--files-dir", str(self.files_dir)]
        if user is not None:
            cmd += ["--user", user]
        if connect:
            cmd.append("--connect")
        if not tls:
            cmd.append("--no-tls")
        if not unique:
            cmd.append("--new-instance")
        cmd += list(extra_args)
        self.stderr_path = self.workdir / "client.stderr"
        with open(self.stderr_path, "ab") as err:
            self.proc = subprocess.Popen(cmd, cwd=self.workdir, env=env,
                                         stdin=subprocess.DEVNULL, stdout=err, stderr=err)
        try:
            self.app = wait_until(self._find_app, f"chat-client pid {self.proc.pid} on AT-SPI")
            self.window = wait_until(lambda: find_one(self.app, role="frame"),
                                     "the chat-client window")
        except BaseException:
            self.stop()
            raise

    def _find_app(self):
        assert self.proc.poll() is None, f"chat-client exited with {self.proc.returncode}"
        desktop = Atspi.get_desktop(0)
        for i in range(desktop.get_child_count()):
            app = desktop.get_child_at_index(i)
            try:
                if app is not None and app.get_process_id() == self.proc.pid:
                    return app
            except GLib.Error:
                continue
        return None

    def stop(self):
        """Ends the client as a session end would (SIGTERM: it says goodbye and quits);
        fails if it crashed or a sanitizer build reported anything."""
        status = stop_process(self.proc)
        report = self.stderr_path.read_text(errors="replace")
        assert not SANITIZER_RE.search(report), f"{self} sanitizer report:\n{report}"
        assert not GLIB_WARNING_RE.search(report), f"{self} logged a warning:\n{report}"
        assert status == 0, f"{self} exited with status {status}:\n{report[-2000:]}"
        return status

    # -- Finding things in this client's windows --

    def refresh(self):
        self.app.clear_cache()

    def find(self, **criteria):
        self.refresh()
        return find_one(self.app, **criteria)

    def wait_for(self, what, timeout=TIMEOUT, **criteria):
        return wait_until(lambda: self.find(**criteria), what, timeout)

    def widget(self, role, name):
        """The visible widget with that role and accessible name (waits for it)."""
        return self.wait_for(f"{role} {name!r}", role=role, name=name)

    def click(self, name, role="push button"):
        do_action(self.widget(role, name), "click")

    def set_entry(self, name, text):
        entry = self.widget("text", name)
        Atspi.EditableText.set_text_contents(entry, text)
        return entry

    def x_window(self):
        """The X window id of this client's main window: shown, of this process
        (_NET_WM_PID), and no dialog (no WM_TRANSIENT_FOR)."""
        def find():
            tree = subprocess.run(["xwininfo", "-root", "-children"], check=True,
                                  capture_output=True, text=True).stdout
            for line in tree.splitlines():
                xid = line.strip().split(" ", 1)[0]
                if not xid.startswith("0x"):
                    continue
                props = subprocess.run(["xprop", "-id", xid, "_NET_WM_PID", "WM_TRANSIENT_FOR"],
                                       capture_output=True, text=True).stdout
                if f"_NET_WM_PID(CARDINAL) = {self.proc.pid}\n" not in props + "\n":
                    continue
                if "WM_TRANSIENT_FOR(WINDOW)" in props:
                    continue
                info = subprocess.run(["xwininfo", "-id", xid], capture_output=True,
                                      text=True).stdout
                if "IsViewable" in info:
                    return int(xid, 16)
            return None
        return wait_until(find, f"{self}'s X window")

    def x_title(self):
        """The window title the desktop shows (_NET_WM_NAME)."""
        out = subprocess.run(["xprop", "-id", hex(self.x_window()), "-notype", "_NET_WM_NAME"],
                             check=True, capture_output=True).stdout.decode()
        return out.split("=", 1)[1].strip().strip('"') if "=" in out else ""

    def resize(self, width, height):
        """Resizes the window as a window manager would, and waits until it has the size.
        The request is repeated while the window is not there yet, as a person dragging
        its edge goes on: a window may first stop at the minimum width of its wide
        layout and only then fold its side panels."""
        display = Gdk.Display.get_default()
        window = GdkX11.X11Window.foreign_new_for_display(display, self.x_window())
        asked = [0.0]

        def sized():
            self.refresh()
            box = Atspi.Component.get_extents(self.window, Atspi.CoordType.SCREEN)
            if (box.width, box.height) == (width, height):
                return box
            if time.monotonic() - asked[0] > 0.5:
                window.resize(width, height)
                display.flush()
                asked[0] = time.monotonic()
            return None
        return wait_until(sized, f"{self} to be {width}x{height}")

    def screenshot(self, path):
        """Captures this client's window, as placed on the virtual screen, to path."""
        self.refresh()
        box = Atspi.Component.get_extents(self.window, Atspi.CoordType.SCREEN)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["import", "-window", "root", "-crop",
                        f"{box.width}x{box.height}+{box.x}+{box.y}", "+repage", str(path)],
                       check=True)

    def choose_theme(self, label):
        """Main menu, Preferences, the style radio button called label, then Escape."""
        self.set_preference("radio button", label, True)

    def set_preference(self, role, label, checked):
        """Main menu, Preferences, the check or radio button (role) called label made
        checked or not, then Escape."""
        do_action(self.widget("toggle button", "Main menu"), "click")
        do_action(self.widget("push button", "Preferences"), "click")
        button = self.widget(role, label)
        if button.get_state_set().contains(Atspi.StateType.CHECKED) != checked:
            do_action(button, "click")
        wait_until(lambda: button.get_state_set().contains(Atspi.StateType.CHECKED) == checked,
                   f"{label} to be {'on' if checked else 'off'}")
        press_key(KEY_ESCAPE)  # closes Preferences
        wait_until(lambda: self.find(role="dialog", name="Preferences") is None,
                   "Preferences to close")

    def gsettings(self, *args):
        """Runs gsettings (set, get) on this client's private desktop settings."""
        return subprocess.run(["gsettings", *args], env=self.env, check=True,
                              capture_output=True, text=True).stdout.strip()

    def subtitle(self):
        """The header bar's subtitle (server name and number online, or the state)."""
        self.refresh()
        for label in find_all(self.window, role="label"):
            value = text_of(label)
            if value.startswith("127.0.0.1") or value == "Not connected":
                return value
        return None

    def wait_online(self, users=None):
        """Waits until the header says how many are online (that many, if given)."""
        expect = " online" if users is None else f" \u00b7 {users} online"

        def ready():
            value = self.subtitle()
            return value if value and value.endswith(expect) else None
        return wait_until(ready, f"{self} to be {expect}")

    def send_message(self, text):
        """Puts text into the compose box and presses Enter in it."""
        entry = self.set_entry("Message", text)
        Atspi.Component.grab_focus(entry)
        wait_until(lambda: entry.get_state_set().contains(Atspi.StateType.FOCUSED),
                   "the message box to have focus")
        press_key(0xFF0D)  # Return
        wait_until(lambda: text_of(entry) == "", "the message box to clear after Enter")

    def attach_file(self, path):
        """Sends the file at path the way a keyboard user would: the Attach file button,
        then "/" in the file chooser opens its location field, the full path goes in,
        and the dialog's Send button sends it."""
        self.click("Attach file")
        dialog = wait_until(lambda: self.find(role="file chooser", name="Send a file"),
                            "the Send a file dialog")
        deadline = time.monotonic() + TIMEOUT
        location = None
        while location is None:
            assert time.monotonic() < deadline, "the file chooser's location field did not appear"
            self.refresh()
            location = find_one(dialog, role="text")
            if location is None:
                # Keyboard focus to the dialog's file list, then "/" as a person types it.
                files = find_one(dialog, role="table")
                if files is not None:
                    Atspi.Component.grab_focus(files)
                press_key(ord("/"))
                time.sleep(0.2)
        Atspi.EditableText.set_text_contents(location, str(path))
        send = wait_until(lambda: find_one(dialog, role="push button", name="Send"),
                          "the dialog's Send button")
        do_action(send, "click")
        wait_until(lambda: self.find(role="file chooser", name="Send a file") is None,
                   "the dialog to close")

    def fill_login(self, username, password, create=False):
        """Logs in from the login view with an account's password (create: registers it
        first), as a person types it."""
        self.set_entry("Username", username)
        Atspi.EditableText.set_text_contents(self.widget("password text", "Password"),
                                             password)
        check = self.widget("check box", "Create a new account")
        if check.get_state_set().contains(Atspi.StateType.CHECKED) != create:
            do_action(check, "click")
        self.click("Create account" if create else "Connect")

    def wait_line(self, words, timeout=TIMEOUT):
        """Waits for a line (a label) of the window containing words; returns its text."""
        def seen():
            self.refresh()
            return next((text_of(label) for label in find_all(self.app, role="label")
                         if words in text_of(label)), None)
        return wait_until(seen, f"{self}: a line saying {words!r}", timeout)

    def message_rows(self):
        """(accessible name, description, [label texts]) of every message and file row
        shown; a row's name is "sender, HH:MM: text" (or ": File name")."""
        self.refresh()
        rows = []
        for row in find_all(self.app, role="list item"):
            name = row.get_name() or ""
            if MESSAGE_NAME_RE.match(name):
                labels = [text_of(n) for n in find_all(row, role="label")]
                rows.append((name, row.get_description() or "", labels))
        return rows

    def wait_message(self, sender, text, timeout=TIMEOUT):
        """Waits for a bubble from sender whose text label is exactly text."""
        def seen():
            for name, description, labels in self.message_rows():
                if MESSAGE_NAME_RE.match(name).group(1) == sender and text in labels:
                    return (name, description, labels)
            return None
        return wait_until(seen, f"{self}: a bubble from {sender} saying {text!r}", timeout)

    def file_row(self, sender, file_name):
        """The row of file_name shared by sender, or None."""
        self.refresh()
        for row in find_all(self.app, role="list item"):
            match = MESSAGE_NAME_RE.match(row.get_name() or "")
            if match and match.group(1) == sender and match.group(3) == f"File {file_name}":
                return row
        return None

    def wait_file_row(self, sender, file_name):
        return wait_until(lambda: self.file_row(sender, file_name),
                          f"{self}: {sender}'s file {file_name}")

    def __str__(self):
        return f"chat-client[{self.proc.pid}]"


def gui_account(client_factory, server, name):
    """A chat-client window that registers the account name (PASSWORD) through its
    login view, online."""
    client = client_factory(server.port, None, connect=False, name=name)
    client.fill_login(name, PASSWORD, create=True)
    client.wait_online()
    return client


# ---- The clipboard, as another application fills it ----

CLIPBOARD_OWNER = '''
import sys
import gi
gi.require_version("Gtk", "3.0")
from gi.repository import Gdk, GdkPixbuf, Gtk
Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD).set_image(GdkPixbuf.Pixbuf.new_from_file(sys.argv[1]))
print("ready", flush=True)
Gtk.main()
'''


class ClipboardImage:
    """Another application (a Python GTK process of its own) that put the image at
    path on the clipboard and serves it until stop()."""

    def __init__(self, path):
        self.proc = subprocess.Popen([sys.executable, "-c", CLIPBOARD_OWNER, str(path)],
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready", "the clipboard owner failed"

    def stop(self):
        stop_process(self.proc)
        self.proc.stdout.close()


# ---- A desktop notification service, so notifications can be checked ----

NOTIFICATIONS_XML = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
</node>
"""


class BusService:
    """A service on the session bus, as a desktop provides one: name owned, the
    interface described by xml served at path by on_call(method, parameters,
    invocation). Runs on its own thread and main context until stop()."""

    def __init__(self, name, path, xml, on_call):
        self._name, self._path = name, path
        self._info = Gio.DBusNodeInfo.new_for_xml(xml).interfaces[0]
        self._on_call = on_call
        self._context = GLib.MainContext.new()
        self._loop = GLib.MainLoop.new(self._context, False)
        self._ready = threading.Event()
        self._failure = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self._ready.wait(TIMEOUT), f"{name} did not start"
        assert self._failure is None, f"{name} failed: {self._failure}"

    def emit(self, signal, parameters):
        """Emits signal of the interface (on the service's thread)."""
        def emit():
            self._bus.emit_signal(None, self._path, self._info.name, signal, parameters)
            return False
        self._context.invoke_full(GLib.PRIORITY_DEFAULT, emit)

    def stop(self):
        self._context.invoke_full(GLib.PRIORITY_DEFAULT, self._loop.quit)
        self._thread.join(TIMEOUT)

    def _run(self):
        self._context.push_thread_default()
        try:
            address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, None)
            flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
                     Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
            bus = Gio.DBusConnection.new_for_address_sync(address, flags, None, None)
            self._bus = bus
            bus.register_object(self._path, self._info, self._call, None, None)
            reply = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                                  "org.freedesktop.DBus", "RequestName",
                                  GLib.Variant("(su)", (self._name, 4)),
                                  GLib.VariantType("(u)"), Gio.DBusCallFlags.NONE, -1, None)
            if reply.unpack()[0] != 1:  # DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER
                raise RuntimeError(f"{self._name} is already owned")
        except Exception as exc:  # reported to the constructor
            self._failure = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run()
        bus.close_sync(None)

    def _call(self, connection, sender, path, interface, method, parameters, invocation):
        self._on_call(method, parameters, invocation)


class DesktopNotifications:
    """org.freedesktop.Notifications on the session bus (as a desktop provides it),
    recording every notification shown as (summary, body), until stop()."""

    def __init__(self):
        self._received = []
        self._details = []  # (summary, body, replaces id, id given)
        self._lock = threading.Lock()
        self._service = BusService("org.freedesktop.Notifications",
                                   "/org/freedesktop/Notifications", NOTIFICATIONS_XML,
                                   self._on_call)

    def received(self):
        with self._lock:
            return list(self._received)

    def find(self, summary):
        """(summary, body, replaces id, id) of the latest notification with that summary,
        or None. A notification updated in place replaces the id it was given."""
        with self._lock:
            for details in reversed(self._details):
                if details[0] == summary:
                    return details
        return None

    def click(self, notification_id):
        """The user clicks notification_id: ActionInvoked(id, "default"), as the desktop
        sends it."""
        self._service.emit("ActionInvoked", GLib.Variant("(us)", (notification_id, "default")))

    def stop(self):
        self._service.stop()

    def _on_call(self, method, parameters, invocation):
        if method == "Notify":
            args = parameters.unpack()
            with self._lock:
                self._received.append((args[3], args[4]))
                serial = args[1] or len(self._received)
                self._details.append((args[3], args[4], args[1], serial))
            invocation.return_value(GLib.Variant("(u)", (serial,)))
        elif method == "GetCapabilities":
            invocation.return_value(GLib.Variant("(as)", (["body", "actions"],)))
        elif method == "GetServerInformation":
            invocation.return_value(GLib.Variant("(ssss)", ("tests", "chat", "1", "1.2")))
        else:
            invocation.return_value(None)


PORTAL_SETTINGS_XML = """
<node>
  <interface name="org.freedesktop.portal.Settings">
    <method name="Read">
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="v" direction="out"/>
    </method>
    <signal name="SettingChanged">
      <arg type="s"/><arg type="s"/><arg type="v"/>
    </signal>
  </interface>
</node>
"""


class PortalSettings:
    """The desktop portal's Settings (org.freedesktop.portal.Desktop), as a sandboxed
    app sees the desktop: org.freedesktop.appearance color-scheme (0 no preference, 1
    dark, 2 light), changed with set_color_scheme, until stop()."""

    def __init__(self, color_scheme):
        self.color_scheme = color_scheme
        self._service = BusService("org.freedesktop.portal.Desktop",
                                   "/org/freedesktop/portal/desktop", PORTAL_SETTINGS_XML,
                                   self._on_call)

    def set_color_scheme(self, value):
        self.color_scheme = value
        self._service.emit("SettingChanged", GLib.Variant(
            "(ssv)", ("org.freedesktop.appearance", "color-scheme", GLib.Variant("u", value))))

    def stop(self):
        self._service.stop()

    def _on_call(self, method, parameters, invocation):
        namespace, key = parameters.unpack()
        if (namespace, key) != ("org.freedesktop.appearance", "color-scheme"):
            invocation.return_dbus_error("org.freedesktop.portal.Error.NotFound", key)
            return
        # Read's value is wrapped twice, as the portal has always sent it.
        inner = GLib.Variant("v", GLib.Variant("u", self.color_scheme))
        invocation.return_value(GLib.Variant("(v)", (inner,)))
