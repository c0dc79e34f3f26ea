# R's arithmetic, comparison, logic and math functions on Keras tensors, so
# that R functions work on the tensors Keras hands them: an activation such
# as `function(x) x * 2`, a Lambda layer's function, the call() of a layer
# made with Layer(). Each is the keras.ops function of the same meaning, so
# it works on eager and symbolic tensors of every backend.
#
# The methods are registered on the tensor classes of Keras and its backends
# (as as.array() and dim() are, conversions.R), never on
# python.builtin.object. One function object serves every class: R's group
# dispatch warns and falls back to the internal operator when the two
# operands' methods are not identical, as for a TensorFlow tensor times a
# Keras variable.

ops_functions <- c(
  "+" = "add", "-" = "subtract", "*" = "multiply", "/" = "divide", "^" = "power",
  "%%" = "mod", "%/%" = "floor_divide",
  "==" = "equal", "!=" = "not_equal", "<" = "less", ">" = "greater",
  "<=" = "less_equal", ">=" = "greater_equal",
  "&" = "logical_and", "|" = "logical_or"
)

math_functions <- c(
  abs = "abs", sign = "sign", sqrt = "sqrt", exp = "exp", expm1 = "expm1",
  log1p = "log1p", log2 = "log2", log10 = "log10",
  floor = "floor", ceiling = "ceil", trunc = "trunc",
  cos = "cos", sin = "sin", tan = "tan", acos = "arccos", asin = "arcsin", atan = "arctan",
  cosh = "cosh", sinh = "sinh", tanh = "tanh",
  acosh = "arccosh", asinh = "arcsinh", atanh = "arctanh",
  cumsum = "cumsum", cumprod = "cumprod"
)

tensor_ops <- function(e1, e2) {
  call <- rlang::current_env()
  ops <- keras_module()$ops
  if (missing(e2)) {
    return(switch(.Generic,
      "+" = e1,
      "-" = with_python_errors(ops$negative(e1), call),
      "!" = with_python_errors(ops$logical_not(e1), call),
      cli::cli_abort("{.code {.Generic}} needs two operands.", call = call, class = "rkeras_arg_error")
    ))
  }
  # An R value takes the tensor's dtype, so `x * 2` stays float32 and `i + 1`
  # stays int32 rather than widening to R's double; only a fractional number
  # with an integer tensor is left to Keras's type promotion (to float).
  if (!is_python_object(e1)) {
    e1 <- as_operand(e1, e2, "e1", call)
  } else if (!is_python_object(e2)) {
    e2 <- as_operand(e2, e1, "e2", call)
  }
  with_python_errors(ops[[ops_functions[[.Generic]]]](e1, e2), call)
}

as_operand <- function(value, tensor, arg, call) {
  if (!(is.numeric(value) || is.logical(value)) || !length(value)) {
    abort_arg(arg, "a tensor, or a number, logical or array to combine with one", value, call = call)
  }
  dtype <- keras_module()$backend$standardize_dtype(reticulate::py_get_attr(tensor, "dtype"))
  fractional <- is.double(value) && any(value != trunc(value), na.rm = TRUE)
  if (fractional && !grepl("float", dtype)) {
    return(value)
  }
  with_python_errors(keras_module()$ops$convert_to_tensor(value, dtype = dtype), call)
}

tensor_math <- function(x, ...) {
  call <- rlang::current_env()
  ops <- keras_module()$ops
  if (.Generic == "log") {
    base <- list(...)$base
    out <- with_python_errors(ops$log(x), call)
    return(if (is.null(base)) out else out / log(base))
  }
  if (.Generic == "round") {
    digits <- list(...)$digits %||% 0
    return(with_python_errors(ops$round(x, decimals = arg_integer(digits, "digits", call = call)), call))
  }
  name <- math_functions[.Generic]
  if (is.na(name)) {
    cli::cli_abort(
      c(
        "{.fn {(.Generic)}} is not available for Keras tensors.",
        "i" = "Use the {.code keras.ops} function of the same meaning."
      ),
      call = call, class = "rkeras_arg_error"
    )
  }
  with_python_errors(ops[[name]](x), call)
}

#' @export
Ops.tensorflow.python.types.core.Tensor <- tensor_ops

#' @export
Ops.keras.src.backend.common.keras_tensor.KerasTensor <- tensor_ops

#' @export
Ops.keras.src.backend.common.variables.Variable <- tensor_ops

#' @export
Ops.jax.Array <- tensor_ops

#' @export
Ops.torch.Tensor <- tensor_ops

#' @export
Math.tensorflow.python.types.core.Tensor <- tensor_math

#' @export
Math.keras.src.backend.common.keras_tensor.KerasTensor <- tensor_math

#' @export
Math.keras.src.backend.common.variables.Variable <- tensor_math

#' @export
Math.jax.Array <- tensor_math

#' @export
Math.torch.Tensor <- tensor_math
