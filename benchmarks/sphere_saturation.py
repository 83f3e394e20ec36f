"""Where a trained Sphere GAN's generator gradient goes on a 2-D mixture.

Per generated sample x = G(z): the norm of grad_x of the generator's objective
-sum_r d^r / s^r, d = d_s(N, P(p)) = 2 atan(1 / |p|), p = D(x) (Park & Kwon 2019, Eq. 8; s the
moment weighting's scale, 1 unweighted), grouped by the sample's distance to the nearest
centre, next to its two factors: the objective's slope in |p|,
|dL/d|p|| = (sum_r r d^(r-1) / s^r) * 2 / (1 + |p|^2), and the critic's |grad_x |p||.
A slope that falls with the distance, where the critic's gradient does not, means the
objective saturates: D has pushed the far samples to large |p|, where d flattens.

    python benchmarks/sphere_saturation.py --workdir=runs/benchmarks/modes/grid25/sphere_gan/seed0

Reads the workdir's config and newest checkpoint (never writes to it; a corrupt checkpoint is
a one-line error, as in training); prints a markdown table of medians per distance band and
the imbalance: the median gradient of samples on a mode over that of samples 0.6 or more
away from every mode.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from absl import app, flags  # noqa: E402

FLAGS = flags.FLAGS

def restore(workdir):
    """The Sphere GAN model of `workdir` with its newest checkpoint's weights."""
    import tensorflow as tf
    from tfgan_variants import VARIANTS, build, checkpoints, data, evaluation
    from tfgan_variants.errors import UserError
    from tfgan_variants.models.ipm import SphereGAN
    config = evaluation.load_run_config(workdir)
    if (not issubclass(VARIANTS.get(config.variant, object), SphereGAN)
            or config.data.name not in ("ring8", "grid25")):
        raise UserError(f"{workdir} is {config.variant} on {config.data.name}; this needs "
                        "a Sphere GAN on ring8 or grid25")
    model = build.build_model(config, data.describe(config.data.name).shape)
    checkpoint = tf.train.Checkpoint(generator=model.generator,
                                     discriminator=model.discriminator)
    directory = os.path.join(workdir, "checkpoints")
    path = os.path.isdir(directory) and checkpoints.restore_latest(
        tf.train.CheckpointManager(checkpoint, directory, max_to_keep=None), checkpoint)
    if not path:
        raise UserError(f"{workdir} holds no checkpoint")
    return model, config, path


