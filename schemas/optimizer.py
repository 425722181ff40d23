"""Optimizers (torch's), built as partials: TriadModule passes the parameters."""

from __future__ import annotations

from dataclasses import dataclass

from omegaconf import MISSING

from schemas.store import register


@dataclass
class OptimizerConf:
    """Any torch optimizer, built as a partial; TriadModule passes the parameters."""

    _target_: str = MISSING
    _partial_: bool = True
    lr: float = MISSING


@dataclass
class AdamWConf(OptimizerConf):
    """AdamW."""

    _target_: str = "torch.optim.AdamW"
    lr: float = 3e-3
    weight_decay: float = 0.01


@dataclass
class SGDConf(OptimizerConf):
    """SGD with momentum."""

    _target_: str = "torch.optim.SGD"
    lr: float = 0.05
    momentum: float = 0.9
    weight_decay: float = 0.0
    nesterov: bool = False


register("optimizer", "adamw", AdamWConf)
register("optimizer", "sgd", SGDConf)
