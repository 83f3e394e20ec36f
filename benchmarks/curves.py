"""FID curves of runs scored during training (eval.jsonl), against generator updates: reading
them, the table of the FID at given budgets, and the plot (`fid_curve.py`)."""
import json
import os

import runner

#: The Fashion-MNIST benchmark's budget and its bar on FID (mean over seeds), marked on plots.
BUDGET, FID_BAR = 3000, 50.0


def read_curve(job, root, result):
    """[(generator updates, FID)] of `job`'s evaluations during training, in step order, and
    eval.py's of its last step (`result`) where training did not score that step."""
    path = os.path.join(job.workdir(root), "eval.jsonl")
    records = []
    if os.path.exists(path):
        with open(path) as f:
            records = [json.loads(line) for line in f if line.strip()]
    curve = [(job.generator_updates(r["step"]), r["fid"])
             for r in sorted(records, key=lambda r: r["step"]) if r.get("fid") is not None]
    last = dict(job.overrides)["train.steps"]
    if result.get("fid") is not None and (not curve or curve[-1][0] < last):
        curve.append((last, result["fid"]))
    return curve


def fid_at(curve, updates):
    """The FID of the last evaluation at or before `updates` generator updates (None if none)."""
    before = [fid for step, fid in curve if step <= updates]
    return before[-1] if before else None


def summary_rows(curves, labels, budgets):
    """Table rows: per label, the mean FID over seeds at each budget, then the lowest mean
    reached and at how many generator updates."""
    rows = []
    for label in labels:
        seeds = [curve for (name, _), curve in curves.items() if name == label and curve]
        row = [f"`{label}`"]
        for budget in budgets:
            values = [fid_at(curve, budget) for curve in seeds]
            values = [v for v in values if v is not None]
            row.append(runner.cell(runner.mean_std(values), 1, len(values)) if values else "-")
        steps = sorted({step for curve in seeds for step, _ in curve})
        means = [(runner.mean_std([fid_at(curve, s) for curve in seeds])[0], s) for s in steps]
        best = min(means, default=None)
        row.append(f"{best[0]:.1f} at {best[1]:,}" if best else "-")
        rows.append(row)
    return rows


def plot(curves, path):
    """FID (log scale) against generator updates, a line per run, the budget and the bar
    marked; saved as a PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=100)
    colours = {}
    for (label, seed), curve in sorted(curves.items()):
        if not curve:
            continue
        colour = colours.setdefault(label, f"C{len(colours) % 10}")
        steps, fids = zip(*curve)
        axes.plot(steps, fids, color=colour, marker=".", linewidth=1,
                  label=label if seed == 0 else None)
    axes.axvline(BUDGET, color="grey", linestyle=":", linewidth=1)
    axes.axhline(FID_BAR, color="grey", linestyle="--", linewidth=1)
    axes.set_yscale("log")
    axes.set_xlabel("generator updates")
    axes.set_ylabel("FID (domain classifier)")
    axes.set_title("Fashion-MNIST: FID during training (dotted: the benchmark's budget; "
                   "dashed: FID 50)", fontsize=9)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
