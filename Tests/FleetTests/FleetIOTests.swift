import Fleet
import Rendering
import Testing

@Suite struct FleetIOTests {
    let io = FleetIO(verdict: "I/O: PV-on-HVM", extensionsInUse: ["pv-clock", "pv-block"])

    @Test func factIsAppendedInEitherEnvelope() {
        let ansible = JSONValue.object([("schemaVersion", .int(1))]).addingFleetIO(io)
        #expect(ansible == .object([("schemaVersion", .int(1)), ("io", io.json)]))
        let facter = JSONValue.object([("xen_detect", .object([("schemaVersion", .int(1))]))]).addingFleetIO(io)
        #expect(facter == .object([("xen_detect", .object([("schemaVersion", .int(1)), ("io", io.json)]))]))
        #expect(JSONValue.object([]).addingFleetIO(nil) == .object([("io", .null)]), "off Xen: null")
    }

    @Test func metrics() {
        #expect(io.metricsText.contains("xen_detect_io_info{verdict=\"I/O: PV-on-HVM\"} 1\n"))
        #expect(io.metricsText.contains("xen_detect_pv_extension_in_use{extension=\"pv-block\"} 1\n"))
        let none = FleetIO(verdict: "PV", extensionsInUse: [])
        #expect(!none.metricsText.contains("xen_detect_pv_extension_in_use"), "a family without samples is left out")
    }
}
