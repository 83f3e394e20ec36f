"""The divergence family: objectives on a single output of D per sample."""
import tensorflow as tf

from tfgan_variants import f_divergences, losses
from tfgan_variants.errors import ConfigError
from tfgan_variants.models.base import GAN
from tfgan_variants.replicas import global_batch


class MinimaxGAN(GAN):
    """The minimax GAN (Goodfellow et al. 2014, arXiv 1406.2661, Eq. 1) on logits D(x).

    D minimises softplus(-D(x)) + softplus(D(G(z))); G minimises
    log(1 - sigma(D(G(z)))) = -softplus(D(G(z))), which saturates when D rejects G(z).
    """

    class_conditional = True

    def discriminator_loss(self, real_output, fake_output):
        return losses.minimax_discriminator_loss(real_output, fake_output)

    def generator_loss(self, fake_output):
        return losses.minimax_generator_loss(fake_output)


class NSGAN(MinimaxGAN):
    """Non-saturating GAN (Goodfellow et al. 2014, arXiv 1406.2661, Section 3).

    D as in the minimax GAN; G minimises softplus(-D(G(z))) = -log sigma(D(G(z))).
    """

    def generator_loss(self, fake_output):
        return losses.non_saturating_generator_loss(fake_output)


class LSGAN(GAN):
    """Least squares GAN (Mao et al. 2017, arXiv 1611.04076, Eq. 2).

    D minimises 1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2], G minimises
    1/2 E[(D(G(z)) - c)^2]. `coding` names (a, b, c): "0-1-1" (the paper's Eq. 9, default) or
    "-1-1-0" (Eq. 8, b - c = 1 and b - a = 2, which makes the objective the Pearson
    chi^2 divergence between p_data + p_g and 2 p_g).

    `output` is what the squares act on: "linear", D's raw output (the paper's and its
    authors' code), or "sigmoid", sigma(D(x)) in [0, 1] (compare_gan's least-squares loss, the
    LSGAN of Lucic et al. 2018), which bounds G's gradient 2 (sigma - c) sigma' where a linear
    D's output, and with it that gradient, can grow without bound.
    """

    class_conditional = True
    CODINGS = {"0-1-1": (0.0, 1.0, 1.0), "-1-1-0": (-1.0, 1.0, 0.0)}
    OUTPUTS = ("linear", "sigmoid")

    def __init__(self, *args, coding="0-1-1", output="linear", **kwargs):
        super().__init__(*args, **kwargs)
        if coding not in self.CODINGS:
            raise ConfigError(f"unknown LSGAN coding {coding!r}; choose one of "
                             f"{', '.join(self.CODINGS)}")
        if output not in self.OUTPUTS:
            raise ConfigError(f"unknown LSGAN output {output!r}; choose one of "
                             f"{', '.join(self.OUTPUTS)}")
        if output == "sigmoid" and coding != "0-1-1":
            raise ConfigError("LSGAN's sigmoid output lies in [0, 1]: it takes the 0-1-1 coding")
        # Not `self.output`: a Keras Model's property.
        self.coding, self.scored_output = coding, output
        self.a, self.b, self.c = self.CODINGS[coding]

    def _scores(self, output):
        return tf.sigmoid(output) if self.scored_output == "sigmoid" else output

    def discriminator_loss(self, real_output, fake_output):
        return losses.least_squares_discriminator_loss(
            self._scores(real_output), self._scores(fake_output), self.a, self.b)

    def generator_loss(self, fake_output):
        return losses.least_squares_generator_loss(self._scores(fake_output), self.c)


class SoftmaxGAN(GAN):
    """Softmax GAN (Lin 2017, arXiv 1704.06191).

    Sign convention: D's raw output is an *energy* mu(x), low for real data, as in the paper
    (the opposite of the logit of the other variants). Over the batch B = B+ u B- of real and
    generated samples the softmax assigns x the probability exp(-mu(x)) / Z_B with
    Z_B = sum_{x in B} exp(-mu(x)). D fits the target 1/|B+| on real samples and 0 on
    generated ones, G the uniform target 1/|B| on all; with cross-entropy,
        L_D = sum_{B+} mu(x) / |B+| + log Z_B,   L_G = sum_{B} mu(x) / |B| + log Z_B.
    So D lowers real energies and raises fake ones; G lowers the energies of its samples
    until the softmax over the batch is uniform.

    Both losses couple the whole batch through Z_B: every replica gathers the global batch's
    energies (`global_batch`), and G's loss needs D's energies on real data, from its own
    slice of the step's batch (`generator_needs_real`).
    """

    generator_needs_real = True

    def discriminator_loss(self, real_output, fake_output):
        return losses.softmax_discriminator_loss(global_batch(real_output),
                                                 global_batch(fake_output))

    def generator_objective(self, context):
        fake = context.fake
        loss = losses.softmax_generator_loss(
            global_batch(self.discriminate(context.real)),
            global_batch(self.discriminate(fake)))
        return loss, {"g_loss": loss}


class FGAN(GAN):
    """f-GAN (Nowozin et al. 2016, arXiv 1606.00709): any f-divergence of `f_divergences`.

    With T = g_f(D(x)) (the output activation of Table 2), D minimises
    -E[T(x)] + E[f*(T(G(z)))], minus the variational bound of Eq. 6. G minimises either
    -E[T(G(z))] (`generator_form="alternative"`, the paper's choice in Section 3.2, the
    non-saturating trick for any f) or the saddle-point objective -E[f*(T(G(z)))]
    (`"saddle"`).

    Args:
        divergence: one of `f_divergences.NAMES`; squared Hellinger by default (why:
            configs/fgan.py).
        pi: the weight of 'js_weighted', in (0, 1).
        alpha: the parameter of 'alpha', < 1 and != 0.
        generator_form: "alternative" or "saddle".
    """

    class_conditional = True
    GENERATOR_FORMS = ("alternative", "saddle")

    def __init__(self, *args, divergence="squared_hellinger", pi=0.5, alpha=0.5,
                 generator_form="alternative", **kwargs):
        super().__init__(*args, **kwargs)
        if generator_form not in self.GENERATOR_FORMS:
            raise ConfigError(f"unknown f-GAN generator_form {generator_form!r}; choose one of "
                             f"{', '.join(self.GENERATOR_FORMS)}")
        self.divergence = f_divergences.get(divergence, pi=pi, alpha=alpha)
        self.generator_form = generator_form

    def discriminator_loss(self, real_output, fake_output):
        return losses.fgan_discriminator_loss(real_output, fake_output, self.divergence)

    def generator_loss(self, fake_output):
        if self.generator_form == "saddle":
            return losses.fgan_saddle_generator_loss(fake_output, self.divergence)
        return losses.fgan_generator_loss(fake_output, self.divergence)
