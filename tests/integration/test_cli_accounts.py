"""chat-cli with accounts, against the real server: registering, logging in with a
password file, refusals in words with exit status 1, the login token kept in a 0600
file and used by the next start (also after a server restart), logout and password
changes revoking it, and the moderation commands."""

import re
import stat

import pytest
from chatcli import STAMP
from chatserver import wait_until

PASSWORD = "correct horse battery"
HEX64 = re.compile(r"^[0-9a-f]{64}$")


@pytest.fixture
def server(server_factory):
    """A server as deployed: accounts only, no guests."""
    return server_factory(guests=False)


def password_file(tmp_path, name, password=PASSWORD):
    path = tmp_path / f"{name}-{abs(hash(password))}.pw"
    path.write_text(password + "\n")
    path.chmod(0o600)
    return path


def run(cli, server, name, lines=(), extra=(), state_dir=None, status=0):
    """chat-cli with lines piped in; waits for it to finish with that exit status."""
    proc = cli(server, name, extra=extra, state_dir=state_dir)
    for line in lines:
        proc.write(line)
    proc.close_stdin()
    assert proc.wait() == status, f"exit status; stdout {proc.out}; stderr {proc.err}"
    return proc


def register(cli, server, tmp_path, name, state_dir=None, password=PASSWORD, extra=()):
    pw = password_file(tmp_path, name, password)
    proc = run(cli, server, name, [f"hello from {name}"], state_dir=state_dir,
               extra=["--register", "--password-file", str(pw), *extra])
    proc.wait_line(rf"^{STAMP} \* connected as {name}$")
    return proc


def connected(proc, name):
    return any(re.match(rf"^{STAMP} \* connected as {re.escape(name)}$", line)
               for line in proc.out)


def errors(proc):
    return "\n".join(line for line in proc.err if line.startswith("error: "))


def write_token(path, token):
    """A token file as chat-cli keeps one: readable by its owner only."""
    path.write_text(token)
    path.chmod(0o600)


def token_files(state_dir):
    return sorted((state_dir / "chat-cli").glob("token-*"))


def test_register_keeps_token_0600_and_next_start_logs_in_with_it(server, cli, tmp_path):
    state = tmp_path / "alice-state"
    register(cli, server, tmp_path, "alice", state_dir=state)
    files = token_files(state)
    assert len(files) == 1, files
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(files[0].parent.stat().st_mode) == 0o700
    assert HEX64.match(files[0].read_text().strip())
    # No password at all: only the kept token can log alice in (guests are off).
    again = run(cli, server, "alice", ["back again"], state_dir=state)
    assert connected(again, "alice"), again.out
    # Without the token file nobody gets in as alice without her password.
    stranger = run(cli, server, "alice", state_dir=tmp_path / "elsewhere", status=1)
    assert "needs an account" in errors(stranger), stranger.err


def test_wrong_password_exits_1_with_the_reason(server, cli, tmp_path):
    register(cli, server, tmp_path, "alice")
    wrong = password_file(tmp_path, "alice", "not the password at all")
    proc = run(cli, server, "alice", ["never sent"], extra=["--password-file", str(wrong)],
               status=1)
    assert "error: Wrong name or password." in proc.err, proc.err
    assert not connected(proc, "alice")
    right = password_file(tmp_path, "alice")
    proc = run(cli, server, "alice", ["now it works"], extra=["--password-file", str(right)])
    assert connected(proc, "alice")


def test_password_file_problems_are_refusals(server, cli, tmp_path):
    empty = tmp_path / "empty.pw"
    empty.write_text("\n")
    proc = run(cli, server, "alice", extra=["--password-file", str(empty)], status=1)
    assert "is empty" in errors(proc)
    proc = run(cli, server, "alice", extra=["--register"], status=1)
    assert "--register needs --password-file" in errors(proc)


def test_token_survives_a_server_restart(server_factory, cli, tmp_path):
    data = tmp_path / "data"
    first = server_factory("--data-dir", str(data), guests=False)
    token = tmp_path / "alice.token"
    register(cli, first, tmp_path, "alice", extra=["--token-file", str(token)])
    kept = token.read_text()
    first.stop()
    second = server_factory("--data-dir", str(data), guests=False)
    proc = run(cli, second, "alice", ["after the restart"], extra=["--token-file", str(token)])
    assert connected(proc, "alice"), proc.err
    assert token.read_text() == kept  # the same login, not a new one


