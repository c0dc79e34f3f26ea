#' Layer instances: calling a layer from R
#'
#' Called with no `object`, a layer function such as [layer_attention()]
#' returns the layer itself. It is an R function and the Python layer at once:
#' `layer$name`, `layer$get_config()` and the other Keras attributes work, it
#' can be added to models, and calling it runs the layer.
#'
#' A call checks its arguments the way the layer function does: the call
#' arguments listed on the layer's page are coerced by their declared types,
#' an unknown one is an error that names it, R integer arrays are accepted
#' where the layer takes floats, and a Python error arrives as one message.
#' A layer with several inputs (such as [layer_multi_head_attention()]) takes
#' them as one list or one by one.
#'
#' @name layer-instances
#' @family model functions
#' @returns Calling a layer instance returns its output: a tensor, or an R
#'   list of tensors when the layer returns several (as with
#'   `return_attention_scores = TRUE`).
#' @examplesIf rkeras::is_keras_available()
#' layer <- layer_attention()
#' layer$name
#' query <- array(runif(2 * 3 * 4), c(2, 3, 4))
#' value <- array(runif(2 * 5 * 4), c(2, 5, 4))
#' out <- layer(list(query, value), return_attention_scores = TRUE)
#' dim(as.array(out[[2]]))
#'
#' mha <- layer_multi_head_attention(num_heads = 2, key_dim = 4)
#' dim(as.array(mha(query, value)))
NULL

# Every Keras layer that reaches R, from a wrapper, `model$layers`,
# get_layer() or load_model(), comes through reticulate's documented
# conversion hook for callables, so each is the same kind of R object: a
# function that calls the layer with its call arguments checked, carrying the
# Python object (reticulate adds its class vector and `py_object`), so `$`,
# print() and passing it back to Python work as on any reticulate object.
#
#   layer <- layer_attention()
#   layer(list(query, value), return_attention_scores = TRUE)
#   mha <- layer_multi_head_attention(num_heads = 2, key_dim = 4)
#   mha(query, value)
#' @exportS3Method reticulate::py_to_r_wrapper
py_to_r_wrapper.keras.src.layers.layer.Layer <- function(x) {
  force(x)
  function(object, ...) {
    call_layer_instance(x, object, list(...))
  }
}

call_layer_instance <- function(layer, object, dots, call = rlang::caller_env()) {
  info <- layer_call_info(layer)
  if (missing(object)) {
    cli::cli_abort(
      "{.arg object}, the input{?s} {.arg {info$inputs}} to call the layer on, is missing.",
      call = call, class = "rkeras_arg_error"
    )
  }
  named <- nzchar(names(dots) %||% rep("", length(dots)))
  if (any(!named)) {
    object <- spread_extra_inputs(object, dots[!named], info, call)
  }
  routed <- route_dots(dots[named], info, "object", call, layer_kwargs = list())
  object <- join_inputs(object, routed$inputs, info, "object", call)
  object <- as_layer_input(object, "object", info$input_dtype, call)
  with_python_errors(
    compose_functions()$call_layer(layer, object, routed$call_args, spread_input_names(info)),
    call
  )
}

# How `layer`'s call is checked: its class's entry in the generated
# `layer_calls` table, found by the class path R sees (a subclass finds its
# nearest wrapped ancestor). A layer of a class rkeras does not wrap, such as
# a custom one, takes its input whole and any named call argument as given.
layer_call_info <- function(layer) {
  index <- the$layer_call_index %||% layer_call_index()
  for (class in class(layer)) {
    if (!is.null(index[[class]])) {
      return(index[[class]])
    }
  }
  unwrapped_instance_call
}

# How a layer of a class with no spec is called (a custom one, or a model):
# its input whole, named call arguments as given.
unwrapped_layer_call <- list(inputs = "inputs", call_args = NULL, open_call_args = TRUE)

# Called as an instance, such a layer or model takes R strings too: a model
# may take text (a Layer() wrapper, like every layer function, does not).
unwrapped_instance_call <- c(unwrapped_layer_call, list(input_dtype = "string"))

layer_call_index <- function() {
  paths <- compose_module()$class_paths(as.list(names(layer_calls)))
  the$layer_call_index <- stats::setNames(layer_calls, unlist(paths))
  the$layer_call_index
}

# `mha(query, value)`: as in Keras, a layer with several inputs takes them
# positionally; they join `object` as one list.
spread_extra_inputs <- function(object, extra, info, call) {
  if (length(info$inputs) == 1L && !isTRUE(info$variadic) ||
    is.list(object) && !is_python_object(object)) {
    cli::cli_abort(
      c(
        "Arguments in {.arg ...} must be named.",
        "x" = "Got {length(extra)} unnamed argument{?s} after {.arg object}: {describe_value(extra[[1]])}.",
        "i" = if (length(info$inputs) == 1L) {
          "This layer takes one input, {.arg object}."
        } else {
          "Give the inputs {.arg {info$inputs}} either as one list or one by one, not both."
        }
      ),
      call = call, class = "rkeras_arg_error"
    )
  }
  c(list(object), unname(extra))
}
