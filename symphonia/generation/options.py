"""How to generate: temperature and beam search settings, checked once, shared by every family."""

import dataclasses

from symphonia.generation.beam_search import check_search
from symphonia.generation.sampling import check_temperature


@dataclasses.dataclass(frozen=True)
class GenerationOptions:
    """Magenta's generation arguments (``--temperature``, ``--beam_size``, ``--branch_factor``,
    ``--steps_per_iteration``); ValueError (one line) for a value out of range."""

    temperature: float = 1.0
    beam_size: int = 1
    branch_factor: int = 1
    steps_per_iteration: int = 1

    def __post_init__(self):
        object.__setattr__(self, "temperature", check_temperature(self.temperature))
        check_search(self.beam_size, self.branch_factor, self.steps_per_iteration)

    @property
    def rows_per_output(self):
        """Candidates alive per output between branching and pruning."""
        return self.beam_size * self.branch_factor
