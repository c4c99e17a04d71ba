"""Generation with the events RNN (Melody RNN, Drums RNN, Polyphony RNN).

* ``loading``: a trained model from a run directory, checkpoint or ``.mag``
  bundle (rebuilt from its stored configuration), and bundles from it;
* ``generator``: :class:`~symphonia.generation.events_rnn.generator.EventsRnnGenerator`,
  primer NoteSequence in, NoteSequences out;
* ``melody``, ``drums``, ``polyphony``: each family's primer extraction,
  generation recipe and conversion back to NoteSequences;
* ``rollout``: many continuations of one primer extended together, the
  beam search's rollout;
* ``graph_loop``: the whole sampling loop compiled as one TensorFlow
  function (XLA), polyphony's primer injection included;
* ``graph_codecs``: each codec's side of that loop, labels to events and
  events to the next input, in TensorFlow.
"""
