"""What the command-line apps share: device set-up and one-line errors."""
import contextlib
import sys

from tfgan_variants.errors import UserError


def configure_devices(num_cpu_devices):
    """Splits the first CPU into `num_cpu_devices` logical devices (before TF initialises)."""
    if num_cpu_devices <= 0:
        return
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * num_cpu_devices)


@contextlib.contextmanager
def user_errors():
    """Turns a UserError into `error: <message>` on stderr and exit status 2."""
    try:
        yield
    except UserError as e:
        print(f"error: {e}", file=sys.stderr, flush=True)
        sys.exit(2)


def load_config(config_flag):
    """The value of an ml_collections config flag; a file that fails to load is a UserError."""
    try:
        config = config_flag.value
        config.keys()  # the flag loads lazily: touch it so a bad file fails here
        return config
    except (OSError, SyntaxError, ImportError) as e:
        lines = [line.strip() for line in str(e).splitlines() if line.strip()]
        raise UserError(f"cannot load --config: {lines[-1] if lines else e}") from None
