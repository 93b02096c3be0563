import Foundation
import Testing
import XenSystem

/// `FileOutput.write` (the textfile of `xen-detect metrics`): the whole file or nothing, and no
/// temporary file left behind on any failure.
@Suite struct FileOutputTests {
    func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "xd-fileoutput-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func entries(_ dir: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir).sorted() }

    @Test func writesTheWholeFileAndNothingElse() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileOutput.write(Array("old\n".utf8), to: dir + "/m.prom")
        try FileOutput.write(Array("new\n".utf8), to: dir + "/m.prom")
        #expect(try String(contentsOfFile: dir + "/m.prom", encoding: .utf8) == "new\n")
        #expect(try entries(dir) == ["m.prom"])
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/m.prom")[.posixPermissions] as? Int
        #expect(mode == 0o644)
    }

    /// A path that is a directory: rename fails (EISDIR), the temporary file is removed.
    @Test func pathIsADirectory() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/m.prom", withIntermediateDirectories: false)
        #expect(throws: SystemError("rename", dir + "/m.prom", Errno(rawValue: EISDIR))) {
            try FileOutput.write(Array("x\n".utf8), to: dir + "/m.prom")
        }
        #expect(try entries(dir) == ["m.prom"])
        #expect(try entries(dir + "/m.prom").isEmpty)
    }

    /// A missing directory: nothing can be created; the error names the directory.
    @Test func missingDirectory() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: SystemError("open", dir + "/none/", .noSuchFile)) {
            try FileOutput.write(Array("x\n".utf8), to: dir + "/none/m.prom")
        }
        #expect(try entries(dir).isEmpty)
    }

    /// An existing file stays as it was when the new one cannot replace it.
    @Test func failedWriteLeavesTheOldFile() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileOutput.write(Array("old\n".utf8), to: dir + "/m.prom")
        // A directory where the file's name is, one level down: rename(2) refuses (ENOTDIR).
        #expect(throws: SystemError.self) { try FileOutput.write(Array("new\n".utf8), to: dir + "/m.prom/x") }
        #expect(try String(contentsOfFile: dir + "/m.prom", encoding: .utf8) == "old\n")
        #expect(try entries(dir) == ["m.prom"])
    }
}
