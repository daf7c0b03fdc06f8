"""minigrad: a from-scratch, educational deep-learning engine with PyTorch's API.

    import minigrad as mg
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x ** 2).sum().backward()
    x.grad            # tensor([2., 4., 6.])

Layers of the package, each building on the one before:
    backend    numpy (cpu) or CuPy (cuda) arrays
    tensor     the Tensor class
    autograd   Function (forward + backward) and the reverse graph walk
    ops        the differentiable ops, grouped by kind
    nn, optim, data, ...   built on top
"""

from minigrad import amp, cuda, data, distill, linalg, metrics, nn, optim, prune, text  # noqa: F401
from minigrad.autograd import (  # noqa: F401  (mg.autograd is the module: mg.autograd.grad)
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from minigrad.creation import (  # noqa: F401
    arange,
    as_tensor,
    empty,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from minigrad.dtypes import (  # noqa: F401
    bool_,
    double,
    float16,
    float32,
    float64,
    half,
    int32,
    int64,
    long,
    uint8,
)
from minigrad.gradcheck import GradcheckError, gradcheck  # noqa: F401
from minigrad.ops.elementwise import (  # noqa: F401
    abs,
    add,
    allclose,
    ceil,
    clamp,
    cos,
    div,
    exp,
    floor,
    isclose,
    isfinite,
    isnan,
    lerp,
    log,
    maximum,
    minimum,
    mul,
    nan_to_num,
    neg,
    pow,
    relu,
    round,
    rsqrt,
    sigmoid,
    sign,
    sin,
    sqrt,
    sub,
    tanh,
    where,
)
from minigrad.ops.indexing import (  # noqa: F401
    gather,
    index_select,
    masked_fill,
    masked_select,
    nonzero,
    scatter,
    scatter_add,
    take_along_dim,
)
from minigrad.ops.einsum import einsum  # noqa: F401
# ---- elementwise math and order statistics beyond the basics (elemmath) ----
from minigrad.ops.elementwise import (  # noqa: F401
    fix,
    fmax,
    fmin,
    frac,
    isinf,
    isneginf,
    isposinf,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    trunc,
)
from minigrad.ops.exp_log import (  # noqa: F401
    addcdiv,
    addcmul,
    exp2,
    expm1,
    float_power,
    log1p,
    log2,
    log10,
    logaddexp,
    logaddexp2,
    reciprocal,
    square,
    xlogy,
)
from minigrad.ops.order_stats import (  # noqa: F401
    kthvalue,
    median,
    mode,
    nanmedian,
    nanquantile,
    quantile,
)
from minigrad.ops.reduce import (  # noqa: F401
    aminmax,
    count_nonzero,
    nanmean,
    nansum,
    std_mean,
    var_mean,
)
from minigrad.ops.rounding import floor_divide, fmod, heaviside, remainder  # noqa: F401
from minigrad.ops.elementwise import true_divide  # noqa: F401
from minigrad.ops.scan import cummax, cummin, logcumsumexp  # noqa: F401
from minigrad.ops.special import erf, erfc, erfinv  # noqa: F401
from minigrad.ops.trig import (  # noqa: F401
    acos,
    acosh,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    cosh,
    hypot,
    sinh,
    tan,
)
# ---- end elemmath ----
from minigrad.ops.matmul import bmm, dot, matmul, mm, outer  # noqa: F401
from minigrad.ops.movement import (  # noqa: F401
    cat,
    flatten,
    flip,
    permute,
    reshape,
    squeeze,
    stack,
    transpose,
    unsqueeze,
)
from minigrad.ops.rearrange import (  # noqa: F401
    broadcast_to,
    movedim,
    repeat,
    roll,
    t,
    tril,
    triu,
    unflatten,
)
from minigrad.ops.reduce import (  # noqa: F401
    all,
    amax,
    amin,
    any,
    argmax,
    argmin,
    logsumexp,
    max,
    mean,
    min,
    norm,
    prod,
    std,
    sum,
    var,
)
from minigrad.ops.scan import cumprod, cumsum  # noqa: F401
from minigrad.ops.softmax import log_softmax, softmax  # noqa: F401
from minigrad.ops.sorting import argsort, sort, topk  # noqa: F401
from minigrad.ops.split import chunk, narrow, split, unbind  # noqa: F401
from minigrad.random import manual_seed  # noqa: F401
from minigrad.serialization import load, save  # noqa: F401
from minigrad.tensor import Tensor

# shapes, diagonals, products, counting, creation and sampling (one block, for easy merges)
from minigrad.creation import (  # noqa: F401
    empty_like,
    is_tensor,
    logspace,
    numel,
    randint_like,
)
from minigrad.dtypes import get_default_dtype, set_default_dtype  # noqa: F401
from minigrad.ops.combinatorics import cartesian_prod, combinations  # noqa: F401
from minigrad.ops.counting import (  # noqa: F401
    argwhere,
    bincount,
    bucketize,
    histc,
    searchsorted,
    unique,
    unique_consecutive,
)
from minigrad.ops.diagonal import diag, diag_embed, diagonal, trace  # noqa: F401
from minigrad.ops.distance import cdist, dist  # noqa: F401
from minigrad.ops.indexing import index_add, index_copy, index_fill, take  # noqa: F401
from minigrad.ops.movement import clone  # noqa: F401
from minigrad.ops.products import cross, kron, tensordot  # noqa: F401
from minigrad.ops.rearrange import diff, fliplr, flipud, rot90, tile  # noqa: F401
from minigrad.ops.sorting import msort  # noqa: F401
from minigrad.ops.stacking import (  # noqa: F401
    atleast_1d,
    atleast_2d,
    atleast_3d,
    broadcast_shapes,
    broadcast_tensors,
    column_stack,
    dstack,
    hstack,
    meshgrid,
    row_stack,
    vstack,
)
from minigrad.random import bernoulli, multinomial, normal, poisson  # noqa: F401

# automatic mixed precision (one block, for easy merges)
from minigrad.autocast_mode import autocast, get_autocast_dtype, is_autocast_enabled  # noqa: F401,E402

# linear algebra: torch's top-level names for mg.linalg functions (one block, for easy merges)
from minigrad.linalg import det, matrix_exp, matrix_power, slogdet  # noqa: F401
from minigrad.linalg import inv as inverse  # noqa: F401

pinverse = Tensor.pinverse  # torch.pinverse(input, rcond=1e-15): the method, as a function

bool = bool_  # torch.bool (bfloat16 is left out: numpy has no such dtype)

float = float32
clip = clamp
concat = concatenate = cat

# ---- probability distributions and the gamma functions they need (distributions) ----
from minigrad import distributions  # noqa: F401
from minigrad.ops.gamma_functions import digamma, lgamma  # noqa: F401
# ---- end distributions ----
