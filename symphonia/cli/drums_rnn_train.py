"""drums_rnn_train: train a Drums RNN (one_drum or drum_kit) on SequenceExamples,
or with --eval, evaluate its checkpoints as they appear.

Magenta's flags and defaults; see symphonia.cli.events_rnn_train.
"""

from symphonia.cli import events_rnn_train

events_rnn_train.define_flags("drums_rnn", default_config="drum_kit")


def run():
    events_rnn_train.run("drums_rnn")


if __name__ == "__main__":
    run()
