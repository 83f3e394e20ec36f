"""Localized GAN (Qi et al. 2018, arXiv 1711.06020): a local generator G(x, z) around each
data point x, G(x, z) = Dec(Enc(x) + z) (`networks.local_generator`).

Objectives (Section 3 and the co-author's code), z ~ N(0, sigma^2 I_N):
    D:  NS-GAN on x against G(x, z):  -E log sigma(D(x)) - E log(1 - sigma(D(G(x, z)))),
    G:  -E log sigma(D(G(x, z))) + theta (-E log sigma(D(G(x, 0))))
        + E_x[mu ||G(x, 0) - x||^2 + eta ||J_x^T J_x - I_N||_F^2],   J_x = dG(x, z)/dz at z=0,
the locality term keeping G(x, 0) at x and the orthonormality term making the local
coordinates z orthonormal on the manifold. J_x is exact, by forward-mode derivatives
(`local_jacobian`), along all N axes or along `jacobian_axes` random ones (the co-author's
code used central differences along 8 random directions). The generator step takes its x from a
slice of real data (`generator_needs_real`); D's step uses its own real slice as x.

Sampling without an input (the `serving_default` z -> images signature, eval.py, the sample
grids). The model keeps `anchors`, the `anchor_count` most recent real examples the
generator saw (a FIFO refreshed at every generator step; checkpointed and exported). z ~
N(0, I_N) picks an anchor and a displacement: u = Phi(z_0) in (0, 1), anchor index
floor(u n), and z'_0 = Phi^-1(u n - floor(u n)), which is again N(0, 1) and independent of the
index, so  generate(z) = G(anchor, sigma z')  samples the model's distribution
E_x G(x, z), z ~ N(0, sigma^2), over the stored data. The `local` signature takes (x, z) and
returns G(x, z) as is (z in the scale of the training draws, N(0, sigma^2)).
"""
import keras
import numpy as np
import tensorflow as tf

from tfgan_variants import losses, networks, visualize
from tfgan_variants.errors import ConfigError
from tfgan_variants.models.base import GAN
from tfgan_variants.networks import local_generator
from tfgan_variants.replicas import global_batch


def local_jacobian(generator, x, latent_dim, axes=None, training=False):
    """(G(x, 0), J) with J [batch, data entries, k] = dG(x, z)/dz at z = 0 along the latent
    axes `axes` (k indices; all latent_dim axes by default), each row's own derivative with
    any batch statistics (BatchNorm in training mode) held fixed. Differentiable (for the
    penalty).

    One forward-mode pass (`tf.autodiff.ForwardAccumulator`) over 2k copies of the batch:
    the copies for axis a carry the tangents +e_a and -e_a. Their primals are equal, so the
    batch statistics are those of x alone and G(x, 0) is unchanged; their tangents cancel in
    the batch mean and variance, so no derivative flows through the statistics. (One copy
    per axis would not do: its tangent is the same on every row, and BatchNorm subtracts it
    as part of the batch mean, which made J exactly 0 for the DCGAN local generator.)"""
    axes = tf.range(latent_dim) if axes is None else tf.convert_to_tensor(axes, tf.int32)
    count, batch = axes.shape[0] or tf.shape(axes)[0], tf.shape(x)[0]
    directions = tf.one_hot(axes, latent_dim)
    copies = tf.tile(x, tf.concat([[2 * count], tf.ones([x.shape.rank - 1], tf.int32)], 0))
    z = tf.zeros([2 * count * batch, latent_dim])
    tangent = tf.repeat(tf.concat([directions, -directions], 0), batch, axis=0)
    with tf.autodiff.ForwardAccumulator(z, tangent) as accumulator:
        out = generator([copies, z], training=training)
    plus, minus = tf.split(tf.reshape(accumulator.jvp(out), [2, count, batch, -1]), 2)
    columns = 0.5 * (plus[0] - minus[0])
    return out[:batch], tf.transpose(columns, [1, 2, 0])


