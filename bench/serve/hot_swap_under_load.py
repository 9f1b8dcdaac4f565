#!/usr/bin/python3
"""Hot swap under load: `recotem serve` keeps answering while its artifact churns.

Serves the ML-100k IALS model (k=64) with RECOTEM_WATCH_INTERVAL=1 and drives
POST /predict/ml100k with `wrk -t2 -c64 -d30s` while a loop rewrites the
artifact every second (atomic rename, rotating three trained variants),
writes a corrupt artifact every fifth time, and deletes the recipe YAML once
(restoring it three seconds later). Counts responses by status (a wrk Lua
script), the server's RSS idle, 3 s into the load, at its peak and at the
end, and the swaps and load failures the server logged. Passes when no 5xx
other than 503 was served, the server exits 0 on SIGTERM and RSS grew less
than 10 % from 3 s into the load to the end. Records the result in the serve section of
bench/RESULTS.md (between the serve-hot-swap markers).

    bench/serve/hot_swap_under_load.py
    bench/serve/hot_swap_under_load.py --duration 10 --no-write
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_bench as rb  # noqa: E402  (shared helpers: ports, nginx-free serve start, wrk)

BEGIN, END = "<!-- serve-hot-swap:begin -->", "<!-- serve-hot-swap:end -->"
VARIANTS = 3
CORRUPT_EVERY = 5
# RSS growth is measured from this far into the load (issue #4: < 10 %): past
# the first hot swaps (a swap briefly holds two models), which at 3 s some
# runs had not reached (27.8 instead of 30.8 MiB there, the same ~32 MiB at
# the end of 30, 60 and 120 s runs with 20 to 92 swaps).
WARM_UP_SECONDS = 5
MAX_RSS_GROWTH = 0.10

COUNTING_SCRIPT = rb.WRK_SCRIPT + """
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {{}} end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {{}}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("counts")) do total[status] = (total[status] or 0) + n end
  end
  for status, n in pairs(total) do io.write(string.format("status %d %d\\n", status, n)) end
