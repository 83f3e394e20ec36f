"""The one exception type for bad user input.

Anything a user can get wrong (a flag, a dataset name, a path, an image shape, a corrupt
checkpoint) raises `UserError` with a one-line, human-readable message. The command-line
apps catch it, print `error: <message>` to stderr and exit with status 2, so a user never
sees a traceback for a mistake that is theirs to fix.
"""


class UserError(Exception):
    """Bad input from the user: printed as a single line by the command-line apps."""


class ConfigError(UserError, ValueError):
    """A setting that cannot work (a hyperparameter out of range, networks a variant cannot
    use). A ValueError too, for code that builds models directly."""
