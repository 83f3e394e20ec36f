"""Objectives as pure functions: discriminator outputs -> scalar losses to minimise.

Every function takes the raw discriminator output (a logit, a critic value or a feature
vector) and returns the batch mean of the loss, in the form of the paper and equation cited
beside it. The training engine scales these for the number of replicas; nothing here knows about it.
"""
import math

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
# The authors' code (SWPark92/SphereGAN, `dist_weight_mode`) can divide the r-th moment by a
# scale^r: 'normalization' by (pi / 3)^r (its decay_ratio 3), 'half' by pi^r; its default,
# 'none', is the paper's unweighted sum (a division by 1.0, exact in floating point).
SPHERE_MOMENT_WEIGHTINGS = {"none": 1.0, "normalization": math.pi / 3.0, "half": math.pi}


def sphere_moments(features, moments, weighting="none"):
    """sum_{r=1..R} E[d_s(N, P(features))^r] / scale^r for features of shape [batch, n], with
    scale from SPHERE_MOMENT_WEIGHTINGS[weighting]."""
    scale = SPHERE_MOMENT_WEIGHTINGS[weighting]
    distance = layers.north_pole_distance(tf.cast(features, tf.float32))
    return tf.add_n([_mean(distance ** r) / scale ** r for r in range(1, moments + 1)])


def sphere_discriminator_loss(real_features, fake_features, moments, weighting="none"):
    """-sum_r E[d_s(N, P(D(x)))^r] + sum_r E[d_s(N, P(D(G(z))))^r] (moments weighted as in
    `sphere_moments`)."""
    return (sphere_moments(fake_features, moments, weighting)
            - sphere_moments(real_features, moments, weighting))


def sphere_generator_loss(fake_features, moments, weighting="none"):
    """-sum_r E[d_s(N, P(D(G(z))))^r] (moments weighted as in `sphere_moments`)."""
    return -sphere_moments(fake_features, moments, weighting)


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
    k(a, b) = sum_s exp(-‖a - b‖^2 / (2 s^2)); x [m, d], y [n, d].

    Each kernel is summed as expm1(-‖a - b‖^2 / (2 s^2)) = k_s - 1: the ones cancel in the
    estimate (1 + 1 - 2), and what is left keeps float32's relative precision. A clipped
    critic's codes lie about 1e-2 apart, where MMD^2 is about 1e-5; sums of exp near 1
    resolved it only to multiples of 2^-20 (1e-6), off by up to 15%, and to exactly 0 below
    that, which threw the sqrt's gradient 1 / (2 sqrt(MMD^2)) about."""
    x, y = tf.cast(x, tf.float32), tf.cast(y, tf.float32)

    def mean_kernel(a, b):
        squared = tf.reduce_sum(tf.square(a[:, None, :] - b[None, :, :]), -1)
        return tf.add_n([_mean(tf.math.expm1(-squared / (2.0 * s * s))) for s in sigmas])

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


# ------------------------------------------------------------------ energy and margin family
# Zhao et al. 2016 (EBGAN, arXiv 1609.03126), Berthelot et al. 2017 (BEGAN, arXiv 1703.10717),
# Wang et al. 2017 (MAGAN, arXiv 1704.03817), Qi 2017 (LS-GAN / GLS-GAN, arXiv 1701.06264).
# Energies and margins are per example ([batch]); the losses are their batch means.
def autoencoder_energy(samples, reconstructions, norm="l2"):
    """Per-example reconstruction error, averaged over the data dimensions: mean (v - D(v))^2
    for 'l2' (EBGAN's MSE energy, MAGAN's L2 energy), mean |v - D(v)| for 'l1' (BEGAN's L)."""
    difference = tf.cast(samples, tf.float32) - tf.cast(reconstructions, tf.float32)
    if norm == "l2":
        values = tf.square(difference)
    elif norm == "l1":
        values = tf.abs(difference)
    else:
        raise ValueError(f"energy norm must be 'l2' or 'l1', got {norm!r}")
    return tf.reduce_mean(tf.reshape(values, [tf.shape(values)[0], -1]), -1)


