"""Regularisers of the critic that act on its input gradient or on its consistency.

`gradient_penalty` is the one implementation behind WGAN-GP's two-sided penalty
(Gulrajani et al. 2017, arXiv 1704.00028, Eq. 3), WGAN-LP's one-sided penalty
(Petzka et al. 2017, arXiv 1709.08894, Eq. 8) and DRAGAN's penalty around perturbed real
data (Kodali et al. 2017, arXiv 1705.07215): they differ only in where the points come from
(`interpolate`, `dragan_points`) and in the shape of the penalty on the norm.
`consistency_term` is CT-GAN's term on two dropout passes of the same data (Wei et al. 2018).
"""
import tensorflow as tf

from tfgan_variants import replicas

PENALTY_SHAPES = ("two_sided", "one_sided")


def interpolate(a, b, alpha):
    """a + alpha (b - a), alpha of shape [batch] broadcast over the other axes."""
    alpha = tf.reshape(alpha, [-1] + [1] * (len(a.shape) - 1))
    return a + alpha * (b - a)


def input_gradient_norm(critic, points):
    """Per-example ‖grad_x D(x)‖_2 over all input dimensions, differentiable (double backprop).

    The gradient of sum_i D(x_i) w.r.t. x_i is that of D(x_i) alone because the critic treats
    examples independently (no BatchNorm in a penalised critic, as the papers require).
    """
    with tf.GradientTape() as tape:
        tape.watch(points)
        total = tf.reduce_sum(tf.cast(critic(points, training=True), tf.float32))
    grads = tape.gradient(total, points)
    squared = tf.reduce_sum(tf.square(grads), axis=list(range(1, len(points.shape))))
    return tf.sqrt(squared + 1e-12)


def gradient_penalty(critic, points, shape="two_sided", target=1.0):
    """E[(‖grad D(x)‖ - target)^2] (two-sided) or E[max(0, ‖grad D(x)‖ - target)^2] (one-sided)."""
    if shape not in PENALTY_SHAPES:
        raise ValueError(f"penalty shape must be one of {PENALTY_SHAPES}, got {shape!r}")
    excess = input_gradient_norm(critic, points) - target
    if shape == "one_sided":
        excess = tf.nn.relu(excess)
    return tf.reduce_mean(tf.square(excess))


def dragan_points(real, noise, alpha, scale=0.5):
    """DRAGAN's penalty points x_hat = x + alpha (x_p - x), x_p = x + c std(x) noise.

    Kodali et al. 2017 (arXiv 1705.07215, Section 3; the authors' notebook, c = `scale` 0.5):
    noise ~ U[0, 1) of the shape of `real`, alpha ~ U[0, 1] per example, std(x) one scalar
    over all elements of the (global) batch. So 0 <= x_hat - x < c std(x) elementwise.
    """
    perturbed = real + scale * replicas.global_std(real) * noise
    return interpolate(real, perturbed, alpha)


def _mean_square_difference(a, b):
    """Per-example mean over the non-batch axes of (a - b)^2."""
    squared = tf.square(tf.cast(a, tf.float32) - tf.cast(b, tf.float32))
    return tf.reduce_mean(tf.reshape(squared, [tf.shape(squared)[0], -1]), axis=1)


def consistency_term(first, second, margin=0.0, feature_weight=0.1):
    """E_x[max(0, d(D(x'), D(x'')) + 0.1 d(D_(x'), D_(x'')) - M')] (Wei et al. 2018, arXiv
    1803.01541, Section 3; the authors' code): the consistency term of CT-GAN.

    `first` and `second` are (penultimate features D_, output D) of two passes of the same real
    batch with independent dropout masks (x' and x''); d is the squared difference, averaged
    over the features for D_.
    """
    (features_1, output_1), (features_2, output_2) = first, second
    distance = (_mean_square_difference(output_1, output_2)
                + feature_weight * _mean_square_difference(features_1, features_2))
    return tf.reduce_mean(tf.nn.relu(distance - margin))
