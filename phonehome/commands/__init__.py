"""One module per `phonehome` subcommand, each with `register(subparsers)`."""
