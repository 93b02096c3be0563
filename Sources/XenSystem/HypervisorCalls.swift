import Synchronization

/// A mapping of whole pages that this process owns. It is unmapped exactly once: by `release()`,
/// or when the last reference to it goes; copies of a value holding it share the one mapping, so
/// releasing "twice" cannot unmap a range the kernel has since handed to someone else. Only the
/// package's system layers make one (the initializer is not public): safe code cannot name an
/// arbitrary address as a mapping. `address` is the virtual address as a number (what a hypercall
/// argument or a pagemap offset needs); no public API dereferences it.
public final class MappedRegion: Sendable, Hashable, CustomStringConvertible {
    /// Who made the mapping: the kernel (`LinuxSystem`), or a fake that only simulates memory.
    /// `LinuxSystem` touches only the regions it made.
    package enum Origin: Sendable, Equatable {
        case kernel
        case simulated
    }

    /// The virtual address of the first byte.
    public let address: UInt64
    /// The length in bytes (whole pages).
    public let length: Int
    package let origin: Origin
    /// The unmapping still to do; nil once released. Held while the mapping is used, so a release
    /// from another thread waits for the use to end.
    private let pending: Mutex<(@Sendable (UInt64, Int) -> Void)?>

    package init(address: UInt64, length: Int, origin: Origin, unmap: @escaping @Sendable (UInt64, Int) -> Void) {
        self.address = address
        self.length = length
        self.origin = origin
        self.pending = Mutex(unmap)
    }

    deinit { release() }

    /// Unmaps the region now; later calls (and the deinitializer) do nothing.
    public func release() {
        let unmap = pending.withLock { p in
            defer { p = nil }
            return p
        }
        unmap?(address, length)
    }

    /// True once the region has been unmapped.
    public var isReleased: Bool { pending.withLock { $0 == nil } }

    /// Runs `body` while the region is still mapped (a concurrent `release()` waits for it); nil
    /// when it was already released.
    package func whileMapped<R>(_ body: () -> R) -> R? {
        pending.withLock { p in p == nil ? nil : body() }
    }

    /// True when `count` bytes at `offset` lie inside the region.
    package func contains(offset: Int, count: Int) -> Bool {
        offset >= 0 && count >= 0 && offset <= length && count <= length - offset
    }

    /// Identity: two values are equal when they hold the same mapping, whatever the addresses.
    public static func == (a: MappedRegion, b: MappedRegion) -> Bool { a === b }
    /// Hashes the identity of the mapping, consistently with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    /// "8192 bytes at 0x7f...": the length and the start address in hex.
    public var description: String { "\(length) bytes at 0x\(String(address, radix: 16))" }
}

/// What a mapping may be used for.
public enum PageProtection: Sendable, Equatable {
    /// PROT_READ | PROT_WRITE: the page can be filled (by this process or by Xen) but not run.
    case readWrite
    /// PROT_READ | PROT_EXEC: the page can be run but no longer written (never both: W^X).
    case readExecute
}

/// The calls beyond plain file I/O that the hypercall work needs: memory mappings (locked
/// pages, the hypercall buffer device), copies in and out of them, and the privcmd hypercall
/// ioctl. One protocol so tests drive everything above it with a recording fake; `LinuxSystem`
/// (LinuxSystem+Hypervisor.swift) is the real one. A mapping is released through
/// `MappedRegion.release()`. Executing code is not part of it (`StubExecution`).
public protocol HypervisorCalls: SystemCalls {
    /// The size of a page of this process (sysconf(_SC_PAGESIZE)).
    var pageSize: Int { get }
    /// Private anonymous pages, zero-filled, present and locked in memory (mmap MAP_LOCKED,
    /// then mlock, which fails when they cannot be locked) and not inherited by fork. Locked is
    /// not pinned: compaction may still move such a page to another frame
    /// (vm.compact_unevictable_allowed), so its frame number is only a snapshot.
    func mapLockedAnonymous(length: Int) throws(SystemError) -> MappedRegion
    /// A shared read-write mapping of `length` bytes of a device (the hypercall buffer device).
    func mapDevice(_ fd: FileDescriptor, path: String, length: Int) throws(SystemError) -> MappedRegion
    /// Copies `count` bytes out of a mapping at `offset`: nil when out of bounds or released.
    func load(_ region: MappedRegion, offset: Int, count: Int) -> [UInt8]?
    /// Copies `bytes` into a mapping at `offset`: false when out of bounds or released.
    func store(_ region: MappedRegion, offset: Int, _ bytes: [UInt8]) -> Bool
    /// IOCTL_PRIVCMD_HYPERCALL on an open /dev/xen/privcmd: hypercall `op` with up to five
    /// arguments. Returns what the hypercall returned: a value >= 0, or -errno when the
    /// ioctl failed (privcmd hands Xen's negative error back as errno).
    func privcmdHypercall(_ fd: FileDescriptor, op: UInt64, arguments: [UInt64]) -> Int64
}

/// Executing code in a mapping: the one capability that is unsafe by nature (the bytes are run
/// as instructions). Package-internal: only `HypercallPageInstaller.callFromUserMode`, which
/// runs nothing but a page that verified as Xen's, reaches it.
package protocol StubExecution: HypervisorCalls {
    /// Changes the protection of a whole mapping.
    func protect(_ region: MappedRegion, _ protection: PageProtection) throws(SystemError)
    /// Calls the code at `offset` in an executable mapping with the 64-bit hypercall argument
    /// registers (rdi, rsi, rdx, r10, r8) and returns rax; nil when `offset` is out of bounds or
    /// the region is released or not the kernel's. The caller must have verified the code.
    func callEntry(_ region: MappedRegion, offset: Int, arguments: [UInt64]) -> Int64?
}
