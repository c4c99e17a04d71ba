"""polyphony_rnn_train: train a Polyphony RNN on SequenceExamples,
or with --eval, evaluate its checkpoints as they appear.

Magenta's flags and defaults; see symphonia.cli.events_rnn_train.
"""

from symphonia.cli import events_rnn_train

events_rnn_train.define_flags("polyphony_rnn", default_config="polyphony")


def run():
    events_rnn_train.run("polyphony_rnn")


if __name__ == "__main__":
    run()
