import XenInterface
import XenSystem

/// The kind of Xen guest, with the words /sys/hypervisor/guest_type uses for them (Linux
/// drivers/xen/sys-hypervisor.c, guest_type_show).
public enum XenGuestContext: String, Sendable, Equatable {
    /// Paravirtualised: the kernel runs deprivileged and enters Xen by syscall or int $0x82.
    case pv = "PV"
    /// Hardware-virtualised with emulated firmware and devices.
    case hvm = "HVM"
    /// Hardware-virtualised without device emulation (an HVM domain booted PVH).
    case pvh = "PVH"
}

/// Whether this is the control domain. /proc/xen/capabilities holds "control_d" in dom0
/// (drivers/xen/xenfs/super.c).
public enum XenDomainRole: String, Sendable, Equatable {
    /// The initial control domain (domain id 0).
    case dom0
    /// Any other (unprivileged) domain.
    case domU
}

/// What the kernel publishes under /sys/hypervisor (drivers/xen/sys-hypervisor.c).
public struct SysfsHypervisor: Equatable, Sendable {
    /// The directory every file below is read from.
    public static let root = "/sys/hypervisor"
    /// The raw file contents, as xen-detect reads them (nil when a file cannot be read).
    /// `type`: "xen\n" under Xen.
    public var type: String?
    /// `guest_type`: "PV\n", "HVM\n" or "PVH\n" (absent on older kernels).
    public var guestType: String?
    /// `version/major`, decimal with a newline.
    public var versionMajor: String?
    /// `version/minor`, decimal with a newline.
    public var versionMinor: String?
    /// `version/extra`: XENVER_extraversion (".7" on Xen 4.17.7) with a newline.
    public var versionExtra: String?
    /// `properties/features`: the XENVER_get_features submaps as hex digits without 0x.
    public var features: String?

    /// Contents as given (tests, and `read` for the files it did read).
    public init(type: String? = nil, guestType: String? = nil, versionMajor: String? = nil,
                versionMinor: String? = nil, versionExtra: String? = nil, features: String? = nil) {
        self.type = type; self.guestType = guestType; self.versionMajor = versionMajor
        self.versionMinor = versionMinor; self.versionExtra = versionExtra; self.features = features
    }

    /// Which files to read.
    public enum Fields: Sendable {
        /// Every file this type holds.
        case all
        /// Only what xen-detect reads: type, and when it is "xen", guest_type and the version.
        case dropIn
    }

    /// nil when /sys/hypervisor is not a directory.
    public static func read(_ system: any SystemCalls, only fields: Fields = .all) -> SysfsHypervisor? {
        guard system.isDirectory(root) else { return nil }
        func file(_ name: String) -> String? {
            system.readSmallFile(root + "/" + name).map { String(decoding: $0, as: UTF8.self) }
        }
        let type = file("type")
        if fields == .dropIn {
            guard type == "xen\n" else { return SysfsHypervisor(type: type) }
            return SysfsHypervisor(type: type, guestType: file("guest_type"), versionMajor: file("version/major"),
                                   versionMinor: file("version/minor"))
        }
        return SysfsHypervisor(
            type: type, guestType: file("guest_type"), versionMajor: file("version/major"),
            versionMinor: file("version/minor"), versionExtra: file("version/extra"),
            features: file("properties/features"))
    }

    /// xen-detect strips the last character of each value (the newline sysfs appends).
    static func chopped(_ s: String?) -> String? { s.map { String($0.dropLast()) } }

    /// `type` reads "xen", the test xen-detect's check_sysfs makes.
    public var isXen: Bool { type == "xen\n" }
    /// `guest_type` as a context; nil when unread or a word this tool does not know.
    public var guestContext: XenGuestContext? { SysfsHypervisor.chopped(guestType).flatMap(XenGuestContext.init(rawValue:)) }
    /// `version/major` and `version/minor` as numbers; nil when either is unread or not a 16-bit decimal.
    public var version: XenVersion? {
        guard let a = SysfsHypervisor.chopped(versionMajor).flatMap({ UInt16($0) }),
              let b = SysfsHypervisor.chopped(versionMinor).flatMap({ UInt16($0) }) else { return nil }
        return XenVersion(major: a, minor: b)
    }
    /// XENFEAT_dom0 (public/features.h, bit 11) in properties/features (hex without 0x).
    public var dom0Feature: Bool? {
        guard let f = SysfsHypervisor.chopped(features), let v = UInt64(f, radix: 16) else { return nil }
        return v & (1 << UInt64(XENFEAT.dom0)) != 0
    }
}

/// What told the domain role.
public enum DomainRoleSource: String, Sendable, Equatable, CustomStringConvertible {
    /// "control_d" in /proc/xen/capabilities, or its absence (needs xenfs mounted).
    case capabilities
    /// XENFEAT_dom0 in /sys/hypervisor/properties/features.
    case features
    /// The domain id of CPUID leaf base+4 (HVM and PVH guests): 0 only for dom0.
    case domainID

    /// Where it was read, for people.
    public var description: String {
        switch self {
        case .capabilities: return DomainRoleSource.capabilitiesPath
        case .features: return "XENFEAT_dom0"
        case .domainID: return "the CPUID domain id"
        }
    }
}

/// Reads the domain role: /proc/xen/capabilities (needs xenfs mounted), else the XENFEAT_dom0 bit.
public func readDomainRole(_ system: any SystemCalls, sysfs: SysfsHypervisor?) -> (XenDomainRole, DomainRoleSource)? {
    domainRole(capabilities: DomainRoleSource.readCapabilities(system), sysfs: sysfs, system: system)
}

/// The role from /proc/xen/capabilities' text when there is one, else from XENFEAT_dom0.
func domainRole(capabilities: String?, sysfs: SysfsHypervisor?, system: any SystemCalls) -> (XenDomainRole, DomainRoleSource)? {
    if let capabilities {
        let words = capabilities.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == " " })
        return (words.contains("control_d") ? .dom0 : .domU, .capabilities)
    }
    if let dom0 = sysfs?.dom0Feature { return (dom0 ? .dom0 : .domU, .features) }
    return nil
}

extension DomainRoleSource {
    /// Linux drivers/xen/xenfs/super.c (capabilities_read): xenfs's capabilities file, "control_d" in dom0.
    public static let capabilitiesPath = "/proc/xen/capabilities"

    /// The capabilities file's text; nil when it is absent (xenfs not mounted, or not Xen).
    static func readCapabilities(_ system: any SystemCalls) -> String? {
        system.readSmallFile(capabilitiesPath).map { String(decoding: $0, as: UTF8.self) }
    }
}
