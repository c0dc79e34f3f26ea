# The classes R defines, shared by Layer() (layer-custom.R) and Callback()
# (callback-custom.R): checking a definition, the class's members, its
# parent (`inherit`), and the methods as Python calls them, with `self`,
# `super` and each instance's `private` environment.

# The checks every R-defined class shares (Layer(), Callback()): a Python
# class name and an environment for the methods. Returns the class name.
check_class_definition <- function(classname, parent_env, caller) {
  if (!is.environment(parent_env)) {
    abort_arg("parent_env", "an environment", parent_env, call = caller)
  }
  classname <- arg_string(classname, "classname", call = caller)
  if (!is_python_name(classname)) {
    cli::cli_abort(
      "{.arg classname} must be a valid Python class name (letters, digits and {.code _}, not starting with a digit), not {describe_value(classname)}.",
      call = caller, class = "rkeras_arg_error"
    )
  }
  classname
}

# Every member of the class: the methods given as named arguments
# (`call`, `on_epoch_end`, ...; each checked as a method), then those in
# `...` and `public`, each name given once.
class_members <- function(named, dots, public, caller) {
  for (name in names(named)) {
    check_method(named[[name]], name, caller)
  }
  if (!is.list(public) || is.object(public)) {
    abort_arg("public", "a named list of methods and class attributes", public, call = caller)
  }
  members <- c(Filter(Negate(is.null), named), dots, public)
  spelt <- names(members) %||% rep("", length(members))
  if (!all(nzchar(spelt))) {
    cli::cli_abort(
      "Every argument in {.arg ...} and {.arg public} must be named: a method or class attribute name.",
      call = caller, class = "rkeras_arg_error"
    )
  }
  if (anyDuplicated(spelt)) {
    dup <- spelt[anyDuplicated(spelt)]
    cli::cli_abort("{.arg {dup}} is given twice.", call = caller, class = "rkeras_arg_error")
  }
  for (name in spelt) {
    if (is.function(members[[name]])) {
      check_method(members[[name]], name, caller)
    } else {
      check_python_name(name, "...", caller)
    }
  }
  members
}

check_method <- function(method, name, call) {
  if (is.null(method)) {
    return()
  }
  if (!is.function(method) || is.primitive(method)) {
    abort_arg(name, "an R function", method, nullable = TRUE, call = call)
  }
  check_python_name(name, name, call)
  for (formal in setdiff(names(formals(method)), "...")) {
    check_python_name(formal, name, call, what = "argument")
  }
  if (identical(name, "initialize") && "object" %in% names(formals(method))) {
    cli::cli_abort(
      c(
        "{.arg initialize} cannot have an argument called {.arg object}.",
        "i" = "The layer function takes its input as {.arg object}, as every layer function does."
      ),
      call = call, class = "rkeras_arg_error"
    )
  }
}

check_python_name <- function(name, arg, call, what = "name") {
  if (!is_python_name(name)) {
    cli::cli_abort(
      "{.arg {arg}}: {.val {name}} is not a valid Python {what}; use letters, digits and {.code _}, not starting with a digit.",
      call = call, class = "rkeras_arg_error"
    )
  }
}

is_python_name <- function(x) {
  grepl("^[A-Za-z_][A-Za-z0-9_]*$", x)
}

# `private`: a named list, copied into each instance's private environment.
check_private <- function(private, caller) {
  spelt <- names(private) %||% rep("", length(private))
  if (!is.list(private) || is.object(private) || !all(nzchar(spelt)) || anyDuplicated(spelt)) {
    abort_arg("private", "a list of uniquely named values", private, call = caller)
  }
  private
}

# `inherit`: NULL (Keras's base class), a function that Layer() or
# Callback() made (an R-defined class), a generated wrapper such as
# layer_dense() or callback_early_stopping() (its Keras class), or a Keras
# class itself. Returns NULL, the parent's definition or the class's path.
check_inherit <- function(inherit, kind, caller) {
  if (is.null(inherit)) {
    return(NULL)
  }
  expected <- sprintf(
    "`NULL`, a function made by `%s()`, an rkeras %s function or a Keras %s class",
    if (kind == "layer") "Layer" else "Callback", kind, kind
  )
  if (inherits(inherit, "python.builtin.type")) {
    # Checked now (Python is running, since it made the class), so that a
    # bad definition never reaches the registry load_model() defines from.
    keras <- keras_module()
    root <- if (kind == "layer") keras$layers$Layer else keras$callbacks$Callback
    if (!isTRUE(reticulate::import_builtins()$issubclass(inherit, root))) {
      abort_arg("inherit", expected, inherit, call = caller)
    }
    return(inherit)
  }
  if (!is.function(inherit) || is.primitive(inherit)) {
    abort_arg("inherit", expected, inherit, call = caller)
  }
  parent <- environment(inherit)$definition
  if (is_class_definition(parent) && identical(parent$kind, kind)) {
    return(parent)
  }
  # A generated wrapper is one call of compose_layer() or new_keras_object()
  # with the class's dotted path first.
  body <- body(inherit)
  if (is.call(body) && identical(body[[1]], as.name("{"))) body <- body[[length(body)]]
  builders <- if (kind == "layer") "compose_layer" else "new_keras_object"
  if (is.call(body) && is.name(body[[1]]) && as.character(body[[1]]) %in% builders &&
    length(body) >= 2L && is.character(body[[2]])) {
    return(body[[2]])
  }
  abort_arg("inherit", expected, inherit, call = caller)
}

