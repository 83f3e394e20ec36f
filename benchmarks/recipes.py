"""The two training recipes on Fashion-MNIST at the benchmark budget (3,000 generator updates,
width 32, 10,000 samples on the domain classifier), each against the same runs without it.

Every run keeps an average of G (train.ema_decay 0.99 from step 1,000, standing batch-norm
statistics on 64 batches) and is scored twice: G itself (`eval.py --raw`) and its average.
The average never feeds back into training, so G trains bit for bit as in a run without it
(tests/test_recipes.py): the two columns compare the average with the raw G of the same run.
DiffAugment (train.augment translation,cutout,color) is compared across rows:

| row | data | DiffAugment | variants |
| --- | --- | --- | --- |
| `<variant>` | the whole training split | off | sngan, wgan_gp, sphere_gan |
| `<variant>_frac10` | 10% of it (data.fraction 0.1, 6,000 images) | off | sngan, wgan_gp |
| `<variant>_frac10_diffaug` | 10% of it | on | sngan, wgan_gp |
| `<variant>_diffaug` | the whole split | on | sngan, wgan_gp |

    python benchmarks/recipes.py --parallel=1 --record=docs/results/recipes_runs
    python benchmarks/recipes.py --quick      # smoke test: sngan, 50 steps, every row

Writes docs/results/recipes.{md,json} and seed 0's samples (of the average) per row in
docs/results/recipes/. Runs are recorded with --record, so the table can span sittings.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402

from absl import app, flags  # noqa: E402

FLAGS = runner.Flags("recipes", seeds=3, steps=3000,
                     quick_text="sngan, 50 steps, 500 samples, every row")
_WIDTH = flags.DEFINE_integer("width", 32, "Channel width of every variant's networks.")
_NUM_SAMPLES = flags.DEFINE_integer("num_samples", 10000, "Generated samples per evaluation.")

EMA_VARIANTS = ("sngan", "wgan_gp", "sphere_gan")
AUGMENT_VARIANTS = ("sngan", "wgan_gp")
POLICY = "translation,cutout,color"
#: The average every run keeps (the quick mode starts it within its 50 steps). A window of
#: about 100 steps, 1/30 of the budget: at 3,000 steps G still improves quickly, and longer
#: windows lag it further (the decay sweep in docs/RECIPES.md).
DECAY = 0.99
AVERAGE = (("train.ema_decay", DECAY), ("train.ema_start", 1000))
#: The overrides of each DiffAugment row, by the suffix of its label.
AUGMENT_ROWS = {
    "_frac10": (("data.fraction", 0.1),),
    "_frac10_diffaug": (("data.fraction", 0.1), ("train.augment", POLICY)),
    "_diffaug": (("train.augment", POLICY),),
}
COLUMNS = (("raw_fid", "FID, G", 1), ("fid", "FID, G's average", 1),
           ("raw_inception_score", "IS, G", 2), ("inception_score", "IS, G's average", 2),
           ("raw_precision", "precision, G", 3), ("raw_recall", "recall, G", 3))


def rows(ema_variants, augment_variants):
    """[(label, variant, overrides)] of the table, in order."""
    wanted = []
    for variant in dict.fromkeys(ema_variants + augment_variants):
        wanted.append((variant, variant, ()))
        if variant in augment_variants:
            wanted += [(variant + suffix, variant, overrides)
                       for suffix, overrides in AUGMENT_ROWS.items()]
    return wanted


def main(argv):
    del argv
    quick = FLAGS.quick.value
    chosen = FLAGS.variants.value
    ema = ("sngan",) if quick else tuple(v for v in EMA_VARIANTS if not chosen or v in chosen)
    augmented = ("sngan",) if quick else tuple(v for v in AUGMENT_VARIANTS
                                               if not chosen or v in chosen)
    average = (("train.ema_decay", DECAY), ("train.ema_start", 10)) if quick else AVERAGE

    def caption(steps, seeds, samples, results):
        return (f"{steps} generator updates; batch 64, networks of width {_WIDTH.value}, "
                f"{runner.seeds_text(seeds)}; {samples} samples against the test split on the "
                f"domain classifier. Every run keeps an average of G (decay {DECAY} from step "
                "1,000, standing batch-norm statistics), which does not change G's training: "
                "each row scores G itself and its average. `_frac10`: 6,000 training images "
                "(data.fraction 0.1, drawn with the run's seed); `_diffaug`: DiffAugment "
                f"{POLICY} on every input of D. Each run's wall time is in the JSON; on "
                f"{runner.cpu_description()}.")

    runner.fashion_mnist_benchmark(FLAGS, "recipes", rows(ema, augmented), COLUMNS, caption,
                                   width=_WIDTH.value, num_samples=_NUM_SAMPLES.value,
                                   overrides=average)


if __name__ == "__main__":
    app.run(main)
