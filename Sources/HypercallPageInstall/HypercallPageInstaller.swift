import XenInterface
import CPUIDProbe
import HypercallPage
import XenSystem

/// What detection found that the install needs (`init(report:cpuVendor:)` takes it from CPUIDProbe).
public struct InstallTarget: Sendable, Equatable {
    /// The detection found Xen; without it `check` refuses (`.unavailable`).
    public var xenDetected: Bool
    /// The guest context; PV is refused (pagemap's frames are pseudo-physical), nil is `.unavailable`.
    public var context: XenGuestContext?
    /// The Xen CPUID leaf base (0x40000000, or 0x40000100 with Viridian).
    public var leafBase: UInt32
    /// public/arch-x86/cpuid.h leaf 3 (base + 2) EBX: "Base address of Xen-specific MSRs";
    /// its first MSR takes the hypercall page (xen/arch/x86/traps.c guest_wrmsr_xen, case 0).
    public var hypercallMSR: UInt32
    /// The flavor Xen will write (vmx on Intel, svm on AMD); nil when unknown.
    public var expectedFlavor: HypercallStubFlavor?

    /// A target with these values (tests, and callers with their own detection).
    public init(xenDetected: Bool, context: XenGuestContext?, leafBase: UInt32, hypercallMSR: UInt32,
                expectedFlavor: HypercallStubFlavor?) {
        self.xenDetected = xenDetected
        self.context = context
        self.leafBase = leafBase
        self.hypercallMSR = hypercallMSR
        self.expectedFlavor = expectedFlavor
    }

    /// From the probe: Xen's leaves give the base and the MSR (base+2 EBX); the context is the
    /// probe's (sysfs guest_type, else CPUID); the flavor follows the CPU vendor (leaf 0).
    public init(report: ProbeReport, cpuVendor: String) {
        let context = report.xen == nil ? nil : report.context
        self.init(xenDetected: report.xenDetected, context: context,
                  leafBase: report.xen?.range.leafBase ?? 0,
                  hypercallMSR: report.xen?.hypercall.msrBase ?? 0,
                  expectedFlavor: HypercallStubFlavor.expected(cpuVendor: cpuVendor, context: context))
    }
}

/// What the caller asks for.
public struct InstallRequest: Sendable, Equatable {
    /// The CPU whose /dev/cpu/N/msr takes the write (the page is per domain; any CPU will do).
    public var cpu: Int
    /// The MSR to write; nil means the one CPUID names. Any other value is refused.
    public var msr: UInt32?
    /// The page index in the MSR value's low 12 bits; Xen supports only 0.
    public var pageIndex: UInt64
    /// The explicit consent to change hypervisor state (the CLI's --yes-write-msr).
    public var writeEnabled: Bool

    /// A request; by default CPU 0, the MSR CPUID names, page index 0.
    public init(cpu: Int = 0, msr: UInt32? = nil, pageIndex: UInt64 = 0, writeEnabled: Bool) {
        self.cpu = cpu
        self.msr = msr
        self.pageIndex = pageIndex
        self.writeEnabled = writeEnabled
    }
}

/// Why the page was not installed, or the install failed.
public struct HypercallPageError: ClassifiedError, Equatable {
    /// What kind of failure (it picks the CLI's exit status).
    public let kind: FailureKind
    /// One line naming the refusal or the failed step.
    public let description: String
    /// The errno of the system call that failed, when one did.
    public let errno: Errno?
    /// A failure of `kind` described by `description`.
    public init(_ kind: FailureKind, _ description: String, errno: Errno? = nil) {
        self.kind = kind
        self.description = description
        self.errno = errno
    }
    /// The same kind, message and errno as a failed system call.
    init(_ error: SystemError) { self.init(error.kind, error.description, errno: error.errno) }
}

