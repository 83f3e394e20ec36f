"""InfoGAN (Chen et al. 2016, arXiv 1606.03657): a GAN whose generator G(z, c) takes latent
codes c besides the noise, and a head Q on the discriminator's body that recovers them.

Objective (Eq. 6): min_{G,Q} max_D V_I = V(D, G) - lambda L_I(G, Q), with the variational
bound L_I = E_{c ~ P(c), x ~ G(z, c)}[log Q(c | x)] + H(c) (Eq. 4-5) and the non-saturating
GAN losses of the paper's code. Here D (with Q, which shares its body and trains with it)
minimises  L_D^NS - lambda L_I  and G minimises  L_G^NS - lambda L_I;  Q(c_cat | x) is a
softmax, Q(c_cont | x) a factored Gaussian with fixed sigma 1 (Section 5), so -L_I is the
categorical cross-entropy plus the Gaussian NLL (`losses.infogan_information_bound`).

Latent layout. `sample_latent` draws z ~ N(0, I) of size latent_dim, the same distribution
eval.py and the sample grids use, read as three slots:
    z = [noise slot (noise_dim), categorical slot (categories), continuous slot (continuous)]
with noise_dim = latent_dim - categories - continuous. `codes(z)` maps it, exactly, to the
paper's prior: noise = erf(z_noise / sqrt 2) = 2 Phi(z) - 1 ~ U(-1, 1), the categorical index
= argmax of its slot ~ Cat(categories) uniform (the argmax of i.i.d. Gaussians), continuous
= erf(z_cont / sqrt 2) ~ U(-1, 1). The generator network takes the concatenation
[noise, one_hot(index), continuous] (also latent_dim values). So `serving_default` (z ->
images) samples the model for z ~ N(0, I), and the `codes` signature takes the codes by name:
`noise` [n, noise_dim] in [-1, 1], `categorical` [n] int32 index, `continuous` [n, c] in
[-1, 1].
"""
import numpy as np
import tensorflow as tf

from tfgan_variants import losses, visualize
from tfgan_variants.errors import ConfigError
from tfgan_variants.models.base import GAN
from tfgan_variants.networks import common, heads


