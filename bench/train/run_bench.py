#!/usr/bin/env python3
"""`recotem train` benchmark on MovieLens 100K (issue #6, acceptance 1).

The recipe of the issue: algorithms [IALS, CosineKNN, TopPop, RP3beta,
DenseSLIM], ndcg, cutoff 20, n_trials 40, random split 0.1, seed 42, every
rating an interaction. Runs the whole `recotem train` (load, split, search,
refit, write) --repeat times as separate processes and records the median
wall time, peak RSS, the best ndcg@20, the best per class and where the
search time goes (per class, from the trial_done timestamps) in the train
section of bench/RESULTS.md.

The baseline is the Python original measured on a quiet machine of this kind
(irspack 0.5.1 -O3 -march=native + Optuna 3.1, issue #6): it cannot run here
(irspack is not packaged for Debian), so its recorded numbers are the
reference. Skips with a message when ../shared/data is absent.

    bench/train/run_bench.py                            # configure + build build-bench/, run
    bench/train/run_bench.py --binary build/bin/recotem --repeat 5
    bench/train/run_bench.py --seeds 10    # also one run per split seed 0..9

The best score depends on the split (seed 42's held-out items): --seeds N adds
a table of one run per seed 0..N-1 (best per class, wall seconds) so that the
recorded seed-42 numbers can be read against the spread over splits.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ML100K = ROOT.parent / "shared" / "data" / "ml-100k" / "u.data"
RESULTS = ROOT / "bench" / "RESULTS.md"
BEGIN, END = "<!-- train:begin -->", "<!-- train:end -->"

REFERENCE_SECONDS = 15.7  # the original's search alone
REFERENCE_NDCG = 0.3601
REFERENCE_RSS_MIB = 317
REFERENCE_PER_CLASS = {"DenseSLIMRecommender": 0.3601, "IALSRecommender": 0.3512,
                       "RP3betaRecommender": 0.3097, "CosineKNNRecommender": 0.2741,
                       "TopPopRecommender": 0.1469}
TARGET_SECONDS, TARGET_NDCG, TARGET_RSS_MIB = 3.1, 0.355, 150

RECIPE = """name: ml100k
source:
  type: csv
  path: {data}
  delimiter: "\\t"
schema:
  user_column: user_id
  item_column: item_id
training:
  algorithms: [IALS, CosineKNN, TopPop, RP3beta, DenseSLIM]
  metric: ndcg
  cutoff: 20
  n_trials: 40
  split:
    scheme: random
    heldout_ratio: 0.1
    seed: 42
output:
  path: {out}/ml100k.recotem
