"""The energy and margin family: EBGAN, BEGAN, MAGAN and the loss-sensitive GAN.

EBGAN, BEGAN and MAGAN share one discriminator, an autoencoder whose reconstruction error
is the energy of a sample (`AutoencoderGAN.autoencode`, `losses.autoencoder_energy`); MAGAN is
EBGAN with an adaptive margin and so subclasses it. The loss-sensitive GAN scores samples with
a non-negative loss function L_theta and asks real samples to beat generated ones by a
data-dependent margin.

State that changes during training (BEGAN's k_t, MAGAN's margin and its epoch sums) lives in
non-trainable weights of the model, created with `only_first_replica` aggregation: the Run's
checkpoint (`model=...`) saves them, a resumed run continues them, and they are updated once
per training step, after the generator update, from whole-global-batch means
(`replicas.global_mean`), so every replica computes the same new value and one and N replicas
agree.
"""
import keras
import tensorflow as tf

from tfgan_variants import config_base, data, losses, networks, penalties
from tfgan_variants.errors import ConfigError
from tfgan_variants.models.base import GAN
from tfgan_variants.networks import autoencoder
from tfgan_variants.replicas import global_batch, global_mean


def mixture_margin_and_noise(dataset):
    """(margin m, instance noise s_0) for the mean-square-energy critics (EBGAN, MAGAN) on a
    2-D mixture whose nearest modes are s apart (`data.mixture_spacing`): m = (0.4 s)^2 / 2,
    s_0 = s / 4.

    An autoencoder that sends a point to its nearest mode gives it the energy d^2 / 2 (the
    mean square of two coordinates) at distance d from it, so this m is that energy 0.4 s
    from a mode: D raises the energy of generated points up to there, short of the midpoint
    between two modes. A margin set for grid25 (0.5, d = 1 = s / 2) equals the energy of
    ring8's centre, 1 from every mode, where G then collapsed. Noise of a quarter of the
    spacing widens the modes for D without merging neighbours; ring8 under grid25's s_0 1 is
    one blob around the origin for most of the run. Both scales were found on the two
    mixtures (docs/TUNING.md).
    """
    spacing = data.mixture_spacing(dataset)
    return (0.4 * spacing) ** 2 / 2, spacing / 4


def use_mixture_setting(config, dataset):
    """The 2-D setting EBGAN and MAGAN share (their configs say why): the margin and the
    instance noise of `mixture_margin_and_noise`, a 2-d code, two D updates per G update and
    Adam 2e-3 decayed to 0 (WGAN-GP's 2-D rate)."""
    margin, noise = mixture_margin_and_noise(dataset)
    config.hparams.update({"margin": margin, "n_critic": 2})
    config.networks.code_dim = 2
    config.train.instance_noise = noise
    config_base.use_optimizer(config, config_base.adam(2e-3, decay="linear"))


class AutoencoderGAN(GAN):
    """A GAN whose discriminator is an autoencoder `samples -> [reconstruction, code]`
    (`networks.autoencoder`) and whose discriminator output is an energy: the per-example
    reconstruction error, mean squared ('l2') or mean absolute ('l1', `energy_norm`).

    Variants with a scalar that evolves over training (BEGAN, MAGAN) set `stateful` and
    implement `update_state`: it runs once per training step, after the generator update,
    with global-batch mean energies: of the real and generated samples of the step's last
    discriminator update, and of the generator update's samples.
    """

    energy_norm = "l2"
    metric_names = GAN.metric_names + ("real_energy", "fake_energy")

    @classmethod
    def build_networks(cls, config, data_shape, latent_dim):
        generator, _ = networks.build(config, data_shape, latent_dim)  # checks the config
        return {"generator": generator, "discriminator": autoencoder.build(config, data_shape)}

    def _state(self, name, value=0.0):
        """A non-trainable scalar of the model: checkpointed, equal on every replica."""
        return self.add_weight(name=name, shape=(), trainable=False,
                               initializer=keras.initializers.Constant(value),
                               aggregation="only_first_replica")

    def autoencode(self, samples):
        """(per-example energies [batch], encoder codes [batch, code_dim]) of T(samples),
        their augmentation (`GAN.augment`), which is also what the autoencoder must
        reconstruct."""
        samples = self.augment(samples)
        reconstruction, code = self.discriminator(samples, training=True)
        return losses.autoencoder_energy(samples, reconstruction, self.energy_norm), code

    def energy(self, samples):
        return self.autoencode(samples)[0]

    def discriminator_energies(self, context):
        """(energies of the update's real and fake inputs, logs with their batch means)."""
        real, fake = context.discriminator_inputs()
        real_energy, fake_energy = self.energy(real), self.energy(fake)
        return real_energy, fake_energy, {"real_energy": tf.reduce_mean(real_energy),
                                          "fake_energy": tf.reduce_mean(fake_energy)}

    # -- once-per-step state
    #: True for a variant with state updated once per step by `update_state`.
    stateful = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.stateful:  # the last discriminator update's global mean energies
            self._step_real_energy = self._state("step_real_energy")
            self._step_fake_energy = self._state("step_fake_energy")

    def update_state(self, real_energy, fake_energy, generator_energy):
        """Updates the variant's state; returns scalars to log. Runs once per step."""
        raise NotImplementedError

    def after_critic_update(self, context, logs):
        if self.stateful:
            self._step_real_energy.assign(global_mean(logs["real_energy"]))
            self._step_fake_energy.assign(global_mean(logs["fake_energy"]))

    def after_generator_update(self, context, logs):
        if self.stateful:
            return self.update_state(self._step_real_energy, self._step_fake_energy,
                                     global_mean(logs["g_loss"]))
        return None


