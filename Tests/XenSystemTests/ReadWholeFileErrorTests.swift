import Foundation
import Testing
import XenSystem

/// Found by the bad-input table (Tests/xen-detectTests/BadInputTableTests.swift, row
/// dump-is-directory): a read error named the descriptor ("pread fd 3 at 0x0") instead of the file.
@Suite struct ReadWholeFileErrorTests {
    @Test func aReadErrorNamesTheFile() throws {
        let path = NSTemporaryDirectory() + "xd-dir-\(getpid())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: SystemError("read", path, Errno(rawValue: EISDIR))) {
            try LinuxSystem().readWholeFile(path, limit: 4096)
        }
    }
}
