"""What every lesson shares: its command line, seeding, saving plots, checking a derivative,
and the final result line.

A lesson begins with

    args = parse_args(lesson_parser(__doc__, epochs=3000, quick_epochs=1000))

and ends with `print_result(...)`: the one line that `python -m lessons` shows in its table.
"""

import argparse
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw into files, so lessons also run without a screen (CI, ssh)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import minigrad as mg  # noqa: E402
from minigrad.backend import normalize_device  # noqa: E402

RESULT_PREFIX = "RESULT: "
DEFAULT_OUT = Path(__file__).parent / "out"


def lesson_parser(doc, epochs, quick_epochs):
    """The flags every lesson takes. `doc` is the lesson's docstring; its first line is the
    --help summary. `epochs` is the full run, `quick_epochs` the --quick one."""
    parser = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    parser.add_argument(
        "--device",
        default=os.environ.get("MINIGRAD_DEVICE", "cpu"),
        help="cpu or cuda (default: $MINIGRAD_DEVICE, else cpu)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        help=f"training epochs (default {epochs}, or {quick_epochs} with --quick)",
    )
    parser.add_argument("--quick", action="store_true", help="a short run, for the runner and CI")
    parser.add_argument("--seed", type=int, default=0, help="seed for minigrad and numpy")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the plots")
    parser.set_defaults(full_epochs=epochs, quick_epochs=quick_epochs)
    return parser


def parse_args(parser, argv=None):
    """Parse the flags, check the device is usable, pick the epochs, seed, make the out folder."""
    args = parser.parse_args(argv)
    try:
        args.device = normalize_device(args.device)
    except (RuntimeError, ValueError) as error:
        parser.error(str(error))  # a usage message and exit status 2, not a traceback
    if args.epochs is None:
        args.epochs = args.quick_epochs if args.quick else args.full_epochs
    mg.manual_seed(args.seed)
    np.random.seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def heading(title):
    print(f"\n## {title}")


def save_figure(fig, args, filename):
    """Save a matplotlib figure into the lesson's out folder, say where, and close it."""
    path = args.out / filename
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    print(f"saved plot: {path}")
    return path


def print_result(text):
    print(RESULT_PREFIX + text, flush=True)


def gradient_step(parameters, learning_rate):
    """One step of gradient descent, p ← p − α·∂L/∂p, after loss.backward(); clears the grads."""
    with mg.no_grad():  # the update is not part of the model, so it stays out of the graph
        for p in parameters:
            p -= learning_rate * p.grad
            p.grad = None


def central_difference(fn, points, eps=1e-6):
    """f'(x) ≈ (f(x + ε) − f(x − ε)) / 2ε at each point, for an elementwise `fn` of a tensor.

    It only runs `fn` forward, so it owes nothing to any backward: an independent referee for
    a derivative formula. float64, because in float32 the rounding error (~1e-7 / ε) would
    swamp the answer; on the CPU, as it checks maths, not a device.
    """
    with mg.no_grad():
        plus = fn(mg.tensor(points + eps, dtype=mg.float64, device="cpu")).numpy()
        minus = fn(mg.tensor(points - eps, dtype=mg.float64, device="cpu")).numpy()
    return (plus - minus) / (2 * eps)


def autograd_derivative(fn, points):
    """f'(x) at each point by minigrad's backward: for an elementwise f, ∂(Σ f(xᵢ))/∂xᵢ = f'(xᵢ)."""
    x = mg.tensor(points, dtype=mg.float64, requires_grad=True, device="cpu")
    fn(x).sum().backward()
    return x.grad.numpy()


def check(label, claimed, reference, rtol=1e-5):
    """Print OK or WRONG for a claimed value against a reference one; True when they agree."""
    claimed, reference = np.asarray(claimed, dtype=float), np.asarray(reference, dtype=float)
    error = float(np.max(np.abs(claimed - reference)))
    agrees = error <= rtol * (1.0 + float(np.max(np.abs(reference))))
    print(f"  {'OK' if agrees else 'WRONG':<5}  {label:<58} max |difference| {error:.3g}")
    return agrees