def sample_gradients(model, samples):
    """Per sample: |grad_x L_G|, d, |p|, |dL/d|p|| and |grad_x |p||. L_G depends on x only
    through |p|, so the first is the product of the last two."""
    import numpy as np
    import tensorflow as tf
    from tfgan_variants import layers, losses
    x = tf.convert_to_tensor(samples, tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        p = tf.cast(model.discriminator(x, training=False), tf.float32)
        norm = tf.norm(p, axis=-1)
        # The model's own L_G is a batch mean; samples are independent, so the gradient of
        # its sum over the batch holds each sample's own gradient.
        objective_total = model.generator_loss(p) * tf.cast(tf.shape(x)[0], tf.float32)
        norm_total = tf.reduce_sum(norm)
    d = layers.north_pole_distance(p)
    gradient = np.linalg.norm(tape.gradient(objective_total, x).numpy(), axis=1)
    critic = np.linalg.norm(tape.gradient(norm_total, x).numpy(), axis=1)
    d, norm = d.numpy(), norm.numpy()
    scale = losses.SPHERE_MOMENT_WEIGHTINGS[model.moment_weighting]
    slope = (sum(r * d ** (r - 1) / scale ** r for r in range(1, model.moments + 1))
             * 2 / (1 + norm ** 2))
    return gradient, d, norm, slope, critic


def measure(model, samples, centers):
    """(`sample_gradients` of `samples`, each sample's distance to the nearest centre): what
    `gradient_profile` and `imbalance` group, computed once."""
    import numpy as np
    distance = np.min(np.linalg.norm(samples[:, None] - centers[None], axis=-1), axis=1)
    return sample_gradients(model, samples), distance


def gradient_profile(measured, bands):
    """Rows (band, count, medians of the `sample_gradients`) for the samples whose distance
    to the nearest centre falls in each band; `measured` from `measure`."""
    import numpy as np
    values, distance = measured
    edges = list(bands) + [np.inf]
    rows = []
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (distance >= low) & (distance < high)
        if inside.any():
            rows.append(((low, high), int(inside.sum()),
                         *(float(np.median(v[inside])) for v in values)))
    return rows


#: The bands of `imbalance`: on a mode (a grid25 high-quality sample is within 3 std = 0.15 of
#: its centre) and well between modes.
ON_MODE, OFF_MODE = (0.0, 0.15), (0.6, float("inf"))


def imbalance(measured):
    """(median |grad_x L_G| of samples on a mode, of samples 0.6 or more from every mode,
    their ratio); None for a band without samples. `measured` from `measure`."""
    rows = {band: medians[0] for band, _, *medians in
            gradient_profile(measured, [ON_MODE[0], ON_MODE[1], OFF_MODE[0]])}
    on, off = rows.get(ON_MODE), rows.get(OFF_MODE)
    return on, off, (on / off if on is not None and off else None)


def generated(model, count=5000):
    """`count` samples of G from a fixed latent batch (the same for every run)."""
    import tensorflow as tf
    z = tf.random.stateless_normal([count, model.latent_dim], seed=[0, 0])
    return model.generator(z, training=False).numpy()


def figures(workdir, count=5000):
    """{on, off, imbalance} (`imbalance`) of the run in `workdir`, on `count` samples."""
    from tfgan_variants import data
    model, config, _ = restore(workdir)
    on, off, ratio = imbalance(measure(model, generated(model, count),
                                       data.mixture_centers(config.data.name)))
    return {"on": on, "off": off, "imbalance": ratio}


def table(rows):
    lines = ["| distance to nearest centre | samples | grad_x L_G | d | p | dL/d p | grad_x p |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for (low, high), count, *medians in rows:
        band = f"[{low:g}, {high:g})" if high != float("inf") else f">= {low:g}"
        lines.append(f"| {band} | {count} | " + " | ".join(f"{m:.3g}" for m in medians) + " |")
    return "\n".join(lines)


def define_flags():
    """The command line's flags, defined only when this file is the program (the Sphere GAN
    benchmarks import its functions next to flags of their own)."""
    flags.DEFINE_string("workdir", None, "A Sphere GAN run (sphere_gan or sphere_gan_stable) "
                        "on ring8 or grid25.", required=True)
    flags.DEFINE_integer("num_samples", 5000, "Generated samples.", lower_bound=1)
    flags.DEFINE_list("bands", ["0", "0.15", "0.3", "0.6", "1", "2"],
                      "Edges of the distance bands (the last band is open).")


def main(argv):
    del argv
    from tfgan_variants import data
    from tfgan_variants.errors import UserError
    try:
        bands = sorted(float(edge) for edge in FLAGS.bands)
    except ValueError:
        sys.exit(f"error: --bands must be numbers, got {FLAGS.bands}")
    try:
        model, config, path = restore(FLAGS.workdir)
    except UserError as e:
        sys.exit(f"error: {e}")
    samples = generated(model, FLAGS.num_samples)
    measured = measure(model, samples, data.mixture_centers(config.data.name))
    print(f"{config.variant} on {config.data.name}, {path}, {len(samples)} samples; medians:")
    print(table(gradient_profile(measured, bands)))
    on, off, ratio = imbalance(measured)
    print(f"\nimbalance: {_text(on)} on a mode / {_text(off)} 0.6 or more away = {_text(ratio)}")


def _text(value):
    return "n/a (no samples)" if value is None else f"{value:.3g}"


if __name__ == "__main__":
    define_flags()
    app.run(main)
