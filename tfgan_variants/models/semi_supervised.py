"""Semi-supervised classification with a GAN's discriminator as the classifier.

Three methods on the same classifier (`networks.improved_gan`), labelled subset and budget:

* `LabelsOnly`: the classifier trained on the labelled examples alone (the baseline).
* `ImprovedGAN` (Salimans et al. 2016, arXiv 1606.03498, Section 5): K logits l(x) and an
  implicit generated class of logit 0, D(x) = Z(x) / (Z(x) + 1) with Z = sum_k exp l_k.
      L_D = L_supervised + w L_unsupervised,
      L_supervised = -E_{(x, y) labelled} log p(y | x),
      L_unsupervised = -E_x log D(x) - E_z log(1 - D(G(z))),
  and G trained by feature matching on the classifier's last hidden layer (Section 3.1),
  ||E_x f(x) - E_z f(G(z))||^2. The authors' code halves both terms of L_unsupervised
  (`unlabelled_weight` 0.5 here).
* `LocalizedSemiSupervisedGAN` (Qi et al. 2018, arXiv 1711.06020, Section 5): ImprovedGAN's
  classifier against the local generator G(x, z) of `localized.LocalizedGAN`, with the
  classifier's change along the generator's tangents at each real x penalised,
      Omega(x) = sum_k ||J_x^T grad_x log p(k | x)||^2,   J_x = dG(x, z)/dz at z = 0,
  a graph-free stand-in for the Laplace-Beltrami operator on the learned manifold
  (`tangent_penalty`). G: feature matching, plus the locality and orthonormality priors of
  `LocalizedGAN` (mu ||G(x, 0) - x||^2 + eta ||J_x^T J_x - I||_F^2), plus the authors'
  code's "label maintenance" term, -E_{(x, y) labelled} log p(y | G(x, 0)) (`label_weight`).

Every model exports its classifier as the `classify` signature of the SavedModel (images in
[-1, 1] -> logits [N, K]), which `eval.py` scores as `test_error` on the test split.
"""
import tensorflow as tf

from tfgan_variants import losses, replicas
from tfgan_variants.errors import ConfigError
from tfgan_variants.models.base import GAN
from tfgan_variants.models.localized import LocalizedGAN, local_jacobian
from tfgan_variants.models.update import Update
from tfgan_variants.networks import common, improved_gan, local_generator


def tangent_penalty(log_probabilities, x, jacobian, latent_dim=None):
    """E_x sum_k ||J_x^T grad_x log p(k | x)||^2 for J_x [batch, data entries, a] along `a`
    latent axes: entry (k, j) of J_x^T grad_x log p(k | x) is the derivative of log p(k | .)
    at x along the tangent J_x e_j, taken here in forward mode, one copy of the batch per
    axis. With a < latent_dim = N axes drawn uniformly, the sum over them is scaled by N / a,
    an unbiased estimate of the sum over all N."""
    axes = jacobian.shape[-1]
    batch = tf.shape(x)[0]
    tangents = tf.reshape(tf.transpose(tf.cast(jacobian, x.dtype), [2, 0, 1]),
                          tf.concat([[axes * batch], tf.shape(x)[1:]], 0))
    copies = tf.tile(x, tf.concat([[axes], tf.ones([x.shape.rank - 1], tf.int32)], 0))
    with tf.autodiff.ForwardAccumulator(copies, tangents) as accumulator:
        out = log_probabilities(copies)
    derivatives = tf.reshape(tf.cast(accumulator.jvp(out), tf.float32), [axes, batch, -1])
    per_example = tf.reduce_sum(tf.square(derivatives), axis=[0, 2])
    scale = 1.0 if latent_dim is None else float(latent_dim) / axes
    return scale * tf.reduce_mean(per_example)


