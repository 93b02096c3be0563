import Synchronization
import XenSystem

/// A fake `HypervisorCalls` for tests: a superset of `RecordingSystem` that records every call
/// and simulates just enough of Linux and Xen for the hypercall work — files and directories,
/// locked pages and hypercall-buffer pages with guest frames in /proc/self/pagemap (and, when
/// asked, /proc/kpageflags), an MSR device whose write of the hypercall MSR makes "Xen" fill the
/// page at the written frame, and privcmd hypercalls answered by a closure that may read and
/// write argument buffers. It never touches the kernel: a test asserts "refused, writing
/// nothing" with `pwrites.isEmpty` and `msrOpens.isEmpty`.
public final class RecordingHypervisorSystem: StubExecution, Sendable {
    /// One recorded call, with the path of the descriptor it used.
    public enum Call: Equatable, Sendable {
        /// `open(path, mode)`, recorded whether or not it succeeded.
        case open(String, OpenMode)
        /// `pread` on the descriptor opened as the path: byte count and file offset (an MSR number).
        case pread(String, count: Int, offset: UInt64)
        /// `pwrite` on the descriptor opened as the path: the bytes and the offset (an MSR write).
        case pwrite(String, [UInt8], offset: UInt64)
        /// `mapLockedAnonymous(length:)`, with the length in bytes.
        case mapLocked(Int)
        /// `mapDevice` of the path, with the length in bytes.
        case mapDevice(String, Int)
        /// A mapping released, by its start address.
        case unmap(UInt64)
        /// `protect` of the mapping at this start address.
        case protect(UInt64, PageProtection)
        /// `privcmdHypercall`: the hypercall number and the arguments as passed.
        case hypercall(op: UInt64, [UInt64])
        /// `callEntry` of the mapping at this start address: the byte offset and the arguments.
        case callEntry(UInt64, offset: Int, [UInt64])
    }

    /// How "Xen" answers a privcmd hypercall: `(op, arguments, write, read) -> rc`, where
    /// `write(address, bytes)` stores into a live mapping (false when no mapping holds the range)
    /// and `read(address, count)` copies out of one.
    public typealias Hypervisor = @Sendable (UInt64, [UInt64], (UInt64, [UInt8]) -> Bool, (UInt64, Int) -> [UInt8]?) -> Int64

    /// Everything the fake holds, behind one lock: tests may drive it from many threads.
    struct State {
        var calls: [Call] = []
        var euid: UInt32 = 0
        var devices: Set<String> = [PageFrameFiles.pagemapPath]
        var moveFramesOnMSRWrite = false
        var kpageflags: UInt64? = nil
        var pageSize = 4096
        var openErrors: [String: Errno] = [:]
        var directories: Set<String> = ["/sys/devices/system/cpu/cpu0", "/sys/devices/system/cpu/cpu1"]
        var files: [String: [UInt8]] = [:]
        var nextFrame: UInt64 = 0x12345
        var hideFrames = false
        var xenPage: [UInt8]? = nil
        var hypercallMSR: UInt64 = 0x4000_0000
        var hypervisor: Hypervisor = { _, _, _, _ in -38 }
        var entryResult: Int64 = -1
        var executed: [[UInt8]] = []
        var nextAddress: UInt64 = 0x7f00_0000_0000
        var memory: [UInt64: [UInt8]] = [:]  // region start -> bytes
        var frames: [UInt64: UInt64] = [:]   // virtual page number -> frame
        var fds: [Int32: String] = [:]
        var nextFD: Int32 = 3
    }
    private let state = Mutex(State())

    private func access<T: Sendable>(_ keyPath: WritableKeyPath<State, T> & Sendable) -> T { state.withLock { $0[keyPath: keyPath] } }
    private func assign<T: Sendable>(_ keyPath: WritableKeyPath<State, T> & Sendable, _ value: T) { state.withLock { $0[keyPath: keyPath] = value } }

    /// A fake with no Xen: privcmd answers -ENOSYS (38), the MSR write fills nothing.
    public init() {}

