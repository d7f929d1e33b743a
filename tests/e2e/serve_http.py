#!/usr/bin/env python3
"""End-to-end test of `hunch serve`: the real binary on an ephemeral loopback port.

Every endpoint and error path over HTTP, token auth, limits (413), a slow client cut off by the
timeout, reload by SIGHUP and by POST (good and bad files), graceful shutdown on SIGTERM under
load (every acknowledged event_id is in the log), SIGKILL under load with --fsync always (the
same), `hunch dataset` over what the server logged and the labels it received, and a clear error
when the HTTP module cannot be loaded.

Usage: serve_http.py HUNCH_BINARY
"""
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HUNCH = os.path.abspath(sys.argv[1])
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULES = os.path.join(ROOT, "examples", "fraud", "rules.yaml")
FAILURES = []


def check(condition, what):
    if not condition:
        FAILURES.append(what)
        print("FAIL:", what, flush=True)


class Server:
    def __init__(self, tmp, *args):
        self.log_dir = os.path.join(tmp, "log")
        self.stderr = open(os.path.join(tmp, "stderr.txt"), "w+")
        self.proc = subprocess.Popen([HUNCH, "serve", *args, "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on http://127.0.0.1:"):
            self.proc.kill()
            self.stderr.seek(0)
            raise SystemExit(f"server did not start: {line!r} {self.stderr.read()}")
        self.port = int(line.rsplit(":", 1)[1])

    def request(self, method, path, body=None, token=None, headers=None, raw=False):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Content-Type": "application/json"}
        if token:
            h["Authorization"] = "Bearer " + token
        h.update(headers or {})
        data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        if method == "POST" and data is None:
            data = b""
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        text = resp.read().decode()
        conn.close()
        if raw:
            return resp.status, text, resp
        return resp.status, (json.loads(text) if text and resp.getheader(
            "Content-Type", "").startswith("application/json") else text)

    def stderr_text(self):
        self.stderr.flush()
        self.stderr.seek(0)
        return self.stderr.read()

    def wait(self, timeout=30):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None


def logged_event_ids(log_dir):
    """Event ids of every complete record; a torn last line of a segment is skipped."""
    ids = set()
    for seg in sorted(glob.glob(os.path.join(log_dir, "*", "*", "*", "*", "seg-*.jsonl"))):
        with open(seg, "rb") as f:
            lines = f.read().split(b"\n")
        for i, line in enumerate(lines):
            if not line:
                continue
            try:
                ids.add(json.loads(line)["event_id"])
            except ValueError:
                check(i == len(lines) - 1, f"{seg}:{i + 1}: bad line that is not the last")
    return ids


def hammer(server, stop, acked, errors, token=None):
    """Sends single-row predictions on one keep-alive connection until `stop` is set."""
    conn = None
    n = 0
    while not stop.is_set():
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            n += 1
            body = json.dumps({"id": f"{threading.get_ident()}-{n}",
                               "inputs": {"amount": n % 5000, "account_age_days": n % 90}})
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = "Bearer " + token
            conn.request("POST", "/v1/predict", body=body, headers=headers)
            resp = conn.getresponse()
            text = resp.read()
            if resp.status == 200:
                acked.append(json.loads(text)["event_id"])
            else:
                errors.append(resp.status)
            if resp.getheader("Connection", "") == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            # Connection refused or reset: the server is stopping or killed. Not acknowledged.
            if conn is not None:
                conn.close()
            conn = None
            time.sleep(0.01)


def test_endpoints_errors_reload_shutdown(tmp):
    rules = os.path.join(tmp, "rules.yaml")
    shutil.copy(RULES, rules)
    token_file = os.path.join(tmp, "token")
    with open(token_file, "w") as f:
        f.write("t0ken-123\n")
    os.chmod(token_file, 0o600)
    s = Server(tmp, rules, "--log", os.path.join(tmp, "log"), "--token-file", token_file,
               "--max-body", "4096", "--max-batch", "3", "--timeout", "1", "--threads", "8",
               "--metadata", "deploy=e2e")
    T = "t0ken-123"

    # /healthz needs no token; everything else does.
    status, body = s.request("GET", "/healthz")
    check(status == 200 and body["status"] == "ok", f"healthz: {status} {body}")
    status, body = s.request("GET", "/v1/ruleset")
    check(status == 401, f"ruleset without token: {status}")
    status, body = s.request("POST", "/v1/predict", {"inputs": {"amount": 1}}, token="wrong")
    check(status == 401, f"predict with a wrong token: {status}")
    status, body = s.request("GET", "/v1/ruleset", token=T)
    check(status == 200 and body["name"] == "fraud-baseline" and len(body["rules"]) == 5,
          f"ruleset: {status} {body}")
    version_1 = body["sha256"]

    # Predictions: one row, a batch; every event id must end up in the log.
    acked = []
    status, body = s.request("POST", "/v1/predict",
                             {"id": "r1", "inputs": {"amount": 7200, "account_age_days": 3},
                              "shadow": "legit"}, token=T)
    check(status == 200 and body["prediction"] == "fraud"
          and body["rule"] == "new_account_big_amount" and body["confidence"] == 0.8,
          f"predict: {status} {body}")
    acked.append(body.get("event_id"))
    status, body = s.request("POST", "/v1/predict", {"instances": [
        {"id": "r2", "inputs": {"email": "a@mailinator.com"}},
        {"id": "r3", "inputs": {"amount": 10, "country": "FR"}}]}, token=T)
    check(status == 200 and [p["prediction"] for p in body["predictions"]] == ["fraud", "legit"],
          f"batch: {status} {body}")
    acked += [p["event_id"] for p in body.get("predictions", [])]

    # Error paths.
    status, body = s.request("POST", "/v1/predict", '{"inputs": {"amount": 1,}}', token=T)
    check(status == 400 and body["position"] == 25, f"malformed JSON: {status} {body}")
    status, body = s.request("POST", "/v1/predict", {"inputs": {"amnt": 1}}, token=T)
    check(status == 400 and body["field"] == "inputs.amnt" and "amount" in body["error"],
          f"unknown field: {status} {body}")
    status, body = s.request("POST", "/v1/predict", {"inputs": {"hour": "noon"}}, token=T)
    check(status == 400 and body["field"] == "inputs.hour", f"ill-typed: {status} {body}")
    status, body = s.request("POST", "/v1/predict",
                             {"instances": [{"inputs": {}}] * 4}, token=T)
    check(status == 413 and body["field"] == "instances", f"batch limit: {status} {body}")
    status, body = s.request("POST", "/v1/predict",
                             json.dumps({"inputs": {"email": "x" * 5000}}), token=T)
    check(status == 413 and "4096" in body["error"], f"body limit: {status} {body}")
    status, body = s.request("GET", "/v1/nothing", token=T)
    check(status == 404, f"unknown route: {status}")
    status, text, resp = s.request("DELETE", "/v1/predict", token=T, raw=True)
    check(status == 405 and resp.getheader("Allow") == "POST", f"wrong method: {status}")

    # A POST without Content-Length (curl -X POST does that) gets a message saying so.
    with socket.create_connection(("127.0.0.1", s.port), timeout=10) as sock:
        sock.sendall(b"POST /v1/reload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                     T.encode() + b"\r\n\r\n")
        reply = sock.recv(4096).decode()
    check(reply.startswith("HTTP/1.1 400") and "Content-Length" in reply,
          f"POST without length: {reply!r}")

    # A chunked body would escape the size limit in cpp-httplib 0.11: it is refused unread, and
    # the connection is closed.
    with socket.create_connection(("127.0.0.1", s.port), timeout=10) as sock:
        sock.sendall(b"POST /v1/predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                     b"Content-Type: application/json\r\n\r\n" + b"1000\r\n" + b" " * 4096)
        reply = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    check(reply.startswith(b"HTTP/1.1 411") and reply.count(b"HTTP/1.1") == 1,
          f"chunked body: {reply[:80]!r}")

    # A client that sends half a request is cut off after --timeout (1 s); others are served.
    slow = socket.create_connection(("127.0.0.1", s.port), timeout=10)
    slow.sendall(b"POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    t0 = time.monotonic()
    status, _ = s.request("GET", "/healthz")
    check(status == 200, "healthz while a slow client holds a connection")
    reply = b""
    try:
        while True:
            chunk = slow.recv(4096)
            if not chunk:
                break
            reply += chunk
    except ConnectionResetError:
        pass
    elapsed = time.monotonic() - t0
    slow.close()
    # The server may say why (a 4xx) before it closes; it must not answer 200 or hang.
    check(elapsed < 5 and (reply == b"" or reply.startswith(b"HTTP/1.1 4")),
          f"slow client not cut off: {reply[:60]!r} after {elapsed:.1f}s")
    first_line = reply.split(b"\r\n")[0]
    print(f"slow client cut off after {elapsed:.1f}s with {first_line!r}")

    # Feedback lands in the labels file next to the log.
    status, body = s.request("POST", "/v1/feedback", {"id": "r1", "label": "fraud"}, token=T)
    check(status == 200 and body["recorded"] is True, f"feedback: {status} {body}")
    status, body = s.request("POST", "/v1/feedback", {"id": "r2", "label": 0}, token=T)
    check(status == 200, f"feedback numeric label: {status} {body}")
    status, body = s.request("POST", "/v1/feedback", {"id": "r3", "label": "maybe"}, token=T)
    check(status == 400 and body["field"] == "label", f"feedback bad label: {status} {body}")

    # Reload: a good file by SIGHUP, a bad one by SIGHUP and by POST (the old rules serve on).
    with open(rules) as f:
        text = f.read()
    with open(rules, "w") as f:
        f.write(text.replace('version: "1"', 'version: "2"'))
    s.proc.send_signal(signal.SIGHUP)
    version_2 = None
    for _ in range(100):
        status, body = s.request("GET", "/healthz")
        if body["ruleset"]["version"] == "2":
            version_2 = body["ruleset"]["sha256"]
            break
        time.sleep(0.05)
    check(version_2 is not None and version_2 != version_1, "SIGHUP reload of a good file")
    with open(rules, "w") as f:
        f.write(text.replace("when: n_prev_chargebacks >= 2", "when: n_prev_chargebacks >="))
    s.proc.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    status, body = s.request("POST", "/v1/reload", token=T)
    check(status == 422 and body["reloaded"] is False and body["diagnostics"]
          and body["diagnostics"][0]["line"] > 0 and body["serving"]["sha256"] == version_2,
          f"POST reload of a bad file: {status} {body}")
    status, body = s.request("POST", "/v1/predict", {"inputs": {"n_prev_chargebacks": 3}},
                             token=T)
    check(status == 200 and body["rule"] == "repeat_chargebacks"
          and body["ruleset"]["version"] == "2", f"old rules still serve: {status} {body}")
    acked.append(body.get("event_id"))
    check("reload failed, the previous rules keep serving" in s.stderr_text(),
          "SIGHUP reload failure reported on stderr")
    with open(rules, "w") as f:
        f.write(text)
    status, body = s.request("POST", "/v1/reload", token=T)
    check(status == 200 and body["serving"]["sha256"] == version_1, f"POST reload: {status}")

    # Metrics.
    status, text = s.request("GET", "/metrics", token=T)
    metrics = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            metrics[name] = float(value)
    check(metrics.get('hunch_http_requests_total{route="/v1/predict",status="200"}') == 3,
          "metrics: predict 200s")
    check(metrics.get('hunch_http_requests_total{route="transport",status="413"}') == 1,
          "metrics: the body-limit 413 counted")
    check(metrics.get('hunch_http_requests_total{route="transport",status="411"}') == 1,
          "metrics: the chunked 411 counted")
    check(metrics.get('hunch_predictions_total{class="fraud"}') == 3, "metrics: fraud count")
    check(metrics.get("hunch_log_records_total") == 4, "metrics: log records")
    check(metrics.get("hunch_log_dropped_total") == 0, "metrics: dropped")
    check(metrics.get("hunch_shadow_predictions_total") == 1, "metrics: shadow")
    check(metrics.get('hunch_reloads_total{result="error"}') == 2, "metrics: failed reloads")
    check(metrics.get("hunch_feedback_total") == 2, "metrics: feedback")

    # Graceful shutdown under load: requests in flight finish, every 200 is in the log.
    stop, load_acked, errors = threading.Event(), [], []
    threads = [threading.Thread(target=hammer, args=(s, stop, load_acked, errors, T))
               for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    s.proc.send_signal(signal.SIGTERM)
    code = s.wait()
    stop.set()
    for t in threads:
        t.join()
    check(code == 0, f"exit status after SIGTERM: {code}")
    check(len(load_acked) > 20, f"only {len(load_acked)} requests under load")
    check(not errors, f"non-200 answers under load: {errors[:5]}")
    check("log flushed" in s.stderr_text(), "shutdown message")
    ids = logged_event_ids(s.log_dir)
    missing = [e for e in acked + load_acked if e not in ids]
    check(not missing, f"{len(missing)} acknowledged event ids missing from the log after SIGTERM")

    # The log and the feedback make a training set.
    out = subprocess.run([HUNCH, "dataset", "--log", s.log_dir, "--labels",
                          os.path.join(s.log_dir, "labels.jsonl"), "-o",
                          os.path.join(tmp, "train.csv")], capture_output=True, text=True)
    check(out.returncode == 0 and "labeled 2 " in out.stderr + out.stdout,
          f"dataset: {out.returncode} {out.stdout} {out.stderr}")


def test_sigkill_under_load_loses_no_acknowledged_record(tmp):
    s = Server(tmp, RULES, "--log", os.path.join(tmp, "log"), "--fsync", "always",
               "--threads", "8")
    stop, acked, errors = threading.Event(), [], []
    threads = [threading.Thread(target=hammer, args=(s, stop, acked, errors)) for _ in range(6)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    s.proc.send_signal(signal.SIGKILL)
    s.wait()
    stop.set()
    for t in threads:
        t.join()
    check(len(acked) > 20, f"only {len(acked)} requests before SIGKILL")
    check(not errors, f"non-200 answers before SIGKILL: {errors[:5]}")
    ids = logged_event_ids(s.log_dir)
    missing = [e for e in acked if e not in ids]
    check(not missing, f"{len(missing)} of {len(acked)} acknowledged event ids lost by SIGKILL")
    print(f"SIGKILL under load: {len(acked)} acknowledged, all in the log "
          f"({len(ids)} records logged)")


def test_bad_start(tmp):
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as f:
        f.write("name: x\nrules: [\n")
    out = subprocess.run([HUNCH, "serve", bad, "--port", "0"], capture_output=True, text=True,
                         timeout=30)
    check(out.returncode == 1 and "bad.yaml:" in out.stderr, f"bad rules: {out.returncode}")
    out = subprocess.run([HUNCH, "serve", RULES, "--token-file", os.path.join(tmp, "none")],
                         capture_output=True, text=True, timeout=30)
    check(out.returncode == 2 and "cannot open" in out.stderr, f"missing token file: {out.stderr}")
    # The HTTP transport is a module loaded by serve only; without it, serve says where it looked.
    missing = os.path.join(tmp, "no_such_module.so")
    out = subprocess.run([HUNCH, "serve", RULES, "--port", "0"], capture_output=True, text=True,
                         timeout=30, env={**os.environ, "HUNCH_HTTP_MODULE": missing})
    check(out.returncode != 0 and "cannot load the HTTP module" in out.stderr
          and missing in out.stderr and "listening" not in out.stdout,
          f"missing HTTP module: {out.returncode} {out.stderr}")
    # Other commands never load it.
    out = subprocess.run([HUNCH, "check", RULES], capture_output=True, text=True, timeout=30,
                         env={**os.environ, "HUNCH_HTTP_MODULE": missing})
    check(out.returncode == 0, f"check without the HTTP module: {out.returncode} {out.stderr}")


def main():
    for test in (test_endpoints_errors_reload_shutdown,
                 test_sigkill_under_load_loses_no_acknowledged_record, test_bad_start):
        with tempfile.TemporaryDirectory(prefix="hunch_serve_e2e_") as tmp:
            print("==", test.__name__, flush=True)
            test(tmp)
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        sys.exit(1)
    print("all serve checks passed")


if __name__ == "__main__":
    main()
