"""Sphere GAN's ablation (Park & Kwon 2019, Sec. 5 and its figure of IS against R and n):
the number of moments R = 1..5 and the sphere dimension n (S^n, D's output width), on grid25
and on Fashion-MNIST, every other setting from `configs/sphere_gan.py`.

    python benchmarks/sphere_ablation.py           # R = 1..5 x n = 16, 64, 256, 1024
    python benchmarks/sphere_ablation.py --quick   # R = 1, 3 x n = 16; 300 / 50 steps

Writes docs/results/sphere_ablation.{md,json} (with --quick: under <root>), and seed 0's
pictures per setting. The paper's CIFAR-10 ConvNet numbers (IS, read off its figure of IS
against R and n): n = 1024 gave 7.36 / 7.47 / 7.57 for R = 1 / 3 / 5, n = 16 about 6.1.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402

from absl import flags  # noqa: E402

FLAGS = runner.Flags("sphere_ablation", seeds=1, steps=10000,
                     quick_text="R 1 and 3, n 16, 300 grid25 / 50 Fashion-MNIST steps")
_MOMENTS = flags.DEFINE_list("moments", ["1", "2", "3", "4", "5"], "Values of R.")
_DIMENSIONS = flags.DEFINE_list("dimensions", ["16", "64", "256", "1024"], "Values of n.")
_IMAGE_STEPS = flags.DEFINE_integer("image_steps", 2000, "Generator updates on Fashion-MNIST.")
_NUM_SAMPLES = flags.DEFINE_integer("num_samples", 10000, "Fashion-MNIST samples per evaluation.")

COLUMNS = {
    "grid25": (("modes_covered", "modes", 1), ("high_quality_fraction", "high quality", 3)),
    "fashion_mnist": (("fid", "FID", 1), ("inception_score", "IS", 2),
                      ("precision", "precision", 3), ("recall", "recall", 3),
                      ("wall_time", "wall time (s)", 0)),
}


def main(argv):
    del argv
    quick = FLAGS.quick.value
    if quick:
        moments, dimensions, steps, image_steps, samples = [1, 3], [16], 300, 50, 500
    else:
        moments = [int(r) for r in _MOMENTS.value]
        dimensions = [int(n) for n in _DIMENSIONS.value]
        steps, image_steps, samples = FLAGS.steps.value, _IMAGE_STEPS.value, _NUM_SAMPLES.value
    root, out, parallel = FLAGS.root_dir, FLAGS.out_dir, FLAGS.parallel.value
    budgets = {"grid25": steps, "fashion_mnist": image_steps}
    settings = [(r, n) for n in dimensions for r in moments]
    labels = [f"R{r}_n{n}" for r, n in settings]
    # grid25 on the 2,500 samples of the modes table (eval.py's 2-D default, PacGAN's count).
    eval_flags = {"grid25": (), "fashion_mnist": (f"--num_samples={samples}",)}
    jobs = [runner.Job("sphere_gan", dataset, seed,
                       (("hparams.moments", r), ("networks.d_out", n), ("eval.every", 0))
                       + FLAGS.train_overrides(budget),
                       label=f"R{r}_n{n}", eval_flags=eval_flags[dataset])
            for dataset, budget in budgets.items() for r, n in settings
            for seed in range(FLAGS.seeds.value if not quick else 1)]
    print(f"{len(jobs)} runs, {parallel} at a time; workdirs in {root}")
    results = FLAGS.run(jobs)

    markdown, _ = runner.table(results, labels, COLUMNS)
    text = (f"Sphere GAN, R moments and S^n; grid25: {steps} steps (MLP, batch 256), "
            f"Fashion-MNIST: {image_steps} steps (the default run's ConvNet, batch 64), "
            f"evaluated on 2,500 samples (grid25) and {samples} on the domain classifier "
            f"(Fashion-MNIST); "
            f"{runner.seeds_text(1 if quick else FLAGS.seeds.value)}; wall time of "
            f"the Fashion-MNIST train.py, {runner.wall_time_note(results)}.\n\n{markdown}\n")
    runner.write_outputs(out, "sphere_ablation", results, text)
    pictures = runner.collect_pictures(labels, list(budgets), root, out, "sphere_ablation")
    print("\n" + text)
    print(f"table: {os.path.join(out, 'sphere_ablation.md')}; pictures: {pictures}")


if __name__ == "__main__":
    from absl import app
    app.run(main)
