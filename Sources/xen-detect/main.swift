#if canImport(Glibc)
import Glibc
#endif

// Routing: a known subcommand (or `help`) goes to the toolkit's parser; a command line that
// starts with an option, or is empty, is the drop-in for Xen's xen-detect (same flags, lines and
// exit codes). The drop-in path never touches ArgumentParser, so the default run stays as lean as
// the C tool. A first word that is neither is an error (64) naming the closest subcommand: the one
// deliberate difference from Xen's tool, whose getopt ignores operands (README, "Drop-in").
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments == ["--version"] {
    print(VersionCommand.line)  // as `xen-detect version`; Xen's tool has no --version
    exit(ExitStatus.success.rawValue)
}
if let first = arguments.first, Toolkit.generatorOptions.contains(first) {
    Toolkit.runSubcommand(arguments)  // the man page and completion scripts come from the toolkit's parser
}
if let first = arguments.first, !first.hasPrefix("-") {
    guard Toolkit.routedWords.contains(first) else { Toolkit.unknownSubcommand(first) }
    Toolkit.runSubcommand(arguments)
}
DropIn.run(arguments)
