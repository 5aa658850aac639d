"""The server's database as the tests see it: chat.db read with Python's own sqlite3
(never through the server), and chat-server run as a one-shot command (--backup, or a
start that must fail)."""

import hashlib
import sqlite3
import subprocess
from pathlib import Path

from chatserver import TIMEOUT, WRAPPER, binary

DB_NAME = "chat.db"
SCHEMA_VERSION = 9  # STORE_SCHEMA_VERSION in server/store/store_private.h


def query(data_dir, sql, *args):
    """All rows of one query on data_dir/chat.db (opened read-only)."""
    db = sqlite3.connect(f"file:{Path(data_dir) / DB_NAME}?mode=ro", uri=True,
                         timeout=TIMEOUT)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def load_sql(path, sql_file):
    """Creates the database path from an SQL text (a .dump of an older chat.db)."""
    db = sqlite3.connect(path)
    try:
        db.executescript(Path(sql_file).read_text())
    finally:
        db.close()


def integrity(path):
    """PRAGMA integrity_check of a database file: "ok" when sound."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "\n".join(row[0] for row in db.execute("PRAGMA integrity_check"))
    finally:
        db.close()


def texts(data_dir):
    """{message_id: (sender_name, client_id, body)} of the stored text messages."""
    rows = query(data_dir, "SELECT id, sender_name, client_id, body FROM messages "
                           "WHERE kind = 1")
    return {row[0]: row[1:] for row in rows}


def file_digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run_command(*args, cwd=None):
    """chat-server with args (under CHAT_SERVER_WRAPPER, like every server) to its end:
    (exit status, stdout, stderr)."""
    proc = subprocess.run([*WRAPPER, binary("chat-server"), *args], cwd=cwd,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=TIMEOUT * 3)
    return proc.returncode, proc.stdout, proc.stderr
