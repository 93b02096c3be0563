import Synchronization
import XenSystem

/// A fake `SystemCalls` for tests: files and devices are in-memory byte arrays, errors can be
/// forced per path, and every call is recorded so a test can assert what was (not) written.
/// It never touches the kernel.
public final class RecordingSystem: SystemCalls, Sendable {
    /// One recorded call, with the path of the descriptor it used.
    public enum Call: Equatable, Sendable {
        /// `open(path, mode)`, recorded whether or not it succeeded.
        case open(String, OpenMode)
        /// `close` of the descriptor opened as this path ("?" for an unknown descriptor).
        case close(String)
        /// `pread` on the path: the byte count and the offset (a CPUID leaf or an MSR number).
        case pread(String, count: Int, offset: UInt64)
        /// `pwrite` on the path: the bytes and the offset, recorded even when `writeErrors` fails it.
        case pwrite(String, bytes: [UInt8], offset: UInt64)
        /// `readSmallFile(path)`.
        case readSmallFile(String)
        /// `isDirectory(path)`.
        case isDirectory(String)
    }

    /// Everything the fake holds, behind one lock: tests may drive it from many threads.
    struct State {
        var files: [String: [UInt8]] = [:]
        var directories: Set<String> = []
        var devices: [String: @Sendable (UInt64, Int) -> [UInt8]] = [:]
        var openErrors: [String: Errno] = [:]
        var writeErrors: [String: Errno] = [:]
        var euid: UInt32 = 0
        var calls: [Call] = []
        var open: [Int32: String] = [:]
        var nextFD: Int32 = 100
    }
    private let state = Mutex(State())

    /// Regular files and sysfs/procfs values by path.
    public var files: [String: [UInt8]] {
        get { state.withLock { $0.files } }
        set { state.withLock { $0.files = newValue } }
    }
    /// Directories that exist.
    public var directories: Set<String> {
        get { state.withLock { $0.directories } }
        set { state.withLock { $0.directories = newValue } }
    }
    /// Device contents by path: pread at an offset returns `device(path, offset)`.
    public var devices: [String: @Sendable (UInt64, Int) -> [UInt8]] {
        get { state.withLock { $0.devices } }
        set { state.withLock { $0.devices = newValue } }
    }
    /// Errors forced on open of a path.
    public var openErrors: [String: Errno] {
        get { state.withLock { $0.openErrors } }
        set { state.withLock { $0.openErrors = newValue } }
    }
    /// Errors forced on pwrite to a path.
    public var writeErrors: [String: Errno] {
        get { state.withLock { $0.writeErrors } }
        set { state.withLock { $0.writeErrors = newValue } }
    }
    /// The effective user id the fake reports.
    public var euid: UInt32 {
        get { state.withLock { $0.euid } }
        set { state.withLock { $0.euid = newValue } }
    }
    /// Every call made, in order.
    public var calls: [Call] { state.withLock { $0.calls } }

    /// An empty fake: no files, directories or devices, euid 0 (root).
    public init() {}

    /// Adds a text file (a sysfs value gets its trailing newline from the caller).
    public func addFile(_ path: String, _ text: String) { files[path] = Array(text.utf8) }

    /// Records the open; fails with the path's `openErrors` entry, or ENOENT unless `files` or
    /// `devices` holds the path.
    public func open(_ path: String, _ mode: OpenMode) throws(SystemError) -> FileDescriptor {
        let result: Result<FileDescriptor, SystemError> = state.withLock { s in
            s.calls.append(.open(path, mode))
            if let e = s.openErrors[path] { return .failure(SystemError("open", path, e)) }
            guard s.files[path] != nil || s.devices[path] != nil else { return .failure(SystemError("open", path, .noSuchFile)) }
            s.nextFD += 1
            s.open[s.nextFD] = path
            return .success(FileDescriptor(rawValue: s.nextFD))
        }
        return try result.get()
    }

    /// Records the close and forgets the descriptor.
    public func close(_ fd: FileDescriptor) {
        state.withLock { s in
            s.calls.append(.close(s.open[fd.rawValue] ?? "?"))
            s.open[fd.rawValue] = nil
        }
    }

    /// Records the read; a device answers through its closure, a file with the bytes at `offset`
    /// (fewer at the end). An unknown descriptor fails with EBADF.
    public func pread(_ fd: FileDescriptor, count: Int, offset: UInt64) throws(SystemError) -> [UInt8] {
        let found: (String, (@Sendable (UInt64, Int) -> [UInt8])?, [UInt8])? = state.withLock { s in
            guard let path = s.open[fd.rawValue] else { return nil }
            s.calls.append(.pread(path, count: count, offset: offset))
            return (path, s.devices[path], s.files[path] ?? [])
        }
        guard let (_, device, bytes) = found else { throw SystemError("pread", "fd \(fd.rawValue)", Errno(rawValue: 9)) }
        if let device { return device(offset, count) }  // outside the lock: the closure may call back
        guard offset < UInt64(bytes.count) else { return [] }
        let start = Int(offset)
        return Array(bytes[start..<min(bytes.count, start + count)])
    }

    /// Records the write, then fails with the path's `writeErrors` entry or reports it whole; the
    /// fake's files are not changed.
    public func pwrite(_ fd: FileDescriptor, _ bytes: [UInt8], offset: UInt64) throws(SystemError) -> Int {
        let result: Result<Int, SystemError> = state.withLock { s in
            guard let path = s.open[fd.rawValue] else { return .failure(SystemError("pwrite", "fd \(fd.rawValue)", Errno(rawValue: 9))) }
            s.calls.append(.pwrite(path, bytes: bytes, offset: offset))
            if let e = s.writeErrors[path] { return .failure(SystemError("pwrite", path, e)) }
            return .success(bytes.count)
        }
        return try result.get()
    }

    /// Records the call and returns the path's entry in `files`.
    public func readSmallFile(_ path: String) -> [UInt8]? {
        state.withLock { s in
            s.calls.append(.readSmallFile(path))
            return s.files[path]
        }
    }

    /// Records the call; true when `directories` holds the path.
    public func isDirectory(_ path: String) -> Bool {
        state.withLock { s in
            s.calls.append(.isDirectory(path))
            return s.directories.contains(path)
        }
    }

    /// `euid` (not recorded).
    public func effectiveUserID() -> UInt32 { euid }

    /// Every pwrite the code under test made.
    public var writes: [Call] {
        calls.filter { if case .pwrite = $0 { return true } else { return false } }
    }
}
