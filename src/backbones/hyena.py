"""Hyena (Poli et al., "Hyena Hierarchy", 2023): attention replaced by gated long convolutions, written from the paper.

One operator of order N, on features u of width D:
  1. project u to N + 1 signals and mix each locally with a short depthwise causal convolution: x^1..x^N and v;
  2. make N long filters h^n, as long as the sequence, with a small MLP (sine activations) on positional features
     of t, times a decay window exp(-alpha_c t) whose rate differs per channel (some filters local, some global);
  3. recur: v <- x^n * (h^n conv v + b^n v) for n = 1..N, each convolution causal and computed by FFT in O(L log L);
  4. project v back to width D.

What makes it fast on a CPU (forward and backward, width 128, batch 1), each measured side by side against the
version before it, outputs within float error of it and of float64:
  - the long convolutions' hand-written backward (``CausalFFTConv``);
  - the decay window cut to 0 below 1e-12, so that its tail makes no subnormal floats (100x slower on a CPU);
  - the operator runs channels-first, (B, D, L), the layout the FFTs read: the projection and the filter MLP's last
    layer write that layout directly, so no signal is transposed in memory;
  - the recurrence (short convolution, gates, long convolutions) runs one group of channels at a time, each group
    about ``GROUP`` values: every channel at 4k positions, 16 of 128 at 65k, 4 at 262k. Whole, each intermediate
    signal at 65k is 32 MB or more: more than the cache holds, and more than glibc's malloc keeps in its heap, so
    each one is a fresh mmap whose pages the kernel faults in and zeroes at first touch (with malloc told never to
    mmap, ``MALLOC_MMAP_MAX_=0``, the ungrouped version ran nearly as fast as this one, at 20-40 % more peak
    memory). A group's signals are a few MB, reused from the heap while still in the cache. Grouping made a pass
    at 65k 1.4-1.7x faster (3.5-3.9 s against 2.2-2.6 s, interleaved), at 262k 1.7x (31.5 s against 18.6 s), and
    left 4k unchanged. Groups of fewer than ``MIN_GROUP`` channels were slower than none (1M positions, width 64, one
    channel a group: 114 s against 86 s; a channel's signal alone is then out of the cache, and one FFT at a time
    uses one thread), so longer sequences run whole;
  - the blocks' other activations at 65k (32-96 MB each) are reused from malloc's heap in a tasktriad run
    (``keep_freed_memory``, src/speed.py): on an Intel Xeon a pass at 65k went from 2.1-2.9 s to 1.8-2.0 s, at
    262k from 14-18 s to 12 s, at 7-21 % more peak memory.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import torch
from torch import Tensor, nn
from torch.autograd.function import once_differentiable

from src.backbones.sequence import InputEmbedding, through

GROUP = 1 << 20  # batch × channels × positions the recurrence takes at once: 4 MiB a signal in float32
MIN_GROUP = 4  # fewer channels than this in a group (over 262k positions at batch 1): no groups


class Sine(nn.Module):
    """sin(w x) with a learned frequency per unit: the filter MLP's activation (smooth, yet high frequencies)."""

    def __init__(self, units: int) -> None:
        super().__init__()
        self.frequency = nn.Parameter(torch.ones(units))

    def forward(self, x: Tensor) -> Tensor:
        """Element-wise."""
        return torch.sin(self.frequency * x)


class HyenaFilter(nn.Module):
    """N long filters per channel: MLP(positional features of t) × exp(-alpha_c t).  -> (N, D, L)."""

    def __init__(self, width: int, order: int, max_length: int, hidden: int, bands: int) -> None:
        super().__init__()
        t = torch.linspace(0, 1, max_length)[:, None]  # (L, 1)
        k = torch.arange(1, bands + 1)[None, :]  # (1, bands)
        features = torch.cat([t, torch.sin(2 * math.pi * k * t), torch.cos(2 * math.pi * k * t)], dim=-1)
        self.register_buffer("features", features, persistent=False)  # (L, 1 + 2 bands)
        self.mlp = nn.Sequential(
            nn.Linear(features.shape[1], hidden), Sine(hidden), nn.Linear(hidden, hidden), Sine(hidden),
            nn.Linear(hidden, order * width),
        )  # fmt: skip
        # Channel c's window falls to 1% after a reach of 2%..100% of the longest sequence, spread geometrically.
        reach = torch.logspace(math.log10(0.02), 0, width) * max_length  # (D,) in positions
        positions = torch.arange(max_length, dtype=torch.float32)  # (L,)
        window = torch.exp(-math.log(100) * positions[None, :] / reach[:, None])  # (D, L)
        # Below 1e-12 the window is 0: its tail would otherwise make subnormal floats in the backward pass, which
        # the CPU computes ~100x slower (0.8 s of a 5.4 s step at 65k); its share of any output is below float error.
        self.register_buffer("window", window.masked_fill(window < 1e-12, 0.0), persistent=False)
        self.order = order

    def forward(self, length: int) -> Tensor:
        """The filters for sequences of ``length`` positions, channels-first.  -> (N, D, L)."""
        a, last = self.mlp[:-1](self.features[:length]), self.mlp[-1]  # (L, hidden), the last Linear
        h = torch.addmm(last.bias[:, None], last.weight, a.T)  # (N D, L): the last layer, written channels-first
        return h.unflatten(0, (self.order, -1)) * self.window[:, :length]


