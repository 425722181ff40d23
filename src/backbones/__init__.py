"""Backbones: plain torch.nn.Modules that turn inputs of the data's shape (and their padding mask) into features.

Each declares what it takes and returns (the Backbone protocol, ``traits.py``) and builds in one line with its
defaults. They import only torch and einops: never Lightning, Hydra, or the rest of tasktriad.
"""
