"""`python -m selfcare …` runs the same command line as the `selfcare` script."""

from selfcare.cli import main

if __name__ == "__main__":
    main()
