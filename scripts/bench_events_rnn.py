"""Benchmark: events-RNN training speed, eval loss and generation time, ours against Magenta's.

For each family (Groove drums with ``drum_kit``, Bach chorale melodies with
``attention_rnn``, Bach chorales with ``polyphony``; hparams
``batch_size=64,rnn_layer_sizes=[64,64]``):

1. the data is converted with our ``convert_dir_to_note_sequences`` and made
   into SequenceExamples by our ``*_create_dataset`` and, with ``--peer_bin``,
   by Magenta's (both from our NoteSequences; record counts are printed;
   eval ratio 0.25 for drums and melodies, 0.10 for polyphony, so that every
   eval set holds at least one full batch);
2. both implementations train ``--num_steps`` steps on the same training file
   (Magenta's when there is a peer, ours with ``--datasets_by ours``);
   steps/s is measured between the first and the last training summary
   (every ``--summary_frequency`` steps), from the wall times in the event
   files, so start-up, tracing and compilation before the first summary do
   not count, for either side;
3. the final checkpoint is evaluated by each trainer's ``--eval`` on the same
   eval file and number of examples; the eval loss is the ``loss`` scalar of
   the ``eval`` event files;
4. generation of 10 outputs x 128 steps is timed with the model loaded: ours
   through the public API (``symphonia.generation.events_rnn``: load the run,
   ``EventsRnnGenerator.generate``; the first call, which traces, is shown
   apart, the figure is the median of the warm calls); Magenta's as the wall
   time of its generate command minus that of the same command generating
   one output of a single step (its start-up and model loading).

Prints a table and one line per family::

    family=<x> ours_steps_per_s=<x> magenta_steps_per_s=<x> speedup=<x> ours_eval_loss=<x> ...

    python scripts/bench_events_rnn.py /work/shared/data [--peer_bin /work/magenta-peer-venv/bin] [--num_steps 100]

Run it on an otherwise idle machine if possible: the two trainers run back to
back, so the speed-up is a fair ratio even under some load, absolute rates are not.
"""

import argparse
import collections
import glob
import os
import statistics
import subprocess
import sys
import tempfile
import time

HPARAMS = "batch_size=64,rnn_layer_sizes=[64,64]"
NUM_OUTPUTS, GENERATED_STEPS = 10, 128

# config_flags: polyphony has a single configuration, and Magenta's polyphony tools take no --config.
# eval_ratio: enough eval examples for at least one full batch of 64 (Bach has only ~370 chorale melodies).
Family = collections.namedtuple("Family", "name family config_flags source records eval_ratio primer_flag primer "
                                          "extra_flags")

FAMILIES = (
    Family("drum_kit", "drums_rnn", ("--config=drum_kit",), "groove", "drum_tracks", 0.25, "primer_drums",
           "[(36,)]", ()),
    Family("attention_rnn", "melody_rnn", ("--config=attention_rnn",), "bach-chorales", "melodies", 0.25,
           "primer_melody", "[60]", ()),
    Family("polyphony", "polyphony_rnn", (), "bach-chorales", "poly_tracks", 0.10, "primer_pitches",
           "[67,64,60]", ("--condition_on_primer=true", "--inject_primer_during_generation=false")),
)