/// An installed page: the hypercall buffer page Xen wrote its stubs into, still mapped in this
/// process until `release()` (or until the last copy of this value goes).
public struct InstalledPage: Sendable, Equatable {
    /// The page's mapping (from /dev/xen/hypercall); released once, whichever copy releases it.
    public let region: MappedRegion
    /// The MSR written: the hypercall MSR CPUID leaf base+2 EBX names.
    public let msr: UInt32
    /// The page's guest frame, read from /proc/self/pagemap before the MSR write and again after it.
    public let gfn: UInt64
    /// The value written to the MSR.
    public let msrValue: UInt64
    /// The page as read back after the write.
    public let bytes: [UInt8]
    /// The page decoded.
    public let report: HypercallPageReport
    /// False when the page still held the canary the installer filled it with: Xen wrote nothing
    /// into this frame.
    public let xenWrote: Bool
    /// True when Xen wrote the page and it is exactly what Xen writes for the expected flavor.
    public let verified: Bool
    /// The kernel's taint mask (/proc/sys/kernel/tainted) after the write, when readable: the msr
    /// driver sets TAINT_CPU_OUT_OF_SPEC on every write (Linux arch/x86/kernel/msr.c msr_write).
    public let kernelTaint: UInt64?
    /// Whether /proc/kpageflags had the frame on the LRU (always false for an installed page: that
    /// is refused); nil when the kernel does not publish the flags.
    public let frameOnLRU: Bool?

    /// Unmaps the page; releasing again does nothing.
    public func release() { region.release() }
}

/// The result of calling an entry of the installed page from user mode.
public struct UserModeCall: Sendable, Equatable {
    /// The hypercall whose entry was called (the entry at its number × 32).
    public let hypercall: HypercallNumber
    /// RAX after the stub returned: the hypercall's result, a negative Xen errno on failure.
    public let rax: Int64
    /// The Xen errno when rax is an error (Xen answers -EPERM from CPL 3 of an HVM guest:
    /// xen/arch/x86/hvm/hypercall.c).
    public var errno: XenErrno? { XenErrno(result: rax) }
}

/// Installs the hypercall page from user space. The page is one of Linux's hypercall buffer
/// pages (/dev/xen/hypercall, drivers/xen/privcmd-buf.c): kernel pages from alloc_page, never on
/// the LRU, so compaction cannot migrate them and their frame cannot change while mapped (an
/// mlocked anonymous page can move: mlock keeps a page resident, not in place). The install fills
/// the page with a canary, reads its guest frame from /proc/self/pagemap, writes `gfn << 12` to
/// the MSR CPUID names through /dev/cpu/N/msr, reads the frame again and the page back: a frame
/// that changed, or a page that still holds the canary, fails loudly and nothing is executed.
/// Every refusal happens before anything is opened for writing.
public struct HypercallPageInstaller {
    /// The system layer every open, read, write and mapping goes through (a recording fake in tests).
    public let system: any HypervisorCalls
    /// An installer over `system`; nothing is opened until `install`.
    public init(system: any HypervisorCalls) { self.system = system }

    static let pagemapPath = PageFrameFiles.pagemapPath
    static let kpageflagsPath = PageFrameFiles.kpageflagsPath

    /// Linux arch/x86/kernel/msr.c: an MSR is read and written as 8 bytes at offset = its number.
    static let msrValueSize = 8
    /// Linux include/linux/panic.h: TAINT_CPU_OUT_OF_SPEC, the bit the msr driver sets on a write.
    public static let taintCPUOutOfSpec: UInt64 = 1 << 2
    static let taintPath = "/proc/sys/kernel/tainted"
    /// Linux security/lockdown/lockdown.c: the active level is the bracketed word ("none" when off).
    static let lockdownPath = "/sys/kernel/security/lockdown"
    /// Linux arch/x86/kernel/msr.c: msr.allow_writes=off refuses every write with EPERM.
    static let allowWritesPath = "/sys/module/msr/parameters/allow_writes"

