// Routing: a known subcommand goes to the toolkit's parser; anything else is the drop-in
// for Xen's xen-detect (same flags, lines and exit codes). The drop-in path never touches
// ArgumentParser, so the default run stays as lean as the C tool.
let arguments = Array(CommandLine.arguments.dropFirst())
if let first = arguments.first, !first.hasPrefix("-"), Toolkit.subcommandNames.contains(first) {
    Toolkit.runSubcommand(arguments)
}
DropIn.run(arguments)
