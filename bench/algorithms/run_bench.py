#!/usr/bin/env python3
"""Algorithm benchmark: fit and evaluation time per algorithm, written to the
algorithms section of bench/RESULTS.md.

Runs recotem-bench-algorithms (built with RECOTEM_NATIVE=ON, like the
irspack reference) on MovieLens 100K (../shared/data/ml-100k/u.data; skipped
with a message when absent) and on a generated power-law dataset of 10M
interactions (200k users x 50k items, recotem-bench-generate-power-law).
Every number is the median of --repeat runs inside one process.

    bench/algorithms/run_bench.py                 # configure + build build-bench/, run all
    bench/algorithms/run_bench.py --bin-dir build-algo/bin --only ml100k
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ML100K = ROOT.parent / "shared" / "data" / "ml-100k" / "u.data"
RESULTS = ROOT / "bench" / "RESULTS.md"
BEGIN, END = "<!-- algorithms:begin -->", "<!-- algorithms:end -->"

# (label, algorithm, params, reference: fit s, eval s, ndcg@20, recall, hit) —
# irspack 0.5.1 -O3 -march=native + OpenBLAS, 2 cores, issue #5.
ML100K_CASES = [
    ("IALS (k=64, alpha0=1, reg=1e-3, 10 epochs, CG 3)", "IALS",
     {"n_components": 64, "alpha0": 1, "reg": 1e-3, "train_epochs": 10, "max_cg_steps": 3,
      "init_std": 0.1}, (0.080, 0.013, 0.3137, 0.3781, 0.8950)),
    ("IALS, Cholesky solver (same parameters)", "IALS",
     {"n_components": 64, "alpha0": 1, "reg": 1e-3, "train_epochs": 10, "solver_type": "CHOLESKY",
      "init_std": 0.1}, None),
    ("CosineKNN (defaults)", "CosineKNN", {}, (0.067, 0.074, 0.2157, 0.2284, 0.7497)),
    ("TopPop", "TopPop", {}, (0.0008, 0.013, 0.1469, 0.1688, 0.6638)),
    ("RP3beta (alpha 1, beta 0.6)", "RP3beta", {"alpha": 1, "beta": 0.6},
     (0.159, 0.674, 0.3073, 0.3594, 0.8717)),
    ("DenseSLIM (reg 1)", "DenseSLIM", {"reg": 1}, (0.336, 0.232, 0.2032, 0.2577, 0.7815)),
    ("TruncatedSVD (k=4)", "TruncatedSVD", {"n_components": 4}, (0.016, 0.012, 0.2699, 0.3208, 0.8420)),
    ("BPRFM (k=64, warp, 10 epochs)", "BPRFM", {"n_components": 64, "loss": "warp", "train_epochs": 10},
     None),
    ("P3alpha (defaults)", "P3alpha", {}, None),
    ("AsymmetricCosineKNN (defaults)", "AsymmetricCosineKNN", {}, None),
    ("JaccardKNN (defaults)", "JaccardKNN", {}, None),
    ("TverskyIndexKNN (defaults)", "TverskyIndexKNN", {}, None),
]

POWER_LAW_CASES = [
    ("IALS (k=64, alpha0=1, reg=1e-3, 10 epochs, CG 3)", "IALS",
     {"n_components": 64, "alpha0": 1, "reg": 1e-3, "train_epochs": 10}),
    ("TopPop", "TopPop", {}),
    ("TruncatedSVD (k=4)", "TruncatedSVD", {"n_components": 4}),
    ("CosineKNN (defaults: top_k 100)", "CosineKNN", {}),
    ("RP3beta (beta 0.6, top_k 100)", "RP3beta", {"beta": 0.6, "top_k": 100}),
    ("BPRFM (k=64, warp, 1 epoch)", "BPRFM", {"n_components": 64, "loss": "warp", "train_epochs": 1}),
]
POWER_LAW_SKIPPED = [
    ("DenseSLIM", "needs a dense 50k x 50k Gram matrix (10 GB) and O(n_items^3) work"),
    ("RP3beta without top_k", "its weight matrix would be dense: 50k x 50k entries"),
]


def run(cmd):
    print("+", " ".join(str(c) for c in cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def build(build_dir):
    run(["cmake", "-S", ROOT, "-B", build_dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
         "-DRECOTEM_NATIVE=ON"])
    run(["ninja", "-C", build_dir, "-j2", "recotem-bench-algorithms",
         "recotem-bench-generate-power-law"])
    return Path(build_dir) / "bin"


def bench(bin_dir, data, algorithm, params, repeat, extra=("--warmup", "1")):
    out = run([bin_dir / "recotem-bench-algorithms", "--data", data, "--format", "tsv",
               "--user-col", "0", "--item-col", "1", "--algorithm", algorithm,
               "--params", json.dumps(params), "--cutoff", "20", "--split", "random",
               "--heldout", "0.1", "--seed", "42", "--repeat", str(repeat), *extra])
    return json.loads(out.strip().splitlines()[-1])


def ratio(reference, ours):
    return f"{reference / ours:.2f}x" if ours > 0 else "-"


def ml100k_section(bin_dir, repeat):
    if not ML100K.exists():
        msg = f"ML-100k not found at {ML100K}; skipped."
        print(msg, file=sys.stderr)
        return [msg]
    lines = [
        "### MovieLens 100K",
        "",
        "Random split, heldout 0.1, test users 1.0, seed 42, cutoff 20; every rating is an "
        "interaction. Wall-clock seconds, median of %d fits / evaluations in one process "
        "after one untimed warm-up fit + evaluation; "
        "speed-up = reference time / our wall time. CPU = user + system seconds of all "
        "threads (what the step consumed, whatever else ran on the machine)." % repeat,
        "",
        "| algorithm | fit | fit CPU | ref fit | fit speed-up | eval | eval CPU | ref eval | "
        "eval speed-up | ndcg@20 (ref) | recall (ref) | hit (ref) | peak RSS MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, algorithm, params, ref in ML100K_CASES:
        r = bench(bin_dir, ML100K, algorithm, params, repeat)
        if ref:
            rf, re, rn, rr, rh = ref
            lines.append(
                f"| {label} | {r['fit_seconds']:.4f} | {r['fit_cpu_seconds']:.4f} | {rf} | "
                f"{ratio(rf, r['fit_seconds'])} | {r['eval_seconds']:.4f} | "
                f"{r['eval_cpu_seconds']:.4f} | {re} | {ratio(re, r['eval_seconds'])} | "
                f"{r['ndcg']:.4f} ({rn}) | {r['recall']:.4f} ({rr}) | {r['hit']:.4f} ({rh}) | "
                f"{r['peak_rss_mib']:.0f} |")
        else:
            lines.append(
                f"| {label} | {r['fit_seconds']:.4f} | {r['fit_cpu_seconds']:.4f} | - | - | "
                f"{r['eval_seconds']:.4f} | {r['eval_cpu_seconds']:.4f} | - | - | "
                f"{r['ndcg']:.4f} | {r['recall']:.4f} | {r['hit']:.4f} | "
                f"{r['peak_rss_mib']:.0f} |")
        split = (r["n_users"], r["n_items"], r["nnz"], r["n_heldout"])
    lines += ["", "Split: %d users x %d items, %d training interactions, %d held out." % split]
    return lines


def power_law_section(bin_dir, repeat, work_dir, cases=None):
    data = Path(work_dir) / "power_law_10m.tsv"
    if not data.exists():
        data.parent.mkdir(parents=True, exist_ok=True)
        run([bin_dir / "recotem-bench-generate-power-law", "--users", "200000", "--items",
             "50000", "--interactions", "10000000", "--seed", "1", "--out", data])
    lines = [
        "### Generated power-law set (10M interactions, 200k users x 50k items)",
        "",
        "`recotem-bench-generate-power-law --seed 1`; random split heldout 0.1 with "
        "--test-user-ratio 0.1 (20k validation users are evaluated; all 200k users train). "
        "Median of %d; peak RSS is the whole process (data, split, model, evaluation)." % repeat,
        "",
        "The items are drawn independently of the user (popularity only), so the metrics "
        "only show that each model runs; compare the times.",
        "",
        "| algorithm | fit s | fit CPU s | eval s | eval CPU s | ndcg@20 | recall | hit | "
        "peak RSS MiB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, algorithm, params in cases or POWER_LAW_CASES:
        r = bench(bin_dir, data, algorithm, params, repeat, ["--test-user-ratio", "0.1"])
        lines.append(f"| {label} | {r['fit_seconds']:.2f} | {r['fit_cpu_seconds']:.2f} | "
                     f"{r['eval_seconds']:.2f} | {r['eval_cpu_seconds']:.2f} | "
                     f"{r['ndcg']:.4f} | {r['recall']:.4f} | {r['hit']:.4f} | "
                     f"{r['peak_rss_mib']:.0f} |")
    if cases is None:
        lines += ["", "Not run on this set: " +
                  "; ".join(f"{name} ({why})" for name, why in POWER_LAW_SKIPPED) + "."]
    return lines


def replace_block(text, name, lines):
    """Replaces (or appends) the block between <!-- name:begin/end --> markers."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = "\n".join([begin, *lines, end])
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        return head + block + rest.split(end, 1)[1]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def write_results(header, sections):
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if BEGIN not in text:
        text = text.rstrip("\n") + "\n\n" + BEGIN + "\n" + END + "\n"
    head, rest = text.split(BEGIN, 1)
    inner, tail = rest.split(END, 1)
    inner = replace_block(inner, "algorithms-header", header)
    for name, lines in sections:
        inner = replace_block(inner, name, lines)
    RESULTS.write_text(head + BEGIN + inner.rstrip("\n") + "\n" + END + tail)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", help="use these binaries instead of building build-bench/")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=["ml100k", "power-law", "power-law-ials"],
                        help="power-law-ials: only the IALS run on the 10M set (own subsection)")
    parser.add_argument("--work-dir", default="/tmp/recotem-bench")
    parser.add_argument("--note", default="", help="extra sentence for the header")
    args = parser.parse_args()
    bin_dir = Path(args.bin_dir) if args.bin_dir else build(ROOT / "build-bench")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), platform.processor())
    header = [
        "## Algorithms (issue #5)",
        "",
        f"Machine: {cpu}, {os.cpu_count()} cores. Runner: `bench/algorithms/run_bench.py` "
        "(RECOTEM_NATIVE=ON, Release); each subsection states when it was recorded.",
    ]
    load = os.getloadavg()[0]
    stamp = (f"Recorded {datetime.datetime.now():%Y-%m-%d %H:%M} (1-minute load average at the "
             f"start: {load:.1f} on {os.cpu_count()} cores). {args.note}").rstrip()
    sections = []
    if args.only in (None, "ml100k"):
        sections.append(("algorithms-ml100k", ml100k_section(bin_dir, args.repeat) + ["", stamp]))
    if args.only in (None, "power-law"):
        sections.append(("algorithms-power-law",
                         power_law_section(bin_dir, args.repeat, args.work_dir) + ["", stamp]))
    if args.only == "power-law-ials":
        lines = power_law_section(bin_dir, args.repeat, args.work_dir, POWER_LAW_CASES[:1])
        lines[0] = "### Generated power-law set, IALS rerun on an idle machine"
        sections.append(("algorithms-power-law-ials", lines + ["", stamp]))
    write_results(header, sections)
    for _, lines in sections:
        print("\n".join(lines))

if __name__ == "__main__":
    main()
