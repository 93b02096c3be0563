#if canImport(Glibc)
import Glibc
#endif
import XenSystem

/// Exit statuses. 0 and 1 keep the meaning Xen's xen-detect gives them (tools/misc/xen-detect.c:
/// 1 = the context was not the one -P/-H/-N expected, or a bad option); every other failure has
/// its own status, documented in the README's table (sysexits.h numbering).
enum ExitStatus: Int32 {
    case success = 0
    case mismatch = 1
    case usage = 64        // EX_USAGE: bad arguments
    case badInput = 65     // EX_DATAERR: garbled dump, bad hex, short buffer
    case missing = 66      // EX_NOINPUT: file or device does not exist
    case unavailable = 69  // EX_UNAVAILABLE: not on Xen, or not in a context that can do it
    case system = 71       // EX_OSERR: a system call failed
    case permission = 77   // EX_NOPERM: not root, EACCES/EPERM
    case refused = 78      // refused on purpose: changes hypervisor state, or unsafe here
    case hypercallFailed = 3  // the hypercall was issued and Xen returned an error

    init(_ kind: FailureKind) {
        switch kind {
        case .usage: self = .usage
        case .badInput: self = .badInput
        case .missing: self = .missing
        case .unavailable: self = .unavailable
        case .permission: self = .permission
        case .system: self = .system
        case .refused: self = .refused
        }
    }
}

/// Writes one line to stderr, prefixed with the tool's name.
func printError(_ message: String) {
    StandardError.write("xen-detect: \(message)\n")
}

/// Prints a failure as one line on stderr and exits with the status its kind names.
func fail(_ error: any Error) -> Never {
    if let classified = error as? any ClassifiedError {
        printError(classified.description)
        exit(ExitStatus(classified.kind).rawValue)
    }
    printError("\(error)")
    exit(ExitStatus.system.rawValue)
}
