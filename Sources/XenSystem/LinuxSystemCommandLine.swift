// What the CLI needs from libc beyond the system-call layer: standard error, glibc's getopt_long
// (so the drop-in parses exactly as Xen's C tool does), and whole files written atomically.
// Package-internal, not API: raw libc calls, so they live in the raw layer (LinuxSystem*.swift).
import CXenShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Standard error, written directly (no buffering, no Foundation).
package enum StandardError {
    package static func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = unsafe bytes.withUnsafeBytes { unsafe Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// glibc's getopt_long over this process's own argv, so that the xen-detect drop-in parses its
/// options exactly as Xen's C tool does (permutation, clustering, unique-prefix long options,
/// and getopt's own messages on stderr).
package enum GetoptLong {
    package struct Option: Sendable {
        package let name: String
        package let takesArgument: Bool
        package let code: Character
        package init(_ name: String, takesArgument: Bool = false, code: Character) {
            self.name = name; self.takesArgument = takesArgument; self.code = code
        }
    }

    /// Each option in order: its code ('?' for an unknown option or a missing argument) and argument.
    package static func parse(short: String, long: [Option]) -> [(code: Character, argument: String?)] {
        // The names must outlive every getopt_long call of the loop; freed after it (LeakSanitizer
        // reports them otherwise, and `swift test --sanitize=address` runs this binary).
        var table = unsafe long.map { o in
            unsafe option(name: strdup(o.name), has_arg: o.takesArgument ? required_argument : no_argument,
                   flag: nil, val: Int32(o.code.asciiValue ?? 0))
        }
        defer { for unsafe entry in unsafe table { unsafe free(UnsafeMutablePointer(mutating: entry.name)) } }
        unsafe table.append(option(name: nil, has_arg: 0, flag: nil, val: 0))
        var result: [(Character, String?)] = []
        xd_getopt_reset()
        unsafe table.withUnsafeBufferPointer { longopts in
            while true {
                let c = unsafe getopt_long(CommandLine.argc, CommandLine.unsafeArgv, short, longopts.baseAddress, nil)
                if c == -1 { break }
                let argument = unsafe xd_optarg().map { unsafe String(cString: $0) }
                result.append((Character(Unicode.Scalar(UInt8(truncatingIfNeeded: c))), argument))
            }
        }
        return result
    }
}

/// Whole files and standard output, for the binary data the CLI hands out (a hypercall plan).
package enum FileOutput {
    /// Writes `bytes` to `path` atomically: into a new file in the same directory (mode 0644),
    /// then renamed over `path`. Readers see the old file or the whole new one, never a part;
    /// on any failure the temporary file is removed and `path` is untouched.
    package static func write(_ bytes: [UInt8], to path: String) throws(SystemError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array((directory + "." + base + ".XXXXXX").utf8CString)
        let fd = unsafe template.withUnsafeMutableBufferPointer { unsafe mkstemp($0.baseAddress!) }
        if fd < 0 { throw SystemError("open", directory.isEmpty ? "." : directory, .current) }
        let temporary = unsafe template.withUnsafeBufferPointer { unsafe String(cString: $0.baseAddress!) }
        do throws(SystemError) {
            try writeAll(fd, bytes, temporary)
            if fchmod(fd, 0o644) != 0 { throw SystemError("chmod", temporary, .current) }
            if fsync(fd) != 0 { throw SystemError("fsync", temporary, .current) }
            if Glibc.close(fd) != 0 { throw SystemError("close", temporary, .current) }
        } catch {
            _ = Glibc.close(fd)
            _ = unsafe unlink(temporary)
            throw error
        }
        if unsafe rename(temporary, path) != 0 {
            let failure = SystemError("rename", path, .current)
            _ = unsafe unlink(temporary)
            throw failure
        }
    }

    /// Writes `bytes` to standard output, unbuffered.
    package static func writeStandardOutput(_ bytes: [UInt8]) throws(SystemError) {
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

/// What the build recorded about itself.
package enum BuildInfo {
    /// The commit the binary was built from, when the build named it (release builds do).
    package static var commit: String? { unsafe xd_build_commit().map { unsafe String(cString: $0) } }
}
