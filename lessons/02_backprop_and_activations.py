"""Lesson 02: a neuron, backpropagation by hand and by autograd, and activation derivatives.

    python -m lessons.02_backprop_and_activations [--quick] [--device cpu|cuda] [--epochs N]

A NEURON takes a weighted sum of its inputs and passes it through an activation f
(seed 004 §2.1.1: 输入 → 权重 → 求和 → 激活函数 → 输出; seed 003 §4.2):

    z = Σⱼ wⱼ·xⱼ + b,    a = f(z),    and a loss against a target t:  L = ½(a − t)².

BACKPROPAGATION is the chain rule, applied from the loss backwards, one local factor a step:

    ∂L/∂a = a − t,    ∂L/∂z = ∂L/∂a · f'(z),    ∂L/∂wⱼ = ∂L/∂z · xⱼ,    ∂L/∂b = ∂L/∂z.

Every factor only needs its own node's derivative and the gradient arriving from above: that
is what autograd automates. Below, the chain rule is written out with numpy and compared with
minigrad's loss.backward().

THE ACTIVATIONS and their derivatives:

    sigmoid  σ(z) = 1/(1 + e⁻ᶻ)                 σ'(z) = σ(z)·(1 − σ(z))
    tanh     tanh(z) = (eᶻ − e⁻ᶻ)/(eᶻ + e⁻ᶻ)     tanh'(z) = 1 − tanh²(z)
    ReLU     max(0, z)                         ReLU'(z) = 1 for z > 0, 0 for z < 0
    step     1 for z ≥ 0, else 0               step'(z) = 0 for every z ≠ 0

Each derivative is checked by central differences, (f(z + ε) − f(z − ε))/2ε, which only
evaluates f: a referee that owes nothing to the formula under test.

WHERE THE COURSE IS WRONG. Seed 004 ("AI大模型编程：提示词的威力") has two sections numbered
2.1: an outline, and the body under "1.4 AI大模型的数学基础". In the body:
  * §2.1.3 (激活函数的导数) gives sigmoid'(x) = 1/(1 + e⁻ˣ): that is σ itself, not σ(1 − σ);
    ReLU'(x) = 1: true only for x > 0, it is 0 for x < 0;
    tanh'(x) = (1 − e⁻ˣ/eˣ)/(eˣ + e⁻ˣ): 0 at x = 0, where tanh'(0) = 1.
  * §2.1.1 lists ReLU as f(x) = x: that is the identity; ReLU is max(0, x).
The outline's §2.1.2 offers the step function as "the" activation. Its derivative is 0
wherever it exists, so the gradient never says which way to move: a step neuron cannot learn
by gradient descent (the perceptron rule, which ignores derivatives, is what trains it).
Seed 003 §4.3 gets σ'(z) = σ(z)(1 − σ(z)) right. Its §4.2 ∂L/∂zᵢ = (yᵢ − ŷᵢ)·f'(zᵢ) is right
only if yᵢ is the output f(zᵢ), as §4.2 uses it; §4.1 named ŷᵢ the prediction, and read that
way the sign is flipped: the reading seed 003 §5.2's code took (lesson 01).
"""

from dataclasses import dataclass
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np

import minigrad as mg
from lessons import common
from minigrad.random import generator

# Where derivatives are compared: no point lies within ε of 0, where ReLU and step have kinks.
GRID = np.arange(-3.75, 4.0, 0.5)

# A neuron learning AND of two inputs: four examples, targets 0, 0, 0, 1.
AND_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
AND_TARGETS = np.array([0.0, 0.0, 0.0, 1.0])
AND_LR = 2.0


def np_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def np_step(z):
    return (z >= 0).astype(z.dtype)


@dataclass
class Activation:
    name: str
    on_tensor: Callable  # minigrad: autograd can differentiate it
    on_array: Callable  # numpy: for the hand-written chain rule
    derivative: Callable  # the right formula, on numpy arrays
    formula: str


