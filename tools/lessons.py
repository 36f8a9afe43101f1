"""The lesson list: one place that the navigation, the contents page and the
README are generated from.  Add a lesson here, then run `make nav`."""

# (file name, short title, one line for the contents)
LESSONS = [
    ("00-index.ipynb", "Contents",
     "What is here, how to use the sliders, and what you need to know first."),
    ("01-intuition.ipynb", "From logits to probabilities",
     "Why argmax, per-class sigmoid and divide-by-sum fail, and how softmax's two steps fix them."),
    ("02-exponentiation.ipynb", "Exponentiation: why e^z",
     "Positivity, gaps that grow into ratios, only differences matter, and batches with axis and keepdims."),
    ("03-temperature.ipynb", "Temperature and sharpness",
     "softmax(z/T) from one-hot to uniform, entropy, and sampling words at different temperatures."),
    ("04-stability.ipynb", "The overflow trick",
     "Why exp(1000) breaks the textbook formula and why subtracting the max fixes it; log-sum-exp."),
    ("05-sigmoid.ipynb", "Sigmoid is two-class softmax",
     "softmax([a, b]) = [σ(a−b), σ(b−a)], and when to use one sigmoid, softmax, or many sigmoids."),
    ("06-log-softmax.ipynb", "Log-softmax and cross-entropy",
     "The stable log, cross-entropy from logits, the gradient p − y, and vanishing gradients."),
    ("07-calibration.ipynb", "Overconfidence and calibration",
     "A real classifier's confidence vs its accuracy, ECE, and fixing it with temperature scaling."),
    ("08-softmax-at-work.ipynb", "Softmax at work",
     "Decoding a language model (greedy, temperature, top-k, top-p), perplexity, attention's √d, online softmax."),
]
