"""Piecewise-constant copy-number states along a track: the segment model both copy-number samplers draw from."""

from __future__ import annotations

import torch
from torch import Tensor


def check_states(num_states: int, normal: int, normal_fraction: float) -> None:
    """The states 0..K-1, the normal one among them, and the share of normal segments: a ValueError if impossible."""
    if not (num_states >= 2 and 0 < normal < num_states and 0 <= normal_fraction <= 1):
        raise ValueError(
            "need num_states >= 2, 0 < normal < num_states and 0 <= normal_fraction <= 1; "
            f"got {num_states}, {normal}, {normal_fraction}"
        )


def segment_states(
    n: int,
    length: int,
    new_segment: float,  # the probability that a segment starts at a position
    num_states: int,
    normal: int,
    normal_fraction: float,
    generator: torch.Generator,
) -> Tensor:
    """``n`` tracks of states, all at once.  -> (n, length) int64.

    A segment starts at each position with probability ``new_segment``; it is at ``normal`` with probability
    ``normal_fraction``, else at another state drawn uniformly.
    """
    starts = torch.rand(n, length, generator=generator) < new_segment  # (n, L) a segment starts
    starts[:, 0] = True
    segment = starts.long().cumsum(1) - 1  # (n, L) each position's segment
    other = torch.randint(num_states - 1, (n, length), generator=generator)  # one state per possible segment
    other = other + (other >= normal).long()  # a state other than normal, uniformly
    is_normal = torch.rand(n, length, generator=generator) < normal_fraction
    return torch.where(is_normal, normal, other).gather(1, segment)  # (n, L)


def changes(y: Tensor) -> Tensor:
    """(n, L) states -> (n, L) 1 where a position's state differs from the previous one's."""
    change = torch.zeros_like(y)
    change[:, 1:] = (y[:, 1:] != y[:, :-1]).long()
    return change
