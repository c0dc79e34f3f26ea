# The coercers behind every generated wrapper: pure R, no Python needed.

test_that("arg_integer turns whole doubles into integers, as Python ints need", {
  expect_identical(arg_integer(42, "seed"), 42L)
  expect_identical(arg_integer(3L, "units", min = 1), 3L)
  expect_null(arg_integer(NULL, "seed", nullable = TRUE))
})

test_that("arg_integer names the argument and what it received", {
  expect_error(arg_integer(1.5, "seed"), "`seed` must be a whole number, not the number 1.5.", fixed = TRUE)
  expect_error(arg_integer("4", "units"), "`units` must be a whole number, not the string \"4\".", fixed = TRUE)
  expect_error(arg_integer(NULL, "seed"), "`seed` must be a whole number, not `NULL`.", fixed = TRUE)
  expect_error(arg_integer(0, "units", min = 1), "`units` must be a whole number >= 1, not the number 0.", fixed = TRUE)
  expect_error(arg_integer(c(1, 2), "units"), "not a double vector of length 2", fixed = TRUE)
  expect_error(arg_integer(2.5, "seed", nullable = TRUE), "a whole number or `NULL`", fixed = TRUE)
})

test_that("arg_number checks open and closed ranges", {
  expect_identical(arg_number(0, "dropout", min = 0, max = 1, max_open = TRUE), 0)
  expect_identical(arg_number(1L, "rate"), 1)
  expect_error(
    arg_number(1, "dropout", min = 0, max = 1, max_open = TRUE),
    "`dropout` must be a number in [0, 1), not the number 1.", fixed = TRUE
  )
  expect_error(arg_number(-0.1, "dropout", min = 0, max = 1), "in [0, 1], not the number -0.1", fixed = TRUE)
  expect_error(arg_number(NA_real_, "dropout"), "`dropout` must be a finite number, not `NA`.", fixed = TRUE)
})

test_that("arg_flag and arg_choice reject near misses", {
  expect_true(arg_flag(TRUE, "use_scale"))
  expect_error(arg_flag("yes", "use_scale"), "`use_scale` must be `TRUE` or `FALSE`, not the string \"yes\".", fixed = TRUE)
  expect_error(arg_flag(NA, "use_scale"), "not `NA`", fixed = TRUE)
  expect_identical(arg_choice("concat", "score_mode", c("dot", "concat")), "concat")
  expect_error(
    arg_choice("Dot", "score_mode", c("dot", "concat")),
    "`score_mode` must be one of \"dot\", \"concat\", not the string \"Dot\".", fixed = TRUE
  )
})

test_that("arg_shape accepts NA for unknown dimensions and rejects fractions", {
  skip_if_no_keras()
  shape <- arg_shape(c(NA, 8, 16), "shape")
  expect_s3_class(shape, "python.builtin.tuple")
  expect_identical(reticulate::py_to_r(shape), list(NULL, 8L, 16L))
  expect_error(arg_shape(c(8, 1.5), "shape"), "`shape` must be a shape", fixed = TRUE)
  expect_error(arg_shape("8", "shape"), "not the string \"8\"", fixed = TRUE)
})

test_that("arg_tensors names the offending element", {
  expect_error(arg_tensors(list(NULL, "x"), "mask"), "`mask[[2]]` must be a tensor, an R array or `NULL`", fixed = TRUE)
  expect_error(arg_tensors(matrix(TRUE, 2, 2), "mask"), "`mask` must be a list of tensors or R arrays", fixed = TRUE)
})

test_that("arg_axis counts from 1 as in R and passes negative axes through", {
  expect_identical(arg_axis(1, "axis"), 0L)
  expect_identical(arg_axis(2L, "axis"), 1L)
  expect_identical(arg_axis(-1, "axis"), -1L)
  expect_identical(arg_axis(-3L, "axis"), -3L)
  expect_identical(arg_axis(list(3), "axis"), 2L)
  expect_null(arg_axis(NULL, "attention_axes", nullable = TRUE))
})

