"""Kernel two-sample critics: MMD GAN and Cramér GAN.

Both compare real and generated samples through a learned feature map (the discriminator)
and a kernel distance between the two sets of features: MMD GAN a biased MMD^2 with Gaussian
kernels, Cramér GAN the energy distance, itself an MMD with a distance-induced kernel. Both
generators are trained against a batch of real data (`generator_needs_real`), as in the
papers' algorithms.

Distribution: MMD_b^2 over a batch is not a mean of per-example terms, so a replica that saw
only its slice would estimate a different quantity. MMD GAN therefore evaluates it on the
codes of the global batch, gathered from every replica (`global_batch`); the engine's
1/num_replicas scaling then makes the summed gradients those of one replica. Cramér GAN's
losses are means of per-example terms (row i of the real batch against row i of each fake
batch), so the engine's scaling alone is exact.
"""
import tensorflow as tf

from tfgan_variants import losses, networks, penalties
from tfgan_variants.errors import ConfigError
from tfgan_variants.models.base import GAN
from tfgan_variants.models.warmup import CriticWarmup
from tfgan_variants.replicas import global_batch


class MMDGAN(CriticWarmup):
    """MMD GAN (Li et al. 2017, arXiv 1705.08584, Algorithm 1), as in the authors' code
    (mmd_gan.py), which adds the paper's autoencoder and feasible-set terms.

    The critic is an encoder f (the discriminator; its output is the code) and a decoder
    back to data space. With M = sqrt(relu(MMD_b^2(f(x), f(G(z))))) under the mixture of
    Gaussian kernels of widths `sigmas`, and the one-sided term
    R = -mean_k relu(-(E f(x) - E f(G(z)))_k) (the feasible-set reduction),
        the critic maximises M + lambda_rg R - lambda_AE (AE(x) + AE(G(z))),
        the generator minimises M + lambda_rg R,
    where AE(y) is the mean squared error of decoder(f(y)) against y. The encoder's weights
    are clipped to [-clip, clip] after every critic update; the decoder's are not.
    `critic_warmup=True` runs the authors' schedule of 100 critic updates before each of the
    first 25 generator updates and before every 500th (`models.warmup`).

    Args:
        decoder: a `keras.Model` from codes (the discriminator's output) to samples.
        sigmas: Gaussian kernel widths. autoencoder_weight: lambda_AE. rank_weight: lambda_rg.
        clip: bound of the encoder's weights. n_critic: critic updates per generator update.
    """

    metric_names = GAN.metric_names + ("reconstruction_error",)
    generator_needs_real = True

    def __init__(self, generator, discriminator, latent_dim, *, decoder,
                 sigmas=(1.0, 2.0, 4.0, 8.0, 16.0), autoencoder_weight=8.0, rank_weight=16.0,
                 clip=0.01, n_critic=5, **kwargs):
        super().__init__(generator, discriminator, latent_dim, n_critic=n_critic, **kwargs)
        self.decoder = decoder
        self.sigmas = tuple(float(s) for s in sigmas)
        self.autoencoder_weight = float(autoencoder_weight)
        self.rank_weight = float(rank_weight)
        self.clip = float(clip)

    @classmethod
    def build_networks(cls, config, data_shape, latent_dim):
        built = super().build_networks(config, data_shape, latent_dim)
        built["decoder"] = networks.decoder(config, data_shape, config.d_out)
        return built

    @property
    def critic_variables(self):
        return super().critic_variables + self.decoder.trainable_variables

    def discriminator_objective(self, context):
        # The decoder reconstructs what the critic read: T(x) under augmentation.
        real, fake = (self.augment(x) for x in context.discriminator_inputs())
        real_codes = self.discriminator(real, training=True)
        fake_codes = self.discriminator(fake, training=True)
        error = (losses.reconstruction_error(real, self.decoder(real_codes, training=True))
                 + losses.reconstruction_error(fake, self.decoder(fake_codes, training=True)))
        loss = losses.mmd_gan_critic_loss(global_batch(real_codes), global_batch(fake_codes),
                                          error, self.sigmas, self.rank_weight,
                                          self.autoencoder_weight)
        return loss, {"d_loss": loss, "reconstruction_error": error}

    def after_critic_update(self, context, logs):
        for variable in self.discriminator.trainable_variables:
            variable.assign(tf.clip_by_value(variable, -self.clip, self.clip))

    def generator_objective(self, context):
        fake = context.fake
        real_codes = global_batch(self.discriminate(context.real))
        fake_codes = global_batch(self.discriminate(fake))
        loss = losses.mmd_gan_generator_loss(real_codes, fake_codes, self.sigmas, self.rank_weight)
        return loss, {"g_loss": loss}


class CramerGAN(GAN):
    """Cramér GAN (Bellemare et al. 2017, arXiv 1705.10743, Algorithm 1).

    h is the discriminator (a 256-d output in the paper). With a second, independent
    generated batch x'_g, the critic is f(x) = ‖h(x) - h(x'_g)‖ - ‖h(x)‖ and
        L_critic = -(E f(x_r) - E f(x_g)) + lambda E[(‖grad f(x_hat)‖ - 1)^2],
    x_hat = eps x_r + (1 - eps) x_g, eps ~ U[0, 1] per example; the generator, on a fresh real
    batch and two fresh generated ones, minimises
        L_G = E‖h(x_r) - h(x_g)‖ + E‖h(x_r) - h(x'_g)‖ - E‖h(x_g) - h(x'_g)‖,
    the energy distance up to a term constant in G. Defaults: lambda 10, n_critic 5.
    """

    metric_names = GAN.metric_names + ("gradient_penalty",)
    generator_needs_real = True

    def __init__(self, *args, gp_weight=10.0, n_critic=5, **kwargs):
        super().__init__(*args, n_critic=n_critic, **kwargs)
        if self.generator_batch_multiplier != 1:
            raise ConfigError("cramer_gan pairs every real example with generated ones: "
                             "generator_batch_multiplier must be 1")
        self.gp_weight = float(gp_weight)

    def _features(self, samples):
        return self.discriminate(samples)

    def _second_fake_features(self, like):
        """h(x'_g) for a fresh batch x'_g of the size of `like`."""
        return self._features(self.generator(self.sample_latent(tf.shape(like)[0]),
                                             training=True))

    def discriminator_objective(self, context):
        real, fake = context.discriminator_inputs()
        h_fake2 = self._second_fake_features(fake)
        loss = losses.cramer_critic_loss(self._features(real), self._features(fake), h_fake2)
        points = penalties.interpolate(real, fake, self.random_uniform([tf.shape(real)[0]]))

        def critic(x, training=True):
            return losses.cramer_critic(self.discriminate(x, training=training), h_fake2)

        penalty = penalties.gradient_penalty(critic, points)
        return loss + self.gp_weight * penalty, {"d_loss": loss, "gradient_penalty": penalty}

    def generator_objective(self, context):
        fake = context.fake
        loss = losses.cramer_generator_loss(self._features(context.real), self._features(fake),
                                            self._second_fake_features(fake))
        return loss, {"g_loss": loss}
