"""``python -m contracts.validate``: same as ``contracts validate``."""

from contracts.validate.cli import main

raise SystemExit(main())
