"""The window at 360 px (GNOME's mobile minimum), 800 px and 1600 px wide: nothing
clipped (every widget inside the window, every text inside its widget, every row inside
the conversation's width), nothing overlapping (header, compose box, conversation, room
list and user list compared by their allocations), the room and user lists folded into
toggled panels below 700 px, and the conversation a centred column on wide windows. Screenshots go to
tests/artifacts/layout-WIDTH.png to be looked at."""

import pytest
from chatclient import RawClient, upload
from chatgui import REPO, Atspi, GLib, ancestor, do_action, find_all, walk, wait_until

HEIGHT = 700
COLUMN_MAX = 760
LONG_NAME = "quarterly-report-with-a-very-long-name-that-cannot-fit-on-a-phone-2026.pdf"
ARTIFACTS = REPO / "tests" / "artifacts"


def box(node):
    e = Atspi.Component.get_extents(node, Atspi.CoordType.SCREEN)
    return (e.x, e.y, e.x + e.width, e.y + e.height)


def inside(inner, outer, slack=0):
    return (inner[0] >= outer[0] - slack and inner[2] <= outer[2] + slack and
            inner[1] >= outer[1] - slack and inner[3] <= outer[3] + slack)


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def showing_boxes(root):
    """(node, box) of every showing object under root with an area."""
    found = []
    for node in walk(root):
        try:
            if not node.get_state_set().contains(Atspi.StateType.SHOWING):
                continue
            if "Component" not in node.get_interfaces():
                continue
            b = box(node)
        except GLib.Error:
            continue
        if b[2] > b[0] and b[3] > b[1]:
            found.append((node, b))
    return found


def describe(node):
    return f"{node.get_role_name()} {node.get_name()!r}"


def check_layout(client, width):
    client.refresh()
    window = box(client.window)
    assert window[2] - window[0] == width
    problems = []
    conversation = client.find(role="list box", name="Messages")
    pane = box(ancestor(conversation, "scroll pane"))
    for node, b in showing_boxes(client.window):
        role = node.get_role_name()
        if role == "frame":
            continue
        scrolled = ancestor(node, "scroll pane")
        if scrolled is not None and ancestor(node, "list box") is not None:
            # Rows scroll vertically; across, they must fit the conversation exactly.
            limit = box(scrolled)
            if b[0] < limit[0] or b[2] > limit[2]:
                problems.append(f"{describe(node)} {b} sticks out of the conversation {limit}")
            continue
        if not inside(b, window):
            problems.append(f"{describe(node)} {b} is outside the window {window}")
        if role in ("label", "push button", "toggle button") and "Text" in node.get_interfaces():
            n = Atspi.Text.get_character_count(node)
            if n > 0:
                t = Atspi.Text.get_range_extents(node, 0, n, Atspi.CoordType.SCREEN)
                text = (t.x, t.y, t.x + t.width, t.y + t.height)
                if t.width > 0 and not inside(text, b, slack=1):
                    problems.append(f"{describe(node)}: text {text} clipped by {b}")
    # Side by side, never on top of each other.
    groups = {
        "header": [n for n in find_all(client.window, role="push button") +
                   find_all(client.window, role="toggle button")
                   if ancestor(n, "list box") is None and ancestor(n, "scroll pane") is None],
        "compose": [client.find(role="push button", name=n) for n in
                    ("Attach file", "Insert emoji", "Send")] +
                   [ancestor(client.find(role="text", name="Message"), "scroll pane")],
    }
    for group, nodes in groups.items():
        boxes = [(describe(n), box(n)) for n in nodes if n is not None]
        for i, (na, a) in enumerate(boxes):
            for nb, b in boxes[i + 1:]:
                if overlap(a, b):
                    problems.append(f"{group}: {na} {a} overlaps {nb} {b}")
    users = client.find(role="list box", name="Online users")
    if width >= 700:
        assert users is not None, "the user list is shown beside a wide conversation"
        if overlap(box(users), pane):
            problems.append(f"the user list {box(users)} overlaps the conversation {pane}")
    else:
        assert users is None, "the user list is folded away on a narrow window"
    rooms = client.find(role="list box", name="Rooms")
    if width >= 700:
        assert rooms is not None, "the rooms are listed beside a wide conversation"
        for other, what in ((pane, "the conversation"), (box(users), "the user list")):
            if overlap(box(ancestor(rooms, "scroll pane")), other):
                problems.append(f"the room list {box(rooms)} overlaps {what} {other}")
    else:
        assert rooms is None, "the room list is folded away on a narrow window"
    assert problems == [], "\n".join(problems)
    return pane


def settled_layout(client, width):
    """check_layout once the widgets are laid out for width: the window has its new size
    a frame before its children have their new allocations. Fails with check_layout's
    findings when the layout never passes."""
    def clean():
        try:
            return check_layout(client, width)
        except (AssertionError, GLib.Error):
            return None
    try:
        return wait_until(clean, f"a clean layout at {width} px")
    except AssertionError:
        return check_layout(client, width)