def test_logout_revokes_and_a_refused_token_falls_back_to_the_password(server, cli, tmp_path):
    state = tmp_path / "alice-state"
    register(cli, server, tmp_path, "alice", state_dir=state)
    [path] = token_files(state)
    old = path.read_text()
    proc = run(cli, server, "alice", ["/logout"], state_dir=state)
    assert connected(proc, "alice")
    assert token_files(state) == [], "logging out forgets the token here"
    # The server forgot it too: the old token no longer logs in...
    stale = tmp_path / "stale.token"
    write_token(stale, old)
    proc = run(cli, server, "alice", extra=["--token-file", str(stale)], status=1)
    assert "saved login has expired" in errors(proc), proc.err
    assert not stale.exists(), "a refused token is forgotten"
    # ...and with the password file at hand chat-cli falls back to the password.
    write_token(stale, old)
    pw = password_file(tmp_path, "alice")
    proc = run(cli, server, "alice", ["with the password"],
               extra=["--token-file", str(stale), "--password-file", str(pw)])
    assert connected(proc, "alice"), proc.err
    assert HEX64.match(stale.read_text().strip()) and stale.read_text() != old


def test_password_change_from_a_pipe_revokes_every_token(server, cli, tmp_path):
    other_device = tmp_path / "laptop"
    register(cli, server, tmp_path, "alice", state_dir=other_device)
    new = "a much better passphrase"
    pw = password_file(tmp_path, "alice")
    proc = run(cli, server, "alice", ["/password", PASSWORD, new],
               extra=["--password-file", str(pw)])
    proc.wait_line(rf"^{STAMP} \* Your password was changed\.$")
    # The laptop's token went with the old password.
    laptop = run(cli, server, "alice", state_dir=other_device, status=1)
    assert "saved login has expired" in errors(laptop), laptop.err
    old = run(cli, server, "alice", extra=["--password-file", str(pw)],
              state_dir=tmp_path / "a", status=1)
    assert "Wrong name or password" in errors(old)
    fresh = run(cli, server, "alice", ["new password works"], state_dir=tmp_path / "b",
                extra=["--password-file", str(password_file(tmp_path, "alice", new))])
    assert connected(fresh, "alice")


def online(cli, server, tmp_path, name):
    """chat-cli logged in as the registered name, stdin left open (it stays online)."""
    pw = password_file(tmp_path, name)
    proc = cli(server, name, extra=["--password-file", str(pw)])
    proc.wait_line(rf"^{STAMP} \* connected as {name}$")
    return proc


def test_moderation_commands(server, cli, tmp_path):
    for name in ("alice", "bob", "carol"):   # alice came first: she is the admin
        register(cli, server, tmp_path, name)
    bob = online(cli, server, tmp_path, "bob")
    carol = online(cli, server, tmp_path, "carol")
    # A member is not offered moderation: refused before anything is sent.
    bob.write("/kick carol because")
    bob.wait_line(r"^error: Your role does not allow that\.$", stream="err")

    alice = online(cli, server, tmp_path, "alice")
    alice.write("/users")
    alice.wait_line(rf"^{STAMP} \* online: alice \(admin\), bob, carol$")
    alice.write("/role bob moderator")
    alice.wait_line(rf"^{STAMP} \* You made bob a moderator$")
    bob.wait_line(rf"^{STAMP} \* alice made bob a moderator$")
    carol.wait_line(rf"^{STAMP} \* alice made bob a moderator$")

    # Now bob may mute and kick.
    bob.write("/mute carol 5")
    bob.wait_line(rf"^{STAMP} \* You muted carol for 5 min$")
    carol.wait_line(rf"^{STAMP} \* bob muted carol for 5 min$")
    carol.write("can anyone hear me")
    carol.wait_line(r"^error: message not sent: ", stream="err")
    bob.write('/kick carol "being rude"')
    assert carol.wait() == 1
    assert "being rude" in errors(carol), carol.err
    alice.wait_line(rf"^{STAMP} \* bob removed carol from the chat: being rude$")

    # Bans are for admins, and last.
    bob.write("/ban carol")
    bob.wait_line(r"^error: Your role does not allow that\.$", stream="err")
    alice.write("/ban carol spam")
    alice.wait_line(rf"^{STAMP} \* You banned carol$")
    bob.wait_line(rf"^{STAMP} \* alice banned carol: spam$")
    banned = run(cli, server, "carol", extra=["--password-file",
                                              str(password_file(tmp_path, "carol"))], status=1)
    assert "This account is banned" in errors(banned), banned.err
    alice.write("/unban carol")
    alice.wait_line(rf"^{STAMP} \* You lifted the ban on carol$")
    alice.write("/mute carol 0")
    alice.wait_line(rf"^{STAMP} \* You lifted the mute on carol$")
    back = run(cli, server, "carol", ["unbanned"],
               extra=["--password-file", str(password_file(tmp_path, "carol"))])
    assert connected(back, "carol")

    alice.write("/invite")
    alice.wait_line(rf"^{STAMP} \* invite code: \S+$")
    alice.write("/mute")
    alice.wait_line(r"^error: usage: /mute NAME MINUTES$", stream="err")
    for proc in (alice, bob):
        proc.close_stdin()
        assert proc.wait() == 1  # each made one request that failed