def margin_discriminator_loss(real_energy, fake_energy, margin):
    """E[D(x)] + E[max(0, m - D(G(z)))] (EBGAN Eq. 1; MAGAN Eq. 1 with its adaptive m)."""
    return _mean(real_energy) + _mean(tf.nn.relu(margin - tf.cast(fake_energy, tf.float32)))


def energy_generator_loss(fake_energy):
    """E[D(G(z))]: EBGAN Eq. 2 without PT, MAGAN's L_G, BEGAN's L_G = L(G(z)), and LS-GAN's
    L_G = E[L_theta(G(z))]; G lowers the energy (loss) of its samples."""
    return _mean(fake_energy)


def pulling_away_term(codes):
    """EBGAN Eq. 4: PT = 1/(N(N-1)) sum_{i != j} (S_i.S_j / (‖S_i‖ ‖S_j‖))^2 over the N codes
    S [N, c] of a batch (the squared cosine similarity of every ordered pair i != j)."""
    codes = tf.cast(tf.reshape(codes, [tf.shape(codes)[0], -1]), tf.float32)
    unit = codes / tf.sqrt(tf.reduce_sum(tf.square(codes), -1, keepdims=True) + 1e-12)
    cosine = tf.matmul(unit, unit, transpose_b=True)
    n = tf.cast(tf.shape(codes)[0], tf.float32)
    off_diagonal = tf.reduce_sum(tf.square(cosine)) - tf.reduce_sum(
        tf.square(tf.linalg.diag_part(cosine)))
    return off_diagonal / (n * (n - 1.0))


def began_discriminator_loss(real_energy, fake_energy, k):
    """L_D = L(x) - k_t L(G(z)) (BEGAN Eq. 4), L the per-example mean |v - D(v)|."""
    return _mean(real_energy) - tf.cast(k, tf.float32) * _mean(fake_energy)


def began_k_update(k, real_mean, fake_mean, gamma, lambda_k):
    """k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z))), 0, 1) (BEGAN Eq. 4)."""
    return tf.clip_by_value(k + lambda_k * (gamma * real_mean - fake_mean), 0.0, 1.0)


def began_convergence(real_mean, fake_mean, gamma):
    """M_global = L(x) + |gamma L(x) - L(G(z))| (BEGAN Section 3.4.1)."""
    return real_mean + tf.abs(gamma * real_mean - fake_mean)


def l1_margin(real, fake, tau):
    """Delta(x, G(z)) = tau ‖x - G(z)‖_1, per pair of rows (LS-GAN Section 3)."""
    difference = tf.abs(tf.cast(real, tf.float32) - tf.cast(fake, tf.float32))
    return tau * tf.reduce_sum(tf.reshape(difference, [tf.shape(difference)[0], -1]), -1)


def loss_sensitive_discriminator_loss(real_loss, fake_loss, margin, lambda_, gamma=0.0,
                                      slope=0.0):
    """gamma E[L(x)] + lambda E[C(Delta(x, G(z)) + L(x) - L(G(z)))] (LS-GAN Eq. 5; GLS-GAN
    Section 6), C(a) = leaky ReLU of slope nu: nu 0 is LS-GAN's (a)_+, nu 1 the WGAN critic's
    linear objective. L(x) and L(G(z)) are the non-negative losses L_theta, per example."""
    real_loss, fake_loss = tf.cast(real_loss, tf.float32), tf.cast(fake_loss, tf.float32)
    gap = margin + real_loss - fake_loss
    cost = tf.maximum(gap, 0.0) + slope * tf.minimum(gap, 0.0)
    return gamma * _mean(real_loss) + lambda_ * _mean(cost)


# ------------------------------------------------------------------ autoencoding variants
# BiGAN / ALI (Donahue et al. 2016, arXiv 1605.09782, Eq. 3; Dumoulin et al. 2016, arXiv
# 1606.00704, Eq. 1-2): D scores joint pairs, rho_q = sigma(D(x, E(x))) for the encoder's pairs
# and rho_p = sigma(D(G(z), z)) for the generator's.
def bigan_discriminator_loss(encoder_logits, generator_logits):
    """L_D = -mean log rho_q - mean log(1 - rho_p)
    = softplus(-D(x, E(x))) + softplus(D(G(z), z))."""
    return _mean(tf.nn.softplus(-encoder_logits)) + _mean(tf.nn.softplus(generator_logits))


