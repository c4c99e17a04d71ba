"""Melody, Drums and Polyphony RNN generation from Python: a loaded model in, NoteSequences out.

    config, model = loading.load_run_dir("run_dir")      # or load_checkpoint, load_bundle
    generator = EventsRnnGenerator(config, model)
    sequences = generator.generate(primer, num_steps=128, num_outputs=10, seed=1)

``num_steps`` counts steps from time 0 of the primer, primer included, as
Magenta's ``--num_steps`` does. Generation starts one step after the primer's
last note ends (melodies, drums: room for the note-off) or at the primer's end
(polyphony). All outputs are generated together in one batch, every event
inside one compiled loop (see :mod:`~symphonia.generation.events_rnn.rollout`);
the same seed gives the same outputs. The loop is compiled on the first call
of a batch size and reused by the next ones.
"""

import random

from symphonia.generation.events_rnn import drums, melody, polyphony
from symphonia.generation.events_rnn.graph_codecs import graph_codec_for
from symphonia.generation.events_rnn.graph_loop import GenerationLoop
from symphonia.generation.events_rnn.rollout import Continuer
from symphonia.generation.note_sequences import last_note_end, quantize_primer, tempo_of
from symphonia.generation.options import GenerationOptions
from symphonia.generation.primers import PrimerError


class EventsRnnGenerator:
    """Generates NoteSequences with an events RNN and its configuration.

    Parameters
    ----------
    config : symphonia.models.events_rnn.configs.EventsRnnConfig
    model : symphonia.models.events_rnn.model.EventsRnn
        With its weights loaded.
    jit_compile : bool
        Compile the generation loop with XLA (see
        :class:`~symphonia.generation.events_rnn.graph_loop.GenerationLoop`).
    """

    def __init__(self, config, model, jit_compile=True):
        from symphonia.codecs import get_codec

        self.config = config
        self.model = model
        self.codec = get_codec(config.encoding)
        self.loop = GenerationLoop(model, graph_codec_for(self.codec), jit_compile=jit_compile)

    def generate(self, primer, num_steps, num_outputs=1, options=None, seed=None, *,
                 condition_on_primer=False, inject_primer=True):
        """``num_outputs`` continuations of the primer NoteSequence, each ``num_steps`` steps long.

        Parameters
        ----------
        primer : NoteSequence
            Its first tempo is the output's (120 qpm without one).
        num_steps : int
            Length of each output in steps from time 0 (primer included).
        num_outputs : int
        options : GenerationOptions, optional
            Temperature and beam search; Magenta's defaults when None.
        seed : int, optional
            None draws fresh randomness.
        condition_on_primer, inject_primer : bool
            Polyphony only (see :mod:`~symphonia.generation.events_rnn.polyphony`).

        Raises
        ------
        PrimerError
            When the primer cannot be quantized or leaves nothing to generate.
        GenerationError
            When the model cannot finish (polyphony that never ends a step).
        """
        if num_outputs < 1:
            raise ValueError(f"num_outputs must be at least 1, got {num_outputs}")
        config = self.config
        qpm = tempo_of(primer)
        quantized = quantize_primer(primer, config.steps_per_quarter)
        if config.family == "polyphony_rnn":
            start_step = quantized.total_steps
        else:
            start_step = last_note_end(quantized) + 1
        if num_steps <= start_step:
            raise PrimerError(f"nothing to generate: the primer takes {start_step} of the {num_steps} steps asked "
                              f"for; ask for more steps")
        if seed is None:
            seed = random.SystemRandom().randrange(2**63)
        continuer = Continuer(self.loop, num_outputs, options or GenerationOptions(), seed % 2**63)
        if config.family == "melody_rnn":
            return melody.generate_melodies(continuer, config, quantized, qpm, start_step, num_steps)
        if config.family == "drums_rnn":
            return drums.generate_drums(continuer, config, quantized, qpm, start_step, num_steps)
        return polyphony.generate_polyphony(continuer, config, quantized, primer, qpm, start_step, num_steps,
                                            condition_on_primer=condition_on_primer, inject_primer=inject_primer)
