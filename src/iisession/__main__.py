"""``python -m iisession``."""

import sys

from .cli import main

# The guard matters: the first index build reads files in worker processes,
# which import this module again under another name.
if __name__ == "__main__":
    sys.exit(main())
