#!/usr/bin/env python3
"""The HTML report in a real browser: headless Chromium opens the report of every example.

For each example (NAME=DATA pairs on the command line, from examples/CMakeLists.txt):
  1. `hunch eval --format json` writes the JSON report; `hunch report --format json` of it must give
     the same bytes (the JSON -> Report -> JSON round trip);
  2. `hunch report REPORT.json` and `hunch eval --format html` must write the same page;
  3. Chromium loads the page from file:// with the network unusable (a dead proxy, every host name
     unresolvable) and a net log; the DOM it built is parsed and every element with a `data-json`
     pointer must print the figure the JSON report holds at that pointer (4 decimals for reals),
     and the figures every page must show (headline, every confusion cell, every rule, every
     slice, the rule set's hash) must be among them;
  4. the net log must hold no request from the page; a control page with an external image proves
     the check sees one;
  5. screenshots at desktop (1280 px) and phone (390 px) width are saved in OUT_DIR.
A hostile rule set (names with <script>, quotes and ampersands) goes through the same checks, and
its DOM must hold no <script>, <img> or event-handler attribute.

The pages of `hunch compare` (compare:NAME=RULES:DATA:PREDICTIONS) and `hunch diff`
(diff:NAME=OLD:NEW:DATA) go through steps 1-5 too: their JSON through `hunch report --format json`,
`--format html` against `hunch report` of the saved JSON, and every data-json figure against the
compare or diff JSON; the hostile rule set is compared and diffed as well.

Without chromium only steps 1-2 and the page-source checks run, and the exit status is 77 (skip).

Usage: html_report_browser.py HUNCH OUT_DIR NAME=RULES_DIR:DATA ... [compare:NAME=RULES:DATA:PRED]
       [diff:NAME=OLD:NEW:DATA]
"""

import concurrent.futures
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    def __init__(self, binary, scratch):
        self.binary = binary
        self.scratch = scratch

    def run(self, tag, url, *extra):
        profile = os.path.join(self.scratch, "profile-" + tag)
        net_log = os.path.join(self.scratch, "net-" + tag + ".json")
        command = [
            self.binary, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
            "--disable-extensions", "--disable-background-networking", "--disable-sync",
            "--disable-component-update", "--hide-scrollbars", "--user-data-dir=" + profile,
            "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--log-net-log=" + net_log, *extra, url,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"chromium failed on {url}: {done.stderr[-2000:]}")
        return done.stdout, page_requests(net_log)


def page_requests(net_log_path):
    """URLs the page itself asked for (the browser's own update checks are not the page's)."""
    with open(net_log_path) as f:
        text = f.read()
    # Chromium may be killed before it closes the JSON; the events are still complete lines.
    if not text.rstrip().endswith("}"):
        text = text.rstrip().rstrip(",") + "]}"
    log = json.loads(text)
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for event in log.get("events", []):
        params = event.get("params", {})
        if names.get(event["type"]) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        from_page = params.get("initiator") != "not an origin" or "file://" in params.get(
            "network_isolation_key", "")
        if from_page and not params.get("url", "").startswith(("file:", "data:")):
            urls.append(params.get("url"))
    return urls


