import ArgumentParser
import Rendering
import XenStore
import XenSystem

/// `xen-detect xenstore ...`: read-only xenstore access through /dev/xen/xenbus.
struct XenStoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xenstore",
        abstract: "Read xenstore nodes through /dev/xen/xenbus (root, in a Xen guest; read-only).",
        subcommands: [XenStoreRead.self]
    )
}

/// `xen-detect xenstore read PATH... [--json] [--timeout-ms N]`.
struct XenStoreRead: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Print the value of each xenstore node, one per line, as xenstore-read does.",
        discussion: """
            A path is absolute (/local/domain/0/name) or relative to this domain's home \\
            (/local/domain/<id>: "domid", "device/vbd/51712/backend"). Sends XS_READ only. Each \\
            reply is awaited at most --timeout-ms; after one timeout nothing more is sent (a dom0 \\
            without xenstored never answers). Exit 0 when every node was read (with --json, a \\
            missing node is null and still 0); 66 no such node or no /dev/xen/xenbus, 77 no \\
            permission, 69 xenstore did not answer, 78 xenstore refused (its error by name), 65 a \\
            malformed reply, 64 a bad path or timeout.
            """
    )

    @Argument(help: "The nodes to read.")
    var paths: [String]

    @Flag(name: .long, help: "Print one JSON array of {\"path\",\"value\"} (null: no such node).")
    var json = false

    @Option(name: .customLong("timeout-ms"), help: "The wait for each reply, 1 to 60000 ms.")
    var timeout: Int32 = XenStoreClient.defaultTimeout

    func validate() throws {
        guard (1...60000).contains(timeout) else { throw ValidationError("--timeout-ms must be 1 to 60000") }
    }

    /// A node that does not exist (status 66 without --json).
    struct NoSuchNode: ClassifiedError {
        let path: String
        var kind: FailureKind { .missing }
        var description: String { "no xenstore node \(path)" }
    }

    func run() throws {
        do {
            let client = try XenStoreClient(system: LinuxSystem(), timeout: timeout)
            var values: [(String, String?)] = []
            for path in paths { values.append((path, try client.read(path))) }
            if json {
                print(JSONValue.array(values.map { .object([("path", .string($0.0)), ("value", .optional($0.1.map(JSONValue.string)))]) }).rendered)
                return
            }
            if let missing = values.first(where: { $0.1 == nil }) { fail(NoSuchNode(path: missing.0)) }
            for (_, value) in values { print(value ?? "") }
        } catch {
            fail(error)
        }
    }
}
