"""The training engine: one `GAN` base class with the one generic `train_step`.

A variant that only changes the objective overrides `discriminator_loss` and
`generator_loss`; one that adds a term (a gradient penalty, a consistency term) overrides
`discriminator_objective` or `generator_objective`; one with a different schedule or extra
state overrides the smallest hook that differs (`after_discriminator_update`, ...).

Three properties hold for every variant because they live here:

* Distribution: Keras' `apply_gradients` all-reduce *sums* gradients over replicas, so each
  replica's loss (a mean over its slice of the batch) is scaled by 1/num_replicas before
  differentiation. The sum is then the gradient of the global-batch mean, and one replica
  and N replicas with the same global batch make the same update.
* Randomness: every draw (latent noise, interpolation coefficients, ...) is a stateless
  function of (seed, training step, draw index). A draw generates the values for the whole
  global batch and each replica keeps its own slice, so replicas get different noise, and
  the noise of a global batch does not depend on how many replicas share it. Because the
  step is the generator optimizer's iteration count, restoring a checkpoint restores the
  random stream exactly.
* n_critic: the batch a step receives holds `n_critic` discriminator batches; each
  discriminator update gets its own slice of real data and fresh noise (Gulrajani et al.
  2017, Algorithm 1; Arjovsky et al. 2017, Algorithm 1). A generator objective that needs
  data gets one more slice (`real_slices` in all). Slices are strided (rows k,
  k + real_slices, ...), so the k-th global slice is the same whatever the replica count.
"""
import threading

import keras
import tensorflow as tf

from tfgan_variants import networks


#: The marker of the divergence guard's error (`GAN._update`), found by training.py.
DIVERGED = "non-finite loss"


class _DrawCounter(threading.local):
    """Index of the next random draw within a step. Thread-local because MirroredStrategy
    traces each replica's step in its own thread, interleaved at synchronisation points."""

    index = 0


