"""``python -m radcourse.data verify`` checks every shipped dataset against its manifest."""

import argparse
import sys

from radcourse.data import DatasetError, datasets_dir, verify_datasets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m radcourse.data")
    parser.add_argument("command", choices=["verify"], help="verify: check files against manifest")
    parser.parse_args(argv)
    try:
        verify_datasets()
    except DatasetError as exc:
        print(f"radcourse datasets: {exc}", file=sys.stderr)
        return 1
    print(f"radcourse datasets: all files in {datasets_dir()} match manifest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
