"""The output flags every generate script shares: ``--render_audio``, ``--plot``, ``--soundfont``.

A generate script calls :func:`define_output_flags` with its other flags and
:func:`write_outputs` where it writes its MIDI files; the flags then behave
the same in every family.
"""

import os

from absl import flags

from symphonia.cli.common import CommandError

FLAGS = flags.FLAGS


def define_output_flags():
    """Defines ``--render_audio``, ``--plot`` and ``--soundfont``."""
    flags.DEFINE_bool("render_audio", False, "Also write a WAV beside each MIDI file: FluidSynth with a SoundFont "
                      "when pyfluidsynth is installed and --soundfont (or $SYMPHONIA_SOUNDFONT) is set, else a "
                      "built-in simple synth.")
    flags.DEFINE_bool("plot", False, "Also write a PNG piano roll beside each MIDI file.")
    flags.DEFINE_string("soundfont", None, "A .sf2 SoundFont for --render_audio (default: $SYMPHONIA_SOUNDFONT).")
    flags.register_validator("soundfont", lambda path: path is None or os.path.isfile(os.path.expanduser(path)),
                             message="not a file (a .sf2 SoundFont is expected)")


def write_outputs(sequences, output_dir, names=None):
    """Writes the MIDI files (and the previews the flags ask for) to ``output_dir``; returns the MIDI paths.

    Raises
    ------
    CommandError
        When ``$SYMPHONIA_SOUNDFONT`` names no file, or a file cannot be written.
    """
    from symphonia.generation.outputs import write_outputs as write
    from symphonia.render.audio import RenderError

    try:
        return write(sequences, output_dir, names=names, render_audio=FLAGS.render_audio, plot=FLAGS.plot,
                     soundfont=FLAGS.soundfont)
    except RenderError as error:
        raise CommandError(str(error)) from None
    except OSError as error:
        raise CommandError(f"cannot write to {output_dir}: {error.strerror or error}") from None
