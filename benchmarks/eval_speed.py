"""How long evaluating 10,000 Fashion-MNIST samples takes once the reference is cached.

    python benchmarks/eval_speed.py [--workdir=runs/sphere] [--num_samples=10000]

Generates samples from a run's exported generator (or, without --workdir, from the default
Sphere GAN generator at its initial weights: the cost does not depend on the weights),
then times each stage of `evaluation.Evaluator.score`: domain-classifier features, FID,
KID, Inception Score, precision / recall. The reference features are computed first (and
cached) so the timing is of a second evaluation, the common case.
"""
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from absl import app, flags  # noqa: E402

_WORKDIR = flags.DEFINE_string("workdir", None, "A finished Fashion-MNIST run (optional).")
_NUM_SAMPLES = flags.DEFINE_integer("num_samples", 10000, "Samples to evaluate.")


def _sampler():
    from tfgan_variants import config_base, export, networks
    if _WORKDIR.value:
        return export.load_generator(os.path.join(_WORKDIR.value, "saved_model"))
    config = config_base.load("sphere_gan", "fashion_mnist")
    generator, _ = networks.build(config.networks, (28, 28, 1), config.latent_dim)
    return (lambda z: generator(z, training=False)), config.latent_dim


def main(_):
    import numpy as np
    from tfgan_variants import evaluation, metrics
    evaluator = evaluation.Evaluator("fashion_mnist", _NUM_SAMPLES.value, verbose=1)
    evaluator.real_features()   # cached on disk after the first run
    sample, latent_dim = _sampler()
    timings = {}

    def timed(name, fn, *args):
        start = time.perf_counter()
        value = fn(*args)
        timings[name] = time.perf_counter() - start
        return value

    start = time.perf_counter()
    samples = timed("generate", evaluation.generate, sample, latent_dim, _NUM_SAMPLES.value)
    real = evaluator.real_features()
    fake = timed("features", evaluator.extractor, samples)
    timed("fid", metrics.frechet_distance, real.pool, fake.pool)
    timed("kid", metrics.kernel_distance, real.pool, fake.pool)
    timed("inception_score", metrics.inception_score, fake.logits)
    timed("precision_recall", metrics.precision_recall, real.pool, fake.pool)
    total = time.perf_counter() - start
    whole = timed("Evaluator.score (all, end to end)", evaluator.score, np.asarray(samples))
    print(f"\n{_NUM_SAMPLES.value} Fashion-MNIST samples, {evaluator.extractor.name}, "
          f"{os.cpu_count()} CPU cores")
    print("| stage | seconds |\n| --- | --- |")
    for name, seconds in timings.items():
        print(f"| {name} | {seconds:.2f} |")
    print(f"| total of the stages | {total:.2f} |")
    print(f"fid {whole['fid']:.2f}, inception_score {whole['inception_score']:.2f}")


if __name__ == "__main__":
    app.run(main)