end
"""


def make_variants(build_dir, work):
    env = dict(os.environ, RECOTEM_SIGNING_KEYS=rb.SIGNING_KEYS)
    data = rb.ML100K
    binary = Path(build_dir) / "bin"
    if not data.exists():
        data = work / "ml100k_synthetic.tsv"
        rb.run([binary / "recotem-bench-generate-power-law", "--users", "943", "--items",
                "1682", "--interactions", "100000", "--seed", "1", "--out", data])
    variants = []
    for v in range(VARIANTS):
        out = work / f"variant{v}.recotem"
        rb.run([binary / "recotem-bench-serve-artifact", "--data", data, "--k", "64", "--seed",
                str(v + 1), "--trained-at", f"2026-01-0{v + 1}T00:00:00Z", "--recipe", "ml100k",
                "--out", out], env=env, stderr=subprocess.DEVNULL)
        variants.append(out.read_bytes())
    users = sorted({line.split("\t")[0] for line in open(data)})[:500]
    return variants, users


def write_atomically(path, data):
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def churn(work, variants, seconds, stop, events):
    artifact = work / "ml100k.recotem"
    recipe = work / "recipes" / "ml100k.yaml"
    recipe_text = recipe.read_text()
    delete_at = seconds // 2 + (1 if (seconds // 2) % CORRUPT_EVERY == 0 else 0)
    restore_at = delete_at + 3
    for tick in range(1, seconds):
        if stop.wait(1.0):
            return
        data = variants[tick % len(variants)]
        if tick % CORRUPT_EVERY == 0:
            data = bytearray(data)
            data[len(data) // 2] ^= 0xFF
            events["corrupt_writes"] += 1
        else:
            events["good_writes"] += 1
        write_atomically(artifact, bytes(data))
        if tick == delete_at:
            recipe.unlink()
            events["recipe_deleted_at_s"] = tick
        if tick == restore_at:
            recipe.write_text(recipe_text)
            events["recipe_restored_at_s"] = tick


def count_events(log_path):
    counts = {}
    for line in open(log_path):
        try:
            event = json.loads(line).get("event")
        except ValueError:
            continue
        counts[event] = counts.get(event, 0) + 1
    return counts


def write_results(result, args):
    block = "\n".join([
        BEGIN, "### serve: hot swap under load (bench/serve/hot_swap_under_load.py)", "",
        f"`wrk -t2 -c64 -d{args.duration}s` on POST /predict/ml100k (IALS k=64) with "
        "RECOTEM_WATCH_INTERVAL=1 while the artifact is rewritten every second "
        f"({result['good_writes']} good, {result['corrupt_writes']} corrupt) and the recipe "
        f"is deleted at {result['recipe_deleted_at_s']} s and restored at "
        f"{result['recipe_restored_at_s']} s. 1-minute load average before the run: "
        f"{result['load_before']} (2 shared cores).", "",
        "| requests | 200 | 503 | other 5xx | req/s | p99 ms | swaps | load failures | "
        f"RSS idle → after {WARM_UP_SECONDS} s → peak → end MiB | RSS growth after warm-up |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
        f"| {result['total']} | {result['status'].get(200, 0)} | "
        f"{result['status'].get(503, 0)} | {result['other_5xx']} | {result['rps']:.0f} | "
        f"{result['p99']:.2f} | {result['swaps']} | {result['load_failures']} | "
        f"{result['rss_start'] / 1024:.1f} → {result['rss_warm'] / 1024:.1f} → "
        f"{result['rss_peak'] / 1024:.1f} → {result['rss_end'] / 1024:.1f} | "
        f"{100 * (result['rss_end'] - result['rss_warm']) / result['rss_warm']:+.1f} % |", "",
        f"The idle RSS is the server before any connection; growth is measured from "
        f"{WARM_UP_SECONDS} s into the load (64 connections, their buffers and the first swaps "
        f"in place) to the end, and must stay under {100 * MAX_RSS_GROWTH:.0f} % (issue #4).", "",
        f"Command: `bench/serve/hot_swap_under_load.py --duration {args.duration}`", END])
    text = rb.RESULTS.read_text()
    if BEGIN in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    elif rb.END in text:
        text = text.replace(rb.END, block + "\n" + rb.END)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    rb.RESULTS.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=str(rb.ROOT / "build-serve"))
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    load_before = open("/proc/loadavg").read().split()[0]
    with tempfile.TemporaryDirectory(prefix="recotem-hot-swap-") as tmp:
        work = Path(tmp)
        variants, users = make_variants(args.build_dir, work)
        write_atomically(work / "ml100k.recotem", variants[0])
        (work / "recipes").mkdir()
        (work / "recipes" / "ml100k.yaml").write_text(
            rb.RECIPE.format(name="ml100k", artifact=work / "ml100k.recotem"))
        port = rb.free_port()
        env = dict(os.environ, RECOTEM_SIGNING_KEYS=rb.SIGNING_KEYS, RECOTEM_API_KEYS=rb.API_KEYS,
                   RECOTEM_LOG_FORMAT="json", RECOTEM_WATCH_INTERVAL="1")
        log_path = work / "serve.log"
        with open(log_path, "w") as log:
            serve = subprocess.Popen([Path(args.build_dir) / "bin" / "recotem", "serve",
                                      "--recipes", str(work / "recipes"), "--port", str(port)],
                                     env=env, stderr=log, stdout=subprocess.DEVNULL)
        rb.wait_http(port)
        script = work / "count.lua"
        script.write_text(COUNTING_SCRIPT.format(users=",".join(f'"{u}"' for u in users),
                                                 api_key=rb.API_KEY, path="/predict/ml100k"))
        rss_start = rss_kib(serve.pid)
        rss_peak = rss_start
        stop = threading.Event()
        events = {"good_writes": 0, "corrupt_writes": 0, "recipe_deleted_at_s": None,
                  "recipe_restored_at_s": None}
        churner = threading.Thread(target=churn, args=(work, variants, args.duration, stop, events))
        wrk = subprocess.Popen(["wrk", "-t2", "-c64", f"-d{args.duration}s", "--latency", "-s",
                                str(script), f"http://127.0.0.1:{port}/predict/ml100k"],
                               stdout=subprocess.PIPE, text=True)
        churner.start()
        load_started = time.time()
        rss_warm = None
        while wrk.poll() is None:
            rss = rss_kib(serve.pid)
            rss_peak = max(rss_peak, rss)
            if rss_warm is None and time.time() - load_started >= WARM_UP_SECONDS:
                rss_warm = rss  # 64 connections, buffers and the first swaps are in
            time.sleep(0.2)
        stop.set()
        churner.join()
        out = wrk.stdout.read()
        time.sleep(1.5)  # one more watcher tick on the final artifact
        rss_end = rss_kib(serve.pid)
        serve.send_signal(signal.SIGTERM)
        exit_code = serve.wait(timeout=60)
        status = {int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", out, re.M)}
        parsed = rb.parse_wrk(out)
        logged = count_events(log_path)
        result = dict(events, status=status, total=sum(status.values()),
                      other_5xx=sum(n for s, n in status.items() if s >= 500 and s != 503),
                      rps=parsed["rps"], p99=parsed["p99"],
                      swaps=logged.get("artifact_hot_swapped", 0),
                      load_failures=logged.get("artifact_load_failed", 0),
                      rss_start=rss_start, rss_warm=rss_warm or rss_start, rss_peak=rss_peak,
                      rss_end=rss_end,
                      exit_code=exit_code, load_before=load_before)
        print(json.dumps(result, indent=1))
        if not args.no_write:
            write_results(result, args)
        growth = (rss_end - result["rss_warm"]) / result["rss_warm"]
        ok = (result["other_5xx"] == 0 and exit_code == 0 and status.get(200, 0) > 0
              and growth < MAX_RSS_GROWTH)
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
