"""`python -m bot` is `nlsbot`."""

import sys

from bot.cli import main

sys.exit(main())
