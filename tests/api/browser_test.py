#!/usr/bin/env python3
"""The web page in a real browser: Debian's headless Chromium, driven over the
DevTools protocol, submits ethanol (test preset) on `qmnmr serve`'s page, a
real `qmnmr worker` runs it, the status page follows it and opens the results
page by itself; the shift tables, both spectra and the downloads are checked
there, a screenshot is saved, and the results page is read once more with
JavaScript off.

    browser_test.py QMNMR_BINARY OUT_DIR

Installs chromium with apt-get when it is missing (needs root). Exit 0 when
every check passed.
"""
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families


def say(text):
    print(f"browser-test: {text}", flush=True)


class WebSocket:
    """A WebSocket client (RFC 6455), enough for the DevTools protocol."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("DevTools closed the connection during the handshake")
            head += chunk
        head, self.buf = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError(f"DevTools refused the WebSocket: {head[:200]!r}")

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _frame(self, opcode, data):
        head = bytearray([0x80 | opcode])
        n = len(data)
        if n < 126:
            head.append(0x80 | n)
        elif n < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(bytes(head) + mask + masked)

    def send(self, text):
        self._frame(0x1, text.encode())

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            opcode = b0 & 0x0F
            if opcode == 0x9:
                self._frame(0xA, payload)
                continue
            if opcode == 0x8:
                raise RuntimeError("DevTools closed the WebSocket")
            message += payload
            if b0 & 0x80:
                return message.decode()


class Page:
    """One browser tab over DevTools: commands by id, events ignored."""

    def __init__(self, ws_url):
        self.ws = WebSocket(ws_url)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def js(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"page script failed: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait(self, expression, seconds, what):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                if self.js(expression):
                    return
            except RuntimeError:
                pass  # between two pages
            time.sleep(0.5)
        raise RuntimeError(f"timed out after {seconds} s waiting for {what}")


def start(argv, env, log):
    return subprocess.Popen(argv, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)


def wait_for_line(path, pattern, seconds, proc):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        text = Path(path).read_text(errors="replace") if Path(path).exists() else ""
        m = re.search(pattern, text)
        if m:
            return m
        if proc.poll() is not None:
            raise RuntimeError(f"{path}: the program exited {proc.returncode}:\n{text[-2000:]}")
        time.sleep(0.1)
    raise RuntimeError(f"{path}: no line matching {pattern} after {seconds} s")


def check_metrics(base, qmnmr, env, job):
    """/metrics as Prometheus parses it, against the queue as `qmnmr list` has it."""
    with urllib.request.urlopen(f"{base}/metrics", timeout=30) as r:
        kind = r.headers.get("Content-Type", "")
        text = r.read().decode()
    failures = []
    if not kind.startswith("text/plain; version=0.0.4"):
        failures.append(f"/metrics Content-Type is '{kind}'")
    samples = {}
    for family in text_string_to_metric_families(text):  # raises on a malformed line
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    listed = json.loads(subprocess.run([str(qmnmr), "list", "--json"], env=env, check=True,
                                       capture_output=True, text=True).stdout)
    for state in ("queued", "running", "complete", "failed", "cancelled"):
        want = sum(1 for j in listed if j["status"] == state)
        got = samples.get(("qmnmr_jobs", (("state", state),)))
        if got != want:
            failures.append(f"qmnmr_jobs{{state={state}}} is {got}, qmnmr list has {want}")
    shielding = samples.get(("qmnmr_stage_duration_seconds_count", (("stage", "shielding"),)))
    if shielding != 1:
        failures.append(f"shielding stage count {shielding}, wanted 1 (the one job)")
    runs = sum(v for (name, labels), v in samples.items()
               if name == "qmnmr_nwchem_runs_total" and ("failure", "none") in labels)
    if runs < 2:
        failures.append(f"{runs} usable NWChem runs counted, wanted at least 2 (opt, shielding)")
    beats = [labels for (name, labels) in samples if name == "qmnmr_worker_heartbeat_age_seconds"]
    if len(beats) != 1:
        failures.append(f"{len(beats)} worker heartbeats, wanted 1")
    status_reads = sum(v for (name, labels), v in samples.items()
                       if name == "qmnmr_api_requests_total"
                       and ("route", "/api/v1/jobs/{id}") in labels)
    results_page = samples.get(("qmnmr_api_request_duration_seconds_count",
                                (("route", "/results/{id}"),)), 0)
    if results_page < 1:
        failures.append("the results page's requests are not in the latency histogram")
    say(f"/metrics: {len(samples)} samples parse; jobs {[j['status'] for j in listed]}, "
        f"shielding stages {shielding}, usable NWChem runs {runs}, status polls {status_reads}, "
        f"results-page requests {results_page}")
    return failures


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    if os.geteuid() != 0:
        raise RuntimeError("no chromium; install Debian's chromium package (apt-get install chromium)")
    say("installing chromium (apt-get)")
    subprocess.run(["apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"],
                   check=True, stdout=subprocess.DEVNULL, env={**os.environ,
                                                               "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which("chromium")


def main():
    qmnmr, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    browser = chromium()
    tmp = Path(tempfile.mkdtemp(prefix="qmnmr-browser-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("QMNMR_")}
    env.update(QMNMR_DATA=str(tmp / "data"), QMNMR_REFERENCE_DIR=str(qmnmr.parent / "test-reference"),
               QMNMR_HEARTBEAT_SECONDS="1", QMNMR_RANKS="1", OMPI_ALLOW_RUN_AS_ROOT="1",
               OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    procs = []
    try:
        server = start([str(qmnmr), "serve", "--listen", "127.0.0.1:0"], env, tmp / "serve.log")
        procs.append(server)
        port = wait_for_line(tmp / "serve.log", r"listening on http://127\.0\.0\.1:(\d+)", 15,
                             server).group(1)
        base = f"http://127.0.0.1:{port}"
        procs.append(start([str(qmnmr), "worker"], env, tmp / "worker.log"))
        chrome = start([browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                        "--no-first-run", "--disable-extensions", f"--user-data-dir={tmp / 'profile'}",
                        "--remote-debugging-port=0", "--window-size=1200,1700", "about:blank"],
                       env, tmp / "chromium.log")
        procs.append(chrome)
        devtools = wait_for_line(tmp / "chromium.log", r"DevTools listening on ws://127\.0\.0\.1:(\d+)/",
                                 60, chrome).group(1)
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{devtools}/json/list"))
        page = Page(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])

        page.call("Page.enable")
        page.call("Page.navigate", url=base + "/")
        page.wait("document.readyState === 'complete' && !!document.getElementById('submit')", 30,
                  "the submit page")
        say("submit page loaded; filling in ethanol, test preset, single conformer")
        page.js("""(() => {
            document.getElementById('smiles').value = 'CCO';
            document.getElementById('name').value = 'ethanol from the browser';
            document.getElementById('solvent').value = 'chcl3';
            document.getElementById('preset').value = 'test';
            document.getElementById('conformer_mode').value = 'single';
            document.getElementById('submit').click();
            return true; })()""")
        page.wait("location.pathname.startsWith('/status/')", 30, "the status page")
        job = page.js("location.pathname").split("/")[-1]
        say(f"submitted: job {job}; the status page follows it")
        page.wait("location.pathname.startsWith('/results/')", 240,
                  "the status page to open the results page")
        page.wait("document.readyState === 'complete' && "
                  "[...document.images].every(i => i.complete)", 30, "the spectra to load")
        checks = page.js("""(() => ({
            h1_rows: document.querySelectorAll('#h1 tr').length - 1,
            c13_rows: document.querySelectorAll('#c13 tr').length - 1,
            h1_shift: document.querySelector('#h1 tr:nth-child(2) td:nth-child(2)').textContent,
            spectrum_1h: document.getElementById('spectrum-1h').naturalWidth,
            spectrum_13c: document.getElementById('spectrum-13c').naturalWidth,
            downloads: document.querySelectorAll('#downloads a').length,
            title: document.body.innerText.includes('ethanol from the browser') }))()""")
        say(f"results page: {checks}")
        failures = []
        if checks["h1_rows"] != 6:
            failures.append(f"{checks['h1_rows']} 1H rows, wanted 6 (ethanol)")
        if checks["c13_rows"] != 2:
            failures.append(f"{checks['c13_rows']} 13C rows, wanted 2")
        if not re.fullmatch(r"-?\d+\.\d\d", checks["h1_shift"].strip()):
            failures.append(f"1H shift cell '{checks['h1_shift']}' is not a number")
        if checks["spectrum_1h"] <= 0 or checks["spectrum_13c"] <= 0:
            failures.append("a spectrum image did not load")
        if checks["downloads"] != 6:
            failures.append(f"{checks['downloads']} download links, wanted 6")
        if not checks["title"]:
            failures.append("the molecule's name is not on the page")
        shot = base64.b64decode(page.call("Page.captureScreenshot", format="png",
                                          captureBeyondViewport=True)["data"])
        (out / "api-browser-results.png").write_bytes(shot)
        say(f"screenshot: {out / 'api-browser-results.png'} ({len(shot)} bytes)")

        # JavaScript off: the results page is all there without it.
        page.call("Emulation.setScriptExecutionDisabled", value=True)
        page.call("Page.navigate", url=f"{base}/results/{job}")
        time.sleep(2)
        doc = page.call("DOM.getDocument", depth=-1)
        html = page.call("DOM.getOuterHTML", nodeId=doc["root"]["nodeId"])["outerHTML"]
        if html.count("<tr>") < 1 + 6 + 1 + 2 or "spectrum/1h.svg" not in html:
            failures.append("with JavaScript off the results page lacks its tables or spectra")
        else:
            say("with JavaScript off the results page has its tables and spectra")
        failures += check_metrics(base, qmnmr, env, job)
        if failures:
            for f in failures:
                say(f"FAIL {f}")
            return 1
        say("ok")
        return 0
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, 15)
                p.wait(timeout=20)
            except Exception:
                try:
                    os.killpg(p.pid, 9)
                except Exception:
                    pass
        for log in ("serve.log", "worker.log"):
            if (tmp / log).exists():
                shutil.copy(tmp / log, out / f"api-browser-{log}")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as e:
        say(f"FAIL {e}")
        sys.exit(1)
