import XenCompat
import XenInterface

/// The start_info checks of the PV test guests: the page Xen's domain builder handed over in
/// ESI/RSI, decoded with ABI32's / ABI64's `start_info` layout (xen/arch/x86/pv/dom0_build.c
/// fills the native structure, then for a 32-bit guest translates it in place with
/// `xlat_start_info`, xen/common/compat/xlat.c).
extension PVGuestChecks {
    /// Fields that must hold the same value in both guests (the same dom0_mem, module and Xen);
    /// the others differ by design: magic, the page-table, P2M and command-line addresses and counts.
    static let startInfoAgreeing = ["nr_pages", "shared_info", "flags", "store_mfn", "store_evtchn",
                                    "console.dom0.info_off", "console.dom0.info_size", "mod_start", "mod_len",
                                    "first_p2m_pfn", "nr_p2m_frames"]

    mutating func checkStartInfo() {
        var decoded: [Architecture: StructValue] = [:]
        for (results, abi) in [(pv32, Architecture.x86_32), (pv64, .x86_64)] {
            let name = "pv\(abi.bits) start_info"
            let layout = abi.layout(.start_info)
            guard let page = results.startInfoPage, page.count == XEN_PAGE_SIZE, let v = try? layout.decode(page) else {
                record(name, false, "the guest printed no \(XEN_PAGE_SIZE)-byte start_info page")
                continue
            }
            decoded[abi] = v
            let magic = String(decoding: (v.fields["magic"] ?? []).map { UInt8(truncatingIfNeeded: $0) }.prefix { $0 != 0 },
                               as: UTF8.self)
            let want = PVConstants.startInfoMagic(abi)
            record(name + " magic", magic == want, "\"\(magic)\", dom0_build.c writes \"\(want)\" for this guest")
            let pages = v["nr_pages"] ?? 0
            record(name + " nr_pages", pages == dom0Pages, "\(pages), dom0_mem is \(dom0Pages) pages")
            let flags = v["flags"] ?? 0
            record(name + " flags", flags & PVConstants.dom0Flags == PVConstants.dom0Flags,
                   "0x\(String(flags, radix: 16)): SIF_PRIVILEGED|SIF_INITDOMAIN \(flags & PVConstants.dom0Flags == PVConstants.dom0Flags ? "set" : "missing")")
            let modLen = v["mod_len"] ?? 0, modStart = v["mod_start"] ?? 0
            record(name + " module", modLen == moduleLength && modStart != 0 && modStart % UInt64(XEN_PAGE_SIZE) == 0,
                   "mod_start 0x\(String(modStart, radix: 16)), mod_len \(modLen) (the stage's module: \(moduleLength) bytes)")
            let aligned = ["pt_base", "mfn_list", "shared_info"].filter {
                let a = v[$0] ?? 0
                return a == 0 || a % UInt64(XEN_PAGE_SIZE) != 0
            }
            record(name + " addresses", aligned.isEmpty && (v["nr_pt_frames"] ?? 0) > 0,
                   aligned.isEmpty ? "pt_base 0x\(String(v["pt_base"] ?? 0, radix: 16)), \(v["nr_pt_frames"] ?? 0) page-table frames, "
                                     + "mfn_list 0x\(String(v["mfn_list"] ?? 0, radix: 16)) page-aligned"
                                   : "not page-aligned or zero: \(aligned.joined(separator: ", "))")
            let cmdline = v.fields["cmd_line"] ?? []
            record(name + " cmd_line", cmdline.contains(0), cmdline.contains(0) ? "NUL-terminated within \(cmdline.count) bytes"
                                                                                : "no NUL in \(cmdline.count) bytes")
            // Xen places the boot console's dom0_vga_console_info right after the NATIVE
            // start_info, for a 32-bit guest too (dom0_build.c: info_off = sizeof(struct start_info)).
            let infoOff = v["console.dom0.info_off"] ?? 0, infoSize = v["console.dom0.info_size"] ?? 0
            let vga = StructDescription.dom0_vga_console_info.layout64.size
            let native = StructDescription.start_info.layout64.size
            record(name + " console info", infoOff == UInt64(native) && infoSize == UInt64(vga),
                   "info_off \(infoOff), info_size \(infoSize): after the native \(native)-byte start_info, "
                   + "one \(vga)-byte dom0_vga_console_info")
            // Between the structure and the console info, the page Xen cleared (clear_page) stays 0.
            // For a 32-bit guest Xen filled the native structure and translated it in place
            // (xlat_start_info), so from the compat layout's end to the native one lies the native
            // structure's tail: checked against the 64-bit guest's page below.
            let from = abi == .x86_32 ? native : layout.size
            let console = Int(clamping: infoOff)..<(Int(clamping: infoOff) + Int(clamping: infoSize))
            let stray = page.indices.first { $0 >= from && !console.contains($0) && page[$0] != 0 }
            record(name + " extent", stray == nil,
                   stray.map { "byte \($0) past the \(from)-byte structure (outside the console info) is not 0" }
                   ?? "the page past the \(from)-byte structure holds 0 but for the console info at \(console)")
            checkPadding(name, page, layout)
        }
        guard let v32 = decoded[.x86_32], let v64 = decoded[.x86_64], let page32 = pv32.startInfoPage else { return }
        if let page64 = pv64.startInfoPage, page64.count == page32.count {
            let tail = StructDescription.start_info.layout32.size..<StructDescription.start_info.layout64.size
            let same = page32[tail] == page64[tail]
            record("pv32 start_info native tail", same,
                   "bytes \(tail.lowerBound)..<\(tail.upperBound) (past the compat layout, the native structure "
                   + "xlat_start_info translated in place) \(same ? "equal" : "differ from") the 64-bit guest's")
        }
        let differing = Self.startInfoAgreeing.filter { v32[$0] != v64[$0] }
        record("pv32/pv64 start_info agree", differing.isEmpty,
               differing.isEmpty ? "\(Self.startInfoAgreeing.count) fields hold the same values"
                                 : "differ: " + differing.map { "\($0) 0x\(String(v32[$0] ?? 0, radix: 16)) and 0x\(String(v64[$0] ?? 0, radix: 16))" }
                                   .joined(separator: ", "))
        // XenCompat's translation of the 32-bit guest's start_info into the native layout.
        do {
            let compat = Array(page32.prefix(StructDescription.start_info.layout32.size))
            // A dom0's console union holds `dom0` (xlat_start_info, XLAT_start_info_console_dom0).
            let native = try CompatTranslator(.start_info, alternatives: ["console": "dom0"]).toNative(compat)
            let after = try StructDescription.start_info.layout64.decode(native)
            // The domU alternative is another reading of the same bytes, not a value of a dom0.
            let changed = Set(v32.fields.keys).union(after.fields.keys).sorted()
                .filter { !$0.hasPrefix("console.domU.") && v32.fields[$0] != after.fields[$0] }
            let agreeing = Self.startInfoAgreeing.filter { after[$0] != v64[$0] }
            record("pv32/pv64 start_info compat translation", changed.isEmpty && agreeing.isEmpty,
                   (changed.isEmpty ? "\(compat.count) compat bytes -> \(native.count) native bytes, every field keeps its value"
                                    : "values changed in translation: \(changed.joined(separator: ", "))")
                   + (agreeing.isEmpty ? ", the agreeing fields equal the 64-bit guest's"
                                       : ", differs from the 64-bit guest's in \(agreeing.joined(separator: ", "))"))
        } catch {
            record("pv32/pv64 start_info compat translation", false, "\(error)")
        }
    }
}