def bigan_generator_encoder_loss(encoder_logits, generator_logits):
    """L_{G,E} = -mean log(1 - rho_q) - mean log rho_p (the labels swapped, ALI's Algorithm 1)
    = softplus(D(x, E(x))) + softplus(-D(G(z), z))."""
    return _mean(tf.nn.softplus(encoder_logits)) + _mean(tf.nn.softplus(-generator_logits))


# VAE-GAN (Larsen et al. 2016, arXiv 1512.09300): q(z|x) = N(mu, diag exp(log var)), Dis_l a
# hidden layer of the discriminator, L_GAN with prior samples G(z_p) and reconstructions
# G(E(x)) both fake (Eq. 3, 6-7, 9).
def gaussian_kl_loss(mean, log_variance):
    """L_prior = KL(q(z|x) || N(0, I)) = 1/2 sum_j (mu_j^2 + exp(lv_j) - 1 - lv_j), batch mean."""
    mean, log_variance = tf.cast(mean, tf.float32), tf.cast(log_variance, tf.float32)
    return _mean(0.5 * tf.reduce_sum(
        tf.square(mean) + tf.exp(log_variance) - 1.0 - log_variance, axis=-1))


def feature_nll_loss(real_features, reconstruction_features):
    """L_llike = -log N(Dis_l(x) | Dis_l(G(E(x))), I) without its constant: the feature squared
    error 1/2 sum_j (Dis_l(x)_j - Dis_l(x~)_j)^2, batch mean (Eq. 6-7)."""
    difference = tf.cast(real_features, tf.float32) - tf.cast(reconstruction_features, tf.float32)
    flat = tf.reshape(difference, [tf.shape(difference)[0], -1])
    return _mean(0.5 * tf.reduce_sum(tf.square(flat), axis=-1))


def vae_gan_discriminator_loss(real_logits, prior_logits, reconstruction_logits):
    """-L_GAN = -(mean log sigma(D(x)) + mean log(1 - sigma(D(G(z_p))))
    + mean log(1 - sigma(D(G(E(x)))))): D maximises L_GAN."""
    return (_mean(tf.nn.softplus(-real_logits)) + _mean(tf.nn.softplus(prior_logits))
            + _mean(tf.nn.softplus(reconstruction_logits)))


def vae_gan_decoder_gan_loss(prior_logits, reconstruction_logits, non_saturating=True):
    """The decoder's GAN term. Non-saturating (the default): -(mean log sigma(D(G(z_p))) +
    mean log sigma(D(G(E(x))))). Saturating: the part of L_GAN the decoder changes,
    mean log(1 - sigma(D(G(z_p)))) + mean log(1 - sigma(D(G(E(x)))))."""
    if non_saturating:
        return (_mean(tf.nn.softplus(-prior_logits))
                + _mean(tf.nn.softplus(-reconstruction_logits)))
    return -_mean(tf.nn.softplus(prior_logits)) - _mean(tf.nn.softplus(reconstruction_logits))


# ---------------------------------------------------------------- InfoGAN and Localized GAN
# Chen et al. 2016 (arXiv 1606.03657), Eq. 4-5: L_I(G, Q) = E_{c, x~G(z,c)}[log Q(c|x)] + H(c),
# subtracted (times lambda) from the objectives of D (with Q) and G. H(c) is constant.
def infogan_information_bound(categorical_logits, categorical_codes, continuous_means,
                              continuous_codes):
    """E[log Q(c|x)] (L_I without its constant H(c)), batch mean: -cross-entropy of the one-hot
    categorical code under softmax(logits) + log N(c_cont | means, I) summed over the codes,
    -1/2 sum_j ((c_j - mu_j)^2 + log 2 pi) (a factored Gaussian with fixed sigma 1)."""
    categorical = -tf.nn.softmax_cross_entropy_with_logits(
        tf.cast(categorical_codes, tf.float32), tf.cast(categorical_logits, tf.float32))
    difference = tf.cast(continuous_codes, tf.float32) - tf.cast(continuous_means, tf.float32)
    log_2pi = tf.math.log(2.0 * tf.constant(3.141592653589793, tf.float32))
    continuous = -0.5 * tf.reduce_sum(tf.square(difference) + log_2pi, axis=-1)
    return _mean(categorical + continuous)


