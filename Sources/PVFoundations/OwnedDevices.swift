import XenSystem

/// A port bound on an `EventChannelDevice`. Not copyable: it is unbound at most once, by
/// `EventChannelDevice.unbind(_:)`, which consumes it; one never unbound is unbound when its
/// device ends.
public struct EventChannelPort: ~Copyable, Sendable {
    /// The port number Xen gave (evtchn_port_t).
    public let number: UInt32
}

/// An open /dev/xen/evtchn that owns the ports bound through it: when it ends (normally, on an
/// error or after a signal) it unbinds every port still bound, then closes the descriptor, once.
public struct EventChannelDevice: ~Copyable {
    let system: any XenDeviceSystem
    let fd: FileDescriptor
    private(set) var bound: [UInt32] = []

    /// Opens the device; ENOENT means xen-evtchn is not loaded.
    public init(system: any XenDeviceSystem) throws(SystemError) {
        self.system = system
        fd = try system.open(XenDevice.eventChannel.path, .readWrite)
    }

    deinit {
        for port in bound.reversed() { try? system.unbindPort(fd, port: port) }
        system.close(fd)
    }

    /// IOCTL_EVTCHN_BIND_UNBOUND_PORT for `remoteDomain` (DOMID_SELF: a loopback).
    public mutating func bindUnbound(remoteDomain: UInt32) throws(SystemError) -> EventChannelPort {
        let port = try system.bindUnboundPort(fd, remoteDomain: remoteDomain)
        bound.append(port)
        return EventChannelPort(number: port)
    }

    /// IOCTL_EVTCHN_BIND_INTERDOMAIN to `remotePort` of `remoteDomain`.
    public mutating func bind(remoteDomain: UInt32, remotePort: UInt32) throws(SystemError) -> EventChannelPort {
        let port = try system.bindInterdomain(fd, remoteDomain: remoteDomain, remotePort: remotePort)
        bound.append(port)
        return EventChannelPort(number: port)
    }

    /// IOCTL_EVTCHN_UNBIND of a port of this device; it is no longer held even when the ioctl fails.
    public mutating func unbind(_ port: consuming EventChannelPort) throws(SystemError) {
        let number = port.number
        guard let i = bound.firstIndex(of: number) else {
            throw SystemError("IOCTL_EVTCHN_UNBIND", XenDevice.eventChannel.path, .invalidArgument)
        }
        bound.remove(at: i)
        try system.unbindPort(fd, port: number)
    }

    /// IOCTL_EVTCHN_NOTIFY over `port`.
    public func notify(_ port: borrowing EventChannelPort) throws(SystemError) {
        try system.notifyPort(fd, port: port.number)
    }

    /// Waits at most `milliseconds` for a pending port, then reads them; [] on timeout.
    public func pending(waitingAtMost milliseconds: Int32) throws(SystemError) -> [UInt32] {
        guard try system.waitReadable(fd, milliseconds: milliseconds) else { return [] }
        return try system.readPendingPorts(fd, maxPorts: 16)
    }

    /// Unmasks delivered ports (write(2) of their numbers).
    public func unmask(_ ports: [UInt32]) throws(SystemError) {
        try system.unmaskPorts(fd, ports)
    }

    /// The ports still bound, in binding order.
    public var boundPorts: [UInt32] { bound }
}

/// A page granted through a `GrantAllocatorDevice`, mapped in this process. Not copyable: it is
/// released (unmapped, then deallocated) at most once, by `GrantAllocatorDevice.release(_:)`;
/// one never released is released when its device ends.
public struct GrantedPage: ~Copyable {
    /// The grant reference another domain maps it by.
    public let ref: UInt32
    /// The domain it is granted to.
    public let domain: UInt16
    let index: UInt64
    let mapping: MappedRegion
}

/// An open /dev/xen/gntalloc that owns the pages granted through it: when it ends it unmaps and
/// deallocates every page still held, then closes the descriptor, once.
public struct GrantAllocatorDevice: ~Copyable {
    let system: any XenDeviceSystem
    let fd: FileDescriptor
    private var held: [(index: UInt64, mapping: MappedRegion)] = []

    /// Opens the device; ENOENT means xen-gntalloc is not loaded.
    public init(system: any XenDeviceSystem) throws(SystemError) {
        self.system = system
        fd = try system.open(XenDevice.grantAllocator.path, .readWrite)
    }

    deinit {
        for page in held.reversed() {
            page.mapping.release()
            try? system.deallocateGrant(fd, index: page.index)
        }
        system.close(fd)
    }

