"""Mode coverage of every variant on ring8 and grid25: the same MLP networks (3 x 128), batch
(256) and step budget for all, each variant with its own 2-D config (its paper's optimizer
and n_critic, and whatever it needs to learn 2-D data, all in `configs/<variant>.py`).

    python benchmarks/modes.py            # full table: every variant, both mixtures, 3 seeds
    python benchmarks/modes.py --quick    # smoke test: 3 variants, 300 steps, 1 seed (minutes)

Writes docs/results/modes.{md,json} (with --quick: <root>/modes.{md,json}), one picture per
variant and mixture of seed 0's samples over the true centres (docs/results/modes/), and a
montage per mixture. A sample is high quality within 3 std of a centre; a mode is covered
when at least one high-quality sample is nearest to it (`metrics.mode_coverage`). Runs are
cached in --root: rerunning continues an interrupted benchmark; --fresh starts over.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402

from absl import app, flags  # noqa: E402

FLAGS = runner.Flags("modes", seeds=3, steps=10000, quick_text="3 variants, 300 steps, one seed")
_DATASETS = flags.DEFINE_list("datasets", ["ring8", "grid25"], "2-D mixtures.")

QUICK_VARIANTS = ("ns_gan", "wgan_gp", "sphere_gan")
#: The grid25 bar of the smooth critics: modes covered and high-quality fraction.
TARGETS = {"sphere_gan": (24, 0.8), "sngan": (24, 0.8), "wgan_gp": (24, 0.8)}


COLUMNS = (("modes_covered", "modes", 1), ("high_quality_fraction", "high quality", 3),
           ("wall_time", "wall time (s)", 0))


def verdicts(summary, datasets):
    """One line per TARGETS variant: does its mean over seeds meet the grid25 bar?"""
    if "grid25" not in datasets:
        return []
    lines = []
    for variant, (modes, quality) in TARGETS.items():
        stats = summary.get((variant, "grid25"))
        if stats:
            got_modes, got_quality = stats["modes_covered"][0], stats["high_quality_fraction"][0]
            met = got_modes >= modes and got_quality >= quality
            lines.append(f"- `{variant}` on grid25: {got_modes:.1f} modes, {got_quality:.3f} "
                         f"high quality (bar: >= {modes}, >= {quality}): "
                         f"{'met' if met else 'NOT met'}")
    return lines


def family_examples(summary, variants, dataset="grid25"):
    """One variant per family (its module in tfgan_variants/models/), for the README's
    picture: the family's best on `dataset` by mean modes covered, then high-quality fraction;
    {variant: family} in registry order."""
    from tfgan_variants import VARIANTS
    best = {}
    for variant in variants:
        stats = summary.get((variant, dataset))
        if stats is None or not stats["seeds"]:
            continue
        score = (stats["modes_covered"][0], stats["high_quality_fraction"][0])
        family = VARIANTS[variant].__module__.rsplit(".", 1)[-1]
        if family not in best or score > best[family][1]:
            best[family] = (variant, score)
    chosen = {variant: family for family, (variant, _) in best.items()}
    return {variant: chosen[variant] for variant in variants if variant in chosen}


def family_montage(out, examples, dataset="grid25"):
    """<out>/modes_<dataset>_families.png: seed 0's samples of `examples` ({variant: family}),
    each labelled with its family; None when none of them has a picture."""
    pictures = [(os.path.join(out, "modes", f"{dataset}_{variant}.png"), f"{variant} ({family})")
                for variant, family in examples.items()]
    pictures = [(path, label) for path, label in pictures if os.path.exists(path)]
    if not pictures:
        return None
    path = os.path.join(out, f"modes_{dataset}_families.png")
    runner.montage([p for p, _ in pictures], 5, path, [label for _, label in pictures])
    return path


def main(argv):
    del argv
    from tfgan_variants import VARIANTS
    quick = FLAGS.quick.value
    variants = FLAGS.variants_or(QUICK_VARIANTS if quick else VARIANTS)
    datasets = _DATASETS.value
    if set(datasets) - {"ring8", "grid25"}:
        raise app.UsageError(f"--datasets must be ring8 and/or grid25, got {datasets}")
    seeds, steps = (1, 300) if quick else (FLAGS.seeds.value, FLAGS.steps.value)
    root, out, parallel = FLAGS.root_dir, FLAGS.out_dir, FLAGS.parallel.value
    overrides = FLAGS.train_overrides(steps)
    jobs = [runner.Job(variant, dataset, seed, overrides)
            for dataset in datasets for variant in variants for seed in range(seeds)]
    print(f"{len(jobs)} runs of {steps} steps, {parallel} at a time; workdirs in {root}")
    results = FLAGS.run(jobs)

    markdown, summary = runner.table(results, variants, {d: COLUMNS for d in datasets})
    lines = [] if quick else verdicts(summary, datasets)
    text = (f"{steps} generator updates{runner.budget_note(results)}; batch 256, MLP 3 x 128, "
            f"{runner.seeds_text(seeds)}; "
            f"wall time of train.py per run on {os.cpu_count()} cores, "
            f"{runner.wall_time_note(results)}.\n\n{markdown}\n"
            + ("\n" + "\n".join(lines) if lines else ""))
    runner.write_outputs(out, "modes", results, text)
    pictures = runner.collect_pictures(variants, datasets, root, out, "modes")
    if "grid25" in datasets:
        family_montage(out, family_examples(summary, variants))
    print("\n" + text)
    print(f"table: {os.path.join(out, 'modes.md')}; pictures: {pictures}")


if __name__ == "__main__":
    app.run(main)
