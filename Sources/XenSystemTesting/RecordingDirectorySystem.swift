import Synchronization
import XenSystem

/// A fake `DirectoryCalls` over a `RecordingSystem`: the files, directories and errors are the
/// base's (every `SystemCalls` call goes to it and is recorded there), symbolic links are this
/// fake's own, and a directory lists the names of the files, directories and links directly in
/// it. `load(recording:)` fills both from a sysfs recording made in a real guest.
public final class RecordingDirectorySystem: DirectoryCalls, Sendable {
    /// One recorded directory call (the base records the others).
    public enum Call: Equatable, Sendable {
        /// `listDirectory(path)`.
        case listDirectory(String)
        /// `readLink(path)`.
        case readLink(String)
    }

    /// The files, directories, devices and errors, and the record of their calls.
    public let base: RecordingSystem
    private struct State {
        var links: [String: String] = [:]
        var calls: [Call] = []
    }
    private let state = Mutex(State())

    /// A fake over `base` (a new empty one by default), without links.
    public init(base: RecordingSystem = RecordingSystem()) { self.base = base }

    /// Symbolic links: path -> target as readlink returns it.
    public var links: [String: String] {
        get { state.withLock { $0.links } }
        set { state.withLock { $0.links = newValue } }
    }
    /// The directory calls made, in order.
    public var calls: [Call] { state.withLock { $0.calls } }

    /// Adds a link and the directories above it.
    public func addLink(_ path: String, _ target: String) {
        links[path] = target
        addParents(of: path)
    }

    /// Adds a file (as `RecordingSystem.addFile`) and the directories above it.
    public func addFile(_ path: String, _ text: String) {
        base.addFile(path, text)
        addParents(of: path)
    }

    /// Adds a directory and the ones above it.
    public func addDirectory(_ path: String) {
        base.directories.insert(path)
        addParents(of: path)
    }

    private func addParents(of path: String) {
        var p = path
        while let slash = p.lastIndex(of: "/"), slash != p.startIndex {
            p = String(p[..<slash])
            base.directories.insert(p)
        }
    }

    /// Loads a recording, one entry a line (`#` starts a comment):
    ///   `D <path>`           a directory
    ///   `L <path> <target>`  a symbolic link
    ///   `F <path> <text>`    a file; in the text `\n` is a newline, `\t` a tab, `\\` a backslash
    /// Paths hold no blanks (sysfs and procfs paths do not). A malformed line is an error naming it.
    public func load(recording: String) throws(RecordingError) {
        for (number, line) in recording.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            switch (parts.first, parts.count) {
            case ("D", 2): addDirectory(parts[1])
            case ("L", 3): addLink(parts[1], parts[2])
            case ("F", 3): addFile(parts[1], Self.unescape(parts[2]))
            case ("F", 2): addFile(parts[1], "")
            default: throw RecordingError(line: number + 1, text: String(line))
            }
        }
    }

    /// A line of a recording that is none of D, L, F.
    public struct RecordingError: Error, Equatable, CustomStringConvertible {
        /// Its number, from 1.
        public let line: Int
        /// Its text.
        public let text: String
        /// "recording line N: TEXT".
        public var description: String { "recording line \(line): not D, L or F: \(text)" }
        /// The error for line `line` (from 1) with `text`.
        public init(line: Int, text: String) { self.line = line; self.text = text }
    }

    static func unescape(_ text: String) -> String {
        var out = ""
        var escaped = false
        for c in text {
            if escaped {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    // MARK: DirectoryCalls

    /// Records the call; the sorted names directly below `path`. ENOTDIR for a file, ENOENT
    /// unless `path` is a directory.
    public func listDirectory(_ path: String) throws(SystemError) -> [String] {
        state.withLock { $0.calls.append(.listDirectory(path)) }
        let files = base.files, directories = base.directories, links = self.links
        if files[path] != nil { throw SystemError("opendir", path, Errno(rawValue: 20)) }  // ENOTDIR
        guard directories.contains(path) else { throw SystemError("opendir", path, .noSuchFile) }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        var names: Set<String> = []
        for key in Array(files.keys) + Array(directories) + Array(links.keys) where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            if let name = rest.split(separator: "/").first { names.insert(String(name)) }
        }
        return names.sorted()
    }

    /// Records the call; the link's target, EINVAL for a file or directory, else ENOENT.
    public func readLink(_ path: String) throws(SystemError) -> String {
        state.withLock { $0.calls.append(.readLink(path)) }
        if let target = links[path] { return target }
        if base.files[path] != nil || base.directories.contains(path) {
            throw SystemError("readlink", path, .invalidArgument)
        }
        throw SystemError("readlink", path, .noSuchFile)
    }

    // MARK: SystemCalls, forwarded to the base

    /// The base's `open`.
    public func open(_ path: String, _ mode: OpenMode) throws(SystemError) -> FileDescriptor { try base.open(path, mode) }
    /// The base's `close`.
    public func close(_ fd: FileDescriptor) { base.close(fd) }
    /// The base's `pread`.
    public func pread(_ fd: FileDescriptor, count: Int, offset: UInt64) throws(SystemError) -> [UInt8] {
        try base.pread(fd, count: count, offset: offset)
    }
    /// The base's `pwrite`.
    public func pwrite(_ fd: FileDescriptor, _ bytes: [UInt8], offset: UInt64) throws(SystemError) -> Int {
        try base.pwrite(fd, bytes, offset: offset)
    }
    /// The base's `readSmallFile`.
    public func readSmallFile(_ path: String) -> [UInt8]? { base.readSmallFile(path) }
    /// The base's `isDirectory`.
    public func isDirectory(_ path: String) -> Bool { base.isDirectory(path) }
    /// The base's `effectiveUserID`.
    public func effectiveUserID() -> UInt32 { base.effectiveUserID() }
}
