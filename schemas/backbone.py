"""Backbones (src/backbones/): each option is its class, whose signature holds its settings and their defaults."""

from __future__ import annotations

from dataclasses import dataclass

from omegaconf import MISSING

from schemas.store import option


@dataclass
class BackboneConf:
    """Any backbone. ``in_shape`` (and ``vocab_size`` for tokens) come from the data when the run is built."""

    _target_: str = MISSING


WIRED = ("in_shape", "vocab_size")  # the build passes them from the data's spec: never typed by the user

option("backbone", "mlp", "src.backbones.mlp.MLP", base=BackboneConf, wired=WIRED)
option("backbone", "resmlp", "src.backbones.resmlp.ResMLP", base=BackboneConf, wired=WIRED)
option("backbone", "cnn", "src.backbones.cnn.CNN", base=BackboneConf, wired=WIRED)
option("backbone", "transformer", "src.backbones.transformer.Transformer", base=BackboneConf, wired=WIRED)
option("backbone", "gru", "src.backbones.gru.GRU", base=BackboneConf, wired=WIRED)
option("backbone", "tcn", "src.backbones.tcn.TCN", base=BackboneConf, wired=WIRED)
option("backbone", "hyena", "src.backbones.hyena.Hyena", base=BackboneConf, wired=WIRED)
