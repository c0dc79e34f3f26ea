# Synthetic data sets for the vignettes and the demo: made in R, with no
# downloads and no Python, the same for the same seed.

#' Synthetic data: find the query token hidden in a sequence
#'
#' Makes a small retrieval task on which attention is needed. Each example is
#' a `query`, a few distinct tokens, and a `value`, a longer sequence of
#' tokens. Exactly one of the query's tokens is hidden somewhere in the value;
#' the label says whether that hidden token is odd.
#'
#' Tokens are the whole numbers `1` to `vocab_size`; `0` never occurs, so it
#' is free for padding and an embedding needs `input_dim = vocab_size + 1`.
#' Every query holds `query_length` distinct tokens, half of them odd and half
#' even. Every value holds `value_length` tokens, also half odd and half even:
#' the hidden token, and tokens drawn with replacement from those not in the
#' query. So neither input says anything about the label on its own; only
#' matching the query's tokens against the value's finds the hidden token, and
#' a model that cannot do that stays at 50% accuracy.
#'
#' @param n Number of examples.
#' @param query_length Tokens per query; an even number, less than
#'   `vocab_size`.
#' @param value_length Tokens per value sequence; an even number.
#' @param vocab_size Number of distinct tokens; an even number.
#' @param seed A whole number to make the data reproducible, or `NULL` to use
#'   the current random number stream. A seed leaves that stream as it was.
#' @returns A list:
#'   * `query`: an integer matrix, `n` rows of `query_length` tokens.
#'   * `value`: an integer matrix, `n` rows of `value_length` tokens.
#'   * `label`: an integer vector, `1` where the hidden token is odd, else
#'     `0`; half the examples (rounded down) have label `1`.
#'   * `position`: an integer vector, the column of `value` that holds the
#'     hidden token.
#'   * `match`: an integer vector, the column of `query` that holds it.
#' @family synthetic data
#' @seealso `vignette("query-value-attention", package = "rkeras")`, which
#'   trains [layer_attention()] on it.
#' @export
#' @examples
#' data <- synthetic_token_match(4, seed = 1)
#' data$query
#' data$value
#' data$label
#'
#' # The hidden token of the first example, in the query and in the value:
#' data$query[1, data$match[[1]]]
#' data$value[1, data$position[[1]]]
synthetic_token_match <- function(n, query_length = 4, value_length = 20, vocab_size = 40,
                                  seed = NULL) {
  n <- arg_integer(n, "n", min = 1)
  query_length <- arg_even(query_length, "query_length")
  value_length <- arg_even(value_length, "value_length")
  vocab_size <- arg_even(vocab_size, "vocab_size")
  if (query_length >= vocab_size) {
    cli::cli_abort(
      "{.arg query_length} ({query_length}) must be less than {.arg vocab_size} ({vocab_size}), so that tokens outside the query are left for the value."
    )
  }
  seed <- arg_integer(seed, "seed", nullable = TRUE)

  with_seed(seed, {
    tokens <- seq_len(vocab_size)
    # by_colour[[1]] are the even tokens (label 0), by_colour[[2]] the odd ones.
    by_colour <- list(tokens[tokens %% 2L == 0L], tokens[tokens %% 2L == 1L])
    half_query <- query_length %/% 2L
    half_value <- value_length %/% 2L
    label <- sample(rep_len(c(0L, 1L), n))
    query <- matrix(0L, n, query_length)
    value <- matrix(0L, n, value_length)
    position <- integer(n)
    match <- integer(n)
    for (i in seq_len(n)) {
      q <- sample(c(sample(by_colour[[1]], half_query), sample(by_colour[[2]], half_query)))
      m <- sample_one(which(q %% 2L == label[[i]]))
      # The hidden token takes one of its colour's half of the value.
      counts <- c(half_value, half_value)
      counts[[label[[i]] + 1L]] <- counts[[label[[i]] + 1L]] - 1L
      v <- c(
        q[[m]],
        sample_from(setdiff(by_colour[[1]], q), counts[[1]]),
        sample_from(setdiff(by_colour[[2]], q), counts[[2]])
      )
      order <- sample.int(value_length)
      query[i, ] <- q
      value[i, ] <- v[order]
      position[[i]] <- which(order == 1L)
      match[[i]] <- m
    }
    list(query = query, value = value, label = label, position = position, match = match)
  })
}

