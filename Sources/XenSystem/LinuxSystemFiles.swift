// Writing whole files and standard output: what the CLI needs to hand out binary data
// (a hypercall plan for the test guest). Kept beside LinuxSystem.swift, the other file
// that talks to the kernel.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

public enum FileOutput {
    /// Creates or truncates `path` (mode 0644) and writes `bytes` to it.
    public static func write(_ bytes: [UInt8], to path: String) throws(SystemError) {
        let fd = unsafe Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw SystemError("open", path, .current) }
        defer { _ = Glibc.close(fd) }
        try writeAll(fd, bytes, path)
    }

    /// Writes `bytes` to standard output, unbuffered.
    public static func writeStandardOutput(_ bytes: [UInt8]) throws(SystemError) {
        try writeAll(1, bytes, "standard output")
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ name: String) throws(SystemError) {
        var done = 0
        while done < bytes.count {
            let n = unsafe bytes.withUnsafeBytes { raw in
                unsafe Glibc.write(fd, raw.baseAddress.map { unsafe $0 + done }, raw.count - done)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("write", name, .current)
            }
            done += n
        }
    }
}
