.onLoad <- function(libname, pkgname) {
  # TensorFlow's C++ start-up chatter is noise to an R user; respect a choice
  # the user already made.
  if (!nzchar(Sys.getenv("TF_CPP_MIN_LOG_LEVEL"))) {
    Sys.setenv(TF_CPP_MIN_LOG_LEVEL = "2")
  }
  # py_require() arrived in reticulate 1.41; older versions find Python
  # through RETICULATE_PYTHON or install_rkeras().
  py_require <- get0("py_require", envir = asNamespace("reticulate"), inherits = FALSE)
  if (is.function(py_require) && !nzchar(Sys.getenv("RETICULATE_PYTHON"))) {
    py_require(python_requirements())
  }
}

python_requirements <- function() {
  c("keras>=3.0", "tensorflow-cpu", "numpy<2", "ml-dtypes<0.6")
}

#' Install Python, Keras and TensorFlow for rkeras
#'
#' Creates a virtualenv with the pinned Python stack that rkeras is tested
#' with. Restart R afterwards, and point reticulate at it with
#' `RETICULATE_PYTHON` or [reticulate::use_virtualenv()].
#'
#' @param envname Name of, or path to, the virtualenv to create.
#' @param python The Python to build it on; `NULL` lets reticulate choose.
#' @param packages The Python packages to install.
#' @returns The path of the virtualenv's Python, invisibly.
#' @export
#' @examples
#' # TRUE when Python with keras is ready; if FALSE, run install_rkeras().
#' is_keras_available()
#' \dontrun{
#' install_rkeras()
#' }
install_rkeras <- function(envname = "r-rkeras", python = NULL,
                           packages = c(
                             "keras==3.15.1", "tensorflow-cpu==2.21.0",
                             "numpy<2", "ml-dtypes<0.6"
                           )) {
  if (!rlang::is_string(envname) || !nzchar(envname)) {
    cli::cli_abort("{.arg envname} must be a single non-empty string, not {.obj_type_friendly {envname}}.")
  }
  python_bin <- reticulate::virtualenv_create(envname, python = python)
  reticulate::virtualenv_install(envname, packages = packages, ignore_installed = FALSE)
  cli::cli_inform(c(
    "v" = "Installed {.pkg keras} into virtualenv {.path {envname}}.",
    "i" = "Restart R and set {.code Sys.setenv(RETICULATE_PYTHON = \"{python_bin}\")} before {.code library(rkeras)}."
  ))
  invisible(python_bin)
}
