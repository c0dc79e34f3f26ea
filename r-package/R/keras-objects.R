# The bodies behind generated wrappers of Keras objects other than layers
# (optimizers, losses, metrics, callbacks, schedules, initializers,
# regularizers, constraints, activations). A spec's `kind` picks one
# (codegen/kinds.py):
#
#   new_keras_object()       builds the object: optimizer_adam(), callback_*(), ...
#   call_keras_function()    computes values: activation_relu(x), metric_huber(y_true, y_pred),
#                            random_normal(shape)
#   keras_object_or_values() either, as keras3's losses and metrics do: without
#                            `y_true` and `y_pred` the object for compile(),
#                            with them the values computed on them
#
# Their own formals start with a dot: R matches a name partially to the
# formals before `...`, and a wrapper's argument (`k` of a top-k metric) must
# never land in one; Keras's keywords never start with a dot.
#
# As with compose_layer(), the wrapper passes each argument through its
# declared coercion, and only the arguments the caller supplied are coerced
# and sent: Keras's defaults apply to the rest. Named entries of the
# wrapper's `...` are passed on as keyword arguments, for forward compatibility.

new_keras_object <- function(.py_class, ...) {
  frame <- parent.frame()
  args <- supplied_object_args(.py_class, sys.function(-1L), sys.call(-1L), frame, parent.frame(2L), ...)
  with_python_errors(compose_functions()$compose(.py_class, args), frame)
}

# `.zero_indexed` is keras3's R-side option of random_categorical() (the
# `r_side_arguments` of its kind): Keras returns indices counting from 0,
# which become R's, counting from 1, unless it is TRUE.
call_keras_function <- function(.py_function, ..., .zero_indexed = TRUE) {
  frame <- parent.frame()
  args <- supplied_object_args(.py_function, sys.function(-1L), sys.call(-1L), frame, parent.frame(2L), ...)
  result <- with_python_errors(compose_functions()$compose(.py_function, args), frame)
  if (isTRUE(.zero_indexed)) result else keras_module()$ops$add(result, 1L)
}

# What losses and metrics compute on (`value_formals` of their kinds in codegen/kinds.py).
loss_value_formals <- c("y_true", "y_pred")

# `.function_args`: the arguments the function takes; `.function_only`: those
# of them the class does not take.
keras_object_or_values <- function(.py_class, .py_function, .function_args, .function_only, ...) {
  frame <- parent.frame()
  value_names <- loss_value_formals
  args <- supplied_object_args(.py_class, sys.function(-1L), sys.call(-1L), frame, parent.frame(2L), ...,
    .optional = value_names)
  if (!any(value_names %in% names(args))) {
    values_only <- intersect(names(args), .function_only)
    if (length(values_only)) {
      cli::cli_abort(
        c(
          "{.arg {values_only}} applies only to the values computed on {.arg {value_names}}.",
          "i" = "Give {.arg {value_names}} too, or leave {.arg {values_only}} out to get the object."
        ),
        call = frame, class = "rkeras_arg_error"
      )
    }
    return(with_python_errors(compose_functions()$compose(.py_class, args), frame))
  }
  absent <- setdiff(value_names, names(args))
  if (length(absent)) {
    wrapper <- wrapper_name(sys.call(-1L))
    cli::cli_abort(
      c(
        "{.arg {absent}} is missing: {.fn {wrapper}} computes on {.arg {value_names}} together.",
        "i" = "Give both to compute the values, or neither to get the object for {.fn compile}."
      ),
      call = frame, class = "rkeras_arg_error"
    )
  }
  object_only <- setdiff(names(args), c(value_names, .function_args))
  if (length(object_only)) {
    cli::cli_abort(
      c(
        "{.arg {object_only}} configure{?s/} the object, not the values computed on {.arg {value_names}}.",
        "i" = "Leave out {.arg {value_names}} to get the object, for {.fn compile}."
      ),
      call = frame, class = "rkeras_arg_error"
    )
  }
  # The function gets every argument it takes: some Keras functions have no
  # default where the class has one (`q` of the generalized cross-entropy),
  # and the wrapper's defaults are Keras's (codegen drift).
  for (i in which(...names() %in% setdiff(.function_args, names(args)))) {
    args[...names()[[i]]] <- list(...elt(i))
  }
  with_python_errors(compose_functions()$compose(.py_function, args), frame)
}

# The coerced arguments the caller supplied, by name, then the named entries
# of the wrapper's `...`. `.key` caches the wrapper's formals (one per Python
# path); `.optional` names formals without a default that may be missing.
supplied_object_args <- function(.key, .wrapper, .wrapper_call, .frame, .caller, ..., .optional = NULL) {
  frame <- .frame
  given <- given_arguments(.wrapper, .wrapper_call, .frame, .caller, list(composes = FALSE, optional = .optional), .key)
  args <- list()
  for (i in which(...names() %in% given$supplied)) {
    args[...names()[[i]]] <- list(...elt(i))
  }
  dots <- eval(quote(list(...)), frame)
  if (length(dots)) {
    unnamed <- which(!nzchar(names(dots) %||% rep("", length(dots))))
    if (length(unnamed)) {
      cli::cli_abort(
        c(
          "Every argument in {.arg ...} must be named.",
          "x" = "Argument {unnamed[[1]]} of {.arg ...} is unnamed: {describe_value(dots[[unnamed[[1]]]])}."
        ),
        call = frame, class = "rkeras_arg_error"
      )
    }
    args <- c(args, dots)
  }
  args
}

# An rkeras function made from a Keras function (activation_relu(),
# loss_binary_crossentropy(), metric_huber()) stands for that Keras function
# wherever a function is taken, so a model that uses it saves and loads by
# name. Any other value is returned as it is.
as_keras_function <- function(x) {
  path <- if (is.function(x)) attr(x, "py_function", exact = TRUE)
  if (is.null(path)) x else py_class(path)
}
