// The one Swift file that talks to the kernel. Everything else goes through `SystemCalls`.
import CXenShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The real system calls.
public struct LinuxSystem: SystemCalls {
    /// The real system; it holds no state (every call goes to the kernel).
    public init() {}

    /// open(2) with O_CLOEXEC, O_RDONLY or O_RDWR, retried on EINTR.
    public func open(_ path: String, _ mode: OpenMode) throws(SystemError) -> FileDescriptor {
        let flags: Int32 = (mode == .readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC
        while true {
            let fd = unsafe Glibc.open(path, flags)
            if fd >= 0 { return FileDescriptor(rawValue: fd) }
            let e = Errno.current
            if e != .interrupted { throw SystemError("open", path, e) }
        }
    }

    /// close(2); its result is ignored.
    public func close(_ fd: FileDescriptor) {
        _ = Glibc.close(fd.rawValue)
    }

    /// One pread(2) of up to `count` bytes at `offset`, retried on EINTR; a short read returns fewer
    /// bytes. On /dev/cpu/N/msr the offset is the MSR; on /dev/cpu/N/cpuid, the leaf, with the
    /// subleaf in the high 32 bits (Linux arch/x86/kernel/msr.c, cpuid.c).
    public func pread(_ fd: FileDescriptor, count: Int, offset: UInt64) throws(SystemError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let n: Int = unsafe buffer.withUnsafeMutableBytes { raw in
            while true {
                let r = unsafe Glibc.pread(fd.rawValue, raw.baseAddress, raw.count, off_t(Int64(bitPattern: offset)))
                if r >= 0 || errno != EINTR { return r }
            }
        }
        if n < 0 { throw SystemError("pread", "fd \(fd.rawValue) at 0x\(String(offset, radix: 16))", .current) }
        buffer.removeSubrange(n...)
        return buffer
    }

    /// One pwrite(2) of `bytes` at `offset`, retried on EINTR; returns the count written.
    public func pwrite(_ fd: FileDescriptor, _ bytes: [UInt8], offset: UInt64) throws(SystemError) -> Int {
        let n: Int = unsafe bytes.withUnsafeBytes { raw in
            while true {
                let r = unsafe Glibc.pwrite(fd.rawValue, raw.baseAddress, raw.count, off_t(Int64(bitPattern: offset)))
                if r >= 0 || errno != EINTR { return r }
            }
        }
        if n < 0 { throw SystemError("pwrite", "fd \(fd.rawValue) at 0x\(String(offset, radix: 16))", .current) }
        return n
    }

    /// read(2) to end of file in 4 KiB chunks; nil when it cannot be opened or read, or exceeds 1 MiB.
    public func readSmallFile(_ path: String) -> [UInt8]? {
        // withCString: a short path is copied to the stack, not into an array (the drop-in reads
        // sysfs before the Swift runtime has started).
        let fd = unsafe path.withCString { unsafe Glibc.open($0, O_RDONLY | O_CLOEXEC) }
        if fd < 0 { return nil }
        defer { _ = Glibc.close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = unsafe chunk.withUnsafeMutableBytes { unsafe Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
            if result.count > 1 << 20 { return nil }  // not a small file
        }
        return result
    }

    /// stat(2) follows symbolic links: true for a directory or a link to one.
    public func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return unsafe path.withCString { unsafe stat($0, &st) } == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// geteuid(2).
    public func effectiveUserID() -> UInt32 { geteuid() }
}