# What Layer() and Callback() know of a class until Python makes it, in the
# registry `class_definitions` under a key the Python class carries as
# `_rkeras_definition` (which subclasses inherit until they set their own).
# load_model() defines every layer class in it, so a saved model finds its
# class. A class defined again under the same name replaces the older one.
new_class_definition <- function(kind, classname, methods, fields, parent_env, private, parent) {
  definition <- new.env(parent = emptyenv())
  definition$kind <- kind
  definition$key <- paste0(kind, ":", classname)
  definition$classname <- classname
  definition$methods <- methods
  definition$fields <- c(fields, list(`_rkeras_definition` = definition$key))
  definition$parent_env <- parent_env
  definition$parent <- parent
  # An R-defined parent's `private` comes first; the class's own replaces it.
  definition$private <- if (is_class_definition(parent)) utils::modifyList(parent$private, private) else private
  assign(definition$key, definition, envir = class_definitions)
  definition
}

class_definitions <- new.env(parent = emptyenv())

# A definition new_class_definition() made, as opposed to a Python class (a
# reticulate object may be an environment too) or a class path.
is_class_definition <- function(x) {
  is.environment(x) && !inherits(x, "python.builtin.object")
}

# The Python class a definition extends (NULL: Keras's base class).
base_class <- function(definition, call) {
  parent <- definition$parent
  if (is.null(parent) || inherits(parent, "python.builtin.type")) {
    return(parent)
  }
  if (is.character(parent)) {
    return(py_class(parent))
  }
  if (parent$kind == "layer") py_class(custom_layer_path(parent, call)) else custom_callback_class(parent, call)
}

# The bundled module rkeras_custom.py, imported on first use.
custom_module <- function() {
  the$custom %||% {
    keras_module()
    the$custom <- import_bundled("rkeras_custom")
    the$custom
  }
}

# An R method as Python calls it: the layer and the super proxy first, bound
# to `self`, `super` and `private` in a fresh environment, a child of the
# class's `parent_env` (as in keras3: the method sees the variables there).
# `private` is looked up only when a method uses it.
bind_method <- function(method, definition) {
  force(method)
  parent_env <- definition$parent_env
  function(.rkeras_self, .rkeras_super, ...) {
    env <- new.env(parent = parent_env)
    env$self <- .rkeras_self
    env$super <- .rkeras_super
    delayedAssign("private", private_env(.rkeras_self), assign.env = env)
    environment(method) <- env
    method(...)
  }
}

# The formals as Python's signature needs them: name, kind, whether it has
# a default, and the default itself where it is a constant (NULL, TRUE, a
# number or a string), which Python may then pass as R would have used it.
method_params <- function(method) {
  formals <- formals(method)
  lapply(names(formals), function(name) {
    if (name == "...") {
      return(list(name, "dots", FALSE, NULL, FALSE))
    }
    if (identical(formals[[name]], quote(expr = ))) {
      return(list(name, "positional", FALSE, NULL, FALSE))
    }
    default <- formals[[name]]
    constant <- is.null(default) || is.atomic(default) && length(default) == 1L
    list(name, "positional", TRUE, if (constant) default, constant)
  })
}

# The instance's own `private` environment, made on first use from the
# `private` list of the instance's own class (which holds its R-defined
# parents' too, so a method a parent defined seeds it the same way). Its
# functions see `self` and `private` as methods do; `self` there is reached
# through a Python weak reference, so that the registry never keeps an
# instance alive. Environments of collected instances are dropped here.
private_env <- function(instance) {
  module <- custom_module()
  id <- module$private_id(instance)
  found <- the$private_envs[[id]]
  if (!is.null(found)) {
    return(found)
  }
  definition <- class_definitions[[instance$`_rkeras_definition`]]
  collected <- intersect(as.character(unlist(module$collected_private_ids())), ls(the$private_envs))
  rm(list = collected, envir = the$private_envs)
  private <- new.env(parent = emptyenv())
  scope <- new.env(parent = definition$parent_env)
  makeActiveBinding("self", weak_getter(reticulate::import("weakref")$ref(instance)), scope)
  scope$private <- private
  for (name in names(definition$private)) {
    value <- definition$private[[name]]
    if (is.function(value) && !is.primitive(value)) environment(value) <- scope
    assign(name, value, envir = private)
  }
  assign(id, private, envir = the$private_envs)
  private
}

# A function that returns what the Python weak reference `ref` refers to,
# made here so that it closes over nothing else (no frame holding the
# instance itself).
weak_getter <- function(ref) {
  force(ref)
  function() ref()
}
