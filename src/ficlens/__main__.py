"""`python -m ficlens ...` is the `ficlens` command."""

from ficlens.cli import main

main()