    /// What the page holds before the write: a pattern no hypercall page contains (Xen fills
    /// every byte it does not use with int3, 0xcc), so a page still equal to it was not written.
    public static let canary: [UInt8] = (0..<XEN_PAGE_SIZE).map { UInt8(truncatingIfNeeded: 0xa5 ^ $0) }

    static func msrDevice(cpu: Int) -> String { "/dev/cpu/\(cpu)/msr" }
    static func cpuDirectory(cpu: Int) -> String { "/sys/devices/system/cpu/cpu\(cpu)" }

    /// The checks that must pass before anything is written; throws the refusal.
    public func check(_ target: InstallTarget, _ request: InstallRequest) throws(HypercallPageError) -> UInt32 {
        guard target.xenDetected else {
            throw HypercallPageError(.unavailable, "Xen not detected: there is no hypercall page to install")
        }
        guard let context = target.context else {
            throw HypercallPageError(.unavailable, "Xen guest context unknown: refusing to write the hypercall MSR")
        }
        if context == .pv {
            throw HypercallPageError(.refused, "PV guest: pagemap frames are pseudo-physical, not the frames Xen expects; refusing to write the hypercall MSR")
        }
        guard target.hypercallMSR != 0 else {
            throw HypercallPageError(.unavailable, "CPUID leaf 0x\(hex(target.leafBase + 2)) names no MSR base")
        }
        let msr = request.msr ?? target.hypercallMSR
        guard msr == target.hypercallMSR else {
            throw HypercallPageError(.refused, "MSR 0x\(hex(msr)) is not the hypercall MSR CPUID names (0x\(hex(target.hypercallMSR)))")
        }
        guard request.pageIndex == 0 else {
            throw HypercallPageError(.refused, "page index \(request.pageIndex) refused: Xen supports only page index 0")
        }
        guard request.writeEnabled else {
            throw HypercallPageError(.refused, "installing writes MSR 0x\(hex(msr)) and changes hypervisor state: pass --yes-write-msr to allow it")
        }
        // pagemap counts pages of this process; the MSR takes a frame of Xen's 4 KiB pages.
        guard system.pageSize == XEN_PAGE_SIZE else {
            throw HypercallPageError(.refused, "the page size is \(system.pageSize) bytes, not Xen's \(XEN_PAGE_SIZE): pagemap's frame numbers would not be Xen's; refusing to write the hypercall MSR")
        }
        guard system.effectiveUserID() == 0 else {
            throw HypercallPageError(.permission, "installing the hypercall page needs root (the MSR device and page frames)")
        }
        guard request.cpu >= 0, system.isDirectory(Self.cpuDirectory(cpu: request.cpu)) else {
            throw HypercallPageError(.refused, "unknown CPU \(request.cpu)")
        }
        return msr
    }

