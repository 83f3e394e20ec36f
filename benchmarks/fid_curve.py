"""FID against generator updates on Fashion-MNIST: where a variant gets to when trained past
the Fashion-MNIST benchmark's budget of 3,000 generator updates. Each run is that benchmark's
(the variant's own config, networks of width 32, batch 64, XLA), longer, and scored during
training every --every training steps on the domain classifier (the benchmark's metrics, on
--num_samples samples against the test split); eval.py scores the last step as the
benchmark does.

    python benchmarks/fid_curve.py --variants=wgan,began      # 20,000 generator updates
    python benchmarks/fid_curve.py --quick                    # ns_gan, 200 steps

Writes docs/results/fid_curve.{md,json,png} (with --quick: under <root>): the FID at a few
budgets and the lowest one reached, per variant (mean over seeds), and the curves, each
against generator updates (a variant's critic-only steps, MAGAN's pre-training or WGAN's
warm-up, are not counted: `GAN.critic_only_steps`). Runs are cached in --root and kept with
--record, their evaluations during training (eval.jsonl) included.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import curves  # noqa: E402
import runner  # noqa: E402

from absl import flags  # noqa: E402

FLAGS = runner.Flags("fid_curve", seeds=1, steps=20000,
                     quick_text="ns_gan, 200 steps, scored every 100 on 500 samples")
_EVERY = flags.DEFINE_integer("every", 1000, "Training steps between evaluations.",
                              lower_bound=1)
_WIDTH = flags.DEFINE_integer("width", 32, "Channel width of every variant's networks.")
_NUM_SAMPLES = flags.DEFINE_integer("num_samples", 10000, "Generated samples per evaluation.")

QUICK_VARIANTS = ("ns_gan",)


def main(argv):
    del argv
    quick = FLAGS.quick.value
    variants = FLAGS.variants_or(QUICK_VARIANTS if quick else ())
    if not variants:
        from absl import app
        raise app.UsageError("name the variants to train, e.g. --variants=wgan,began")
    seeds, steps, every, samples = ((1, 200, 100, 500) if quick else
                                    (FLAGS.seeds.value, FLAGS.steps.value, _EVERY.value,
                                     _NUM_SAMPLES.value))
    root, out, parallel = FLAGS.root_dir, FLAGS.out_dir, FLAGS.parallel.value
    overrides = ((("networks.width", _WIDTH.value), ("eval.every", every),
                  ("eval.num_samples", samples))
                 + FLAGS.train_overrides(steps, every=max(every, steps // 4)))
    jobs = [runner.Job(variant, "fashion_mnist", seed, overrides)
            for variant in variants for seed in range(seeds)]
    print(f"{len(jobs)} runs of {steps} generator updates, scored every {every} steps, "
          f"{parallel} at a time; workdirs in {root}")
    results = FLAGS.run(jobs, eval_flags=[f"--num_samples={samples}"])

    points = {(job.variant, job.seed): curves.read_curve(job, root, result)
              for job, result in zip(jobs, results)}
    budgets = sorted({b for b in (curves.BUDGET, steps // 4, steps // 2, steps)
                      if 0 < b <= steps})
    header = (["variant"] + [f"FID at {b:,}" for b in budgets]
              + ["lowest mean FID, at updates"])
    markdown = runner.markdown(header, curves.summary_rows(points, variants, budgets))
    text = (f"FID against generator updates on Fashion-MNIST: {steps} generator "
            f"updates{runner.budget_note(results)}; batch 64, networks of width {_WIDTH.value}, "
            f"{runner.seeds_text(seeds)}; FID on the domain classifier, {samples} samples "
            f"against the test split, every {every} training steps (a column's value is the "
            "last evaluation at or before its budget; mean over seeds); wall time of train.py "
            f"per run on {os.cpu_count()} cores, {runner.wall_time_note(results)}."
            f"\n\n{markdown}\n")
    runner.write_outputs(out, "fid_curve", results, text)
    with open(os.path.join(out, "fid_curve_points.json"), "w") as f:
        json.dump([{"variant": v, "seed": s, "points": c} for (v, s), c in points.items()], f,
                  indent=2)
    curves.plot(points, os.path.join(out, "fid_curve.png"))
    print("\n" + text)
    print(f"table: {os.path.join(out, 'fid_curve.md')}; curves: "
          f"{os.path.join(out, 'fid_curve.png')}")


if __name__ == "__main__":
    from absl import app
    app.run(main)
