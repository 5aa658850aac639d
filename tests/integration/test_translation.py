"""chat-cli speaks the user's language: in German (LANGUAGE=de with a German locale)
its help, its events and its errors come from po/de.po; without one, English."""

import os
import subprocess

from chatserver import TIMEOUT, binary

GERMAN = {"LANGUAGE": "de", "LC_ALL": "de_DE.UTF-8"}


def run_cli(args, env, stdin=""):
    return subprocess.run([binary("chat-cli"), *args], input=stdin, capture_output=True,
                          text=True, timeout=TIMEOUT, env={**os.environ, **env})


def test_help_in_german():
    result = run_cli(["--help"], GERMAN)
    assert result.returncode == 0, result
    assert "Ihr Name im Chat" in result.stdout
    assert "Eingetippte Zeilen gehen als Nachrichten in den aktuellen Raum" in result.stdout
    english = run_cli(["--help"], {"LANGUAGE": "", "LC_ALL": "C.UTF-8"})
    assert "Your name in the chat" in english.stdout


def test_events_and_errors_in_german(server):
    result = run_cli(["--host", "127.0.0.1", "--port", str(server.port), "--user", "anna",
                      "--no-tls"], GERMAN, stdin="hallo\n/bogus\n")
    assert "* verbunden als anna" in result.stdout, result
    assert "<anna> hallo" in result.stdout
    assert "Fehler: unbekannter Befehl /bogus" in result.stderr, result.stderr
    assert result.returncode == 1  # the failed command


def test_usage_error_in_german():
    result = run_cli(["--port", "1"], GERMAN)
    assert result.returncode == 2, result
    assert "--user NAME ist erforderlich" in result.stderr, result.stderr
