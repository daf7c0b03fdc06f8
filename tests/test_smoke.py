import minigrad as mg


def test_square_sum_gradient_is_twice_the_input():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x**2).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0]