test_that("arg_axis refuses axis 0 and anything but non-zero whole numbers", {
  expect_error(
    arg_axis(0, "axis"),
    "`axis` must be a non-zero whole number or a vector of them, not the number 0.", fixed = TRUE
  )
  expect_error(arg_axis(c(1, 0), "axis"), "not a double vector of length 2", fixed = TRUE)
  expect_error(arg_axis(1.5, "axis"), "not the number 1.5", fixed = TRUE)
  expect_error(arg_axis("1", "axis"), "not the string \"1\"", fixed = TRUE)
  expect_error(arg_axis(NA, "axis"), "not `NA`", fixed = TRUE)
  expect_error(arg_axis(integer(), "axis"), "not a integer vector of length 0", fixed = TRUE)
  expect_error(arg_axis(NULL, "axis"), "not `NULL`", fixed = TRUE)
  expect_error(
    arg_axis(0, "attention_axes", nullable = TRUE),
    "a non-zero whole number or a vector of them or `NULL`", fixed = TRUE
  )
})

test_that("arg_axis gives several axes to Python as a tuple", {
  skip_if_no_keras()
  axes <- arg_axis(c(2, 3, -1), "axis")
  expect_s3_class(axes, "python.builtin.tuple")
  expect_identical(reticulate::py_to_r(axes), list(1L, 2L, -1L))
  expect_identical(reticulate::py_to_r(arg_axis(list(1, -2), "axis")), list(0L, -2L))
})

test_that("arg_vocabulary sends tokens as a list and one string as a file path", {
  expect_identical(arg_vocabulary(c("a", "b"), "vocabulary"), list("a", "b"))
  expect_identical(arg_vocabulary(list("a"), "vocabulary"), list("a"))
  expect_identical(arg_vocabulary(c(3, 1), "vocabulary"), list(3L, 1L))
  expect_identical(arg_vocabulary(list(3, 1L), "vocabulary"), list(3L, 1L))
  expect_null(arg_vocabulary(NULL, "vocabulary", nullable = TRUE))
  path <- tempfile(fileext = ".txt")
  writeLines(c("a", "b"), path)
  on.exit(unlink(path))
  expect_identical(arg_vocabulary(path, "vocabulary"), path)
  expect_error(arg_vocabulary("a", "vocabulary"), "`vocabulary` must be a character vector", fixed = TRUE, class = "rkeras_arg_error")
  expect_error(arg_vocabulary("a", "vocabulary"), 'a vocabulary of one token is `list("a")`', fixed = TRUE)
  expect_error(arg_vocabulary(tempdir(), "vocabulary"), "no such file", fixed = TRUE)
  expect_error(arg_vocabulary(list("a", 1), "vocabulary"), "not a list of length 2", fixed = TRUE)
  expect_error(arg_vocabulary(c("a", NA), "vocabulary"), "not a character vector of length 2", fixed = TRUE)
  expect_error(arg_vocabulary(c(1, 1.5), "vocabulary"), "not a double vector of length 2", fixed = TRUE)
  expect_error(arg_vocabulary(character(), "vocabulary"), "not a character vector of length 0", fixed = TRUE)
  expect_error(arg_vocabulary(NULL, "vocabulary"), "not `NULL`", fixed = TRUE)
})

test_that("arg_token takes one string or one whole number", {
  expect_identical(arg_token("[MASK]", "mask_token"), "[MASK]")
  expect_identical(arg_token(0, "mask_value"), 0L)
  expect_null(arg_token(NULL, "mask_token", nullable = TRUE))
  expect_error(arg_token(NA, "mask_token"), "`mask_token` must be a single string or a whole number, not `NA`.", fixed = TRUE)
  expect_error(arg_token(1.5, "mask_token"), "not the number 1.5", fixed = TRUE)
  expect_error(arg_token(c("a", "b"), "mask_token"), "not a character vector of length 2", fixed = TRUE)
})

test_that("arg_choice_or_function takes a listed name or a function", {
  choices <- c("lower", "strip_punctuation")
  expect_identical(arg_choice_or_function("lower", "standardize", choices), "lower")
  f <- function(x) x
  expect_identical(arg_choice_or_function(f, "standardize", choices), f)
  expect_null(arg_choice_or_function(NULL, "standardize", choices, nullable = TRUE))
  expect_error(
    arg_choice_or_function("upper", "standardize", choices),
    '`standardize` must be one of "lower", "strip_punctuation", an R function or a Python callable, not the string "upper".',
    fixed = TRUE, class = "rkeras_arg_error"
  )
  expect_error(arg_choice_or_function(NA, "split", choices), "not `NA`", fixed = TRUE)
})
