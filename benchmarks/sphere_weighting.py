"""The faithful Sphere GAN under the options of its two sources: R = 1 or 3 moments (the
authors' code's `moments = 1`, the paper's R = 3) x the code's three moment weightings
(`dist_weight_mode`: none, normalization, half), on ring8 and grid25 at the mode benchmark's
budget and on Fashion-MNIST at the Fashion-MNIST benchmark's, every other setting from
`configs/sphere_gan.py`. Each 2-D run also gets its saturation figure
(`sphere_saturation.imbalance`): the median generator gradient of samples on a mode over that
of samples 0.6 or more away from every mode.

    python benchmarks/sphere_weighting.py --record=docs/results/sphere_weighting_runs
    python benchmarks/sphere_weighting.py --datasets=ring8,grid25    # the 2-D half (36 runs)
    python benchmarks/sphere_weighting.py --quick    # R 1 and 3 unweighted, 300 / 50 steps

Writes docs/results/sphere_weighting.{md,json} (with --quick: under <root>). The R = 3,
unweighted row is the config's own: its runs are the commands of `modes.py` and
`fashion_mnist.py` for sphere_gan (other workdirs), so they repeat those records.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402

from absl import app, flags  # noqa: E402

FLAGS = runner.Flags("sphere_weighting", seeds=3, steps=10000,
                     quick_text="R 1 and 3 unweighted, 300 2-D / 50 Fashion-MNIST steps")
_DATASETS = flags.DEFINE_list("datasets", ["ring8", "grid25", "fashion_mnist"], "Datasets.")
_MOMENTS = flags.DEFINE_list("moments", ["1", "3"], "Values of R.")
_WEIGHTINGS = flags.DEFINE_list("weightings", ["none", "normalization", "half"],
                                "Moment weightings.")
_IMAGE_STEPS = flags.DEFINE_integer("image_steps", 3000, "Generator updates on Fashion-MNIST.")
_WIDTH = flags.DEFINE_integer("width", 32, "Channel width of the Fashion-MNIST networks.")
_NUM_SAMPLES = flags.DEFINE_integer("num_samples", 10000, "Fashion-MNIST samples per evaluation.")

SATURATION_FILE = "saturation.json"
MODE_COLUMNS = (("modes_covered", "modes", 1), ("high_quality_fraction", "high quality", 3),
                ("imbalance", "gradient on / off modes", 1))
COLUMNS = {"ring8": MODE_COLUMNS, "grid25": MODE_COLUMNS,
           "fashion_mnist": (("fid", "FID", 1), ("recall", "recall", 3))}


def jobs_for(datasets, settings, seeds, steps, image_steps, width, samples, train_overrides):
    """The runs. The config's own values (R 3, unweighted) are not passed, so that row's
    commands are those of modes.py and fashion_mnist.py and repeat their records."""
    jobs = []
    for dataset in datasets:
        if dataset == "fashion_mnist":
            budget = ((("networks.width", width), ("eval.every", 0))
                      + train_overrides(image_steps, 1000))
            eval_flags = (f"--num_samples={samples}",)
        else:
            budget, eval_flags = train_overrides(steps, 2000), ()
        for r, weighting in settings:
            options = ((() if r == 3 else (("hparams.moments", r),))
                       + (() if weighting == "none" else (("hparams.moment_weighting", weighting),)))
            jobs += [runner.Job("sphere_gan", dataset, seed, budget + options,
                                label=f"R{r}_{weighting}", eval_flags=eval_flags)
                     for seed in range(seeds)]
    return jobs


def saturation(job, root, record):
    """The job's `imbalance` figures {on, off, imbalance}, kept in its workdir (and record)
    as saturation.json; computed from the workdir's checkpoint when not kept yet. None for
    an image run or a run whose checkpoint and saved figures are both gone."""
    import sphere_saturation
    if job.dataset not in ("ring8", "grid25"):
        return None
    folders = [job.workdir(root)] + ([job.workdir(record)] if record else [])
    for folder in folders:
        try:
            with open(os.path.join(folder, SATURATION_FILE)) as f:
                return json.load(f)
        except (FileNotFoundError, ValueError):
            pass
    try:
        figures = sphere_saturation.figures(job.workdir(root))
    except Exception as e:  # noqa: BLE001 - a missing or broken checkpoint: no figure
        print(f"\nno saturation figure for {job.name} on {job.dataset}, seed {job.seed}: {e}")
        return None
    for folder in folders:
        os.makedirs(folder, exist_ok=True)
        runner.files.write_text_atomically(os.path.join(folder, SATURATION_FILE),
                                           json.dumps(figures, indent=2))
    return figures


def main(argv):
    del argv
    quick = FLAGS.quick.value
    datasets = _DATASETS.value
    unknown = set(datasets) - set(COLUMNS)
    if unknown:
        raise app.UsageError(f"--datasets must be among {sorted(COLUMNS)}, got {sorted(unknown)}")
    from tfgan_variants import losses
    weightings = ["none"] if quick else _WEIGHTINGS.value
    bad = set(weightings) - set(losses.SPHERE_MOMENT_WEIGHTINGS)
    if bad:
        raise app.UsageError(f"--weightings must be among "
                             f"{sorted(losses.SPHERE_MOMENT_WEIGHTINGS)}, got {sorted(bad)}")
    try:
        moments = [int(r) for r in _MOMENTS.value]
    except ValueError:
        raise app.UsageError(f"--moments must be integers, got {_MOMENTS.value}")
    if quick:
        moments = [1, 3]
    settings = [(r, w) for r in moments for w in weightings]
    seeds, steps, image_steps, samples = ((1, 300, 50, 500) if quick else
                                          (FLAGS.seeds.value, FLAGS.steps.value,
                                           _IMAGE_STEPS.value, _NUM_SAMPLES.value))
    root, out, parallel = FLAGS.root_dir, FLAGS.out_dir, FLAGS.parallel.value
    jobs = jobs_for(datasets, settings, seeds, steps, image_steps, _WIDTH.value, samples,
                    FLAGS.train_overrides)
    print(f"{len(jobs)} runs, {parallel} at a time; workdirs in {root}")
    results = FLAGS.run(jobs)
    for job, result in zip(jobs, results):
        figures = "error" not in result and saturation(job, root, FLAGS.record.value)
        if figures:
            result["imbalance"] = figures["imbalance"]

    labels = [f"R{r}_{w}" for r, w in settings]
    markdown, _ = runner.table(results, labels, {d: COLUMNS[d] for d in datasets})
    text = (f"Sphere GAN (`configs/sphere_gan.py`), R moments x moment weighting; ring8 and "
            f"grid25: {steps} steps (MLP 3 x 128, batch 256, 2,500 samples), Fashion-MNIST: "
            f"{image_steps} steps (width {_WIDTH.value}, batch 64, {samples} samples on the "
            f"domain classifier); {runner.seeds_text(seeds)}; 'gradient on / off modes': "
            "median |grad_x L_G| of generated samples within 0.15 of a centre over that of "
            "samples 0.6 or more from every centre (benchmarks/sphere_saturation.py; 1 is "
            "balanced), over the seeds with samples in both; "
            f"{runner.wall_time_note(results)}.\n\n{markdown}\n")
    runner.write_outputs(out, "sphere_weighting", results, text)
    print("\n" + text)
    print(f"table: {os.path.join(out, 'sphere_weighting.md')}")


if __name__ == "__main__":
    app.run(main)
