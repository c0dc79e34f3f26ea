skip_if_no_keras <- function() {
  skip_if_not(is_keras_available(), "Python with keras is not available")
}

# softmax(Q K') V per batch element, in plain R: the reference the layer's
# values are checked against.
r_attention <- function(query, value, key = value, value_mask = NULL, causal = FALSE) {
  batch <- dim(query)[[1]]
  t_q <- dim(query)[[2]]
  t_v <- dim(value)[[2]]
  output <- array(0, c(batch, t_q, dim(value)[[3]]))
  weights <- array(0, c(batch, t_q, t_v))
  for (b in seq_len(batch)) {
    scores <- matrix(query[b, , ], t_q) %*% t(matrix(key[b, , ], t_v))
    allowed <- matrix(TRUE, t_q, t_v)
    if (!is.null(value_mask)) allowed <- allowed & matrix(value_mask[b, ], t_q, t_v, byrow = TRUE)
    if (causal) allowed <- allowed & lower.tri(allowed, diag = TRUE)
    scores[!allowed] <- scores[!allowed] - 1e9
    w <- exp(scores - apply(scores, 1, max))
    w <- w / rowSums(w)
    # In float32, scores - 1e9 are all equal: a fully masked row is uniform.
    w[rowSums(allowed) == 0, ] <- 1 / t_v
    weights[b, , ] <- w
    output[b, , ] <- w %*% matrix(value[b, , ], t_v)
  }
  list(output = output, weights = weights)
}

random_array <- function(...) {
  dims <- c(...)
  array(stats::rnorm(prod(dims)), dims)
}

# Keras itself, for comparing rkeras with it on the same inputs.
py_keras <- function() {
  reticulate::import("keras")
}
