// The real mapping, ioctl and stub-call system calls for the hypercall work.
// Unsafe Swift lives here and in LinuxSystem.swift only.
import CXenShim
#if canImport(Glibc)
import Glibc
#endif

/// IOCTL_PRIVCMD_HYPERCALL, Linux include/uapi/xen/privcmd.h (libxen-dev:
/// /usr/include/xen/sys/privcmd.h): _IOC(_IOC_NONE, 'P', 0, sizeof(privcmd_hypercall_t)),
/// where privcmd_hypercall_t is { __u64 op; __u64 arg[5]; } (48 bytes).
public enum Privcmd {
    /// Linux's privcmd device (drivers/xen/privcmd.c): IOCTL_PRIVCMD_HYPERCALL.
    public static let devicePath = XenDevice.privcmd.path
    /// Linux's hypercall buffer device (drivers/xen/privcmd-buf.c): pages from alloc_page, never
    /// on the LRU, whose frames do not move while mapped.
    public static let bufferDevicePath = "/dev/xen/hypercall"
    static let ioctlNone: UInt = 0            // _IOC_NONE
    static let ioctlType: UInt = 0x50         // 'P'
    static let hypercallNumber: UInt = 0      // nr 0
    /// sizeof(privcmd_hypercall_t): op plus five arguments, each __u64.
    public static let hypercallArgumentCount = 5
    static let hypercallStructSize: UInt = UInt(MemoryLayout<UInt64>.size * (1 + hypercallArgumentCount))
    /// _IOC(dir, type, nr, size) = dir << 30 | size << 16 | type << 8 | nr (asm-generic/ioctl.h).
    public static let IOCTL_PRIVCMD_HYPERCALL: UInt =
        ioctlNone << 30 | hypercallStructSize << 16 | ioctlType << 8 | hypercallNumber
}

extension LinuxSystem: HypervisorCalls {
    /// sysconf(_SC_PAGESIZE): 4096 on x86.
    public var pageSize: Int { Int(sysconf(Int32(_SC_PAGESIZE))) }

    /// A region of the kernel's that unmaps itself once.
    static func kernelRegion(_ p: UnsafeMutableRawPointer, _ length: Int) -> MappedRegion {
        MappedRegion(address: UInt64(UInt(bitPattern: p)), length: length, origin: .kernel) { address, length in
            if let p = unsafe UnsafeMutableRawPointer(bitPattern: UInt(address)) { _ = unsafe munmap(p, length) }
        }
    }

    /// The base address of a region this system made and that is still mapped.
    static func base(_ region: MappedRegion) -> UnsafeMutableRawPointer? {
        unsafe region.origin == .kernel ? UnsafeMutableRawPointer(bitPattern: UInt(region.address)) : nil
    }

    /// mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED), then mlock and madvise(MADV_DONTFORK), then
    /// every byte written so each page has its own frame; any failure unmaps and throws.
    public func mapLockedAnonymous(length: Int) throws(SystemError) -> MappedRegion {
        let what = "\(length) locked bytes"
        guard length > 0 else { throw SystemError("mmap", what, .invalidArgument) }
        guard let p = unsafe mmap(nil, length, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0),
              unsafe p != MAP_FAILED
        else { throw SystemError("mmap", what, .current) }
        // MAP_LOCKED does not report a failure to lock; mlock does.
        if unsafe mlock(p, length) != 0 {
            let e = Errno.current
            _ = unsafe munmap(p, length)
            throw SystemError("mlock", what, e)
        }
        if unsafe madvise(p, length, MADV_DONTFORK) != 0 {
            let e = Errno.current
            _ = unsafe munmap(p, length)
            throw SystemError("madvise", what, e)
        }
        // Write every byte so each page is a private, present frame (not the shared zero page).
        unsafe memset(p, 0, length)
        return unsafe Self.kernelRegion(p, length)
    }

    /// mmap(PROT_READ | PROT_WRITE, MAP_SHARED) of `fd` at offset 0; `path` names it in errors.
    public func mapDevice(_ fd: FileDescriptor, path: String, length: Int) throws(SystemError) -> MappedRegion {
        guard length > 0 else { throw SystemError("mmap", path, .invalidArgument) }
        guard let p = unsafe mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd.rawValue, 0),
              unsafe p != MAP_FAILED
        else { throw SystemError("mmap", path, .current) }
        return unsafe Self.kernelRegion(p, length)
    }

    /// A bounds-checked copy out of a region this system mapped; nil for a simulated or released one.
    public func load(_ region: MappedRegion, offset: Int, count: Int) -> [UInt8]? {
        guard region.contains(offset: offset, count: count), let base = unsafe Self.base(region) else { return nil }
        return region.whileMapped { unsafe Array(UnsafeRawBufferPointer(start: base + offset, count: count)) }
    }

    /// A bounds-checked copy into a region this system mapped; false for a simulated or released one.
    public func store(_ region: MappedRegion, offset: Int, _ bytes: [UInt8]) -> Bool {
        guard region.contains(offset: offset, count: bytes.count), let base = unsafe Self.base(region) else { return false }
        let copied: Bool? = region.whileMapped {
            unsafe bytes.withUnsafeBytes { raw in
                if let source = raw.baseAddress { unsafe (base + offset).copyMemory(from: source, byteCount: raw.count) }
            }
            return true
        }
        return copied == true
    }

    /// ioctl(IOCTL_PRIVCMD_HYPERCALL) with a privcmd_hypercall_t (Linux drivers/xen/privcmd.c,
    /// privcmd_ioctl_hypercall); arguments beyond five are dropped, missing ones are zero.
    public func privcmdHypercall(_ fd: FileDescriptor, op: UInt64, arguments: [UInt64]) -> Int64 {
        var call = [UInt64](repeating: 0, count: 1 + Privcmd.hypercallArgumentCount)
        call[0] = op
        for (i, a) in arguments.prefix(Privcmd.hypercallArgumentCount).enumerated() { call[1 + i] = a }
        let r = unsafe call.withUnsafeMutableBytes { unsafe xd_ioctl(fd.rawValue, Privcmd.IOCTL_PRIVCMD_HYPERCALL, $0.baseAddress) }
        return r == -1 ? -Int64(errno) : Int64(r)
    }
}

extension LinuxSystem: StubExecution {
    package func protect(_ region: MappedRegion, _ protection: PageProtection) throws(SystemError) {
        guard let base = unsafe Self.base(region) else { throw SystemError("mprotect", "\(region)", .invalidArgument) }
        let prot = protection == .readWrite ? PROT_READ | PROT_WRITE : PROT_READ | PROT_EXEC
        let rc = region.whileMapped { unsafe mprotect(base, region.length, prot) == 0 ? Errno(rawValue: 0) : Errno.current }
        guard let rc else { throw SystemError("mprotect", "\(region)", .invalidArgument) }
        if rc.rawValue != 0 { throw SystemError("mprotect", "\(region)", rc) }
    }

    package func callEntry(_ region: MappedRegion, offset: Int, arguments: [UInt64]) -> Int64? {
        guard offset >= 0, offset < region.length, let base = unsafe Self.base(region) else { return nil }
        var a = [UInt](repeating: 0, count: 5)
        for (i, v) in arguments.prefix(5).enumerated() { a[i] = UInt(v) }
        return region.whileMapped { unsafe Int64(xd_call_stub(base + offset, a[0], a[1], a[2], a[3], a[4])) }
    }
}