def test_invite_only_registration(server_factory, cli, tmp_path):
    data = tmp_path / "data"
    first = server_factory("--data-dir", str(data), guests=False)
    register(cli, first, tmp_path, "alice")
    alice = online(cli, first, tmp_path, "alice")
    alice.write("/invite")
    code = alice.wait_line(rf"^{STAMP} \* invite code: (\S+)$").group(1)
    alice.close_stdin()
    assert alice.wait() == 0
    first.stop()

    second = server_factory("--data-dir", str(data), "--registration", "invite", guests=False)
    pw = str(password_file(tmp_path, "bob"))
    proc = run(cli, second, "bob", extra=["--register", "--password-file", pw], status=1)
    assert "needs an invite code" in errors(proc), proc.err
    proc = run(cli, second, "bob", ["invited"],
               extra=["--register", "--password-file", pw, "--invite", code])
    assert connected(proc, "bob")
    proc = run(cli, second, "carol", status=1,
               extra=["--register", "--password-file", pw, "--invite", code])
    assert "invite code is not valid" in errors(proc), proc.err


def test_password_is_asked_on_a_terminal_without_echo(server, cli, tmp_path):
    # The terminal starts with echo on (echo=True); chat-cli may have asked already, so
    # only what it does is checked: the prompt turns echo off while the password is
    # typed...
    alice = cli(server, "alice", extra=["--register"], tty=True, echo=True)
    wait_until(lambda: not alice.terminal_echoes(), what="echo off for the password")
    alice.write(PASSWORD)
    alice.wait_line(rf"^{STAMP} \* connected as alice$")
    alice.wait_line(r"^Choose a password for alice: $", stream="err")
    # ...and back on afterwards; the password went nowhere but to the server.
    wait_until(alice.terminal_echoes, what="echo back on")
    assert not any(PASSWORD in line for line in alice.out + alice.err)
    alice.write("/quit")
    assert alice.wait() == 0
    # A name that needs its password, on a terminal: asked for, then logged in.
    again = cli(server, "alice", tty=True, echo=True, state_dir=tmp_path / "elsewhere")
    wait_until(lambda: not again.terminal_echoes(), what="the password prompt")
    again.write(PASSWORD)
    again.wait_line(rf"^{STAMP} \* connected as alice$")
    again.wait_line(r"needs an account.*Password for alice: $", stream="err")
    again.write("/quit")
    assert again.wait() == 0


def test_too_many_attempts_say_how_long_to_wait(server, cli, tmp_path):
    register(cli, server, tmp_path, "alice")
    wrong = password_file(tmp_path, "alice", "guessing again and again")
    said = []
    for _ in range(6):      # a burst of 3 failures, then about one every 6 s
        proc = run(cli, server, "alice", extra=["--password-file", str(wrong)], status=1)
        said.append(errors(proc))
        if "Too many attempts" in said[-1]:
            break
    assert "Wrong name or password" in said[0], said
    match = re.search(r"Too many attempts\. Please try again in (\d+) s\.", said[-1])
    assert match and 1 <= int(match.group(1)) <= 60, said


def test_a_second_login_takes_over_without_a_tug_of_war(server, cli, tmp_path):
    register(cli, server, tmp_path, "alice")
    pw = password_file(tmp_path, "alice")
    # On a terminal chat-cli reconnects after a loss: not after being replaced.
    first = cli(server, "alice", extra=["--password-file", str(pw)], tty=True)
    first.wait_line(rf"^{STAMP} \* connected as alice$")
    second = online(cli, server, tmp_path, "alice")
    assert first.wait() == 1
    assert "logged in from somewhere else" in errors(first), first.err
    second.write("still here")
    second.wait_line(rf"^{STAMP} <alice> still here$")
    second.close_stdin()
    assert second.wait() == 0


def test_a_token_file_others_can_read_is_not_used(server, cli, tmp_path):
    token = tmp_path / "alice.token"
    register(cli, server, tmp_path, "alice", extra=["--token-file", str(token)])
    token.chmod(0o644)
    proc = run(cli, server, "alice", extra=["--token-file", str(token)], status=1)
    assert "readable by others" in errors(proc), proc.err
    token.chmod(0o600)
    proc = run(cli, server, "alice", ["fine again"], extra=["--token-file", str(token)])
    assert connected(proc, "alice")