    /// Every call made, in order.
    public var calls: [Call] { access(\.calls) }
    /// The effective user id the fake reports (0: root).
    public var euid: UInt32 { get { access(\.euid) } set { assign(\.euid, newValue) } }
    /// Paths that open; any other path fails with ENOENT. /proc/self/pagemap is there from the start.
    public var devices: Set<String> { get { access(\.devices) } set { assign(\.devices, newValue) } }
    /// Simulates a migration the install must catch: the MSR write moves every page to a new frame.
    public var moveFramesOnMSRWrite: Bool {
        get { access(\.moveFramesOnMSRWrite) } set { assign(\.moveFramesOnMSRWrite, newValue) }
    }
    /// /proc/kpageflags' entry for every frame; setting one publishes the file.
    public var kpageflags: UInt64? {
        get { access(\.kpageflags) }
        set {
            state.withLock {
                $0.kpageflags = newValue
                if newValue != nil { $0.devices.insert(PageFrameFiles.kpageflagsPath) }
            }
        }
    }
    /// The page size the fake reports (sysconf(_SC_PAGESIZE)).
    public var pageSize: Int { get { access(\.pageSize) } set { assign(\.pageSize, newValue) } }
    /// Paths whose open fails with this errno.
    public var openErrors: [String: Errno] { get { access(\.openErrors) } set { assign(\.openErrors, newValue) } }
    /// Directories that exist.
    public var directories: Set<String> { get { access(\.directories) } set { assign(\.directories, newValue) } }
    /// Regular files and sysfs/procfs values by path.
    public var files: [String: [UInt8]] { get { access(\.files) } set { assign(\.files, newValue) } }
    /// The guest frame the next mapping gets; frames are handed out one after another.
    public var nextFrame: UInt64 { get { access(\.nextFrame) } set { assign(\.nextFrame, newValue) } }
    /// Pagemap entries read with a zero frame (what a process without CAP_SYS_ADMIN sees).
    public var hideFrames: Bool { get { access(\.hideFrames) } set { assign(\.hideFrames, newValue) } }
    /// What "Xen" writes into the page at the frame written to the hypercall MSR; nil: nothing.
    public var xenPage: [UInt8]? { get { access(\.xenPage) } set { assign(\.xenPage, newValue) } }
    /// The MSR whose write makes "Xen" fill the page.
    public var hypercallMSR: UInt64 { get { access(\.hypercallMSR) } set { assign(\.hypercallMSR, newValue) } }
    /// Answers privcmd hypercalls; the default answers -ENOSYS.
    public var hypervisor: Hypervisor { get { access(\.hypervisor) } set { assign(\.hypervisor, newValue) } }
    /// What calling an entry of an executable mapping returns.
    public var entryResult: Int64 { get { access(\.entryResult) } set { assign(\.entryResult, newValue) } }
    /// The whole region's bytes at each `callEntry`: what would have run.
    public var executed: [[UInt8]] { access(\.executed) }

    private func record(_ call: Call) { state.withLock { $0.calls.append(call) } }

    /// The recorded pwrites (an MSR write is one).
    public var pwrites: [Call] { calls.filter { if case .pwrite = $0 { true } else { false } } }
    /// The recorded opens of an MSR device.
    public var msrOpens: [Call] { calls.filter { if case .open(let p, _) = $0 { p.hasSuffix("/msr") } else { false } } }
    /// How many mappings were released.
    public var unmapCount: Int { calls.filter { if case .unmap = $0 { true } else { false } }.count }

    // MARK: SystemCalls

    /// Records the open; fails with the path's `openErrors` entry, or ENOENT unless it is in `devices`.
    public func open(_ path: String, _ mode: OpenMode) throws(SystemError) -> FileDescriptor {
        record(.open(path, mode))
        let (error, present) = state.withLock { ($0.openErrors[path], $0.devices.contains(path)) }
        if let error { throw SystemError("open", path, error) }
        guard present else { throw SystemError("open", path, .noSuchFile) }
        return state.withLock {
            let fd = $0.nextFD
            $0.nextFD += 1
            $0.fds[fd] = path
            return FileDescriptor(rawValue: fd)
        }
    }

    /// Forgets the descriptor (not recorded).
    public func close(_ fd: FileDescriptor) { _ = state.withLock { $0.fds.removeValue(forKey: fd.rawValue) } }

    /// The path an open descriptor was opened with ("?" for an unknown one).
    public func path(_ fd: FileDescriptor) -> String { state.withLock { $0.fds[fd.rawValue] ?? "?" } }

    /// Records the read; answers pagemap entries for simulated pages and the `kpageflags` entry,
    /// and nothing (an empty read) for any other path.
    public func pread(_ fd: FileDescriptor, count: Int, offset: UInt64) throws(SystemError) -> [UInt8] {
        let p = path(fd)
        record(.pread(p, count: count, offset: offset))
        let entrySize = UInt64(PageFrameFiles.entrySize)
        if p == PageFrameFiles.pagemapPath {
            let (frame, hide) = state.withLock { ($0.frames[offset / entrySize], $0.hideFrames) }
            guard let frame else { return [UInt8](repeating: 0, count: Int(entrySize)) }
            return LittleEndian.bytes(PageFrameFiles.pagemapPresent | (hide ? 0 : frame))
        }
        if p == PageFrameFiles.kpageflagsPath, let flags = kpageflags { return LittleEndian.bytes(flags) }
        return []
    }

