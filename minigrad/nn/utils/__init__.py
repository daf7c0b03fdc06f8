"""`minigrad.nn.utils`: helpers around training, named as in `torch.nn.utils`."""

from minigrad.nn.utils import rnn  # noqa: F401  (pack_padded_sequence, PackedSequence, ...)
from minigrad.nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_  # noqa: F401
from minigrad.nn.utils.convert_parameters import (  # noqa: F401
    parameters_to_vector,
    vector_to_parameters,
)
from minigrad.nn.utils.finite_loss import check_finite  # noqa: F401
from minigrad.nn.utils.regularization import l1_penalty, l2_penalty  # noqa: F401
from minigrad.nn.utils import parametrizations, parametrize  # noqa: F401
from minigrad.nn.utils.weight_norm import remove_weight_norm, weight_norm  # noqa: F401
