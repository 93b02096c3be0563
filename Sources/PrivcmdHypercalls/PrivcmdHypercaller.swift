import XenInterface
import XenSystem

/// Whether a hypercall only reads, or changes hypervisor state.
public enum HypercallEffect: Sendable, Equatable {
    /// In the read-only set below: `PrivcmdHypercaller` issues it.
    case readOnly
    /// Anything else, known or not: refused unless state changes are allowed (tests only).
    case changesState

    /// The read-only set this toolkit knows: every xen_version sub-op, memory_op's
    /// maximum_ram_page / current_reservation / maximum_reservation / maximum_gpfn, sched_op
    /// yield (gives up the time slice, nothing else), and grant_table_op's query_size and
    /// get_version (they only read a domain's table: xen/common/grant_table.c). Anything else
    /// may change state.
    public static func of(_ op: HypercallNumber, subop: UInt64) -> HypercallEffect {
        switch op {
        case .xen_version:
            return XenVersionOp(number: UInt32(truncatingIfNeeded: subop)) != nil
                && subop <= UInt64(UInt32.max) ? .readOnly : .changesState
        case .memory_op:
            return MemoryOp(number: UInt32(truncatingIfNeeded: subop)) != nil
                && subop <= UInt64(UInt32.max) ? .readOnly : .changesState
        case .sched_op:
            return subop == UInt64(SchedOp.yield.number) ? .readOnly : .changesState
        case .grant_table_op:
            return subop == UInt64(GNTTABOP.query_size) || subop == UInt64(GNTTABOP.get_version) ? .readOnly : .changesState
        default:
            return .changesState
        }
    }
}

/// Why a hypercall through privcmd was not issued, or failed before Xen answered.
public struct HypercallError: ClassifiedError, Equatable {
    /// What kind of failure (it picks the CLI's exit status).
    public let kind: FailureKind
    /// One line, naming the device or the call.
    public let description: String
    /// The errno of the system call that failed, when one did.
    public let errno: Errno?
    /// A failure of `kind` described by `description`.
    public init(_ kind: FailureKind, _ description: String, errno: Errno? = nil) {
        self.kind = kind
        self.description = description
        self.errno = errno
    }
    /// The same kind, message and errno as a failed system call.
    init(_ error: SystemError) { self.init(error.kind, error.description, errno: error.errno) }
}

/// Issues hypercalls through Linux's /dev/xen/privcmd (IOCTL_PRIVCMD_HYPERCALL), with argument
/// buffers mmap'ed from /dev/xen/hypercall as Xen's libxencall does (tools/libs/call/linux.c),
/// or locked anonymous memory when that device is absent. The public surface is typed and
/// read-only (`xenVersion`, `readOnly`): a raw call takes addresses Xen writes through, so it is
/// package-internal, as is enabling calls outside the read-only set.
public final class PrivcmdHypercaller {
    /// The privcmd device (`Privcmd.devicePath`, the one definition).
    package static let privcmdPath = Privcmd.devicePath
    /// The hypercall buffer device (`Privcmd.bufferDevicePath`, the one definition).
    package static let bufferDevicePath = Privcmd.bufferDevicePath

    let system: any HypervisorCalls
    let privcmd: FileDescriptor
    let bufferDevice: FileDescriptor?
    /// Calls outside the read-only set are allowed (package-internal: tests only).
    package let allowStateChanges: Bool

    /// Opens privcmd (and the buffer device when present); a missing privcmd, or no root,
    /// is one clear error.
    public convenience init(system: any HypervisorCalls) throws(HypercallError) {
        try self.init(system: system, allowStateChanges: false)
    }

