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


#: What ml_collections raises for a --config.<field> override it cannot apply: a field the
#: config lacks, a value of the wrong type.
_OVERRIDE_ERRORS = (AttributeError, KeyError, TypeError, ValueError)
#: What it raises for a config file it cannot load: missing, or not valid Python.
_LOAD_ERRORS = (OSError, SyntaxError, ImportError)


def _innermost(e):
    """The cause ml_collections wrapped (it nests the original error in `args[0]`)."""
    while e.args and isinstance(e.args[0], Exception):
        e = e.args[0]
    return e


def _lines(e):
    message = str(e.args[0]) if e.args else type(e).__name__
    return [line.strip().strip("'") for line in message.splitlines() if line.strip()]


@contextlib.contextmanager
def config_errors():
    """Turns ml_collections' errors for the --config flag into UserErrors: a file that does
    not load (missing, a syntax error) and an override it cannot apply."""
    try:
        yield
    except _LOAD_ERRORS as e:
        cause = _innermost(e)
        if isinstance(cause, OSError) and cause.filename:
            raise UserError(f"cannot load --config {cause.filename}: {cause.strerror}") from None
        lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
        raise UserError(f"cannot load --config: {lines[-1] if lines else type(cause).__name__}") \
            from None
    except _OVERRIDE_ERRORS as e:
        raise UserError(f"cannot apply a --config override: {'; '.join(_lines(_innermost(e)))} "
                        "(not a field of the config, or a value of the wrong type)") from None


def define_config_file(default, help_text):
    """The --config flag (ml_collections). Without --config on the command line it loads
    `default` right here, overrides included, so a bad override must be caught here too."""
    from ml_collections import config_flags
    with user_errors(), config_errors():
        return config_flags.DEFINE_config_file("config", default, help_text, lock_config=True)


def parse_flags(argv):
    """absl's flag parsing (`app.run(main, flags_parser=parse_flags)`), with a --config file
    that does not load, or a --config.<field> override that ml_collections cannot apply,
    reported as one `error:` line and exit status 2 instead of a traceback."""
    from absl import app
    with user_errors(), config_errors():
        return app.parse_flags_with_usage(argv)


def load_config(config_flag):
    """The value of an ml_collections config flag; a file that fails to load is a UserError."""
    with config_errors():
        config = config_flag.value
        config.keys()  # the flag loads lazily: touch it so a bad file fails here
        return config
