"""The integral probability metric family: critics with a bounded or penalised slope."""
import tensorflow as tf

from tfgan_variants import layers, losses, penalties
from tfgan_variants.models.base import GAN


class WGANGP(GAN):
    """WGAN with gradient penalty (Gulrajani et al. 2017, arXiv 1704.00028, Algorithm 1).

    L_D = E[D(G(z))] - E[D(x)] + lambda E[(‖grad D(x_hat)‖ - 1)^2],
    x_hat = x + a (G(z) - x), a ~ U[0, 1] per example; L_G = -E[D(G(z))].
    Paper defaults: lambda 10, n_critic 5; the critic must not use BatchNorm.
    """

    metric_names = GAN.metric_names + ("gradient_penalty",)
    penalty_shape = "two_sided"

    def __init__(self, *args, gp_weight=10.0, n_critic=5, **kwargs):
        super().__init__(*args, n_critic=n_critic, **kwargs)
        self.gp_weight = float(gp_weight)

    def discriminator_loss(self, real_output, fake_output):
        return losses.wasserstein_critic_loss(real_output, fake_output)

    def generator_loss(self, fake_output):
        return losses.wasserstein_generator_loss(fake_output)

    def discriminator_objective(self, real, fake):
        loss, logs = super().discriminator_objective(real, fake)
        alpha = self.random_uniform([tf.shape(real)[0]])
        points = penalties.interpolate(real, fake, alpha)
        penalty = penalties.gradient_penalty(self.discriminator, points, self.penalty_shape)
        logs["gradient_penalty"] = penalty
        return loss + self.gp_weight * penalty, logs


class SNGAN(GAN):
    """SN-GAN (Miyato et al. 2018, arXiv 1802.05957): hinge loss, spectrally normalised D.

    L_D = E[relu(1 - D(x))] + E[relu(1 + D(G(z)))]; L_G = -E[D(G(z))] (Eq. 16-17).
    """

    def __init__(self, generator, discriminator, *args, **kwargs):
        if not any(isinstance(layer, layers.SpectralNormalization)
                   for layer in discriminator._flatten_layers()):
            raise ValueError("sngan needs a discriminator whose layers are wrapped in "
                             "SpectralNormalization (networks with norm='spectral')")
        super().__init__(generator, discriminator, *args, **kwargs)

    def discriminator_loss(self, real_output, fake_output):
        return losses.hinge_discriminator_loss(real_output, fake_output)

    def generator_loss(self, fake_output):
        return losses.wasserstein_generator_loss(fake_output)


class SphereGAN(GAN):
    """Sphere GAN (Park & Kwon, CVPR 2019), Eq. 7-8.

    D maps a sample to n features p; P(p) is their inverse stereographic projection onto
    S^n and d_s(N, P(p)) the geodesic distance to the north pole. With R moments,
    L_D = -sum_r E[d_s(N, P(D(x)))^r] + sum_r E[d_s(N, P(D(G(z))))^r],
    L_G = -sum_r E[d_s(N, P(D(G(z))))^r]. Distances are bounded by pi, so the IPM needs no
    Lipschitz penalty or clipping. Paper defaults: R = 3, n = 1024 (the discriminator's output
    width), Adam 1e-4 (0, 0.9), one D step per G step.
    """

    def __init__(self, *args, moments=3, **kwargs):
        super().__init__(*args, **kwargs)
        if moments < 1:
            raise ValueError(f"moments must be >= 1, got {moments}")
        self.moments = int(moments)

    def discriminator_loss(self, real_output, fake_output):
        return losses.sphere_discriminator_loss(real_output, fake_output, self.moments)

    def generator_loss(self, fake_output):
        return losses.sphere_generator_loss(fake_output, self.moments)
