import Foundation
import Testing

/// `xen-detect facts` and `xen-detect metrics` as built: JSON that parses, the facter envelope,
/// the textfile written whole with nothing left beside it, and the recorded environments' answers.
@Suite struct FleetCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func factsFromTheViridianDomUDump() throws {
        let r = try Binary.run(["facts", "--source", "dump:" + Binary.fixtures.appendingPathComponent("xen-4.17-hvm-viridian-domu.cpuid").path])
        #expect(r.status == 0 && r.stderr.isEmpty)
        let facts = try json(r.stdout)
        #expect(facts["schemaVersion"] as? Int == 1)
        #expect(facts["stackNames"] as? [String] == ["microsoft", "xen"])
        let xen = try #require(facts["xen"] as? [String: Any])
        #expect(xen["context"] as? String == "HVM" && xen["domain"] as? String == "domU")
        let identity = try #require(facts["identity"] as? [String: Any])
        #expect(identity["read"] as? Bool == false, "a dump reads nothing of the host")
        let vocabularies = try #require(facts["vocabularies"] as? [String: Any])
        #expect(vocabularies["systemdDetectVirt"] as? String == "xen")
    }

    @Test func facterWrapsTheAnsibleDocument() throws {
        let dump = "dump:" + Binary.fixtures.appendingPathComponent("xen-4.17-pvh-domu.cpuid").path
        let ansible = try Binary.run(["facts", "--source", dump])
        let facter = try Binary.run(["facts", "--format", "facter", "--source", dump])
        #expect(facter.status == 0)
        let wrapped = try json(facter.stdout)
        #expect(Array(wrapped.keys) == ["xen_detect"])
        let inner = try JSONSerialization.data(withJSONObject: wrapped["xen_detect"]!, options: .sortedKeys)
        let plain = try JSONSerialization.data(withJSONObject: try json(ansible.stdout), options: .sortedKeys)
        #expect(inner == plain)
    }

    /// Live on this machine: the identity is read, and the decision is the drop-in's.
    @Test func liveFactsAgreeWithTheDropIn() throws {
        let facts = try json(try Binary.run(["facts"]).stdout)
        let dropIn = try Binary.run([])
        let xen = try #require(facts["xen"] as? [String: Any])
        #expect((xen["detected"] as? Bool) == (dropIn.stdout != "Not running on Xen.\n"))
        #expect((facts["identity"] as? [String: Any])?["read"] as? Bool == true)
    }

    @Test func textfileIsWrittenWholeWithNothingBeside() throws {
        let dir = NSTemporaryDirectory() + "xd-metrics-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Binary.run(["metrics", "--textfile", dir + "/xen_detect.prom"])
        #expect(r.status == 0 && r.stdout.isEmpty && r.stderr.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["xen_detect.prom"])
        let text = try String(contentsOfFile: dir + "/xen_detect.prom", encoding: .utf8)
        let stdout = try Binary.run(["metrics"]).stdout
        // Same series but the run's time.
        func dropTime(_ s: String) -> [Substring] { s.split(separator: "\n").filter { !$0.hasPrefix("xen_detect_last_run_timestamp_seconds ") } }
        #expect(dropTime(text) == dropTime(stdout))
        #expect(text.contains("# TYPE xen_detect_cpuid_executions gauge\n"))
    }

    /// A failed write leaves nothing in the directory (the temporary file is removed).
    @Test func failedTextfileLeavesNothing() throws {
        let dir = NSTemporaryDirectory() + "xd-metrics-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/xen_detect.prom", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Binary.run(["metrics", "--textfile", dir + "/xen_detect.prom"])
        #expect(r.status == 65)  // the path names a directory: bad input (EISDIR)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["xen_detect.prom"])
    }
}
