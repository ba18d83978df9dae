"""The yardstick: the post's network trained the way its reference script does it, in
plain Python: Neuron objects holding a list of weights, loops over neurons and weights."""

import math


class Neuron:
    def __init__(self, weights, bias):
        self.weights = list(weights)
        self.bias = bias
        self.inputs = []
        self.output = 0.0

    def calculate_output(self, inputs):
        self.inputs = inputs
        total = self.bias
        for i in range(len(inputs)):
            total += inputs[i] * self.weights[i]
        self.output = 1 / (1 + math.exp(-total))
        return self.output

    def pd_error_wrt_total_net_input(self, target):
        # -(target - out) * out (1 - out)
        return -(target - self.output) * self.output * (1 - self.output)


class Layer:
    def __init__(self, weights, bias):
        self.neurons = [Neuron(w, bias) for w in weights]

    def feed_forward(self, inputs):
        return [n.calculate_output(inputs) for n in self.neurons]


class NeuralNetwork:
    LEARNING_RATE = 0.5

    def __init__(self, hidden_weights, hidden_bias, output_weights, output_bias):
        self.hidden = Layer(hidden_weights, hidden_bias)
        self.output = Layer(output_weights, output_bias)

    def feed_forward(self, inputs):
        return self.output.feed_forward(self.hidden.feed_forward(inputs))

    def train(self, inputs, targets):
        self.feed_forward(inputs)
        d_out = [n.pd_error_wrt_total_net_input(t) for n, t in zip(self.output.neurons, targets)]
        d_hid = []
        for h, hn in enumerate(self.hidden.neurons):
            d = 0.0
            for o, on in enumerate(self.output.neurons):
                d += d_out[o] * on.weights[h]
            d_hid.append(d * hn.output * (1 - hn.output))
        for o, on in enumerate(self.output.neurons):
            for w in range(len(on.weights)):
                on.weights[w] -= self.LEARNING_RATE * d_out[o] * on.inputs[w]
        for h, hn in enumerate(self.hidden.neurons):
            for w in range(len(hn.weights)):
                hn.weights[w] -= self.LEARNING_RATE * d_hid[h] * hn.inputs[w]

    def total_error(self, inputs, targets):
        out = self.feed_forward(inputs)
        return sum(0.5 * (t - o) ** 2 for t, o in zip(targets, out))


def mazur():
    return NeuralNetwork([[0.15, 0.2], [0.25, 0.3]], 0.35, [[0.4, 0.45], [0.5, 0.55]], 0.6)
