import Synchronization
import XenSystem

/// A fake `XenDeviceSystem` for the PV self-tests: /dev/xen/evtchn, gntalloc and gntdev in
/// memory, as Linux and Xen behave (a loopback pair of ports delivers each notification to the
/// other end; binding sets the new port pending once, as Xen's evtchn_bind_interdomain does; a
/// delivered port stays masked until it is written back; a gntdev mapping of a grant shares the
/// granted page's bytes). Errors and signals can be forced per operation, and every call is
/// recorded, so a test asserts that each port was unbound, each grant released and each
/// descriptor closed, whatever failed. It never touches the kernel.
public final class RecordingXenDevices: XenDeviceSystem, Sendable {
    /// The operations, as the trace and the forced errors name them.
    public enum Operation: String, Sendable, Hashable, CaseIterable {
        /// `open` of a device node.
        case open
        /// `close` of a descriptor.
        case close
        /// IOCTL_EVTCHN_BIND_UNBOUND_PORT.
        case bindUnbound
        /// IOCTL_EVTCHN_BIND_INTERDOMAIN.
        case bindInterdomain
        /// IOCTL_EVTCHN_UNBIND.
        case unbind
        /// IOCTL_EVTCHN_NOTIFY.
        case notify
        /// IOCTL_EVTCHN_RESET.
        case reset
        /// poll(2) for a pending port.
        case wait
        /// read(2) of pending ports.
        case read
        /// write(2) of ports to unmask.
        case unmask
        /// IOCTL_GNTALLOC_ALLOC_GREF.
        case allocateGrant
        /// IOCTL_GNTALLOC_DEALLOC_GREF.
        case deallocateGrant
        /// IOCTL_GNTDEV_MAP_GRANT_REF.
        case mapGrant
        /// IOCTL_GNTDEV_UNMAP_GRANT_REF.
        case unmapGrant
        /// mmap of a grant device's page.
        case mapPage
        /// munmap of such a page.
        case unmapPage
    }

    /// One recorded call: the operation and what it named (a path, a port, a grant reference or
    /// an mmap offset), and the errno it failed with (nil when it succeeded).
    public struct Call: Equatable, Sendable, CustomStringConvertible {
        /// The operation.
        public let operation: Operation
        /// Its argument as text: "/dev/xen/evtchn", "port 5", "ref 8", "index 4096".
        public let subject: String
        /// The errno it failed with, nil on success.
        public let failure: Errno?
        /// "bindUnbound port 5", or "... failed: <strerror>".
        public var description: String {
            "\(operation.rawValue) \(subject)" + (failure.map { " failed: \($0)" } ?? "")
        }
    }

    struct Grant {
        var domain: UInt16
        var bytes: [UInt8]
    }

    struct State {
        var present: Set<String> = Set(XenDevice.allCases.map(\.path))
        var openErrors: [String: Errno] = [:]
        var forced: [Operation: [Errno]] = [:]
        var signalAfter: (Operation, Int, Int32)? = nil
        var signal: Int32? = nil
        var counts: [Operation: Int] = [:]
        var calls: [Call] = []
        var fds: [Int32: String] = [:]
        var nextFD: Int32 = 10
        var bindNotifies = true
        var deliver = true
        var domainID: UInt16 = 0
        var refuseSelfMap: Errno? = nil
        var corruptMapping = false
        var catching = false
        var files: [String: [UInt8]] = [:]
        // evtchn: port -> (owning fd, peer port if bound)
        var ports: [UInt32: (fd: Int32, peer: UInt32?, remoteDomain: UInt32)] = [:]
        var nextPort: UInt32 = 5
        var ring: [Int32: [UInt32]] = [:]
        var masked: Set<UInt32> = []
        // gntalloc: index -> ref; ref -> grant; gntdev: index -> ref
        var allocations: [UInt64: UInt32] = [:]
        var grants: [UInt32: Grant] = [:]
        var nextRef: UInt32 = 8
        var nextIndex: UInt64 = 0
        var grantMaps: [UInt64: UInt32] = [:]
        var nextMapIndex: UInt64 = 0
        var regions: [UInt64: UInt32] = [:]  // simulated address -> ref whose bytes it shows
        var nextAddress: UInt64 = 0x7f10_0000_0000
    }
    private let state = Mutex(State())

