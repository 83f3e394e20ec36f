"""tf.distribute for training: the strategy by name, the chief worker, the input pipeline of
each worker's replicas, and Keras' handling of a step's outputs under several workers."""
import numpy as np
import tensorflow as tf

from tfgan_variants.errors import UserError

#: `--strategy` values: one device, all local devices, workers from TF_CONFIG, a Cloud TPU.
STRATEGIES = ("default", "mirrored", "multi_worker", "tpu")


def make_strategy(name="default"):
    """The tf.distribute strategy by name (logical CPU devices are configured by the caller)."""
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi_worker":  # the cluster comes from TF_CONFIG
        return tf.distribute.MultiWorkerMirroredStrategy()
    if name == "tpu":  # the TPU comes from the environment (Cloud TPU VM, TPU_NAME)
        try:
            resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
            tf.config.experimental_connect_to_cluster(resolver)
            tf.tpu.experimental.initialize_tpu_system(resolver)
        except (ValueError, RuntimeError, tf.errors.OpError) as e:
            raise UserError(f"--strategy=tpu found no TPU: {str(e).splitlines()[0]}") from None
        return tf.distribute.TPUStrategy(resolver)
    raise UserError(f"unknown strategy {name!r}; choose one of {STRATEGIES}")


def is_chief(strategy):
    """True on the one worker that writes summaries, samples and exports."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.cluster_spec().as_dict():
        return True
    cluster = resolver.cluster_spec().as_dict()
    if "chief" in cluster:
        return resolver.task_type == "chief"
    return resolver.task_type == "worker" and resolver.task_id == 0


def task_id(strategy):
    """This worker's index in the cluster."""
    return strategy.cluster_resolver.task_id


def replica_batches(global_batches, context):
    """The per-replica batches of this worker's replicas, in their order, from a dataset of
    global batches: replica r of R gets rows [r B / R, (r + 1) B / R) of each global batch,
    as MirroredStrategy splits a batch, on one machine or many (each tensor of a nested
    batch alike). Every worker reads the same global batches (a function of seed and step),
    so the data a replica sees does not depend on how replicas are spread over machines."""
    replicas = context.num_replicas_in_sync
    local = replicas // context.num_input_pipelines
    first = context.input_pipeline_id * local

    def chunks(batch):
        return tf.reshape(batch, [replicas, -1, *batch.shape[1:]])[first:first + local]

    def split(*batch):
        # A batch is a tensor, or (real, (images, labels)), which flat_map passes unpacked.
        batch = batch[0] if len(batch) == 1 else batch
        return tf.data.Dataset.from_tensor_slices(tf.nest.map_structure(chunks, batch))

    return global_batches.flat_map(split).prefetch(tf.data.AUTOTUNE)


# Keras 3.15 reduces a multi-worker step's outputs with reduce(MEAN, axis=0), which fails on
# scalars. So a step returns its scalars as vectors of one value there (`step_outputs`), and
# whatever reads them turns them back into floats (`logged_floats`).
def step_outputs(results):
    """A train_step's {name: scalar}, in the form Keras can reduce under this strategy."""
    if isinstance(tf.distribute.get_strategy(), tf.distribute.MultiWorkerMirroredStrategy):
        return {name: tf.reshape(value, [1]) for name, value in results.items()}
    return results


def logged_floats(logs):
    """{name: float} from the logs Keras hands a callback (see `step_outputs`)."""
    return {name: float(np.asarray(value).reshape(-1)[0]) for name, value in logs.items()}