#' Synthetic data: noisy waves for next-value prediction
#'
#' Makes series to forecast one step ahead. Each series is the sum of two sine
#' waves with random phases, a fast one (a period of 6 to 12 steps, amplitude
#' 1) and a slow one (15 to 30 steps, amplitude 0.5), plus Gaussian noise.
#' `x` holds steps `1` to `steps` of each series and `y` steps `2` to
#' `steps + 1`, so `y[i, t, 1]` is the value that follows `x[i, t, 1]`: a
#' model that outputs one prediction per step learns to predict the next
#' value at every step.
#'
#' @param n Number of series.
#' @param steps Length of each input series.
#' @param noise Standard deviation of the Gaussian noise.
#' @inheritParams synthetic_token_match
#' @returns A list of two `n` by `steps` by 1 arrays, the shape of a
#'   univariate sequence input: `x`, the inputs, and `y`, the values one step
#'   later.
#' @family synthetic data
#' @seealso `vignette("causal-self-attention", package = "rkeras")`, which
#'   forecasts them with [layer_attention()] and [layer_lstm()].
#' @export
#' @examples
#' waves <- synthetic_waves(3, steps = 60, seed = 1)
#' dim(waves$x)
#' plot(waves$x[1, , 1], type = "l", xlab = "step", ylab = "value")
#'
#' # y is x one step later.
#' all.equal(waves$x[, -1, 1], waves$y[, -60, 1])
synthetic_waves <- function(n, steps = 40, noise = 0.1, seed = NULL) {
  n <- arg_integer(n, "n", min = 1)
  steps <- arg_integer(steps, "steps", min = 1)
  noise <- arg_number(noise, "noise", min = 0)
  seed <- arg_integer(seed, "seed", nullable = TRUE)

  with_seed(seed, {
    time <- seq_len(steps + 1L)
    fast <- stats::runif(n, 6, 12)
    slow <- stats::runif(n, 15, 30)
    phase <- matrix(stats::runif(2 * n, 0, 2 * pi), n, 2)
    angle <- function(period, phase) outer(1 / period, 2 * pi * time) + phase
    series <- sin(angle(fast, phase[, 1])) + 0.5 * sin(angle(slow, phase[, 2])) +
      matrix(stats::rnorm(n * (steps + 1L), sd = noise), n, steps + 1L)
    list(
      x = array(series[, -(steps + 1L)], c(n, steps, 1L)),
      y = array(series[, -1L], c(n, steps, 1L))
    )
  })
}

#' Synthetic data: small images of three kinds of stroke
#'
#' Makes an image classification task that a small convolutional network
#' learns in seconds, with no download. Each image is a `size` by `size`
#' grey-scale picture on a noisy background with one bright stroke: a
#' horizontal bar, a vertical bar or a diagonal, at a random place and of a
#' random length. The label says which, so a model must find the stroke and
#' its direction wherever it is; a model that cannot stays at one in three.
#'
#' @param n Number of images.
#' @param size Height and width of each image, in pixels; at least 8.
#' @param noise Standard deviation of the background noise.
#' @param seed A whole number to make the data reproducible, or `NULL` to use
#'   the current random number stream. A seed leaves that stream as it was.
#' @returns A list:
#'   * `x`: an `n` by `size` by `size` by 1 array of doubles (the channels
#'     last, as Keras's 2D layers expect them).
#'   * `y`: an integer vector of labels, `0` (horizontal), `1` (vertical) or
#'     `2` (diagonal), in equal numbers as far as `n` allows.
#'   * `classes`: the names of the labels, in that order.
#' @family synthetic data
#' @seealso `vignette("image-classifier", package = "rkeras")`, which trains
#'   a convolutional network with [layer_conv_2d()] on it.
#' @export
#' @examples
#' shapes <- synthetic_shapes(3, size = 12, seed = 1)
#' dim(shapes$x)
#' shapes$classes[shapes$y + 1]
#' image(shapes$x[1, , , 1], col = grey.colors(16), axes = FALSE)
synthetic_shapes <- function(n, size = 16, noise = 0.2, seed = NULL) {
  n <- arg_integer(n, "n", min = 1)
  size <- arg_integer(size, "size", min = 8)
  noise <- arg_number(noise, "noise", min = 0)
  seed <- arg_integer(seed, "seed", nullable = TRUE)

  with_seed(seed, {
    y <- sample(rep_len(0:2, n))
    x <- array(stats::rnorm(n * size * size, sd = noise), c(n, size, size, 1L))
    for (i in seq_len(n)) {
      length <- sample_one(seq(size %/% 2L, size - 2L))
      start <- sample_one(seq_len(size - length))
      across <- sample_one(seq_len(size))
      along <- start + seq_len(length) - 1L
      pixels <- switch(y[[i]] + 1L,
        cbind(across, along),
        cbind(along, across),
        cbind(along, along)
      )
      x[cbind(i, pixels, 1L)] <- x[cbind(i, pixels, 1L)] + 1
    }
    list(x = x, y = y, classes = c("horizontal", "vertical", "diagonal"))
  })
}

# Evaluate `code` with the random number stream seeded by `seed`, then put the
# caller's stream back; with a NULL seed, just evaluate it.
with_seed <- function(seed, code) {
  if (is.null(seed)) {
    return(code)
  }
  env <- globalenv()
  old <- get0(".Random.seed", envir = env, inherits = FALSE)
  on.exit(
    if (is.null(old)) {
      rm(".Random.seed", envir = env)
    } else {
      assign(".Random.seed", old, envir = env)
    },
    add = TRUE
  )
  set.seed(seed)
  code
}

# sample() treats a single number n as 1:n; these never do.
sample_one <- function(x) x[[sample.int(length(x), 1L)]]
sample_from <- function(x, size) x[sample.int(length(x), size, replace = TRUE)]

arg_even <- function(x, arg, call = rlang::caller_env()) {
  if (!is_whole_number(x) || x < 2 || x %% 2 != 0) {
    abort_arg(arg, "an even whole number, at least 2", x, call = call)
  }
  as.integer(x)
}