    /// A fake with the three devices present, domain 0 and nothing forced.
    public init() {}

    /// Every call made, in order.
    public var calls: [Call] { state.withLock { $0.calls } }
    /// The device nodes that exist (all three unless a test removes one: "module not loaded").
    public var present: Set<String> {
        get { state.withLock { $0.present } }
        set { state.withLock { $0.present = newValue } }
    }
    /// Errors forced on open of a path (EACCES for "no permission").
    public var openErrors: [String: Errno] {
        get { state.withLock { $0.openErrors } }
        set { state.withLock { $0.openErrors = newValue } }
    }
    /// Whether binding a port sets it pending once (Xen does: evtchn_bind_interdomain's "we may
    /// have lost notifications" fix-up). True by default.
    public var bindNotifies: Bool {
        get { state.withLock { $0.bindNotifies } }
        set { state.withLock { $0.bindNotifies = newValue } }
    }
    /// Whether a notification reaches the other end (false: the event is lost).
    public var deliver: Bool {
        get { state.withLock { $0.deliver } }
        set { state.withLock { $0.deliver = newValue } }
    }
    /// This domain's id, as grants name it.
    public var domainID: UInt16 {
        get { state.withLock { $0.domainID } }
        set { state.withLock { $0.domainID = newValue } }
    }
    /// When set, mapping a grant of this domain's own fails at mmap with this errno (a Xen or
    /// kernel that refuses a mapping of one's own grant).
    public var refuseSelfMap: Errno? {
        get { state.withLock { $0.refuseSelfMap } }
        set { state.withLock { $0.refuseSelfMap = newValue } }
    }
    /// When set, a gntdev mapping shows other bytes than the granted page (a broken grant path).
    public var corruptMapping: Bool {
        get { state.withLock { $0.corruptMapping } }
        set { state.withLock { $0.corruptMapping = newValue } }
    }

    /// Small files by path (/sys/hypervisor/guest_type, say); any other path reads as absent.
    public var files: [String: [UInt8]] {
        get { state.withLock { $0.files } }
        set { state.withLock { $0.files = newValue } }
    }

    /// A grant still allocated through gntalloc: the domain it is granted to and its page's
    /// bytes; nil for a reference not allocated (or deallocated). What a simulated Xen reads.
    public func allocatedGrant(_ ref: UInt32) -> (domain: UInt16, bytes: [UInt8])? {
        state.withLock { s in
            guard s.allocations.values.contains(ref), let g = s.grants[ref] else { return nil }
            return (g.domain, g.bytes)
        }
    }

    /// Writes into the page of a grant still allocated, as a simulated Xen copying into it does;
    /// false for a reference not allocated or a range outside the page.
    public func writeAllocatedGrant(_ ref: UInt32, offset: Int, _ bytes: [UInt8]) -> Bool {
        state.withLock { s in
            guard s.allocations.values.contains(ref), s.grants[ref] != nil, offset >= 0, offset + bytes.count <= 4096 else { return false }
            s.grants[ref]?.bytes.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
            return true
        }
    }

    /// Makes the next `times` calls of `operation` fail with `errno`.
    public func fail(_ operation: Operation, with errno: Errno, times: Int = 1) {
        state.withLock { $0.forced[operation, default: []] += Array(repeating: errno, count: times) }
    }

    /// Delivers `signal` right after the `count`-th call of `operation` (1 = the first): from
    /// then on `caughtSignal()` reports it and every wait or read fails with EINTR.
    public func signal(_ signal: Int32, after operation: Operation, count: Int = 1) {
        state.withLock { $0.signalAfter = (operation, count, signal) }
    }

