"""Objectives as pure functions: discriminator outputs -> scalar losses to minimise.

Every function takes the raw discriminator output (a logit, a critic value or a feature
vector) and returns the batch mean of the loss, the form `../shared/SPEC.md` gives. The
training engine scales these for the number of replicas; nothing here knows about it.
"""
import tensorflow as tf

from tfgan_variants import layers


def _mean(x):
    return tf.reduce_mean(tf.cast(x, tf.float32))


# Goodfellow et al. 2014 (arXiv 1406.2661), Eq. 1 written with logits:
# log sigma(v) = -softplus(-v) and log(1 - sigma(v)) = -softplus(v).
def minimax_discriminator_loss(real_logits, fake_logits):
    """-E log sigma(D(x)) - E log(1 - sigma(D(G(z)))) = softplus(-D(x)) + softplus(D(G(z)))."""
    return _mean(tf.nn.softplus(-real_logits)) + _mean(tf.nn.softplus(fake_logits))


def minimax_generator_loss(fake_logits):
    """E log(1 - sigma(D(G(z)))) = -softplus(D(G(z))): the saturating minimax form."""
    return -_mean(tf.nn.softplus(fake_logits))


def non_saturating_generator_loss(fake_logits):
    """-E log sigma(D(G(z))) = softplus(-D(G(z))): the paper's non-saturating trick."""
    return _mean(tf.nn.softplus(-fake_logits))


# Arjovsky et al. 2017 (arXiv 1701.07875), Eq. 3; shared by WGAN-GP/LP/CT.
def wasserstein_critic_loss(real_scores, fake_scores):
    """E[D(G(z))] - E[D(x)]: minus the critic's estimate of W(P_r, P_g)."""
    return _mean(fake_scores) - _mean(real_scores)


def wasserstein_generator_loss(fake_scores):
    """-E[D(G(z))]; also SN-GAN's hinge-variant generator loss (Miyato et al. 2018, Eq. 17)."""
    return -_mean(fake_scores)


def hinge_discriminator_loss(real_scores, fake_scores):
    """E[relu(1 - D(x))] + E[relu(1 + D(G(z)))] (Miyato et al. 2018, Eq. 16)."""
    return _mean(tf.nn.relu(1.0 - real_scores)) + _mean(tf.nn.relu(1.0 + fake_scores))


# Park & Kwon, CVPR 2019, Eq. 7-8: moments r = 1..R of the geodesic distance between the
# projected feature P(D(x)) and the north pole N of the unit sphere.
def sphere_moments(features, moments):
    """sum_{r=1..R} E[d_s(N, P(features))^r] for features of shape [batch, n]."""
    distance = layers.north_pole_distance(tf.cast(features, tf.float32))
    return tf.add_n([_mean(distance ** r) for r in range(1, moments + 1)])


def sphere_discriminator_loss(real_features, fake_features, moments):
    """-sum_r E[d_s(N, P(D(x)))^r] + sum_r E[d_s(N, P(D(G(z))))^r]."""
    return sphere_moments(fake_features, moments) - sphere_moments(real_features, moments)


def sphere_generator_loss(fake_features, moments):
    """-sum_r E[d_s(N, P(D(G(z))))^r]."""
    return -sphere_moments(fake_features, moments)


# Mao et al. 2017 (arXiv 1611.04076), Eq. 2: D pushes real outputs to b and fake ones to a,
# G pushes fake outputs to c. Codings (a, b, c) = (0, 1, 1) and (-1, 1, 0) (Eq. 8-9).
def least_squares_discriminator_loss(real_scores, fake_scores, a, b):
    """1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2]."""
    return 0.5 * _mean(tf.square(real_scores - b)) + 0.5 * _mean(tf.square(fake_scores - a))


def least_squares_generator_loss(fake_scores, c):
    """1/2 E[(D(G(z)) - c)^2]."""
    return 0.5 * _mean(tf.square(fake_scores - c))


# Lin 2017 (arXiv 1704.06191): D outputs an energy mu (low = real); over the batch
# B = B+ u B-, softmax probabilities exp(-mu(x)) / Z_B, Z_B = sum_B exp(-mu(x)), trained by
# cross-entropy. For a target t summing to 1 the cross-entropy is sum_B t mu + log Z_B.
def _softmax_log_partition(real_energies, fake_energies):
    energies = tf.concat([tf.reshape(real_energies, [-1]), tf.reshape(fake_energies, [-1])], 0)
    return energies, tf.reduce_logsumexp(-tf.cast(energies, tf.float32))


def softmax_discriminator_loss(real_energies, fake_energies):
    """Target 1/|B+| on real, 0 on fake: sum_{B+} D(x) / |B+| + log sum_B exp(-D(x))."""
    _, log_z = _softmax_log_partition(real_energies, fake_energies)
    return _mean(real_energies) + log_z


def softmax_generator_loss(real_energies, fake_energies):
    """Target 1/|B| on every sample: sum_B D(x) / |B| + log sum_B exp(-D(x))."""
    energies, log_z = _softmax_log_partition(real_energies, fake_energies)
    return _mean(energies) + log_z


