// The real calls on Linux's Xen user-space devices /dev/xen/evtchn, /dev/xen/gntalloc and
// /dev/xen/gntdev. Unsafe Swift for them lives here only; their ioctl structures and numbers are
// the kernel's (CXenShimXenDevices.h includes include/uapi/xen/{evtchn,gntalloc,gntdev}.h).
import CXenShim
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The device nodes and the modules that create them (Linux drivers/xen/Kconfig).
public enum XenDevice: String, Sendable, CaseIterable {
    /// /dev/xen/evtchn, from xen-evtchn (drivers/xen/evtchn.c, CONFIG_XEN_DEV_EVTCHN).
    case eventChannel = "/dev/xen/evtchn"
    /// /dev/xen/gntalloc, from xen-gntalloc (drivers/xen/gntalloc.c, CONFIG_XEN_GRANT_DEV_ALLOC).
    case grantAllocator = "/dev/xen/gntalloc"
    /// /dev/xen/gntdev, from xen-gntdev (drivers/xen/gntdev.c, CONFIG_XEN_GNTDEV).
    case grantMapper = "/dev/xen/gntdev"
    /// /dev/xen/privcmd, from xen-privcmd (drivers/xen/privcmd.c, CONFIG_XEN_PRIVCMD):
    /// IOCTL_PRIVCMD_HYPERCALL, through which the grant self-test's GNTTABOP_copy goes.
    case privcmd = "/dev/xen/privcmd"

    /// The device node's path.
    public var path: String { rawValue }
    /// The module to load when the node is absent (`modprobe NAME`).
    public var module: String {
        switch self {
        case .eventChannel: "xen-evtchn"
        case .grantAllocator: "xen-gntalloc"
        case .grantMapper: "xen-gntdev"
        case .privcmd: "xen-privcmd"
        }
    }
}

/// The calls the PV self-tests make on the Xen devices: one protocol, so that everything above
/// it runs against a recording fake (XenSystemTesting's `RecordingXenDevices`); `LinuxSystem` is
/// the real one. Ports and grants are numbers; the mappings are `MappedRegion`s, which only a
/// system makes, so safe code never names an address. Every failure carries errno.
public protocol XenDeviceSystem: SystemCalls {
    /// The size of a page (sysconf(_SC_PAGESIZE)); a grant covers one.
    var pageSize: Int { get }

    /// IOCTL_EVTCHN_BIND_UNBOUND_PORT: a new port that `remoteDomain` may bind to; returns it.
    func bindUnboundPort(_ fd: FileDescriptor, remoteDomain: UInt32) throws(SystemError) -> UInt32
    /// IOCTL_EVTCHN_BIND_INTERDOMAIN: a new local port bound to `remotePort` of `remoteDomain`.
    func bindInterdomain(_ fd: FileDescriptor, remoteDomain: UInt32, remotePort: UInt32) throws(SystemError) -> UInt32
    /// IOCTL_EVTCHN_UNBIND: unbinds a port this descriptor bound; Linux closes it in Xen.
    func unbindPort(_ fd: FileDescriptor, port: UInt32) throws(SystemError)
    /// IOCTL_EVTCHN_NOTIFY: sends an event over a bound port (to its other end).
    func notifyPort(_ fd: FileDescriptor, port: UInt32) throws(SystemError)
    /// IOCTL_EVTCHN_RESET: empties the descriptor's ring of pending ports.
    func resetPorts(_ fd: FileDescriptor) throws(SystemError)
    /// Waits until the descriptor is readable, at most `milliseconds` (poll(2), not restarted:
    /// a caught signal ends the wait with EINTR). True when readable, false on timeout.
    func waitReadable(_ fd: FileDescriptor, milliseconds: Int32) throws(SystemError) -> Bool
    /// read(2) of up to `maxPorts` pending ports (uint32 each); the kernel masks each until it is
    /// unmasked. Blocks when none is pending; EINTR is reported, not retried.
    func readPendingPorts(_ fd: FileDescriptor, maxPorts: Int) throws(SystemError) -> [UInt32]
    /// write(2) of ports to unmask them (Linux drivers/xen/evtchn.c, evtchn_write).
    func unmaskPorts(_ fd: FileDescriptor, _ ports: [UInt32]) throws(SystemError)

