"""The two training recipes on Fashion-MNIST at the benchmark budget (3,000 generator updates,
width 32, 10,000 samples on the domain classifier), each against the same runs without it:

* an average of G's weights (train.ema_decay 0.999 from step 1,000, standing batch-norm
  statistics on 16 batches) for sngan, wgan_gp and sphere_gan;
* DiffAugment (train.augment translation,cutout,color) for sngan and wgan_gp, on 10% of the
  training split (data.fraction 0.1, 6,000 images) and on all of it.

    python benchmarks/recipes.py --parallel=1 --record=docs/results/recipes_runs
    python benchmarks/recipes.py --quick      # smoke test: sngan, 50 steps, both recipes

Rows are named `<variant>` (neither recipe, the whole split), `<variant>_ema`,
`<variant>_frac10` (10% of the split), `<variant>_frac10_diffaug` and `<variant>_diffaug`.
Writes docs/results/recipes.{md,json} and seed 0's samples per row in docs/results/recipes/.
A run with the average evaluates the average (its `serving_default`); the raw G of such a
run trains exactly as a run without the recipe (tests/test_recipes.py), the `<variant>` row.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402

from absl import app, flags  # noqa: E402

FLAGS = runner.Flags("recipes", seeds=3, steps=3000,
                     quick_text="sngan, 50 steps, 500 samples, one row per recipe")
_WIDTH = flags.DEFINE_integer("width", 32, "Channel width of every variant's networks.")
_NUM_SAMPLES = flags.DEFINE_integer("num_samples", 10000, "Generated samples per evaluation.")

EMA_VARIANTS = ("sngan", "wgan_gp", "sphere_gan")
AUGMENT_VARIANTS = ("sngan", "wgan_gp")
POLICY = "translation,cutout,color"
#: The overrides of each recipe row, by the suffix of its label.
RECIPES = {
    "": (),
    "_ema": (("train.ema_decay", 0.999), ("train.ema_start", 1000)),
    "_frac10": (("data.fraction", 0.1),),
    "_frac10_diffaug": (("data.fraction", 0.1), ("train.augment", POLICY)),
    "_diffaug": (("train.augment", POLICY),),
}
COLUMNS = (("fid", "FID", 1), ("kid", "KID", 0), ("inception_score", "IS", 2),
           ("precision", "precision", 3), ("recall", "recall", 3))


def rows(variants_ema, variants_augment):
    """[(label, variant, overrides)] of the table, in order."""
    wanted = []
    for variant in dict.fromkeys(variants_ema + variants_augment):
        suffixes = [""] + (["_ema"] if variant in variants_ema else []) \
            + (["_frac10", "_frac10_diffaug", "_diffaug"] if variant in variants_augment
               else [])
        wanted += [(variant + suffix, variant, RECIPES[suffix]) for suffix in suffixes]
    return wanted


def main(argv):
    del argv
    quick = FLAGS.quick.value
    seeds, steps, samples = ((1, 50, 500) if quick else
                             (FLAGS.seeds.value, FLAGS.steps.value, _NUM_SAMPLES.value))
    chosen = FLAGS.variants.value
    ema = tuple(v for v in EMA_VARIANTS if not chosen or v in chosen)
    augmented = tuple(v for v in AUGMENT_VARIANTS if not chosen or v in chosen)
    if quick:
        ema, augmented = ("sngan",), ("sngan",)
    common = (("networks.width", _WIDTH.value), ("eval.every", 0)) \
        + FLAGS.train_overrides(steps, every=1000)
    if quick:   # the average starts within the 50 steps
        common += (("train.ema_start", 10),)
    table_rows = rows(ema, augmented)
    jobs = [runner.Job(variant, "fashion_mnist", seed, overrides + common, label=label)
            for label, variant, overrides in table_rows for seed in range(seeds)]
    labels = [label for label, _, _ in table_rows]
    print(f"{len(jobs)} runs of {steps} steps, {FLAGS.parallel.value} at a time; workdirs in "
          f"{FLAGS.root_dir}")
    results = FLAGS.run(jobs, eval_flags=[f"--num_samples={samples}"])
    markdown, _ = runner.table(results, labels, {"fashion_mnist": COLUMNS})
    caption = (f"{steps} generator updates; batch 64, networks of width {_WIDTH.value}, "
               f"{runner.seeds_text(seeds)}; {samples} samples against the test split on the "
               "domain classifier. `_ema`: G's average (decay 0.999 from step 1,000, standing "
               "batch-norm statistics), evaluated in place of G; `_frac10`: 6,000 training images "
               f"(data.fraction 0.1, drawn with the run's seed); `_diffaug`: DiffAugment "
               f"{POLICY} on every input of D. Each run's wall time is in the JSON; on "
               f"{runner.cpu_description()}.")
    text = f"{caption}\n\n{markdown}\n"
    runner.write_outputs(FLAGS.out_dir, "recipes", results, text)
    pictures = runner.collect_pictures(labels, ["fashion_mnist"], FLAGS.root_dir,
                                       FLAGS.out_dir, "recipes")
    print("\n" + text)
    print(f"table: {os.path.join(FLAGS.out_dir, 'recipes.md')}; pictures: {pictures}")


if __name__ == "__main__":
    app.run(main)
