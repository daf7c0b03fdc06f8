"""`minigrad.nn.utils`: helpers for training loops."""

from minigrad.nn.utils.finite_loss import check_finite  # noqa: F401
