"""Reference outputs of the network layers (Linear, ReLU, Flatten, BatchNorm2d in eval mode,
AdaptiveAvgPool2d) from PyTorch, for test/layers-network.test.ts. Run with Debian's PyTorch:
    /usr/bin/python3 scripts/layers-network-fixtures.py > test/fixtures/layers-network-cases.json
Inputs and parameters are multiples of 1/256 in [-1, 1), exact in float32."""
import json
import torch

torch.manual_seed(0)


def values(*shape):
    return (torch.randint(-256, 256, shape).double() / 256)


def case(name, module, x, **params):
    with torch.no_grad():
        for key, value in params.items():
            getattr(module, key).copy_(value)
        module.double().eval()
        y = module(x)
    return {
        "name": name,
        "input_shape": list(x.shape),
        "input": x.flatten().tolist(),
        "params": {k: v.flatten().tolist() for k, v in params.items()},
        "output_shape": list(y.shape),
        "output": [float(f"{v:.7g}") for v in y.flatten().tolist()],
    }


cases = []
for shape, bias in [((3, 5), True), ((2, 3, 5), True), ((5,), False), ((4, 5), False)]:
    lin = torch.nn.Linear(5, 4, bias=bias)
    p = {"weight": values(4, 5)}
    if bias:
        p["bias"] = values(4)
    cases.append({"layer": {"type": "Linear", "inFeatures": 5, "outFeatures": 4, "bias": bias}, **case(f"Linear(5, 4, bias={bias}) x={list(shape)}", lin, values(*shape), **p)})
cases.append({"layer": {"type": "ReLU"}, **case("ReLU x=[2, 3, 4]", torch.nn.ReLU(), values(2, 3, 4))})
for start, end in [(1, -1), (0, -1), (1, 2), (2, 3)]:
    cases.append({"layer": {"type": "Flatten", "startDim": start, "endDim": end}, **case(f"Flatten({start}, {end}) x=[2, 3, 4, 5]", torch.nn.Flatten(start, end), values(2, 3, 4, 5))})
for affine in [True, False]:
    bn = torch.nn.BatchNorm2d(3, eps=1e-3, affine=affine)
    p = {"running_mean": values(3), "running_var": values(3).abs() + 0.25}
    if affine:
        p["weight"] = values(3)
        p["bias"] = values(3)
    cases.append({"layer": {"type": "BatchNorm2d", "numFeatures": 3, "eps": 1e-3, "affine": affine}, **case(f"BatchNorm2d(3, eps=1e-3, affine={affine}) eval x=[2, 3, 4, 5]", bn, values(2, 3, 4, 5), **p)})
for size, shape in [((3, 2), (2, 3, 7, 5)), (1, (1, 4, 6, 6)), ((None, 4), (2, 7, 9)), ((5, 5), (1, 2, 3, 4)), (2, (1, 1, 8, 8))]:
    cases.append({"layer": {"type": "AdaptiveAvgPool2d", "outputSize": list(size) if isinstance(size, tuple) else size},
                  **case(f"AdaptiveAvgPool2d({size}) x={list(shape)}", torch.nn.AdaptiveAvgPool2d(size), values(*shape))})

print(json.dumps({"about": f"PyTorch {torch.__version__}, float64, eval mode; see scripts/layers-network-fixtures.py", "cases": cases}))