def shoot(client, width):
    client.screenshot(ARTIFACTS / f"layout-{width}.png")


@pytest.fixture(scope="module")
def busy_alice(module_server_factory, module_client_factory):
    """alice's window with a long text, a long file name, emoji and her own lines; one
    for the tests of this module, each of which sets the size it looks at."""
    server = module_server_factory()
    alice = module_client_factory(server.port, "alice")
    alice.wait_online()
    bob = RawClient(server.port)
    bob.login("bob")
    upload(bob, LONG_NAME, b"%PDF-1.7\n" * 400)
    bob.say("A long message that has to wrap several times on a narrow phone screen, "
            "with a link https://example.org/a/rather/long/path/that/does/not/break and "
            "supercalifragilisticexpialidocious-words-without-spaces-anywhere-in-them", 1)
    bob.say("\U0001F44D\U0001F389", 2)
    alice.wait_file_row("bob", LONG_NAME)
    alice.wait_message("bob", "\U0001F44D\U0001F389")
    alice.send_message("line one\nline two\nline three")
    yield alice
    bob.close()


@pytest.mark.parametrize("width", [360, 800, 1600])
def test_nothing_clipped_or_overlapping(busy_alice, width):
    alice = busy_alice
    alice.resize(width, HEIGHT)
    narrow = width < 700
    wait_until(lambda: (alice.find(role="toggle button", name="Online users") is not None)
               == narrow, "the layout to settle")
    pane = settled_layout(alice, width)
    rows = [box(r) for r in find_all(alice.app, role="list item")
            if ancestor(r, "list box").get_name() == "Messages"]
    left, right = min(r[0] for r in rows), max(r[2] for r in rows)
    if width == 1600:
        # A centred column, not rows spread over 1,400 px.
        assert right - left <= COLUMN_MAX
        assert abs((left - pane[0]) - (pane[2] - right)) <= 2
    # The long file name fits its row (checked above: its text is not clipped, so it is
    # ellipsized) and the whole name is in its tooltip.
    row = alice.file_row("bob", LONG_NAME)
    label = next(n for n in find_all(row, role="label")      # shown isolated: FSI...PDI
                 if n.get_name() in (LONG_NAME, f"\u2068{LONG_NAME}\u2069"))
    assert label.get_description() == LONG_NAME
    shoot(alice, width)


def test_narrow_window_toggles_the_user_panel(busy_alice):
    alice = busy_alice
    alice.resize(360, HEIGHT)
    toggle = alice.widget("toggle button", "Online users")
    do_action(toggle, "click")
    users = alice.widget("list box", "Online users")
    wait_until(lambda: inside(box(users), box(alice.window)), "the panel to fit the window")
    alice.wait_for("bob in the panel", role="list item", name="bob (guest), online")
    do_action(toggle, "click")
    wait_until(lambda: alice.find(role="list box", name="Online users") is None,
               "the panel to fold away again")


def test_compose_box_grows_to_six_lines_then_scrolls(server, client_factory):
    alice = client_factory(server.port, "alice")
    alice.wait_online()
    view = alice.set_entry("Message", "one line")

    def height():
        alice.refresh()
        b = box(view)
        return b[3] - b[1]
    line = wait_until(height, "the box's size")
    alice.set_entry("Message", "\n".join(["line"] * 3))
    wait_until(lambda: height() >= 2.5 * line, "the box to grow to three lines")
    text = "\n".join(f"line {i}" for i in range(12))
    alice.set_entry("Message", text)
    wait_until(lambda: height() >= 5 * line, "the box to grow further")
    assert height() < 7 * line, f"the box stops growing near six lines: {height()} px"
    # Twelve lines do not fit: the first or the last is outside the box (scrolled).
    top, bottom = box(view)[1], box(view)[3]
    first = Atspi.Text.get_character_extents(view, 0, Atspi.CoordType.SCREEN)
    last = Atspi.Text.get_character_extents(view, len(text) - 1, Atspi.CoordType.SCREEN)
    assert first.y < top or last.y + last.height > bottom, "the rest scrolls"


def test_narrow_window_toggles_the_rooms_panel(busy_alice):
    alice = busy_alice
    alice.resize(360, HEIGHT)
    toggle = alice.widget("toggle button", "Rooms")
    do_action(toggle, "click")
    rooms = alice.widget("list box", "Rooms")
    wait_until(lambda: inside(box(rooms), box(alice.window)), "the panel to fit the window")
    alice.wait_for("the lobby in the panel", role="list item", name="lobby")
    do_action(toggle, "click")
    wait_until(lambda: alice.find(role="list box", name="Rooms") is None,
               "the panel to fold away again")
