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
