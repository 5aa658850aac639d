"""Command line of chat-server: help, version, bad options, a port in use."""

import socket
import subprocess

import pytest

from chatserver import TIMEOUT, binary


def run_server(*args, cwd):
    return subprocess.run([binary("chat-server"), *args], cwd=cwd, capture_output=True,
                          timeout=TIMEOUT, stdin=subprocess.DEVNULL)


def test_help(tmp_path):
    result = run_server("--help", cwd=tmp_path)
    assert result.returncode == 0
    for option in ("--port", "--files-dir", "--max-output-queue", "--handshake-timeout",
                   "--data-dir", "--retention-days", "--backup"):
        assert option.encode() in result.stdout, f"{option} missing from --help"


def test_version(tmp_path):
    result = run_server("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.strip(), result


@pytest.mark.parametrize("args", [["--bogus"], ["--port", "70000"], ["--port", "abc"],
                                  ["--max-clients", "-1"], ["--handshake-timeout", "soon"],
                                  ["--log-level", "loud"], ["--port"],
                                  ["--retention-days", "-1"], ["--retention-days", "36501"],
                                  ["--retention-days", "week"], ["--backup"]])
def test_bad_option_exits_2(tmp_path, args):
    result = run_server("--host", "127.0.0.1", "--log", str(tmp_path / "log"),
                        "--files-dir", str(tmp_path / "f"), *args, cwd=tmp_path)
    assert result.returncode == 2, result
    assert result.stderr.strip(), "no message on stderr"
    assert b"listening" not in result.stdout


def test_port_in_use_exits_1(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_server("--host", "127.0.0.1", "--port", str(port), "--log",
                            str(tmp_path / "log"), "--files-dir", str(tmp_path / "f"),
                            cwd=tmp_path)
    assert result.returncode == 1, result
    assert result.stderr.strip(), "no message on stderr"
    assert b"listening" not in result.stdout
