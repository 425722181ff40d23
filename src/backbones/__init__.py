"""Backbones: plain torch.nn.Modules that turn an input of the data's shape into features.

They import only torch and einops: never Lightning, Hydra, src.tasks or src.data.
"""