    /// Installs and verifies the page. The page stays mapped: release it with `release()`.
    public func install(_ target: InstallTarget, _ request: InstallRequest) throws(HypercallPageError) -> InstalledPage {
        let msr = try check(target, request)
        let bufferPath = Privcmd.bufferDevicePath
        let bufferFD = try open(bufferPath, ifMissing: .refused,
            "no \(bufferPath) (xen-privcmd's hypercall buffers): no page here whose frame cannot move, and an mlocked page can be migrated; refusing to write the hypercall MSR")
        defer { system.close(bufferFD) }
        let device = Self.msrDevice(cpu: request.cpu)
        let msrFD = try open(device, ifMissing: .missing, "no \(device): the msr driver is not loaded (modprobe msr)")
        defer { system.close(msrFD) }

        let region: MappedRegion
        do { region = try system.mapDevice(bufferFD, path: bufferPath, length: XEN_PAGE_SIZE) } catch {
            throw HypercallPageError(error)
        }
        var keep = false
        defer { if !keep { region.release() } }
        guard system.store(region, offset: 0, Self.canary) else {
            throw HypercallPageError(.system, "\(bufferPath): the page is not writable")
        }

        let gfn = try frame(of: region)
        // The kernel's own word on the frame, where it gives one: a frame on the LRU can migrate.
        let flags = frameFlags(gfn)
        if let flags, flags & PageFrameFiles.KPF_LRU != 0 {
            throw HypercallPageError(.refused, "frame 0x\(hex(gfn)) is on the LRU (\(Self.kpageflagsPath)): it can be migrated; refusing to write the hypercall MSR")
        }
        let value = gfn << XEN_PAGE_SHIFT | request.pageIndex
        let written: Int
        do { written = try system.pwrite(msrFD, LittleEndian.bytes(value), offset: UInt64(msr)) } catch {
            throw writeFailure(msr, error)
        }
        guard written == Self.msrValueSize else {
            throw HypercallPageError(.system, "writing MSR 0x\(hex(msr)): short write of \(written) bytes")
        }
        let gfnAfter = try frame(of: region)
        guard gfnAfter == gfn else {
            throw HypercallPageError(.system, "the page moved from frame 0x\(hex(gfn)) to 0x\(hex(gfnAfter)) while MSR 0x\(hex(msr)) was written: Xen wrote into a frame this process no longer owns; nothing was executed")
        }
        guard let page = system.load(region, offset: 0, count: XEN_PAGE_SIZE) else {
            throw HypercallPageError(.system, "reading the page back failed")
        }
        let xenWrote = page != Self.canary
        let report = HypercallPageDecoder.decode(page)
        let verified = xenWrote && report.isWellFormed
            && (target.expectedFlavor == nil || report.flavor == target.expectedFlavor)
        let taint = system.readLine(Self.taintPath).flatMap { UInt64($0) }
        keep = true
        return InstalledPage(region: region, msr: msr, gfn: gfn, msrValue: value, bytes: page, report: report,
                             xenWrote: xenWrote, verified: verified, kernelTaint: taint,
                             frameOnLRU: flags.map { $0 & PageFrameFiles.KPF_LRU != 0 })
    }

    /// Opens `path` read-write; a missing file is `kind` with `message`, any other failure its own.
    func open(_ path: String, ifMissing kind: FailureKind, _ message: String) throws(HypercallPageError) -> FileDescriptor {
        do { return try system.open(path, .readWrite) } catch {
            if error.kind == .missing { throw HypercallPageError(kind, message, errno: error.errno) }
            throw HypercallPageError(error)
        }
    }

    /// A failed MSR write, named for its cause: EPERM as root is the kernel's policy (lockdown,
    /// or msr.allow_writes=off), not a missing privilege.
    func writeFailure(_ msr: UInt32, _ error: SystemError) -> HypercallPageError {
        let what = "writing MSR 0x\(hex(msr))"
        guard error.errno == .notPermitted else { return HypercallPageError(error.kind, "\(what): \(error.errno)", errno: error.errno) }
        if let level = Self.lockdownLevel(system.readLine(Self.lockdownPath)), level != "none" {
            return HypercallPageError(.unavailable, "\(what): the kernel is locked down (\(level)), which refuses MSR writes from user space (\(error.errno))", errno: error.errno)
        }
        if system.readLine(Self.allowWritesPath) == "off" {
            return HypercallPageError(.unavailable, "\(what): the msr driver refuses writes (msr.allow_writes=off) (\(error.errno))", errno: error.errno)
        }
        return HypercallPageError(.permission, "\(what): \(error.errno) (kernel lockdown or msr.allow_writes may refuse it; \(Self.lockdownPath) is unreadable)", errno: error.errno)
    }

    /// The bracketed word of /sys/kernel/security/lockdown ("none [integrity] confidentiality").
    static func lockdownLevel(_ line: String?) -> String? {
        guard let line, let open = line.firstIndex(of: "["), let close = line[open...].firstIndex(of: "]") else { return nil }
        return String(line[line.index(after: open)..<close])
    }

