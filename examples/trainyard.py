"""A tiny Trainyard client on the Python standard library: no packages to install.

    from trainyard import Trainyard
    ty = Trainyard()                         # TRAINYARD_URL, default http://localhost:8080;
                                             # key: TRAINYARD_KEY, else ../data/admin.key
    job = ty.train({"dataset": "hw5", "layers": [20], "alpha": 0.0005, "iterations": 2000, "seed": 7})
    print(job["trainLoss"], job["testLoss"])
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

FINAL = ("SUCCEEDED", "FAILED", "CANCELLED")


class TrainyardError(Exception):
    """An HTTP error answer; `problem` holds the application/problem+json body."""

    def __init__(self, status, problem):
        super().__init__(f"HTTP {status}: {problem.get('detail', problem)}")
        self.status = status
        self.problem = problem


def _key_from_file():
    """The admin key the service wrote on its first start (data/admin.key of the repository), if readable."""
    for candidate in (os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "admin.key"),
                      os.path.join("data", "admin.key")):
        try:
            with open(candidate) as f:
                return f.read().strip()
        except OSError:
            pass
    return None


class Trainyard:
    def __init__(self, url=None, key=None):
        self.url = (url or os.environ.get("TRAINYARD_URL", "http://localhost:8080")).rstrip("/")
        self.key = key or os.environ.get("TRAINYARD_KEY") or _key_from_file()

    # -------------------------------------------------------------- plumbing
    def headers(self, accept):
        """Every request's headers, in one place (an API key, when set, goes here)."""
        headers = {"Accept": accept, "Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = "Bearer " + self.key
        return headers

    def request(self, method, path, body=None, accept="application/json"):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=self.headers(accept))
        try:
            with urllib.request.urlopen(req, timeout=120) as response:
                payload = response.read()
                if accept == "application/json":
                    return json.loads(payload) if payload else None
                return payload
        except urllib.error.HTTPError as error:
            text = error.read()
            try:
                problem = json.loads(text)
            except ValueError:
                problem = {"detail": text.decode(errors="replace")}
            raise TrainyardError(error.code, problem) from None

    def get(self, path, **params):
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        return self.request("GET", path + ("?" + query if query else ""))

    def post(self, path, body):
        return self.request("POST", path, body)

    def download(self, path, filename, **params):
        """Saves e.g. a PNG plot: download('/jobs/ID/losses', 'loss.png', format='png')."""
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        content = self.request("GET", path + ("?" + query if query else ""), accept="*/*")
        os.makedirs(os.path.dirname(filename) or ".", exist_ok=True)
        with open(filename, "wb") as out:
            out.write(content)
        return filename

    # -------------------------------------------------------------- jobs
    def submit(self, spec):
        return self.post("/jobs", spec)

    def wait(self, job_id, timeout=3600, poll=0.5):
        deadline = time.time() + timeout
        while True:
            job = self.get(f"/jobs/{job_id}")
            if job["status"] in FINAL:
                return job
            if time.time() > deadline:
                raise TimeoutError(f"job {job_id} still {job['status']} after {timeout} s")
            time.sleep(poll)

    def train(self, spec, timeout=3600):
        """Submits a job and waits for it to finish; returns the final job."""
        return self.wait(self.submit(spec)["id"], timeout)

    def train_all(self, specs, timeout=3600):
        """Submits every spec first (they train in parallel on the service's workers), then waits for all."""
        ids = [self.submit(spec)["id"] for spec in specs]
        return [self.wait(job_id, timeout) for job_id in ids]

    def events(self, job_id):
        """Yields (event, data) from GET /jobs/{id}/events until the job's stream ends (its final status)."""
        req = urllib.request.Request(f"{self.url}/jobs/{job_id}/events", headers=self.headers("text/event-stream"))
        with urllib.request.urlopen(req, timeout=600) as stream:
            event, data = "message", []
            for raw in stream:
                line = raw.decode().rstrip("\r\n")
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip())
                elif not line and data:
                    yield event, json.loads("\n".join(data))
                    event, data = "message", []

    def follow(self, job_id, out=sys.stderr, width=30):
        """The tqdm of a job: a progress bar with loss and ETA, redrawn on every progress event; returns the job."""
        end = "\r" if out.isatty() else "\n"  # redraw in place on a terminal, one line per event in a log
        for event, data in self.events(job_id):
            if event == "progress":
                done = int(width * data["fraction"])
                eta = data.get("etaSeconds")
                loss = data.get("trainLoss")
                out.write(f"[{'#' * done}{'.' * (width - done)}] {data['iteration']}/{data['iterations']}"
                          + (f"  train {loss:,.1f}" if loss is not None else "")
                          + (f"  eta {eta:.1f} s" if eta is not None else "") + end)
                out.flush()
            elif event == "status" and data["status"] in FINAL:
                out.write(f"{data['status']}\n")
        return self.get(f"/jobs/{job_id}")

    def losses(self, job_id, **params):
        return self.get(f"/jobs/{job_id}/losses", **params)

    def gradients(self, job_id, **params):
        return self.get(f"/jobs/{job_id}/gradients", **params)

    # -------------------------------------------------------------- sweeps
    def sweep(self, body, timeout=3600, poll=1.0):
        """Submits a sweep and waits until none of its jobs is queued or running; returns the sweep."""
        sweep = self.post("/sweeps", body)
        deadline = time.time() + timeout
        while True:
            sweep = self.get(f"/sweeps/{sweep['id']}")
            if sweep["finished"]:
                return sweep
            if time.time() > deadline:
                raise TimeoutError(f"sweep {sweep['id']} not finished after {timeout} s")
            time.sleep(poll)


def quick():
    """QUICK=1 shrinks every study (fewer iterations) so the test suite can run the examples fast."""
    return os.environ.get("QUICK") == "1"


def out_dir():
    """Where figures go: OUT_DIR, default docs/images/studies next to this folder."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("OUT_DIR", os.path.join(here, "..", "docs", "images", "studies"))


def table(rows, headers):
    """A Markdown table, for pasting into docs/studies.md."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        lines.append("| " + " | ".join(fmt(v) for v in row) + " |")
    return "\n".join(lines)


def fmt(value):
    if isinstance(value, float):
        if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-3):
            return f"{value:.2e}"
        return f"{value:,.1f}" if abs(value) >= 1 else f"{value:.3g}"
    return str(value)


if __name__ == "__main__":
    print(json.dumps(Trainyard().get("/datasets"), indent=2))
    sys.exit(0)
