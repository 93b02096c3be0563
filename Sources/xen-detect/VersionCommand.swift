import ArgumentParser
import Rendering
import XenSystem

/// `xen-detect version [--json]` and `xen-detect --version`: the toolkit's version (Version.swift,
/// the one place), the commit it was built from where the build recorded it, and the Swift
/// compiler that built it.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version, the commit it was built from, and the Swift compiler.")

    @Flag(name: .long, help: "Print one JSON object {\"version\",\"commit\",\"swift\"}.")
    var json = false

    /// The compiler that built this binary, as precise as `#if compiler` can tell.
    static var swiftVersion: String {
        #if compiler(>=7.0)
        "7.0 or later"
        #elseif compiler(>=6.4)
        "6.4 or later"
        #elseif compiler(>=6.3.1)
        "6.3.1"
        #elseif compiler(>=6.3)
        "6.3"
        #else
        "6.2"
        #endif
    }

    func run() {
        if json {
            print(JSONValue.object([("version", .string(toolkitVersion)), ("commit", .optional(BuildInfo.commit.map(JSONValue.string))),
                                    ("swift", .string(Self.swiftVersion))]).rendered)
        } else {
            print(Self.line)
        }
    }

    /// "xen-detect 0.5.0 (commit 7b742c9, Swift 6.3.1)".
    static var line: String {
        "xen-detect \(toolkitVersion) (commit \(BuildInfo.commit ?? "unknown"), Swift \(swiftVersion))"
    }
}