class Runner:
    """Runs one implementation's command-line tools, logging each command's output under ``work``."""

    def __init__(self, name, bin_dir, work):
        self.name, self.bin_dir, self.work = name, bin_dir, work
        self.env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", TF_CPP_MIN_LOG_LEVEL="2",
                        CUDA_VISIBLE_DEVICES="")

    def _command(self, tool, args):
        return [os.path.join(self.bin_dir, tool), *args]

    def _log(self, label):
        return os.path.join(self.work, f"{self.name}_{label}.log")

    def run(self, label, tool, *args):
        """Runs ``tool`` to completion; returns its wall seconds. Exits with its log's tail on failure."""
        started = time.perf_counter()
        with open(self._log(label), "w") as log:
            result = subprocess.run(self._command(tool, args), stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                    check=False)
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            with open(self._log(label)) as log:
                sys.exit(f"{self.name} {tool} failed (log {self._log(label)}):\n{log.read()[-3000:]}")
        return elapsed

    def run_until(self, label, done, timeout, tool, *args):
        """Runs ``tool`` until it exits or ``done()`` holds (then stops it: evaluators wait for checkpoints)."""
        with open(self._log(label), "w") as log:
            process = subprocess.Popen(self._command(tool, args), stdout=log, stderr=subprocess.STDOUT,
                                       env=self.env)
            deadline = time.monotonic() + timeout
            while process.poll() is None and not done() and time.monotonic() < deadline:
                time.sleep(1.0)
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        if not done():
            with open(self._log(label)) as log:
                sys.exit(f"{self.name} {tool} gave no result (log {self._log(label)}):\n{log.read()[-3000:]}")


def read_scalar(directory, tag):
    """``[(step, wall_time, value)]`` of scalar ``tag`` in ``directory``'s event files, TF1 or TF2 style."""
    import tensorflow as tf

    points = []
    for path in sorted(glob.glob(os.path.join(directory, "events.out.tfevents.*"))):
        try:
            for event in tf.compat.v1.train.summary_iterator(path):
                for value in event.summary.value:
                    if value.tag == tag:
                        number = (value.simple_value if value.HasField("simple_value")
                                  else tf.make_ndarray(value.tensor))
                        points.append((event.step, event.wall_time, float(number)))
        except tf.errors.DataLossError:  # a writer is still appending to this file: read the rest next time
            continue
    return sorted(points)


def steps_per_second(train_dir):
    """Training steps per second between the first and the last ``loss`` summary of a run."""
    points = read_scalar(train_dir, "loss")
    (first_step, first_time, _), (last_step, last_time, _) = points[0], points[-1]
    if last_step <= first_step:
        sys.exit(f"{train_dir}: fewer than two training summaries; raise --num_steps")
    return (last_step - first_step) / (last_time - first_time)


def eval_loss_at(eval_dir, step):
    """The eval ``loss`` of the checkpoint at ``step``, or None when not written yet."""
    values = [value for point_step, _, value in read_scalar(eval_dir, "loss") if point_step == step]
    return values[-1] if values else None


def count_records(path):
    from symphonia.tfrecord import read_records

    return sum(1 for _ in read_records(path))


def convert_sources(runner, data_root, work, families):
    """Converts each family's source directory once with ``runner``; returns ``{source: NoteSequence file}``.

    A file already in ``work`` (a ``--work_dir`` used before) is reused.
    """
    note_sequences = {}
    for source in sorted({family.source for family in families}):
        note_sequences[source] = os.path.join(work, f"{source}_ns.tfrecord")
        if not os.path.exists(note_sequences[source]):
            seconds = runner.run(f"convert_{source}", "convert_dir_to_note_sequences",
                                 f"--input_dir={os.path.join(data_root, source)}",
                                 f"--output_file={note_sequences[source]}", "--recursive")
            print(f"converted {source} with {runner.name} in {seconds:.1f} s", flush=True)
    return note_sequences


def make_dataset(runner, family, note_sequences, work):
    """``family``'s SequenceExample directory made by ``runner`` (reused when ``work`` holds it already)."""
    directory = os.path.join(work, f"{runner.name}_{family.name}_se")
    if not os.path.exists(os.path.join(directory, f"eval_{family.records}.tfrecord")):
        runner.run(f"create_{family.name}", f"{family.family}_create_dataset", *family.config_flags,
                   f"--input={note_sequences[family.source]}", f"--output_dir={directory}",
                   f"--eval_ratio={family.eval_ratio}")
    counts = [count_records(os.path.join(directory, f"{split}_{family.records}.tfrecord"))
              for split in ("training", "eval")]
    print(f"{family.name}: {runner.name}'s dataset has {counts[0]} training, {counts[1]} eval examples", flush=True)
    return directory


