"""What every console script shares: the ``--log`` flag, log format, one-line errors."""

import logging as std_logging
import sys

from absl import app, flags, logging

_LEVELS = {"DEBUG": "debug", "INFO": "info", "WARN": "warning", "WARNING": "warning", "ERROR": "error",
           "FATAL": "fatal"}
flags.DEFINE_enum("log", "INFO", list(_LEVELS), "The threshold for what messages will be logged.")


class CommandError(Exception):
    """Bad input the user can fix: shown as one line, no traceback, exit status 1."""


def _configure_logging():
    logging.set_verbosity(_LEVELS[flags.FLAGS.log])
    logging.get_absl_handler().setFormatter(std_logging.Formatter("%(levelname)s %(asctime)s %(message)s",
                                                                  datefmt="%H:%M:%S"))


def run(main):
    """Runs ``main(argv)`` as a console script, reporting CommandError in one line."""

    def guarded(argv):
        _configure_logging()
        if len(argv) > 1:
            raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
        try:
            return main(argv)
        except CommandError as error:
            print(f"{sys.argv[0].rsplit('/', 1)[-1]}: error: {error}", file=sys.stderr)
            return 1

    app.run(guarded)


def family_script(define_flags, main, family, default_config):
    """A console entry point for one model family of a shared command module.

    The flags are defined when the script starts, not at import, so one module
    can serve several scripts (``melody_rnn_train``, ``drums_rnn_train``...).
    """

    def script():
        define_flags(family, default_config)
        run(lambda argv: main(family))

    return script
