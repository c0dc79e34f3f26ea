# Errors an R user can act on: one cli message that names the argument, what
# was expected and what was received, never a Python traceback.

abort_arg <- function(arg, expected, x, nullable = FALSE, call) {
  if (nullable) {
    expected <- paste(expected, "or `NULL`")
  }
  received <- describe_value(x)
  cli::cli_abort(
    "{.arg {arg}} must be {expected}, not {received}.",
    call = call,
    class = "rkeras_arg_error"
  )
}

describe_value <- function(x) {
  if (is.null(x)) {
    return("`NULL`")
  }
  if (inherits(x, "python.builtin.object")) {
    return(sprintf("a Python object of class <%s>", class(x)[[1]]))
  }
  if (is.atomic(x) && length(x) == 1L) {
    if (is.na(x)) {
      return("`NA`")
    }
    return(switch(typeof(x),
      logical = sprintf("`%s`", x),
      character = sprintf('the string "%s"', x),
      double = ,
      integer = sprintf("the number %s", format(x)),
      sprintf("a %s", typeof(x))
    ))
  }
  if (is.atomic(x) && !is.null(dim(x))) {
    kind <- if (length(dim(x)) == 2L) "matrix" else "array"
    return(sprintf("a %s %s of dimensions %s", typeof(x), kind, paste(dim(x), collapse = " x ")))
  }
  if (is.atomic(x)) {
    return(sprintf("a %s vector of length %d", typeof(x), length(x)))
  }
  if (is.function(x)) {
    return("a function")
  }
  if (is.list(x)) {
    return(sprintf("a list of length %d", length(x)))
  }
  sprintf("an object of class <%s>", class(x)[[1]])
}

# Run `expr`, turning a Python exception into one classed R error raised
# from `call`: the one error path from Python to an R user. Keras's own
# messages already name the argument; we keep them and drop the traceback.
# `input` names the wrapper argument that carried the layer's inputs, for
# errors raised while the layer was called on them.
#
# A calling handler rather than tryCatch(): it costs a third as much on every
# wrapper call, and an R error (not from Python) simply goes on unchanged.
with_python_errors <- function(expr, call, input = "object") {
  withCallingHandlers(expr, error = function(e) {
    py_error <- python_error(e)
    if (!is.null(py_error)) {
      abort_python_error(py_error, call, input)
    }
  })
}

abort_python_error <- function(py_error, call, input = "object") {
  # rkeras_compose.py re-raises a failed layer call as LayerCallError, with
  # the original type at the start of the message.
  context <- NULL
  if (py_error$type == "LayerCallError") {
    py_error <- python_error_parts(sub(":.*$", "", py_error$value), sub("^[^:]*: ", "", py_error$value))
    context <- c("i" = "The layer could not be called on {.arg {input}}.")
  }
  cli::cli_abort(
    c("{py_error$value}", context, "i" = "Raised in Python as {.cls {py_error$type}}."),
    call = call,
    class = c(paste0("rkeras_python_", py_error$type), "rkeras_python_error")
  )
}

# reticulate 1.28 signals a Python exception as an Rcpp::exception whose
# message is "Type: value"; newer versions give conditions of class
# python.builtin.<Type> and keep the details in py_last_error().
python_error <- function(e) {
  if (inherits(e, "python.builtin.BaseException")) {
    last <- reticulate::py_last_error()
    return(python_error_parts(last$type, last$value))
  }
  if (!inherits(e, "Rcpp::exception")) {
    return(NULL)
  }
  found <- regmatches(
    conditionMessage(e),
    regexec("^([A-Za-z_][A-Za-z0-9_.]*): (.*)$", conditionMessage(e))
  )[[1]]
  if (length(found) != 3L) {
    return(NULL)
  }
  python_error_parts(found[[2]], found[[3]])
}

# Keras styles some messages with terminal escapes, wraps call errors in an
# "Exception encountered when calling ..." header and appends a dump of the
# call's arguments ("Arguments received by ..."), and reticulate 1.28 gives
# the exception's full dotted class; an R user needs none of them.
python_error_parts <- function(type, value) {
  value <- sub("\n+Detailed traceback:.*$", "", value)
  value <- sub("\\s*Arguments received by [^\n]*:.*$", "", value)
  value <- sub("^\\s*Exception encountered when calling [^\n]*\n+", "", value)
  type <- sub(".*\\.", "", gsub("^<class |[<>'\"]", "", type))
  list(type = type, value = trimws(cli::ansi_strip(value)))
}
