"""Generating music from trained models: batched sampling, temperature, beam search, primers.

The pieces every model family shares:

* :mod:`~symphonia.generation.sampling`: drawing classes from logits at a
  temperature, with an explicit seed;
* :mod:`~symphonia.generation.beam_search`: Magenta's stochastic beam search
  over many independent outputs at once;
* :mod:`~symphonia.generation.primers`: the ``--primer_*`` flags, parsed as
  literals and checked;
* :mod:`~symphonia.generation.midi_files`: output file names and atomic writes.

The events RNN (Melody, Drums and Polyphony RNN) generates through
:mod:`~symphonia.generation.events_rnn`, built on a compiled single-step model
(:mod:`~symphonia.generation.rnn_steps`), per-step codec inputs
(:mod:`~symphonia.generation.step_inputs`) and one module per family that turns
NoteSequences into events and back (``melody``, ``drums``, ``polyphony``).

The package imports nothing itself, so importing one module stays cheap;
only the modules that run a model import TensorFlow.
"""