class CausalFFTConv(torch.autograd.Function):
    """y_t = sum_{s <= t} h_{t - s} v_s per channel, by FFT with zero padding to 2L.  (B, D, L), (D, L) -> (B, D, L).

    Its backward: with G = rfft(dy), dv = irfft(G conj(H)) and dh = irfft(G conj(V)), both cut to L (the adjoint of
    a causal convolution is the anti-causal correlation; the 2L padding keeps them from wrapping). It reuses the
    forward's H and recomputes V from v, which the recurrence keeps anyway: V, complex and 2L long, would take twice
    v's memory (4 GiB more at 1M positions, width 128), and recomputing it cost no time measured. Two rfft and two
    irfft, where autograd's own backward of rfft(n=2L) runs complex-to-complex transforms on zero-filled buffers:
    1.5x faster forward and backward at 4k and 65k positions.
    """

    @staticmethod
    def forward(ctx: Any, v: Tensor, h: Tensor) -> Tensor:
        """(B, D, L) float32, (D, L) float32 -> (B, D, L)."""
        n = 2 * v.shape[-1]
        v_f, h_f = torch.fft.rfft(v, n=n), torch.fft.rfft(h, n=n)  # (B, D, L + 1), (D, L + 1)
        ctx.save_for_backward(v, h_f)
        return torch.fft.irfft(v_f * h_f, n=n)[..., : v.shape[-1]]

    @staticmethod
    @once_differentiable
    def backward(ctx: Any, dy: Tensor) -> tuple[Tensor | None, Tensor | None]:
        """dL/dy -> (dL/dv, dL/dh), each only if asked for."""
        v, h_f = ctx.saved_tensors
        length = dy.shape[-1]
        dy_f = torch.fft.rfft(dy, n=2 * length)  # (B, D, L + 1)
        want_v, want_h = ctx.needs_input_grad
        dv = torch.fft.irfft(dy_f * h_f.conj(), n=2 * length)[..., :length] if want_v else None
        dh = None
        if want_h:
            v_f = torch.fft.rfft(v, n=2 * length)  # recomputed: kept, it would double v's memory (complex, 2L)
            dh = torch.fft.irfft((dy_f * v_f.conj()).sum(0), n=2 * length)[..., :length]
        return dv, dh


def fft_causal_conv(v: Tensor, filters: Tensor) -> Tensor:
    """The causal long convolution, in float32 or wider (half-precision FFTs lose too much).  (B, D, L) -> (B, D, L)."""
    dtype = torch.promote_types(v.dtype, torch.float32)
    return CausalFFTConv.apply(v.to(dtype), filters.to(dtype)).to(v.dtype)


class HyenaOperator(nn.Module):
    """The order-N Hyena recurrence.  (B, L, D) -> (B, L, D)."""

    def __init__(self, width: int, order: int, max_length: int, short_kernel: int, hidden: int, bands: int) -> None:
        super().__init__()
        self.order = order
        self.project = nn.Linear(width, (order + 1) * width)
        self.short = nn.Conv1d((order + 1) * width, (order + 1) * width, short_kernel, groups=(order + 1) * width)
        self.filter = HyenaFilter(width, order, max_length, hidden, bands)
        self.bias = nn.Parameter(torch.randn(order, width))  # the b^n v term: a skip inside each convolution
        self.out = nn.Linear(width, width)

    def forward(self, u: Tensor, mask: Tensor | None) -> Tensor:
        """(B, L, D) -> (B, L, D).  Channels-first inside, one group of channels at a time (see the module)."""
        batch, length, width = u.shape
        weight = self.project.weight.expand(batch, -1, -1)  # ((N + 1) D, D) for each sample
        z = torch.baddbmm(self.project.bias[:, None], weight, u.mT)  # (B, (N + 1) D, L)
        filters = self.filter(length)  # (N, D, L)
        group = GROUP // (batch * length)  # channels in a group: c
        group = width if group < MIN_GROUP else min(group, width)
        pieces = zip(
            z.unflatten(1, (self.order + 1, width)).split(group, dim=2),  # (B, N + 1, c, L) each
            self.short.weight.view(self.order + 1, width, -1).split(group, dim=1),  # (N + 1, c, k)
            self.short.bias.view(self.order + 1, width).split(group, dim=1),  # (N + 1, c)
            filters.split(group, dim=1),  # (N, c, L)
            self.bias.split(group, dim=1),  # (N, c)
            strict=True,
        )
        v = torch.cat([self.recur(*piece, mask) for piece in pieces], dim=1)  # (B, D, L)
        return self.out(v.transpose(1, 2))

    def recur(self, z: Tensor, kernel: Tensor, kernel_bias: Tensor, filters: Tensor, bias: Tensor,
              mask: Tensor | None) -> Tensor:  # fmt: skip
        """Steps 1 (its short convolution) and 3, for one group of c channels.  (B, N + 1, c, L) -> (B, c, L)."""
        *gates, v = short_causal_conv(z, kernel, kernel_bias).unbind(1)  # N + 1 × (B, c, L)
        v = v if mask is None else v * mask[:, None, :].to(v.dtype)
        for n, gate in enumerate(gates):
            v = gate * (fft_causal_conv(v, filters[n]) + bias[n, :, None] * v)
        return v