class SemiSupervised(GAN):
    """The engine's side of semi-supervised training: a labelled batch per step
    (`needs_labels`), a classifier `discriminator` (images -> K logits) with its features
    for feature matching, and the `classify` signature.

    Args:
        classifier: `keras.Model` images -> (features, logits), `networks.improved_gan`.
        unlabelled_weight: w, the weight of L_unsupervised in the classifier's loss.
    """

    needs_labels = True
    generator_needs_real = True   # feature matching compares with real data
    metric_names = ("d_loss", "g_loss", "supervised", "unsupervised")

    def __init__(self, generator, classifier, latent_dim, *, unlabelled_weight=0.5, **kwargs):
        super().__init__(generator, improved_gan.logits_only(classifier), latent_dim, **kwargs)
        if unlabelled_weight < 0:
            raise ConfigError(f"unlabelled_weight must be >= 0, got {unlabelled_weight}")
        self.classifier = classifier
        self.unlabelled_weight = float(unlabelled_weight)
        self.num_classes = int(classifier.outputs[1].shape[-1])
        common.use_noise_source(classifier, self.random_normal)

    @classmethod
    def build_networks(cls, config, data_shape, latent_dim):
        classifier = improved_gan.classifier(tuple(data_shape), config.get("classes", 10))
        return {"generator": improved_gan.generator(latent_dim, data_shape),
                "classifier": classifier}

    def classify(self, images):
        """Logits [N, K] of the classifier in inference mode (no noise)."""
        return self.discriminator(tf.cast(images, tf.float32), training=False)

    def supervised_loss(self, context):
        images, labels = context.labelled
        return losses.supervised_cross_entropy(self.discriminate(images), labels)

    def discriminator_objective(self, context):
        supervised = self.supervised_loss(context)
        unsupervised = losses.semi_supervised_discriminator_loss(
            self.discriminate(context.real), self.discriminate(context.fake))
        loss = supervised + self.unlabelled_weight * unsupervised
        return loss, {"d_loss": loss, "supervised": supervised, "unsupervised": unsupervised}

    def feature_matching(self, context):
        """Feature matching of G's samples to the update's real slice, on the global batch."""
        real_features, _ = self.classifier(context.real, training=True)
        fake_features, _ = self.classifier(context.fake, training=True)
        return losses.feature_matching_loss(replicas.global_batch(real_features),
                                            replicas.global_batch(fake_features))

    def generator_objective(self, context):
        loss = self.feature_matching(context)
        return loss, {"g_loss": loss}

    @property
    def exported_networks(self):
        return [*super().exported_networks, self.discriminator]

    def serving_endpoints(self):
        endpoints = super().serving_endpoints()

        def serve_classify(images):
            return {"logits": tf.cast(self.classify(images), tf.float32)}

        shape = self.discriminator.inputs[0].shape[1:]
        endpoints["classify"] = (serve_classify,
                                 [tf.TensorSpec([None, *shape], tf.float32, name="images")])
        return endpoints


class ImprovedGAN(SemiSupervised):
    """Improved GAN's semi-supervised classifier with feature matching (module doc)."""


class LabelsOnly(SemiSupervised):
    """The classifier trained by L_supervised on the labelled examples alone: one update per
    step, no generator update (G stays at its initial weights and is exported as such). Its
    update still takes a slice of unlabelled data, which it does not read, so that the data
    stream of a step is that of the other methods."""

    metric_names = ("d_loss", "supervised")

    def discriminator_objective(self, context):
        loss = self.supervised_loss(context)
        return loss, {"d_loss": loss, "supervised": loss}

    def schedule(self):
        return [Update("d_loss", "d", self.critic_variables, self.discriminator_objective)]


