"""TLS on the main port: versions, plain text on the TLS port, stalled and stormy
handshakes, renegotiation, the certificate (made, fingerprinted, reloaded on SIGHUP)."""

import hashlib
import os
import signal
import socket
import ssl
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import chatproto as P
from chatclient import RawClient, download, upload
from chatserver import SLOWDOWN, TIMEOUT, binary, wait_until

ROOT = Path(__file__).resolve().parents[2]


def context(server, version=None):
    ctx = server.client_context()
    if version is not None:
        ctx.minimum_version = ctx.maximum_version = version
    return ctx


def fingerprint_of(client):
    der = client.sock.getpeercert(binary_form=True)
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def chat(sender, receivers, text, client_id):
    sender.say(text, client_id)
    for c in receivers:
        frame, _ = c.wait_for(P.TEXT)
        assert frame.text == text and frame.sender == sender.name, repr(frame)


@pytest.mark.parametrize("version, name", [(ssl.TLSVersion.TLSv1_2, "TLSv1.2"),
                                           (ssl.TLSVersion.TLSv1_3, "TLSv1.3")])
def test_tls_versions_connect_and_chat(server_factory, connect, version, name):
    server = server_factory(tls=True)
    alice = connect(server, tls=context(server, version))
    bob = connect(server, tls=context(server, version))
    assert alice.sock.version() == name
    alice.login("alice")
    bob.login("bob")
    alice.expect(P.USER_JOINED, users=[(bob.user_id, "bob")])
    chat(alice, [alice, bob], "over " + name, 1)
    chat(bob, [alice, bob], "and back", 2)
    server.wait_log(rf"user=- tls established {name} ")


@pytest.mark.parametrize("flag", ["-tls1", "-tls1_1"])
def test_old_versions_refused(server_factory, flag):
    server = server_factory(tls=True)
    # SECLEVEL=0 lets the client offer the old version: the refusal must be the server's.
    result = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{server.port}",
                             flag, "-cipher", "DEFAULT@SECLEVEL=0"],
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
    output = result.stdout + result.stderr
    assert b"alert protocol version" in output, output
    assert b"Cipher is (NONE)" in output or b"Cipher is" not in output, output
    server.wait_log(r"tls handshake failed: .*unsupported protocol")


@pytest.mark.parametrize("offer, chosen", [
    (["-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256"],
     "TLS_AES_128_GCM_SHA256"),
    (["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"],
     "TLS_CHACHA20_POLY1305_SHA256"),
    (["-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256"],
     "ECDHE-ECDSA-AES128-GCM-SHA256"),
])
def test_server_cipher_order(server_factory, offer, chosen):
    """The server's order decides (AES-128-GCM first), except that a client putting
    ChaCha20 first (one without AES instructions) gets it."""
    server = server_factory(tls=True)
    result = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{server.port}"]
                            + offer, stdin=subprocess.DEVNULL, capture_output=True,
                            timeout=TIMEOUT)
    output = result.stdout + result.stderr
    assert f"Cipher is {chosen}".encode() in output, output
    server.wait_log(rf"user=- tls established TLSv1\.[23] {chosen} ")


def test_plain_text_on_tls_port_gets_plain_error_and_close(server_factory, connect):
    server = server_factory(tls=True)
    plain = connect(server, tls=False)
    plain.hello("alice")
    error = plain.expect_error(P.E_TLS_REQUIRED)
    assert "TLS" in error.message
    plain.expect_closed()
    server.wait_log(r"disconnect \(plain text on the TLS port\)")
    tls = connect(server)                      # the port still speaks TLS to the rest
    tls.login("bob")