class EBGAN(AutoencoderGAN):
    """Energy-based GAN (Zhao et al. 2016, arXiv 1609.03126).

    D is an autoencoder with energy D(x) = MSE(Dec(Enc(x)), x) per example. With margin m,
        L_D = E[D(x)] + E[max(0, m - D(G(z)))]             (Eq. 1),
        L_G = E[D(G(z))] + lambda_PT * PT                   (Eq. 2 with Eq. 4),
    PT = 1/(N(N-1)) sum_{i != j} cos^2(S_i, S_j) over the encoder codes S of the generated
    batch (the generator's update only). PT couples the batch, so it is computed on the codes
    of the global batch, gathered from every replica (`global_batch`).

    Args:
        margin: m (10 on MNIST, 20 on CelebA, 80 on LSUN in the paper). The paper's energy
            is the norm ‖Dec(Enc(x)) - x‖, this one its square over the number of elements:
            m 10 on 784 pixels is a per-pixel MSE of 100 / 784 = 0.13, 0.51 for images in
            [-1, 1] if the paper's were in [0, 1]. configs/ebgan.py uses 0.3.
        pt_weight: lambda_PT (0.1); 0 drops the term.
    """

    metric_names = AutoencoderGAN.metric_names + ("pulling_away",)

    def __init__(self, generator, discriminator, latent_dim, *, margin=10.0, pt_weight=0.1,
                 **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.pt_weight = float(pt_weight)
        self._margin = float(margin)

    @property
    def margin(self):
        return self._margin

    def discriminator_objective(self, context):
        real_energy, fake_energy, logs = self.discriminator_energies(context)
        loss = losses.margin_discriminator_loss(real_energy, fake_energy, self.margin)
        return loss, {"d_loss": loss, **logs}

    def generator_objective(self, context):
        fake_energy, codes = self.autoencode(context.fake)
        loss = losses.energy_generator_loss(fake_energy)
        pt = (losses.pulling_away_term(global_batch(codes)) if self.pt_weight
              else tf.constant(0.0))
        return loss + self.pt_weight * pt, {"g_loss": loss, "pulling_away": pt}


class BEGAN(AutoencoderGAN):
    """Boundary equilibrium GAN (Berthelot et al. 2017, arXiv 1703.10717, Eq. 4).

    D is an autoencoder with L(v) = mean |v - D(v)| per example (`energy` 'l1', the paper's
    eta = 1);
        L_D = L(x) - k_t L(G(z_D)),   L_G = L(G(z_G)),
        k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z_G))), 0, 1),   k_0 = 0,
    and the convergence measure M_global = L(x) + |gamma L(x) - L(G(z_G))| (Section 3.4.1) is
    logged as `convergence`. k_t is a checkpointed weight, updated once per training step
    after the generator update, from global-batch means: L(x) of the step's (last)
    discriminator update and L(G(z_G)) of the generator update. The paper evaluates all three
    losses with the same D before either update; here L(G(z_G)) sees D after its update, as
    the engine updates D first.

    The paper halves the learning rate "when the measure of convergence stalls"
    (Section 4.1) without a rule for when; here M_global is averaged over windows of
    `stall_window` steps, and both learning rates are halved after a window whose mean is
    not below (1 - `stall_tolerance`) times the lowest earlier window mean. The scale, the
    window's running sum and the lowest mean are checkpointed weights; `lr_scale` is logged.

    `energy` 'batch_l2' is the energy of hwalsuklee/tensorflow-generative-model-collections'
    BEGAN, the L2 norm of the whole batch's reconstruction error, ||V - D(V)||_F / B, here as
    the root mean square over the (global) batch and the data dimensions, sqrt(N / B) times
    smaller (N values per example): one value for the batch, not a mean of per-example ones.
    Each example's gradient is its error over the batch's total error, so it grows as the
    batch is reconstructed better, where L1's is fixed at sign(v - D(v)) / N.

    Args:
        gamma: diversity ratio (0.5). lambda_k: the proportional gain of k (1e-3).
        k_0: initial k (0). stall_window: steps per window of M_global (0: never halve).
        stall_tolerance: the relative fall of the window mean that is not a stall.
        energy: 'l1' (the paper's) or 'batch_l2' (above).
    """

    ENERGIES = ("l1", "batch_l2")
    energy_norm = "l1"
    stateful = True
    metric_names = AutoencoderGAN.metric_names + ("k_t", "convergence", "lr_scale")

    def __init__(self, generator, discriminator, latent_dim, *, gamma=0.5, lambda_k=1e-3,
                 k_0=0.0, stall_window=0, stall_tolerance=0.0, energy="l1", **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        if energy not in self.ENERGIES:
            raise ConfigError(f"BEGAN's energy must be one of {self.ENERGIES}, got {energy!r}")
        self.batch_energy = energy == "batch_l2"
        if self.batch_energy:
            self.energy_norm = "l2"
        if not 0.0 <= k_0 <= 1.0:
            raise ConfigError(f"k_0 must lie in [0, 1], got {k_0}")
        if stall_window < 0 or not 0.0 <= stall_tolerance < 1.0:
            raise ConfigError("stall_window must be >= 0 and stall_tolerance in [0, 1), got "
                             f"{stall_window} and {stall_tolerance}")
        self.gamma = float(gamma)
        self.lambda_k = float(lambda_k)
        self.k = self._state("k", k_0)
        self.stall_window = int(stall_window)
        self.stall_tolerance = float(stall_tolerance)
        self.learning_rate_scale = self._state("lr_scale", 1.0)
        self.window_sum = self._state("window_sum")
        self.best_window_mean = self._state("best_window_mean", float("inf"))

    def energy(self, samples):
        """Per-example energies; with 'batch_l2' the batch's one value, given to each example
        (every mean over the batch is then that value)."""
        energies = super().energy(samples)
        if not self.batch_energy:
            return energies
        return tf.ones_like(energies) * tf.sqrt(tf.reduce_mean(global_batch(energies)))

    def discriminator_objective(self, context):
        real_energy, fake_energy, logs = self.discriminator_energies(context)
        loss = losses.began_discriminator_loss(real_energy, fake_energy, self.k)
        return loss, {"d_loss": loss, **logs}

    def generator_objective(self, context):
        loss = losses.energy_generator_loss(self.energy(context.fake))
        return loss, {"g_loss": loss}

    def update_state(self, real_energy, fake_energy, generator_energy):
        """k and M_global from L(x) and L(G(z_G)); D's generated batch is not used."""
        real_energy, fake_energy = tf.identity(real_energy), generator_energy
        convergence = losses.began_convergence(real_energy, fake_energy, self.gamma)
        self.k.assign(losses.began_k_update(self.k, real_energy, fake_energy, self.gamma,
                                            self.lambda_k))
        if self.stall_window:
            self._halve_learning_rate_on_stall(convergence)
        return {"k_t": tf.identity(self.k), "convergence": convergence,
                "lr_scale": tf.identity(self.learning_rate_scale)}

    def _halve_learning_rate_on_stall(self, convergence):
        """Windows are aligned on the step counter: a window ends with step index
        stall_window - 1, 2 stall_window - 1, ..."""
        total = self.window_sum + convergence
        window_ends = tf.equal((self.step + 1) % self.stall_window, 0)
        mean = total / self.stall_window
        best = self.best_window_mean
        stalled = window_ends & (mean > (1.0 - self.stall_tolerance) * best)
        scale = self.learning_rate_scale
        scale.assign(tf.where(stalled, 0.5 * scale, scale))
        best.assign(tf.where(window_ends, tf.minimum(best, mean), best))
        self.window_sum.assign(tf.where(window_ends, 0.0, total))


class MAGAN(EBGAN):
    """Margin adaptation GAN (Wang et al. 2017, arXiv 1704.03817, Algorithm 1).

    EBGAN's losses without PT, E the per-example L2 (mean squared) reconstruction error:
        L_D = E[E(x)] + E[max(0, m - E(G(z)))],   L_G = E[E(G(z))].
    The autoencoder is first pre-trained on real data alone; m then becomes the mean real
    energy, and after every later epoch m is set to that epoch's mean real energy if (i) the
    epoch's summed fake energy rose over the previous epoch's, (ii) the summed real energy is
    below the summed fake energy, and (iii) the mean real energy is below m (m only falls).

    Step-based equivalent of the paper's epochs: an "epoch" is `epoch_steps` training steps
    (set it to the dataset size over the batch size for the paper's epochs); pre-training is
    the first `pretrain_epochs` of them, during which L_D = E[E(x)] and the generator's loss
    is multiplied by 0 (its update is exactly zero with Adam/Adamax, whose moments stay 0).
    The epoch sums add the global-batch mean energies of each step's last discriminator
    update, i.e. the per-example sums divided by the constant batch size, which leaves every
    comparison of the rule unchanged; m, the sums and the previous epoch's fake sum are
    checkpointed weights. Before the first adaptation m is the `margin` argument (used only
    when pretrain_epochs is 0). No comparison is made for the first adversarial epoch, which
    has no predecessor.

    Args:
        margin: initial m. epoch_steps: steps per epoch. pretrain_epochs: 2 in the paper.
    """

    stateful = True
    metric_names = AutoencoderGAN.metric_names + ("pulling_away", "margin")

    def __init__(self, generator, discriminator, latent_dim, *, margin=1.0, epoch_steps=1000,
                 pretrain_epochs=2, pt_weight=0.0, **kwargs):
        super().__init__(generator, discriminator, latent_dim, margin=margin,
                         pt_weight=pt_weight, **kwargs)
        if epoch_steps < 1 or pretrain_epochs < 0:
            raise ConfigError("epoch_steps must be >= 1 and pretrain_epochs >= 0, got "
                             f"{epoch_steps}, {pretrain_epochs}")
        self.epoch_steps = int(epoch_steps)
        self.pretrain_steps = int(pretrain_epochs) * self.epoch_steps
        self.margin_variable = self._state("margin", margin)
        self.epoch_real_sum = self._state("epoch_real_sum")
        self.epoch_fake_sum = self._state("epoch_fake_sum")
        self.previous_fake_sum = self._state("previous_fake_sum", float("inf"))

    @classmethod
    def critic_only_steps(cls, steps, hparams):
        pretrain = cls.hparam(hparams, "pretrain_epochs") * cls.hparam(hparams, "epoch_steps")
        return min(steps, pretrain)

    @property
    def margin(self):
        return self.margin_variable

    def adversarial(self):
        """1.0 once pre-training is over, 0.0 during it, at the current step."""
        return tf.cast(self.step >= self.pretrain_steps, tf.float32)

    def discriminator_objective(self, context):
        real_energy, fake_energy, logs = self.discriminator_energies(context)
        hinge = losses.margin_discriminator_loss(0.0, fake_energy, self.margin)
        loss = losses.energy_generator_loss(real_energy) + self.adversarial() * hinge
        return loss, {"d_loss": loss, **logs}

    def generator_objective(self, context):
        loss, logs = super().generator_objective(context)
        return self.adversarial() * loss, logs

    def update_state(self, real_energy, fake_energy, generator_energy):
        """Epoch sums and the margin rule, from the discriminator update's energies."""
        step = self.step
        real_sum = self.epoch_real_sum + real_energy
        fake_sum = self.epoch_fake_sum + fake_energy
        epoch_end = tf.equal((step + 1) % self.epoch_steps, 0)
        mean_real = real_sum / self.epoch_steps
        pretrained = tf.equal(step + 1, self.pretrain_steps)
        adapt = tf.logical_and(tf.logical_and(fake_sum > self.previous_fake_sum,
                                              real_sum < fake_sum), mean_real < self.margin)
        adapt = tf.logical_and(adapt, step >= self.pretrain_steps)
        margin = tf.where(epoch_end & (pretrained | adapt), mean_real, self.margin)
        adversarial_end = epoch_end & (step >= self.pretrain_steps)
        self.previous_fake_sum.assign(tf.where(adversarial_end, fake_sum,
                                               self.previous_fake_sum))
        self.margin_variable.assign(margin)
        self.epoch_real_sum.assign(tf.where(epoch_end, 0.0, real_sum))
        self.epoch_fake_sum.assign(tf.where(epoch_end, 0.0, fake_sum))
        return {"margin": tf.identity(self.margin_variable)}


class LossSensitiveGAN(GAN):
    """Loss-sensitive GAN and its generalisation GLS-GAN (Qi 2017, arXiv 1701.06264).

    The discriminator is a loss function L_theta(x) = ReLU(D(x)) >= 0 (the ReLU applied to
    the network's output here, so any critic network qualifies; `activation='softplus'`
    is a smooth alternative, also >= 0, without ReLU's dead zone, where L and G both lose
    their gradient). With the margin
    Delta(x, G(z)) = tau ‖x - G(z)‖_1 between row i of the real and of the generated batch,
        L_D = gamma E[L(x)] + lambda E[C(Delta + L(x) - L(G(z)))] + (wd / 2) ‖theta‖^2,
        L_G = E[L(G(z))]                                                   (Eqs. 5-6),
    C(a) = max(a, 0) + nu min(a, 0): nu 0 is LS-GAN, nu 1 WGAN (Section 6). Weight decay
    on L_theta is an explicit L2 term on all of D's trainable weights in the objective D
    minimises (the coupled form of Torch's `weightDecay`, gradient wd * theta), so it acts
    with any optimizer. gamma 0 follows the authors' unconditional code.

    The theory assumes a Lipschitz L_theta; weight decay is the paper's way to keep it so.
    The alternative the paper names (arXiv 1701.06264v1, Section 5: "directly minimize the
    gradient norm ‖grad_x L_theta(x)‖ as a regularizer"), which the authors' later LS-GAN-GP
    code uses, is the optional term gp_weight E[(‖grad_x L_theta(x_hat)‖ - 1)^2] at
    x_hat = x + a (G(z) - x), a ~ U[0, 1] per example (`penalties.gradient_penalty`), added
    to L_D and logged as `gradient_penalty`; 0 (the default) is off and draws nothing.

    Args:
        tau: the margin's scale (2e-4 for images). lambda_weight: lambda. gamma: weight of
        E[L(x)]. slope: nu. weight_decay: wd. activation: 'relu' (the paper) or 'softplus'.
        gp_weight: weight of the gradient-norm penalty on L_theta (0: off, logged as 0).
    """

    metric_names = GAN.metric_names + ("margin", "gradient_penalty")
    ACTIVATIONS = {"relu": tf.nn.relu, "softplus": tf.nn.softplus}

    def __init__(self, generator, discriminator, latent_dim, *, tau=2e-4, lambda_weight=1.0,
                 gamma=0.0, slope=0.0, weight_decay=5e-4, activation="relu", gp_weight=0.0,
                 **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        if activation not in self.ACTIVATIONS:
            raise ConfigError(f"activation must be one of {sorted(self.ACTIVATIONS)}, "
                             f"got {activation!r}")
        self.activation = self.ACTIVATIONS[activation]
        self.tau = float(tau)
        self.lambda_weight = float(lambda_weight)
        self.gamma = float(gamma)
        self.slope = float(slope)
        self.weight_decay = float(weight_decay)
        if gp_weight < 0:
            raise ConfigError(f"gp_weight must be >= 0, got {gp_weight}")
        self.gp_weight = float(gp_weight)

    def loss_function(self, samples, training=True):
        """L_theta(x) = ReLU(D(x)) (or softplus), per example."""
        output = tf.cast(self.discriminate(samples, training=training), tf.float32)
        return self.activation(tf.reshape(output, [tf.shape(output)[0]]))

    def discriminator_objective(self, context):
        real, fake = context.discriminator_inputs()
        margin = losses.l1_margin(real, fake, self.tau)
        loss = losses.loss_sensitive_discriminator_loss(
            self.loss_function(real), self.loss_function(fake), margin, self.lambda_weight,
            self.gamma, self.slope)
        decay = 0.5 * self.weight_decay * tf.add_n(
            [tf.reduce_sum(tf.square(tf.cast(w, tf.float32)))
             for w in self.discriminator.trainable_variables])
        if not self.gp_weight:  # off: no draw, and the penalty is 0
            return loss + decay, {"d_loss": loss, "margin": tf.reduce_mean(margin),
                                  "gradient_penalty": tf.constant(0.0)}
        points = penalties.interpolate(real, fake, self.random_uniform([tf.shape(real)[0]]))
        penalty = penalties.gradient_penalty(self.loss_function, points)
        return loss + decay + self.gp_weight * penalty, {
            "d_loss": loss, "margin": tf.reduce_mean(margin), "gradient_penalty": penalty}

    def generator_objective(self, context):
        loss = losses.energy_generator_loss(self.loss_function(context.fake))
        return loss, {"g_loss": loss}
