"""Generate the R layer wrappers of rkeras from typed YAML specs.

The pipeline runs load -> model -> view -> render -> write; each stage lives in
its own module and the CLI (``codegen.cli``) only wires them together.
"""
