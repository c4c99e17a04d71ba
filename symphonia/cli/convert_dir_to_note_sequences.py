"""convert_dir_to_note_sequences: MIDI, MusicXML and ABC files -> a NoteSequence TFRecord.

Same flags as Magenta's script, plus --num_workers. Prints a summary of what was
converted and what was skipped, and why; exits non-zero only when nothing could
be converted or the output could not be written.
"""

import os

from absl import flags

from symphonia.cli.common import CommandError, run as run_command
from symphonia.cli.pipeline_flag import define_pipeline_options_flag, use_beam

flags.DEFINE_string("input_dir", None, "Directory containing MIDI, MusicXML (.xml, .mxl, .musicxml) and ABC files.")
flags.DEFINE_string("output_file", None, "TFRecord to write the NoteSequences to (replaced atomically).")
flags.DEFINE_bool("recursive", False, "Also convert the files in subdirectories of --input_dir.")
flags.DEFINE_integer("num_workers", os.cpu_count() or 1, "Worker processes reading files (0: read in-process).")
define_pipeline_options_flag()
flags.mark_flags_as_required(["input_dir", "output_file"])

FLAGS = flags.FLAGS


def main(argv):
    from symphonia.music.convert import convert_directory

    input_dir = os.path.expanduser(FLAGS.input_dir)
    output_file = os.path.expanduser(FLAGS.output_file)
    try:
        if use_beam():
            from symphonia.beam.convert import convert_directory as convert_on_beam
            summary = convert_on_beam(input_dir, output_file, FLAGS.pipeline_options, recursive=FLAGS.recursive)
        else:
            summary = convert_directory(input_dir, output_file, recursive=FLAGS.recursive,
                                        num_workers=FLAGS.num_workers)
    except NotADirectoryError as error:
        raise CommandError(str(error)) from None
    except OSError as error:
        raise CommandError(f"cannot write {output_file}: {error.strerror or error}") from None
    print(summary.table())
    if not summary.written:
        reasons = "; ".join(f"{reason}: {count}" for reason, count in summary.skipped.most_common(3))
        raise CommandError(f"no file in {input_dir} could be converted"
                           + (f" ({reasons})" if reasons else " (no MIDI, MusicXML or ABC file found)"))
    return 0


def run():
    run_command(main)


if __name__ == "__main__":
    run()
