"""Slimmable conditional U-Net for 28x28 Fashion-MNIST and the small classifier used as the
feature extractor. The Swift side (Sources/FlexGenSampler/Fashion) implements exactly the same
forward pass; docs/fashion.md describes the architecture and the width rule.

Width rule: a layer with C channels runs at width w on its first
    a(C, w) = g * ceil(w * C / g)   (clamped to g..C, g = GROUP = 8 channels per GroupNorm group)
channels, so GroupNorm always sees whole groups and every width in (0, 1] is valid.
Layers fed by a skip concatenation [u | s] use the first a(C_u, w) channels of u and the first
a(C_s, w) of s (the weight columns are the matching two slices).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

GROUP = 4          # channels per GroupNorm group, fixed so every active width is whole groups (set_group())
GN_EPS = 1e-5
TIME_FEATURES = 64
EMBED = 128
NULL_LABEL = 10    # the "no class" label used for classifier-free guidance
LABELS = 11


def active(channels: int, width: float) -> int:
    """a(C, w) = g * ceil(w*C/g), clamped to [g, C]; same double-precision arithmetic as Swift."""
    x = width * channels / GROUP
    a = GROUP * math.ceil(x - 1e-9)
    return max(GROUP, min(channels, a))


def part_indices(parts, width, sliced=True):
    """Indices of the active input channels of a layer whose input is the concatenation of `parts`."""
    idx, offset = [], 0
    for c in parts:
        n = active(c, width) if sliced else c
        idx.extend(range(offset, offset + n))
        offset += c
    return idx


def timestep_features(t: torch.Tensor, count: int = TIME_FEATURES) -> torch.Tensor:
    """[sin(t f_k), cos(t f_k)], f_k = exp(-ln(10000) k / (count/2)), k = 0..count/2-1 (float64 then float32)."""
    half = count // 2
    k = torch.arange(half, dtype=torch.float64)
    freq = torch.exp(-math.log(10000.0) * k / half)
    angle = t.to(torch.float64)[:, None] * freq[None, :]
    return torch.cat([torch.sin(angle), torch.cos(angle)], dim=1).to(torch.float32)


class SlimConv(nn.Module):
    def __init__(self, in_parts, out_channels, kernel, slice_in=True, slice_out=True):
        super().__init__()
        self.in_parts = list(in_parts)
        self.out_channels = out_channels
        self.kernel = kernel
        self.slice_in, self.slice_out = slice_in, slice_out
        self.weight = nn.Parameter(torch.empty(out_channels, sum(in_parts), kernel, kernel))
        self.bias = nn.Parameter(torch.zeros(out_channels))
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        fan_in = sum(in_parts) * kernel * kernel
        nn.init.uniform_(self.bias, -1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))

    def forward(self, x, width):
        idx = part_indices(self.in_parts, width, self.slice_in)
        ao = active(self.out_channels, width) if self.slice_out else self.out_channels
        w = self.weight[:ao][:, idx]
        return F.conv2d(x, w, self.bias[:ao], padding=self.kernel // 2)


class SlimGroupNorm(nn.Module):
    def __init__(self, parts):
        super().__init__()
        self.parts = list(parts)
        self.weight = nn.Parameter(torch.ones(sum(parts)))
        self.bias = nn.Parameter(torch.zeros(sum(parts)))

    def forward(self, x, width):
        idx = part_indices(self.parts, width)
        return F.group_norm(x, len(idx) // GROUP, self.weight[idx], self.bias[idx], eps=GN_EPS)


class ResBlock(nn.Module):
    """y = skip(x) + conv2(SiLU(GN2(conv1(SiLU(GN1(x))) + Linear(e)[:a]))), e = SiLU(embedding)."""

    def __init__(self, in_parts, out_channels):
        super().__init__()
        self.norm1 = SlimGroupNorm(in_parts)
        self.conv1 = SlimConv(in_parts, out_channels, 3)
        self.embed = nn.Linear(EMBED, out_channels)
        self.norm2 = SlimGroupNorm([out_channels])
        self.conv2 = SlimConv([out_channels], out_channels, 3)
        nn.init.zeros_(self.conv2.weight)   # each block starts as (nearly) the identity
        self.skip = SlimConv(in_parts, out_channels, 1) if (len(in_parts) > 1 or in_parts[0] != out_channels) else None
        self.out_channels = out_channels

    def forward(self, x, e, width):
        a = active(self.out_channels, width)
        h = self.conv1(F.silu(self.norm1(x, width)), width)
        h = h + F.linear(e, self.embed.weight[:a], self.embed.bias[:a])[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h, width)), width)
        return h + (self.skip(x, width) if self.skip is not None else x)


class SlimUNet(nn.Module):
    """28 -> 14 -> 7 U-Net, channels (C, 2C, 2C); average-pool down, nearest up, skip concatenation.

    conv_in(1->C) ; d0 = Res(C->C) @28 ; pool ; d1 = Res(C->2C) @14 ; pool ;
    m1 = Res(2C->2C) @7 ; m2 = Res(2C->2C) @7 ; up ; u1 = Res([2C|2C]->2C) @14 (cat d1) ;
    up ; u0 = Res([2C|C]->C) @28 (cat d0) ; out = conv_out(SiLU(GN(u0))) (C->1).
    The embedding e = SiLU(MLP(timestep_features(t)) + label_embedding[y]) runs at full width
    (it costs per image, not per pixel).
    """

    def __init__(self, base=32):
        super().__init__()
        c1, c2 = base, 2 * base
        self.base = base
        self.time1 = nn.Linear(TIME_FEATURES, EMBED)
        self.time2 = nn.Linear(EMBED, EMBED)
        self.label = nn.Embedding(LABELS, EMBED)
        self.conv_in = SlimConv([1], c1, 3, slice_in=False)
        self.down0 = ResBlock([c1], c1)
        self.down1 = ResBlock([c1], c2)
        self.mid1 = ResBlock([c2], c2)
        self.mid2 = ResBlock([c2], c2)
        self.up1 = ResBlock([c2, c2], c2)
        self.up0 = ResBlock([c2, c1], c1)
        self.norm_out = SlimGroupNorm([c1])
        self.conv_out = SlimConv([c1], 1, 3, slice_out=False)
        nn.init.zeros_(self.conv_out.weight)

    def embedding(self, t, y):
        h = self.time2(F.silu(self.time1(timestep_features(t))))
        return F.silu(h + self.label(y))

    def forward(self, x, t, y, width=1.0):
        e = self.embedding(t, y)
        h = self.conv_in(x, width)
        d0 = self.down0(h, e, width)
        d1 = self.down1(F.avg_pool2d(d0, 2), e, width)
        m = self.mid1(F.avg_pool2d(d1, 2), e, width)
        m = self.mid2(m, e, width)
        u = self.up1(torch.cat([F.interpolate(m, scale_factor=2, mode="nearest"), d1], 1), e, width)
        u = self.up0(torch.cat([F.interpolate(u, scale_factor=2, mode="nearest"), d0], 1), e, width)
        return self.conv_out(F.silu(self.norm_out(u, width)), width)


class FashionClassifier(nn.Module):
    """conv3x3(1->16) ReLU maxpool2 ; conv3x3(16->32) ReLU maxpool2 ; fc(1568->128) ReLU = features ; fc(128->10)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def features(self, x):
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        h = F.max_pool2d(F.relu(self.conv2(h)), 2)
        return F.relu(self.fc1(h.flatten(1)))

    def forward(self, x):
        return self.fc2(self.features(x))


def linear_schedule(T=1000, beta_start=1e-4, beta_end=0.02):
    """Same as Swift NoiseSchedule.standard: linear betas, alpha_bar in float64."""
    betas = torch.linspace(beta_start, beta_end, T, dtype=torch.float64)
    return torch.cumprod(1 - betas, 0)


def set_group(g: int):
    """The channels-per-group g (stored in the checkpoint metadata); call before building a model."""
    global GROUP
    GROUP = g
