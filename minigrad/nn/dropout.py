"""`Dropout` and `Dropout2d`: regularisers that zero random elements, or whole channels,
while training (see `F.dropout`, `F.dropout2d`)."""

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


class Dropout2d(Dropout):
    """Zeroes whole channels of (N, C, H, W) feature maps with probability p in training
    mode (scaling the rest by 1/(1-p)); the identity in eval mode."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__(p, inplace)

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training)
