"""Semi-supervised classification on Fashion-MNIST: labels only, Improved GAN and Localized
GAN (`configs/semi_supervised.py`) on the same classifier, budget and label draws: 10 labels
per class on three draws (the draw is the run's seed) and 100 labels per class on one.

    python benchmarks/semi_supervised.py --record=docs/results/semi_supervised_runs
    python benchmarks/semi_supervised.py --quick    # 1 draw of 10 labels per class, 100 steps

Each run is `python train.py --config=configs/semi_supervised.py:<method>
--config.data.labels_per_class=<k> --config.seed=<draw>`, then `python eval.py --workdir`,
whose `test_error` is that of the SavedModel's `classify` signature on the 10,000 test images.
Writes docs/results/semi_supervised.{md,json} (with --quick: under <root>).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402

from absl import app, flags  # noqa: E402

METHODS = ("labels_only", "improved_gan", "localized_gan")
FLAGS = runner.Flags("semi_supervised", seeds=3, steps=6000,
                     quick_text="one draw of 10 labels per class, 100 steps")
_METHODS = flags.DEFINE_list("methods", list(METHODS), "Methods (configs/semi_supervised.py).")
_LABELS = flags.DEFINE_list("labels_per_class", ["10", "100"],
                            "Labels per class; the first on --seeds draws, the others on one.")
#: eval.py's generator metrics are not what this table reports: the FID of 2,000 samples only.
EVAL_FLAGS = ("--metrics=fid", "--num_samples=2000")


def jobs_for(methods, labels_per_class, draws, budget):
    """A run per method, label count and draw: `draws` draws of the first count, one of
    each other; `budget` the overrides every run shares."""
    jobs = []
    for i, k in enumerate(labels_per_class):
        for method in methods:
            jobs += [runner.Job("semi_supervised", method, draw,
                                budget + (("data.labels_per_class", k),), label=f"k{k}",
                                eval_flags=EVAL_FLAGS)
                     for draw in range(draws if i == 0 else 1)]
    return jobs


def by_method(jobs, results):
    """The results as the table shows them: a row per method (the job's config argument),
    a column per label count, the error in percent and the time in minutes."""
    rows = []
    for job, result in zip(jobs, results, strict=True):
        row = dict(result, label=job.dataset, dataset=job.label)
        if "test_error" in result:
            row["test_error_percent"] = 100 * result["test_error"]
        if "wall_time" in result:
            row["minutes"] = result["wall_time"] / 60
        rows.append(row)
    return rows


def main(argv):
    del argv
    quick = FLAGS.quick.value
    unknown = set(_METHODS.value) - set(METHODS)
    if unknown:
        raise app.UsageError(f"--methods must be among {METHODS}, got {sorted(unknown)}")
    try:
        labels_per_class = [int(k) for k in _LABELS.value]
    except ValueError:
        raise app.UsageError(f"--labels_per_class must be integers, got {_LABELS.value}")
    if quick:
        labels_per_class = labels_per_class[:1]
    draws, steps = (1, 100) if quick else (FLAGS.seeds.value, FLAGS.steps.value)
    budget = FLAGS.train_overrides(steps, 1000) + ((("eval.every", 0),) if quick else ())
    jobs = jobs_for(_METHODS.value, labels_per_class, draws, budget)
    root, out = FLAGS.root_dir, FLAGS.out_dir
    print(f"{len(jobs)} runs, {FLAGS.parallel.value} at a time; workdirs in {root}")
    results = FLAGS.run(jobs)

    # A column's header is prefixed with its key, k<labels per class>, when there are more.
    columns = {f"k{k}": (("test_error_percent", "test error %", 2), ("minutes", "minutes", 0))
               for k in labels_per_class}
    rows = by_method(jobs, results)
    markdown, _ = runner.table(rows, _METHODS.value, columns)
    if draws > 1:
        k = labels_per_class[0]
        markdown += (f"\n\nTest error % on each draw of {k} labels per class:\n\n" +
                     runner.per_seed_table(rows, _METHODS.value, f"k{k}",
                                           "test_error_percent", "draw"))
    text = (f"Semi-supervised Fashion-MNIST (`configs/semi_supervised.py`), test error on the "
            f"10,000 test images of the exported `classify` signature after {steps} steps; "
            f"k{labels_per_class[0]}, {labels_per_class[0]} labels per class: "
            f"{runner.seeds_text(draws)} (the draw of the labels is the seed)" +
            "".join(f", k{k}, {k} labels per class: 1 draw" for k in labels_per_class[1:]) +
            f"; {runner.wall_time_note(results)}.\n\n{markdown}\n")
    runner.write_outputs(out, "semi_supervised", results, text)
    print("\n" + text)
    print(f"table: {os.path.join(out, 'semi_supervised.md')}")


if __name__ == "__main__":
    app.run(main)
