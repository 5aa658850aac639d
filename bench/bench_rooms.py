"""Fan-out into rooms against the lobby of the build before rooms, side by side.

The baseline is the commit before rooms (ROOMS_BASELINE), built from a git worktree into
the benchmark's own directory, because "the lobby before rooms" is what rooms must not
make slower: a lobby measurement of the current build alone could not show a lobby that
got slower too. That same current-build lobby is measured beside them, so the ratio
splits into "what the rooms code costs the lobby" and "what a room costs against the
lobby". Rooms need accounts, so the room runs register every client (Argon2 at its
--pwhash-memory minimum, 19 MiB); registration is not part of the measured sending.

All three run with the in-memory store (--data-dir :memory:). With chat.db the room runs
start right after their registrations have filled the WAL, which the guest-only lobby
runs never do, and that, not the fan-out, is what showed: the same build, 100 clients,
measured by hand: on chat.db a room reached 80-90 % of the lobby, in memory 100-108 %.
The store's own cost is measured apart (run-bench --store-only).
"""
import os
import shutil
import subprocess
import tempfile

import bench_floor

ROOMS_BASELINE = "46d8fc4"   # main just before wave2-rooms: one lobby, guests only
ROOM_NAME = "bench"
LOGIN_TIMEOUT_S = 900        # 1000 registrations, two hashes at a time


def build_baseline(root, commit, dest_dir, log):
    """chat-server of commit, built in a temporary git worktree, copied to dest_dir."""
    src = tempfile.mkdtemp(prefix="chat-baseline-")
    os.rmdir(src)
    subprocess.run(["git", "-C", root, "worktree", "add", "--detach", "--quiet", src, commit],
                   check=True)
    try:
        log(f"building the pre-rooms baseline {commit} in {src}")
        subprocess.run(["make", "-C", src, "-j2", "build/chat-server"], check=True,
                       stdout=subprocess.DEVNULL)
        os.makedirs(dest_dir, exist_ok=True)
        shutil.copy2(os.path.join(src, "build", "chat-server"), dest_dir)
    finally:
        subprocess.run(["git", "-C", root, "worktree", "remove", "--force", src], check=False)


def fanout(b, baseline_bin, runs, extra_args):
    """{N: {"before": [...], "lobby": [...], "room": [...]}} for N = 100 and 1000, the
    three interleaved in each run so drift hits them alike."""
    results = {}
    for clients in (100, 1000):
        for run in range(1, runs + 1):
            for kind in ("before", "lobby", "room"):
                extra = list(extra_args)
                server_args = ["--data-dir", ":memory:"]
                if kind == "room":
                    extra += ["--room", ROOM_NAME, "--login-timeout", LOGIN_TIMEOUT_S]
                    server_args += ["--pwhash-memory", "19"]
                res = b.load("chat", f"{kind}-n{clients}-run{run}", clients, extra,
                             LOGIN_TIMEOUT_S + 60, server_args=server_args,
                             bin_dir=baseline_bin if kind == "before" else None)
                results.setdefault(clients, {}).setdefault(kind, []).append(res)
    return results


def _best(results, key="msgs_per_s"):
    values = [r.get(key, 0) for r in results if r.get("ok") == 1 and r.get("missing", 1) == 0]
    return max(values) if values else 0


def summary(results):
    """Lines comparing each room and current lobby with the pre-rooms lobby (best run
    of each, messages per second), and whether rooms reach 90 % of it."""
    lines, met = [], True
    for clients, kinds in sorted(results.items()):
        before, lobby, room = (_best(kinds[k]) for k in ("before", "lobby", "room"))
        ratio = room / before if before else 0
        met &= ratio >= 0.90
        lines.append(f"N={clients}: pre-rooms lobby {before:.0f} msgs/s, lobby {lobby:.0f} "
                     f"({lobby / before if before else 0:.0%}), room of {clients} {room:.0f} "
                     f"({ratio:.0%}; target >= 90%)")
        lines.append(_cpu_line(clients, kinds))
    return lines, met


def _cpu_line(clients, kinds):
    """Deliveries per second of server CPU (median of the runs), far less noisy than the
    rates on a shared machine, each against the pre-rooms lobby's."""
    rate = {k: bench_floor.per_cpu_second(kinds[k]) for k in ("before", "lobby", "room")}
    if not rate["before"]:
        return f"N={clients} per server-CPU-second: pre-rooms lobby failed"
    parts = [f"{k} {rate[k]:,.0f} ({rate[k] / rate['before']:.0%})" if rate[k]
             else f"{k} failed" for k in ("lobby", "room")]
    return (f"N={clients} deliveries per server-CPU-second: pre-rooms lobby "
            f"{rate['before']:,.0f}, " + ", ".join(parts))
