"""Gradient checkpointing: the same outputs and gradients, for every backbone that offers it."""

from __future__ import annotations

import inspect

import pytest
import torch
from hydra.utils import get_object

from schemas.store import options, target_of

OFFERING = [name for name, schema in options("backbone").items() if "checkpointing" in inspect.signature(
    get_object(str(target_of(schema)))).parameters]  # fmt: skip


def test_the_long_sequence_backbones_offer_checkpointing() -> None:
    assert {"hyena", "tcn", "transformer"} <= set(OFFERING)


@pytest.mark.parametrize("name", OFFERING)
def test_checkpointing_changes_neither_outputs_nor_gradients(name: str) -> None:
    cls = get_object(str(target_of(options("backbone")[name])))
    x = torch.randn(2, 48, 3)
    mask = torch.ones(2, 48, dtype=torch.bool)
    mask[1, 30:] = False
    seen = []
    for checkpointing in (False, True):
        torch.manual_seed(0)
        model = cls(in_shape=(48, 3), width=16, dropout=0.1, checkpointing=checkpointing)  # dropout: same masks
        torch.manual_seed(1)
        out = model(x, mask)
        out.square().sum().backward()
        seen.append((out.detach(), [p.grad for p in model.parameters()]))
    (out, grads), (out_ck, grads_ck) = seen
    torch.testing.assert_close(out_ck, out)
    for grad, grad_ck in zip(grads, grads_ck, strict=True):
        torch.testing.assert_close(grad_ck, grad)
