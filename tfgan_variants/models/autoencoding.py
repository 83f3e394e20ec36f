"""Autoencoding GANs: BiGAN / ALI and VAE-GAN, a generator plus an encoder E from data to
latent space.

Both share `AutoencodingGAN`: the encoder network (built by `networks.encoder.encoder` from
`config.networks`), trained by the generator's optimizer as both papers train G and E
together; `reconstruct(x) = G(E(x))` (the posterior mean for VAE-GAN); the reconstruction
error, the mean squared error of G(E(x)) against x over the generator step's real slice,
logged every step as `reconstruction_error` (for VAE-GAN, of the sampled x~ = G(z),
z ~ q(z|x), that its losses use); and the `reconstructions` picture of the fixed real batch
(an image grid of rows of x above rows of G(E(x)), or for 2-D data a scatter of x and
G(E(x)) joined by lines), titled with its mean squared error for 2-D data.

Both objectives are means of per-example terms, so the engine's 1/num_replicas scaling alone
makes one and N replicas take the same step. The encoder/generator update gets its own slice
of real data (`generator_needs_real`).
"""
import dataclasses
import io

import numpy as np
import tensorflow as tf
from PIL import Image

from tfgan_variants import losses, networks, visualize
from tfgan_variants.errors import ConfigError
from tfgan_variants.models.base import GAN
from tfgan_variants.networks import common
from tfgan_variants.networks import encoder as encoder_networks


