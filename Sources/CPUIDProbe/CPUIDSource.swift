import Rendering
import XenSystem

/// Where CPUID values come from: the instruction, Linux's /dev/cpu/N/cpuid, a recorded dump, a table.
/// Everything that decodes CPUID reads through this, so tests drive it with recorded data.
public protocol CPUIDSource {
    /// A short name for reports ("native", "pv", "devcpu:0", "dump:FILE", "table").
    var name: String { get }
    func cpuid(leaf: UInt32, subleaf: UInt32) throws(CPUIDSourceError) -> CPUIDRegisters
}

/// Why a CPUID source could not answer.
public enum CPUIDSourceError: ClassifiedError, Equatable {
    /// The forced-emulation prefix faulted: this is not a Xen PV guest.
    case notPVContext
    /// A system call on the device failed.
    case device(SystemError)
    /// The device answered with fewer than 16 bytes.
    case shortRead(path: String, leaf: UInt32, subleaf: UInt32, bytes: Int)
    /// A recorded dump could not be parsed.
    case dump(CPUIDDumpError)

    public var kind: FailureKind {
        switch self {
        case .notPVContext: return .unavailable
        case .device(let e): return e.kind
        case .shortRead: return .system
        case .dump: return .badInput
        }
    }

    public var description: String {
        switch self {
        case .notPVContext:
            return "forced-emulation CPUID faulted: not running in a Xen PV context"
        case .device(let e):
            return e.description
        case .shortRead(let path, let leaf, let subleaf, let bytes):
            return "\(path): short read of leaf \(hex32(leaf)) subleaf \(hex32(subleaf)) (\(bytes) of 16 bytes)"
        case .dump(let e):
            return e.description
        }
    }
}

/// The CPUID instruction as this process executes it (each execution in a guest is a VM exit).
public struct NativeCPUID: CPUIDSource {
    public init() {}
    public var name: String { "native" }
    public func cpuid(leaf: UInt32, subleaf: UInt32) throws(CPUIDSourceError) -> CPUIDRegisters {
        Processor.cpuid(leaf: leaf, subleaf: subleaf)
    }
}

/// CPUID behind Xen's forced-emulation prefix: in a PV guest Xen answers it with the guest's
/// view (its own leaves included); everywhere else it faults and this source throws `.notPVContext`.
public struct ForcedEmulationCPUID: CPUIDSource {
    public init() {}
    public var name: String { "pv" }
    public func cpuid(leaf: UInt32, subleaf: UInt32) throws(CPUIDSourceError) -> CPUIDRegisters {
        guard let r = Processor.forcedEmulationCPUID(leaf: leaf, subleaf: subleaf) else {
            throw .notPVContext
        }
        return r
    }
}

/// Linux's cpuid driver: /dev/cpu/N/cpuid, 16 bytes at offset `leaf | subleaf << 32`
/// (arch/x86/kernel/cpuid.c). The kernel executes CPUID on CPU N, so in a PV guest it shows
/// what the kernel sees.
public final class DevCPUSource: CPUIDSource {
    public let cpu: Int
    public let path: String
    private let system: any SystemCalls
    private let fd: FileDescriptor

    public init(cpu: Int, system: any SystemCalls) throws(CPUIDSourceError) {
        self.cpu = cpu
        self.path = "/dev/cpu/\(cpu)/cpuid"
        self.system = system
        do {
            self.fd = try system.open(path, .readOnly)
        } catch {
            throw .device(error)
        }
    }

    deinit { system.close(fd) }

    public var name: String { "devcpu:\(cpu)" }

    public func cpuid(leaf: UInt32, subleaf: UInt32) throws(CPUIDSourceError) -> CPUIDRegisters {
        let offset = UInt64(leaf) | UInt64(subleaf) << 32
        let bytes: [UInt8]
        do {
            bytes = try system.pread(fd, count: 16, offset: offset)
        } catch {
            throw .device(SystemError(error.operation, path, error.errno))
        }
        guard bytes.count == 16 else {
            throw .shortRead(path: path, leaf: leaf, subleaf: subleaf, bytes: bytes.count)
        }
        func word(_ i: Int) -> UInt32 {
            UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
        }
        return CPUIDRegisters(eax: word(0), ebx: word(4), ecx: word(8), edx: word(12))
    }
}

/// A fixed table of leaves: recorded dumps and tests. A leaf that is not in the table reads as
/// all zeros, as processors answer leaves beyond a range's maximum on AMD and in hypervisor ranges.
public struct TableCPUID: CPUIDSource {
    public struct Key: Hashable, Sendable {
        public let leaf: UInt32
        public let subleaf: UInt32
        public init(leaf: UInt32, subleaf: UInt32) { self.leaf = leaf; self.subleaf = subleaf }
    }

    public let name: String
    public let entries: [Key: CPUIDRegisters]

    public init(name: String = "table", entries: [Key: CPUIDRegisters]) {
        self.name = name
        self.entries = entries
    }

    public func cpuid(leaf: UInt32, subleaf: UInt32) throws(CPUIDSourceError) -> CPUIDRegisters {
        if let r = entries[Key(leaf: leaf, subleaf: subleaf)] { return r }
        // Leaves without sub-leaves ignore ECX: a dump records them at sub-leaf 0 only.
        if subleaf != 0, !entries.keys.contains(where: { $0.leaf == leaf && $0.subleaf != 0 }),
           let r = entries[Key(leaf: leaf, subleaf: 0)] {
            return r
        }
        return .zero
    }
}

/// Counts executions of the wrapped source: the report says how many CPUIDs (VM exits) it cost.
public final class CountingCPUID: CPUIDSource {
    public let base: any CPUIDSource
    /// CPUID instructions that completed.
    public private(set) var executions = 0
    /// Forced-emulation attempts that faulted (a #UD, not a CPUID, but a trap all the same).
    public private(set) var faults = 0

    public init(_ base: any CPUIDSource) { self.base = base }

    public var name: String { base.name }

    public func cpuid(leaf: UInt32, subleaf: UInt32) throws(CPUIDSourceError) -> CPUIDRegisters {
        do {
            let r = try base.cpuid(leaf: leaf, subleaf: subleaf)
            executions += 1
            return r
        } catch {
            if error == .notPVContext { faults += 1 }
            throw error
        }
    }
}
