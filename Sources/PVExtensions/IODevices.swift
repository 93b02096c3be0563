import XenSystem

/// Which kind of device a block device or network interface is.
public enum IODeviceClass: String, Sendable, Equatable {
    /// A block device (/sys/block/<name>).
    case block
    /// A network interface (/sys/class/net/<name>).
    case network
}

/// How a device reaches its backend: the question the progressive-paravirtualization chart asks.
public enum IOPath: String, Sendable, Equatable {
    /// A PV frontend on the xen bus (blkfront, netfront): rings in granted pages, event channels.
    case pv
    /// A PCI device the device model emulates (ioemu): every access traps to QEMU.
    case emulated
    /// Neither (a device on another bus): listed, not counted in the verdict.
    case other
}

/// One block device or network interface and its path to the backend.
public struct IODevice: Sendable, Equatable {
    /// "xvda", "sda", "eth0".
    public let name: String
    /// Block or network.
    public let deviceClass: IODeviceClass
    /// PV, emulated, or other.
    public let path: IOPath
    /// Where its sysfs link leads (readlink of /sys/block/<name> or /sys/class/net/<name>).
    public let sysfsLink: String
    /// The xenbus frontend it sits on (PV).
    public let xenbus: XenbusDevice?
    /// The PCI function it sits on (emulated, or a passed-through device).
    public let pci: PCIFunction?

    /// Values as given (tests).
    public init(name: String, deviceClass: IODeviceClass, path: IOPath, sysfsLink: String,
                xenbus: XenbusDevice?, pci: PCIFunction?) {
        self.name = name; self.deviceClass = deviceClass; self.path = path; self.sysfsLink = sysfsLink
        self.xenbus = xenbus; self.pci = pci
    }

    /// The driver that serves it: the frontend driver (PV) or the PCI driver.
    public var driver: String? { xenbus?.driver ?? pci?.driver }
}

/// The kernel's choice about Xen's emulated devices (arch/x86/xen/platform-pci-unplug.c): with
/// PV drivers available it asks the device model, through the platform PCI device's I/O ports,
/// to unplug the emulated disks and NICs, unless `xen_emul_unplug=` says otherwise.
public struct UnplugPolicy: Sendable, Equatable {
    /// The value of `xen_emul_unplug=` on /proc/cmdline ("never", "all", "unnecessary",
    /// "ide-disks", "aux-ide-disks", "nics", comma-separated); nil when absent (the kernel's
    /// default: unplug what its PV drivers replace).
    public let cmdline: String?
    /// The storage and network controllers still on the PCI bus (the platform device excluded):
    /// what was not unplugged, or what the device model offers beside the unplugged devices
    /// (unplugging removes the disks and NICs, the IDE controller function itself stays).
    public let remaining: [PCIFunction]

    /// Values as given (tests).
    public init(cmdline: String?, remaining: [PCIFunction]) { self.cmdline = cmdline; self.remaining = remaining }

    /// One sentence for people.
    public var summary: String {
        switch cmdline {
        case nil: return "xen_emul_unplug not set: the kernel unplugs the emulated devices its PV drivers replace"
        case "never": return "xen_emul_unplug=never: the kernel keeps every emulated device, the PV drivers stay unattached"
        case let value?: return "xen_emul_unplug=\(value)"
        }
    }
}

/// The summary line: is this guest's I/O on the PV paths or the emulated ones?
public enum IOVerdict: String, Sendable, Equatable {
    /// An HVM guest whose disks and NICs are all PV frontends.
    case pvOnHVM = "I/O: PV-on-HVM"
    /// Every disk and NIC is an emulated device.
    case emulated = "I/O: emulated (ioemu)"
    /// Some of each.
    case mixed = "I/O: mixed"
    /// A PV or PVH guest: PV devices only (there is no device model).
    case pv = "PV"
    /// No block device or network interface beyond virtual ones (loop, lo).
    case none = "I/O: no block or network devices"

    /// The verdict for `devices` in a guest of `context` ("PV", "PVH", "HVM").
    public static func decide(context: String?, devices: [IODevice]) -> IOVerdict {
        let pv = devices.contains { $0.path == .pv }
        let emulated = devices.contains { $0.path == .emulated }
        switch (pv, emulated) {
        case (false, false): return .none
        case (true, true): return .mixed
        case (false, true): return .emulated
        case (true, false): return context == "HVM" ? .pvOnHVM : .pv
        }
    }
}

extension IODevice {
    /// The device whose sysfs link is `link`: PV when the link goes through a xenbus device
    /// ("vbd-51712", "vif-0"), emulated when through a PCI function (the last one named: the
    /// device's own, below any bridge); nil for a virtual device (/devices/virtual/: loop, lo).
    static func classify(name: String, deviceClass: IODeviceClass, link: String,
                         xenbus: [String: XenbusDevice], pci: [String: PCIFunction]) -> IODevice? {
        let components = link.split(separator: "/")
        if components.contains("virtual") { return nil }
        if let frontend = components.last(where: { c in
            guard let dash = c.lastIndex(of: "-") else { return false }
            let number = c[c.index(after: dash)...]
            return !number.isEmpty && number.allSatisfy(\.isNumber) && ["vbd", "vif"].contains(c[..<dash])
        }) {
            let name0 = String(frontend)
            let device = xenbus[name0] ?? XenbusDevice(name: name0, devtype: nil, nodename: nil, stateText: nil, driver: nil)
            return IODevice(name: name, deviceClass: deviceClass, path: .pv, sysfsLink: link, xenbus: device, pci: nil)
        }
        if let address = components.last(where: PCIFunction.isAddress) {
            let function = pci[String(address)]
            return IODevice(name: name, deviceClass: deviceClass, path: function?.isXenPlatform == true ? .other : .emulated,
                            sysfsLink: link, xenbus: nil, pci: function)
        }
        return IODevice(name: name, deviceClass: deviceClass, path: .other, sysfsLink: link, xenbus: nil, pci: nil)
    }
}
