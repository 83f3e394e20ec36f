"""What a variant declares about its updates, and what its objectives draw on.

A training step is a list of `Update`s (`GAN.schedule`): by default `n_critic` critic updates
and one generator update. Each names its optimizer, the variables it moves, its objective and
what runs after it; the engine (`GAN.apply_update`) is the one place that differentiates,
scales, guards and applies. An objective is a function of a `Context`, which hands out the
update's real slice, its latent draw, G's samples and instance noise, each made on first use.
"""
import dataclasses
from typing import Callable, Optional, Union

import tensorflow as tf


@dataclasses.dataclass(frozen=True)
class Update:
    """One optimizer step within a training step.

    Attributes:
        name: what the divergence guard calls the loss ('d_loss', 'g_loss'); with several
            losses, each is called '<key>_loss'.
        optimizer: 'd' or 'g', the model's `d_optimizer` or `g_optimizer`.
        variables: the variables to move; or {key: variables} when `objective` returns a
            dict of losses with the same keys, each differentiated for its own variables
            only (VAE-GAN's encoder and decoder, one optimizer).
        objective: `objective(context) -> (loss or {key: loss}, {name: scalar to log})`.
        after: `after(context, logs) -> logs to add, or None`, run once the update is
            applied (WGAN's clipping, BEGAN's k_t, Localized GAN's anchors).
        uses_real: whether the update gets its own slice of the step's real data.
        batch_multiplier: the update's batch is this many times a real slice's rows.
        skip: `skip() -> bool tensor`, evaluated before the update; where true, the update's
            effect on its variables and optimizer slots is undone (WGAN's critic warm-up).
    """

    name: str
    optimizer: str
    variables: Union[list, dict]
    objective: Callable
    after: Optional[Callable] = None
    uses_real: bool = True
    batch_multiplier: int = 1
    skip: Optional[Callable] = None

    def variable_groups(self):
        """{key: variables}; the key None for a single loss."""
        return self.variables if isinstance(self.variables, dict) else {None: self.variables}

    def loss_name(self, key):
        return self.name if key is None else f"{key}_loss"


class Context:
    """What one update's objective draws on. Everything random comes from the model's
    stateless stream, so the order of first use fixes which draw is which; `z`, `fake` and
    `discriminator_inputs` are made once and then reused within the update.

    Args:
        model: the `GAN`.
        real: the update's slice of real data (None for an update without real data).
        batch_size: rows of the update's latent draw (default: the rows of `real`).
        labelled: the step's (images, labels) batch of a semi-supervised model, else None.
        labels: the classes of `real` for a class-conditional model, else None.
        z, fake: given values instead of draws (tests and pictures).
    """

    def __init__(self, model, real=None, batch_size=None, *, labelled=None, labels=None,
                 z=None, fake=None):
        self.model = model
        self._real = real
        self._labelled = labelled
        self.labels = labels
        self._fake_labels = None
        if batch_size is None:
            source = real if real is not None else (z if z is not None else fake)
            batch_size = tf.shape(source)[0]
        self.batch_size = batch_size
        self._z, self._fake, self._inputs = z, fake, None

    @property
    def real(self):
        if self._real is None:
            raise ValueError(f"an update of {type(self.model).__name__} reads real data but "
                             "was declared with uses_real=False")
        return self._real

    @property
    def labelled(self):
        """(images, int labels) of the step's labelled batch (`GAN.needs_labels`)."""
        if self._labelled is None:
            raise ValueError(f"{type(self.model).__name__} reads labelled data but its "
                             "batches hold none (needs_labels is False)")
        return self._labelled

    @property
    def fake_labels(self):
        """The classes G's samples are asked for in a conditional model (None otherwise).
        In an update with real data they are its labels, so that the real and generated
        halves of a critic update share one class distribution and a penalty's interpolates
        one class (the conditional code of WGAN-GP, gan_cifar_resnet.py); in an update
        without, uniform draws (as every conditional GAN code samples G's classes)."""
        if not self.model.conditional_classes:
            return None
        if self._fake_labels is None:
            self._fake_labels = (self.labels if self.labels is not None
                                 else self.model.sample_labels(self.batch_size))
        return self._fake_labels

    @property
    def z(self):
        """z ~ N(0, I) [batch_size, latent_dim], drawn on first use."""
        if self._z is None:
            self._z = self.model.sample_latent(self.batch_size)
        return self._z

    @property
    def fake(self):
        """G's samples for this update in training mode (`GAN.fake_samples`)."""
        if self._fake is None:
            self._fake = self.model.fake_samples(self)
        return self._fake

    def noisy(self, samples):
        """samples + instance noise (a fresh draw), or samples when the noise is off."""
        return self.model.add_instance_noise(samples)

    def discriminator_inputs(self):
        """(real, fake) as the discriminator sees them, each with its instance noise. G's
        latent draw comes first, then the noise of real, then that of fake."""
        if self._inputs is None:
            fake = self.fake
            self._inputs = self.noisy(self.real), self.noisy(fake)
        return self._inputs
