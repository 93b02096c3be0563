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

/// This process's command line, as glibc handed it to the constructors (CXenShim's early entry
/// captures it), so that it is known before the Swift runtime has started and without
/// /proc/self (the runtime's own CommandLine.arguments scans /proc/self/maps for it).
package enum ProcessArguments {
    /// The arguments after the program's name.
    package static var words: [String] {
        let count = Int(argc)
        guard count > 1 else { return [] }
        var words: [String] = []
        words.reserveCapacity(count - 1)
        for index in 1..<count {
            guard let word = unsafe argv[index] else { break }
            words.append(unsafe String(cString: word))
        }
        return words
    }

    /// How many arguments follow the program's name.
    package static var count: Int { max(Int(argc) - 1, 0) }

    /// The first argument after the program's name, when there is one.
    package static var first: String? {
        guard argc > 1, let word = unsafe argv[1] else { return nil }
        return unsafe String(cString: word)
    }

    static var argc: Int32 { unsafe xd_argv() == nil ? CommandLine.argc : xd_argc() }
    static var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        unsafe xd_argv() ?? CommandLine.unsafeArgv
    }
}

/// Standard output through C's stdio, as `print` writes it (buffered, flushed at exit), but
/// without `print`'s dynamic casts, which need the Swift runtime's registration of this image:
/// the drop-in writes its line before the runtime has started (CXenShim's early entry).
package enum StandardOutput {
    /// Writes `text` and a newline.
    package static func writeLine(_ text: String) {
        _ = unsafe puts(text)
    }
}

/// The end of a run that may still be inside the constructors (CXenShim's early entry): standard
/// output flushed, then _exit. exit(3) would run the destructors of constructors that have not
/// run yet (the C runtime's frame deregistration aborts then).
package enum ProcessEnd {
    /// Flushes C's output streams and ends the process with `status`.
    package static func exit(_ status: Int32) -> Never {
        _ = fflush(nil)
        _exit(status)
    }
}

/// glibc's getopt_long over this process's own argv, so that the xen-detect drop-in parses its
/// options exactly as Xen's C tool does (permutation, clustering, unique-prefix long options,
/// and getopt's own messages on stderr).
package enum GetoptLong {
    /// Each option of the drop-in's table (CXenShim's `xd_dropin_long_options`: Xen's own, then
    /// this tool's), in command-line order: its code ('?' for an unknown option or a missing
    /// argument, ':' never) and its argument. No arrays: the early entry parses with it before
    /// the Swift runtime has started.
    package static func forEachDropInOption(_ body: (_ code: UInt8, _ argument: String?) -> Void) {
        xd_getopt_reset()
        while true {
            let c = unsafe getopt_long(ProcessArguments.argc, ProcessArguments.argv, xd_dropin_short_options(),
                                       xd_dropin_long_options(), nil)
            if c == -1 { break }
            let argument = unsafe xd_optarg().map { unsafe String(cString: $0) }
            body(UInt8(truncatingIfNeeded: c), argument)
        }
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
