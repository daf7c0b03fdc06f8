"""einsum, composed from permute, reshape, expand, sum and matmul (so its gradient is theirs).

    einsum("bij,bjk->bik", A, B)

names each dim of each operand by a letter; the output keeps the letters after "->" in that
order (without "->": the letters used once, alphabetically), and every other letter is summed
over. Operands are combined two at a time, left to right. For a pair, each letter is

    batch       in both, and still needed (in the output or a later operand)
    contracted  in both, not needed later: summed over by the product
    own         in one operand only (a letter nobody else needs is summed out first)

and the pair becomes one batched matrix product: A as (batch, own_A, contracted) and B as
(batch, contracted, own_B), each group flattened into one dim, give (batch, own_A, own_B).
"..." stands for the leading dims (broadcast between operands, as in PyTorch); a letter
repeated within one operand (a diagonal, "ii->i") is not supported.
"""

import math
import string

from minigrad.autograd import under_autocast
from minigrad.ops.matmul import matmul
from minigrad.ops.movement import expand, permute, reshape
from minigrad.ops.reduce import sum
from minigrad.tensor import Tensor

ELLIPSIS_LETTERS = string.ascii_uppercase[::-1]  # stand-ins for "..." dims (Z, Y, X, ...)


@under_autocast("lower_precision_fp")
def einsum(equation, *operands):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands or not all(isinstance(t, Tensor) for t in operands):
        raise TypeError("einsum: expected one or more tensors after the equation")
    inputs, output = _parse(equation, operands)
    sizes = _letter_sizes(equation, inputs, operands)
    operands = [expand(t, *[sizes[c] for c in letters]) for t, letters in zip(operands, inputs)]
    result, letters = operands[0], inputs[0]
    for k in range(1, len(operands)):
        needed = set(output).union(*inputs[k + 1 :])
        result, letters = _contract_pair(result, letters, operands[k], inputs[k], needed, sizes)
    result, letters = _sum_out(result, letters, set(output))
    return permute(result, *[letters.index(c) for c in output]) if letters else result


def _parse(equation, operands):
    """Each operand's letters and the output's, with "..." spelled out as capital letters."""
    if not isinstance(equation, str):
        raise TypeError(f"einsum: the equation must be a string, got {type(equation).__name__}")
    equation = equation.replace(" ", "")
    left, arrow, right = equation.partition("->")
    terms = left.split(",")
    if len(terms) != len(operands):
        raise ValueError(
            f"einsum: {equation!r} has {len(terms)} operand terms but {len(operands)} tensors "
            "were given"
        )
    ellipsis_dims = 0
    inputs = []
    for term, t in zip(terms, operands):
        letters = term.replace("...", "")
        if not all(c in string.ascii_lowercase for c in letters) or term.count("...") > 1:
            raise ValueError(
                f"einsum: term {term!r} of {equation!r} may hold only lowercase letters and "
                "one '...'"
            )
        if len(set(letters)) != len(letters):
            raise ValueError(
                f"einsum: term {term!r} repeats a letter (a diagonal), which is not supported"
            )
        rest = t.ndim - len(letters)
        if rest < 0 or (rest and "..." not in term):
            raise ValueError(
                f"einsum: term {term!r} names {len(letters)} dims but the tensor has shape "
                f"{tuple(t.shape)}"
            )
        ellipsis_dims = max(ellipsis_dims, rest)
        inputs.append(term.replace("...", ELLIPSIS_LETTERS[:rest][::-1]))
    broadcast = ELLIPSIS_LETTERS[:ellipsis_dims][::-1]
    if arrow:
        if not all(c in string.ascii_lowercase for c in right.replace("...", "")):
            raise ValueError(f"einsum: output {right!r} may hold only lowercase letters and '...'")
        output = right.replace("...", broadcast)
        if len(set(output)) != len(output) or not set(output) <= set("".join(inputs)):
            raise ValueError(
                f"einsum: output {right!r} must name each dim once, and only dims of the inputs"
            )
    else:
        counts = "".join(t.replace("...", "") for t in terms)
        output = broadcast + "".join(sorted(c for c in set(counts) if counts.count(c) == 1))
    return inputs, output


def _letter_sizes(equation, inputs, operands):
    """The size of each letter's dim: equal in every operand, or 1 where it broadcasts."""
    sizes = {}
    for letters, t in zip(inputs, operands):
        for c, n in zip(letters, t.shape):
            if n != 1 and sizes.get(c, 1) not in (1, n):
                shown = "..." if c in ELLIPSIS_LETTERS else c
                raise ValueError(
                    f"einsum: dim {shown!r} of {equation!r} has size {sizes[c]} in one operand "
                    f"and {n} in another (shapes {[tuple(o.shape) for o in operands]})"
                )
            sizes[c] = n if n != 1 else sizes.get(c, 1)
    return sizes


def _sum_out(t, letters, keep):
    gone = tuple(i for i, c in enumerate(letters) if c not in keep)
    if not gone:
        return t, letters
    return sum(t, gone), "".join(c for c in letters if c in keep)


def _contract_pair(a, la, b, lb, needed, sizes):
    a, la = _sum_out(a, la, needed | set(lb))
    b, lb = _sum_out(b, lb, needed | set(la))
    batch = [c for c in la if c in lb and c in needed]
    contracted = [c for c in la if c in lb and c not in needed]
    own_a = [c for c in la if c not in lb]
    own_b = [c for c in lb if c not in la]

    def grouped(t, letters, groups):
        order = [letters.index(c) for group in groups for c in group]
        shape = [math.prod(sizes[c] for c in group) for group in groups]
        return reshape(permute(t, *order), *shape)

    product = matmul(
        grouped(a, la, (batch, own_a, contracted)), grouped(b, lb, (batch, contracted, own_b))
    )
    letters = batch + own_a + own_b
    return reshape(product, *[sizes[c] for c in letters]), "".join(letters)
