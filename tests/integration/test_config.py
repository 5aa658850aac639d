"""The configuration file of chat-server: every option settable, the command line wins,
every mistake named by file and line, --check-config, and a default file (made from
--help by scripts/make-config) that lists every option with a default that is valid."""

import re
import subprocess

import pytest

import chatproto as P
from chatclient import RawClient
from chatserver import REPO, TIMEOUT, binary

def run_server(*args, cwd):
    return subprocess.run([binary("chat-server"), *args], cwd=cwd, capture_output=True,
                          timeout=TIMEOUT, stdin=subprocess.DEVNULL, text=True)


def write_config(tmp_path, text):
    path = tmp_path / "chat-server.conf"
    path.write_text(text)
    return path


def test_config_file_sets_options_and_command_line_wins(server_factory, user, tmp_path):
    # 192.0.2.1 (TEST-NET-1) is on no interface: the server starts only because the
    # command line's --host 127.0.0.1 wins over the file's.
    config = write_config(tmp_path, "# limits from the file\n[chat-server]\n"
                          "host = 192.0.2.1\nmax-per-ip = 1\nlimit-loopback = true\n")
    server = server_factory("--config", str(config))
    alice = user(server, "alice")
    late = RawClient(server.port)
    try:
        late.expect_error(P.E_SERVER_FULL)
        late.expect_closed()
    finally:
        late.close()
    server.wait_log(r"refused \(1 connections from this address\)")
    alice.say("still here", client_id=1)
    alice.expect(P.TEXT, client_id=1)


@pytest.mark.parametrize("text, line, words", [
    ("[chat-server]\nport = 0\nbogus = 1\n", 3, "unknown key 'bogus'"),
    ("[chat-server]\n\n# a comment\nport = 70000\n", 4, "invalid value '70000' for --port"),
    ("[chat-server]\nmsg-limit = 5:x\n", 2, "--msg-limit"),
    ("[chat-server]\nlog-level = loud\n", 2, "invalid log level 'loud'"),
    ("[chat-server]\nlimit-loopback = maybe\n", 2, "takes true or false"),
    ("[chat-server]\nport = 1\nport = 2\n", 3, "set twice (first on line 2)"),
    ("[chat-server]\nhelp = true\n", 2, "only be given on the command line"),
    ("[chat-server]\nconfig = other.conf\n", 2, "only be given on the command line"),
    ("port = 1\n", 1, "before the [chat-server] group"),
    ("[chat-server]\n[other]\nport = 1\n", 2, "unknown group [other]"),
    ("[chat-server]\njust words\n", 2, "expected 'key = value'"),
    ("[chat-server]\nport[de] = 1\n", 2, "unknown key 'port[de]'"),
])
def test_bad_config_is_named_by_file_and_line(tmp_path, text, line, words):
    config = write_config(tmp_path, text)
    for extra in ((), ("--check-config",)):
        result = run_server("--config", str(config), "--port", "0", *extra, cwd=tmp_path)
        assert result.returncode == 2, result
        assert f"chat-server: {config}:{line}: " in result.stderr, result.stderr
        assert words in result.stderr, result.stderr
        assert "listening" not in result.stdout


def test_missing_config_file_is_an_error(tmp_path):
    result = run_server("--config", str(tmp_path / "absent.conf"), cwd=tmp_path)
    assert result.returncode == 2, result
    assert "absent.conf" in result.stderr


def test_check_config_validates_and_exits(tmp_path):
    config = write_config(tmp_path, "[chat-server]\nport = 1234\nno-limits = false\n")
    result = run_server("--config", str(config), "--check-config", cwd=tmp_path)
    assert result.returncode == 0, result
    assert "the configuration is valid" in result.stdout
    assert "listening" not in result.stdout
    assert not (tmp_path / "server.log").exists(), "--check-config must not start anything"
    # The command line is checked as well.
    result = run_server("--config", str(config), "--check-config", "--port", "x",
                        cwd=tmp_path)
    assert result.returncode == 2, result


def test_default_config_lists_every_option_with_a_valid_default(tmp_path):
    text = subprocess.run([str(REPO / "scripts" / "make-config"), binary("chat-server")],
                          check=True, capture_output=True, text=True).stdout
    help_text = run_server("--help", cwd=tmp_path).stdout
    options = set(re.findall(r"^ +--([a-z0-9-]+)", help_text, re.M))
    keys = set(re.findall(r"^#([a-z0-9-]+) =", text, re.M))
    assert keys <= options and {"port", "limit-loopback", "poller"} <= keys
    for left_out in options - keys:  # only what a file may not set
        probe = write_config(tmp_path, f"[chat-server]\n{left_out} = true\n")
        result = run_server("--config", str(probe), "--check-config", cwd=tmp_path)
        assert "can only be given on the command line" in result.stderr, left_out
    # As shipped (all commented out) it is valid; with every default set, still valid.
    assert run_server("--config", str(write_config(tmp_path, text)), "--check-config",
                      cwd=tmp_path).returncode == 0
    defaults = re.sub(r"^#([a-z0-9-]+ = \S.*)$", r"\1", text, flags=re.M)
    assert defaults.count("\n#") < text.count("\n#"), "no default was uncommented"
    result = run_server("--config", str(write_config(tmp_path, defaults)), "--check-config",
                        cwd=tmp_path)
    assert result.returncode == 0, result.stderr
