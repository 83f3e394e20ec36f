"""The divergence family: objectives on a single logit D(x)."""
from tfgan_variants import losses
from tfgan_variants.models.base import GAN


class NSGAN(GAN):
    """Non-saturating GAN (Goodfellow et al. 2014, arXiv 1406.2661, Section 3).

    D minimises softplus(-D(x)) + softplus(D(G(z))); G minimises softplus(-D(G(z))).
    """

    def discriminator_loss(self, real_output, fake_output):
        return losses.minimax_discriminator_loss(real_output, fake_output)

    def generator_loss(self, fake_output):
        return losses.non_saturating_generator_loss(fake_output)