def short_causal_conv(z: Tensor, kernel: Tensor, bias: Tensor) -> Tensor:
    """A depthwise causal convolution (Conv1d's weights; zeros before the start).  (B, S, c, L) -> (B, S, c, L).

    ``kernel`` is (S, c, k) and ``bias`` (S, c): one filter for each of the S signals' c channels.
    """
    size, length = kernel.shape[-1], z.shape[-1]
    flat = z.flatten(1, 2)  # (B, S c, L)
    y = nn.functional.conv1d(
        flat, kernel.reshape(-1, 1, size), bias.reshape(-1), padding=size - 1, groups=flat.shape[1]
    )
    return y[..., :length].unflatten(1, z.shape[1:3])  # the first L outputs: each sees only its past


class HyenaBlock(nn.Module):
    """h + Hyena(LayerNorm(h)), then h + MLP(LayerNorm(h)): a transformer block with the attention swapped out."""

    def __init__(self, width: int, order: int, max_length: int, short_kernel: int, hidden: int, bands: int,
                 expansion: int, dropout: float) -> None:  # fmt: skip
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.operator = HyenaOperator(width, order, max_length, short_kernel, hidden, bands)
        self.mlp = nn.Sequential(
            nn.Linear(width, expansion * width), nn.GELU(), nn.Linear(expansion * width, width), nn.Dropout(dropout)
        )
        self.dropout = nn.Dropout(dropout)

    def forward(self, h: Tensor, mask: Tensor | None) -> Tensor:
        """(B, L, D) -> (B, L, D)."""
        h = h + self.dropout(self.operator(self.norm1(h), mask))
        return h + self.mlp(self.norm2(h))


class Hyena(nn.Module):
    """Hyena: gated long convolutions (FFT) with implicit, MLP-made filters, in pre-norm blocks; causal.

    Embedding → ``depth`` Hyena blocks → LayerNorm.  (B, L[, C]) -> (B, L, width).

    Causal by construction (causal short and long convolutions), so padding at the end changes no real output;
    it needs no position table: its filters are functions of position.
    """

    inputs: ClassVar[tuple[str, ...]] = ("sequence", "tokens")
    variable_length: ClassVar[bool] = True
    features: ClassVar[str] = "position"

    def __init__(
        self,
        *,
        in_shape: Sequence[int],
        vocab_size: int | None = None,  # token inputs: the vocabulary (from the data)
        depth: int = 2,  # blocks
        width: int = 64,  # model width; also the feature size (out_dim) the task's decoder reads
        order: int = 2,  # N: gated long convolutions per operator
        filter_hidden: int = 64,  # units of the MLP that makes the long filters
        filter_bands: int = 8,  # sine/cosine frequencies of position the filter MLP reads
        short_kernel: int = 3,  # the depthwise causal convolution applied to each projection
        expansion: int = 2,  # MLP hidden units per block = expansion * width
        dropout: float = 0.0,
        checkpointing: bool = False,  # recompute each block's activations in the backward pass: less memory, more time
    ) -> None:
        super().__init__()
        if min(depth, width, order, filter_hidden, filter_bands, short_kernel, expansion) < 1:
            raise ValueError(
                "need depth, width, order, filter_hidden, filter_bands, short_kernel, expansion >= 1, got "
                f"{depth}, {width}, {order}, {filter_hidden}, {filter_bands}, {short_kernel}, {expansion}"
            )
        self.embedding = InputEmbedding("hyena", in_shape, vocab_size, width)
        length = self.embedding.max_length
        self.blocks = nn.ModuleList(
            HyenaBlock(width, order, length, short_kernel, filter_hidden, filter_bands, expansion, dropout)
            for _ in range(depth)
        )
        self.norm = nn.LayerNorm(width)
        self.causal, self.out_dim, self.checkpointing = True, width, checkpointing

    def forward(self, x: Tensor, mask: Tensor | None = None) -> Tensor:
        """(B, L) ids or (B, L, C) values, (B, L) padding mask -> (B, L, width)."""
        h = self.embedding(x)  # (B, L, D)
        for block in self.blocks:
            h = through(block, h, mask, checkpointing=self.checkpointing)
        return self.norm(h)