def client_hello():
    """The bytes of a real TLS ClientHello."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    obj = ctx.wrap_bio(ssl.MemoryBIO(), out := ssl.MemoryBIO(), server_hostname="x")
    with pytest.raises(ssl.SSLWantReadError):
        obj.do_handshake()
    return out.read()


def test_stalled_handshakes_closed_at_timeout_while_others_chat(server_factory, room):
    timeout = 1.0 * SLOWDOWN
    server = server_factory("--handshake-timeout", str(timeout), tls=True)
    silent = socket.create_connection(("127.0.0.1", server.port))
    half = socket.create_connection(("127.0.0.1", server.port))
    hello = client_hello()
    half.sendall(hello[:len(hello) // 2])
    started = time.monotonic()
    alice, bob = room(server, "alice", "bob")
    n = 0
    for sock in (silent, half):
        sock.setblocking(False)

    def closed(sock):
        try:
            return sock.recv(4096) == b""
        except BlockingIOError:
            return False
        except ConnectionResetError:
            return True

    while not (closed(silent) and closed(half)):
        n += 1
        chat(alice, [alice, bob], f"still here {n}", n)     # the others carry on meanwhile
        assert time.monotonic() - started < TIMEOUT, "stalled handshakes still open"
        time.sleep(0.05)
    assert time.monotonic() - started >= timeout - 0.1, "closed before the handshake timeout"
    assert n > 1
    silent.close()
    half.close()
    assert sum("tls handshake timeout" in line for line in server.log_lines()) == 2


def test_renegotiation_refused(server_factory, room):
    server = server_factory(tls=True)
    alice, bob = room(server, "alice", "bob")
    # s_client renegotiates on "R"; the server refuses and the session ends.
    result = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{server.port}",
                             "-tls1_2"], input=b"R\n", capture_output=True, timeout=TIMEOUT)
    output = result.stdout + result.stderr
    assert b"RENEGOTIATING" in output, output
    assert b"no renegotiation" in output, output
    server.wait_log(r"disconnect \(read failed: TLS read: .*handshake failure")
    chat(alice, [alice, bob], "unaffected", 1)


def test_generated_certificate_and_fingerprint(server_factory, connect):
    server = server_factory(tls=True)
    assert b"(self-signed, new)" in server.stdout()
    key = server.workdir / "tls-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    client = connect(server)
    assert fingerprint_of(client) == server.fingerprint
    result = subprocess.run([binary("chat-server"), "--data-dir", str(server.workdir),
                             "--fingerprint"], capture_output=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == server.fingerprint + "\n"
    server.wait_log(rf"tls on cert=.* sha256={server.fingerprint}")


def test_fingerprint_without_certificate_fails(tmp_path):
    result = subprocess.run([binary("chat-server"), "--data-dir", str(tmp_path),
                             "--fingerprint"], capture_output=True, timeout=TIMEOUT)
    assert result.returncode == 1
    assert b"first start" in result.stderr and result.stdout == b""


def make_certificate(directory, name):
    cert, key = directory / f"{name}-cert.pem", directory / f"{name}-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", f"/CN={name}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True,
                   timeout=TIMEOUT)
    return cert, key


def test_sighup_reloads_certificate_without_dropping_anyone(server_factory, tmp_path):
    old_cert, old_key = make_certificate(tmp_path, "old")
    new_cert, new_key = make_certificate(tmp_path, "new")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_bytes(old_cert.read_bytes())
    key.write_bytes(old_key.read_bytes())
    server = server_factory("--tls-cert", str(cert), "--tls-key", str(key), tls=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.load_verify_locations(cafile=str(old_cert))
    ctx.load_verify_locations(cafile=str(new_cert))
    alice = RawClient(server.port, tls=ctx)
    alice.login("alice")
    before = fingerprint_of(alice)
    assert before == server.fingerprint

    cert.write_bytes(new_cert.read_bytes())
    key.write_bytes(new_key.read_bytes())
    server.signal(signal.SIGHUP)
    server.wait_log(r"tls certificate reloaded sha256=")
    bob = RawClient(server.port, tls=ctx)
    try:
        after = fingerprint_of(bob)
        assert after != before
        assert server.log_lines()[-1].endswith("sha256=" + after) or \
            any(line.endswith("reloaded sha256=" + after) for line in server.log_lines())
        bob.login("bob")
        alice.expect(P.USER_JOINED, users=[(bob.user_id, "bob")])
        chat(alice, [alice, bob], "old certificate, still here", 1)
        chat(bob, [alice, bob], "new certificate", 2)
    finally:
        alice.close()
        bob.close()


def test_bad_certificate_on_sighup_keeps_the_old_one(server_factory, connect, tmp_path):
    cert, key = make_certificate(tmp_path, "only")
    server = server_factory("--tls-cert", str(cert), "--tls-key", str(key), tls=True)
    cert.write_text("not a certificate\n")
    server.signal(signal.SIGHUP)
    server.wait_log(r"tls reload failed, the old certificate stays")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    client = connect(server, tls=ctx)
    assert fingerprint_of(client) == server.fingerprint
    client.login("alice")


def test_tls_cert_needs_key(server_factory, tmp_path):
    result = subprocess.run([binary("chat-server"), "--tls-cert", str(tmp_path / "c.pem")],
                            capture_output=True, timeout=TIMEOUT)
    assert result.returncode == 2 and b"go together" in result.stderr


@pytest.mark.parametrize("tls, via", [(False, "sendfile"), (True, "(ktls|copy)")])
def test_download_without_user_space_copy_where_possible(server_factory, room, tls, via):
    """Downloads over plain text and TLS deliver every byte; the log says how the payload
    left (sendfile on plain text; kTLS or a copy over TLS, as the kernel allows)."""
    server = server_factory(tls=tls)
    alice, bob = room(server, "alice", "bob")
    data = os.urandom(3 << 20 | 12345)
    announce = upload(alice, "big.bin", data)
    bob.expect(P.FILE_ANNOUNCE, file_id=announce.file_id)
    for client in (alice, bob):
        _, got = download(client, announce.file_id, offset=777)
        assert got == data[777:]
    server.wait_log(rf"download start file_id={announce.file_id} .* via={via}$")
    chat(bob, [alice, bob], "after the downloads", 9)


def test_handshake_storm_while_others_chat(server_factory, room):
    """500 handshakes at once (from a niced process) all complete while two clients keep
    chatting, and every message sent during the storm arrives, in order, to both. How
    much the storm delays those messages is a speed figure: `bench/run-bench
    --storm-only` (part of `make bench`) compares their p99 against the same storms aimed
    at a decoy server. Under sanitizers or valgrind the storm is 100 handshakes."""
    # A generous handshake timeout: on a loaded machine the niced storm itself may take
    # long to answer the server, and this test is about everyone else's messages.
    server = server_factory("--no-limits", "--handshake-timeout", str(60 * SLOWDOWN),
                            tls=True)
    alice, bob = room(server, "alice", "bob")
    count = 500 if SLOWDOWN == 1 else 100
    storm = subprocess.Popen([sys.executable, str(ROOT / "bench" / "tls_storm.py"),
                              str(server.port), str(count)], stdout=subprocess.PIPE)
    try:
        client_id = 0
        while storm.poll() is None:
            client_id += 1
            chat(alice, [alice, bob], f"during the storm {client_id}", client_id)
        out, _ = storm.communicate(timeout=TIMEOUT)
    finally:
        if storm.poll() is None:
            storm.kill()
            storm.wait()
    assert out.decode().strip() == f"handshakes {count}"
    wait_until(lambda: sum("tls established" in line for line in server.log_lines())
               == 2 + count, timeout=6 * TIMEOUT, what="every storm handshake to be logged")
    chat(bob, [alice, bob], "after the storm", client_id + 1)