    /// Ports still bound, descriptors still open, grants still allocated, gntdev mappings still
    /// made and page mappings not yet unmapped: all empty after a self-test that released all.
    public var boundPorts: [UInt32] { state.withLock { $0.ports.keys.sorted() } }
    /// Descriptors still open, by path.
    public var openDescriptors: [String] { state.withLock { $0.fds.values.sorted() } }
    /// Grant references still allocated through gntalloc.
    public var allocatedGrants: [UInt32] { state.withLock { $0.allocations.values.sorted() } }
    /// gntdev mappings (mmap offsets) not yet unmapped by IOCTL_GNTDEV_UNMAP_GRANT_REF.
    public var grantMappings: [UInt64] { state.withLock { $0.grantMaps.keys.sorted() } }
    /// Page mappings (simulated addresses) not yet unmapped.
    public var mappedPages: [UInt64] { state.withLock { $0.regions.keys.sorted() } }
    /// True when nothing the fake handed out is still held.
    public var everythingReleased: Bool {
        boundPorts.isEmpty && openDescriptors.isEmpty && allocatedGrants.isEmpty && grantMappings.isEmpty && mappedPages.isEmpty
    }
    /// The calls of one operation, in order.
    public func calls(_ operation: Operation) -> [Call] { calls.filter { $0.operation == operation } }

    /// Counts the call, applies a forced error or signal, records it; the body runs unless an
    /// error was forced, and its own error (if any) is recorded too.
    private func perform<T>(_ operation: Operation, _ subject: String, _ path: String,
                            _ body: (inout State) -> Result<T, Errno>) throws(SystemError) -> T {
        let result: Result<T, Errno> = state.withLock { s in
            s.counts[operation, default: 0] += 1
            var r: Result<T, Errno>
            if var queue = s.forced[operation], !queue.isEmpty {
                r = .failure(queue.removeFirst())
                s.forced[operation] = queue
            } else if s.signal != nil && (operation == .wait || operation == .read) {
                r = .failure(.interrupted)
            } else {
                r = body(&s)
            }
            if let (op, n, sig) = s.signalAfter, op == operation, s.counts[operation] == n, s.signal == nil {
                s.signal = sig
            }
            if case .failure(let e) = r { s.calls.append(Call(operation: operation, subject: subject, failure: e)) }
            else { s.calls.append(Call(operation: operation, subject: subject, failure: nil)) }
            return r
        }
        switch result {
        case .success(let v): return v
        case .failure(let e): throw SystemError(operation.rawValue, path, e)
        }
    }

    private static let evtchn = XenDevice.eventChannel.path

    // MARK: SystemCalls

    public func open(_ path: String, _ mode: OpenMode) throws(SystemError) -> FileDescriptor {
        let fd: Int32 = try perform(.open, path, path) { s in
            if let e = s.openErrors[path] { return .failure(e) }
            guard s.present.contains(path) else { return .failure(.noSuchFile) }
            s.nextFD += 1
            s.fds[s.nextFD] = path
            return .success(s.nextFD)
        }
        return FileDescriptor(rawValue: fd)
    }

    /// Closes the descriptor. Unlike Linux's release, it does not clean up what was made through
    /// it: ports, grants and mappings left stay held, so a test sees what the code left behind.
    public func close(_ fd: FileDescriptor) {
        let path = state.withLock { $0.fds[fd.rawValue] ?? "?" }
        _ = try? perform(.close, path, path) { s -> Result<Void, Errno> in
            s.fds[fd.rawValue] = nil
            return .success(())
        }
    }

    public func pread(_ fd: FileDescriptor, count: Int, offset: UInt64) throws(SystemError) -> [UInt8] {
        throw SystemError("pread", "fd \(fd.rawValue)", .invalidArgument)
    }
    public func pwrite(_ fd: FileDescriptor, _ bytes: [UInt8], offset: UInt64) throws(SystemError) -> Int {
        throw SystemError("pwrite", "fd \(fd.rawValue)", .invalidArgument)
    }
    public func readSmallFile(_ path: String) -> [UInt8]? { state.withLock { $0.files[path] } }
    public func isDirectory(_ path: String) -> Bool { false }
    public func effectiveUserID() -> UInt32 { 0 }

    // MARK: XenDeviceSystem: event channels

    /// 4096.
    public var pageSize: Int { 4096 }

    public func bindUnboundPort(_ fd: FileDescriptor, remoteDomain: UInt32) throws(SystemError) -> UInt32 {
        let port = state.withLock { $0.nextPort }
        return try perform(.bindUnbound, "port \(port)", Self.evtchn) { s in
            s.nextPort += 1
            s.ports[port] = (fd.rawValue, nil, remoteDomain)
            return .success(port)
        }
    }

