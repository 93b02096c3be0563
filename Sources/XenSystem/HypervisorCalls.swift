/// A mapping of whole pages in this process, as a value. Only a `HypervisorCalls` makes
/// real ones; `address` is the virtual address (what a hypercall argument or the pagemap
/// offset needs) and is never dereferenced outside `LinuxSystem`.
public struct MappedRegion: Hashable, Sendable {
    public let address: UInt64
    public let length: Int
    public init(address: UInt64, length: Int) {
        self.address = address
        self.length = length
    }
}

/// What a mapping may be used for.
public enum PageProtection: Sendable, Equatable {
    case readWrite
    case readExecute
}

/// The calls beyond plain file I/O that the hypercall work needs: memory mappings (locked
/// pages, the hypercall buffer device, an executable page), the privcmd hypercall ioctl, and
/// calling a hypercall-page entry. One protocol so tests drive everything above it with a
/// recording fake; `LinuxSystem` (LinuxSystem+Hypervisor.swift) is the real one.
public protocol HypervisorCalls: SystemCalls {
    /// The size of a page of this process (sysconf(_SC_PAGESIZE)).
    var pageSize: Int { get }
    /// Private anonymous pages, zero-filled, present and locked in memory (mmap MAP_LOCKED,
    /// then mlock, which fails when they cannot be locked) and not inherited by fork.
    func mapLockedAnonymous(length: Int) throws(SystemError) -> MappedRegion
    /// A shared read-write mapping of `length` bytes of a device (the hypercall buffer device).
    func mapDevice(_ fd: FileDescriptor, path: String, length: Int) throws(SystemError) -> MappedRegion
    /// Removes a mapping made by this protocol.
    func unmap(_ region: MappedRegion)
    /// Changes the protection of a whole mapping.
    func protect(_ region: MappedRegion, _ protection: PageProtection) throws(SystemError)
    /// Copies `count` bytes out of a mapping at `offset`: nil when out of bounds.
    func load(_ region: MappedRegion, offset: Int, count: Int) -> [UInt8]?
    /// Copies `bytes` into a mapping at `offset`: false when out of bounds.
    func store(_ region: MappedRegion, offset: Int, _ bytes: [UInt8]) -> Bool
    /// IOCTL_PRIVCMD_HYPERCALL on an open /dev/xen/privcmd: hypercall `op` with up to five
    /// arguments. Returns what the hypercall returned: a value >= 0, or -errno when the
    /// ioctl failed (privcmd hands Xen's negative error back as errno).
    func privcmdHypercall(_ fd: FileDescriptor, op: UInt64, arguments: [UInt64]) -> Int64
    /// Calls the code at `offset` in an executable mapping with the 64-bit hypercall
    /// argument registers (rdi, rsi, rdx, r10, r8) and returns rax; nil when `offset` is out
    /// of bounds. The caller must have made the mapping executable and verified its code.
    func callEntry(_ region: MappedRegion, offset: Int, arguments: [UInt64]) -> Int64?
}
