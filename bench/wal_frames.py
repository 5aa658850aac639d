#!/usr/bin/env python3
"""WAL frames per commit in a chat.db-wal, by table: what each stored pass writes.

Usage: bench/wal_frames.py DATA_DIR/chat.db

Reads the frames of the WAL's current generation (those with the header's salts; a
checkpoint that restarts the WAL begins a new one), counts commit frames (a non-zero
database size), and names each frame's page with SQLite's dbstat table ("freed": a page
no table holds now, such as one an FTS5 merge let go). Run it on the WAL of a server
stopped with SIGKILL: a clean stop checkpoints the WAL and removes it. Used for the
store's I/O figures of bench/floor_gap.md.
"""
import collections
import sqlite3
import struct
import sys

WAL_HEADER = 32
FRAME_HEADER = 24


def frames(wal):
    """[(page numbers of one commit)] of the WAL's current generation."""
    data = open(wal, "rb").read()
    page_size, salts = struct.unpack(">I", data[8:12])[0], data[16:24]
    commits, current = [], []
    off = WAL_HEADER
    while off + FRAME_HEADER + page_size <= len(data):
        page, db_size = struct.unpack(">II", data[off:off + 8])
        if data[off + 8:off + 16] != salts:
            break
        current.append(page)
        if db_size:
            commits.append(current)
            current = []
        off += FRAME_HEADER + page_size
    return commits


def main(db):
    commits = frames(db + "-wal")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    owner = dict((page, name) for name, page in con.execute("SELECT name, pageno FROM dbstat"))
    con.close()
    by_table = collections.Counter(owner.get(page, "freed")
                                   for commit in commits for page in commit)
    n = max(len(commits), 1)
    print(f"{len(commits)} commits, {sum(by_table.values()) / n:.2f} frames per commit")
    for name, count in by_table.most_common():
        if count / n >= 0.05:
            print(f"  {name}: {count / n:.2f}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    main(sys.argv[1])
