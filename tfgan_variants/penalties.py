"""Regularisers of the critic that act on its input gradient.

`gradient_penalty` is the one implementation behind WGAN-GP's two-sided penalty
(Gulrajani et al. 2017, arXiv 1704.00028, Eq. 3), WGAN-LP's one-sided penalty
(Petzka et al. 2017, arXiv 1709.08894, Eq. 8) and DRAGAN's penalty around perturbed real
data (Kodali et al. 2017, arXiv 1705.07215): they differ only in where the points come from
and in the shape of the penalty on the norm.
"""
import tensorflow as tf

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
