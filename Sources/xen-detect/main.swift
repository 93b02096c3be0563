#if canImport(Glibc)
import Glibc
#endif
import XenSystem

// Routing (Route.swift): a plain drop-in run never gets here, the early entry has run it
// (EarlyEntry.swift); the drop-in with --json or --source, and when the early entry could not
// decide, does.
switch Route(first: ProcessArguments.first, count: ProcessArguments.count) {
case .version:
    print(VersionCommand.line)  // as `xen-detect version`; Xen's tool has no --version
    exit(ExitStatus.success.rawValue)
case .generator, .toolkit:
    Toolkit.runSubcommand(ProcessArguments.words)
case .unknownSubcommand(let word):
    Toolkit.unknownSubcommand(word)
case .dropIn:
    DropIn.run()
}
