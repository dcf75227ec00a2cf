"""Extra PyTorch fixtures for ops ../shared/fixtures does not cover: pooling, F.pad, channel shuffle,
conv_transpose3d and conv3d with padding modes. Run with Debian's PyTorch 1.13:
    /usr/bin/python3 scripts/torch-extra-fixtures.py > test/fixtures/torch-extra-cases.json
Inputs are multiples of 1/256 (exact in float32); computed in float64."""
import json, random
import torch
import torch.nn.functional as F

random.seed(1234)
torch.manual_seed(1234)

def values(shape):
    n = 1
    for s in shape: n *= s
    return torch.tensor([random.randint(-256, 256) / 256 for _ in range(n)], dtype=torch.float64).reshape(shape)

def out(t):
    return [float("%.7g" % v) for v in t.flatten().tolist()]

cases = []
def add(**c):
    cases.append(c)

for i in range(40):
    rank = random.choice([1, 2])
    k = [random.randint(1, 4) for _ in range(rank)]
    s = [random.randint(1, 3) for _ in range(rank)]
    p = [random.randint(0, kk // 2) for kk in k]
    d = [random.randint(1, 2) for _ in range(rank)]
    ceil = random.choice([False, True])
    size = [random.randint(max(1, (dd * (kk - 1) + 1) - 2 * pp), 9) for kk, dd, pp in zip(k, d, p)]
    shape = ([random.randint(1, 2)] if random.random() < 0.7 else []) + [random.randint(1, 3)] + size
    x = values(shape)
    if i % 2 == 0:
        f = F.max_pool1d if rank == 1 else F.max_pool2d
        y = f(x, k, s, p, d, ceil_mode=ceil)
        add(op="max_pool%dd" % rank, input_shape=shape, input=out(x), kernel_size=k, stride=s, padding=p, dilation=d,
            ceil_mode=ceil, output_shape=list(y.shape), output=out(y))
    else:
        include = random.choice([True, False])
        f = F.avg_pool1d if rank == 1 else F.avg_pool2d
        y = f(x, k, s, p, ceil_mode=ceil, count_include_pad=include)
        add(op="avg_pool%dd" % rank, input_shape=shape, input=out(x), kernel_size=k, stride=s, padding=p, dilation=[1] * rank,
            ceil_mode=ceil, count_include_pad=include, output_shape=list(y.shape), output=out(y))

for mode in ["constant", "reflect", "replicate", "circular"]:
    for rank in [1, 2, 3]:
        size = [random.randint(3, 5) for _ in range(rank)]
        shape = [2, 2] + size
        pads = []
        for sz in reversed(size):
            pads += [random.randint(0, sz - 1), random.randint(0, sz - 1)]
        x = values(shape)
        y = F.pad(x, pads, mode=mode, value=0.0) if mode == "constant" else F.pad(x, pads, mode=mode)
        add(op="pad", mode=mode, input_shape=shape, input=out(x), pads=pads, output_shape=list(y.shape), output=out(y))

for g, c in [(2, 6), (3, 6), (4, 8), (1, 3)]:
    x = values([2, c, 2, 3])
    y = F.channel_shuffle(x, g)
    add(op="channel_shuffle", groups=g, input_shape=[2, c, 2, 3], input=out(x), output_shape=list(y.shape), output=out(y))

for i in range(6):
    g = random.choice([1, 2])
    cin, cout = g * random.randint(1, 2), g * random.randint(1, 2)
    k = [random.randint(1, 3) for _ in range(3)]
    s = [random.randint(1, 2) for _ in range(3)]
    d = [random.randint(1, 2) for _ in range(3)]
    p = [random.randint(0, 1) for _ in range(3)]
    op_ = [random.randint(0, max(ss, dd) - 1) for ss, dd in zip(s, d)]
    shape = [1, cin] + [random.randint(2, 4) for _ in range(3)]
    x, w, b = values(shape), values([cin, cout // g] + k), values([cout])
    y = F.conv_transpose3d(x, w, b, s, p, op_, g, d)
    add(op="conv_transpose3d", input_shape=shape, input=out(x), weight_shape=[cin, cout // g] + k, weight=out(w), bias=out(b),
        stride=s, padding=p, output_padding=op_, dilation=d, groups=g, output_shape=list(y.shape), output=out(y))

for mode in ["reflect", "replicate", "circular"]:
    x, w = values([1, 2, 4, 4, 5]), values([3, 2, 2, 3, 3])
    conv = torch.nn.Conv3d(2, 3, (2, 3, 3), padding=(1, 1, 2), padding_mode=mode, bias=False).double()
    conv.weight.data = w
    y = conv(x)
    add(op="conv3d", padding_mode=mode, input_shape=[1, 2, 4, 4, 5], input=out(x), weight_shape=[3, 2, 2, 3, 3], weight=out(w), bias=None,
        stride=[1, 1, 1], padding=[1, 1, 2], dilation=[1, 1, 1], groups=1, output_shape=list(y.shape), output=out(y))

print(json.dumps({"about": "Extra cases computed by PyTorch %s in float64 by scripts/torch-extra-fixtures.py" % torch.__version__, "cases": cases}))
