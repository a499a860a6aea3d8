#!/usr/bin/python3
"""Open crisis-sim HTML reports in headless Chromium and check them (docs/report.md).

    /usr/bin/python3 tests/report_browser_check.py REPORT.html [REPORT.html ...] --screenshots DIR

For each report: Chromium loads the file with the network switched off (any request leaving
the page fails the check), the script waits until every chart div holds a drawn plotly
figure, then fails on any console error, uncaught exception or failed request, and saves a
full-page screenshot DIR/<report name>.png, which must be a PNG that is not blank.

It talks to Chromium over the DevTools protocol (Debian's python3-websocket). Exit code 0
when every report passes, 1 when one fails, 77 (skip, for ctest) only when the environment
variable CRISIS_SKIP_BROWSER_TEST is set to 1.
"""

import argparse
import base64
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

SKIP = 77


def fail(message):
    print("report_browser_check: " + message, file=sys.stderr)
    sys.exit(1)


class DevTools:
    """One page target of a Chromium started with --remote-debugging-port=0."""

    def __init__(self, browser, profile):
        import websocket  # Debian: python3-websocket

        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.monotonic() + 60
        while not os.path.exists(port_file):
            if browser.poll() is not None:
                fail("chromium exited early with code %s" % browser.returncode)
            if time.monotonic() > deadline:
                fail("chromium did not open its DevTools port within 60 s")
            time.sleep(0.1)
        time.sleep(0.2)
        with open(port_file) as f:
            port = int(f.readline().strip())
            browser_path = f.readline().strip()  # /devtools/browser/<id>
        self.ws = websocket.create_connection("ws://127.0.0.1:%d%s" % (port, browser_path), timeout=120)
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def send(self, method, params=None, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and getattr(self, "session", None):
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        return self.next_id

    def call(self, method, params=None, timeout=120):
        wanted = self.send(method, params)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv())
            if message.get("id") == wanted:
                if "error" in message:
                    fail("%s failed: %s" % (method, message["error"]))
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)
        fail("%s got no answer within %d s" % (method, timeout))

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            fail("evaluating %r threw: %s" % (expression, result["exceptionDetails"]))
        return result["result"].get("value")


def problems_in(events):
    """Console errors, uncaught exceptions and failed loads among the recorded events."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            found.append("uncaught exception: " + details.get("exception", {}).get("description", details.get("text", "")))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append("console.%s: %s" % (params["type"], " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            found.append("console error (%s): %s %s" % (entry.get("source"), entry.get("text"), entry.get("url", "")))
        elif method == "Network.loadingFailed":
            found.append("request failed: %s (%s)" % (params.get("requestId"), params.get("errorText")))
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if not url.startswith(("file:", "data:", "about:", "blob:")):
                found.append("the page asked the network for " + url)
    return found


def png_is_blank(data):
    """True when the PNG is not a PNG, or every pixel has the same colour."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return True
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunk = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    if header is None:
        return True
    width, height, depth, colour = header[0], header[1], header[2], header[3]
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    stride = width * channels * depth // 8
    raw = zlib.decompress(idat)
    # Undo the per-row filters (PNG spec section 9) to compare real pixel values.
    bpp = max(1, channels * depth // 8)
    previous = bytearray(stride)
    colours = set()
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            upper_left = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else upper_left
                line[i] = (line[i] + predictor) & 0xFF
        for i in range(0, stride, channels):
            colours.add(bytes(line[i:i + channels]))
        previous = line
    return len(colours) < 64


def check_report(chromium, path, screenshots):
    started = time.monotonic()
    profile = tempfile.mkdtemp(prefix="crisis-report-chromium-")
    browser = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=1280,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        tools = DevTools(browser, profile)
        for domain in ("Runtime.enable", "Log.enable", "Page.enable", "Network.enable"):
            tools.call(domain)
        tools.call("Network.emulateNetworkConditions",
                   {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        tools.call("Page.navigate", {"url": "file://" + os.path.abspath(path)})
        # Wait for the load, then for every chart to be drawn by plotly.
        deadline = time.monotonic() + 180
        while True:
            state = tools.evaluate("document.readyState + ' ' + document.querySelectorAll('div.chart').length + ' ' + "
                                   "document.querySelectorAll('div.chart .main-svg').length + ' ' + (typeof Plotly)")
            ready, charts, drawn, plotly = state.split(" ")
            if ready == "complete" and int(charts) > 0 and int(drawn) >= int(charts):
                break
            if time.monotonic() > deadline:
                fail("%s: charts not drawn within 180 s (readyState %s, %s charts, %s drawn svgs, Plotly %s)"
                     % (path, ready, charts, drawn, plotly))
            time.sleep(0.25)
        charts = int(charts)
        drawn_plots = tools.evaluate("document.querySelectorAll('div.chart.js-plotly-plot').length")
        if drawn_plots != charts:
            fail("%s: %d of %d charts became plotly plots" % (path, drawn_plots, charts))
        size = tools.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        height = min(int(size[1]), 16000)
        tools.call("Emulation.setDeviceMetricsOverride",
                   {"width": 1280, "height": height, "deviceScaleFactor": 1, "mobile": False})
        time.sleep(0.5)
        shot = tools.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        image = base64.b64decode(shot["data"])
        name = os.path.splitext(os.path.basename(path))[0] + ".png"
        target = os.path.join(screenshots, name)
        with open(target, "wb") as f:
            f.write(image)
        # Drain events that arrived after the last call.
        tools.ws.settimeout(0.5)
        try:
            while True:
                message = json.loads(tools.ws.recv())
                if "method" in message:
                    tools.events.append(message)
        except Exception:
            pass
        found = problems_in(tools.events)
        if found:
            fail("%s:\n  %s" % (path, "\n  ".join(found)))
        # Decoding the full page in Python is slow: judge blankness on a tenth-scale capture.
        small = tools.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                      "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 0.1}})
        if image[:8] != b"\x89PNG\r\n\x1a\n" or png_is_blank(base64.b64decode(small["data"])):
            fail("%s: the screenshot %s is blank" % (path, target))
        print("%s: %d charts drawn, no console errors, no network; screenshot %s (%d bytes, 1280x%d) in %.1f s"
              % (path, charts, target, len(image), height, time.monotonic() - started))
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=20)
        except subprocess.TimeoutExpired:
            browser.kill()
            browser.wait()
        shutil.rmtree(profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+")
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    arguments = parser.parse_args()
    if os.environ.get("CRISIS_SKIP_BROWSER_TEST") == "1":
        print("report_browser_check: skipped (CRISIS_SKIP_BROWSER_TEST=1)")
        sys.exit(SKIP)
    if not os.path.exists(arguments.chromium):
        fail("chromium not found at %s; install Debian's chromium (bash scripts/bootstrap.sh test does), "
             "or set CRISIS_SKIP_BROWSER_TEST=1 to skip this test" % arguments.chromium)
    try:
        import websocket  # noqa: F401
    except ImportError:
        fail("python3-websocket is missing; install it (bash scripts/bootstrap.sh test does)")
    os.makedirs(arguments.screenshots, exist_ok=True)
    started = time.monotonic()
    for report in arguments.reports:
        check_report(arguments.chromium, report, arguments.screenshots)
    print("report_browser_check: %d reports passed in %.1f s" % (len(arguments.reports), time.monotonic() - started))


if __name__ == "__main__":
    main()
