"""The training engine: the `GAN` base class and its one update path.

A training step runs the updates of `GAN.schedule`: `n_critic` critic updates, then one
generator update (`Update`). Each is applied by `GAN.apply_update`, the only place that
opens a gradient tape, scales the loss, checks it, applies the gradients and runs what
follows. A variant declares what differs:

* a loss-only variant overrides `discriminator_loss` and `generator_loss`;
* one that adds a term or reads more than D's outputs overrides `discriminator_objective`
  or `generator_objective`, functions of the update's `Context`;
* one with state or a constraint after an update overrides `after_critic_update` or
  `after_generator_update`; one with other variables, losses or a skip rule overrides
  `critic_update` or `generator_update` (or `schedule`).

Three properties hold for every variant because they live here:

* Distribution: Keras' `apply_gradients` all-reduce *sums* gradients over replicas, so each
  replica's loss (a mean over its slice of the batch) is scaled by 1/num_replicas before
  differentiation (`replicas.per_replica`). The sum is then the gradient of the global-batch
  mean, and one replica and N replicas with the same global batch make the same update.
* Randomness: every draw (latent noise, interpolation coefficients, dropout masks, ...) is
  a stateless function of (seed, training step, draw index). A draw generates the values for
  the whole global batch and each replica keeps its own slice, so replicas get different
  noise, and the noise of a global batch does not depend on how many replicas share it.
  The step counter is checkpointed, so restoring a checkpoint restores the random stream.
* Real data: the batch a step receives holds one slice of real data per update that uses
  it (`Update.uses_real`): n_critic for the critic (Gulrajani et al. 2017, Algorithm 1;
  Arjovsky et al. 2017, Algorithm 1), plus one for a generator objective that reads data.
  Slices are strided (rows k, k + slices, ...), so the k-th global slice is the same
  whatever the replica count. A semi-supervised model (`needs_labels`) also gets a batch of
  labelled examples per step, which every update of the step may read.
* Classes: a class-conditional model (`conditional_classes` > 0, a variant that declares
  `class_conditional`) gets (images, labels) batches whose labels are sliced with the images.
  G and D are then called on [x, label] through `generate` and `discriminate`, and the classes
  of G's samples are `Context.fake_labels`.

Two recipes apply to every variant from here: differentiable augmentation of D's inputs in
`discriminate` (`augment.py`), and an average of G's weights kept after every step and
sampled within `averaged()` (`averaging.py`).
"""
import contextlib
import functools
import inspect
import threading

import keras
import tensorflow as tf

from tfgan_variants import augment as augment_module, averaging, distribution, networks, replicas
from tfgan_variants.errors import ConfigError
from tfgan_variants.models.guard import DivergenceGuard
from tfgan_variants.models.update import Context, Update


class _DrawCounter(threading.local):
    """Index of the next random draw within a step. Thread-local because MirroredStrategy
    traces each replica's step in its own thread, interleaved at synchronisation points."""

    index = 0


def _real_slices(schedule):
    """Slices of real data a step of `schedule` takes: one per update that uses real data."""
    return sum(update.uses_real for update in schedule)