class InfoGAN(GAN):
    """InfoGAN with NS-GAN losses and a categorical plus continuous codes (see module doc).

    Args:
        q_head: `networks.heads.q_head`: D's penultimate features -> (categorical logits,
            continuous means); its output sizes fix the number of categories and of
            continuous codes.
        information_weight: lambda (1 in the paper for discrete codes; Section 5).
    """

    metric_names = GAN.metric_names + ("information",)

    def __init__(self, generator, discriminator, latent_dim, *, q_head,
                 information_weight=1.0, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.q_head = q_head
        self.categories = int(q_head.outputs[0].shape[-1])
        self.continuous = int(q_head.outputs[1].shape[-1])
        self.noise_dim = self.latent_dim - self.categories - self.continuous
        if self.noise_dim < 1:
            raise ConfigError(f"latent_dim {latent_dim} leaves no noise beside "
                             f"{self.categories} categories and {self.continuous} "
                             "continuous codes")
        self.information_weight = float(information_weight)
        self.critic_with_features = common.with_features(discriminator)

    @classmethod
    def build_networks(cls, config, data_shape, latent_dim):
        built = super().build_networks(config, data_shape, latent_dim)
        built["q_head"] = heads.build_q_head(config, built["discriminator"])
        return built

    @property
    def critic_variables(self):
        return super().critic_variables + self.q_head.trainable_variables

    # ----------------------------------------------------------------- codes
    def codes(self, z):
        """(noise ~ U(-1, 1), categorical index ~ Cat(k), continuous ~ U(-1, 1)) from
        z ~ N(0, I) in the layout of the module docstring."""
        z = tf.convert_to_tensor(z, tf.float32)
        noise, categorical, continuous = tf.split(
            z, [self.noise_dim, self.categories, self.continuous], axis=-1)
        return (tf.math.erf(noise / np.sqrt(2.0)),
                tf.argmax(categorical, axis=-1, output_type=tf.int32),
                tf.math.erf(continuous / np.sqrt(2.0)))

    def generator_input(self, noise, categorical, continuous):
        """G's input [noise, one_hot(categorical), continuous]."""
        one_hot = tf.one_hot(tf.cast(categorical, tf.int32), self.categories)
        return tf.concat([tf.cast(noise, tf.float32), one_hot,
                          tf.cast(continuous, tf.float32)], axis=-1)

    def generate_from_codes(self, noise, categorical, continuous, training=False):
        return self.generator(self.generator_input(noise, categorical, continuous),
                              training=training)

    def generate(self, z, training=False):
        return self.generate_from_codes(*self.codes(z), training=training)

    def predict_codes(self, samples, training=False):
        """Q's (categorical logits, continuous means) for samples."""
        features, _ = self.critic_with_features(samples, training=training)
        return self.q_head(features, training=training)

    # ----------------------------------------------------------------- the step
    def _information(self, context, fake_features):
        """L_I for the update's generated batch: Q on its features against the codes of
        `context.z` that made it."""
        _, categorical, continuous = self.codes(context.z)
        logits, means = self.q_head(fake_features, training=True)
        return losses.infogan_information_bound(
            logits, tf.one_hot(categorical, self.categories), means, continuous)

    def discriminator_objective(self, context):
        real, fake = context.discriminator_inputs()
        real_logits = self.discriminate(real)
        features, fake_logits = self.critic_with_features(self.augment(fake), training=True)
        d_loss = losses.minimax_discriminator_loss(real_logits, fake_logits)
        information = self._information(context, features)
        return (d_loss - self.information_weight * information,
                {"d_loss": d_loss, "information": information})

    def generator_objective(self, context):
        features, fake_logits = self.critic_with_features(self.augment(context.fake),
                                                          training=True)
        g_loss = losses.non_saturating_generator_loss(fake_logits)
        information = self._information(context, features)
        return g_loss - self.information_weight * information, {"g_loss": g_loss}

    # ----------------------------------------------------------------- export and pictures
    def serving_endpoints(self):
        endpoints = super().serving_endpoints()

        def serve_codes(noise, categorical, continuous):
            images = self.generate_from_codes(noise, categorical, continuous)
            return {"images": tf.cast(images, tf.float32)}

        endpoints["codes"] = (serve_codes, [
            tf.TensorSpec([None, self.noise_dim], tf.float32, name="noise"),
            tf.TensorSpec([None], tf.int32, name="categorical"),
            tf.TensorSpec([None, self.continuous], tf.float32, name="continuous")])
        return endpoints

    def _traversal_codes(self, columns=10):
        """Codes of the pictures, all from one fixed noise draw: 'categorical': row i is
        category i, columns differ in noise (continuous codes 0); 'continuous_j': row i is
        category i, columns sweep code j from -1 to 1 (noise fixed, other codes 0)."""
        rows = self.categories
        noise = tf.math.erf(tf.random.stateless_normal(
            [columns, self.noise_dim], seed=[self.seed, 11]) / np.sqrt(2.0))
        category = tf.repeat(tf.range(rows), columns)
        grids = {"categorical": (tf.tile(noise, [rows, 1]), category,
                                 tf.zeros([rows * columns, self.continuous]))}
        sweep = tf.tile(tf.linspace(-1.0, 1.0, columns), [rows])
        for j in range(self.continuous):
            continuous = tf.one_hot(j, self.continuous)[None, :] * sweep[:, None]
            grids[f"continuous_{j}"] = (tf.tile(noise[:1], [rows * columns, 1]), category,
                                        continuous)
        return grids, columns

    def pictures(self, real, is_2d):
        grids, columns = self._traversal_codes(columns=64 if is_2d else 10)
        pictures = {}
        for name, (noise, category, continuous) in grids.items():
            samples = self.generate_from_codes(noise, category, continuous).numpy()
            if is_2d:
                if name == "categorical":  # every category over 64 noise draws
                    pictures[name] = visualize.scatter_plot(
                        samples, title="InfoGAN: colour = categorical code",
                        colors=category.numpy())
                else:  # category x sweep of one continuous code (-1 -> 1, dark -> light)
                    pictures[name] = visualize.scatter_plot(
                        samples, title=f"InfoGAN: colour = {name} (-1 to 1)",
                        colors=continuous.numpy().sum(-1))
            else:
                pictures[name] = visualize.image_grid(samples, columns=columns)
        return pictures
