"""Benchmark MusicVAE: training speed against Magenta's, held-out reconstruction, KL, sampling time.

For ``cat-mel_2bar_small`` (Bach chorales, every 10th piece by id held out)
and ``cat-drums_2bar_small`` (Groove, its official train / validation split
from ``info.csv``), converts the data with ``convert_dir_to_note_sequences``,
trains for ``--budget_secs`` of wall time and prints: training steps/s (after
the first, compiling step), held-out accuracy teacher-forced and sampled
from the posterior mean at temperature 0, KL bits, and the time to sample 10
outputs. With ``--magenta`` it then runs Magenta's ``music_vae_train`` on the
same files and batch size for the same budget and reads its steps/s from its
checkpoints' steps and times. The last line per config is
``config=<name> steps_per_s=<x> tf_acc=<x> sampled_acc=<x> kl_bits=<x>``.

    python scripts/bench_music_vae.py /work/shared/data --budget_secs=300 \\
        --magenta=/work/magenta-peer-venv/bin/music_vae_train

The 16-bar claim of the MusicVAE paper (a hierarchical decoder reconstructs
long melodies better than a flat one when not teacher-forced), at one budget
and size for both, on POP909's melodies:

    python scripts/bench_music_vae.py /work/shared/data --melody_dir=pop909/midi \\
        --configs=hierdec-mel_16bar,flat-mel_16bar --budget_secs=900 \\
        --hparams='z_size=256,enc_rnn_size=[512],dec_rnn_size=[256,256]'

``--speed_only`` trains on random windows and prints steps/s alone, for any
config (the trios too: no piece in ../shared/data has melody, bass and drums).
"""

import argparse
import collections
import csv
import glob
import hashlib
import os
import subprocess
import sys
import time

import numpy as np


def convert(input_dir, output_file):
    if not os.path.exists(output_file):
        subprocess.run([sys.executable, "-m", "symphonia.cli.convert_dir_to_note_sequences", f"--input_dir={input_dir}",
                        f"--output_file={output_file}", "--recursive", "--num_workers=1"],
                       check=True, capture_output=True)
    from symphonia.models.music_vae.data import read_note_sequences

    return list(read_note_sequences(output_file))


def melody_split(data_dir, work_dir, melody_dir):
    """The pieces under ``data_dir/melody_dir``, every 10th by a hash of its id held out."""
    cache = os.path.join(work_dir, melody_dir.replace(os.sep, "_") + ".tfrecord")
    sequences = convert(os.path.join(data_dir, melody_dir), cache)
    held_out = [int(hashlib.sha1(ns.id.encode()).hexdigest(), 16) % 10 == 0 for ns in sequences]
    return ([ns for ns, out in zip(sequences, held_out) if not out], [ns for ns, out in zip(sequences, held_out) if out])


def drums_split(data_dir, work_dir):
    """Groove's official train and validation pieces."""
    with open(os.path.join(data_dir, "groove", "info.csv"), newline="") as file:
        split = {row["midi_filename"]: row["split"] for row in csv.DictReader(file)}
    sequences = convert(os.path.join(data_dir, "groove"), os.path.join(work_dir, "groove.tfrecord"))
    return ([ns for ns in sequences if split.get(ns.filename) == "train"],
            [ns for ns in sequences if split.get(ns.filename) == "validation"])


def train_for(config, corpus, budget_secs, seed=0):
    """Trains a fresh model for ``budget_secs``; returns ``(model, steps, steps per second)``."""
    import tensorflow as tf

    from symphonia.models.music_vae.train import MusicVaeTask, make_optimizer
    from symphonia.training.task import LOSS

    optimizer = make_optimizer(config.hparams)
    task = MusicVaeTask(config, optimizer, seed)
    variables = task.model.trainable_variables

    @tf.function
    def step(batch):
        with tf.GradientTape() as tape:
            statistics = task.statistics(batch, training=True)
            loss = statistics[LOSS][0] / statistics[LOSS][1]
        gradients, statistics = task.prepare_gradients(tape.gradient(loss, variables), statistics)
        optimizer.apply(gradients, variables)
        return statistics

    batches = iter(corpus.dataset(config.hparams.batch_size, mode="train", seed=seed, repeat=True,
                                  transpose_range=config.transpose_range))
    step(next(batches))
    started, steps = time.monotonic(), 0
    while time.monotonic() - started < budget_secs:
        step(next(batches))
        steps += 1
    return task.model, steps, steps / (time.monotonic() - started)


def held_out_scores(config, model, corpus):
    """Teacher-forced and sampled (posterior mean, temperature 0) accuracy and KL bits on ``corpus``."""
    import tensorflow as tf

    from symphonia.models.music_vae.losses import kl_divergence
    from symphonia.models.music_vae.trained_model import TrainedModel

    labels = corpus.windows[corpus.first_windows()]
    trained = TrainedModel(config, batch_size=128, model=model)
    _, mu, sigma = trained.encode_labels(labels)
    logits = np.concatenate([model.decoder.reconstruct(tf.constant(labels[i:i + 256]), mu[i:i + 256], 0.0,
                                                       tf.constant([0, 0])).numpy()
                             for i in range(0, len(labels), 256)])
    tf_acc = float(np.mean(np.argmax(logits, axis=-1) == labels))
    sampled_acc = float(np.mean(trained.decode_to_labels(mu, 0.0) == labels))
    _, counts = np.unique(labels, return_counts=True)
    baseline = counts.max() / counts.sum()  # always guessing the commonest class
    kl_bits = float(np.mean(kl_divergence(mu, sigma).numpy()) / np.log(2.0))
    sampler = TrainedModel(config, batch_size=10, model=model)
    started = time.monotonic()
    sampler.sample(10, temperature=0.5, seed=0)
    first = time.monotonic() - started
    started = time.monotonic()
    sampler.sample(10, temperature=0.5, seed=1)
    return tf_acc, sampled_acc, kl_bits, first, time.monotonic() - started, len(labels), baseline


