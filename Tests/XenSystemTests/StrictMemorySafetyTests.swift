import Foundation
import Testing

/// Unsafe code lives only in the raw system layer, and the compiler's strict memory-safety
/// checking makes every use visible there. These read the package's own sources, so a new
/// `unsafe` (or an unsafe pointer type) anywhere else, or a module without the checking, fails.
@Suite struct StrictMemorySafetyTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The raw layer: the one set of files allowed to say `unsafe`.
    static let rawLayer: Set<String> = [
        "Sources/XenSystem/LinuxSystem.swift",
        "Sources/XenSystem/LinuxSystem+Hypervisor.swift",
        "Sources/XenSystem/LinuxSystem+Directories.swift",
        "Sources/XenSystem/LinuxSystemCommandLine.swift",
        "Sources/XenSystem/LinuxXenDevices.swift",  // /dev/xen/evtchn, gntalloc, gntdev
        "Sources/XenSystem/LinuxXenbus.swift",  // /dev/xen/xenbus
        "Sources/XenSystem/Processor.swift",
        "Sources/XenSystem/UncheckedBytes.swift",
        "Sources/XenSystem/Errno.swift",  // strerror's C string
    ]

    static func swiftSources() throws -> [(path: String, text: String)] {
        let sources = root.appendingPathComponent("Sources")
        let walker = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        var result: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            let relative = String(url.path.dropFirst(root.path.count + 1))
            result.append((relative, try String(contentsOf: url, encoding: .utf8)))
        }
        return result
    }

    /// A line's code, without its `//` comment (doc comments name unsafe things in prose).
    static func code(_ line: Substring) -> Substring {
        guard let range = line.range(of: "//") else { return line }
        return line[..<range.lowerBound]
    }

    @Test func unsafeAppearsOnlyInTheRawLayer() throws {
        let files = try Self.swiftSources()
        #expect(files.count > 50, "found the sources")
        let pattern = try Regex(#"\bunsafe\b|@unsafe|Unsafe[A-Z][A-Za-z]*|unsafeBitCast|@unchecked"#)
        var offenders: [String] = []
        var rawUses = 0
        for (path, text) in files {
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                guard Self.code(line).contains(pattern) else { continue }
                if Self.rawLayer.contains(path) { rawUses += 1 } else { offenders.append("\(path):\(n + 1): \(line)") }
            }
        }
        #expect(offenders.isEmpty, "unsafe code outside the raw layer:\n\(offenders.joined(separator: "\n"))")
        #expect(rawUses > 0, "the raw layer's unsafe uses are marked (and were found)")
    }

    @Test func everyToolkitModuleHasStrictMemorySafety() throws {
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        #expect(manifest.hasPrefix("// swift-tools-version: 6.2") || manifest.hasPrefix("// swift-tools-version: 6.3"))
        #expect(manifest.contains("for target in package.targets where !target.isTest"))
        #expect(manifest.contains(".strictMemorySafety()"))
    }
}
