"""Do a trained local generator's tangents keep the class of x?

Localized GAN's regulariser makes the classifier flat along the tangents J_x e_j of the local
generator G(x, z) at each real x. That helps only if moving along them keeps the class; along
directions that change it, it flattens the very boundary the classifier needs. This measures,
on test images x of the exported run, how fast a classifier's log-probabilities change along
the tangents against random directions of the same lengths:

    ratio(v) = E sum_k (d log p(k | x) / dt along v_j)^2
               / E sum_k (d log p(k | x) / dt along r_j)^2,   |r_j| = |v_j| = |J_x e_j|,

r_j white noise, for v_j the tangents J_x e_j and, as yardsticks, the directions from x to
another test image of the same class and of another class (scaled to the same lengths). It
is read for two classifiers: the package's Fashion-MNIST domain classifier (90.6 % test
accuracy, a stand-in for "the class"), and the run's own `classify` signature. Tangents that
keep the class sit near the same-class ratio; tangents that point across classes, near the
other-class one.
Every derivative is a central finite difference of the SavedModel's `local` and `classify`
signatures (step `h` in z and in t), so the script needs nothing but the export.

    python benchmarks/semi_supervised_tangents.py --workdir=<a finished localized_gan run>
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from absl import app, flags  # noqa: E402

FLAGS = flags.FLAGS
flags.DEFINE_multi_string("workdir", None, "finished semi-supervised localized_gan runs")
flags.DEFINE_integer("count", 200, "test images")
flags.DEFINE_integer("axes", 16, "latent axes per image (the first ones)")
flags.DEFINE_float("h", 0.05, "finite-difference step in z and along each direction")


def directional_log_probabilities(log_probabilities, x, directions, h):
    """d log p(. | x) / dt along each direction [axes, batch, ...] by central differences:
    [axes, batch, classes]."""
    import tensorflow as tf
    out = []
    for direction in directions:
        out.append((log_probabilities(x + h * direction)
                    - log_probabilities(x - h * direction)) / (2 * h))
    return tf.stack(out)


def partner_directions(images, labels, lengths, same, seed):
    """For each axis and image, the direction to another test image of the same class (or of
    another class) drawn with `seed`, scaled to `lengths` [axes, batch]."""
    import numpy as np
    rng = np.random.default_rng(seed)
    flat = images.reshape(len(images), -1)
    out = np.empty((lengths.shape[0], *images.shape), np.float32)
    for i, label in enumerate(labels):
        pool = np.flatnonzero((labels == label) == same)
        pool = pool[pool != i]
        for a, j in enumerate(rng.choice(pool, lengths.shape[0])):
            step = flat[j] - flat[i]
            out[a, i] = (step * lengths[a, i] / np.linalg.norm(step)).reshape(images.shape[1:])
    return out


def tangent_ratios(saved_model, images, labels, axes, h, reference, seed=0):
    """(mean tangent length, {classifier: (same-class, tangent, other-class) ratios}) for
    the `reference` classifier ('domain') and the run's own ('run')."""
    import numpy as np
    import tensorflow as tf
    from tfgan_variants import export
    from tfgan_variants.errors import UserError
    loaded = export.load(saved_model)
    if "local" not in loaded.signatures:
        raise UserError(f"{saved_model} has no 'local' signature: not a Localized GAN export")
    local = loaded.signatures["local"]
    latent_dim = local.structured_input_signature[1]["z"].shape[-1]
    own = export.load_classifier(saved_model, loaded)
    x = tf.convert_to_tensor(images, tf.float32)
    eye = tf.eye(latent_dim)[:axes]
    tangents = tf.stack([
        (local(x=x, z=tf.tile(h * e[None], [len(images), 1]))["images"]
         - local(x=x, z=tf.tile(-h * e[None], [len(images), 1]))["images"]) / (2 * h)
        for e in eye])                                          # [axes, batch, 28, 28, 1]
    lengths = tf.norm(tf.reshape(tangents, [axes, len(images), -1]), axis=-1)
    noise = tf.random.stateless_normal(tangents.shape, [seed, 7])
    noise_lengths = tf.norm(tf.reshape(noise, [axes, len(images), -1]), axis=-1)
    scale = tf.reshape(lengths / noise_lengths, [axes, len(images), 1, 1, 1])
    random = noise * scale

    yardsticks = [partner_directions(np.asarray(images), np.asarray(labels),
                                     lengths.numpy(), same, seed) for same in (True, False)]

    def ratios(log_probabilities):
        def energy(directions):
            change = directional_log_probabilities(log_probabilities, x, directions, h)
            return float(tf.reduce_mean(tf.reduce_sum(tf.square(change), -1)))
        baseline = energy(random)
        return tuple(energy(v) / baseline
                     for v in (yardsticks[0], tangents, yardsticks[1]))

    return float(np.mean(lengths)), {
        "domain": ratios(reference), "run": ratios(lambda v: tf.nn.log_softmax(own(v)))}


def main(argv):
    del argv
    import tensorflow as tf
    from tfgan_variants import evaluation, features, labelled
    from tfgan_variants.errors import UserError
    if not FLAGS.workdir:
        raise app.UsageError("give --workdir")
    try:
        images, labels = labelled.test_split("fashion_mnist")
        images, labels = images[:FLAGS.count], labels[:FLAGS.count]
        extractor = features.domain_classifier("fashion_mnist", verbose=0)
        reference = lambda v: tf.nn.log_softmax(extractor.model(v, training=False)[1])  # noqa: E731
        print("Change of log p along directions of the tangents' lengths, over white noise: "
              "same-class step / tangent / other-class step")
        print("| run | mean tangent length | domain classifier | run's classifier |")
        print("| --- | --- | --- | --- |")
        for workdir in FLAGS.workdir:
            config = evaluation.load_run_config(workdir)
            length, ratios = tangent_ratios(evaluation.exported_model(workdir), images,
                                            labels, FLAGS.axes, FLAGS.h, reference,
                                            seed=config.seed)
            cells = [" / ".join(f"{r:.2f}" for r in ratios[name]) for name in ("domain", "run")]
            print(f"| {os.path.basename(os.path.normpath(workdir))} | {length:.2f} | "
                  f"{cells[0]} | {cells[1]} |", flush=True)
    except UserError as e:
        sys.exit(f"error: {e}")


if __name__ == "__main__":
    app.run(main)
