"""`Dropout`, `Dropout1d/2d/3d`, `AlphaDropout`, `FeatureAlphaDropout`: regularisers that
zero random elements, or whole channels, while training (see nn/functional/dropout.py)."""

from minigrad.nn import functional as F
from minigrad.nn.functional.dropout import check_probability
from minigrad.nn.module import Module


class Dropout(Module):
    """Zeroes each element with probability p in training mode (scaling the rest by
    1/(1-p)); the identity in eval mode (`model.eval()`)."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        check_probability("Dropout", p)
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(Dropout):
    """Zeroes whole channels of (N, C, L) or (C, L) with probability p in training mode
    (scaling the rest by 1/(1-p)); the identity in eval mode."""

    def forward(self, input):
        return F.dropout1d(input, self.p, self.training)


class Dropout2d(Dropout):
    """Zeroes whole channels of (N, C, H, W) feature maps with probability p in training
    mode (scaling the rest by 1/(1-p)); the identity in eval mode."""

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training)


class Dropout3d(Dropout):
    """Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) with probability p in
    training mode (scaling the rest by 1/(1-p)); the identity in eval mode."""

    def forward(self, input):
        return F.dropout3d(input, self.p, self.training)


class AlphaDropout(Dropout):
    """Dropout for SELU networks: keeps a standard normal input at mean 0 and variance 1
    in training mode; the identity in eval mode."""

    def forward(self, input):
        return F.alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(Dropout):
    """Alpha dropout of whole channels of (N, C, ...) in training mode."""

    def forward(self, input):
        return F.feature_alpha_dropout(input, self.p, self.training)