class LocalizedSemiSupervisedGAN(SemiSupervised, LocalizedGAN):
    """Localized GAN's semi-supervised classifier (module doc).

    Args (besides `SemiSupervised`'s and `LocalizedGAN`'s):
        tangent_weight: lambda, the weight of Omega in the classifier's loss, taken on the
            update's unlabelled slice (every training image) along the generator's
            `jacobian_axes` random axes; at 0 Omega is neither computed nor logged.
        tangent_start: the step from which Omega counts (before it, lambda is 0). The
            authors' code trains a whole first phase without the regulariser, so that the
            tangents it reads are those of a trained local generator.
        label_weight: the weight in G's loss of the classifier's cross-entropy on the
            reconstructions G(x, 0) of the labelled batch (the code's `gen_lab_weight`, 1
            there): G(x, 0) keeps the class of x, so that the tangents at x start from an
            image of x's class.
    """

    metric_names = SemiSupervised.metric_names + ("tangent", "locality", "orthonormality",
                                                  "label_maintenance")
    #: Under XLA the first step stops with a LookupError: TensorFlow has no gradient for
    #: an XlaDynamicUpdateSlice that XLA makes of the step. XLA would slow it anyway
    #: (`xla_speeds_up`, inherited from LocalizedGAN).
    xla_compiles = False

    def __init__(self, generator, classifier, latent_dim, *, tangent_weight=1.0,
                 tangent_start=0, label_weight=0.0, **kwargs):
        # A term of weight 0 is not computed: label maintenance would cost a pass of G and
        # of the classifier over the labelled batch in every generator update, Omega G's
        # Jacobian and a forward-mode pass per axis in every classifier update.
        weight_of = {"label_maintenance": label_weight, "tangent": tangent_weight}
        logged = tuple(name for name in self.metric_names if weight_of.get(name, 1))
        super().__init__(generator, classifier, latent_dim, metric_names=logged, **kwargs)
        if min(tangent_weight, tangent_start, label_weight) < 0:
            raise ConfigError(f"tangent_weight, tangent_start and label_weight must be >= 0, "
                              f"got {tangent_weight}, {tangent_start} and {label_weight}")
        self.tangent_weight = float(tangent_weight)
        self.tangent_start = int(tangent_start)
        self.label_weight = float(label_weight)

    @classmethod
    def build_networks(cls, config, data_shape, latent_dim):
        """Improved GAN's classifier, and as G(x, z) (`local_generator`) Improved GAN's
        generator behind a dense encoder, either on Enc(x) + z ('improved_gan', when the
        config names none) or on [z, Enc(x)] ('conditional', the semi-supervised config's),
        or the convolutional local generator of the package's Localized GAN ('dcgan', `width`
        channels)."""
        networks = SemiSupervised.build_networks(config, data_shape, latent_dim)
        kind = config.get("local_generator", "improved_gan")
        if kind == "improved_gan":
            networks["generator"] = improved_gan.local_generator(data_shape, latent_dim)
        elif kind == "conditional":
            networks["generator"] = improved_gan.conditional_local_generator(data_shape,
                                                                             latent_dim)
        elif kind == "dcgan":
            networks["generator"] = local_generator.build(config, data_shape, latent_dim)
        else:
            raise ConfigError(f"networks.local_generator must be 'improved_gan', "
                              f"'conditional' or 'dcgan', got {kind!r}")
        return networks

    def log_probabilities(self, images):
        """log p(k | x) of the classifier without its noise layers: Omega is a property of
        the function that classifies at test time, and a noise draw per tangent copy would
        tie the penalty to how the copies are laid out over replicas."""
        return tf.nn.log_softmax(tf.cast(self.discriminator(images, training=False),
                                         tf.float32))

    def discriminator_objective(self, context):
        loss, logs = SemiSupervised.discriminator_objective(self, context)
        if not self.tangent_weight:
            return loss, logs
        _, jacobian = local_jacobian(self.generator, context.real, self.latent_dim,
                                     self.jacobian_axis_draw(), training=True)
        tangent = tangent_penalty(self.log_probabilities, context.real,
                                  tf.stop_gradient(jacobian), self.latent_dim)
        switched_on = tf.cast(self.step >= self.tangent_start, tf.float32)
        loss += self.tangent_weight * switched_on * tangent
        logs.update({"d_loss": loss, "tangent": tangent})
        return loss, logs

    def generator_objective(self, context):
        reconstruction, jacobian = local_jacobian(self.generator, context.real,
                                                  self.latent_dim, self.jacobian_axis_draw(),
                                                  training=True)
        matching = self.feature_matching(context)
        prior, logs = self.local_prior(context.real, reconstruction, jacobian)
        logs["g_loss"] = matching
        loss = matching + prior
        if self.label_weight:
            images, labels = context.labelled
            kept = self.local(images, tf.zeros([tf.shape(images)[0], self.latent_dim]),
                              training=True)
            logs["label_maintenance"] = losses.supervised_cross_entropy(
                self.discriminate(kept), labels)
            loss += self.label_weight * logs["label_maintenance"]
        return loss, logs