def magenta_steps_per_second(magenta, config_name, sequences, batch_size, budget_secs, work_dir):
    """Magenta's training rate on the same windows: steps between its later checkpoints over their times."""
    from symphonia.tfrecord import AtomicRecordWriter

    path = os.path.join(work_dir, f"{config_name}_train.tfrecord")
    with AtomicRecordWriter(path) as writer:
        for ns in sequences:
            writer.write(ns.SerializeToString())
    run_dir = os.path.join(work_dir, f"magenta_{config_name}_{int(time.time())}")
    env = dict(os.environ, PATH=os.path.dirname(magenta) + os.pathsep + os.environ["PATH"], TF_CPP_MIN_LOG_LEVEL="2")
    try:
        subprocess.run([magenta, f"--config={config_name}", f"--run_dir={run_dir}", "--mode=train",
                        f"--examples_path={path}", f"--hparams=batch_size={batch_size}", "--num_steps=1000000"],
                       env=env, capture_output=True, timeout=budget_secs, check=False)
    except subprocess.TimeoutExpired:
        pass
    saved = sorted((int(index.rsplit("-", 1)[1][:-len(".index")]), os.path.getmtime(index))
                   for index in glob.glob(os.path.join(run_dir, "train", "model.ckpt-*.index")))
    saved = [entry for entry in saved if entry[0] > 0]  # step 0 is saved before the graph has run
    if len(saved) < 2:
        return float("nan")
    return (saved[-1][0] - saved[0][0]) / (saved[-1][1] - saved[0][1])


def random_corpus(converter, count, seed=0):
    """``count`` windows of uniformly random labels shaped as ``converter``'s: speed does not depend on what
    the notes are, and ../shared/data has no piece with a melody, a bass line and drums together (trios)."""
    from symphonia.models.music_vae.data import WindowCorpus

    # Exclusive upper bounds of a label: 0/1 in a roll, else each part's number of classes.
    highs = 2 if getattr(converter, "roll_output", False) else getattr(converter, "output_depths",
                                                                        converter.output_depth)
    windows = np.random.default_rng(seed).integers(0, highs, (count,) + converter.label_shape)
    return WindowCorpus(converter, windows.astype(converter.label_dtype), np.arange(count + 1), collections.Counter())


def split_for(name, args):
    """``(train, held_out)`` NoteSequences for config ``name``: Groove for drums, ``--melody_dir`` for melodies."""
    if "drums" in name:
        return drums_split(args.data_dir, args.work_dir)
    return melody_split(args.data_dir, args.work_dir, args.melody_dir)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir")
    parser.add_argument("--budget_secs", type=float, default=300.0, help="training wall time per config")
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--hparams", default="", help="more overrides for every config, e.g. 'dec_rnn_size=[256,256]'")
    parser.add_argument("--melody_dir", default="bach-chorales",
                        help="melody pieces under data_dir (e.g. pop909/midi: long songs, many 16-bar windows)")
    parser.add_argument("--speed_only", action="store_true",
                        help="train on random windows and print steps/s only (any config, trios included)")
    parser.add_argument("--magenta", default=None, help="Magenta's music_vae_train, to compare training speed")
    parser.add_argument("--work_dir", default="/tmp/bench_music_vae")
    parser.add_argument("--configs", default="cat-mel_2bar_small,cat-drums_2bar_small")
    args = parser.parse_args()
    os.makedirs(args.work_dir, exist_ok=True)
    from symphonia.models.music_vae.configs import get_config
    from symphonia.models.music_vae.data import WindowCorpus

    for name in args.configs.split(","):
        config = get_config(name).with_hparams(",".join(filter(None, [f"batch_size={args.batch_size}",
                                                                      args.hparams])))
        converter = config.make_converter()
        if args.speed_only:
            _, steps, rate = train_for(config, random_corpus(converter, 4 * args.batch_size), args.budget_secs)
            print(f"{name}: {steps} steps in {args.budget_secs:.0f} s on random windows")
            print(f"config={name} steps_per_s={rate:.3f}", flush=True)
            continue
        train, held_out = split_for(name, args)
        train_corpus = WindowCorpus.from_note_sequences(train, converter)
        held_out_corpus = WindowCorpus.from_note_sequences(held_out, converter)
        print(f"{name}: {len(train)} train / {len(held_out)} held-out sequences, {len(train_corpus.windows)} "
              f"training windows", flush=True)
        model, steps, rate = train_for(config, train_corpus, args.budget_secs)
        tf_acc, sampled_acc, kl_bits, first, warm, count, baseline = held_out_scores(config, model, held_out_corpus)
        print(f"{name}: {steps} steps in {args.budget_secs:.0f} s, {rate:.3f} steps/s; held-out windows {count} "
              f"(accuracy of always the commonest class {baseline:.4f}); "
              f"sampling 10 outputs {first:.2f} s (first call, compiling), {warm:.3f} s after", flush=True)
        if args.magenta:
            magenta_rate = magenta_steps_per_second(args.magenta, name, train, args.batch_size, args.budget_secs,
                                                    args.work_dir)
            print(f"{name}: magenta steps/s {magenta_rate:.3f}; ours / magenta {rate / magenta_rate:.2f}", flush=True)
        print(f"config={name} steps_per_s={rate:.3f} tf_acc={tf_acc:.4f} sampled_acc={sampled_acc:.4f} "
              f"kl_bits={kl_bits:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