def train_and_evaluate(runner, family, dataset, num_steps, summary_frequency, work):
    """Trains ``num_steps`` and evaluates the final checkpoint; returns ``(run_dir, steps/s, eval loss)``."""
    run_dir = os.path.join(work, f"{runner.name}_{family.name}_run")
    common = [*family.config_flags, f"--run_dir={run_dir}", f"--hparams={HPARAMS}"]
    runner.run(f"train_{family.name}", f"{family.family}_train", *common,
               f"--sequence_example_file={os.path.join(dataset, f'training_{family.records}.tfrecord')}",
               f"--num_training_steps={num_steps}", f"--summary_frequency={summary_frequency}")
    rate = steps_per_second(os.path.join(run_dir, "train"))
    eval_file = os.path.join(dataset, f"eval_{family.records}.tfrecord")
    eval_dir = os.path.join(run_dir, "eval")
    runner.run_until(f"eval_{family.name}", lambda: eval_loss_at(eval_dir, num_steps) is not None, 1800,
                     f"{family.family}_train", *common, "--eval", f"--sequence_example_file={eval_file}",
                     f"--num_eval_examples={count_records(eval_file)}", f"--num_training_steps={num_steps}")
    return run_dir, rate, eval_loss_at(eval_dir, num_steps)


def our_primer(family, steps_per_quarter):
    """The NoteSequence our generate command makes of ``family``'s primer flag."""
    from symphonia.generation import primers
    from symphonia.generation.events_rnn import drums, melody
    from symphonia.generation.note_sequences import DEFAULT_QPM, chord_sequence

    if family.primer_flag == "primer_drums":
        return drums.drum_sequence(primers.parse_drums(family.primer), 0, DEFAULT_QPM, steps_per_quarter)
    if family.primer_flag == "primer_melody":
        return melody.melody_sequence(primers.parse_melody(family.primer), 0, DEFAULT_QPM, steps_per_quarter)
    return chord_sequence(primers.parse_pitches(family.primer), DEFAULT_QPM)


def time_our_generation(family, run_dir, repeats=3):
    """``(first call, median of the warm calls)`` seconds for 10 x 128 steps with the model loaded."""
    from symphonia.generation.events_rnn import loading
    from symphonia.generation.events_rnn.generator import EventsRnnGenerator

    generator = EventsRnnGenerator(*loading.load_run_dir(run_dir))
    primer = our_primer(family, generator.config.steps_per_quarter)
    options = {"condition_on_primer": True, "inject_primer": False} if family.family == "polyphony_rnn" else {}
    times = []
    for repeat in range(repeats + 1):
        started = time.perf_counter()
        generator.generate(primer, GENERATED_STEPS, num_outputs=NUM_OUTPUTS, seed=repeat, **options)
        times.append(time.perf_counter() - started)
    return times[0], statistics.median(times[1:])


def time_magenta_generation(runner, family, run_dir, work):
    """Wall seconds of Magenta's 10 x 128 generate command minus those of a one-output, one-step one."""
    seconds = []
    for num_outputs, num_steps in ((1, 2), (NUM_OUTPUTS, GENERATED_STEPS)):
        output_dir = os.path.join(work, f"{runner.name}_{family.name}_gen_{num_outputs}")
        seconds.append(runner.run(f"generate_{family.name}_{num_outputs}", f"{family.family}_generate",
                                  *family.config_flags, f"--run_dir={run_dir}", f"--hparams={HPARAMS}",
                                  f"--output_dir={output_dir}", f"--num_outputs={num_outputs}",
                                  f"--num_steps={num_steps}", f"--{family.primer_flag}={family.primer}",
                                  *family.extra_flags))
    return seconds[1] - seconds[0]