class FigureParser(html.parser.HTMLParser):
    """Collects (pointer, text) of every element with data-json, and every tag and attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # [pointer or None, collected text]
        self.figures = []
        self.tags = []
        self.attributes = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(name for name, _ in attrs)
        pointer = dict(attrs).get("data-json")
        self.stack.append([tag, pointer, ""])

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, pointer, text = self.stack.pop()
            if pointer is not None:
                self.figures.append((pointer, text))
            if self.stack:
                self.stack[-1][2] += text
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2] += data


def resolve(document, pointer):
    value = document
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        value = value[int(token)] if isinstance(value, list) else value[token]
    return value


def printed(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = f"{value:.4f}"
        return "0.0000" if text == "-0.0000" else text
    return value


def required_pointers(report):
    def esc(key):
        return key.replace("~", "~0").replace("/", "~1")

    need = ["/metrics/accuracy", "/metrics/macro/f1", "/metrics/coverage", "/ruleset/sha256",
            "/ruleset/name", "/data/rows", "/data/labeled_rows", "/baselines/majority/accuracy",
            "/baselines/stratified/accuracy"]
    if report["intervals"]["resamples"] > 0:
        need += ["/intervals/accuracy/0", "/intervals/accuracy/1"]
    for r, row in enumerate(report["confusion_matrix"]["matrix"]):
        need += [f"/confusion_matrix/matrix/{r}/{c}" for c in range(len(row))]
    for c in report["classes"]:
        need += [f"/metrics/per_class/{esc(c)}/precision", f"/metrics/per_class/{esc(c)}/recall"]
    for j, _ in enumerate(report["rules"]):
        need += [f"/rules/{j}/coverage", f"/rules/{j}/fires", f"/rules/{j}/when"]
    for key in report["slices"]:
        need.append(f"/slices/{esc(key)}/accuracy")
    return need


def comparison_pointers(report):
    """The figures every compare or diff page must show."""
    def esc(key):
        return key.replace("~", "~0").replace("/", "~1")

    a, b = report["systems"]
    need = ["/verdict/text", "/rows", "/data/rows", "/data/labeled_rows",
            f"/contingency/only_{esc(a)}_right", f"/contingency/only_{esc(b)}_right",
            "/contingency/both_right", "/contingency/both_wrong"]
    for name, figure in report["metrics"].items():
        need += [f"/metrics/{esc(name)}/{esc(a)}", f"/metrics/{esc(name)}/{esc(b)}",
                 f"/metrics/{esc(name)}/difference"]
        if figure["interval"] is not None:
            need += [f"/metrics/{esc(name)}/interval/0", f"/metrics/{esc(name)}/interval/1"]
    for system in (a, b):
        for r, row in enumerate(report["confusion_matrix"][system]):
            need += [f"/confusion_matrix/{esc(system)}/{r}/{c}" for c in range(len(row))]
    for c in report["classes"]:
        need += [f"/per_class/{esc(c)}/f1/{esc(a)}", f"/per_class/{esc(c)}/f1/{esc(b)}"]
    for key in report["slices"]:
        need.append(f"/slices/{esc(key)}/accuracy/difference")
    for system, scores in report["scores"].items():
        need.append(f"/scores/{esc(system)}/average_precision")
        need += [f"/scores/{esc(system)}/calibration/{i}/observed"
                 for i in range(len(scores["calibration"]))]
    if "baselines" in report:
        need += ["/baselines/majority/accuracy", "/baselines/stratified/macro_f1"]
    if "changed" in report:
        need += ["/changed/rows", "/changed/fixed", "/changed/broken", "/old/sha256",
                 "/new/sha256", "/old/name", "/new/name"]
        for j, _ in enumerate(report["rules"]):
            need.append(f"/rules/{j}/name")
    else:
        need += ["/rules/sha256", "/rules/name"]
    return need


def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-2000:]}")
    return done


def check_example(hunch, browser, out_dir, name, rules, data):
    problems = []
    report_json = os.path.join(out_dir, name + ".json")
    page = os.path.join(out_dir, name + ".html")
    run([hunch, "eval", rules, data, "--format", "json", "-o", report_json])
    with open(report_json, "rb") as f:
        saved = f.read()
    again = run([hunch, "report", report_json, "--format", "json"]).stdout
    if again != saved:
        problems.append("JSON -> Report -> JSON differs from the eval JSON")
    run([hunch, "report", report_json, "-o", page])
    direct = run([hunch, "eval", rules, data, "--format", "html"]).stdout
    with open(page, "rb") as f:
        rendered = f.read()
    if direct != rendered:
        problems.append("`hunch eval --format html` and `hunch report` write different pages")
    source = rendered.decode("utf-8")
    for bad in ("http://", "https://", "<script", "<link", "@import", "<iframe"):
        if bad in source:
            problems.append(f"the page source contains {bad!r}")

    report = json.loads(saved)
    if browser is None:
        return name, 0, problems
    return check_in_browser(browser, out_dir, name, page, report, required_pointers(report),
                            problems, (4200, 7000))


def check_comparison(hunch, browser, out_dir, name, command):
    """`hunch compare` or `hunch diff` (`command`, without --format): JSON, HTML, the browser."""
    problems = []
    report_json = os.path.join(out_dir, name + ".json")
    page = os.path.join(out_dir, name + ".html")
    run(command + ["--format", "json", "-o", report_json])
    with open(report_json, "rb") as f:
        saved = f.read()
    again = run([hunch, "report", report_json, "--format", "json"]).stdout
    if again != saved:
        problems.append("`hunch report --format json` changed the saved JSON")
    run([hunch, "report", report_json, "-o", page])
    direct = run(command + ["--format", "html"]).stdout
    with open(page, "rb") as f:
        rendered = f.read()
    if direct != rendered:
        problems.append(f"`hunch {command[1]} --format html` and `hunch report` write different "
                        "pages")
    source = rendered.decode("utf-8")
    for bad in ("http://", "https://", "<script", "<link", "@import", "<iframe"):
        if bad in source:
            problems.append(f"the page source contains {bad!r}")
    report = json.loads(saved)
    if browser is None:
        return name, 0, problems
    return check_in_browser(browser, out_dir, name, page, report, comparison_pointers(report),
                            problems, (6400, 9000))


def check_in_browser(browser, out_dir, name, page, report, required, problems, heights):
    url = "file://" + os.path.abspath(page)
    dom, requests = browser.run(name, url, "--dump-dom")
    if requests:
        problems.append(f"the page made requests: {requests}")
    parser = FigureParser()
    parser.feed(dom)
    seen = set()
    for pointer, text in parser.figures:
        try:
            expected = printed(resolve(report, pointer))
        except (KeyError, IndexError, ValueError, TypeError):
            problems.append(f"data-json {pointer!r} is not in the JSON report")
            continue
        if text.strip() != expected:
            problems.append(f"{pointer}: the page shows {text.strip()!r}, the JSON {expected!r}")
        seen.add(pointer)
    for pointer in required:
        if pointer not in seen:
            problems.append(f"the page does not show {pointer}")
    for tag in ("script", "img", "iframe", "object", "embed"):
        if tag in parser.tags:
            problems.append(f"the DOM has a <{tag}> element")
    for attribute in parser.attributes:
        if attribute.startswith("on"):
            problems.append(f"the DOM has an event handler attribute {attribute}")
    for width, height, label in ((1280, heights[0], "desktop"), (390, heights[1], "phone")):
        shot = os.path.join(out_dir, f"{name}-{label}.png")
        _, shot_requests = browser.run(f"{name}-{label}", url, f"--screenshot={shot}",
                                       f"--window-size={width},{height}")
        if shot_requests:
            problems.append(f"the page made requests ({label}): {shot_requests}")
        if not os.path.exists(shot) or os.path.getsize(shot) < 10000:
            problems.append(f"no screenshot at {shot}")
    return name, len(seen), problems


HOSTILE_RULES = """\
name: "<script>alert('name')</script> & \\"co\\""
version: "1 <b>\\"'&amp;"
label: y
classes: {0: "<script>alert(0)</script>", 1: "\\"'><img src=x onerror=alert(1)>", 2: "a & b"}
default: "a & b"
inputs:
  text: string
  n: int
slices:
  raw: text
rules:
  - name: angle_brackets
    when: 'text.contains("<script>") && n > 0'
    predict: "<script>alert(0)</script>"
  - name: quotes
    when: "text.contains(\\"'\\") || text.contains('\\"')"
    predict: "\\"'><img src=x onerror=alert(1)>"
  - name: abstain_on_plain
    when: text == "plain"
    predict: abstain
"""

HOSTILE_DATA = '''\
text,n,y
"<script>x</script>",1,0
"<script>y</script>",0,0
"it's ""quoted""",2,1
"a & b",3,2
"<img src=x>",4,1
"plain",5,2
"<b>&amp;</b>",6,0
'''


HOSTILE_PREDICTIONS = '''\
row,prediction
1,0
2,"<script>alert(0)</script>"
3,1
4,a & b
5,"""'><img src=x onerror=alert(1)>"
6,
7,0
'''


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    hunch, out_dir = os.path.abspath(sys.argv[1]), sys.argv[2]
    binary = chromium_binary()
    os.makedirs(out_dir, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="hunch_browser_")
    browser = Browser(binary, scratch) if binary else None
    failures = 0
    try:
        # The control: the net-log check must see the request of a page that makes one.
        control = os.path.join(scratch, "control.html")
        with open(control, "w") as f:
            f.write('<!DOCTYPE html><p>x</p><img src="https://example.com/hunch-control.png">')
        if browser is not None:
            _, requests = browser.run("control", "file://" + control, "--dump-dom")
            if not any("example.com/hunch-control.png" in r for r in requests):
                print("FAIL: the net-log check did not see the control page's request")
                failures += 1

        hostile_dir = os.path.join(scratch, "hostile")
        os.makedirs(hostile_dir)
        with open(os.path.join(hostile_dir, "rules.yaml"), "w") as f:
            f.write(HOSTILE_RULES)
        with open(os.path.join(hostile_dir, "data.csv"), "w") as f:
            f.write(HOSTILE_DATA)
        with open(os.path.join(hostile_dir, "rules_v2.yaml"), "w") as f:
            f.write(HOSTILE_RULES.replace("n > 0", "n >= 0").replace('version: "1', 'version: "2'))
        with open(os.path.join(hostile_dir, "model.csv"), "w") as f:
            f.write(HOSTILE_PREDICTIONS)
        hostile = [os.path.join(hostile_dir, f) for f in ("rules.yaml", "data.csv")]
        jobs = [(check_example, "hostile", *hostile)]
        jobs.append((check_comparison, "hostile-compare",
                     [hunch, "compare", *hostile, "-p", os.path.join(hostile_dir, "model.csv"),
                      "--bootstrap", "200"]))
        jobs.append((check_comparison, "hostile-diff",
                     [hunch, "diff", hostile[0], os.path.join(hostile_dir, "rules_v2.yaml"),
                      hostile[1], "--bootstrap", "200"]))
        for spec in sys.argv[3:]:
            if spec.startswith("compare:"):
                name, rest = spec[len("compare:"):].split("=", 1)
                rules, data, predictions = rest.split(":")
                jobs.append((check_comparison, name,
                             [hunch, "compare", rules, data, "-p", predictions,
                              "--score-column", "score", "--slice-by", "country"]))
            elif spec.startswith("diff:"):
                name, rest = spec[len("diff:"):].split("=", 1)
                old, new, data = rest.split(":")
                jobs.append((check_comparison, name,
                             [hunch, "diff", old, new, data, "--id-column", "id"]))
            else:
                name, rest = spec.split("=", 1)
                rules_dir, data = rest.split(":", 1)
                jobs.append((check_example, name, os.path.join(rules_dir, "rules.yaml"), data))
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            futures = [pool.submit(job[0], hunch, browser, out_dir, *job[1:]) for job in jobs]
            for future in futures:
                try:
                    name, checked, problems = future.result()
                except Exception as error:  # a tool failed: report it, keep going
                    print(f"FAIL: {error}")
                    failures += 1
                    continue
                for p in problems:
                    print(f"FAIL {name}: {p}")
                failures += len(problems)
                if browser is not None:
                    print(f"{name}: {checked} figures match the JSON report; screenshots "
                          f"{os.path.join(out_dir, name)}-desktop.png and -phone.png")
                else:
                    print(f"{name}: JSON round trip and page source checked")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if browser is None and failures == 0:
        print("SKIP: chromium is not installed (tools/setup.sh installs Debian's `chromium`); "
              "only the JSON round trip and the page sources were checked")
        return SKIP
    print("ok" if failures == 0 else f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
