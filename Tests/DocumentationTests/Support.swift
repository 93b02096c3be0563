import Foundation

/// Where the package's files are, from this file's path (Tests/DocumentationTests/Support.swift).
enum PackageFiles {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A recorded `cpuid -r` dump of Tests/CPUIDProbeTests/Fixtures (named after where it was recorded).
    static func fixture(_ name: String) -> String {
        root.appendingPathComponent("Tests/CPUIDProbeTests/Fixtures").appendingPathComponent(name).path
    }
}
