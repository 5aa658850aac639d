"""Fan-out with typing notices against plain fan-out, side by side in the same run.

N=1000 guests in the lobby, 10 senders in a closed loop (as the plain fan-out), and in
the typing runs 10 % of the members (100 others than the senders) each sending
TYPING_SET at their maximum rate: the server's typing budget, 20 a second
(SERVER_TYPING_RATE), 2,000 notices a second in all, of which the server relays at most
one per typist every 3 s to the other 999 members. The two kinds alternate within each
run so drift hits them alike; the figure is the best messages per second of each kind,
and typing must keep at least 90 % of plain. Alone: bench/run-bench --typing-only.
"""

CLIENTS = 1000
TYPISTS = CLIENTS // 10
TYPING_RATE = 20             # SERVER_TYPING_RATE in server/limits.h


def fanout(b, runs, extra_args):
    """{"plain": [...], "typing": [...]}: load results, interleaved."""
    results = {}
    for run in range(1, runs + 1):
        for kind in ("plain", "typing"):
            extra = list(extra_args)
            if kind == "typing":
                extra += ["--typists", TYPISTS, "--typing-rate", TYPING_RATE]
            res = b.load("chat", f"typing-{kind}-n{CLIENTS}-run{run}", CLIENTS, extra,
                         60 + b.duration + 10)
            results.setdefault(kind, []).append(res)
    return results


def _best(results):
    values = [r.get("msgs_per_s", 0) for r in results
              if r.get("ok") == 1 and r.get("missing", 1) == 0]
    return max(values) if values else 0


def summary(results):
    """Lines with both figures and the ratio, and whether typing keeps 90 % of plain."""
    plain, typing = _best(results.get("plain", [])), _best(results.get("typing", []))
    ratio = typing / plain if plain else 0
    relayed = [r.get("typing_received", 0) for r in results.get("typing", [])]
    sent = [r.get("typing_sent", 0) for r in results.get("typing", [])]
    lines = [f"N={CLIENTS} fan-out: plain {plain:.0f} msgs/s; with {TYPISTS} typists at "
             f"{TYPING_RATE}/s each {typing:.0f} msgs/s ({ratio:.0%}; target >= 90%); "
             f"notices sent {sent}, TYPING frames delivered {relayed}"]
    return lines, ratio >= 0.90