    /// Records the write and reports it whole. An 8-byte write of `hypercallMSR` to an MSR device
    /// makes "Xen" copy `xenPage` into the page at the written frame (the value >> 12).
    public func pwrite(_ fd: FileDescriptor, _ bytes: [UInt8], offset: UInt64) throws(SystemError) -> Int {
        let p = path(fd)
        record(.pwrite(p, bytes, offset: offset))
        guard p.hasSuffix("/msr") else { return bytes.count }
        state.withLock { s in
            if offset == s.hypercallMSR, bytes.count == 8, let page = s.xenPage {
                let gfn = bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } >> 12
                if let vpn = s.frames.first(where: { $0.value == gfn })?.key { s.memory[vpn * 4096] = page }
            }
            if s.moveFramesOnMSRWrite { for (vpn, frame) in s.frames { s.frames[vpn] = frame + 0x1000 } }
        }
        return bytes.count
    }

    /// The path's entry in `files` (not recorded).
    public func readSmallFile(_ path: String) -> [UInt8]? { files[path] }
    /// True when `directories` holds the path (not recorded).
    public func isDirectory(_ path: String) -> Bool { directories.contains(path) }
    /// `euid`.
    public func effectiveUserID() -> UInt32 { euid }

    // MARK: HypervisorCalls

    /// A simulated page-aligned region with a frame for its first page; its release records `.unmap`.
    private func newRegion(_ length: Int) -> MappedRegion {
        let address: UInt64 = state.withLock {
            let address = $0.nextAddress
            $0.nextAddress += UInt64((length + 4095) / 4096 * 4096) + 0x10000
            $0.memory[address] = [UInt8](repeating: 0, count: length)
            $0.frames[address / 4096] = $0.nextFrame
            $0.nextFrame += 1
            return address
        }
        return MappedRegion(address: address, length: length, origin: .simulated) { [self] address, _ in
            record(.unmap(address))
            state.withLock { $0.memory[address] = nil; $0.frames[address / 4096] = nil }
        }
    }

    /// Records the call and returns a zeroed simulated region whose first page gets `nextFrame`.
    public func mapLockedAnonymous(length: Int) throws(SystemError) -> MappedRegion {
        record(.mapLocked(length))
        return newRegion(length)
    }

    /// Records the call and returns a zeroed simulated region, as `mapLockedAnonymous` does.
    public func mapDevice(_ fd: FileDescriptor, path: String, length: Int) throws(SystemError) -> MappedRegion {
        record(.mapDevice(path, length))
        return newRegion(length)
    }

    package func protect(_ region: MappedRegion, _ protection: PageProtection) throws(SystemError) {
        record(.protect(region.address, protection))
    }

    /// The bytes of the region that starts at `address` (a copy).
    public func contents(of address: UInt64) -> [UInt8]? { state.withLock { $0.memory[address] } }

    /// Bytes at any address inside a live region; nil when no region holds the whole range.
    public func read(_ address: UInt64, _ count: Int) -> [UInt8]? {
        state.withLock { s in
            for (start, bytes) in s.memory where address >= start && address + UInt64(count) <= start + UInt64(bytes.count) {
                let o = Int(address - start)
                return Array(bytes[o..<(o + count)])
            }
            return nil
        }
    }

    /// Stores `data` at any address inside a live region; false when no region holds the whole range.
    public func write(_ address: UInt64, _ data: [UInt8]) -> Bool {
        state.withLock { s in
            for (start, bytes) in s.memory where address >= start && address + UInt64(data.count) <= start + UInt64(bytes.count) {
                let o = Int(address - start)
                s.memory[start]?.replaceSubrange(o..<(o + data.count), with: data)
                return true
            }
            return false
        }
    }

    /// Copies out of a live simulated region; nil when out of bounds or released.
    public func load(_ region: MappedRegion, offset: Int, count: Int) -> [UInt8]? {
        guard !region.isReleased, offset >= 0, count >= 0, offset + count <= region.length else { return nil }
        return read(region.address + UInt64(offset), count)
    }

    /// Copies into a live simulated region; false when out of bounds or released.
    public func store(_ region: MappedRegion, offset: Int, _ bytes: [UInt8]) -> Bool {
        guard !region.isReleased, offset >= 0, offset + bytes.count <= region.length else { return false }
        return write(region.address + UInt64(offset), bytes)
    }

    /// Records the call and returns what `hypervisor` answers (by default -ENOSYS).
    public func privcmdHypercall(_ fd: FileDescriptor, op: UInt64, arguments: [UInt64]) -> Int64 {
        record(.hypercall(op: op, arguments))
        return hypervisor(op, arguments, { self.write($0, $1) }, { self.read($0, $1) })
    }

    package func callEntry(_ region: MappedRegion, offset: Int, arguments: [UInt64]) -> Int64? {
        record(.callEntry(region.address, offset: offset, arguments))
        state.withLock { $0.executed.append($0.memory[region.address] ?? []) }
        guard offset >= 0, offset < region.length else { return nil }
        return entryResult
    }
}
