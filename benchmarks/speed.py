"""Training-step speed of each family's default model, with each speed switch on and off,
and of our WGAN-GP step against a plain reference step on the same networks.

    python benchmarks/speed.py            # full table (about 30 minutes on 2 CPU cores)
    python benchmarks/speed.py --quick    # WGAN-GP baseline and reference, 2 steps each

Every row trains the variant's Fashion-MNIST config (`configs/<variant>.py:fashion_mnist`,
batch 64) with `model.fit` on the real input pipeline; the first call (tracing, XLA
compilation) is not timed. Steps per second are the best of up to 3 timed calls (until 30 s
are timed), the figure least disturbed by other work on the machine. FLOP/s is the
TensorFlow profiler's float-operation count of one traced training step, times steps/s.
The reference is the keras.io WGAN-GP example's `train_step` (n_critic 5, lambda 10, a
nested tape for the penalty) written inline below, on our WGAN-GP's generator and critic,
batch and optimizers, timed in the same process.
Writes docs/speed.json and prints a Markdown table.
"""
import json
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from absl import app, flags  # noqa: E402

_QUICK = flags.DEFINE_bool("quick", False, "A few steps per row (smoke test).")
_STEPS = flags.DEFINE_integer("steps", 25, "Timed steps per row (full mode).")
_VARIANTS = flags.DEFINE_list("variants", ["ns_gan", "wgan_gp", "sngan", "sphere_gan",
                                           "mmd_gan", "ebgan"],
                              "One default model per family.")
_SWITCHES = flags.DEFINE_list("switches", None, "Switches to time (default: all of SWITCHES).")
_OUT = flags.DEFINE_string("out", os.path.join(ROOT, "docs", "speed.json"), "JSON results.")

#: name -> config.train overrides. 'baseline' is one step per graph call, no XLA, float32;
#: spe50 50 steps per call; bf16 / fp16 the mixed_bfloat16 / mixed_float16 policies.
SWITCHES = {
    "baseline": {"steps_per_execution": 1},
    "spe50": {"steps_per_execution": 50},
    "XLA": {"steps_per_execution": 1, "jit_compile": True},
    "bf16": {"steps_per_execution": 1, "precision": "mixed_bfloat16"},
    "fp16": {"steps_per_execution": 1, "precision": "mixed_float16"},
}


def make_reference(tf, keras):
    """The keras.io WGAN-GP example's model (A. K. Nain, "WGAN-GP overriding
    Model.train_step"), unchanged but for taking our networks and optimizers."""

    class ReferenceWGANGP(keras.Model):
        def __init__(self, discriminator, generator, latent_dim, discriminator_extra_steps=5,
                     gp_weight=10.0):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.d_steps = discriminator_extra_steps
            self.gp_weight = gp_weight

        def compile(self, d_optimizer, g_optimizer, **kwargs):
            super().compile(**kwargs)
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer

        def gradient_penalty(self, batch_size, real_images, fake_images):
            alpha = tf.random.uniform([batch_size, 1, 1, 1], 0.0, 1.0)
            interpolated = real_images + alpha * (fake_images - real_images)
            with tf.GradientTape() as gp_tape:
                gp_tape.watch(interpolated)
                pred = self.discriminator(interpolated, training=True)
            grads = gp_tape.gradient(pred, [interpolated])[0]
            norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]))
            return tf.reduce_mean((norm - 1.0) ** 2)

        def train_step(self, real_images):
            batch_size = tf.shape(real_images)[0]
            for _ in range(self.d_steps):
                z = tf.random.normal(shape=(batch_size, self.latent_dim))
                with tf.GradientTape() as tape:
                    fake_images = self.generator(z, training=True)
                    fake_logits = self.discriminator(fake_images, training=True)
                    real_logits = self.discriminator(real_images, training=True)
                    d_cost = tf.reduce_mean(fake_logits) - tf.reduce_mean(real_logits)
                    gp = self.gradient_penalty(batch_size, real_images, fake_images)
                    d_loss = d_cost + gp * self.gp_weight
                d_gradient = tape.gradient(d_loss, self.discriminator.trainable_variables)
                self.d_optimizer.apply_gradients(
                    zip(d_gradient, self.discriminator.trainable_variables))
            z = tf.random.normal(shape=(batch_size, self.latent_dim))
            with tf.GradientTape() as tape:
                generated_images = self.generator(z, training=True)
                g_loss = -tf.reduce_mean(self.discriminator(generated_images, training=True))
            gen_gradient = tape.gradient(g_loss, self.generator.trainable_variables)
            self.g_optimizer.apply_gradients(zip(gen_gradient,
                                                 self.generator.trainable_variables))
            return {"d_loss": d_loss, "g_loss": g_loss}

    return ReferenceWGANGP


