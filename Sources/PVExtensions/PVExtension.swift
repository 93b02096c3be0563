/// The PV extensions an HVM guest can add one by one (progressive paravirtualization), and the
/// ones only a PV guest has. The raw values are the inventory's stable names (docs/extensions.md).
public enum PVExtensionName: String, Sendable, Equatable, CaseIterable {
    /// The hypercall page (CPUID base+2's MSR for HVM and PVH; given at boot to PV).
    case hypercallPage = "hypercall-page"
    /// Event channels (public/event_channel.h) and how they are delivered.
    case eventChannels = "event-channels"
    /// Grant tables (public/grant_table.h).
    case grantTables = "grant-tables"
    /// Xenstore and the xen bus on it.
    case xenstore
    /// The PV clock (vcpu_time_info, the `xen` clocksource).
    case pvClock = "pv-clock"
    /// PV spinlocks (SCHEDOP_poll on a per-CPU event channel instead of spinning).
    case pvSpinlocks = "pv-spinlocks"
    /// The PV block frontend (xen-blkfront).
    case pvBlock = "pv-block"
    /// The PV network frontend (xen-netfront).
    case pvNet = "pv-net"
    /// The PV console (hvc_xen).
    case pvConsole = "pv-console"
    /// The balloon driver (memory hotplug through XENMEM_*_reservation).
    case balloon
    /// vCPU hotplug through xenstore's cpu/N/availability.
    case vcpuHotplug = "vcpu-hotplug"
    /// The Xen platform PCI device (HVM only): how an HVM guest's PV drivers find Xen.
    case platformPCI = "platform-pci"
    /// MMU operations (mmu_update, mmuext_op): PV only, Xen validates the guest's page tables.
    case mmuOperations = "mmu-operations"
}

/// What a self-test found (filled by a verifier, e.g. the event-channel and grant-table
/// self-tests; the inventory alone leaves every row's `verified` nil: not checked).
public enum PVVerification: Sendable, Equatable {
    /// The round trip worked; the detail says what was measured.
    case passed(String)
    /// It ran and failed; the detail says how.
    case failed(String)
    /// It could not run (module not loaded, no permission, Xen refused); the detail says which.
    case notRun(String)
}

/// One row of the inventory.
public struct PVExtension: Sendable, Equatable {
    /// Which extension.
    public let name: PVExtensionName
    /// Xen offers it to this guest; nil when that cannot be read here.
    public let available: Bool?
    /// What says so (a XENFEAT bit, a CPUID flag, the platform PCI device, the guest type).
    public let availableEvidence: [String]
    /// The running kernel uses it; nil when nothing in /proc or /sys shows it either way.
    public let inUse: Bool?
    /// What says so (the clocksource, /proc/interrupts lines, drivers bound on the xen bus).
    public let inUseEvidence: [String]
    /// A self-test's result; nil: not checked.
    public var verified: PVVerification?

    /// Values as given.
    public init(name: PVExtensionName, available: Bool?, availableEvidence: [String], inUse: Bool?,
                inUseEvidence: [String], verified: PVVerification? = nil) {
        self.name = name; self.available = available; self.availableEvidence = availableEvidence
        self.inUse = inUse; self.inUseEvidence = inUseEvidence; self.verified = verified
    }
}

/// How event channels reach this guest's kernel.
public enum EventChannelDelivery: String, Sendable, Equatable {
    /// PV: Xen calls the kernel's registered event callback (CALLBACKOP_register).
    case pvUpcall = "pv-upcall"
    /// HVM/PVH: an IDT vector, `HYP` in /proc/interrupts ("Hypervisor callback interrupts"):
    /// HVM_PARAM_CALLBACK_IRQ's vector type, or the per-vCPU HVMOP_set_evtchn_upcall_vector
    /// when CPUID offers it (both use the same vector; /proc does not tell them apart).
    case callbackVector = "callback-vector"
    /// HVM: the platform PCI device's legacy interrupt (an IRQ line named xen-platform-pci).
    case platformPCIInterrupt = "platform-pci-interrupt"
    /// None of the above is visible.
    case unknown
}

/// This guest's grant table: its layout version and frames, which Linux does not publish in sysfs
/// (it logs "Grant tables using version N layout" once at boot); GNTTABOP_get_version and
/// GNTTABOP_query_size answer them through /dev/xen/privcmd (PVFoundations' `GrantTableInfo.query`).
public struct GrantTableInfo: Sendable, Equatable {
    /// The layout version (1 or 2); nil: unknown (`unknownBecause`).
    public let version: Int?
    /// Frames in use; nil: unknown.
    public let framesInUse: Int?
    /// Maximum frames; nil: unknown.
    public let maxFrames: Int?
    /// Why the values are unknown, one line; nil when they were read.
    public let unknownBecause: String?

    /// Values as given.
    public init(version: Int?, framesInUse: Int?, maxFrames: Int?, unknownBecause: String? = nil) {
        self.version = version; self.framesInUse = framesInUse; self.maxFrames = maxFrames
        self.unknownBecause = unknownBecause
    }

    /// What the inventory knows without a hypercall: nothing, and why.
    public static let notInSysfs = GrantTableInfo(version: nil, framesInUse: nil, maxFrames: nil,
                                                  unknownBecause: "not in sysfs (GNTTABOP_query_size answers it through /dev/xen/privcmd, as root)")
}
