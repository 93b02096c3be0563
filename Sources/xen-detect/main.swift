// Routing: a known subcommand goes to the toolkit's parser; anything else is the drop-in
// for Xen's xen-detect (same flags, lines and exit codes).
let arguments = Array(CommandLine.arguments.dropFirst())
if let first = arguments.first, Toolkit.subcommandNames.contains(first) {
    Toolkit.runSubcommand(arguments)
}
DropIn.run(arguments)
