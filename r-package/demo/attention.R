# Query-value attention for classification: the Keras documentation's example
# for the Attention layer, in R, trained on a synthetic task where attention is
# needed. Run with `make demo`, `Rscript r-package/demo/attention.R`, or
# demo("attention", package = "rkeras"); vignette("query-value-attention",
# package = "rkeras") explains each step.
#
# The task (see ?synthetic_token_match): a query of 4 distinct tokens, a value
# sequence of 20 tokens, exactly one of the query's tokens hidden in the value;
# the label says whether that token is odd. Both inputs are always half odd and
# half even, so only matching query tokens against value tokens beats 50%.
#
# The heatmap of one example's attention weights is saved as a PNG to
# $RKERAS_DEMO_PLOT, or else to the temporary directory (tempdir()'s parent,
# since tempdir() itself is deleted when Rscript exits).
library(rkeras)
set.seed(1)
reticulate::import("keras")$utils$set_random_seed(1L)

train <- synthetic_token_match(2000, seed = 1)
test <- synthetic_token_match(1000, seed = 2)
vocab_size <- 40

# One embedding and one Conv1D encoder shared by query and value; attention of
# the query over the value; both branches averaged, concatenated, classified.
query_input <- keras_input(shape = NA, dtype = "int32", name = "query")
value_input <- keras_input(shape = NA, dtype = "int32", name = "value")
token_embedding <- layer_embedding(
  input_dim = vocab_size + 1, output_dim = 32, embeddings_initializer = "he_normal"
)
encoder <- layer_conv_1d(filters = 32, kernel_size = 1)
attention <- layer_attention()
query_encoding <- encoder(token_embedding(query_input))
value_encoding <- encoder(token_embedding(value_input))
query_value_attention <- attention(list(query_encoding, value_encoding))
output <- layer_concatenate(list(
  layer_global_average_pooling_1d(query_encoding),
  layer_global_average_pooling_1d(query_value_attention)
)) |>
  layer_dense(32, activation = "relu") |>
  layer_dense(1, activation = "sigmoid")
model <- keras_model(list(query_input, value_input), output)
compile(model, optimizer = "adam", loss = "binary_crossentropy", metrics = "accuracy")

cat(sprintf(
  "Training a query-value attention classifier (%d parameters) on %d synthetic examples\n",
  model$count_params(), nrow(train$query)
))
history <- fit(model, list(train$query, train$value), as.array(train$label),
  epochs = 15, batch_size = 32, verbose = 0
)
loss <- history$metrics$loss
cat(sprintf("  epoch %2d  loss %.4f  accuracy %.3f\n", seq_along(loss), loss,
  history$metrics$accuracy), sep = "")
cat(sprintf("Loss went from %.4f to %.4f (%s).\n", loss[[1]], loss[[length(loss)]],
  if (loss[[length(loss)]] < loss[[1]]) "down" else "NOT down"))

result <- evaluate(model, list(test$query, test$value), as.array(test$label), verbose = 0)
cat(sprintf("\nTest accuracy: %.1f%% on %d new examples (chance: 50%%)\n",
  100 * result[["accuracy"]], nrow(test$query)))

# The trained attention layer, called on the encodings of two test examples,
# returns its output and, with return_attention_scores = TRUE, its weights.
encode <- keras_model(list(query_input, value_input), list(query_encoding, value_encoding))
encodings <- predict(encode, list(test$query[1:2, , drop = FALSE], test$value[1:2, , drop = FALSE]),
  verbose = 0
)
scores <- attention(encodings, return_attention_scores = TRUE)
cat("\nOutput shape:           ", format(shape(scores[[1]])), "\n")
cat("Attention scores shape: ", format(shape(scores[[2]])), "\n")

i <- 1
weights <- as.array(scores[[2]])[i, , ]
dimnames(weights) <- list(
  paste0("q", seq_len(ncol(test$query)), "=", test$query[i, ]),
  paste0("v", seq_len(ncol(test$value)), "=", test$value[i, ])
)
cat(sprintf(
  "\nAttention weights of test example %d (rows: query token, columns: value token; rows sum to 1).\nThe hidden token %d is query token %d and value token %d:\n",
  i, test$query[i, test$match[[i]]], test$match[[i]], test$position[[i]]
))
print(formatC(weights, format = "f", digits = 2), quote = FALSE, right = TRUE)

plot_path <- Sys.getenv("RKERAS_DEMO_PLOT")
if (!nzchar(plot_path)) {
  plot_path <- file.path(dirname(tempdir()), "rkeras-attention-demo.png")
}
grDevices::png(plot_path, width = 900, height = 380, res = 110)
rows <- rev(seq_len(nrow(weights)))
op <- graphics::par(mar = c(6, 6, 3, 1))
graphics::image(
  x = seq_len(ncol(weights)), y = seq_len(nrow(weights)), z = t(weights[rows, ]),
  col = grDevices::hcl.colors(50, "YlOrRd", rev = TRUE), zlim = c(0, 1), axes = FALSE,
  xlab = "", ylab = "",
  main = sprintf("Attention weights, test example %d (label %d)", i, test$label[[i]])
)
graphics::axis(1, at = seq_len(ncol(weights)), labels = colnames(weights), las = 2, cex.axis = 0.7)
graphics::axis(2, at = seq_len(nrow(weights)), labels = rownames(weights)[rows], las = 1)
graphics::title(xlab = "value token", line = 4.5)
hidden_x <- test$position[[i]]
hidden_y <- match(test$match[[i]], rows)
graphics::rect(hidden_x - 0.5, hidden_y - 0.5, hidden_x + 0.5, hidden_y + 0.5, lwd = 2)
graphics::par(op)
invisible(grDevices::dev.off())
cat("\nHeatmap of these weights saved to", plot_path, "\n")
