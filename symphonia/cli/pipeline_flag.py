"""The ``--pipeline_options`` flag of the data commands: run on Apache Beam instead of local processes."""

import importlib.util

from absl import flags

from symphonia.cli.common import CommandError

FLAGS = flags.FLAGS


def define_pipeline_options_flag():
    """Defines ``--pipeline_options`` (unset: the local path, which never imports Beam)."""
    flags.DEFINE_string("pipeline_options", None,
                        'Run on Apache Beam with these Beam options, e.g. "--runner=DirectRunner '
                        '--direct_num_workers=4" or a DataflowRunner / FlinkRunner setup (needs pip install '
                        '"symphonia[beam]"). Outputs become shards <name>-00000-of-0000N; read them as <name>*.')


def use_beam():
    """Whether ``--pipeline_options`` asks for Beam; a one-line CommandError when Beam is not installed."""
    if FLAGS.pipeline_options is None:
        return False
    if importlib.util.find_spec("apache_beam") is None:
        raise CommandError('--pipeline_options needs Apache Beam: install symphonia[beam] '
                           '(pip install "symphonia[beam]")')
    return True