# Qi et al. 2018 (arXiv 1711.06020), Section 3: the local generator's regularisers,
# E_x[mu ||G(x, 0) - x||^2 + eta ||J_x^T J_x - I_N||^2], J_x = dG(x, z)/dz at z = 0.
def locality_loss(samples, reconstructions):
    """E_x ||G(x, 0) - x||^2: squared error summed over each sample's entries, batch mean."""
    difference = tf.cast(reconstructions, tf.float32) - tf.cast(samples, tf.float32)
    flat = tf.reshape(difference, [tf.shape(difference)[0], -1])
    return _mean(tf.reduce_sum(tf.square(flat), axis=-1))


def orthonormality_penalty(jacobians, latent_dim=None):
    """E_x ||J_x^T J_x - I_N||_F^2 for Jacobians [batch, data entries, k], batch mean.

    With k < latent_dim = N, the k columns are along axes drawn uniformly without
    replacement, so the Gram entries seen are a sample of J^T J's: a diagonal entry with
    probability k / N, an off-diagonal one with k (k - 1) / (N (N - 1)). Each is divided by
    its probability, which makes the value an unbiased estimate of the full penalty."""
    jacobians = tf.cast(jacobians, tf.float32)
    gram = tf.matmul(jacobians, jacobians, transpose_a=True)
    k = jacobians.shape[-1]
    squares = tf.square(gram - tf.eye(k, dtype=tf.float32))
    n = k if latent_dim is None else int(latent_dim)
    if n > k:
        diagonal = tf.linalg.diag_part(squares)
        off_diagonal = tf.reduce_sum(squares, axis=[-2, -1]) - tf.reduce_sum(diagonal, -1)
        if k < 2:
            raise ValueError("an estimate from one axis has no off-diagonal entries: k >= 2")
        per_sample = (n / k * tf.reduce_sum(diagonal, -1)
                      + n * (n - 1) / (k * (k - 1)) * off_diagonal)
    else:
        per_sample = tf.reduce_sum(squares, axis=[-2, -1])
    return _mean(per_sample)


# Salimans et al. 2016 (arXiv 1606.03498), Section 5: a classifier with K logits l(x) and an
# implicit generated class of logit 0, so that D(x) = Z(x) / (Z(x) + 1), Z = sum_k exp l_k.
def supervised_cross_entropy(logits, labels):
    """L_supervised = -E log p(y | x, y < K + 1): the K-way softmax cross-entropy."""
    return _mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.cast(labels, tf.int32), logits=tf.cast(logits, tf.float32)))


def semi_supervised_discriminator_loss(unlabelled_logits, fake_logits):
    """L_unsupervised = -E_x log D(x) - E_z log(1 - D(G(z))) with D = Z / (Z + 1): with
    s = logsumexp(l), -log D = softplus(s) - s and -log(1 - D) = softplus(s)."""
    real = tf.reduce_logsumexp(tf.cast(unlabelled_logits, tf.float32), axis=-1)
    fake = tf.reduce_logsumexp(tf.cast(fake_logits, tf.float32), axis=-1)
    return _mean(tf.nn.softplus(real) - real) + _mean(tf.nn.softplus(fake))


def feature_matching_loss(real_features, fake_features):
    """||E f(x) - E f(G(z))||^2 / d (Section 3.1), the squared difference of the batch means
    averaged over the d features, as the authors' MNIST code has it. Both arguments hold
    the whole batch (the means couple it)."""
    real = tf.reduce_mean(tf.cast(real_features, tf.float32), axis=0)
    fake = tf.reduce_mean(tf.cast(fake_features, tf.float32), axis=0)
    return tf.reduce_mean(tf.square(real - fake))
