"""`mock-server`: placeholder. It says so instead of pretending to serve."""

import sys


def main(argv: list[str] | None = None) -> int:
    print("mock-server: the mock server is not built yet (see the mock server issue); nothing is served.", file=sys.stderr)
    return 3


if __name__ == "__main__":
    raise SystemExit(main())