ACTIVATIONS = [
    Activation(
        "sigmoid", lambda t: t.sigmoid(), np_sigmoid,
        lambda z: np_sigmoid(z) * (1 - np_sigmoid(z)), "σ'(z) = σ(z)(1 − σ(z))",
    ),
    Activation(
        "tanh", lambda t: t.tanh(), np.tanh,
        lambda z: 1 - np.tanh(z) ** 2, "tanh'(z) = 1 − tanh²(z)",
    ),
    Activation(
        "ReLU", lambda t: t.relu(), lambda z: np.maximum(z, 0.0),
        lambda z: (z > 0).astype(z.dtype), "ReLU'(z) = 1 if z > 0 else 0",
    ),
]
# Seed 004 §2.1.3's derivatives, transcribed as printed.
COURSE_DERIVATIVES = {
    "sigmoid": ("1/(1 + e^-x)", lambda x: 1 / (1 + np.exp(-x))),
    "tanh": (
        "(1 - e^-x/e^x)/(e^x + e^-x)",
        lambda x: (1 - np.exp(-x) / np.exp(x)) / (np.exp(x) + np.exp(-x)),
    ),
    "ReLU": ("1", np.ones_like),
}

# The comparison z >= 0 has no gradient, so autograd cannot differentiate the step function.
STEP = Activation("step", lambda t: (t >= 0).to(t.dtype), np_step, np.zeros_like, "step'(z) = 0")


def backprop_by_hand(activation, x, w, b, target):
    """The chain rule for one neuron, written out factor by factor in numpy."""
    z = w @ x + b
    a = activation.on_array(z)
    dL_da = a - target
    dL_dz = dL_da * activation.derivative(z)
    return dL_dz * x, dL_dz  # ∂L/∂w, ∂L/∂b


def neuron_loss(activation, x, w, b, target):
    """½(f(w·x + b) − t)² on minigrad tensors."""
    return 0.5 * (activation.on_tensor((w * x).sum() + b) - target) ** 2


def compare_hand_and_autograd(activation, x, w, b, target, device):
    dw_hand, db_hand = backprop_by_hand(activation, x, w, b, target)
    xt = mg.tensor(x, device=device)
    wt = mg.tensor(w, requires_grad=True, device=device)
    bt = mg.tensor(b, dtype=mg.float64, requires_grad=True, device=device)
    neuron_loss(activation, xt, wt, bt, target).backward()
    name = activation.name
    agree_w = common.check(f"{name}: ∂L/∂w by hand = autograd", dw_hand, wt.grad.numpy())
    agree_b = common.check(f"{name}: ∂L/∂b by hand = autograd", db_hand, bt.grad.item())
    return agree_w and agree_b


def neurons_by_hand_and_autograd(device):
    common.heading(f"one neuron, 3 inputs: the chain rule by hand (numpy) and autograd ({device})")
    rng = generator()
    x, w = rng.standard_normal(3), rng.standard_normal(3)
    b, target = float(rng.standard_normal()), 0.3
    print(f"x = {np.round(x, 3)}, w = {np.round(w, 3)}, b = {b:.3f}, target {target}")
    agreements = [compare_hand_and_autograd(f, x, w, b, target, device) for f in ACTIVATIONS]
    inputs = [mg.tensor(v, requires_grad=True, device="cpu") for v in (x, w, np.array(b))]
    for activation in ACTIVATIONS:
        mg.gradcheck(lambda *t, f=activation: neuron_loss(f, *t, target), inputs)
    print("  OK     mg.gradcheck: autograd = finite differences for x, w and b, all three")
    return all(agreements)


def check_derivatives():
    """Every activation's derivative on GRID: right formula, autograd, and the documents'."""
    common.heading("activation derivatives against central differences at z = -3.75, ..., 3.75")
    numeric = {f.name: common.central_difference(f.on_tensor, GRID) for f in [*ACTIVATIONS, STEP]}
    for f in ACTIVATIONS:
        common.check(f"right: {f.formula}", f.derivative(GRID), numeric[f.name])
        autograd = common.autograd_derivative(f.on_tensor, GRID)
        common.check(f"minigrad autograd: {f.name}", autograd, numeric[f.name])
    common.check(f"right: {STEP.formula} (for z ≠ 0)", STEP.derivative(GRID), numeric["step"])

    document = {}  # short name for the result line: does the course's formula hold?
    for name, (formula, derivative) in COURSE_DERIVATIVES.items():
        document[f"004 §2.1.3 {name}'"] = common.check(
            f"seed 004 §2.1.3: {name}'(x) = {formula}", derivative(GRID), numeric[name]
        )
    document.update({
        "004 §2.1.1 ReLU=x": common.check(
            "seed 004 §2.1.1: ReLU(x) = x  (against max(0, x))", GRID, np.maximum(GRID, 0.0)
        ),
        "003 §4.3 sigmoid'": common.check(
            "seed 003 §4.3: σ'(z) = σ(z)(1 - σ(z))",
            np_sigmoid(GRID) * (1 - np_sigmoid(GRID)), numeric["sigmoid"],
        ),
    })
    return document