class AnchorBuffer(keras.layers.Layer):
    """The `count` most recent real examples (FIFO), a non-trainable weight. Assigned with the
    global batch on every replica, aggregation ONLY_FIRST_REPLICA keeps the copies equal."""

    def __init__(self, count, data_shape, **kwargs):
        super().__init__(**kwargs)
        self.anchors = self.add_weight(shape=(int(count), *data_shape), initializer="zeros",
                                       trainable=False, name="anchors",
                                       aggregation="only_first_replica")
        self.built = True

    def push(self, batch):
        batch = tf.cast(batch, self.anchors.dtype)
        kept = tf.concat([batch, self.anchors.value], axis=0)[:self.anchors.shape[0]]
        self.anchors.assign(kept)


class LocalizedGAN(GAN):
    """Localized GAN (see module doc).

    Args:
        generator: a local generator, `keras.Model` [x, z] -> samples.
        latent_dim: N, the local coordinates' dimension.
        sigma: std of z (3 in the co-author's code). theta: weight of the GAN loss on
        G(x, 0) (0.1). locality_weight: mu. orthonormality_weight: eta (0.01).
        anchor_count: real examples kept for `generate`.
        jacobian_axes: k, how many latent axes (drawn anew at every generator step) J_x is
        taken along, the orthonormality penalty being the unbiased estimate from those
        (`losses.orthonormality_penalty`); None: all N, the exact penalty. The co-author's
        code used 8 random directions.
    """

    metric_names = GAN.metric_names + ("locality", "orthonormality")
    generator_needs_real = True
    #: XLA compiles the step (a batched forward-mode Jacobian) in seconds but runs it 14
    #: times slower on a 2-core CPU: 21.7 s per generator step against 1.5 s without.
    xla_speeds_up = False

    def __init__(self, generator, discriminator, latent_dim, *, sigma=3.0, theta=0.1,
                 locality_weight=1.0, orthonormality_weight=0.01, anchor_count=256,
                 jacobian_axes=None, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        if self.generator_batch_multiplier != 1:
            raise ConfigError("localized_gan's generator moves real examples: "
                             "generator_batch_multiplier must be 1")
        self.sigma = float(sigma)
        self.theta = float(theta)
        self.locality_weight = float(locality_weight)
        self.orthonormality_weight = float(orthonormality_weight)
        if jacobian_axes is not None and not min(2, latent_dim) <= jacobian_axes <= latent_dim:
            raise ConfigError(f"jacobian_axes must be between 2 (the fewest that sample J^T J's "
                             f"off-diagonal) and latent_dim = {latent_dim}, got {jacobian_axes}")
        self.jacobian_axes = None if jacobian_axes is None else int(jacobian_axes)
        self.data_shape = tuple(generator.inputs[0].shape[1:])
        self.anchor_buffer = AnchorBuffer(anchor_count, self.data_shape, name="anchor_buffer")

    @classmethod
    def build_networks(cls, config, data_shape, latent_dim):
        _, discriminator = networks.build(config, data_shape, latent_dim)
        return {"generator": local_generator.build(config, data_shape, latent_dim),
                "discriminator": discriminator}

    @property
    def anchors(self):
        return self.anchor_buffer.anchors

    # ----------------------------------------------------------------- sampling
    def local(self, x, z, training=False):
        """G(x, z)."""
        return self.generator([tf.cast(x, tf.float32), tf.cast(z, tf.float32)],
                              training=training)

    def anchors_and_displacements(self, z):
        """(anchor rows, z' ~ N(0, I)) from z ~ N(0, I) (module doc)."""
        z = tf.convert_to_tensor(z, tf.float32)
        count = self.anchors.shape[0]
        scaled = 0.5 * tf.math.erfc(-z[:, 0] / np.sqrt(2.0)) * count  # Phi(z_0) n
        index = tf.clip_by_value(tf.floor(scaled), 0, count - 1)
        fraction = tf.clip_by_value(scaled - index, 1e-6, 1 - 1e-6)
        first = (np.sqrt(2.0) * tf.math.erfinv(2.0 * fraction - 1.0))[:, None]  # Phi^-1
        anchors = tf.gather(self.anchors, tf.cast(index, tf.int32))
        return anchors, tf.concat([first, z[:, 1:]], axis=-1)

    def generate(self, z, training=False):
        anchors, displacement = self.anchors_and_displacements(z)
        return self.local(anchors, self.sigma * displacement, training=training)

    # ----------------------------------------------------------------- the step
    def fake_samples(self, context):
        """G(x, sigma z) around the update's real slice x."""
        return self.local(context.real, self.sigma * context.z, training=True)

    def discriminator_loss(self, real_output, fake_output):
        return losses.minimax_discriminator_loss(real_output, fake_output)

    def generator_objective(self, context):
        """(loss, logs) of G (module doc): G(x, z) and, along `jacobian_axes` random axes,
        G(x, 0) and J_x."""
        real, fake = context.real, context.fake
        axes = self.jacobian_axis_draw()
        reconstruction, jacobian = local_jacobian(self.generator, real, self.latent_dim, axes,
                                                  training=True)
        return self.local_objective(fake, real, reconstruction, jacobian)

    def local_objective(self, fake, real, reconstruction, jacobian):
        """(loss, logs) of G for G(x, z), x, G(x, 0) and J_x (module doc)."""
        gan = losses.non_saturating_generator_loss(self.discriminate(fake))
        if self.theta:
            gan += self.theta * losses.non_saturating_generator_loss(
                self.discriminate(reconstruction))
        prior, logs = self.local_prior(real, reconstruction, jacobian)
        return gan + prior, {"g_loss": gan, **logs}

    def local_prior(self, real, reconstruction, jacobian):
        """(mu ||G(x, 0) - x||^2 + eta ||J_x^T J_x - I_N||_F^2, its two terms to log)."""
        locality = losses.locality_loss(real, reconstruction)
        orthonormality = losses.orthonormality_penalty(jacobian, self.latent_dim)
        prior = self.locality_weight * locality + self.orthonormality_weight * orthonormality
        return prior, {"locality": locality, "orthonormality": orthonormality}

    def after_generator_update(self, context, logs):
        self.anchor_buffer.push(global_batch(context.real))

    def jacobian_axis_draw(self):
        """`jacobian_axes` distinct latent axes, uniformly at random (None: all of them)."""
        if self.jacobian_axes is None or self.jacobian_axes == self.latent_dim:
            return None
        order = tf.argsort(self.shared_uniform([self.latent_dim]))
        return order[:self.jacobian_axes]

    # ----------------------------------------------------------------- export and pictures
    @property
    def exported_networks(self):
        return [self.generator, self.anchor_buffer]

    def serving_endpoints(self):
        endpoints = super().serving_endpoints()

        def serve_local(x, z):
            return {"images": tf.cast(self.local(x, z), tf.float32)}

        endpoints["local"] = (serve_local, [
            tf.TensorSpec([None, *self.data_shape], tf.float32, name="x"),
            tf.TensorSpec([None, self.latent_dim], tf.float32, name="z")])
        return endpoints

    def pictures(self, real, is_2d):
        """'local_edits': G(x, t sigma e_j), t from -2 to 2, for inputs x of `real`. Images:
        a row per (x, axis j) for 4 inputs and the first 4 axes: x, then the sweep. 2-D: the
        sweeps of 64 inputs along every axis as points (the inputs' local charts)."""
        real = tf.convert_to_tensor(real, tf.float32)
        steps = 9 if not is_2d else 17
        sweep = tf.linspace(-2.0, 2.0, steps) * self.sigma
        inputs = real[:4] if not is_2d else real[:64]
        axes = min(self.latent_dim, 4) if not is_2d else self.latent_dim
        rows = []
        for i in range(inputs.shape[0]):
            for j in range(axes):
                z = sweep[:, None] * tf.one_hot(j, self.latent_dim)[None, :]
                x = tf.repeat(inputs[i:i + 1], steps, axis=0)
                edits = self.local(x, z).numpy()
                rows.append(edits if is_2d else np.concatenate([inputs[i:i + 1].numpy(),
                                                                edits]))
        if is_2d:
            points = np.concatenate(rows)
            return {"local_edits": visualize.scatter_plot(
                points, title="Localized GAN: G(x, t sigma e_j), t in [-2, 2]")}
        return {"local_edits": visualize.image_grid(np.concatenate(rows), columns=steps + 1)}
