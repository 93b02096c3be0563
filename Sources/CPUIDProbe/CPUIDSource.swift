import Rendering
import XenSystem

/// Where CPUID values come from: the instruction, Linux's /dev/cpu/N/cpuid, a recorded dump, a table.
/// Everything that decodes CPUID reads through this, so tests drive it with recorded data.
public protocol CPUIDSource {
    /// A short name for reports ("native", "pv", "devcpu:0", "dump:FILE", "table").
    var name: String { get }
    /// EAX, EBX, ECX, EDX of CPUID with EAX = `leaf` and ECX = `subleaf`, as this source answers it.
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

    /// The failure class (and so the CLI's exit status): a fault is `.unavailable`, a device error
    /// keeps its own kind, a short read is `.system`, a bad dump `.badInput`.
    public var kind: FailureKind {
        switch self {
        case .notPVContext: return .unavailable
        case .device(let e): return e.kind
        case .shortRead: return .system
        case .dump: return .badInput
        }
    }

    /// One line for stderr; a device or dump error prints its own message.
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
    /// The instruction needs no state: any value executes it.
    public init() {}
    /// "native".
    public var name: String { "native" }
    /// Executes CPUID (through CXenShim); never throws.
    public func cpuid(leaf: UInt32, subleaf: UInt32) throws(CPUIDSourceError) -> CPUIDRegisters {
        Processor.cpuid(leaf: leaf, subleaf: subleaf)
    }
}

/// CPUID behind Xen's forced-emulation prefix: in a PV guest Xen answers it with the guest's
/// view (its own leaves included); everywhere else it faults and this source throws `.notPVContext`.
public struct ForcedEmulationCPUID: CPUIDSource {
    /// The probe needs no state: any value executes it.
    public init() {}
    /// "pv".
    public var name: String { "pv" }
    /// Executes XEN_CPUID (public/arch-x86/xen.h: XEN_EMULATE_PREFIX `ud2a; .ascii "xen"`, then
    /// cpuid), recovering from the SIGILL; throws `.notPVContext` when it faults.
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
    /// The logical CPU number N whose device is open.
    public let cpu: Int
    /// "/dev/cpu/N/cpuid", as opened and as named in errors.
    public let path: String
    private let system: any SystemCalls
    private let fd: FileDescriptor

    /// Opens /dev/cpu/`cpu`/cpuid read-only through `system`, kept open until the source goes;
    /// throws `.device` when it cannot be opened (no cpuid driver, no such CPU, not root).
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

    /// "devcpu:N".
    public var name: String { "devcpu:\(cpu)" }

    /// One 16-byte pread at `leaf | subleaf << 32`; throws `.device` or `.shortRead`.
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
    /// A CPUID input: the leaf (EAX) and sub-leaf (ECX) it was executed with.
    public struct Key: Hashable, Sendable {
        /// The leaf, EAX's input.
        public let leaf: UInt32
        /// The sub-leaf, ECX's input (0 for leaves that have none).
        public let subleaf: UInt32
        /// The input (`leaf`, `subleaf`).
        public init(leaf: UInt32, subleaf: UInt32) { self.leaf = leaf; self.subleaf = subleaf }
    }

    /// The name reports give this source ("table", or "dump:FILE" for a dump).
    public let name: String
    /// The recorded answers by input.
    public let entries: [Key: CPUIDRegisters]

    /// A source answering from `entries`.
    public init(name: String = "table", entries: [Key: CPUIDRegisters]) {
        self.name = name
        self.entries = entries
    }

    /// The recorded registers; for a leaf recorded at sub-leaf 0 only, those whatever `subleaf`;
    /// otherwise zeros. Never throws.
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
    /// The source that answers; this one only counts.
    public let base: any CPUIDSource
    /// CPUID instructions that completed.
    public private(set) var executions = 0
    /// Forced-emulation attempts that faulted (a #UD, not a CPUID, but a trap all the same).
    public private(set) var faults = 0

    /// Counts `base`'s executions from zero.
    public init(_ base: any CPUIDSource) { self.base = base }

    /// The wrapped source's name: counting does not change what is reported.
    public var name: String { base.name }

    /// `base`'s answer; counts a completed execution, or a `.notPVContext` fault, and rethrows.
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