def _figure(value, digits=3):
    return "-" if value is None else f"{value:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_root", help="the shared data directory (groove/, bach-chorales/)")
    parser.add_argument("--peer_bin", help="Magenta's bin directory, e.g. /work/magenta-peer-venv/bin")
    parser.add_argument("--num_steps", type=int, default=100, help="training steps per run")
    parser.add_argument("--summary_frequency", type=int, default=10,
                        help="steps between training summaries (the rate is measured from the first)")
    parser.add_argument("--datasets_by", choices=("peer", "ours"), default="peer",
                        help="whose *_create_dataset makes the files both train on (ours is faster to build)")
    parser.add_argument("--families", default=",".join(family.name for family in FAMILIES))
    parser.add_argument("--work_dir", help="keep the work here (default: a new temporary directory); its "
                        "converted data and datasets are reused by later runs")
    args = parser.parse_args()
    if args.num_steps < 2 * args.summary_frequency:
        sys.exit("--num_steps must be at least twice --summary_frequency")
    chosen = [family for family in FAMILIES if family.name in args.families.split(",")]
    work = args.work_dir or tempfile.mkdtemp(prefix="bench_events_rnn_")
    os.makedirs(work, exist_ok=True)
    print(f"work directory: {work}", flush=True)
    runners = [Runner("ours", os.path.dirname(sys.executable), work)]
    if args.peer_bin:
        runners.append(Runner("magenta", args.peer_bin, work))
    note_sequences = convert_sources(runners[0], args.data_root, work, chosen)

    rows = []
    for family in chosen:
        # Both train and evaluate on the same files (the peer's unless --datasets_by ours): exactly the same data.
        builders = runners if args.datasets_by == "peer" else runners[:1]
        dataset = [make_dataset(runner, family, note_sequences, work) for runner in builders][-1]
        results = {}
        for runner in runners:
            run_dir, rate, loss = train_and_evaluate(runner, family, dataset, args.num_steps,
                                                     args.summary_frequency, work)
            results[runner.name] = {"run_dir": run_dir, "rate": rate, "loss": loss}
            print(f"{family.name}: {runner.name} {rate:.3f} steps/s, eval loss {loss:.4f}", flush=True)
        first, warm = time_our_generation(family, results["ours"]["run_dir"])
        results["ours"]["gen"] = warm
        print(f"{family.name}: our generation {warm:.3f} s (first call, tracing: {first:.2f} s)", flush=True)
        if args.peer_bin:
            results["magenta"]["gen"] = time_magenta_generation(runners[1], family, results["magenta"]["run_dir"],
                                                                work)
        rows.append((family, results))

    print(f"\n{args.num_steps} training steps, hparams {HPARAMS}, generation {NUM_OUTPUTS} x {GENERATED_STEPS} steps")
    print(f"{'family':<14} {'steps/s ours':>12} {'magenta':>8} {'speedup':>8} {'eval loss ours':>15} {'magenta':>8} "
          f"{'gen s ours':>10} {'magenta':>8}")
    lines = []
    for family, results in rows:
        ours, magenta = results["ours"], results.get("magenta", {})
        speedup = ours["rate"] / magenta["rate"] if magenta else None
        print(f"{family.name:<14} {ours['rate']:>12.3f} {_figure(magenta.get('rate')):>8} {_figure(speedup, 2):>8} "
              f"{ours['loss']:>15.4f} {_figure(magenta.get('loss'), 4):>8} {ours['gen']:>10.3f} "
              f"{_figure(magenta.get('gen')):>8}")
        lines.append(f"family={family.name} ours_steps_per_s={ours['rate']:.3f} "
                     f"magenta_steps_per_s={_figure(magenta.get('rate'))} speedup={_figure(speedup, 2)} "
                     f"ours_eval_loss={ours['loss']:.4f} magenta_eval_loss={_figure(magenta.get('loss'), 4)} "
                     f"gen_s={ours['gen']:.3f} magenta_gen_s={_figure(magenta.get('gen'))}")
    print("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
