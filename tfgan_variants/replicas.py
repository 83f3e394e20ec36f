"""Whole-batch quantities inside a replica function.

The engine scales each replica's loss by 1/num_replicas and sums the gradients, which is
exact for a loss that is a mean of per-example terms. A loss that couples the batch (a
softmax over it, a kernel two-sample statistic, one standard deviation of all of it) must
instead be computed on the global batch; these helpers give every replica that batch, or its
sums, so one and N replicas make the same update. Outside a strategy they are the identity.
"""
import tensorflow as tf


def replica_context():
    """(replica id, number of replicas) of the running replica function; (0, 1) outside one
    and in a cross-replica context, which behaves as a single replica."""
    context = tf.distribute.get_replica_context()
    if context is None:
        return 0, 1
    return context.replica_id_in_sync_group, context.num_replicas_in_sync


def per_replica(loss):
    """loss / num_replicas: the all-reduce *sum* of gradients then averages the replicas, so
    that one replica and N replicas with the same global batch make the same update."""
    return loss / replica_context()[1]


def _context():
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return None
    return context


def global_total(x):
    """x summed elementwise over every replica's tensor (the same shape as x)."""
    context = _context()
    return x if context is None else context.all_reduce(tf.distribute.ReduceOp.SUM, x)


def global_batch(outputs):
    """The outputs of every replica, concatenated along the batch axis.

    `all_gather` is differentiable (its gradient all-reduces the upstream gradients and keeps
    this replica's slice), so with the engine's 1/num_replicas scaling the summed update is
    the gradient of the global-batch loss, the same as on one replica.
    """
    context = _context()
    return outputs if context is None else context.all_gather(outputs, axis=0)


def global_sums(values):
    """[sum(v) for v in values], each summed over every replica's tensor."""
    sums = [tf.reduce_sum(v) for v in values]
    context = _context()
    return sums if context is None else context.all_reduce(tf.distribute.ReduceOp.SUM, sums)


def global_mean(replica_mean):
    """The global-batch mean from each replica's mean over its (equal-sized) slice."""
    (total,) = global_sums([replica_mean])
    context = _context()
    return total if context is None else total / context.num_replicas_in_sync


def global_std(x):
    """The population standard deviation of all elements of the global batch, one scalar.

    Computed from all-reduced sums (mean first, then squared deviations), so a batch split
    over N replicas gets the value of the whole batch on one replica.
    """
    x = tf.cast(x, tf.float32)
    total, count = global_sums([x, tf.cast(tf.size(x), tf.float32)])
    (squares,) = global_sums([tf.square(x - total / count)])
    return tf.sqrt(squares / count)