    /// IOCTL_GNTALLOC_ALLOC_GREF of one writable page for `domain`, then its mmap; when the mmap
    /// fails the grant is deallocated before the error is thrown.
    public mutating func grantPage(to domain: UInt16) throws(SystemError) -> GrantedPage {
        let (index, ref) = try system.allocateGrant(fd, to: domain, writable: true)
        let mapping: MappedRegion
        do throws(SystemError) {
            mapping = try system.mapDevicePage(fd, path: XenDevice.grantAllocator.path, offset: index)
        } catch {
            try? system.deallocateGrant(fd, index: index)
            throw error
        }
        held.append((index, mapping))
        return GrantedPage(ref: ref, domain: domain, index: index, mapping: mapping)
    }

    /// Writes `bytes` into the page at `offset`; false when out of bounds.
    public func write(_ page: borrowing GrantedPage, offset: Int, _ bytes: [UInt8]) -> Bool {
        system.store(page.mapping, offset: offset, bytes)
    }

    /// Reads `count` bytes of the page at `offset`; nil when out of bounds.
    public func read(_ page: borrowing GrantedPage, offset: Int, count: Int) -> [UInt8]? {
        system.load(page.mapping, offset: offset, count: count)
    }

    /// Unmaps the page, then IOCTL_GNTALLOC_DEALLOC_GREF; it is no longer held even when that fails.
    public mutating func release(_ page: consuming GrantedPage) throws(SystemError) {
        let index = page.index
        held.removeAll { $0.index == index }
        page.mapping.release()
        try system.deallocateGrant(fd, index: index)
    }

    /// How many pages are still held.
    public var heldCount: Int { held.count }
}

/// A grant of another domain (or of this one) mapped through a `GrantMapperDevice`. Not
/// copyable: it is unmapped at most once, by `GrantMapperDevice.unmap(_:)`; one never unmapped
/// is unmapped when its device ends.
public struct MappedGrant: ~Copyable {
    /// The grant reference it maps.
    public let ref: UInt32
    /// The domain that granted it.
    public let domain: UInt16
    let index: UInt64
    let mapping: MappedRegion
}

/// An open /dev/xen/gntdev that owns the grants mapped through it: when it ends it unmaps every
/// mapping still held (munmap, then IOCTL_GNTDEV_UNMAP_GRANT_REF), then closes the descriptor.
public struct GrantMapperDevice: ~Copyable {
    let system: any XenDeviceSystem
    let fd: FileDescriptor
    private var held: [(index: UInt64, mapping: MappedRegion?)] = []

    /// Opens the device; ENOENT means xen-gntdev is not loaded.
    public init(system: any XenDeviceSystem) throws(SystemError) {
        self.system = system
        fd = try system.open(XenDevice.grantMapper.path, .readWrite)
    }

    deinit {
        for grant in held.reversed() {
            grant.mapping?.release()
            try? system.unmapGrantReference(fd, index: grant.index)
        }
        system.close(fd)
    }

    /// IOCTL_GNTDEV_MAP_GRANT_REF of `ref` of `domain`, then the mmap that makes Xen map it (where
    /// a refusal shows: Linux turns Xen's GNTST_ status into the mmap's errno); when the mmap
    /// fails the reference is unmapped before the error is thrown.
    public mutating func map(ref: UInt32, of domain: UInt16) throws(SystemError) -> MappedGrant {
        let index = try system.mapGrantReference(fd, domain: domain, ref: ref)
        let mapping: MappedRegion
        do throws(SystemError) {
            mapping = try system.mapDevicePage(fd, path: XenDevice.grantMapper.path, offset: index)
        } catch {
            try? system.unmapGrantReference(fd, index: index)
            throw error
        }
        held.append((index, mapping))
        return MappedGrant(ref: ref, domain: domain, index: index, mapping: mapping)
    }

    /// Writes `bytes` through the mapping at `offset`; false when out of bounds.
    public func write(_ grant: borrowing MappedGrant, offset: Int, _ bytes: [UInt8]) -> Bool {
        system.store(grant.mapping, offset: offset, bytes)
    }

    /// Reads `count` bytes through the mapping at `offset`; nil when out of bounds.
    public func read(_ grant: borrowing MappedGrant, offset: Int, count: Int) -> [UInt8]? {
        system.load(grant.mapping, offset: offset, count: count)
    }

    /// munmap, then IOCTL_GNTDEV_UNMAP_GRANT_REF; it is no longer held even when that fails.
    public mutating func unmap(_ grant: consuming MappedGrant) throws(SystemError) {
        let index = grant.index
        held.removeAll { $0.index == index }
        grant.mapping.release()
        try system.unmapGrantReference(fd, index: index)
    }

    /// How many mappings are still held.
    public var heldCount: Int { held.count }
}
