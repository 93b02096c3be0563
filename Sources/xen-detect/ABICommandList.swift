import Rendering
import ArgumentParser
import XenCompat
import XenInterface
import XenSystem

/// `xen-detect abi list`: the covered structures (sizes per ABI, compat status) and hypercalls.
struct ABIListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the covered structures and hypercalls.")

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    static func compatStatus(_ name: String) -> String {
        if CompatCatalog.translated.contains(where: { $0.structure.name == name }) { return "translated" }
        if CompatCatalog.multicall.name == name { return "translated" }
        if CompatCatalog.checked.contains(where: { $0.structure.name == name }) { return "identical" }
        return "-"
    }

    func run() throws {
        if json {
            let structures = Catalog.structures.map { description -> JSONValue in
                var members: [(String, JSONValue)] = [("name", .string(description.name)),
                                                      ("header", .string(description.header))]
                for architecture in Architecture.allCases {
                    let size = description.architectures.contains(architecture)
                        ? JSONValue.number((architecture == .x86_32 ? description.layout32 : description.layout64).size)
                        : .null
                    members.append(("size_\(architecture.rawValue)", size))
                }
                members.append(("compat", .string(Self.compatStatus(description.name))))
                return .object(members)
            }
            let hypercalls = HypercallSignature.all.map { hypercall -> JSONValue in
                .object([("name", .string(hypercall.name)), ("number", .number(hypercall.number)),
                         ("args_x86_32", .array(hypercall.arguments(.x86_32).map { .string($0.name) })),
                         ("args_x86_64", .array(hypercall.arguments(.x86_64).map { .string($0.name) }))])
            }
            let groups = XenConstantGroup.all.dropFirst().map { group -> JSONValue in
                .object([("group", .string(group.group)), ("header", .string(group.header)),
                         ("values", .object(group.constants.map { (group.prefix + $0.name, .number($0.value)) }))])
            }
            let arrays = CompatHandleArrays.all.map { array -> JSONValue in
                .object([("name", .string(array.name)), ("element", .string(array.element.rawValue)),
                         ("count", .string(array.count)), ("direction", .string(array.direction.rawValue)),
                         ("size_x86_32", .number(array.compatElementSize)),
                         ("size_x86_64", .number(array.nativeElementSize)),
                         ("xen_on_overflow", .string(array.xen.description)),
                         ("xen_4_17_on_overflow", .string(array.xen4_17.description)),
                         ("translated_by", .string(array.translatedBy))])
            }
            print(JSONValue.object([("structures", .array(structures)), ("arrays", .array(arrays)),
                                    ("hypercalls", .array(hypercalls)), ("constants", .array(groups))]).rendered)
            return
        }
        print("Structures (\(Catalog.structures.count)): name, header, size x86_32/x86_64, compat")
        printTable(Catalog.structures.map { description in
            let size32 = description.architectures.contains(.x86_32) ? String(description.layout32.size) : "-"
            let size64 = description.architectures.contains(.x86_64) ? String(description.layout64.size) : "-"
            return [description.name, description.header, size32 + "/" + size64, Self.compatStatus(description.name)]
        })
        print("Arrays behind guest handles translated element by element (\(CompatHandleArrays.all.count)): "
            + "STRUCT.HANDLE, element, count member, direction")
        printTable(CompatHandleArrays.all.map { [$0.name, $0.element.rawValue, $0.count, $0.direction.rawValue] })
        print("Hypercalls (\(HypercallSignature.all.count)): number, name, arguments (x86_32 | x86_64 where they differ)")
        printTable(HypercallSignature.all.map { hypercall in
            let args32 = hypercall.arguments(.x86_32).map { $0.kind == .wide ? $0.name + ":64" : $0.name }
            let args64 = hypercall.arguments(.x86_64).map(\.name)
            let args = args32 == args64 ? args32.joined(separator: ", ")
                : args32.joined(separator: ", ") + " | " + args64.joined(separator: ", ")
            return [String(hypercall.number), hypercall.name, "(\(args))"]
        })
        print("Sub-ops and other numbers, by group (header):")
        for group in XenConstantGroup.all.dropFirst() {
            let values = group.constants.map { "\(group.prefix)\($0.name)=\($0.value)" }.joined(separator: " ")
            print("  \(group.group) (\(group.header)): \(values)")
        }
    }

    private func printTable(_ rows: [[String]]) {
        for line in TextTable(rows).lines(indent: "  ") { print(line) }
    }
}
