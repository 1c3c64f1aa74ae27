#!/usr/bin/env python3
"""Turns the raw outputs of bench/run.sh into markdown tables: one per layout (median and min-max per
figure, with each proxy's ratio to direct and to HAProxy / nginx), the first seconds after a start
next to the warm figures, and a summary of what each unit of work costs."""
import json
import os
import re
import statistics
import sys

raw_root, stamp, seconds, reps, warmup, idle, first, java_home = sys.argv[1:9]
TARGETS = ["direct", "haproxy", "nginx", "fulcrum"]
PROXIES = ["haproxy", "nginx", "fulcrum"]
TITLES = {"direct": "direct", "haproxy": "HAProxy", "nginx": "nginx", "fulcrum": "Fulcrum"}
REFS = {"haproxy": ["direct", "nginx"], "nginx": ["direct", "haproxy"], "fulcrum": ["direct", "haproxy", "nginx"]}
SHORT = {"direct": "d", "haproxy": "H", "nginx": "n"}
LAYOUTS = {
    "alone": "Proxy alone on its core: the proxy on core 1 with one worker (HAProxy nbthread 1, nginx "
             "worker_processes 1, Fulcrum --io-threads 1 with -XX:ActiveProcessorCount=1); load generators "
             "and real servers on core 0",
    "shared": "Proxy sharing its core with the real servers: proxy and real servers on core 1, one worker; "
              "load generators on core 0",
    "two": "Two threads on two cores: HAProxy nbthread 2, nginx worker_processes 2, Fulcrum --io-threads 2 "
           "with -XX:ActiveProcessorCount=2, wrk -t2; nothing pinned, load and real servers share the cores",
}


class Raw:
    """The raw files of one layout."""

    def __init__(self, layout):
        self.dir = os.path.join(raw_root, layout)

    def files(self, target, name):
        if not os.path.isdir(self.dir):
            return []
        prefix = "%s.%s." % (target, name)
        return [os.path.join(self.dir, f) for f in sorted(os.listdir(self.dir)) if f.startswith(prefix)]

    def text(self, path):
        return open(path).read()

    def cpu_seconds(self, path):
        """Proxy CPU seconds during the run whose output is at path (None if not measured)."""
        head, tail = os.path.split(path)
        target, rest = tail.split(".", 1)
        cpu = os.path.join(head, "%s.cpu-%s" % (target, rest))
        if not os.path.exists(cpu):
            return None
        stats = dict(zip(*[iter(open(cpu).read().split())] * 2))
        ticks = int(stats["ticks"])
        return ticks / float(stats["hz"]) if ticks > 0 else None


