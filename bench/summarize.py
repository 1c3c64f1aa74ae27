#!/usr/bin/env python3
"""Turns the raw outputs of bench/run.sh into one markdown table (median and min-max per figure,
with each proxy's ratio to direct and to HAProxy / nginx)."""
import json
import os
import re
import statistics
import sys

raw, stamp, seconds, reps, warmup, idle, fulcrum_udp = sys.argv[1:8]
TARGETS = ["direct", "haproxy", "nginx", "fulcrum", "fulcrum-splice"]
TITLES = {"direct": "direct", "haproxy": "HAProxy", "nginx": "nginx", "fulcrum": "Fulcrum",
          "fulcrum-splice": "Fulcrum (splice)"}
REFS = {"haproxy": ["direct", "nginx"], "nginx": ["direct", "haproxy"], "fulcrum": ["direct", "haproxy", "nginx"],
        "fulcrum-splice": ["direct", "haproxy", "nginx"]}
SHORT = {"direct": "d", "haproxy": "H", "nginx": "n"}


def files(target, figure):
    prefix = "%s.%s." % (target, figure)
    return [os.path.join(raw, f) for f in sorted(os.listdir(raw)) if f.startswith(prefix)]


def millis(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(target, figure, what):
    values = []
    for path in files(target, figure):
        text = open(path).read()
        if what == "rate":
            m = re.search(r"Requests/sec:\s+([\d.]+)", text)
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
            if m and not errors:
                values.append(float(m.group(1)))
        else:
            m = re.search(r"^\s+%s%%\s+(\S+)" % what, text, re.M)
            if m:
                values.append(millis(m.group(1)))
    return values


def iperf(target, figure):
    values = []
    for path in files(target, figure):
        try:
            values.append(json.load(open(path))["end"]["sum_received"]["bits_per_second"] / 1e9)
        except (ValueError, KeyError):
            pass
    return values


def udp(target, what):
    values = []
    for path in files(target, "udp"):
        fields = open(path).read().split()
        if len(fields) >= 12:
            stats = dict(zip(fields[0::2], fields[1::2]))
            sent = float(stats["sent"])
            values.append({"rate": float(stats["rate"]), "p99": float(stats["p99_us"]) / 1000.0,
                           "loss": 100.0 * float(stats["lost"]) / sent if sent else 0.0}[what])
    return values


def cpu_us(target, figure):
    """Proxy CPU time per request (close) or per round trip (udp), per repetition."""
    values = []
    for path in files(target, "cpu" + figure):
        rep = path.rsplit(".", 1)[1]
        stats = dict(zip(*[iter(open(path).read().split())] * 2))
        out = os.path.join(raw, "%s.%s.%s" % (target, figure, rep))
        if not os.path.exists(out) or int(stats["ticks"]) <= 0:
            continue
        text = open(out).read()
        m = re.search(r"(\d+) requests in", text) if figure == "close" else re.search(r"received (\d+)", text)
        if m and int(m.group(1)) > 0:
            values.append(int(stats["ticks"]) / float(stats["hz"]) * 1e6 / int(m.group(1)))
    return values


def per_core(values):
    return [1e6 / v for v in values]


def idle_kb(target, measure=""):
    """Growth per idle connection of RSS (measure "") or of the live heap (measure "heap_")."""
    for path in files(target, "idle"):
        stats = dict(zip(*[iter(open(path).read().split())] * 2))
        if int(stats["connections"]) > 0 and int(stats.get(measure + "after_kb", 0)) > 0:
            return [(int(stats[measure + "after_kb"]) - int(stats[measure + "before_kb"])) / int(stats["connections"])]
    return []


def fmt(value, unit):
    if unit == "req/s":
        return "%.1fk" % (value / 1000) if value >= 1000 else "%.0f" % value
    if unit in ("ms", "Gbit/s", "KB", "us"):
        return "%.2f" % value if value < 10 else "%.1f" % value
    if unit == "%":
        return "%.2f" % value
    return "%.0f" % value


FIGURES = [
    ("keep-alive req/resp, 64 conns: requests/s", "req/s", lambda t: wrk(t, "rr64", "rate")),
    ("keep-alive, 64 conns: p50 latency", "ms", lambda t: wrk(t, "rr64", "50")),
    ("keep-alive, 64 conns: p99 latency", "ms", lambda t: wrk(t, "rr64", "99")),
    ("keep-alive req/resp, 256 conns: requests/s", "req/s", lambda t: wrk(t, "rr256", "rate")),
    ("keep-alive, 256 conns: p50 latency", "ms", lambda t: wrk(t, "rr256", "50")),
    ("keep-alive, 256 conns: p99 latency", "ms", lambda t: wrk(t, "rr256", "99")),
    ("new connection per request: connections/s", "req/s", lambda t: wrk(t, "close", "rate")),
    ("new connection per request: p99 latency", "ms", lambda t: wrk(t, "close", "99")),
    ("new connection per request: proxy CPU per connection", "us", lambda t: cpu_us(t, "close")),
    ("new connection per request: connections/s per proxy core (1 s / CPU per connection)", "req/s",
     lambda t: per_core(cpu_us(t, "close"))),
    ("bulk, 1 stream", "Gbit/s", lambda t: iperf(t, "bulk1")),
    ("bulk, 4 streams", "Gbit/s", lambda t: iperf(t, "bulk4")),
    ("UDP, 256 flows x 4 in flight: datagrams/s", "req/s", lambda t: udp(t, "rate")),
    ("UDP round trip p99", "ms", lambda t: udp(t, "p99")),
    ("UDP loss", "%", lambda t: udp(t, "loss")),
    ("UDP: proxy CPU per round trip (2 datagrams in, 2 out)", "us", lambda t: cpu_us(t, "udp")),
    ("UDP: round trips/s per proxy core (1 s / CPU per round trip)", "req/s", lambda t: per_core(cpu_us(t, "udp"))),
    ("%s idle proxied connections: RSS per connection" % idle, "KB", idle_kb),
    ("%s idle proxied connections: live Java heap per connection (Fulcrum)" % idle, "KB",
     lambda t: idle_kb(t, "heap_")),
]


def cell(target, values, medians, unit, figure):
    if not values:
        if figure.startswith("UDP") and target == "haproxy":
            return "n/a (no UDP)"
        if figure.startswith("UDP") and target.startswith("fulcrum") and fulcrum_udp != "1":
            return "n/a (not built)"
        if ("Java heap" in figure and not target.startswith("fulcrum")) or \
                (("idle" in figure or "proxy" in figure) and target == "direct"):
            return "—"
        return "n/a"
    med = statistics.median(values)
    text = fmt(med, unit)
    if len(values) > 1:
        text += " (%s–%s)" % (fmt(min(values), unit), fmt(max(values), unit))
    ratios = ["%.2f×%s" % (med / medians[r], SHORT[r]) for r in REFS.get(target, []) if medians.get(r)]
    if ratios and unit != "%":
        text += "<br>" + " ".join(ratios)
    return text


lines = ["## Fulcrum benchmark, %s" % stamp, ""]
lines.append("Loopback only, 2 cores: the proxy under test pinned to core 1 with ONE worker/thread (HAProxy "
             "nbthread 1, nginx worker_processes 1, Fulcrum --io-threads 1, JVM -XX:+UseSerialGC -Xmx256m "
             "-XX:ActiveProcessorCount=1); load generators and real servers pinned to core 0. "
             "Each cell: median (min–max) over %s runs of %s s after a %s s warm-up of every measured path per target; "
             "ratios: ×d to direct, ×H to HAProxy, ×n to nginx (for latency and memory, lower is better)." %
             (reps, seconds, warmup))
lines.append("")
lines.append("| figure | unit | " + " | ".join(TITLES[t] for t in TARGETS) + " |")
lines.append("|---|---|" + "---|" * len(TARGETS))
for figure, unit, get in FIGURES:
    values = {t: get(t) for t in TARGETS}
    medians = {t: statistics.median(v) for t, v in values.items() if v}
    lines.append("| %s | %s | " % (figure, unit) + " | ".join(cell(t, values[t], medians, unit, figure)
                                                          for t in TARGETS) + " |")

push = files("fulcrum", "push")
writes = files("fulcrum", "write")
lines.append("")
lines.append("Control plane (1,000 virtual services x 10 real servers loaded, one node):")
lines.append("")
if push:
    stats = open(push[0]).read().split()
    lines.append("- full snapshot push (PUT /api/v1/config of the whole document until the node applied it): "
                 "%s ms; snapshot %s bytes on the node (last-good-snapshot.pb)" % (stats[1], stats[3]))
if writes:
    rows = [line.split() for line in open(writes[0]) if line.strip()]
    times = sorted(float(r[0]) * 1000 for r in rows)
    applied = sum(1 for r in rows if r[1].startswith("applied"))
    warmup = ""
    if push and "warmup_writes" in stats:
        warmup = "after %s unmeasured warm-up writes, " % stats[stats.index("warmup_writes") + 1]
    lines.append("- REST write -> applied on all nodes (PATCH real server weight with ?wait=5s, each a real change, "
                 "%s%d writes, %d answered Fulcrum-Sync: applied): p50 %.1f ms, p99 %.1f ms, max %.1f ms"
                 % (warmup, len(times), applied, times[len(times) // 2],
                    times[min(len(times) - 1, int(len(times) * 0.99))], times[-1]))
print("\n".join(lines))
