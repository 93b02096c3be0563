import Foundation
import Testing

/// `xen-detect abi ...` run as the built binary.
@Suite struct ABICommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func layoutJSONHasTheDocumentedShape() throws {
        let result = try Binary.run(["abi", "layout", "mmuext_op", "--abi", "64", "--json"])
        #expect(result.status == 0)
        let object = try json(result.stdout)
        #expect(object["name"] as? String == "mmuext_op")
        #expect(object["abi"] as? String == "x86_64")
        #expect(object["size"] as? Int == 24)
        #expect(object["align"] as? Int == 8)
        let fields = try #require(object["fields"] as? [[String: Any]])
        #expect(fields.map { $0["name"] as? String } == ["cmd", "arg1.mfn", "arg1.linear_addr", "arg2.nr_ents",
                                                         "arg2.vcpumask", "arg2.src_mfn"])
        #expect(fields[1]["offset"] as? Int == 8 && fields[1]["size"] as? Int == 8)
        // Keys in the documented order.
        #expect(result.stdout.range(of: "\"name\"")!.lowerBound < result.stdout.range(of: "\"abi\"")!.lowerBound)
    }

    @Test func layoutDiffersBetweenABIs() throws {
        let small = try json(try Binary.run(["abi", "layout", "xen_memory_reservation", "--abi", "32", "--json"]).stdout)
        let large = try json(try Binary.run(["abi", "layout", "xen_memory_reservation", "--abi", "x86_64", "--json"]).stdout)
        #expect(small["size"] as? Int == 20 && large["size"] as? Int == 32)
    }

    @Test func marshalSplitsTheWideArgumentOnI386() throws {
        let result = try Binary.run(["abi", "marshal", "update_va_mapping", "0xc0000000", "0x8000000123456067", "2",
                                     "--abi", "32"])
        #expect(result.status == 0)
        #expect(result.stdout == "eax = 0xe\nebx = 0xc0000000\necx = 0x23456067\nedx = 0x80000001\nesi = 0x2\n")
        let named = try Binary.run(["abi", "marshal", "memory_op", "XENMEM_memory_map", "0x1000", "--abi", "32"])
        #expect(named.stdout == "eax = 0xc\nebx = 0x9\necx = 0x1000\n")
        let json64 = try json(try Binary.run(["abi", "marshal", "set_timer_op", "5", "--abi", "64", "--json"]).stdout)
        #expect((json64["registers"] as? [String: Any])?["rdi"] as? Int == 5)
    }

    @Test func translateBothWaysAndRejectUnrepresentable() throws {
        let compat = "0100000000000000" + String(repeating: "02000000", count: 6)
        let native = try Binary.run(["abi", "translate", "multicall_entry", "--from", "32", "--to", "64", compat])
        #expect(native.status == 0)
        #expect(native.stdout == "0100000000000000" + "0000000000000000" + String(repeating: "0200000000000000", count: 6) + "\n")
        let back = try Binary.run(["abi", "translate", "multicall_entry", "--from", "64", "--to", "32",
                                   native.stdout.trimmingCharacters(in: .whitespacesAndNewlines)])
        #expect(back.stdout == compat + "\n")
        let wide = "01000000" + "01000000" + String(repeating: "00", count: 56)  // op = 1 << 32 + 1
        let rejected = try Binary.run(["abi", "translate", "multicall_entry", "--from", "64", "--to", "32", wide])
        #expect(rejected.status == 65)
        #expect(rejected.stderr.contains("ERANGE"))
        #expect(rejected.stderr.split(separator: "\n").count == 1)
    }

    /// `--narrowing`: strict (this project's policy) is the default and says so; xen keeps the
    /// low bits where Xen assigns, and refuses where Xen checks, per release.
    @Test func translateNarrowingStrictByDefaultOrAsXenDoes() throws {
        let wide = "01000000" + "01000000" + String(repeating: "00", count: 56)  // op = 1 << 32 + 1
        let base = ["abi", "translate", "multicall_entry", "--from", "64", "--to", "32"]
        let byDefault = try Binary.run(base + [wide])
        #expect(byDefault.status == 65 && byDefault.stdout.isEmpty)
        #expect(byDefault.stderr.contains("multicall_entry.op") && byDefault.stderr.contains("this project's strict narrowing"))
        let strict = try Binary.run(base + ["--narrowing", "strict", wide])
        #expect(strict.status == 65 && strict.stderr == byDefault.stderr)
        let xen = try Binary.run(base + ["--narrowing", "xen", wide])
        #expect(xen.status == 0 && xen.stdout == "01000000" + String(repeating: "00", count: 28) + "\n")

        let frames = "0100000000000000" + "0200000001000000"  // frame 1 = 2^32 + 2
        let setup = ["abi", "translate", "gnttab_setup_table.frame_list", "--from", "64", "--to", "32"]
        let checked = try Binary.run(setup + ["--narrowing", "xen", frames])
        #expect(checked.status == 65 && checked.stderr.contains("frame_list[1]") && checked.stderr.contains("GNTST_address_too_big"))
        #expect(try Binary.run(setup + ["--narrowing", "xen-4.18", frames]).stderr == checked.stderr)
        let old = try Binary.run(setup + ["--narrowing", "xen-4.17", frames])
        #expect(old.status == 0 && old.stdout == "01000000" + "02000000" + "\n")

        let acquire = ["abi", "translate", "xen_mem_acquire_resource.frame_list", "--from", "64", "--to", "32", frames]
        for mode in ["strict", "xen", "xen-4.17"] {
            let refused = try Binary.run(acquire + ["--narrowing", mode])
            #expect(refused.status == 65 && refused.stderr.contains("-ERANGE, common/compat/memory.c compat_memory_op"), "\(mode)")
        }
        #expect(try Binary.run(base + ["--narrowing", "lax", wide]).status == 64)
    }

    @Test func translateTheFrameListBehindAHandle() throws {
        let native = try Binary.run(["abi", "translate", "gnttab_setup_table.frame_list", "--from", "32", "--to", "64",
                                     "78563412" + "ffffffff"])
        #expect(native.status == 0 && native.stdout == "7856341200000000" + "ffffffff00000000" + "\n")
        let back = try Binary.run(["abi", "translate", "gnttab_setup_table.frame_list", "--from", "64", "--to", "32",
                                   "7856341200000000" + "ffffffff00000000"])
        #expect(back.status == 0 && back.stdout == "78563412" + "ffffffff" + "\n")
        let wide = try Binary.run(["abi", "translate", "gnttab_setup_table.frame_list", "--from", "64", "--to", "32",
                                   "0100000000000000" + "0000000001000000"])
        #expect(wide.status == 65 && wide.stdout.isEmpty)
        #expect(wide.stderr.contains("frame_list[1]") && wide.stderr.contains("GNTST_address_too_big"))
        let list = try json(try Binary.run(["abi", "list", "--json"]).stdout)
        let arrays = try #require(list["arrays"] as? [[String: Any]])
        let frames = try #require(arrays.first { $0["name"] as? String == "xen_mem_acquire_resource.frame_list" })
        #expect(frames["element"] as? String == "xen_pfn_t" && frames["count"] as? String == "nr_frames")
        #expect(frames["size_x86_32"] as? Int == 4 && frames["size_x86_64"] as? Int == 8)
    }

    @Test func decodeJSONGivesNumbersStringsAndLists() throws {
        let hex = "ffffffff" + "0100000000000000" + String(repeating: "0200000000000000", count: 4)
        let result = try Binary.run(["abi", "decode", "vcpu_runstate_info", "--abi", "32", hex, "--json"])
        #expect(result.status == 0)
        let values = try #require(try json(result.stdout)["values"] as? [String: Any])
        #expect(values["state"] as? Int == -1)
        #expect(values["state_entry_time"] as? Int == 1)
        #expect(values["time"] as? [Int] == [2, 2, 2, 2])
        let compile = "6763630000" + String(repeating: "00", count: 64 + 16 + 32 + 32 - 5)
        let info = try json(try Binary.run(["abi", "decode", "xen_compile_info", "--abi", "64", compile, "--json"]).stdout)
        #expect((info["values"] as? [String: Any])?["compiler"] as? String == "gcc")
    }

    @Test func encodeIsTheInverseOfDecode() throws {
        let encoded = try Binary.run(["abi", "encode", "multicall_entry", "--abi", "32", "op=1", "result=-22",
                                      "args=1,2,3"])
        #expect(encoded.status == 0)
        let hex = encoded.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(hex == "01000000" + "eaffffff" + "010000000200000003000000" + String(repeating: "0", count: 24))
        let decoded = try json(try Binary.run(["abi", "decode", "multicall_entry", "--abi", "32", hex, "--json"]).stdout)
        let values = try #require(decoded["values"] as? [String: Any])
        #expect(values["op"] as? Int == 1 && values["args"] as? [Int] == [1, 2, 3, 0, 0, 0])
        let text = try Binary.run(["abi", "encode", "xen_compile_info", "--abi", "64", "compiler=gcc"])
        #expect(text.stdout.hasPrefix("67636300"))
        let wide = try Binary.run(["abi", "encode", "trap_info", "--abi", "32", "address=0x100000000"])
        #expect(wide.status == 65 && wide.stderr.contains("does not fit"))
        let unknown = try Binary.run(["abi", "encode", "trap_info", "--abi", "32", "nope=1"])
        #expect(unknown.status == 65)
    }

    struct BadCase: Sendable, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        var description: String { arguments.joined(separator: " ") }
    }

    static let badCases: [BadCase] = [
        BadCase(arguments: ["abi", "decode", "trap_info", "--abi", "32", "abc"], status: 65),        // odd length
        BadCase(arguments: ["abi", "decode", "trap_info", "--abi", "32", "zz00000000000000"], status: 65),  // not hex
        BadCase(arguments: ["abi", "decode", "trap_info", "--abi", "32", "0011"], status: 65),       // short buffer
        BadCase(arguments: ["abi", "decode", "no_such_struct", "--abi", "32", "00"], status: 64),    // unknown struct
        BadCase(arguments: ["abi", "layout", "trap_info", "--abi", "16"], status: 64),               // bad ABI
        BadCase(arguments: ["abi", "layout", "iret_context", "--abi", "32"], status: 64),            // x86_64 only
        BadCase(arguments: ["abi", "marshal", "no_such_call", "--abi", "64"], status: 64),
        BadCase(arguments: ["abi", "marshal", "xen_version", "1", "--abi", "64"], status: 65),       // argument count
        BadCase(arguments: ["abi", "marshal", "memory_op", "0x100000000", "0", "--abi", "32"], status: 65),  // too wide
        BadCase(arguments: ["abi", "translate", "mmu_update", "--from", "32", "--to", "64", "00"], status: 65),
    ]

    @Test(arguments: badCases)
    func badInputIsOneLineWithItsStatus(_ bad: BadCase) throws {
        let result = try Binary.run(bad.arguments)
        #expect(result.status == bad.status, "\(bad): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(bad): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func listNamesStructuresAndHypercalls() throws {
        let result = try Binary.run(["abi", "list"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("xen_memory_reservation"))
        #expect(result.stdout.contains("update_va_mapping"))
        let object = try json(try Binary.run(["abi", "list", "--json"]).stdout)
        #expect((object["structures"] as? [Any])?.count ?? 0 > 100)
        let groups = try #require(object["constants"] as? [[String: Any]])
        let version = try #require(groups.first { $0["group"] as? String == "xen_version" })
        #expect((version["values"] as? [String: Any])?["XENVER_get_features"] as? Int == 6)
        #expect(result.stdout.contains("XENMEM_memory_map=9"))
    }
}
