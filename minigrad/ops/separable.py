"""A linear map applied along each spatial axis in turn: what adaptive average pooling and
every mode of interpolate compute.

With one (out × in) matrix A per axis, images map as y = A_H · x · A_Wᵀ, i.e.

    y[n, c, i, j] = Σ_{h, w} A_H[i, h] · A_W[j, w] · x[n, c, h, w]

and a volume adds A_D on its depth axis the same way. An axis other than the last is mapped by
viewing it and everything after it as a matrix (rows: that axis), then multiplying from the
left; the last is multiplied from the right. It is composed from reshape and matmul, so its
gradient, dx = A_Hᵀ · g · A_W (and A_Dᵀ on the depth axis), needs no proof of its own.
"""


def map_spatial_axes(input, matrices):
    """input (..., n_1, ..., n_k) with its last k axes mapped by the k matrices (m_i, n_i):
    (..., m_1, ..., m_k). matmul broadcasts over the leading dims (batch and channels)."""
    *leading, last = matrices
    out = input
    for k, matrix in enumerate(leading):
        axis = input.ndim - len(matrices) + k
        before, after = out.shape[:axis], out.shape[axis + 1 :]
        out = (matrix @ out.reshape(*before, out.shape[axis], -1)).reshape(
            *before, matrix.shape[0], *after
        )
    return out @ last.T
