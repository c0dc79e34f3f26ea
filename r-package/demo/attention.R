# Train a small model around layer_attention() on synthetic data and look at
# what it learned. Run with `make demo`, or demo("attention", package = "rkeras").
#
# The task: each query must retrieve the value whose key points the same way.
# Targets come from a sharp "teacher" attention; the model's only weight is the
# learnable scale (use_scale = TRUE), so the loss falls as it sharpens.
library(rkeras)
set.seed(42)

n <- 512
t_q <- 4
t_v <- 6
dim <- 8
query <- array(rnorm(n * t_q * dim), c(n, t_q, dim))
value <- array(rnorm(n * t_v * dim), c(n, t_v, dim))

teacher <- function(query, value, sharpness = 2) {
  target <- array(0, c(dim(query)[1:2], dim(value)[[3]]))
  for (i in seq_len(dim(query)[[1]])) {
    scores <- sharpness * matrix(query[i, , ], t_q) %*% t(matrix(value[i, , ], t_v))
    weights <- exp(scores - apply(scores, 1, max))
    target[i, , ] <- (weights / rowSums(weights)) %*% matrix(value[i, , ], t_v)
  }
  target
}
target <- teacher(query, value)

query_input <- keras_input(shape = c(t_q, dim), name = "query")
value_input <- keras_input(shape = c(t_v, dim), name = "value")
attention <- layer_attention(use_scale = TRUE, name = "attention")
output <- attention(list(query_input, value_input))
model <- keras_model(list(query_input, value_input), output)
compile(model, optimizer = "adam", loss = "mse")

cat("Training layer_attention(use_scale = TRUE) for 8 epochs on", n, "synthetic examples\n")
history <- fit(model, list(query, value), target, epochs = 8, batch_size = 32, verbose = 0)
loss <- history$metrics$loss
cat(sprintf("  epoch %d  loss %.4f\n", seq_along(loss), loss), sep = "")
cat(sprintf("Loss went from %.4f to %.4f (%s).\n", loss[[1]], loss[[length(loss)]],
  if (loss[[length(loss)]] < loss[[1]]) "down" else "NOT down"))
cat(sprintf("Learned scale: %.2f (teacher used 2)\n", as.array(attention$weights[[1]])))

example <- list(query[1:2, , , drop = FALSE], value[1:2, , , drop = FALSE])
result <- attention(example, return_attention_scores = TRUE)
cat("\nOutput shape:           ", format(shape(result[[1]])), "\n")
cat("Attention scores shape: ", format(shape(result[[2]])), "\n")
cat("\nAttention weights of example 1 (rows: queries, columns: values; rows sum to 1):\n")
weights <- as.array(result[[2]])[1, , ]
dimnames(weights) <- list(paste0("q", seq_len(t_q)), paste0("v", seq_len(t_v)))
print(round(weights, 3))