    /// Calls entry `hypercall` of a verified HVM/PVH page from user mode with `arguments`;
    /// refuses a page that is not verified or not of an HVM flavor (a PV stub from ring 3 would
    /// not reach Xen, and an unverified page could hold anything). The code run is a copy of the
    /// verified page in a fresh private page of this process made executable (the stubs are
    /// position-independent; the buffer device's own mapping may sit on a noexec /dev).
    public func callFromUserMode(_ page: InstalledPage, hypercall: HypercallNumber,
                                 arguments: [UInt64]) throws(HypercallPageError) -> UserModeCall {
        guard page.verified, let flavor = page.report.flavor, flavor.isHVM else {
            throw HypercallPageError(.refused, "refusing to execute a page that did not verify as an HVM hypercall page")
        }
        guard hypercall != .iret, Int(hypercall.rawValue) < HypercallStub.entryCount else {
            throw HypercallPageError(.refused, "entry \(hypercall.rawValue) is not a callable hypercall entry")
        }
        guard !page.region.isReleased else {
            throw HypercallPageError(.refused, "the page was released: nothing to call")
        }
        guard let executor = system as? any StubExecution else {
            throw HypercallPageError(.unavailable, "this system layer cannot execute code")
        }
        let code: MappedRegion
        do { code = try executor.mapLockedAnonymous(length: XEN_PAGE_SIZE) } catch { throw HypercallPageError(error) }
        defer { code.release() }
        guard executor.store(code, offset: 0, page.bytes) else {
            throw HypercallPageError(.system, "copying the verified page failed")
        }
        do { try executor.protect(code, .readExecute) } catch { throw HypercallPageError(error) }
        guard let rax = executor.callEntry(code, offset: Int(hypercall.rawValue) * HypercallStub.entrySize,
                                           arguments: arguments)
        else { throw HypercallPageError(.system, "entry \(hypercall.rawValue) is outside the page") }
        return UserModeCall(hypercall: hypercall, rax: rax)
    }

    /// Unmaps an installed page (the same as `page.release()`).
    public func release(_ page: InstalledPage) { page.release() }

    /// Entry `index` of a /proc file of 64-bit little-endian entries (pagemap, kpageflags).
    func entry(_ path: String, _ index: UInt64) throws(HypercallPageError) -> UInt64 {
        let size = PageFrameFiles.entrySize
        let (offset, overflow) = index.multipliedReportingOverflow(by: UInt64(size))
        guard !overflow else { throw HypercallPageError(.system, "\(path): entry \(index) is out of range") }
        let bytes: [UInt8]
        do {
            bytes = try system.withOpened(path, .readOnly) { fd throws(SystemError) in
                try system.pread(fd, count: size, offset: offset)
            }
        } catch { throw HypercallPageError(error) }
        guard let value = LittleEndian.value(bytes[...], as: UInt64.self) else {
            throw HypercallPageError(.system, "\(path): short read")
        }
        return value
    }

    /// The frame's flags from /proc/kpageflags; nil when the kernel does not give them.
    func frameFlags(_ frame: UInt64) -> UInt64? { try? entry(Self.kpageflagsPath, frame) }

    /// The guest frame of a present page of this process, from /proc/self/pagemap.
    func frame(of region: MappedRegion) throws(HypercallPageError) -> UInt64 {
        let pageSize = UInt64(max(system.pageSize, 1))
        let entry = try entry(Self.pagemapPath, region.address / pageSize)
        guard entry & PageFrameFiles.pagemapPresent != 0 else {
            throw HypercallPageError(.system, "\(Self.pagemapPath): the page is not present")
        }
        let frame = entry & PageFrameFiles.pagemapFrameMask
        guard frame != 0 else {
            throw HypercallPageError(.permission, "\(Self.pagemapPath) hides page frames (needs CAP_SYS_ADMIN)")
        }
        return frame
    }
}

func hex<T: BinaryInteger>(_ v: T) -> String { String(v, radix: 16) }