def _replica_context():
    """(replica id, number of replicas), also outside any strategy."""
    context = tf.distribute.get_replica_context()
    if context is None:  # cross-replica context: behave like a single replica
        return 0, 1
    return context.replica_id_in_sync_group, context.num_replicas_in_sync


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
    """

    #: Names of the scalars the model logs; a variant that logs more extends this tuple.
    metric_names = ("d_loss", "g_loss")
    #: True when the generator's objective compares G(z) with data (MMD-GAN, Cramér GAN): a
    #: step's batch then holds one more slice of real data, for the generator update, and
    #: the objective is called as `generator_objective(fake, real)`.
    generator_needs_real = False
    #: A checkpointed scalar weight that both optimizers' learning rates are multiplied by
    #: (`training.make_optimizer`), for a variant that adapts them as it trains (BEGAN);
    #: None keeps the configured rates.
    learning_rate_scale = None

    def __init__(self, generator, discriminator, latent_dim, *, n_critic=1,
                 generator_batch_multiplier=1, seed=0, instance_noise=0.0,
                 instance_noise_steps=None, **kwargs):
        super().__init__(**kwargs)
        if n_critic < 1:
            raise ValueError(f"n_critic must be >= 1, got {n_critic}")
        if instance_noise < 0 or (instance_noise > 0 and not instance_noise_steps):
            raise ValueError("instance_noise must be >= 0, and > 0 needs instance_noise_steps "
                             f"(got {instance_noise}, {instance_noise_steps})")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.n_critic = int(n_critic)
        self.generator_batch_multiplier = int(generator_batch_multiplier)
        self.seed = int(seed)
        self.instance_noise = float(instance_noise)
        self.instance_noise_steps = instance_noise_steps
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.metric_names}
        # The model's own count of generator updates (not g_optimizer.iterations, which a
        # loss-scale optimizer does not advance when it skips an overflowing update).
        self.steps_done = self.add_weight(name="step", shape=(), dtype="int64",
                                          initializer="zeros", trainable=False,
                                          aggregation="only_first_replica")
        self._draws = _DrawCounter()
        self.built = True  # G and D are built keras Models; `call` needs nothing more.

    # ----------------------------------------------------------------- set-up
    @classmethod
    def build_networks(cls, config, data_shape, latent_dim):
        """The networks the constructor takes, by keyword, from a `config.networks` block.

        `training.build_model` calls this and passes the dict to the constructor. The default
        is G and D of `networks.build`; a variant with more networks (MMD-GAN's decoder, an
        encoder, a Q head) adds them here and lists their variables in `critic_variables` or
        `generator_variables`.
        """
        generator, discriminator = networks.build(config, data_shape, latent_dim)
        return {"generator": generator, "discriminator": discriminator}

    @property
    def critic_variables(self):
        """What `d_optimizer` trains: D, and any other network that belongs to the critic."""
        return self.discriminator.trainable_variables

    @property
    def generator_variables(self):
        """What `g_optimizer` trains: G, and any other network trained with it."""
        return self.generator.trainable_variables

    @property
    def real_slices(self):
        """Slices of real data in a step's batch: one per critic update (+ the generator's)."""
        return self.n_critic + int(self.generator_needs_real)

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
        return self.generator(z, training=training)

    # ----------------------------------------------------------------- randomness
    @property
    def step(self):
        """Completed training steps (= generator updates)."""
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
        replica, replicas = _replica_context()
        batch = shape[0]
        values = sampler([batch * replicas, *shape[1:]], seed=self._next_seed(), dtype=dtype)
        return values[replica * batch:(replica + 1) * batch]

    def random_normal(self, shape):
        return self._draw(tf.random.stateless_normal, shape)

    def random_uniform(self, shape):
        return self._draw(tf.random.stateless_uniform, shape)

    def sample_latent(self, batch_size):
        """z ~ N(0, I) of shape [batch_size, latent_dim]."""
        return self.random_normal([batch_size, self.latent_dim])

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
    def generate(self, z, training=False):
        """Samples for latent vectors z [n, latent_dim], as `sample_latent` draws them. A
        variant whose generator takes more than z (codes, an input image) overrides this."""
        return self.generator(z, training=training)

    @property
    def exported_networks(self):
        """The networks the SavedModel keeps: those `serving_endpoints` call."""
        return [self.generator]

    def serving_endpoints(self):
        """{signature name: (function of named tensors -> dict of outputs, input specs)} of
        the exported SavedModel. `serving_default` (z -> images) is the one eval.py loads; a
        variant may add signatures (InfoGAN's named codes, say)."""
        def serve(z):
            return {"images": tf.cast(self.generate(z), tf.float32)}

        spec = tf.TensorSpec([None, self.latent_dim], tf.float32, name="z")
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

    def discriminator_objective(self, real, fake):
        """(loss D minimises, scalars to log) for one batch of real and generated samples."""
        loss = self.discriminator_loss(self.discriminator(real, training=True),
                                       self.discriminator(fake, training=True))
        return loss, {"d_loss": loss}

    def generator_objective(self, fake):
        """(loss G minimises, scalars to log) for one batch of generated samples."""
        loss = self.generator_loss(self.discriminator(fake, training=True))
        return loss, {"g_loss": loss}

    def after_discriminator_update(self):
        """Hook run after every discriminator update (WGAN clips the critic here)."""

    # ----------------------------------------------------------------- the step
    @staticmethod
    def per_replica(loss):
        """loss / num_replicas: the all-reduce sum of gradients then averages the replicas."""
        return loss / _replica_context()[1]

    def _update(self, optimizer, variables, objective):
        """One step of `optimizer` on `variables` down the gradient of `objective() ->
        (loss, logs)`, called inside the tape, the loss scaled by `per_replica` (and by the
        optimizer's loss scale under mixed_float16); the logs.

        The divergence guard: a NaN or Inf loss fails the step with an error that holds
        `DIVERGED`, the loss's name and the step; nothing is saved after it, so the last
        checkpoint is the last good state.
        """
        with tf.GradientTape() as tape:
            loss, logs = objective()
            scaled = optimizer.scale_loss(self.per_replica(loss))
        grads = self.guarded(tape.gradient(scaled, variables), {next(iter(logs), "loss"): loss})
        optimizer.apply_gradients(zip(grads, variables))
        return logs

    def guarded(self, grads, losses):
        """`grads`, available only once every loss of `losses` ({name: loss}) is checked
        finite; otherwise the step fails with the divergence guard's error."""
        checks = [tf.debugging.Assert(tf.reduce_all(tf.math.is_finite(loss)),
                                      [DIVERGED, name, "in step", self.step + 1])
                  for name, loss in losses.items()]
        with tf.control_dependencies(checks):
            return [tf.identity(g) if g is not None else None for g in grads]

    def critic_update(self, objective):
        """A discriminator update on `objective` (see `_update`), then its hook."""
        logs = self._update(self.d_optimizer, self.critic_variables, objective)
        self.after_discriminator_update()
        return logs

    def generator_update(self, objective):
        """A generator update on `objective` (see `_update`); it completes a training step."""
        logs = self._update(self.g_optimizer, self.generator_variables, objective)
        self.count_step()
        return logs

    def count_step(self):
        """Marks the training step complete; every step's generator update ends with it."""
        self.steps_done.assign_add(1)

    def discriminator_step(self, real):
        fake = self.generator(self.sample_latent(tf.shape(real)[0]), training=True)
        real, fake = self.add_instance_noise(real), self.add_instance_noise(fake)
        return self.critic_update(lambda: self.discriminator_objective(real, fake))

    def generator_step(self, batch_size, real=None):
        z = self.sample_latent(batch_size)

        def objective():
            fake = self.generator(z, training=True)
            return (self.generator_objective(fake, real) if self.generator_needs_real
                    else self.generator_objective(fake))

        return self.generator_update(objective)

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        self._draws.index = 0
        logs = {}
        slices = self.real_slices
        for k in range(self.n_critic):
            logs.update(self.discriminator_step(real[k::slices]))
        batch = tf.shape(real)[0] // slices * self.generator_batch_multiplier
        logs.update(self.generator_step(
            batch, real[self.n_critic::slices] if self.generator_needs_real else None))
        for name, value in logs.items():
            self.trackers[name].update_state(value)
        results = {name: tracker.result() for name, tracker in self.trackers.items()}
        if isinstance(tf.distribute.get_strategy(), tf.distribute.MultiWorkerMirroredStrategy):
            # Keras 3.15 reduces a multi-worker step's outputs with reduce(MEAN, axis=0),
            # which fails on scalars; training.TrainingMonitor turns these back into floats.
            results = {name: tf.reshape(value, [1]) for name, value in results.items()}
        return results