class GAN(keras.Model):
    """A generator G and a discriminator D trained against each other.

    Args:
        generator: a `keras.Model` mapping latent vectors [batch, latent_dim] to samples.
        discriminator: a `keras.Model` mapping samples to its raw output (logit, critic
            value or feature vector).
        latent_dim: dimension of z ~ N(0, I).
        n_critic: discriminator updates per generator update.
        generator_batch_multiplier: the generator step uses this many times the
            discriminator's batch (SN-GAN's ResNet setting uses 2).
        seed: seed of the stateless random stream.
        instance_noise: initial std s_0 of the instance noise added to D's real and generated
            inputs in the discriminator step (Sonderby et al. 2016, arXiv 1610.04490;
            Arjovsky & Bottou 2017, arXiv 1701.04862), annealed linearly to 0 at the last of
            `instance_noise_steps` steps. 0 (the default) is off and draws nothing.
        instance_noise_steps: the length of the run, needed when instance_noise > 0.
        metric_names: what this instance logs, when its hyperparameters switch off a
            term of its class's `metric_names` (the term then is neither computed nor
            shown as a 0 in TensorBoard); None logs the class's.
        conditional_classes: K > 0 for a class-conditional model, whose G and D take
            [x, label] (`networks.build` with num_classes K); 0 (the default) for an
            unconditional one.
        augment: a DiffAugment policy ('translation,cutout,color', `augment.parse_policy`)
            applied to every input of D in training mode (`discriminate`); '' is off.
        averaged_generator: a second network of G's architecture that holds the exponential
            moving average of G's weights (`averaging.py`); None keeps no average.
        ema_decay: beta of the average, theta_EMA <- beta theta_EMA + (1 - beta) theta.
        ema_start: the training step from which G is averaged; a copy of G before it.
        ema_standing_batches: batches of the averaged generator's own samples its batch-norm
            statistics are recomputed on before each use (0: G's statistics, copied).
    """

    #: Names of the scalars the model logs; a variant that logs more extends this tuple.
    metric_names = ("d_loss", "g_loss")
    #: True when the generator's objective compares G(z) with data (Softmax GAN, MMD-GAN,
    #: Cramér GAN, ...): its update then gets a slice of real data, `context.real`.
    generator_needs_real = False
    #: A checkpointed scalar weight that both optimizers' learning rates are multiplied by
    #: (`optimizers.make_optimizer`), for a variant that adapts them as it trains (BEGAN);
    #: None keeps the configured rates.
    learning_rate_scale = None
    #: True when every objective of the variant calls G and D through `generate` /
    #: `fake_samples` and `discriminate`, so that it trains class-conditionally
    #: (`conditional_classes` > 0, --config.data.conditional); other variants refuse it.
    class_conditional = False
    #: True for a semi-supervised model: a step's batch is then (real, (images, labels)),
    #: the second a batch of the labelled subset (`labelled.py`), read as `context.labelled`.
    needs_labels = False
    #: False when XLA makes this variant's step slower, not faster, on a CPU; the benchmarks'
    #: --xla then leaves it uncompiled (`train.jit_compile` still applies when set by hand).
    xla_speeds_up = True
    #: False when XLA cannot differentiate the variant's step: `train.jit_compile` is then
    #: refused with a one-line error rather than failing inside the first step.
    xla_compiles = True

    @classmethod
    def hparam(cls, hparams, name):
        """`hparams[name]`, else the default of the keyword `name` of the first __init__ in
        the method resolution order that declares it (what the variant is built with)."""
        if name in hparams:
            return hparams[name]
        for klass in cls.__mro__:
            parameter = inspect.signature(klass.__init__).parameters.get(name)
            if parameter is not None and parameter.default is not inspect.Parameter.empty:
                return parameter.default
        raise KeyError(f"{cls.__name__} has no hyperparameter {name!r}")

    @classmethod
    def critic_only_steps(cls, steps, hparams):
        """How many of a run's first `steps` training steps make no generator update (a
        variant's pre-training or critic warm-up), built with `hparams`. None here."""
        return 0

    @classmethod
    def steps_for_generator_updates(cls, updates, hparams):
        """The training steps of a run that makes `updates` generator updates: `updates` plus
        the critic-only steps among them (`critic_only_steps`)."""
        steps = updates
        while steps - cls.critic_only_steps(steps, hparams) < updates:
            steps = updates + cls.critic_only_steps(steps, hparams)
        return steps

    def __init__(self, generator, discriminator, latent_dim, *, n_critic=1,
                 generator_batch_multiplier=1, seed=0, instance_noise=0.0,
                 instance_noise_steps=None, metric_names=None, conditional_classes=0,
                 augment="", averaged_generator=None, ema_decay=0.999, ema_start=0,
                 ema_standing_batches=0, **kwargs):
        super().__init__(**kwargs)
        if conditional_classes and not self.class_conditional:
            raise ConfigError(f"{type(self).__name__} has no class-conditional form")
        if n_critic < 1:
            raise ConfigError(f"n_critic must be >= 1, got {n_critic}")
        if instance_noise < 0 or (instance_noise > 0 and not instance_noise_steps):
            raise ConfigError("instance_noise must be >= 0, and > 0 needs instance_noise_steps "
                             f"(got {instance_noise}, {instance_noise_steps})")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.n_critic = int(n_critic)
        self.generator_batch_multiplier = int(generator_batch_multiplier)
        self.seed = int(seed)
        self.instance_noise = float(instance_noise)
        self.instance_noise_steps = instance_noise_steps
        self.conditional_classes = int(conditional_classes)
        self.augment_policy = augment_module.parse_policy(augment)
        if not 0.0 <= ema_decay < 1.0 or ema_start < 0 or ema_standing_batches < 0:
            raise ConfigError("ema_decay must be in [0, 1), ema_start and ema_standing_batches "
                              f">= 0 (got {ema_decay}, {ema_start}, {ema_standing_batches})")
        if averaged_generator is not None:
            averaging.check_same_architecture(averaged_generator, generator)
            averaging.copy(averaged_generator, generator)
            averaged_generator.trainable = False
        self.averaged_generator = averaged_generator
        self.ema_decay = float(ema_decay)
        self.ema_start = int(ema_start)
        self.ema_standing_batches = int(ema_standing_batches)
        if metric_names is not None:
            self.metric_names = tuple(metric_names)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.metric_names}
        # Completed training steps. Not g_optimizer.iterations: a loss-scale optimizer does
        # not advance it when it skips an overflowing update, and WGAN's warm-up undoes
        # generator updates.
        self.steps_done = self.add_weight(name="step", shape=(), dtype="int64",
                                          initializer="zeros", trainable=False,
                                          aggregation="only_first_replica")
        self.guard = DivergenceGuard()
        self._draws = _DrawCounter()
        self.built = True  # G and D are built keras Models; `call` needs nothing more.

    # ----------------------------------------------------------------- set-up
    @classmethod
    def build_networks(cls, config, data_shape, latent_dim, num_classes=0):
        """The networks the constructor takes, by keyword, from a `config.networks` block.

        `build.build_model` calls this and passes the dict to the constructor. The default
        is G and D of `networks.build` (class-conditional with num_classes > 0, which only
        a `class_conditional` variant is given); a variant with more networks (MMD-GAN's
        decoder, an encoder, a Q head) adds them here and lists their variables in
        `critic_variables` or `generator_variables`.
        """
        generator, discriminator = networks.build(config, data_shape, latent_dim, num_classes)
        return {"generator": generator, "discriminator": discriminator}

    @property
    def critic_variables(self):
        """What `d_optimizer` trains: D, and any other network that belongs to the critic."""
        return self.discriminator.trainable_variables

    @property
    def generator_variables(self):
        """What `g_optimizer` trains: G, and any other network trained with it."""
        return self.generator.trainable_variables

    def compile(self, g_optimizer, d_optimizer, **kwargs):
        """Keeps both optimizers and builds their slots now, outside any replica function."""
        super().compile(**kwargs)
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer
        g_optimizer.build(self.generator_variables)
        d_optimizer.build(self.critic_variables)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, z, training=False):
        return self.generate(z, training=training)

    # ----------------------------------------------------------------- randomness
    @property
    def step(self):
        """Completed training steps; within a step, the index of the step being run. (A
        step is n_critic critic updates and one generator update, which WGAN's warm-up
        may undo, so steps are not always generator updates.)"""
        return self.steps_done

    def _next_seed(self):
        """A stateless seed unique to (seed, step, draw index within the step)."""
        seed = tf.random.experimental.stateless_fold_in(
            tf.constant([self.seed, 0x5eed], tf.int64), self.step)
        seed = tf.random.experimental.stateless_fold_in(seed, self._draws.index)
        self._draws.index += 1
        return seed

    def _draw(self, sampler, shape, dtype=tf.float32):
        """Draws `shape` for this replica: its slice of one draw for the global batch."""
        replica, replicas_in_sync = replicas.replica_context()
        batch = shape[0]
        values = sampler([batch * replicas_in_sync, *shape[1:]], seed=self._next_seed(),
                         dtype=dtype)
        return values[replica * batch:(replica + 1) * batch]

    def random_normal(self, shape):
        return self._draw(tf.random.stateless_normal, shape)

    def random_uniform(self, shape):
        return self._draw(tf.random.stateless_uniform, shape)

    def random_integers(self, shape, low, high):
        """int32 values uniform on low..high - 1."""
        return self._draw(functools.partial(tf.random.stateless_uniform, minval=low,
                                            maxval=high), shape, tf.int32)

    def shared_uniform(self, shape):
        """U[0, 1) values of `shape`, the same on every replica: a random choice that
        belongs to the whole step, not to one replica's rows."""
        return tf.random.stateless_uniform(shape, seed=self._next_seed())

    def sample_latent(self, batch_size):
        """z ~ N(0, I) of shape [batch_size, latent_dim]."""
        return self.random_normal([batch_size, self.latent_dim])

    def sample_labels(self, batch_size):
        """Classes uniform on 0..K-1, int32 [batch_size] (a conditional model)."""
        return self.random_integers([batch_size], 0, self.conditional_classes)

    def instance_noise_std(self):
        """s_t = s_0 max(0, 1 - t / (T - 1)): s_0 at step 0, 0 at the last step T - 1."""
        last = max(int(self.instance_noise_steps) - 1, 1)
        progress = tf.cast(self.step, tf.float32) / last
        return self.instance_noise * tf.maximum(0.0, 1.0 - progress)

    def add_instance_noise(self, samples):
        """samples + N(0, s_t^2), a fresh draw per call; samples unchanged when the noise is off."""
        if not self.instance_noise:
            return samples
        noise = self.random_normal([tf.shape(samples)[0], *samples.shape[1:]])
        return samples + self.instance_noise_std() * noise

    # ----------------------------------------------------------------- sampling and export
    def generate(self, z, training=False, labels=None):
        """Samples for latent vectors z [n, latent_dim], as `sample_latent` draws them, of
        the classes `labels` [n] for a conditional model. A variant whose generator takes
        more than z (codes, an input image) overrides this."""
        return self.generator(self._with_labels(z, labels), training=training)

    def discriminate(self, samples, labels=None, training=True):
        """D's raw output on `samples`, of the classes `labels` for a conditional model; in
        training mode on T(samples), their augmentation (`augment`)."""
        if training:
            samples = self.augment(samples)
        return self.discriminator(self._with_labels(samples, labels), training=training)

    def augment(self, samples):
        """T(samples), the run's DiffAugment policy with fresh draws (Zhao et al. 2020);
        samples unchanged when the policy is empty. A variant that calls its D otherwise than
        through `discriminate` augments what D reads, and what its objective compares with
        D's outputs, here."""
        if not self.augment_policy:
            return samples
        return augment_module.apply(samples, self.augment_policy, self)

    def _with_labels(self, x, labels):
        """A network's input: x, or [x, labels] for a conditional model."""
        if not self.conditional_classes:
            return x
        if labels is None:
            raise ValueError(f"this {type(self).__name__} is class-conditional: give labels")
        return [x, labels]

    def fake_samples(self, context):
        """G's samples for an update (`Context.fake`): `generate(context.z)` in training
        mode, of the classes `context.fake_labels` for a conditional model. A variant whose
        training samples are not those of `generate` overrides this."""
        if self.conditional_classes:
            return self.generate(context.z, training=True, labels=context.fake_labels)
        return self.generate(context.z, training=True)

    @contextlib.contextmanager
    def averaged(self):
        """Within, G is the average of its weights (`averaged_generator`), with its standing
        batch-norm statistics recomputed first: what the sample grids, the evaluations and
        `serving_default` use. Nothing changes without an average. G is swapped in as a
        plain attribute (no tracking), so that every variant's `generate` samples it."""
        average = self.averaged_generator
        if average is None:
            yield
            return
        raw = self.generator
        object.__setattr__(self, "generator", average)
        try:
            if self.ema_standing_batches:
                averaging.standing_statistics(average, self._standing_sample,
                                              self.ema_standing_batches, self.latent_dim)
            yield
        finally:
            object.__setattr__(self, "generator", raw)

    def _standing_sample(self, z):
        """G's samples of z in training mode, every class alike for a conditional model."""
        if not self.conditional_classes:
            return self.generate(z, training=True)
        labels = tf.range(tf.shape(z)[0]) % self.conditional_classes
        return self.generate(z, training=True, labels=labels)

    def update_average(self):
        """After a training step: one step of G's average (`averaging.update`), a copy of G
        before `ema_start`."""
        if self.averaged_generator is None:
            return
        decay = tf.where(self.step >= self.ema_start, self.ema_decay, 0.0)
        averaging.update(self.averaged_generator, self.generator, decay)

    @property
    def exported_networks(self):
        """The networks the SavedModel keeps: those `serving_endpoints` call."""
        return [self.generator]

    def serving_endpoints(self):
        """{signature name: (function of named tensors -> dict of outputs, input specs)} of
        the exported SavedModel. `serving_default` (z -> images) is the one eval.py loads; a
        variant may add signatures (InfoGAN's named codes, say)."""
        spec = tf.TensorSpec([None, self.latent_dim], tf.float32, name="z")
        if self.conditional_classes:
            def serve_class(z, label):
                return {"images": tf.cast(self.generate(z, labels=label), tf.float32)}

            label = tf.TensorSpec([None], tf.int32, name="label")
            return {"serving_default": (serve_class, [spec, label])}

        def serve(z):
            return {"images": tf.cast(self.generate(z), tf.float32)}

        return {"serving_default": (serve, [spec])}

    def pictures(self, real, is_2d):
        """Extra pictures written beside each sample grid: {name: HxWx3 uint8 array}, made
        from `real`, a fixed batch of data (reconstructions, code traversals, local edits).
        `is_2d` tells points from images (`visualize` draws both). None by default."""
        return {}

    # ----------------------------------------------------------------- objectives
    def discriminator_loss(self, real_output, fake_output):
        raise NotImplementedError

    def generator_loss(self, fake_output):
        raise NotImplementedError

    def discriminator_objective(self, context):
        """(loss D minimises, scalars to log) on the update's real and generated samples."""
        real, fake = context.discriminator_inputs()
        loss = self.discriminator_loss(self.discriminate(real, context.labels),
                                       self.discriminate(fake, context.fake_labels))
        return loss, {"d_loss": loss}

    def generator_objective(self, context):
        """(loss G minimises, scalars to log) on the update's generated samples."""
        loss = self.generator_loss(self.discriminate(context.fake, context.fake_labels))
        return loss, {"g_loss": loss}

    def after_critic_update(self, context, logs):
        """Runs after every critic update (WGAN clips the critic here); returns logs to add."""

    def after_generator_update(self, context, logs):
        """Runs after every generator update; returns logs to add."""

    # ----------------------------------------------------------------- the schedule
    def critic_update(self):
        return Update("d_loss", "d", self.critic_variables, self.discriminator_objective,
                      after=self.after_critic_update)

    def generator_update(self):
        return Update("g_loss", "g", self.generator_variables, self.generator_objective,
                      after=self.after_generator_update, uses_real=self.generator_needs_real,
                      batch_multiplier=self.generator_batch_multiplier)

    def schedule(self):
        """The updates of one training step, in order."""
        return [self.critic_update()] * self.n_critic + [self.generator_update()]

    @property
    def real_slices(self):
        """Slices of real data in a step's batch: one per update that uses real data."""
        return _real_slices(self.schedule())

    # ----------------------------------------------------------------- the step
    def apply_update(self, update, context):
        """Applies `update` (see `Update`) on `context`; returns its logs.

        Inside one tape: the objective, each loss scaled by 1/num_replicas and by the
        optimizer's loss scale under mixed_float16. Each loss is differentiated for its own
        variables, the losses are checked by the divergence guard, the gradients applied
        together, and `update.after` runs. With `update.skip`, the variables and optimizer
        slots are restored where it is true.
        """
        optimizer = {"d": self.d_optimizer, "g": self.g_optimizer}[update.optimizer]
        groups = update.variable_groups()
        variables = [v for group in groups.values() for v in group]
        if update.skip is not None:
            skip = update.skip()
            iterations = optimizer.iterations
            state = variables + [v for v in optimizer.variables if v is not iterations]
            saved = [tf.identity(v) for v in state]
        with tf.GradientTape(persistent=len(groups) > 1) as tape:
            losses, logs = update.objective(context)
            losses = losses if isinstance(losses, dict) else {None: losses}
            scaled = {key: optimizer.scale_loss(replicas.per_replica(loss))
                      for key, loss in losses.items()}
        grads = [g for key, group in groups.items() for g in tape.gradient(scaled[key], group)]
        del tape
        self.guard.check({update.loss_name(key): loss for key, loss in losses.items()},
                         self.step + 1)
        optimizer.apply_gradients(zip(grads, variables))
        if update.skip is not None:
            for variable, value in zip(state, saved):
                variable.assign(tf.where(skip, value, variable))
        if update.after is not None:
            logs.update(update.after(context, logs) or {})
        return logs

    def train_step(self, data):
        real, labelled = data if self.needs_labels else (data, None)
        real, labels = real if self.conditional_classes else (real, None)
        self._draws.index = 0
        schedule = self.schedule()
        slices = _real_slices(schedule)
        rows = tf.shape(real)[0] // slices
        logs, taken = {}, 0
        for update in schedule:
            sliced = update.uses_real and labels is not None
            context = Context(self, real[taken::slices] if update.uses_real else None,
                              rows * update.batch_multiplier, labelled=labelled,
                              labels=labels[taken::slices] if sliced else None)
            taken += update.uses_real
            logs.update(self.apply_update(update, context))
        self.update_average()
        self.steps_done.assign_add(1)
        unknown = set(logs) - set(self.trackers)
        if unknown:
            raise ValueError(f"{type(self).__name__} logs {sorted(unknown)}, which its "
                             f"metric_names {self.metric_names} lack; add them there")
        for name, value in logs.items():
            self.trackers[name].update_state(value)
        return distribution.step_outputs(
            {name: tracker.result() for name, tracker in self.trackers.items()})