class AutoencodingGAN(GAN):
    """A GAN with an encoder E trained by `g_optimizer` together with G.

    Subclasses set `encoder_outputs` (E's output width in units of latent_dim: 1 for a code,
    2 for (mu, log var)) and implement `encode` (a sample of E(x) for training) and
    `encode_mean` (the deterministic code used for reconstructions).
    """

    metric_names = GAN.metric_names + ("reconstruction_error",)
    generator_needs_real = True
    encoder_outputs = 1
    #: Examples of the fixed real batch shown in the reconstruction picture.
    picture_examples = 32

    def __init__(self, generator, discriminator, latent_dim, *, encoder, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        expected = self.encoder_outputs * self.latent_dim
        if encoder.output_shape[-1] != expected:
            raise ValueError(f"the encoder must output {expected} values, not "
                             f"{encoder.output_shape[-1]}")
        self.encoder = encoder

    @classmethod
    def build_networks(cls, config, data_shape, latent_dim):
        """G and D from `build_pair`, and the encoder to encoder_outputs * latent_dim values."""
        generator, discriminator = cls.build_pair(config, data_shape, latent_dim)
        return {"generator": generator, "discriminator": discriminator,
                "encoder": encoder_networks.encoder(config, data_shape,
                                                    cls.encoder_outputs * latent_dim)}

    @classmethod
    def build_pair(cls, config, data_shape, latent_dim):
        raise NotImplementedError

    @property
    def generator_variables(self):
        return self.generator.trainable_variables + self.encoder.trainable_variables

    def encode(self, x, training=True):
        raise NotImplementedError

    def encode_mean(self, x, training=False):
        raise NotImplementedError

    def reconstruct(self, x, training=False):
        """G(E(x)) with E's deterministic code."""
        return self.generator(self.encode_mean(x, training=training), training=training)

    def pictures(self, real, is_2d):
        real = np.asarray(real)[:self.picture_examples if not is_2d else None]
        reconstructions = self.reconstruct(tf.constant(real, tf.float32)).numpy()
        error = float(np.mean((reconstructions - real) ** 2))
        if is_2d:
            return {"reconstructions": reconstruction_scatter(real, reconstructions, error)}
        return {"reconstructions": reconstruction_grid(real, reconstructions)}


def reconstruction_grid(real, reconstructions, columns=8):
    """Rows of `columns` data images, each above the row of their reconstructions."""
    count = len(real) // columns * columns or len(real)
    columns = min(columns, count)
    rows = []
    for start in range(0, count, columns):
        rows += [real[start:start + columns], reconstructions[start:start + columns]]
    return visualize.image_grid(np.concatenate(rows), columns=columns)


def reconstruction_scatter(real, reconstructions, error, max_lines=256):
    """2-D data x (red) and G(E(x)) (blue), the first `max_lines` pairs joined by grey lines."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(4, 4), dpi=100)
    pairs = np.stack([real[:max_lines], reconstructions[:max_lines]], axis=1)
    for pair in pairs:
        axes.plot(pair[:, 0], pair[:, 1], color="0.7", linewidth=0.4)
    axes.scatter(real[:, 0], real[:, 1], s=2, alpha=0.5, color="tab:red", label="x")
    axes.scatter(reconstructions[:, 0], reconstructions[:, 1], s=2, alpha=0.5,
                 color="tab:blue", label="G(E(x))")
    span = float(np.abs(real).max()) * 1.3 + 0.5
    axes.set_xlim(-span, span)
    axes.set_ylim(-span, span)
    axes.set_aspect("equal")
    axes.legend(loc="upper right", fontsize=7, markerscale=4)
    axes.set_title(f"reconstructions, MSE {error:.4g}", fontsize=9)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return np.asarray(Image.open(buffer).convert("RGB"))


class BiGAN(AutoencodingGAN):
    """BiGAN (Donahue et al. 2016, arXiv 1605.09782, Eq. 3) / ALI (Dumoulin et al. 2016,
    arXiv 1606.00704, Eq. 1 and Algorithm 1), with BiGAN's deterministic encoder z = E(x).

    The discriminator D(x, z) scores joint pairs: with rho_q = sigma(D(x, E(x))) and
    rho_p = sigma(D(G(z), z)), z ~ N(0, I),
        D minimises L_D = -mean log rho_q - mean log(1 - rho_p),
        G and E together minimise L = -mean log(1 - rho_q) - mean log rho_p,
    ALI's Algorithm 1 (the non-saturating, label-swapped form of the minimax game V(D, E, G)).
    Adam 2e-4, beta1 0.5 (configs/bigan.py).
    """

    def __init__(self, generator, discriminator, latent_dim, *, encoder, **kwargs):
        super().__init__(generator, discriminator, latent_dim, encoder=encoder, **kwargs)
        common.use_mask_source(discriminator, self.random_uniform)

    @classmethod
    def build_pair(cls, config, data_shape, latent_dim):
        generator, _ = networks.build(config, data_shape, latent_dim)  # checks config
        return generator, encoder_networks.joint_discriminator(config, data_shape, latent_dim)

    def encode(self, x, training=True):
        return self.encoder(x, training=training)

    def encode_mean(self, x, training=False):
        return self.encoder(x, training=training)

    def _pair_logits(self, real, code, fake, z):
        """(D(T(x), E(x)), D(T(G(z)), z)), T the augmentation of the images."""
        return (self.discriminator([self.augment(real), code], training=True),
                self.discriminator([self.augment(fake), z], training=True))

    def discriminator_objective(self, context):
        real, fake = context.discriminator_inputs()
        code = self.encode(context.real)
        loss = losses.bigan_discriminator_loss(*self._pair_logits(real, code, fake, context.z))
        return loss, {"d_loss": loss}

    def generator_objective(self, context):
        real, fake = context.real, context.fake
        loss = losses.bigan_generator_encoder_loss(
            *self._pair_logits(real, self.encode(real), fake, context.z))
        # G(E(x)) with the weights before this update, in inference mode.
        error = losses.reconstruction_error(real, self.reconstruct(real))
        return loss, {"g_loss": loss, "reconstruction_error": error}


class VAEGAN(AutoencodingGAN):
    """VAE-GAN (Larsen et al. 2016, arXiv 1512.09300, Algorithm 1).

    E(x) = (mu, log var) of q(z|x); z = mu + exp(log var / 2) eps, eps ~ N(0, I) (the
    reparameterisation, drawn with the engine's stateless `random_normal`); the decoder is G;
    D returns (Dis_l(x), logit), Dis_l a hidden layer. With x~ = G(z), x_p = G(z_p),
    z_p ~ N(0, I):
        L_prior = KL(q(z|x) ‖ N(0, I))                                            (Eq. 3)
        L_llike = -log N(Dis_l(x) | Dis_l(x~), I) = 1/2 ‖Dis_l(x) - Dis_l(x~)‖^2    (Eq. 7)
        L_GAN = log D(x) + log(1 - D(x_p)) + log(1 - D(x~))                       (Eq. 9)
    and
        the encoder minimises L_prior + L_llike,
        the decoder minimises gamma L_llike - L'_GAN,
        D maximises L_GAN,
    where L'_GAN = log D(x_p) + log D(x~) is the non-saturating form of the decoder's side of
    L_GAN (`non_saturating=False`: the decoder minimises gamma L_llike + log(1 - D(x_p)) +
    log(1 - D(x~)) instead). The paper writes the decoder's update as -grad(gamma L_llike -
    L_GAN) with the same L_GAN that D maximises, which would make G help D; the minus sign
    holds for the label-swapped L'_GAN. GAN gradients do not reach the encoder: its gradient
    is that of L_prior + L_llike alone (x~ depends on E, but -L'_GAN is not in E's loss). D's
    update uses L_GAN only. RMSProp 3e-4 (the paper).

    Args:
        gamma: weight of L_llike in the decoder's loss.
        non_saturating: the decoder's GAN term (see above).
    """

    metric_names = AutoencodingGAN.metric_names + ("prior_loss", "llike_loss")
    encoder_outputs = 2

    def __init__(self, generator, discriminator, latent_dim, *, encoder, gamma=1.0,
                 non_saturating=True, **kwargs):
        super().__init__(generator, discriminator, latent_dim, encoder=encoder, **kwargs)
        if not isinstance(discriminator.output, (list, tuple)) or len(discriminator.output) != 2:
            raise ConfigError("vae_gan needs a discriminator returning (Dis_l(x), logit) "
                             "(networks.encoder.feature_discriminator)")
        self.gamma = float(gamma)
        self.non_saturating = bool(non_saturating)

    @classmethod
    def build_pair(cls, config, data_shape, latent_dim):
        return encoder_networks.feature_discriminator(config, data_shape, latent_dim)

    def posterior(self, x, training=True):
        """(mu, log var) of q(z|x)."""
        mean, log_variance = tf.split(self.encoder(x, training=training), 2, axis=-1)
        return mean, log_variance

    def sample_posterior(self, mean, log_variance):
        """z = mu + sigma eps, eps ~ N(0, I) from the engine's stateless stream."""
        eps = self.random_normal([tf.shape(mean)[0], self.latent_dim])
        return mean + tf.exp(0.5 * log_variance) * eps

    def encode(self, x, training=True):
        return self.sample_posterior(*self.posterior(x, training))

    def encode_mean(self, x, training=False):
        return self.posterior(x, training)[0]

    def _decode(self, z_prior, z_posterior):
        """(G(z_p), G(z)) from one call of G, so BatchNorm sees both as one batch."""
        both = self.generator(tf.concat([z_prior, z_posterior], 0), training=True)
        return both[:tf.shape(z_prior)[0]], both[tf.shape(z_prior)[0]:]

    def _logits(self, samples):
        """D's logits of T(samples)."""
        return self.discriminate(samples)[1]

    def discriminator_objective(self, context):
        z_prior = context.z
        prior_fake, reconstruction = self._decode(z_prior, self.encode(context.real))
        real, prior_fake, reconstruction = (
            context.noisy(x) for x in (context.real, prior_fake, reconstruction))
        loss = losses.vae_gan_discriminator_loss(
            self._logits(real), self._logits(prior_fake), self._logits(reconstruction))
        return loss, {"d_loss": loss}

    def generator_update(self):
        """One update of G and E by `g_optimizer`, each down the gradient of its own loss."""
        update = super().generator_update()
        return dataclasses.replace(update, variables={
            "decoder": self.generator.trainable_variables,
            "encoder": self.encoder.trainable_variables})

    def generator_objective(self, context):
        """{'decoder': gamma L_llike - L'_GAN, 'encoder': L_prior + L_llike} and the logs."""
        z_prior, real = context.z, context.real
        mean, log_variance = self.posterior(real)
        prior_fake, reconstruction = self._decode(
            z_prior, self.sample_posterior(mean, log_variance))
        # L_llike compares D's features of x and its reconstruction, without augmentation:
        # the same transform of both is what the likelihood needs, and D is not trained on
        # it, so D still judges only augmented images.
        real_features, _ = self.discriminator(real, training=True)
        reconstruction_features, reconstruction_logits = self.discriminator(reconstruction,
                                                                            training=True)
        if self.augment_policy:
            reconstruction_logits = self._logits(reconstruction)
        prior_logits = self._logits(prior_fake)
        prior = losses.gaussian_kl_loss(mean, log_variance)
        llike = losses.feature_nll_loss(real_features, reconstruction_features)
        gan = losses.vae_gan_decoder_gan_loss(prior_logits, reconstruction_logits,
                                              self.non_saturating)
        logs = {"g_loss": gan, "prior_loss": prior, "llike_loss": llike,
                "reconstruction_error": losses.reconstruction_error(real, reconstruction)}
        return {"decoder": self.gamma * llike + gan, "encoder": prior + llike}, logs