    public func bindInterdomain(_ fd: FileDescriptor, remoteDomain: UInt32, remotePort: UInt32) throws(SystemError) -> UInt32 {
        let port = state.withLock { $0.nextPort }
        return try perform(.bindInterdomain, "port \(port) to \(remotePort)", Self.evtchn) { s in
            guard let remote = s.ports[remotePort], remote.peer == nil else { return .failure(.invalidArgument) }
            s.nextPort += 1
            s.ports[port] = (fd.rawValue, remotePort, remoteDomain)
            s.ports[remotePort] = (remote.fd, port, remote.remoteDomain)
            if s.bindNotifies { Self.raise(port, in: &s) }
            return .success(port)
        }
    }

    /// Puts `port` in its descriptor's ring unless it is masked (delivered, not yet unmasked).
    private static func raise(_ port: UInt32, in s: inout State) {
        guard let owner = s.ports[port], !s.masked.contains(port) else { return }
        s.masked.insert(port)
        s.ring[owner.fd, default: []].append(port)
    }

    public func unbindPort(_ fd: FileDescriptor, port: UInt32) throws(SystemError) {
        try perform(.unbind, "port \(port)", Self.evtchn) { s -> Result<Void, Errno> in
            guard let p = s.ports[port], p.fd == fd.rawValue else { return .failure(Errno(rawValue: 107)) }  // ENOTCONN
            s.ports[port] = nil
            if let peer = p.peer, let q = s.ports[peer] { s.ports[peer] = (q.fd, nil, q.remoteDomain) }
            s.masked.remove(port)
            s.ring[fd.rawValue]?.removeAll { $0 == port }
            return .success(())
        }
    }

    public func notifyPort(_ fd: FileDescriptor, port: UInt32) throws(SystemError) {
        try perform(.notify, "port \(port)", Self.evtchn) { s -> Result<Void, Errno> in
            guard let p = s.ports[port], p.fd == fd.rawValue else { return .failure(Errno(rawValue: 107)) }
            if let peer = p.peer, s.deliver { Self.raise(peer, in: &s) }
            return .success(())
        }
    }

    public func resetPorts(_ fd: FileDescriptor) throws(SystemError) {
        try perform(.reset, "fd \(fd.rawValue)", Self.evtchn) { s -> Result<Void, Errno> in
            s.ring[fd.rawValue] = []
            return .success(())
        }
    }

    public func waitReadable(_ fd: FileDescriptor, milliseconds: Int32) throws(SystemError) -> Bool {
        try perform(.wait, "\(milliseconds) ms", Self.evtchn) { s in .success(!(s.ring[fd.rawValue] ?? []).isEmpty) }
    }

    /// Returns the pending ports; with none pending it fails with EAGAIN (a fake cannot block).
    public func readPendingPorts(_ fd: FileDescriptor, maxPorts: Int) throws(SystemError) -> [UInt32] {
        try perform(.read, "fd \(fd.rawValue)", Self.evtchn) { s -> Result<[UInt32], Errno> in
            let ring = s.ring[fd.rawValue] ?? []
            guard !ring.isEmpty else { return .failure(Errno(rawValue: 11)) }
            let taken = Array(ring.prefix(maxPorts))
            s.ring[fd.rawValue] = Array(ring.dropFirst(taken.count))
            return .success(taken)
        }
    }

    public func unmaskPorts(_ fd: FileDescriptor, _ ports: [UInt32]) throws(SystemError) {
        try perform(.unmask, ports.map { "port \($0)" }.joined(separator: ","), Self.evtchn) { s -> Result<Void, Errno> in
            for p in ports where s.ports[p]?.fd == fd.rawValue { s.masked.remove(p) }
            return .success(())
        }
    }

    // MARK: XenDeviceSystem: grants

    public func allocateGrant(_ fd: FileDescriptor, to domain: UInt16, writable: Bool) throws(SystemError) -> (index: UInt64, ref: UInt32) {
        let ref = state.withLock { $0.nextRef }
        return try perform(.allocateGrant, "ref \(ref)", XenDevice.grantAllocator.path) { s in
            s.nextRef += 1
            let index = s.nextIndex
            s.nextIndex += 4096
            s.allocations[index] = ref
            s.grants[ref] = Grant(domain: domain, bytes: [UInt8](repeating: 0, count: 4096))
            return .success((index, ref))
        }
    }

