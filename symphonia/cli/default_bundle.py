"""The zero-argument path of every generate script: no model named means the shipped default.

With no ``--bundle_file``, ``--run_dir`` or ``--checkpoint_file``, a generate
script uses the bundle shipped for its ``--config`` (or its family's default
configuration) and says which one; when none is shipped it fails in one line
that lists the shipped configurations and the flags that name a model.
"""

from absl import logging

from symphonia.cli.common import CommandError
from symphonia.default_models import NoDefaultModelError, default_bundle, default_config


def default_bundle_file(family, config=None):
    """The path of the shipped bundle for ``config`` (default: ``family``'s default configuration).

    Raises
    ------
    CommandError
        When no bundle is shipped for it.
    """
    config = config or default_config(family)
    try:
        path = default_bundle(config)
    except NoDefaultModelError as error:
        raise CommandError(f"{error}: say which model to use: --bundle_file, --run_dir or --checkpoint_file") \
            from None
    logging.info("No model given: using the default %s model %s", config, path)
    return path
