import XenSystem

/// A fake `SystemCalls` for tests: files and devices are in-memory byte arrays, errors can be
/// forced per path, and every call is recorded so a test can assert what was (not) written.
/// It never touches the kernel.
public final class RecordingSystem: SystemCalls, @unchecked Sendable {
    public enum Call: Equatable, Sendable {
        case open(String, OpenMode)
        case close(String)
        case pread(String, count: Int, offset: UInt64)
        case pwrite(String, bytes: [UInt8], offset: UInt64)
        case readSmallFile(String)
        case isDirectory(String)
    }

    /// Regular files and sysfs/procfs values by path.
    public var files: [String: [UInt8]] = [:]
    /// Directories that exist.
    public var directories: Set<String> = []
    /// Device contents by path: pread at an offset returns `device(path, offset)`.
    public var devices: [String: (UInt64, Int) -> [UInt8]] = [:]
    /// Errors forced on open of a path.
    public var openErrors: [String: Errno] = [:]
    /// Errors forced on pwrite to a path.
    public var writeErrors: [String: Errno] = [:]
    public var euid: UInt32 = 0
    public private(set) var calls: [Call] = []
    private var open: [Int32: String] = [:]
    private var nextFD: Int32 = 100

    public init() {}

    /// Adds a text file (a sysfs value gets its trailing newline from the caller).
    public func addFile(_ path: String, _ text: String) { files[path] = Array(text.utf8) }

    public func open(_ path: String, _ mode: OpenMode) throws(SystemError) -> FileDescriptor {
        calls.append(.open(path, mode))
        if let e = openErrors[path] { throw SystemError("open", path, e) }
        guard files[path] != nil || devices[path] != nil else { throw SystemError("open", path, .noSuchFile) }
        nextFD += 1
        open[nextFD] = path
        return FileDescriptor(rawValue: nextFD)
    }

    public func close(_ fd: FileDescriptor) {
        calls.append(.close(open[fd.rawValue] ?? "?"))
        open[fd.rawValue] = nil
    }

    public func pread(_ fd: FileDescriptor, count: Int, offset: UInt64) throws(SystemError) -> [UInt8] {
        guard let path = open[fd.rawValue] else { throw SystemError("pread", "fd \(fd.rawValue)", Errno(rawValue: 9)) }
        calls.append(.pread(path, count: count, offset: offset))
        if let device = devices[path] { return device(offset, count) }
        let bytes = files[path] ?? []
        guard offset < UInt64(bytes.count) else { return [] }
        let start = Int(offset)
        return Array(bytes[start..<min(bytes.count, start + count)])
    }

    public func pwrite(_ fd: FileDescriptor, _ bytes: [UInt8], offset: UInt64) throws(SystemError) -> Int {
        guard let path = open[fd.rawValue] else { throw SystemError("pwrite", "fd \(fd.rawValue)", Errno(rawValue: 9)) }
        calls.append(.pwrite(path, bytes: bytes, offset: offset))
        if let e = writeErrors[path] { throw SystemError("pwrite", path, e) }
        return bytes.count
    }

    public func readSmallFile(_ path: String) -> [UInt8]? {
        calls.append(.readSmallFile(path))
        return files[path]
    }

    public func isDirectory(_ path: String) -> Bool {
        calls.append(.isDirectory(path))
        return directories.contains(path)
    }

    public func effectiveUserID() -> UInt32 { euid }

    /// Every pwrite the code under test made.
    public var writes: [Call] {
        calls.filter { if case .pwrite = $0 { return true } else { return false } }
    }
}