def millis(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk_values(raw, target, name, what):
    values = []
    for path in raw.files(target, name):
        text = raw.text(path)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        if errors:
            continue
        if what == "rate":
            m = re.search(r"Requests/sec:\s+([\d.]+)", text)
            if m:
                values.append(float(m.group(1)))
        elif what == "cpu":
            m = re.search(r"(\d+) requests in", text)
            cpu = raw.cpu_seconds(path)
            if m and int(m.group(1)) > 0 and cpu:
                values.append(cpu * 1e6 / int(m.group(1)))
        else:
            m = re.search(r"^\s+%s%%\s+(\S+)" % what, text, re.M)
            if m:
                values.append(millis(m.group(1)))
    return values


def iperf_values(raw, target, name, what):
    values = []
    for path in raw.files(target, name):
        try:
            result = json.load(open(path))
            received = result["end"]["sum_received"]["bits_per_second"] / 1e9
            # CPU covers the whole run, the omitted first second included: divide by every byte sent.
            sent = sum(interval["sum"]["bytes"] for interval in result["intervals"])
        except (ValueError, KeyError, TypeError):
            continue
        if what == "rate":
            values.append(received)
        else:
            cpu = raw.cpu_seconds(path)
            if cpu and sent > 0:
                values.append(cpu * 1e3 / (sent / 1e9))
    return values


def udp_values(raw, target, name, what):
    values = []
    for path in raw.files(target, name):
        fields = raw.text(path).split()
        if len(fields) < 10:
            continue
        stats = dict(zip(fields[0::2], fields[1::2]))
        sent, received = float(stats["sent"]), float(stats["received"])
        if what == "cpu":
            cpu = raw.cpu_seconds(path)
            if cpu and received > 0:
                values.append(cpu * 1e6 / received)
        elif what == "loss":
            values.append(100.0 * float(stats["lost"]) / sent if sent else 0.0)
        elif what == "rate":
            values.append(float(stats["rate"]))
        else:
            values.append(float(stats[what + "_us"]) / (1.0 if name == "udpidle" else 1000.0))
    return values


def idle_kb(raw, target):
    """RSS growth per idle connection the proxy held."""
    for path in raw.files(target, "idle"):
        stats = dict(zip(*[iter(raw.text(path).split())] * 2))
        if int(stats["connections"]) > 0:
            return [(int(stats["after_kb"]) - int(stats["before_kb"])) / int(stats["connections"])]
    return []


def per_core(values):
    return [1e6 / v for v in values]


def fmt(value, unit):
    if unit in ("req/s", "conn/s", "round trips/s"):
        return "%.1fk" % (value / 1000) if value >= 1000 else "%.0f" % value
    if unit == "%":
        return "%.2f" % value
    if unit in ("us", "ms", "Gbit/s", "KiB", "ms/GB"):
        return "%.2f" % value if value < 10 else "%.1f" % value if value < 100 else "%.0f" % value
    return "%.0f" % value


# (key, figure, unit, getter, lower is better)
FIGURES = [
    ("rr64", "keep-alive, 64 conns: requests/s", "req/s", lambda r, t: wrk_values(r, t, "rr64", "rate"), False),
    ("rr64p50", "keep-alive, 64 conns: p50", "ms", lambda r, t: wrk_values(r, t, "rr64", "50"), True),
    ("rr64p99", "keep-alive, 64 conns: p99", "ms", lambda r, t: wrk_values(r, t, "rr64", "99"), True),
    ("rr64cpu", "keep-alive, 64 conns: proxy CPU per request", "us", lambda r, t: wrk_values(r, t, "rr64", "cpu"), True),
    ("rr256", "keep-alive, 256 conns: requests/s", "req/s", lambda r, t: wrk_values(r, t, "rr256", "rate"), False),
    ("rr256p99", "keep-alive, 256 conns: p99", "ms", lambda r, t: wrk_values(r, t, "rr256", "99"), True),
    ("rr256cpu", "keep-alive, 256 conns: proxy CPU per request", "us", lambda r, t: wrk_values(r, t, "rr256", "cpu"), True),
    ("close", "new connection per request: connections/s", "conn/s", lambda r, t: wrk_values(r, t, "close", "rate"), False),
    ("closep99", "new connection per request: p99", "ms", lambda r, t: wrk_values(r, t, "close", "99"), True),
    ("closecpu", "new connection per request: proxy CPU per connection", "us",
     lambda r, t: wrk_values(r, t, "close", "cpu"), True),
    ("closecore", "new connection per request: connections/s one proxy core sustains (1 s / CPU per connection)",
     "conn/s", lambda r, t: per_core(wrk_values(r, t, "close", "cpu")), False),
    ("bulk1", "bulk, 1 stream", "Gbit/s", lambda r, t: iperf_values(r, t, "bulk1", "rate"), False),
    ("bulk1cpu", "bulk, 1 stream: proxy CPU per GB", "ms/GB", lambda r, t: iperf_values(r, t, "bulk1", "cpu"), True),
    ("bulk4", "bulk, 4 streams", "Gbit/s", lambda r, t: iperf_values(r, t, "bulk4", "rate"), False),
    ("bulk4cpu", "bulk, 4 streams: proxy CPU per GB", "ms/GB", lambda r, t: iperf_values(r, t, "bulk4", "cpu"), True),
    ("udp", "UDP, 64 flows x 4 in flight: round trips/s", "round trips/s", lambda r, t: udp_values(r, t, "udp", "rate"), False),
    ("udpp50", "UDP, 64 flows x 4 in flight: round trip p50", "ms", lambda r, t: udp_values(r, t, "udp", "p50"), True),
    ("udpp99", "UDP, 64 flows x 4 in flight: round trip p99", "ms", lambda r, t: udp_values(r, t, "udp", "p99"), True),
    ("udploss", "UDP loss", "%", lambda r, t: udp_values(r, t, "udp", "loss"), True),
    ("udpcpu", "UDP: proxy CPU per round trip (2 datagrams in, 2 out)", "us", lambda r, t: udp_values(r, t, "udp", "cpu"), True),
    ("udpidlep50", "UDP, one datagram at a time, 1 ms apart: round trip p50", "us",
     lambda r, t: udp_values(r, t, "udpidle", "p50"), True),
    ("udpidlep99", "UDP, one datagram at a time, 1 ms apart: round trip p99", "us",
     lambda r, t: udp_values(r, t, "udpidle", "p99"), True),
    ("idlerss", "%s idle connections (those held), fresh process: RSS growth per connection" % idle, "KiB",
     lambda r, t: idle_kb(r, t), True),
]


def collect(layout):
    raw = Raw(layout)
    data = {}
    for key, _, _, get, _ in FIGURES:
        data[key] = {t: get(raw, t) for t in TARGETS}
    return data


def cell(target, values, medians, unit, key):
    if not values:
        if key.startswith("udp") and target == "haproxy":
            return "no UDP"
        if target == "direct" and ("cpu" in key or "core" in key or "idle" in key and "udp" not in key):
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


def layout_table(layout, data):
    lines = ["### %s" % LAYOUTS[layout], "",
             "| figure | unit | " + " | ".join(TITLES[t] for t in TARGETS) + " |",
             "|---|---|" + "---|" * len(TARGETS)]
    for key, figure, unit, _, _ in FIGURES:
        values = data[key]
        if not any(values.values()):
            continue
        medians = {t: statistics.median(v) for t, v in values.items() if v}
        lines.append("| %s | %s | " % (figure, unit) +
                     " | ".join(cell(t, values[t], medians, unit, key) for t in TARGETS) + " |")
    return lines


def first_values(layout, target, path, what):
    raw = Raw(layout)
    if path == "udp":
        return udp_values(raw, target, "first-udp", what)
    return wrk_values(raw, target, "first-" + path, what)


def first_table(layouts, warm):
    rows = [("keep-alive, 64 conns: requests/s", "rr64", "rate", "rr64", "req/s"),
            ("keep-alive, 64 conns: proxy CPU per request", "rr64", "cpu", "rr64cpu", "us"),
            ("keep-alive, 64 conns: p99", "rr64", "99", "rr64p99", "ms"),
            ("new connection per request: connections/s", "close", "rate", "close", "conn/s"),
            ("new connection per request: proxy CPU per connection", "close", "cpu", "closecpu", "us"),
            ("UDP, 64 flows x 4 in flight: round trips/s", "udp", "rate", "udp", "round trips/s"),
            ("UDP: proxy CPU per round trip", "udp", "cpu", "udpcpu", "us")]
    lines = ["### The first %s s after a start, next to the warm figure" % first, "",
             "Each proxy restarted, then measured for %s s on one path from the moment its listener accepts "
             "(no warm-up traffic; a Fulcrum node runs its own --warm-up before it listens), median of %s "
             "starts; in brackets the same figure warm, and first / warm." % (first, reps), "",
             "| figure | layout | unit | " + " | ".join(TITLES[t] for t in PROXIES) + " |",
             "|---|---|---|" + "---|" * len(PROXIES)]
    any_row = False
    for layout in layouts:
        cells = []
        for target in PROXIES:
            raw = Raw(layout)
            starts = [float(raw.text(f).split()[1]) for f in raw.files(target, "start-rr64") +
                      raw.files(target, "start-close") + raw.files(target, "start-udp")]
            cells.append("%.1f s" % statistics.median(starts) if starts else "n/a")
        if any(c != "n/a" for c in cells):
            lines.append("| from the start until the listener accepts | %s | s | %s |" % (layout, " | ".join(cells)))
    for figure, path, what, key, unit in rows:
        for layout in layouts:
            cells = []
            for target in PROXIES:
                values = first_values(layout, target, path, what)
                warm_values = warm[layout][key].get(target)
                if not values:
                    cells.append("no UDP" if path == "udp" and target == "haproxy" else "n/a")
                    continue
                value = statistics.median(values)
                text = fmt(value, unit)
                if warm_values:
                    warm_median = statistics.median(warm_values)
                    text += " (warm %s, %.0f%%)" % (fmt(warm_median, unit), 100.0 * value / warm_median)
                cells.append(text)
            if any(c not in ("n/a", "no UDP") for c in cells):
                any_row = True
                lines.append("| %s | %s | %s | %s |" % (figure, layout, unit, " | ".join(cells)))
    return lines if any_row else []


def summary_table(layouts, warm):
    """What each unit of work costs, HAProxy / nginx / Fulcrum per layout, as in the README."""
    rows = [("CPU per keep-alive request, 64 connections (µs)", "rr64cpu", "us"),
            ("CPU per new proxied connection (µs)", "closecpu", "us"),
            ("CPU per GB of bulk, 1 stream (ms)", "bulk1cpu", "ms/GB"),
            ("CPU per UDP round trip, 64 flows x 4 (µs)", "udpcpu", "us"),
            ("keep-alive requests/s, 64 connections", "rr64", "req/s"),
            ("keep-alive p99, 64 connections (ms)", "rr64p99", "ms"),
            ("keep-alive p99, 256 connections (ms)", "rr256p99", "ms"),
            ("new connections/s", "close", "conn/s"),
            ("new-connection p99 (ms)", "closep99", "ms"),
            ("bulk, 1 / 4 streams (Gbit/s)", "bulk", "Gbit/s"),
            ("UDP round trips/s, 64 flows x 4", "udp", "round trips/s"),
            ("UDP round-trip p99 under load (ms)", "udpp99", "ms"),
            ("UDP round trip added when idle, p50 / p99 (µs)", "udpidle", "us"),
            ("RSS growth per idle connection, fresh process (KiB)", "idlerss", "KiB")]
    header = "| per unit of work | " + " | ".join(
        "%s: %s" % (layout, TITLES[t]) for layout in layouts for t in PROXIES) + " |"
    lines = ["### Summary: each proxy's cost per unit of work (medians)", "",
             "Ratios are Fulcrum's to HAProxy (×H) and to nginx (×n).", "",
             header, "|---|" + "---|" * (len(layouts) * len(PROXIES))]

    def med(layout, key, target):
        values = warm[layout][key].get(target)
        return statistics.median(values) if values else None

    for label, key, unit in rows:
        cells = []
        for layout in layouts:
            for target in PROXIES:
                if key == "bulk":
                    one, four = med(layout, "bulk1", target), med(layout, "bulk4", target)
                    text = "%s / %s" % (fmt(one, unit), fmt(four, unit)) if one and four else "—"
                elif key == "udpidle":
                    p50, p99 = med(layout, "udpidlep50", target), med(layout, "udpidlep99", target)
                    d50, d99 = med(layout, "udpidlep50", "direct"), med(layout, "udpidlep99", "direct")
                    text = "+%.0f / +%.0f" % (p50 - d50, p99 - d99) if p50 and d50 else "—"
                else:
                    value = med(layout, key, target)
                    text = fmt(value, unit) if value is not None else "—"
                    if value is not None and target == "fulcrum":
                        refs = [(r, med(layout, key, r)) for r in ("haproxy", "nginx")]
                        text += " " + " ".join("%.2f×%s" % (value / v, SHORT[r]) for r, v in refs if v)
                cells.append(text)
        if any(c != "—" for c in cells):
            lines.append("| %s | %s |" % (label, " | ".join(cells)))
    return lines


def control_plane_lines():
    raw = Raw("control-plane")
    push = raw.files("fulcrum", "push")
    writes = raw.files("fulcrum", "write")
    if not push and not writes:
        return []
    lines = ["### Control plane (1,000 virtual services x 10 real servers loaded, one node)", ""]
    stats = open(push[0]).read().split() if push else []
    if push:
        lines.append("- full snapshot push (PUT /api/v1/config of the whole document until the node applied it): "
                     "%s ms; snapshot %s bytes on the node (last-good-snapshot.pb)" % (stats[1], stats[3]))
    if writes:
        rows = [line.split() for line in open(writes[0]) if line.strip()]
        times = sorted(float(r[0]) * 1000 for r in rows)
        applied = sum(1 for r in rows if r[1].startswith("applied"))
        warm_note = ""
        if "warmup_writes" in stats:
            warm_note = "after %s unmeasured warm-up writes, " % stats[stats.index("warmup_writes") + 1]
        lines.append("- REST write -> applied on all nodes (PATCH real server weight with ?wait=5s, each a real change, "
                     "%s%d writes, %d answered Fulcrum-Sync: applied): p50 %.1f ms, p99 %.1f ms, max %.1f ms"
                     % (warm_note, len(times), applied, times[len(times) // 2],
                        times[min(len(times) - 1, int(len(times) * 0.99))], times[-1]))
    return lines


def main():
    layouts = [l for l in LAYOUTS if os.path.isdir(os.path.join(raw_root, l))]
    warm = {layout: collect(layout) for layout in layouts}
    out = ["## Fulcrum benchmark, %s" % stamp, "",
           "Loopback only, 2 cores. Each cell: median (min–max) over %s runs of %s s after a %s s warm-up of every "
           "measured path per proxy; ratios: ×d to direct, ×H to HAProxy, ×n to nginx (for latency, CPU and "
           "memory, lower is better). CPU is the proxy processes' user + system time during the run divided "
           "by the work done. Fulcrum's JVM: %s, flags deploy/jvm/data-plane.options." %
           (reps, seconds, warmup, java_home), ""]
    single = [l for l in layouts if l != "two"]
    if single:
        out += summary_table(single, warm) + [""]
    for layout in layouts:
        out += layout_table(layout, warm[layout]) + [""]
    first_lines = first_table(single, warm)
    if first_lines:
        out += first_lines + [""]
    out += control_plane_lines()
    print("\n".join(out))


main()
