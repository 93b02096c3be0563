import XenInterface
import XenStore
import XenSystem

/// A xenbus device's state: `enum xenbus_state` of public/io/xenbus.h (its numbers, generated
/// from the header, are `xenbus_state`'s constants), with the words Linux's sysfs `state`
/// attribute prints for them (drivers/xen/xenbus/xenbus_probe.c, state_show, via
/// xenbus_strstate in xenbus_client.c).
public enum XenbusState: Sendable, Equatable, CaseIterable {
    /// XenbusStateUnknown.
    case unknown
    /// XenbusStateInitialising.
    case initialising
    /// XenbusStateInitWait: waiting for details from the other end.
    case initWait
    /// XenbusStateInitialised: details published, waiting for the other end to connect.
    case initialised
    /// XenbusStateConnected: the two ends talk.
    case connected
    /// XenbusStateClosing: the device is being closed (the other end went away, or asked to).
    case closing
    /// XenbusStateClosed.
    case closed
    /// XenbusStateReconfiguring.
    case reconfiguring
    /// XenbusStateReconfigured.
    case reconfigured

    /// The header's number (`xenbus_state`, generated from public/io/xenbus.h).
    public var number: UInt32 {
        switch self {
        case .unknown: xenbus_state.Unknown
        case .initialising: xenbus_state.Initialising
        case .initWait: xenbus_state.InitWait
        case .initialised: xenbus_state.Initialised
        case .connected: xenbus_state.Connected
        case .closing: xenbus_state.Closing
        case .closed: xenbus_state.Closed
        case .reconfiguring: xenbus_state.Reconfiguring
        case .reconfigured: xenbus_state.Reconfigured
        }
    }

    /// The state the header numbers `number`; nil for a number it does not define.
    public init?(number: UInt32) {
        guard let s = XenbusState.allCases.first(where: { $0.number == number }) else { return nil }
        self = s
    }

    /// xenbus_strstate's word ("Connected").
    public var sysfsName: String {
        switch self {
        case .unknown: return "Unknown"
        case .initialising: return "Initialising"
        case .initWait: return "InitWait"
        case .initialised: return "Initialised"
        case .connected: return "Connected"
        case .closing: return "Closing"
        case .closed: return "Closed"
        case .reconfiguring: return "Reconfiguring"
        case .reconfigured: return "Reconfigured"
        }
    }

    /// The state a sysfs word names; nil for another word.
    public init?(sysfsName: String) {
        guard let s = XenbusState.allCases.first(where: { $0.sysfsName == sysfsName }) else { return nil }
        self = s
    }
}

/// A device on the xen bus (/sys/bus/xen/devices/<name>): a PV frontend the toolstack
/// configured in xenstore, bound to a frontend driver or not.
public struct XenbusDevice: Sendable, Equatable {
    /// The sysfs name, `<devtype>-<id>`: "vbd-51712", "vif-0".
    public let name: String
    /// `devtype`: "vbd", "vif", "console", ...
    public let devtype: String?
    /// `nodename`: its xenstore directory, "device/vbd/51712".
    public let nodename: String?
    /// `state`, as the kernel's word (nil when the attribute is absent: kernels before it).
    public let stateText: String?
    /// `driver`'s link target's last component: the frontend driver ("vbd" is xen-blkfront's,
    /// "vif" xen-netfront's); nil when no driver is bound.
    public let driver: String?
    /// Its backend, from xenstore; nil when not read (the inventory was read without xenstore).
    public var backend: XenbusBackend?

    /// Values as given (tests).
    public init(name: String, devtype: String?, nodename: String?, stateText: String?, driver: String?,
                backend: XenbusBackend? = nil) {
        self.name = name; self.devtype = devtype; self.nodename = nodename
        self.stateText = stateText; self.driver = driver; self.backend = backend
    }

    /// `stateText` decoded; nil when absent or not one of xenbus_strstate's words.
    public var state: XenbusState? { stateText.flatMap(XenbusState.init(sysfsName:)) }

    /// Reads /sys/bus/xen/devices/<name>'s attributes and driver link, and, with a xenstore
    /// reader, its backend (`XenbusBackend.read`).
    static func read(_ system: some DirectoryCalls, name: String, xenstore: (any XenStoreReading)?) -> XenbusDevice {
        let dir = SysfsPaths.xenBusDevices + "/" + name
        let nodename = system.readLine(dir + "/nodename")
        return XenbusDevice(
            name: name, devtype: system.readLine(dir + "/devtype"), nodename: nodename,
            stateText: system.readLine(dir + "/state"),
            driver: (try? system.readLink(dir + "/driver")).map(SysfsPaths.lastComponent),
            backend: xenstore.flatMap { reader in nodename.map { XenbusBackend.read(nodename: $0, from: reader) } })
    }
}