def step_flops(tf, model, batch_shape):
    """Float operations of one training step, by the TensorFlow profiler (None if unknown)."""
    from tensorflow.python.profiler import model_analyzer, option_builder
    concrete = tf.function(model.train_step).get_concrete_function(
        tf.TensorSpec(batch_shape, tf.float32))
    options = option_builder.ProfileOptionBuilder(
        option_builder.ProfileOptionBuilder.float_operation()).with_empty_output().build()
    flops = model_analyzer.profile(concrete.graph, options=options).total_float_ops
    return flops or None


def time_fit(model, dataset, steps, repeats=3, enough=30.0):
    """Steps per second of `model.fit` over `steps` steps: the best of up to `repeats` timed
    calls (the least disturbed by other work on the machine), after one untimed call; calls
    stop early once `enough` seconds have been timed. `steps` is rounded up to a whole number
    of graph calls: Keras runs all `steps_per_execution` steps of a call even when the epoch
    asked for fewer."""
    per_call = model.steps_per_execution
    steps = -(-steps // per_call) * per_call
    model.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0)
    best, timed = 0.0, 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        model.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0)
        elapsed = time.perf_counter() - start
        best, timed = max(best, steps / elapsed), timed + elapsed
        if timed >= enough:
            break
    return best


def main(argv):
    del argv
    import keras
    import tensorflow as tf
    from tfgan_variants import build, config_base, data, optimizers

    quick = _QUICK.value
    steps = 2 if quick else _STEPS.value
    variants = ["wgan_gp"] if quick else _VARIANTS.value
    names = ["baseline"] if quick else (_SWITCHES.value or list(SWITCHES))
    unknown = sorted(set(names) - set(SWITCHES))
    if unknown:
        raise app.UsageError(f"unknown --switches {unknown}; choose from {list(SWITCHES)}")
    switches = {name: SWITCHES[name] for name in names}
    rows = []
    progress = keras.utils.Progbar(len(variants) * len(switches) + 1, unit_name="row")

    def make(variant, switch):
        config = config_base.load(variant, "fashion_mnist")
        config.train.update(switch)
        model = build.build_model(config, (28, 28, 1))
        model.steps_per_execution = config.train.steps_per_execution
        batches = data.load("fashion_mnist", config.data.batch_size * model.real_slices,
                            seed=config.seed)
        return config, model, batches

    for variant in variants:
        flops = None
        for name, switch in switches.items():
            config, model, batches = make(variant, switch)
            rate = time_fit(model, batches, steps)
            if flops is None:
                flops = step_flops(tf, model, (config.data.batch_size * model.real_slices,
                                               28, 28, 1))
            rows.append({"variant": variant, "switch": name, "steps_per_second": rate,
                         "gflop_per_step": flops / 1e9 if flops else None,
                         "gflop_per_second": rate * flops / 1e9 if flops else None})
            progress.add(1)

    # Our WGAN-GP step against the reference step: same networks (ours, shared), batch and
    # optimizer settings; timed in alternation, best of several calls each.
    contenders = {}
    for name in ("ours", "ours XLA"):
        switch = {"steps_per_execution": steps, "jit_compile": name == "ours XLA"}
        config, model, batches = make("wgan_gp", switch)
        contenders[name] = (model, batches)
    reference = make_reference(tf, keras)(model.discriminator, model.generator,
                                          config.latent_dim)
    reference.compile(optimizers.make_optimizer(config.optimizer.d, 10**6),
                      optimizers.make_optimizer(config.optimizer.g, 10**6))
    contenders["reference"] = (reference, data.load("fashion_mnist", config.data.batch_size,
                                                    seed=0))
    rates = {name: 0.0 for name in contenders}
    for _ in range(1 if quick else 4):
        for name, (model, batches) in contenders.items():
            rates[name] = max(rates[name], time_fit(model, batches, steps, repeats=1))
    progress.add(1)
    best = max(("ours", "ours XLA"), key=rates.get)
    comparison = {"steps_per_second": rates, "best": best,
                  "ratio": rates[best] / rates["reference"],
                  "ratio_without_xla": rates["ours"] / rates["reference"]}

    with open(_OUT.value, "w") as f:
        json.dump({"rows": rows, "wgan_gp_vs_reference": comparison, "quick": quick,
                   "cpu_count": os.cpu_count()}, f, indent=2)
    print("\n| variant | switch | steps/s | GFLOP/step | GFLOP/s |\n| --- | --- | --- | --- | --- |")
    for row in rows:
        gf = row["gflop_per_step"]
        print(f"| {row['variant']} | {row['switch']} | {row['steps_per_second']:.2f} | "
              f"{gf:.2f} | {row['gflop_per_second']:.1f} |" if gf else
              f"| {row['variant']} | {row['switch']} | {row['steps_per_second']:.2f} | - | - |")
    print("\nWGAN-GP steps/s: " + ", ".join(f"{k} {v:.2f}" for k, v in rates.items())
          + f"; ours / reference: {comparison['ratio_without_xla']:.2f}x without XLA, "
          f"{comparison['ratio']:.2f}x best ({best})")


if __name__ == "__main__":
    app.run(main)
