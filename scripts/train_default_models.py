"""Rebuilds the default models shipped in ``symphonia/default_models`` from the data directory.

    python scripts/train_default_models.py ../shared/data [--only drum_kit ...] [--evaluate] [--quick]

One JSON recipe per shipped model in ``configs/defaults/<config>.json`` says
what it is trained on and how (see ``configs/defaults/README.md``). For each
recipe the script runs the project's own console scripts, as a user would:

1. ``convert_dir_to_note_sequences`` on the recipe's data folder (or on the
   files of one split of a CSV, e.g. Groove's ``info.csv``), then a held-out
   split: the CSV's, or a hash of each sequence's id (``eval_ratio``, ``seed``);
2. ``<family>_create_dataset`` on each side (events RNNs and RNN-NADE;
   MusicVAE reads NoteSequences directly);
3. ``<family>_train`` for ``num_steps`` with the recipe's ``hparams`` and ``seed``
   (``music_vae_train --mode=train`` for MusicVAE);
4. with ``--evaluate``, the same script's evaluation on the held-out split,
   whose figures are printed in a Markdown table at the end;
5. ``<family>_generate --save_generator_bundle`` into ``<output_dir>/<config>.mag``,
   its description the recipe's (training data, licence, attribution) plus
   the steps, hyperparameters and seed.

A recipe whose console scripts are not installed is skipped with a message.
``--quick`` trains each recipe's tiny ``quick`` variant for a few steps, to
test the whole path in minutes; its bundles go to the work directory unless
``--output_dir`` says otherwise, so the shipped ones are never replaced by it.
"""

import argparse
import csv
import glob
import json
import os
import shutil
import subprocess
import sys
import time

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECIPES_DIR = os.path.join(REPOSITORY, "configs", "defaults")
SHIPPED_DIR = os.path.join(REPOSITORY, "symphonia", "default_models")
REQUIRED_KEYS = ("config", "family", "data", "hparams", "num_steps", "seed", "description", "quick")
# What create_dataset calls each family's examples: <output_dir>/training_<name>.tfrecord.
EXAMPLES_NAMES = {"melody_rnn": "melodies", "drums_rnn": "drum_tracks", "polyphony_rnn": "poly_tracks",
                  "pianoroll_rnn_nade": "pianoroll_tracks"}
FIGURES = (("loss", "held-out loss"), ("metrics/accuracy", "accuracy"), ("metrics/perplexity", "perplexity"),
           ("metrics/f1_score", "F1"))


class RecipeError(Exception):
    """A recipe or a step that cannot go on; the message says why."""


def load_recipes(recipes_dir, only=None):
    """The recipes of ``recipes_dir`` (all, or those named in ``only``), sorted by config name."""
    recipes = {}
    for path in sorted(glob.glob(os.path.join(recipes_dir, "*.json"))):
        with open(path, encoding="utf-8") as file:
            recipe = json.load(file)
        missing = [key for key in REQUIRED_KEYS if key not in recipe]
        if missing:
            raise RecipeError(f"{path} lacks {', '.join(missing)}")
        if os.path.basename(path) != f"{recipe['config']}.json":
            raise RecipeError(f"{path} is the recipe of {recipe['config']}: name it {recipe['config']}.json")
        recipes[recipe["config"]] = recipe
    unknown = sorted(set(only or ()) - set(recipes))
    if unknown:
        raise RecipeError(f"no recipe for {', '.join(unknown)} in {recipes_dir} (there are: {', '.join(recipes)})")
    return [recipes[name] for name in sorted(only or recipes)]


def scripts_of(recipe):
    """The console scripts a recipe runs, in order."""
    family = recipe["family"]
    if family == "music_vae":
        return ["convert_dir_to_note_sequences", "music_vae_train", "music_vae_generate"]
    return ["convert_dir_to_note_sequences", f"{family}_create_dataset", f"{family}_train", f"{family}_generate"]


