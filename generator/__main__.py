"""`python -m generator`: the same as the `callpack` command."""

from .cli import main

main()
