"""What a lesson of the guided tour produces."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass
class Lesson:
    """One lesson: what it shows, the numbers it computed and the code that computed them.

    ``name`` is the short id used by ``nabla tour --only NAME``; ``figures`` are PNG file
    names relative to the report's folder; ``numbers`` maps a description to the value
    computed (checked by the tests against independent computations).

    >>> Lesson("slopes", "Functions and slopes", "Rise over run.", "f(x + h) - f(x)").name
    'slopes'
    """

    name: str
    title: str
    explanation: str
    code: str
    numbers: dict = dataclasses.field(default_factory=dict)
    figures: list = dataclasses.field(default_factory=list)