"""


def build(build_dir):
    subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build_dir), "-G", "Ninja",
                    "-DCMAKE_BUILD_TYPE=Release", "-DRECOTEM_NATIVE=ON",
                    "-DRECOTEM_BUILD_TESTS=OFF"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", str(build_dir), "--target", "recotem"], check=True)
    return build_dir / "bin" / "recotem"


def timestamp_seconds(event):
    return datetime.datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00")).timestamp()


def run_once(binary, recipe, env):
    """One train process: wall seconds, peak RSS MiB, the parsed events."""
    start = datetime.datetime.now().timestamp()
    proc = subprocess.Popen([str(binary), "train", str(recipe), "--run-id", "bench"],
                            stderr=subprocess.PIPE, env=env, text=True)
    _, err = proc.communicate()
    wall = datetime.datetime.now().timestamp() - start
    if proc.returncode != 0:
        sys.exit(f"recotem train failed ({proc.returncode}):\n{err[-2000:]}")
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    return wall, events


def peak_rss_mib(binary, recipe, env):
    """Peak RSS of one train run, from the child's rusage (KiB on Linux)."""
    proc = subprocess.Popen([str(binary), "train", str(recipe), "-q", "--run-id", "rss"],
                            stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_maxrss / 1024.0


def per_class(events):
    """Best score and seconds per class from the trial_done events (a trial's
    time = its timestamp minus the previous trial's, the first from
    search_started)."""
    out = {}
    previous = next(timestamp_seconds(e) for e in events if e["event"] == "search_started")
    for e in events:
        if e["event"] != "trial_done":
            continue
        now = timestamp_seconds(e)
        entry = out.setdefault(e["algorithm"], {"best": None, "seconds": 0.0, "trials": 0,
                                                "pruned": 0})
        entry["seconds"] += now - previous
        entry["trials"] += 1
        if e["score"] is None:
            entry["pruned"] += 1
        elif entry["best"] is None or e["score"] > entry["best"]:
            entry["best"] = e["score"]
        previous = now
    return out


def phase_seconds(events):
    t = {e["event"]: timestamp_seconds(e) for e in events}
    return {"load + cleanse": t["data_cleansed"] - t["training_started"],
            "split": t["split_done"] - t["splitting_data"],
            "search": t["search_done"] - t["search_started"],
            "refit": t["final_model_trained"] - t["training_final_model"],
            "write": t["train_done"] - t["final_model_trained"]}


def seed_sweep(binary, data, tmp, env, n_seeds):
    """One run per split seed 0..n_seeds-1: (seed, wall, best per class)."""
    rows = []
    for seed in range(n_seeds):
        recipe = tmp / f"recipe-seed{seed}.yaml"
        recipe.write_text(RECIPE.format(data=data, out=tmp / "out")
                          .replace("seed: 42", f"seed: {seed}"))
        wall, events = run_once(binary, recipe, env)
        rows.append((seed, wall, {k: c["best"] for k, c in per_class(events).items()}))
    return rows


def render_sweep(rows):
    names = list(rows[0][2])
    bests = [max(v for v in b.values() if v is not None) for _, _, b in rows]
    walls = [w for _, w, _ in rows]
    lines = [f"Split seeds 0..{len(rows) - 1}, one run each: best ndcg@20 median "
             f"{statistics.median(bests):.4f} (range {min(bests):.4f}-{max(bests):.4f}, "
             f"{sum(b >= TARGET_NDCG for b in bests)} of {len(rows)} >= {TARGET_NDCG}); wall "
             f"seconds median {statistics.median(walls):.2f} (range {min(walls):.2f}-"
             f"{max(walls):.2f}; IALS trials with many factors dominate).", "",
             "| seed | wall s | best | " + " | ".join(n.replace("Recommender", "")
                                                     for n in names) + " |",
             "|---|---|---|" + "---|" * len(names)]
    for (seed, wall, best), top in zip(rows, bests):
        cells = " | ".join("-" if best.get(n) is None else f"{best[n]:.4f}" for n in names)
        lines.append(f"| {seed} | {wall:.2f} | {top:.4f} | {cells} |")
    return lines


def render(runs, rss, classes, phases, repeat, load, sweep):
    walls = [w for w, _ in runs]
    median = statistics.median(walls)
    best = statistics.median(e["best_score"] for _, ev in runs for e in ev
                             if e["event"] == "search_done")
    lines = [
        "## `recotem train` on MovieLens 100K (issue #6)",
        "",
        "Recipe: algorithms [IALS, CosineKNN, TopPop, RP3beta, DenseSLIM], ndcg, cutoff 20, "
        "n_trials 40, random split 0.1, seed 42 (`bench/train/run_bench.py`, RECOTEM_NATIVE=ON, "
        f"Release). Whole `recotem train` process (load, split, search, refit, write), median of "
        f"{repeat} runs.",
        "",
        "| | ours | original (recorded) | target |",
        "|---|---|---|---|",
        f"| wall seconds | {median:.2f} (runs: {', '.join(f'{w:.2f}' for w in walls)}) | "
        f"{REFERENCE_SECONDS} (search only) | <= {TARGET_SECONDS} |",
        f"| speed-up vs original | {REFERENCE_SECONDS / median:.1f}x | 1x | >= 5x |",
        f"| best ndcg@20 | {best:.4f} | {REFERENCE_NDCG} | >= {TARGET_NDCG} |",
        f"| peak RSS MiB | {rss:.0f} | {REFERENCE_RSS_MIB} | <= {TARGET_RSS_MIB} |",
        "",
        "Per class (first run): best ndcg@20 and search seconds.",
        "",
        "| class | trials | pruned | best ndcg@20 | original best | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for name, c in classes.items():
        best_text = "-" if c["best"] is None else f"{c['best']:.4f}"
        lines.append(f"| {name} | {c['trials']} | {c['pruned']} | {best_text} | "
                     f"{REFERENCE_PER_CLASS.get(name, '-')} | {c['seconds']:.2f} |")
    lines += ["", "Phases (first run, seconds): " +
              ", ".join(f"{k} {v:.2f}" for k, v in phases.items()) + ".", ""]
    if sweep:
        lines += render_sweep(sweep) + [""]
    lines += [f"Recorded {datetime.datetime.now():%Y-%m-%d %H:%M} (1-minute load average at the "
              f"start: {load:.1f} on {os.cpu_count()} cores)."]
    return "\n".join(lines)


def write_results(section):
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    block = f"{BEGIN}\n{section}\n{END}"
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", type=Path, help="recotem binary (default: build build-bench/)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print, do not edit RESULTS.md")
    parser.add_argument("--seeds", type=int, default=0,
                        help="also run once per split seed 0..SEEDS-1 and tabulate the bests")
    args = parser.parse_args()
    if not ML100K.exists():
        print(f"skipped: {ML100K} not found (the shared datasets are absent)")
        return
    binary = args.binary or build(ROOT / "build-bench")
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = tmp / "ml100k.tsv"
        data.write_text("user_id\titem_id\trating\ttimestamp\n" + ML100K.read_text())
        (tmp / "out").mkdir()
        recipe = tmp / "recipe.yaml"
        recipe.write_text(RECIPE.format(data=data, out=tmp / "out"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("RECOTEM_")}
        env.update({"RECOTEM_LOG_FORMAT": "json", "RECOTEM_SIGNING_KEYS": "bench:" + "ab" * 32})
        runs = [run_once(binary, recipe, env) for _ in range(args.repeat)]
        rss = peak_rss_mib(binary, recipe, env)
        sweep = seed_sweep(binary, data, tmp, env, args.seeds)
    section = render(runs, rss, per_class(runs[0][1]), phase_seconds(runs[0][1]), args.repeat,
                     load, sweep)
    print(section)
    if not args.no_write:
        write_results(section)


if __name__ == "__main__":
    main()
