import XenStore

/// A xenbus frontend's backend as xenstore holds it: the frontend's `<nodename>/backend` (the
/// backend's directory) and `<nodename>/backend-id` (its domain), and that directory's `state`
/// (public/io/xenbus.h: each end publishes its own). The kernel's sysfs shows only the
/// frontend's state; the backend's is only in xenstore.
public struct XenbusBackend: Sendable, Equatable {
    /// The backend's xenstore directory ("/local/domain/0/backend/qdisk/1/51712"); nil: no
    /// `backend` node.
    public let path: String?
    /// The backend's domain; nil: no `backend-id` node, or not a domain id.
    public let domain: UInt16?
    /// The number in the backend's `state` node; nil: no such node, or not a number.
    public let stateNumber: UInt32?
    /// Why xenstore could not be read (every other field is then nil); nil when it was.
    public let unknownBecause: String?

    /// Values as given (tests).
    public init(path: String?, domain: UInt16?, stateNumber: UInt32?, unknownBecause: String? = nil) {
        self.path = path; self.domain = domain; self.stateNumber = stateNumber; self.unknownBecause = unknownBecause
    }

    /// `stateNumber` decoded; nil when absent or not a state public/io/xenbus.h defines.
    public var state: XenbusState? { stateNumber.flatMap(XenbusState.init(number:)) }

    /// Reads the backend of the frontend whose xenstore directory is `nodename`; a reader that
    /// fails (no answer, no permission) leaves it unknown, with the reason.
    public static func read(nodename: String, from xenstore: any XenStoreReading) -> XenbusBackend {
        do throws(XenStoreError) {
            let path = try xenstore.read(nodename + "/backend")
            let domain = try xenstore.read(nodename + "/backend-id").flatMap { UInt16($0) }
            var state: UInt32?
            if let path { state = try xenstore.read(path + "/state").flatMap { UInt32($0) } }
            return XenbusBackend(path: path, domain: domain, stateNumber: state)
        } catch {
            return XenbusBackend(path: nil, domain: nil, stateNumber: nil, unknownBecause: error.description)
        }
    }
}

/// Whether a PV device's two ends talk: one decision (`XenbusDevice.backendVerdict`), rendered in
/// the text, the JSON and the problems.
public enum BackendVerdict: String, Sendable, Equatable {
    /// Both ends Connected (4).
    case connected
    /// The backend is there but the two ends are not both Connected (still negotiating, or one
    /// end waiting for the other).
    case notConnected = "not-connected"
    /// No `backend` node, no backend `state` node, or the backend Closing (5) or Closed (6): the
    /// backend is gone or going.
    case backendGone = "backend-gone"
    /// xenstore could not be read (the reason is the backend's `unknownBecause`).
    case unknown
}

extension XenbusDevice {
    /// The two ends' verdict; nil when the backend was not read (no xenstore reader given).
    public var backendVerdict: BackendVerdict? {
        guard let backend else { return nil }
        guard backend.unknownBecause == nil else { return .unknown }
        guard backend.path != nil, let s = backend.state, s != .closing, s != .closed else { return .backendGone }
        return s == .connected && state == .connected ? .connected : .notConnected
    }

    /// "dom0 Connected", "dom1 InitWait", "gone", "?" (unknown), "-" (not read): the text column.
    var backendSummary: String {
        switch backendVerdict {
        case nil: "-"
        case .unknown?: "?"
        case .backendGone?: "gone"
        case .connected?, .notConnected?:
            (backend?.domain.map { "dom\($0)" } ?? "dom?") + " " + (backend?.state?.sysfsName ?? "?")
        }
    }
}
