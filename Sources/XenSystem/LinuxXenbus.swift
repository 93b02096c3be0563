// The real calls on Linux's /dev/xen/xenbus (drivers/xen/xenbus/xenbus_dev_frontend.c, built into
// every Xen-enabled kernel): a user-space xenstore connection through the kernel's own. Unsafe
// Swift for it lives here only.
#if canImport(Glibc)
import Glibc
#endif

/// The calls a xenstore client makes on an open /dev/xen/xenbus: one protocol, so everything
/// above it runs against a fake. The kernel takes a request whole (header and payload, written
/// at once), forwards it to xenstored and queues the reply for read(2); poll(2) says when one is
/// queued. Every failure carries errno.
public protocol XenbusCalls: SystemCalls {
    /// write(2) of one whole message; returns the bytes the kernel took.
    func writeMessage(_ fd: FileDescriptor, _ bytes: [UInt8]) throws(SystemError) -> Int
    /// Waits at most `milliseconds` until a reply can be read (poll(2), not restarted): true when
    /// one can, false on timeout.
    func waitForReply(_ fd: FileDescriptor, milliseconds: Int32) throws(SystemError) -> Bool
    /// read(2) of at most `count` bytes of the queued replies (fewer when fewer are queued).
    func readReply(_ fd: FileDescriptor, count: Int) throws(SystemError) -> [UInt8]
}

extension LinuxSystem: XenbusCalls {
    /// The device, as errors name it.
    static let xenbusPath = "/dev/xen/xenbus"

    public func writeMessage(_ fd: FileDescriptor, _ bytes: [UInt8]) throws(SystemError) -> Int {
        while true {
            let n = unsafe bytes.withUnsafeBytes { unsafe Glibc.write(fd.rawValue, $0.baseAddress, $0.count) }
            if n >= 0 { return n }
            let e = Errno.current
            if e != .interrupted { throw SystemError("write", Self.xenbusPath, e) }
        }
    }

    public func waitForReply(_ fd: FileDescriptor, milliseconds: Int32) throws(SystemError) -> Bool {
        var entry = pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)
        let r = unsafe poll(&entry, 1, milliseconds)
        if r < 0 { throw SystemError("poll", Self.xenbusPath, .current) }
        return r > 0
    }

    public func readReply(_ fd: FileDescriptor, count: Int) throws(SystemError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max(1, count))
        let n = unsafe buffer.withUnsafeMutableBytes { unsafe Glibc.read(fd.rawValue, $0.baseAddress, $0.count) }
        if n < 0 { throw SystemError("read", Self.xenbusPath, .current) }
        buffer.removeSubrange(n...)
        return buffer
    }
}
