#!/usr/bin/python3
"""bench_prosody.py - make bench-prosody: Prosody's own mod_muc against
mod_libmuc under the same load, on this machine, in one run.

For each room size N (default 50 200 500) and each component (mod_muc,
mod_libmuc), a fresh Prosody 0.12 (bindings/bench/prosody-bench.cfg.lua,
memory storage, plain c2s on a free loopback port) serves
conference.localhost, and this script:

  1. connects N c2s clients (stream, SASL PLAIN, bind) and one control
     client, which is never in the room;
  2. join phase: the clients join bench@conference.localhost one after the
     other (each waits for its own presence), until every client has every
     occupant's presence and the subject: N*(N+1) deliveries;
  3. message phase: M groupchat messages (M = --deliveries / N), sent by
     --senders of the occupants in turn, at most --window in flight, until
     every client has all M: N*M deliveries.

Every delivery is counted at the clients (the <presence and <message tags
in what each socket receives). Around each phase it reads Prosody's CPU
time (utime+stime, /proc/PID/stat) and, through the control client,
mod_bench_prof's counters: the CPU time of the MUC component itself (see
mod_bench_prof.lua for the method). Resident memory (VmRSS,
/proc/PID/status) and the bytes in use in malloc are read after a full
garbage collection before and after the join; their growth divided by N is
the cost of an occupant.

Prosody is pinned to the last CPU and this script to the first (when there
are two or more), so that the clients do not share Prosody's core.

Writes a table to stdout and the figures as JSON (--json).
"""
import argparse
import asyncio
import base64
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
NS_MUC = "http://jabber.org/protocol/muc"
NS_BENCH = "urn:libmuc:bench"
DOMAIN = "localhost"
ROOM = "bench@conference.localhost"
ENGINES = (("muc", "mod_muc"), ("libmuc", "mod_libmuc"))
CLK_TCK = os.sysconf("SC_CLK_TCK")
HERE = os.path.dirname(os.path.abspath(__file__))


class BenchError(Exception):
    pass


# ------------------------------------------------------------------ clients

class Client:
    """A plain c2s client. After login it only counts what it receives."""

    def __init__(self, user):
        self.user = user
        self.reader = self.writer = None
        self.buf = b""
        self.presences = 0
        self.messages = 0
        self.task = None
        self.pred = None
        self.fut = None

    async def _until(self, marker, timeout=20):
        async def go():
            while marker not in self.buf:
                data = await self.reader.read(65536)
                if not data:
                    raise BenchError("%s: connection closed during login: %r"
                                     % (self.user, self.buf[-300:]))
                self.buf += data
        await asyncio.wait_for(go(), timeout)
        head, _, self.buf = self.buf.partition(marker)
        return head + marker

    def send(self, text):
        self.writer.write(text.encode())

    def _stream_header(self):
        self.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams' to='%s' "
                  "version='1.0'>" % DOMAIN)

    async def login(self, port):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._stream_header()
        await self._until(b"</stream:features>")
        creds = base64.b64encode(("\0%s\0bench" % self.user).encode()).decode()
        self.send("<auth xmlns='%s' mechanism='PLAIN'>%s</auth>" % (NS_SASL, creds))
        got = await self._until(b">")
        if b"<success" not in got:
            got += await self._until(b">")
            raise BenchError("%s: SASL PLAIN failed: %r" % (self.user, got))
        if not got.rstrip().endswith(b"/>"):
            await self._until(b"</success>")
        self.buf = b""
        self._stream_header()
        await self._until(b"</stream:features>")
        self.send("<iq type='set' id='bind'><bind xmlns='%s'><resource>bench</resource>"
                  "</bind></iq>" % NS_BIND)
        got = await self._until(b"</iq>")
        if b"type='result'" not in got and b'type="result"' not in got:
            raise BenchError("%s: bind failed: %r" % (self.user, got))

    def start_counting(self):
        self.task = asyncio.get_running_loop().create_task(self._count())

    async def _count(self):
        # A tag name split across two reads is counted once: the tail kept
        # is shorter than either pattern.
        tail = self.buf
        self.buf = b""
        read = self.reader.read
        while True:
            data = await read(262144)
            if not data:
                return
            b = tail + data
            self.presences += b.count(b"<presence")
            self.messages += b.count(b"<message")
            tail = b[-8:]
            if self.pred is not None and self.pred(self):
                fut, self.pred, self.fut = self.fut, None, None
                if not fut.done():
                    fut.set_result(True)

    async def wait_for(self, pred, timeout):
        if pred(self):
            return True
        self.fut = asyncio.get_running_loop().create_future()
        self.pred = pred
        try:
            return await asyncio.wait_for(self.fut, timeout)
        except asyncio.TimeoutError:
            self.pred = self.fut = None
            return False

    def close(self):
        if self.task:
            self.task.cancel()
        if self.writer:
            try:
                self.writer.write(b"</stream:stream>")
                self.writer.close()
            except Exception:
                pass