    public func deallocateGrant(_ fd: FileDescriptor, index: UInt64) throws(SystemError) {
        try perform(.deallocateGrant, "index \(index)", XenDevice.grantAllocator.path) { s -> Result<Void, Errno> in
            guard s.allocations.removeValue(forKey: index) != nil else { return .failure(.invalidArgument) }
            return .success(())
        }
    }

    public func mapGrantReference(_ fd: FileDescriptor, domain: UInt16, ref: UInt32) throws(SystemError) -> UInt64 {
        try perform(.mapGrant, "ref \(ref) of domain \(domain)", XenDevice.grantMapper.path) { s -> Result<UInt64, Errno> in
            let index = s.nextMapIndex
            s.nextMapIndex += 4096
            s.grantMaps[index] = ref
            return .success(index)
        }
    }

    public func unmapGrantReference(_ fd: FileDescriptor, index: UInt64) throws(SystemError) {
        try perform(.unmapGrant, "index \(index)", XenDevice.grantMapper.path) { s -> Result<Void, Errno> in
            guard s.grantMaps.removeValue(forKey: index) != nil else { return .failure(.invalidArgument) }
            return .success(())
        }
    }

    /// A gntalloc page shows the granted bytes; a gntdev page too, when the grant exists, was
    /// made for `domainID` (else EINVAL, as Xen's GNTST_permission_denied reaches mmap) and
    /// `refuseSelfMap` is not set.
    public func mapDevicePage(_ fd: FileDescriptor, path: String, offset: UInt64) throws(SystemError) -> MappedRegion {
        let address: UInt64 = try perform(.mapPage, "\(path) index \(offset)", path) { s in
            let ref: UInt32
            if path == XenDevice.grantAllocator.path, let r = s.allocations[offset] {
                ref = r
            } else if path == XenDevice.grantMapper.path, let r = s.grantMaps[offset], let g = s.grants[r] {
                if let e = s.refuseSelfMap { return .failure(e) }
                guard g.domain == s.domainID else { return .failure(.invalidArgument) }
                if s.corruptMapping {
                    let copy = UInt32.max - r
                    s.grants[copy] = Grant(domain: g.domain, bytes: [UInt8](repeating: 0xee, count: 4096))
                    ref = copy
                } else {
                    ref = r
                }
            } else {
                return .failure(.invalidArgument)
            }
            let a = s.nextAddress
            s.nextAddress += 0x10000
            s.regions[a] = ref
            return .success(a)
        }
        return MappedRegion(address: address, length: 4096, origin: .simulated) { [self] address, _ in
            _ = try? perform(.unmapPage, "0x\(String(address, radix: 16))", "mapping") { s -> Result<Void, Errno> in
                s.regions[address] = nil
                return .success(())
            }
        }
    }

    public func load(_ region: MappedRegion, offset: Int, count: Int) -> [UInt8]? {
        guard !region.isReleased, offset >= 0, count >= 0, offset + count <= region.length else { return nil }
        return state.withLock { s in
            guard let ref = s.regions[region.address], let g = s.grants[ref] else { return nil }
            return Array(g.bytes[offset..<(offset + count)])
        }
    }

    public func store(_ region: MappedRegion, offset: Int, _ bytes: [UInt8]) -> Bool {
        guard !region.isReleased, offset >= 0, offset + bytes.count <= region.length else { return false }
        return state.withLock { s in
            guard let ref = s.regions[region.address], s.grants[ref] != nil else { return false }
            s.grants[ref]?.bytes.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
            return true
        }
    }

    // MARK: signals

    /// The signal forced by `signal(_:after:count:)`, once its call was made.
    public func caughtSignal() -> Int32? { state.withLock { $0.signal } }
    /// Records that the code under test asked to catch signals.
    public func catchInterruptions() { state.withLock { $0.catching = true } }
    /// True once `catchInterruptions()` was called.
    public var catchesInterruptions: Bool { state.withLock { $0.catching } }
}
