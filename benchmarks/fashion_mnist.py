"""Every variant on Fashion-MNIST: the same budget of generator updates, 28-px convolutional
networks of one width, each variant with its own Fashion-MNIST config (its paper's objective,
optimizer and n_critic, in `configs/<variant>.py`), evaluated on the domain classifier
(FID, KID, IS, precision, recall on 10,000 samples against the test split).

    python benchmarks/fashion_mnist.py            # full table: every variant, 3 seeds, 3,000 steps
    python benchmarks/fashion_mnist.py --quick    # smoke test: 3 variants, 50 steps

Writes docs/results/fashion_mnist.{md,json} (with --quick: <root>/fashion_mnist.{md,json}),
seed 0's sample grid per variant (docs/results/fashion_mnist/) and a montage of them. Runs are
cached in --root: rerunning continues an interrupted benchmark; --fresh starts over.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402

from absl import app, flags  # noqa: E402

FLAGS = runner.Flags("fashion_mnist", seeds=3, steps=3000,
                     quick_text="3 variants, 50 steps, 500 samples")
_WIDTH = flags.DEFINE_integer("width", 32, "Channel width of every variant's networks.")
_NUM_SAMPLES = flags.DEFINE_integer("num_samples", 10000, "Generated samples per evaluation.")

QUICK_VARIANTS = ("ns_gan", "wgan_gp", "sphere_gan")
COLUMNS = (("fid", "FID", 1), ("kid", "KID", 0), ("inception_score", "IS", 2),
           ("precision", "precision", 3), ("recall", "recall", 3),
           ("wall_time", "wall time (s)", 0))


def main(argv):
    del argv
    from tfgan_variants import VARIANTS

    def caption(steps, seeds, samples, results):
        return (f"{steps} generator updates{runner.budget_note(results)}; batch 64, networks "
                f"of width {_WIDTH.value}, {runner.seeds_text(seeds)}; metrics on the domain "
                f"classifier, {samples} samples against the test split (KID is TF-GAN's "
                "cubic-kernel MMD^2 on the classifier's 32-d pool features, whose scale puts "
                "it in the thousands: compare it between rows, not with KIDs on Inception "
                "features); wall time of train.py per run on "
                f"{os.cpu_count()} cores, {runner.wall_time_note(results)}.")

    variants = FLAGS.variants_or(QUICK_VARIANTS if FLAGS.quick.value else VARIANTS)
    runner.fashion_mnist_benchmark(FLAGS, "fashion_mnist", runner.variant_rows(variants),
                                   COLUMNS, caption, width=_WIDTH.value,
                                   num_samples=_NUM_SAMPLES.value)


if __name__ == "__main__":
    app.run(main)