class Control(Client):
    """The control client: asks mod_bench_prof, reads its answers."""
    n = 0

    async def ask(self, op):
        Control.n += 1
        iq_id = "c%d" % Control.n
        self.send("<iq type='set' id='%s' to='%s'><bench xmlns='%s' op='%s'/></iq>"
                  % (iq_id, DOMAIN, NS_BENCH, op))
        while True:
            got = await self._until(b"</iq>", timeout=60)
            if ("id='%s'" % iq_id).encode() in got or ('id="%s"' % iq_id).encode() in got:
                break
        start = got.rfind(b"<iq")
        el = ET.fromstring(got[start:])
        if el.get("type") != "result":
            raise BenchError("mod_bench_prof refused %s: %r" % (op, got[start:]))
        bench = el.find("{%s}bench" % NS_BENCH)
        return dict(bench.attrib) if bench is not None else {}


# ------------------------------------------------------------------ Prosody

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def proc_cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])  # utime, stime (fields 14, 15)


def proc_runtime_ns(pid):
    """The scheduler's run time of every thread (ns): the precise figure
    utime+stime are scaled from; recorded in the JSON as a check."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])  # kB
    return None


RUNNING = []  # every Prosody started and not yet stopped


class Prosody:
    def __init__(self, args, engine, workdir):
        self.args, self.engine, self.base = args, engine, workdir
        self.proc = None
        self.port = free_port()

    def start(self):
        os.makedirs(os.path.join(self.base, "data"), exist_ok=True)
        os.makedirs(os.path.join(self.base, "certs"), exist_ok=True)
        env = dict(os.environ,
                   PROSODY_TEST_BASE=self.base,
                   PROSODY_C2S_PORT=str(self.port),
                   BENCH_ENGINE=self.engine,
                   BENCH_DIR=HERE,
                   BENCH_CPATH=os.path.join(os.path.dirname(self.args.benchclock), "?.so"),
                   LIBMUC_PROSODY_DIR=os.path.abspath(self.args.prosody_dir),
                   LIBMUC_LUA_CPATH=os.path.join(os.path.dirname(os.path.abspath(self.args.lua_mod)), "?.so"))
        cmd = [self.args.prosody, "-F", "--config", os.path.join(HERE, "prosody-bench.cfg.lua")]
        if self.args.pin:
            cmd = ["taskset", "-c", str(self.args.prosody_cpu)] + cmd
        self.out = open(os.path.join(self.base, "stdout"), "w")
        # taskset and /usr/bin/env exec: the child's PID is Prosody's.
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        RUNNING.append(self)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        said = []
        for name in ("stdout", "prosody.log"):
            try:
                with open(os.path.join(self.base, name)) as f:
                    said += [l.rstrip() for l in f][-10:]
            except OSError:
                pass
        raise BenchError("Prosody (%s) did not start; it said:\n  %s"
                         % (self.engine, "\n  ".join(said) or "nothing"))

    @property
    def pid(self):
        return self.proc.pid

    def log_errors(self):
        try:
            with open(os.path.join(self.base, "prosody.log")) as f:
                return [l.rstrip() for l in f if "\terror\t" in l or "\twarn\t" in l]
        except OSError:
            return []

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.out.close()
            RUNNING.remove(self)
        self.proc = None


# ------------------------------------------------------------------ one run

class Phase:
    def __init__(self, prosody, ctl):
        self.prosody, self.ctl = prosody, ctl

    async def start(self):
        await self.ctl.ask("reset")
        pid = self.prosody.pid
        self.t0 = time.monotonic()
        self.ticks0 = proc_cpu_ticks(pid)
        self.rt0 = proc_runtime_ns(pid)

    async def stop(self, deliveries):
        pid = self.prosody.pid
        ticks = proc_cpu_ticks(pid) - self.ticks0
        rt = proc_runtime_ns(pid) - self.rt0
        wall = time.monotonic() - self.t0
        prof = await self.ctl.ask("read")
        h, s = int(prof["handler_ns"]), int(prof["send_ns"])
        sends, ovh = int(prof["sends"]), float(prof["send_overhead_ns"])
        comp_ns = h - s - sends * ovh
        d = max(deliveries, 1)
        return {
            "deliveries": deliveries,
            "wall_s": round(wall, 3),
            "prosody_cpu_ticks": ticks,
            "prosody_cpu_s": ticks / CLK_TCK,
            "prosody_runtime_s": rt / 1e9,
            "prosody_cpu_us_per_delivery": ticks / CLK_TCK * 1e6 / d,
            "prosody_runtime_us_per_delivery": rt / 1e3 / d,
            "component_stanzas_in": int(prof["handlers"]),
            "component_stanzas_out": sends,
            "component_handler_s": h / 1e9,
            "component_routing_s": s / 1e9,
            "component_wrapper_correction_s": sends * ovh / 1e9,
            "component_cpu_s": comp_ns / 1e9,
            "component_us_per_delivery": comp_ns / 1e3 / d,
            "routing_us_per_delivery": s / 1e3 / d,
            "handler_errors": int(prof["errors"]),
            "profiler": {"clock": prof.get("clock"),
                         "wrapper_cost_per_send_ns": ovh,
                         "timed_handlers": prof.get("timed_handlers", "").split()},
        }


async def measure_memory(prosody, ctl):
    heap = await ctl.ask("gc")
    return {"rss_kib": proc_status(prosody.pid, "VmRSS"),
            "malloc_in_use": int(heap["malloc_in_use"]),
            "lua_heap": int(heap["lua_heap_bytes"])}


async def run_one(args, engine, n, m, workdir):
    prosody = Prosody(args, engine, workdir)
    clients, ctl = [], None
    prosody.start()
    try:
        ctl = Control("benchctl")
        await ctl.login(prosody.port)
        clients = [Client("u%d" % i) for i in range(n)]
        sem = asyncio.Semaphore(64)

        async def login(c):
            async with sem:
                await c.login(prosody.port)
        await asyncio.gather(*(login(c) for c in clients))
        for c in clients:
            c.start_counting()

        mem0 = await measure_memory(prosody, ctl)

        # Join phase: one after the other, each waits for its own presence
        # (the i-th joiner gets i occupants' presences, then its own).
        phase = Phase(prosody, ctl)
        await phase.start()
        for i, c in enumerate(clients):
            c.send("<presence to='%s/u%d'><x xmlns='%s'/></presence>" % (ROOM, i, NS_MUC))
            if not await c.wait_for(lambda c, k=i + 1: c.presences >= k, args.timeout):
                raise BenchError("%s, N=%d: u%d did not get its own presence (%d presences)"
                                 % (engine, n, i, c.presences))
        want = lambda c: c.presences >= n and c.messages >= 1
        for c in clients:
            await c.wait_for(want, args.timeout)
        got = sum(c.presences + c.messages for c in clients)
        join = await phase.stop(got)
        join["expected"] = n * (n + 1)
        mem1 = await measure_memory(prosody, ctl)

        # Message phase: M groupchat messages from the senders in turn; at
        # most `window` in flight, as seen by the last client.
        senders = clients[:max(1, min(args.senders, n))]
        watcher = clients[-1]
        base = {id(c): c.messages for c in clients}
        wbase = base[id(watcher)]
        phase = Phase(prosody, ctl)
        await phase.start()
        for j in range(m):
            if j - (watcher.messages - wbase) >= args.window:
                await watcher.wait_for(lambda c, k=j - args.window + 1: c.messages - wbase >= k,
                                       args.timeout)
            s = senders[j % len(senders)]
            s.send("<message to='%s' type='groupchat' id='m%d'><body>Message %d of the "
                   "benchmark, from %s.</body></message>" % (ROOM, j, j, s.user))
        for c in clients:
            await c.wait_for(lambda c, k=base[id(c)] + m: c.messages >= k, args.timeout)
        got = sum(c.messages - base[id(c)] for c in clients)
        msgs = await phase.stop(got)
        msgs["expected"] = n * m
        mem2 = await measure_memory(prosody, ctl)

        return {
            "engine": "mod_" + engine, "n": n, "m": m, "senders": len(senders),
            "join": join, "messages": msgs,
            "memory": {
                "before_join": mem0, "after_join": mem1, "after_messages": mem2,
                "rss_kib_per_occupant": (mem1["rss_kib"] - mem0["rss_kib"]) / n,
                "malloc_kib_per_occupant": (mem1["malloc_in_use"] - mem0["malloc_in_use"]) / 1024 / n,
                "rss_mib_after_join": mem1["rss_kib"] / 1024,
            },
            "log_warnings": prosody.log_errors()[:20],
        }
    finally:
        for c in clients:
            c.close()
        if ctl:
            ctl.close()
        await asyncio.sleep(0.05)
        prosody.stop()


# ------------------------------------------------------------------ report

def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = mem_total_mib()
    try:
        ver = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "prosody"],
                             capture_output=True, text=True).stdout.strip() or "?"
    except OSError:
        ver = "?"
    return {"cpu": model, "cpus": os.cpu_count(), "memory_mib": mem,
            "kernel": platform.release(), "prosody": ver,
            "python": platform.python_version()}


def mem_total_mib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def ratio(a, b):
    return a / b if b else float("inf")


def engine_memory(results):
    """Each engine keeps its rooms in one heap: mod_muc in Lua's, libmuc in
    C's (malloc outside Lua). An engine's own memory per occupant is the
    growth of its heap during the join beyond the same heap's growth under
    the other engine, where that heap holds only the server's part (c2s
    sessions, buffers): Lua growth for mod_muc, C growth for libmuc."""
    by = {(r["engine"], r["n"]): r for r in results}
    for n in {r["n"] for r in results}:
        a, b = by.get(("mod_muc", n)), by.get(("mod_libmuc", n))
        if not (a and b):
            continue

        def growth(r):
            m0, m1 = r["memory"]["before_join"], r["memory"]["after_join"]
            lua = m1["lua_heap"] - m0["lua_heap"]
            return lua, (m1["malloc_in_use"] - m0["malloc_in_use"]) - lua
        (alua, ac), (blua, bc) = growth(a), growth(b)
        a["memory"]["engine_kib_per_occupant_est"] = (alua - blua) / 1024 / n
        b["memory"]["engine_kib_per_occupant_est"] = (bc - ac) / 1024 / n


def cpu_cell(phase):
    def get(r):
        return r[phase]["prosody_cpu_us_per_delivery"]

    def note(r):  # utime+stime count clock ticks: few ticks, little precision
        return "~" if r[phase]["prosody_cpu_ticks"] < 100 else ""
    return get, note


ROWS = [
    ("join", "deliveries (presence + subject)", lambda r: r["join"]["deliveries"], "%d", False, None),
    ("join", "Prosody CPU, us/delivery", cpu_cell("join")[0], "%.1f", True, cpu_cell("join")[1]),
    ("join", "MUC component, us/delivery", lambda r: r["join"]["component_us_per_delivery"], "%.2f", True, None),
    ("msgs", "deliveries (groupchat)", lambda r: r["messages"]["deliveries"], "%d", False, None),
    ("msgs", "Prosody CPU, us/delivery", cpu_cell("messages")[0], "%.1f", True, cpu_cell("messages")[1]),
    ("msgs", "MUC component, us/delivery", lambda r: r["messages"]["component_us_per_delivery"], "%.2f", True, None),
    ("mem", "RSS growth per occupant, KiB", lambda r: r["memory"]["rss_kib_per_occupant"], "%.1f", True, None),
    ("mem", "malloc growth per occupant, KiB", lambda r: r["memory"]["malloc_kib_per_occupant"], "%.1f", True, None),
    ("mem", "engine's heap per occupant, KiB", lambda r: r["memory"].get("engine_kib_per_occupant_est", float("nan")), "%.2f", True, None),
    ("mem", "RSS after the join, MiB", lambda r: r["memory"]["rss_mib_after_join"], "%.1f", True, None),
]


def table(results, info):
    out = []
    out.append("bench-prosody: Prosody %s (Debian), %s x %s, %s MiB, Linux %s"
               % (info["prosody"], info["cpus"], info["cpu"], info["memory_mib"], info["kernel"]))
    if info.get("pinned"):
        out.append("  Prosody pinned to CPU %d, the clients (Python asyncio) to CPU %d"
                   % (info["prosody_cpu"], info["client_cpu"]))
    out.append("%-4s %-5s %-32s %11s %11s %7s" % ("N", "phase", "", "mod_muc", "mod_libmuc", "ratio"))
    by = {(r["engine"], r["n"]): r for r in results}
    tilde = False
    for n in sorted({r["n"] for r in results}):
        a, b = by.get(("mod_muc", n)), by.get(("mod_libmuc", n))
        if not (a and b):
            continue
        out.append("%-4d (M = %d groupchat messages from %d senders)"
                   % (n, a["m"], a["senders"]))
        for phase, label, get, fmtspec, show_ratio, note in ROWS:
            va, vb = get(a), get(b)
            na, nb = (note(a), note(b)) if note else ("", "")
            tilde = tilde or bool(na or nb)
            out.append("%-4s %-5s %-32s %11s %11s %7s" % (
                "", phase, label, na + fmtspec % va, nb + fmtspec % vb,
                ("%.2f" % ratio(va, vb)) if show_ratio else ""))
    out.append("ratio = mod_muc / mod_libmuc.")
    out.append("Prosody CPU: utime+stime of its process (/proc/PID/stat) across the phase"
               + (" (~: under 100 clock ticks;\n  the JSON has the scheduler's ns figure)" if tilde else "") + ".")
    out.append("MUC component: CPU time (CLOCK_THREAD_CPUTIME_ID) inside the component's stanza "
               "handlers minus the")
    out.append("  time inside its module:send (Prosody's routing and c2s delivery); mod_libmuc's "
               "includes libmuc's C")
    out.append("  code and the Lua GC work its allocations trigger (mod_bench_prof.lua).")
    out.append("Memory: growth from before the join to after it, both after a full GC, per occupant;"
               " engine's heap:")
    out.append("  Lua heap (mod_muc) or C heap (libmuc) growth beyond the same heap's growth "
               "under the other engine.")
    return "\n".join(out)


async def main_async(args):
    info = machine()
    if args.pin:
        os.sched_setaffinity(0, {args.client_cpu})
        info.update(pinned=True, prosody_cpu=args.prosody_cpu, client_cpu=args.client_cpu)
    results = []
    workroot = tempfile.mkdtemp(prefix="libmuc-bench.")
    t_start = time.monotonic()
    try:
        for n in args.sizes:
            m = max(args.senders, round(args.deliveries / n))
            for engine, label in ENGINES:
                if args.engines and engine not in args.engines:
                    continue
                t0 = time.monotonic()
                r = await run_one(args, engine, n, m, os.path.join(workroot, "%s-%d" % (engine, n)))
                r["run_wall_s"] = round(time.monotonic() - t0, 1)
                results.append(r)
                j, g = r["join"], r["messages"]
                print("  %-10s N=%-4d join %7d/%-7d deliveries %6.1fs  messages %7d/%-7d %6.1fs"
                      % (label, n, j["deliveries"], j["expected"], j["wall_s"],
                         g["deliveries"], g["expected"], g["wall_s"]), flush=True)
                for w in r["log_warnings"][:5]:
                    print("    prosody log: %s" % w, flush=True)
    finally:
        if args.keep:
            print("bench-prosody: logs kept in %s" % workroot)
        else:
            shutil.rmtree(workroot, ignore_errors=True)
    info["total_wall_s"] = round(time.monotonic() - t_start, 1)
    engine_memory(results)
    doc = {"machine": info,
           "settings": {"sizes": args.sizes, "deliveries": args.deliveries,
                        "senders": args.senders, "window": args.window,
                        "clk_tck": CLK_TCK},
           "method": {
               "prosody_cpu": "utime+stime of Prosody's process from /proc/PID/stat across the "
                              "phase (clock ticks); prosody_runtime_* is the scheduler's ns "
                              "run time of the same process (/proc/PID/task/*/schedstat)",
               "component_cpu": "mod_bench_prof.lua: CLOCK_THREAD_CPUTIME_ID around every handler "
                                "of the 9 stanza events fired on the component host (util.events "
                                "wrappers), minus the time inside the component's module:send "
                                "(Prosody routing + c2s delivery), minus the wrapper's calibrated "
                                "cost per send",
               "memory": "VmRSS (/proc/PID/status), glibc malloc bytes in use (mallinfo2) and "
                         "Lua's heap (collectgarbage 'count'), each after a full Lua GC, before "
                         "and after the join; growth / N. engine_kib_per_occupant_est: growth of "
                         "the engine's own heap (Lua for mod_muc, malloc minus Lua for libmuc) "
                         "beyond that heap's growth under the other engine",
           },
           "results": results}
    bad = [r for r in results
           if r["join"]["deliveries"] != r["join"]["expected"]
           or r["messages"]["deliveries"] != r["messages"]["expected"]]
    return doc, bad


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500], help="room sizes N")
    p.add_argument("--deliveries", type=int, default=100000,
                   help="groupchat deliveries per message phase: M = this / N (default 100000)")
    p.add_argument("--senders", type=int, default=5, help="occupants sending the messages")
    p.add_argument("--window", type=int, default=10, help="messages in flight at most")
    p.add_argument("--engines", nargs="+", choices=["muc", "libmuc"], help="only these")
    p.add_argument("--lua-mod", default="build/lua/libmuc.so")
    p.add_argument("--benchclock", default="build/bench/benchclock.so")
    p.add_argument("--prosody-dir", default="bindings/prosody", help="where mod_libmuc.lua is")
    p.add_argument("--prosody", default="prosody")
    p.add_argument("--json", default="build/bench-prosody.json")
    p.add_argument("--timeout", type=float, default=120, help="seconds to wait for deliveries")
    p.add_argument("--no-pin", dest="pin", action="store_false",
                   help="do not pin Prosody and the clients to separate CPUs")
    p.add_argument("--keep", action="store_true", help="keep Prosody's logs")
    args = p.parse_args(argv)
    args.benchclock = os.path.abspath(args.benchclock)
    for f in (args.lua_mod, args.benchclock, os.path.join(args.prosody_dir, "mod_libmuc.lua")):
        if not os.path.exists(f):
            sys.exit("bench-prosody: missing %s" % f)
    if not shutil.which(args.prosody):
        sys.exit("bench-prosody: %s not found (apt-get install prosody)" % args.prosody)
    cpus = sorted(os.sched_getaffinity(0))
    if args.pin and (len(cpus) < 2 or not shutil.which("taskset")):
        args.pin = False
    if args.pin:
        args.client_cpu, args.prosody_cpu = cpus[0], cpus[-1]
    need = max(args.sizes) + 64

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        # Prosody (a child) inherits it: one descriptor per client there too.
        if hard != resource.RLIM_INFINITY and hard < need:
            sys.exit("bench-prosody: N=%d needs %d file descriptors, the hard limit is %d"
                     % (max(args.sizes), need, hard))
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
        print("bench-prosody: raised the open-file limit from %d to %d" % (soft, need))

    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        doc, bad = asyncio.run(main_async(args))
    except BenchError as e:
        print("bench-prosody: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench-prosody: interrupted", file=sys.stderr)
        return 130
    finally:
        for p in list(RUNNING):
            p.stop()
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(doc, f, indent=1)
    print()
    print(table(doc["results"], doc["machine"]))
    print("(%s; %.0f s in all)" % (args.json, doc["machine"]["total_wall_s"]))
    if bad:
        for r in bad:
            print("bench-prosody: %s N=%d: deliveries differ from the expected count"
                  % (r["engine"], r["n"]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
