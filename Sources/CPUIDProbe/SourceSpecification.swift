import XenSystem

/// A `--source` argument: `native`, `pv`, `devcpu[:N]` or `dump:FILE`.
public enum SourceSpecification: Equatable, Sendable {
    /// `native`: the CPUID instruction (`NativeCPUID`); the only live source.
    case native
    /// `pv`: CPUID behind Xen's forced-emulation prefix (`ForcedEmulationCPUID`).
    case pv
    /// `devcpu[:N]`: Linux's /dev/cpu/N/cpuid (`DevCPUSource`); N is 0 when omitted.
    case devcpu(cpu: Int)
    /// `dump:FILE`: a recorded `cpuid -r` dump (`CPUIDDump`), its first CPU with leaves.
    case dump(path: String)

    /// A `--source` value that names no source.
    public struct ParseError: ClassifiedError {
        /// The argument as given.
        public let text: String
        /// `.usage`: the command line is wrong.
        public var kind: FailureKind { .usage }
        /// The rejected text and the accepted forms, on one line.
        public var description: String {
            "invalid source '\(text)': expected native, pv, devcpu[:N] or dump:FILE"
        }
    }

    /// Parses a `--source` value; N of `devcpu:N` must be a decimal in 0 ..< 2^20, FILE non-empty.
    public init(parsing text: String) throws(ParseError) {
        switch text {
        case "native": self = .native
        case "pv": self = .pv
        case "devcpu": self = .devcpu(cpu: 0)
        default:
            if text.hasPrefix("devcpu:"), let n = Int(text.dropFirst(7)), n >= 0, n < 1 << 20 {
                self = .devcpu(cpu: n)
            } else if text.hasPrefix("dump:"), text.count > 5 {
                self = .dump(path: String(text.dropFirst(5)))
            } else {
                throw ParseError(text: text)
            }
        }
    }

    /// True when the report may read the host (sysfs, /proc/xen, the forced-emulation probe).
    public var isLive: Bool { self == .native }

    /// Opens the source.
    public func open(system: any SystemCalls) throws(CPUIDSourceError) -> any CPUIDSource {
        switch self {
        case .native: return NativeCPUID()
        case .pv: return ForcedEmulationCPUID()
        case .devcpu(let cpu): return try DevCPUSource(cpu: cpu, system: system)
        case .dump(let path):
            let bytes: [UInt8]
            do {
                bytes = try system.readWholeFile(path, limit: CPUIDDump.maximumBytes)
            } catch {
                throw .device(error)
            }
            let dump: CPUIDDump
            do {
                dump = try CPUIDDump(parsing: String(decoding: bytes, as: UTF8.self))
            } catch {
                throw .dump(error)
            }
            // CPUIDDump guarantees at least one CPU with leaves.
            return dump.source(name: "dump:\(path)") ?? TableCPUID(name: "dump:\(path)", entries: [:])
        }
    }
}