    /// As `init(system:)`, optionally allowing calls outside the read-only set.
    package init(system: any HypervisorCalls, allowStateChanges: Bool) throws(HypercallError) {
        self.system = system
        self.allowStateChanges = allowStateChanges
        do { privcmd = try system.open(Self.privcmdPath, .readWrite) } catch {
            switch error.kind {
            case .missing:
                throw HypercallError(.missing, "no \(Self.privcmdPath): not a Xen guest, or xenfs/xen-privcmd is not loaded")
            case .permission:
                throw HypercallError(.permission, "\(Self.privcmdPath): \(error.errno) (hypercalls need root)")
            default:
                throw HypercallError(error)
            }
        }
        bufferDevice = try? system.open(Self.bufferDevicePath, .readWrite)
    }

    deinit {
        if let bufferDevice { system.close(bufferDevice) }
        system.close(privcmd)
    }

    /// True when argument buffers come from /dev/xen/hypercall.
    public var usesBufferDevice: Bool { bufferDevice != nil }

    /// Issues hypercall `op` with `arguments` (the first is the sub-op for the multiplexed calls).
    /// Package-internal: an argument may be an address Xen writes through.
    package func call(_ op: HypercallNumber, _ arguments: [UInt64]) throws(HypercallError) -> HypercallResult {
        guard arguments.count <= Privcmd.hypercallArgumentCount else {
            throw HypercallError(.usage, "\(op) takes at most \(Privcmd.hypercallArgumentCount) arguments")
        }
        if HypercallEffect.of(op, subop: arguments.first ?? 0) == .changesState && !allowStateChanges {
            throw HypercallError(.refused, "\(op) sub-op \(arguments.first ?? 0) may change hypervisor state: refused")
        }
        return issue(op, arguments)
    }

    /// Issues a hypercall outside the read-only set without asking `allowStateChanges`: only for
    /// a typed call whose every argument its caller built and bounded, and whose only effect is
    /// on memory this process owns (`copyBetweenOwnGrants`, GNTTABOP_copy between two of this
    /// process's own grants).
    package func issueChangingOwnState(_ op: HypercallNumber, _ arguments: [UInt64]) -> HypercallResult {
        issue(op, arguments)
    }

    private func issue(_ op: HypercallNumber, _ arguments: [UInt64]) -> HypercallResult {
        HypercallResult(rc: system.privcmdHypercall(privcmd, op: UInt64(op.rawValue), arguments: arguments))
    }

    /// The largest argument buffer: 17 pages, a xen_varbuf header and the 64 KiB Xen's
    /// xenver_varbuf_op answers at most (xen/common/kernel.c of 4.20: larger is -E2BIG).
    package static let maximumBufferLength = 17 * XEN_PAGE_SIZE

    /// Runs `body` with a zeroed argument buffer of whole pages (one, or as many as `input` and
    /// `outputCount` need, up to `maximumBufferLength`) holding `input` at its start, and
    /// returns the buffer's `outputCount` first bytes afterwards with the body's result.
    package func withBuffer(input: [UInt8], outputCount: Int,
                           _ body: (UInt64) throws(HypercallError) -> HypercallResult)
        throws(HypercallError) -> (HypercallResult, [UInt8]) {
        let needed = max(input.count, outputCount, 1)
        guard needed <= Self.maximumBufferLength else {
            throw HypercallError(.usage, "argument buffer of \(needed) bytes larger than \(Self.maximumBufferLength)")
        }
        let length = (needed + XEN_PAGE_SIZE - 1) / XEN_PAGE_SIZE * XEN_PAGE_SIZE
        let region: MappedRegion
        do {
            if let bufferDevice {
                region = try system.mapDevice(bufferDevice, path: Self.bufferDevicePath, length: length)
            } else {
                region = try system.mapLockedAnonymous(length: length)
            }
        } catch { throw HypercallError(error) }
        defer { region.release() }
        guard system.store(region, offset: 0, [UInt8](repeating: 0, count: length)),
              system.store(region, offset: 0, input)
        else { throw HypercallError(.system, "argument buffer not writable") }
        let result = try body(region.address)
        guard let output = system.load(region, offset: 0, count: outputCount) else {
            throw HypercallError(.system, "argument buffer not readable")
        }
        return (result, output)
    }
}
