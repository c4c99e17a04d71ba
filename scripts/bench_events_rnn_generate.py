"""Benchmark: generating 10 outputs of 128 steps with the model loaded, and the whole command.

The model is ``--config`` (drum_kit, attention_rnn, polyphony...) with
``--hparams`` (default ``rnn_layer_sizes=[64,64]``, the peer pipeline's;
``--hparams=`` for the preset's own sizes), untrained unless ``--run_dir``
or ``--bundle_file`` names a trained one (speed does not depend on the
weights, except polyphony's, whose output length in events does). Prints the
time to load, the first call apart (it compiles the generation loop, once
per batch size), then generation times with the model loaded, and with
``--cli`` (drum_kit) the wall time of the whole ``drums_rnn_generate`` process.

    python scripts/bench_events_rnn_generate.py [--config drum_kit] [--hparams H] [--run_dir RUN | --bundle_file F]

Magenta 2.1.4's reference on the project's 2-core machine
(``../shared/bench/peer_pipeline.sh``, stage ``drums_generate``): about 1.8 s of
generation after 4 s of start-up.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

MAGENTA_GENERATION_SECONDS = 1.8
MAGENTA_COMMAND_SECONDS = 5.8
PRIMER_DRUMS = "[(36,)]"
PRIMER_MELODY = "[60]"
PEER_HPARAMS = "batch_size=64,rnn_layer_sizes=[64,64]"


def load_generator(run_dir=None, bundle_file=None, config_name="drum_kit", hparams=PEER_HPARAMS):
    """An EventsRnnGenerator: from a run or bundle, else an untrained ``config_name`` with ``hparams``."""
    from symphonia.generation.events_rnn import loading
    from symphonia.generation.events_rnn.generator import EventsRnnGenerator

    if run_dir:
        return EventsRnnGenerator(*loading.load_run_dir(run_dir))
    if bundle_file:
        return EventsRnnGenerator(*loading.load_bundle(bundle_file))
    from symphonia.models.events_rnn.configs import get_config
    from symphonia.models.events_rnn.model import EventsRnn

    config = get_config(config_name).with_hparams(hparams)
    return EventsRnnGenerator(config, EventsRnn.from_events_config(config))


def time_generation(generator, num_outputs=10, num_steps=128, repeats=5, seed=0):
    """Seconds per call of ``generator.generate`` (10 x 128 steps by default), the first call first."""
    from symphonia.generation.events_rnn import drums, melody
    from symphonia.generation.primers import parse_drums, parse_melody
    from symphonia.music.proto import NoteSequence

    steps_per_quarter = generator.config.steps_per_quarter
    if generator.config.family == "drums_rnn":
        primer = drums.drum_sequence(parse_drums(PRIMER_DRUMS), 0, 120.0, steps_per_quarter)
    elif generator.config.family == "melody_rnn":
        primer = melody.melody_sequence(parse_melody(PRIMER_MELODY), 0, 120.0, steps_per_quarter)
    else:
        primer = NoteSequence()  # polyphony_rnn_generate's default: silence
        primer.tempos.add().qpm = 120.0
    times = []
    for repeat in range(repeats + 1):
        started = time.perf_counter()
        generator.generate(primer, num_steps, num_outputs=num_outputs, seed=seed + repeat)
        times.append(time.perf_counter() - started)
    return times


def time_command(generator, num_outputs=10, num_steps=128):
    """Wall seconds of a whole ``drums_rnn_generate`` process on a bundle of the generator's model."""
    from symphonia.generation.events_rnn.loading import save_bundle

    work = tempfile.mkdtemp(prefix="bench_generate_")
    try:
        bundle = os.path.join(work, "drums.mag")
        save_bundle(bundle, generator.config, generator.model)
        script = shutil.which("drums_rnn_generate", path=os.path.dirname(sys.executable)) or \
            shutil.which("drums_rnn_generate") or sys.exit("drums_rnn_generate is not installed")
        command = [script,
                   f"--bundle_file={bundle}", f"--output_dir={os.path.join(work, 'out')}",
                   f"--num_outputs={num_outputs}", f"--num_steps={num_steps}", f"--primer_drums={PRIMER_DRUMS}"]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            sys.exit(f"drums_rnn_generate failed:\n{result.stderr[-2000:]}")
        return elapsed
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--run_dir")
    source.add_argument("--bundle_file")
    parser.add_argument("--config", default="drum_kit")
    parser.add_argument("--hparams", default=PEER_HPARAMS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cli", action="store_true", help="also time the whole drums_rnn_generate command")
    args = parser.parse_args()

    started = time.perf_counter()
    generator = load_generator(args.run_dir, args.bundle_file, args.config, args.hparams)
    print(f"{generator.config.name} {list(generator.config.hparams.rnn_layer_sizes)}")
    print(f"load (TensorFlow import, model): {time.perf_counter() - started:6.2f} s")
    first, *warm = time_generation(generator, repeats=args.repeats)
    best, median = min(warm), statistics.median(warm)
    print(f"first call (compiles the loop):  {first:6.2f} s")
    print(f"10 x 128 steps, model loaded:    {best:6.3f} s best, {median:.3f} s median of {len(warm)}"
          f"  ({MAGENTA_GENERATION_SECONDS / median:.1f}x Magenta's {MAGENTA_GENERATION_SECONDS} s)")
    if args.cli:
        elapsed = time_command(generator)
        print(f"whole drums_rnn_generate:        {elapsed:6.2f} s  "
              f"({MAGENTA_COMMAND_SECONDS / elapsed:.1f}x Magenta's {MAGENTA_COMMAND_SECONDS} s)")


if __name__ == "__main__":
    main()