def check_seed_003_neuron():
    """Seed 003 §4.2's ∂L/∂z = (y − ŷ)·f'(z), read with each of its two meanings of y."""
    common.heading("seed 003 §4.2: ∂L/∂z = (y - ŷ)·f'(z), for L = ½(y - ŷ)², sigmoid neuron")
    z, label = GRID, 0.3

    def loss_in_z(zt):
        return 0.5 * (zt.sigmoid() - label) ** 2

    numeric = common.central_difference(loss_in_z, z)
    output, slope = np_sigmoid(z), np_sigmoid(z) * (1 - np_sigmoid(z))
    common.check("read as §4.2 uses it, y = f(z) the output", (output - label) * slope, numeric)
    common.check("read with §4.1's names, y the label, ŷ the output", (label - output) * slope,
                 numeric)


def train_and_gate(epochs, device):
    """A sigmoid neuron learns AND by gradient descent; a step neuron gets a zero gradient."""
    common.heading(f"learning AND with one neuron: sigmoid, {epochs} epochs of descent ({device})")
    inputs = mg.tensor(AND_INPUTS, dtype=mg.float32, device=device)
    targets = mg.tensor(AND_TARGETS, dtype=mg.float32, device=device)
    start = generator().standard_normal(3)
    w = mg.tensor(start[:2], dtype=mg.float32, requires_grad=True, device=device)
    b = mg.tensor(start[2], dtype=mg.float32, requires_grad=True, device=device)

    def loss_and_outputs():
        outputs = ((inputs * w).sum(dim=1) + b).sigmoid()
        return 0.5 * ((outputs - targets) ** 2).mean(), outputs

    first = loss_and_outputs()[0].item()
    for _ in range(epochs):
        loss, _ = loss_and_outputs()
        loss.backward()
        common.gradient_step([w, b], AND_LR)
    loss, outputs = loss_and_outputs()
    correct = int(((outputs.numpy() > 0.5) == (AND_TARGETS > 0.5)).sum())
    print(f"sigmoid neuron: loss {first:.4f} -> {loss.item():.4f}, outputs "
          f"{np.round(outputs.numpy(), 3)}, {correct}/4 correct")

    step_gradient = step_neuron_gradient(start)
    print(f"step neuron, same start: ∂L/∂(w1, w2, b) by central differences = {step_gradient}")
    print("  zero: nudging a weight does not change any output, so descent has nowhere to go")
    return correct


def step_neuron_gradient(params, eps=1e-4):
    """∂L/∂p for each of (w1, w2, b) of a step neuron on AND, by central differences."""

    def loss(p):
        outputs = np_step(AND_INPUTS @ p[:2] + p[2])
        return 0.5 * np.mean((outputs - AND_TARGETS) ** 2)

    nudges = eps * np.eye(len(params))
    return np.array([(loss(params + n) - loss(params - n)) / (2 * eps) for n in nudges])


def plot_activations(args):
    z = np.linspace(-4.0, 4.0, 401)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for k, f in enumerate([*ACTIVATIONS, STEP]):
        left.plot(z, f.on_array(z), color=f"C{k}", label=f.name)
        right.plot(z, f.derivative(z), color=f"C{k}", label=f"{f.name}' (right)")
        if f.name in COURSE_DERIVATIVES:
            course = COURSE_DERIVATIVES[f.name][1](z)
            right.plot(z, course, "--", color=f"C{k}", label=f"{f.name}' in seed 004 §2.1.3")
    left.set(xlabel="z", title="activations f(z)")
    right.set(xlabel="z", ylim=(-1.5, 1.5), title="f'(z): right (solid), seed 004 §2.1.3 (dashed)")
    left.legend()
    right.legend(fontsize=8)
    common.save_figure(fig, args, "02_activations.png")


def main():
    args = common.parse_args(common.lesson_parser(__doc__, epochs=2000, quick_epochs=500))
    chain_rule_agrees = neurons_by_hand_and_autograd(args.device)
    document = check_derivatives()
    check_seed_003_neuron()
    correct = train_and_gate(args.epochs, args.device)
    plot_activations(args)
    wrong = [name for name, right in document.items() if not right]
    right = [name for name, right in document.items() if right]
    common.print_result(
        f"course formulas WRONG: {', '.join(wrong)}; right: {', '.join(right)}; hand backprop "
        f"{'=' if chain_rule_agrees else '≠'} autograd; AND learned {correct}/4"
    )


if __name__ == "__main__":
    main()
