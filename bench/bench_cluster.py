"""Cluster mode (docs/CLUSTER.md) against the single node, side by side in the same run.

N=1000 guests in the lobby, spread round-robin over the nodes (chat-bench --ports,
senders and receivers alike), each client settling once it sees all N members, whichever
node they are on (presence crosses nodes, docs/CLUSTER.md section 7). Four set-ups, interleaved within each
run so drift hits them alike: one chat-server without --cluster (the baseline), and one,
two and three nodes sharing a private redis-server (tests/integration/chatserver.py's
Redis: its own config, loopback, AOF on, stopped by PID). For each: the closed-loop
fan-out (deliveries/s), the 200 msgs/s latency run (p99), and the CPU seconds of every
node and of redis-server over the sending (chat-bench --cpu-pid), per delivery. The
nodes and redis-server share the server CPU, chat-bench has the other: every set-up has
the same CPU budget, so CPU per delivery is the figure that projects to more cores.
Alone: bench/run-bench --cluster-only.
"""
import os
import subprocess
import sys

import bench_servers as srv

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests", "integration"))
import chatserver  # noqa: E402  (its Redis class: one private redis-server)

CLIENTS = 1000
SENDERS = 10
TEXT_SIZE = 64
WINDOW = 8
LOGIN_WINDOW = 8
RATE = 200
NODE_COUNTS = (0, 1, 2, 3)   # 0: the single node without --cluster, the baseline


def _label(count):
    return "single" if count == 0 else f"{count}-node"


def _start(b, workdir, count):
    """(redis or None, [servers]) for one set-up; the caller stops them."""
    if count == 0:
        return None, [b.start("chat", workdir, CLIENTS + 64)]
    redis = chatserver.Redis(os.path.join(workdir, "redis"))
    nodes = []
    try:
        if b.server_cpu is not None:
            subprocess.run(["taskset", "-p", "-c", str(b.server_cpu), str(redis.pid)],
                           stdout=subprocess.DEVNULL, check=True)
        for node in range(1, count + 1):
            home = os.path.join(workdir, f"node{node}")
            os.makedirs(home)
            nodes.append(b.start("chat", home, CLIENTS + 64,
                                 server_args=["--cluster", redis.url, "--node-id", str(node)]))
    except BaseException:
        _stop(redis, nodes)
        raise
    return redis, nodes


def _stop(redis, nodes):
    status = [node.stop() for node in nodes]
    if redis is not None:
        redis.stop()
    return status


def _one(b, count, label, extra, bound_s):
    """One chat-bench run over a fresh set-up; the result dict, with node_cpu_s (one per
    node) and redis_cpu_s added."""
    workdir = b.workdir(label)
    try:
        redis, nodes = _start(b, workdir, count)
    except (srv.ServerRefused, AssertionError) as e:
        return {"ok": 0, "failure": str(e)}
    pids = [node.pid for node in nodes] + ([redis.pid] if redis else [])
    try:
        args = ["--ports", ",".join(str(node.port) for node in nodes), "--clients", CLIENTS] + list(extra)
        for pid in pids:
            args += ["--cpu-pid", pid]
        res, text = srv.run_bench(b.bin, b.bench_cpu, args, bound_s)
    finally:
        res_exit = _stop(redis, nodes)
    res["server_exit"] = res_exit
    res["node_cpu_s"] = [res.get(f"pid{i}_cpu_s", -1) for i in range(1, len(nodes) + 1)]
    res["redis_cpu_s"] = res.get(f"pid{len(nodes) + 1}_cpu_s", 0) if redis else 0
    b.raw.append((label, res.get("command", ""), text))
    print(f"[cluster] {label}: ok={res.get('ok')} deliveries/s={res.get('deliveries_per_s')}"
          f" p99_us={res.get('p99_us')} missing={res.get('missing')}"
          f" node_cpu_s={res['node_cpu_s']} redis_cpu_s={res['redis_cpu_s']}"
          + (f" failure={res['failure']}" if res.get("failure") else ""), flush=True)
    return res


def run(b, runs):
    """{"fanout": {count: [results]}, "latency": {count: [results]}}, interleaved."""
    fan = ["--senders", SENDERS, "--size", TEXT_SIZE, "--window", WINDOW,
           "--duration", b.duration, "--login-window", LOGIN_WINDOW]
    lat = ["--senders", SENDERS, "--size", TEXT_SIZE, "--rate", RATE,
           "--duration", 2 * b.duration, "--login-window", LOGIN_WINDOW]
    out = {"fanout": {}, "latency": {}}
    for run_no in range(1, runs + 1):
        for count in NODE_COUNTS:
            out["fanout"].setdefault(count, []).append(
                _one(b, count, f"cluster-{_label(count)}-fanout-run{run_no}", fan,
                     60 + b.duration + 10 + srv.STOP_TIMEOUT_S))
        for count in NODE_COUNTS:
            out["latency"].setdefault(count, []).append(
                _one(b, count, f"cluster-{_label(count)}-latency-run{run_no}", lat,
                     60 + 2 * b.duration + 10 + srv.STOP_TIMEOUT_S))
    return out


def _clean(res):
    return (res.get("ok") == 1 and res.get("missing", 1) == 0 and
            res.get("server_errors", 1) == 0 and res.get("disconnects", 1) == 0)


def _best(results, key, pick):
    values = [(r.get(key, 0), r) for r in results if _clean(r)]
    return pick(values, key=lambda v: v[0]) if values else (0, None)


def _per_delivery_us(cpu_s, res):
    delivered = res.get("delivered", 0) if res else 0
    return cpu_s * 1e6 / delivered if delivered and cpu_s >= 0 else 0.0


def summary(results):
    """Markdown table lines (best run of each set-up; ratios against the single node) and
    whether every run was clean."""
    base_rate = _best(results["fanout"][0], "deliveries_per_s", max)[0]
    base_p99 = _best(results["latency"][0], "p99_us", min)[0]
    lines = [f"N={CLIENTS} guests in the lobby, {SENDERS} senders, texts of {TEXT_SIZE} B; "
             "CPU per delivery from the closed-loop fan-out run.", "",
             "| set-up | fan-out deliveries/s | vs single | p99 at "
             f"{RATE} msgs/s | vs single | CPU us/delivery per node | nodes summed | "
             "redis-server | total |",
             "|---|---|---|---|---|---|---|---|---|"]
    for count in NODE_COUNTS:
        rate, fan = _best(results["fanout"][count], "deliveries_per_s", max)
        p99, _lat = _best(results["latency"][count], "p99_us", min)
        nodes = [_per_delivery_us(s, fan) for s in fan["node_cpu_s"]] if fan else []
        redis = _per_delivery_us(fan["redis_cpu_s"], fan) if fan and count else 0.0
        lines.append(
            f"| {_label(count)} | {rate:,.0f} | {rate / base_rate if base_rate else 0:.2f} | "
            f"{p99 / 1000:.2f} ms | {p99 / base_p99 if base_p99 else 0:.2f} | "
            f"{' / '.join(f'{x:.2f}' for x in nodes) or '-'} | {sum(nodes):.2f} | "
            f"{redis:.2f} | {sum(nodes) + redis:.2f} |")
    clean = all(_clean(r) for kind in results.values() for rs in kind.values() for r in rs)
    if not clean:
        lines.append("")
        lines.append("NOT CLEAN: " + "; ".join(
            f"{r.get('command', '?').split('--ports')[-1][:40]}: {r.get('failure', '')}"
            f" missing={r.get('missing')}" for kind in results.values()
            for rs in kind.values() for r in rs if not _clean(r)))
    return lines, clean
