"""Hyena's long convolution and its hand-written backward, against the definition; the model in float32 vs float64."""

from __future__ import annotations

import pytest
import torch

from src.backbones import hyena
from src.backbones.hyena import CausalFFTConv, Hyena, HyenaOperator


def direct_causal_conv(v: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """y_t = sum_{s <= t} h_{t - s} v_s, summed term by term.  (B, D, L), (D, L) -> (B, D, L)."""
    length = v.shape[-1]
    # conv1d correlates, so the filter is flipped; L - 1 zeros on the left keep it causal.
    padded = torch.nn.functional.pad(v, (length - 1, 0))
    return torch.nn.functional.conv1d(padded, h.flip(-1)[:, None, :], groups=h.shape[0])


@pytest.mark.parametrize("length", [1, 7, 64])
def test_the_fft_convolution_and_its_backward_equal_the_direct_sum(length: int) -> None:
    gen = torch.Generator().manual_seed(length)
    v = torch.randn(2, 3, length, generator=gen, dtype=torch.float64, requires_grad=True)
    h = torch.randn(3, length, generator=gen, dtype=torch.float64, requires_grad=True)
    torch.testing.assert_close(CausalFFTConv.apply(v, h), direct_causal_conv(v, h))
    assert torch.autograd.gradcheck(CausalFFTConv.apply, (v, h))  # the backward is the forward's adjoint


def test_hyena_in_float32_stays_within_float_error_of_the_same_weights_in_float64() -> None:
    torch.manual_seed(0)
    model = Hyena(in_shape=(512,), vocab_size=5, width=32)
    x = torch.randint(0, 5, (2, 512))
    mask = torch.ones(2, 512, dtype=torch.bool)
    mask[1, 400:] = False
    weights = torch.randn(2, 512, 32)
    results = []
    for dtype in (torch.float32, torch.float64):
        model.zero_grad()
        model.to(dtype)
        out = model(x, mask)
        (out * weights.to(dtype)).sum().backward()
        results.append((out.double(), {k: p.grad.double() for k, p in model.named_parameters()}))
    (out32, grads32), (out64, grads64) = results
    torch.testing.assert_close(out32, out64, rtol=0, atol=1e-4)
    for name, grad in grads64.items():
        torch.testing.assert_close(grads32[name], grad, rtol=1e-3, atol=1e-4 * grad.abs().max().item(), msg=name)


def plain_operator(op: HyenaOperator, u: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The same operator as the paper writes it: whole tensors, Conv1d on a transposed copy, autograd's FFTs."""
    length, order = u.shape[1], op.order
    z = op.short(torch.nn.functional.pad(op.project(u).transpose(1, 2), (op.short.kernel_size[0] - 1, 0)))
    *gates, v = z.chunk(order + 1, dim=1)  # (B, D, L) each
    v = v * mask[:, None, :]
    h = op.filter.mlp(op.filter.features[:length]).T.unflatten(0, (order, -1)) * op.filter.window[:, :length]
    for n, gate in enumerate(gates):
        y = torch.fft.irfft(torch.fft.rfft(v, n=2 * length) * torch.fft.rfft(h[n], n=2 * length), n=2 * length)
        v = gate * (y[..., :length] + op.bias[n, :, None] * v)
    return op.out(v.transpose(1, 2))


@pytest.mark.parametrize(
    ("group", "least"),
    [(1 << 20, 4), (64 * 4, 4), (64 * 2, 4), (64, 1)],  # of 9 channels: all; 4, 4, 1; all (2 < 4); 9 of 1
)
def test_the_operator_in_groups_of_channels_equals_the_plain_operator(group: int, least: int, monkeypatch) -> None:
    monkeypatch.setattr(hyena, "GROUP", group)  # values a group holds: batch 2 × 32 positions × its channels
    monkeypatch.setattr(hyena, "MIN_GROUP", least)
    torch.manual_seed(0)
    op = HyenaOperator(width=9, order=2, max_length=32, short_kernel=3, hidden=8, bands=2).double()
    u = torch.randn(2, 32, 9, dtype=torch.float64)
    mask = torch.ones(2, 32, dtype=torch.float64)
    mask[1, 20:] = 0
    weights = torch.randn(2, 32, 9, dtype=torch.float64)
    results = []
    for run in (op.forward, lambda u, mask: plain_operator(op, u, mask)):
        op.zero_grad()
        out = run(u, mask)
        (out * weights).sum().backward()
        results.append((out, {name: p.grad.clone() for name, p in op.named_parameters()}))
    (fast, fast_grads), (plain, plain_grads) = results
    torch.testing.assert_close(fast, plain)
    for name, grad in plain_grads.items():
        torch.testing.assert_close(fast_grads[name], grad, msg=name)