    /// IOCTL_GNTALLOC_ALLOC_GREF of one page granted to `domain`: its mmap offset and reference.
    func allocateGrant(_ fd: FileDescriptor, to domain: UInt16, writable: Bool) throws(SystemError) -> (index: UInt64, ref: UInt32)
    /// IOCTL_GNTALLOC_DEALLOC_GREF of the page at `index`.
    func deallocateGrant(_ fd: FileDescriptor, index: UInt64) throws(SystemError)
    /// IOCTL_GNTDEV_MAP_GRANT_REF of grant `ref` of `domain`: the mmap offset to map it at.
    func mapGrantReference(_ fd: FileDescriptor, domain: UInt16, ref: UInt32) throws(SystemError) -> UInt64
    /// IOCTL_GNTDEV_UNMAP_GRANT_REF of the page at `index`.
    func unmapGrantReference(_ fd: FileDescriptor, index: UInt64) throws(SystemError)
    /// A shared read-write mapping of one page of a device at `offset` (what the two grant
    /// devices hand out); `path` names it in errors. Released through `MappedRegion.release()`.
    func mapDevicePage(_ fd: FileDescriptor, path: String, offset: UInt64) throws(SystemError) -> MappedRegion
    /// Copies `count` bytes out of a mapping at `offset`: nil when out of bounds or released.
    func load(_ region: MappedRegion, offset: Int, count: Int) -> [UInt8]?
    /// Copies `bytes` into a mapping at `offset`: false when out of bounds or released.
    func store(_ region: MappedRegion, offset: Int, _ bytes: [UInt8]) -> Bool

    /// The first interrupting signal (SIGINT, SIGTERM, SIGHUP) caught since
    /// `catchInterruptions()`, or nil.
    func caughtSignal() -> Int32?
    /// From now on SIGINT, SIGTERM and SIGHUP are caught (recorded for `caughtSignal()`, with a
    /// blocked call returning EINTR) instead of ending the process, so a self-test can release
    /// what it holds before it exits.
    func catchInterruptions()
}

/// The signal a handler caught (0: none). A lock-free atomic: the handler may store it.
private let caughtInterruption = Atomic<Int32>(0)

extension LinuxSystem: XenDeviceSystem {
    private static func check(_ rc: Int32, _ operation: String, _ path: XenDevice) throws(SystemError) {
        if rc < 0 { throw SystemError(operation, path.path, .current) }
    }

    public func bindUnboundPort(_ fd: FileDescriptor, remoteDomain: UInt32) throws(SystemError) -> UInt32 {
        let r = xd_evtchn_bind_unbound_port(fd.rawValue, remoteDomain)
        if r < 0 { throw SystemError("IOCTL_EVTCHN_BIND_UNBOUND_PORT", XenDevice.eventChannel.path, .current) }
        return UInt32(truncatingIfNeeded: r)
    }

    public func bindInterdomain(_ fd: FileDescriptor, remoteDomain: UInt32, remotePort: UInt32) throws(SystemError) -> UInt32 {
        let r = xd_evtchn_bind_interdomain(fd.rawValue, remoteDomain, remotePort)
        if r < 0 { throw SystemError("IOCTL_EVTCHN_BIND_INTERDOMAIN", XenDevice.eventChannel.path, .current) }
        return UInt32(truncatingIfNeeded: r)
    }

    public func unbindPort(_ fd: FileDescriptor, port: UInt32) throws(SystemError) {
        try Self.check(xd_evtchn_unbind(fd.rawValue, port), "IOCTL_EVTCHN_UNBIND", .eventChannel)
    }

    public func notifyPort(_ fd: FileDescriptor, port: UInt32) throws(SystemError) {
        try Self.check(xd_evtchn_notify(fd.rawValue, port), "IOCTL_EVTCHN_NOTIFY", .eventChannel)
    }