def find_script(name):
    """The path of an installed console script (this Python's first), or None."""
    beside = os.path.join(os.path.dirname(sys.executable), name)
    return beside if os.access(beside, os.X_OK) else shutil.which(name)


def run(command, log_path):
    """Runs ``command`` with its output in ``log_path``; returns its wall time in seconds."""
    started = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log:
        log.write(" ".join(command) + "\n")
        log.flush()
        result = subprocess.run([find_script(command[0]) or command[0], *command[1:]], stdout=log,
                                stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        with open(log_path, encoding="utf-8") as log:
            tail = log.read()[-3000:]
        raise RecipeError(f"{command[0]} failed (exit {result.returncode}); log {log_path}:\n{tail}")
    return time.monotonic() - started


def stage_split(data_dir, data, split, stage_dir):
    """Links the files of one split of the recipe's CSV (e.g. Groove's ``info.csv``) into ``stage_dir``."""
    source = os.path.join(data_dir, data["dir"])
    with open(os.path.join(source, data["split"]["csv"]), newline="", encoding="utf-8") as file:
        rows = [row for row in csv.DictReader(file) if row[data["split"]["column"]] == data["split"][split]]
    if not rows:
        raise RecipeError(f"no row of {data['split']['csv']} has {data['split']['column']}={data['split'][split]}")
    shutil.rmtree(stage_dir, ignore_errors=True)
    for row in rows:
        relative = row[data["split"]["path_column"]]
        os.makedirs(os.path.dirname(os.path.join(stage_dir, relative)), exist_ok=True)
        os.symlink(os.path.join(source, relative), os.path.join(stage_dir, relative))
    return len(rows)


def split_by_id(note_sequences, eval_ratio, seed, train_path, eval_path):
    """Splits a NoteSequence TFRecord by the hash of each id, as ``create_dataset`` splits (same seed, same split)."""
    from symphonia.data.split import is_eval
    from symphonia.music.proto import NoteSequence
    from symphonia.tfrecord import AtomicRecordWriter, read_records

    with AtomicRecordWriter(train_path) as train, AtomicRecordWriter(eval_path) as held_out:
        for record in read_records(note_sequences):
            (held_out if is_eval(NoteSequence.FromString(record).id, eval_ratio, seed) else train).write(record)
    return train.count, held_out.count


def note_sequences(data_dir, data, work_dir):
    """``(train, held_out)`` NoteSequence TFRecords of a recipe's data, converted once per data choice."""
    key = data["dir"] + "-" + ("-".join(str(data["split"].get(name)) for name in ("column", "train", "eval"))
                               if "csv" in data["split"] else f"ratio{data['split']['eval_ratio']}-seed"
                               f"{data['split']['seed']}")
    directory = os.path.join(work_dir, "note_sequences", key.replace("/", "_"))
    paths = (os.path.join(directory, "train.tfrecord"), os.path.join(directory, "eval.tfrecord"))
    if all(os.path.exists(path) for path in paths):
        return paths
    os.makedirs(directory, exist_ok=True)
    if "csv" in data["split"]:
        for split, path in zip(("train", "eval"), paths):
            stage_dir = os.path.join(directory, f"{split}_files")
            count = stage_split(data_dir, data, split, stage_dir)
            print(f"  {data['dir']} {split} split: {count} files", flush=True)
            run(["convert_dir_to_note_sequences", f"--input_dir={stage_dir}", f"--output_file={path}", "--recursive"],
                os.path.join(directory, f"convert_{split}.log"))
    else:
        everything = os.path.join(directory, "all.tfrecord")
        run(["convert_dir_to_note_sequences", f"--input_dir={os.path.join(data_dir, data['dir'])}",
             f"--output_file={everything}", "--recursive"], os.path.join(directory, "convert.log"))
        counts = split_by_id(everything, data["split"]["eval_ratio"], data["split"]["seed"], *paths)
        print(f"  {data['dir']}: {counts[0]} training and {counts[1]} held-out sequences", flush=True)
    return paths


def read_eval_figures(eval_dir):
    """``{tag: value}`` of the last step evaluated in ``eval_dir``'s TensorBoard files."""
    import tensorflow as tf

    by_step = {}
    for path in sorted(glob.glob(os.path.join(eval_dir, "events.out.tfevents.*"))):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                by_step.setdefault(event.step, {})[value.tag] = float(tf.make_ndarray(value.tensor))
    if not by_step:
        raise RecipeError(f"the evaluation wrote no figures to {eval_dir}")
    return by_step[max(by_step)]


def bundle_description(recipe, hparams, num_steps):
    return (f"{recipe['description']} Trained by Symphonia's scripts/train_default_models.py: {num_steps} steps, "
            f"hparams \"{hparams}\", seed {recipe['seed']}.")


def train_events_recipe(recipe, train_ns, eval_ns, work, hparams, num_steps, evaluate, bundle_file):
    """create_dataset, train, (eval,) bundle for an events RNN or the RNN-NADE; returns (train s, figures)."""
    family, config = recipe["family"], recipe["config"]
    examples = EXAMPLES_NAMES[family]
    for source, ratio, name in ((train_ns, 0.0, "train"), (eval_ns, 1.0, "eval")):
        run([f"{family}_create_dataset", f"--config={config}", f"--input={source}",
             f"--output_dir={os.path.join(work, name)}", f"--eval_ratio={ratio}", "--layout=compact"],
            os.path.join(work, f"create_dataset_{name}.log"))
    run_dir = os.path.join(work, "run")
    common = [f"--config={config}", f"--run_dir={run_dir}", f"--hparams={hparams}", f"--num_training_steps={num_steps}"]
    seconds = run([f"{family}_train", *common,
                   f"--sequence_example_file={os.path.join(work, 'train', f'training_{examples}.tfrecord')}",
                   f"--seed={recipe['seed']}", "--summary_frequency=50", "--num_checkpoints=2",
                   "--save_checkpoint_secs=600"], os.path.join(work, "train.log"))
    figures = None
    if evaluate:
        run([f"{family}_train", *common, "--eval", "--eval_timeout_secs=60",
             f"--sequence_example_file={os.path.join(work, 'eval', f'eval_{examples}.tfrecord')}"],
            os.path.join(work, "eval.log"))
        figures = read_eval_figures(os.path.join(run_dir, "eval"))
    run([f"{family}_generate", f"--run_dir={run_dir}", "--save_generator_bundle", f"--bundle_file={bundle_file}",
         f"--bundle_description={bundle_description(recipe, hparams, num_steps)}"], os.path.join(work, "bundle.log"))
    return seconds, figures


def train_music_vae_recipe(recipe, train_ns, eval_ns, work, hparams, num_steps, evaluate, bundle_file):
    """music_vae_train (train, then eval) and the bundle, with the flags of Magenta's music_vae_train."""
    run_dir = os.path.join(work, "run")
    common = [f"--config={recipe['config']}", f"--run_dir={run_dir}", f"--hparams={hparams}",
              f"--num_steps={num_steps}"]
    seconds = run(["music_vae_train", *common, "--mode=train", f"--examples_path={train_ns}"],
                  os.path.join(work, "train.log"))
    figures = None
    if evaluate:
        run(["music_vae_train", *common, "--mode=eval", f"--examples_path={eval_ns}"], os.path.join(work, "eval.log"))
        figures = read_eval_figures(os.path.join(run_dir, "eval"))
    run(["music_vae_generate", f"--config={recipe['config']}", f"--run_dir={run_dir}", "--save_generator_bundle",
         f"--bundle_file={bundle_file}", f"--bundle_description={bundle_description(recipe, hparams, num_steps)}"],
        os.path.join(work, "bundle.log"))
    return seconds, figures


def train_recipe(recipe, data_dir, work_dir, output_dir, quick, evaluate):
    """Runs one recipe; returns its table row, or None when its scripts are not installed."""
    missing = [name for name in scripts_of(recipe) if find_script(name) is None]
    if missing:
        print(f"{recipe['config']}: skipped, {', '.join(missing)} not installed", flush=True)
        return None
    hparams = recipe["quick"]["hparams"] if quick else recipe["hparams"]
    num_steps = recipe["quick"]["num_steps"] if quick else recipe["num_steps"]
    print(f"{recipe['config']}: {num_steps} steps, hparams {hparams}", flush=True)
    train_ns, eval_ns = note_sequences(data_dir, recipe["data"], work_dir)
    work = os.path.join(work_dir, "recipes", recipe["config"])
    shutil.rmtree(work, ignore_errors=True)  # a rebuild starts from nothing: the same recipe, the same bundle
    os.makedirs(work)
    bundle_file = os.path.join(output_dir, f"{recipe['config']}.mag")
    train = train_music_vae_recipe if recipe["family"] == "music_vae" else train_events_recipe
    seconds, figures = train(recipe, train_ns, eval_ns, work, hparams, num_steps, evaluate, bundle_file)
    size = os.path.getsize(bundle_file)
    print(f"{recipe['config']}: trained in {seconds:.0f} s, bundle {bundle_file} ({size / 1e6:.2f} MB)", flush=True)
    return {"config": recipe["config"], "data": recipe["data"]["summary"], "steps": num_steps, "seconds": seconds,
            "megabytes": size / 1e6, "figures": figures}


def table(rows):
    """The Markdown table of trained models (and held-out figures, when evaluated)."""
    evaluated = any(row["figures"] for row in rows)
    header = ["config", "data", "steps", "training time", "bundle"]
    if evaluated:
        header += [label for _, label in FIGURES]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [f"`{row['config']}`", row["data"], str(row["steps"]), f"{row['seconds'] / 60:.1f} min",
                 f"{row['megabytes']:.2f} MB"]
        if evaluated:
            figures = row["figures"] or {}
            cells += [f"{figures[tag]:.4f}" if tag in figures else "–" for tag, _ in FIGURES]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", help="the data directory (../shared/data: groove/, pop909/, bach-chorales/)")
    parser.add_argument("--only", nargs="+", metavar="CONFIG", help="train only these recipes")
    parser.add_argument("--evaluate", action="store_true", help="evaluate each model on its held-out split")
    parser.add_argument("--quick", action="store_true", help="tiny models, a few steps: tests the whole path")
    parser.add_argument("--work_dir", default=os.path.join("/tmp", "symphonia_default_models"),
                        help="converted data, datasets, runs and logs (kept for inspection)")
    parser.add_argument("--output_dir", help=f"where the bundles go (default {SHIPPED_DIR}; with --quick, "
                        f"WORK_DIR/bundles)")
    parser.add_argument("--recipes_dir", default=RECIPES_DIR, help="the recipes (default configs/defaults)")
    args = parser.parse_args()
    output_dir = args.output_dir or (os.path.join(args.work_dir, "bundles") if args.quick else SHIPPED_DIR)
    os.makedirs(output_dir, exist_ok=True)
    started, rows = time.monotonic(), []
    try:
        for recipe in load_recipes(args.recipes_dir, args.only):
            row = train_recipe(recipe, os.path.abspath(args.data_dir), os.path.abspath(args.work_dir), output_dir,
                               args.quick, args.evaluate)
            if row:
                rows.append(row)
    except RecipeError as error:
        sys.exit(f"train_default_models: {error}")
    print(f"\n{len(rows)} bundles in {output_dir}, {sum(row['megabytes'] for row in rows):.2f} MB, "
          f"{(time.monotonic() - started) / 60:.1f} min in all\n")
    print(table(rows))


if __name__ == "__main__":
    main()
