"""``python -m govie`` is the ``govie`` command."""
import sys

from govie.cli import main

if __name__ == "__main__":
    sys.exit(main())