    public func resetPorts(_ fd: FileDescriptor) throws(SystemError) {
        try Self.check(xd_evtchn_reset(fd.rawValue), "IOCTL_EVTCHN_RESET", .eventChannel)
    }

    public func waitReadable(_ fd: FileDescriptor, milliseconds: Int32) throws(SystemError) -> Bool {
        var entry = pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)
        let r = unsafe poll(&entry, 1, milliseconds)
        if r < 0 { throw SystemError("poll", XenDevice.eventChannel.path, .current) }
        return r > 0
    }

    public func readPendingPorts(_ fd: FileDescriptor, maxPorts: Int) throws(SystemError) -> [UInt32] {
        let size = xd_evtchn_port_size()
        var ports = [UInt32](repeating: 0, count: max(1, maxPorts))
        let n = unsafe ports.withUnsafeMutableBytes { unsafe Glibc.read(fd.rawValue, $0.baseAddress, $0.count) }
        if n < 0 { throw SystemError("read", XenDevice.eventChannel.path, .current) }
        ports.removeSubrange((n / size)...)
        return ports
    }

    public func unmaskPorts(_ fd: FileDescriptor, _ ports: [UInt32]) throws(SystemError) {
        let n = unsafe ports.withUnsafeBytes { unsafe Glibc.write(fd.rawValue, $0.baseAddress, $0.count) }
        if n < 0 { throw SystemError("write", XenDevice.eventChannel.path, .current) }
    }

    public func allocateGrant(_ fd: FileDescriptor, to domain: UInt16, writable: Bool) throws(SystemError) -> (index: UInt64, ref: UInt32) {
        var index: UInt64 = 0, ref: UInt32 = 0
        let r = unsafe xd_gntalloc_alloc_gref(fd.rawValue, domain, writable ? 1 : 0, &index, &ref)
        try Self.check(r, "IOCTL_GNTALLOC_ALLOC_GREF", .grantAllocator)
        return (index, ref)
    }

    public func deallocateGrant(_ fd: FileDescriptor, index: UInt64) throws(SystemError) {
        try Self.check(xd_gntalloc_dealloc_gref(fd.rawValue, index, 1), "IOCTL_GNTALLOC_DEALLOC_GREF", .grantAllocator)
    }

    public func mapGrantReference(_ fd: FileDescriptor, domain: UInt16, ref: UInt32) throws(SystemError) -> UInt64 {
        var index: UInt64 = 0
        let r = unsafe xd_gntdev_map_grant_ref(fd.rawValue, UInt32(domain), ref, &index)
        try Self.check(r, "IOCTL_GNTDEV_MAP_GRANT_REF", .grantMapper)
        return index
    }

    public func unmapGrantReference(_ fd: FileDescriptor, index: UInt64) throws(SystemError) {
        try Self.check(xd_gntdev_unmap_grant_ref(fd.rawValue, index, 1), "IOCTL_GNTDEV_UNMAP_GRANT_REF", .grantMapper)
    }

    public func mapDevicePage(_ fd: FileDescriptor, path: String, offset: UInt64) throws(SystemError) -> MappedRegion {
        let length = pageSize
        guard let p = unsafe xd_map_shared(fd.rawValue, length, offset) else { throw SystemError("mmap", path, .current) }
        return unsafe Self.kernelRegion(p, length)
    }

    public func caughtSignal() -> Int32? {
        let s = caughtInterruption.load(ordering: .sequentiallyConsistent)
        return s == 0 ? nil : s
    }

    public func catchInterruptions() {
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            // No SA_RESTART: a blocked poll or read returns EINTR, and the self-test releases.
            unsafe action.__sigaction_handler.sa_handler = { caught in
                _ = caughtInterruption.compareExchange(expected: 0, desired: caught, ordering: .sequentiallyConsistent)
            }
            unsafe sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            _ = unsafe sigaction(signal, &action, nil)
        }
    }
}