# Nowozin et al. 2016 (arXiv 1606.00709), Eq. 6 and Section 3.2, with T = g_f(D(x)) and
# f*(g_f(D(x))) in the stable forms of `f_divergences`.
def fgan_discriminator_loss(real_outputs, fake_outputs, divergence):
    """-E[T(x)] + E[f*(T(G(z)))]: minus the variational lower bound on D_f(P || Q)."""
    real, fake = tf.cast(real_outputs, tf.float32), tf.cast(fake_outputs, tf.float32)
    return -_mean(divergence.activation(real)) + _mean(divergence.conjugate_of_activation(fake))


def fgan_saddle_generator_loss(fake_outputs, divergence):
    """-E[f*(T(G(z)))]: G minimises the bound itself (the saddle-point objective, Eq. 6)."""
    return -_mean(divergence.conjugate_of_activation(tf.cast(fake_outputs, tf.float32)))


def fgan_generator_loss(fake_outputs, divergence):
    """-E[T(G(z))]: the paper's alternative (Section 3.2), like the non-saturating trick."""
    return -_mean(divergence.activation(tf.cast(fake_outputs, tf.float32)))


# Li et al. 2017 (arXiv 1705.08584), MMD GAN, as in the authors' code (mmd.py, mmd_gan.py):
# a biased MMD^2 estimate with a mixture of Gaussian kernels on the critic's codes.
def mixture_rbf_mmd2(x, y, sigmas):
    """Biased MMD_b^2 = mean k(x, x') + mean k(y, y') - 2 mean k(x, y) over all pairs, with
    k(a, b) = sum_s exp(-‖a - b‖^2 / (2 s^2)); x [m, d], y [n, d]."""
    x, y = tf.cast(x, tf.float32), tf.cast(y, tf.float32)

    def mean_kernel(a, b):
        squared = tf.reduce_sum(tf.square(a[:, None, :] - b[None, :, :]), -1)
        return tf.add_n([_mean(tf.exp(-squared / (2.0 * s * s))) for s in sigmas])

    return mean_kernel(x, x) + mean_kernel(y, y) - 2.0 * mean_kernel(x, y)


def one_sided_mean_term(real_codes, fake_codes):
    """-mean_k relu(-(E f(x) - E f(G(z)))_k): 0 when every real code mean exceeds the fake one
    (the authors' ONE_SIDED module, on the batch means of the codes)."""
    gap = tf.reduce_mean(real_codes, 0) - tf.reduce_mean(fake_codes, 0)
    return -_mean(tf.nn.relu(-tf.cast(gap, tf.float32)))


def mmd_gan_generator_loss(real_codes, fake_codes, sigmas, rank_weight):
    """sqrt(relu(MMD_b^2(f(x), f(G(z))))) + lambda_rg * one-sided term (the G loss, minimised).

    sqrt is taken of max(MMD^2, 1e-12) rather than relu(MMD^2), so its gradient stays finite.
    """
    mmd2 = mixture_rbf_mmd2(real_codes, fake_codes, sigmas)
    return tf.sqrt(tf.maximum(mmd2, 1e-12)) + rank_weight * one_sided_mean_term(real_codes,
                                                                               fake_codes)


def mmd_gan_critic_loss(real_codes, fake_codes, reconstruction_error, sigmas, rank_weight,
                        autoencoder_weight):
    """-(sqrt(relu(MMD_b^2)) + lambda_rg * one-sided term) + lambda_AE * autoencoder errors:
    the critic maximises the G loss minus the weighted reconstruction errors."""
    return (-mmd_gan_generator_loss(real_codes, fake_codes, sigmas, rank_weight)
            + autoencoder_weight * reconstruction_error)


def reconstruction_error(samples, reconstructions):
    """Mean squared error over the batch and every data dimension (the authors' match 'L2')."""
    return _mean(tf.square(tf.cast(samples, tf.float32) - tf.cast(reconstructions, tf.float32)))


# Bellemare et al. 2017 (arXiv 1705.10743), Cramér GAN, Algorithm 1: h is the critic network,
# x'_g a second, independent generated batch; examples are paired row by row.
def _norm(v):
    """Euclidean norm over the last axis, with a finite gradient at 0."""
    return tf.sqrt(tf.reduce_sum(tf.square(tf.cast(v, tf.float32)), -1) + 1e-12)


def cramer_critic(h_x, h_fake2):
    """f(x) = ‖h(x) - h(x'_g)‖ - ‖h(x)‖, per example."""
    return _norm(h_x - h_fake2) - _norm(h_x)


def cramer_critic_loss(h_real, h_fake, h_fake2):
    """-L_surr = -(E f(x_r) - E f(x_g)), without the gradient penalty."""
    return _mean(cramer_critic(h_fake, h_fake2)) - _mean(cramer_critic(h_real, h_fake2))


def cramer_generator_loss(h_real, h_fake, h_fake2):
    """E‖h(x_r) - h(x_g)‖ + E‖h(x_r) - h(x'_g)‖ - E‖h(x_g) - h(x'_g)‖."""
    return (_mean(_norm(h_real - h_fake)) + _mean(_norm(h_real - h_fake2))
            - _mean(_norm(h_fake - h_fake2)))
