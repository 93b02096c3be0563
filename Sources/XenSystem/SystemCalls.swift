/// How a device or file is opened.
public enum OpenMode: Sendable, Equatable {
    /// O_RDONLY: reads only (CPUID and pagemap reads, sysfs values).
    case readOnly
    /// O_RDWR: reads and writes (the MSR device, the privcmd and hypercall-buffer devices).
    case readWrite
}

/// An open file descriptor, as a value; only a `SystemCalls` gives one out.
public struct FileDescriptor: Hashable, Sendable {
    /// The kernel's descriptor number (>= 0 for a descriptor `open` returned).
    public let rawValue: Int32
    /// Wraps a number; only a `SystemCalls` implementation should make one, from its own open.
    public init(rawValue: Int32) { self.rawValue = rawValue }
}

/// The system calls this toolkit makes, one protocol so that everything above it is plain
/// Swift a test can drive with a recording fake (no kernel, no Xen): `LinuxSystem` is the
/// real one and the only code that touches the kernel.
public protocol SystemCalls: Sendable {
    /// Opens `path` (open(2) with O_CLOEXEC, retried on EINTR); the error names the path and errno.
    func open(_ path: String, _ mode: OpenMode) throws(SystemError) -> FileDescriptor
    /// Closes a descriptor `open` returned; errors are ignored (nothing useful can follow them).
    func close(_ fd: FileDescriptor)
    /// Reads up to `count` bytes at `offset`. A short read returns fewer bytes.
    func pread(_ fd: FileDescriptor, count: Int, offset: UInt64) throws(SystemError) -> [UInt8]
    /// Writes `bytes` at `offset`; returns how many were written.
    func pwrite(_ fd: FileDescriptor, _ bytes: [UInt8], offset: UInt64) throws(SystemError) -> Int
    /// The whole content of a small file (sysfs, procfs): nil when it cannot be read.
    func readSmallFile(_ path: String) -> [UInt8]?
    /// True when `path` names a directory.
    func isDirectory(_ path: String) -> Bool
    /// The effective user id.
    func effectiveUserID() -> UInt32
}

extension SystemCalls {
    /// Opens `path`, runs `body`, and closes the descriptor whatever happens.
    public func withOpened<R>(
        _ path: String, _ mode: OpenMode,
        _ body: (FileDescriptor) throws(SystemError) -> R
    ) throws(SystemError) -> R {
        let fd = try open(path, mode)
        defer { close(fd) }
        return try body(fd)
    }

    /// A small text file without its trailing newline, as sysfs publishes values.
    public func readLine(_ path: String) -> String? {
        guard var bytes = readSmallFile(path) else { return nil }
        if bytes.last == 0x0a { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension SystemCalls {
    /// A whole regular file, at most `limit` bytes; more is an error, never a silent truncation.
    public func readWholeFile(_ path: String, limit: Int) throws(SystemError) -> [UInt8] {
        try withOpened(path, .readOnly) { fd throws(SystemError) -> [UInt8] in
            var result: [UInt8] = []
            while true {
                let chunk: [UInt8]
                do throws(SystemError) {
                    chunk = try pread(fd, count: 65536, offset: UInt64(result.count))
                } catch {
                    // pread names the descriptor; the message must name the file (e.g. a directory).
                    throw SystemError("read", path, error.errno)
                }
                if chunk.isEmpty { return result }
                result += chunk
                if result.count > limit { throw SystemError("read", path, .fileTooLarge) }
            }
        }
    }
}
