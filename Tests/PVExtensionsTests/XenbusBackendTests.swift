import PVExtensions
import Testing
import XenStore

/// Each PV device's backend from xenstore, and the one verdict on its two ends, against the
/// recorded HVM domUs' xen bus (the nodes are what xenstore holds there: the stage compares the
/// real ones with `xl block-list` / `xl network-list`).
struct XenbusBackendTests {
    /// xenstore as a dictionary (relative paths under this domain's home, as xenstored reads them).
    struct Nodes: XenStoreReading {
        var nodes: [String: String]
        func read(_ path: String) throws(XenStoreError) -> String? { nodes[path] }
    }

    /// The nodes of the PV-drivers domU (domain 1): its disk's, NIC's and virtual keyboard's
    /// backends in dom0, Connected.
    static let pvio = Nodes(nodes: [
        "device/vbd/51712/backend": "/local/domain/0/backend/qdisk/1/51712", "device/vbd/51712/backend-id": "0",
        "/local/domain/0/backend/qdisk/1/51712/state": "4",
        "device/vif/0/backend": "/local/domain/0/backend/vif/1/0", "device/vif/0/backend-id": "0",
        "/local/domain/0/backend/vif/1/0/state": "4",
        "device/vkbd/0/backend": "/local/domain/0/backend/vkbd/1/0", "device/vkbd/0/backend-id": "0",
        "/local/domain/0/backend/vkbd/1/0/state": "4",
    ])

    @Test(arguments: ["4.17", "4.20"]) func connectedBackendsAreShownEverywhere(release: String) throws {
        let inv = try Recorded.inventory("xen-\(release)-hvm-pvio-domu", cpuid: "xen-4.17-hvm-domu.cpuid", xenstore: Self.pvio)
        let xvda = try #require(inv.devices.first { $0.name == "xvda" }?.xenbus)
        #expect(xvda.backend == XenbusBackend(path: "/local/domain/0/backend/qdisk/1/51712", domain: 0, stateNumber: 4))
        #expect(xvda.backendVerdict == .connected)
        #expect(inv.devices.first { $0.name == "eth0" }?.xenbus?.backendVerdict == .connected)
        #expect(inv.text.split(separator: "\n").contains { $0.split(separator: " ") == ["xvda", "block", "pv", "vbd-51712", "vbd", "Connected", "dom0", "Connected"] })
        let json = inv.json.rendered
        #expect(json.contains("\"path\": \"/local/domain/0/backend/qdisk/1/51712\"") || json.contains("\"path\":\"/local/domain/0/backend/qdisk/1/51712\""))
        #expect(json.contains("\"verdict\": \"connected\"") || json.contains("\"verdict\":\"connected\""))
        #expect(!inv.problems.contains { $0.contains("backend") })
    }

    @Test func withoutXenstoreTheBackendIsNotRead() throws {
        let inv = try Recorded.inventory("xen-4.17-hvm-pvio-domu", cpuid: "xen-4.17-hvm-domu.cpuid")
        #expect(inv.xenbus.allSatisfy { $0.backend == nil && $0.backendVerdict == nil })
    }

    /// A bound frontend whose backend went away: one problem line naming why, and the verdict.
    @Test(arguments: [
        ([String: String](), "no device/vbd/51712/backend node"),
        (["device/vbd/51712/backend": "/local/domain/0/backend/qdisk/1/51712"], "no /local/domain/0/backend/qdisk/1/51712/state node"),
        (["device/vbd/51712/backend": "/local/domain/0/backend/qdisk/1/51712", "/local/domain/0/backend/qdisk/1/51712/state": "6"],
         "backend state Closed (6)"),
    ]) func goneBackendsAreNamed(_ nodes: [String: String], _ why: String) throws {
        var all = Self.pvio.nodes.filter { !$0.key.contains("51712") }
        all.merge(nodes) { a, _ in a }
        let inv = try Recorded.inventory("xen-4.17-hvm-pvio-domu", cpuid: "xen-4.17-hvm-domu.cpuid", xenstore: Nodes(nodes: all))
        let xvda = try #require(inv.devices.first { $0.name == "xvda" }?.xenbus)
        #expect(xvda.backendVerdict == .backendGone)
        #expect(inv.problems.contains("vbd-51712 (xvda): its backend is gone (\(why))"), "\(inv.problems)")
        #expect(inv.text.contains("vbd     Connected  gone"))
    }

    @Test func notConnectedAndUnknown() {
        let waiting = XenbusDevice(name: "vbd-768", devtype: "vbd", nodename: "device/vbd/768", stateText: "Initialising", driver: nil,
                                   backend: XenbusBackend(path: "/local/domain/0/backend/qdisk/2/768", domain: 0, stateNumber: 2))
        #expect(waiting.backendVerdict == .notConnected)
        #expect(waiting.backend?.state == .initWait)
        let unknown = XenbusBackend.read(nodename: "device/vbd/768", from: XenStoreUnavailable(.noAnswer(milliseconds: 2000)))
        #expect(unknown == XenbusBackend(path: nil, domain: nil, stateNumber: nil,
                                         unknownBecause: "xenstore did not answer within 2000 ms (xenstored not running?)"))
        let device = XenbusDevice(name: "vbd-768", devtype: "vbd", nodename: "device/vbd/768", stateText: "Connected", driver: "vbd", backend: unknown)
        #expect(device.backendVerdict == .unknown)
    }
}
