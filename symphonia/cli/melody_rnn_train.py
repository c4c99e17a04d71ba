"""melody_rnn_train: train a Melody RNN (basic_rnn, mono_rnn, lookback_rnn or attention_rnn) on SequenceExamples,
or with --eval, evaluate its checkpoints as they appear.

Magenta's flags and defaults; see symphonia.cli.events_rnn_train.
"""

from symphonia.cli import events_rnn_train

events_rnn_train.define_flags("melody_rnn", default_config=None)


def run():
    events_rnn_train.run("melody_rnn")


if __name__ == "__main__":
    run()
