"""Generation with the events RNN (Melody RNN, Drums RNN, Polyphony RNN).

* ``loading``: a trained model from a run directory, checkpoint or ``.mag``
  bundle (rebuilt from its stored configuration), and bundles from it;
* ``generator``: :class:`~symphonia.generation.events_rnn.generator.EventsRnnGenerator`,
  primer NoteSequence in, NoteSequences out;
* ``melody``, ``drums``, ``polyphony``: each family's primer extraction,
  generation recipe and conversion back to NoteSequences;
* ``rollout``: many continuations of one primer extended together, the
  beam search's rollout;
* ``rnn_steps``: the model compiled for priming and single steps;
* ``step_inputs`` and ``history``: each new event's codec input in O(batch)
  work, from the events so far.
"""
