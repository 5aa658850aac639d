"""The options of the defences: listed in --help with their defaults (--no-limits
flagged as for benchmarks only), bad values refused with exit status 2, and the limits
in force written to the log at start."""

import re
import subprocess

import pytest

from chatserver import TIMEOUT, binary

OPTIONS = ("--msg-limit", "--byte-limit", "--file-limit", "--flood-grace", "--max-per-ip",
           "--ip-connect-limit", "--connect-limit", "--limit-loopback", "--idle-timeout",
           "--pong-timeout", "--no-limits")


def run_server(tmp_path, *args):
    return subprocess.run([binary("chat-server"), "--host", "127.0.0.1", "--log",
                           str(tmp_path / "log"), "--files-dir", str(tmp_path / "f"), *args],
                          cwd=tmp_path, capture_output=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)


def test_help_lists_every_limit(tmp_path):
    result = run_server(tmp_path, "--help")
    assert result.returncode == 0
    text = result.stdout.decode()
    for option in OPTIONS:
        assert option in text, f"{option} missing from --help"
    assert re.search(r"--no-limits\s+FOR BENCHMARKS ONLY", text)
    assert "(default 10:100)" in text and "(default 120)" in text


@pytest.mark.parametrize("args", [
    ["--msg-limit", "10"], ["--msg-limit", "0:10"], ["--msg-limit", "10:0.5"],
    ["--byte-limit", "fast:1"], ["--file-limit", "1:-1"], ["--connect-limit", "nan:5"],
    ["--ip-connect-limit", "1:5:6"], ["--max-per-ip", "0"], ["--flood-grace", "0"],
    ["--idle-timeout", "soon"], ["--pong-timeout", "-1"]])
def test_bad_limit_exits_2(tmp_path, args):
    result = run_server(tmp_path, *args)
    assert result.returncode == 2, result
    assert args[0].encode() in result.stderr, result.stderr
    assert b"listening" not in result.stdout


def test_limits_in_force_are_logged(server_factory):
    server = server_factory("--msg-limit", "7:70", "--max-per-ip", "3", "--idle-timeout", "9")
    server.wait_log(r"INFO .* limits messages=7:70 .* max_per_ip=3 .* idle=9s ")
    bench = server_factory("--no-limits")
    bench.wait_log(r"WARN .* limits off \(--no-limits\)")
