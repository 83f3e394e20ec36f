"""The integral probability metric family: critics with a bounded or penalised slope.

DRAGAN lives here too: its objective is NS-GAN's, its regulariser the gradient penalty of
this family (`GradientPenalty`).
"""
import functools

import tensorflow as tf

from tfgan_variants import layers, losses, penalties
from tfgan_variants.errors import ConfigError
from tfgan_variants.models.base import GAN
from tfgan_variants.models.divergence import NSGAN
from tfgan_variants.models.warmup import CriticWarmup
from tfgan_variants.networks import common


class WassersteinCritic(GAN):
    """The WGAN objective (Arjovsky et al. 2017, arXiv 1701.07875, Eq. 3 and Algorithm 1):
    L_D = E[D(G(z))] - E[D(x)], L_G = -E[D(G(z))], n_critic 5 by default."""

    class_conditional = True

    def __init__(self, *args, n_critic=5, **kwargs):
        super().__init__(*args, n_critic=n_critic, **kwargs)

    def discriminator_loss(self, real_output, fake_output):
        return losses.wasserstein_critic_loss(real_output, fake_output)

    def generator_loss(self, fake_output):
        return losses.wasserstein_generator_loss(fake_output)


class GradientPenalty(GAN):
    """Adds lambda E[(‖grad D(x_hat)‖ - 1)^2] (`penalties.gradient_penalty`) to D's objective.

    A subclass chooses the points x_hat (`penalty_points`; by default WGAN-GP's
    x + a (G(z) - x), a ~ U[0, 1] per example) and the `penalty_shape`.
    """

    metric_names = GAN.metric_names + ("gradient_penalty",)
    penalty_shape = "two_sided"

    def __init__(self, *args, gp_weight=10.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.gp_weight = float(gp_weight)

    def penalty_points(self, real, fake):
        return penalties.interpolate(real, fake, self.random_uniform([tf.shape(real)[0]]))

    def discriminator_objective(self, context):
        loss, logs = super().discriminator_objective(context)
        points = self.penalty_points(*context.discriminator_inputs())
        # A conditional critic is penalised at the real labels, which the update's generated
        # samples share (`Context.fake_labels`).
        critic = functools.partial(self.discriminate, labels=context.labels)
        penalty = penalties.gradient_penalty(critic, points, self.penalty_shape)
        logs["gradient_penalty"] = penalty
        return loss + self.gp_weight * penalty, logs


class WGAN(CriticWarmup, WassersteinCritic):
    """WGAN with weight clipping (Arjovsky et al. 2017, arXiv 1701.07875, Algorithm 1).

    L_D = E[D(G(z))] - E[D(x)], L_G = -E[D(G(z))]; after every critic update each critic
    weight is clipped to [-c, c] (Algorithm 1, line 7). Paper defaults: c = 0.01,
    n_critic 5, RMSProp with learning rate 5e-5. `critic_warmup=True` follows the authors'
    code (main.py): 100 critic updates before each of the first 25 generator updates and
    before every 500th (`models.warmup`, which says how the engine runs it).
    """

    def __init__(self, *args, clip_value=0.01, **kwargs):
        super().__init__(*args, **kwargs)
        if clip_value <= 0:
            raise ConfigError(f"clip_value must be positive, got {clip_value}")
        self.clip_value = float(clip_value)

    def after_critic_update(self, context, logs):
        for variable in self.critic_variables:
            variable.assign(tf.clip_by_value(variable, -self.clip_value, self.clip_value))


class WGANGP(GradientPenalty, WassersteinCritic):
    """WGAN with gradient penalty (Gulrajani et al. 2017, arXiv 1704.00028, Algorithm 1).

    L_D = E[D(G(z))] - E[D(x)] + lambda E[(‖grad D(x_hat)‖ - 1)^2],
    x_hat = x + a (G(z) - x), a ~ U[0, 1] per example; L_G = -E[D(G(z))].
    Paper defaults: lambda 10, n_critic 5; the critic must not use BatchNorm.
    """


class WGANLP(WGANGP):
    """WGAN with the one-sided "Lipschitz penalty" (Petzka et al. 2017, arXiv 1709.08894, Eq. 8).

    As WGAN-GP, on the same interpolates, with lambda E[max(0, ‖grad D(x_hat)‖ - 1)^2]: only
    slopes above 1 are penalised, the Lipschitz constraint itself rather than a unit norm.
    """

    penalty_shape = "one_sided"


class WGANCT(WGANGP):
    """CT-GAN: WGAN-GP plus a consistency term (Wei et al. 2018, arXiv 1803.01541).

    L_D = L_D(WGAN-GP) + lambda_2 E_x[max(0, d(D(x'), D(x'')) + 0.1 d(D_(x'), D_(x'')) - M')]
    (`penalties.consistency_term`): x' and x'' are two passes of the same real batch through
    a critic with dropout, with independent masks; D_ is its penultimate layer (the input of
    its last layer, `common.with_features`). L_G = -E[D(G(z))]. Paper defaults: lambda 10,
    lambda_2 2, M' 0, dropout 0.5 after each hidden activation. Not class-conditional: the
    consistency term reads the critic's penultimate layer, which has no label input.

    Differences from the authors' code: it multiplies by lambda_2 inside the max
    (max(0, lambda_2 d - M')), the same for M' = 0; and it reuses the loss's pass of x as x',
    where here x' and x'' are two passes of their own. The dropout masks come from the
    engine's stateless stream, so one and N replicas make the same update.
    """

    metric_names = WGANGP.metric_names + ("consistency",)
    class_conditional = False

    def __init__(self, generator, discriminator, *args, ct_weight=2.0, ct_margin=0.0,
                 **kwargs):
        if not common.dropout_layers(discriminator):
            raise ConfigError("wgan_ct needs a discriminator with dropout (networks.d_dropout "
                             "> 0): its consistency term compares two dropout passes")
        super().__init__(generator, discriminator, *args, **kwargs)
        self.ct_weight = float(ct_weight)
        self.ct_margin = float(ct_margin)
        common.use_mask_source(discriminator, self.random_uniform)
        self.critic_with_features = common.with_features(discriminator)

    def discriminator_objective(self, context):
        loss, logs = super().discriminator_objective(context)
        real, _ = context.discriminator_inputs()
        term = penalties.consistency_term(self.critic_with_features(real, training=True),
                                          self.critic_with_features(real, training=True),
                                          self.ct_margin)
        logs["consistency"] = term
        return loss + self.ct_weight * term, logs


class DRAGAN(GradientPenalty, NSGAN):
    """DRAGAN (Kodali et al. 2017, arXiv 1705.07215; the authors' notebook).

    NS-GAN's losses plus lambda E[(‖grad D(x_hat)‖ - 1)^2] at points around the real data:
    x_p = x + 0.5 std(x) u, u ~ U[0, 1) elementwise, std(x) one scalar over the global batch;
    x_hat = x + a (x_p - x), a ~ U[0, 1] per example (`penalties.dragan_points`).
    Paper defaults: lambda 10, one D update per G update, Adam 1e-4 (0.5, 0.9).

    `perturbation` is c. std(x) is the spread of the whole data set, which on images is a
    pixel's range but on a mixture of narrow modes is the distance between them: there c 0.5
    penalises D across the gaps between the modes, not in a neighbourhood of each.
    """

    def __init__(self, *args, perturbation=0.5, **kwargs):
        super().__init__(*args, **kwargs)
        if perturbation <= 0:
            raise ConfigError(f"dragan's perturbation must be > 0, got {perturbation}")
        self.perturbation = float(perturbation)

    def penalty_points(self, real, fake):
        batch = tf.shape(real)[0]
        noise = self.random_uniform([batch, *real.shape[1:]])
        return penalties.dragan_points(real, noise, self.random_uniform([batch]),
                                       self.perturbation)


def require_spectral_norm(variant, discriminator):
    """Raises ConfigError unless `discriminator` has SpectralNormalization-wrapped layers."""
    if not any(isinstance(layer, layers.SpectralNormalization)
               for layer in discriminator._flatten_layers()):
        raise ConfigError(f"{variant} needs a discriminator whose layers are wrapped in "
                          "SpectralNormalization (networks with norm='spectral')")


class SNGAN(GAN):
    """SN-GAN (Miyato et al. 2018, arXiv 1802.05957): hinge loss, spectrally normalised D.

    L_D = E[relu(1 - D(x))] + E[relu(1 + D(G(z)))]; L_G = -E[D(G(z))] (Eq. 16-17).
    Class-conditional with the projection discriminator (Miyato & Koyama 2018, arXiv
    1802.05637), the setting of SN-GAN's ImageNet results.
    """

    class_conditional = True

    def __init__(self, generator, discriminator, *args, **kwargs):
        require_spectral_norm("sngan", discriminator)
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
    width), Adam 1e-4 (0, 0.9), one D step per G step. `moment_weighting` is the authors'
    code's `dist_weight_mode` ('none', 'normalization', 'half': `losses.sphere_moments`).
    Class-conditional with a class offset of D's point in R^n (`networks.common.output_head`).
    """

    class_conditional = True

    def __init__(self, *args, moments=3, moment_weighting="none", **kwargs):
        super().__init__(*args, **kwargs)
        if moments < 1:
            raise ConfigError(f"moments must be >= 1, got {moments}")
        if moment_weighting not in losses.SPHERE_MOMENT_WEIGHTINGS:
            raise ConfigError(f"moment_weighting must be one of "
                              f"{sorted(losses.SPHERE_MOMENT_WEIGHTINGS)}, "
                              f"got {moment_weighting!r}")
        self.moments = int(moments)
        self.moment_weighting = moment_weighting

    def discriminator_loss(self, real_output, fake_output):
        return losses.sphere_discriminator_loss(real_output, fake_output, self.moments,
                                                self.moment_weighting)

    def generator_loss(self, fake_output):
        return losses.sphere_generator_loss(fake_output, self.moments, self.moment_weighting)


class SphereGANStable(SphereGAN):
    """Sphere GAN whose generator gradient does not vanish between the modes (beyond the
    paper): the paper's objective (Eq. 7-8, moments and weighting as `SphereGAN`) on a
    spectrally normalised critic (Miyato et al. 2018) in place of its LayerNorm.

    Why: L_G depends on a sample only through |p|, p = D(x), with slope
    |dL_G/d|p|| = (sum_r r d^(r-1) / s^r) * 2 / (1 + |p|^2), d = 2 atan(1 / |p|). Nothing
    bounds the paper's critic, which sends generated samples to large |p|, where the slope falls
    as 1/|p|^2: samples between the modes get a gradient 50 to 100 times weaker than those on
    them (`benchmarks/sphere_saturation.py`). A spectrally normalised D is at most 1-Lipschitz
    per layer, so |p| of a generated sample stays within a bounded distance of a real one's,
    and the slope stays where the data is. docs/RESULTS.md has the measurements, and what
    did not work (the flipped pole assignment).
    """

    def __init__(self, generator, discriminator, *args, **kwargs):
        require_spectral_norm("sphere_gan_stable", discriminator)
        super().__init__(generator, discriminator, *args, **kwargs)
